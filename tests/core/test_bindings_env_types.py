"""Binding findings on the review's false positives (review_bindings.md categories 4, 6, 7, 9 and its other
observations): Env types computed from a zod schema or named by a handler's parameter, Workers Sites,
reads through an optional cast, one MBV007 per binding, MBV004's wording for a member never read."""

from __future__ import annotations

from pathlib import Path

import pytest

from mbv_cli.core.findings import Finding
from tests.core.test_bindings_diff import CODE, CONFIG, codes, diff, make_worker


def mbv001(findings: list[Finding]) -> list[tuple[str | None, str | None, str]]:
    return [(f.env, f.binding, f.severity.value) for f in findings if f.code == "MBV001"]


READ_SITE = CODE.replace("return new", "const s = await env.__STATIC_CONTENT.get('a');\n"
                         "    const m = env.__STATIC_CONTENT_MANIFEST;\n    return new")


def test_workers_sites_bindings_are_provided_with_site(tmp_path: Path) -> None:
    config = CONFIG.replace('compatibility_date = "2026-10-01"\n',
                            'compatibility_date = "2026-10-01"\n[site]\nbucket = "./public"\n')
    assert mbv001(diff(make_worker(tmp_path, config, READ_SITE))) == []


def test_workers_sites_bindings_without_site_are_reported(tmp_path: Path) -> None:
    found = mbv001(diff(make_worker(tmp_path, CONFIG, READ_SITE)))
    assert (None, "__STATIC_CONTENT", "error") in found and (None, "__STATIC_CONTENT_MANIFEST", "error") in found


def test_workers_sites_in_json_config(tmp_path: Path) -> None:
    config = ('{"name": "w", "main": "src/index.ts", "compatibility_date": "2026-10-01",'
              ' "site": {"bucket": "./public"}, "kv_namespaces": [{"binding": "USERS",'
              ' "id": "3f2a9c1d8e7b4a6f9c0d1e2f3a4b5c6d"}], "vars": {"GREETING": "hi"}}')
    assert mbv001(diff(make_worker(tmp_path, config, READ_SITE, name="wrangler.json"))) == []


D1_PLACEHOLDERS = '\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "db"\ndatabase_id = "your-database-id"\n' \
    'preview_database_id = "your-preview-id"\n'


def test_mbv007_one_finding_per_binding(tmp_path: Path) -> None:
    code = CODE.replace("return new", "await env.DB.prepare('x');\n    return new")
    findings = [f for f in diff(make_worker(tmp_path, CONFIG.replace("[env.production]\n", D1_PLACEHOLDERS + "[env.production]\n"), code), env=None, all_envs=False)
                if f.code == "MBV007"]
    assert len(findings) == 1
    assert "database_id = 'your-database-id'" in findings[0].message and "preview_database_id" in findings[0].message
    text = (tmp_path / "wrangler.toml").read_text().splitlines()
    (file, line, _), = findings[0].related
    assert file == findings[0].file and file.endswith("wrangler.toml")
    assert "your-preview-id" in text[line - 1] and findings[0].line is not None
    assert "your-database-id" in text[findings[0].line - 1]


def test_mbv007_two_bindings_two_findings(tmp_path: Path) -> None:
    second = D1_PLACEHOLDERS.replace('"DB"', '"DB2"').replace("your-database-id", "your-db2-id").replace(
        'preview_database_id = "your-preview-id"\n', "")
    code = CODE.replace("return new", "await env.DB.prepare('x'); await env.DB2.prepare('x');\n    return new")
    findings = diff(make_worker(tmp_path, CONFIG.replace("[env.production]\n", D1_PLACEHOLDERS + second + "[env.production]\n"), code), env=None, all_envs=False)
    assert sorted(f.binding or "" for f in findings if f.code == "MBV007") == ["DB", "DB2"]


IMPORTS_ENV = 'import type { Env } from "./env";\n'


def test_mbv004_member_never_read_is_not_called_expected(tmp_path: Path) -> None:
    env_ts = "export interface Env { USERS: KVNamespace; GREETING: string; WRITE_QUEUE: Queue; OLD: string }\n"
    findings = [f for f in diff(make_worker(tmp_path, code=IMPORTS_ENV + CODE, extra={"src/env.ts": env_ts}))
                if f.code == "MBV004"]
    assert sorted(f.binding or "" for f in findings) == ["OLD", "WRITE_QUEUE"]
    for f in findings:
        assert "the code expects" not in f.message
        assert "declared in the Env type but in no config" in f.message and "does not read it" in f.message


