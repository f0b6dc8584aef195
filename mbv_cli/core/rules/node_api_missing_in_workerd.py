"""MBV118 node-api-missing-in-workerd

## What it does
Flags `__dirname` and `__filename`, and imports or `require()`s of the Node.js modules that the
Workers runtime provides only as non-functional stubs even with `nodejs_compat`:
`child_process`, `cluster`, `dgram`, `domain`, `http2`, `inspector`, `readline`, `repl`,
`sqlite`, `trace_events`, `v8`, `vm`, `wasi` and `worker_threads` (with or without `node:`).

## Why is this bad?
A Worker is an ES module with no file system of its own: `__dirname` and `__filename` are not
defined there (`Uncaught ReferenceError: __dirname is not defined`, workerd#5260,
workers-sdk#7606; Node.js does not define them in ES modules either). The modules above can be
imported so that packages probing for them load (the stubs are switched on by compatibility
dates from 2025-09-01 to 2026-03-17; before that, wrangler's unenv polyfills stand in), but
every call throws: a Worker cannot spawn processes, open threads or UDP sockets, or compile code
with `vm`. The failure shows up on the first request that reaches the call, not at deploy.

## Example
```ts
import { execSync } from "node:child_process";
const template = readFileSync(join(__dirname, "template.html"), "utf8");
```

## Use instead
```ts
import template from "./template.html"; // bundled as text (a wrangler rule: type "Text")
// run the work elsewhere: a Container, a Queue consumer, or a service binding to another Worker
```

## Known limits
Facts from the Workers documentation (Node.js compatibility flag page: the stub table with its
enable dates and flags) and workers-sdk's unenv preset (native, hybrid and polyfilled modules);
`node:tty` is left out because its stub answers `isatty()` truthfully (false). `__dirname`
declared in the file (an ESM polyfill) and uses under `typeof` are not reported; a `define`
for it in the wrangler config is not looked at. Reading
project files with `node:fs` (its virtual file system holds the bundle, not your repository) is
not reported. Imports made by dependencies are not seen.
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

STUB_MODULES = frozenset({
    "child_process", "cluster", "dgram", "domain", "http2", "inspector", "inspector/promises", "readline",
    "readline/promises", "repl", "sqlite", "trace_events", "v8", "vm", "wasi", "worker_threads",
})
_MODULES = "|".join(re.escape(m) for m in sorted(STUB_MODULES, key=len, reverse=True))
# the cheap test, as three searches that each start with a literal (fast in `re`), not one pattern
# tried at every quote of the file
IMPORT_TESTS = tuple(re.compile(prefix + r"\s*[\"'](?:node:)?(?:" + _MODULES + r")[\"']")
                     for prefix in (r"from", r"require\(", r"import\s*\(?"))


def _may_apply(text: str) -> bool:
    return "__dirname" in text or "__filename" in text or any(test.search(text) for test in IMPORT_TESTS)


FILE_GLOBALS = frozenset({"__dirname", "__filename"})


def _declared(source: SourceFile, name: str) -> bool:
    for node in syntax.nodes_of(source, "variable_declarator", "required_parameter", "optional_parameter"):
        target = node.child_by_field_name("name") or node.child_by_field_name("pattern")
        if target is not None and name in source.node_text(target):
            return True
    return False


def _under_typeof(node: Node) -> bool:
    parent = node.parent
    return parent is not None and parent.type == "unary_expression" and bool(parent.children) \
        and parent.children[0].type == "typeof"


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    for node, specifier, type_only in syntax.module_specifiers(source):
        module = specifier.removeprefix("node:")
        if type_only or module not in STUB_MODULES:
            continue
        yield RULE.at(source, node, f'"{specifier}" is only a non-functional stub in Workers, even with '
                      "nodejs_compat: every call into it throws",
                      hint="do this work outside the Worker (a Container, a Queue consumer, another service) "
                           "or with a Web API")
    reported: set[str] = set()
    for ident in syntax.nodes_of(source, "identifier"):
        name = source.node_text(ident)
        if name not in FILE_GLOBALS or name in reported or _under_typeof(ident):
            continue
        if _declared(source, name):
            reported.add(name)
            continue
        reported.add(name)
        yield RULE.at(source, ident, f"{name} is not defined in a Worker (an ES module without a file system): "
                      "ReferenceError when this line runs",
                      hint="import the file as a module (wrangler `rules` with type Text/Data) or fetch it "
                           "from R2/KV/static assets")


RULE = code_rule("MBV118", "node-api-missing-in-workerd", Severity.ERROR,
                 "__dirname/__filename, or a Node.js module that Workers only stub", __doc__, check,
                 text_test=_may_apply)
