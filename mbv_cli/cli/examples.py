"""The "Examples" block at the end of every command's help, and the root help's environment variables.

Kept in one table so that `tests/cli/test_help.py` can check that every command has examples and
that each example parses against the command it names (options and arguments exist). A new
command adds its examples here.
"""

from __future__ import annotations

from typing import Any

EXAMPLES: dict[str, tuple[str, ...]] = {
    "": (
        "mbv doctor examples/mustbeviral -v",
        "mbv bindings diff --env production",
        "mbv jwt decode \"$TOKEN\"",
    ),
    "bindings list": (
        "mbv bindings list",
        "mbv bindings list examples/mustbeviral --all-envs",
        "mbv bindings list --config workers/api/wrangler.toml --env production --format json",
        "mbv bindings list --remote --env production",
    ),
    "bindings diff": (
        "mbv bindings diff",
        "mbv bindings diff examples/mustbeviral --env production --fail-on warning",
        "mbv bindings diff --all-envs --format sarif > bindings.sarif",
        "mbv bindings diff --remote --env production",
    ),
    "jwt decode": (
        "mbv jwt decode \"$TOKEN\"",
        "pbpaste | mbv jwt decode -",
        "mbv jwt decode --from-env AUTH_TOKEN --format json",
    ),
    "jwt verify": (
        "mbv jwt verify \"$TOKEN\"",
        "mbv jwt verify \"$TOKEN\" --secret-env JWT_SECRET --secret-env JWT_SECRET_PREVIOUS --aud api",
        "mbv jwt verify \"$TOKEN\" --jwks https://issuer.example.com/.well-known/jwks.json --iss https://issuer.example.com",
        "mbv jwt verify \"$TOKEN\" --dev-vars workers/auth --revoked-kv REVOKED_TOKENS --worker workers/auth",
    ),
    "jwt mint": (
        "mbv jwt mint --secret-env JWT_SECRET --sub user-1",
        "TOKEN=$(mbv jwt mint --secret-env JWT_SECRET --sub user-1 --ttl 15m --claim role=admin)",
    ),
    "db locate": (
        "mbv db locate DB",
        "sqlite3 \"$(mbv db locate DB --format path)\"",
        "mbv db locate AUTH_DB workers/auth --env staging --persist-to .state",
    ),
    "db health": (
        "mbv db health DB",
        "mbv db health DB --full --stats --fail-on warning",
        "mbv db health DB --remote --format json",
    ),
    "db queries": (
        "mbv db queries",
        "mbv db queries AUTH_DB workers/auth --assume-rows users=100000 --min-rows 500",
        "mbv db queries --format sarif > queries.sarif",
    ),
    "db locks": (
        "mbv db locks DB",
        "mbv db locks ./data/app.sqlite --watch --interval 200 --duration 30",
    ),
    "migrate create": (
        "mbv migrate create DB \"create users\"",
        "mbv migrate create AUTH_DB \"add sessions index\" workers/auth --dir migrations",
    ),
    "migrate hash": (
        "mbv migrate hash DB",
    ),
    "migrate status": (
        "mbv migrate status DB",
        "mbv migrate status DB --remote --format json",
    ),
    "migrate apply": (
        "mbv migrate apply DB --dry-run",
        "mbv migrate apply DB --to 0004 --lock-timeout 30",
        "mbv migrate apply DB --db-file ./test.sqlite --no-backup",
    ),
    "migrate verify": (
        "mbv migrate verify DB",
        "mbv migrate verify DB --remote",
    ),
    "migrate baseline": (
        "mbv migrate baseline DB --to 0003 --yes",
    ),
    "replay": (
        "mbv replay requests.http --target http://127.0.0.1:8787",
        "mbv replay --curl \"curl 'https://api.example.com/x' -H 'X-A: 1'\" --bearer-env DEV_TOKEN",
        "mbv replay session.har --match /api/ --status 5xx --har-out replayed.har",
        "mbv replay https://api.example.com/health --repeat 500 --concurrency 16",
    ),
    "doctor": (
        "mbv doctor",
        "mbv doctor examples/mustbeviral -v",
        "mbv doctor --env production --format sarif > mbv.sarif",
        "mbv doctor --select MBV1 --ignore MBV109 --fail-on warning",
        "mbv doctor --remote --env production",
    ),
    "rules": (
        "mbv rules",
        "mbv rules MBV204",
        "mbv rules --markdown > docs/rules.md",
    ),
    "completions show": (
        "mbv completions show bash > /etc/bash_completion.d/mbv",
        "mbv completions show fish > ~/.config/fish/completions/mbv.fish",
    ),
    "completions install": (
        "mbv completions install",
        "mbv completions install zsh",
    ),
    "graph": (
        "mbv graph",
        "mbv graph examples/mustbeviral --format json",
        "mbv graph workers/api --env production --format dot | dot -Tsvg > graph.svg",
    ),
    "logs": (
        "wrangler tail --format json | mbv logs -",
        "mbv logs tail.log --outcome exception --since 1h",
        "mbv logs logpush-2026-12-01.ndjson.gz --status 5xx --format json",
    ),
    "schema": (
        "mbv schema",
        "mbv schema db.queries",
        "mbv schema mbv.logs/1 > mbv.logs.schema.json",
    ),
}

ENVIRONMENT = (
    ("NO_COLOR", "any value turns colour off"),
    ("MBV_DEBUG=1", "show the traceback of an internal error"),
    ("CLOUDFLARE_ENV", "the environment to use when --env is not given (as wrangler)"),
    ("CLOUDFLARE_API_TOKEN", "for --remote (D1, KV; bindings and doctor: Workers Scripts Read): an API token"),
    ("CLOUDFLARE_ACCOUNT_ID", "for --remote: the account"),
    ("CLOUDFLARE_API_BASE_URL", "for --remote: another API endpoint"),
    ("MBV_API_TIMEOUT", "for --remote: seconds to wait for each Cloudflare API response (default 30)"),
    ("CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV=false", "as wrangler: secrets from .dev.vars only, not .env"),
    ("JWT_SECRET, JWT_SECRET_PREVIOUS", "jwt verify's keys when no key option is given"),
    ("MBV_FORCE_WIDTH", "the width of text output (default: the terminal's, else 120)"),
    ("MBV_NO_PROGRESS=1", "no progress line on a terminal"),
    ("MBV_NO_CACHE=1", "neither read nor write .mbv_cache/ (as --no-cache)"),
    ("MBV_DOCS_URL", "where SARIF helpUri links point (a fork's docs/rules.md)"),
)


def epilog(path: str) -> str | None:
    """The help epilog of command `path` ("" is the root): examples, then (root) environment variables.

    `\\b` keeps click from re-wrapping the lines that follow it.
    """
    examples = EXAMPLES.get(path)
    parts: list[str] = []
    if examples:
        parts.append("Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in examples))
    if path == "":
        width = max(len(name) for name, _ in ENVIRONMENT)
        parts.append("Environment variables:\n\n\b\n" + "\n".join(
            f"  {name.ljust(width)}  {text}" for name, text in ENVIRONMENT))
    return "\n\n".join(parts) or None


def attach(command: Any, path: str) -> None:
    """Set the epilog of `command` and of every command below it (a group's subcommands)."""
    text = epilog(path)
    if text and not getattr(command, "epilog", None):
        command.epilog = text
    for name, sub in (getattr(command, "commands", None) or {}).items():
        attach(sub, f"{path} {name}".strip())
