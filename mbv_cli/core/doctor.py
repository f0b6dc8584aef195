"""`mbv doctor`: every check in one pass, grouped in areas, each source file parsed once.

Areas (flutter doctor's categories): configuration (MBV2xx on each resolved environment),
bindings (the bindings diff, MBV0xx, per environment), code (MBV1xx on every source file),
migrations (MBV301-302) and local databases (MBV303-305). An area whose capability is not
installed in this build is reported as "not available" instead of being skipped silently.

Settings come from `mbv.toml` at the project root or `[tool.mbv]` in a `pyproject.toml` there
(`select`, `ignore`, `per-file-ignores`, `compatibility-date-max-age-days`); findings are
suppressed with `// mbv-ignore MBV101: reason` on the line or the line above.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import fnmatch
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mbv_cli.core.binding_list import display_path
from mbv_cli.core.code.cache import FactsCache
from mbv_cli.core.doctor_code import (
    collect_groups,
    job_for,
    not_checked_note,
    relative,
    run_groups,
    share_files,
)
from mbv_cli.core.errors import ConfigError, UsageError
from mbv_cli.core.findings import Finding, FindingsReport, Severity
from mbv_cli.core.rules import ConfigContext, Rule, all_rules
from mbv_cli.core.wrangler.environments import ResolvedWorker
from mbv_cli.core.wrangler.workspace import Workspace

AREAS = ("configuration", "bindings", "code", "migrations", "local databases", "queries")
# `--remote`: (workers, code by resolved config path) -> (views, findings, notes); see deployed.run
RemoteCheck = Callable[[Sequence[ResolvedWorker], dict[Path, Any]], tuple[Any, list[Finding], list[str]]]
AREA_OF_PREFIX = {"MBV0": "bindings", "MBV1": "code", "MBV2": "configuration", "MBV30": "migrations",
                  "MBV4": "code"}
# bindings findings drawn from the config alone: they still apply to a Worker without code
CONFIG_BASED_BINDING_CODES = frozenset({"MBV005", "MBV006", "MBV007"})
CODE_PATTERN = re.compile(r"^MBV\d{0,3}$")
IGNORE_COMMENT = re.compile(r"mbv-ignore[:\s]+((?:MBV\d{3}\s*,?\s*)+)", re.IGNORECASE)


@dataclass(slots=True)
class DoctorSettings:
    """What to run: rule selection and thresholds, from mbv.toml / [tool.mbv] and the command line."""

    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    compatibility_date_max_age_days: int = 180
    query_min_rows: int = 1000
    query_assume_rows: dict[str, int] = field(default_factory=dict)
    source: str | None = None
    # Worker directory -> its source entry, when `main` is build output ([entry] in mbv.toml)
    entries: dict[Path, str] = field(default_factory=dict)

    def enabled(self, code: str, path: str | None = None) -> bool:
        if self.select and not any(code.startswith(p) for p in self.select):
            return False
        if any(code.startswith(p) for p in self.ignore):
            return False
        if path is not None:
            for pattern, codes in self.per_file_ignores.items():
                if fnmatch.fnmatch(path, pattern) and any(code.startswith(c) for c in codes):
                    return False
        return True


def parse_codes(values: Iterable[str], where: str) -> list[str]:
    """`MBV101,MBV2` -> ["MBV101", "MBV2"]; a code prefix selects every code it starts."""
    codes: list[str] = []
    for value in values:
        for part in str(value).split(","):
            code = part.strip().upper()
            if not code:
                continue
            if code == "ALL":
                code = "MBV"
            if not CODE_PATTERN.match(code):
                raise UsageError(f"{where}: {part.strip()!r} is not a rule code",
                                 hint="use codes like MBV101 or prefixes like MBV1; `mbv rules` lists them")
            codes.append(code)
    _check_known(codes, where)
    return codes


def _check_known(codes: list[str], where: str) -> None:
    """A selector that matches no code is a typo: exit 2 rather than silently checking nothing."""
    from mbv_cli.core.rules_catalog import all_rule_infos

    known = {info.code for info in all_rule_infos()} | {"MBV000"}
    for code in codes:
        if not any(k.startswith(code) for k in known):
            raise UsageError(f"{where}: {code} matches no rule",
                             hint="`mbv rules` lists the codes; a prefix such as MBV1 selects a family")


def load_settings(root: Path) -> DoctorSettings:
    """mbv.toml in `root` (or a parent), else [tool.mbv] of a pyproject.toml there."""
    for directory in (root, *root.parents):
        mbv_toml = directory / "mbv.toml"
        pyproject = directory / "pyproject.toml"
        if mbv_toml.is_file():
            return _settings_from(_read_toml(mbv_toml), mbv_toml)
        if pyproject.is_file():
            table = _read_toml(pyproject).get("tool", {}).get("mbv")
            if isinstance(table, dict):
                return _settings_from(table, pyproject)
        if (directory / ".git").exists():
            break
    return DoctorSettings()


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    from mbv_cli.core.errors import InputError
    from mbv_cli.core.input_files import MB, read_file_text

    try:
        return tomllib.loads(read_file_text(path, what="the mbv settings", limit=MB, encoding="utf-8"))
    except InputError as exc:
        raise ConfigError(exc.message, file=path, hint=exc.hint) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", file=path, hint="fix the syntax of the mbv settings") from None


def _settings_from(table: dict[str, Any], path: Path) -> DoctorSettings:
    known = {"select", "ignore", "per-file-ignores", "compatibility-date-max-age-days", "entry", "query-min-rows",
             "query-assume-rows"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"unknown mbv setting {unknown[0]!r}", file=path,
                          hint=f"known settings: {', '.join(sorted(known))}")
    where = display_path(path)

    def code_list(key: str) -> list[str]:
        value = table.get(key, [])
        if not isinstance(value, list):
            raise ConfigError(f"{key} must be a list of rule codes", file=path)
        return parse_codes(value, where)

    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict) or not all(isinstance(v, list) for v in per_file.values()):
        raise ConfigError('per-file-ignores must map a glob to a list of codes, e.g. "tests/**" = ["MBV103"]',
                          file=path)
    max_age = table.get("compatibility-date-max-age-days", 180)
    if not isinstance(max_age, int) or isinstance(max_age, bool) or max_age < 0:
        raise ConfigError("compatibility-date-max-age-days must be a whole number of days", file=path)
    min_rows = table.get("query-min-rows", 1000)
    if not isinstance(min_rows, int) or isinstance(min_rows, bool) or min_rows < 0:
        raise ConfigError("query-min-rows must be a whole number of rows", file=path)
    entry = table.get("entry", {})
    if not isinstance(entry, dict) or not all(isinstance(v, str) and v for v in entry.values()):
        raise ConfigError('entry must map a Worker directory to its source entry, e.g. "apps/web" = "src/worker.ts"',
                          file=path)
    return DoctorSettings(
        select=code_list("select"), ignore=code_list("ignore"),
        per_file_ignores={str(k): parse_codes(v, where) for k, v in per_file.items()},
        compatibility_date_max_age_days=max_age, query_min_rows=min_rows,
        query_assume_rows=_assume_rows(table.get("query-assume-rows", {}), path), source=where,
        entries={(path.parent / str(k)).resolve(): str(v) for k, v in entry.items()},
    )


def _assume_rows(value: Any, path: Path) -> dict[str, int]:
    """`query-assume-rows = 20000` (every table) or `{ posts = 20000 }` (per table)."""
    def whole(n: Any) -> bool:
        return isinstance(n, int) and not isinstance(n, bool) and n >= 0

    if whole(value):
        return {"*": int(value)}
    if isinstance(value, dict) and all(whole(v) for v in value.values()):
        return {str(k).lower(): int(v) for k, v in value.items()}
    raise ConfigError("query-assume-rows must be a number of rows or a table of table = rows, "
                      "e.g. { posts = 20000 }", file=path)


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(slots=True)
class AreaResult:
    name: str
    available: bool = True
    ran: bool = True
    findings: list[Finding] = field(default_factory=list)
    note: str | None = None
    note_always: bool = False  # shown without -v (e.g. pending migrations of a database not created yet)

    @property
    def status(self) -> str:
        if not self.available:
            return "not available"
        if not self.ran:
            return "skipped"
        severities = {f.severity for f in self.findings}
        if Severity.ERROR in severities:
            return "errors"
        if Severity.WARNING in severities:
            return "warnings"
        return "ok"

    def to_dict(self) -> dict[str, Any]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            counts[f.severity.value] += 1
        return {"name": self.name, "status": self.status, "counts": counts, "note": self.note}


@dataclass(slots=True)
class DoctorResult:
    areas: list[AreaResult]
    report: FindingsReport
    workers: list[str]
    files_checked: int = 0
    files_parsed: int = 0
    suppressed: int = 0
    settings_file: str | None = None
    without_code: list[str] = field(default_factory=list)  # one line per Worker whose code was not read

    def summary(self) -> dict[str, int]:
        return self.report.summary()

    def fails(self, fail_on: Severity) -> bool:
        return self.report.fails(fail_on)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "mbv.doctor/1",
            "areas": [a.to_dict() for a in self.areas],
            "findings": [f.to_dict() for f in self.report.sorted()],
            "summary": {**self.report.summary(), "workers": len(self.workers), "files": self.files_checked,
                        "files_parsed": self.files_parsed,
                        "suppressed": self.suppressed},
            "workers": list(self.workers),
            "settings": self.settings_file,
            "notes": list(self.report.notes),
            **({"baseline": self.report.baseline.to_dict()} if self.report.baseline is not None else {}),
        }


def run_config_rules(worker: ResolvedWorker, rules: Sequence[Rule], ctx: ConfigContext) -> list[Finding]:
    found: list[Finding] = []
    for rule in rules:
        if rule.check_config is None:
            continue
        try:
            found.extend(rule.check_config(worker, ctx))
        except Exception as exc:
            found.append(Finding(
                code="MBV000", severity=Severity.WARNING,
                message=f"rule {rule.code} ({rule.name}) crashed on this config: {type(exc).__name__}: {exc}",
                hint="this is a bug in mbv; please report it", file=str(worker.config.path),
            ))
    return found


# ---------------------------------------------------------------------------------------------
# Areas provided by other capabilities. Each adapter returns None when that capability is not
# part of this build; the area is then shown as "not available".

AreaAdapter = Callable[[Workspace, Sequence[ResolvedWorker]], "list[Finding] | None"]


def _optional(module: str, function: str) -> Callable[..., Any] | None:
    """A function of another capability's module, or None when it is not part of this build."""
    import importlib

    try:
        loaded = importlib.import_module(module)
    except ImportError as exc:
        if exc.name is not None and module.startswith(exc.name):
            return None
        raise
    found = getattr(loaded, function, None)
    return found if callable(found) else None


