"""Markdown for a CI job's summary page (`--output markdown=FILE`, or $GITHUB_STEP_SUMMARY).

The doctor's per-area table, then the most severe findings (errors first, at most `TOP`) with
`file:line` relative to the repository root, then the baseline lines. GitHub renders the
summary as GitHub-flavoured Markdown; text from user files is escaped so it cannot add markup.
"""

from __future__ import annotations

import sys
from typing import Any

from mbv_cli.core.findings import Finding, FindingsReport
from mbv_cli.core.repo import ci_path, ci_root
from mbv_cli.render.baseline import baseline_lines
from mbv_cli.render.console import neutralise, summary_line

TOP = 20
_ICON = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}
_AREA_ICON = {"ok": "✅", "warnings": "⚠️", "errors": "❌", "not available": "➖", "skipped": "➖"}


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes, no line breaks, no HTML, no backticks running away."""
    text = neutralise(text).replace("\n", " ")
    for raw, safe in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("`", "'"), ("*", "\\*"),
                      ("_", "\\_"), ("[", "\\["), ("]", "\\]")):
        text = text.replace(raw, safe)
    return text


def code_cell(text: str) -> str:
    """Text inside a code span in a table cell: only backticks, pipes and line breaks matter there."""
    return neutralise(text).replace("\n", " ").replace("`", "'").replace("|", "\\|")


def _findings_table(findings: list[Finding]) -> list[str]:
    if not findings:
        return []
    root = ci_root(f.file for f in findings)
    ranked = sorted(findings, key=lambda f: (-f.severity.rank, *f.sort_key()))
    lines = ["| | Code | Finding | Where | Worker |", "|---|---|---|---|---|"]
    for f in ranked[:TOP]:
        where = ci_path(f.file, root) + (f":{f.line}" if f.line else "") if f.file else ""
        worker = (f.worker or "") + (f" (env.{f.env})" if f.env else "")
        lines.append(f"| {_ICON[f.severity.value]} | {f.code} | {cell(f.message)} | "
                     f"{'`' + code_cell(where) + '`' if where else ''} | {cell(worker)} |")
    if len(ranked) > TOP:
        lines.append("")
        lines.append(f"{len(ranked) - TOP} more not shown; see the SARIF or text output for all of them.")
    return lines


def _tail(report: FindingsReport) -> list[str]:
    extra = baseline_lines(report.baseline)
    return ["", *(f"- {cell(line)}" for line in extra)] if extra else []


def render_markdown(report: FindingsReport, **_: Any) -> None:
    lines = [f"## {cell(report.title)}", "", summary_line(report.summary())]
    table = _findings_table(report.findings)
    if table:
        lines += ["", *table]
    lines += _tail(report)
    sys.stdout.write("\n".join(lines) + "\n")


def render_doctor_markdown(result: Any, **_: Any) -> None:
    """A `core.doctor.DoctorResult`: one row per area, then the top findings."""
    report: FindingsReport = result.report
    summary = result.summary()
    lines = ["## mbv doctor", "",
             f"{summary_line(summary)} in {len(result.workers)} Worker{'s' if len(result.workers) != 1 else ''}", "",
             "| | Area | Errors | Warnings | Info | Note |", "|---|---|---|---|---|---|"]
    for area in result.areas:
        counts = area.to_dict()["counts"]
        lines.append(f"| {_AREA_ICON[area.status]} | {area.name} | {counts['error']} | {counts['warning']} | "
                     f"{counts['info']} | {cell(area.note or ('' if area.status in {'ok', 'errors', 'warnings'} else area.status))} |")
    table = _findings_table(report.findings)
    if table:
        lines += ["", "### Findings", "", *table]
    lines += _tail(report)
    sys.stdout.write("\n".join(lines) + "\n")
