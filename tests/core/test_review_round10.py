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
    # review X of 43535be (corates): a custom entry with `createStartHandler` from `.../server`
    write(tmp_path, {"src/server.ts": ('import { createStartHandler, defaultStreamHandler } from '
                                       '"@tanstack/react-start/server";\n'
                                       "export default { fetch: createStartHandler(defaultStreamHandler) };\n")})
    [(severity, hint)] = _mbv002(tmp_path)
    assert severity == "info" and "@tanstack/react-start/server (" in (hint or "")
    # review Z of 43535be (my-portfolio, temis): Astro's adapter entry re-exported as the Worker
    write(tmp_path, {"src/server.ts": 'import handler from "@astrojs/cloudflare/entrypoints/server";\nexport default handler;\n'
                                      "export const origin = (env: Env) => env.ORIGIN;\n"})
    [(severity, hint)] = _mbv002(tmp_path)
    assert severity == "info" and "@astrojs/cloudflare/entrypoints/server (" in (hint or "")
    # ... or a re-exported integration's entry, the Worker built by Astro (astro.config.mjs, the adapter)
    write(tmp_path, {"src/server.ts": 'export { default } from "@emdash-cms/cloudflare/worker";\n'
                                      "export const origin = (env: Env) => env.ORIGIN;\n"})
    assert [s for s, _ in _mbv002(tmp_path)] == ["warning"]
    write(tmp_path, {"astro.config.mjs": 'import cloudflare from "@astrojs/cloudflare";\n'
                                         "export default { adapter: cloudflare() };\n"})
    [(severity, hint)] = _mbv002(tmp_path)
    assert severity == "info" and "@astrojs/cloudflare (" in (hint or "")


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


def _doctor(root: Path, code: str) -> list[tuple[str, str, str | None, str | None]]:
    from mbv_cli.core.doctor import DoctorSettings, run_doctor

    workspace = load_workspace(root, nested=True)
    result = run_doctor(workspace, resolve_workers(workspace), settings=DoctorSettings(), processes=1)
    return sorted((f.severity.value, f.worker or "", f.binding, Path(f.file).name if f.file else None)
                  for f in result.report.findings if f.code == code)


_SHARED = ("export function currentUserVia(c: { env: { SESSIONS: KVNamespace } }) {\n"
           "  return c.env.SESSIONS.get('k');\n"
           "}\n"
           "\n"
           "// accountsAuthMiddleware: the trio every other service re-exports\n"
           "export function accountsAuthMiddleware<Env extends { ACCOUNTS: Fetcher }>() {\n"
           "  return {\n"
           "    currentUser: (c: Context<{ Bindings: Env }>) => c.env.ACCOUNTS.fetch('https://a/me'),\n"
           "  };\n"
           "}\n")


def _two_workers(root: Path, accounts: str, friends: str) -> None:
    kv = '"kv_namespaces": [{"binding": "SESSIONS", "id": "0123456789abcdef0123456789abcdef"}]'
    write(root, {
        ".git/HEAD": "",
        "packages/shared/src/session.ts": _SHARED,
        "apps/accounts/wrangler.jsonc": '{"name": "accounts", "main": "src/index.ts", "compatibility_date": '
                                        f'"2025-06-01", {kv}}}',
        "apps/accounts/src/index.ts": accounts,
        "apps/friends/wrangler.jsonc": '{"name": "friends", "main": "src/index.ts", "compatibility_date": '
                                       f'"2025-06-01", {kv}}}',
        "apps/friends/src/index.ts": friends,
    })


_FRIENDS = ('import { Hono } from "hono";\n'
            'import { accountsAuthMiddleware } from "../../../packages/shared/src/session";\n'
            "const { currentUser } = accountsAuthMiddleware<Env>();\n"
            "const app = new Hono();\napp.get('/', (c) => currentUser(c));\nexport default app;\n")


def test_a_read_in_a_shared_function_the_worker_never_names_is_not_its_read(tmp_path: Path) -> None:
    accounts = ('import { currentUserVia } from "../../../packages/shared/src/session";\n'
                "export default { fetch(_r: Request, env: Env) { return currentUserVia({ env }); } };\n")
    _two_workers(tmp_path, accounts, _FRIENDS)
    # the friends Worker calls accountsAuthMiddleware and lacks ACCOUNTS: that is real; accounts never calls it
    assert _doctor(tmp_path, "MBV001") == [("error", "friends", "ACCOUNTS", "session.ts")]


