"""A tiny HS256 JWT minter for `--mint-jwt` (RFC 7519 / RFC 7515 compact form).

Kept small on purpose: the jwt capability owns minting in general; this only signs
`{"sub", "iat", "exp"}` (plus extra claims) with a shared secret read from an environment variable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def mint_hs256(secret: bytes, *, sub: str | None = None, ttl_s: int = 300,
               now: int | None = None, claims: dict[str, Any] | None = None) -> str:
    issued = int(time.time()) if now is None else now
    payload: dict[str, Any] = {"iat": issued, "exp": issued + ttl_s}
    if sub is not None:
        payload["sub"] = sub
    payload.update(claims or {})
    header = {"alg": "HS256", "typ": "JWT"}
    signing_input = (_b64url(json.dumps(header, separators=(",", ":")).encode())
                     + "." + _b64url(json.dumps(payload, separators=(",", ":")).encode()))
    signature = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + _b64url(signature)
