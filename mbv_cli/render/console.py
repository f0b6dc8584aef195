"""One stdout Console and one stderr Console, created on first use.

Rich honours NO_COLOR and drops colour and cursor tricks when the stream is not a terminal;
`MBV_FORCE_WIDTH` lets tests pin the width.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from mbv_cli.core.wrangler.config import ConfigWarning
    from mbv_cli.core.wrangler.environments import ResolvedWorker


def _width(stream: object) -> int | None:
    """MBV_FORCE_WIDTH, else the terminal's; output that is not a terminal gets 120 columns, not 80."""
    value = os.environ.get("MBV_FORCE_WIDTH")
    if value and value.isdigit():
        return int(value)
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()) and not os.environ.get("COLUMNS"):
        return 120
    return None


@functools.lru_cache(maxsize=1)
def stdout() -> Console:
    from rich.console import Console

    return Console(file=sys.stdout, width=_width(sys.stdout), highlight=False, soft_wrap=False)


@functools.lru_cache(maxsize=1)
def stderr() -> Console:
    from rich.console import Console

    return Console(file=sys.stderr, width=_width(sys.stderr), highlight=False, soft_wrap=True)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def neutralise(text: str) -> str:
    """Show control characters (ESC, CR, C1 ...) as escapes so text from a file cannot drive the terminal."""
    text = text.replace("\r\n", "\n")
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def escape(text: str) -> str:
    """Text from a user's file or a server, made safe for Rich: markup escaped, control characters shown,
    and on one line: a newline in a name (`"C\\n::error file=x::pwned"`) must not start a line of its own,
    where CI would read it as a workflow command."""
    from rich.markup import escape as escape_markup

    return escape_markup(neutralise(text).replace("\n", "\\n"))


def reset() -> None:
    """Forget the consoles (tests swap sys.stdout between runs)."""
    stdout.cache_clear()
    stderr.cache_clear()


def _one_line(message: str) -> str:
    # CI reads stderr for workflow commands too: a name holding "\n::error ..." must not start a line
    return neutralise(message.rstrip("\n")).replace("\n", "\\n")


def error(message: str) -> None:
    """One line on stderr, no markup interpretation (messages may hold user text)."""
    sys.stderr.write(f"mbv: error: {_one_line(message)}\n")
    sys.stderr.flush()


def warning(message: str) -> None:
    sys.stderr.write(f"mbv: warning: {_one_line(message)}\n")
    sys.stderr.flush()


def plural(count: int, word: str) -> str:
    """`1 error`, `3 errors`."""
    return f"{count} {word}" + ("" if count == 1 else "s")


def summary_line(summary: dict[str, int]) -> str:
    """`3 errors, 1 warning, 0 info` from a findings summary."""
    return f"{plural(summary['error'], 'error')}, {plural(summary['warning'], 'warning')}, {summary['info']} info"


def config_warnings(warnings: Iterable[ConfigWarning]) -> None:
    """Config warnings (as wrangler prints them), one `mbv: warning: file:line: ...` line each, any format."""
    from pathlib import Path

    from mbv_cli.core.binding_list import display_path

    for item in warnings:
        where = display_path(Path(item.file)) + (f":{item.line}" if item.line else "")
        warning(f"{where}: {item.message}")


def secret_file_warnings(workers: Iterable[ResolvedWorker]) -> None:
    """A .dev.vars/.env that wrangler cannot read (UTF-16, unreadable) changes what MBV001/MBV004 mean:
    one warning line per file, whatever the format, also without -v."""
    from mbv_cli.core.binding_list import display_path

    for line in dict.fromkeys(f"{display_path(f)}: {p}" for w in workers for f, p in w.secrets.problems):
        warning(line)


def note(message: str) -> None:
    sys.stderr.write(f"mbv: {_one_line(message)}\n")
    sys.stderr.flush()