def test_mbv004_member_read_still_says_expected(tmp_path: Path) -> None:
    env_ts = "export interface Env { USERS: KVNamespace; GREETING: string; WRITE_QUEUE: Queue }\n"
    code = IMPORTS_ENV + CODE.replace("return new", "await env.WRITE_QUEUE.send(1);\n    return new")
    findings = [f for f in diff(make_worker(tmp_path, code=code, extra={"src/env.ts": env_ts})) if f.code == "MBV004"]
    assert len(findings) == 1 and "a binding the code expects" in findings[0].message
    assert codes(findings) == [("MBV004", None, "WRITE_QUEUE")]


READ_ZOD = CODE.replace("return new", "const s = env.AUTH_SECRET; const p = env.PRICE_ID;\n    return new")
SCHEMA = ('import { z } from "zod";\nexport const envSchema = z.object({\n  AUTH_SECRET: z.string().min(32),\n'
          '  PRICE_ID: z.string().startsWith("price_").optional(),\n  "QUOTED": z.string(),\n}).strict();\n')


@pytest.mark.parametrize("form", ["z.infer", "z.output", "z.input"])
def test_env_type_from_a_zod_schema_in_the_same_file(tmp_path: Path, form: str) -> None:
    env_ts = SCHEMA + f"export type Env = {form}<typeof envSchema> & {{ USERS: KVNamespace }};\n"
    findings = diff(make_worker(tmp_path, code=IMPORTS_ENV + READ_ZOD, extra={"src/env.ts": env_ts}))
    assert mbv001(findings) == []
    # the schema's required keys are Env members no config declares (said once); `.optional()` ones are not
    assert codes([f for f in findings if f.code == "MBV004"]) == [("MBV004", None, "AUTH_SECRET"),
                                                                  ("MBV004", None, "QUOTED")]


def test_bindings_from_a_zod_schema_in_another_file(tmp_path: Path) -> None:
    env_ts = ('import { z } from "zod";\nimport { envSchema } from "./schema";\n'
              "export type Bindings = z.infer<typeof envSchema>;\n")
    code = 'import type { Bindings } from "./env";\n' + READ_ZOD.replace("env: Env", "env: Bindings")
    findings = diff(make_worker(tmp_path, code=code, extra={"src/env.ts": env_ts, "src/schema.ts": SCHEMA}))
    assert mbv001(findings) == []


@pytest.mark.parametrize("derive", ["\n  // a comment\n  .superRefine((e, ctx) => {}).transform((e) => ({ ...e }))", ".partial()",
                                    ".extend({ EXTRA: z.string() })"])
def test_a_schema_derived_from_another_has_its_keys(tmp_path: Path, derive: str) -> None:
    # review E of 256786b (PackRat): `const validated = apiEnvObjectSchema.superRefine(...).transform(...)`
    env_ts = SCHEMA + f"const validated = envSchema{derive};\nexport type Env = z.infer<typeof validated>;\n"
    findings = diff(make_worker(tmp_path, code=IMPORTS_ENV + READ_ZOD, extra={"src/env.ts": env_ts}))
    assert mbv001(findings) == []
    assert not any("is computed" in f.message for f in findings)
    mbv004 = {f.binding for f in findings if f.code == "MBV004"}
    assert mbv004 == (set() if derive == ".partial()" else {"AUTH_SECRET", "QUOTED"} | ({"EXTRA"} if "EXTRA" in derive
                                                                                         else set()))


def test_a_schema_derived_by_an_unknown_method_stays_computed(tmp_path: Path) -> None:
    env_ts = SCHEMA + "const picked = envSchema.pick({ PRICE_ID: true });\nexport type Env = z.infer<typeof picked>;\n"
    findings = diff(make_worker(tmp_path, code=IMPORTS_ENV + READ_ZOD, extra={"src/env.ts": env_ts}))
    assert {f.severity.value for f in findings if f.code == "MBV001"} == {"warning"}


