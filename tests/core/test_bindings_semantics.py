"""Binding findings a reviewer accepts (issue 12): secret sources, "this env will not have it",
guarded reads, one finding per name, the env given to other files and to libraries."""

from __future__ import annotations

from pathlib import Path

import pytest

from mbv_cli.core.findings import Finding
from tests.core.test_bindings_diff import CODE, CONFIG, IMPORTS_ENV, codes, diff, make_worker

READ_SECRET = CODE.replace("return new", "const k = env.STRIPE_KEY.trim();\n    return new")


def mbv001(findings: list[Finding]) -> list[tuple[str | None, str | None, str]]:
    return [(f.env, f.binding, f.severity.value) for f in findings if f.code == "MBV001"]


def test_a_name_declared_nowhere_is_an_error_per_env(tmp_path: Path) -> None:
    findings = diff(make_worker(tmp_path, code=READ_SECRET.replace("STRIPE_KEY", "PAYMENTS_URL")))
    assert mbv001(findings) == [(None, "PAYMENTS_URL", "error"), ("production", "PAYMENTS_URL", "error")]
    assert "no config, var, secret source" in findings[0].message


@pytest.mark.parametrize("name", ["STRIPE_KEY", "ADMIN_PASSWORD", "SESSION_SECRET", "GITHUB_TOKEN", "API_KEY",
                                  "JWT_SIGNING_KEY", "PRIVATE_KEY_PEM"])
def test_a_secret_by_its_name_declared_nowhere_is_a_warning(tmp_path: Path, name: str) -> None:
    # reviews of builds e4e135e and 9cfc542: such names were set with `wrangler secret put` or in the dashboard
    findings = diff(make_worker(tmp_path, code=READ_SECRET.replace("STRIPE_KEY", name)))
    assert mbv001(findings) == [(None, name, "warning"), ("production", name, "warning")]
    assert "its name says it is a secret" in findings[0].message


@pytest.mark.parametrize("name", ["KEYBOARD_LAYOUT", "MONKEY", "ADMIN_USERNAME", "BASE_URL"])
def test_other_names_declared_nowhere_stay_errors(tmp_path: Path, name: str) -> None:
    findings = diff(make_worker(tmp_path, code=READ_SECRET.replace("STRIPE_KEY", name)))
    assert {f[2] for f in mbv001(findings)} == {"error"}


@pytest.mark.parametrize(
    ("file", "text"),
    [
        (".dev.vars", "STRIPE_KEY=sk_test_1\n"),
        (".dev.vars.production", "STRIPE_KEY=sk_test_1\n"),
        (".env", "STRIPE_KEY=sk_test_1\n"),
        (".dev.vars.example", "STRIPE_KEY=\n"),
        (".env.example", "# documented\nSTRIPE_KEY=your-key\n"),
        ("src/env.ts", "export interface Env { USERS: KVNamespace; GREETING: string; STRIPE_KEY: string }\n"),
    ],
)
def test_a_secret_named_by_any_secret_source_is_not_mbv001(tmp_path: Path, file: str, text: str) -> None:
    # a hand-written Env is part of the Worker when its code imports it (the module graph)
    code = IMPORTS_ENV + READ_SECRET if file == "src/env.ts" else READ_SECRET
    findings = diff(make_worker(tmp_path, code=code, extra={file: text}))
    assert mbv001(findings) == []
    if file == "src/env.ts":  # said once, as MBV004, not on every read
        assert codes(findings) == [("MBV004", None, "STRIPE_KEY")]


def test_secrets_required_in_config_is_a_source(tmp_path: Path) -> None:
    config = CONFIG + '\n[secrets]\nrequired = ["STRIPE_KEY"]\n[env.production.secrets]\nrequired = ["STRIPE_KEY"]\n'
    assert mbv001(diff(make_worker(tmp_path, config, READ_SECRET))) == []


def test_a_top_level_required_secret_documented_in_dev_vars_example_is_known_in_every_env(tmp_path: Path) -> None:
    # review X of 43535be (FlareChat): [secrets] at the top level only, the names in .dev.vars.example
    config = CONFIG + '\n[secrets]\nrequired = ["STRIPE_KEY"]\n'
    assert mbv001(diff(make_worker(tmp_path, config, READ_SECRET))) == [("production", "STRIPE_KEY", "error")]
    assert mbv001(diff(make_worker(tmp_path, config, READ_SECRET, {".dev.vars.example": "STRIPE_KEY=\n"}))) == []


