"""Top-level JSON objects, one after another, read from a byte stream line by line.

Two writers produce such streams and both are read here, never whole:
- `wrangler tail --format json` prints each event as `JSON.stringify(msg, null, 4)` (wrangler 4.86
  W/logger.ts 109-112; reference wrangler.md §6): an object opens with `{` alone on a line, its
  members are indented and it closes with `}` at column 0;
- Logpush (and `wrangler tail ... | jq -c .`) writes NDJSON: one object per line.

A line that starts with `{` is first parsed alone (the NDJSON fast path); if that fails it opens a
multi-line object that ends at the next line that starts at column 0 and ends with `}`. Nested lines
of pretty JSON are always indented, so the closing line cannot be confused with an inner one.
Anything else is garbage: a stray line, an object that does not parse, an object cut off by a new
one starting at column 0, or (at the end) a truncated last event. `lenient` readers count garbage
and keep a few samples; strict ones (replay) raise InputError at the first, with file:line:col.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mbv_cli.core.errors import InputError

MAX_OBJECT_BYTES = 16 * 1024 * 1024   # a pretty event larger than this is treated as garbage
GARBAGE_SAMPLES = 5
_WHITESPACE = b" \t\r\n"
_BOM = b"\xef\xbb\xbf"


def json_loads() -> Callable[[bytes], Any]:
    """orjson's loads when installed (4-5x faster), else the standard library's."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a declared dependency
        return json.loads
    return orjson.loads


@dataclass(slots=True)
class Garbage:
    """Something in the stream that is not a JSON object: where it starts and what it looked like."""

    line: int
    reason: str
    snippet: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason, "snippet": self.snippet}


@dataclass(slots=True)
class GarbageTally:
    count: int = 0
    samples: list[Garbage] = field(default_factory=list)
    truncated_last: Garbage | None = None

    def add(self, item: Garbage) -> None:
        self.count += 1
        if len(self.samples) < GARBAGE_SAMPLES:
            self.samples.append(item)

    def merge(self, other: GarbageTally, line_offset: int = 0) -> None:
        self.count += other.count
        for item in other.samples:
            if len(self.samples) < GARBAGE_SAMPLES:
                self.samples.append(Garbage(item.line + line_offset, item.reason, item.snippet))
        if other.truncated_last is not None:
            last = other.truncated_last
            self.truncated_last = Garbage(last.line + line_offset, last.reason, last.snippet)


class ObjectStream:
    """Iterate `(line, object)` over the lines of a stream; `garbage` tallies what was skipped."""

    def __init__(self, lines: Iterable[bytes], *, file: str = "<stream>", strict: bool = False,
                 loads: Callable[[bytes], Any] | None = None, first_line: int = 1) -> None:
        self._lines = lines
        self.file = file
        self.strict = strict
        self._loads = loads or json_loads()
        self.garbage = GarbageTally()
        self.line = first_line - 1      # lines consumed so far

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        loads = self._loads
        block: list[bytes] = []
        block_line = 0
        block_size = 0
        line_no = self.line
        lines = iter(self._lines)
        first = next(lines, None)
        if first is not None:
            lines = itertools.chain((first.removeprefix(_BOM),), lines)  # a UTF-8 BOM (Notepad, PowerShell 7)
        try:
            for raw in lines:
                line_no += 1
                if block:
                    if raw[:1] == b"{":  # a new object at column 0: the open one was cut short
                        self._bad_block(block, block_line, "incomplete event, cut off by the next one")
                        block = []
                    elif raw[:1] not in (b" ", b"\t", b"") and raw.rstrip().endswith(b"}"):
                        block.append(raw)
                        joined = b"".join(block)
                        block = []
                        try:
                            value = loads(joined)
                        except ValueError:
                            self._bad_block([joined], block_line, "malformed event")
                            continue
                        yield block_line, value
                        continue
                    else:
                        block_size += len(raw)
                        if block_size > MAX_OBJECT_BYTES:
                            self._bad_block(block[:1], block_line, "event larger than 16 MB")
                            block = []
                            continue
                        block.append(raw)
                        continue
                if raw.startswith(b"{"):
                    try:
                        value = loads(raw)
                    except ValueError:
                        stripped = raw.rstrip()
                        if stripped != b"{" and stripped.endswith(b"}"):
                            self._bad_block([raw], line_no, "malformed JSON line")
                            continue
                        block, block_line, block_size = [raw], line_no, len(raw)
                        continue
                    yield line_no, value
                    continue
                if raw.strip(_WHITESPACE):
                    self._bad_line(raw, line_no, "not a JSON object")
            if block:
                self._truncated(block, block_line)
        finally:
            self.line = line_no

    # -- garbage --------------------------------------------------------------------------------
    def _bad_line(self, raw: bytes, line: int, reason: str) -> None:
        if self.strict:
            text = raw.decode("utf-8", "replace")
            column = len(text) - len(text.lstrip()) + 1
            snippet = text.strip()[:30]
            raise InputError(f"expected a JSON object from `wrangler tail --format json`, found {snippet!r}",
                             file=self.file, line=line, column=column,
                             hint="capture the tail with `wrangler tail --format json > tail.log`")
        self.garbage.add(Garbage(line, reason, _snippet(raw)))

    def _bad_block(self, block: list[bytes], line: int, reason: str) -> None:
        if self.strict:
            self._raise_malformed(b"".join(block), line)
        self.garbage.add(Garbage(line, reason, _snippet(block[0])))

    def _truncated(self, block: list[bytes], line: int) -> None:
        if self.strict:
            self._raise_malformed(b"".join(block), line)
        item = Garbage(line, "truncated last event", _snippet(block[0]))
        self.garbage.add(item)
        self.garbage.truncated_last = item

    def _raise_malformed(self, text: bytes, first_line: int) -> None:
        decoded = text.decode("utf-8", "replace")
        try:
            json.JSONDecoder().raw_decode(decoded)
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed tail event: {exc.msg}", file=self.file, line=first_line + exc.lineno - 1,
                             column=exc.colno,
                             hint="the log may be cut short; remove the incomplete last event") from None
        raise InputError("malformed tail event: text after the closing brace", file=self.file, line=first_line,
                         column=1, hint="one JSON object per event, as `wrangler tail --format json` writes")


def _snippet(raw: bytes) -> str:
    return raw[:80].decode("utf-8", "replace").strip()


def iter_objects_in_text(text: str, *, file: str, strict: bool = True) -> ObjectStream:
    """The objects of an in-memory text (replay reads small tail logs whole)."""
    import io

    return ObjectStream(io.BytesIO(text.encode("utf-8", "surrogatepass")), file=file, strict=strict,
                        loads=json.loads)