def test_a_zod_schema_that_lacks_the_name_is_still_an_error(tmp_path: Path) -> None:
    env_ts = SCHEMA + "export type Env = z.infer<typeof envSchema>;\n"
    code = IMPORTS_ENV + READ_ZOD.replace("env.PRICE_ID", "env.OTHER_URL")
    findings = diff(make_worker(tmp_path, code=code, extra={"src/env.ts": env_ts}))
    assert mbv001(findings) == [(None, "OTHER_URL", "error"), ("production", "OTHER_URL", "error")]


def test_an_env_type_that_cannot_be_read_makes_declared_nowhere_a_warning(tmp_path: Path) -> None:
    # the schema is in no file of the Worker (a package mbv does not read): the Env type is computed
    env_ts = 'import { z } from "zod";\nimport { envSchema } from "@acme/config";\n' \
             "export type Env = z.infer<typeof envSchema>;\n"
    findings = diff(make_worker(tmp_path, code=IMPORTS_ENV + READ_ZOD, extra={"src/env.ts": env_ts}))
    found = [f for f in findings if f.code == "MBV001"]
    assert {(f.env, f.binding, f.severity.value) for f in found} == {
        (env, name, "warning") for env in (None, "production") for name in ("AUTH_SECRET", "PRICE_ID")}
    assert all("is computed (z.infer<typeof envSchema>)" in f.message and "declares it" in f.message for f in found)
    assert not any("no config, var, secret source (.dev.vars" in f.message for f in found)


HANDLER_TYPED = """
export interface Environment {
  SECRET_TELEGRAM_API_TOKEN: string;
  USERS: KVNamespace;
  GREETING: string;
}
export default {
  async fetch(request: Request, env: Environment, ctx: ExecutionContext): Promise<Response> {
    const v = await env.USERS.get(env.SECRET_TELEGRAM_API_TOKEN);
    return new Response(env.GREETING + v);
  },
};
"""


def test_the_handler_env_parameter_type_is_the_env_type_whatever_its_name(tmp_path: Path) -> None:
    findings = diff(make_worker(tmp_path, code=HANDLER_TYPED))
    assert mbv001(findings) == []
    assert codes(findings) == [("MBV004", None, "SECRET_TELEGRAM_API_TOKEN")]
    assert findings[0].message.startswith("Environment.SECRET_TELEGRAM_API_TOKEN is declared in the Env type")


def test_exported_handler_generic_names_the_env_type(tmp_path: Path) -> None:
    code = HANDLER_TYPED.replace("env: Environment, ctx: ExecutionContext", "env, ctx").replace(
        "};\n", "} satisfies ExportedHandler<Environment>;\n")
    assert mbv001(diff(make_worker(tmp_path, code=code))) == []


def test_an_interface_not_used_as_the_env_declares_nothing(tmp_path: Path) -> None:
    code = HANDLER_TYPED.replace("env: Environment", "env: Env")
    found = mbv001(diff(make_worker(tmp_path, code=code)))
    assert (None, "SECRET_TELEGRAM_API_TOKEN", "warning") in found  # declared nowhere; a secret by its name


def test_a_read_through_a_cast_marking_it_optional_is_guarded(tmp_path: Path) -> None:
    code = CODE.replace("return new", "const dry = (env as unknown as { DRY_RUN?: string }).DRY_RUN === 'true';\n"
                        "    return new")
    # declared nowhere and guarded: an optional setting the code handles (info, as for `env.X ?? d`)
    assert mbv001(diff(make_worker(tmp_path, code=code))) == [(None, "DRY_RUN", "info"), ("production", "DRY_RUN", "info")]


def test_a_read_through_a_cast_marking_it_required_is_an_error(tmp_path: Path) -> None:
    code = CODE.replace("return new", "const dry = (env as unknown as { DRY_RUN: string }).DRY_RUN.trim();\n"
                        "    return new")
    assert mbv001(diff(make_worker(tmp_path, code=code))) == [(None, "DRY_RUN", "error"),
                                                              ("production", "DRY_RUN", "error")]


