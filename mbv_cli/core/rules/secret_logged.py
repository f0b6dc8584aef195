"""MBV104 secret-logged

## What it does
Flags `console.log/info/warn/error/debug/trace` calls (and the same methods of a structured
logger) given a token, password or secret (a variable or property named so), a request's
`Authorization`/`Cookie` header or all its headers, a cookie value, or a request body that holds a
password or token field.

## Why is this bad?
Worker logs go to `wrangler tail`, Workers Logs, Logpush destinations and third-party log
stores, read by more people and kept longer than the secret store. A logged bearer token can
be replayed until it expires; a logged password is a breach.

## Example
```ts
console.log("auth header", request.headers.get("Authorization"));
```

## Use instead
```ts
console.log("auth header present:", request.headers.has("Authorization"));
```

## Known limits
Loggers are recognised by name: `console`, `log`, `logger` (also `this.logger`, `c.var.logger`),
`pino`, `winston`. Besides names, these are reported: Hono's `c.req.header("Authorization")`,
`c.req.header()` (every header), cookie values (`getCookie(c, ...)`), whole-header dumps
(`Object.fromEntries(request.headers)`, `[...request.headers]`), and a request body logged
whole when the code reads a password or token field from it. Only names are checked: a secret held in a variable called `value` is not seen. Values
wrapped in a call named like `redact`, `mask` or `hash`, turned into booleans (`!!token`,
`token !== undefined`) and facts about a secret (`token.length`, `tokenType`, `payload.sub`)
are not reported. Test files are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.rules import syntax
from mbv_cli.core.rules.base import CodeContext, code_rule
from mbv_cli.core.rules.naming import SECRET_TEXT, is_secret_name

if TYPE_CHECKING:
    from tree_sitter import Node

    from mbv_cli.core.code.parsing import SourceFile

LOG_METHODS = frozenset({"log", "info", "warn", "error", "debug", "trace"})
SECRET_HEADERS = frozenset({"authorization", "cookie", "x-api-key", "cf-access-jwt-assertion", "proxy-authorization"})
SAFE_WRAPPERS = re.compile(r"redact|mask|hash|truncate|fingerprint|preview|sha|digest|length|has", re.IGNORECASE)
SAFE_PROPERTIES = frozenset({"length", "type", "exp", "iat", "nbf", "sub", "kid", "alg", "iss", "aud",
                             "expiresAt", "expires_at", "name", "id", "scope", "size"})


LOGGER_NAME = re.compile(r"(^|\.)(console|log|logger|_logger|pino|winston|axiom|sentry)$", re.IGNORECASE)
COOKIE_READERS = frozenset({"getCookie", "getSignedCookie", "cookie"})
BODY_READERS = re.compile(r"\.(json|formData|parseBody|text)\(|\bparseBody\(|\.valid\(\s*[\"'](json|form)[\"']")


def _secret_in(source: SourceFile, arg: Node) -> Node | None:
    for node in syntax.walk(arg):
        if node.type == "call_expression":
            name = syntax.method_name(node) or ""
            args = syntax.arguments(node)
            if name in {"get", "header"} and args:  # headers.get("Authorization"), c.req.header("Cookie")
                header = (syntax.string_value(source, args[0]) or "").lower()
                if header in SECRET_HEADERS and not _wrapped(node, arg):
                    return node
            elif name == "header" and not args and not _wrapped(node, arg):
                return node  # c.req.header(): every header, Authorization and Cookie included
            elif name in COOKIE_READERS and not _wrapped(node, arg):
                return node  # a cookie's value: usually a session
            elif name == "fromEntries" and args and _headers(source, args[0]) and not _wrapped(node, arg):
                return node  # Object.fromEntries(request.headers)
            continue
        if node.type == "spread_element" and node.named_children and _headers(source, node.named_children[0]) \
                and not _wrapped(node, arg):
            return node  # [...request.headers]
        if node.type == "identifier" and node == arg and _secret_body(source, node):
            return node
        if node.type not in {"identifier", "property_identifier", "shorthand_property_identifier"}:
            continue
        parent = node.parent
        if parent is not None and parent.type == "pair" and parent.child_by_field_name("key") == node:
            continue  # { token: ... } labels the value that follows, which is checked on its own
        if parent is not None and parent.type == "member_expression" and parent.child_by_field_name("object") == node:
            prop = syntax.member_property(parent)
            if prop in SAFE_PROPERTIES or prop in {"get", "has"}:
                continue
            if prop is not None and not is_secret_name(prop) and node.type == "identifier":
                continue  # session.userId: only the last name matters
        if parent is not None and parent.type == "call_expression" and parent.child_by_field_name("function") == node:
            continue
        if is_secret_name(source.node_text(node)) and not _wrapped(node, arg):
            return node
    return None


def _headers(source: SourceFile, node: Node) -> bool:
    """`request.headers`, `c.req.raw.headers`, `req.headers.entries()`: a request's whole header list."""
    if node.type == "call_expression" and syntax.method_name(node) in {"entries"}:
        node = syntax.receiver(node) or node
    return node.type == "member_expression" and syntax.member_property(node) == "headers"


def _secret_body(source: SourceFile, ident: Node) -> bool:
    """A request body (`await request.json()`, `c.req.parseBody()`) whose password/token field the code reads."""
    value = syntax.declared_value(source, ident)
    if value is None or not BODY_READERS.search(source.node_text(value)):
        return False
    fn = syntax.enclosing_function(ident)
    scope = source.node_text(fn) if fn is not None else source.text
    name = re.escape(source.node_text(ident))
    fields = re.findall(r"(?<![\w$.])" + name + r"\??\.([\w$]+)", scope)
    declarator = value.parent
    type_node = declarator.child_by_field_name("type") if declarator is not None else None
    if type_node is not None:
        fields += re.findall(r"([\w$]+)\??\s*:", source.node_text(type_node))
    return any(is_secret_name(f) for f in fields)


def _wrapped(node: Node, top: Node) -> bool:
    """Inside redact(...)/hash(...), `!!x`, `typeof x` or a comparison: the value itself is not logged."""
    current = node.parent
    while current is not None and current != top.parent:
        if current.type == "call_expression" and SAFE_WRAPPERS.search(syntax.method_name(current) or ""):
            return True
        if current.type == "call_expression" and syntax.method_name(current) == "Boolean":
            return True
        if current.type == "unary_expression" and current.children and current.children[0].type in {"!", "typeof"}:
            return True
        if current.type == "binary_expression":
            op = current.child_by_field_name("operator")
            if op is not None and op.type in {"===", "!==", "==", "!=", "<", ">", "<=", ">="}:
                return True
        current = current.parent
    return False


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    for call in syntax.nodes_of(source, "call_expression"):
        if syntax.method_name(call) not in LOG_METHODS:
            continue
        recv = syntax.receiver(call)
        if recv is None or not LOGGER_NAME.search(source.node_text(recv)):
            continue
        for arg in syntax.arguments(call):
            hit = _secret_in(source, arg)
            if hit is not None:
                yield RULE.at(source, hit, f"{source.node_text(hit)[:60]} is written to the logs",
                              hint="log that a credential is present or its fingerprint, never its value")
                break


RULE = code_rule("MBV104", "secret-logged", Severity.WARNING,
                 "console.* given a token, password, secret or Authorization header", __doc__, check,
                 needs=[('console', 'logger', 'log.'), (*SECRET_TEXT, "headers", "json(", "parsebody")])
