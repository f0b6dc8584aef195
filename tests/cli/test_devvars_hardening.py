"""Issue 17: `.dev.vars` read as wrangler 4.86 reads it (`readFileSync(path, "utf8")` then dotenv):
a UTF-8 BOM is skipped, a UTF-16 file (PowerShell's) yields no variable; both that and an
unreadable file are said in a warning line, and `jwt verify --dev-vars` names the cause.
Checked against the pinned real `wrangler types`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.peers import peer_env, require_peer

CONFIG = 'name = "w"\nmain = "src/index.ts"\ncompatibility_date = "2025-06-01"\n'
SECRET = "abcdefghijklmnopqrstuvwxyz0123456789"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlc2lnbmF0dXJl"


def _worker(root: Path, dev_vars: bytes) -> Path:
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "wrangler.toml").write_text(CONFIG, encoding="utf-8")
    (root / "src" / "index.ts").write_text("export default { fetch(r: Request, env: any) "
                                           "{ return new Response(env.JWT_SECRET) } }\n", encoding="utf-8")
    (root / ".dev.vars").write_bytes(dev_vars)
    return root


UTF16 = f"JWT_SECRET={SECRET}\r\n".encode("utf-16")  # with its BOM, as PowerShell's Out-File writes
UTF8_BOM = b"\xef\xbb\xbf" + f"JWT_SECRET={SECRET}\n".encode()


def _secret_names(run_mbv, root: Path) -> tuple[set[str], str]:
    result = run_mbv("bindings", "list", "-f", "json", cwd=root)
    assert result.exit_code == 0, result.stderr
    bindings = json.loads(result.stdout)["workers"][0]["bindings"]
    return {b["name"] for b in bindings if b["kind"] == "secret"}, result.stderr


def test_utf16_dev_vars_yields_nothing_and_says_so(run_mbv, tmp_path: Path) -> None:
    root = _worker(tmp_path, UTF16)
    names, stderr = _secret_names(run_mbv, root)
    assert names == set()
    assert "UTF-16" in stderr and ".dev.vars" in stderr and "save it as UTF-8" in stderr
    # JWT_SECRET is then declared nowhere: MBV001, a warning (its name says secret)
    doctor = run_mbv("doctor", "--fail-on", "warning", cwd=root)
    assert doctor.exit_code == 1
    assert [line for line in doctor.stderr.splitlines() if "UTF-16" in line], doctor.stderr
    for fmt in ("text", "sarif"):
        diff = run_mbv("bindings", "diff", "-f", fmt, "--fail-on", "warning", cwd=root)
        assert diff.exit_code == 1
        assert len([line for line in diff.stderr.splitlines() if "UTF-16" in line]) == 1, diff.stderr
    jwt = run_mbv("jwt", "verify", TOKEN, "--dev-vars", str(root))
    assert jwt.exit_code == 2
    assert "UTF-16" in jwt.stderr.splitlines()[-1] and SECRET not in jwt.stderr


def test_utf8_bom_is_skipped(run_mbv, tmp_path: Path) -> None:
    names, stderr = _secret_names(run_mbv, _worker(tmp_path, UTF8_BOM))
    assert names == {"JWT_SECRET"}
    assert "warning" not in stderr


@pytest.mark.wrangler
@pytest.mark.parametrize(("content", "present"), [(UTF16, False), (UTF8_BOM, True)], ids=["utf16", "utf8-bom"])
def test_wrangler_types_reads_the_same(tmp_path: Path, run_mbv, content: bytes, present: bool) -> None:
    wrangler = require_peer("wrangler")
    root = _worker(tmp_path / "w", content)
    proc = subprocess.run([str(wrangler), "types", "--include-runtime=false", "--path", "t.d.ts"], cwd=root,
                          env=peer_env(tmp_path / "home"), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert ("JWT_SECRET: string" in (root / "t.d.ts").read_text(encoding="utf-8")) is present
    names, _ = _secret_names(run_mbv, root)
    assert ("JWT_SECRET" in names) is present


def test_unreadable_dev_vars_is_said(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    """A real child without the right to read the file (root keeps DAC override, so it is dropped)."""
    public = Path("/tmp") / f"mbv-devvars-{os.getpid()}"
    shutil.rmtree(public, ignore_errors=True)
    try:
        root = _worker(public, f"JWT_SECRET={SECRET}\n".encode())
        (root / ".dev.vars").chmod(0)
        prefix: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("running as root without setpriv: cannot make a file unreadable")
            prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
        # JWT_SECRET is then declared nowhere: a warning (its name says secret), which --fail-on warning fails on
        for args, code in ((["doctor", "--fail-on", "warning"], 1), (["bindings", "list"], 0),
                           (["bindings", "diff", "--fail-on", "warning"], 1),
                           (["jwt", "verify", TOKEN, "--dev-vars", "."], 2)):
            proc = subprocess.run([*prefix, sys.executable, "-m", "mbv_cli", *args], cwd=root, env=subprocess_env,
                                  capture_output=True, text=True, timeout=60)
            assert proc.returncode == code, proc.stderr
            assert "unreadable" in proc.stderr and ".dev.vars" in proc.stderr, proc.stderr
            assert "Traceback" not in proc.stderr
    finally:
        shutil.rmtree(public, ignore_errors=True)
