"""The lines a baseline adds to a summary: what it hid, what it wrote, which entries are fixed."""

from __future__ import annotations

from typing import Any

from mbv_cli.render import console


def baseline_lines(outcome: Any) -> list[str]:
    """Plain lines (no markup) about a `core.baseline.BaselineOutcome`; [] without a baseline."""
    if outcome is None:
        return []
    lines = []
    if outcome.written is not None:
        lines.append(f"wrote {console.plural(outcome.written, 'finding')} to the baseline {outcome.file}")
    elif outcome.known:
        lines.append(f"{console.plural(outcome.known, 'finding')} in the baseline {outcome.file} not reported")
    for entry in outcome.fixed:
        where = entry.file or "project"
        context = ", ".join(x for x in (entry.worker, f"env.{entry.env}" if entry.env else "") if x)
        lines.append(f"fixed, remove from baseline: {entry.code} {where}: {entry.message}"
                     + (f" ({context})" if context else ""))
    if outcome.fixed:
        lines.append("run again with --update-baseline to remove the fixed entries")
    return lines
