from __future__ import annotations

import pytest

from mbv_cli.core.jwt.jwks import key_from_jwk
from mbv_cli.core.jwt.token import parse_token
from mbv_cli.core.jwt.verify import VerifyOptions, verify_token
from tests.core.jwt import vectors as v

CASES = [("A.1 HS256", v.A1_TOKEN, v.A1_JWK), ("A.2 RS256", v.A2_TOKEN, v.A2_JWK), ("A.3 ES256", v.A3_TOKEN, v.A3_JWK)]


@pytest.mark.parametrize(("name", "token", "jwk"), CASES, ids=[c[0] for c in CASES])
def test_rfc7515_vector_verifies(name: str, token: str, jwk: dict[str, str]) -> None:
    key = key_from_jwk(jwk, f"RFC 7515 {name}")
    assert key is not None
    result = verify_token(parse_token(token), [key], VerifyOptions(issuer="joe"), now=v.BEFORE_EXP)
    assert result.valid, result.to_dict()
    assert result.matched_key == f"RFC 7515 {name}"
    assert result.claims == {"iss": "joe", "exp": v.EXP, "http://example.com/is_root": True}


@pytest.mark.parametrize(("name", "token", "jwk"), CASES, ids=[c[0] for c in CASES])
def test_tampered_payload_is_bad_signature(name: str, token: str, jwk: dict[str, str]) -> None:
    key = key_from_jwk(jwk, name)
    assert key is not None
    result = verify_token(parse_token(v.tamper_payload(token)), [key], VerifyOptions(), now=v.BEFORE_EXP)
    assert not result.valid
    assert result.reason == "bad_signature"
    assert result.matched_key is None


@pytest.mark.parametrize(("name", "token", "jwk"), CASES, ids=[c[0] for c in CASES])
def test_vector_after_exp_is_expired_but_signature_still_ok(name: str, token: str, jwk: dict[str, str]) -> None:
    key = key_from_jwk(jwk, name)
    assert key is not None
    result = verify_token(parse_token(token), [key], VerifyOptions(), now=v.EXP + 3600)
    checks = {c.name: c for c in result.checks}
    assert checks["signature"].ok
    assert result.reason == "expired"
    assert "1h" in checks["exp"].detail


def test_flipped_signature_bit_fails_es256() -> None:
    key = key_from_jwk(v.A3_JWK, "A.3")
    assert key is not None
    tampered = v.A3_TOKEN[:-1] + ("A" if v.A3_TOKEN[-1] != "A" else "B")
    result = verify_token(parse_token(tampered), [key], VerifyOptions(), now=v.BEFORE_EXP)
    assert result.reason == "bad_signature"


def test_rsa_token_with_ec_key_is_alg_not_allowed() -> None:
    key = key_from_jwk(v.A3_JWK, "EC key")
    assert key is not None
    result = verify_token(parse_token(v.A2_TOKEN), [key], VerifyOptions(), now=v.BEFORE_EXP)
    assert result.reason == "alg_not_allowed"


@pytest.mark.parametrize(("name", "token", "jwk"), CASES, ids=[c[0] for c in CASES])
def test_the_signature_check_is_pyjwts(name: str, token: str, jwk: dict[str, str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The known answers pass through PyJWT's algorithm objects: with its verify refusing, they fail."""
    import jwt.algorithms

    key = key_from_jwk(jwk, name)
    assert key is not None
    calls: list[str] = []
    real = jwt.algorithms.get_default_algorithms

    def refusing() -> dict[str, jwt.algorithms.Algorithm]:
        table = real()
        algorithm = table[parse_token(token).alg]
        monkeypatch.setattr(algorithm, "verify", lambda msg, k, sig: calls.append(name) or False)
        return table

    monkeypatch.setattr(jwt.algorithms, "get_default_algorithms", refusing)
    result = verify_token(parse_token(token), [key], VerifyOptions(), now=v.BEFORE_EXP)
    assert calls == [name]
    assert result.reason == "bad_signature"