def test_only_another_scope_declares_it_the_non_inheritance_trap(tmp_path: Path) -> None:
    config = CONFIG.replace('[[env.production.kv_namespaces]]\nbinding = "USERS"\nid = "a1b2c3d4e5f60718293a4b5c6d7e8f90"\n', "")
    findings = diff(make_worker(tmp_path, config, extra={".dev.vars.example": "USERS=\n"}))
    # a KV namespace is not a secret: a documented secret of that name does not excuse it
    assert mbv001(findings) == [("production", "USERS", "error")]
    assert "not inherited" in findings[0].message


def test_a_var_of_another_scope_that_is_also_a_secret_is_not_reported(tmp_path: Path) -> None:
    config = CONFIG.replace('[env.production.vars]\nGREETING = "hello"\n', "")
    assert mbv001(diff(make_worker(tmp_path, config))) == [("production", "GREETING", "error")]
    (tmp_path / ".dev.vars.example").write_text("GREETING=\n")  # production sets it as a secret
    assert mbv001(diff(tmp_path)) == []


@pytest.mark.parametrize(
    ("read", "severity"),
    [
        ("env.MAYBE ?? 'x'", "warning"),
        ("env.MAYBE || 'x'", "warning"),
        ("env.MAYBE?.get('k')", "warning"),
        ("if (env.MAYBE) { env.MAYBE.get('k') }", "warning"),
        ("env.MAYBE.get('k')", "error"),
    ],
)
def test_guarded_reads_are_warnings(tmp_path: Path, read: str, severity: str) -> None:
    code = CODE.replace("return new", f"{read};\n    return new")
    # declared in another scope only: an error, or a warning when guarded
    config = CONFIG + '[[env.production.r2_buckets]]\nbinding = "MAYBE"\nbucket_name = "m"\n'
    got = mbv001(diff(make_worker(tmp_path, config, code), env=None, all_envs=False))
    assert got == [(None, "MAYBE", severity)]
    # declared nowhere: an error, or info when guarded (an optional setting the code handles)
    (tmp_path / "wrangler.toml").write_text(CONFIG)
    assert mbv001(diff(tmp_path, env=None, all_envs=False)) == [
        (None, "MAYBE", "error" if severity == "error" else "info")]


def test_a_secrets_store_secret_of_another_scope_that_a_secret_file_names_is_not_reported(tmp_path: Path) -> None:
    # review E of 256786b (kon): production binds ALCHEMY_API_KEY from the Secrets Store, .dev.vars.example documents
    # the local value the top level gets
    config = CONFIG + ('[[env.production.secrets_store_secrets]]\nbinding = "ALCHEMY_URL"\nstore_id = "s"\n'
                       'secret_name = "alchemy"\n')
    code = CODE.replace("return new", "const k = env.ALCHEMY_URL;\n    return new")
    assert mbv001(diff(make_worker(tmp_path, config, code), env=None, all_envs=False)) == [(None, "ALCHEMY_URL", "error")]
    (tmp_path / ".dev.vars.example").write_text("ALCHEMY_URL=\n")
    assert mbv001(diff(tmp_path, env=None, all_envs=False)) == []


@pytest.mark.parametrize(("read", "severity"), [("env.MAYBE ?? 'x'", "info"), ("String(env.MAYBE)", "warning")])
def test_a_member_the_env_type_marks_optional_is_at_most_a_warning(tmp_path: Path, read: str, severity: str) -> None:
    # only production sets MAYBE, and the Env type says it may be absent (final review: WorldTyping PUBLIC_ORIGIN)
    env_ts = "export interface Env { USERS: KVNamespace; GREETING: string; MAYBE?: string }\n"
    config = CONFIG + '[env.production.vars]\nMAYBE = "https://example.com"\n'
    config = config.replace('[env.production.vars]\nGREETING = "hello"\n', "").replace(
        'MAYBE = "https', 'GREETING = "hello"\nMAYBE = "https')
    code = IMPORTS_ENV + CODE.replace("return new", f"{read};\n    return new")
    worker = make_worker(tmp_path, config, code, extra={"src/env.ts": env_ts})
    found = [f for f in diff(worker, env=None, all_envs=False) if f.code == "MBV001"]
    assert [(f.binding, f.severity.value) for f in found] == [("MAYBE", severity)]
    assert "marks it optional" in found[0].message
    # the same read without `?` in the type is the non-inheritance trap: an error unless guarded (a var with a
    # default in the code: info)
    (tmp_path / "src/env.ts").write_text(env_ts.replace("MAYBE?:", "MAYBE:"))
    assert mbv001(diff(tmp_path, env=None, all_envs=False)) == [
        (None, "MAYBE", "info" if severity == "info" else "error")]


