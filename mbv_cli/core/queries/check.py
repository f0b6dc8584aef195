"""Each statement prepared and planned against its binding's schema; findings MBV320-MBV324.

Preparing is `EXPLAIN QUERY PLAN <statement>` with NULL bound to every parameter: SQLite compiles
the statement (unknown tables and columns fail here) and never runs it. A `SCAN <table>` in the plan
of a table with at least `min_rows` rows is a finding when an index would turn it into a SEARCH (tried
on mbv's in-memory copy of the schema, where a probe index is created and dropped again) or when the
table is filtered by LIKE, which an ordinary index cannot serve.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mbv_cli.core.db.storage_classes import DEFAULT_SAMPLE_ROWS, ColumnClasses, sample_table
from mbv_cli.core.findings import Finding
from mbv_cli.core.queries.codes import default_severity
from mbv_cli.core.queries.extract import DDL_START, SqlStatement
from mbv_cli.core.queries.schema import BindingSchema

DEFAULT_MIN_ROWS = 1000
_BINDINGS_USED = re.compile(r"uses (\d+), and there are")
_SCAN = re.compile(r"^SCAN (\S+)(?: AS (\S+))?$")
_FROM = re.compile(r'\b(?:FROM|JOIN|UPDATE|INTO)\s+["`\[]?(\w+)["`\]]?(?:\s+(?:AS\s+)?(?!(?:WHERE|ON|SET|JOIN|LEFT|'
                   r'INNER|CROSS|ORDER|GROUP|LIMIT|USING|NATURAL|VALUES|SELECT|RETURNING)\b)(\w+))?', re.I)
_NO_SUCH = re.compile(r"no such (table|column): (\S+)|table (\S+) has no column named (\S+)")


@dataclass(slots=True)
class StatementResult:
    statement: SqlStatement
    status: str  # "ok", "error", "scan" (a full scan worth reporting)
    plan: list[str] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**self.statement.to_dict(), "status": self.status, "plan": self.plan, "error": self.error}


@dataclass(slots=True)
class BindingResult:
    """One D1 binding of one Worker: where its schema came from and each statement's outcome."""

    worker: str
    env: str | None
    binding: str
    schema_mode: str  # "local", "migrations", "none"
    database: str | None
    statements: list[StatementResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    columns: list[ColumnClasses] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"worker": self.worker, "env": self.env, "binding": self.binding, "schema": self.schema_mode,
                "database": self.database, "statements": [s.to_dict() for s in self.statements],
                "columns": [c.to_dict() for c in self.columns], "notes": list(self.notes)}


@dataclass(frozen=True, slots=True)
class CheckSettings:
    min_rows: int = DEFAULT_MIN_ROWS
    assume_rows: Mapping[str, int] = field(default_factory=dict)  # table (lower case) or "*" -> rows
    sample_rows: int = DEFAULT_SAMPLE_ROWS


def _explain(conn: sqlite3.Connection, sql: str) -> list[str]:
    query = "EXPLAIN QUERY PLAN " + sql
    try:
        return [str(r[3]) for r in conn.execute(query).fetchall()]
    except sqlite3.ProgrammingError as exc:
        match = _BINDINGS_USED.search(str(exc))
        if not match:
            raise sqlite3.OperationalError(str(exc)) from None
        return [str(r[3]) for r in conn.execute(query, [None] * int(match.group(1))).fetchall()]


def _aliases(sql: str) -> dict[str, str]:
    """alias or table name (lower case) -> table name (lower case), from FROM/JOIN/UPDATE/INTO clauses."""
    found: dict[str, str] = {}
    for match in _FROM.finditer(sql):
        table = match.group(1).lower()
        found[table] = table
        if match.group(2):
            found[match.group(2).lower()] = table
    return found


def _filter_region(sql: str) -> str:
    """The text after WHERE and in ON clauses: where a column is filtered on."""
    parts = re.split(r"\b(WHERE|ON)\b", sql, flags=re.I)
    return " ".join(parts[i + 1] for i in range(1, len(parts) - 1, 2))


