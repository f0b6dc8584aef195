"""Text of `--statistics`: count, code, severity and rule name, one row per code (as ruff prints it)."""

from __future__ import annotations

from typing import Any

from mbv_cli.core.statistics import StatisticsResult
from mbv_cli.render import console

_STYLE = {"error": "bold red", "warning": "yellow", "info": "blue"}


def render_statistics(result: StatisticsResult, **_: Any) -> None:
    out = console.stdout()
    if not result.counts:
        out.print("no problems found")
        return
    width = max(len(str(c.count)) for c in result.counts)
    for c in result.counts:
        workers = f"  [dim]in {console.plural(c.workers, 'Worker')}[/]" if c.workers > 1 else ""
        out.print(f"{c.count:>{width}}  [bold]{c.code}[/]  [{_STYLE[c.severity]}]{c.severity:<7}[/]  {c.name}"
                  + workers)
    out.print(console.summary_line(result.summary))
