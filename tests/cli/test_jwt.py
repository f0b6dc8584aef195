"""`mbv jwt decode|verify|mint` end to end: exit codes, JSON shapes, stdin, files, servers, no secret leaks."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CliResult
from tests.core.jwt import vectors as v

Run = Callable[..., CliResult]
CURRENT = "current-secret-0123456789abcdefghijklmn"  # 39 bytes: strong enough for HS256
PREVIOUS = "previous-secret-0123456789abcdefghijklm"
WEAK = "tiny-weak-secret"
SECRETS = (CURRENT, PREVIOUS, WEAK)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("JWT_SECRET", "JWT_SECRET_PREVIOUS", "CLOUDFLARE_ENV", "MBV_DEBUG"):
        monkeypatch.delenv(name, raising=False)


def mint(run_mbv: Run, secret: str = CURRENT, *args: str) -> str:
    result = run_mbv("jwt", "mint", "--secret-env", "MINT_KEY", *args, env={"MINT_KEY": secret})
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.strip()


def assert_one_line_error(result: CliResult, code: int = 2) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mbv: error: "), result.stderr
    return lines[0]


# decode ---------------------------------------------------------------------------------------

def test_decode_text_and_json(run_mbv: Run) -> None:
    token = mint(run_mbv, CURRENT, "--sub", "user-1", "--ttl", "1h")
    text = run_mbv("jwt", "decode", token)
    assert text.exit_code == 0
    assert "user-1" in text.stdout and "valid for 59m" in text.stdout
    assert "NOT verified" in text.stdout and "32 bytes" in text.stdout
    assert token.split(".")[2] not in text.stdout
    doc = json.loads(run_mbv("jwt", "decode", "-f", "json", token).stdout)
    assert list(doc)[:7] == ["schema", "header", "claims", "times", "expired", "not_yet_valid", "signature_verified"]
    assert doc["schema"] == "mbv.jwt.decode/1" and doc["signature_verified"] is False
    assert doc["expired"] is False and doc["not_yet_valid"] is False
    assert set(doc["times"]) == {"iat", "exp"} and doc["times"]["exp"].endswith("Z")


def test_decode_expired_token_exits_0(run_mbv: Run) -> None:
    result = run_mbv("jwt", "decode", "-f", "json", v.A1_TOKEN)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["expired"] is True and doc["times"] == {"exp": "2011-03-22T18:43:00Z"}


def test_decode_stdin_tolerates_paste(run_mbv: Run) -> None:
    result = run_mbv("jwt", "decode", "-", stdin=f'  "Bearer {v.A1_TOKEN[:30]}\n{v.A1_TOKEN[30:]}"\n')
    assert result.exit_code == 0
    assert "joe" in result.stdout
    assert "stripped from the input" in result.stderr and "Bearer" in result.stderr


def test_decode_from_env(run_mbv: Run) -> None:
    result = run_mbv("jwt", "decode", "--from-env", "TOKEN_VAR", env={"TOKEN_VAR": v.A2_TOKEN})
    assert result.exit_code == 0 and "RS256" in result.stdout


@pytest.mark.parametrize(
    ("token", "fragment"),
    [
        ("only.two", "3 dot-separated segments"),
        ("a.b.c.d.e", "JWE"),
        ("eyJhbGciOiJIUzI1NiJ9.e30.bad*sig", "base64url"),
        ("bm90IGpzb24.e30.c2ln", "header is not JSON"),
        ("WzEsMl0.e30.c2ln", "not an object"),
        ("eyJhbGciOiJIUzI1NiJ9.bm9wZQ.c2ln", "payload (claims set) is not JSON"),
    ],
)
@pytest.mark.parametrize("command", ["decode", "verify"])
def test_malformed_exit_2_one_line(run_mbv: Run, command: str, token: str, fragment: str) -> None:
    result = run_mbv("jwt", command, token, env={"JWT_SECRET": CURRENT})
    assert fragment in assert_one_line_error(result)


def test_one_megabyte_token_on_stdin(run_mbv: Run) -> None:
    big = "eyJhbGciOiJIUzI1NiJ9." + "A" * (1024 * 1024) + ".c2ln"
    line = assert_one_line_error(run_mbv("jwt", "decode", "-", stdin=big))
    assert "characters long" in line and len(line) < 300


def test_binary_garbage_on_stdin_in_a_subprocess(subprocess_env: dict[str, str]) -> None:
    garbage = bytes(range(256)) * 64
    proc = subprocess.run([sys.executable, "-m", "mbv_cli", "jwt", "decode", "-"], input=garbage,
                          capture_output=True, env=subprocess_env, timeout=60)
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr.decode().count("\n") == 1 and b"not ASCII" in proc.stderr


def test_decode_does_not_import_cryptography(subprocess_env: dict[str, str]) -> None:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "mbv_cli", "jwt", "decode", v.A2_TOKEN],
                          capture_output=True, text=True, env=subprocess_env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "mbv_cli.core.jwt.decode" in imported
    assert not {m for m in imported if m.split(".")[0] in ("cryptography", "jwt", "httpx", "rich")}


def _imported(args: list[str], env: dict[str, str]) -> set[str]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "mbv_cli", *args],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}


def test_pyjwt_is_imported_by_verify_and_mint_only(subprocess_env: dict[str, str]) -> None:
    env = {**subprocess_env, "JWT_SECRET": CURRENT}
    token = v.A1_TOKEN
    decode = _imported(["jwt", "decode", token], env)
    verify = _imported(["jwt", "verify", token], env)
    minted = _imported(["jwt", "mint", "--secret-env", "JWT_SECRET"], env)
    assert "jwt" not in decode and "jwt.algorithms" not in decode
    assert {"jwt", "jwt.algorithms"} <= verify
    assert {"jwt", "jwt.algorithms"} <= minted


# verify ---------------------------------------------------------------------------------------

def test_verify_rotation_from_default_env(run_mbv: Run) -> None:
    token = mint(run_mbv, PREVIOUS)
    env = {"JWT_SECRET": CURRENT, "JWT_SECRET_PREVIOUS": PREVIOUS}
    result = run_mbv("jwt", "verify", "-f", "json", token, env=env)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert list(doc)[:7] == ["schema", "valid", "reason", "matched_key", "checks", "header", "claims"]
    assert doc["schema"] == "mbv.jwt.verify/1" and doc["valid"] is True and doc["reason"] is None
    assert doc["matched_key"] == "JWT_SECRET_PREVIOUS"
    names = [c["name"] for c in doc["checks"]]
    assert names == ["structure", "algorithm", "signature", "exp", "nbf", "iat", "aud", "iss", "required", "revocation"]
    assert all(set(c) == {"name", "ok", "code", "detail"} for c in doc["checks"])
    text = run_mbv("jwt", "verify", token, env=env)
    assert "matched JWT_SECRET_PREVIOUS, key 2 of 2: this client still holds a token from before the rotation" \
        in " ".join(text.stdout.split())
    assert "VALID" in text.stdout


def test_verify_secret_env_order_is_rotation_order(run_mbv: Run) -> None:
    token = mint(run_mbv, CURRENT)
    result = run_mbv("jwt", "verify", "-f", "json", token, "--secret-env", "NEW", "--secret-env", "OLD",
                     env={"NEW": PREVIOUS, "OLD": CURRENT})
    doc = json.loads(result.stdout)
    assert doc["matched_key"] == "OLD" and "key 2 of 2" in doc["checks"][2]["detail"]


def test_verify_invalid_exit_1_with_reason(run_mbv: Run) -> None:
    token = mint(run_mbv, CURRENT, "--ttl", "1", "--claim", "iat=1000", "--claim", "exp=2000")
    result = run_mbv("jwt", "verify", "-f", "json", token, env={"JWT_SECRET": CURRENT})
    assert result.exit_code == 1
    assert json.loads(result.stdout)["reason"] == "expired"
    tampered = v.tamper_payload(token)
    doc = json.loads(run_mbv("jwt", "verify", "-f", "json", tampered, env={"JWT_SECRET": CURRENT}).stdout)
    assert doc["reason"] == "bad_signature" and doc["valid"] is False and doc["matched_key"] is None


def test_verify_claim_options(run_mbv: Run) -> None:
    token = mint(run_mbv, CURRENT, "--claim", "aud=api", "--claim", "iss=auth.example")
    env = {"JWT_SECRET": CURRENT}
    ok = run_mbv("jwt", "verify", token, "--aud", "web", "--aud", "api", "--iss", "auth.example", env=env)
    assert ok.exit_code == 0
    bad = run_mbv("jwt", "verify", "-f", "json", token, "--require", "sub,role", env=env)
    assert json.loads(bad.stdout)["reason"] == "missing_claim"
    alg = run_mbv("jwt", "verify", "-f", "json", token, "--alg", "HS384,HS512", env=env)
    assert json.loads(alg.stdout)["reason"] == "alg_not_allowed"


def test_verify_rfc_vectors_through_files(run_mbv: Run, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from jwt.algorithms import RSAAlgorithm

    (tmp_path / "a1.jwk").write_text(json.dumps(v.A1_JWK))
    (tmp_path / "a3.json").write_text(json.dumps({"keys": [dict(v.A3_JWK, kid="p256")]}))
    public = RSAAlgorithm.from_jwk(json.dumps(v.A2_JWK))
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)  # type: ignore[union-attr]
    (tmp_path / "a2.pem").write_bytes(pem)
    for token, option, source in [(v.A1_TOKEN, "--jwks", "a1.jwk"), (v.A2_TOKEN, "--public-key", "a2.pem"),
                                  (v.A3_TOKEN, "--jwks", "a3.json")]:
        result = run_mbv("jwt", "verify", "-f", "json", token, option, str(tmp_path / source), "--iss", "joe")
        doc = json.loads(result.stdout)
        assert doc["reason"] == "expired", doc  # the RFC's exp is in 2011
        assert doc["checks"][2]["ok"] is True, doc
        assert source in doc["checks"][2]["detail"]


def test_verify_secret_file_and_dev_vars(run_mbv: Run, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text(PREVIOUS + "\n")
    token = mint(run_mbv, PREVIOUS)
    doc = json.loads(run_mbv("jwt", "verify", "-f", "json", token, "--secret-file", str(tmp_path / "secret.txt")).stdout)
    assert doc["valid"] and doc["matched_key"] == "secret file secret.txt"
    worker = tmp_path / "worker"
    worker.mkdir()
    (worker / ".dev.vars").write_text(f'JWT_SECRET="{CURRENT}"\nJWT_SECRET_PREVIOUS={PREVIOUS}\n')
    doc = json.loads(run_mbv("jwt", "verify", "-f", "json", token, "--dev-vars", str(worker)).stdout)
    assert doc["valid"] and doc["matched_key"] == "JWT_SECRET_PREVIOUS (.dev.vars)"


def test_verify_usage_errors(run_mbv: Run, tmp_path: Path) -> None:
    token = mint(run_mbv, CURRENT)
    assert "no key to verify with" in assert_one_line_error(run_mbv("jwt", "verify", token))
    assert "MISSING_VAR is not set" in assert_one_line_error(run_mbv("jwt", "verify", token, "--secret-env", "MISSING_VAR"))
    assert "need --revoked-kv" in assert_one_line_error(
        run_mbv("jwt", "verify", token, "--remote", env={"JWT_SECRET": CURRENT}))
    (tmp_path / "priv.pem").write_text("-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----\n")
    assert "private key" in assert_one_line_error(run_mbv("jwt", "verify", token, "--public-key", str(tmp_path / "priv.pem")))


def test_verify_weak_secret_is_warned(run_mbv: Run) -> None:
    token = mint(run_mbv, WEAK, "--allow-weak-key")
    result = run_mbv("jwt", "verify", token, env={"JWT_SECRET": WEAK})
    assert result.exit_code == 0
    assert "weak key: JWT_SECRET is 16 bytes" in result.stderr


def test_verify_jwks_url(run_mbv: Run) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import jwt as pyjwt
    from cryptography.hazmat.primitives.asymmetric import ec

    private = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(pyjwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    body = json.dumps({"keys": [dict(jwk, kid="k1")]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
        now = int(time.time())
        good = pyjwt.encode({"sub": "a", "exp": now + 60}, private, algorithm="ES256", headers={"kid": "k1"})
        doc = json.loads(run_mbv("jwt", "verify", "-f", "json", good, "--jwks", url).stdout)
        assert doc["valid"] and doc["matched_key"].endswith("/jwks.json kid=k1")
        other = pyjwt.encode({"sub": "a", "exp": now + 60}, private, algorithm="ES256", headers={"kid": "k9"})
        result = run_mbv("jwt", "verify", "-f", "json", other, "--jwks", url)
        assert result.exit_code == 1 and json.loads(result.stdout)["reason"] == "no_key"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.wrangler
def test_verify_revoked_in_local_kv(run_mbv: Run, tmp_path: Path) -> None:
    from tests.core.jwt.test_revocation import make_worker, wrangler_kv_put

    worker = make_worker(tmp_path)
    wrangler_kv_put(worker, tmp_path / "home", "blacklist:jti-9", "revoked")
    token = mint(run_mbv, CURRENT, "--claim", "jti=jti-9")
    result = run_mbv("jwt", "verify", "-f", "json", token, "--revoked-kv", "REVOKED", "--worker", str(worker),
                     env={"JWT_SECRET": CURRENT})
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["reason"] == "revoked" and doc["checks"][-1]["code"] == "revoked"


def test_verify_revoked_remote(run_mbv: Run, tmp_path: Path) -> None:
    from tests.core.jwt.test_revocation import NAMESPACE_ID, make_worker
    from tests.support.cf_api import serve_fake_cloudflare

    worker = make_worker(tmp_path)
    (tmp_path / "cf").mkdir()
    with serve_fake_cloudflare(tmp_path / "cf") as fake:
        fake.kv_put(NAMESPACE_ID, "revoked/jti-7", b"1")
        env = dict(fake.env(), JWT_SECRET=CURRENT)
        args = ("--revoked-kv", "REVOKED", "--worker", str(worker), "--remote", "--revocation-key", "revoked/{jti}")
        revoked = mint(run_mbv, CURRENT, "--claim", "jti=jti-7")
        doc = json.loads(run_mbv("jwt", "verify", "-f", "json", revoked, *args, env=env).stdout)
        assert doc["reason"] == "revoked"
        fine = mint(run_mbv, CURRENT, "--claim", "jti=jti-8")
        assert run_mbv("jwt", "verify", fine, *args, env=env).exit_code == 0
        wrong = run_mbv("jwt", "verify", fine, *args, env=dict(env, CLOUDFLARE_API_TOKEN="wrong-token"))
        assert "Authentication error" in assert_one_line_error(wrong)
        assert "wrong-token" not in wrong.stderr


# mint -----------------------------------------------------------------------------------------

def test_mint_prints_only_a_verifiable_token(run_mbv: Run) -> None:
    long_secret = CURRENT * 2  # 78 bytes: enough for HS512
    token = mint(run_mbv, long_secret, "--sub", "u", "--kid", "2024", "--claim", "roles=[\"admin\"]", "--alg", "HS512")
    assert token.count(".") == 2 and "\n" not in token
    doc = json.loads(run_mbv("jwt", "verify", "-f", "json", token, env={"JWT_SECRET": long_secret}).stdout)
    assert doc["valid"] and doc["header"] == {"alg": "HS512", "typ": "JWT", "kid": "2024"}
    assert doc["claims"]["roles"] == ["admin"] and doc["claims"]["exp"] - doc["claims"]["iat"] == 900


def test_mint_refuses_weak_secret(run_mbv: Run) -> None:
    result = run_mbv("jwt", "mint", "--secret-env", "K", env={"K": WEAK})
    assert "weak key" in assert_one_line_error(result)
    assert mint(run_mbv, WEAK, "--allow-weak-key")


def test_mint_usage_errors(run_mbv: Run) -> None:
    assert_one_line_error(run_mbv("jwt", "mint"))
    assert_one_line_error(run_mbv("jwt", "mint", "--secret-env", "K", "--alg", "RS256", env={"K": CURRENT}))
    assert_one_line_error(run_mbv("jwt", "mint", "--secret-env", "K", "--ttl", "soon", env={"K": CURRENT}))


# no secret in any output ----------------------------------------------------------------------

def test_no_secret_value_in_any_output(run_mbv: Run, tmp_path: Path) -> None:
    """Every command and failure path, with the secrets in env vars, files and .dev.vars."""
    (tmp_path / "cur.txt").write_text(CURRENT)
    (tmp_path / "empty.txt").write_text("")
    worker = tmp_path / "w"
    worker.mkdir()
    (worker / ".dev.vars").write_text(f"JWT_SECRET={WEAK}\nJWT_SECRET_PREVIOUS={PREVIOUS}\n")
    env = {"JWT_SECRET": CURRENT, "JWT_SECRET_PREVIOUS": PREVIOUS, "WEAK": WEAK}
    good = mint(run_mbv, CURRENT)
    old = mint(run_mbv, PREVIOUS)
    weak = mint(run_mbv, WEAK, "--allow-weak-key")
    expired = mint(run_mbv, CURRENT, "--claim", "exp=1")
    runs = [
        ("jwt", "decode", good), ("jwt", "decode", "-f", "json", good), ("jwt", "decode", "x.y"),
        ("jwt", "verify", good), ("jwt", "verify", old, "-f", "json"), ("jwt", "verify", expired),
        ("jwt", "verify", v.tamper_payload(good)), ("jwt", "verify", weak, "--secret-env", "WEAK"),
        ("jwt", "verify", weak, "--dev-vars", str(worker), "-f", "json"),
        ("jwt", "verify", good, "--secret-file", str(tmp_path / "cur.txt")),
        ("jwt", "verify", good, "--secret-file", str(tmp_path / "empty.txt")),
        ("jwt", "verify", good, "--secret-env", CURRENT),  # a secret pasted where a NAME belongs
        ("jwt", "verify", good, "--secret-env", "NOPE"), ("jwt", "verify", "a.b.c.d.e"),
        ("jwt", "verify", good, "--alg", "RS256"), ("jwt", "verify", good, "--leeway", "x"),
        ("jwt", "verify", good, "--revoked-kv", "NOPE", "--worker", str(worker)),
        ("jwt", "mint", "--secret-env", "WEAK"), ("jwt", "mint", "--secret-env", "NOPE"),
        ("jwt", "mint", "--secret-file", str(tmp_path / "cur.txt"), "-f", "json"),
        ("jwt", "mint", "--secret-env", "JWT_SECRET", "--claim", CURRENT),
    ]
    codes = set()
    for args in runs:
        result = run_mbv(*args, env=env)
        codes.add(result.exit_code)
        for secret in SECRETS:
            assert secret not in result.stdout and secret not in result.stderr, (args, secret)
        assert "Traceback" not in result.stderr
    assert codes == {0, 1, 2}


# property: the CLI only ever answers in documented ways ------------------------------------------

_segment = st.text(alphabet="ABCDEFGHIJabcdefghij0123456789-_=+/", max_size=24)


@settings(max_examples=120, deadline=None,
                                   suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.text(min_size=1).filter(lambda s: not s.startswith("-")),
        st.lists(_segment, min_size=1, max_size=6).map(".".join)
        .filter(lambda s: not s.startswith("-")),
        st.builds(lambda a, b, c: f"{a}.{b}.{c}",
                  st.sampled_from(["eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJub25lIn0", "eyJhbGciOiJSUzI1NiJ9",
                                   "eyJhbGciOiJIUzI1NiIsImNyaXQiOlsiYjY0Il19", "e30"]),
                  st.sampled_from(["e30", "eyJleHAiOjF9", "eyJleHAiOiJ4In0", "eyJuYmYiOjFlMTB9", "eyJhdWQiOjV9"]),
                  _segment.filter(lambda s: "=" not in s and "+" not in s and "/" not in s)),
    ),
    st.sampled_from(["decode", "verify"]),
)
def test_cli_random_tokens_documented_outcomes(run_mbv: Run, raw: str, command: str) -> None:
    result = run_mbv("jwt", command, "-f", "json", "-", stdin=raw, env={"JWT_SECRET": CURRENT})
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2:
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("mbv: error: ")
    else:
        doc = json.loads(result.stdout)
        assert doc["schema"] == f"mbv.jwt.{command}/1"
        if command == "verify":
            assert doc["valid"] is (result.exit_code == 0)
            assert doc["reason"] is None or doc["reason"] in (
                "malformed", "alg_not_allowed", "bad_signature", "no_key", "expired", "not_yet_valid",
                "issued_in_future", "audience_mismatch", "issuer_mismatch", "missing_claim", "revoked")
    assert CURRENT not in result.stdout + result.stderr


def test_verify_revoked_kv_leaves_a_wal_index_untouched(run_mbv: Run, tmp_path: Path) -> None:
    """Miniflare's KV index is a WAL SQLite file; with workerd stopped it has no -wal/-shm, and
    `--revoked-kv` must read it without creating them or changing a byte."""
    from mbv_cli.core.wrangler.state import local_kv_blob_dir, local_kv_index_path, persist_root
    from tests.core.jwt.test_revocation import NAMESPACE_ID, make_worker
    from tests.support.wal import make_wal_database, snapshot

    worker = make_worker(tmp_path)
    entry = {"binding": "REVOKED", "id": NAMESPACE_ID}
    root = persist_root(worker)
    make_wal_database(local_kv_index_path(root, entry),
                      "CREATE TABLE _mf_entries (key TEXT PRIMARY KEY, blob_id TEXT NOT NULL, "
                      "expiration INTEGER, metadata TEXT)",
                      "INSERT INTO _mf_entries VALUES ('blacklist:jti-5', 'blob1', NULL, NULL)")
    blobs = local_kv_blob_dir(root, entry)
    blobs.mkdir(parents=True, exist_ok=True)
    (blobs / "blob1").write_bytes(b"revoked")
    before = snapshot(worker / ".wrangler")
    for jti, reason in (("jti-5", "revoked"), ("jti-6", None)):
        token = mint(run_mbv, CURRENT, "--claim", f"jti={jti}")
        result = run_mbv("jwt", "verify", "-f", "json", token, "--revoked-kv", "REVOKED", "--worker", str(worker),
                         env={"JWT_SECRET": CURRENT})
        doc = json.loads(result.stdout)
        assert doc["reason"] == reason, (doc, result.stderr)
    assert snapshot(worker / ".wrangler") == before


# input hardening (review findings) ------------------------------------------------------------

def test_verify_malformed_jwks_url_is_a_usage_error(run_mbv: Run) -> None:
    token = mint(run_mbv, CURRENT)
    for url in ("http://[::1", "http://[::1]:99999/jwks.json", "http://127.0.0.1:abc/jwks.json"):
        line = assert_one_line_error(run_mbv("jwt", "verify", token, "--jwks", url))
        assert "the --jwks URL is malformed" in line


def test_jwks_error_names_port_and_ipv6_brackets() -> None:
    from mbv_cli.core.jwt.jwks import display_source

    assert display_source("http://127.0.0.1:1/x?token=s3cr3t") == "http://127.0.0.1:1/x"
    assert display_source("https://user:pw@[::1]:8443/jwks.json") == "https://[::1]:8443/jwks.json"
    assert display_source("http://[::1") == "the --jwks URL"


def test_verify_jwks_connect_error_names_the_port(run_mbv: Run) -> None:
    token = mint(run_mbv, CURRENT)
    line = assert_one_line_error(run_mbv("jwt", "verify", token, "--jwks", "http://127.0.0.1:1/x"))
    assert "http://127.0.0.1:1/x" in line


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e999", "[NaN]", '{"a": Infinity}'])
def test_mint_claim_never_signs_non_json_constants(run_mbv: Run, raw: str) -> None:
    token = mint(run_mbv, CURRENT, "--claim", f"a={raw}")
    from mbv_cli.core.jwt.token import b64url_decode

    payload = b64url_decode(token.split(".")[1], "payload").decode()
    claims = json.loads(payload, parse_constant=lambda name: pytest.fail(f"{name} in the payload"))
    assert claims["a"] == raw  # not JSON, so kept as the string it was typed as


@pytest.mark.parametrize("claim", ["exp=abc", "nbf=abc", "iat=true", 'exp="1"', "exp=NaN", "exp=1e20"])
def test_mint_time_claims_must_be_numeric_dates(run_mbv: Run, claim: str) -> None:
    result = run_mbv("jwt", "mint", "--secret-env", "K", "--claim", claim, env={"K": CURRENT})
    assert "must be a NumericDate" in assert_one_line_error(result)


def test_verify_out_of_range_exp_fails_like_decode(run_mbv: Run, tmp_path: Path) -> None:
    import hashlib
    import hmac

    from mbv_cli.core.jwt.token import b64url_encode

    signing_input = ".".join(b64url_encode(json.dumps(part).encode()) for part in
                             ({"alg": "HS256", "typ": "JWT"}, {"sub": "a", "exp": 1e20}))
    signature = hmac.new(CURRENT.encode(), signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{b64url_encode(signature)}"
    decoded = json.loads(run_mbv("jwt", "decode", "-f", "json", token).stdout)
    assert decoded["times"]["exp"] is None and "too large" in run_mbv("jwt", "decode", token).stderr
    result = run_mbv("jwt", "verify", "-f", "json", token, env={"JWT_SECRET": CURRENT})
    assert result.exit_code == 1, result.stdout
    doc = json.loads(result.stdout)
    exp = next(check for check in doc["checks"] if check["name"] == "exp")
    assert not exp["ok"] and exp["code"] == "malformed" and "too large" in exp["detail"]
    assert doc["reason"] == "malformed" and not doc["valid"]


def test_verify_revoked_kv_without_local_state_is_exit_2(run_mbv: Run, tmp_path: Path) -> None:
    from tests.core.jwt.test_revocation import make_worker

    worker = make_worker(tmp_path)
    token = mint(run_mbv, CURRENT, "--claim", "jti=jti-1")
    result = run_mbv("jwt", "verify", token, "--revoked-kv", "REVOKED", "--worker", str(worker),
                     "--persist-to", str(tmp_path / "nowhere"), env={"JWT_SECRET": CURRENT})
    line = assert_one_line_error(result)
    assert "no local KV state for REVOKED at " in line and "--persist-to" in line