def _migrations_area(workspace: Workspace, workers: Sequence[ResolvedWorker]) -> list[Finding] | None:
    """Pending migrations (MBV301) and drift (MBV302) of every local D1 file that exists, via `mbv migrate`.
    A database not created yet is `_pending_without_database`'s (a note, not a finding)."""
    verify = _optional("mbv_cli.core.migrations.service", "verify")
    target_class = _optional("mbv_cli.core.migrations.service", "MigrationTarget")
    if verify is None or target_class is None:
        return None
    from mbv_cli.core.errors import MbvError

    findings: list[Finding] = []
    for worker, binding, d1, directory in _local_d1_with_migrations(workers):
        if not d1.path.is_file():
            continue
        try:
            findings.extend(verify(target_class(d1, directory, d1.migrations_table)).findings)
        except MbvError as exc:  # an unreadable database is the local databases area's finding
            findings.append(Finding(code="MBV302", severity=Severity.WARNING,
                                    message=f"migrations of {binding.name} could not be checked: {exc.message}",
                                    hint=exc.hint, worker=worker.name, env=worker.env, binding=binding.name,
                                    file=str(d1.path)))
    return findings


def _local_d1_with_migrations(workers: Sequence[ResolvedWorker]) -> Iterator[tuple[ResolvedWorker, Any, Any, Path]]:
    """(worker, binding, target with its resolved local path, migrations dir) of each D1 binding whose
    migrations directory exists, each local file once (envs often share one database)."""
    from mbv_cli.core.d1_target import target_from_entry

    seen: set[Path] = set()
    for worker in workers:
        for binding in worker.bindings:
            if binding.kind != "d1_database":
                continue
            d1 = target_from_entry(worker, binding.entry, remote=False)
            if d1.path is None or d1.migrations_dir is None or not d1.migrations_dir.is_dir():
                continue
            path = d1.path.resolve()
            if path in seen:
                continue
            seen.add(path)
            d1.path = path
            yield worker, binding, d1, d1.migrations_dir


