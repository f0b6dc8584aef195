"""`mbv jwt mint`: an HMAC-signed token for tests and `mbv replay`, from a secret in the env or a file.

Claims: `iat` now, `exp` now + ttl, `sub` when given, then each `--claim k=v` (the value parsed as
JSON when it is JSON, else kept as a string), so `--claim` may override iat/exp. A secret shorter
than the hash (RFC 7518 section 3.2) is refused unless the caller allows weak keys.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mbv_cli.core.errors import UsageError
from mbv_cli.core.jwt.keys import InvalidKey, VerificationKey, pyjwt_key, weakness
from mbv_cli.core.jwt.token import b64url_encode

MINT_ALGORITHMS = ("HS256", "HS384", "HS512")


@dataclass(frozen=True, slots=True)
class MintResult:
    """The minted token: printed alone (text) so that `$(mbv jwt mint ...)` captures just it."""

    token: str = field(repr=False)
    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": "mbv.jwt.mint/1", "token": self.token, "header": self.header, "claims": self.claims}


def parse_claims(pairs: Sequence[str]) -> dict[str, Any]:
    claims: dict[str, Any] = {}
    for number, pair in enumerate(pairs, start=1):
        name, sep, raw = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--claim number {number} is not NAME=VALUE",
                             hint="e.g. --claim role=admin or --claim 'roles=[\"a\",\"b\"]'")
        try:  # JSON only: NaN, Infinity and numbers beyond a double are not JSON, so they stay strings
            claims[name] = json.loads(raw, parse_constant=_reject_constant, parse_float=_finite_float)
        except ValueError:
            claims[name] = raw
        if name in NUMERIC_CLAIMS and not _is_numeric_date(claims[name]):
            raise UsageError(f"--claim {name}={raw[:40]!r}: {name} must be a NumericDate (seconds since 1970)",
                             hint=f"e.g. --claim {name}=1767225600, or use --ttl for exp")
    return claims


NUMERIC_CLAIMS = ("exp", "nbf", "iat")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is beyond a double")
    return value


def _is_numeric_date(value: Any) -> bool:
    from mbv_cli.core.jwt.times import iso_utc, numeric_date

    seconds = numeric_date(value)
    return seconds is not None and iso_utc(seconds) is not None


def mint_token(key: VerificationKey, *, alg: str = "HS256", sub: str | None = None, ttl: int = 900,
               claims: dict[str, Any] | None = None, kid: str | None = None, allow_weak_key: bool = False,
               now: float | None = None) -> MintResult:
    if alg not in MINT_ALGORITHMS:
        raise UsageError(f"mint signs with HMAC only; --alg {alg} is not one of {', '.join(MINT_ALGORITHMS)}")
    if key.family != "oct" or key.secret is None:
        raise UsageError("mint needs an HMAC secret (--secret-env VAR or --secret-file PATH)")
    problem = weakness(key, alg)
    if problem and not allow_weak_key:
        raise UsageError(f"refusing to sign with a weak key: {problem}",
                         hint="use a longer secret (openssl rand -base64 32), or --allow-weak-key for a test")
    issued = int(time.time() if now is None else now)
    header: dict[str, Any] = {"alg": alg, "typ": "JWT"}
    if kid:
        header["kid"] = kid
    body: dict[str, Any] = {"iat": issued, "exp": issued + ttl}
    if sub is not None:
        body["sub"] = sub
    body.update(claims or {})
    compact = (json.dumps(header, separators=(",", ":")),
               json.dumps(body, separators=(",", ":"), allow_nan=False))  # RFC 8259: no NaN/Infinity
    signing_input = ".".join(b64url_encode(part.encode("utf-8")) for part in compact)
    try:  # PyJWT signs (imported here only); mbv keeps the header and claims it builds above
        algorithm, prepared = pyjwt_key(alg, key.secret)
    except InvalidKey as exc:
        raise UsageError(f"refusing to sign with this secret: {exc}",
                         hint="an HMAC secret is random bytes, not a PEM key or a JWK") from None
    signature = algorithm.sign(signing_input.encode("ascii"), prepared)
    return MintResult(f"{signing_input}.{b64url_encode(signature)}", header, body)
