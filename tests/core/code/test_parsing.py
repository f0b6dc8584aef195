"""Parsing quirks of tree-sitter-typescript 0.23 that mbv works around."""

from __future__ import annotations

from pathlib import Path

import pytest

from mbv_cli.core.code.parsing import parse_source
from mbv_cli.core.rules import syntax


@pytest.mark.parametrize("tag", ["sql<Row>", "sql<Row[]>", "sql<{ id: number; name: string }>",
                                 "db.query<Array<Row>>", "sql<[Row, Row]>", "sql<Row, Other>"])
@pytest.mark.parametrize("suffix", [".ts", ".tsx"])
def test_tagged_template_with_type_arguments_parses(tag: str, suffix: str) -> None:
    text = f"export async function f(id: string) {{\n  const rows = await {tag}`SELECT * FROM t WHERE id = ${{id}}`;\n" \
           "  return rows;\n}\n"
    source = parse_source(Path("x" + suffix), text.encode())
    assert not source.has_errors
    calls = [c for c in syntax.nodes_of(source, "call_expression")
             if (a := c.child_by_field_name("arguments")) is not None and a.type == "template_string"]
    assert len(calls) == 1
    template = calls[0].child_by_field_name("arguments")
    assert template is not None
    # positions and text are those of the file as written
    assert source.position(template) == (2, text.splitlines()[1].index("`") + 1)
    assert source.node_text(calls[0]) == f"{tag}`SELECT * FROM t WHERE id = ${{id}}`"


def test_comparisons_are_left_alone() -> None:
    text = "const a = x < y;\nconst b = p > `q`;\nconst c = f<T>(1);\n"
    source = parse_source(Path("x.ts"), text.encode())
    assert not source.has_errors
    assert [n.type for n in syntax.nodes_of(source, "binary_expression")] == ["binary_expression"] * 2
