"""Small questions asked of tree-sitter TypeScript/JavaScript trees by several rules.

Node types and field names follow tree-sitter-typescript 0.23 (`call_expression.function`,
`member_expression.object/.property`, `template_string` > `template_substitution`, ...).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mbv_cli.core.code.parsing import walk as walk

if TYPE_CHECKING:
    from tree_sitter import Node, Tree

    from mbv_cli.core.code.parsing import SourceFile

FUNCTION_TYPES = frozenset({
    "function_declaration", "function_expression", "arrow_function", "method_definition",
    "generator_function_declaration", "generator_function", "function",
})
LOOP_TYPES = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})
STRING_TYPES = frozenset({"string", "template_string"})

SQL_START = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|REPLACE|WITH|BEGIN|COMMIT|ROLLBACK|"
    r"SAVEPOINT|RELEASE|END|VACUUM|ANALYZE|UPSERT)\b",
    re.IGNORECASE,
)


def text(source: SourceFile, node: Node | None) -> str:
    return "" if node is None else source.node_text(node)


@functools.lru_cache(maxsize=256)
def _index(tree: Tree) -> dict[str, list[Node]]:
    """Every node of a tree by type, in document order: one walk per file, shared by all rules."""
    index: dict[str, list[Node]] = defaultdict(list)
    for node in walk(tree.root_node):
        index[node.type].append(node)
    return index


def nodes_of(source: SourceFile, *types: str) -> list[Node]:
    """The nodes of these types in the whole file, in document order."""
    index = _index(source.tree)
    if len(types) == 1:
        return index.get(types[0], [])
    found = [n for t in types for n in index.get(t, [])]
    found.sort(key=lambda n: n.start_byte)
    return found


def descendants(root: Node, *types: str) -> Iterator[Node]:
    """Nodes of these types below `root` (a walk: for small subtrees)."""
    wanted = frozenset(types)
    return (n for n in walk(root) if n.type in wanted)


def words(name: str) -> list[str]:
    """`jwtSecretKey` / `JWT_SECRET_KEY` -> ["jwt", "secret", "key"]."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    # any script: `clé_secrète` -> ["clé", "secrète"] (a word of letters is never cut at a non-ASCII letter)
    return [w.lower() for w in re.split(r"[\W_]+", spaced) if w]


def string_value(source: SourceFile, node: Node | None) -> str | None:
    """The value of a string literal, or of a template literal without substitutions."""
    if node is None:
        return None
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        return string_value(source, node.named_children[0])
    if node.type == "string":
        return source.node_text(node)[1:-1]
    if node.type == "template_string":
        if any(c.type == "template_substitution" for c in node.children):
            return None
        return source.node_text(node)[1:-1]
    return None


def callee(node: Node) -> Node | None:
    return node.child_by_field_name("function") if node.type == "call_expression" else None


def member_property(node: Node | None) -> str | None:
    if node is None or node.type != "member_expression":
        return None
    prop = node.child_by_field_name("property")
    return prop.text.decode("utf-8", "replace") if prop is not None and prop.text is not None else None


def method_name(call: Node) -> str | None:
    """`a.b.c(...)` -> "c"; `f(...)` -> "f"."""
    fn = callee(call)
    if fn is None:
        return None
    if fn.type == "member_expression":
        return member_property(fn)
    if fn.type == "identifier" and fn.text is not None:
        return fn.text.decode("utf-8", "replace")
    return None


def receiver(call: Node) -> Node | None:
    fn = callee(call)
    return fn.child_by_field_name("object") if fn is not None and fn.type == "member_expression" else None


def arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [c for c in args.named_children if c.type != "comment"]


def chain_names(node: Node | None) -> list[str]:
    """Names along a member/call chain: `env.DB.prepare(q).bind(x).first` -> [env, DB, prepare, bind, first]."""
    names: list[str] = []
    while node is not None:
        if node.type == "member_expression":
            prop = member_property(node)
            names.append(prop or "")
            node = node.child_by_field_name("object")
        elif node.type == "call_expression":
            node = node.child_by_field_name("function")
        elif node.type in {"identifier", "this", "property_identifier"}:
            names.append((node.text or b"").decode("utf-8", "replace"))
            break
        elif node.type in {"parenthesized_expression", "non_null_expression", "await_expression",
                           "as_expression", "satisfies_expression"}:
            node = node.named_children[0] if node.named_children else None
        else:
            break
    return list(reversed(names))


