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
as secret values; neither are UI and i18n text (`PasswordMsg: "Password:"`, a single word such
as `"Passwort"`, text in a non-Latin script, every value of a file under `i18n/`, `locales/`,
`lang/`, `translations/`), key names held by a `*_KEY` constant (`UPLOAD_SESSION_KEY = "uploadSession"`,
`CONFIG_KEY = "globalSettings__yubico__key"`), column names (`tokenColumn: "phone_interview_token"`),
masks made of one repeated character (`"********"`),
PascalCase protocol labels used as HMAC key data (`"WebAppData"`) and public client keys by
their prefix (PostHog `phc_`, Stripe/Clerk `pk_live_`/`pk_test_`, Mapbox `pk.eyJ`, Firebase
`AIza`). A fallback `env.X ?? "literal"` is reported whatever the variable is called (any script)
when X names a secret or ends in KEY/SECRET/TOKEN. Test files are skipped. A secret split across variables is not seen.
Lowered to info on 2026-12-01: right 4 of 8 times on 47 random public repositories (storage key and column names such as `YUBICO_SECRET_KEY_CONFIG_KEY = 'globalSettings__yubico__key'` and `tokenColumn: 'phone_interview_token'`, and a `'********'` mask placeholder, taken for secrets).
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
# (also a mask made of one repeated character: "********")
NOT_A_VALUE = re.compile(r"\s|^[A-Z]+(_[A-Z0-9]+)+$|^https?://|^x-[a-z-]+$|^\$\{|^<.*>$|^[a-z]+:[a-z]+$|^(.)\2*$")
# UI and i18n text: "Password:", "Passwort", "Token expired!"
# (a capitalised word only: `ADMIN_PASSWORD: "password"` is a default credential, not a label)
UI_TEXT = re.compile(r"[:?!\u2026]$|^[A-Z\u00c0-\u00de][^\W\d_A-Z]+$")
# a storage, cookie or header key name held by a constant named *_KEY: "uploadSession", "auth-token"
# (also camelCase segments joined by separators: "globalSettings__yubico__key")
KEY_NAME = re.compile(r"^[a-z]+(?:[A-Z][a-z]+)+$|^[a-z]+(?:[A-Z][a-z]+)*(?:[-_:.]+[a-z]+(?:[A-Z][a-z]+)*)+$")
# public client keys, meant to be shipped to browsers (PostHog, Stripe/Clerk publishable, Mapbox, Firebase web)
PUBLIC_KEY_PREFIX = re.compile(r"^(phc_|pk_live_|pk_test_|pk\.eyJ|AIza)")
# labels fixed by a protocol, used as HMAC key data (Telegram Web Apps: HMAC_SHA256("WebAppData", bot_token))
PROTOCOL_LABEL = re.compile(r"^[A-Z][a-z]+(?:[A-Z][a-z]+)+$")
# translation catalogues: every value is UI text
I18N_PATH = re.compile(r"(^|/)(i18n|l10n|locales?|lang|langs|languages|translations?|messages)/", re.IGNORECASE)
# text in a script other than Latin (CJK, Cyrillic, Arabic...) or with typographic punctuation is UI text
NON_LATIN_TEXT = re.compile(r"[\u0370-\u1fff\u2000-\u206f\u3000-\uffff]")
ENV_SECRET_LAST_WORDS = frozenset({"key", "secret", "token", "password", "pass", "salt", "pepper"})


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
    if value is None or len(value) < 8 or NOT_A_VALUE.search(value) or UI_TEXT.search(value) \
            or PUBLIC_KEY_PREFIX.match(value) or NON_LATIN_TEXT.search(value):
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
    if I18N_PATH.search("/" + "/".join(source.path.parts[-4:])):  # near the file: not the checkout's location
        return
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
        fallback = _env_fallback(source, value)
        if fallback is not None:  # env.JWT_SECRET ?? "dev-secret", whatever the variable is called
            yield from report(fallback[1], f"the fallback of env.{fallback[0]}")
            continue
        if name and is_secret_name(name):
            literal = _secret_literal(source, value)
            if literal is not None and not _key_name(source, name, literal):
                yield from report(literal, f"the value of {name}")


def _env_fallback(source: SourceFile, value: Node | None) -> tuple[str, Node] | None:
    """(X, literal) of `env.X ?? "literal"` / `env.X || "literal"` when X names a secret or a key."""
    if value is None or value.type != "binary_expression":
        return None
    op, left = value.child_by_field_name("operator"), value.child_by_field_name("left")
    if op is None or op.type not in {"??", "||"} or left is None:
        return None
    name = syntax.is_env_member(source, left)
    if not name or not (is_secret_name(name) or (syntax.words(name) or [""])[-1] in ENV_SECRET_LAST_WORDS):
        return None
    literal = _secret_literal(source, value.child_by_field_name("right"))
    return (name, literal) if literal is not None else None


def _key_name(source: SourceFile, name: str, literal: Node) -> bool:
    """`UPLOAD_SESSION_KEY = "uploadSession"`: the name under which something is stored, not a secret."""
    parts = syntax.words(name)
    return bool(parts) and parts[-1] == "key" and bool(KEY_NAME.match(syntax.string_value(source, literal) or ""))


def _key_argument(source: SourceFile, call: Node) -> Node | None:
    name = syntax.method_name(call)
    args = syntax.arguments(call)
    recv = syntax.receiver(call)
    if name == "sign" and recv is not None and "SignJWT" in source.node_text(recv) and args:
        return _secret_literal(source, args[0])  # new SignJWT(...).sign(key)
    if name in {"sign", "verify", "jwtVerify"} and len(args) >= 2:
        return _secret_literal(source, args[1])
    if name == "importKey" and len(args) >= 3 and "HMAC" in source.node_text(args[2]):
        literal = _secret_literal(source, args[1])
        if literal is not None and PROTOCOL_LABEL.match(syntax.string_value(source, literal) or ""):
            return None  # "WebAppData": a label fixed by a protocol, the secret is the signed data
        return literal
    return None


RULE = code_rule("MBV103", "hardcoded-secret", Severity.INFO,
                 "a string literal used as a secret, signing key or password", __doc__, check,
                 needs=[SECRET_TEXT])
