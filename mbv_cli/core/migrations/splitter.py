"""Split SQL the way wrangler 4.86 does before a local run, keeping where each statement starts.

Mirrors `d1/trimmer.ts` (drop the first `BEGIN TRANSACTION;` and the first `COMMIT;`; a second
transaction is an error) and `d1/splitter.ts` (split on `;` outside '...', "...", `...`, $tag$...$tag$
and BEGIN..END / CASE..END blocks; `--` and `/* */` comments are dropped). Its quirks are kept on
purpose: `END` must be upper case to close a block, and the character ending a `$identifier` is
swallowed. Each statement carries the source offset of every character so errors point at the file.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from mbv_cli.core.errors import InputError

_COMPOUND_START = re.compile(r"\s(BEGIN|CASE)\s\Z", re.I)  # \Z: JS `$`, not before a final newline
_COMPOUND_END = re.compile(r"\sEND[;\s]\Z")
# a run of characters none of the per-character rules below reacts to (quotes, `$`, comments, `;`,
# and whitespace, after which a BEGIN/CASE/END is looked for): copied in one step
_PLAIN_RUN = re.compile(r"[^'\"`$\-/;\s]+")
_COMMENT_OR_QUOTE = re.compile(r"['\"`]|--|/\*")


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement as wrangler would run it, with the source offset of each of its characters."""

    text: str
    offsets: Sequence[int]  # an array('q'): 8 bytes a character, not an int object each (100k statements)

    @property
    def start(self) -> int:
        return self.offsets[0] if self.offsets else 0


def trim_transaction(sql: str) -> tuple[str, list[tuple[int, int]]]:
    """wrangler's trimSqlQuery: the text without one BEGIN TRANSACTION;/COMMIT; and the removed spans."""
    if "BEGIN TRANSACTION" not in sql:
        return sql, []
    removed: list[tuple[int, int]] = []
    text = sql
    for marker in ("BEGIN TRANSACTION;", "COMMIT;"):
        at = text.find(marker)
        if at >= 0:
            original = _to_source(at, removed)
            removed.append((original, len(marker)))
            removed.sort()
            text = text[:at] + text[at + len(marker):]
    if "BEGIN TRANSACTION" in text:
        raise InputError("the SQL holds several transactions; D1 runs each migration in one transaction for you",
                         hint="remove the BEGIN TRANSACTION/COMMIT statements")
    return text, removed


def _to_source(index: int, removed: list[tuple[int, int]]) -> int:
    for start, length in removed:
        if start <= index:
            index += length
    return index


def _may_contain_multiple(sql: str) -> bool:
    trimmed = sql.rstrip()
    at = trimmed.find(";")
    return at != -1 and at != len(trimmed) - 1


def _is_dollar_ident(text: str) -> bool:
    last = text[-1:]
    return last != "$" and (bool(re.match(r"[0-9_]", last)) or last.lower() != last.upper())


def split_statements(sql: str) -> list[Statement]:
    """wrangler's splitSqlQuery, each statement with the source offsets of its characters."""
    trimmed, removed = trim_transaction(sql)
    source: Sequence[int] = (array("q", (_to_source(i, removed) for i in range(len(trimmed)))) if removed
                             else range(len(trimmed)))
    if not _may_contain_multiple(trimmed):
        return [Statement(trimmed, array("q", source))]
    pieces = _split(trimmed, source)
    return pieces or [Statement(trimmed, array("q", source))]


def _split(s: str, source: Sequence[int]) -> list[Statement]:
    statements: list[Statement] = []
    parts: list[str] = []  # the current statement, in pieces (joined on a split)
    tail = ""  # its last few characters: all the block regexes look at
    cur_at = array("q")
    depth = 0  # open BEGIN/CASE blocks (wrangler keeps a stack of identical end tests)
    n = len(s)
    i = 0

    def until(start: int, marker: str) -> int:
        at = s.find(marker, start)
        return n if at < 0 else at + len(marker)

    while i < n:
        plain = _PLAIN_RUN.match(s, i)
        if plain is not None:  # the rules below do nothing for these characters but copy them
            j = plain.end()
            parts.append(s[i:j])
            tail = (tail + s[max(i, j - 8):j])[-8:]
            cur_at.extend(source[i:j])
            i = j
            continue
        ch = s[i]
        if depth and _COMPOUND_END.search(tail[-4:] + ch):
            depth -= 1
        piece = ""
        if ch in "'\"`":
            j = until(i + 1, ch)
            piece = s[i:j]
            cur_at.extend(source[i:j])
            i = j
        elif ch == "$":
            j = i + 1
            while j < n:
                j += 1
                if not _is_dollar_ident(s[i + 1:j]):
                    break
            if s[i:j].endswith("$"):
                j = until(j, s[i:j])
            piece = s[i:j]
            cur_at.extend(source[i:j])
            i = j
        elif ch == "-" and i + 1 < n and s[i + 1] == "-":
            j = until(i + 2, "\n")
            piece = "\n"
            cur_at.append(source[j - 1])
            i = j
        elif ch == "/" and i + 1 < n and s[i + 1] == "*":
            i = until(i + 2, "*/")
        elif ch == ";" and not depth:
            statements.append(_finish("".join(parts), cur_at))
            parts, tail, cur_at = [], "", array("q")
            i += 1
        else:
            piece = ch
            cur_at.append(source[i])
            i += 1
            if ch in "-/":
                parts.append(piece)
                tail = (tail + piece)[-8:]
                continue  # wrangler re-reads the next character without the block test
        if piece:
            parts.append(piece)
            tail = (tail + piece)[-8:]
        if _COMPOUND_START.search(tail):
            depth += 1
    statements.append(_finish("".join(parts), cur_at))
    return [st for st in statements if st.text]


def _finish(text: str, cur_at: array[int]) -> Statement:
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    return Statement(body, cur_at[lead:lead + len(body)])


def strip_comments(sql: str) -> str:
    """The SQL without `--` and `/* */` comments (quotes respected)."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        found = _COMMENT_OR_QUOTE.search(sql, i)
        if found is None:
            out.append(sql[i:])
            break
        at = found.start()
        out.append(sql[i:at])
        token = found.group()
        if token in "'\"`":
            j = sql.find(token, at + 1)
            j = n if j < 0 else j + 1
            out.append(sql[at:j])
            i = j
        elif token == "--":
            j = sql.find("\n", at)
            i = n if j < 0 else j
        else:
            j = sql.find("*/", at + 2)
            i = n if j < 0 else j + 2
    return "".join(out)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text`."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


class LineCounter:
    """Line numbers of increasing offsets in one text, counting each newline once (line_column
    from the start for each of 100k statements was quadratic)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._offset = 0
        self._line = 1

    def line_at(self, offset: int) -> int:
        offset = max(0, min(offset, len(self.text)))
        if offset < self._offset:  # out of order: count from the start
            return self.text.count("\n", 0, offset) + 1
        self._line += self.text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line
