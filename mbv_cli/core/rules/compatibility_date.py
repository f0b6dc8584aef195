"""MBV201 compatibility-date

## What it does
Flags a Worker whose `compatibility_date` is missing, not a `YYYY-MM-DD` date, or older than
the threshold (180 days by default; `compatibility-date-max-age-days` in mbv.toml).

## Why is this bad?
The date pins the runtime's behaviour. Without it wrangler picks one for you at deploy time,
so the same code behaves differently between deploys; an old date keeps the Worker on
bug-for-bug behaviour and without newer APIs and fixes (the cloudflare/skills best practices
ask for a date less than six months old).

## Example
```toml
name = "api"
main = "src/index.ts"
compatibility_date = "2023-01-01"
```

## Use instead
```toml
name = "api"
main = "src/index.ts"
compatibility_date = "2026-10-01"
```
after reading the compatibility-flags changelog for the dates in between.

## Known limits
The threshold is counted from today's date on the machine running mbv.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.rules.base import ConfigContext, config_rule
from mbv_cli.core.rules.config_text import locate_key, where

if TYPE_CHECKING:
    from mbv_cli.core.wrangler.environments import ResolvedWorker


def check(worker: ResolvedWorker, ctx: ConfigContext) -> Iterator[Finding]:
    cfg = worker.config
    value = worker.settings.get("compatibility_date")
    # the env inherits the top-level date: report it once, at the top level
    env = worker.env if worker.env is not None and "compatibility_date" in cfg.env_section(worker.env) else None
    if value is None:
        if worker.env is None or "compatibility_date" not in cfg.raw:
            yield RULE.finding("compatibility_date is missing: wrangler uses the current date at each deploy",
                               hint=f'add compatibility_date = "{ctx.today.isoformat()}"',
                               file=str(cfg.path), line=1 if worker.env is None else None,
                               column=1 if worker.env is None else None)
        return
    text = value.isoformat() if isinstance(value, _dt.date) else str(value)
    try:
        date = _dt.date.fromisoformat(text)
    except ValueError:
        yield RULE.finding(f"compatibility_date {text!r} is not a YYYY-MM-DD date",
                           hint=f'use e.g. "{ctx.today.isoformat()}"', **where(cfg, "compatibility_date", env))
        return
    age = (ctx.today - date).days
    if age > ctx.compatibility_date_max_age_days:
        position = locate_key(cfg, "compatibility_date", env)
        yield RULE.finding(
            f"compatibility_date {text} is {age} days old (threshold {ctx.compatibility_date_max_age_days})",
            hint="move it forward after checking the compatibility-flags changelog for the dates in between",
            file=str(cfg.path), line=position[0] if position else None, column=position[1] if position else None,
        )


RULE = config_rule("MBV201", "compatibility-date", Severity.WARNING,
                   "compatibility_date missing or older than the threshold", __doc__, check)
