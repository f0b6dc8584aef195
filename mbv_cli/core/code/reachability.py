"""Whether a read sits in code the Worker never runs: a top-level function or variable that nothing names.

A shared file is bundled when the Worker imports one name from it, but only the functions the Worker reaches run.
An env read inside `export function accountsAuthMiddleware()` of `packages/shared/src/session.ts` is not the
accounts Worker's when none of that Worker's files names `accountsAuthMiddleware` (review T: backend-cf).

Read from the text, without parsing again (the scan already parsed each file once): a top-level declaration
starts at column 0 and the code inside it is indented, as every formatter writes it. Deliberately cautious, so
that it only drops a finding it can show is about dead code:
- classes (Durable Objects, entrypoints), default exports, destructuring and plain statements are always live,
  and so is anything that does not look formatted that way (a read at column 0, a minified line);
- so are names a runtime or framework calls by convention (`onRequestGet`, `loader`, `GET`, `fetch`, ...);
- any mention of the name on a line that is not a comment counts (strings too): a code line of its own file
  outside the declaration, or of another file of the Worker, unless that file declares its own `name` or imports
  `name` from a relative path naming another file that does not re-export it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# exports a runtime or framework calls by their name, never named by the app's own code
_CONVENTION = re.compile(
    rb"^(?:onRequest\w*|fetch|scheduled|queue|email|tail|trace|alarm|test|loader|action|clientLoader|clientAction|"
    rb"meta|links|headers|handle|handleError|load|prerender|config|middleware|getStaticProps|getServerSideProps|"
    rb"generateMetadata|generateStaticParams|GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|ALL|Route)$")
_DECLARATION = re.compile(
    rb"^(export[ \t]+)?(?:(?:async[ \t]+)?function[ \t]*\*?[ \t]*|(?:const|let|var)[ \t]+)([A-Za-z_$][\w$]*)(?![\w$])")
_COMMENT_LINE = re.compile(rb"^[ \t]*(?://|/\*|\*)")
_CLOSER = (b"}", b")", b"]")
_PURE_CLOSER = re.compile(rb"^[\]\)}]+[ \t]*[;,]?[ \t]*(?://.*)?\r?$")


def _top_level_start(lines: list[bytes], row: int) -> int | None:
    """The line where the top-level statement holding the indented line `row` starts (None: not that layout)."""
    line = lines[row]
    if not line[:1].isspace():
        return None
    for index in range(row - 1, -1, -1):
        above = lines[index]
        if not above.strip() or above[:1].isspace() or _COMMENT_LINE.match(above):
            continue
        if above.startswith(_CLOSER):
            if _PURE_CLOSER.match(above):
                return None  # the end of the statement before: `row` is not inside a declaration's body
            continue  # `): Deps {` of a signature written over several lines
        return index
    return None


def _statement_end(lines: list[bytes], start: int, row: int) -> int:
    """The first line after `row` that starts another top-level statement (or the end of the file)."""
    for index in range(row + 1, len(lines)):
        below = lines[index]
        if below.strip() and not below[:1].isspace() and not below.startswith(_CLOSER) \
                and not _COMMENT_LINE.match(below):
            return index
    return len(lines)


def _mentioned(data: bytes, name: bytes) -> bool:
    return name in data and re.search(rb"(?<![\w$])" + re.escape(name) + rb"(?![\w$])", data) is not None


def _in_code(data: bytes, name: bytes) -> bool:
    """Whether `name` is mentioned on a line that is not a comment line (`//`, `/*`, ` * `)."""
    if not _mentioned(data, name):
        return False
    return any(_mentioned(line, name) and not _COMMENT_LINE.match(line) for line in data.split(b"\n"))


_IMPORT = re.compile(rb"\bimport\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?\{([^}]*)\}\s*from\s*[\"']([^\"']+)[\"']")
_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")


def _declares(data: bytes, name: bytes) -> bool:
    """Whether a file declares its own top-level `name` (then its mentions are of that one)."""
    return re.search(rb"(?m)^(?:export[ \t]+)?(?:(?:async[ \t]+)?function[ \t]*\*?[ \t]*|(?:const|let|var|class)[ \t]+)"
                     + re.escape(name) + rb"(?![\w$])", data) is not None


def _relative_target(importer: Path, specifier: str) -> Path | None:
    """The file or folder a relative specifier names (`./adapters.js` -> adapters.ts), None if none exists."""
    base = importer.parent / specifier
    stem, suffix = base.with_suffix(""), base.suffix
    candidates = [base] if suffix in _SUFFIXES else []
    trunk = stem if suffix in _SUFFIXES else base
    candidates += [trunk.with_name(trunk.name + s) for s in _SUFFIXES]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    return base.resolve() if base.is_dir() else None


@dataclass
class DeadCode:
    """Answers "is this read in code nothing runs?" for the files of one Worker, reading each file once."""

    files: Iterable[Path]
    _data: dict[Path, bytes | None] = field(default_factory=dict)
    _answers: dict[tuple[Path, int], bool] = field(default_factory=dict)
    _declarations: dict[tuple[Path, int], bool] = field(default_factory=dict)
    _lines: dict[Path, list[bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.files = tuple(self.files)

    def _bytes(self, path: Path) -> bytes | None:
        if path not in self._data:
            from mbv_cli.core.code.parsing import read_source_bytes

            data = read_source_bytes(path)
            self._data[path] = data if isinstance(data, bytes) else None
        return self._data[path]

    def is_dead(self, path: Path, line: int) -> bool:
        """Whether line `line` (1-based) of `path` is inside a top-level function or variable that no code of
        the Worker names."""
        key = (path, line)
        if key not in self._answers:
            self._answers[key] = self._dead(path, line - 1)
        return self._answers[key]

    def _dead(self, path: Path, row: int) -> bool:
        data = self._bytes(path)
        if data is None:
            return False
        lines = self._lines.get(path)
        if lines is None:
            lines = self._lines[path] = data.split(b"\n")
        if not 0 <= row < len(lines) or len(lines[row]) > 2000:
            return False
        start = _top_level_start(lines, row)
        declared = _DECLARATION.match(lines[start]) if start is not None else None
        if start is None or declared is None or _CONVENTION.match(declared.group(2)):
            return False
        known = self._declarations.get((path, start))
        if known is not None:  # another read in the same declaration: the same answer
            return known
        self._declarations[(path, start)] = answer = self._unnamed(path, data, lines, start, row, declared)
        return answer

    def _unnamed(self, path: Path, data: bytes, lines: list[bytes], start: int, row: int,
                 declared: re.Match[bytes]) -> bool:
        """Whether the declaration starting at line `start` is named nowhere else in the Worker's code."""
        name = declared.group(2)
        end = _statement_end(lines, start, row)
        if _in_code(b"\n".join(lines[:start]), name) or _in_code(b"\n".join(lines[end:]), name):
            return False  # called (or named) elsewhere in its own file
        if declared.group(1) is None:
            return True  # not exported, and its own file never names it
        for other_path in self.files:
            if other_path == path or other_path.name.endswith(".d.ts"):
                continue
            text = self._bytes(other_path)
            if text is not None and _in_code(text, name) and self._refers_to(other_path, text, name, path):
                return False
        return True

    def _refers_to(self, importer: Path, data: bytes, name: bytes, target: Path) -> bool:
        """Whether the mentions of `name` in `importer` may be of the declaration in `target`: not when the file
        declares its own, or imports `name` only from relative paths naming other files that do not re-export it
        (two apps of one monorepo each with a `resolveDeps`: review V, betterapi), or never imports it (a parameter
        of that name) and reaches no `ns.name` nor a destructured require/import(). Unsure means yes."""
        specifiers = [spec.decode("utf-8", errors="replace") for clause, spec in _IMPORT.findall(data)
                      if _mentioned(clause, name)]
        if not specifiers:  # not imported by name: only a namespace (`ns.name`) or a require/import() can reach it
            escaped = re.escape(name)
            return not _declares(data, name) and (
                re.search(rb"[\w$)\]]\s*\??\.\s*" + escaped + rb"(?![\w$])", data) is not None
                or re.search(rb"\{[^}]*(?<![\w$])" + escaped + rb"(?![\w$])[^}]*\}\s*=\s*(?:await\s+)?(?:require|import)\s*\(",
                             data) is not None)
        wanted = target.resolve()
        for specifier in specifiers:
            if not specifier.startswith("."):
                return True  # a package or an alias: maybe a barrel that re-exports it
            found = _relative_target(importer, specifier)
            if found is None or found == wanted or found.is_dir():
                return True
            text = self._bytes(found)
            if text is None or re.search(rb"\bexport\s*\*\s*from", text) or (
                    re.search(rb"\bexport\s*\{[^}]*(?<![\w$])" + re.escape(name) + rb"(?![\w$])[^}]*\}\s*from", text)):
                return True  # a file that re-exports it
        return False
