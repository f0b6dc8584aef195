"""One stdout Console and one stderr Console, created on first use.

Rich honours NO_COLOR and drops colour and cursor tricks when the stream is not a terminal;
`MBV_FORCE_WIDTH` lets tests pin the width.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


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


def reset() -> None:
    """Forget the consoles (tests swap sys.stdout between runs)."""
    stdout.cache_clear()
    stderr.cache_clear()


def error(message: str) -> None:
    """One line on stderr, no markup interpretation (messages may hold user text)."""
    sys.stderr.write(f"mbv: error: {message}\n")
    sys.stderr.flush()


def warning(message: str) -> None:
    sys.stderr.write(f"mbv: warning: {message}\n")
    sys.stderr.flush()


def note(message: str) -> None:
    sys.stderr.write(f"mbv: {message}\n")
    sys.stderr.flush()
