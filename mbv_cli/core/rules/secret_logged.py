"""MBV104 secret-logged

## What it does
Flags `console.log/info/warn/error/debug/trace` calls given a token, password or secret (a
variable or property named so), or a request's `Authorization`/`Cookie` header.

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
Only names are checked: a secret held in a variable called `value` is not seen. Values
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


def _secret_in(source: SourceFile, arg: Node) -> Node | None:
    for node in syntax.walk(arg):
        if node.type == "call_expression":
            name = syntax.method_name(node) or ""
            if name == "get":
                args = syntax.arguments(node)
                header = (syntax.string_value(source, args[0]) or "").lower() if args else ""
                if header in SECRET_HEADERS and not _wrapped(node, arg):
                    return node
            continue
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
        if recv is None or source.node_text(recv) != "console":
            continue
        for arg in syntax.arguments(call):
            hit = _secret_in(source, arg)
            if hit is not None:
                yield RULE.at(source, hit, f"{source.node_text(hit)[:60]} is written to the logs",
                              hint="log that a credential is present or its fingerprint, never its value")
                break


RULE = code_rule("MBV104", "secret-logged", Severity.WARNING,
                 "console.* given a token, password, secret or Authorization header", __doc__, check,
                 needs=[('console',), SECRET_TEXT])
