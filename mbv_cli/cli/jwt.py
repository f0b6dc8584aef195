"""`mbv jwt`: decode, verify (rotation, JWKS, revocation) and mint tokens.

Secret values never come from argv: only variable names, file paths and directories do.
Heavy imports (httpx, cryptography, rich) stay inside the commands that need them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from mbv_cli.cli.options import format_option

app = typer.Typer(help="Decode, verify (rotation, JWKS, revocation) and mint JWTs.",
                  no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                  pretty_exceptions_show_locals=False)

TokenArg = typer.Argument(None, help="The token, or '-' to read it from stdin.", show_default=False,
                          metavar="TOKEN|-")
FromEnvOpt = typer.Option(None, "--from-env", help="Read the token from this environment variable.",
                          show_default=False, metavar="VAR")


def _read_token(token: Optional[str], from_env: Optional[str]) -> str | bytes:
    import os

    from mbv_cli.core.errors import UsageError
    from mbv_cli.core.jwt.token import MAX_TOKEN_CHARS

    if token is not None and from_env is not None:
        raise UsageError("give the token as an argument or with --from-env, not both")
    if from_env is not None:
        value = os.environ.get(from_env)
        if value is None:
            raise UsageError(f"environment variable {from_env} is not set", hint="export it or pass the token")
        return value
    if token is None:
        raise UsageError("no token given", hint="pass TOKEN, '-' to read stdin, or --from-env VAR")
    if token != "-":
        return token
    stream = getattr(sys.stdin, "buffer", None)
    limit = MAX_TOKEN_CHARS * 2  # enough to report "too long" without reading a whole file
    data: str | bytes = stream.read(limit) if stream is not None else sys.stdin.read(limit)
    return data


def _notes(stripped: tuple[str, ...]) -> None:
    if stripped:
        from mbv_cli.render import console

        console.note(f"stripped from the input: {', '.join(stripped)}")


@app.callback()
def jwt_group() -> None:
    """Decode, verify (rotation, JWKS, revocation) and mint JWTs."""


@app.command("decode")
def decode_command(
    token: Optional[str] = TokenArg,
    from_env: Optional[str] = FromEnvOpt,
    fmt: str = format_option(["text", "json"]),
) -> None:
    """Show a token's header and claims with its times explained. The signature is NOT verified."""
    from mbv_cli.core.jwt.decode import decode_token
    from mbv_cli.render import emit

    result = decode_token(_read_token(token, from_env))
    _notes(result.stripped)
    emit(result, fmt, text="mbv_cli.render.jwt:render_decode")


