"""MBV102 cors-wildcard-with-credentials

## What it does
Flags `Access-Control-Allow-Origin: *` (or the request's Origin echoed unchecked) set together with
`Access-Control-Allow-Credentials: true` in one headers object, on one `Headers` (`.set`/`.append`)
in one function, or in one `cors({ origin: "*" | true | (o) => o, credentials: true })` call.

## Why is this bad?
Browsers refuse credentialed responses whose allowed origin is `*`, so the API breaks for
logged-in users; the usual "fix" is to echo back whatever `Origin` the request sent, which
lets every website read authenticated responses (CodeQL `js/cors-misconfiguration-for-credentials`).

## Example
```ts
return new Response(body, {
  headers: { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true" },
});
```

## Use instead
```ts
const origin = ALLOWED.has(req.headers.get("Origin") ?? "") ? req.headers.get("Origin")! : "";
return new Response(body, {
  headers: { "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", Vary: "Origin" },
});
```

## Known limits
Also reported with credentials: `cors({ origin: true })` (reflects every origin), an origin
callback that returns its argument unchecked (`origin: (o) => o`, `(o) => o ?? "*"`) and a headers
object that echoes `request.headers.get("Origin")` in a function without any comparison or
allow-list test (`includes`, `has`, `===`, `startsWith`, ...; a function that compares anything,
even the method, is given the benefit of the doubt). Headers set in different functions or files, or
through variables, are not combined.
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

ORIGIN = "access-control-allow-origin"
CREDENTIALS = "access-control-allow-credentials"
HINT = "allow a list of known origins (echo the request Origin only when it is in the list) and add Vary: Origin"


def _key(source: SourceFile, pair: Node) -> str:
    key = pair.child_by_field_name("key")
    if key is None:
        return ""
    value = syntax.string_value(source, key)
    return (value if value is not None else source.node_text(key)).lower()


def _truthy(source: SourceFile, node: Node | None) -> bool:
    if node is None:
        return False
    if node.type == "true":
        return True
    return (syntax.string_value(source, node) or "").strip().lower() == "true"


def _star(source: SourceFile, node: Node | None) -> bool:
    return (syntax.string_value(source, node) or "").strip() == "*"


CHECKED = re.compile(r"\.includes\(|\.has\(|===|!==|startsWith\(|endsWith\(|\.test\(|\.match\(|\.some\(|\.find\(")


def _request_origin(source: SourceFile, node: Node | None) -> bool:
    """`request.headers.get("Origin")`, `c.req.header("origin")` (possibly with a `?? "*"` fallback)."""
    while node is not None and node.type in {"binary_expression", "parenthesized_expression", "non_null_expression",
                                              "as_expression"}:
        node = node.child_by_field_name("left") if node.type == "binary_expression" else \
            (node.named_children[0] if node.named_children else None)
    if node is None or node.type != "call_expression" or syntax.method_name(node) not in {"get", "header"}:
        return False
    args = syntax.arguments(node)
    return bool(args) and (syntax.string_value(source, args[0]) or "").lower() == "origin"


def _reflects_origin(source: SourceFile, fn: Node) -> bool:
    """An origin callback that returns the request's Origin whatever it is: `(origin) => origin`."""
    params = fn.child_by_field_name("parameters")
    first = params.named_children[0] if params is not None and params.named_children else \
        fn.child_by_field_name("parameter")
    if first is not None and first.type in {"required_parameter", "optional_parameter"}:
        first = first.child_by_field_name("pattern")
    if first is None or first.type != "identifier":
        return False
    name = source.node_text(first)
    body: Node | None = fn.child_by_field_name("body")
    if body is None:
        return False
    if body.type == "statement_block":
        statements = [c for c in body.named_children if c.type != "comment"]
        if len(statements) != 1 or statements[0].type != "return_statement" or not statements[0].named_children:
            return False
        body = statements[0].named_children[0]
    while body is not None and body.type in {"binary_expression", "parenthesized_expression"}:  # origin ?? "*"
        op = body.child_by_field_name("operator")
        if body.type == "binary_expression" and (op is None or op.type not in {"??", "||"}):
            return False
        body = body.child_by_field_name("left") if body.type == "binary_expression" else \
            (body.named_children[0] if body.named_children else None)
    return body is not None and body.type == "identifier" and source.node_text(body) == name


def _unchecked(source: SourceFile, node: Node) -> bool:
    fn = syntax.enclosing_function(node)
    return fn is None or not CHECKED.search(source.node_text(fn))


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    for obj in syntax.nodes_of(source, "object"):
        pairs = {_key(source, p): p for p in obj.named_children if p.type == "pair"}
        origin, creds = pairs.get(ORIGIN), pairs.get(CREDENTIALS)
        if origin is not None and creds is not None and _truthy(source, creds.child_by_field_name("value")):
            value = origin.child_by_field_name("value")
            if _star(source, value):
                yield RULE.at(source, origin, "Access-Control-Allow-Origin is * while credentials are allowed",
                              hint=HINT)
                continue
            if _request_origin(source, value) and _unchecked(source, origin):
                yield RULE.at(source, origin, "Access-Control-Allow-Origin echoes the request's Origin unchecked "
                              "while credentials are allowed: every site can read authenticated responses", hint=HINT)
                continue
        parent = obj.parent
        call = parent.parent if parent is not None and parent.type == "arguments" else None
        if call is not None and syntax.method_name(call) == "cors":
            origin, creds = pairs.get("origin"), pairs.get("credentials")
            if origin is None or creds is None or not _truthy(source, creds.child_by_field_name("value")):
                continue
            value = origin.child_by_field_name("value")
            if _star(source, value):
                yield RULE.at(source, origin, "cors() allows origin * together with credentials", hint=HINT)
            elif value is not None and value.type == "true":
                yield RULE.at(source, origin, "cors() reflects every origin (origin: true) together with credentials: "
                              "every site can read authenticated responses", hint=HINT)
            elif value is not None and value.type in {"arrow_function", "function_expression", "function"} \
                    and _reflects_origin(source, value):
                yield RULE.at(source, origin, "cors() origin callback returns the request's Origin unchecked, "
                              "together with credentials: every site can read authenticated responses", hint=HINT)

    # headers.set("Access-Control-Allow-Origin", "*") ... .set("...-Credentials", "true") in one function
    seen: dict[tuple[int, str], dict[str, Node]] = {}
    for call in syntax.nodes_of(source, "call_expression"):
        if syntax.method_name(call) not in {"set", "append", "header"}:
            continue
        args = syntax.arguments(call)
        if len(args) < 2:
            continue
        name = (syntax.string_value(source, args[0]) or "").lower()
        if name not in {ORIGIN, CREDENTIALS}:
            continue
        if (name == ORIGIN and not _star(source, args[1])) or (name == CREDENTIALS and not _truthy(source, args[1])):
            continue
        fn = syntax.enclosing_function(call)
        recv = syntax.receiver(call)
        key = (fn.start_byte if fn is not None else -1, source.node_text(recv) if recv is not None else "")
        seen.setdefault(key, {})[name] = call
    for found in seen.values():
        if ORIGIN in found and CREDENTIALS in found:
            yield RULE.at(source, found[ORIGIN], "Access-Control-Allow-Origin is * while credentials are allowed",
                          hint=HINT)


RULE = code_rule("MBV102", "cors-wildcard-with-credentials", Severity.ERROR,
                 "Access-Control-Allow-Origin * together with Allow-Credentials true", __doc__, check,
                 needs=[('credentials',), ('origin',)])
