"""Text and live views of `mbv logs`, drawn from `LogsSummary.to_dict()` (the redacted view the
JSON carries): the time range and outcomes, routes with their status histogram, error rate and
CPU/wall percentiles, exception and console groups each followed by how to replay them, and the
slowest requests. `--every N` prints one summary per period (compact JSON lines with --format json).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any

from mbv_cli.core.logs.result import LogsSummary
from mbv_cli.render import console
from mbv_cli.render.console import escape


def render_text(summary: LogsSummary, *, top: int = 10, **_: Any) -> None:
    out = console.stdout()
    for renderable in _blocks(summary.to_dict(), top):
        out.print(renderable)


def render_periodic(summary: LogsSummary, fmt: str, *, top: int = 10) -> None:
    """One summary of a running stream: a compact JSON line, or a text block under a dated rule."""
    if fmt == "json":
        sys.stdout.write(json.dumps(summary.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n")
        sys.stdout.flush()
        return
    out = console.stdout()
    label = "final summary" if summary.to_dict()["final"] else "summary so far"
    out.rule(f"[bold]{label}[/] [dim]{time.strftime('%H:%M:%S')}[/]", align="left", style="dim")
    render_text(summary, top=top)
    sys.stdout.flush()


def live_view(wait: Callable[[float], bool], snapshot: Callable[[], LogsSummary], *, top: int = 5) -> None:
    """A Rich live view redrawn every second until the input ends or Ctrl-C (the caller then prints
    the final summary)."""
    from rich.live import Live

    with Live(_live_renderable(snapshot(), top), console=console.stdout(), refresh_per_second=1,
              transient=True) as live:
        while not wait(1.0):
            live.update(_live_renderable(snapshot(), top))


def _live_renderable(summary: LogsSummary, top: int) -> Any:
    from rich.console import Group
    from rich.table import Table

    data = summary.to_dict()
    header = _markup(f"[bold]{data['events']:,}[/] events · {_outcomes_line(data)}  "
                              "[dim](Ctrl-C for the full summary)[/]")
    routes = Table(title="error rate per route", title_justify="left", box=None, pad_edge=False)
    for column in ("route", "count", "errors", "rate"):
        routes.add_column(column, justify="left" if column == "route" else "right")
    for route in data["routes"][:top]:
        routes.add_row(escape(route["label"]), f"{route['count']:,}", f"{route['errors']:,}",
                       f"{route['error_rate'] * 100:.1f}%")
    exceptions = Table(title="top exceptions", title_justify="left", box=None, pad_edge=False)
    exceptions.add_column("count", justify="right")
    exceptions.add_column("exception")
    for group in data["exceptions"][:top]:
        exceptions.add_row(f"{group['count']:,}", _markup(escape(f"{group['name']}: {group['message']}")))
    return Group(header, routes, exceptions)


def _outcomes_line(data: dict[str, Any]) -> str:
    parts = []
    for name, count in data["outcomes"].items():
        style = "green" if name == "ok" else "red"
        parts.append(f"[{style}]{escape(name)}[/] {count:,}")
    return " · ".join(parts) or "[dim]no events[/]"


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 10 else f"{value:g}"


def _percentiles(stats: dict[str, Any] | None) -> str:
    if not stats:
        return "-"
    return "/".join(_ms(stats[key]) for key in ("p50", "p95", "p99", "max"))


def _short_time(iso: str | None) -> str:
    return iso.replace("T", " ").rstrip("Z") if iso else "?"


def _blocks(data: dict[str, Any], top: int) -> list[Any]:
    from rich.table import Table
    from rich.text import Text

    blocks: list[Any] = []
    span = data["time_range"]
    seconds = span["seconds"]
    when = (f"{_short_time(span['first'])} → {_short_time(span['last'])} UTC ({_duration(seconds)})"
            if span["first"] else "no timestamps")
    blocks.append(_markup(f"[bold]{escape(data['source'])}[/]: {data['events']:,} events, {when}"))
    extras = []
    if data["filtered_out"]:
        extras.append(f"{data['filtered_out']:,} left out by the filters")
    if data["notices"]:
        extras.append(f"{data['notices']:,} tail notices (sampling/overload) not counted")
    if extras:
        blocks.append(Text(", ".join(extras), style="dim"))
    blocks.append(_markup(f"outcomes: {_outcomes_line(data)}"))
    if len(data["event_types"]) > 1 or "fetch" not in data["event_types"]:
        blocks.append(Text("event types: " + ", ".join(f"{k} {v:,}" for k, v in data["event_types"].items()),
                           style="dim"))
    garbage = data["garbage"]
    if garbage["count"]:
        first = garbage["samples"][0] if garbage["samples"] else None
        where = f" (first at line {first['line']}: {first['reason']})" if first else ""
        blocks.append(_markup(f"[yellow]skipped {garbage['count']:,} line(s) that were not trace events"
                                       f"{escape(where)}[/]"))
    if garbage["truncated_last_event"] is not None:
        blocks.append(_markup(f"[yellow]the last event (line {garbage['truncated_last_event']}) "
                                       "is truncated[/]"))

    routes = data["routes"]
    if routes:
        table = Table(title=f"routes ({len(routes)}, errors first)", title_justify="left", title_style="bold",
                      box=None, pad_edge=False, show_edge=False)
        for column, justify in (("route", "left"), ("count", "right"), ("errors", "right"), ("rate", "right"),
                                ("statuses", "left"), ("cpu ms p50/95/99/max", "right"),
                                ("wall ms p50/95/99/max", "right")):
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        for route in routes[:top]:
            statuses = " ".join(f"{code}×{n:,}" for code, n in route["statuses"].items()) or "-"
            cpu = _percentiles(route["cpu_ms"])
            if route["cpu_near_limit"]:
                cpu = f"[red]{cpu} near limit[/]"
            table.add_row(escape(route["label"]), f"{route['count']:,}", f"{route['errors']:,}",
                          f"{route['error_rate'] * 100:.1f}%", escape(statuses), cpu, _percentiles(route["wall_ms"]))
        blocks.append(Text())
        blocks.append(table)
        if len(routes) > top:
            blocks.append(Text(f"… {len(routes) - top} more routes (--top N, or --format json for all)", style="dim"))
        failing = [r for r in routes[:top] if r["errors"] and r["replay"]]
        for route in failing:
            blocks.append(_markup(f"  [dim]replay {escape(route['label'])}:[/] {escape(route['replay'])}"))
        near = [r for r in routes if r["cpu_near_limit"]]
        if near:
            blocks.append(_markup(
                f"[red]{len(near)} route(s) near the CPU limit[/] ({_ms(data['cpu_limit_ms'])} ms; "
                "p99 at 75% or more, or exceededCpu): " + escape(", ".join(r["label"] for r in near[:5]))))

    for title, groups, other in (("exceptions", data["exceptions"], data["other_exceptions"]),
                                 ("console.error / console.warn", data["console"], data["other_console"])):
        if not groups:
            continue
        total = sum(g["count"] for g in groups) + other
        blocks.append(Text())
        blocks.append(_markup(f"[bold]{title}[/] ({len(groups)} group(s), {total:,} in all)"))
        for group in groups[:top]:
            blocks.extend(_group_lines(group))
        if len(groups) > top:
            blocks.append(Text(f"  … {len(groups) - top} more groups", style="dim"))

    if data["slowest"]:
        blocks.append(Text())
        blocks.append(_markup("[bold]slowest requests[/]"))
        for sample in data["slowest"][:top]:
            target = f"{sample['method']} {sample['url']}" if sample["url"] else sample["route"]
            status = f" → {sample['status']}" if sample["status"] is not None else ""
            blocks.append(_markup(
                f"  wall {_ms(sample['wall_ms'])} ms  cpu {_ms(sample['cpu_ms'])} ms  {escape(target)}{status}"
                f" [dim]({escape(sample['outcome'])}, line {sample['line']})[/]"))
    if not data["events"]:
        blocks.append(Text("no trace events" + (" matched the filters" if data["filtered_out"] else " in the input"),
                           style="yellow"))
    return blocks


def _markup(text: str) -> Any:
    from rich.text import Text

    return Text.from_markup(text, emoji=False)  # `/posts/:id:` must not become an emoji


def _group_lines(group: dict[str, Any]) -> list[Any]:

    head = f"{group['name']}: {group['message']}" if "name" in group else f"{group['level']}: {group['message']}"
    lines = [_markup(f"  [bold]{group['count']:,}×[/] {escape(head)}")]
    if group.get("frame"):
        lines.append(_markup(f"      [dim]at[/] {escape(group['frame'])}"))
    sample = group["sample"]
    target = f"{sample['method']} {sample['url']}" if sample["url"] else sample["route"]
    status = f" → {sample['status']}" if sample["status"] is not None else ""
    script = f"{group['script']} · " if group.get("script") else ""
    lines.append(_markup(f"      [dim]{escape(script)}first {_short_time(group['first_seen'])} · last "
                         f"{_short_time(group['last_seen'])}[/]"))
    lines.append(_markup(f"      [dim]e.g. line {sample['line']}:[/] {escape(target)}{escape(status)}"))
    if group["replay"]:
        lines.append(_markup(f"      [dim]replay:[/] {escape(group['replay'])}"))
    return lines


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
