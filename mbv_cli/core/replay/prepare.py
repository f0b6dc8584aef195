"""From a source request to the request to send: --target rewrite, -H/--drop-header, credentials.

`--target URL` replaces scheme, host and port and keeps path and query, so a production request
goes to `http://127.0.0.1:8787` unchanged otherwise (a path prefix on the target is prepended).
Credentials never come from argv: `--bearer-env VAR` reads a token, `--mint-jwt --secret-env VAR`
signs a fresh HS256 token; either sets `Authorization: Bearer ...`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from mbv_cli.core.errors import InputError, MbvError, UsageError
from mbv_cli.core.httpcheck import header_name_problem, header_value_problem, url_problem
from mbv_cli.core.replay.model import ReplayRequest
from mbv_cli.core.replay.redact import Redactor


@dataclass(slots=True)
class Credentials:
    bearer_env: str | None = None
    mint_jwt: bool = False
    secret_env: str | None = None
    sub: str | None = None


@dataclass(slots=True)
class Rewrite:
    target: str | None = None
    add_headers: list[tuple[str, str]] = field(default_factory=list)
    drop_headers: list[str] = field(default_factory=list)
    bearer: str | None = None   # resolved token, never from argv


def parse_header_option(value: str) -> tuple[str, str]:
    name, colon, rest = value.partition(":")
    if not colon or not name.strip() or " " in name.strip():
        from mbv_cli.core.httpcheck import colonless_header

        # never echo it: `-H 'Authorization SEKRET'` holds a credential
        shown = f"{name.strip()!r}: ..." if colon and name.strip() else f"value {colonless_header(value)}"
        raise UsageError(f"-H {shown} is not `Name: value` (value not shown)", hint="write -H 'X-Name: value'")
    name, rest = name.strip(), rest.strip()
    problem = header_problem(name, rest)
    if problem:
        raise UsageError(f"-H: {problem}", hint=_HEADER_HINT)
    return name, rest


_HEADER_HINT = "header names are tokens and values Latin-1 text (percent-encode other characters)"


def header_problem(name: str, value: str) -> str | None:
    value_problem = header_value_problem(name, value)
    return header_name_problem(name) or (value_problem[0] if value_problem else None)


def check_base_url(value: str, option: str) -> str:
    problem = url_problem(value)
    if problem:
        raise UsageError(f"{option} is not a usable http(s) URL: {problem}",
                         hint=f"e.g. {option} http://127.0.0.1:8787")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"{option} {value!r} is not an http(s) URL", hint=f"e.g. {option} http://127.0.0.1:8787")
    if parts.query or parts.fragment:
        raise UsageError(f"{option} {value!r} must not have a query or fragment")
    return value


def check_request(request: ReplayRequest) -> None:
    """Refuse, before anything is sent, a URL or header that httpx cannot put on the wire;
    the error names the request's source (file:line) when it came from a file."""
    problem = url_problem(request.url)
    if problem:
        raise _source_error(request, f"request URL is malformed: {problem}", "check the host, brackets and port")
    for name, value in request.headers:
        problem = header_problem(name, value)
        if problem:
            raise _source_error(request, problem, _HEADER_HINT)


def _source_error(request: ReplayRequest, message: str, hint: str) -> MbvError:
    file, _, line = request.source.rpartition(":")
    if file and line.isdigit():
        return InputError(message, file=file, line=int(line), hint=hint)
    if request.source and request.source != "argv":
        return InputError(message, file=request.source, hint=hint)
    return UsageError(message, hint=hint)


def resolve_bearer(creds: Credentials, redactor: Redactor, environ: dict[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    if creds.bearer_env and creds.mint_jwt:
        raise UsageError("--bearer-env and --mint-jwt do not combine", hint="choose one source of credentials")
    if creds.bearer_env:
        token = env.get(creds.bearer_env)
        if not token:
            raise UsageError(f"--bearer-env {creds.bearer_env}: the variable is not set or empty",
                             hint=f"export {creds.bearer_env}=<token>")
        redactor.add_secret(token)
        return token
    if creds.mint_jwt:
        if not creds.secret_env:
            raise UsageError("--mint-jwt needs --secret-env VAR (the HS256 secret is read from that variable)")
        secret = env.get(creds.secret_env)
        if not secret:
            raise UsageError(f"--secret-env {creds.secret_env}: the variable is not set or empty",
                             hint=f"export {creds.secret_env}=<secret>")
        redactor.add_secret(secret)
        from mbv_cli.core.jwt.keys import secret_key
        from mbv_cli.core.jwt.mint import mint_token

        # a request to the user's own Worker: a short dev secret is allowed here, unlike `mbv jwt mint`
        token = mint_token(secret_key(creds.secret_env, secret), sub=creds.sub, ttl=300,
                           allow_weak_key=True).token
        redactor.add_secret(token)
        return token
    if creds.secret_env or creds.sub:
        raise UsageError("--secret-env and --sub go with --mint-jwt")
    return None


def rewrite_url(url: str, base: str | None) -> str:
    if base is None:
        return url
    source = urlsplit(url)
    target = urlsplit(base)
    path = target.path.rstrip("/") + (source.path or "/")
    return urlunsplit((target.scheme, target.netloc, path, source.query, ""))


def prepare(request: ReplayRequest, rewrite: Rewrite, base: str | None = None) -> ReplayRequest:
    """The request to send to `base` (or rewrite.target, or where it was recorded)."""
    overridden = {name.lower() for name, _ in rewrite.add_headers}
    if rewrite.bearer is not None:
        overridden.add("authorization")
    headers = [(k, v) for k, v in request.headers if k.lower() not in overridden]
    headers.extend(rewrite.add_headers)
    dropped = {name.lower() for name in rewrite.drop_headers}  # --drop-header wins over -H
    headers = [(k, v) for k, v in headers if k.lower() not in dropped]
    if rewrite.bearer is not None:
        headers = [(k, v) for k, v in headers if k.lower() != "authorization"]
        headers.append(("Authorization", f"Bearer {rewrite.bearer}"))
    return ReplayRequest(method=request.method, url=rewrite_url(request.url, base or rewrite.target),
                         headers=headers, body=request.body, source=request.source, name=request.name,
                         notes=list(request.notes), recorded=request.recorded)