def _databases_area(workspace: Workspace, workers: Sequence[ResolvedWorker]) -> list[Finding] | None:
    check = _optional("mbv_cli.core.db", "doctor_findings")
    return None if check is None else list(check(workers))


ADAPTERS: dict[str, AreaAdapter] = {
    "migrations": _migrations_area,
    "local databases": _databases_area,
}


# ---------------------------------------------------------------------------------------------
# The run


def run_doctor(
    workspace: Workspace,
    workers: Sequence[ResolvedWorker],
    *,
    settings: DoctorSettings | None = None,
    today: _dt.date | None = None,
    adapters: dict[str, AreaAdapter] | None = None,
    processes: int | None = None,
    progress: Callable[[str], None] | None = None,
    cache: FactsCache | None = None,
    remote: RemoteCheck | None = None,
) -> DoctorResult:
    """Every area on `workers`; `progress(message)` hears each area and Worker as it finishes (for a terminal).

    `remote` (`--remote`): given the Workers and each config's code, the deployed state compared with
    them, `(views, findings, notes)` as `deployed.run.remote_bindings` returns; only the bindings area uses it.
    """
    say = progress or (lambda _message: None)
    settings = settings or load_settings(workspace.root)
    rules = [r for r in all_rules() if settings.enabled(r.code)]
    root = workspace.root.resolve()
    report = FindingsReport(title="mbv doctor")
    areas = {name: AreaResult(name) for name in AREAS}

    # configuration
    config_ctx = ConfigContext(today=today or _dt.date.today(),
                               compatibility_date_max_age_days=settings.compatibility_date_max_age_days)
    config_rules = [r for r in rules if r.area == "configuration"]
    for worker in workers:
        for f in run_config_rules(worker, config_rules, config_ctx):
            areas["configuration"].findings.append(
                dataclasses.replace(f, worker=worker.name, env=worker.env))
        for warning in worker.warnings:
            if warning.message.startswith("Unexpected fields found") and settings.enabled("MBV205"):
                continue  # MBV205 reports these with the key's position and the nearest known key
            report.notes.append(f"{display_path(Path(warning.file))}"
                                f"{':' + str(warning.line) if warning.line else ''}: {warning.message}")
    areas["configuration"].ran = bool(config_rules)
    if settings.enabled("MBV204") or settings.enabled("MBV205"):
        from mbv_cli.core.wrangler.config_schema import schema_notes

        report.notes.extend(schema_notes([w.config for w in workers]))
    say(f"configuration: {len(workers)} environment(s) checked, {len(areas['configuration'].findings)} finding(s)")

    # code and bindings: one pass over each Worker's module graph (each file parsed at most once)
    code_rules = [r for r in rules if r.area == "code"]
    scan_bindings = any(settings.enabled(c) for c in _codes_of_area("bindings"))
    from mbv_cli.core.graph.findings import unresolved_findings, unseen_code

    graph_codes = [c for c in ("MBV401", "MBV402", "MBV403", "MBV404") if settings.enabled(c)]
    groups = collect_groups(workers, entries=settings.entries, facts=cache)
    queries = any(settings.enabled(c) for c in _codes_of_area("queries"))
    everyone = frozenset(w.name for w in workers) | frozenset(  # a service binding may name one of them
        n for w in workers if isinstance(n := w.config.raw.get("name"), str))
    from mbv_cli.core.bindings_diff import twin_configs

    twins = twin_configs(workers)
    remote_codes: dict[Path, Any] = {}
    jobs = [job_for(g, code_rules, scan_bindings=scan_bindings, cache=cache, queries=queries) for g in groups]
    jobs = share_files(jobs)  # a file several Workers import is read and parsed once
    say(f"code: parsing the source of {len(groups)} Worker(s)")

    def group_done(index: int, outcome: Any) -> None:
        say(f"code: {groups[index].label} done ({outcome.checked} file(s), {len(outcome.findings)} finding(s)), "
            f"{index + 1}/{len(groups)} Workers")

    outcomes = run_groups(jobs, processes=processes, on_done=group_done)
    if cache is not None:
        for outcome in outcomes:
            cache.merge(outcome.fresh)
        cache.save()
    facts_by_path = {f.path: f for o in outcomes for f in o.facts}
    files = parsed = 0
    outside: list[tuple[Path, Path]] = []
    without_code: list[str] = []  # (Worker directory, file) outside the module graphs
    for group, outcome in zip(groups, outcomes, strict=True):
        files += outcome.checked
        parsed += outcome.parsed
        outside += [(group.directory, p) for p in group.outside_graph()]
        report.notes.extend(group.notes())
        without_code.extend(group.notes())
        areas["code"].findings.extend(dataclasses.replace(f, worker=group.label) for f in outcome.findings)
        if graph_codes and group.has_code:
            unresolved, notes = unresolved_findings(group.graphs)
            areas["code"].findings.extend(unresolved)
            report.notes.extend(notes)
        if scan_bindings:
            from mbv_cli.core.bindings_diff import analyse_code, code_notes
            from mbv_cli.core.code.scan import FileFacts, code_from_results, types_only

            erased = group.type_only_paths()  # reached through `import type` only: types, no env reads
            facts = [types_only(fact) if p in erased and isinstance(fact, FileFacts) else fact
                     for p in group.paths if (fact := facts_by_path.get(p)) is not None]
            code = code_from_results(group.directory, facts, group.skipped)
            diffed = analyse_code(group.workers, code, worker_names=everyone,
                                  unseen=unseen_code(group.graphs) if group.has_code else (),
                                  twins=twins.get(group.workers[0].config.path.resolve(), ()),
                                  code_sink=remote_codes if group.has_code else None)
            if not group.has_code:  # assets only: findings about the code do not apply
                diffed = [f for f in diffed if f.code in CONFIG_BASED_BINDING_CODES]
            areas["bindings"].findings.extend(diffed)
            report.notes.extend(code_notes(code))
        else:
            report.notes.extend(f"{display_path(s.path)}: {s.reason}" for s in [*group.skipped, *outcome.skipped])
    areas["code"].ran = bool(code_rules or graph_codes)
    areas["bindings"].ran = scan_bindings
    if remote is not None and scan_bindings:
        from mbv_cli.core.deployed.run import merge_remote

        say("bindings: asking Cloudflare for the deployed Workers")
        remotes, remote_found, remote_notes = remote(workers, remote_codes)
        areas["bindings"].findings = merge_remote(areas["bindings"].findings, remotes, remote_found)
        report.notes.extend(remote_notes)
    if outside and code_rules:
        areas["code"].note = not_checked_note(outside)

    # queries: the statements the code pass extracted, against each D1 binding's schema
    areas["queries"].ran = queries
    if queries:
        _queries_area(areas["queries"], groups, outcomes, settings)

    # areas from other capabilities
    for name, adapter in (adapters if adapters is not None else ADAPTERS).items():
        area = areas[name]
        if not any(settings.enabled(c) for c in _codes_of_area(name)):
            area.ran = False
            continue
        if name == "migrations" and not _has_local_state(workers) and not _has_migrations(workers):
            area.ran = False
            area.note = "no local D1 state in .wrangler/state and no migrations directory next to any Worker config"
            continue
        if name == "local databases" and not _has_local_state(workers):
            area.ran = False
            area.note = "no local D1 state in .wrangler/state next to any Worker config"
            continue
        say(f"{name}: checking")
        try:
            found = adapter(workspace, workers)
        except Exception as exc:  # an area that fails must not hide the others
            area.findings.append(Finding(code="MBV000", severity=Severity.WARNING,
                                         message=f"the {name} check crashed: {type(exc).__name__}: {exc}",
                                         hint="this is a bug in mbv; please report it"))
            continue
        if found is None:
            area.available = False
            area.note = f"the {name} check is not part of this mbv build"
            continue
        area.findings.extend(found)
        if name == "migrations":
            fresh = _pending_without_database(workers)
            if fresh:
                area.note, area.note_always = fresh, True

    # selection, suppression, de-duplication (an inherited setting is reported once, not per env)
    suppressed = 0
    lines_cache: dict[str, list[str]] = {}
    for area in areas.values():
        kept: list[Finding] = []
        seen: set[tuple[Any, ...]] = set()
        for f in area.findings:
            rel = relative(Path(f.file), root) if f.file else None
            if f.code != "MBV000" and not settings.enabled(f.code, rel):
                continue
            if _suppressed(f, lines_cache):
                suppressed += 1
                continue
            key = (f.code, f.file, f.line, f.column, f.message, f.binding if f.code.startswith("MBV0") else None,
                   f.env if f.code.startswith("MBV0") else None)
            if key in seen:
                continue
            seen.add(key)
            kept.append(dataclasses.replace(f, file=display_path(Path(f.file)) if f.file else None))
        area.findings = kept
        report.extend(kept)

    report.notes[:] = list(dict.fromkeys(report.notes))
    names = list(dict.fromkeys(g.label for g in groups))
    return DoctorResult(areas=[areas[n] for n in AREAS], report=report, workers=names, files_checked=files,
                        files_parsed=parsed, suppressed=suppressed, settings_file=settings.source,
                        without_code=list(dict.fromkeys(without_code)))


