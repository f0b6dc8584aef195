"""The binding facts of a Worker's source files: usages, env declarations, generated types.

`scan_source` draws the facts from an already-parsed `SourceFile` (so `mbv doctor` can parse each
file once and share it); `scan_directory` walks a Worker directory, reads and parses each file and
draws the facts, in a process pool when there is enough to do. Files that cannot be analysed are
`SkippedFile`s with a reason; a file with syntax errors is analysed as far as it goes and noted.
A file that mentions neither `env`, `Env`, `Bindings` nor a handler name cannot hold a binding
usage or an env declaration, so it is not parsed at all (a byte search, far cheaper than parsing).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mbv_cli.core.code import envdecl as envdecl_module
from mbv_cli.core.code import usages as usages_module
from mbv_cli.core.code.envdecl import (
    EnvDeclaration,
    GeneratedTypes,
    extract_env_declarations,
    extract_exported_shapes,
    extract_zod_schemas,
    read_generated_types,
    resolve_schemas,
)
from mbv_cli.core.code.parsing import (
    SkippedFile,
    SourceFile,
    decode_source,
    iter_source_paths,
    parse_source,
    read_source_bytes,
)
from mbv_cli.core.code.usages import DynamicAccess, EnvCall, Usage, extract_env_facts, run_query
from mbv_cli.core.wrangler.secretdocs import source_comment_secrets

if TYPE_CHECKING:
    from tree_sitter import Query

_HANDLER_NAME = re.compile(rb"(?:fetch|queue|scheduled|email|tail|trace)\s*[:(]")


def may_mention_env(data: bytes) -> bool:
    """False only when the file cannot hold a usage or env declaration (byte searches, no parsing)."""
    return b"env" in data or b"Env" in data or b"Bindings" in data or _HANDLER_NAME.search(data) is not None
# Below this much source, a process pool costs more than it saves.
POOL_MIN_BYTES = 1_500_000
PROGRESS_CHUNK = 50  # files parsed between two progress reports


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What one source file says about the env. Picklable: it crosses process boundaries."""

    path: Path
    usages: tuple[Usage, ...] = ()
    dynamic: tuple[DynamicAccess, ...] = ()
    declarations: tuple[EnvDeclaration, ...] = ()
    generated: GeneratedTypes | None = None
    syntax_error: tuple[int, int] | None = None
    parsed: bool = True
    calls: tuple[EnvCall, ...] = ()  # the env given whole to something not of this file
    typed_params: frozenset[tuple[str, int]] = frozenset()  # (function, parameter index) typed as the env
    schemas: tuple[EnvDeclaration, ...] = ()  # `const S = z.object({...})`: an Env may be `z.infer<typeof S>`
    shapes: tuple[EnvDeclaration, ...] = ()  # exported object types: an env type if another file says so
    env_refs: frozenset[str] = frozenset()  # env types this file names (a handler's `env: T`) but does not declare
    comment_secrets: tuple[str, ...] = ()  # names a comment lists as secrets (`// Secrets: A, B`)


def types_only(facts: FileFacts) -> FileFacts:
    """A file the Worker imports only for its types (`import type`): its declarations count, its env reads do not
    (the bundler erases it)."""
    return replace(facts, usages=(), dynamic=(), calls=(), typed_params=frozenset())


@dataclass(slots=True)
class WorkerCode:
    """The facts of every source file of one Worker directory, and the files that were skipped."""

    directory: Path
    files: list[FileFacts] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)

    @property
    def usages(self) -> list[tuple[Path, Usage]]:
        return [(f.path, u) for f in self.files for u in f.usages if u.form != "assigned"]

    @property
    def assigned(self) -> frozenset[str]:
        """Names the Worker's code sets on the env itself (`env.HYPERDRIVE = { connectionString }`)."""
        return frozenset(u.name for f in self.files for u in f.usages if u.form == "assigned" and u.strong)

    @property
    def dynamic(self) -> list[tuple[Path, DynamicAccess]]:
        return [(f.path, d) for f in self.files for d in f.dynamic]

    @property
    def calls(self) -> list[tuple[Path, EnvCall]]:
        return [(f.path, c) for f in self.files for c in f.calls]

    @property
    def declarations(self) -> list[tuple[Path, EnvDeclaration]]:
        """Hand-written Env declarations; one inferred from a zod schema of another file gets its keys
        (one whose schema is in none of the Worker's files is `computed`)."""
        found = [(f.path, d) for f in self.files if f.generated is None for d in f.declarations]
        refs = {r for f in self.files for r in f.env_refs}
        if refs:  # `fetch(request, env: Environment)` with `export interface Environment` in another file
            known = {d.name for _, d in found}
            found += [(f.path, s) for f in self.files for s in f.shapes if s.name in refs and s.name not in known]
        if not any(d.schemas for _, d in found):
            return found
        schemas = {s.name: s for f in self.files for s in f.schemas}
        return [(path, resolve_schemas(d, schemas)) for path, d in found]

    @property
    def generated(self) -> list[tuple[Path, GeneratedTypes]]:
        return [(f.path, f.generated) for f in self.files if f.generated is not None]


def _first_error(source: SourceFile) -> tuple[int, int]:
    from tree_sitter import Query, QueryCursor

    query = Query(source.tree.language, "(ERROR) @e (MISSING) @m")
    nodes = [n for ns in QueryCursor(query).captures(source.root).values() for n in ns]
    if not nodes:
        return 1, 1
    first = min(nodes, key=lambda n: n.start_byte)
    return source.position(first)


