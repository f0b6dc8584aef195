"""Where each key and array element of a wrangler config sits in its text, as line and column.

A finding about `kv_namespaces[0].id` points at `id` in the file the user edits, so the reader
walks the text itself: TOML (tables, arrays of tables, dotted keys, inline tables and arrays)
and JSON/JSONC (after `jsonc.strip_jsonc`, which keeps offsets). Only positions are recorded;
the values come from the real parsers (tomllib, jsonc). Text the walk cannot follow ends it
quietly: the paths seen so far still answer, `locate` falls back to the nearest known parent.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

Path = tuple[str | int, ...]
Positions = dict[Path, tuple[int, int]]


class _Stop(Exception):
    pass


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.positions: Positions = {}
        self._line_starts = [0]
        for index, ch in enumerate(text):
            if ch == "\n":
                self._line_starts.append(index + 1)

    def where(self, offset: int) -> tuple[int, int]:
        import bisect

        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def record(self, path: Path, offset: int) -> None:
        self.positions.setdefault(path, self.where(offset))

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""


# TOML ------------------------------------------------------------------------------------------

class _Toml(_Scanner):
    def skip_blank(self, newlines: bool) -> None:
        while self.i < len(self.text):
            ch = self.text[self.i]
            if ch == "#":
                while self.i < len(self.text) and self.text[self.i] != "\n":
                    self.i += 1
            elif ch in " \t\r" or (newlines and ch == "\n"):
                self.i += 1
            else:
                return

    def string(self) -> str:
        text, start = self.text, self.i
        for quote in ('"""', "'''"):
            if text.startswith(quote, start):
                end = text.find(quote, start + 3)
                while quote == '"""' and end > 0 and text[end - 1] == "\\" and text[end - 2] != "\\":
                    end = text.find(quote, end + 1)
                if end < 0:
                    raise _Stop
                while text.startswith(quote[0], end + 3):  # up to two quotes may end the content
                    end += 1
                self.i = end + 3
                return text[start + 3:end]
        quote = text[start]
        j = start + 1
        while j < len(text) and text[j] != quote and text[j] != "\n":
            j += 2 if quote == '"' and text[j] == "\\" else 1
        if j >= len(text) or text[j] != quote:
            raise _Stop
        self.i = j + 1
        raw = text[start + 1:j]
        if quote == '"' and "\\" in raw:
            import json

            try:
                return str(json.loads(f'"{raw}"'))
            except ValueError:
                return raw
        return raw

    def key(self) -> list[tuple[str, int]]:
        """A (dotted) key: each part with the offset where it starts."""
        parts: list[tuple[str, int]] = []
        while True:
            self.skip_blank(False)
            start = self.i
            if self.peek() in ('"', "'"):
                parts.append((self.string(), start))
            else:
                j = self.i
                while j < len(self.text) and (self.text[j].isalnum() or self.text[j] in "_-"):
                    j += 1
                if j == self.i:
                    raise _Stop
                parts.append((self.text[self.i:j], start))
                self.i = j
            self.skip_blank(False)
            if self.peek() != ".":
                return parts
            self.i += 1

    def value(self, path: Path) -> None:
        self.skip_blank(False)
        ch = self.peek()
        if ch == "[":
            self.i += 1
            index = 0
            while True:
                self.skip_blank(True)
                if self.peek() == "]":
                    self.i += 1
                    return
                self.record((*path, index), self.i)
                self.value((*path, index))
                index += 1
                self.skip_blank(True)
                if self.peek() == ",":
                    self.i += 1
                elif self.peek() == "]":
                    self.i += 1
                    return
                else:
                    raise _Stop
        if ch == "{":
            self.i += 1
            while True:
                self.skip_blank(True)
                if self.peek() == "}":
                    self.i += 1
                    return
                self.pair(path)
                self.skip_blank(True)
                if self.peek() == ",":
                    self.i += 1
                elif self.peek() == "}":
                    self.i += 1
                    return
                else:
                    raise _Stop
        if ch in ('"', "'"):
            self.string()
            return
        while self.i < len(self.text) and self.text[self.i] not in ",]}\n#":
            self.i += 1

    def pair(self, table: Path) -> None:
        parts = self.key()
        path = table
        for name, offset in parts:
            path = (*path, name)
            self.record(path, offset)
        if self.peek() != "=":
            raise _Stop
        self.i += 1
        self.value(path)

    def document(self) -> Positions:
        table: Path = ()
        counts: dict[Path, int] = {}
        while True:
            self.skip_blank(True)
            if self.i >= len(self.text):
                return self.positions
            if self.peek() == "[":
                double = self.text.startswith("[[", self.i)
                self.i += 2 if double else 1
                parts = self.key()
                names = tuple(name for name, _ in parts)
                # a path through an array of tables goes through its last element
                resolved: Path = ()
                for depth, (name, offset) in enumerate(parts):
                    resolved = (*resolved, name)
                    self.record(resolved, offset)
                    if depth < len(parts) - 1 and names[:depth + 1] in counts:
                        resolved = (*resolved, counts[names[:depth + 1]] - 1)
                if double:
                    index = counts.get(names, 0)
                    counts[names] = index + 1
                    resolved = (*resolved, index)
                    self.record(resolved, parts[-1][1])
                if not self.text.startswith("]]" if double else "]", self.i):
                    raise _Stop
                self.i += 2 if double else 1
                table = resolved
            else:
                self.pair(table)


