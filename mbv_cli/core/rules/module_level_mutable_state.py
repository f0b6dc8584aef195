"""MBV108 module-level-mutable-state

## What it does
Flags a top-level `let`/`var` that is reassigned (`=`, `+=`, `++`) inside a function, and a
top-level array or object that a function mutates (`push`, `unshift`, `splice`, `obj.x = ...`).

## Why is this bad?
A Worker isolate serves many requests, concurrently and for different users, and is recycled
at unpredictable times. Module-level state written by a handler leaks data between requests
and users, grows without limit, and vanishes on a new isolate, so the behaviour differs
between `wrangler dev` and production.

## Example
```ts
let currentUser: User | null = null;
export default {
  async fetch(req, env) {
    currentUser = await authenticate(req, env);
    return handle(req);
  },
};
```

## Use instead
```ts
export default {
  async fetch(req, env) {
    const user = await authenticate(req, env);
    return handle(req, user); // pass per-request state explicitly
  },
};
```
Keep state that must outlive a request in KV, D1 or a Durable Object.

## Known limits
Lazy initialisation, where the function that writes the variable (or one around it) also tests
it in an `if` (`if (!client) client = ...`, `if (ready) return; ...; ready = true`) or uses
`??=`/`||=`/`x = x ?? make()`/`x ?? (x = make())`, is accepted; so are values derived only from
`env` (`config = loadConfig(env.A)`: the same on every request) and writes in a function the
module calls only at load time (boot-time registration, `register(route)` at top level), and
round-robin cursors (`cursor = (cursor + 1) % n`). Map/Set caches are MBV109's business. Mutation through an alias is not followed.
Lowered to info on 2026-12-01: right 0 of 3 times on 47 random public repositories (deliberate per-isolate state that holds no request data: a promise-guarded DB initialisation error, a best-effort "last failure" note and a cron dedup marker).
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

# a cheap test: a top-level let/var, or a top-level const bound to an array or object literal
TOP_LEVEL_STATE = re.compile(r"(?m)^(?:export\s+)?(?:let|var)\s|^(?:export\s+)?const\s+[\w$]+[^=\n]*=\s*[\[{]")
ARRAY_MUTATORS = frozenset({"push", "unshift", "splice", "pop", "shift", "sort", "reverse", "fill"})
HINT = "keep per-request state in local variables; persist shared state in KV, D1 or a Durable Object"


def _lazy_init(source: SourceFile, node: Node, name: str) -> bool:
    """`if (!x) x = ...`, `if (x === undefined) ...`, `x ??= ...`, `x ||= ...`, `x = x ?? make()`,
    `return x ?? (x = make())`, also when the test is in a function around the one that writes."""
    if node.type == "augmented_assignment_expression":
        op = node.child_by_field_name("operator")
        if op is not None and op.type in {"??=", "||="}:
            return True
    pattern = re.compile(r"(?<![\w$.])" + re.escape(name) + r"(?![\w$])")
    right = node.child_by_field_name("right")
    if right is not None and right.type == "binary_expression" and pattern.search(source.node_text(right)):
        op = right.child_by_field_name("operator")
        if op is not None and op.type in {"??", "||"}:
            return True
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    if parent is not None and parent.type in {"binary_expression", "ternary_expression"} \
            and any(c.type in {"??", "||", "?"} for c in parent.children) \
            and pattern.search(source.node_text(parent)[: node.start_byte - parent.start_byte]):
        return True  # x ?? (x = make()), x ? x : (x = make())
    fn = syntax.enclosing_function(node)
    while fn is not None:
        # an initialisation flag or value tested by the function: `if (ready) return; ...; ready = true`
        for branch in syntax.descendants(fn, "if_statement"):
            cond = branch.child_by_field_name("condition")
            if cond is not None and pattern.search(source.node_text(cond)):
                return True
        fn = syntax.enclosing_function(fn)
    return False


ENV_REF = re.compile(r"(?<![\w$.])(?:(?:c|ctx|context|this)\.)?env\b(?:\??\.[\w$]+|\[[^\]]*\])*")
GLOBALS = frozenset({"JSON", "Number", "String", "Boolean", "Math", "Object", "Array", "URL", "new", "true",
                     "false", "null", "undefined", "await", "as", "typeof", "void", "parseInt", "parseFloat"})


def _from_env_only(source: SourceFile, node: Node) -> bool:
    """`config = makeConfig(env.A, { key: env.B })`: the same value on every request of the isolate."""
    right = node.child_by_field_name("right")
    if right is None:
        return False
    text = source.node_text(right)
    if not ENV_REF.search(text):
        return False
    rest = re.sub(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'", "", ENV_REF.sub(" ", text))
    for match in re.finditer(r"(?<![\w$.])[^\W\d][\w$]*", rest):
        after = rest[match.end():].lstrip()
        if match.group() in GLOBALS or after.startswith(("(", ":")) or after.startswith("<"):
            continue  # a global, a function called, an object key
        return False
    return True


def _round_robin(node: Node) -> bool:
    """`cursor = (cursor + 1) % n`: a rotation index; every value is valid for any request."""
    right = node.child_by_field_name("right")
    while right is not None and right.type == "parenthesized_expression" and right.named_children:
        right = right.named_children[0]
    op = right.child_by_field_name("operator") if right is not None and right.type == "binary_expression" else None
    return op is not None and op.type == "%"


def _boot_registration(source: SourceFile, node: Node) -> bool:
    """A write in a function that the module only calls at load time (`register(route)` at top level)."""
    fn = syntax.enclosing_function(node)
    if fn is None or syntax.enclosing_function(fn) is not None:
        return False
    return syntax.only_called_at_load(source, fn)


def _target_name(source: SourceFile, left: Node | None) -> tuple[str, bool] | None:
    """(root name, whether it is a property write) of an assignment target."""
    if left is None:
        return None
    if left.type == "identifier":
        return source.node_text(left), False
    if left.type == "member_expression":
        obj = left.child_by_field_name("object")
        if obj is not None and obj.type == "identifier":
            return source.node_text(obj), True
    return None


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    reassignable: set[str] = set()
    containers: set[str] = set()
    for kind, declared, _declarator, value in syntax.top_level_declarations(source):
        if kind in {"let", "var"}:
            reassignable.add(declared)
        if value is not None and (value.type in {"array", "object"}):
            containers.add(declared)
    if not reassignable and not containers:
        return
    writes = list(_writes(source, reassignable, containers))
    # a lazy-initialisation flag stays one even where it is reset (e.g. by a test helper)
    init_flags = {name for node, name, _what in writes
                  if node.type != "call_expression" and _lazy_init(source, node, name)}
    reported: set[str] = set()
    for node, name, what in writes:
        if name in init_flags or _boot_registration(source, node):
            continue
        if node.type == "assignment_expression" and (_from_env_only(source, node) or _round_robin(node)):
            continue
        key = f"{name}:{what}"
        if key in reported:
            continue
        reported.add(key)
        yield RULE.at(source, node, f"{what} inside a function: state shared by every request of the isolate",
                      hint=HINT)


def _writes(source: SourceFile, reassignable: set[str], containers: set[str]) -> Iterator[tuple[Node, str, str]]:
    """(node, module-level name, description) of each write inside a function."""
    for node in syntax.nodes_of(source, "assignment_expression", "augmented_assignment_expression",
                                "update_expression", "call_expression"):
        name: str | None = None
        what = ""
        if node.type in {"assignment_expression", "augmented_assignment_expression"}:
            target = _target_name(source, node.child_by_field_name("left"))
            if target is None:
                continue
            name, is_property = target
            if is_property:
                if name not in containers:
                    continue
                left = node.child_by_field_name("left")
                if left is not None and left.child_by_field_name("property") is None:
                    continue  # obj[key] = v: a cache, see MBV109
                what = f"module-level object {name} is modified"
            else:
                if name not in reassignable:
                    continue
                what = f"module-level variable {name} is reassigned"
        elif node.type == "update_expression":
            arg = node.child_by_field_name("argument")
            if arg is None or arg.type != "identifier" or source.node_text(arg) not in reassignable:
                continue
            name = source.node_text(arg)
            what = f"module-level variable {name} is reassigned"
        elif node.type == "call_expression" and syntax.method_name(node) in ARRAY_MUTATORS:
            recv = syntax.receiver(node)
            if recv is None or recv.type != "identifier" or source.node_text(recv) not in containers:
                continue
            name = source.node_text(recv)
            what = f"module-level array {name} is modified with .{syntax.method_name(node)}()"
        else:
            continue
        if name is None or not syntax.inside_function(node) or _shadowed(source, node, name):
            continue
        yield node, name, what


def _shadowed(source: SourceFile, node: Node, name: str) -> bool:
    """Whether a function around `node` declares its own `name` (parameter or local)."""
    fn = syntax.enclosing_function(node)
    while fn is not None:
        params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
        if params is not None and any(source.node_text(i) == name for i in syntax.descendants(params, "identifier")):
            return True
        body = fn.child_by_field_name("body")
        if body is not None:
            for decl in syntax.descendants(body, "variable_declarator"):
                decl_name = decl.child_by_field_name("name")
                if decl_name is not None and source.node_text(decl_name) == name:
                    return True
        fn = syntax.enclosing_function(fn)
    return False


RULE = code_rule("MBV108", "module-level-mutable-state", Severity.INFO,
                 "top-level let/var or collection written inside a request handler", __doc__, check,
                 needs=[('let ', 'var ', 'const ')],
                 text_test=TOP_LEVEL_STATE.search)
