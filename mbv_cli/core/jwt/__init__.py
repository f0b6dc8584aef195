"""`mbv jwt`: decode, verify (key rotation, JWKS, KV revocation) and mint JSON Web Tokens.

One module per concept, imported directly (this package re-exports nothing, so that `decode`
loads only `token`, `times` and `decode` and never cryptography):

- `token`: tolerant input clean-up and strict JWS compact parsing (RFC 7515 section 7.1)
- `times`: NumericDate claims as UTC ISO and relative phrases; `--ttl`/`--leeway` durations
- `decode`: the unverified view of a token (`mbv.jwt.decode/1`)
- `keys`: where verification keys come from (env, files, .dev.vars, PEM) and weak-key rules
- `jwks`: JWK sets from a file or URL (httpx), one fetch per URL per run; `collect_keys`
- `verify`: the ordered checks and the verdict (`mbv.jwt.verify/1`)
- `revocation`: `blacklist:{jti}` in a Workers KV namespace, local state or the API
- `mint`: HMAC-signed tokens for tests and `mbv replay`
"""
