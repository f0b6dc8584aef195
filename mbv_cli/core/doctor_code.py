"""The doctor's pass over source code: each file read once, parsed at most once, shared by all.

For every Worker config (a "group": its environments share one directory of code) the pass
lists the source files, finds the Worker's module graph from `main` (`core.graph`), then
for each file: parses it when a code rule must look at it (it is in the graph) or when the
bindings diff needs it (`code.scan.may_mention_env`), runs every code rule on the tree and draws
the bindings facts (`code.scan.scan_source`) from the same tree. Groups run in a process pool
when there is enough code (as `mbv bindings diff` does); results are plain picklable data.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mbv_cli.core.code.parsing import (
    PARSE_COUNTER,
    SkippedFile,
    SourceFile,
    decode_source,
    iter_source_paths,
    parse_source,
    read_source_bytes,
)
from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.queries.extract import (
    DynamicSql,
    FileStatements,
    SqlStatement,
    extract_statements,
    may_hold_sql,
)
from mbv_cli.core.rules import CodeContext, Rule
from mbv_cli.core.rules.base import is_non_runtime
from mbv_cli.core.rules.syntax import forget_indexes

if TYPE_CHECKING:
    from mbv_cli.core.code.cache import FactsCache, FileEntry
    from mbv_cli.core.code.scan import FileFacts
    from mbv_cli.core.graph import GraphCache, WorkerGraph
    from mbv_cli.core.wrangler.environments import ResolvedWorker

POOL_MIN_BYTES = 1_500_000


def relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(slots=True)
class WorkerGroup:
    """One Worker config with its resolved environments, their module graphs and source files.

    `paths` are what the pass reads: the graphs' project files (anywhere on disk, workspace
    packages included) plus the `.d.ts` files of the Worker's directory (ambient declarations such
    as worker-configuration.d.ts, which TypeScript includes without an import). `directory_paths`
    are the source files of the Worker's directory, for the "not checked" note.
    """

    directory: Path
    workers: list[ResolvedWorker]
    paths: list[Path] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    graphs: list[WorkerGraph] = field(default_factory=list)
    _type_only: frozenset[Path] | None = field(default=None, repr=False)
    directory_paths: list[Path] = field(default_factory=list)

    @property
    def label(self) -> str:
        top = next((w for w in self.workers if w.env is None), self.workers[0])
        return top.name

    @property
    def has_code(self) -> bool:
        return any(g.has_code for g in self.graphs)

    def worker_paths(self) -> tuple[list[Path], bool]:
        """The source files of the Worker's module graphs (every env's `main`), and whether it has code."""
        files = sorted({p for g in self.graphs for p in g.project_files})
        return files, self.has_code

    def type_only_paths(self) -> frozenset[Path]:
        """Files every graph of the group reaches only through type-only imports (their reads are not the Worker's)."""
        if self._type_only is None:
            erased_by_graph = [(g, g.type_only_files) for g in self.graphs]
            bundled = {m.path for g, _ in erased_by_graph for m in g.modules.values() if not m.type_only}
            self._type_only = frozenset(p for _, erased in erased_by_graph for p in erased if p not in bundled)
        return self._type_only

    def notes(self) -> list[str]:
        """Why the Worker's code was not read (no main, main missing or in a build folder)."""
        if self.has_code:
            return []
        return list(dict.fromkeys(n for g in self.graphs if (n := g.note) is not None))

    def outside_graph(self) -> list[Path]:
        """Source files of the Worker's directory that are not in its module graph."""
        inside = set(self.worker_paths()[0])
        return [p for p in self.directory_paths
                if not p.name.endswith(".d.ts") and p not in inside and Path(os.path.realpath(p)) not in inside]


def collect_groups(workers: Sequence[ResolvedWorker], *, cache: GraphCache | None = None,
                   entries: dict[Path, str] | None = None, facts: FactsCache | None = None) -> list[WorkerGroup]:
    """Resolved workers grouped by config, each with its module graphs and files (nested Workers excluded)."""
    from mbv_cli.core.graph import GraphCache, build_graph

    cache = cache or GraphCache()
    if facts is not None:
        cache.facts = facts
    groups: dict[Path, WorkerGroup] = {}
    for worker in workers:
        key = worker.config.path.resolve()
        if key not in groups:
            groups[key] = WorkerGroup(worker.directory.resolve(), [])
        groups[key].workers.append(worker)
        groups[key].graphs.append(build_graph(worker, cache=cache, overrides=entries))
    directories = {g.directory for g in groups.values()}
    for group in groups.values():
        nested = [d for d in directories if d != group.directory and group.directory in d.parents]
        declarations: list[Path] = []
        for item in iter_source_paths(group.directory, nested):
            if isinstance(item, SkippedFile):
                group.skipped.append(item)
            else:
                group.directory_paths.append(item)
                if item.name.endswith(".d.ts"):
                    declarations.append(item)
        graph_files = group.worker_paths()[0]
        known = {Path(os.path.realpath(p)) for p in declarations}
        group.paths = declarations + [p for p in graph_files if p not in known]
    return list(groups.values())


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupJob:
    """What one group's pass needs; picklable (it may run in another process)."""

    directory: Path
    paths: tuple[Path, ...]
    checked: frozenset[Path]
    rules: tuple[Rule, ...]
    compatibility_flags: frozenset[str]
    numeric_vars: frozenset[str]
    scan_bindings: bool
    cached: dict[str, FileEntry] | None = None  # the facts cache's entries of these paths; None: no cache
    queries: bool = False  # extract the SQL statements sent to D1 (the doctor's queries area)


@dataclass(slots=True)
class GroupOutcome:
    findings: list[Finding] = field(default_factory=list)
    facts: list[FileFacts | SkippedFile] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    parsed: int = 0
    checked: int = 0
    statements: list[SqlStatement] = field(default_factory=list)
    dynamic_sql: list[DynamicSql] = field(default_factory=list)
    fresh: dict[str, FileEntry] = field(default_factory=dict)  # cache entries computed by this pass


def job_for(group: WorkerGroup, rules: Sequence[Rule], *, scan_bindings: bool,
            cache: FactsCache | None = None, queries: bool = False) -> GroupJob:
    from mbv_cli.core.rules.node_builtin_without_nodejs_compat import nodejs_compat_facts
    from mbv_cli.core.wrangler.wrangler_version import project_wrangler_version

    flag_sets = [set(w.compatibility_flags)
                 | nodejs_compat_facts(w.settings.get("compatibility_date"), w.compatibility_flags,
                                       project_wrangler_version(w.config.directory))
                 for w in group.workers]
    flags = set.intersection(*flag_sets) if flag_sets else set()
    numeric = {b.name for w in group.workers for b in w.bindings
               if b.kind == "var" and isinstance(b.entry.get("value"), int | float)
               and not isinstance(b.entry.get("value"), bool)}
    # code rules check what is bundled: a file reached only through `import type` is erased
    checked = frozenset(group.worker_paths()[0]) - group.type_only_paths() if rules or queries else frozenset()
    cached = None
    if cache is not None and cache.enabled:
        cached = {str(p): e for p in group.paths if (e := cache.entries.get(str(p))) is not None}
    return GroupJob(group.directory, tuple(group.paths), checked, tuple(rules), frozenset(flags),
                    frozenset(numeric), scan_bindings, cached, queries)


def share_files(jobs: Sequence[GroupJob]) -> list[GroupJob]:
    """The jobs with each file kept by the first job that reads it: a module several Workers import
    (a shared folder, a workspace package) is read, parsed and checked once. Its bindings facts are
    shared afterwards by path; its code findings come once, under the first Worker. A Worker whose
    code context differs (compatibility flags, numeric vars) checks the file again in its own."""
    contexts: dict[Path, set[tuple[frozenset[str], frozenset[str]]]] = {}
    shared: list[GroupJob] = []
    for job in jobs:
        context = (job.compatibility_flags, job.numeric_vars)
        mine: list[Path] = []
        for path in job.paths:
            seen = contexts.setdefault(path, set())
            if not seen or (context not in seen and path in job.checked):
                mine.append(path)
            seen.add(context)
        shared.append(dataclasses.replace(job, paths=tuple(mine), checked=job.checked & frozenset(mine)))
    return shared


def not_checked_note(outside: Sequence[tuple[Path, Path]]) -> str:
    """How many files of the Worker directories (directory, file) are outside the module graphs, per folder."""
    per_folder: dict[str, int] = {}
    for directory, path in outside:
        rel = os.path.relpath(path, directory).replace(os.sep, "/")
        folder = rel.split("/", 1)[0] + "/" if "/" in rel else "."
        per_folder[folder] = per_folder.get(folder, 0) + 1
    top = sorted(per_folder.items(), key=lambda kv: (-kv[1], kv[0]))
    listing = ", ".join(f"{folder} {count}" for folder, count in top[:6]) + (", ..." if len(top) > 6 else "")
    return (f"{len(outside)} source file(s) in the Worker directories are not imported from a Worker's main "
            f"and were not checked by code rules ({listing})")


def check_group(job: GroupJob) -> GroupOutcome:
    """Read, parse (at most once) and check every file of one group.

    A file is parsed when the bindings diff needs it, when a code rule's cheap text test passes,
    or when it may declare an async function (the context MBV111 needs); a file that no rule
    could flag is checked by those tests alone. With the facts cache, a file whose content is
    unchanged is not parsed at all: its bindings facts, async functions and (for the same Worker
    context) code findings come from the cache.
    """
    from mbv_cli.core.code.cache import FileEntry, content_digest

    outcome = GroupOutcome()
    before = PARSE_COUNTER["count"]
    checked: list[tuple[Path, str | None, SourceFile | None, FileEntry | None]] = []
    async_names: set[str] = set()
    trees: dict[Path, SourceFile] = {}  # parsed in this pass: the env followed across files reuses them
    for path in job.paths:
        check = path in job.checked and not path.name.endswith(".d.ts")
        data = read_source_bytes(path)  # broken links and loops get their own notes
        if isinstance(data, SkippedFile):
            outcome.skipped.append(data)
            if job.scan_bindings:
                outcome.facts.append(data)
            continue
        entry: FileEntry | None = None
        if job.cached is not None:
            digest = content_digest(data)
            entry = job.cached.get(str(path))
            if entry is None or entry.digest != digest:
                entry = outcome.fresh[str(path)] = FileEntry(digest)
        fact: FileFacts | SkippedFile | None
        source: SourceFile | None = None
        text: str | None = None
        if entry is not None and entry.async_names is not None and (entry.facts is not None or not job.scan_bindings):
            fact = entry.facts
        else:
            fact, source, text = _one_file(path, data, job.scan_bindings, lambda t: _wanted(job.rules, t))
            if entry is not None:  # what a file says depends on its bytes alone
                entry.facts = fact
                entry.async_names = frozenset(_async_names(source)) if source is not None else frozenset()
                outcome.fresh[str(path)] = entry
        if entry is not None and entry.async_names is not None:
            async_names |= entry.async_names
        elif source is not None:
            async_names |= _async_names(source)
        if isinstance(fact, SkippedFile):
            outcome.skipped.append(fact)
        if job.scan_bindings and fact is not None:
            outcome.facts.append(fact)
        if source is not None:
            trees[path] = source
        if check and not isinstance(fact, SkippedFile):
            checked.append((path, text, source, entry))
    if job.scan_bindings:  # the env given to a function of another file: read there with the trees at hand
        from mbv_cli.core.code.envflow import follow_facts

        outcome.facts = follow_facts(job.directory, outcome.facts, trees)
        trees.clear()
    ctx = CodeContext(compatibility_flags=job.compatibility_flags, numeric_vars=job.numeric_vars,
                      async_functions=frozenset(n for n in async_names if not n.startswith("this.")))
    context_key = repr((sorted(ctx.compatibility_flags), sorted(ctx.numeric_vars), sorted(ctx.async_functions),
                        [r.code for r in job.rules]))
    for path, text, source, entry in checked:
        if job.queries:
            text, source = _collect_statements(outcome, path, text, source, entry)
        if entry is not None and context_key in entry.findings:
            outcome.checked += 1
            outcome.findings.extend(entry.findings[context_key])
            continue
        if text is None:
            raw = read_source_bytes(path)
            decoded = decode_source(path, raw) if isinstance(raw, bytes) else None
            if not isinstance(decoded, str):
                continue
            text = decoded
            if _wanted(job.rules, text):
                parsed = _parse(path, text)
                source = parsed if isinstance(parsed, SourceFile) else None
        outcome.checked += 1
        if source is None and any(r.needs_async_names and r.applies_with(ctx, text) for r in job.rules):
            parsed = _parse(path, text)
            source = parsed if isinstance(parsed, SourceFile) else None
        found: list[Finding] = []
        if source is not None:
            rel = relative(source.path, job.directory)
            found = run_code_rules(source, job.rules, ctx, rel)
        outcome.findings.extend(found)
        if entry is not None:
            entry.findings = {context_key: tuple(found)}
            outcome.fresh[str(path)] = entry
    outcome.parsed = PARSE_COUNTER["count"] - before
    forget_indexes()
    return outcome


def _collect_statements(outcome: GroupOutcome, path: Path, text: str | None, source: SourceFile | None,
                        entry: FileEntry | None) -> tuple[str | None, SourceFile | None]:
    """The SQL statements a checked file sends to D1 (from the cache when its bytes are unchanged);
    parses the file only when it may hold SQL. Returns the text and tree it read, for the rules."""
    if path.name.endswith(".d.ts"):
        return text, source
    if entry is not None and entry.statements is not None:
        found: FileStatements = entry.statements
    else:
        if source is None and text is None:
            raw = read_source_bytes(path)
            decoded = decode_source(path, raw) if isinstance(raw, bytes) else None
            text = decoded if isinstance(decoded, str) else None
        if source is None and text is not None and may_hold_sql(text):
            parsed = _parse(path, text)
            source = parsed if isinstance(parsed, SourceFile) else None
        found = extract_statements(source) if source is not None else FileStatements([], [])
        if entry is not None:
            entry.statements = found
            outcome.fresh[str(path)] = entry
    outcome.statements.extend(found.statements)
    outcome.dynamic_sql.extend(found.dynamic)
    return text, source


def _async_names(source: SourceFile) -> set[str]:
    from mbv_cli.core.rules.floating_promise import declared_async_functions

    return declared_async_functions(source) if "async" in source.text else set()


def _wanted(rules: Sequence[Rule], text: str) -> bool:
    lowered = text.lower()
    return "async" in text or any(not r.needs_async_names and r.applies_to(lowered, text) for r in rules)


def _parse(path: Path, text: str) -> SourceFile | SkippedFile:
    try:
        return parse_source(path, text.encode("utf-8"), text)
    except RecursionError:
        return SkippedFile(path, "nested too deeply to analyse")


def _one_file(path: Path, data: bytes, scan_bindings: bool, wanted: Callable[[str], bool]
              ) -> tuple[FileFacts | SkippedFile | None, SourceFile | None, str | None]:
    """(bindings facts, parsed file if it was worth parsing, text) of one file read; never raises."""
    from mbv_cli.core.code.scan import FileFacts, may_mention_env, scan_source

    text = decode_source(path, data)
    if isinstance(text, SkippedFile):
        return text, None, None
    mentions = scan_bindings and may_mention_env(data)
    if not mentions and not wanted(text):
        return (FileFacts(path, parsed=False) if scan_bindings else None), None, text
    try:
        parsed = parse_source(path, data, text)
        if isinstance(parsed, SkippedFile):
            return parsed, None, None
        fact: FileFacts | None = None
        if mentions:
            fact = scan_source(parsed)
        elif scan_bindings:
            fact = FileFacts(path, parsed=False)
        return fact, parsed, text
    except RecursionError:
        return SkippedFile(path, "nested too deeply to analyse"), None, None


def run_groups(jobs: Sequence[GroupJob], *, processes: int | None = None,
               on_done: Callable[[int, GroupOutcome], None] | None = None) -> list[GroupOutcome]:
    """Every group's pass, in a process pool when there is enough code to make it worth it.

    `on_done(index, outcome)` is called as each group's outcome arrives (in order), for progress."""
    processes = max(1, min(os.cpu_count() or 1, 8)) if processes is None else max(1, processes)

    def collect(outcomes: Iterable[GroupOutcome]) -> list[GroupOutcome]:
        done = []
        for index, outcome in enumerate(outcomes):
            done.append(outcome)
            if on_done is not None:
                on_done(index, outcome)
        return done

    if processes > 1 and len(jobs) > 1 and _total_bytes(jobs) >= POOL_MIN_BYTES:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        try:
            with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context(method)) as pool:
                return collect(pool.map(check_group, jobs))
        except (OSError, RuntimeError):  # no processes allowed here: do the work in this one
            pass
    return collect(check_group(job) for job in jobs)


