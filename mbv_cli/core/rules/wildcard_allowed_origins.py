"""MBV203 wildcard-allowed-origins

## What it does
Flags a var whose name mentions origins (`ALLOWED_ORIGINS`, `CORS_ORIGIN`, ...) set to `*`, or to
a list containing `*`, in a production-like environment: an env named like `production`,
`prod` or `live`, or the top level when no such env exists (then the top level is what
`wrangler deploy` ships).

## Why is this bad?
A wildcard origin lets any website call the API from its visitors' browsers. Acceptable in a
dev environment, it is rarely intended in production, where it is usually a leftover.

## Example
```toml
[env.production.vars]
ALLOWED_ORIGINS = "*"
```

## Use instead
```toml
[env.production.vars]
ALLOWED_ORIGINS = "https://app.example.com,https://admin.example.com"
```

## Known limits
Only vars are read; origins hard-coded in the source are MBV102's business when combined with
credentials.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.rules.base import ConfigContext, config_rule
from mbv_cli.core.rules.config_text import where

if TYPE_CHECKING:
    from mbv_cli.core.wrangler.environments import ResolvedWorker

PRODUCTION = re.compile(r"^(prod|production|live|main|release)([-_].*)?$", re.IGNORECASE)
ORIGIN_NAME = re.compile(r"ORIGIN", re.IGNORECASE)


def _is_wildcard(value: Any) -> bool:
    if isinstance(value, list):
        return any(_is_wildcard(v) for v in value)
    if not isinstance(value, str):
        return False
    return any(part.strip() == "*" for part in re.split(r"[,\s]+", value.strip()) if part) or value.strip() == "*"


def production_like(worker: ResolvedWorker) -> bool:
    if worker.env is not None:
        return bool(PRODUCTION.match(worker.env))
    return not any(PRODUCTION.match(e) for e in worker.config.env_names)


def check(worker: ResolvedWorker, ctx: ConfigContext) -> Iterator[Finding]:
    if not production_like(worker):
        return
    label = f"env.{worker.env}" if worker.env else "the top level (deployed by default)"
    for binding in worker.bindings:
        if binding.kind != "var" or not ORIGIN_NAME.search(binding.name):
            continue
        if _is_wildcard(binding.entry.get("value")):
            yield RULE.finding(
                f"{binding.name} allows every origin (*) in {label}",
                hint="list the exact origins allowed in production",
                binding=binding.name, **where(worker.config, binding.name, worker.env),
            )


RULE = config_rule("MBV203", "wildcard-allowed-origins", Severity.WARNING,
                   "an origins var set to * in a production-like environment", __doc__, check)