def _queries_area(area: AreaResult, groups: Sequence[Any], outcomes: Sequence[Any], settings: DoctorSettings) -> None:
    """The queries area: each Worker's D1 statements (extracted by the code pass) against its schemas."""
    from mbv_cli.core.errors import MbvError
    from mbv_cli.core.queries.check import CheckSettings
    from mbv_cli.core.queries.run import check_workers

    check = CheckSettings(min_rows=settings.query_min_rows, assume_rows=settings.query_assume_rows)
    checked = 0
    # a file several Workers import is read once (share_files): its statements count for each of them
    statements: dict[Path, list[Any]] = {}
    dynamic: dict[Path, list[Any]] = {}
    for outcome in outcomes:
        for statement in outcome.statements:
            statements.setdefault(statement.file, []).append(statement)
        for item in outcome.dynamic_sql:
            dynamic.setdefault(item.file, []).append(item)
    for group in groups:
        if not any(b.kind == "d1_database" for w in group.workers for b in w.bindings):
            continue
        files = group.worker_paths()[0]
        try:
            result = check_workers(group.workers, [s for f in files for s in statements.get(f, [])],
                                   [d for f in files for d in dynamic.get(f, [])], check)
        except MbvError as exc:
            area.findings.append(Finding(code="MBV320", severity=Severity.WARNING,
                                         message=f"the queries of {group.label} could not be checked: {exc.message}",
                                         hint=exc.hint, worker=group.label))
            continue
        checked += sum(len(b.statements) for b in result.bindings)
        area.findings.extend(result.findings)
    if checked == 0 and not area.findings:
        area.note = "no SQL statement sent to a D1 binding with migrations or local state"


