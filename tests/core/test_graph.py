"""The module graph: specifiers, resolution, unresolved imports, entries, shared files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from mbv_cli.core.graph import GraphCache, build_graph
from mbv_cli.core.graph.findings import unresolved_findings
from mbv_cli.core.graph.resolve import match_exports, package_name
from mbv_cli.core.graph.specifiers import extract
from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def graphs(root: Path, **kwargs):
    cache = GraphCache()
    return [build_graph(w, cache=cache, **kwargs) for w in resolve_workers(load_workspace(root, nested=True))]


CONFIG = '{"name": "w", "main": "src/index.ts", "compatibility_date": "2025-06-01"}'


def test_specifiers_skip_comments_and_strings_and_mark_type_only() -> None:
    text = ('// import a from "./c1"\n/* import b from "./c2" */\nconst s = "import x from \'./c3\'";\n'
            'import type { E } from "./env";\nimport D, { y } from "./d";\nexport * from "./e";\n'
            'const m = await import("./g");\nconst t = `import q from "./c4"`;\nimport {\n  a,\n} from "./multi";\n')
    found = [(s.text, s.line, s.kind, s.type_only) for s in extract(text)]
    assert found == [("./env", 4, "static", True), ("./d", 5, "static", False), ("./e", 6, "static", False),
                     ("./g", 7, "dynamic", False), ("./multi", 11, "static", False)]


def test_exports_conditions_follow_wrangler_order() -> None:
    exports = {".": {"node": "./n.js", "workerd": "./w.js", "default": "./d.js"},
               "./x/*": {"import": "./x/*.mjs"}, "./legacy/": "./lib/"}
    conditions = frozenset({"workerd", "worker", "browser", "import", "default"})
    assert match_exports(exports, ".", conditions) == "./w.js"
    assert match_exports(exports, "./x/a", conditions) == "./x/a.mjs"
    assert match_exports(exports, "./legacy/y.js", conditions) == "./lib/y.js"
    assert match_exports(exports, "./missing", conditions) is None
    assert package_name("@scope/pkg/sub/x") == ("@scope/pkg", "./sub/x")


def test_unresolved_imports_become_findings(tmp_path: Path) -> None:
    write(tmp_path, {
        "wrangler.jsonc": CONFIG,
        "package.json": json.dumps({"name": "w", "dependencies": {"declared-pkg": "1.0.0"}}),
        "node_modules/.keep": "",
        "src/index.ts": 'import { a } from "./gone";\nimport z from "zod";\nimport d from "declared-pkg";\n'
                        'import type { T } from "./types-gone";\nimport fs from "node:fs";\n'
                        'import { env } from "cloudflare:workers";\nexport default { fetch() { return a + z + d; } };\n',
        ".git/HEAD": "",
    })
    [graph] = graphs(tmp_path)
    findings, notes = unresolved_findings([graph])
    assert [(f.code, f.line, f.severity.value) for f in findings] == [
        ("MBV401", 1, "error"), ("MBV402", 2, "error"), ("MBV403", 3, "warning")]
    assert notes == []
    assert {u.specifier for u in graph.unresolved} == {"./gone", "zod", "declared-pkg", "./types-gone"}


def test_declared_but_nothing_installed_is_one_note(tmp_path: Path) -> None:
    write(tmp_path, {"wrangler.jsonc": CONFIG, ".git/HEAD": "",
                     "package.json": json.dumps({"dependencies": {"hono": "4"}}),
                     "src/index.ts": 'import { Hono } from "hono";\nimport { cors } from "hono/cors";\n'})
    findings, notes = unresolved_findings(graphs(tmp_path))
    assert findings == [] and len(notes) == 1 and "hono is declared but not installed" in notes[0]


def test_workspace_package_without_node_modules_and_resolve_import(tmp_path: Path) -> None:
    write(tmp_path, {
        "package.json": json.dumps({"private": True, "workspaces": {"packages": ["apps/*", "packages/*"]}}),
        "apps/api/wrangler.jsonc": CONFIG,
        "apps/api/src/index.ts": 'import { x } from "@repo/common/src/x";\nexport default { fetch() { return x; } };\n',
        "packages/common/package.json": json.dumps({"name": "@repo/common"}),
        "packages/common/src/x.ts": 'export const x = 1;\n',
    })
    [graph] = graphs(tmp_path / "apps" / "api")
    target = (tmp_path / "packages/common/src/x.ts").resolve()
    assert graph.modules[target].how == "workspace-package"
    index = (tmp_path / "apps/api/src/index.ts").resolve()
    assert graph.resolve_import(index, "@repo/common/src/x") == target
    assert graph.resolve_import(index, "./nope") is None


def test_symlinked_third_party_package_is_recorded_not_followed(tmp_path: Path) -> None:
    store = tmp_path / "node_modules" / ".pnpm" / "dep@2.1.0" / "node_modules" / "dep"
    write(store, {"package.json": json.dumps({"name": "dep", "version": "2.1.0", "module": "esm.js"}),
                  "esm.js": 'import "./more.js";\nexport const d = 1;\n', "more.js": "export {};\n"})
    write(tmp_path, {"wrangler.jsonc": CONFIG, "src/index.ts": 'import { d } from "dep";\nexport default d;\n'})
    (tmp_path / "src" / "node_modules").mkdir()
    os.symlink(store, tmp_path / "src" / "node_modules" / "dep")
    [graph] = graphs(tmp_path)
    assert graph.project_files == [(tmp_path / "src/index.ts").resolve()]
    package = graph.packages["dep"]
    assert (package.version, package.importers[0][1]) == ("2.1.0", 1) and package.size > 0


def test_entry_status_and_mbv_toml_override(tmp_path: Path) -> None:
    write(tmp_path, {"a/wrangler.jsonc": '{"name": "a", "assets": {"directory": "public"}}',
                     "b/wrangler.jsonc": '{"name": "b", "main": "dist/index.js"}', "b/dist/index.js": "x",
                     "b/src/worker.ts": "export default {};\n",
                     "c/wrangler.jsonc": '{"name": "c", "main": "src/missing.ts"}'})
    by_name = {g.name: g for g in graphs(tmp_path)}
    assert {n: g.status for n, g in by_name.items()} == {"a": "no-main", "b": "main-in-build", "c": "main-missing"}
    assert "assets only" in (by_name["a"].note or "") and "[entry]" in (by_name["b"].note or "")
    [b] = [g for g in graphs(tmp_path, overrides={(tmp_path / "b").resolve(): "src/worker.ts"}) if g.name == "b"]
    assert b.status == "ok" and b.entry_source == "mbv.toml" and len(b.project_files) == 1


def test_no_main_takes_the_entry_a_package_script_gives_wrangler(tmp_path: Path) -> None:
    # wrangler's positional argument is the entry point (`wrangler deploy src/index.ts`); issue 12 review A: blogger
    scripts = {"dev": "wrangler dev --port 8787 src/index.ts", "deploy": "wrangler deploy --minify src/index.ts"}
    write(tmp_path, {"a/wrangler.toml": 'name = "a"\ncompatibility_date = "2025-06-01"\n',
                     "a/package.json": json.dumps({"scripts": scripts}),
                     "a/src/index.ts": "import { h } from './h';\nexport default { fetch: h };\n",
                     "a/src/h.ts": "export const h = () => new Response('x');\n",
                     # a script that names no file, a missing file, build output: no entry
                     "b/wrangler.toml": 'name = "b"\n', "b/package.json": json.dumps({"scripts": {"d": "wrangler deploy"}}),
                     "c/wrangler.toml": 'name = "c"\n', "c/package.json": json.dumps({"scripts": {"d": "wrangler deploy x.ts"}}),
                     "d/wrangler.toml": 'name = "d"\n', "d/dist/w.js": "x",
                     "d/package.json": json.dumps({"scripts": {"d": "wrangler deploy dist/w.js"}})})
    by_name = {g.name: g for g in graphs(tmp_path)}
    a = by_name["a"]
    assert (a.status, a.entry_source, a.entry) == ("ok", "package.json", (tmp_path / "a/src/index.ts").resolve())
    assert [p.name for p in a.project_files] == ["h.ts", "index.ts"]
    assert {n: by_name[n].status for n in "bcd"} == {"b": "no-main", "c": "no-main", "d": "no-main"}


def test_what_only_import_type_reaches_is_erased_with_everything_it_imports(tmp_path: Path) -> None:
    # review E of 256786b (PackRat): the MCP Worker was charged with the API Worker's code through `import type { App }`
    write(tmp_path, {"w/wrangler.jsonc": CONFIG,
                     "w/src/index.ts": "import type { App } from './app';\nimport { util } from './util';\n"
                                       "export default { fetch: () => new Response(util()) };\n",
                     "w/src/app.ts": "import { routes } from './routes';\nexport const app = routes;\nexport type App = typeof app;\n",
                     "w/src/routes.ts": "import { util } from './util';\nexport const routes = [util];\n",
                     "w/src/util.ts": "export const util = () => 'x';\n"})
    [graph] = graphs(tmp_path)
    erased = {p.name for p in graph.type_only_files}
    assert erased == {"app.ts", "routes.ts"}  # util.ts is bundled: index.ts imports it for real
    assert {p.name for p in graph.project_files} == {"index.ts", "app.ts", "routes.ts", "util.ts"}


def test_discovery_finds_nested_workers_and_survives_a_broken_config(tmp_path: Path) -> None:
    write(tmp_path, {"wrangler.jsonc": '{"name": "root", "main": "src/index.ts"}',
                     "workers/api/wrangler.toml": 'name = "api"\nmain = "src/index.ts"\n',
                     "workers/broken/wrangler.toml": 'name = "broken\n',
                     "node_modules/x/wrangler.toml": 'name = "dep"\n',
                     "dist/wrangler.json": '{"name": "built"}'})
    workspace = load_workspace(tmp_path, nested=True)
    assert sorted(c.raw["name"] for c in workspace.configs) == ["api", "root"]
    assert len(workspace.broken) == 1 and "broken" in workspace.broken[0].one_line()
    assert [c.raw["name"] for c in load_workspace(tmp_path).configs] == ["root"]  # one-Worker commands


def test_no_bundle_uploads_every_module_the_rules_match(tmp_path: Path) -> None:
    write(tmp_path, {"wrangler.jsonc": '{"name": "w", "main": "src/index.js", "no_bundle": true}',
                     "src/index.js": 'import { a } from "./a.js";\nexport default { fetch() { return a; } };\n',
                     "src/a.js": "export const a = 1;\n", "src/lazy/b.mjs": "export const b = 2;\n",
                     "src/data.txt": "hello\n", "src/node_modules/x/i.js": "export {};\n"})
    [graph] = graphs(tmp_path)
    names = {m.path.name: m.how for m in graph.modules.values()}
    assert names == {"index.js": "entry", "a.js": "relative", "b.mjs": "additional-module",
                     "data.txt": "additional-module"}
    assert [p.name for p in graph.project_files] == ["a.js", "index.js", "b.mjs"]


MONOREPO = {
    "package.json": json.dumps({"private": True, "workspaces": ["apps/*", "packages/*"]}),
    "apps/api/wrangler.jsonc": '{"name": "api", "main": "src/index.ts", "compatibility_date": "2025-06-01",'
                               ' "kv_namespaces": [{"binding": "CACHE", "id": "0123456789abcdef0123456789abcdef"}]}',
    "apps/api/package.json": json.dumps({"name": "api", "dependencies": {
        "@repo/mw": "workspace:*", "@repo/shared": "workspace:*", "@repo/email": "workspace:*"}}),
    # main in a missing dist/, no source at the mapped path: not built, its code unseen
    "packages/mw/package.json": json.dumps({"name": "@repo/mw", "main": "dist/index.js"}),
    "packages/mw/src/main.ts": "export const mw = (env: any) => env.CACHE;\n",
    # exports into a missing dist/, source at the same path under src/: read instead
    "packages/shared/package.json": json.dumps({"name": "@repo/shared",
                                                "exports": {"./api-tokens": {"import": "./dist/api-tokens.js"}}}),
    "packages/shared/src/api-tokens.ts": "export const token = 1;\n",
    # dist/ exists but lacks the entry: a real unresolved import
    "packages/email/package.json": json.dumps({"name": "@repo/email", "main": "dist/index.js"}),
    "packages/email/dist/other.js": "export {};\n",
    "apps/api/src/index.ts": 'import { mw } from "@repo/mw";\nimport { token } from "@repo/shared/api-tokens";\n'
                             'import { send } from "@repo/email";\nimport { a } from "./gone";\nimport "./lib/b";\n'
                             'export default { fetch() { return [mw, token, send, a]; } };\n',
    "apps/api/src/lib/b.ts": 'import { mw } from "@repo/mw";\nimport { a } from "../gone";\nimport { send } from "@repo/email";\n'
                             'export const b = [mw, a, send];\n',
}


def test_unbuilt_workspace_package_is_one_info_and_unresolved_imports_are_grouped(tmp_path: Path) -> None:
    write(tmp_path, MONOREPO)
    [graph] = graphs(tmp_path / "apps" / "api")
    index, lib = (tmp_path / "apps/api/src/index.ts").resolve(), (tmp_path / "apps/api/src/lib/b.ts").resolve()
    assert graph.modules[(tmp_path / "packages/shared/src/api-tokens.ts").resolve()].how == "workspace-package"
    findings, notes = unresolved_findings([graph])
    got = {(f.code, f.severity.value, f.file, f.line, f.related) for f in findings}
    assert got == {
        ("MBV404", "info", str(index), 1, ((str(lib), 1, None),)),
        ("MBV401", "error", str(index), 3, ((str(lib), 3, None),)),
        ("MBV401", "error", str(index), 4, ((str(lib), 2, None),)),
    } and notes == []
    [built] = [f for f in findings if f.code == "MBV404"]
    assert "@repo/mw is not built" in built.message and "dist/index.js missing" in built.message
    assert "turbo run build" in (built.hint or "")


def test_unseen_workspace_code_turns_mbv002_into_info_naming_the_import(tmp_path: Path) -> None:
    from mbv_cli.core.doctor import DoctorSettings, run_doctor

    def mbv002(root: Path) -> list[tuple[str, str | None]]:
        workspace = load_workspace(root, nested=True)
        result = run_doctor(workspace, resolve_workers(workspace), settings=DoctorSettings(), processes=1)
        return [(f.severity.value, f.hint) for f in result.report.sorted() if f.code == "MBV002"]

    write(tmp_path, MONOREPO)
    [(severity, hint)] = mbv002(tmp_path / "apps" / "api")
    assert severity == "info" and "@repo/mw (" in (hint or "") and "(and 2 more)" in (hint or "")
    # once the package is built and the other imports fixed, the unused binding is a warning again
    write(tmp_path, {"packages/mw/dist/index.js": "export const mw = () => 1;\n",
                     "packages/email/dist/index.js": "export const send = 1;\n", "apps/api/src/gone.ts": "export const a = 1;\n"})
    assert [s for s, _ in mbv002(tmp_path / "apps" / "api")] == ["warning"]


def test_relative_import_into_a_declared_uninstalled_package_is_mbv403(tmp_path: Path) -> None:
    write(tmp_path, {
        ".git/HEAD": "", "wrangler.jsonc": CONFIG, "node_modules/other/package.json": "{}",
        "package.json": json.dumps({"name": "w", "dependencies": {"@resvg/resvg-wasm": "2"}}),
        "src/index.ts": 'import wasm from "../node_modules/@resvg/resvg-wasm/index_bg.wasm";\n'
                        'import { x } from "../node_modules/undeclared/x.js";\nexport default [wasm, x];\n',
    })
    findings, _ = unresolved_findings(graphs(tmp_path))
    assert [(f.code, f.severity.value, f.line) for f in findings] == [("MBV403", "warning", 1), ("MBV401", "error", 2)]
    assert "'@resvg/resvg-wasm'" in findings[0].message


def test_a_module_rule_suffix_resolves_to_a_ts_file_of_that_name(tmp_path: Path) -> None:
    # review AI of 008e42e (workerspy): `import q from "./requests.sql"` is requests.sql.ts to esbuild
    write(tmp_path, {".git/HEAD": "", "wrangler.jsonc": CONFIG,
                     "src/index.ts": 'import q from "./requests.sql";\nimport t from "./page.html";\nexport default [q, t];\n',
                     "src/requests.sql.ts": "export default 'select 1';\n"})
    findings, _ = unresolved_findings(graphs(tmp_path))
    assert [(f.code, f.line) for f in findings] == [("MBV401", 2)]  # page.html exists nowhere: still reported
    [graph] = graphs(tmp_path)
    assert (tmp_path / "src/requests.sql.ts").resolve() in graph.modules
