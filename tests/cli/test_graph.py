"""`mbv graph` end to end, and what the module graph changes in `mbv doctor` and `mbv bindings diff`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "mustbeviral"
KV = '"kv_namespaces": [{"binding": "CACHE", "id": "a1b2c3d4e5f60718293a4b5c6d7e8f90"}]'


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_example_graph_in_every_format(run_mbv) -> None:
    result = run_mbv("graph", "examples/mustbeviral", "--format", "json", cwd=REPO)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema"] == "mbv.graph/1" and data["summary"]["workers"] == 3
    auth = next(w for w in data["workers"] if w["name"] == "mustbeviral-auth")
    assert {Path(m["path"]).name: m["how"] for m in auth["modules"]} == {
        "index.ts": "entry", "auth.ts": "relative", "env.ts": "relative", "rate-limiter.ts": "relative"}
    assert {(u["specifier"], u["problem"]) for u in auth["unresolved"]} == {("hono", "not-installed"),
                                                                         ("hono/cors", "not-installed")}
    text = run_mbv("graph", "examples/mustbeviral", cwd=REPO)
    assert "rate-limiter.ts  relative <- src/index.ts:20" in text.stdout
    assert "hono is declared but not installed" in text.stderr
    dot = run_mbv("graph", "examples/mustbeviral/workers/auth-worker", "--format", "dot", cwd=REPO)
    assert dot.stdout.startswith("digraph mbv {") and dot.stdout.count("->") == 3


def test_unresolved_import_fails_graph_and_doctor(run_mbv, tmp_path: Path) -> None:
    write(tmp_path, {"wrangler.jsonc": '{"name": "w", "main": "src/index.ts"}',
                     "src/index.ts": 'import { x } from "./lib/x.js";\nexport default { fetch() { return x; } };\n'})
    result = run_mbv("graph", str(tmp_path), "--format", "json")
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["line"]) == ("MBV401", 1)
    doctor = json.loads(run_mbv("doctor", str(tmp_path), "--format", "json", "--select", "MBV4").stdout)
    assert [(f["code"], f["file"].endswith("src/index.ts")) for f in doctor["findings"]] == [("MBV401", True)]
    write(tmp_path, {"src/lib/x.ts": "export const x = 1;\n"})
    assert run_mbv("graph", str(tmp_path)).exit_code == 0


def test_assets_only_worker_has_no_code_findings(run_mbv, tmp_path: Path) -> None:
    write(tmp_path, {"wrangler.jsonc": '{"name": "site", "assets": {"directory": "dist"}, ' + KV + '}',
                     "src/app.ts": 'const password = "hunter2"; export const q = `SELECT ${password}`;\n'})
    result = run_mbv("doctor", str(tmp_path), "--format", "json")
    data = json.loads(result.stdout)
    assert [f["code"] for f in data["findings"] if f["code"][:4] in ("MBV0", "MBV1")] == []
    assert any("no `main`" in n and "assets only" in n for n in data["notes"])
    assert run_mbv("bindings", "diff", str(tmp_path), "--format", "json").exit_code == 0


def test_main_in_build_folder_is_a_note_and_the_entry_override_reads_the_source(run_mbv, tmp_path: Path) -> None:
    write(tmp_path, {"wrangler.jsonc": '{"name": "w", "main": ".open-next/worker.js", ' + KV + '}',
                     ".open-next/worker.js": "export default {};\n",
                     "src/worker.ts": "export default { fetch(r, env) { return env.CACHE.get('k'); } };\n"})
    data = json.loads(run_mbv("doctor", str(tmp_path), "--format", "json").stdout)
    assert not any(f["code"] == "MBV002" for f in data["findings"])
    assert any("build output" in n and "[entry]" in n for n in data["notes"])
    (tmp_path / "mbv.toml").write_text('[entry]\n"." = "src/worker.ts"\n', encoding="utf-8")
    graph = json.loads(run_mbv("graph", str(tmp_path), "--format", "json").stdout)["workers"][0]
    assert (graph["status"], graph["entry_source"]) == ("ok", "mbv.toml")
    diff = json.loads(run_mbv("bindings", "diff", str(tmp_path), "--format", "json").stdout)
    assert diff["findings"] == []


def test_the_entry_setting_the_note_proposes_works_as_written(run_mbv, tmp_path: Path) -> None:
    # reviews AF, AG of c36f9b3: the key was relative to the current directory, not to mbv.toml
    write(tmp_path, {".git/HEAD": "", "apps/web/wrangler.jsonc": '{"name": "w", "main": "dist/worker.js", ' + KV + '}',
                     "apps/web/dist/worker.js": "export default {};\n",
                     "apps/web/src/worker.ts": "export default { fetch(r, env) { return env.CACHE.get('k'); } };\n"})
    data = json.loads(run_mbv("graph", str(tmp_path / "apps" / "web"), "--format", "json").stdout)
    [note] = [n for n in data["notes"] if "[entry]" in n]
    assert str(tmp_path / "mbv.toml") in note and '[entry] "apps/web" = ' in note
    (tmp_path / "mbv.toml").write_text('[entry]\n"apps/web" = "src/worker.ts"\n', encoding="utf-8")
    for where in (tmp_path, tmp_path / "apps" / "web"):
        graph = json.loads(run_mbv("graph", str(where), "--format", "json").stdout)["workers"][0]
        assert (graph["status"], graph["entry_source"]) == ("ok", "mbv.toml")


def test_nested_workers_shared_code_and_a_broken_config(run_mbv, tmp_path: Path) -> None:
    shared = "export function lookup(env) { return env.CACHE.get('k'); }\n"
    write(tmp_path, {
        "wrangler.jsonc": '{"name": "root", "main": "src/index.ts", ' + KV + '}',
        "src/index.ts": 'import { lookup } from "../shared/lookup";\nexport default { fetch(r, env) { return lookup(env); } };\n',
        "shared/lookup.ts": shared,
        "tools/cli.ts": "console.log(1);\n", "tools/more.ts": "console.log(2);\n",
        "workers/api/wrangler.toml": 'name = "api"\nmain = "src/index.ts"\n[[kv_namespaces]]\nbinding = "CACHE"\n'
                                     'id = "a1b2c3d4e5f60718293a4b5c6d7e8f90"\n',
        "workers/api/src/index.ts": 'import { lookup } from "../../../shared/lookup";\n'
                                    'export default { fetch(r, env) { return lookup(env); } };\n',
        "workers/bad/wrangler.toml": 'name = "bad\n',
    })
    result = run_mbv("doctor", str(tmp_path), "--format", "json")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "workers/bad/wrangler.toml" in result.stderr
    data = json.loads(result.stdout)
    assert sorted(data["workers"]) == ["api", "root"]
    assert not any(f["code"] == "MBV002" for f in data["findings"])  # CACHE is used through ../shared
    assert data["summary"]["files_parsed"] == 3  # shared/lookup.ts once for both Workers
    code = next(a for a in data["areas"] if a["name"] == "code")
    assert "2 source file(s)" in code["note"] and "tools/ 2" in code["note"]


def test_a_shared_file_is_checked_again_only_under_another_context(run_mbv, tmp_path: Path) -> None:
    shared = 'import { createHash } from "node:crypto";\nexport const h = () => createHash("sha256");\n'
    entry = 'import { h } from "../../shared/h";\nexport default { fetch() { return new Response(String(h())); } };\n'
    write(tmp_path, {"shared/h.ts": shared,
                     "a/wrangler.jsonc": '{"name": "a", "main": "src/index.ts", "compatibility_flags": ["nodejs_compat"]}',
                     "a/src/index.ts": entry, "b/wrangler.jsonc": '{"name": "b", "main": "src/index.ts"}',
                     "b/src/index.ts": entry})
    data = json.loads(run_mbv("doctor", str(tmp_path), "--format", "json", "--select", "MBV106").stdout)
    assert [(f["code"], Path(f["file"]).name, f["worker"]) for f in data["findings"]] == [("MBV106", "h.ts", "b")]


def test_an_import_of_generated_output_is_info_not_a_deploy_failure(run_mbv, tmp_path: Path) -> None:
    """`../.generated/widget.js` is written by a build step before the deploy: MBV404 (info), while a
    missing source file stays MBV401 (found in the final precision review)."""
    worker = tmp_path / "apps" / "worker"
    (worker / "src").mkdir(parents=True)
    (worker / "wrangler.toml").write_text('name = "w"\nmain = "src/index.ts"\ncompatibility_date = "2026-05-01"\n')
    (worker / "src" / "index.ts").write_text(
        'import widget from "../.generated/widget.js";\nimport { gone } from "./gone";\n'
        "export default { fetch() { return new Response(widget + gone); } };\n")
    result = run_mbv("doctor", str(worker), "--select", "MBV4", "--format", "json")
    found = sorted((f["code"], f["severity"], f["line"]) for f in json.loads(result.stdout)["findings"])
    assert found == [("MBV401", "error", 2), ("MBV404", "info", 1)]
