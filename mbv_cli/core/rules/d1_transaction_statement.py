"""MBV107 d1-transaction-statement

## What it does
Flags `BEGIN`, `BEGIN TRANSACTION`, `COMMIT`, `END`, `ROLLBACK`, `SAVEPOINT` and `RELEASE`
statements sent through `.prepare()` or `.exec()` (the D1 API).

## Why is this bad?
D1 does not support interactive transactions: each statement runs in its own implicit
transaction, and D1 rejects explicit transaction statements (or they fail only in production,
after working locally). Code that relies on them either errors or is not atomic.

## Example
```ts
await env.DB.exec("BEGIN TRANSACTION");
await env.DB.prepare("UPDATE accounts SET balance = balance - ? WHERE id = ?").bind(10, a).run();
await env.DB.exec("COMMIT");
```

## Use instead
```ts
await env.DB.batch([
  env.DB.prepare("UPDATE accounts SET balance = balance - ? WHERE id = ?").bind(10, a),
  env.DB.prepare("UPDATE accounts SET balance = balance + ? WHERE id = ?").bind(10, b),
]); // a batch runs as one transaction
```

## Known limits
Only SQL given as a literal, a `const` in the same file, or a template without substitutions is
read; statements assembled at run time are not seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mbv_cli.core.findings import Finding, Severity
from mbv_cli.core.rules import syntax
from mbv_cli.core.rules.base import CodeContext, code_rule

if TYPE_CHECKING:
    from mbv_cli.core.code.parsing import SourceFile

TRANSACTION = re.compile(r"^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)
COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    consts: dict[str, str] | None = None
    for call in syntax.nodes_of(source, "call_expression"):
        if syntax.method_name(call) not in {"prepare", "exec"}:
            continue
        recv = syntax.receiver(call)
        if recv is None or recv.type == "regex":
            continue
        args = syntax.arguments(call)
        if not args:
            continue
        arg = args[0]
        sql = syntax.string_value(source, arg)
        if sql is None and arg.type == "identifier":
            consts = syntax.const_strings(source) if consts is None else consts
            sql = consts.get(source.node_text(arg))
        if sql is None:
            continue
        for statement in COMMENT.sub("", sql).split(";"):
            match = TRANSACTION.match(statement)
            if match:
                yield RULE.at(
                    source, arg,
                    f"{match.group(1).upper()} sent to D1: D1 has no interactive transactions",
                    hint="group the statements in env.DB.batch([...]), which runs them in one transaction",
                )
                break


RULE = code_rule("MBV107", "d1-transaction-statement", Severity.ERROR,
                 "BEGIN/COMMIT/ROLLBACK/SAVEPOINT sent through D1", __doc__, check,
                 needs=[('prepare', 'exec'), ('begin', 'commit', 'end', 'rollback', 'savepoint', 'release')])
