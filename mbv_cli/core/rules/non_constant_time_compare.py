"""MBV115 non-constant-time-compare

## What it does
Flags a secret, token, signature, HMAC, digest, password or API key compared with `===`,
`!==`, `==` or `!=` to another value.

## Why is this bad?
String equality stops at the first differing character, so the time it takes reveals how many
leading characters of a guess are right; an attacker can recover a signature or API key one
character at a time over the network.

## Example
```ts
if (request.headers.get("X-Api-Key") !== env.API_KEY) return new Response("no", { status: 401 });
```

## Use instead
```ts
const a = new TextEncoder().encode(provided);
const b = new TextEncoder().encode(env.API_KEY);
if (a.byteLength !== b.byteLength || !crypto.subtle.timingSafeEqual(a, b)) {
  return new Response("no", { status: 401 });
}
```

## Known limits
Comparisons with `null`, `undefined`, booleans, numbers, string literals (labels, magic bytes)
and `typeof` checks are not reported; nor are content digests and checksums (`contentHash`,
`etag`, `fileDigest`), and two values from the same user input (`newPassword === confirmPassword`,
`body.password === body.passwordConfirm`), module-level constants bound to a literal
(`raw === REDACTED_SECRET`), enum members (`authType === SendAuthType.Password`) or a value and its previous state (`previous === session.token`); neither are facts about a secret (`token.length`, `tokenType`). Names are what is
read: a secret in a variable called `value` is not seen.
Lowered to info on 2026-12-01: right 30 of 41 times (73%) on 47 random public repositories (comparisons that verify no secret: enum constants such as `authType === SendAuthType.Password`, a sentinel constant, two server-generated lease tokens, two server-side config values, a check after the row was already selected by the token).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.rules import syntax
from mbv_cli.core.rules.base import CodeContext, code_rule
from mbv_cli.core.rules.naming import SECRET_TEXT, SIGNATURE_WORDS, is_signature_name

if TYPE_CHECKING:
    from tree_sitter import Node

    from mbv_cli.core.code.parsing import SourceFile

SAFE_OTHER = frozenset({"null", "undefined", "true", "false", "number", "unary_expression"})
HEADERS = frozenset({"authorization", "x-api-key", "x-signature", "x-hub-signature-256", "stripe-signature"})


# a digest of content (an ETag, a checksum, a file hash) is public: comparing it leaks nothing
CONTENT_WORDS = frozenset({"content", "file", "body", "checksum", "etag", "integrity", "blob", "object", "asset",
                           "image", "chunk", "data", "payload", "upload", "cache", "crc", "md5", "version"})
STATE_WORDS = frozenset({"previous", "prev", "old", "last", "cached", "before", "after"})
CONFIRM_WORDS = frozenset({"confirm", "confirmation", "confirmed", "repeat", "repeated", "retype", "again",
                           "verify", "verification", "new", "old", "current", "previous", "second"})


def _name(source: SourceFile, node: Node) -> str:
    target = node.named_children[0] if node.type == "non_null_expression" and node.named_children else node
    if target.type == "member_expression":
        return syntax.member_property(target) or ""
    return source.node_text(target) if target.type == "identifier" else ""


def _secret_side(source: SourceFile, node: Node) -> str | None:
    if node.type in {"identifier", "member_expression", "non_null_expression"}:
        name = _name(source, node)
        parts = syntax.words(name)
        if any(p in CONTENT_WORDS for p in parts) or (parts and parts[-1] == "digest"
                                                        and not any(p in {"hmac", "signature", "sig", "mac"}
                                                                    for p in parts)):
            return None  # a content digest or checksum
        if name and (is_signature_name(name) or name.lower() in SIGNATURE_WORDS):
            return source.node_text(node)
    if node.type == "template_string":  # `Bearer ${env.API_SECRET}`: the secret sits in a substitution
        for part in node.named_children:
            if part.type == "template_substitution" and part.named_children:
                found = _secret_side(source, part.named_children[0])
                if found:
                    return source.node_text(node)
    if node.type == "call_expression" and syntax.method_name(node) == "get":
        args = syntax.arguments(node)
        if args and (syntax.string_value(source, args[0]) or "").lower() in HEADERS:
            return source.node_text(node)
    return None


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    consts: frozenset[str] | None = None  # the file's top-level `const NAME = "literal"`, read when needed
    for node in syntax.nodes_of(source, "binary_expression"):
        op = node.child_by_field_name("operator")
        if op is None or op.type not in {"===", "!==", "==", "!="}:
            continue
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            continue
        if left.type in SAFE_OTHER or right.type in SAFE_OTHER:
            continue
        if syntax.string_value(source, left) == "" or syntax.string_value(source, right) == "":
            continue
        if "typeof" in source.node_text(left) or "typeof" in source.node_text(right):
            continue
        if syntax.string_value(source, left) is not None or syntax.string_value(source, right) is not None:
            continue  # against a literal: a label, a magic value, or a hard-coded secret (MBV103's business)
        if consts is None:
            consts = frozenset(name for kind, name, _, value in syntax.top_level_declarations(source)
                               if kind == "const" and syntax.string_value(source, value) is not None)
        if _constant(source, left, consts) or _constant(source, right, consts):
            continue  # against a named constant or an enum member: the same as a literal
        if _same_input(source, left, right):
            continue
        name = _secret_side(source, left) or _secret_side(source, right)
        if name is None:
            continue
        yield RULE.at(source, node, f"{name[:60]} is compared with {op.type}: the time taken leaks how much matches",
                      hint="compare with crypto.subtle.timingSafeEqual on equal-length byte arrays")


def _constant(source: SourceFile, node: Node, consts: frozenset[str]) -> bool:
    """A top-level `const NAME = "literal"` of the file (`raw === REDACTED_SECRET` where it is `'********'`) or an enum
    member (`send.authType === SendAuthType.Password`: PascalCase object, capitalised member)."""
    if node.type == "identifier":
        return source.node_text(node) in consts
    if node.type == "member_expression":
        obj = node.child_by_field_name("object")
        prop = syntax.member_property(node) or ""
        name = source.node_text(obj) if obj is not None and obj.type == "identifier" else ""
        return bool(re.fullmatch(r"[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*", name)) and prop[:1].isupper() \
            and name not in {"Env", "Secrets", "Config"}
    return False


def _same_input(source: SourceFile, left: Node, right: Node) -> bool:
    """`newPassword === confirmPassword`, `body.password === body.passwordConfirm`: both sides come from the
    same user, so timing tells an attacker nothing they did not type."""
    lnames, rnames = syntax.chain_names(left), syntax.chain_names(right)
    if len(lnames) >= 2 and len(rnames) >= 2 and lnames[0] == rnames[0] and lnames[0] not in {"env", "this", "c"} \
            and "env" not in lnames and "env" not in rnames:
        return True
    words = syntax.words(_name(source, left)) + syntax.words(_name(source, right))
    if any(w in STATE_WORDS for w in words):
        return True  # previous === session.token: a change of state, not a check of what a client sent
    return any(w in CONFIRM_WORDS for w in words) and "password" in words


RULE = code_rule("MBV115", "non-constant-time-compare", Severity.INFO,
                 "a secret, token or signature compared with === / !==", __doc__, check,
                 needs=[('==', '!='), SECRET_TEXT])
