"""MBV111 floating-promise

## What it does
Inside a function, flags a call to an `async` function declared in the project (in any source
file of the Worker) whose promise is dropped: not awaited, not returned, not assigned, not
chained with `.catch()` and not handed to `ctx.waitUntil()`.

## Why is this bad?
Once the Response is returned the runtime may cancel work the Worker did not register with
`ctx.waitUntil()`: the write, email or log the floating promise was doing silently never
happens, and its rejection is unhandled. Locally it usually works, which hides the bug.

## Example
```ts
async function recordVisit(env: Env, path: string) { await env.DB.prepare("...").bind(path).run(); }
export default {
  async fetch(req, env, ctx) {
    recordVisit(env, new URL(req.url).pathname);
    return new Response("ok");
  },
};
```

## Use instead
```ts
ctx.waitUntil(recordVisit(env, new URL(req.url).pathname));
```

## Known limits
Only functions declared `async` by name in the Worker's own files (`async function f`,
`const f = async () => ...`, async methods called as `this.f()`) and containing an `await` are
known (an async function without `await` does all its work before the call returns); promises returned
by libraries are not tracked. A name is resolved in the calling file: declared async there,
or imported (a local synchronous function with the same name as another file's async one is not
reported). `void f()` is reported too: in a Worker it does not keep the work alive; `void
f().catch(...)` is fine. Calls inside a `new Promise` executor are not reported. Inside a Durable
Object or Agent class the object outlives the request, so the finding says what is true there: a
rejection is unhandled.
Lowered to info on 2026-12-01: right 1 of 7 times on 47 random public repositories (calls inside classes that run in a Durable Object/Agent without being one, where the runtime does not cancel the work; callees that catch everything; a browser-only module with a deliberate `void`).
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


def _is_async(source: SourceFile, node: Node) -> bool:
    """Declared async and really waiting on something (an async body without await runs to the end)."""
    if not any(c.type == "async" for c in node.children):
        return False
    body = node.child_by_field_name("body")
    if body is None:
        return False
    start, end = body.start_byte, body.end_byte
    if any(start <= n.start_byte < end for n in syntax.nodes_of(source, "await_expression")):
        return True
    return any(start <= n.start_byte < end and any(c.type == "await" for c in n.children)
               for n in syntax.nodes_of(source, "for_in_statement"))


def declared_async_functions(source: SourceFile) -> set[str]:
    """Names of async functions and async methods declared in `source` (methods as `this.name`)."""
    names: set[str] = set()
    for node in syntax.nodes_of(source, "function_declaration", "variable_declarator", "method_definition"):
        if node.type == "function_declaration" and _is_async(source, node):
            name = node.child_by_field_name("name")
            if name is not None:
                names.add(source.node_text(name))
        elif node.type == "variable_declarator":
            value = node.child_by_field_name("value")
            name = node.child_by_field_name("name")
            if value is not None and name is not None and value.type in {"arrow_function", "function_expression",
                                                                          "function"} and _is_async(source, value):
                names.add(source.node_text(name))
        elif node.type == "method_definition" and _is_async(source, node):
            name = node.child_by_field_name("name")
            if name is not None and source.node_text(name) not in {"fetch", "scheduled", "queue", "email", "tail"}:
                names.add("this." + source.node_text(name))
    return names


def _local_declarations(source: SourceFile) -> set[str]:
    """Names declared in this file (functions, variables, parameters' simple names are not included)."""
    names: set[str] = set()
    for node in syntax.nodes_of(source, "function_declaration", "variable_declarator", "class_declaration"):
        name = node.child_by_field_name("name")
        if name is not None and name.type == "identifier":
            names.add(source.node_text(name))
    return names


def _imported_names(source: SourceFile) -> set[str]:
    names: set[str] = set()
    for stmt in syntax.nodes_of(source, "import_statement"):
        for spec in syntax.descendants(stmt, "import_specifier"):
            alias = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
            if alias is not None:
                names.add(source.node_text(alias))
        clause = next((c for c in stmt.named_children if c.type == "import_clause"), None)
        for child in clause.named_children if clause is not None else []:
            if child.type == "identifier":
                names.add(source.node_text(child))
    return names


DURABLE_BASES = ("DurableObject", "Agent", "AIChatAgent", "McpAgent", "Server", "WorkflowEntrypoint")


def _in_durable_object(source: SourceFile, node: Node) -> bool:
    """Inside a class that extends DurableObject/Agent or takes a DurableObjectState: it outlives the request."""
    cls = syntax.enclosing(node, frozenset({"class_declaration", "class"}))
    if cls is None:
        return False
    heritage = next((c for c in cls.children if c.type == "class_heritage"), None)
    if heritage is not None and any(base in source.node_text(heritage) for base in DURABLE_BASES):
        return True
    body = cls.child_by_field_name("body")
    return body is not None and "DurableObjectState" in source.node_text(body)[:2000]


def _in_promise_executor(node: Node, source: SourceFile) -> bool:
    """Inside `new Promise((resolve, reject) => ...)`: the executor settles the promise itself."""
    fn = syntax.enclosing_function(node)
    parent = fn.parent if fn is not None else None
    if parent is None or parent.type != "arguments" or parent.parent is None:
        return False
    new = parent.parent
    ctor = new.child_by_field_name("constructor") if new.type == "new_expression" else None
    return ctor is not None and source.node_text(ctor) == "Promise"


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    known = set(ctx.async_functions)
    own: set[str] | None = None
    if "this." in source.text or not known:
        own = declared_async_functions(source)  # async methods are known within their file
        known |= own
    if not known or not any(name.removeprefix("this.") in source.text for name in known):
        return  # the cheap test: no known async name in the text
    own = declared_async_functions(source) if own is None else own
    local = _local_declarations(source)
    imported = _imported_names(source)
    # a name resolves in this file: an async declaration here, an import of a project async function;
    # a local synchronous `flush` is not the `async flush` of another file
    known = {n for n in known if n in imported and n not in local} | own
    if not known:
        return
    for stmt in syntax.nodes_of(source, "expression_statement"):
        expr = stmt.named_children[0] if stmt.named_children else None
        if expr is None:
            continue
        voided = False
        if expr.type == "unary_expression" and expr.children and expr.children[0].type == "void":
            arg = expr.child_by_field_name("argument")
            if arg is None:
                continue
            expr, voided = arg, True
        call = _dropped_call(source, expr)
        if call is None or not syntax.inside_function(stmt):
            continue
        fn = syntax.callee(call)
        name = source.node_text(fn) if fn is not None else ""
        if name not in known or _in_promise_executor(stmt, source):
            continue
        how = "voided" if voided else "neither awaited nor returned"
        if _in_durable_object(source, stmt):  # the object lives on: the work is not cancelled
            yield RULE.at(source, call, f"promise of async {name}() is {how} and not caught: inside a Durable "
                          "Object the work goes on, but a rejection is unhandled and nothing reacts to it", hint=f"await {name}(...) or add .catch(...) to it")
            continue
        yield RULE.at(source, call, f"promise of async {name}() is {how}: the runtime may cancel it",
                      hint=f"await {name}(...), or keep it alive past the response with ctx.waitUntil({name}(...))")


def _dropped_call(source: SourceFile, expr: Node) -> Node | None:
    """The async call whose promise this statement drops (`f()`, `f().then(...)` without catch)."""
    if expr.type != "call_expression":
        return None
    names = syntax.chain_names(syntax.callee(expr))
    if "catch" in names or "finally" in names:
        return None
    fn = syntax.callee(expr)
    while fn is not None and fn.type == "member_expression" and syntax.member_property(fn) == "then":
        obj = fn.child_by_field_name("object")
        if obj is None or obj.type != "call_expression":
            return None
        expr = obj
        fn = syntax.callee(expr)
    return expr


RULE = code_rule("MBV111", "floating-promise", Severity.INFO,
                 "an async call neither awaited, returned, caught nor given to ctx.waitUntil", __doc__, check,
                 needs_async_names=True)
