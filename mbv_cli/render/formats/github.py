"""GitHub Actions workflow commands: one `::error|warning|notice` annotation per finding.

`file=` is relative to the repository root (the git top level), whatever the step's
`working-directory`, since that is where GitHub looks for it.

GitHub shows at most 10 annotations of each type per step and drops the rest silently
(actions/toolkit docs/problem-matchers.md), so after 10 of a type mbv prints one notice saying how
many were not shown, and a plain summary line.
"""

from __future__ import annotations

import sys
from typing import Any

from mbv_cli.core.findings import FindingsReport
from mbv_cli.render.console import summary_line

MAX_PER_TYPE = 10
_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: FindingsReport, **_: Any) -> None:
    from mbv_cli.core.repo import ci_path, ci_root

    # GitHub places annotations relative to the repository, not the step's directory
    root = ci_root(f.file for f in report.findings)
    lines: list[str] = []
    shown = {"error": 0, "warning": 0, "notice": 0}
    hidden = {"error": 0, "warning": 0, "notice": 0}
    for f in report.sorted():
        command = _COMMAND[f.severity.value]
        if shown[command] >= MAX_PER_TYPE:
            hidden[command] += 1
            continue
        shown[command] += 1
        props = []
        if f.file:
            props.append(f"file={escape_property(ci_path(f.file, root))}")
            if f.line:
                props.append(f"line={f.line}")
                if f.column:
                    props.append(f"col={f.column}")
        props.append(f"title={escape_property(f.code)}")
        message = f.message
        where = f.worker + (f" (env.{f.env})" if f.env else "") if f.worker else ""
        if where:
            message = f"[{where}] {message}"
        if f.related:
            message += f"\nalso at {', '.join(f.related_where[:5])}" + (
                f" and {len(f.related) - 5} more" if len(f.related) > 5 else "")
        if f.hint:
            message += f"\nhint: {f.hint}"
        if f.snippet:
            message += "\n" + f.snippet
        lines.append(f"::{command} {','.join(props)}::{escape_data(message)}")
    dropped = {k: v for k, v in hidden.items() if v}
    if dropped:
        parts = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in dropped.items())
        lines.append(f"::notice title=mbv::{escape_data(f'{parts} not shown as annotations (GitHub shows {MAX_PER_TYPE} per type per step); run with --format text or sarif to see all')}")
    from mbv_cli.render.baseline import baseline_lines

    summary = report.summary()
    lines.append(f"mbv: {summary_line(summary)}")
    lines.extend(f"mbv: {line}" for line in baseline_lines(report.baseline))
    sys.stdout.write("\n".join(lines) + "\n")
