"""`mbv jwt verify`: every check run and reported on its own, then one verdict.

Checks, in order: structure (a `crit` header mbv cannot honour), algorithm allowed, signature (which key of the rotation matched), exp, nbf,
iat not in the future, audience, issuer, required claims, revocation. The verdict's `reason` is
the first failing check's code. Codes are stable (docs/json.md):
malformed, alg_not_allowed, bad_signature, no_key, expired, not_yet_valid, issued_in_future,
audience_mismatch, issuer_mismatch, missing_claim, revoked.
A token that cannot be parsed at all never gets here: it is an input error (exit 2).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mbv_cli.core.jwt.keys import ALGORITHMS, VerificationKey, key_refusal, signature_matches, weakness
from mbv_cli.core.jwt.revocation import RevocationLookup, RevocationRequest
from mbv_cli.core.jwt.times import iso_utc, numeric_date, span
from mbv_cli.core.jwt.token import ParsedToken

REASON_CODES = ("malformed", "alg_not_allowed", "bad_signature", "no_key", "expired", "not_yet_valid",
                "issued_in_future", "audience_mismatch", "issuer_mismatch", "missing_claim", "revoked")


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    code: str | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "code": self.code, "detail": self.detail}


@dataclass(slots=True)
class VerifyOptions:
    allowed_algs: Sequence[str] = ()  # --alg: narrows what the keys allow
    audiences: Sequence[str] = ()
    issuer: str | None = None
    required: Sequence[str] = ()
    leeway: float = 0.0
    revocation: RevocationRequest | None = None


@dataclass(slots=True)
class VerifyResult:
    checks: list[Check]
    header: dict[str, Any]
    claims: dict[str, Any]
    matched_key: str | None
    warnings: list[str] = field(default_factory=list)
    stripped: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def reason(self) -> str | None:
        return next((c.code for c in self.checks if not c.ok), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "mbv.jwt.verify/1",
            "valid": self.valid,
            "reason": self.reason,
            "matched_key": self.matched_key,
            "checks": [c.to_dict() for c in self.checks],
            "header": self.header,
            "claims": self.claims,
            "warnings": list(self.warnings),
        }


def _when(seconds: float, now: float) -> str:
    iso = iso_utc(seconds) or f"{seconds:g}"
    return f"{iso}, {span(seconds - now)} {'ago' if seconds <= now else 'from now'}"


def check_structure(token: ParsedToken) -> Check:
    crit = token.header.get("crit")
    if crit is not None:
        names = ", ".join(str(c) for c in crit) if isinstance(crit, list) else repr(crit)
        return Check("structure", False, "malformed",
                     f"the header marks extensions as critical (crit: {names}) that mbv does not implement")
    return Check("structure", True, None,
                 f"JWS compact, 3 segments; {len(token.claims)} claims; signature {len(token.signature)} bytes")


def check_algorithm(token: ParsedToken, keys: Sequence[VerificationKey], narrowed: Sequence[str]) -> Check:
    alg = token.alg
    if alg.lower() == "none":
        return Check("algorithm", False, "alg_not_allowed", "alg \"none\" (an unsigned token) is never accepted")
    if alg not in ALGORITHMS:
        return Check("algorithm", False, "alg_not_allowed", f"{alg!r} is not a JWS algorithm mbv verifies")
    if narrowed and alg not in narrowed:
        return Check("algorithm", False, "alg_not_allowed", f"{alg} is not in --alg {','.join(narrowed)}")
    allowed = {a for k in keys for a in k.algorithms()}
    if alg in allowed:
        return Check("algorithm", True, None, f"{alg} is allowed by the {'key' if len(keys) == 1 else 'keys'} given")
    if ALGORITHMS[alg][0] == "oct":
        return Check("algorithm", False, "alg_not_allowed",
                     f"{alg} is HMAC but only public keys were given: an HMAC token is never checked with a "
                     "public key (algorithm confusion)")
    families = sorted({k.describe() for k in keys})
    return Check("algorithm", False, "alg_not_allowed",
                 f"{alg} does not fit the keys given ({', '.join(families)})")


def check_signature(token: ParsedToken, keys: Sequence[VerificationKey]) -> tuple[Check, str | None]:
    alg, kid = token.alg, token.kid
    total = len(keys)
    candidates: list[tuple[int, VerificationKey]] = []
    jwks_kids: list[str] = []
    for index, key in enumerate(keys, start=1):
        if key.from_jwks and key.kid is not None:
            jwks_kids.append(key.kid)
            if kid is not None and key.kid != kid:
                continue
        if alg in key.algorithms():
            candidates.append((index, key))
    if not candidates:
        if kid is not None and jwks_kids and kid not in jwks_kids:
            return Check("signature", False, "no_key",
                         f"no key with kid {kid!r} (kids given: {', '.join(jwks_kids)}); "
                         "the key set may be stale or the token from another issuer"), None
        return Check("signature", False, "no_key", f"none of the {total} keys given can verify {alg}"), None
    for index, key in candidates:
        if signature_matches(key, alg, token.signing_input, token.signature):
            detail = f"matched {key.label}, key {index} of {total}"
            if index > 1 and not (key.from_jwks and kid is not None):
                detail += ": this client still holds a token from before the rotation"
            elif index == 1 and total > 1:
                detail += " (the current key)"
            return Check("signature", True, None, detail), key.label
    tried = ", ".join(k.label for _, k in candidates)
    return Check("signature", False, "bad_signature",
                 f"the signature matches none of the {len(candidates)} key{'s' if len(candidates) != 1 else ''} "
                 f"tried ({tried}): signed with another key, or the token was altered"), None


def _time_claim(claims: dict[str, Any], name: str) -> tuple[float | None, Check | None]:
    if name not in claims:
        return None, None
    value = numeric_date(claims[name])
    if value is None:
        return None, Check(name, False, "malformed", f"{name} is not a NumericDate (a number of seconds)")
    if iso_utc(value) is None:  # as decode says: no calendar date, so no honest expiry verdict
        return None, Check(name, False, "malformed", f"{name} is not a valid NumericDate: a number too large "
                                                     "to be a date")
    return value, None


def check_times(claims: dict[str, Any], now: float, leeway: float) -> list[Check]:
    checks: list[Check] = []
    exp, bad = _time_claim(claims, "exp")
    if bad:
        checks.append(bad)
    elif exp is None:
        checks.append(Check("exp", True, None, "no exp claim: the token never expires"))
    elif now >= exp + leeway:
        checks.append(Check("exp", False, "expired", f"expired {_when(exp, now)}"))
    else:
        checks.append(Check("exp", True, None, f"expires {_when(exp, now)}"))
    nbf, bad = _time_claim(claims, "nbf")
    if bad:
        checks.append(bad)
    elif nbf is None:
        checks.append(Check("nbf", True, None, "no nbf claim"))
    elif now + leeway < nbf:
        checks.append(Check("nbf", False, "not_yet_valid", f"not valid before {_when(nbf, now)}"))
    else:
        checks.append(Check("nbf", True, None, f"valid since {_when(nbf, now)}"))
    iat, bad = _time_claim(claims, "iat")
    if bad:
        checks.append(bad)
    elif iat is None:
        checks.append(Check("iat", True, None, "no iat claim"))
    elif iat > now + leeway:
        checks.append(Check("iat", False, "issued_in_future",
                            f"issued {_when(iat, now)}: the issuer's clock is ahead (use --leeway for skew)"))
    else:
        checks.append(Check("iat", True, None, f"issued {_when(iat, now)}"))
    return checks


def check_audience(claims: dict[str, Any], expected: Sequence[str]) -> Check:
    if not expected:
        return Check("aud", True, None, "not checked (no --aud)")
    if "aud" not in claims:
        return Check("aud", False, "audience_mismatch", f"no aud claim; expected {', '.join(expected)}")
    aud = claims["aud"]
    values = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else None
    if values is None or not all(isinstance(v, str) for v in values):
        return Check("aud", False, "malformed", "aud is neither a string nor a list of strings")
    hit = next((v for v in values if v in expected), None)
    if hit is None:
        return Check("aud", False, "audience_mismatch", f"aud {values} does not include {', '.join(expected)}")
    return Check("aud", True, None, f"aud includes {hit}")


def check_issuer(claims: dict[str, Any], expected: str | None) -> Check:
    if expected is None:
        return Check("iss", True, None, "not checked (no --iss)")
    if "iss" not in claims:
        return Check("iss", False, "issuer_mismatch", f"no iss claim; expected {expected!r}")
    if claims["iss"] != expected:
        return Check("iss", False, "issuer_mismatch", f"iss is {claims['iss']!r}, expected {expected!r}")
    return Check("iss", True, None, f"iss is {expected!r}")


def check_required(claims: dict[str, Any], required: Sequence[str]) -> Check:
    if not required:
        return Check("required", True, None, "no --require")
    missing = [c for c in required if c not in claims]
    if missing:
        return Check("required", False, "missing_claim", f"missing: {', '.join(missing)}")
    return Check("required", True, None, f"present: {', '.join(required)}")


Lookup = Callable[[RevocationRequest, str], RevocationLookup]


def check_revocation(claims: dict[str, Any], request: RevocationRequest | None, lookup: Lookup | None,
                     warnings: list[str]) -> Check:
    if request is None or lookup is None:
        return Check("revocation", True, None, "not checked (no --revoked-kv)")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        return Check("revocation", False, "missing_claim", "the token has no jti string to look up")
    found = lookup(request, jti)
    if found.note:
        warnings.append(f"revocation: {found.note}")
    if found.found:
        return Check("revocation", False, "revoked", f"{found.key} is set in KV {request.binding} ({found.where})")
    return Check("revocation", True, None, f"{found.key} is not in KV {request.binding} ({found.where})")


def verify_token(token: ParsedToken, keys: Sequence[VerificationKey], options: VerifyOptions, *,
                 now: float | None = None, lookup: Lookup | None = None) -> VerifyResult:
    """Run every check; the signature is tried against `keys` in their (rotation) order."""
    now = time.time() if now is None else now
    warnings: list[str] = []
    checks: list[Check] = [check_structure(token)]
    algorithm = check_algorithm(token, keys, options.allowed_algs)
    checks.append(algorithm)
    matched: str | None = None
    if algorithm.ok:
        signature, matched = check_signature(token, keys)
        checks.append(signature)
        seen: set[str] = set()
        for key in keys:
            problem = weakness(key, token.alg) if token.alg in key.algorithms() else None
            if problem and key.label not in seen:
                seen.add(key.label)
                warnings.append(f"weak key: {problem}")
            refused = key_refusal(key, token.alg)
            if refused:
                warnings.append(f"key not usable: {key.label}: {refused}")
    else:
        checks.append(Check("signature", False, algorithm.code, "not checked: the algorithm is not allowed"))
    checks.extend(check_times(token.claims, now, options.leeway))
    checks.append(check_audience(token.claims, options.audiences))
    checks.append(check_issuer(token.claims, options.issuer))
    checks.append(check_required(token.claims, options.required))
    checks.append(check_revocation(token.claims, options.revocation, lookup, warnings))
    return VerifyResult(checks, token.header, token.claims, matched, warnings, token.stripped)
