"""The linear-time rewrites keep the behaviour of what they replace: split_words is shlex.split
(posix, no comments), strip_comments is the character-by-character scan, LineCounter is
line_column. Random inputs from the characters each rule reacts to."""

from __future__ import annotations

import random
import shlex

from mbv_cli.core.migrations.splitter import LineCounter, line_column, split_statements, strip_comments
from mbv_cli.core.replay.curl import split_words


def reference_strip_comments(sql: str) -> str:
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"`":
            j = sql.find(ch, i + 1)
            j = n if j < 0 else j + 1
            out.append(sql[i:j])
            i = j
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def test_split_words_is_shlex_split() -> None:
    rng = random.Random(17)
    alphabet = [" ", "\t", "\n", "\r", "'", '"', "\\", "a", "$", "#", '\\"', "\\\\", "x y", "é", "\v", "\u00a0", ";"]
    for _ in range(40_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        try:
            expected: object = shlex.split(text, comments=False, posix=True)
        except ValueError as exc:
            expected = ("error", str(exc))
        try:
            got: object = split_words(text)
        except ValueError as exc:
            got = ("error", str(exc))
        assert got == expected, repr(text)


def test_strip_comments_and_line_counter_match_the_simple_versions() -> None:
    rng = random.Random(3)
    alphabet = ["'", '"', "`", "--", "-", "/*", "*/", "/", "*", "\n", "x", " ", ";", "BEGIN", "END"]
    for _ in range(20_000):
        sql = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        assert strip_comments(sql) == reference_strip_comments(sql), repr(sql)
        counter = LineCounter(sql)
        offsets = [*sorted(rng.randint(0, len(sql)) for _ in range(4)), 0]
        for offset in offsets:  # increasing, then one going back
            assert counter.line_at(offset) == line_column(sql, offset)[0]


def test_plain_runs_keep_statement_offsets() -> None:
    sql = "CREATE TABLE t(x);\n-- note\nINSERT INTO t VALUES ('a;b');\nCREATE TRIGGER r AFTER INSERT ON t BEGIN\n" \
          "  SELECT 1;\nEND;\n"
    statements = split_statements(sql)
    assert [s.text.split()[0] for s in statements] == ["CREATE", "INSERT", "CREATE"]
    for statement in statements:
        assert "".join(sql[o] for o in statement.offsets) == statement.text