def test_a_same_named_function_of_another_file_does_not_make_the_shared_one_live(tmp_path: Path) -> None:
    accounts = ('import { accountsAuthMiddleware } from "./local";\n'
                'import { currentUserVia } from "../../../packages/shared/src/session";\n'
                "export default { fetch(_r: Request, env: Env) { accountsAuthMiddleware(); "
                "return currentUserVia({ env }); } };\n")
    _two_workers(tmp_path, accounts, _FRIENDS)
    write(tmp_path, {"apps/accounts/src/local.ts": "export function accountsAuthMiddleware() { return 1; }\n"})
    assert _doctor(tmp_path, "MBV001") == [("error", "friends", "ACCOUNTS", "session.ts")]


def test_a_namespace_call_or_a_call_in_its_own_file_makes_the_function_live(tmp_path: Path) -> None:
    accounts = ('import * as session from "../../../packages/shared/src/session";\n'
                "export default { fetch(_r: Request, env: Env) { session.accountsAuthMiddleware(); "
                "return session.currentUserVia({ env }); } };\n")
    _two_workers(tmp_path, accounts, _FRIENDS)
    # (one finding per file, line and name: the first Worker's)
    assert _doctor(tmp_path, "MBV001") == [("error", "accounts", "ACCOUNTS", "session.ts")]
    write(tmp_path, {"packages/shared/src/session.ts": _SHARED.replace(
        "export function accountsAuthMiddleware", "function accountsAuthMiddleware")
        + "export const boot = () => accountsAuthMiddleware();\n",
        "apps/accounts/src/index.ts": 'import { boot } from "../../../packages/shared/src/session";\n'
                                      "export default { fetch() { boot(); return new Response(); } };\n"})
    assert ("error", "accounts", "ACCOUNTS", "session.ts") in _doctor(tmp_path, "MBV001")


_HARNESS = ('name = "storage-do-test"\nmain = "src/worker.ts"\ncompatibility_date = "2025-06-01"\n'
            '[[d1_databases]]\nbinding = "CONTROL_DB"\ndatabase_name = "control"\ndatabase_id = "replace-at-test"\n'
            '[[kv_namespaces]]\nbinding = "UNUSED"\nid = "0123456789abcdef0123456789abcdef"\n')
_HARNESS_CODE = "export default { fetch(_r: Request, env: Env) { return env.CONTROL_DB.prepare('select 1'); } };\n"


def test_a_config_in_a_test_folder_is_a_harness_whose_deploy_findings_are_info(tmp_path: Path) -> None:
    repo = tmp_path / "tests" / "checkout"  # a test-named folder above the repository root does not count
    write(repo, {".git/HEAD": "", "packages/storage/wrangler.toml": _HARNESS,
                 "packages/storage/src/worker.ts": _HARNESS_CODE})
    assert {(s, b) for s, _, b, _ in _doctor(repo, "MBV002") + _doctor(repo, "MBV007")} == {
        ("warning", "UNUSED"), ("warning", "CONTROL_DB")}
    harness = tmp_path / "other"
    write(harness, {".git/HEAD": "", "packages/storage/test/do/wrangler.toml": _HARNESS,
                    "packages/storage/test/do/src/worker.ts": _HARNESS_CODE})
    found = _doctor(harness, "MBV002") + _doctor(harness, "MBV007")
    assert {(s, b) for s, _, b, _ in found} == {("info", "UNUSED"), ("info", "CONTROL_DB")}


def test_a_nul_byte_in_a_template_string_is_text_and_an_unreadable_file_makes_mbv002_info(tmp_path: Path) -> None:
    from mbv_cli.core.code.parsing import SkippedFile, decode_source

    code = b"export default { fetch(_r: Request, env: Env) { return env.USED.get(`a\x00b`); } };\n"
    assert decode_source(tmp_path / "a.ts", code) == code.decode()
    assert isinstance(decode_source(tmp_path / "b.ts", b"\x00asm\x01\x00\x00\x00" * 100), SkippedFile)
    config = ('{"name": "w", "main": "src/index.ts", "compatibility_date": "2025-06-01", "kv_namespaces": ['
              '{"binding": "USED", "id": "0123456789abcdef0123456789abcdef"},'
              '{"binding": "READ_ELSEWHERE", "id": "0123456789abcdef0123456789abcdee"}]}')
    write(tmp_path, {".git/HEAD": "", "wrangler.jsonc": config})
    (tmp_path / "src").mkdir()
    (tmp_path / "src/index.ts").write_bytes(code.replace(b"return", b"import('./other'); return"))
    (tmp_path / "src/other.ts").write_bytes(b"\xff\xfe" + b"e\x00n\x00v\x00" * 50)  # UTF-16: not analysed
    found = _doctor(tmp_path, "MBV002")
    assert [(s, b) for s, _, b, _ in found] == [("info", "READ_ELSEWHERE")]
    (tmp_path / "src/other.ts").write_text("export const x = 1;\n")
    assert [(s, b) for s, _, b, _ in _doctor(tmp_path, "MBV002")] == [("warning", "READ_ELSEWHERE")]


