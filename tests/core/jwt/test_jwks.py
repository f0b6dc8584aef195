"""JWKS over real HTTP on 127.0.0.1: kid matching, an unknown kid, a rotated key set, one fetch per run."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from mbv_cli.core.errors import InputError, RemoteError
from mbv_cli.core.jwt.jwks import JwksCache, load_jwks
from mbv_cli.core.jwt.token import parse_token
from mbv_cli.core.jwt.verify import VerifyOptions, verify_token

NOW = 1_700_000_000


class JwksServer:
    def __init__(self) -> None:
        self.document: Any = {"keys": []}
        self.status = 200
        self.hits = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                owner.hits += 1
                body = json.dumps(owner.document).encode()
                self.send_response(owner.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/.well-known/jwks.json"


@pytest.fixture
def jwks_server() -> Iterator[JwksServer]:
    server = JwksServer()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


def _jwk(private: Any, kid: str) -> dict[str, Any]:
    algo = pyjwt.algorithms.RSAAlgorithm if isinstance(private, rsa.RSAPrivateKey) else pyjwt.algorithms.ECAlgorithm
    jwk = json.loads(algo.to_jwk(private.public_key()))
    jwk["kid"] = kid
    return jwk


@pytest.fixture(scope="module")
def rsa_keys() -> dict[str, Any]:
    return {kid: rsa.generate_private_key(public_exponent=65537, key_size=2048) for kid in ("2024-01", "2024-07")}


def _sign(private: Any, kid: str, alg: str = "RS256") -> str:
    return pyjwt.encode({"sub": "u1", "iat": NOW, "exp": NOW + 600}, private, algorithm=alg, headers={"kid": kid})


def _verify(token: str, url: str, cache: JwksCache | None = None):  # type: ignore[no-untyped-def]
    keys = load_jwks(url, cache or JwksCache())
    return verify_token(parse_token(token), keys, VerifyOptions(), now=NOW)


def test_kid_selects_the_key_and_label_carries_it(jwks_server: JwksServer, rsa_keys: dict[str, Any]) -> None:
    jwks_server.document = {"keys": [_jwk(k, kid) for kid, k in rsa_keys.items()]}
    result = _verify(_sign(rsa_keys["2024-07"], "2024-07"), jwks_server.url)
    assert result.valid, result.to_dict()
    host = jwks_server.url.split("//")[1].split("/")[0]  # with its port: two local servers differ only by it
    assert ":" in host
    assert result.matched_key == f"JWKS http://{host}/.well-known/jwks.json kid=2024-07"


def test_unknown_kid_is_no_key(jwks_server: JwksServer, rsa_keys: dict[str, Any]) -> None:
    jwks_server.document = {"keys": [_jwk(rsa_keys["2024-01"], "2024-01")]}
    result = _verify(_sign(rsa_keys["2024-07"], "2024-07"), jwks_server.url)
    assert result.reason == "no_key"
    detail = next(c for c in result.checks if c.name == "signature").detail
    assert "'2024-07'" in detail and "2024-01" in detail


def test_rotated_key_set(jwks_server: JwksServer, rsa_keys: dict[str, Any]) -> None:
    """Before rotation the new kid is unknown; after it both old and new tokens verify, each by its own kid."""
    old_token = _sign(rsa_keys["2024-01"], "2024-01")
    new_token = _sign(rsa_keys["2024-07"], "2024-07")
    jwks_server.document = {"keys": [_jwk(rsa_keys["2024-01"], "2024-01")]}
    assert _verify(new_token, jwks_server.url).reason == "no_key"
    jwks_server.document = {"keys": [_jwk(rsa_keys["2024-07"], "2024-07"), _jwk(rsa_keys["2024-01"], "2024-01")]}
    assert _verify(new_token, jwks_server.url).matched_key.endswith("kid=2024-07")  # type: ignore[union-attr]
    assert _verify(old_token, jwks_server.url).matched_key.endswith("kid=2024-01")  # type: ignore[union-attr]
    jwks_server.document = {"keys": [_jwk(rsa_keys["2024-07"], "2024-07")]}  # old key retired
    assert _verify(old_token, jwks_server.url).reason == "no_key"


def test_same_kid_different_key_is_bad_signature(jwks_server: JwksServer, rsa_keys: dict[str, Any]) -> None:
    jwks_server.document = {"keys": [_jwk(rsa_keys["2024-01"], "2024-07")]}
    assert _verify(_sign(rsa_keys["2024-07"], "2024-07"), jwks_server.url).reason == "bad_signature"


def test_one_fetch_per_run(jwks_server: JwksServer, rsa_keys: dict[str, Any]) -> None:
    jwks_server.document = {"keys": [_jwk(rsa_keys["2024-01"], "2024-01")]}
    cache = JwksCache()
    load_jwks(jwks_server.url, cache)
    load_jwks(jwks_server.url, cache)
    assert jwks_server.hits == 1 and cache.fetches == 1


def test_ec_key_in_set(jwks_server: JwksServer) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    jwks_server.document = {"keys": [_jwk(private, "ec1"), {"kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB"}]}
    result = _verify(_sign(private, "ec1", "ES256"), jwks_server.url)
    assert result.valid and result.matched_key.endswith("kid=ec1")  # type: ignore[union-attr]


def test_server_errors_are_one_line(jwks_server: JwksServer) -> None:
    jwks_server.status = 500
    with pytest.raises(RemoteError) as err:
        load_jwks(jwks_server.url + "?token=hidden", JwksCache())
    assert "HTTP 500" in err.value.one_line() and "hidden" not in err.value.one_line()
    jwks_server.status = 200
    jwks_server.document = ["not", "a", "set"]
    with pytest.raises(InputError):
        load_jwks(jwks_server.url, JwksCache())


def test_unreachable_url() -> None:
    with pytest.raises(RemoteError):
        load_jwks("http://127.0.0.1:9/jwks.json", JwksCache())


def _private_for(alg: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    if alg.startswith(("RS", "PS")):
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if alg == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    return ec.generate_private_key({"ES256": ec.SECP256R1(), "ES384": ec.SECP384R1(), "ES512": ec.SECP521R1()}[alg])


@pytest.mark.parametrize("alg", ["RS384", "PS256", "PS512", "ES256", "ES384", "ES512", "EdDSA"])
def test_algorithm_matrix_against_pyjwt(alg: str) -> None:
    """Tokens signed by PyJWT (an independent implementation) verify through JWKs; a tampered one does not."""
    from mbv_cli.core.jwt.jwks import key_from_jwk

    private = _private_for(alg)
    algo = pyjwt.algorithms.get_default_algorithms()[alg]
    jwk = json.loads(algo.to_jwk(private.public_key()))
    key = key_from_jwk(jwk, f"{alg} key")
    assert key is not None and alg in key.algorithms()
    token = pyjwt.encode({"sub": "u", "exp": NOW + 60}, private, algorithm=alg)
    assert verify_token(parse_token(token), [key], VerifyOptions(), now=NOW).valid
    head, _payload, sig = token.split(".")
    other = pyjwt.utils.base64url_encode(b'{"sub":"admin","exp":9999999999}').decode()
    forged = f"{head}.{other}.{sig}"
    assert verify_token(parse_token(forged), [key], VerifyOptions(), now=NOW).reason == "bad_signature"


def test_point_not_on_curve_is_refused() -> None:
    from mbv_cli.core.jwt.jwks import key_from_jwk
    from tests.core.jwt.vectors import A3_JWK

    bad = dict(A3_JWK, y=A3_JWK["x"])
    with pytest.raises(InputError) as err:
        key_from_jwk(bad, "bad EC")
    assert "not a valid EC JWK" in err.value.one_line()
