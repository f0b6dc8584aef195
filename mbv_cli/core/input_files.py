"""Reading a file or stdin the user named, with a size cap, refusing what is not a regular file.

Every reader of user input goes through here (`--secret-file`, `--public-key`, `--jwks`, `-c`,
replay sources, `@file` bodies, `.http` `< file`, `-`, migration files), so `/dev/zero` stops at the
cap instead of filling memory, and a FIFO or device is refused before it is opened: `os.stat` first
(no open, so a FIFO without a writer cannot hang us), then an `O_NONBLOCK` open and `fstat` on the
descriptor (the path may have been swapped in between). Errors are one `InputError` line (exit 2).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

MB = 1024 * 1024
DEFAULT_LIMIT = 64 * MB

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _size_text(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB and limit % MB == 0 else f"{limit} bytes"


def file_kind(mode: int) -> str | None:
    """What a non-regular, non-directory file is ("a named pipe (FIFO)"), or None for a regular file."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def os_error_text(exc: OSError) -> str:
    """A short, stable reason for an OSError (no errno numbers, no repeated path)."""
    if exc.errno == errno.ELOOP:
        return "a symlink loop"
    if exc.errno == errno.ENOENT:
        return "no such file"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EISDIR:
        return "a directory"
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long"
    return exc.strerror or type(exc).__name__


def _error(message: str, path: Path | str, hint: str | None = None) -> Exception:
    from mbv_cli.core.errors import InputError

    return InputError(message, file=str(path), hint=hint)


def check_regular_file(path: Path | str, *, what: str = "file") -> os.stat_result:
    """The file's stat when it is a regular file; an InputError naming what it is otherwise."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise _error(f"cannot read {what}: {os_error_text(exc)}", path) from None
    if stat.S_ISDIR(st.st_mode):
        raise _error(f"{what} is a directory, not a file", path)
    kind = file_kind(st.st_mode)
    if kind is not None:
        raise _error(f"{what} is {kind}, not a regular file", path,
                     hint="mbv reads regular files only (pipe the data into '-' where stdin is accepted)")
    return st


def read_file_bytes(path: Path | str, *, what: str = "file", limit: int = DEFAULT_LIMIT) -> bytes:
    """The whole file, refusing anything but a regular file and anything over `limit` bytes."""
    check_regular_file(path, what=what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _error(f"cannot read {what}: {os_error_text(exc)}", path) from None
    try:
        kind = file_kind(os.fstat(fd).st_mode)
        if kind is not None:  # swapped for something else since the stat
            raise _error(f"{what} is {kind}, not a regular file", path)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise _error(f"cannot read {what}: {os_error_text(exc)}", path) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise _error(f"{what} is larger than {_size_text(limit)}, more than mbv reads", path,
                     hint="is it the right file?")
    return data


def read_file_text(path: Path | str, *, what: str = "file", limit: int = DEFAULT_LIMIT,
                   encoding: str = "utf-8-sig") -> str:
    """`read_file_bytes` decoded (BOM dropped by default); a decoding error names line and column."""
    data = read_file_bytes(path, what=what, limit=limit)
    return decode_text(data, path, what=what, encoding=encoding)


def decode_text(data: bytes, where: Path | str, *, what: str = "file", encoding: str = "utf-8-sig") -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        from mbv_cli.core.errors import InputError

        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(f"{what} is not UTF-8 text (byte 0x{data[exc.start]:02x})", file=str(where), line=line,
                         column=column, hint="save it as UTF-8") from None


def read_stdin_bytes(*, what: str = "stdin", limit: int = DEFAULT_LIMIT) -> bytes:
    """Standard input up to `limit` bytes (`< /dev/zero` stops there with an error)."""
    stream = getattr(sys.stdin, "buffer", None)
    try:
        if stream is not None:
            data: bytes = stream.read(limit + 1)
        else:  # a text stream (tests replace sys.stdin with StringIO)
            data = sys.stdin.read(limit + 1).encode("utf-8", "surrogateescape")
    except OSError as exc:
        raise _error(f"cannot read {what}: {os_error_text(exc)}", "<stdin>") from None
    if len(data) > limit:
        raise _error(f"{what} is larger than {_size_text(limit)}, more than mbv reads", "<stdin>")
    return data


def read_stdin_text(*, what: str = "stdin", limit: int = DEFAULT_LIMIT) -> str:
    return decode_text(read_stdin_bytes(what=what, limit=limit), "<stdin>", what=what)