def _pending_without_database(workers: Sequence[ResolvedWorker]) -> str | None:
    """On a fresh clone (migrations, no local database yet) every migration is pending, as
    `mbv migrate status` says. Said in the area's note rather than as MBV301: a CI checkout is always
    a fresh clone, and `wrangler dev` has not run there. Nothing is created to find it out."""
    status = _optional("mbv_cli.core.migrations.service", "status")
    target_class = _optional("mbv_cli.core.migrations.service", "MigrationTarget")
    if status is None or target_class is None:
        return None
    from mbv_cli.core.errors import MbvError

    parts: list[str] = []
    for worker, binding, d1, directory in _local_d1_with_migrations(workers):
        if d1.path.exists():
            continue
        try:
            result = status(target_class(d1, directory, d1.migrations_table))
        except MbvError:  # an unreadable directory is migrate's to report
            continue
        pending = [m.name for m in result.migrations if m.state in ("pending", "out_of_order")]
        if pending:
            label = binding.name + (f" (env {worker.env})" if worker.env else "")
            parts.append(f"{label} {len(pending)}")
    if not parts:
        return None
    return (f"no local database yet, so every migration is pending: {', '.join(parts)} "
            "(`mbv migrate apply BINDING` or `wrangler d1 migrations apply BINDING --local` creates it)")


