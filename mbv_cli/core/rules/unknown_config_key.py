"""MBV205 unknown-config-key

## What it does
Flags a key that the project's wrangler does not know, at the top level, in an env or inside a
binding or setting (`kv_namespce`, `durable_objects.bindigns`), with the closest known key
("did you mean `kv_namespaces`?"). Known keys come from `node_modules/wrangler/config-schema.json`
of the wrangler the project uses; without it, from mbv's own tables of wrangler 4.86's keys.

## Why is this bad?
wrangler only warns ("Unexpected fields found in top-level field") and then ignores the key: a
misspelt binding section means the Worker is deployed without the binding and fails at run time
with `env.CACHE is undefined`.

## Example
```toml
[[kv_namespce]]
binding = "CACHE"
id = "0f2ac74b498b48028cb68387c421e279"
```

## Use instead
```toml
[[kv_namespaces]]
binding = "CACHE"
id = "0f2ac74b498b48028cb68387c421e279"
```

## Known limits
Without the schema on disk only top-level and env keys are checked, not keys inside bindings.
A key a newer wrangler added is unknown to an older schema: update wrangler, or ignore MBV205.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.rules.base import ConfigContext, config_rule

if TYPE_CHECKING:
    from mbv_cli.core.wrangler.environments import ResolvedWorker


def check(worker: ResolvedWorker, ctx: ConfigContext) -> Iterator[Finding]:
    from mbv_cli.core.wrangler.config_schema import check_config_schema

    cfg = worker.config
    result = check_config_schema(cfg.path, cfg.format, cfg.raw, cfg.text)
    for problem in result.problems:
        if problem.kind == "unknown_key" and problem.env == worker.env:
            yield RULE.finding(problem.message, hint=problem.hint, file=str(cfg.path), line=problem.line,
                               column=problem.column)


RULE = config_rule("MBV205", "unknown-config-key", Severity.WARNING,
                   "A config key wrangler does not know and ignores (with the closest known key)", __doc__, check)