def test_a_name_the_code_sets_on_the_env_is_not_missing(tmp_path: Path) -> None:
    # review J of 2a62a1b (discohook): `if (env.ENVIRONMENT === "dev") env.HYPERDRIVE = { connectionString: ... }`
    code = CODE.replace("return new", "if (env.GREETING === 'dev') { env.HYPERDRIVE = { connectionString: 'x' }; }\n"
                        "    const c = env.HYPERDRIVE.connectionString;\n    return new")
    assert mbv001(diff(make_worker(tmp_path, code=code))) == []
    (tmp_path / "src" / "index.ts").write_text(code.replace("env.HYPERDRIVE = {", "other.HYPERDRIVE = {"))
    assert mbv001(diff(tmp_path)) == [(None, "HYPERDRIVE", "error"), ("production", "HYPERDRIVE", "error")]


@pytest.mark.parametrize(("kind", "severity"), [("var", "info"), ("kv", "warning")])
def test_a_guarded_read_of_a_var_only_another_env_sets_is_info(tmp_path: Path, kind: str, severity: str) -> None:
    # review L of 69acb17: `env.CLIENT_URL ?? ''` with CLIENT_URL set only in env.production, on purpose
    tail = ('[env.production.vars]\nGREETING = "hello"\nCLIENT_URL = "https://x"\n' if kind == "var" else
            '[[env.production.kv_namespaces]]\nbinding = "CLIENT_URL"\nid = "b1b2c3d4e5f60718293a4b5c6d7e8f90"\n')
    config = CONFIG.replace('[env.production.vars]\nGREETING = "hello"\n', "" if kind == "var" else
                            '[env.production.vars]\nGREETING = "hello"\n') + tail
    code = CODE.replace("return new", "const u = env.CLIENT_URL ?? '';\n    return new")
    assert mbv001(diff(make_worker(tmp_path, config, code), env=None, all_envs=False)) == [(None, "CLIENT_URL", severity)]


def test_assignments_are_not_reads(tmp_path: Path) -> None:
    code = CODE.replace("return new", "env.REGISTRY_CLIENT = new Map();\n    return new")
    assert diff(make_worker(tmp_path, code=code)) == []


def test_one_finding_per_name_lists_every_site(tmp_path: Path) -> None:
    reads = "\n".join(f"    env.MISSING.get('{i}');" for i in range(4))
    code = 'import { f } from "./a";' + CODE.replace("return new", reads.lstrip() + "\n    return new")
    other = "export function f(env: Env) { return env.MISSING; }\n"
    findings = diff(make_worker(tmp_path, code=code, extra={"src/a.ts": other}), env=None, all_envs=False)
    assert len(findings) == 1
    f = findings[0]
    assert (Path(f.file or "").name, f.line) == ("a.ts", 1)
    assert [(Path(file).name, line) for file, line, _ in f.related] == [("index.ts", n) for n in (5, 6, 7, 8)]
    assert f.to_dict()["related"][0] == {"file": f.related[0][0], "line": 5, "column": 9}


def test_sarif_hash_stays_when_a_site_is_added(tmp_path: Path) -> None:
    from mbv_cli.core.findings import FindingsReport
    from mbv_cli.render.formats.sarif import to_sarif

    code = CODE.replace("return new", "env.MISSING.get('a');\n    return new")
    make_worker(tmp_path, code=code)

    def prints() -> list[str]:
        report = FindingsReport(diff(tmp_path, env=None, all_envs=False))
        return [r["partialFingerprints"]["mbvFindingHash/v1"] for r in to_sarif(report)["runs"][0]["results"]]

    before = prints()
    (tmp_path / "src" / "a.ts").write_text("export function f(env: Env) { return env.MISSING; }\n")  # sorts first
    assert prints() == before


