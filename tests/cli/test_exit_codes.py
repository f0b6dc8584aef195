"""Input or environment problems end as exit 2 with one line, never exit 3 (an mbv bug): symlink
loops, directories and files where the other is expected, names too long for the file system,
non-UTF-8 files, unusable numbers, a missing pwsh, an unwritable HOME, a full disk, memory running
out, JSON nested 100k deep."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, CliResult

RunMbv = Callable[..., CliResult]

WRANGLER = ('name = "app"\ncompatibility_date = "2025-01-01"\n[[d1_databases]]\nbinding = "DB"\n'
            'database_name = "appdb"\ndatabase_id = "11111111-2222-3333-4444-555555555555"\n')


def worker(root: Path, extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "wrangler.toml").write_text(WRANGLER + extra)
    (root / "migrations").mkdir(exist_ok=True)
    (root / "migrations" / "0001_init.sql").write_text("CREATE TABLE t(x);\n")
    return root


def one_error_line(result: CliResult, *parts: str) -> None:
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mbv: error: "), result.stderr
    for part in parts:
        assert part in lines[0], lines[0]


def test_a_symlink_loop_as_db_file(tmp_path: Path, run_mbv: RunMbv) -> None:
    root = worker(tmp_path / "w")
    (root / "loop.sqlite").symlink_to("loop.sqlite")
    for command in ("status", "verify", "apply"):
        one_error_line(run_mbv("migrate", command, "DB", "--db-file", "loop.sqlite", cwd=root), "symlink loop")


@pytest.mark.parametrize("command", ["status", "verify", "apply", "hash"])
def test_a_symlink_loop_or_a_directory_in_migrations(tmp_path: Path, run_mbv: RunMbv, command: str) -> None:
    root = worker(tmp_path / "w")
    (root / "migrations" / "0002_loop.sql").symlink_to("0002_loop.sql")
    result = run_mbv("migrate", command, "DB", cwd=root)
    if command in ("apply", "hash"):  # status lists names; verify reads applied files and mbv.sum
        one_error_line(result, "0002_loop.sql", "symlink loop")
    (root / "migrations" / "0002_loop.sql").unlink()
    (root / "migrations" / "0002_x.sql").mkdir()
    result = run_mbv("migrate", command, "DB", cwd=root)
    if command in ("apply", "hash"):
        one_error_line(result, "0002_x.sql is a directory, not a migration file")
    else:
        assert result.exit_code in (0, 1), result.stderr


def test_migrations_dir_pointing_at_a_file(tmp_path: Path, run_mbv: RunMbv) -> None:
    root = worker(tmp_path / "w", 'migrations_dir = "wrangler.toml"\n')
    one_error_line(run_mbv("migrate", "status", "DB", cwd=root), "is a file, not a migrations directory")


def test_a_migration_name_too_long_for_the_file_system(tmp_path: Path, run_mbv: RunMbv) -> None:
    root = worker(tmp_path / "w")
    one_error_line(run_mbv("migrate", "create", "DB", "x" * 5000, cwd=root), "5000 characters", "255-byte")
    assert sorted(p.name for p in (root / "migrations").iterdir()) == ["0001_init.sql"]


def test_a_worker_directory_that_cannot_be_written(tmp_path: Path, run_mbv: RunMbv) -> None:
    """The state directory sits under a file (ENOTDIR, which root cannot override either)."""
    root = worker(tmp_path / "w")
    (root / ".wrangler").write_text("a file where wrangler keeps its state")
    one_error_line(run_mbv("migrate", "apply", "DB", "--no-backup", cwd=root), "Not a directory")
    one_error_line(run_mbv("migrate", "create", "DB", "next", "--dir", ".wrangler/migrations", cwd=root),
                   "cannot create the migrations directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes through permissions")
def test_unreadable_migrations_and_a_read_only_worker(tmp_path: Path, run_mbv: RunMbv) -> None:
    root = worker(tmp_path / "w")
    (root / "migrations" / "0001_init.sql").chmod(0)
    try:
        one_error_line(run_mbv("migrate", "apply", "DB", cwd=root), "permission denied")
    finally:
        (root / "migrations" / "0001_init.sql").chmod(0o644)
    (root / "migrations").chmod(0o300)
    try:
        one_error_line(run_mbv("migrate", "status", "DB", cwd=root), "permission denied")
    finally:
        (root / "migrations").chmod(0o755)
    root.chmod(0o555)
    try:
        one_error_line(run_mbv("migrate", "apply", "DB", cwd=root), "cannot create")
    finally:
        root.chmod(0o755)


def test_a_curl_file_that_is_not_utf8(tmp_path: Path, run_mbv: RunMbv) -> None:
    (tmp_path / "req.curl").write_bytes(b"curl -d caf\xe9 http://127.0.0.1:9/\n")
    one_error_line(run_mbv("replay", "--curl", "@req.curl", "--dry-run", cwd=tmp_path),
                   "req.curl:1:12", "not UTF-8")


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "1e30"])
@pytest.mark.parametrize("option", ["--connect-timeout", "--read-timeout", "--max-time", "--max-body"])
def test_unusable_numbers_for_replay(tmp_path: Path, run_mbv: RunMbv, option: str, value: str) -> None:
    one_error_line(run_mbv("replay", "GET", "http://127.0.0.1:9/", f"{option}={value}", "--dry-run", cwd=tmp_path),
                   option)


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "1e30"])
def test_unusable_lock_timeouts(tmp_path: Path, run_mbv: RunMbv, value: str) -> None:
    root = worker(tmp_path / "w")
    one_error_line(run_mbv("migrate", "apply", "DB", f"--lock-timeout={value}", cwd=root), "--lock-timeout")
    one_error_line(run_mbv("migrate", "baseline", "DB", "--to", "0001_init.sql", f"--lock-timeout={value}",
                           "--yes", cwd=root), "--lock-timeout")
    assert not (root / ".wrangler").exists()


def test_powershell_completion_without_pwsh(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    env = {**subprocess_env, "PATH": str(tmp_path), "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "mbv_cli", "completions", "install", "powershell"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "needs pwsh" in proc.stderr and len(proc.stderr.splitlines()) == 1


def test_completion_install_with_an_unwritable_home(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    home = tmp_path / "home"
    home.write_text("not a directory")
    proc = subprocess.run([sys.executable, "-m", "mbv_cli", "completions", "install", "bash"],
                          env={**subprocess_env, "HOME": str(home)}, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("mbv: error: cannot write the bash completion file") and \
        len(proc.stderr.splitlines()) == 1


@pytest.mark.parametrize("args", [["rules"], ["--version"], ["completions", "show", "bash"]])
def test_stdout_on_a_full_disk(subprocess_env: dict[str, str], args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "mbv_cli", *args], env=subprocess_env, stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == "mbv: error: cannot write the output: No space left on device\n"


def test_memory_running_out_is_one_line(tmp_path: Path, run_mbv: RunMbv, monkeypatch: pytest.MonkeyPatch) -> None:
    import mbv_cli.core.input_files as input_files

    def exhausted(*args: object, **kwargs: object) -> bytes:
        raise MemoryError

    monkeypatch.setattr(input_files, "read_file_bytes", exhausted)
    (tmp_path / "secret").write_text("s" * 40)
    one_error_line(run_mbv("jwt", "mint", "--secret-file", "secret", cwd=tmp_path), "out of memory")


def test_memory_running_out_under_a_real_limit(tmp_path: Path) -> None:
    """A 200 MB request body in a child limited to 300 MB of address space: MemoryError, exit 2."""
    body = tmp_path / "body.bin"
    with open(body, "wb") as handle:
        handle.truncate(60 * 1024 * 1024)
    code = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (300 << 20, 300 << 20)); "
            "from mbv_cli.cli.main import main; "
            "main(['replay', 'POST', 'http://127.0.0.1:9/x', '-d', '@body.bin', '--dry-run'])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode in (0, 1, 2), proc.stderr[-500:]
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr


@pytest.mark.parametrize("where", ["har", "jwks", "body"])
def test_json_nested_100k_deep_is_not_a_crash(tmp_path: Path, run_mbv: RunMbv, where: str) -> None:
    deep = "[" * 100_000
    if where == "har":
        (tmp_path / "deep.har").write_text('{"log": ' + deep)
        one_error_line(run_mbv("replay", "deep.har", "--dry-run", cwd=tmp_path), "deep.har", "nested too deeply")
    elif where == "jwks":
        (tmp_path / "deep.json").write_text(deep)
        token = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJzdWIiOiJ4In0.c2ln"
        one_error_line(run_mbv("jwt", "verify", token, "--jwks", "deep.json", cwd=tmp_path), "nested too deeply")
    else:
        (tmp_path / "deep.json").write_text(deep)
        result = run_mbv("replay", "POST", "http://127.0.0.1:9/x", "-H", "Content-Type: application/json",
                         "-d", "@deep.json", "--dry-run", cwd=tmp_path)
        assert result.exit_code in (0, 2), result.stderr
        if result.exit_code == 2:
            one_error_line(result, "nested too deeply")


def test_a_backup_directory_that_cannot_be_written(tmp_path: Path, run_mbv: RunMbv) -> None:
    root = worker(tmp_path / "w")
    assert run_mbv("migrate", "apply", "DB", "--no-backup", cwd=root).exit_code == 0
    (root / "migrations" / "0002_more.sql").write_text("CREATE TABLE u(x);\n")
    (root / ".wrangler" / "mbv-backups").write_text("a file where the backups go")
    one_error_line(run_mbv("migrate", "apply", "DB", cwd=root), "cannot write the backup", "--no-backup")
    status = run_mbv("migrate", "status", "DB", "--format", "json", cwd=root)
    assert '"pending"' in status.stdout  # nothing was applied


@pytest.mark.parametrize("args", [["--interval", "99999999999999999999"], ["--duration", "nan"],
                                  ["--duration", "1e30"]])
def test_unusable_numbers_for_db_locks_watch(tmp_path: Path, run_mbv: RunMbv, args: list[str]) -> None:
    db = tmp_path / "x.sqlite"
    db.write_bytes(b"")
    result = run_mbv("db", "locks", str(db), "--watch", *args, *([] if "--duration" in args else ["--duration", "0"]),
                     cwd=tmp_path)
    one_error_line(result, args[0])
