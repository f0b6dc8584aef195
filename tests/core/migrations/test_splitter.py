"""mbv's splitter against wrangler's own (the functions read from the pinned wrangler bundle, run by node)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mbv_cli.core.errors import InputError
from mbv_cli.core.migrations.splitter import line_column, split_statements
from tests.support.peers import PEERS, require_peer

FUNCTIONS = ["trimSqlQuery", "mayContainTransaction", "mayContainMultipleStatements", "splitSqlQuery",
             "splitSqlIntoStatements", "consumeWhile", "consumeUntilMarker", "isDollarQuoteIdentifier",
             "isCompoundStatementStart", "isCompoundStatementEnd"]

CASES = [
    "CREATE TABLE a(x);\nINSERT INTO a VALUES ('a;b');",
    "BEGIN TRANSACTION;\nCREATE TABLE t(x);\nCOMMIT;\nINSERT INTO t VALUES(1);\n",
    "CREATE TRIGGER tr AFTER INSERT ON a BEGIN UPDATE a SET x=1; END;\nSELECT 1;",
    "CREATE TRIGGER tr AFTER INSERT ON a begin UPDATE a SET x=1; end;\nSELECT 1;",
    "SELECT CASE WHEN 1 THEN 2 END; SELECT 3;",
    "select 1 /* ; */; select $$a;b$$; select $tag$x;y$tag$;",
    "-- only a comment;\n",
    "CREATE TABLE t(x)",
    "SELECT 1; -- trailing ; comment\n/* block\n;*/ SELECT 2",
    "SELECT 'it''s;'; SELECT \"a;b\", `c;d`; SELECT 1-2; SELECT 4/2;",
    "SELECT $1; SELECT 2;",
    "  \n\n  CREATE TABLE x(a);   \n",
    "CREATE TABLE a(x);COMMIT;\n",
    # JS `$` is the end of the text; Python's `$` also matches before a final newline (found by hypothesis)
    " END; * BEGIN \nCOMMIT; END;",
    "x CASE \nWHEN 1 END;\nSELECT 2;",
]


def _wrangler_source() -> str:
    require_peer("wrangler")
    bundle = (PEERS / "node_modules" / "wrangler" / "wrangler-dist" / "cli.js").read_text()
    parts = []
    for name in FUNCTIONS:
        m = re.search(rf"^function {name}\(.*?^}}$", bundle, re.S | re.M)
        assert m, name
        parts.append(m.group(0))
    return "class UserError extends Error {}\n" + "\n".join(parts)


def wrangler_split(inputs: list[str]) -> list[object]:
    script = _wrangler_source() + """
const inputs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(inputs.map((s) => { try { return splitSqlQuery(s); } catch (e) { return 'ERROR'; } })));
"""
    out = subprocess.run(["node", "-e", script], input=json.dumps(inputs), capture_output=True, text=True,
                         check=True, timeout=60)
    return list(json.loads(out.stdout))


def mbv_split(sql: str) -> object:
    try:
        return [s.text for s in split_statements(sql)]
    except InputError:
        return "ERROR"


@pytest.mark.wrangler
def test_known_cases_split_like_wrangler() -> None:
    expected = wrangler_split(CASES)
    assert [mbv_split(c) for c in CASES] == expected


SQL_ALPHABET = st.sampled_from(["SELECT 1", ";", "'", '"', "`", "$", "$$", "$a$", "-", "--", "/*", "*/", "\n", " ",
                                "BEGIN", " BEGIN ", " END;", " END ", " end ", "CASE ", "x", "é", "COMMIT;",
                                "BEGIN TRANSACTION;", "(", ")", "/", "*"])


@pytest.mark.wrangler
@settings(max_examples=2, deadline=None)
@given(st.lists(st.lists(SQL_ALPHABET, max_size=25).map("".join), min_size=300, max_size=300))
def test_random_sql_splits_like_wrangler(samples: list[str]) -> None:
    expected = wrangler_split(samples)
    for sample, want in zip(samples, expected, strict=True):
        assert mbv_split(sample) == want, sample


def test_statements_point_back_at_their_lines() -> None:
    sql = "-- header\nBEGIN TRANSACTION;\nCREATE TABLE a(x);\n\n/* note */ INSERT INTO a VALUES (1);\nCOMMIT;\n"
    statements = split_statements(sql)
    assert [s.text for s in statements] == ["CREATE TABLE a(x)", "INSERT INTO a VALUES (1)"]
    assert [line_column(sql, s.start) for s in statements] == [(3, 1), (5, 12)]


def test_several_transactions_are_refused() -> None:
    with pytest.raises(InputError, match="several transactions"):
        split_statements("BEGIN TRANSACTION;\nSELECT 1;\nCOMMIT;\nBEGIN TRANSACTION;\nSELECT 2;\nCOMMIT;")