def test_env_given_to_a_function_of_another_file_is_followed(tmp_path: Path) -> None:
    config = CONFIG + '\n[[r2_buckets]]\nbinding = "ARCHIVE"\nbucket_name = "a"\n'
    code = ('import { archive } from "./archive";\n' + CODE).replace("return new", "await archive(env);\n    return new")
    helper = "export async function archive(bindings) {\n  await bindings.ARCHIVE.put('k', 'v');\n  bindings.NOPE_MISSING;\n}\n"
    findings = diff(make_worker(tmp_path, config, code, extra={"src/archive.ts": helper}), env=None, all_envs=False)
    # ARCHIVE is used (no MBV002) and the read that is declared nowhere is found in the other file
    assert [(f.code, f.binding, Path(f.file or "").name, f.line) for f in findings] == [
        ("MBV001", "NOPE_MISSING", "archive.ts", 3)]


def test_env_given_to_a_library_makes_mbv002_info_naming_the_call(tmp_path: Path) -> None:
    config = CONFIG + '\n[[durable_objects.bindings]]\nname = "ROOMS"\nclass_name = "Room"\n'
    code = ('import { routePartykitRequest } from "partyserver";\n' + CODE).replace(
        "return new", "const r = await routePartykitRequest(request, env);\n    return new")
    findings = diff(make_worker(tmp_path, config, code), env=None, all_envs=False)
    assert [(f.code, f.binding, f.severity.value) for f in findings] == [("MBV002", "ROOMS", "info")]
    assert "routePartykitRequest(...)" in (findings[0].hint or "") and "src/index.ts:6" in (findings[0].hint or "")
    # without the call, it is a warning
    (tmp_path / "src" / "index.ts").write_text(CODE)
    assert [(f.code, f.severity.value) for f in diff(tmp_path, env=None, all_envs=False)] == [("MBV002", "warning")]


def test_mbv004_once_per_name_across_declarations(tmp_path: Path) -> None:
    env_ts = "export interface Env { USERS: KVNamespace; GREETING: string; STRIPE_KEY: string }\n"
    bindings_ts = "export type Bindings = { STRIPE_KEY: string };\n"
    code = IMPORTS_ENV + 'import type { Bindings } from "./b";\n' + CODE
    findings = diff(make_worker(tmp_path, code=code, extra={"src/env.ts": env_ts, "src/b.ts": bindings_ts}))
    assert codes(findings) == [("MBV004", None, "STRIPE_KEY")]
    assert len(findings[0].related) == 1


# -- MBV005: every layout `wrangler types` writes ------------------------------------------------

BASE_ENV_LAYOUT = """/* eslint-disable */
// Generated by Wrangler by running `wrangler types --include-runtime=false` (hash: 0123abcd)
interface __BaseEnv_Env {
\tUSERS: KVNamespace;
\tGREETING: "hello" | "hi";
\tSTRIPE_KEY: string;
}
declare namespace Cloudflare {
\tinterface GlobalProps {
\t\tmainModule: typeof import("./src/index");
\t}
\tinterface ProductionEnv {
\t\tUSERS: KVNamespace;
\t\tGREETING: "hello";
\t\tSTRIPE_KEY: string;
\t}
\tinterface Env extends __BaseEnv_Env {}
}
interface Env extends __BaseEnv_Env {}
"""


def test_mbv005_reads_the_base_env_layout(tmp_path: Path) -> None:
    make_worker(tmp_path, code=READ_SECRET, extra={"worker-configuration.d.ts": BASE_ENV_LAYOUT,
                                                   ".dev.vars": "STRIPE_KEY=sk_test\n"})
    assert [f for f in diff(tmp_path) if f.code == "MBV005"] == []
    (tmp_path / "worker-configuration.d.ts").write_text(BASE_ENV_LAYOUT.replace("\tUSERS: KVNamespace;\n\tGREETING", "\tGREETING", 1))
    stale = [f for f in diff(tmp_path) if f.code == "MBV005"]
    assert len(stale) == 1 and "Env lacks USERS" in stale[0].message


