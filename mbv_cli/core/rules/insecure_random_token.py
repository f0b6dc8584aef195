"""MBV114 insecure-random-token

## What it does
Flags `Math.random()` used to build something named as a token, nonce, secret, session, salt,
password, OTP, PIN, verification code or CSRF value (the variable, property, or function it ends
up in).

## Why is this bad?
`Math.random()` is not a cryptographic generator: its output can be predicted from a few
samples, so tokens, session ids and reset codes built from it can be guessed.

## Example
```ts
const sessionId = Math.random().toString(36).slice(2);
```

## Use instead
```ts
const sessionId = crypto.randomUUID();
// or: crypto.getRandomValues(new Uint8Array(32))
```

## Known limits
An `id` alone is not a secret purpose (row ids, request ids); `code` is one when alone or with a
word such as verification, reset, login, email or sms (not `statusCode`). The purpose is read from names: `Math.random()` in a function named `pick` that returns a
token is not seen, and a random used for jitter in a function named `tokenBackoff` would be.
Test files are skipped.
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

# `id` alone is no secret purpose (a row id, a request id, a React key); what guards access is
PURPOSE_WORDS = frozenset({"token", "nonce", "secret", "session", "sid", "salt", "password", "passwd", "otp",
                           "csrf", "xsrf", "verifier", "challenge", "apikey", "pin", "passcode", "totp", "hotp"})
# `code` is a one-time code alone or with one of these words (not statusCode, countryCode, colorCode)
CODE_CONTEXT = frozenset({"verification", "verify", "otp", "reset", "confirm", "confirmation", "auth", "login",
                          "invite", "invitation", "email", "sms", "magic", "mfa", "security", "access", "pairing",
                          "recovery", "activation", "signup", "one", "time", "onetime", "2fa", "tfa", "phone"})
NOT_PURPOSE = frozenset({"color", "colour", "delay", "jitter", "sample", "sampling", "backoff", "index",
                         "offset", "width", "height", "x", "y", "position", "chance", "probability", "weight"})


def _purpose(source: SourceFile, node: Node) -> str | None:
    """The name the random value flows into: declarator, assignment target, property or function."""
    current = node.parent
    while current is not None:
        name_node: Node | None = None
        if current.type == "variable_declarator":
            name_node = current.child_by_field_name("name")
        elif current.type == "assignment_expression":
            name_node = current.child_by_field_name("left")
        elif current.type == "pair":
            name_node = current.child_by_field_name("key")
        elif current.type in syntax.FUNCTION_TYPES:
            name_node = current.child_by_field_name("name")
            if name_node is None and current.parent is not None and current.parent.type == "variable_declarator":
                name_node = current.parent.child_by_field_name("name")
        elif current.type in {"binary_expression"}:
            op = current.child_by_field_name("operator")
            if op is not None and op.type in {"<", ">", "<=", ">="}:
                return None  # if (Math.random() < 0.1): sampling
        if name_node is not None:
            name = source.node_text(name_node).split(".")[-1]
            parts = syntax.words(name)
            if any(p in NOT_PURPOSE for p in parts):
                return None
            if any(p in PURPOSE_WORDS for p in parts):
                return name
            if "code" in parts and (parts in (["code"], ["codes"]) or any(p in CODE_CONTEXT for p in parts)):
                return name
            if current.type in syntax.FUNCTION_TYPES:
                return None
        current = current.parent
    return None


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    for call in syntax.nodes_of(source, "call_expression"):
        fn = syntax.callee(call)
        if fn is None or source.node_text(fn).replace(" ", "") != "Math.random":
            continue
        purpose = _purpose(source, call)
        if purpose is not None:
            yield RULE.at(source, call, f"Math.random() is used to build {purpose}: it is predictable",
                          hint="use crypto.randomUUID() or crypto.getRandomValues(new Uint8Array(32))")


RULE = code_rule("MBV114", "insecure-random-token", Severity.ERROR,
                 "Math.random() used to build a token, nonce, session, secret or one-time code", __doc__, check,
                 needs=[('math.random',)])
