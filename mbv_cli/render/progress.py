"""Progress on a terminal only: one transient Rich line on stderr (spinner, what runs now, its time).

Shown only when stdout and stderr are both terminals and the output is text: piped, redirected,
JSON and machine formats get exactly the bytes they would get without it, and CI logs (not a
terminal) stay clean. `MBV_NO_PROGRESS=1` turns it off. The line disappears when the run ends.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def wanted(fmt: str) -> bool:
    if fmt != "text" or os.environ.get("MBV_NO_PROGRESS"):
        return False
    return all(getattr(stream, "isatty", lambda: False)() for stream in (sys.stdout, sys.stderr))


class _Line:
    """Callable with a message: the line shows it, with the time since that message."""

    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.task: Any = None

    def __call__(self, message: str) -> None:
        from mbv_cli.render.console import neutralise

        if self.task is not None:
            self.progress.remove_task(self.task)
        self.task = self.progress.add_task(neutralise(message), total=None)
        self.progress.refresh()  # draw every step, even one shorter than a refresh period


@contextmanager
def terminal_progress(fmt: str) -> Iterator[Callable[[str], None] | None]:
    """A progress callback for core functions, or None when progress must not show."""
    if not wanted(fmt):
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from mbv_cli.render import console

    progress = Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn(),
                        console=console.stderr(), transient=True)
    with progress:
        yield _Line(progress)
