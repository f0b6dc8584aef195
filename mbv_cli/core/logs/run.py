"""Read a tail log or Logpush file (plain or gzip), a pipe, or a growing file into an `Aggregate`.

- A regular NDJSON file of 32 MB or more is cut at line boundaries into chunks summarised by a
  pool of processes (fork), whose aggregates merge in file order (line numbers stay right).
- Everything else streams line by line through one `Aggregate.read` (the object reader's rules, with
  whole Logpush lines read inline): memory stays flat.
- `LiveReader` reads in a thread (a pipe or `--follow`), so the caller can draw a summary every
  second or every N seconds while events arrive, and a final one at the end or on Ctrl-C.
"""

from __future__ import annotations

import gzip
import io
import itertools
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from mbv_cli.core.errors import InputError
from mbv_cli.core.logs.aggregate import Aggregate
from mbv_cli.core.replay.filters import EventFilter
from mbv_cli.core.replay.stream import ObjectStream, json_loads

PARALLEL_MIN_BYTES = 32 * 1024 * 1024
CHUNKS_PER_JOB = 8     # small enough that a worker slowed by other load leaves little for the last one
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class InputInfo:
    name: str          # as given ("-" for stdin)
    gzipped: bool
    regular: bool      # a regular file (seekable, its size known)
    size: int | None


def describe_input(name: str) -> InputInfo:
    if name == "-":
        return InputInfo(name, gzipped=_stdin_is_gzip(), regular=False, size=None)
    path = Path(name)
    try:
        with path.open("rb") as handle:
            head = handle.read(2)
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{name}: no such file", hint="give a `wrangler tail --format json` log, a Logpush file "
                                                        "(.json, .gz) or - for stdin") from None
    except IsADirectoryError:
        raise InputError(f"{name} is a directory", hint="give one log file, or pipe several: cat *.gz | mbv logs -")\
            from None
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror}", file=name) from None
    if head in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(f"{name} is UTF-16 text (PowerShell's `>` writes that), not UTF-8", file=name,
                         hint="capture with `wrangler tail --format json | Out-File -Encoding utf8 tail.log`")
    return InputInfo(name, gzipped=head == _GZIP_MAGIC, regular=path.is_file(), size=size)


def _stdin_binary() -> IO[bytes]:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a text stream put in place of stdin (tests, embedding)
        return io.BytesIO(sys.stdin.read().encode("utf-8"))
    return buffer  # type: ignore[no-any-return]


def _stdin_is_gzip() -> bool:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        return False
    peek = getattr(buffer, "peek", None)
    if peek is None:
        return False
    try:
        return bytes(peek(2)[:2]) == _GZIP_MAGIC
    except (OSError, ValueError):
        return False


@contextmanager
def open_lines(info: InputInfo) -> Iterator[IO[bytes]]:
    """A binary stream of the input's lines, decompressed when it is gzip."""
    if info.name == "-":
        raw: IO[bytes] = _stdin_binary()
        yield gzip.GzipFile(fileobj=raw, mode="rb") if info.gzipped else raw  # type: ignore[misc]
        return
    handle = open(info.name, "rb", buffering=1024 * 1024)  # noqa: SIM115 - closed below
    try:
        yield gzip.GzipFile(fileobj=handle, mode="rb") if info.gzipped else handle  # type: ignore[misc]
    finally:
        handle.close()


def _lines_guarded(stream: Iterable[bytes], name: str) -> Iterator[bytes]:
    """Lines of a (possibly gzip) stream; a corrupt or cut gzip member ends the stream with an InputError."""
    try:
        yield from stream
    except (gzip.BadGzipFile, EOFError, OSError, ValueError) as exc:
        raise InputError(f"{name}: the gzip data is damaged or cut short ({exc})",
                         hint="check the download; `gzip -t FILE` tells where it breaks") from None


def summarize(info: InputInfo, event_filter: EventFilter, *, jobs: int = 1) -> Aggregate:
    """The whole input, read to its end."""
    if jobs > 1 and info.regular and not info.gzipped and (info.size or 0) >= PARALLEL_MIN_BYTES \
            and _looks_like_ndjson(info.name):
        return _summarize_parallel(info, event_filter, jobs)
    agg = Aggregate(event_filter)
    with open_lines(info) as stream:
        agg.read(_lines_guarded(stream, info.name), file=info.name)
    return agg


