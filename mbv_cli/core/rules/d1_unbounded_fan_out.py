"""MBV116 d1-unbounded-fan-out

## What it does
Flags `Promise.all(items.map(...))` (also `allSettled`, `any`, `race`, and `Array.from(items, ...)`)
whose callback runs a D1 statement (`.run()`, `.all()`, `.first()`, `.raw()` on a
`prepare`/`bind` chain) for every item of a list of unknown length.

## Why is this bad?
Every item opens its own query at once. A Worker has a limited number of simultaneous
connections (six open at a time; the others wait), each D1 query counts against the
per-invocation query limit, and a D1 database executes one query at a time: a list of a
thousand items becomes a thousand queued queries, and the request times out or fails with
"Too many API requests by single worker invocation" under load. It works in development, where
the list has three items.

## Example
```ts
await Promise.all(items.map((item) =>
  env.DB.prepare("INSERT INTO items (id, name) VALUES (?, ?)").bind(item.id, item.name).run(),
));
```

## Use instead
```ts
const stmt = env.DB.prepare("INSERT INTO items (id, name) VALUES (?, ?)");
for (let i = 0; i < items.length; i += 50) {
  await env.DB.batch(items.slice(i, i + 50).map((item) => stmt.bind(item.id, item.name)));
}
```
`db.batch()` sends the statements in one round trip and runs them as one transaction.

## Known limits
A literal array (`[a, b].map(...)`), a module-level `const LIST = [...]` the file never pushes
to (`BACKUP_TABLES.map(...)`) and lists named as chunks or pages (`chunk.map`,
`batch.map`, `page.map`) count as bounded. Statements pushed into an array in a loop and awaited
later with `Promise.all(promises)`, and queries hidden behind a helper called in the callback,
are not seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.rules import syntax
from mbv_cli.core.rules.base import CodeContext, code_rule
from mbv_cli.core.rules.query_in_loop import is_d1_query

if TYPE_CHECKING:
    from tree_sitter import Node

    from mbv_cli.core.code.parsing import SourceFile

COMBINATORS = frozenset({"all", "allSettled", "any", "race"})
BOUNDED_NAME = re.compile(r"(chunk|batch|page|slice|first|top)", re.IGNORECASE)
HINT = "send the statements with env.DB.batch() in chunks (for example 50 at a time) instead of one query per item"


def _mapped(source: SourceFile, arg: Node) -> tuple[Node, Node] | None:
    """(list, callback) of `list.map(cb)` / `Array.from(list, cb)`."""
    if arg.type != "call_expression":
        return None
    args = syntax.arguments(arg)
    name = syntax.method_name(arg)
    if name == "map" and args:
        recv = syntax.receiver(arg)
        return (recv, args[0]) if recv is not None else None
    fn = syntax.callee(arg)
    if name == "from" and fn is not None and source.node_text(fn) == "Array.from" and len(args) >= 2:
        return args[0], args[1]
    return None


def _constant_list(source: SourceFile, name: str) -> bool:
    """`name` is a top-level `const NAME = [...]` (also `as const`) that the file never pushes to."""
    for kind, declared, _, value in syntax.top_level_declarations(source):
        if kind != "const" or declared != name or value is None:
            continue
        while value.type in {"as_expression", "satisfies_expression", "parenthesized_expression"} \
                and value.named_children:
            value = value.named_children[0]
        return value.type == "array" and not re.search(
            rf"\b{re.escape(name)}\s*\.\s*(push|unshift|splice)\s*\(", source.text)
    return False


def _bounded(source: SourceFile, items: Node) -> bool:
    if items.type == "array":
        return True
    if items.type == "identifier" and _constant_list(source, source.node_text(items)):
        return True  # a fixed list declared at module level: BACKUP_TABLES.map(...)
    if items.type == "call_expression" and syntax.method_name(items) == "slice":
        return True  # items.slice(0, 10)
    names = syntax.chain_names(items)
    return bool(names) and bool(BOUNDED_NAME.search(names[-1]))


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    for call in syntax.nodes_of(source, "call_expression"):
        fn = syntax.callee(call)
        if fn is None or fn.type != "member_expression" or syntax.member_property(fn) not in COMBINATORS:
            continue
        obj = fn.child_by_field_name("object")
        if obj is None or source.node_text(obj) != "Promise":
            continue
        args = syntax.arguments(call)
        mapped = _mapped(source, args[0]) if args else None
        if mapped is None:
            continue
        items, callback = mapped
        if callback.type not in syntax.FUNCTION_TYPES or _bounded(source, items):
            continue
        query = next((c for c in syntax.descendants(callback, "call_expression") if is_d1_query(c)), None)
        if query is None:
            continue
        yield RULE.at(source, call,
                      f"one D1 query per item of {source.node_text(items)[:40]} started at once with "
                      f"Promise.{syntax.member_property(fn)}(): unbounded fan-out", hint=HINT)


RULE = code_rule("MBV116", "d1-unbounded-fan-out", Severity.WARNING,
                 "Promise.all over a list with one D1 query per item", __doc__, check,
                 needs=[("promise.",), ("prepare", "bind")])
