"""MBV106 node-builtin-without-nodejs-compat

## What it does
Flags an `import`, `export ... from`, `require()` or dynamic `import()` of a Node.js built-in
(`fs`, `path`, `crypto`, `buffer`, `node:*`, ...) in a Worker whose compatibility flags lack
`nodejs_compat` (`nodejs_als` covers `node:async_hooks` alone).

From compatibility date 2026-08-04 the runtime enables `nodejs_compat` and `nodejs_compat_v2` by
default (unless `no_nodejs_compat` is set; Cloudflare changelog 2026-08-04). Then a `node:` import
works and is not reported: wrangler 4.86 only warns and bundles it as external. A bare specifier
(`"crypto"`) still fails to build with a wrangler before 4.122 (`Could not resolve "crypto"`;
4.122 resolves the flags from the date): an error when the project's wrangler is older, nothing
when it is 4.122 or later, a warning when mbv cannot tell (no wrangler in node_modules or
package.json).

## Why is this bad?
Without the flag the Workers runtime has no Node.js modules: the build fails with `Could not
resolve "node:crypto"` or the Worker throws at start-up (workers-sdk#5088).

## Example
```toml
compatibility_date = "2026-06-01"
```
```ts
import { createHmac } from "node:crypto";
```

## Use instead
```toml
compatibility_date = "2026-06-01"
compatibility_flags = ["nodejs_compat"]
```
or use the Web Crypto API (`crypto.subtle`), which needs no flag.

## Known limits
Type-only imports are ignored. Test files are skipped (the vitest pool adds `nodejs_compat`
on its own). Imports pulled in by dependencies are not seen.
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

NODE_BUILTINS = frozenset({
    "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto",
    "dgram", "diagnostics_channel", "dns", "domain", "events", "fs", "fs/promises", "http", "http2",
    "https", "inspector", "module", "net", "os", "path", "path/posix", "path/win32", "perf_hooks",
    "process", "punycode", "querystring", "readline", "repl", "stream", "stream/promises",
    "stream/web", "string_decoder", "sys", "timers", "timers/promises", "tls", "trace_events", "tty",
    "url", "util", "util/types", "v8", "vm", "wasi", "worker_threads", "zlib", "assert/strict", "dns/promises",
})
COMPAT_FLAGS = frozenset({"nodejs_compat", "nodejs_compat_v2"})
# Facts about the Worker that `doctor_code.job_for` adds to its compatibility flags (not wrangler flags).
BY_DATE = "+nodejs_compat_by_date"  # compatibility_date >= 2026-08-04 and no `no_nodejs_compat`
BARE_OK = "+wrangler_resolves_bare_builtins"  # the project's wrangler is 4.122 or later
BARE_UNKNOWN = "+wrangler_version_unknown"
DEFAULT_ON_DATE = "2026-08-04"
BARE_RESOLVED_FROM = (4, 122)


def nodejs_compat_facts(compatibility_date: object, flags: list[str], wrangler: tuple[int, ...] | None) -> set[str]:
    """The pseudo-flags above for one Worker: whether its date turns nodejs_compat on, and what its wrangler does."""
    if not isinstance(compatibility_date, str) or compatibility_date < DEFAULT_ON_DATE or "no_nodejs_compat" in flags:
        return set()
    if wrangler is None:
        return {BY_DATE, BARE_UNKNOWN}
    return {BY_DATE, BARE_OK} if wrangler >= BARE_RESOLVED_FROM else {BY_DATE}


def _module_name(specifier: str) -> str | None:
    if specifier.startswith("node:"):
        return specifier
    return specifier if specifier in NODE_BUILTINS else None


QUOTED_BUILTIN = re.compile(r"[\"'](?:node:|(?:" + "|".join(re.escape(m) for m in sorted(NODE_BUILTINS)) + r")[\"'])")


def check(source: SourceFile, ctx: CodeContext) -> Iterator[Finding]:
    if ctx.compatibility_flags & COMPAT_FLAGS or not QUOTED_BUILTIN.search(source.text):
        return
    for node, specifier, type_only in syntax.module_specifiers(source):
        if type_only:
            continue
        module = _module_name(specifier)
        if module is None:
            continue
        if "nodejs_als" in ctx.compatibility_flags and module.removeprefix("node:") == "async_hooks":
            continue
        if BY_DATE in ctx.compatibility_flags:
            if module.startswith("node:") or BARE_OK in ctx.compatibility_flags:
                continue  # the date enables nodejs_compat at run time, and the bundler leaves it to the runtime
            yield RULE.at(
                source, node,
                f'"{specifier}" without the node: prefix: the compatibility date enables nodejs_compat at run time, '
                f'but wrangler before 4.122 cannot bundle it (Could not resolve "{specifier}")'
                + ("; mbv cannot tell which wrangler this project uses" if BARE_UNKNOWN in ctx.compatibility_flags
                   else ""),
                hint=f'import "node:{specifier}", or upgrade wrangler to 4.122 or later',
                severity=Severity.WARNING if BARE_UNKNOWN in ctx.compatibility_flags else None,
            )
            continue
        yield RULE.at(
            source, node,
            f'"{specifier}" is a Node.js built-in but compatibility_flags lack nodejs_compat',
            hint='add compatibility_flags = ["nodejs_compat"] to the wrangler config, or use a Web API instead',
        )


RULE = code_rule("MBV106", "node-builtin-without-nodejs-compat", Severity.ERROR,
                 "a Node.js built-in imported while nodejs_compat is not set", __doc__, check,
                 needs=[('import', 'require', 'from')],
                 text_test=QUOTED_BUILTIN.search)