def _looks_like_ndjson(name: str) -> bool:
    """The first non-blank line is a whole JSON object (a pretty tail log's first line is `{` alone)."""
    loads = json_loads()
    with open(name, "rb") as handle:
        for raw in handle:
            if raw.strip():
                try:
                    return isinstance(loads(raw), dict)
                except ValueError:
                    return False
    return False


def _chunk_bounds(size: int, chunks: int) -> list[tuple[int, int]]:
    step = max(1, size // chunks)
    bounds = []
    start = 0
    while start < size:
        end = size if size - start < 2 * step else start + step
        bounds.append((start, end))
        start = end
    return bounds


def _summarize_chunk(args: tuple[str, int, int, EventFilter]) -> Aggregate:
    """Lines whose first byte lies in [start, end): the line cut at `start` belongs to the chunk before."""
    name, start, end, event_filter = args
    agg = Aggregate(event_filter)
    with open(name, "rb") as handle:
        position = start
        if start:
            handle.seek(start - 1)
            if handle.read(1) != b"\n":
                position += len(handle.readline())
        agg.read(itertools.chain.from_iterable(_owned_batches(handle, position, end)), file=name)
    return agg


def _owned_batches(handle: IO[bytes], position: int, end: int) -> Iterator[list[bytes]]:
    """The lines from `position` that start before `end`, a megabyte of whole lines at a time."""
    while position < end:
        batch = handle.readlines(1024 * 1024)
        if not batch:
            return
        size = sum(map(len, batch))
        if position + size - len(batch[-1]) < end:     # the last line starts before `end`: all are ours
            position += size
            yield batch
            continue
        owned = 0
        while position < end:
            position += len(batch[owned])
            owned += 1
        yield batch[:owned]
        return


def _summarize_parallel(info: InputInfo, event_filter: EventFilter, jobs: int) -> Aggregate:
    import multiprocessing

    bounds = _chunk_bounds(info.size or 0, jobs * CHUNKS_PER_JOB)
    context = multiprocessing.get_context("fork")
    total = Aggregate(event_filter)
    offset = 0
    with context.Pool(processes=jobs) as pool:
        for part in pool.imap(_summarize_chunk, [(info.name, s, e, event_filter) for s, e in bounds]):
            total.merge(part, offset)
            offset += part.lines
    total.lines = offset
    return total


class LiveReader:
    """Feeds an Aggregate from a pipe or a followed file in a background thread.

    `snapshot(build)` calls `build(aggregate)` under the lock, so a view can be drawn at any moment;
    `done` is set at end of input (never for --follow, which waits for more until stopped).
    """

    def __init__(self, info: InputInfo, event_filter: EventFilter, *, follow: bool, poll: float = 0.25) -> None:
        self.info = info
        self.follow = follow
        self.poll = poll
        self.aggregate = Aggregate(event_filter)
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.stopping = threading.Event()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="mbv-logs-reader", daemon=True)

    def start(self) -> LiveReader:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()

    def wait(self, timeout: float) -> bool:
        """True once the input has ended (or the reader failed)."""
        return self.done.wait(timeout)

    def snapshot(self, build: Any) -> Any:
        with self.lock:
            return build(self.aggregate)

    def _run(self) -> None:
        try:
            with open_lines(self.info) as stream:
                lines: Iterable[bytes] = _lines_guarded(stream, self.info.name)
                if self.follow and self.info.name != "-":
                    lines = self._follow(stream)
                objects = ObjectStream(lines, file=self.info.name)
                agg = self.aggregate
                for line, obj in objects:
                    with self.lock:
                        agg.add(obj, line)
                        agg.garbage = objects.garbage
                        agg.lines = objects.line
                    if self.stopping.is_set():
                        break
                with self.lock:
                    agg.garbage = objects.garbage
                    agg.lines = objects.line
        except BaseException as exc:  # handed to the caller's thread, which reports it
            self.error = exc
        finally:
            self.done.set()

    def _follow(self, stream: IO[bytes]) -> Iterator[bytes]:
        """`tail -f`: lines as they are appended; a partial last line waits for its newline."""
        pending = b""
        while not self.stopping.is_set():
            chunk = stream.readline()
            if not chunk:
                time.sleep(self.poll)
                continue
            if not chunk.endswith(b"\n"):
                pending += chunk
                continue
            yield pending + chunk
            pending = b""


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def lines_of_text(text: str) -> io.BytesIO:
    """Tests and callers holding text: the same byte stream a file would give."""
    return io.BytesIO(text.encode("utf-8"))
