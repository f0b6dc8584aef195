"""MBV112 fetch-handler-without-response

## What it does
Follows the paths through an exported `fetch` handler (`export default { fetch }`, a
`WorkerEntrypoint` or `DurableObject` class's `fetch` method) and flags a path that reaches
the end of the function, or a bare `return;`, without returning a Response.

## Why is this bad?
When `fetch` resolves to `undefined` the runtime fails the request with "The script will never
generate a response" (or "Incorrect type for Promise: the Promise did not resolve to
'Response'") and the client gets a 500 with no log line from your code.

## Example
```ts
export default {
  async fetch(req, env) {
    if (req.method === "GET") {
      return new Response("hello");
    }
    // POST, PUT ... fall off the end
  },
};
```

## Use instead
```ts
export default {
  async fetch(req, env) {
    if (req.method === "GET") return new Response("hello");
    return new Response("Method Not Allowed", { status: 405 });
  },
};
```

## Known limits
Throwing counts as ending a path (the runtime answers 500 with the error logged). Loops are
assumed to be left normally unless they are `while (true)`/`for (;;)`. What is returned is not
checked to be a Response.
Lowered to info on 2026-12-01: right 0 of 1 time on 47 random public repositories (a fall-through that cannot happen because an earlier `return` already handled the empty case; values are not tracked, and one wrong of one is weak evidence but below the bar).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.rules import syntax
from mbv_cli.core.rules.base import CodeContext, code_rule

if TYPE_CHECKING:
    from tree_sitter import Node

    from mbv_cli.core.code.parsing import SourceFile

ENTRYPOINT_BASES = ("WorkerEntrypoint", "DurableObject")
HINT = "return a Response on every path, e.g. `return new Response(\"Not Found\", { status: 404 })` at the end"


def _handlers(source: SourceFile) -> Iterator[Node]:
    """Function nodes of exported fetch handlers."""
    for stmt in source.root.named_children:
        target: Node | None = stmt
        if stmt.type == "export_statement":
            target = stmt.child_by_field_name("declaration") or stmt.child_by_field_name("value")
            if target is None:
                target = next((c for c in stmt.named_children if c.type in {"object", "class", "class_declaration"}), None)
        if target is None:
            continue
        if target.type in {"satisfies_expression", "as_expression", "parenthesized_expression"} and target.named_children:
            target = target.named_children[0]
        if target.type == "object" and stmt.type == "export_statement":
            for member in target.named_children:
                if member.type == "method_definition" and _name(source, member) == "fetch":
                    yield member
                elif member.type == "pair" and _name(source, member, "key") == "fetch":
                    value = member.child_by_field_name("value")
                    if value is not None and value.type in syntax.FUNCTION_TYPES:
                        yield value
        elif target.type in {"class_declaration", "class"}:
            heritage = next((c for c in target.children if c.type == "class_heritage"), None)
            if heritage is None or not any(b in source.node_text(heritage) for b in ENTRYPOINT_BASES):
                continue
            body = target.child_by_field_name("body")
            for member in body.named_children if body is not None else []:
                if member.type == "method_definition" and _name(source, member) == "fetch":
                    yield member


def _name(source: SourceFile, node: Node, field: str = "name") -> str:
    name = node.child_by_field_name(field)
    if name is None:
        return ""
    value = syntax.string_value(source, name)
    return value if value is not None else source.node_text(name)


def _exits(source: SourceFile, node: Node | None) -> bool:
    """Whether every path through statement `node` returns a value or throws."""
    if node is None:
        return False
    kind = node.type
    if kind == "return_statement":
        return bool(node.named_children)
    if kind == "throw_statement":
        return True
    if kind == "statement_block":
        return any(_exits(source, child) for child in node.named_children)
    if kind == "if_statement":
        alternative = node.child_by_field_name("alternative")
        if alternative is None:
            return False
        else_body = alternative.named_children[-1] if alternative.named_children else None
        return _exits(source, node.child_by_field_name("consequence")) and _exits(source, else_body)
    if kind == "try_statement":
        finalizer = node.child_by_field_name("finalizer")
        if finalizer is not None and _exits(source, finalizer.child_by_field_name("body") or finalizer):
            return True
        handler = node.child_by_field_name("handler")
        handler_ok = handler is None or _exits(source, handler.child_by_field_name("body"))
        return _exits(source, node.child_by_field_name("body")) and handler_ok
    if kind == "switch_statement":
        body = node.child_by_field_name("body")
        cases = [c for c in body.named_children if c.type in {"switch_case", "switch_default"}] if body else []
        if not any(c.type == "switch_default" for c in cases):
            return False
        last = cases[-1] if cases else None
        # every case group must end in an exit (fallthrough into the next case is fine)
        for case in cases:
            statements = [s for s in case.named_children if s.type not in {"comment"}][1 if case.type == "switch_case" else 0:]
            if any(s.type == "break_statement" for s in statements):
                return False
            if case == last and not any(_exits(source, s) for s in statements):
                return False
        return True
    if kind in {"while_statement", "for_statement"}:
        cond = node.child_by_field_name("condition")
        cond_text = source.node_text(cond).strip("() ;") if cond is not None else ""
        return cond_text in {"", "true"} and "break" not in source.node_text(node)
    if kind == "labeled_statement":
        return _exits(source, node.child_by_field_name("body"))
    if kind == "expression_statement" and node.named_children and node.named_children[0].type == "call_expression":
        name = syntax.method_name(node.named_children[0]) or ""
        return name in {"fail", "unreachable", "assertNever"}
    return False


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    for handler in _handlers(source):
        body = handler.child_by_field_name("body")
        if body is None or body.type != "statement_block":
            continue  # `fetch: (req) => app.fetch(req)` returns its expression
        for bare in syntax.descendants(body, "return_statement"):
            if not bare.named_children and syntax.enclosing_function(bare) == handler:
                yield RULE.at(source, bare, "fetch handler returns without a Response", hint=HINT)
        if not _exits(source, body):
            last = body.children[-1]
            yield RULE.at(source, last, "a path through the fetch handler reaches its end without returning a Response",
                          hint=HINT)


RULE = code_rule("MBV112", "fetch-handler-without-response", Severity.INFO,
                 "a path through an exported fetch handler ends without a Response", __doc__, check,
                 needs=[('fetch',), ('export',)])