def _candidate_columns(sql: str, table: str, names: set[str], columns: list[str]) -> tuple[list[str], list[str], bool]:
    """(equality columns, every filtered column, filtered by LIKE) of `table` in `sql`."""
    region = _filter_region(sql)
    lowered_columns = {c.lower(): c for c in columns}
    equality: list[str] = []
    every: list[str] = []
    like = False
    for match in re.finditer(r'(?:["`\[]?(\w+)["`\]]?\.)?["`\[]?(\w+)["`\]]?(\s*(?:=|==|IN\b|IS\b|LIKE\b|GLOB\b|[<>]=?)?)',
                             region, re.I):
        qualifier, name, operator = match.group(1), match.group(2).lower(), (match.group(3) or "").strip().upper()
        if qualifier is not None and qualifier.lower() not in names:
            continue
        if name not in lowered_columns:
            continue
        column = lowered_columns[name]
        if operator in ("LIKE", "GLOB"):
            like = True
        if column not in every:
            every.append(column)
        if operator in ("=", "==", "IN", "IS") and column not in equality:
            equality.append(column)
    return equality, every, like


def _table_columns(conn: sqlite3.Connection, table: str) -> tuple[str, list[str]]:
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        if str(name).lower() == table:
            return str(name), [str(r[1]) for r in conn.execute(f'PRAGMA table_xinfo("{_q(str(name))}")')]
    return table, []


def _q(name: str) -> str:
    return name.replace('"', '""')


def _serving_index(conn: sqlite3.Connection, sql: str, table: str, scanned_as: str,
                   combos: Sequence[Sequence[str]]) -> list[str] | None:
    """The first column list whose index removes the scan of `scanned_as`, tried on the in-memory schema."""
    for columns in combos:
        if not columns:
            continue
        cols = ", ".join(f'"{_q(c)}"' for c in columns)
        try:
            conn.execute(f'CREATE INDEX "mbv_probe" ON "{_q(table)}" ({cols})')
        except sqlite3.Error:
            continue
        try:
            plan = _explain(conn, sql)
        except sqlite3.Error:
            plan = []
        finally:
            conn.execute('DROP INDEX IF EXISTS "mbv_probe"')
        if plan and not any(_SCAN.match(line) and _SCAN.match(line).group(1).lower() == scanned_as  # type: ignore[union-attr]
                            for line in plan):
            return list(columns)
    return None


_DDL = DDL_START


def check_statements(schema: BindingSchema, statements: Sequence[SqlStatement], result: BindingResult,
                     settings: CheckSettings, altered_at_run_time: frozenset[str] = frozenset()) -> None:
    """`altered_at_run_time`: tables (lower case) the code alters with SQL built at run time
    (`ALTER TABLE users ADD COLUMN ${name}`): their unknown columns cannot be told from typos."""
    # DDL the Worker runs itself (`CREATE TABLE IF NOT EXISTS ...` at start-up) is part of its schema:
    # applied to mbv's in-memory copy first (never to the local file), so later statements see it
    for statement in statements:
        if _DDL.match(statement.sql):
            with contextlib.suppress(sqlite3.Error, sqlite3.Warning):
                schema.conn.execute(statement.sql)
    for statement in statements:
        outcome = StatementResult(statement, "ok")
        result.statements.append(outcome)
        if _DDL.match(statement.sql):
            continue  # the Worker's own DDL: applied above ("already exists" on a re-run is its business)
        try:
            outcome.plan = _explain(schema.conn, statement.sql)
        except (sqlite3.Error, sqlite3.Warning) as exc:
            message = str(exc)
            if statement.interpolated and "syntax error" in message:
                outcome.status = "skipped"
                outcome.error = f"{message} (mbv's stand-ins for the interpolations may be what does not parse)"
                continue
            missing = _NO_SUCH.search(message)
            table = (missing.group(3) or "").lower() if missing else ""
            if missing and (table in altered_at_run_time or (missing.group(1) == "column" and altered_at_run_time
                                                             and not table)):
                outcome.status = "skipped"
                outcome.error = f"{message} (the code alters this table with SQL built at run time)"
                continue
            outcome.status = "error"
            outcome.error = message
            result.findings.append(_not_prepared(schema, statement, message, result))
            continue
        for line in outcome.plan:
            finding = _scan_finding(schema, statement, line, result, settings)
            if finding is not None:
                outcome.status = "scan"
                result.findings.append(finding)


