"""Forms a tenth precision review round of issue 12 found on fresh public repositories, a must-find and a
must-not-find test each."""

from __future__ import annotations

import json
from pathlib import Path

from mbv_cli.core.graph.findings import unresolved_findings
from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers
from tests.core.test_graph import graphs, write

_CONFIG = ('{"name": "app", "main": "./src/server.ts", "compatibility_date": "2025-09-02",'
           ' "vars": {"R2_BUCKET_NAME": "uploads"}}')


def _mbv002(root: Path) -> list[tuple[str, str | None]]:
    from mbv_cli.core.doctor import DoctorSettings, run_doctor

    workspace = load_workspace(root, nested=True)
    result = run_doctor(workspace, resolve_workers(workspace), settings=DoctorSettings(), processes=1)
    return [(f.severity.value, f.hint) for f in result.report.sorted() if f.code == "MBV002"]


def test_tanstack_start_server_entry_makes_unused_vars_info(tmp_path: Path) -> None:
    # the routes (and their reads) are loaded by the framework's handler, never imported by name
    write(tmp_path, {
        ".git/HEAD": "", "wrangler.jsonc": _CONFIG,
        "package.json": json.dumps({"name": "app", "dependencies": {"@tanstack/react-start": "1"}}),
        "src/server.ts": ('import handler from "@tanstack/react-start/server-entry";\n'
                          "export default { fetch(request: Request) { return handler.fetch(request); } };\n"),
        "src/routes/upload.ts": "export const bucket = () => process.env.R2_BUCKET_NAME;\n",
    })
    [(severity, hint)] = _mbv002(tmp_path)
    assert severity == "info" and "@tanstack/react-start/server-entry (" in (hint or "")
    assert "loads the app's routes" in (hint or "")


def test_a_plain_worker_keeps_its_unused_var_a_warning(tmp_path: Path) -> None:
    write(tmp_path, {
        ".git/HEAD": "", "wrangler.jsonc": _CONFIG,
        "package.json": json.dumps({"name": "app", "dependencies": {"@tanstack/react-query": "1"}}),
        "src/server.ts": ('import { QueryClient } from "@tanstack/react-query";\n'
                          "export default { fetch() { return new Response(String(new QueryClient())); } };\n"),
    })
    assert [s for s, _ in _mbv002(tmp_path)] == ["warning"]


def test_a_vite_virtual_module_is_not_a_missing_package(tmp_path: Path) -> None:
    write(tmp_path, {
        ".git/HEAD": "", "wrangler.jsonc": _CONFIG.replace("./src/server.ts", "./workers/app.ts"),
        "package.json": json.dumps({"name": "app", "dependencies": {"react-router": "7"}}),
        "node_modules/react-router/package.json": json.dumps({"name": "react-router", "main": "index.js"}),
        "node_modules/react-router/index.js": "export const createRequestHandler = () => 1;\n",
        "workers/app.ts": ('import { createRequestHandler } from "react-router";\n'
                           'const handler = createRequestHandler(() => import("virtual:react-router/server-build"));\n'
                           "export default { fetch(r: Request) { return handler(r); } };\n"),
    })
    [graph] = graphs(tmp_path)
    findings, _ = unresolved_findings([graph])
    assert findings == []  # was MBV402 "package 'virtual:react-router' is imported but neither installed nor declared"
    assert [s for s, _ in _mbv002(tmp_path)] == ["info"]
    # a real undeclared package next to it is still reported
    write(tmp_path, {"workers/extra.ts": 'import x from "left-pad";\nexport default x;\n',
                     "workers/app.ts": 'import "./extra";\nimport("virtual:react-router/server-build");\nexport default {};\n'})
    [graph] = graphs(tmp_path)
    assert [f.code for f in unresolved_findings([graph])[0]] == ["MBV402"]
