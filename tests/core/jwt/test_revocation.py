"""Revocation against local KV state written by the pinned real wrangler, and against a local KV API."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from mbv_cli.core.errors import InputError, TargetError, UsageError
from mbv_cli.core.jwt.keys import secret_key
from mbv_cli.core.jwt.mint import mint_token
from mbv_cli.core.jwt.revocation import RevocationRequest, lookup, lookup_local, revocation_key
from mbv_cli.core.jwt.token import parse_token
from mbv_cli.core.jwt.verify import VerifyOptions, verify_token
from tests.support.cf_api import serve_fake_cloudflare
from tests.support.peers import peer_env, require_peer

NAMESPACE_ID = "0123456789abcdef0123456789abcdef"
WRANGLER_TOML = f"""name = "auth"
main = "src/index.js"
compatibility_date = "2025-01-01"

[[kv_namespaces]]
binding = "REVOKED"
id = "{NAMESPACE_ID}"

[env.staging]
[[env.staging.kv_namespaces]]
binding = "REVOKED"
id = "fedcba9876543210fedcba9876543210"
"""


def make_worker(root: Path) -> Path:
    worker = root / "auth"
    (worker / "src").mkdir(parents=True)
    (worker / "wrangler.toml").write_text(WRANGLER_TOML)
    (worker / "src" / "index.js").write_text("export default { fetch() { return new Response('ok') } }\n")
    return worker


def wrangler_kv_put(worker: Path, home: Path, key: str, value: str, *extra: str) -> None:
    wrangler = require_peer("wrangler")
    proc = subprocess.run([str(wrangler), "kv", "key", "put", "--local", "--binding", "REVOKED", key, value, *extra],
                          cwd=worker, env=peer_env(home), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.fixture(scope="module")
def kv_worker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kv")
    worker = make_worker(root)
    wrangler_kv_put(worker, root / "home", "blacklist:jti-revoked", "revoked")
    wrangler_kv_put(worker, root / "home", "blacklist:jti-ttl", "revoked", "--ttl", "3600")
    return worker


def _state_snapshot(worker: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every state file except `-shm`, the WAL index that every reader
    (even a `mode=ro` one) updates with its read marks; the database and its WAL must not change."""
    files = sorted((worker / ".wrangler").rglob("*"))
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in files
            if p.is_file() and not p.name.endswith("-shm")}


@pytest.mark.wrangler
def test_local_state_written_by_wrangler(kv_worker: Path) -> None:
    before = _state_snapshot(kv_worker)
    request = RevocationRequest("REVOKED", kv_worker)
    found = lookup(request, "jti-revoked")
    assert found.found and found.key == "blacklist:jti-revoked" and found.value_length == len("revoked")
    assert not lookup(request, "jti-other").found
    assert _state_snapshot(kv_worker) == before, "the local KV state must be opened read-only"


@pytest.mark.wrangler
def test_local_expiration_is_honoured(kv_worker: Path) -> None:
    request = RevocationRequest("REVOKED", kv_worker)
    key = revocation_key(request.key_template, "jti-ttl")
    assert lookup_local(request, key).found
    later = lookup_local(request, key, now=time.time() + 7200)
    assert not later.found and "expiration has passed" in (later.note or "")


@pytest.mark.wrangler
def test_verify_reports_revoked(kv_worker: Path) -> None:
    secret = secret_key("JWT_SECRET", "s" * 32)
    options = VerifyOptions(revocation=RevocationRequest("REVOKED", kv_worker))
    revoked = mint_token(secret, claims={"jti": "jti-revoked"}).token
    result = verify_token(parse_token(revoked), [secret], options, lookup=lookup)
    assert result.reason == "revoked"
    assert "blacklist:jti-revoked is set in KV REVOKED" in result.checks[-1].detail
    fine = mint_token(secret, claims={"jti": "jti-fine"}).token
    assert verify_token(parse_token(fine), [secret], options, lookup=lookup).valid
    no_jti = mint_token(secret).token
    assert verify_token(parse_token(no_jti), [secret], options, lookup=lookup).reason == "missing_claim"


@pytest.mark.wrangler
def test_env_selects_another_namespace(kv_worker: Path) -> None:
    # staging's namespace has no local state at all: an input error naming the binding and the path,
    # never a silent "not revoked"
    with pytest.raises(InputError) as err:
        lookup(RevocationRequest("REVOKED", kv_worker, env="staging"), "jti-revoked")
    assert "no local KV state for REVOKED at " in err.value.message


def test_unknown_binding_lists_kv_bindings(tmp_path: Path) -> None:
    worker = make_worker(tmp_path)
    with pytest.raises(TargetError) as err:
        lookup(RevocationRequest("BLOCKED", worker), "x")
    assert "KV bindings there: REVOKED" in err.value.one_line()


def test_template_needs_placeholder() -> None:
    with pytest.raises(UsageError):
        revocation_key("blacklist:", "x")
    assert revocation_key("revoked/{jti}/v1", "a{b}") == "revoked/a{b}/v1"


def test_remote_lookup_through_kv_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    worker = make_worker(tmp_path)
    (tmp_path / "cf").mkdir()
    with serve_fake_cloudflare(tmp_path / "cf") as fake:
        fake.kv_put(NAMESPACE_ID, "blacklist:jti/with slash", b"revoked")
        for name, value in fake.env().items():
            monkeypatch.setenv(name, value)
        request = RevocationRequest("REVOKED", worker, remote=True)
        assert lookup(request, "jti/with slash").found
        assert not lookup(request, "jti-other").found
        paths = [r["path"] for r in fake.requests]
        assert paths[0].endswith(f"/storage/kv/namespaces/{NAMESPACE_ID}/values/blacklist%3Ajti%2Fwith%20slash")


def test_remote_needs_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("CLOUDFLARE_"):
            monkeypatch.delenv(name)
    with pytest.raises(UsageError):
        lookup(RevocationRequest("REVOKED", make_worker(tmp_path), remote=True), "x")


def test_monorepo_picks_the_worker_that_has_the_binding(tmp_path: Path) -> None:
    make_worker(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "wrangler.toml").write_text('name = "other"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n')
    with pytest.raises(InputError) as missing:  # the Worker with the binding is found; it has no state yet
        lookup(RevocationRequest("REVOKED", tmp_path), "x")
    assert "auth/.wrangler/state" in missing.value.message
    (other / "wrangler.toml").write_text(WRANGLER_TOML.replace('"auth"', '"other"'))
    with pytest.raises(UsageError) as err:
        lookup(RevocationRequest("REVOKED", tmp_path), "x")
    assert "2 Workers" in err.value.one_line()
