"""Against the pinned real wrangler: `mbv db locate` names the very file wrangler wrote, and
`mbv db health`/`locks` run beside `wrangler dev` without disturbing its requests."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.peers import peer_env, require_peer

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "db" / "worker"
STATE = Path(".wrangler/state/v3/d1/miniflare-D1DatabaseObject")

pytestmark = pytest.mark.wrangler


@pytest.fixture
def worker(tmp_path: Path) -> Path:
    target = tmp_path / "worker"
    shutil.copytree(FIXTURE, target)
    return target


def _wrangler(worker: Path, tmp_path: Path, *args: str, timeout: float = 120) -> None:
    wrangler = require_peer("wrangler")
    proc = subprocess.run([str(wrangler), *args], cwd=worker, env=peer_env(tmp_path / "home"),
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


def _sqlite_files(root: Path) -> set[Path]:
    return {p for p in root.glob("**/*.sqlite") if p.name != "metadata.sqlite"} if root.exists() else set()


@pytest.mark.parametrize(("binding", "persist"), [("DB", None), ("PREVIEWED", None), ("NOID", None),
                                                   ("DB", "alt-state")])
def test_locate_names_the_file_wrangler_wrote(worker: Path, tmp_path: Path, run_mbv, binding: str,
                                              persist: str | None) -> None:
    extra = ["--persist-to", persist] if persist else []
    root = worker / persist if persist else worker / ".wrangler" / "state"
    before = _sqlite_files(root)
    _wrangler(worker, tmp_path, "d1", "migrations", "apply", binding, "--local", *extra)
    written = _sqlite_files(root) - before
    assert len(written) == 1, written
    out = run_mbv("db", "locate", binding, *extra, "--format", "json", cwd=worker)
    data = json.loads(out.stdout)
    assert out.exit_code == 0 and data["exists"] is True
    assert Path(data["path"]).resolve() == written.pop().resolve()
    files = sorted(Path(data["path"]).parent.iterdir())
    before_bytes = {p.name: p.read_bytes() for p in files if not p.name.endswith("-shm")}
    health = run_mbv("db", "health", binding, *extra, "--format", "json", cwd=worker)
    found = json.loads(health.stdout)
    after = sorted(Path(data["path"]).parent.iterdir())
    assert after == files  # nothing created or removed (wrangler leaves -wal/-shm; mbv keeps them)
    assert {p.name: p.read_bytes() for p in after if not p.name.endswith("-shm")} == before_bytes
    assert health.exit_code == 0
    assert {c["name"]: c["detail"] for c in found["checks"]}["migrations"].startswith("2 applied, 0 pending")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def wrangler_dev(worker: Path, tmp_path: Path) -> Iterator[str]:
    _wrangler(worker, tmp_path, "d1", "migrations", "apply", "DB", "--local")
    wrangler = require_peer("wrangler")
    port = _free_port()
    log = open(tmp_path / "dev.log", "w")  # noqa: SIM115 - closed in teardown
    proc = subprocess.Popen([str(wrangler), "dev", "--ip", "127.0.0.1", "--port", str(port)], cwd=worker,
                            env=peer_env(tmp_path / "home"), stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("wrangler dev did not start: " + (tmp_path / "dev.log").read_text()[-2000:])
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the group we started: wrangler, node and workerd
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def test_health_and_locks_beside_wrangler_dev(worker: Path, wrangler_dev: str, run_mbv) -> None:
    results: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def traffic() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                with urllib.request.urlopen(f"{wrangler_dev}/write?t=r{n}", timeout=10) as response:
                    results.append(json.loads(response.read())["posts"])
            except Exception as exc:  # any failed request fails the test
                errors.append(repr(exc))

    thread = threading.Thread(target=traffic)
    thread.start()
    try:
        time.sleep(0.3)
        for _ in range(3):
            health = run_mbv("db", "health", "DB", "--format", "json", cwd=worker)
            data = json.loads(health.stdout)
            status = {c["name"]: c["status"] for c in data["checks"]}
            assert status["integrity"] == "ok" and status["migrations"] == "ok", data
            locks = run_mbv("db", "locks", "DB", "--format", "json", cwd=worker)
            state = json.loads(locks.stdout)
            assert state["journal_mode"] == "wal"
            assert any("workerd" in (c["command"] or "") for c in state["connections"]), state
            assert locks.exit_code == (1 if state["writer_would_block"] else 0)
    finally:
        stop.set()
        thread.join()
    assert not errors, errors
    assert len(results) >= 3 and results == sorted(results)  # every write landed, in order
