"""From what people paste to a parsed JWS compact token (RFC 7515 section 7.1), strictly.

Input is tolerated the way it usually arrives (a `Bearer ` prefix, an `Authorization:` header
name, surrounding quotes, whitespace and line breaks) and each clean-up is reported. The token
itself is then parsed strictly: three base64url segments without padding, a JSON object header
with a string `alg`, a JSON object payload. Error messages name the segment and the problem,
never the token's text.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Any

from mbv_cli.core.errors import InputError

# Cloudflare accepts at most 128 KB of request headers, so no real bearer token is longer.
MAX_TOKEN_CHARS = 128 * 1024
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_SEGMENTS = ("header", "payload", "signature")


class MalformedTokenError(InputError):
    """The text is not a JWS compact token mbv can read (exit 2)."""


@dataclass(frozen=True, slots=True)
class CleanToken:
    """The token text after tolerant clean-up, and what was removed (for a note on stderr)."""

    text: str
    stripped: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedToken:
    """A structurally valid JWS: decoded header and claims, and the bytes a signature covers."""

    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes
    stripped: tuple[str, ...] = field(default=())

    @property
    def alg(self) -> str:
        return str(self.header.get("alg"))

    @property
    def kid(self) -> str | None:
        kid = self.header.get("kid")
        return kid if isinstance(kid, str) else None


def clean_token(raw: str | bytes) -> CleanToken:
    """Strip what people paste around a token; say what was stripped. Never echoes the input."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("ascii")
        except UnicodeDecodeError:
            raise MalformedTokenError(
                "the token contains bytes that are not ASCII (binary data?)",
                hint="a JWT is three base64url segments joined by dots",
            ) from None
    notes: list[str] = []
    text = raw.strip()
    line_end = raw[:-2] if raw.endswith("\r\n") else raw[:-1] if raw.endswith("\n") else raw
    if text != line_end:  # one line break at the end is how stdin and files end: not worth a note
        notes.append("surrounding whitespace")
    changed = True
    while changed:
        changed = False
        if text[:1] in ("'", '"', "`") and len(text) >= 2 and text[-1] == text[0]:
            notes.append(f"surrounding {text[0]} quotes")
            text = text[1:-1].strip()
            changed = True
        match = re.match(r"(?i)(authorization\s*:\s*)?bearer(\s+|$)", text)
        if match:
            notes.append(f"a leading {match.group(0).strip()!r}")
            text = text[match.end():]
            changed = True
    inner = len(re.findall(r"\s", text))
    if inner:
        notes.append(f"{inner} whitespace character{'s' if inner != 1 else ''} inside the token (line breaks?)")
        text = re.sub(r"\s+", "", text)
    return CleanToken(text, tuple(notes))


def b64url_decode(segment: str, name: str) -> bytes:
    """Strict base64url (RFC 7515 section 2): URL-safe alphabet, no padding."""
    if not _B64URL.fullmatch(segment):
        bad = next(i for i, ch in enumerate(segment) if not (ch.isascii() and (ch.isalnum() or ch in "-_")))
        what = "padding '='" if segment[bad] == "=" else "a character outside base64url"
        raise MalformedTokenError(f"the {name} segment has {what} at offset {bad}",
                                  hint="JWS segments use the base64url alphabet A-Z a-z 0-9 - _ without padding")
    if len(segment) % 4 == 1:
        raise MalformedTokenError(f"the {name} segment has an impossible base64url length ({len(segment)})",
                                  hint="the token was probably cut off or has extra characters")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise MalformedTokenError(f"the {name} segment is not valid base64url") from None


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class _NotFiniteError(Exception):
    pass


def _reject_constant(_: str) -> float:
    raise _NotFiniteError


def _finite_float(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise _NotFiniteError
    return number


def _json_object(data: bytes, name: str) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedTokenError(f"the {name} is not UTF-8 text") from None
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except _NotFiniteError:
        raise MalformedTokenError(f"the {name} holds a number JSON cannot represent (NaN, Infinity or overflow)") \
            from None
    except ValueError as exc:
        pos = getattr(exc, "pos", None)
        where = f" (at character {pos})" if isinstance(pos, int) else ""
        raise MalformedTokenError(f"the {name} is not JSON{where}") from None
    except RecursionError:
        raise MalformedTokenError(f"the {name} nests JSON too deeply") from None
    if not isinstance(value, dict):
        raise MalformedTokenError(f"the {name} is JSON but not an object (it is {type(value).__name__})",
                                  hint="a JWT header and claims set are JSON objects")
    return value


def parse_token(raw: str | bytes) -> ParsedToken:
    """Clean up and parse a JWS compact token; raise MalformedTokenError with a one-line reason."""
    clean = clean_token(raw)
    text = clean.text
    if not text:
        raise MalformedTokenError("no token given (the input is empty)",
                                  hint="pass the token as an argument, '-' for stdin, or --from-env VAR")
    if len(text) > MAX_TOKEN_CHARS:
        raise MalformedTokenError(
            f"the token is {'over ' if len(text) >= 2 * MAX_TOKEN_CHARS else ''}{len(text)} characters long, "
            f"more than the {MAX_TOKEN_CHARS} a request header can carry",
            hint="check that the input is one token")
    parts = text.split(".")
    if len(parts) == 5:
        raise MalformedTokenError("this is a JWE (5 segments: an encrypted token)",
                                  hint="mbv reads signed tokens (JWS, 3 segments); decrypt it first")
    if len(parts) != 3:
        raise MalformedTokenError(f"a JWT has 3 dot-separated segments, this input has {len(parts)}",
                                  hint="copy the whole token: header.payload.signature")
    header = _json_object(b64url_decode(parts[0], "header"), "header")
    alg = header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise MalformedTokenError("the header has no \"alg\" string", hint="RFC 7515 section 4.1.1 requires alg")
    if "enc" in header:
        raise MalformedTokenError("the header has \"enc\": this is a JWE, not a signed token")
    claims = _json_object(b64url_decode(parts[1], "payload"), "payload (claims set)")
    signature = b64url_decode(parts[2], "signature")
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    return ParsedToken(header, claims, signing_input, signature, clean.stripped)