def test_the_handler_env_type_declared_in_another_file(tmp_path: Path) -> None:
    types_ts = HANDLER_TYPED.split("export default", 1)[0]
    code = 'import type { Environment } from "./types";\nexport default' + HANDLER_TYPED.split("export default", 1)[1]
    findings = diff(make_worker(tmp_path, code=code, extra={"src/types.ts": types_ts}))
    assert mbv001(findings) == []
    assert codes(findings) == [("MBV004", None, "SECRET_TELEGRAM_API_TOKEN")]


def test_an_exported_interface_no_handler_names_is_not_the_env(tmp_path: Path) -> None:
    types_ts = HANDLER_TYPED.split("export default", 1)[0]
    code = ('import type { Environment } from "./types";\nexport default'
            + HANDLER_TYPED.split("export default", 1)[1].replace("env: Environment", "env: Env"))
    found = mbv001(diff(make_worker(tmp_path, code=code, extra={"src/types.ts": types_ts})))
    assert (None, "SECRET_TELEGRAM_API_TOKEN", "warning") in found  # declared nowhere; a secret by its name


def test_a_client_fetch_method_does_not_name_the_env_type(tmp_path: Path) -> None:
    client = ("export interface FetchOptions { method: string; retries?: number }\n"
              "export class Client {\n  async fetch(url: string, options: FetchOptions) { return options.method; }\n}\n")
    code = 'import { Client } from "./client";\n' + CODE.replace("return new", "new Client();\n    return new")
    assert [f for f in diff(make_worker(tmp_path, code=code, extra={"src/client.ts": client}))
            if f.code == "MBV004"] == []


def test_a_hono_env_shape_in_another_file_is_not_an_env_type(tmp_path: Path) -> None:
    # review D of 9cfc542 (kb-chatbot, roncalphoto): `AppEnv.Bindings` and `.Variables` were called Env members
    env_ts = ("export interface Env { USERS: KVNamespace; GREETING: string }\n"
              "export interface AppEnv {\n  Bindings: Env;\n  Variables: { user?: string };\n}\n")
    code = ('import type { AppEnv, Env } from "./env";\nimport { Hono } from "hono";\n'
            "const app = new Hono<AppEnv>();\napp.get('/', async (c) => c.text((await c.env.USERS.get('k')) + c.env.GREETING));\n"
            "export default app;\n")
    findings = diff(make_worker(tmp_path, code=code, extra={"src/env.ts": env_ts}))
    assert [f for f in findings if f.code == "MBV004"] == []


def test_hono_bindings_as_an_intersection_with_an_inline_object(tmp_path: Path) -> None:
    # review P of aaac244 (trend_diary): `Bindings: WorkerBindings & { EDGE_CACHE_DISABLED?: string }`
    env_ts = ("export interface WorkerBindings { USERS: KVNamespace; GREETING: string }\n"
              "export type AppEnv = { Bindings: WorkerBindings & { EDGE_CACHE_DISABLED?: string } };\n")
    code = ('import type { AppEnv } from "./env";\nimport { Hono } from "hono";\nconst app = new Hono<AppEnv>();\n'
            "app.get('/', async (c) => c.text(String(c.env.EDGE_CACHE_DISABLED) + (await c.env.USERS.get('k'))));\n"
            "export default app;\n")
    findings = diff(make_worker(tmp_path, code=code, extra={"src/env.ts": env_ts}))
    assert mbv001(findings) == []


def test_the_plain_part_of_a_computed_env_type_declares_its_members(tmp_path: Path) -> None:
    # review O of aaac244 (Orderak.APP): `type Env = Omit<Cloudflare.Env, "X"> & OrderakSecrets`
    env_ts = ('import type { OrderakSecrets } from "./secrets";\n'
              'export type Env = Omit<Cloudflare.Env, "OLD"> & OrderakSecrets;\n')
    # a file is read when it mentions the env at all (Orderak's is env.d.ts)
    secrets = "// the Worker env's secrets\nexport interface OrderakSecrets { LOCAL_ADMIN_ENABLED?: string; STRIPE_KEY: string }\n"
    code = IMPORTS_ENV + READ_ZOD.replace("env.AUTH_SECRET", "env.LOCAL_ADMIN_ENABLED").replace("env.PRICE_ID",
                                                                                               "env.STRIPE_KEY")
    findings = diff(make_worker(tmp_path, code=code, extra={"src/env.ts": env_ts, "src/secrets.ts": secrets}))
    assert mbv001(findings) == []
