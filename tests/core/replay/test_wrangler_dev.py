"""Replay against the pinned real `wrangler dev --local` serving the example content Worker.

The fixture copies `examples/mustbeviral/workers/content-worker` to a temp dir, applies its D1
migrations with `wrangler d1 migrations apply --local`, and serves it on 127.0.0.1. The example's
`compatibility_date` (2026-10-01) is newer than the pinned workerd supports, so `wrangler dev`
gets `--compatibility-date 2026-05-01`; nothing else is changed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.peers import REPO, peer_env, require_peer

pytestmark = pytest.mark.wrangler

CONTENT_WORKER = REPO / "examples" / "mustbeviral" / "workers" / "content-worker"
PROD = "https://content.mustbeviral.com"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wrangler_env(root: Path) -> dict[str, str]:
    env = peer_env(root / "home")
    # keep wrangler off the network: no update check (banner), no Request.cf download
    env.update({"WRANGLER_HIDE_BANNER": "true", "CLOUDFLARE_CF_FETCH_ENABLED": "false"})
    return env


@pytest.fixture(scope="module")
def worker_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    wrangler = require_peer("wrangler")
    root = tmp_path_factory.mktemp("content-worker")
    shutil.copytree(CONTENT_WORKER, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".wrangler", "node_modules"))
    env = _wrangler_env(root)
    migrate = subprocess.run([str(wrangler), "d1", "migrations", "apply", "CONTENT_DB", "--local"], cwd=root, env=env,
                             capture_output=True, text=True, timeout=120, check=False)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    port = _free_port()
    log = (root / "wrangler.log").open("wb")
    process = subprocess.Popen([str(wrangler), "dev", "--ip", "127.0.0.1", "--port", str(port), "--local",
                                "--compatibility-date", "2026-05-01"],
                               cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"wrangler dev exited early: {(root / 'wrangler.log').read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(f"{url}/ready", timeout=2).status_code == 404:  # the Worker's own 404
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("wrangler dev did not become ready within 90 s")
            time.sleep(0.25)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.close()


def _bodies(stdout: str) -> list[tuple[int, object]]:
    return [(e["response"]["status"], json.loads(e["response"]["body"])) for e in json.loads(stdout)["exchanges"]]


def test_http_file_against_wrangler_dev(run_mbv, worker_url: str, tmp_path: Path) -> None:
    source = tmp_path / "content.http"
    source.write_text(
        f"@base = {PROD}\n"
        "### create a post (the gateway sets x-user-id)\n"
        "POST {{base}}/posts\n"
        "Content-Type: application/json\n"
        "X-User-Id: {{$processEnv REPLAY_USER}}\n"
        "\n"
        '{"title": "Hello", "body": "First post"}\n'
        "\n"
        "### the public feed\n"
        "GET {{base}}/posts?limit=5&sort=score\n"
        "\n"
        "### no such route\n"
        "GET {{base}}/nope\n", encoding="utf-8")
    result = run_mbv("replay", str(source), "--target", worker_url, "-f", "json", env={"REPLAY_USER": "u-42"})
    assert result.exit_code == 1  # the 404 counts as a failure by default
    (created_status, created), feed, missing = _bodies(result.stdout)
    assert created_status == 202
    assert created["status"] == "pending_review"  # type: ignore[index]
    assert re.fullmatch(r"[0-9a-f-]{36}", created["id"])  # type: ignore[index]
    assert feed == (200, {"posts": []})  # drafts are not in the public feed
    assert missing == (404, {"error": "not found"})
    again = run_mbv("replay", str(source), "--target", worker_url, "--expect-status", "2xx,404",
                    env={"REPLAY_USER": "u-42"})
    assert again.exit_code == 0, again.stdout + again.stderr
    assert "< HTTP/1.1 202 Accepted" in again.stdout


def test_curl_command_against_wrangler_dev(run_mbv, worker_url: str) -> None:
    command = (f"curl '{PROD}/posts' -X POST -H 'Content-Type: application/json' -H 'X-User-Id: u-7' "
               "--data-raw '{\"title\": \"no body\"}'")
    result = run_mbv("replay", "--curl", command, "--target", worker_url, "-f", "json")
    assert result.exit_code == 1
    assert _bodies(result.stdout) == [(400, {"error": "title and body are required"})]
    anonymous = run_mbv("replay", "--curl", command, "--target", worker_url, "--drop-header", "x-user-id",
                        "-f", "json")
    assert _bodies(anonymous.stdout) == [(401, {"error": "unauthorized"})]


def test_synthetic_tail_log_against_wrangler_dev(run_mbv, worker_url: str, tmp_path: Path) -> None:
    def event(outcome: str, method: str, path: str, status: int, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
        return {"wallTime": 12, "cpuTime": 3, "truncated": False, "executionModel": "stateless",
                "outcome": outcome, "scriptName": "mustbeviral-content-production", "diagnosticsChannelEvents": [],
                "exceptions": [], "logs": [], "eventTimestamp": 1764300000000,
                "event": {"request": {"url": f"{PROD}{path}", "method": method, "headers": headers,
                                      "cf": {"colo": "AMS", "country": "NL", "httpProtocol": "HTTP/2"}},
                          "response": {"status": status}}}

    events = [event("ok", "GET", "/posts?limit=1", 200, {"accept": "application/json", "cookie": "REDACTED"}),
              event("ok", "GET", "/posts?sort=views", 500, {"accept": "application/json"}),
              event("exception", "POST", "/posts/abc/boost", 500, {"x-user-id": "u-1"})]
    log = tmp_path / "tail.json"
    log.write_text("".join(json.dumps(e, indent=4) + "\n" for e in events), encoding="utf-8")

    # the production 500 from ?sort= reproduces locally: the column goes straight into ORDER BY
    failing = run_mbv("replay", str(log), "--target", worker_url, "--status", "5xx", "--outcome", "ok", "-f", "json")
    assert failing.exit_code == 1
    (only,) = json.loads(failing.stdout)["exchanges"]
    assert only["request"]["url"] == f"{worker_url}/posts?sort=views"
    assert (only["response"]["status"], json.loads(only["response"]["body"])) == (500, {"error": "internal error"})

    fine = run_mbv("replay", str(log), "--target", worker_url, "--status", "2xx", "-f", "json")
    assert fine.exit_code == 0, fine.stdout + fine.stderr
    assert _bodies(fine.stdout) == [(200, {"posts": []})]
    assert "cookie" in fine.stderr  # the tail's redacted header was noted, not sent

    # tail events carry no body: the boost handler's request.json() throws and the Worker answers 500
    # before it could call out to the payment provider
    boost = run_mbv("replay", str(log), "--target", worker_url, "--outcome", "exception", "-f", "json")
    assert boost.exit_code == 1
    assert _bodies(boost.stdout) == [(500, {"error": "internal error"})]
    assert "no request body" in boost.stderr
