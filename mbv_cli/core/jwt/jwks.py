"""JWK sets (RFC 7517) from a file or an http(s) URL, fetched once per URL per run.

A file may hold a set (`{"keys": [...]}`) or a single JWK. Keys marked `"use": "enc"` are
skipped. Each key's label carries its `kid`, so a report says which key of the set matched.
URLs are shown without their query string (it may carry a token).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from mbv_cli.core.errors import InputError, RemoteError
from mbv_cli.core.jwt.keys import VerificationKey, key_from_public, secret_key
from mbv_cli.core.jwt.token import MalformedTokenError, b64url_decode


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def display_source(source: str) -> str:
    if not is_url(source):
        return Path(source).name
    parts = urlsplit(source)
    return urlunsplit((parts.scheme, parts.hostname or "", parts.path, "", ""))  # no userinfo, no query


@dataclass
class JwksCache:
    """JWK sets already fetched in this run, by URL (a run never fetches a URL twice)."""

    documents: dict[str, Any] = field(default_factory=dict)
    fetches: int = 0

    def fetch(self, url: str, timeout: float = 10.0) -> Any:
        if url in self.documents:
            return self.documents[url]
        import httpx

        shown = display_source(url)
        try:
            response = httpx.get(url, timeout=timeout, follow_redirects=True,
                                 headers={"Accept": "application/json", "User-Agent": "mbv"})
        except httpx.HTTPError as exc:
            raise RemoteError(f"cannot fetch the JWKS from {shown}: {type(exc).__name__}",
                              hint="check the URL and the network") from None
        self.fetches += 1
        if response.status_code != 200:
            raise RemoteError(f"the JWKS at {shown} answered HTTP {response.status_code}",
                              hint="check the URL (often /.well-known/jwks.json)")
        try:
            document = response.json()
        except ValueError:
            raise RemoteError(f"the JWKS at {shown} is not JSON") from None
        self.documents[url] = document
        return document


def _read_file(source: str) -> Any:
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the JWKS file: {getattr(exc, 'strerror', None) or type(exc).__name__}",
                         file=path) from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise InputError("the JWKS file is not JSON", file=path, line=getattr(exc, "lineno", None),
                         column=getattr(exc, "colno", None)) from None


def _b64_field(jwk: dict[str, Any], name: str, where: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise InputError(f"{where}: JWK member {name!r} is missing or not a string")
    try:
        return b64url_decode(value, f"JWK {name!r}")
    except MalformedTokenError as exc:
        raise InputError(f"{where}: {exc.message}") from None


def key_from_jwk(jwk: Any, label: str) -> VerificationKey | None:
    """One JWK as a verification key; None for an encryption-only key."""
    if not isinstance(jwk, dict):
        raise InputError(f"{label}: a JWK must be a JSON object")
    if jwk.get("use") == "enc":
        return None
    kty = jwk.get("kty")
    kid = jwk.get("kid") if isinstance(jwk.get("kid"), str) else None
    alg = jwk.get("alg") if isinstance(jwk.get("alg"), str) else None
    extra: dict[str, Any] = {"kid": kid, "alg": alg, "from_jwks": True}
    if kty == "oct":
        return secret_key(label, _b64_field(jwk, "k", label), **extra)
    if kty not in ("RSA", "EC", "OKP"):
        raise InputError(f"{label}: unsupported JWK kty {kty!r}", hint="expected oct, RSA, EC or OKP")
    from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

    public_only = {k: v for k, v in jwk.items() if k not in ("d", "p", "q", "dp", "dq", "qi", "oth")}
    loader: Any = {"RSA": RSAAlgorithm, "EC": ECAlgorithm, "OKP": OKPAlgorithm}[kty]
    try:
        public = loader.from_jwk(public_only)
    except Exception as exc:  # PyJWT raises InvalidKeyError and others for bad members
        raise InputError(f"{label}: not a valid {kty} JWK ({type(exc).__name__})") from None
    return key_from_public(label, public, **extra)


def load_jwks(source: str, cache: JwksCache) -> list[VerificationKey]:
    """Keys of the set at `source` (file or URL), in the set's order."""
    document = cache.fetch(source) if is_url(source) else _read_file(source)
    shown = display_source(source)
    if isinstance(document, dict) and "keys" in document:
        entries = document["keys"]
        if not isinstance(entries, list):
            raise InputError(f"JWKS {shown}: \"keys\" is not a list")
    elif isinstance(document, dict) and "kty" in document:
        entries = [document]
    else:
        raise InputError(f"JWKS {shown}: neither a JWK set ({{\"keys\": [...]}}) nor a single JWK")
    keys: list[VerificationKey] = []
    for index, entry in enumerate(entries, start=1):
        kid = entry.get("kid") if isinstance(entry, dict) else None
        label = f"JWKS {shown} kid={kid}" if isinstance(kid, str) else f"JWKS {shown} key #{index}"
        key = key_from_jwk(entry, label)
        if key is not None:
            keys.append(key)
    return keys
