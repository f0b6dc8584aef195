"""Rotation, algorithm confusion, alg none, time checks and claim checks, on tokens minted here."""

from __future__ import annotations

import base64
import json

import pytest

from mbv_cli.core.errors import UsageError
from mbv_cli.core.jwt.keys import secret_key, weakness
from mbv_cli.core.jwt.mint import mint_token
from mbv_cli.core.jwt.token import b64url_encode, parse_token
from mbv_cli.core.jwt.verify import REASON_CODES, VerifyOptions, verify_token

NOW = 1_700_000_000.0
CURRENT = secret_key("JWT_SECRET", "c" * 32)
PREVIOUS = secret_key("JWT_SECRET_PREVIOUS", "p" * 32)


def token_for(key: object, **kw: object) -> str:
    return mint_token(key, now=NOW, **kw).token  # type: ignore[arg-type]


def verify(token: str, keys: list, **opts: object):  # type: ignore[no-untyped-def]
    return verify_token(parse_token(token), keys, VerifyOptions(**opts), now=NOW)  # type: ignore[arg-type]


def test_rotation_current_key_matches_first() -> None:
    result = verify(token_for(CURRENT), [CURRENT, PREVIOUS])
    assert result.valid
    assert result.matched_key == "JWT_SECRET"
    sig = next(c for c in result.checks if c.name == "signature")
    assert sig.detail == "matched JWT_SECRET, key 1 of 2 (the current key)"


def test_rotation_previous_key_reports_label_and_position() -> None:
    result = verify(token_for(PREVIOUS), [CURRENT, PREVIOUS])
    assert result.valid
    assert result.matched_key == "JWT_SECRET_PREVIOUS"
    sig = next(c for c in result.checks if c.name == "signature")
    assert sig.detail == ("matched JWT_SECRET_PREVIOUS, key 2 of 2: this client still holds a token "
                          "from before the rotation")


def test_rotation_unknown_key_is_bad_signature_naming_keys_tried() -> None:
    other = secret_key("OTHER", "o" * 32)
    result = verify(token_for(other), [CURRENT, PREVIOUS])
    assert result.reason == "bad_signature"
    detail = next(c for c in result.checks if c.name == "signature").detail
    assert "JWT_SECRET, JWT_SECRET_PREVIOUS" in detail
    assert "c" * 32 not in json.dumps(result.to_dict())


def _forge(header: dict[str, object], claims: dict[str, object], signature: bytes = b"") -> str:
    enc = lambda d: b64url_encode(json.dumps(d).encode())  # noqa: E731
    return f"{enc(header)}.{enc(claims)}.{b64url_encode(signature)}"


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_alg_none_is_never_accepted(alg: str) -> None:
    result = verify(_forge({"alg": alg}, {"sub": "x"}), [CURRENT])
    assert result.reason == "alg_not_allowed"
    assert not next(c for c in result.checks if c.name == "signature").ok


def test_hmac_token_is_never_checked_with_a_public_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Algorithm confusion: an HS256 token 'signed' with the PEM bytes of a public key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from mbv_cli.core.jwt.keys import public_key_from_pem

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "pub.pem").write_bytes(pem)
    key = public_key_from_pem(tmp_path / "pub.pem")
    with pytest.raises(UsageError, match="asymmetric key"):  # PyJWT will not even sign with it
        token_for(secret_key("attacker", pem))
    import hashlib
    import hmac

    signing_input = ".".join(b64url_encode(json.dumps(part).encode())
                             for part in ({"alg": "HS256", "typ": "JWT"}, {"sub": "admin", "exp": NOW + 60}))
    forged = f"{signing_input}.{b64url_encode(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest())}"
    result = verify(forged, [key])
    assert result.reason == "alg_not_allowed"
    assert "algorithm confusion" in result.checks[1].detail
    # Even given as an HMAC secret, the PEM bytes are refused by PyJWT's key check: no match, and why.
    as_secret = verify(forged, [secret_key("pem as secret", pem)])
    assert as_secret.reason == "bad_signature"
    assert any(w.startswith("key not usable: pem as secret: ") and "asymmetric key" in w for w in as_secret.warnings)


