"""MBV204 invalid-config-value

## What it does
Checks the raw wrangler config against the JSON schema of the wrangler the project uses
(`node_modules/wrangler/config-schema.json`, found from the config's directory upwards, or the
file `"$schema"` names) and flags every value that schema rejects: a wrong type, a missing
required key, a value outside the allowed set, an object of the wrong shape. Also flags what
wrangler's own validation rejects outside the schema: the removed `node_compat`, and an env's
`containers` entry without `name` in an env without a `name`.

## Why is this bad?
`wrangler deploy`, `wrangler dev` and `wrangler types` refuse the whole config on any of these
("Processing wrangler.toml configuration: Expected "workers_dev" to be of type boolean"), so the
Worker cannot be deployed or run until it is fixed. Finding it in review is cheaper than in CI.

## Example
```toml
workers_dev = "yes"

[[kv_namespaces]]
binding = "CACHE"
id = 12345
```

## Use instead
```toml
workers_dev = true

[[kv_namespaces]]
binding = "CACHE"
id = "0f2ac74b498b48028cb68387c421e279"
```

## Known limits
Without the schema on disk (no `npm install` yet), only the checks mbv mirrors from wrangler 4.86
run (removed keys, containers without a name); doctor notes which was used. A problem in the top
level is reported with the top level, one in `env.X` with that env: `--env X` alone does not
report the top level's.
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
        if problem.kind == "invalid" and problem.env == worker.env:
            yield RULE.finding(f"wrangler rejects this config: {problem.message}", hint=problem.hint,
                               file=str(cfg.path), line=problem.line, column=problem.column)


RULE = config_rule("MBV204", "invalid-config-value", Severity.ERROR,
                   "A config value the project's wrangler rejects (its config-schema.json, or a removed key)",
                   __doc__, check)