@pytest.mark.wrangler
def test_mbv005_real_wrangler_types_with_dev_vars_secrets(tmp_path: Path) -> None:
    from tests.core.test_bindings_diff import _wrangler_types

    make_worker(tmp_path, code=READ_SECRET, extra={".dev.vars": "STRIPE_KEY=sk_test\n",
                                                   ".dev.vars.production": "STRIPE_KEY=sk_live\n"})
    _wrangler_types(tmp_path, tmp_path / "home")
    generated = (tmp_path / "worker-configuration.d.ts").read_text()
    assert "STRIPE_KEY: string" in generated
    assert [f for f in diff(tmp_path) if f.code in ("MBV005", "MBV001", "MBV004")] == []
    # the same members in the layout with a base interface are current too
    (tmp_path / "worker-configuration.d.ts").write_text(BASE_ENV_LAYOUT)
    assert [f for f in diff(tmp_path) if f.code == "MBV005"] == []


def test_mbv007_not_for_a_service_that_is_a_worker_of_the_repo(tmp_path: Path) -> None:
    service = '\n[[services]]\nbinding = "API"\nservice = "example-api"\n'
    code = CODE.replace("return new", "await env.API.fetch(request);\n    return new")
    make_worker(tmp_path / "web", CONFIG.replace('name = "w"', 'name = "web"') + service, code)
    assert ("MBV007", None, "API") in codes(diff(tmp_path / "web"))  # no such Worker here: a placeholder
    make_worker(tmp_path / "api", CONFIG.replace('name = "w"', 'name = "example-api"'))
    assert [c for c in codes(diff(tmp_path)) if c[0] == "MBV007"] == []


def test_mbv004_not_for_optional_members(tmp_path: Path) -> None:
    env_ts = ("export interface Env { USERS: KVNamespace; GREETING: string; STRIPE_KEY: string;\n"
              "  RP_ID?: string; FALLBACK_KV: KVNamespace | undefined }\n")
    code = IMPORTS_ENV + CODE
    assert codes(diff(make_worker(tmp_path, code=code, extra={"src/env.ts": env_ts}))) == [("MBV004", None, "STRIPE_KEY")]


def test_mbv005_string_members_from_an_uncommitted_dev_vars_are_not_stale(tmp_path: Path) -> None:
    layout = BASE_ENV_LAYOUT.replace('\tSTRIPE_KEY: string;\n}\ndeclare', '\tSTRIPE_KEY: string;\n\tOLD_VAR: "x";\n}\ndeclare')
    make_worker(tmp_path, code=READ_SECRET, extra={"worker-configuration.d.ts": layout})
    # STRIPE_KEY came from the author's .dev.vars (not in the repository); OLD_VAR is a var that left the config
    stale = [f for f in diff(tmp_path) if f.code == "MBV005"]
    assert len(stale) == 1 and "OLD_VAR" in stale[0].message and "STRIPE_KEY" not in stale[0].message
    (tmp_path / ".dev.vars").write_text("OTHER=1\n")  # now the secrets are known: STRIPE_KEY is extra
    assert "STRIPE_KEY" in next(f for f in diff(tmp_path) if f.code == "MBV005").message


def test_no_mbv002_when_main_is_built(tmp_path: Path) -> None:
    """A `main` that is build output (OpenNext) has no code mbv can read: findings about the code,
    MBV002 among them, do not apply (issue 11); the report says why in a note."""
    config = CONFIG.replace('main = "src/index.ts"', 'main = ".open-next/worker.js"') + \
        '\n[assets]\nbinding = "ASSETS"\ndirectory = ".open-next/assets"\n'
    findings = [f for f in diff(make_worker(tmp_path, config), env=None, all_envs=False) if f.code == "MBV002"]
    assert findings == []


def test_a_function_typed_with_the_env_is_not_read_again(tmp_path: Path) -> None:
    from mbv_cli.core.code import parsing

    code = ('import { handle } from "./handle";\nimport { loose } from "./loose";\n' + CODE).replace(
        "return new", "await handle(request, env); await loose(env);\n    return new")
    make_worker(tmp_path, code=code, extra={
        "src/handle.ts": "export async function handle(r: Request, env: Env) { return env.USERS; }\n",
        "src/loose.ts": "export async function loose(b) { return b.GREETING; }\n"})
    before = parsing.PARSE_COUNTER["count"]
    assert diff(tmp_path, env=None, all_envs=False) == []
    # index.ts and handle.ts once each; loose.ts (no `env` in it, so not parsed by the scan) once, for its seed;
    # handle.ts is not parsed again: its parameter is typed Env already
    assert parsing.PARSE_COUNTER["count"] - before == 3