@functools.lru_cache(maxsize=2)
def _combined_query(language: Any) -> Query:
    from tree_sitter import Query

    return Query(language, usages_module.PATTERNS + envdecl_module.PATTERNS)


def scan_source(source: SourceFile) -> FileFacts:
    """The facts of one parsed file (one query walks the tree for usages and declarations)."""
    generated = read_generated_types(source) if source.is_generated_types else None
    if generated is not None:
        return FileFacts(source.path, generated=generated)
    matches = run_query(source, _combined_query(source.tree.language))
    declarations, type_names = extract_env_declarations(source, matches)
    usages, dynamic, calls, typed = extract_env_facts(source, extra_env_types=type_names, matches=matches)
    error = _first_error(source) if source.has_errors else None
    declared = frozenset(d.name for d in declarations)
    return FileFacts(source.path, tuple(usages), tuple(dynamic), tuple(declarations), None, error,
                     calls=tuple(calls), typed_params=typed, schemas=extract_zod_schemas(source, matches),
                     shapes=extract_exported_shapes(source, matches, declared), env_refs=type_names - declared,
                     comment_secrets=source_comment_secrets(source.data))


def scan_path(path: Path) -> FileFacts | SkippedFile:
    """Read, pre-filter, parse and scan one file; never raises for a bad file."""
    data = read_source_bytes(path)
    if isinstance(data, SkippedFile):
        return data
    text = decode_source(path, data)
    if isinstance(text, SkippedFile):
        return text
    if not may_mention_env(data):
        return FileFacts(path, parsed=False)
    try:
        parsed = parse_source(path, data, text)
        if isinstance(parsed, SkippedFile):
            return parsed
        return scan_source(parsed)
    except RecursionError:
        return SkippedFile(path, "nested too deeply to analyse")


def _scan_chunk(paths: list[Path]) -> list[FileFacts | SkippedFile]:
    return [scan_path(p) for p in paths]


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def scan_paths(paths: list[Path], *, jobs: int | None = None,
               progress: Callable[[int, int], None] | None = None) -> list[FileFacts | SkippedFile]:
    """Scan files, in `jobs` processes when the total size makes that worth it; order is kept.

    `progress(done, total)` hears how many files are parsed so far (for a terminal)."""
    jobs = default_jobs() if jobs is None else max(1, jobs)
    if jobs > 1 and len(paths) > 1:
        total = 0
        for p in paths:
            try:
                total += p.stat().st_size
            except OSError:
                continue
            if total >= POOL_MIN_BYTES:
                break
        if total >= POOL_MIN_BYTES:
            return _scan_in_pool(paths, jobs, progress)
    if progress is None:
        return _scan_chunk(paths)
    done: list[FileFacts | SkippedFile] = []
    for start in range(0, len(paths), PROGRESS_CHUNK):
        done.extend(_scan_chunk(paths[start: start + PROGRESS_CHUNK]))
        progress(len(done), len(paths))
    return done


def _scan_in_pool(paths: list[Path], jobs: int,
                  progress: Callable[[int, int], None] | None = None) -> list[FileFacts | SkippedFile]:
    import multiprocessing

    from mbv_cli.core.code.parsing import _parser

    for dialect in ("typescript", "tsx"):  # build once here; forked workers inherit them
        _combined_query(_parser(dialect).language)
    size = max(8, len(paths) // (jobs * 4))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            results: list[FileFacts | SkippedFile] = []
            for chunk in pool.map(_scan_chunk, chunks):
                results.extend(chunk)
                if progress is not None:
                    progress(len(results), len(paths))
            return results
    except (OSError, RuntimeError):  # no processes allowed here: do the work in this one
        return _scan_chunk(paths)


def collect_paths(directory: Path, exclude: Collection[Path] = ()) -> tuple[list[Path], list[SkippedFile]]:
    paths: list[Path] = []
    skipped: list[SkippedFile] = []
    for item in iter_source_paths(directory, exclude):
        if isinstance(item, SkippedFile):
            skipped.append(item)
        else:
            paths.append(item)
    return paths, skipped


def code_from_results(directory: Path, results: Iterable[FileFacts | SkippedFile],
                      skipped: Iterable[SkippedFile] = ()) -> WorkerCode:
    code = WorkerCode(directory, skipped=list(skipped))
    for item in results:
        if isinstance(item, SkippedFile):
            code.skipped.append(item)
        else:
            code.files.append(item)
    return code


def scan_directory(directory: Path, *, exclude: Collection[Path] = (), jobs: int | None = None) -> WorkerCode:
    """Walk, parse and scan every source file of a Worker directory."""
    paths, skipped = collect_paths(directory, exclude)
    return code_from_results(directory, scan_paths(paths, jobs=jobs), skipped)


def code_from_sources(directory: Path, sources: Iterable[SourceFile | SkippedFile]) -> WorkerCode:
    """The facts of files parsed elsewhere (e.g. by `mbv doctor`), without parsing them again."""
    results: list[FileFacts | SkippedFile] = []
    for source in sources:
        results.append(source if isinstance(source, SkippedFile) else scan_source(source))
    return code_from_results(directory, results)
