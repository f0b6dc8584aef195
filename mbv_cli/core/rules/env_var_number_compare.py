"""MBV105 env-var-number-compare

## What it does
Flags `env.X` (also `c.env.X`, `this.env.X`, `process.env.X`) compared with `===`, `!==`, `<`,
`>`, `<=` or `>=` to a number literal, unless the config declares `X` as a number var.

## Why is this bad?
Secrets, `.dev.vars` values, dashboard variables and `--var` values reach the Worker as strings
(wrangler-legacy#1259, workers-sdk#3689): `env.MAX_ITEMS === 10` is always false, and `<`/`>`
quietly coerce, so a missing or empty value compares as `0` or `NaN` without an error.

## Example
```ts
if (env.RATE_LIMIT === 100) { ... }
```

## Use instead
```ts
const limit = Number.parseInt(env.RATE_LIMIT ?? "", 10);
if (Number.isNaN(limit)) throw new Error("RATE_LIMIT must be a number");
if (limit === 100) { ... }
```

## Known limits
Only direct comparisons are seen; a value copied to a local first is not followed. Vars given
as numbers in wrangler.toml/json (`vars = { LIMIT = 5 }`) arrive as numbers and are not
reported.
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

OPERATORS = frozenset({"===", "!==", "<", ">", "<=", ">="})


ENV_IMPORT = re.compile(r"import\s*\{[^}]*\benv\s+as\s+(\w+)[^}]*\}\s*from\s*[\"']cloudflare:workers[\"']")


def _env_name(source: SourceFile, node: Node, aliases: set[str]) -> str | None:
    name = syntax.is_env_member(source, node)
    if name is not None or node.type != "member_expression":
        return name
    obj = node.child_by_field_name("object")
    if obj is not None and obj.type == "identifier" and source.node_text(obj) in aliases:
        return syntax.member_property(node)
    return None


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    aliases = set(ENV_IMPORT.findall(source.text))
    for node in syntax.nodes_of(source, "binary_expression"):
        op = node.child_by_field_name("operator")
        if op is None or op.type not in OPERATORS:
            continue
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            continue
        for env_side, other in ((left, right), (right, left)):
            name = _env_name(source, env_side, aliases)
            if name is None or other.type != "number" or name in ctx.numeric_vars:
                continue
            always = " (always false)" if op.type == "===" else " (always true)" if op.type == "!==" else ""
            yield RULE.at(
                source, node,
                f"env.{name} is a string at run time but is compared with {op.type} to a number{always}",
                hint=f"parse it once: const n = Number.parseInt(env.{name}, 10), and check for NaN",
            )
            break


RULE = code_rule("MBV105", "env-var-number-compare", Severity.ERROR,
                 "env.X compared to a number literal (vars and secrets are strings)", __doc__, check,
                 needs=[('env',), ('===', '!==', '<', '>')])