def test_service_worker_bindings_are_globals(tmp_path: Path) -> None:
    # review B of the build e4e135e: ChainFluence reads its KV and vars as globals (`USERS.get`), no env at all
    code = ("const environment = 'production';  // a file that mentions env is read\n"
            "addEventListener('fetch', (event) => event.respondWith(handle(event.request)));\n"
            "async function handle(request) { return new Response(await USERS.get('k')); }\n"
            "// return GREETING;  (a comment is no read)\n")
    worker = make_worker(tmp_path, code=code, extra={"src/bindings.d.ts": "declare global { const GREETING: string }\n"})
    assert [c[2] for c in codes(diff(worker)) if c[0] == "MBV002"] == ["GREETING", "GREETING"]
    (tmp_path / "src" / "index.ts").write_text(code + "export const greet = () => GREETING;\n")
    assert [c for c in codes(diff(worker)) if c[0] == "MBV002"] == []
    # a module Worker that mentions the names as bare words does not get them counted
    module = ("export default { async fetch(request, env) { const USERS = 1; return new Response(String(USERS)); } };\n")
    (tmp_path / "src" / "index.ts").write_text(module)
    assert {c[2] for c in codes(diff(tmp_path)) if c[0] == "MBV002"} == {"USERS", "GREETING"}


def test_a_leftover_config_of_the_same_worker_does_not_make_its_reads_errors(tmp_path: Path) -> None:
    # review H of a5205f5: create-cloudflare left src/wrangler.toml (same name, same main, no bindings) next to the
    # real wrangler.toml; reads of the real config's bindings were "declared nowhere" errors of the leftover
    from mbv_cli.core.bindings_diff import diff_bindings
    from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers

    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "worker.js").write_text("export default { async fetch(r, env) { return new Response(await env.DB.get('k')); } };\n")
    (tmp_path / "wrangler.toml").write_text('name = "counter"\nmain = "src/worker.js"\ncompatibility_date = "2025-01-01"\n'
                                            '[[kv_namespaces]]\nbinding = "DB"\nid = "a1b2c3d4e5f60718293a4b5c6d7e8f90"\n')
    (tmp_path / "src" / "wrangler.toml").write_text('name = "counter"\nmain = "worker.js"\ncompatibility_date = "2025-01-01"\n')
    workers = resolve_workers(load_workspace(tmp_path, None, nested=True), None, True)
    found = [f for f in diff_bindings(workers).findings if f.code == "MBV001"]
    assert [(f.binding, f.severity.value) for f in found] == [("DB", "info")]
    assert "another config of this Worker" in found[0].message and "wrangler.toml" in found[0].message
    # another Worker (another name) is no twin: its reads stay errors
    (tmp_path / "src" / "wrangler.toml").write_text('name = "other"\nmain = "worker.js"\ncompatibility_date = "2025-01-01"\n')
    workers = resolve_workers(load_workspace(tmp_path, None, nested=True), None, True)
    assert [(f.binding, f.severity.value) for f in diff_bindings(workers).findings if f.code == "MBV001"] == [
        ("DB", "error")]


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        # read through something mbv does not follow: a property of that name is read (review I: hono/adapter)
        ("import { getEnv } from './store';\nexport const f = () => getEnv().GREETING;\n", "info"),
        ("export const f = (x) => { const { GREETING } = x.settings(); return GREETING; };\n", "info"),
        ("export const f = (x) => x['GREETING'];\n", "info"),
        # the name given to a library as a string (review Q of 8e3adcb: LiveStore's syncBackendBinding)
        ("export const cfg = { syncBackendBinding: 'GREETING' };\n", "info"),
        # not a property read: a local constant of the same name (bitbreak-infra), a type member, an object key
        ("const GREETING = 'hi';\nexport const f = () => GREETING;\n", "warning"),
        ("interface Config { GREETING: string }\nexport const f = (c: Config) => 1;\n", "warning"),
        ("export const defaults = { GREETING: 'hi' };\n", "warning"),
    ],
)
def test_mbv002_is_info_when_the_code_reads_a_property_of_that_name(tmp_path: Path, code: str, severity: str) -> None:
    worker = make_worker(tmp_path, code=CODE.replace("env.GREETING + ", "") , extra={"src/extra.ts": code})
    (tmp_path / "src" / "index.ts").write_text((tmp_path / "src" / "index.ts").read_text()
                                               .replace("export default", "import './extra';\nexport default"))
    found = [f for f in diff(worker, env=None, all_envs=False) if f.code == "MBV002" and f.binding == "GREETING"]
    assert [f.severity.value for f in found] == [severity]
    if severity == "info":
        assert "extra.ts" in (found[0].hint or "")


