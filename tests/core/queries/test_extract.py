"""Which statements mbv draws from code: every form the code sends to D1, and what it must not take."""

from __future__ import annotations

from pathlib import Path

import pytest

from mbv_cli.core.code.parsing import parse_source
from mbv_cli.core.queries.extract import extract_statements


def _extract(tmp_path: Path, code: str) -> tuple[list[tuple[str | None, str, str]], list[str]]:
    path = tmp_path / "x.ts"
    path.write_text(code)
    parsed = parse_source(path, code.encode())
    assert not isinstance(parsed, type(None))
    found = extract_statements(parsed)  # type: ignore[arg-type]
    return [(s.binding, s.kind, s.sql) for s in found.statements], [d.reason for d in found.dynamic]


@pytest.mark.parametrize(("code", "expected"), [
    ('await env.DB.prepare("SELECT * FROM users WHERE id = ?1").bind(id).first();',
     [("DB", "prepare", "SELECT * FROM users WHERE id = ?1")]),
    ("await c.env.DB.prepare('DELETE FROM s WHERE id = ?').bind(id).run();",
     [("DB", "prepare", "DELETE FROM s WHERE id = ?")]),
    ('const { DB } = env;\nawait DB.prepare("SELECT 1 FROM t").all();', [("DB", "prepare", "SELECT 1 FROM t")]),
    ('const db = env.MAIN_DB;\nawait db.prepare("SELECT a FROM t").raw<[number]>();',
     [("MAIN_DB", "prepare", "SELECT a FROM t")]),
    ('const Q = "SELECT a FROM t WHERE b = ?";\nawait env.DB.prepare(Q).bind(1).all();',
     [("DB", "prepare", "SELECT a FROM t WHERE b = ?")]),
    ('const T = "posts";\nawait env.DB.prepare(`SELECT * FROM ${T} WHERE id = ?`).bind(1).first();',
     [("DB", "prepare", "SELECT * FROM posts WHERE id = ?")]),
    ('await env.DB.prepare(`SELECT * FROM t WHERE id IN (${ids.map(() => "?").join(", ")})`).bind(...ids).all();',
     [("DB", "prepare", "SELECT * FROM t WHERE id IN (?)")]),
    ('await env.DB.batch([env.DB.prepare("INSERT INTO a (x) VALUES (?)").bind(1), '
     'env.DB.prepare("UPDATE b SET y = ? WHERE z = ?").bind(2, 3)]);',
     [("DB", "prepare", "INSERT INTO a (x) VALUES (?)"), ("DB", "prepare", "UPDATE b SET y = ? WHERE z = ?")]),
    ('await env.DB.exec("CREATE TABLE IF NOT EXISTS k (v TEXT);\\nDELETE FROM k;");',
     [("DB", "exec", "CREATE TABLE IF NOT EXISTS k (v TEXT)"), ("DB", "exec", "DELETE FROM k")]),
    ("const rows = await sql`SELECT * FROM users WHERE email = ${email} AND org = ${org}`.all();",
     [(None, "tagged", "SELECT * FROM users WHERE email = ? AND org = ?")]),
    ("await env.DB.prepare(sql`SELECT * FROM users WHERE id = ${id}`).first();",
     [("DB", "tagged", "SELECT * FROM users WHERE id = ?")]),
])
def test_statement_forms_are_found(tmp_path: Path, code: str, expected: list[tuple[str | None, str, str]]) -> None:
    found, dynamic = _extract(tmp_path, code)
    assert found == expected
    assert dynamic == []


@pytest.mark.parametrize("code", [
    'const m = /a(b)/.exec("ab");',  # a RegExp
    "const m = pattern.exec(text);",
    'const s = i18n.prepare("Hello there");',  # not SQL
    'const query = "SELECT * FROM t"; // never sent to a database\nconsole.log(query);',
    "const frag = sql`count(*)`;",  # a fragment, not run
    "// env.DB.prepare('SELECT * FROM nowhere')",
])
def test_things_that_are_not_d1_statements(tmp_path: Path, code: str) -> None:
    found, dynamic = _extract(tmp_path, code)
    assert found == [] and dynamic == []


def test_a_runtime_interpolation_is_dynamic_not_guessed(tmp_path: Path) -> None:
    found, dynamic = _extract(tmp_path, "await env.DB.prepare(`SELECT * FROM t ORDER BY ${sort}`).all();")
    assert found == []
    assert dynamic == ["`${sort}` is neither a placeholder nor a constant"]


@pytest.mark.parametrize("code", [
    'this.ctx.storage.sql.exec("SELECT * FROM messages WHERE room = ?", room);',
    'const cursor = ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS kv (k TEXT, v TEXT)");',
    "const sql = this.ctx.storage.sql;\nsql.exec('SELECT 1 FROM t');",
    "const rows = await this.sql`SELECT * FROM messages WHERE id = ${id}`;",
])
def test_durable_object_sqlite_is_not_d1(tmp_path: Path, code: str) -> None:
    found, dynamic = _extract(tmp_path, code)
    assert found == [] and dynamic == []