def _not_prepared(schema: BindingSchema, statement: SqlStatement, message: str, result: BindingResult) -> Finding:
    hint = None
    match = _NO_SUCH.search(message)
    if match:
        if match.group(1) == "table":
            key = match.group(2).lower()
        elif match.group(1) == "column":
            name = match.group(2).lower()
            key = next((k for k in schema.added_by if k.endswith("." + name.split(".")[-1])), name)
        else:
            key = f"{match.group(3).lower()}.{match.group(4).lower()}"
        origin = schema.added_by.get(key)
        if origin is not None:
            applied = schema.applied
            if schema.mode == "local" and (applied is None or origin.migration not in applied):
                hint = (f"{origin.migration} adds it and this local database has not applied it: "
                        f"wrangler d1 migrations apply {result.binding} --local")
            else:
                hint = f"{origin.migration} adds it"
        else:
            hint = "no migration in migrations_dir adds it: add one (mbv migrate create DB NAME), or fix the name"
    where = "the local database" if schema.mode == "local" else "the schema the migrations build"
    return Finding(code="MBV320", severity=default_severity("MBV320"),
                   message=f"this statement does not prepare against {where} of {result.binding}: {message}",
                   hint=hint, file=display(statement.file), line=statement.line, column=statement.column,
                   worker=result.worker, env=result.env, binding=result.binding)


def _rows_of(schema: BindingSchema, table: str, settings: CheckSettings) -> int | None:
    assumed = settings.assume_rows.get(table.lower(), settings.assume_rows.get("*"))
    if assumed is not None:
        return assumed
    return schema.row_count(table)


def _scan_finding(schema: BindingSchema, statement: SqlStatement, line: str, result: BindingResult,
                  settings: CheckSettings) -> Finding | None:
    match = _SCAN.match(line)
    if not match:
        return None
    scanned_as = match.group(1).lower()
    aliases = _aliases(statement.sql)
    table_key = aliases.get(scanned_as, scanned_as)
    table, columns = _table_columns(schema.conn, table_key)
    if not columns:
        return None
    rows = _rows_of(schema, table, settings)
    if rows is None or rows < settings.min_rows:
        return None
    names = {name for name, target in aliases.items() if target == table.lower()} | {table.lower()}
    equality, every, like = _candidate_columns(statement.sql, table, names, columns)
    combos = [equality, *[[c] for c in every], every]
    serving = _serving_index(schema.conn, statement.sql, table, scanned_as, combos)
    assumed = table.lower() in settings.assume_rows or "*" in settings.assume_rows
    counted = f"{rows:,} rows" + (", assumed" if assumed else "")
    if serving is not None:
        index = f"idx_{table}_{'_'.join(serving)}"
        cols = ", ".join(serving)
        return Finding(code="MBV321", severity=default_severity("MBV321"),
                       message=f"full scan of {table} ({counted}) for this statement: no index serves "
                               f"its filter on {cols}",
                       hint=f"CREATE INDEX {index} ON {table} ({cols});   -- in a new migration",
                       file=display(statement.file), line=statement.line, column=statement.column,
                       worker=result.worker, env=result.env, binding=result.binding)
    if like:
        return Finding(code="MBV321", severity=default_severity("MBV321"),
                       message=f"full scan of {table} ({counted}) for a LIKE filter: an ordinary index cannot "
                               "serve LIKE '%...%'",
                       hint="for word search use an FTS5 table; for prefix search (LIKE 'abc%') an index with "
                            "COLLATE NOCASE on the column",
                       file=display(statement.file), line=statement.line, column=statement.column,
                       worker=result.worker, env=result.env, binding=result.binding)
    return None


def _column_origin(schema: BindingSchema, table: str, column: str) -> tuple[str | None, int | None]:
    origin = schema.added_by.get(f"{table.lower()}.{column.lower()}")
    if origin is not None:
        return display(origin.path), origin.line
    return (display(schema.path) if schema.path is not None else None), None