# JSON / JSONC ------------------------------------------------------------------------------------

class _Json(_Scanner):
    def skip_blank(self) -> None:
        while self.i < len(self.text) and self.text[self.i] in " \t\r\n":
            self.i += 1

    def string(self) -> str:
        import json

        j = self.i + 1
        while j < len(self.text) and self.text[j] != '"':
            j += 2 if self.text[j] == "\\" else 1
        raw = self.text[self.i:j + 1]
        self.i = j + 1
        try:
            return str(json.loads(raw))
        except ValueError:
            return raw.strip('"')

    def value(self, path: Path) -> None:
        self.skip_blank()
        ch = self.peek()
        if ch == "{":
            self.i += 1
            while True:
                self.skip_blank()
                if self.peek() == "}":
                    self.i += 1
                    return
                if self.peek() != '"':
                    raise _Stop
                start = self.i
                key = self.string()
                self.record((*path, key), start)
                self.skip_blank()
                if self.peek() != ":":
                    raise _Stop
                self.i += 1
                self.value((*path, key))
                self.skip_blank()
                if self.peek() == ",":
                    self.i += 1
        elif ch == "[":
            self.i += 1
            index = 0
            while True:
                self.skip_blank()
                if self.peek() == "]":
                    self.i += 1
                    return
                self.record((*path, index), self.i)
                self.value((*path, index))
                index += 1
                self.skip_blank()
                if self.peek() == ",":
                    self.i += 1
        elif ch == '"':
            self.string()
        elif ch:
            while self.i < len(self.text) and self.text[self.i] not in ",]} \t\r\n":
                self.i += 1
        else:
            raise _Stop


def key_positions(text: str, fmt: str) -> Positions:
    """Every key path (and array index) of the config text -> (line, column), 1-based."""
    if fmt == "toml":
        toml = _Toml(text)
        try:
            return toml.document()
        except (_Stop, RecursionError):
            return toml.positions
    from mbv_cli.core.wrangler.jsonc import strip_jsonc

    json_text = _Json(strip_jsonc(text))
    with contextlib.suppress(_Stop, RecursionError):
        json_text.value(())
    return json_text.positions


def locate(positions: Positions, path: Sequence[str | int]) -> tuple[int, int] | None:
    """The position of `path`, else of its nearest recorded parent, else None."""
    trail = tuple(path)
    while trail:
        if trail in positions:
            return positions[trail]
        trail = trail[:-1]
    return None
