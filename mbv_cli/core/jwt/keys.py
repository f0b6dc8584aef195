"""Where verification keys come from, in rotation order, and what each key can verify.

Secret values come only from environment variables, files and a Worker's `.dev.vars`, never
from argv. A key's label (the variable or file name, a JWKS `kid`) is what reports show; the
value never appears in a repr, a message or an exception. The signature and key-type checks are
PyJWT's algorithm objects (`signature_matches`, `pyjwt_key`), imported only when a signature is
checked or made, so `jwt decode` never loads PyJWT or cryptography.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mbv_cli.core.errors import InputError, UsageError

DEFAULT_SECRET_VARS = ("JWT_SECRET", "JWT_SECRET_PREVIOUS")

# alg -> (key family, hash name, EC curve name for ES*)
ALGORITHMS: dict[str, tuple[str, str, str | None]] = {
    "HS256": ("oct", "sha256", None), "HS384": ("oct", "sha384", None), "HS512": ("oct", "sha512", None),
    "RS256": ("RSA", "sha256", None), "RS384": ("RSA", "sha384", None), "RS512": ("RSA", "sha512", None),
    "PS256": ("RSA", "sha256", None), "PS384": ("RSA", "sha384", None), "PS512": ("RSA", "sha512", None),
    "ES256": ("EC", "sha256", "secp256r1"), "ES384": ("EC", "sha384", "secp384r1"),
    "ES512": ("EC", "sha512", "secp521r1"),
    "EdDSA": ("OKP", "", None),
}
HASH_BYTES = {"sha256": 32, "sha384": 48, "sha512": 64}
MIN_RSA_BITS = 2048


@dataclass(frozen=True)
class VerificationKey:
    """One key to try. `family` is the JWK kty: oct (an HMAC secret), RSA, EC or OKP."""

    label: str
    family: str
    secret: bytes | None = field(default=None, repr=False)
    public: Any = field(default=None, repr=False)  # a cryptography public key object
    kid: str | None = None
    alg: str | None = None  # the JWK's own "alg", when it pins one
    from_jwks: bool = False
    curve: str | None = None
    bits: int = 0

    def __repr__(self) -> str:  # never show key material
        return f"VerificationKey(label={self.label!r}, family={self.family!r}, kid={self.kid!r})"

    def algorithms(self) -> list[str]:
        """The algorithms this key may verify (RFC 7518 section 3.1 families; EC by curve)."""
        if self.alg is not None:
            return [self.alg] if self.alg in ALGORITHMS and ALGORITHMS[self.alg][0] == self.family else []
        return [a for a, (fam, _, curve) in ALGORITHMS.items()
                if fam == self.family and (curve is None or curve == self.curve)]

    def describe(self) -> str:
        if self.family == "oct":
            return "HMAC secret"
        if self.family == "RSA":
            return f"RSA {self.bits}-bit public key"
        if self.family == "EC":
            return f"EC {self.curve} public key"
        return f"{self.curve or 'OKP'} public key"


def secret_key(label: str, value: str | bytes, **extra: Any) -> VerificationKey:
    data = value.encode("utf-8") if isinstance(value, str) else value
    return VerificationKey(label=label, family="oct", secret=data, bits=len(data) * 8, **extra)


def secret_from_env(var: str, environ: Mapping[str, str] | None = None) -> VerificationKey:
    environ = os.environ if environ is None else environ
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var):
        # Not a variable name: perhaps a secret pasted by mistake, so it is not repeated here.
        raise UsageError("--secret-env takes the NAME of an environment variable (the value given is not a name)",
                         hint="export JWT_SECRET=... and pass --secret-env JWT_SECRET")
    value = environ.get(var)
    if value is None:
        raise UsageError(f"environment variable {var} is not set", hint=f"export {var} or choose another key option")
    if value == "":
        raise UsageError(f"environment variable {var} is empty", hint="an empty secret cannot sign anything")
    return secret_key(var, value)


def secret_from_file(path: str | Path) -> VerificationKey:
    """The file's bytes, minus one trailing line break (as `echo` or an editor leaves it)."""
    from mbv_cli.core.input_files import MB, read_file_bytes

    file = Path(path)
    data = read_file_bytes(file, what="the secret file", limit=MB)
    if data.endswith(b"\r\n"):
        data = data[:-2]
    elif data.endswith(b"\n"):
        data = data[:-1]
    if not data:
        raise InputError("the secret file is empty", file=file)
    return secret_key(f"secret file {file.name}", data)


def secrets_from_dev_vars(worker_dir: str | Path, env: str | None = None) -> list[VerificationKey]:
    """JWT_SECRET then JWT_SECRET_PREVIOUS as `wrangler dev` would load them for that Worker."""
    from mbv_cli.core.wrangler.devvars import dev_secret_source

    directory = Path(worker_dir)
    if not directory.is_dir():
        raise UsageError(f"{directory}: not a directory", hint="--dev-vars takes the Worker's directory")
    source = dev_secret_source(directory, env)
    keys = [secret_key(f"{name} ({source.origin(name)})", source.values[name])
            for name in DEFAULT_SECRET_VARS if source.values.get(name)]
    if not keys:
        where = source.label or f"{directory}/.dev.vars (missing)"
        if source.problems:  # the file is there but wrangler (and mbv) cannot read variables from it
            file, problem = source.problems[0]
            raise UsageError(f"no JWT_SECRET or JWT_SECRET_PREVIOUS read from {file}: {problem}")
        raise UsageError(f"no JWT_SECRET or JWT_SECRET_PREVIOUS in {where}",
                         hint="add them to the Worker's .dev.vars or use --secret-env")
    return keys