NUMERIC_NAMED = re.compile(r"BOOL|DATE|TIME", re.I)


def check_columns(schema: BindingSchema, result: BindingResult, settings: CheckSettings) -> None:
    """MBV322 untyped columns, MBV323 BOOLEAN/DATE columns, MBV324 mixed storage classes (local data)."""
    for table in schema.user_tables():
        info = list(schema.conn.execute(f'PRAGMA table_xinfo("{_q(table)}")'))
        sampled = {c.column: dict(c.counts) for c in (
            sample_table(schema.data, table, [(str(r[1]), str(r[2] or "")) for r in info if not int(r[6])],
                         settings.sample_rows) if schema.data is not None else [])}
        for row in info:
            column, declared, hidden = str(row[1]), str(row[2] or ""), int(row[6])
            if hidden:
                continue
            file, line = _column_origin(schema, table, column)
            classes = sampled.get(column)
            if classes is not None:
                result.columns.append(ColumnClasses(table, column, declared, classes))

            def finding(code: str, message: str, hint: str, file: str | None = file, line: int | None = line) -> Finding:
                return Finding(code=code, severity=default_severity(code), message=message, hint=hint, file=file,
                               line=line, worker=result.worker, env=result.env, binding=result.binding)

            if classes is not None and ColumnClasses(table, column, declared, classes).mixed:
                counts = ", ".join(f"{n:,} {kind}" for kind, n in sorted(classes.items()) if n and kind != "null")
                result.findings.append(finding(
                    "MBV324", f"{table}.{column} holds mixed storage classes in the local data ({counts}"
                            f"{', sampled' if sum(classes.values()) >= settings.sample_rows else ''})",
                    "convert the odd rows once and bind one type from the code; `WHERE "
                    f"{column} = ?` matches only values of the bound type"))
            if not declared:
                result.findings.append(finding(
                    "MBV322", f"{table}.{column} is declared without a type: SQLite keeps '123' and 123 apart, "
                            f"so a value bound from a form or URL does not match a number",
                    f"declare it (e.g. {column} INTEGER or TEXT) in a migration that rebuilds {table}"))
            elif NUMERIC_NAMED.search(declared) and _affinity(declared) == "NUMERIC":
                result.findings.append(finding(
                    "MBV323", f"{table}.{column} is {declared}, which SQLite stores with NUMERIC affinity: "
                            "'true' and ISO dates stay TEXT while true binds as 1",
                    "use INTEGER with CHECK (x IN (0, 1)) for booleans, TEXT (ISO 8601) or INTEGER "
                    "(epoch) for times, and bind that one type"))


def _affinity(declared: str) -> str:
    """SQLite's affinity rules (datatype3.html section 3.1), in their order."""
    upper = declared.upper()
    if "INT" in upper:
        return "INTEGER"
    if any(k in upper for k in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in upper or not upper:
        return "BLOB"
    if any(k in upper for k in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def statements_for(binding: str, statements: Sequence[SqlStatement], d1_bindings: Sequence[str]) -> list[SqlStatement]:
    """The statements that go to `binding`: named by their receiver, or every unnamed one when the Worker
    has exactly one D1 binding."""
    only = len(d1_bindings) == 1
    return [s for s in statements
            if s.binding == binding or (only and s.binding is None) or (s.kind == "ddl" and s.binding is None)]


def display(path: Path) -> str:
    from mbv_cli.core.binding_list import display_path

    return display_path(path)


def parse_assume_rows(values: Sequence[str]) -> dict[str, int]:
    """`--assume-rows 20000` (every table) and `--assume-rows posts=20000` (one table), repeated."""
    from mbv_cli.core.errors import UsageError

    found: dict[str, int] = {}
    for value in values:
        table, _, rows = value.rpartition("=")
        try:
            count = int(rows.replace("_", ""))
        except ValueError:
            count = -1
        if count < 0 or (table == "" and "=" in value):
            raise UsageError(f"--assume-rows {value!r} is not N or TABLE=N",
                             hint="e.g. --assume-rows 20000 or --assume-rows posts=20000")
        found[table.lower() or "*"] = count
    return found
