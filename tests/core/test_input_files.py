"""The shared bounded reader: regular files only (FIFOs and devices refused without blocking),
a size cap with one clear line, stdin capped the same way."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mbv_cli.core.errors import InputError
from mbv_cli.core.input_files import read_file_bytes, read_file_text, read_stdin_bytes

REPO = Path(__file__).resolve().parents[2]


def test_a_fifo_without_a_writer_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "secret"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(InputError, match=r"named pipe \(FIFO\), not a regular file") as caught:
        read_file_bytes(fifo, what="the secret file")
    assert time.monotonic() - started < 2
    assert str(fifo) in caught.value.one_line()


@pytest.mark.parametrize(("target", "kind"), [("/dev/zero", "character device"), ("/dev/null", "character device")])
def test_a_device_is_refused_even_through_a_symlink(tmp_path: Path, target: str, kind: str) -> None:
    link = tmp_path / "key.pem"
    link.symlink_to(target)
    with pytest.raises(InputError, match=kind):
        read_file_bytes(link, what="the public key")


def test_a_file_over_the_cap_is_one_line_naming_the_cap(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * (2 * 1024 * 1024 + 1))
    with pytest.raises(InputError) as caught:
        read_file_bytes(big, what="the JWKS file", limit=2 * 1024 * 1024)
    assert caught.value.one_line() == f"{big}: the JWKS file is larger than 2 MB, more than mbv reads; is it the right file?"
    assert read_file_bytes(big, limit=3 * 1024 * 1024) == b"x" * (2 * 1024 * 1024 + 1)


def test_directories_loops_and_missing_files_are_named(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to("loop")
    cases = {tmp_path: "is a directory", loop: "a symlink loop", tmp_path / "nope": "no such file"}
    for path, expected in cases.items():
        with pytest.raises(InputError, match=expected):
            read_file_bytes(path)


def test_text_that_is_not_utf8_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "req.curl"
    path.write_bytes(b"curl \\\n  -d caf\xe9 http://x\n")
    with pytest.raises(InputError) as caught:
        read_file_text(path, what="the curl file")
    assert caught.value.one_line().startswith(f"{path}:2:9: the curl file is not UTF-8 text (byte 0xe9)")


def test_stdin_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"z" * 101)))
    with pytest.raises(InputError, match="larger than 100 bytes"):
        read_stdin_bytes(what="the body", limit=100)


def test_dev_zero_on_stdin_stops_at_the_cap_under_a_memory_limit(tmp_path: Path) -> None:
    """`mbv replay - --from curl < /dev/zero` used to read until memory ran out."""
    code = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
            "from mbv_cli.cli.main import main; main(['replay', '-', '--from', 'curl', '--dry-run'])")
    with open("/dev/zero", "rb") as zero:
        proc = subprocess.run([sys.executable, "-c", code], stdin=zero, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == ["mbv: error: <stdin>: the replay source is larger than 256 MB, "
                                                "more than mbv reads"]
