"""Issue 17: Ctrl-C (a real SIGINT to a real `mbv` process) prints one line and exits 130, never a
traceback; `migrate apply` says which migrations were committed; `replay --repeat` prints the
statistics so far. Servers and databases are real and local."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mbv_cli.core.d1_target import resolve_d1_target
from tests.support.echo_server import EchoServer, serve_echo


@pytest.fixture
def echo() -> Iterator[EchoServer]:
    with serve_echo(record=False) as server:
        yield server


# what the installed `mbv` console script runs (`python -m mbv_cli` adds runpy, which now and then
# turns an already handled Ctrl-C at start-up into a bare SIGINT exit after mbv's line was printed)
LAUNCHER = "import sys; from mbv_cli.cli.main import main; sys.exit(main())"


def _start(args: list[str], env: dict[str, str], cwd: Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", LAUNCHER, *args], env=env, cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _interrupt(proc: subprocess.Popen[str], after: float) -> tuple[int, str, str]:
    time.sleep(after)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def _migrations_worker(root: Path, rows: int) -> Path:
    (root / "migrations").mkdir(parents=True)
    (root / "wrangler.toml").write_text(
        'name = "w"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n[[d1_databases]]\n'
        'binding = "DB"\ndatabase_name = "db"\ndatabase_id = "00000000-0000-0000-0000-0000000000aa"\n')
    (root / "migrations" / "0001_small.sql").write_text("CREATE TABLE small(x INTEGER);\n")
    (root / "migrations" / "0002_slow.sql").write_text(
        "CREATE TABLE big(x INTEGER);\n"
        f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {rows}) "
        "INSERT INTO big SELECT x FROM c;\n")
    (root / "migrations" / "0003_after.sql").write_text("CREATE TABLE after(x INTEGER);\n")
    return root


@pytest.mark.parametrize("after", [0.25, 0.5, 1.0, 2.5])
def test_ctrl_c_anywhere_is_one_line_and_130(echo: EchoServer, subprocess_env: dict[str, str], after: float) -> None:
    """From start-up (imports, typer) to a request in flight: no traceback, one line."""
    proc = _start(["replay", "GET", f"{echo.url}/slow/20"], subprocess_env)
    code, _, err = _interrupt(proc, after)
    if "init_import_site" in err:  # CPython's own start-up (site.py), before any mbv code exists to help
        pytest.skip("the signal arrived while the interpreter itself was starting")
    assert "Traceback" not in err, err
    if code == -signal.SIGINT:  # the signal beat Python's own handler: killed silently, nothing to show
        assert err == ""
        return
    assert code == 130, err
    assert err.strip().splitlines() == ["mbv: interrupted"], err


def test_ctrl_c_during_migrate_apply_names_the_committed(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    import sqlite3

    worker = _migrations_worker(tmp_path / "w", 3_000_000)
    database = resolve_d1_target("DB", path=worker).path
    assert database is not None
    wal = Path(f"{database}-wal")
    proc = _start(["migrate", "apply", "DB", "--no-backup"], subprocess_env, cwd=worker)
    deadline = time.monotonic() + 60
    # the write-ahead log passes 1 MB only while 0002's rows go in (0001 has committed by then)
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 1_000_000:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "0002 finished before the test could interrupt it"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == ("mbv: interrupted; committed 1: 0001_small.sql; "
                                            "0002_slow.sql was rolled back"), err
    with sqlite3.connect(database) as db:
        ledger = [row[0] for row in db.execute("SELECT name FROM d1_migrations ORDER BY id")]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert ledger == ["0001_small.sql"]
    assert "small" in tables and "big" not in tables and "after" not in tables


def test_ctrl_c_during_remote_apply_says_the_one_in_flight_may_have_landed(
        tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    from tests.support.cf_api import serve_fake_cloudflare

    worker = _migrations_worker(tmp_path / "w", 2_000_000)
    with serve_fake_cloudflare(tmp_path / "cf") as fake:
        proc = _start(["migrate", "apply", "DB", "--remote"], {**subprocess_env, **fake.env()}, cwd=worker)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if any("INSERT INTO big" in r.get("body", "") for r in list(fake.requests)):
                break
            time.sleep(0.02)
        assert proc.poll() is None, "0002 finished before the test could interrupt it"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == ("mbv: interrupted; committed 1: 0001_small.sql; 0002_slow.sql was "
                                            "being sent and may have been applied (check migrate status)"), err


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_ctrl_c_during_repeat_prints_the_statistics_so_far(echo: EchoServer, subprocess_env: dict[str, str],
                                                           fmt: str) -> None:
    import json

    echo.record = True
    proc = _start(["replay", "GET", f"{echo.url}/slow/0.05", "--repeat", "100000", "--concurrency", "4",
                   "-f", fmt], subprocess_env)
    deadline = time.monotonic() + 60
    while len(echo.received) < 20 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)  # some requests have completed: the statistics have something to show
    code, out, err = _interrupt(proc, 0.1)
    assert code == 130, err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("mbv: interrupted after ") and last.endswith(" of 100000 requests "
                                                                       "(the statistics shown are for those)")
    done = int(last.split()[3])
    assert 0 < done < 100000
    if fmt == "json":
        summary = json.loads(out)["repeat"][0]
        assert summary["count"] == done and summary["statuses"] == {"200": done}
        assert summary["latency_ms"]["p50"] >= 50
    else:
        assert f"{done} × {echo.url}/slow/0.05" in out and "p50" in out