def test_a_top_level_no_script_runs_is_info_for_mbv001(tmp_path: Path) -> None:
    # review T of 626d8cc (cadence, UBM-Hyogo): every script passes --env, the top level is never deployed or run
    config = ('name = "sync"\nmain = "src/index.ts"\ncompatibility_date = "2025-06-01"\n'
              '[env.production]\n[[env.production.queues.producers]]\nbinding = "QUEUE"\nqueue = "q"\n')
    code = "export default { fetch(_r: Request, env: Env) { return env.QUEUE.send(1); } };\n"
    scripts = {"dev": "wrangler dev --env production", "deploy": "tsc && wrangler deploy -e production",
               "test": "vitest"}
    write(tmp_path, {".git/HEAD": "", "wrangler.toml": config, "src/index.ts": code,
                     "package.json": json.dumps({"name": "sync", "scripts": scripts})})

    def top_level() -> list[str]:
        return [s for s, w, b, _ in _doctor(tmp_path, "MBV001") if w == "sync" and b == "QUEUE"]

    assert top_level() == ["info"]
    scripts["deploy:top"] = "wrangler deploy"  # one command runs the top level: it matters again
    write(tmp_path, {"package.json": json.dumps({"name": "sync", "scripts": scripts})})
    assert top_level() == ["error"]
    write(tmp_path, {"package.json": json.dumps({"name": "sync", "scripts": {"build": "tsc"}})})
    assert top_level() == ["error"]
    # review AC of badf8a8 (notional-monorepo): an Nx project's run-commands targets, `--env {args.env}`
    targets = {"serve": {"executor": "nx:run-commands", "options": {"commands": [
        {"command": "wrangler dev --test-scheduled --env {args.env} --var REF:$(git rev-parse HEAD)"}]}},
        "publish": {"executor": "nx:run-commands", "options": {"commands": [{"command": "wrangler deploy --env prod"}]}}}
    write(tmp_path, {"project.json": json.dumps({"name": "sync", "targets": targets})})
    assert top_level() == ["info"]


def test_hono_context_variables_in_an_env_type_are_not_a_member(tmp_path: Path) -> None:
    # review S of 626d8cc (free-pos): `Env` of hono intersected with `{ Variables: {...} }`
    from tests.core.test_bindings_diff import CODE, CONFIG, diff, make_worker

    types = ('import type { Env } from "hono";\n'
             "export type RequireAuthEnv = Env & { Variables: { userId: string }; AUTH_SECRET: string };\n")
    code = 'import type { RequireAuthEnv } from "./auth";\n' + CODE
    worker = make_worker(tmp_path, CONFIG, code, {"src/auth.ts": types})
    assert [f.binding for f in diff(worker) if f.code == "MBV004"] == ["AUTH_SECRET"]


def test_tool_settings_in_a_dot_env_file_are_not_unused_worker_secrets(tmp_path: Path) -> None:
    # review W of 43535be (blog.re-taro.dev): CLOUDFLARE_ENV picks the env the Vite plugin builds
    code = "export default { fetch() { return new Response('ok'); } };\n"
    write(tmp_path, {".git/HEAD": "", "wrangler.toml": 'name = "blog"\nmain = "src/index.ts"\ncompatibility_date = "2025-06-01"\n',
                     "src/index.ts": code,
                     ".env": "CLOUDFLARE_ENV=production\nVITE_SITE=x\nSESSION_SECRET=s\n"})
    assert [b for _, _, b, _ in _doctor(tmp_path, "MBV002")] == ["SESSION_SECRET"]


