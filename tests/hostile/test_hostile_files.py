"""Every command given a hostile file where it expects a file: a FIFO without a writer, /dev/zero,
a directory, a symlink loop, an empty file, random binary. mbv must end with exit 0, 1 or 2 (never 3,
a crash) within a time limit (never hang on the FIFO, never read /dev/zero to the end).

The children run with an address-space limit (resource.setrlimit), so reading /dev/zero without a
cap fails fast as MemoryError instead of filling the machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 30
MEMORY_LIMIT = 1024 * 1024 * 1024

HOSTILE = ["fifo", "devzero", "directory", "loop", "empty", "binary"]

# {F}: the hostile path; {W}: a valid Worker directory (cwd); every command names its file argument once
COMMANDS: list[tuple[str, list[str]]] = [
    ("jwt-secret-file", ["jwt", "verify", "a.b.c", "--secret-file", "{F}"]),
    ("jwt-public-key", ["jwt", "verify", "a.b.c", "--public-key", "{F}"]),
    ("jwt-jwks", ["jwt", "verify", "a.b.c", "--jwks", "{F}"]),
    ("jwt-mint-secret", ["jwt", "mint", "--secret-file", "{F}"]),
    ("bindings-list-config", ["bindings", "list", "-c", "{F}"]),
    ("bindings-list-path", ["bindings", "list", "{F}"]),
    ("bindings-diff-config", ["bindings", "diff", "-c", "{F}"]),
    ("doctor-config", ["doctor", "-c", "{F}"]),
    ("doctor-path", ["doctor", "{F}"]),
    ("db-health", ["db", "health", "{F}"]),
    ("db-locks", ["db", "locks", "{F}"]),
    ("db-locate-config", ["db", "locate", "DB", "-c", "{F}"]),
    ("migrate-status-db-file", ["migrate", "status", "DB", "--db-file", "{F}"]),
    ("migrate-verify-db-file", ["migrate", "verify", "DB", "--db-file", "{F}"]),
    ("migrate-apply-db-file", ["migrate", "apply", "DB", "--db-file", "{F}", "--no-backup"]),
    ("migrate-status-dir", ["migrate", "status", "DB", "--dir", "{F}"]),
    ("migrate-hash-dir", ["migrate", "hash", "DB", "--dir", "{F}"]),
    ("migration-entry", ["migrate", "status", "DB", "--dir", "{M}"]),
    ("migration-entry-apply", ["migrate", "apply", "DB", "--dir", "{M}", "--no-backup"]),
    ("replay-source", ["replay", "{F}", "--dry-run"]),
    ("replay-har", ["replay", "{F}", "--from", "har", "--dry-run"]),
    ("replay-curl-file", ["replay", "--curl", "@{F}", "--dry-run"]),
    ("replay-data-file", ["replay", "POST", "http://127.0.0.1:9/x", "-d", "@{F}", "--dry-run"]),
    ("replay-curl-data-file", ["replay", "--curl", "curl -d @{F} http://127.0.0.1:9/x", "--dry-run"]),
    ("replay-http-body-file", ["replay", "{H}", "--dry-run"]),
    ("replay-har-out", ["replay", "GET", "http://127.0.0.1:9/x", "--dry-run", "--har-out", "{F}"]),
]


def make_hostile(kind: str, where: Path) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    path = where / "target.sql"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "devzero":
        path.symlink_to("/dev/zero")
    elif kind == "directory":
        path.mkdir()
    elif kind == "loop":
        path.symlink_to(path.name)
    elif kind == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(bytes(range(256)) * 64 + b"\xff\xfe\x00[[[[")
    return path


def make_worker(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "wrangler.toml").write_text(
        'name = "app"\nmain = "src/index.ts"\ncompatibility_date = "2025-01-01"\n\n'
        '[[d1_databases]]\nbinding = "DB"\ndatabase_name = "appdb"\n'
        'database_id = "11111111-2222-3333-4444-555555555555"\n')
    (root / "src").mkdir()
    (root / "src" / "index.ts").write_text("export default { fetch() { return new Response('ok'); } };\n")
    (root / "migrations").mkdir()
    (root / "migrations" / "0001_init.sql").write_text("CREATE TABLE t(x);\n")
    return root


def limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize(("name", "args"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_hostile_file_argument_ends_in_exit_0_1_or_2(tmp_path: Path, kind: str, name: str,
                                                     args: list[str]) -> None:
    worker = make_worker(tmp_path / "w")
    hostile = make_hostile(kind, tmp_path / "h")
    migrations = tmp_path / "m"
    if kind == "loop":
        migrations.mkdir()
        (migrations / "0002_hostile.sql").symlink_to("0002_hostile.sql")
    else:
        make_hostile(kind, migrations).rename(migrations / "0002_hostile.sql")
    (migrations / "0001_init.sql").write_text("CREATE TABLE t(x);\n")
    http = tmp_path / "req.http"
    http.write_text(f"POST http://127.0.0.1:9/x\nContent-Type: application/json\n\n< {hostile}\n")
    argv = [a.replace("{F}", str(hostile)).replace("{M}", str(migrations)).replace("{H}", str(http))
            for a in args]
    env = {**os.environ, "PYTHONPATH": str(REPO), "MBV_FORCE_WIDTH": "200", "NO_COLOR": "1"}
    env.pop("MBV_DEBUG", None)
    try:
        proc = subprocess.run([sys.executable, "-m", "mbv_cli", *argv], cwd=worker, env=env, text=True,
                              capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL,
                              preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"mbv {' '.join(argv)} did not finish within {TIMEOUT}s ({kind})")
    assert proc.returncode in (0, 1, 2), (kind, argv, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    if proc.returncode == 2:
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


@pytest.mark.parametrize("args", [["doctor"], ["bindings", "list"], ["bindings", "diff"], ["migrate", "status", "DB"]])
def test_hostile_files_inside_a_worker(tmp_path: Path, args: list[str]) -> None:
    """`main` a FIFO, a source file linked to /dev/zero, a FIFO in src/, a FIFO .dev.vars: read by no command."""
    worker = make_worker(tmp_path / "w")
    (worker / "wrangler.toml").write_text((worker / "wrangler.toml").read_text()
                                          + '\n[[durable_objects.bindings]]\nname = "DO"\nclass_name = "Counter"\n')
    (worker / "src" / "index.ts").unlink()
    os.mkfifo(worker / "src" / "index.ts")
    os.mkfifo(worker / "src" / "other.ts")
    (worker / "src" / "zero.ts").symlink_to("/dev/zero")
    os.mkfifo(worker / ".dev.vars")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("MBV_DEBUG", None)
    try:
        proc = subprocess.run([sys.executable, "-m", "mbv_cli", *args], cwd=worker, env=env, text=True,
                              capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL,
                              preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"mbv {' '.join(args)} hung on a FIFO or device inside the Worker")
    assert proc.returncode in (0, 1, 2), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
