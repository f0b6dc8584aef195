"""Errors a user can cause, raised by the library and turned into one line and exit 2 by the CLI.

Tree (each class says when it is raised)::

    MbvError                  base; carries message, where (file:line:col) and a hint
    ├── UsageError            options that do not fit together, a missing argument, an unknown --env
    ├── InputError            a file or value the user gave cannot be read or parsed
    │   └── ConfigError       a wrangler config is missing, unreadable or malformed
    ├── TargetError           a TARGET/DATABASE names no binding or file (lists what exists)
    ├── RemoteError           Cloudflare's API (or a server) refused or could not be reached
    └── LockTimeoutError      another process holds a lock mbv waited for (exit 1: a finding, not misuse)

The message never contains a secret: callers pass names (of variables, files), never values.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: a file and, when known, a 1-based line and column."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class MbvError(Exception):
    """Base of every error mbv reports as one line on stderr."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.location = Location(str(file), line, column) if file is not None else None

    def one_line(self) -> str:
        """`file:line:col: message; hint` with newlines folded so it stays one line."""
        text = self.message.rstrip(".")
        if self.location is not None:
            text = f"{self.location}: {text}"
        if self.hint:
            text = f"{text}; {self.hint.rstrip('.')}"
        return " ".join(text.split())


class UsageError(MbvError):
    """Options or arguments that do not fit together."""


class InputError(MbvError):
    """A file or value the user supplied cannot be read or parsed."""


class ConfigError(InputError):
    """A wrangler config is missing, unreadable or malformed."""


class TargetError(MbvError):
    """A TARGET or DATABASE argument matches no binding and no file."""


class RemoteError(MbvError):
    """Cloudflare's API or another server refused the request or could not be reached."""


class LockTimeoutError(MbvError):
    """A lock mbv needs is held by another process beyond the allowed wait."""

    exit_code = 1