def test_a_workflows_entry_for_this_workers_class_is_not_an_unused_binding(tmp_path: Path) -> None:
    # review Z of 43535be (tbdev-workflow): the entry creates the workflow another Worker binds to
    config = ('{"name": "wf", "main": "src/index.ts", "compatibility_date": "2025-06-01", "workflows": ['
              '{"binding": "WORKFLOW", "name": "wf", "class_name": "Flow"},'
              '{"binding": "OTHER", "name": "other", "class_name": "Other", "script_name": "elsewhere"}]}')
    code = ('import { WorkflowEntrypoint } from "cloudflare:workers";\n'
            "export class Flow extends WorkflowEntrypoint { async run() { return 1; } }\n"
            "export default { fetch() { return new Response('ok'); } };\n")
    write(tmp_path, {".git/HEAD": "", "wrangler.jsonc": config, "src/index.ts": code})
    assert [(s, b) for s, _, b, _ in _doctor(tmp_path, "MBV002")] == [("warning", "OTHER")]


def test_a_redwood_sdk_app_serves_its_assets_binding_itself(tmp_path: Path) -> None:
    # review AB of badf8a8 (form-kitchen): defineApp of rwsdk/worker fetches env.ASSETS for /assets/
    config = ('{"name": "rw", "main": "src/worker.tsx", "compatibility_date": "2025-06-01",'
              ' "assets": {"binding": "ASSETS", "directory": "public"}, "vars": {"UNUSED": "x"}}')
    code = ('import { defineApp } from "@redwoodjs/sdk/worker";\nimport { env } from "cloudflare:workers";\n'
            "export default defineApp([() => new Response(env.OTHER ?? 'ok')]);\n")
    write(tmp_path, {".git/HEAD": "", "wrangler.jsonc": config, "src/worker.tsx": code})
    assert [b for _, _, b, _ in _doctor(tmp_path, "MBV002")] == ["UNUSED"]
    write(tmp_path, {"src/worker.tsx": code.replace("@redwoodjs/sdk/worker", "./app")
                     .replace("import { defineApp }", "import { defineApp }"),
                     "src/app.ts": "export const defineApp = (r: unknown) => ({ fetch: r });\n"})
    assert sorted(b for _, _, b, _ in _doctor(tmp_path, "MBV002")) == ["ASSETS", "UNUSED"]


def test_the_env_iterated_whole_makes_unused_vars_info(tmp_path: Path) -> None:
    # review AA of badf8a8 (876): every string var copied into a container's environment
    config = ('{"name": "api", "main": "src/index.ts", "compatibility_date": "2025-06-01",'
              ' "vars": {"DATABASE_URL": "postgres://x", "LOG_LEVEL": "info"}}')
    index = ('import { toContainerEnv } from "./container";\n'
             "export default { fetch(_r: Request, env: Env) { return Response.json(toContainerEnv(env)); } };\n")
    helper = ("export function toContainerEnv(env: Env): Record<string, string> {\n"
              "  const out: Record<string, string> = {};\n"
              "  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') out[key] = value;\n"
              "  return out;\n}\n")
    write(tmp_path, {".git/HEAD": "", "wrangler.jsonc": config, "src/index.ts": index, "src/container.ts": helper})
    assert {s for s, _, _, _ in _doctor(tmp_path, "MBV002")} == {"info"}
    assert [f for f in _doctor(tmp_path, "MBV008")] != []
    write(tmp_path, {"src/container.ts": helper.replace("Object.entries(env)", "Object.entries({ a: 'b' })")})
    assert {s for s, _, _, _ in _doctor(tmp_path, "MBV002")} == {"warning"}


def test_a_binding_a_var_names_as_a_routing_destination_is_info_at_its_own_line(tmp_path: Path) -> None:
    # review AA of badf8a8 (cf-eventhub): a library looks the service up with env[destination]
    config = ('{"name": "hub", "main": "src/index.ts", "compatibility_date": "2025-06-01",\n'
              ' "vars": {"ROUTING": {"routes": [{"destination": "STABLE_HANDLER"}]}},\n'
              ' "services": [\n  {"binding": "STABLE_HANDLER", "service": "stable"},\n'
              '  {"binding": "UNROUTED", "service": "other"}]}\n')
    code = "export default { fetch(_r: Request, env: Env) { return Response.json(env.ROUTING); } };\n"
    write(tmp_path, {".git/HEAD": "", "wrangler.jsonc": config, "src/index.ts": code})
    from mbv_cli.core.doctor import DoctorSettings, run_doctor

    workspace = load_workspace(tmp_path, nested=True)
    found = {f.binding: (f.severity.value, f.line) for f in run_doctor(
        workspace, resolve_workers(workspace), settings=DoctorSettings(), processes=1).report.findings
        if f.code == "MBV002"}
    assert found == {"STABLE_HANDLER": ("info", 4), "UNROUTED": ("warning", 5)}