def test_process_env_read_with_a_computed_key_makes_mbv002_info(tmp_path: Path) -> None:
    # review N of b9c1ac8 (aiocatalogs): vars read through `getEnv('NAME')` helpers returning `process.env[key]`
    helper = "export function getEnv(key: string) { return process.env[key]; }\n"
    code = CODE.replace("env.GREETING + ", "").replace("export default", "import { getEnv } from './cfg';\nexport default")
    found = [f for f in diff(make_worker(tmp_path, code=code, extra={"src/cfg.ts": helper}), env=None, all_envs=False)
             if f.code == "MBV002"]
    assert [(f.binding, f.severity.value) for f in found] == [("GREETING", "info")]
    assert "computed key" in (found[0].hint or "")


def test_keep_vars_makes_a_name_declared_nowhere_a_warning(tmp_path: Path) -> None:
    # review M of b9c1ac8 (AeYunDian/api): with keep_vars = true deploys keep the dashboard's vars
    code = READ_SECRET.replace("STRIPE_KEY", "ALLOWED_APP_IDS")
    assert {f[2] for f in mbv001(diff(make_worker(tmp_path, code=code)))} == {"error"}
    (tmp_path / "wrangler.toml").write_text("keep_vars = true\n" + CONFIG)
    found = [f for f in diff(tmp_path) if f.code == "MBV001"]
    assert {f.severity.value for f in found} == {"warning"} and "keep_vars" in found[0].message


def test_a_var_named_like_a_config_key_says_where_it_came_from(tmp_path: Path) -> None:
    # review M (zmzaxg/cformysql_blog): `triggers = { crons = [...] }` written after [vars] became a var
    config = CONFIG.replace('GREETING = "hi"', 'GREETING = "hi"\nworkers_dev = true')
    found = [f for f in diff(make_worker(tmp_path, config), env=None, all_envs=False) if f.code == "MBV002"]
    assert [(f.binding, f.severity.value) for f in found] == [("workers_dev", "warning")]
    assert "top-level config key" in (found[0].hint or "")
    # review V of 626d8cc (archon): a binding table's key written as an inline array after [vars]
    config = CONFIG.replace('GREETING = "hi"', 'GREETING = "hi"\nkv_namespaces = [{ binding = "C", id = "x" }]')
    found = [f for f in diff(make_worker(tmp_path, config), env=None, all_envs=False) if f.code == "MBV002"]
    assert [f.binding for f in found] == ["kv_namespaces"] and "top-level config key" in (found[0].hint or "")


def test_a_durable_object_binding_a_container_runs_is_not_unused(tmp_path: Path) -> None:
    # review Q of 8e3adcb (animichi): the [[containers]] entry needs its class's Durable Object binding
    config = CONFIG + ('[[durable_objects.bindings]]\nname = "MIGRATOR"\nclass_name = "Migrator"\n'
                       '[[containers]]\nclass_name = "Migrator"\nimage = "./Dockerfile"\n')
    found = [f.binding for f in diff(make_worker(tmp_path, config), env=None, all_envs=False) if f.code == "MBV002"]
    assert "MIGRATOR" not in found
    (tmp_path / "wrangler.toml").write_text(config.replace('[[containers]]\nclass_name = "Migrator"\nimage = "./Dockerfile"\n', ""))
    assert "MIGRATOR" in [f.binding for f in diff(tmp_path, env=None, all_envs=False) if f.code == "MBV002"]