def enclosing(node: Node, types: frozenset[str] | set[str], stop: frozenset[str] | None = None) -> Node | None:
    current = node.parent
    while current is not None:
        if current.type in types:
            return current
        if stop is not None and current.type in stop:
            return None
        current = current.parent
    return None


def enclosing_function(node: Node) -> Node | None:
    return enclosing(node, FUNCTION_TYPES)


def inside_function(node: Node) -> bool:
    return enclosing_function(node) is not None


def top_level_declarations(source: SourceFile) -> Iterator[tuple[str, str, Node, Node | None]]:
    """(kind, name, declarator, value) of every top-level let/var/const (also under `export`)."""
    for stmt in source.root.named_children:
        decl = stmt
        if stmt.type == "export_statement":
            inner = stmt.child_by_field_name("declaration")
            if inner is None:
                continue
            decl = inner
        if decl.type not in {"lexical_declaration", "variable_declaration"}:
            continue
        kind = decl.children[0].type if decl.children else "var"
        for declarator in decl.named_children:
            if declarator.type != "variable_declarator":
                continue
            name_node = declarator.child_by_field_name("name")
            if name_node is None or name_node.type != "identifier":
                continue
            yield kind, source.node_text(name_node), declarator, declarator.child_by_field_name("value")


def forget_indexes() -> None:
    """Drop the per-file node indexes (the doctor calls this after each Worker)."""
    _index.cache_clear()


def const_strings(source: SourceFile) -> dict[str, str]:
    """Names bound by `const NAME = "literal"` anywhere in the file (last one wins)."""
    found: dict[str, str] = {}
    for decl in nodes_of(source, "lexical_declaration"):
        if not decl.children or decl.children[0].type != "const":
            continue
        for declarator in decl.named_children:
            if declarator.type != "variable_declarator":
                continue
            name_node = declarator.child_by_field_name("name")
            value = string_value(source, declarator.child_by_field_name("value"))
            if name_node is not None and name_node.type == "identifier" and value is not None:
                found[source.node_text(name_node)] = value
    return found


def declared_value(source: SourceFile, ident: Node) -> Node | None:
    """The initialiser of the nearest earlier declaration of identifier `ident` in the file."""
    name = source.node_text(ident)
    best: Node | None = None
    for declarator in nodes_of(source, "variable_declarator"):
        if declarator.start_byte > ident.start_byte:
            break
        name_node = declarator.child_by_field_name("name")
        if name_node is not None and name_node.type == "identifier" and source.node_text(name_node) == name:
            best = declarator.child_by_field_name("value")
    return best


def is_env_member(source: SourceFile, node: Node) -> str | None:
    """`env.X`, `c.env.X`, `this.env.X`, `process.env.X` -> "X"."""
    if node.type != "member_expression":
        return None
    obj = node.child_by_field_name("object")
    if obj is None:
        return None
    names = chain_names(obj)
    if names and names[-1] == "env" and len(names) <= 3:
        return member_property(node)
    return None


def module_specifiers(source: SourceFile) -> Iterator[tuple[Node, str, bool]]:
    """(string node, specifier, type_only) of every import/export-from/require()/import() in the file."""
    for node in nodes_of(source, "import_statement", "export_statement", "call_expression"):
        if node.type in {"import_statement", "export_statement"}:
            src = node.child_by_field_name("source")
            value = string_value(source, src)
            if src is not None and value is not None:
                yield src, value, any(c.type == "type" for c in node.children)
        elif node.type == "call_expression":
            fn = callee(node)
            if fn is None or fn.type not in {"identifier", "import"}:
                continue
            if fn.type == "identifier" and source.node_text(fn) != "require":
                continue
            args = arguments(node)
            value = string_value(source, args[0]) if args else None
            if value is not None:
                yield args[0], value, False


def only_called_at_load(source: SourceFile, fn: Node) -> bool:
    """Whether the named function `fn` is only ever called at module level: every mention of its name
    is such a call (it is not exported, passed as a callback or called from another function)."""
    name_node = fn.child_by_field_name("name")
    if name_node is None and fn.parent is not None and fn.parent.type == "variable_declarator":
        name_node = fn.parent.child_by_field_name("name")
    if name_node is None:
        return False
    name = source.node_text(name_node)
    calls = [c for c in nodes_of(source, "call_expression")
             if (f := callee(c)) is not None and f.type == "identifier" and source.node_text(f) == name]
    mentions = len(re.findall(r"(?<![\w$.])" + re.escape(name) + r"(?![\w$])", source.text))
    return bool(calls) and mentions == len(calls) + 1 and not any(inside_function(c) for c in calls)
