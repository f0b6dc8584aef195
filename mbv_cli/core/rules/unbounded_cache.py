"""MBV109 unbounded-cache

## What it does
Flags a module-level or class-level `Map`, `Set` or object literal that functions add to
(`.set()`, `.add()`, `obj[key] = value`) when nothing in the file ever deletes from it, clears
it, replaces it or checks its size.

## Why is this bad?
An isolate lives for many requests. A cache that only grows holds every key ever seen until
the isolate hits its 128 MB memory limit and is killed mid-request, taking every concurrent
request with it; entries also never expire, so stale data is served.

## Example
```ts
const sessions = new Map<string, Session>();
export default {
  async fetch(req, env) {
    sessions.set(sessionId(req), await loadSession(req, env));
    ...
  },
};
```

## Use instead
```ts
const sessions = new Map<string, Session>();
const MAX = 1000;
function remember(id: string, s: Session) {
  if (sessions.size >= MAX) sessions.delete(sessions.keys().next().value!);
  sessions.set(id, s);
}
```
or use the Cache API / KV with a TTL.

## Known limits
Maps filled only at module load (in a top-level `forEach` callback or a function called only at
load time), caches keyed only by literals, UPPER_CASE/const names or `env.X` values (a fixed number
of entries) fields of a class the same file instantiates inside a function (an object per call) and
registries (added to in a method named `register*`/`define*`) are not reported. Any `.delete`, `.clear`, `delete obj[k]`, `.size` or reassignment in the file counts as a bound,
even if it is never reached. `WeakMap`/`WeakSet` are not reported. Durable Object fields are
reported like any class field: a Durable Object also lives long.
Lowered to info on 2026-12-01: right 1 of 6 times on 47 random public repositories (caches whose keys are bounded in ways not seen here: keyed by an env secret or config value through a local, a command registry filled with literal names, a fixed template catalogue).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.rules import syntax
from mbv_cli.core.rules.base import CodeContext, code_rule

if TYPE_CHECKING:
    from tree_sitter import Node

    from mbv_cli.core.code.parsing import SourceFile

HINT = "bound it (evict when .size exceeds a limit, or expire entries), or use the Cache API / KV with a TTL"


def _collection(source: SourceFile, value: Node | None) -> str | None:
    if value is None:
        return None
    if value.type == "new_expression":
        ctor = value.child_by_field_name("constructor")
        name = source.node_text(ctor) if ctor is not None else ""
        return name if name in {"Map", "Set"} else None
    if value.type == "object" and value.named_child_count == 0:
        return "object"
    return None


def _candidates(source: SourceFile) -> dict[str, tuple[Node, str]]:
    """name -> (declaration, kind); class fields are keyed `this.name`."""
    found: dict[str, tuple[Node, str]] = {}
    for _kind, name, declarator, value in syntax.top_level_declarations(source):
        kind = _collection(source, value)
        if kind:
            found[name] = (declarator, kind)
    for field in syntax.nodes_of(source, "public_field_definition", "field_definition"):
        name_node = field.child_by_field_name("name") or field.child_by_field_name("property")
        kind = _collection(source, field.child_by_field_name("value"))
        if name_node is not None and kind:
            found[f"this.{source.node_text(name_node)}"] = (field, kind)
    for assign in syntax.nodes_of(source, "assignment_expression"):
        left = assign.child_by_field_name("left")
        kind = _collection(source, assign.child_by_field_name("right"))
        if left is not None and kind and source.node_text(left).startswith("this."):
            fn = syntax.enclosing_function(assign)
            fn_name = fn.child_by_field_name("name") if fn is not None else None
            if fn_name is not None and source.node_text(fn_name) == "constructor":
                found.setdefault(source.node_text(left), (assign, kind))
    return found


def _constant_key(source: SourceFile, node: Node) -> bool:
    """A key that takes few values: a literal, an UPPER_CASE or const name, an `env.X` value."""
    if node.type in {"string", "number", "true", "false"} or syntax.string_value(source, node) is not None:
        return True
    if node.type == "identifier":
        name = source.node_text(node)
        value = syntax.declared_value(source, node)
        return name.isupper() or (value is not None and value.type in {"string", "number"})
    if node.type == "member_expression":
        names = syntax.chain_names(node)
        return syntax.is_env_member(source, node) is not None or (bool(names) and names[0].isupper())
    return False


def _key_of(source: SourceFile, node: Node) -> Node | None:
    if node.type == "call_expression":
        args = syntax.arguments(node)
        return args[0] if args else None
    left = node.child_by_field_name("left")
    return left.child_by_field_name("index") if left is not None else None


def _load_time(source: SourceFile, node: Node) -> bool:
    """Inside a callback of a call made at module load (`LIST.forEach(x => m.set(...))`, an IIFE), or
    in a named function the module only calls at load time."""
    fn = syntax.enclosing_function(node)
    outer = fn
    while outer is not None and syntax.enclosing_function(outer) is not None:
        outer = syntax.enclosing_function(outer)
    if outer is None:
        return False
    parent = outer.parent
    while parent is not None and parent.type in {"parenthesized_expression", "arguments"}:
        parent = parent.parent
    if parent is not None and parent.type == "call_expression" and not syntax.inside_function(parent) \
            and parent.parent is not None and parent.parent.type in {"expression_statement", "variable_declarator"}:
        return True
    return syntax.only_called_at_load(source, outer)


REGISTRATION = re.compile(r"^(register|define|add(Route|Handler|Listener|Plugin|Tool|Command|Node)|use$|on$)")


def _in_registration(source: SourceFile, node: Node) -> bool:
    """Inside `register(definition)` / `define...`: a registry filled once at start-up, not a cache."""
    fn = syntax.enclosing_function(node)
    name = fn.child_by_field_name("name") if fn is not None else None
    return name is not None and bool(REGISTRATION.match(source.node_text(name)))


def _per_call_classes(source: SourceFile) -> set[str]:
    """Classes of this file instantiated inside a function: their fields live as long as one call."""
    names: set[str] = set()
    for new in syntax.nodes_of(source, "new_expression"):
        ctor = new.child_by_field_name("constructor")
        if ctor is not None and ctor.type == "identifier" and syntax.inside_function(new):
            names.add(source.node_text(ctor))
    return names


def _class_name(node: Node) -> str | None:
    cls = syntax.enclosing(node, frozenset({"class_declaration", "class"}))
    name = cls.child_by_field_name("name") if cls is not None else None
    return name.text.decode("utf-8", "replace") if name is not None and name.text is not None else None


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    candidates = _candidates(source)
    if not candidates:
        return
    per_call = _per_call_classes(source)
    variable_keys: set[str] = set()  # caches given at least one key that is not a constant
    added: dict[str, Node] = {}
    bounded: set[str] = set()
    for node in syntax.nodes_of(source, "call_expression", "member_expression", "assignment_expression",
                                "unary_expression"):
        if node.type == "call_expression":
            method = syntax.method_name(node)
            recv = syntax.receiver(node)
            target = source.node_text(recv) if recv is not None else ""
            if target not in candidates:
                continue
            if method in {"set", "add"} and syntax.inside_function(node) and not _load_time(source, node) \
                    and not _in_registration(source, node):
                added.setdefault(target, node)
                key = _key_of(source, node)
                if key is None or not _constant_key(source, key):
                    variable_keys.add(target)
            elif method in {"delete", "clear"}:
                bounded.add(target)
        elif node.type == "member_expression":
            obj = node.child_by_field_name("object")
            if obj is not None and source.node_text(obj) in candidates and syntax.member_property(node) == "size":
                bounded.add(source.node_text(obj))
        elif node.type in {"assignment_expression"}:
            left = node.child_by_field_name("left")
            if left is None:
                continue
            if source.node_text(left) in candidates and node.parent is not None \
                    and candidates[source.node_text(left)][0] != node:
                bounded.add(source.node_text(left))  # replaced wholesale
            elif left.type == "subscript_expression":
                obj = left.child_by_field_name("object")
                name = source.node_text(obj) if obj is not None else ""
                if name in candidates and syntax.inside_function(node) and not _load_time(source, node):
                    added.setdefault(name, node)
                    key = _key_of(source, node)
                    if key is None or not _constant_key(source, key):
                        variable_keys.add(name)
        elif node.type == "unary_expression" and node.children and node.children[0].type == "delete":
            arg = node.child_by_field_name("argument")
            obj = arg.child_by_field_name("object") if arg is not None else None
            if obj is not None:
                bounded.add(source.node_text(obj))
    for name in added:
        if name in bounded or name not in variable_keys:
            continue  # bounded, or keyed only by literals / env values: a fixed number of entries
        decl, kind = candidates[name]
        if name.startswith("this.") and _class_name(decl) in per_call:
            continue  # a field of an object created per call
        if ("Object.keys(" + name in source.text or "Object.entries(" + name in source.text) \
                and ".length" in source.text:
            continue
        yield RULE.at(source, decl, f"{name} ({kind}) is added to by a function but never evicted or bounded",
                      hint=HINT)


RULE = code_rule("MBV109", "unbounded-cache", Severity.INFO,
                 "a module- or class-level Map/Set/object that only grows", __doc__, check,
                 needs=[('new map', 'new set', '= {}')])
