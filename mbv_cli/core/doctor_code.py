"""The doctor's pass over source code: each file read once, parsed at most once, shared by all.

For every Worker config (a "group": its environments share one directory of code) the pass
lists the source files, finds the Worker's module graph from `main` (`code.reachability`), then
for each file: parses it when a code rule must look at it (it is in the graph) or when the
bindings diff needs it (`code.scan.may_mention_env`), runs every code rule on the tree and draws
the bindings facts (`code.scan.scan_source`) from the same tree. Groups run in a process pool
when there is enough code (as `mbv bindings diff` does); results are plain picklable data.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mbv_cli.core.code.parsing import (
    MAX_SOURCE_BYTES,
    PARSE_COUNTER,
    SkippedFile,
    SourceFile,
    decode_source,
    iter_source_paths,
    parse_source,
    read_source_bytes,
)
from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.rules import CodeContext, Rule, is_test_path
from mbv_cli.core.rules.syntax import forget_indexes

if TYPE_CHECKING:
    from mbv_cli.core.code.scan import FileFacts
    from mbv_cli.core.wrangler.environments import ResolvedWorker

NON_WORKER_PATH = re.compile(r"(^|/)(public|static|scripts|assets)/|(^|/)[^/]*\.config\.[cm]?[jt]s$")
POOL_MIN_BYTES = 1_500_000


def relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(slots=True)
class WorkerGroup:
    """One Worker config with its resolved environments and its source files."""

    directory: Path
    workers: list[ResolvedWorker]
    paths: list[Path] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)

    @property
    def label(self) -> str:
        top = next((w for w in self.workers if w.env is None), self.workers[0])
        return top.name

    def worker_paths(self) -> tuple[list[Path], bool]:
        """The files of the Worker's module graph (from `main`), and whether `main` was found.

        Without a `main` (or when it is not among the files) every file outside the usual
        non-Worker places (public/, scripts/, *.config.*) is taken.
        """
        from mbv_cli.core.code.reachability import reachable_paths

        mains = {self.directory / str(w.settings["main"]) for w in self.workers
                 if isinstance(w.settings.get("main"), str)}
        reachable = reachable_paths(self.paths, mains, self.directory, _read_text)
        if reachable is not None:
            return reachable, True
        return [p for p in self.paths if not NON_WORKER_PATH.search(relative(p, self.directory))], False


def _read_text(path: Path) -> str | None:
    from mbv_cli.core.errors import InputError
    from mbv_cli.core.input_files import read_file_bytes

    try:  # a FIFO or device is refused before it is opened; a file over the cap is skipped
        return read_file_bytes(path, what="source file", limit=MAX_SOURCE_BYTES).decode("utf-8", errors="replace")
    except InputError:
        return None


def collect_groups(workers: Sequence[ResolvedWorker]) -> list[WorkerGroup]:
    """Resolved workers grouped by config, with each Worker's files (nested Workers excluded)."""
    groups: dict[Path, WorkerGroup] = {}
    for worker in workers:
        key = worker.config.path.resolve()
        if key not in groups:
            groups[key] = WorkerGroup(worker.directory.resolve(), [])
        groups[key].workers.append(worker)
    directories = {g.directory for g in groups.values()}
    for group in groups.values():
        nested = [d for d in directories if d != group.directory and group.directory in d.parents]
        for item in iter_source_paths(group.directory, nested):
            if isinstance(item, SkippedFile):
                group.skipped.append(item)
            else:
                group.paths.append(item)
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


@dataclass(slots=True)
class GroupOutcome:
    findings: list[Finding] = field(default_factory=list)
    facts: list[FileFacts | SkippedFile] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    parsed: int = 0
    checked: int = 0


def job_for(group: WorkerGroup, rules: Sequence[Rule], *, scan_bindings: bool) -> GroupJob:
    flag_sets = [set(w.compatibility_flags) for w in group.workers]
    flags = set.intersection(*flag_sets) if flag_sets else set()
    numeric = {b.name for w in group.workers for b in w.bindings
               if b.kind == "var" and isinstance(b.entry.get("value"), int | float)
               and not isinstance(b.entry.get("value"), bool)}
    checked = frozenset(group.worker_paths()[0]) if rules else frozenset()
    return GroupJob(group.directory, tuple(group.paths), checked, tuple(rules), frozenset(flags),
                    frozenset(numeric), scan_bindings)


def check_group(job: GroupJob) -> GroupOutcome:
    """Read, parse (at most once) and check every file of one group.

    A file is parsed when the bindings diff needs it, when a code rule's cheap text test passes,
    or when it may declare an async function (the context MBV111 needs); a file that no rule
    could flag is checked by those tests alone.
    """
    outcome = GroupOutcome()
    before = PARSE_COUNTER["count"]
    checked: list[tuple[Path, str, SourceFile | None]] = []
    for path in job.paths:
        check = path in job.checked and not path.name.endswith(".d.ts")
        fact, source, text = _one_file(path, job.scan_bindings, lambda t: _wanted(job.rules, t))
        if isinstance(fact, SkippedFile):
            outcome.skipped.append(fact)
        if job.scan_bindings and fact is not None:
            outcome.facts.append(fact)
        if check and text is not None:
            checked.append((path, text, source))
    ctx = code_context([s for _, _, s in checked if s is not None], job.compatibility_flags, job.numeric_vars)
    for path, text, source in checked:
        outcome.checked += 1
        if source is None and any(r.needs_async_names and r.applies_with(ctx, text) for r in job.rules):
            parsed = _parse(path, text)
            source = parsed if isinstance(parsed, SourceFile) else None
        if source is not None:
            rel = relative(source.path, job.directory)
            outcome.findings.extend(run_code_rules(source, job.rules, ctx, rel))
    outcome.parsed = PARSE_COUNTER["count"] - before
    forget_indexes()
    return outcome


def _wanted(rules: Sequence[Rule], text: str) -> bool:
    lowered = text.lower()
    return "async" in text or any(not r.needs_async_names and r.applies_to(lowered, text) for r in rules)


def _parse(path: Path, text: str) -> SourceFile | SkippedFile:
    try:
        return parse_source(path, text.encode("utf-8"), text)
    except RecursionError:
        return SkippedFile(path, "nested too deeply to analyse")


def _one_file(path: Path, scan_bindings: bool, wanted: Callable[[str], bool]
              ) -> tuple[FileFacts | SkippedFile | None, SourceFile | None, str | None]:
    """(bindings facts, parsed file if it was worth parsing, text) of one file; never raises."""
    from mbv_cli.core.code.scan import FileFacts, may_mention_env, scan_source

    data = read_source_bytes(path)  # broken links and loops get their own notes
    if isinstance(data, SkippedFile):
        return data, None, None
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


def run_groups(jobs: Sequence[GroupJob], *, processes: int | None = None) -> list[GroupOutcome]:
    """Every group's pass, in a process pool when there is enough code to make it worth it."""
    processes = max(1, min(os.cpu_count() or 1, 8)) if processes is None else max(1, processes)
    if processes > 1 and len(jobs) > 1 and _total_bytes(jobs) >= POOL_MIN_BYTES:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        try:
            with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context(method)) as pool:
                return list(pool.map(check_group, jobs))
        except (OSError, RuntimeError):  # no processes allowed here: do the work in this one
            pass
    return [check_group(job) for job in jobs]


def _total_bytes(jobs: Iterable[GroupJob]) -> int:
    total = 0
    for job in jobs:
        for path in job.paths:
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
    test_file = is_test_path(relative_path)
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
