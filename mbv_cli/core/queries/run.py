"""`mbv db queries` and the doctor's "queries" area: each D1 binding of each Worker, its statements checked.

Statements come from the Worker's parsed code (the doctor hands over what its code pass extracted;
`mbv db queries` reads and parses the Worker's files itself). A database shared by several envs (the
same local file, or the same migrations without local state) is checked once, as its first env.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mbv_cli.core.findings import Finding, FindingsReport
from mbv_cli.core.queries.check import (
    BindingResult,
    CheckSettings,
    check_columns,
    check_statements,
    statements_for,
)
from mbv_cli.core.queries.extract import DynamicSql, SqlStatement
from mbv_cli.core.queries.schema import apply_schema_files, build_schema

if TYPE_CHECKING:
    from mbv_cli.core.wrangler.environments import ResolvedWorker


@dataclass(slots=True)
class QueriesResult:
    bindings: list[BindingResult] = field(default_factory=list)
    dynamic: list[DynamicSql] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for b in self.bindings for f in b.findings]

    def to_report(self) -> FindingsReport:
        report = FindingsReport(title="mbv db queries")
        report.extend(self.findings)
        report.notes.extend(self.notes)
        return report

    def to_dict(self) -> dict[str, Any]:
        report = self.to_report()
        return {
            "schema": "mbv.db.queries/1",
            "bindings": [b.to_dict() for b in self.bindings],
            "dynamic": [{"file": _shown(d.file), "line": d.line, "column": d.column, "receiver": d.receiver,
                         "reason": d.reason} for d in self.dynamic],
            "findings": [f.to_dict() for f in report.sorted()],
            "summary": report.summary(),
            "notes": list(self.notes),
        }


def check_workers(workers: Sequence[ResolvedWorker], statements: Sequence[SqlStatement],
                  dynamic: Sequence[DynamicSql], settings: CheckSettings, *,
                  only_binding: str | None = None, persist_to: str | Path | None = None) -> QueriesResult:
    """Every D1 binding of `workers` (the envs of one config) against its schema; `statements` are
    those of the Worker's code (its module graph)."""
    from mbv_cli.core.d1_target import target_from_entry

    result = QueriesResult(dynamic=list(dynamic))
    seen: set[tuple[str, str]] = set()
    for worker in workers:
        d1 = [b for b in worker.bindings if b.kind == "d1_database"]
        names = [b.name for b in d1]
        for binding in d1:
            if only_binding is not None and only_binding not in (binding.name, binding.entry.get("database_name")):
                continue
            target = target_from_entry(worker, binding.entry, remote=False, persist_to=persist_to)
            assert target.path is not None and target.migrations_dir is not None
            local = target.path if target.path.is_file() else None
            key = (str(local.resolve()) if local else f"migrations:{target.migrations_dir.resolve()}",
                   binding.name)
            if key in seen:
                continue
            seen.add(key)
            one = BindingResult(worker.name, worker.env, binding.name, "none", None)
            result.bindings.append(one)
            schema = build_schema(local_file=local, migrations_dir=target.migrations_dir,
                                  migrations_table=target.migrations_table)
            if schema is None:
                one.notes.append(f"{binding.name}: no local database and no migrations in "
                                 f"{_shown(target.migrations_dir)}: its statements were not checked")
                continue
            try:
                extra = apply_schema_files(schema, worker.directory, target.migrations_dir)
                if extra:
                    one.notes.append(f"{binding.name}: tables created by {', '.join(extra)} (not migrations) "
                                     "count as part of its schema")
                one.schema_mode = schema.mode
                one.database = _shown(schema.path) if schema.path else _shown(target.migrations_dir)
                one.notes.extend(schema.notes)
                altered = frozenset(m.group(1).lower() for d in dynamic
                                    if (m := re.match(r'\s*ALTER\s+TABLE\s+["`\[]?(\w+)', d.head, re.I)))
                check_statements(schema, statements_for(binding.name, statements, names), one, settings, altered)
                check_columns(schema, one, settings)
            finally:
                schema.close()
    for one in result.bindings:
        result.notes.extend(one.notes)
    if result.dynamic:
        result.notes.append(f"{len(result.dynamic)} statement(s) built at run time were not checked "
                            f"(first: {_shown(result.dynamic[0].file)}:{result.dynamic[0].line}: "
                            f"{result.dynamic[0].reason})")
    return result


def _shown(path: Path) -> str:
    from mbv_cli.core.binding_list import display_path

    return display_path(path)


def read_statements(workers: Sequence[ResolvedWorker]
                    ) -> tuple[list[tuple[list[ResolvedWorker], list[SqlStatement], list[DynamicSql]]], list[str]]:
    """Per Worker config (its envs), the statements of its module graph: read and parsed here, for
    `mbv db queries` (the doctor hands over what its code pass extracted)."""
    from mbv_cli.core.code.parsing import SourceFile, parse_source, read_source_bytes
    from mbv_cli.core.doctor_code import collect_groups
    from mbv_cli.core.queries.extract import FileStatements, extract_statements, may_hold_sql

    notes: list[str] = []
    per_file: dict[Path, FileStatements] = {}
    out: list[tuple[list[ResolvedWorker], list[SqlStatement], list[DynamicSql]]] = []
    for group in collect_groups(workers):
        statements: list[SqlStatement] = []
        dynamic: list[DynamicSql] = []
        notes.extend(group.notes())
        for path in group.worker_paths()[0]:
            if path.name.endswith(".d.ts"):
                continue
            if path not in per_file:
                per_file[path] = FileStatements([], [])
                data = read_source_bytes(path)
                if not isinstance(data, bytes) or not may_hold_sql(data.decode("utf-8", "replace")):
                    continue
                try:
                    parsed = parse_source(path, data)
                except RecursionError:
                    notes.append(f"{_shown(path)}: nested too deeply to analyse")
                    continue
                if not isinstance(parsed, SourceFile):
                    notes.append(f"{_shown(path)}: {parsed.reason}")
                    continue
                per_file[path] = extract_statements(parsed)
            statements.extend(per_file[path].statements)
            dynamic.extend(per_file[path].dynamic)
        out.append((group.workers, statements, dynamic))
    return out, notes
