"""`mbv jwt decode`: a token's header and claims with its times explained, signature NOT checked.

Imports only the standard library (no cryptography), so decoding stays fast.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from mbv_cli.core.jwt.times import TIME_CLAIMS, iso_utc, numeric_date, relative_phrase
from mbv_cli.core.jwt.token import ParsedToken, parse_token


@dataclass(frozen=True, slots=True)
class TimeClaim:
    claim: str
    raw: Any
    iso: str | None
    phrase: str | None  # None when the claim is not a NumericDate


@dataclass(slots=True)
class DecodeResult:
    header: dict[str, Any]
    claims: dict[str, Any]
    times: list[TimeClaim]
    expired: bool
    not_yet_valid: bool
    signature_length: int
    stripped: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "mbv.jwt.decode/1",
            "header": self.header,
            "claims": self.claims,
            "times": {t.claim: t.iso for t in self.times},
            "expired": self.expired,
            "not_yet_valid": self.not_yet_valid,
            "signature_verified": False,
            "signature_length": self.signature_length,
            "stripped": list(self.stripped),
        }


def explain_times(claims: dict[str, Any], now: float) -> tuple[list[TimeClaim], list[str]]:
    times: list[TimeClaim] = []
    warnings: list[str] = []
    for claim in TIME_CLAIMS:
        if claim not in claims:
            continue
        raw = claims[claim]
        seconds = numeric_date(raw)
        if seconds is None:
            times.append(TimeClaim(claim, raw, None, None))
            warnings.append(f"claim {claim} is not a NumericDate (a JSON number of seconds since 1970)")
            continue
        iso = iso_utc(seconds)
        if iso is None:
            warnings.append(f"claim {claim} is a number too large to be a date")
        times.append(TimeClaim(claim, raw, iso, relative_phrase(claim, seconds, now)))
    return times, warnings


def decode_parsed(token: ParsedToken, now: float | None = None) -> DecodeResult:
    now = time.time() if now is None else now
    times, warnings = explain_times(token.claims, now)
    exp = numeric_date(token.claims.get("exp"))
    nbf = numeric_date(token.claims.get("nbf"))
    return DecodeResult(
        header=token.header,
        claims=token.claims,
        times=times,
        expired=exp is not None and now >= exp,
        not_yet_valid=nbf is not None and now < nbf,
        signature_length=len(token.signature),
        stripped=token.stripped,
        warnings=warnings,
    )


def decode_token(raw: str | bytes, now: float | None = None) -> DecodeResult:
    """Parse and explain `raw`; raises MalformedTokenError (exit 2) for anything not a JWS."""
    return decode_parsed(parse_token(raw), now)