def default_env_secrets(environ: Mapping[str, str] | None = None) -> list[VerificationKey]:
    environ = os.environ if environ is None else environ
    return [secret_key(name, environ[name]) for name in DEFAULT_SECRET_VARS if environ.get(name)]


def public_key_from_pem(path: str | Path) -> VerificationKey:
    """A PEM public key (SPKI or PKCS#1) or an X.509 certificate's key."""
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from mbv_cli.core.input_files import MB, read_file_bytes

    file = Path(path)
    data = read_file_bytes(file, what="the public key", limit=MB)
    if b"PRIVATE KEY" in data:
        raise InputError("this is a private key", file=file,
                         hint="verify with the public key (openssl pkey -in KEY -pubout)")
    public: Any
    try:
        if b"BEGIN CERTIFICATE" in data:
            from cryptography import x509

            public = x509.load_pem_x509_certificate(data).public_key()
        else:
            public = load_pem_public_key(data)
    except (ValueError, TypeError):
        raise InputError("not a PEM public key or certificate", file=file,
                         hint="expected -----BEGIN PUBLIC KEY-----") from None
    return key_from_public(f"public key {file.name}", public)


def key_from_public(label: str, public: Any, **extra: Any) -> VerificationKey:
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

    if isinstance(public, rsa.RSAPublicKey):
        return VerificationKey(label=label, family="RSA", public=public, bits=public.key_size, **extra)
    if isinstance(public, ec.EllipticCurvePublicKey):
        return VerificationKey(label=label, family="EC", public=public, curve=public.curve.name,
                               bits=public.key_size, **extra)
    if isinstance(public, ed25519.Ed25519PublicKey):
        return VerificationKey(label=label, family="OKP", public=public, curve="Ed25519", bits=256, **extra)
    if isinstance(public, ed448.Ed448PublicKey):
        return VerificationKey(label=label, family="OKP", public=public, curve="Ed448", bits=456, **extra)
    raise InputError(f"{label}: unsupported key type {type(public).__name__}",
                     hint="JWS uses RSA, EC (P-256/384/521) or Ed25519/Ed448 keys")


def weakness(key: VerificationKey, alg: str) -> str | None:
    """Why a key is too weak for `alg` (RFC 7518 sections 3.2 and 3.3), or None."""
    family, hash_name, _ = ALGORITHMS.get(alg, ("", "", None))
    if key.family == "oct" and family == "oct" and key.secret is not None:
        need = HASH_BYTES[hash_name]
        if len(key.secret) < need:
            return (f"{key.label} is {len(key.secret)} bytes, shorter than the {need} bytes {alg} needs "
                    "(RFC 7518 section 3.2)")
    if key.family == "RSA" and key.bits < MIN_RSA_BITS:
        return f"{key.label} is a {key.bits}-bit RSA key; RFC 7518 section 3.3 requires at least {MIN_RSA_BITS}"
    return None


def signature_matches(key: VerificationKey, alg: str, signing_input: bytes, signature: bytes) -> bool:
    """True when `signature` is `key`'s signature of `signing_input` under `alg`.

    mbv decides which keys are tried (families, rotation order, JWKS kid); the key-type check and
    the signature itself are PyJWT's algorithm objects (`prepare_key` refuses a key of the wrong
    type or curve, and an HMAC "secret" that is really a PEM key or a JWK; `verify` compares).
    PyJWT is imported here, so only `jwt verify` and `jwt mint` pay for it.
    """
    family, _, _ = ALGORITHMS[alg]
    if family != key.family or alg not in key.algorithms():
        return False
    material = key.secret if family == "oct" else key.public
    try:
        algorithm, prepared = pyjwt_key(alg, material)
        return bool(algorithm.verify(signing_input, prepared, signature))
    except InvalidKey:
        return False
    except Exception:  # a signature of the wrong size or shape: no match
        return False


def key_refusal(key: VerificationKey, alg: str) -> str | None:
    """Why PyJWT will not use `key` for `alg` (a PEM key or a JWK given as an HMAC secret, a
    wrong curve), or None; verify reports it so that a "bad signature" is not a mystery."""
    if alg not in key.algorithms():
        return None
    try:
        pyjwt_key(alg, key.secret if key.family == "oct" else key.public)
    except InvalidKey as exc:
        return str(exc)
    return None


class InvalidKey(ValueError):
    """PyJWT refused the key for that algorithm (wrong type or curve, or a PEM/JWK used as a secret)."""


def pyjwt_key(alg: str, material: Any) -> tuple[Any, Any]:
    """PyJWT's algorithm object for `alg` and `material` prepared by it; InvalidKey when refused."""
    from jwt.algorithms import get_default_algorithms
    from jwt.exceptions import InvalidKeyError

    algorithm = get_default_algorithms().get(alg)
    if algorithm is None:
        raise InvalidKey(f"PyJWT does not implement {alg}")
    try:
        return algorithm, algorithm.prepare_key(material)
    except InvalidKeyError as exc:
        raise InvalidKey(str(exc)) from None
