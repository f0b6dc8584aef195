"""Statements prepared and planned against the binding's schema: local D1 file or replayed migrations."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.core.queries.conftest import ShopWorker

USERS = """CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL, org TEXT NOT NULL);
CREATE INDEX users_email ON users (email);
"""


def _codes(result: Any) -> list[tuple[str, str]]:
    return sorted((f.code, f.message) for f in result.findings)


def test_every_statement_prepares_and_a_clean_schema_has_no_findings(shop: ShopWorker, check_shop: Callable[..., Any]) -> None:
    shop.migration("0001_users.sql", USERS)
    shop.code("""
export default { async fetch(req: Request, env: Env) {
  const a = await env.DB.prepare("SELECT id FROM users WHERE email = ?1").bind("x").first();
  await env.DB.batch([env.DB.prepare("INSERT INTO users (id, email, org) VALUES (?, ?, ?)").bind(1, 2, 3)]);
  return Response.json(a);
} } satisfies ExportedHandler<Env>;
""")
    result = check_shop(shop, assume_rows={"*": 50_000})
    assert result.findings == []
    statuses = [(s.statement.sql.split()[0], s.status) for b in result.bindings for s in b.statements]
    assert statuses == [("SELECT", "ok"), ("INSERT", "ok")]
    assert result.bindings[0].schema_mode == "migrations"


def test_unknown_column_and_table_are_errors_with_no_migration_to_name(shop: ShopWorker, check_shop: Callable[..., Any]) -> None:
    shop.migration("0001_users.sql", USERS)
    shop.code("""export default { async fetch(req: Request, env: Env) {
  await env.DB.prepare("SELECT avatar FROM users WHERE id = ?").bind(1).first();
  await env.DB.prepare("INSERT INTO orders (id) VALUES (?)").bind(1).run();
  return new Response("ok");
} };""")
    result = check_shop(shop)
    found = sorted((f.code, f.line, f.message.split(": ", 1)[1]) for f in result.findings)
    assert found == [("MBV320", 2, "no such column: avatar"), ("MBV320", 3, "no such table: orders")]
    assert all("no migration in migrations_dir adds it" in (f.hint or "") for f in result.findings)
    assert all(f.severity.value == "error" for f in result.findings)


def test_a_table_from_a_migration_the_local_database_has_not_applied(shop: ShopWorker, check_shop: Callable[..., Any]) -> None:
    shop.migration("0001_users.sql", USERS)
    shop.migration("0002_orders.sql", "CREATE TABLE orders (id TEXT PRIMARY KEY, user_id TEXT NOT NULL);\n")
    shop.code('export default { async fetch(r: Request, env: Env) { await env.DB.prepare('
              '"SELECT id FROM orders WHERE user_id = ?").bind(1).all(); return new Response(""); } };')
    shop.apply_locally("0001_users.sql").close()
    result = check_shop(shop)
    assert result.bindings[0].schema_mode == "local"
    [finding] = result.findings
    assert finding.code == "MBV320" and "no such table: orders" in finding.message
    assert finding.hint is not None and "0002_orders.sql adds it" in finding.hint and "has not applied it" in finding.hint
    shop.apply_locally("0002_orders.sql").close()
    assert check_shop(shop).findings == []


def test_a_full_scan_an_index_fixes_is_reported_until_the_migration_adds_it(shop: ShopWorker,
                                                                           check_shop: Callable[..., Any]) -> None:
    shop.migration("0001_users.sql", USERS)
    shop.code('export default { async fetch(r: Request, env: Env) {\n'
              '  const { results } = await env.DB.prepare("SELECT id, email FROM users u WHERE u.org = ?1")'
              '.bind("acme").all();\n  return Response.json(results); } };')
    assert check_shop(shop).findings == []  # no local data, nothing assumed: the size is unknown
    result = check_shop(shop, assume_rows={"users": 20_000})
    [finding] = result.findings
    assert finding.code == "MBV321" and finding.severity.value == "warning"
    assert "full scan of users (20,000 rows, assumed)" in finding.message and finding.line == 2
    assert finding.hint is not None and finding.hint.startswith("CREATE INDEX idx_users_org ON users (org);")
    assert check_shop(shop, assume_rows={"users": 500}).findings == []  # below --min-rows
    shop.migration("0002_users_org.sql", "CREATE INDEX idx_users_org ON users (org);\n")
    assert check_shop(shop, assume_rows={"users": 20_000}).findings == []


def test_row_counts_come_from_the_local_database(shop: ShopWorker, check_shop: Callable[..., Any]) -> None:
    shop.migration("0001_users.sql", USERS)
    shop.code('export default { async fetch(r: Request, env: Env) { await env.DB.prepare('
              '"DELETE FROM users WHERE org = ?").bind(1).run(); return new Response(""); } };')
    conn = shop.apply_locally("0001_users.sql")
    with conn:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO users VALUES (?, ?, ?)", [(str(i), f"u{i}@x", f"o{i % 7}") for i in range(1500)])
    conn.close()
    [finding] = check_shop(shop).findings
    assert finding.code == "MBV321" and "1,500 rows" in finding.message and "assumed" not in finding.message
    assert check_shop(shop, min_rows=2000).findings == []


def test_like_with_a_leading_wildcard_points_at_fts(shop: ShopWorker, check_shop: Callable[..., Any]) -> None:
    shop.migration("0001_posts.sql", "CREATE TABLE posts (id TEXT PRIMARY KEY, title TEXT NOT NULL);\n")
    shop.code('export default { async fetch(r: Request, env: Env) { await env.DB.prepare('
              '"SELECT id FROM posts WHERE title LIKE ?1").bind("%cat%").all(); return new Response(""); } };')
    [finding] = check_shop(shop, assume_rows={"*": 20_000}).findings
    assert finding.code == "MBV321" and "LIKE" in finding.message and "FTS5" in (finding.hint or "")


def test_the_coercion_repro_untyped_id_and_boolean(shop: ShopWorker, check_shop: Callable[..., Any]) -> None:
    """The guide's trap: `id` without a type holds TEXT '123' from a form, `WHERE id = ?` with 123 misses it."""
    shop.migration("0001_items.sql", "CREATE TABLE items (\n  id,\n  name TEXT,\n  active BOOLEAN\n);\n")
    shop.code('export default { async fetch(r: Request, env: Env) { await env.DB.prepare('
              '"SELECT name FROM items WHERE id = ?").bind(123).first(); return new Response(""); } };')
    conn = shop.apply_locally("0001_items.sql")
    conn.execute("INSERT INTO items VALUES ('123', 'from a form', 'true')")
    conn.executemany("INSERT INTO items VALUES (?, 'api', 1)", [(n,) for n in range(124, 144)])
    assert conn.execute("SELECT count(*) FROM items WHERE id = ?", (123,)).fetchone() == (0,)  # the repro itself
    conn.close()
    result = check_shop(shop)
    by_code = {f.code: f for f in result.findings}
    assert set(by_code) == {"MBV322", "MBV323", "MBV324"}
    assert by_code["MBV322"].message.startswith("items.id is declared without a type")
    assert by_code["MBV322"].file is not None and by_code["MBV322"].file.endswith("0001_items.sql")
    assert by_code["MBV322"].line == 2
    assert by_code["MBV323"].message.startswith("items.active is BOOLEAN") and by_code["MBV323"].line == 4
    mixed = [f for f in result.findings if f.code == "MBV324"]
    assert sorted(f.message.split(" holds")[0] for f in mixed) == ["items.active", "items.id"]
    assert "20 integer, 1 text" in next(f.message for f in mixed if f.message.startswith("items.id"))


