"""The env given whole to a function of another file: follow it there, or say who took it.

`usages.extract_env_facts` follows the env into functions of the same file and reports every other
call that takes it whole as an `EnvCall`. Here, for one Worker's scanned files: a call of a function
imported from a file of the Worker (`import { handle } from "./handlers"`) seeds that function's
parameter as the env, and the file is read again with that seed (and so on, through the files it
calls in turn). Every other call (a package such as `partyserver`, `app.fetch(req, env)`, a file
outside the Worker) is an escape: it may read any binding, which mbv cannot see.

`resolve_import` is the one seam for module resolution: the module graph's resolver (issue 11).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from mbv_cli.core.code.parsing import SkippedFile, SourceFile, parse_file
from mbv_cli.core.code.scan import FileFacts, WorkerCode
from mbv_cli.core.code.usages import EnvCall, Seed, extract_env_facts
from mbv_cli.core.graph.resolve import Resolver

# At most this many files are read again for seeds per Worker (each is one parse).
MAX_FOLLOWED_FILES = 200


def resolve_import(importer: Path, specifier: str, *, root: Path | None = None) -> Path | None:
    """The project file an import specifier names, resolved as the module graph resolves it (relative,
    tsconfig paths, `#` imports, workspace packages), or None (a package, a built-in, nothing)."""
    found = _resolver(root or importer.parent).resolve(importer, specifier)
    if found.path is None or found.third_party:
        return None
    return Path(found.path)


@functools.lru_cache(maxsize=64)
def _resolver(root: Path) -> Resolver:
    return Resolver(root)


def follow_env_calls(code: WorkerCode, parsed: Mapping[Path, SourceFile] | None = None
                     ) -> tuple[WorkerCode, list[tuple[Path, EnvCall]]]:
    """`code` with the reads of functions imported and given the env added, and the calls that escape.

    Each file of the result keeps only its escaping calls, so following again reads nothing again.
    `parsed` holds files already parsed (by path), which are not parsed a second time.
    """
    if not any(f.calls for f in code.files):
        return code, []
    index = {os.path.normpath(os.path.abspath(f.path)): i for i, f in enumerate(code.files)}
    files = list(code.files)
    seeds: dict[int, set[Seed]] = {}
    escapes: list[tuple[Path, EnvCall]] = []
    pending = [(i, call) for i, f in enumerate(files) for call in f.calls]
    handled: set[tuple[int, EnvCall]] = set()
    rounds = 0
    while pending and rounds < MAX_FOLLOWED_FILES:
        grown: set[int] = set()
        for i, call in pending:
            if (i, call) in handled:
                continue
            handled.add((i, call))
            target = _target(files[i].path, call, code.directory)
            j = index.get(os.path.normpath(os.path.abspath(target))) if target is not None else None
            if j is None:
                escapes.append((files[i].path, call))
                continue
            seed = Seed(call.imported if call.imported not in (None, "*") else "default", call.argument, call.strong)
            if (seed.name, seed.argument) in files[j].typed_params:
                continue  # `handle(req, env: Env)`: its reads are already known, nothing to read again
            if seed not in seeds.setdefault(j, set()):
                seeds[j].add(seed)
                grown.add(j)
        pending = []
        for j in sorted(grown):
            rounds += 1
            ordered = tuple(sorted(seeds[j], key=lambda s: (s.name, s.argument, s.strong)))
            facts = _rescan(files[j], ordered, (parsed or {}).get(files[j].path))
            if facts is None:
                continue
            files[j] = facts
            pending.extend((j, call) for call in facts.calls)
    escaping = set(escapes)
    files = [replace(f, calls=tuple(c for c in f.calls if (f.path, c) in escaping)) if f.calls else f for f in files]
    followed = WorkerCode(code.directory, files, list(code.skipped))
    return followed, sorted(escaping, key=lambda e: (str(e[0]), e[1].line, e[1].column))


def follow_facts(directory: Path, results: Iterable[FileFacts | SkippedFile],
                 parsed: Mapping[Path, SourceFile]) -> list[FileFacts | SkippedFile]:
    """`follow_env_calls` over scan results, with the files parsed in the same pass (`mbv doctor`)."""
    items = list(results)
    facts = [r for r in items if isinstance(r, FileFacts)]
    if not any(f.calls for f in facts):
        return items
    followed, _ = follow_env_calls(WorkerCode(directory, facts), parsed)
    by_path = {f.path: f for f in followed.files}
    return [by_path.get(r.path, r) if isinstance(r, FileFacts) else r for r in items]


def _target(importer: Path, call: EnvCall, root: Path) -> Path | None:
    if call.specifier is None or call.imported is None:
        return None
    return resolve_import(importer, call.specifier, root=root)


def _rescan(facts: FileFacts, seeds: tuple[Seed, ...], source: SourceFile | None) -> FileFacts | None:
    """The file read again with `seeds`; its usages and calls merged with what it had."""
    from mbv_cli.core.code.envdecl import extract_env_declarations

    if source is None:
        parsed = parse_file(facts.path)
        if not isinstance(parsed, SourceFile):
            return None
        source = parsed
    _, type_names = extract_env_declarations(source)
    usages, dynamic, calls, _ = extract_env_facts(source, extra_env_types=type_names, seeds=seeds)
    merged = sorted(set(facts.usages) | set(usages), key=lambda u: (u.line, u.column, u.name, u.strong))
    reads = sorted(set(facts.dynamic) | set(dynamic), key=lambda d: (d.line, d.column))  # `Object.entries(env)` there
    return replace(facts, usages=tuple(merged), dynamic=tuple(reads),
                   calls=tuple(sorted(set(facts.calls) | set(calls), key=lambda c: (c.line, c.column))))