def _has_migrations(workers: Sequence[ResolvedWorker]) -> bool:
    """Some D1 binding has a migrations directory holding a .sql file (then, with no local database
    yet, every migration is pending)."""
    from mbv_cli.core.d1_target import target_from_entry

    for worker in workers:
        for binding in worker.bindings:
            if binding.kind != "d1_database":
                continue
            directory = target_from_entry(worker, binding.entry, remote=False).migrations_dir
            if directory is not None and directory.is_dir() and any(directory.glob("*.sql")):
                return True
    return False


def _has_local_state(workers: Sequence[ResolvedWorker]) -> bool:
    from mbv_cli.core.wrangler.state import persist_root

    return any((persist_root(w.directory) / "v3" / "d1").is_dir() for w in workers)


def _codes_of_area(name: str) -> list[str]:
    return {"bindings": [f"MBV{n:03d}" for n in range(1, 100)],
            "migrations": ["MBV301", "MBV302"],
            "local databases": [f"MBV{n:03d}" for n in range(303, 400) if not 320 <= n < 330],
            "queries": [f"MBV{n:03d}" for n in range(320, 330)]}.get(name, [])


def _suppressed(f: Finding, cache: dict[str, list[str]]) -> bool:
    if not f.file or not f.line:
        return False
    if f.file not in cache:
        from mbv_cli.core.errors import InputError
        from mbv_cli.core.input_files import MB, read_file_bytes

        try:
            data = read_file_bytes(Path(f.file), what="file", limit=16 * MB)
            cache[f.file] = data.decode("utf-8", errors="replace").splitlines()
        except InputError:
            cache[f.file] = []
    lines = cache[f.file]
    for number in (f.line, f.line - 1):
        if 0 < number <= len(lines):
            match = IGNORE_COMMENT.search(lines[number - 1])
            if match and f.code in re.findall(r"MBV\d{3}", match.group(1).upper()):
                return True
    return False
