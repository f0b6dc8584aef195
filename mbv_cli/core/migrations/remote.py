"""Remote D1 targets through the D1 query API, one request per migration as wrangler 4.86 sends it.

wrangler `d1/execute.ts` executeRemotely: `POST .../query` with `{"sql": <file text + ledger INSERT>}`
and no client-side split; D1 runs the batch in one transaction. There is no lock to take remotely,
so mbv re-reads the ledger before each migration, and the ledger's UNIQUE name makes a second
concurrent apply of the same file fail as a whole (reported as skipped).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from mbv_cli.core.cloudflare import CloudflareClient
from mbv_cli.core.errors import InputError, RemoteError
from mbv_cli.core.migrations.files import MigrationFile
from mbv_cli.core.migrations.ledger import (
    LedgerRow,
    check_ledger_columns,
    create_table_sql,
    insert_suffix,
    rows_from_dicts,
    select_sql,
)
from mbv_cli.core.migrations.results import MigrationOutcome
from mbv_cli.core.migrations.schema import Schema, schema_from_master_rows

Progress = Callable[[int, int, str, MigrationOutcome | None], None]  # index, total, name, outcome


class RemoteDatabase:
    def __init__(self, client: CloudflareClient, database_id: str, *, internal_env: str | None = None,
                 label: str = "") -> None:
        self.client = client
        self.database_id = database_id
        self.internal_env = internal_env
        self.label = label or database_id

    def query(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        return self.client.d1_query(self.database_id, sql, params, internal_env=self.internal_env)

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        result = self.query(sql, params)
        return list(result[0].get("results") or []) if result else []

    def ledger_exists(self, table: str) -> bool:
        found = self.rows("SELECT type FROM sqlite_master WHERE name = ? COLLATE NOCASE", [table])
        if not found:
            return False
        if found[0].get("type") != "table":
            raise InputError(f"ledger {table} on remote D1 {self.label} is a {found[0].get('type')}, not a table",
                             hint="point migrations_table at a free name")
        return True

    def read_ledger(self, table: str) -> list[LedgerRow]:
        if not self.ledger_exists(table):
            return []
        columns = [str(r.get("name")) for r in self.rows(f'PRAGMA table_info("{table}")')]
        check_ledger_columns(table, columns, where=f"remote D1 {self.label}")
        return rows_from_dicts(self.rows(select_sql(table)))

    def ensure_ledger(self, table: str) -> None:
        if self.ledger_exists(table):
            self.read_ledger(table)
            return
        self.query(create_table_sql(table))

    def master_rows(self) -> list[tuple[str, str, str, str | None]]:
        rows = self.rows("SELECT type, name, tbl_name, sql FROM sqlite_master")
        return [(str(r["type"]), str(r["name"]), str(r["tbl_name"]), r.get("sql")) for r in rows]

    def schema(self, table: str) -> Schema:
        return schema_from_master_rows(self.master_rows(), table)

    def apply_files(self, files: list[MigrationFile], table: str, *, display: Callable[[MigrationFile], str],
                    progress: Progress | None = None) -> list[MigrationOutcome]:
        outcomes: list[MigrationOutcome] = []
        try:
            self._apply(files, table, outcomes, display=display, progress=progress)
        except KeyboardInterrupt:
            from mbv_cli.core.migrations.local import Interrupted, interrupted_message

            done = [o.name for o in outcomes if o.status == "applied"]
            current = files[len(outcomes)].name if len(outcomes) < len(files) else None
            raise Interrupted(interrupted_message(done, current, rolled_back=False)) from None
        return outcomes

    def _apply(self, files: list[MigrationFile], table: str, outcomes: list[MigrationOutcome], *,
               display: Callable[[MigrationFile], str], progress: Progress | None) -> None:
        for index, migration in enumerate(files):
            if progress:
                progress(index, len(files), migration.name, None)
            started = time.perf_counter()
            # re-read just before sending: narrows the window another run could slip into
            if self.rows(f"SELECT name FROM {table} WHERE name = ?", [migration.name]):
                outcome = MigrationOutcome(migration.name, "skipped", file=display(migration),
                                           hint="applied meanwhile by another run")
            else:
                try:
                    self.query(migration.text + insert_suffix(table, migration.name))
                    outcome = MigrationOutcome(migration.name, "applied", (time.perf_counter() - started) * 1000,
                                               file=display(migration))
                except RemoteError as exc:
                    # a concurrent run may have applied it between our check and our batch: its
                    # statements then fail (table exists) or its ledger row does (UNIQUE)
                    if (f"UNIQUE constraint failed: {table}.name" in exc.message
                            or self.rows(f"SELECT name FROM {table} WHERE name = ?", [migration.name])):
                        outcome = MigrationOutcome(migration.name, "skipped", file=display(migration),
                                                   hint="applied meanwhile by another run")
                    else:
                        outcome = MigrationOutcome(
                            migration.name, "failed", (time.perf_counter() - started) * 1000, exc.message,
                            display(migration),
                            hint="D1 rolled this migration back; earlier ones stay applied")
            outcomes.append(outcome)
            if progress:
                progress(index, len(files), migration.name, outcome)
            if outcome.status == "failed":
                outcomes.extend(MigrationOutcome(m.name, "not_run", file=display(m)) for m in files[index + 1:])
                break

    def record_applied(self, table: str, names: list[str]) -> list[str]:
        applied = {row.name for row in self.read_ledger(table)}
        todo = [n for n in names if n not in applied]
        if todo:
            self.query("\n".join(insert_suffix(table, n).strip() for n in todo))
        return todo
