"""MBV202 secret-in-vars

## What it does
Flags a var in `vars` whose name says secret, token, password, private key or API key and whose
value is committed in the wrangler config.

## Why is this bad?
`vars` are plain text: they are in the repository, in `wrangler deploy` output and readable in
the dashboard by anyone with access to the Worker. Secrets belong in the secret store, which
encrypts them and never shows them again.

## Example
```toml
[vars]
JWT_SECRET = "d2b0f5c9e1a84c7b"
```

## Use instead
```sh
npx wrangler secret put JWT_SECRET          # production
echo 'JWT_SECRET=dev-only-value' >> .dev.vars  # local, not committed
```
and list the name under `secrets.required` if you want it checked.

## Known limits
A placeholder value (`"<PLACEHOLDER>"`, `"TODO"`, `"xxx"`, `"changeme"`, `"your-api-key"`) is
not a leaked secret: it gets an info finding of its own (the real value must not replace it in
the config). Names describing a secret rather than holding one (`TOKEN_TTL`, `JWT_ISSUER`, `PASSWORD_MIN_LENGTH`)
are not reported, nor are empty values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.rules.base import ConfigContext, config_rule
from mbv_cli.core.rules.config_text import where
from mbv_cli.core.rules.naming import is_secret_name

if TYPE_CHECKING:
    from mbv_cli.core.wrangler.environments import Binding, ResolvedWorker


def is_committed_secret(binding: Binding) -> bool:
    """A var named like a secret with a non-empty string value (also what `bindings list` masks)."""
    if binding.kind != "var" or not is_secret_name(binding.name):
        return False
    value = binding.entry.get("value")
    return isinstance(value, str) and bool(value.strip())


# a value that stands for a secret to be filled in, not a secret: "<PLACEHOLDER>", "TODO", "xxx", "changeme"
PLACEHOLDER = re.compile(
    r"^\s*(<[^>]*>|\{\{[^}]*\}\}|\$\{[^}]*\}|\[[^\]]*\]|todo|tbd|fixme|xx+|\*+|\.\.\.+|-+|changeme|change[-_ ]?me"
    r"|replace[-_ ]?me|placeholder|dummy|example|none|null|secret|password|token|test|dev|your[-_ ].*|your[A-Z_].*"
    r"|(replace|insert|put|set|add|enter)[-_ ](with|your|here|me).*|.*[-_ ]here|.*placeholder.*)\s*$",
    re.IGNORECASE,
)


def is_placeholder(value: str) -> bool:
    return bool(PLACEHOLDER.match(value))


def check(worker: ResolvedWorker, ctx: ConfigContext) -> Iterator[Finding]:
    for binding in worker.bindings:
        if not is_committed_secret(binding):
            continue
        if is_placeholder(str(binding.entry.get("value"))):
            yield RULE.finding(
                f"var {binding.name} holds a placeholder where a secret will go: the real value must not be "
                "committed here", severity=Severity.INFO,
                hint=f"declare it as a secret instead (`wrangler secret put {binding.name}`, .dev.vars locally) "
                     "and remove it from vars",
                binding=binding.name, **where(worker.config, binding.name, worker.env),
            )
            continue
        yield RULE.finding(
            f"var {binding.name} holds a secret value committed in the config",
            hint=f"remove it from vars; run `wrangler secret put {binding.name}` and put a dev value in .dev.vars",
            binding=binding.name, **where(worker.config, binding.name, worker.env),
        )


RULE = config_rule("MBV202", "secret-in-vars", Severity.ERROR,
                   "a var named like a secret with a value committed in the config", __doc__, check)
