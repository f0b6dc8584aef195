"""The SQL statements a Worker's code sends to D1, drawn from the tree-sitter tree.

A statement is the first argument of `<receiver>.prepare(...)` or `<receiver>.exec(...)` when it is a
string, a template literal, a `const` naming one, or a tagged template (`` sql`...` ``). A template's
interpolations must be placeholders (`${"?"}`, `${ids.map(() => "?").join(",")}`) or constants (a
literal, a `const` string or number); each tagged-template interpolation is a bound value, so it becomes
`?`. Anything else (`ORDER BY ${sort}`) makes the statement *dynamic*: it is counted, never guessed.
Statements inside `db.batch([...])` are `prepare` calls and are found the same way. `.exec` is taken
only on a receiver that names a D1 binding or a database (`/re/.exec(s)` is a RegExp); a Durable
Object's own SQLite (`ctx.storage.sql.exec`, an Agent's `this.sql`) is not D1 and is left alone.

The binding is named by the receiver: `env.DB.prepare` and `c.env.DB.prepare` -> DB, a destructured
`DB.prepare` -> DB, `const db = env.DB; db.prepare` -> DB. Otherwise the receiver's name is kept as a
hint, and the checker falls back to the Worker's only D1 binding when it has exactly one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mbv_cli.core.rules import syntax

if TYPE_CHECKING:
    from tree_sitter import Node

    from mbv_cli.core.code.parsing import SourceFile

SQL_KEYWORD = re.compile(r"^\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*(SELECT|INSERT|UPDATE|DELETE|REPLACE|WITH|CREATE|"
                         r"DROP|ALTER|PRAGMA)\b", re.IGNORECASE | re.DOTALL)
DATABASE_NAME = re.compile(r"(?i)(?:^|_)(?:db|d1|database)(?:$|_)|db$|database$|^d1")
# a Durable Object's own SQLite storage (`ctx.storage.sql.exec`, an Agent's `this.sql`): not D1
DO_STORAGE = re.compile(r"(?:^|\.)storage\.sql$|(?:^|\.)sql$")
PLACEHOLDER_EXPR = re.compile(r"""["'`]\?["'`]""")
RUNNERS = frozenset({"first", "all", "run", "raw"})


@dataclass(frozen=True, slots=True)
class SqlStatement:
    """One statement as the code sends it, with `?` where the code binds or interpolates values."""

    file: Path
    line: int
    column: int
    sql: str
    binding: str | None  # the D1 binding the receiver names, when the code names one
    receiver: str  # the receiver's source text (`env.DB`, `db`), for messages and the fallback
    kind: str  # "prepare", "exec", "tagged", "ddl" (a DDL string literal the code holds)
    interpolated: bool  # a template with substitutions: `?`/constants were put in by mbv

    def to_dict(self) -> dict[str, Any]:
        from mbv_cli.core.binding_list import display_path

        return {"file": display_path(self.file), "line": self.line, "column": self.column, "sql": self.sql,
                "binding": self.binding, "receiver": self.receiver, "kind": self.kind}


@dataclass(frozen=True, slots=True)
class DynamicSql:
    """A statement whose text mbv cannot know (an interpolation that is neither a placeholder nor a constant)."""

    file: Path
    line: int
    column: int
    receiver: str
    reason: str
    head: str = ""  # the text before the first interpolation mbv could not know (`ALTER TABLE t ADD COLUMN `)


@dataclass(slots=True)
class FileStatements:
    """The statements of one file; picklable, so it can come back from the doctor's process pool."""

    statements: list[SqlStatement]
    dynamic: list[DynamicSql]


_DDL_TEXT = re.compile(r"\b(?:CREATE\s+(?:VIRTUAL\s+)?TABLE|ALTER\s+TABLE|CREATE\s+(?:UNIQUE\s+)?INDEX)\b", re.I)
DDL_START = re.compile(r"^\s*(?:CREATE|ALTER\s+TABLE)\b", re.I)


def may_hold_sql(text: str) -> bool:
    """A byte-cheap test: the file calls prepare/exec, uses a tagged template that starts like SQL,
    or holds DDL text (a schema the code applies itself, e.g. a list of `ALTER TABLE` strings)."""
    return ".prepare(" in text or ".exec(" in text or bool(re.search(r"\w`\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH)",
                                                                      text, re.IGNORECASE)) \
        or bool(_DDL_TEXT.search(text))


def extract_statements(source: SourceFile) -> FileStatements:
    out = FileStatements([], [])
    if not may_hold_sql(source.text):
        return out
    consts = _constants(source)
    for call in syntax.nodes_of(source, "call_expression"):
        fn = syntax.callee(call)
        if fn is None or fn.type != "member_expression":
            continue
        method = syntax.member_property(fn)
        if method not in ("prepare", "exec"):
            continue
        args = syntax.arguments(call)
        if not args:
            continue
        recv = fn.child_by_field_name("object")
        if recv is None:
            continue
        binding, receiver_text = _binding_of(source, recv)
        if binding is None and DO_STORAGE.search(re.sub(r"[?\s]", "", receiver_text)):
            continue
        if method == "exec" and binding is None and not DATABASE_NAME.search(_last_name(receiver_text)):
            continue
        _add(source, out, args[0], consts, binding, receiver_text, method)
    for tagged in _tagged_templates(source):
        _add(source, out, tagged, consts, None, "", "tagged")
    _add_ddl_strings(source, out)
    return out


def _add_ddl_strings(source: SourceFile, out: FileStatements) -> None:
    """String literals that are DDL (`'ALTER TABLE users ADD COLUMN x TEXT'` in a list the code runs
    in a loop): the schema the Worker applies itself, whoever sends them. Kind "ddl", no binding."""
    if not _DDL_TEXT.search(source.text):
        return
    taken = {(s.line, s.column) for s in out.statements}
    for node in syntax.nodes_of(source, "string", "template_string"):
        value = syntax.string_value(source, node)
        if value is None or not DDL_START.match(value):
            continue
        line, column = source.position(node)
        if (line, column) in taken:
            continue
        call = node.parent.parent if node.parent is not None and node.parent.type == "arguments" else None
        callee = syntax.callee(call) if call is not None else None
        if callee is not None and callee.type == "member_expression":
            receiver = callee.child_by_field_name("object")
            if receiver is not None and DO_STORAGE.search(re.sub(r"[?\s]", "", source.node_text(receiver))):
                continue  # a Durable Object's own SQLite
        out.statements.append(SqlStatement(source.path, line, column, _unescape(value).strip(), None, "", "ddl",
                                           False))


def _add(source: SourceFile, out: FileStatements, arg: Node, consts: dict[str, str], binding: str | None,
         receiver: str, kind: str) -> None:
    text, reason, interpolated = _sql_text(source, arg, consts)
    line, column = source.position(arg)
    if text is None:
        if reason is not None:
            why, _, head = reason.partition("\x00")
            out.dynamic.append(DynamicSql(source.path, line, column, receiver, why, head))
        return
    if not SQL_KEYWORD.match(text):
        return
    tag = kind
    if arg.type == "call_expression" and kind != "tagged":
        tag = "tagged"
    pieces = _split(text) if kind == "exec" else [text]
    for piece in pieces:
        if SQL_KEYWORD.match(piece):
            out.statements.append(SqlStatement(source.path, line, column, piece.strip(), binding, receiver, tag,
                                               interpolated))


def _split(text: str) -> list[str]:
    """`exec` takes several statements: split where SQLite says a statement is complete."""
    import sqlite3

    pieces: list[str] = []
    start = 0
    for match in re.finditer(";", text):
        chunk = text[start:match.end()]
        if sqlite3.complete_statement(chunk):
            pieces.append(chunk.strip().rstrip(";"))
            start = match.end()
    rest = text[start:].strip()
    if rest:
        pieces.append(rest)
    return [p for p in pieces if p.strip()]


def _constants(source: SourceFile) -> dict[str, str]:
    found = dict(syntax.const_strings(source))
    for decl in syntax.nodes_of(source, "lexical_declaration"):
        if not decl.children or decl.children[0].type != "const":
            continue
        for declarator in decl.named_children:
            name = declarator.child_by_field_name("name") if declarator.type == "variable_declarator" else None
            value = declarator.child_by_field_name("value") if name is not None else None
            if name is not None and value is not None and name.type == "identifier" and value.type == "number":
                found[source.node_text(name)] = source.node_text(value)
    return found


def _sql_text(source: SourceFile, node: Node, consts: dict[str, str]) -> tuple[str | None, str | None, bool]:
    """(text, why it is dynamic, interpolated) of a SQL argument."""
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        return _sql_text(source, node.named_children[0], consts)
    if node.type == "string":
        value = syntax.string_value(source, node)
        return (_unescape(value) if value is not None else None), None, False
    if node.type == "identifier":
        value = consts.get(source.node_text(node))
        return (_unescape(value) if value is not None else None), None, False
    if node.type == "binary_expression" and node.child_by_field_name("operator") is not None \
            and source.node_text(node.child_by_field_name("operator")) == "+":  # type: ignore[arg-type]
        left = _sql_text(source, node.child_by_field_name("left"), consts)  # type: ignore[arg-type]
        right = _sql_text(source, node.child_by_field_name("right"), consts)  # type: ignore[arg-type]
        if left[0] is None or right[0] is None:  # 'SELECT ' + column: built at run time
            return None, left[1] or right[1], True
        return left[0] + right[0], None, left[2] or right[2]
    if node.type == "template_string":
        return _template(source, node, consts, tagged=False)
    if node.type == "call_expression":  # sql`...` given to prepare
        fn = syntax.callee(node)
        args = node.child_by_field_name("arguments")
        if fn is not None and args is not None and args.type == "template_string":
            return _template(source, args, consts, tagged=True)
    return None, None, False


def _template(source: SourceFile, node: Node, consts: dict[str, str], *, tagged: bool
              ) -> tuple[str | None, str | None, bool]:
    parts: list[str] = []
    interpolated = False
    for child in node.children:
        if child.type == "`":
            continue
        if child.type != "template_substitution":
            parts.append(source.node_text(child))
            continue
        interpolated = True
        expr = child.named_children[0] if child.named_children else None
        if tagged:
            parts.append("?")
            continue
        value = _constant_expression(source, expr, consts)
        if value is None:
            return None, f"`{source.node_text(child)}` is neither a placeholder nor a constant\x00{''.join(parts)}", True
        parts.append(value)
    return _unescape("".join(parts)), None, interpolated


def _constant_expression(source: SourceFile, expr: Node | None, consts: dict[str, str]) -> str | None:
    if expr is None:
        return None
    if expr.type == "number":
        return source.node_text(expr)
    if expr.type in ("string", "template_string"):
        return syntax.string_value(source, expr)
    if expr.type == "identifier":
        return consts.get(source.node_text(expr))
    text = source.node_text(expr)
    if PLACEHOLDER_EXPR.search(text) and (".join(" in text or ".fill(" in text or ".repeat(" in text):
        return "?"  # ids.map(() => "?").join(", "): a list of placeholders, one value stands for it
    return None


def _unescape(text: str) -> str:
    return re.sub(r"\\([\\'\"`$nrt])", lambda m: {"n": "\n", "r": "\r", "t": "\t"}.get(m.group(1), m.group(1)), text)


def _tagged_templates(source: SourceFile) -> list[Node]:
    """`` sql`SELECT ...` `` whose result is run as a D1 statement (`.all()`, `.first()`, ... on it, or awaited)."""
    found: list[Node] = []
    for call in syntax.nodes_of(source, "call_expression"):
        args = call.child_by_field_name("arguments")
        fn = syntax.callee(call)
        if args is None or args.type != "template_string" or fn is None or fn.type != "identifier":
            continue  # `this.sql\`...\`` is an Agent's own SQLite, not D1: only a plain tag is a helper
        parent = call.parent
        if parent is not None and parent.type == "arguments":
            grand = parent.parent
            if grand is not None and syntax.method_name(grand) == "prepare":
                continue  # handled as prepare's argument
        used = parent is not None and (
            parent.type == "await_expression"
            or (parent.type == "member_expression" and syntax.member_property(parent) in RUNNERS | {"bind"})
        )
        if used:
            found.append(call)
    return found


def _last_name(receiver: str) -> str:
    return re.split(r"[.?\s]+", receiver.strip())[-1] if receiver.strip() else ""


def _binding_of(source: SourceFile, recv: Node) -> tuple[str | None, str]:
    text = source.node_text(recv)
    if recv.type == "member_expression":
        names = syntax.chain_names(recv)
        if len(names) >= 2 and names[-2] == "env":
            return names[-1], text
        return None, text
    if recv.type == "identifier":
        value = syntax.declared_value(source, recv)
        if value is not None and value.type == "member_expression":
            names = syntax.chain_names(value)
            if len(names) >= 2 and names[-2] == "env":
                return names[-1], text
        if _destructured_from_env(source, recv):
            return text, text
    return None, text


def _destructured_from_env(source: SourceFile, ident: Node) -> bool:
    """`const { DB } = env` / `c.env` / a destructured parameter typed with the env."""
    name = source.node_text(ident)
    for pattern in syntax.nodes_of(source, "object_pattern"):
        if pattern.start_byte > ident.start_byte:
            break
        if not any(source.node_text(p) == name or source.node_text(p).startswith(name + ":")
                   or source.node_text(p).endswith(": " + name)
                   for p in pattern.named_children):
            continue
        parent = pattern.parent
        if parent is not None and parent.type == "variable_declarator":
            value = parent.child_by_field_name("value")
            names = syntax.chain_names(value) if value is not None else []
            if names and names[-1] == "env":
                return True
        if parent is not None and parent.type in ("required_parameter", "optional_parameter"):
            return True
    return False
