"""MBV110 query-in-loop

## What it does
Flags a D1 query (`.first()`, `.all()`, `.run()`, `.raw()` on a `.prepare()`/`.bind()` chain,
or `.exec()`) awaited inside the body of a `for`, `for...of`, `for...in`, `while` or `do` loop.

## Why is this bad?
Each awaited query is a round trip to the database, one after the other: a list of 100 items
costs 100 sequential queries (the N+1 problem), which makes the request slow and counts
against the per-invocation subrequest/query limits.

## Example
```ts
for (const id of ids) {
  const user = await env.DB.prepare("SELECT * FROM users WHERE id = ?").bind(id).first();
  users.push(user);
}
```

## Use instead
```ts
const { results } = await env.DB.prepare(
  `SELECT * FROM users WHERE id IN (${ids.map(() => "?").join(",")})`,
).bind(...ids).all();
// or: await env.DB.batch(ids.map((id) => stmt.bind(id)))
```

## Known limits
Queries with type arguments (`.first<User>()`, `.all<Post>()`, `.raw<[number]>()`) are found too.
One finding per loop, at its first query. Retry loops (a loop variable named `attempt`/`retry`/`tries`) are not reported. Queries hidden
behind a helper function called in the loop are not seen.
Lowered to info on 2026-12-01: right 1 of 16 times on 47 random public repositories (loops over chunks of a set-based `IN (...)`/`json_each(?)` query, `LIMIT`-batched cleanups and one `ALTER TABLE` per missing column of a schema upgrade, which are not N+1).
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

RUNNERS = frozenset({"first", "all", "run", "raw"})
RETRY = re.compile(r"\b(attempts?|retry|retries|tries|tried)\b", re.IGNORECASE)


def is_d1_query(call: Node) -> bool:
    """A call that runs a D1 statement: `.first()/.all()/.run()/.raw()` on a prepare/bind chain, or `db.exec()`."""
    return _is_query(call)


def _is_query(call: Node) -> bool:
    names = syntax.chain_names(syntax.callee(call))
    if not names:
        return False
    if names[-1] in RUNNERS:
        return "prepare" in names[:-1] or "bind" in names[:-1]
    return names[-1] == "exec" and len(names) >= 2 and names[-2] in {"DB", "db", "d1", "D1", "database"}


def _loop_of(node: Node) -> Node | None:
    """The nearest loop around `node` whose body contains it, not crossing a function."""
    current = node.parent
    child = node
    while current is not None and current.type not in syntax.FUNCTION_TYPES:
        if current.type in syntax.LOOP_TYPES and current.child_by_field_name("body") == child:
            return current
        child, current = current, current.parent
    return None


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    loops_reported: set[int] = set()
    for awaited in syntax.nodes_of(source, "await_expression"):
        inner = awaited.named_children[0] if awaited.named_children else None
        parent = awaited.parent
        if inner is not None and inner.type == "member_expression" and parent is not None \
                and parent.type == "call_expression" and parent.child_by_field_name("function") == awaited:
            # tree-sitter-typescript 0.23 reads `await stmt.first<User>()` as `(await stmt.first)<User>()`
            inner = parent
        if inner is None or inner.type != "call_expression" or not _is_query(inner):
            continue
        loop = _loop_of(awaited)
        if loop is None or loop.start_byte in loops_reported:
            continue
        loops_reported.add(loop.start_byte)
        header = source.data[loop.start_byte:(loop.child_by_field_name("body") or loop).start_byte]
        if RETRY.search(header.decode("utf-8", "replace")):
            continue
        yield RULE.at(source, awaited, "D1 query awaited inside a loop: one round trip per iteration (N+1)",
                      hint="fetch all rows in one query (IN (...) or a JOIN) or send the statements with env.DB.batch()")


RULE = code_rule("MBV110", "query-in-loop", Severity.INFO,
                 "a D1 query awaited inside a loop body", __doc__, check,
                 needs=[('await',), ('for', 'while'), ('first(', 'all(', 'run(', 'raw(', 'exec(')])
