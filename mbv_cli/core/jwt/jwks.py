"""JWK sets (RFC 7517) from a file or an http(s) URL, fetched once per URL per run; and the
collection of every key a `verify` run was given, in rotation order.

A file may hold a set (`{"keys": [...]}`) or a single JWK. Keys marked `"use": "enc"` are
skipped. Each key's label carries its `kid`, so a report says which key of the set matched.
URLs are shown without their query string (it may carry a token).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mbv_cli.core.errors import InputError, RemoteError, UsageError
from mbv_cli.core.jwt import keys as keysrc
from mbv_cli.core.jwt.keys import VerificationKey, key_from_public, secret_key
from mbv_cli.core.jwt.token import MalformedTokenError, b64url_decode


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def display_source(source: str) -> str:
    if not is_url(source):
        return Path(source).name
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(source)
    except ValueError:
        return "the --jwks URL"
    host = parts.netloc.rpartition("@")[2]  # keeps the port and IPv6 brackets, drops userinfo
    return urlunsplit((parts.scheme, host, parts.path, "", ""))  # no query (it may carry a token)


@dataclass
class JwksCache:
    """JWK sets already fetched in this run, by URL (a run never fetches a URL twice)."""

    documents: dict[str, Any] = field(default_factory=dict)
    fetches: int = 0

    def fetch(self, url: str, timeout: float = 10.0) -> Any:
        if url in self.documents:
            return self.documents[url]
        import httpx

        from mbv_cli.core.httpcheck import url_problem

        shown = display_source(url)
        problem = url_problem(url)
        if problem:
            raise UsageError(f"the --jwks URL is malformed: {problem}",
                             hint="check the host, brackets and port, e.g. https://issuer/.well-known/jwks.json")
        from mbv_cli.core.http_body import read_capped

        try:
            with httpx.stream("GET", url, timeout=timeout, follow_redirects=True,
                              headers={"Accept": "application/json", "User-Agent": "mbv"}) as response:
                if response.status_code == 200:
                    read_capped(response, MAX_JWKS_BYTES, what=f"the JWKS at {shown}")
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # InvalidURL: e.g. a redirect to a bad Location
            from mbv_cli.core.httpcheck import certificate_problem

            problem = certificate_problem(exc)
            if problem:
                raise RemoteError(f"cannot fetch the JWKS from {shown}: TLS certificate is not trusted: {problem}",
                                  hint="check the URL, or SSL_CERT_FILE for a private CA") from None
            raise RemoteError(f"cannot fetch the JWKS from {shown}: {type(exc).__name__}",
                              hint="check the URL and the network") from None
        self.fetches += 1
        if response.status_code != 200:
            raise RemoteError(f"the JWKS at {shown} answered HTTP {response.status_code}",
                              hint="check the URL (often /.well-known/jwks.json)")
        try:
            document = response.json()
        except (ValueError, RecursionError):
            raise RemoteError(f"the JWKS at {shown} is not JSON (or nested too deeply to read)") from None
        self.documents[url] = document
        return document


def _read_file(source: str) -> Any:
    from mbv_cli.core.input_files import read_file_text

    path = Path(source)
    text = read_file_text(path, what="the JWKS file", limit=MAX_JWKS_BYTES, encoding="utf-8")
    try:
        return json.loads(text)
    except RecursionError:
        raise InputError("the JWKS file is JSON nested too deeply to read", file=path) from None
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


MAX_JWKS_BYTES = 4 * 1024 * 1024  # a key set, from a file or a URL (real ones are a few KB)

_EC_CURVES = {"P-256": "SECP256R1", "P-384": "SECP384R1", "P-521": "SECP521R1"}


def _public_from_jwk(jwk: dict[str, Any], kty: str, label: str) -> Any:
    """The public key of an RSA, EC or OKP JWK (RFC 7518 section 6, RFC 8037 section 2)."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

    if kty == "RSA":
        n = int.from_bytes(_b64_field(jwk, "n", label), "big")
        e = int.from_bytes(_b64_field(jwk, "e", label), "big")
        return rsa.RSAPublicNumbers(e, n).public_key()
    crv = jwk.get("crv")
    if kty == "EC":
        if crv not in _EC_CURVES:
            raise InputError(f"{label}: unsupported EC curve {crv!r}", hint="JWS uses P-256, P-384 or P-521")
        curve = getattr(ec, _EC_CURVES[str(crv)])()
        size = (curve.key_size + 7) // 8
        x, y = _b64_field(jwk, "x", label), _b64_field(jwk, "y", label)
        if len(x) != size or len(y) != size:
            raise InputError(f"{label}: x and y must be {size} bytes for {crv}")
        return ec.EllipticCurvePublicKey.from_encoded_point(curve, b"\x04" + x + y)
    x = _b64_field(jwk, "x", label)
    if crv == "Ed25519":
        return ed25519.Ed25519PublicKey.from_public_bytes(x)
    if crv == "Ed448":
        return ed448.Ed448PublicKey.from_public_bytes(x)
    raise InputError(f"{label}: unsupported OKP curve {crv!r}", hint="JWS EdDSA uses Ed25519 or Ed448")


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
    try:
        public = _public_from_jwk(jwk, kty, label)
    except ValueError as exc:  # cryptography refuses a point not on the curve, a bad modulus...
        raise InputError(f"{label}: not a valid {kty} JWK ({exc})") from None
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


def collect_keys(*, secret_env: Sequence[str] = (), secret_file: Sequence[str | Path] = (),
                 dev_vars: str | Path | None = None, env: str | None = None,
                 public_key: Sequence[str | Path] = (), jwks: Sequence[str] = (),
                 cache: JwksCache | None = None) -> list[VerificationKey]:
    """Every key given, in rotation order: --secret-env (in order), --secret-file, --dev-vars,
    --public-key, --jwks; with none of them, JWT_SECRET then JWT_SECRET_PREVIOUS from the env."""
    keys = [keysrc.secret_from_env(v) for v in secret_env]
    keys += [keysrc.secret_from_file(p) for p in secret_file]
    if dev_vars is not None:
        keys += keysrc.secrets_from_dev_vars(dev_vars, env)
    keys += [keysrc.public_key_from_pem(p) for p in public_key]
    cache = JwksCache() if cache is None else cache
    for source in jwks:
        keys += load_jwks(source, cache)
    if secret_env or secret_file or dev_vars is not None or public_key or jwks:
        return keys
    keys = keysrc.default_env_secrets()
    if not keys:
        raise UsageError("no key to verify with: JWT_SECRET and JWT_SECRET_PREVIOUS are not set",
                         hint="use --secret-env VAR, --secret-file, --dev-vars, --public-key or --jwks")
    return keys