def _snapshot(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def test_read_only_and_fast_on_a_100mb_database_with_200_statements(shop: ShopWorker,
                                                                   check_shop: Callable[..., Any]) -> None:
    """sha256 and listing of the local state unchanged; 200 statements checked in under a second."""
    tables = 10
    shop.migration("0001_tables.sql", "".join(
        f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b INTEGER NOT NULL, c TEXT);\n"
        f"CREATE INDEX t{i}_a ON t{i} (a);\n" for i in range(tables)))
    lines = [f'  await env.DB.prepare("SELECT id, c FROM t{n % tables} WHERE a = ?{1 + n % 3}").bind(1, 2, 3).all();'
             if n % 2 else f'  await env.DB.prepare("UPDATE t{n % tables} SET c = ? WHERE id = ?").bind(1, 2).run();'
             for n in range(200)]
    shop.code("export default { async fetch(r: Request, env: Env) {\n" + "\n".join(lines) + "\n  return new Response(''); } };")
    conn = shop.apply_locally("0001_tables.sql")
    blob = "x" * 1100
    conn.execute("BEGIN")
    for i in range(tables):
        conn.executemany(f"INSERT INTO t{i} (a, b, c) VALUES (?, ?, ?)", ((f"k{n}", n, blob) for n in range(10_000)))
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    size = shop.local_file.stat().st_size
    assert size > 100 * 1024 * 1024
    state = shop.local_file.parent
    before = _snapshot(state)
    mtimes = {p: os.stat(p).st_mtime_ns for p in state.iterdir()}
    started = time.perf_counter()
    result = check_shop(shop)
    elapsed = time.perf_counter() - started
    assert sum(len(b.statements) for b in result.bindings) == 200
    assert [f.code for f in result.findings] == []
    assert _snapshot(state) == before
    assert {p: os.stat(p).st_mtime_ns for p in state.iterdir()} == mtimes
    assert elapsed < 1.0, f"{elapsed:.2f}s for 200 statements on {size / 2**20:.0f} MiB"