@app.command("verify")
def verify_command(
    token: Optional[str] = TokenArg,
    from_env: Optional[str] = FromEnvOpt,
    secret_env: list[str] = typer.Option([], "--secret-env", metavar="VAR",
                                         help="HMAC secret from this env var; repeat in rotation order (current first)."),
    secret_file: list[Path] = typer.Option([], "--secret-file", metavar="PATH", help="HMAC secret from this file."),
    dev_vars: Optional[Path] = typer.Option(None, "--dev-vars", metavar="WORKER_DIR",
                                            help="JWT_SECRET and JWT_SECRET_PREVIOUS from that Worker's .dev.vars."),
    public_key: list[Path] = typer.Option([], "--public-key", metavar="PEM_FILE", help="A PEM public key or certificate."),
    jwks: list[str] = typer.Option([], "--jwks", metavar="FILE|URL", help="A JWK set (or one JWK); keys matched by kid."),
    alg: list[str] = typer.Option([], "--alg", metavar="ALG", help="Allow only these algorithms (repeat or comma-separate)."),
    aud: list[str] = typer.Option([], "--aud", metavar="AUD", help="Expected audience (repeat: any one must match)."),
    iss: Optional[str] = typer.Option(None, "--iss", metavar="ISS", help="Expected issuer."),
    require: Optional[str] = typer.Option(None, "--require", metavar="CLAIM,...", help="Claims that must be present."),
    leeway: str = typer.Option("0", "--leeway", metavar="SECONDS", help="Clock skew allowed for exp/nbf/iat (seconds, or 30s, 2m)."),
    revoked_kv: Optional[str] = typer.Option(None, "--revoked-kv", metavar="BINDING",
                                             help="Look the jti up in this KV namespace binding."),
    worker: Optional[Path] = typer.Option(None, "--worker", metavar="DIR", help="The Worker whose config names BINDING."),
    env: Optional[str] = typer.Option(None, "--env", "-e", metavar="ENV", help="Wrangler environment (for --revoked-kv, --dev-vars)."),
    remote: bool = typer.Option(False, "--remote", help="Read the KV namespace through Cloudflare's API."),
    revocation_key: str = typer.Option("blacklist:{jti}", "--revocation-key", metavar="TEMPLATE", help="KV key template."),
    persist_to: Optional[Path] = typer.Option(None, "--persist-to", metavar="DIR",
                                              help="Local state directory, as given to wrangler."),
    fmt: str = format_option(["text", "json"]),
) -> None:
    """Check a token's signature (trying each key in rotation order), times, claims and revocation.

    Exit 0 when valid, 1 when a check fails, 2 for a usage error or a malformed token.
    """
    from mbv_cli.core.errors import UsageError
    from mbv_cli.core.jwt.jwks import collect_keys
    from mbv_cli.core.jwt.revocation import RevocationRequest, lookup
    from mbv_cli.core.jwt.times import parse_duration
    from mbv_cli.core.jwt.token import parse_token
    from mbv_cli.core.jwt.verify import VerifyOptions, verify_token
    from mbv_cli.render import emit

    parsed = parse_token(_read_token(token, from_env))
    _notes(parsed.stripped)
    keys = collect_keys(secret_env=secret_env, secret_file=secret_file, dev_vars=dev_vars, env=env,
                        public_key=public_key, jwks=jwks)
    if (remote or worker or revocation_key != "blacklist:{jti}") and not revoked_kv:
        raise UsageError("--remote, --worker and --revocation-key need --revoked-kv BINDING")
    revocation = None
    if revoked_kv:
        revocation = RevocationRequest(revoked_kv, worker, env, remote, revocation_key, persist_to)
    options = VerifyOptions(
        allowed_algs=[a.strip() for item in alg for a in item.split(",") if a.strip()],
        audiences=aud, issuer=iss,
        required=[c.strip() for c in (require or "").split(",") if c.strip()],
        leeway=parse_duration(leeway, "--leeway"),
        revocation=revocation,
    )
    result = verify_token(parsed, keys, options, lookup=lookup)
    emit(result, fmt, text="mbv_cli.render.jwt:render_verify")
    if not result.valid:
        raise typer.Exit(1)


@app.command("mint")
def mint_command(
    secret_env: Optional[str] = typer.Option(None, "--secret-env", metavar="VAR", help="Sign with the secret in this env var."),
    secret_file: Optional[Path] = typer.Option(None, "--secret-file", metavar="PATH", help="Sign with the secret in this file."),
    alg: str = typer.Option("HS256", "--alg", metavar="ALG", help="HS256, HS384 or HS512."),
    sub: Optional[str] = typer.Option(None, "--sub", metavar="SUB", help="The sub claim."),
    ttl: str = typer.Option("15m", "--ttl", metavar="DURATION", help="Lifetime: exp = iat + TTL (900, 15m, 1h30m)."),
    claim: list[str] = typer.Option([], "--claim", metavar="NAME=VALUE", help="Another claim; VALUE may be JSON."),
    kid: Optional[str] = typer.Option(None, "--kid", metavar="KID", help="The kid header."),
    allow_weak_key: bool = typer.Option(False, "--allow-weak-key", help="Sign even with a secret shorter than the hash."),
    fmt: str = format_option(["text", "json"]),
) -> None:
    """Print a freshly signed token (and nothing else), for $(...) and `mbv replay`."""
    from mbv_cli.core.errors import UsageError
    from mbv_cli.core.jwt import keys as keysrc
    from mbv_cli.core.jwt.mint import mint_token, parse_claims
    from mbv_cli.core.jwt.times import parse_duration
    from mbv_cli.render import emit

    if (secret_env is None) == (secret_file is None):
        raise UsageError("mint needs exactly one of --secret-env VAR or --secret-file PATH")
    key = keysrc.secret_from_env(secret_env) if secret_env else keysrc.secret_from_file(secret_file)  # type: ignore[arg-type]
    result = mint_token(key, alg=alg, sub=sub, ttl=parse_duration(ttl, "--ttl"), claims=parse_claims(claim),
                        kid=kid, allow_weak_key=allow_weak_key)
    emit(result, fmt, text="mbv_cli.render.jwt:render_mint")