def _total_bytes(jobs: Iterable[GroupJob]) -> int:
    """Bytes the jobs will parse: files with a cache entry count as nothing (most are unchanged)."""
    total = 0
    for job in jobs:
        for path in job.paths:
            if job.cached is not None and str(path) in job.cached:
                continue
            try:
                total += path.stat().st_size
            except OSError:
                continue
            if total >= POOL_MIN_BYTES:
                return total
    return total


# ---------------------------------------------------------------------------------------------


def code_context(sources: Sequence[SourceFile], flags: frozenset[str], numeric: frozenset[str]) -> CodeContext:
    from mbv_cli.core.rules.floating_promise import declared_async_functions

    async_functions: set[str] = set()
    for source in sources:
        if "async" in source.text:
            async_functions |= {n for n in declared_async_functions(source) if not n.startswith("this.")}
    return CodeContext(compatibility_flags=flags, async_functions=frozenset(async_functions), numeric_vars=numeric)


def run_code_rules(source: SourceFile, rules: Sequence[Rule], ctx: CodeContext, relative_path: str) -> list[Finding]:
    """Every code rule on one parsed file; a rule that raises becomes an MBV000 finding."""
    if source.path.name.endswith(".d.ts") or source.is_generated_types:
        return []  # declarations only; generated types are the bindings diff's business
    test_file = is_non_runtime(relative_path, source.text)  # tests, helpers, benches, "use client"
    lowered = source.text.lower()
    found: list[Finding] = []
    for rule in rules:
        if rule.check_code is None or (rule.skip_test_files and test_file):
            continue
        if not rule.applies_to(lowered, source.text) or not rule.applies_with(ctx, source.text):
            continue
        try:
            found.extend(rule.check_code(source, ctx))
        except Exception as exc:  # a rule bug must not stop the run
            found.append(Finding(
                code="MBV000", severity=Severity.WARNING,
                message=f"rule {rule.code} ({rule.name}) crashed on this file: {type(exc).__name__}: {exc}",
                hint="this is a bug in mbv; please report it with the file if you can",
                file=str(source.path), line=1, column=1,
            ))
    return found
