"""A JSONC reader that reports errors as line:column, as wrangler's `jsonc-parser` accepts them.

wrangler parses both `.json` and `.jsonc` with comments and trailing commas allowed
(workers-utils `parse.ts`). Comments and trailing commas are blanked out with spaces so that
offsets are preserved, then the standard JSON decoder reads the text and its error positions
stay true to the original file.
"""

from __future__ import annotations

import json
from typing import Any


class JsoncSyntaxError(ValueError):
    def __init__(self, reason: str, line: int, column: int) -> None:
        super().__init__(f"{reason} at line {line} column {column}")
        self.reason = reason
        self.line = line
        self.column = column


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def strip_jsonc(text: str) -> str:
    """Return `text` with comments and trailing commas replaced by spaces (same length)."""
    out = list(text)
    i, n = 0, len(text)
    last_comma = -1  # index of a comma that may turn out to be trailing
    while i < n:
        ch = text[i]
        if ch == '"':
            last_comma = -1
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            continue
        if ch == "/" and i + 1 < n and text[i + 1] == "/":
            end = text.find("\n", i)
            end = n if end == -1 else end
            for k in range(i, end):
                out[k] = " "
            i = end
            continue
        if ch == "/" and i + 1 < n and text[i + 1] == "*":
            end = text.find("*/", i + 2)
            if end == -1:
                line, column = _position(text, i)
                raise JsoncSyntaxError("unterminated block comment", line, column)
            for k in range(i, end + 2):
                if out[k] != "\n":
                    out[k] = " "
            i = end + 2
            continue
        if ch == ",":
            last_comma = i
        elif ch in "}]":
            if last_comma != -1:
                out[last_comma] = " "
            last_comma = -1
        elif not ch.isspace():
            last_comma = -1
        i += 1
    return "".join(out)


def loads(text: str) -> Any:
    """Parse JSON with comments and trailing commas; raise `JsoncSyntaxError` with a position."""
    cleaned = strip_jsonc(text)
    try:
        return json.loads(cleaned)
    except json.JSONDecodeError as exc:
        raise JsoncSyntaxError(exc.msg, exc.lineno, exc.colno) from None
    except RecursionError:
        raise JsoncSyntaxError("document nested too deeply", 1, 1) from None
