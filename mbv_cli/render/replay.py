"""Text rendering of `mbv replay`: a debug log in the shape of the platform's RequestDebugger
(request line, headers, body; response status, headers, body; duration), plus per-phase timings,
attempts, redirects, comparisons and --repeat summaries. Drawn from `ReplayResult.to_dict()`,
so it shows exactly the redacted view the JSON and HAR outputs carry.
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from mbv_cli.core.replay.result import ReplayResult, pretty_json
from mbv_cli.render import console
from mbv_cli.render.console import escape, neutralise

TEXT_LIMIT = 64 * 1024     # bytes of a body shown in the text log (JSON and --har-out keep it all)
HEX_PREVIEW = 256
_PHASES = (("dns", "dns"), ("connect", "connect"), ("tls", "tls"), ("send", "sent"), ("ttfb", "ttfb"),
           ("download", "download"), ("total", "total"))


def render_text(result: ReplayResult, **_: Any) -> None:
    out = console.stdout()
    data = result.to_dict()
    comparisons = iter(data.get("comparisons", []))  # one per (target, compare) pair, in order
    exchanges = data["exchanges"]
    for index, exchange in enumerate(exchanges, 1):
        _exchange(out, exchange, index, len(exchanges))
        if exchange["role"] == "compare" and exchange["sent"]:
            comparison = next(comparisons, None)
            if comparison is not None:
                _comparison(out, comparison)
    for summary in data.get("repeat", []):
        _repeat(out, summary)


def _exchange(out: Any, exchange: dict[str, Any], index: int, total: int) -> None:
    request = exchange["request"]
    title = f"{index}/{total} {request['method']} {request['url']}"
    where = exchange["source"] + (f" ({exchange['name']})" if exchange["name"] else "")
    role = " [magenta]compare[/]" if exchange["role"] == "compare" else ""
    out.rule(f"[bold]{escape(title)}[/]{role} [dim]{escape(where)}[/]", align="left", style="dim")
    if not exchange["sent"]:
        out.print("[dim]# dry run: nothing was sent[/]")
    out.out(neutralise(f"> {request['method']} {request['url']}"), highlight=False)
    for name, value in request["headers"].items():
        out.out(neutralise(f"> {name}: {value}"), highlight=False)
    out.out(">", highlight=False)
    _body(out, request, "")
    for redirect in exchange["redirects"]:
        dropped = (f" (not carried to the other origin: {', '.join(redirect['dropped_headers'])})"
                   if redirect["dropped_headers"] else "")
        out.print(f"[cyan]↪ {redirect['status']} → {escape(redirect['location'])}[/]{escape(dropped)}")
    if len(exchange["attempt_log"]) > 1:
        for attempt in exchange["attempt_log"]:
            outcome = f"status {attempt['status']}" if attempt["status"] is not None else f"error: {attempt['error']}"
            wait = f"; waited {attempt['wait_s']:g} s ({attempt['wait_reason']})" if attempt["wait_s"] is not None else ""
            out.print(f"[dim]attempt {attempt['attempt']}: {escape(outcome)} in {attempt['elapsed_ms']:.1f} ms"
                      f"{escape(wait)}[/]")
    response = exchange["response"]
    if response is not None:
        colour = "green" if response["status"] < 300 else "yellow" if response["status"] < 400 else "red"
        out.print(f"[{colour}]< {escape(response['http_version'])} {response['status']} "
                  f"{escape(response['reason'])}[/]", highlight=False)
        for name, value in response["headers"].items():
            out.out(neutralise(f"< {name}: {value}"), highlight=False)
        out.out("<", highlight=False)
        _body(out, response, "")
        if response["body_truncated"]:
            out.print(f"[yellow]… body cut at --max-body ({response['body_size']} bytes kept)[/]")
    if exchange["error"]:
        out.print(f"[red]✗ {escape(exchange['error'])}[/]")
    if exchange["sent"]:
        _timings(out, exchange)
        _recorded(out, exchange)
    out.out("")


def _body(out: Any, part: dict[str, Any], indent: str) -> None:
    body = part["body"]
    if body is None or body == "":
        return
    if part["body_encoding"] == "base64":
        raw = base64.b64decode(body)
        out.out(f"[binary body, {part['body_size']} bytes; first {min(len(raw), HEX_PREVIEW)} shown]",
                highlight=False)
        out.out(hex_preview(raw[:HEX_PREVIEW]), highlight=False)
        out.out("")
        return
    text = body
    ctype = next((v for k, v in part["headers"].items() if k.lower() == "content-type"), "")
    if "json" in ctype.lower() or text.lstrip()[:1] in ("{", "["):
        text = pretty_json(text) or text
    if len(text) > TEXT_LIMIT:
        text = text[:TEXT_LIMIT] + f"\n… ({len(body) - TEXT_LIMIT} more characters: see --format json or --har-out)"
    # a server's body may hold ESC/BEL/OSC sequences: shown as escapes, never sent to the terminal raw
    out.out(neutralise(text), highlight=False)
    out.out("")


def hex_preview(data: bytes) -> str:
    lines = []
    for offset in range(0, len(data), 16):
        chunk = data[offset:offset + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        ascii_ = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:08x}  {hexes:<47}  {ascii_}")
    return "\n".join(lines)


def _timings(out: Any, exchange: dict[str, Any]) -> None:
    timings = exchange["timings_ms"]
    parts = []
    for key, label in _PHASES:
        value = timings.get(key)
        parts.append(f"{label} {'-' if value is None else f'{value:.1f}'}")
    attempts = exchange["attempts"]
    out.print(f"[dim]timings (ms): {' · '.join(parts)} · {attempts} attempt{'s' if attempts != 1 else ''}[/]")


def _recorded(out: Any, exchange: dict[str, Any]) -> None:
    """HAR and tail sources: what was recorded, next to what happened now."""
    recorded = exchange.get("recorded")
    if not recorded:
        return

    def outcome(status: Any, ms: Any) -> str:
        return (f"{status if status is not None else 'no status'}"
                + (f" in {ms:.1f} ms" if isinstance(ms, int | float) else ""))

    response = exchange["response"]
    now = outcome(response["status"] if response else "error", exchange["timings_ms"].get("total"))
    at = f" ({recorded['at']})" if recorded.get("at") else ""
    changed = response is not None and recorded["status"] is not None and response["status"] != recorded["status"]
    colour = "yellow" if changed else "dim"
    out.print(f"[{colour}]recorded {escape(outcome(recorded['status'], recorded['time_ms']))}{escape(at)}"
              f" · replayed {escape(now)}[/]")


def _comparison(out: Any, comparison: dict[str, Any]) -> None:
    if comparison["same"]:
        out.print(f"[green]= same answer from {escape(comparison['target_url'])} and "
                  f"{escape(comparison['compare_url'])}[/]\n")
        return
    out.print(f"[red]≠ {len(comparison['differences'])} difference(s) between target and compare[/]")
    for diff in comparison["differences"]:
        out.print(f"  {escape(diff['where'])}: [red]{escape(_short(diff['target']))}[/] → "
                  f"[green]{escape(_short(diff['compare']))}[/]")
    out.out("")


def _short(value: Any) -> str:
    import json

    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."


def _repeat(out: Any, summary: dict[str, Any]) -> None:
    from rich import box
    from rich.table import Table

    latency = summary["latency_ms"]
    out.print(f"[bold]{summary['count']} × {escape(summary['url'])}[/] with concurrency {summary['concurrency']}: "
              f"{summary['requests_per_s']:.1f} requests/s over {summary['duration_s']:.2f} s")
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    for column in ("min", "p50", "p90", "p99", "max"):
        table.add_column(column, justify="right")
    table.add_row(*("-" if latency[c] is None else f"{latency[c]:.1f} ms" for c in ("min", "p50", "p90", "p99", "max")))
    out.print(table)
    counts = {**summary["statuses"], **summary["errors"]}
    biggest = max(counts.values(), default=1)
    for label, count in counts.items():
        bar = "█" * max(1, round(30 * count / biggest))
        out.print(f"  {escape(label):>16} {bar} {count}")
    out.out("")


@contextmanager
def repeat_progress(label: str, total: int) -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console.stderr(), transient=True) as bar:
        task = bar.add_task(escape(label), total=total)
        step = max(1, total // 200)

        def advance(done: int) -> None:
            if done % step == 0 or done == total:
                bar.update(task, completed=done)

        yield advance
