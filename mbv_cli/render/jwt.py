"""Text rendering of `mbv jwt decode`, `verify` and `mint`.

`decode` is written as plain aligned text without rich: decoding has a start-up budget
(docs/benchmarks.md) and importing rich costs more than the decode itself. Values that came
from the token are shown through `_show`, which turns control characters into JSON escapes
so a token cannot move the cursor or recolour the terminal.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mbv_cli.core.jwt.decode import DecodeResult
    from mbv_cli.core.jwt.mint import MintResult
    from mbv_cli.core.jwt.verify import VerifyResult


def _show(value: Any) -> str:
    if isinstance(value, str) and value.isprintable():
        return value
    return json.dumps(value, ensure_ascii=False)


def _rows(rows: list[tuple[str, str]], indent: str = "  ") -> list[str]:
    width = max((len(k) for k, _ in rows), default=0)
    return [f"{indent}{k.ljust(width)}  {v}".rstrip() for k, v in rows]


def render_decode(result: DecodeResult, **_: Any) -> None:
    times = {t.claim: t for t in result.times}
    lines = ["Header"]
    lines += _rows([(_show(k), _show(v)) for k, v in result.header.items()])
    lines.append("Claims")
    claim_rows: list[tuple[str, str]] = []
    for name, value in result.claims.items():
        text = _show(value)
        t = times.get(name)
        if t is not None:
            text += f"  {t.iso}  ({t.phrase})" if t.iso and t.phrase else "  (not a valid NumericDate)"
        claim_rows.append((_show(name), text))
    lines += _rows(claim_rows) if claim_rows else ["  (none)"]
    status = "expired" if result.expired else "not yet valid" if result.not_yet_valid else "within its validity times"
    lines.append(f"Status     {status}")
    lines.append(f"Signature  {result.signature_length} bytes, NOT verified "
                 "(decode only reads the token; use `mbv jwt verify` to check it)")
    sys.stdout.write("\n".join(lines) + "\n")
    for warning in result.warnings:
        sys.stderr.write(f"mbv: warning: {warning}\n")


def render_verify(result: VerifyResult, **_: Any) -> None:
    from rich import box
    from rich.table import Table

    from mbv_cli.render import console
    from mbv_cli.render.console import escape

    out = console.stdout()
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("", width=1)
    table.add_column("Check", style="bold")
    table.add_column("Result")
    table.add_column("Detail", overflow="fold")
    for check in result.checks:
        mark = "[green]✓[/]" if check.ok else "[red]✗[/]"
        outcome = "ok" if check.ok else f"[red]{check.code}[/]"
        table.add_row(mark, check.name, outcome, escape(check.detail))
    out.print(table)
    if result.valid:
        out.print(f"[bold green]VALID[/]  signature checked with {escape(result.matched_key or '?')}")
    else:
        out.print(f"[bold red]INVALID[/]  reason: {result.reason}")
    for warning in result.warnings:
        console.warning(warning)


def render_mint(result: MintResult, **_: Any) -> None:
    sys.stdout.write(result.token + "\n")
