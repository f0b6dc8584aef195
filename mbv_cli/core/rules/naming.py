"""Whether an identifier names a secret, a token, a signature...: shared by several rules.

Names are split into words (`jwtSecret` -> jwt, secret) so that `width` never matches `id` and
`tokenType`, `secretName` or `PASSWORD_MIN_LENGTH`, which name facts about a secret rather
than the secret itself, are left alone.
"""

from __future__ import annotations

from itertools import pairwise

from mbv_cli.core.rules.syntax import words

SECRET_WORDS = frozenset({
    "secret", "secrets", "token", "tokens", "password", "passwd", "pwd", "apikey", "passphrase",
    "credential", "credentials", "jwt", "bearer", "authorization", "privatekey", "hmac", "signingkey",
})
SECRET_PAIRS = frozenset({("api", "key"), ("private", "key"), ("signing", "key"), ("access", "key"),
                          ("auth", "key"), ("secret", "key"), ("client", "secret"), ("session", "key")})
# trailing words that make the name describe a secret instead of holding one
DESCRIPTIVE = frozenset({
    "name", "names", "column", "columns", "type", "types", "url", "uri", "endpoint", "header", "headers", "field", "prefix",
    "length", "len", "ttl", "expiry", "expires", "expiration", "exp", "age", "cookie", "path", "id", "ids",
    "label", "placeholder", "param", "params", "query", "kind", "mode", "version", "count", "regex",
    "pattern", "format", "storage", "store", "binding", "var", "env", "min", "max", "minimum",
    "maximum", "required", "valid", "invalid", "error", "errors", "message", "status", "hash",
    "hashed", "salt", "rounds", "strength", "policy", "reset", "seconds", "minutes", "hours", "days",
    "ms", "at", "issued", "location", "key_name", "input", "form", "schema", "config", "options", "set",
    "changed", "updated", "created", "enabled", "is", "has", "show", "visible", "hidden", "audience",
    "issuer", "algorithm", "alg", "service", "provider", "manager", "handler", "validator", "verifier",
    "generator", "response", "request", "payload", "claims", "data", "result", "info", "list", "limit",
    "lifetime", "duration", "window", "size", "scope", "scopes", "usage", "index", "map", "cache",
    "msg", "text", "title", "hint", "prompt", "caption", "description", "desc", "tooltip", "translation",
})
# words that make `tokens` a quantity (LLM usage, rate limits): maxTokens, totalTokens, promptTokens
COUNT_WORDS = frozenset({"max", "min", "total", "num", "number", "count", "used", "remaining", "prompt",
                         "completion", "input", "output", "estimated", "cached", "reasoning", "per", "left",
                         "budget", "limit", "available", "consumed", "spent", "bucket"})
# a cheap text test: files without any of these (lower-case) words hold no secret-looking names
SECRET_TEXT = ("secret", "token", "passw", "pwd", "apikey", "api_key", "privatekey", "private_key", "credential",
               "jwt", "bearer", "authoriz", "hmac", "signing", "signature", "sign(", "verify(", "importkey",
               "digest", "accesskey", "access_key", "authkey", "auth_key", "sessionkey", "session_key", "cookie",
               "passphrase", "mac")
SIGNATURE_WORDS = frozenset({"signature", "sig", "hmac", "digest", "mac"})


def is_secret_name(name: str, *, extra: frozenset[str] = frozenset()) -> bool:
    parts = words(name)
    if not parts:
        return False
    if parts[-1] in DESCRIPTIVE or parts[0] in {"is", "has", "should", "on", "handle", "get", "set", "validate",
                                                 "verify", "check", "parse", "decode", "refresh", "generate",
                                                 "create", "make", "new", "build", "fetch", "load", "read"}:
        return False
    if ("tokens" in parts or "token" in parts) and any(p in COUNT_WORDS for p in parts):
        return False  # a number of tokens, not a token
    vocabulary = SECRET_WORDS | extra
    if any(p in vocabulary for p in parts):
        return True
    return any(pair in SECRET_PAIRS for pair in pairwise(parts))


def is_signature_name(name: str) -> bool:
    return is_secret_name(name, extra=SIGNATURE_WORDS)
