"""MBV103 hardcoded-secret

## What it does
Flags a string literal of 8 or more characters assigned to, defaulted into, or passed as a
secret: a variable or property named like a secret (`secret`, `jwtSecret`, `apiKey`, `token`,
`password`, ...), the key argument of `jwt.sign/verify`, hono's `sign/verify`, `jwtVerify`,
`new SignJWT().sign`, or the key data of `crypto.subtle.importKey(..., { name: "HMAC" })`.

## Why is this bad?
A secret in source code is in every clone, every CI log and every bundle uploaded to
Cloudflare; rotating it means a code change, and anyone who can read the repository can
forge tokens. A fallback (`env.JWT_SECRET ?? "dev-secret"`) is worse: production silently
uses the committed value when the secret is missing.

## Example
```ts
const token = await sign({ sub: user.id }, "super-secret-signing-key");
```

## Use instead
```ts
// wrangler secret put JWT_SECRET
const token = await sign({ sub: user.id }, env.JWT_SECRET);
```

## Known limits
Strings with spaces, URLs and UPPER_SNAKE names of secrets (`"JWT_SECRET"`) are not treated
as secret values. Test files are skipped. A secret split across variables is not seen.
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

HINT = "store it with `wrangler secret put NAME` (and .dev.vars locally) and read env.NAME"
NOT_A_VALUE = re.compile(r"\s|^[A-Z]+(_[A-Z0-9]+)+$|^https?://|^x-[a-z-]+$|^\$\{|^<.*>$|^[a-z]+:[a-z]+$")


def _secret_literal(source: SourceFile, node: Node | None) -> Node | None:
    """The literal (directly, in `a ?? "x"`/`a || "x"`, or in `encoder.encode("x")`) if it looks like a secret."""
    if node is None:
        return None
    if node.type in {"binary_expression"}:
        op = node.child_by_field_name("operator")
        if op is not None and op.type in {"??", "||"}:
            return _secret_literal(source, node.child_by_field_name("right"))
        return None
    if node.type == "call_expression" and syntax.method_name(node) in {"encode", "from"}:
        args = syntax.arguments(node)
        return _secret_literal(source, args[0]) if args else None
    if node.type == "new_expression":
        ctor_args = node.child_by_field_name("arguments")
        inner = list(ctor_args.named_children) if ctor_args is not None else []
        return _secret_literal(source, inner[0]) if inner else None
    value = syntax.string_value(source, node)
    if value is None or len(value) < 8 or NOT_A_VALUE.search(value):
        return None
    return node


def _name_of(source: SourceFile, node: Node | None) -> str:
    if node is None:
        return ""
    if node.type == "member_expression":
        return syntax.member_property(node) or ""
    value = syntax.string_value(source, node)
    return value if value is not None else source.node_text(node)


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    reported: set[int] = set()

    def report(literal: Node, what: str) -> Iterator[Finding]:
        if literal.start_byte not in reported:
            reported.add(literal.start_byte)
            yield RULE.at(source, literal, f"hard-coded secret: a string literal is used as {what}", hint=HINT)

    for node in syntax.nodes_of(source, "variable_declarator", "assignment_expression",
                                "augmented_assignment_expression", "pair", "public_field_definition",
                                "field_definition", "call_expression"):
        kind = node.type
        if kind == "variable_declarator":
            name = _name_of(source, node.child_by_field_name("name"))
            value = node.child_by_field_name("value")
        elif kind in {"assignment_expression", "augmented_assignment_expression"}:
            name = _name_of(source, node.child_by_field_name("left"))
            value = node.child_by_field_name("right")
        elif kind == "pair":
            name = _name_of(source, node.child_by_field_name("key"))
            value = node.child_by_field_name("value")
        elif kind in {"public_field_definition", "field_definition"}:
            name = _name_of(source, node.child_by_field_name("name") or node.child_by_field_name("property"))
            value = node.child_by_field_name("value")
        elif kind == "call_expression":
            found = _key_argument(source, node)
            if found is not None:
                yield from report(found, f"the key of {syntax.method_name(node)}()")
            continue
        else:
            continue
        if name and is_secret_name(name):
            literal = _secret_literal(source, value)
            if literal is not None:
                yield from report(literal, f"the value of {name}")


def _key_argument(source: SourceFile, call: Node) -> Node | None:
    name = syntax.method_name(call)
    args = syntax.arguments(call)
    recv = syntax.receiver(call)
    if name == "sign" and recv is not None and "SignJWT" in source.node_text(recv) and args:
        return _secret_literal(source, args[0])  # new SignJWT(...).sign(key)
    if name in {"sign", "verify", "jwtVerify"} and len(args) >= 2:
        return _secret_literal(source, args[1])
    if name == "importKey" and len(args) >= 3 and "HMAC" in source.node_text(args[2]):
        return _secret_literal(source, args[1])
    return None


RULE = code_rule("MBV103", "hardcoded-secret", Severity.ERROR,
                 "a string literal used as a secret, signing key or password", __doc__, check,
                 needs=[SECRET_TEXT])