def test_alg_narrowing() -> None:
    result = verify(token_for(CURRENT, alg="HS256"), [CURRENT], allowed_algs=["HS512"])
    assert result.reason == "alg_not_allowed"


def test_weak_secret_is_reported() -> None:
    weak = secret_key("JWT_SECRET", "short")
    result = verify(token_for(weak, allow_weak_key=True), [weak])
    assert result.valid
    assert any("5 bytes, shorter than the 32 bytes HS256 needs" in w for w in result.warnings)
    assert weakness(secret_key("X", "x" * 63), "HS512") is not None
    assert weakness(secret_key("X", "x" * 64), "HS512") is None


def test_weak_rsa_key_is_reported() -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    from mbv_cli.core.jwt.keys import key_from_public

    key = key_from_public("small", rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key())
    assert "1024-bit" in (weakness(key, "RS256") or "")


def test_mint_refuses_weak_secret() -> None:
    from mbv_cli.core.errors import UsageError

    with pytest.raises(UsageError) as err:
        mint_token(secret_key("JWT_SECRET", "short"), now=NOW)
    assert "short" not in err.value.one_line().replace("shorter", "")


@pytest.mark.parametrize(
    ("claims", "opts", "reason"),
    [
        ({"exp": NOW - 1}, {}, "expired"),
        ({"exp": NOW}, {}, "expired"),
        ({"exp": NOW - 10}, {"leeway": 30}, None),
        ({"nbf": NOW + 60}, {}, "not_yet_valid"),
        ({"nbf": NOW + 20}, {"leeway": 30}, None),
        ({"iat": NOW + 60}, {}, "issued_in_future"),
        ({"exp": "tomorrow"}, {}, "malformed"),
        ({"aud": "api"}, {"audiences": ["web"]}, "audience_mismatch"),
        ({"aud": ["web", "api"]}, {"audiences": ["api"]}, None),
        ({}, {"audiences": ["api"]}, "audience_mismatch"),
        ({"iss": "a"}, {"issuer": "b"}, "issuer_mismatch"),
        ({"iss": "a"}, {"issuer": "a"}, None),
        ({"sub": "x"}, {"required": ["sub", "role"]}, "missing_claim"),
    ],
)
def test_claim_checks(claims: dict[str, object], opts: dict[str, object], reason: str | None) -> None:
    token = token_for(CURRENT, ttl=3600, claims=claims)
    result = verify(token, [CURRENT], **opts)
    assert result.reason == reason
    assert result.reason is None or result.reason in REASON_CODES


def test_first_failing_check_is_the_reason() -> None:
    token = token_for(PREVIOUS, claims={"exp": NOW - 5, "iss": "x"})
    result = verify(token, [CURRENT], issuer="y")
    assert [c.code for c in result.checks if not c.ok] == ["bad_signature", "expired", "issuer_mismatch"]
    assert result.reason == "bad_signature"


def test_crit_header_fails_structure() -> None:
    token = _forge({"alg": "HS256", "crit": ["b64"], "b64": False}, {"sub": "x"})
    result = verify(token, [CURRENT])
    assert result.checks[0].name == "structure"
    assert result.reason == "malformed"


def test_mint_claims_json_values_and_kid() -> None:
    from mbv_cli.core.jwt.mint import parse_claims

    minted = mint_token(CURRENT, sub="u1", ttl=60, kid="k1", now=NOW,
                        claims=parse_claims(["roles=[\"a\",\"b\"]", "n=3", "name=plain text"]))
    head, body, _ = minted.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    assert claims == {"iat": int(NOW), "exp": int(NOW) + 60, "sub": "u1", "roles": ["a", "b"], "n": 3,
                      "name": "plain text"}
    assert json.loads(base64.urlsafe_b64decode(head + "==")) == {"alg": "HS256", "typ": "JWT", "kid": "k1"}
    # PyJWT, an independent implementation, accepts what mint signs
    import jwt

    assert jwt.decode(minted.token, "c" * 32, algorithms=["HS256"], options={"verify_exp": False})["sub"] == "u1"