def test_nothing_to_check_without_migrations_or_local_state(shop: ShopWorker, check_shop: Callable[..., Any]) -> None:
    shop.code('export default { async fetch(r: Request, env: Env) { await env.DB.prepare("SELECT 1 FROM x").all();'
              ' return new Response(""); } };')
    (shop.root / "migrations").rmdir()
    result = check_shop(shop)
    assert result.findings == [] and result.bindings[0].schema_mode == "none"
    assert any("no local database and no migrations" in n for n in result.notes)


def test_sampling_reads_at_most_the_cap(tmp_path: Path) -> None:
    from mbv_cli.core.db.storage_classes import sample_table

    db = tmp_path / "x.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (v)")
        conn.executemany("INSERT INTO t VALUES (?)", [(i if i % 2 else str(i),) for i in range(100)])
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    [classes] = sample_table(conn, "t", [("v", "")], limit=10)
    assert dict(classes.counts) == {"text": 5, "integer": 5} and classes.mixed


def test_tables_the_worker_creates_itself_are_part_of_its_schema(shop: ShopWorker,
                                                                 check_shop: Callable[..., Any]) -> None:
    """`CREATE TABLE IF NOT EXISTS` run by the code (at start-up) before it queries the table: not MBV320."""
    shop.migration("0001_users.sql", USERS)
    shop.code("""export default { async fetch(r: Request, env: Env) {
  await env.DB.prepare("SELECT role FROM role_matrix WHERE user_id = ?").bind(1).first();
  await env.DB.exec("CREATE TABLE IF NOT EXISTS role_matrix (user_id TEXT PRIMARY KEY, role TEXT NOT NULL)");
  return new Response("");
} };""")
    assert check_shop(shop).findings == []
    local = shop.apply_locally("0001_users.sql")
    local.close()
    assert check_shop(shop).findings == []  # the local file is never written: the copy gets the table
    assert "role_matrix" not in {r[0] for r in sqlite3.connect(shop.local_file).execute(
        "SELECT name FROM sqlite_master")}


def test_ddl_strings_the_code_runs_in_a_loop_and_a_schema_sql_count(shop: ShopWorker,
                                                                    check_shop: Callable[..., Any]) -> None:
    """Schema the Worker applies itself (a list of ALTER TABLE strings run in a loop) and a schema.sql
    beside the Worker's folder (applied with `wrangler d1 execute --file`) are part of its schema."""
    shop.migration("0001_users.sql", USERS)
    shop.code("""const UPGRADES = [
  'ALTER TABLE users ADD COLUMN avatar TEXT',
  'CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, at TEXT)',
];
export async function upgrade(env: Env) { for (const sql of UPGRADES) await env.DB.prepare(sql).run(); }
""", name="schema.ts")
    shop.code("""import { upgrade } from "./schema";
export default { async fetch(r: Request, env: Env) {
  await upgrade(env);
  await env.DB.prepare("SELECT avatar FROM users WHERE id = ?").bind(1).first();
  await env.DB.prepare("INSERT INTO audit (at) VALUES (?)").bind("now").run();
  await env.DB.prepare("SELECT " + "total FROM ledger WHERE id = ?").bind(1).first();
  return new Response("");
} };""")
    [finding] = check_shop(shop).findings  # `ledger`: created by no migration, no code, no .sql file
    assert finding.code == "MBV320" and "no such table: ledger" in finding.message
    (shop.root.parent / "schema.sql").write_text("-- applied with wrangler d1 execute --file\n"
                                                 "CREATE TABLE IF NOT EXISTS ledger (id TEXT PRIMARY KEY, total INTEGER);\n")
    result = check_shop(shop)
    assert result.findings == []
    assert any("schema.sql" in note for note in result.notes)


def test_a_view_over_a_column_no_migration_creates_is_no_crash(shop: ShopWorker, check_shop: Callable[..., Any]) -> None:
    # review K of 69acb17 (clickhouse-monitoring): `PRAGMA table_xinfo` of such a view raised; doctor exited 3
    shop.migration("0001_users.sql", USERS)
    shop.migration("0002_view.sql", "CREATE VIEW v_versions AS SELECT chm_version FROM users;\n")
    shop.code("""export default { async fetch(req: Request, env: Env) {
  await env.DB.prepare("SELECT id FROM users WHERE id = ?").bind(1).first();
  return new Response("ok");
} };""")
    result = check_shop(shop)
    assert [f for f in result.findings if f.code == "MBV320"] == []