def test_a_python_worker_gets_no_code_based_findings_and_a_note(tmp_path: Path) -> None:
    # review AA of badf8a8 (deos): main = src/entry.py, read through self.env.X in Python
    config = ('{"name": "py", "main": "src/entry.py", "compatibility_date": "2025-06-01",'
              ' "vars": {"LINEAR_TEAM": "x"}, "kv_namespaces": [{"binding": "KV", "id": "not-a-kv-id"}]}')
    write(tmp_path, {".git/HEAD": "", "wrangler.jsonc": config,
                     "src/entry.py": "class Default(WorkerEntrypoint):\n    async def fetch(self, r):\n"
                                     "        return self.env.LINEAR_TEAM\n",
                     "worker-configuration.d.ts": "interface Env { LINEAR_TEAM: string }\n",
                     "src/helper.ts": "export const x = (env: Env) => env.OTHER;\n"})
    [graph] = graphs(tmp_path)
    assert graph.status == "python" and "Python Worker" in (graph.note or "")
    assert _doctor(tmp_path, "MBV002") == [] and _doctor(tmp_path, "MBV001") == []
    assert [s for s, _, _, _ in _doctor(tmp_path, "MBV007")] == ["warning"]  # the config is still checked


def test_a_placeholder_a_deploy_script_fills_in_is_info(tmp_path: Path) -> None:
    # review AE of c36f9b3 (webhook): scripts/gen-wrangler-prod.mjs token-replaces the committed ids
    config = ('{"name": "api", "main": "src/index.ts", "compatibility_date": "2025-06-01", "hyperdrive": ['
              '{"binding": "DB", "id": "<HYPERDRIVE_DB_ID>"}, {"binding": "OLD", "id": "<HYPERDRIVE_OLD_ID>"}]}')
    code = "export default { fetch(_r: Request, env: Env) { return Response.json([env.DB, env.OLD]); } };\n"
    write(tmp_path, {".git/HEAD": "", "apps/api/wrangler.jsonc": config, "apps/api/src/index.ts": code,
                     "scripts/gen-wrangler-prod.mjs": 'const ids = { "<HYPERDRIVE_DB_ID>": process.env.DB_ID };\n'})
    found = {b: s for s, _, b, _ in _doctor(tmp_path, "MBV007")}
    assert found == {"DB": "info", "OLD": "warning"}


def test_an_unused_key_of_a_dot_env_file_is_info(tmp_path: Path) -> None:
    # review AH of c36f9b3 (irado_voice): the .env of a Flask app in the Worker's folder
    code = "export default { fetch(_r: Request, env: Env) { return new Response(env.USED); } };\n"
    write(tmp_path, {".git/HEAD": "", "wrangler.toml": 'name = "bot"\nmain = "src/index.ts"\ncompatibility_date = "2025-06-01"\n',
                     "src/index.ts": code, ".env": "USED=x\nFLASK_SECRET_KEY=y\n"})
    assert [(s, b) for s, _, b, _ in _doctor(tmp_path, "MBV002")] == [("info", "FLASK_SECRET_KEY")]
    # a var of the config that the .env overrides locally is the config's: a warning, at the config's line
    write(tmp_path, {"wrangler.toml": 'name = "bot"\nmain = "src/index.ts"\ncompatibility_date = "2025-06-01"\n'
                                      '[vars]\nFLASK_SECRET_KEY = "z"\n'})
    assert [(s, b, f) for s, _, b, f in _doctor(tmp_path, "MBV002")] == [("warning", "FLASK_SECRET_KEY", "wrangler.toml")]
    write(tmp_path, {"wrangler.toml": 'name = "bot"\nmain = "src/index.ts"\ncompatibility_date = "2025-06-01"\n'})
    (tmp_path / ".env").unlink()
    write(tmp_path, {".dev.vars": "USED=x\nFLASK_SECRET_KEY=y\n"})  # .dev.vars is the Worker's own
    assert [(s, b) for s, _, b, _ in _doctor(tmp_path, "MBV002")] == [("warning", "FLASK_SECRET_KEY")]
