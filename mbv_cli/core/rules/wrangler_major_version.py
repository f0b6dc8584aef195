"""MBV206 wrangler-major-version

## What it does
Reports when the wrangler a Worker resolves (`node_modules/wrangler/package.json` next to the
`config-schema.json` that MBV204 and MBV205 use) has another major version than the one mbv
models (wrangler 4.86). The finding points at `"$schema"` when that named the schema, else at the
config's first line.

## Why is this bad?
mbv's inheritance rules, binding types and defaults mirror wrangler 4; across a major version
they change (wrangler 4 removed `node_compat` and changed defaults). Config validation still uses
the project's own schema, but the bindings diff and the types mbv shows may not match what that
wrangler does.

## Example
```json
{ "devDependencies": { "wrangler": "^3.114.0" } }
```

## Use instead
```json
{ "devDependencies": { "wrangler": "^4.86.0" } }
```

## Known limits
Only a wrangler installed on disk is seen; a global wrangler or `npx wrangler@3` is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.rules.base import ConfigContext, config_rule
from mbv_cli.core.rules.config_text import locate_key

if TYPE_CHECKING:
    from mbv_cli.core.wrangler.environments import ResolvedWorker


def check(worker: ResolvedWorker, ctx: ConfigContext) -> Iterator[Finding]:
    from mbv_cli.core.wrangler.config_schema import MODELLED_WRANGLER, check_config_schema

    if worker.env is not None:  # once per config
        return
    cfg = worker.config
    source = check_config_schema(cfg.path, cfg.format, cfg.raw, cfg.text).source
    if source.major_differs:
        position = (locate_key(cfg, "$schema", None) if source.via == "$schema" else None) or (1, 1)
        yield RULE.finding(f"this Worker uses wrangler {source.wrangler_version}; mbv models wrangler "
                           f"{MODELLED_WRANGLER}, another major version",
                           hint="config keys are checked with that wrangler's schema; binding types and "
                                "inheritance follow wrangler 4", file=str(cfg.path), line=position[0], column=position[1])


RULE = config_rule("MBV206", "wrangler-major-version", Severity.INFO,
                   "The project's wrangler is another major version than the one mbv models (4.86)", __doc__, check)
