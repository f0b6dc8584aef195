"""The ways real Workers reach their env (issue 12): each form must be found, look-alikes must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from mbv_cli.core.code.parsing import SourceFile, parse_source
from mbv_cli.core.code.usages import EnvCall, Seed, Usage, extract_env_facts


def facts(text: str, name: str = "index.ts", seeds: tuple[Seed, ...] = ()) -> tuple[list[Usage], list[EnvCall]]:
    source = parse_source(Path(name), text.encode())
    assert isinstance(source, SourceFile)
    usages, _, calls, _ = extract_env_facts(source, seeds=seeds)
    return usages, calls


def strong(text: str, name: str = "index.ts") -> list[str]:
    return [u.name for u in facts(text, name)[0] if u.strong and u.form != "assigned"]


def weak(text: str, name: str = "index.ts") -> list[str]:
    return [u.name for u in facts(text, name)[0] if not u.strong and u.form != "assigned"]


HONO = 'import { Hono } from "hono";\n'


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # a middleware const typed with Hono's handler types
        ("const mw: MiddlewareHandler<AppEnv> = async (c, next) => { c.env.RATE; await next(); };", ["RATE"]),
        ("export const h: Handler<{ Bindings: Env }> = (c) => c.env.DB;", ["DB"]),
        # a Hono context under another name
        ("type AppContext = Context<{ Bindings: Env }>;\nconst f = (c: AppContext) => c.env.KV;", ["KV"]),
        ("type Ctx = Context<{ Bindings: Env }>;\nfunction f(c: Ctx) { return c.env.KV; }", ["KV"]),
        ("import type { AppContext } from './types';\nexport function f(c: AppContext) { return c.env.Q; }", ["Q"]),
        # Pages Functions
        ("export async function onRequestGet(context) { return context.env.PAGES_KV.get('x'); }", ["PAGES_KV"]),
        ("export const onRequest: PagesFunction<Env> = async (context) => context.env.A;", ["A"]),
        ("export const onRequestPost = async ({ request, env }) => env.B;", ["B"]),
        ("export async function onRequest({ env: e }) { return e.C; }", ["C"]),
        ("export async function onRequest(ctx: EventContext<Env, any, any>) { return ctx.env.D; }", ["D"]),
        # framework contexts
        ("export async function loader({ context }) { return context.cloudflare.env.DB; }", ["DB"]),
        ("export const load = async (event) => event.platform?.env.BUCKET;", ["BUCKET"]),
        ("const x = Astro.locals.runtime.env.KV;", ["KV"]),
        ("const { env } = getCloudflareContext(); env.NEXT_KV;", ["NEXT_KV"]),
        ("const v = (await getCloudflareContext({ async: true })).env.CACHE;", ["CACHE"]),
        # Pick<Env, ...> and other wrappers of the env type
        ('function f(env: Pick<Env, "A" | "B">) { return env.A; }', ["A"]),
        ("function f(b: Partial<Env>) { return b.OPT; }", ["OPT"]),
        # casts
        ("export default { fetch(r, env) { return (env as any).X; } };", ["X"]),
        ('export default { fetch(r, env) { return (env as any)["PAYMENTS"]; } };', ["PAYMENTS"]),
        ("export default { fetch(r, env) { return (env as { X: DurableObjectNamespace }).X; } };", ["X"]),
        ("export default { fetch(r, env) { return (env as unknown as Foo).Y.get(); } };", ["Y"]),
        ("export default { fetch(r, env) { return env!.Z; } };", ["Z"]),
        (HONO + 'app.get("/", (c) => (c.env as any).W);', ["W"]),
        # aliases
        ("export default { fetch(r, env) { const e2 = env; return e2.A; } };", ["A"]),
        (HONO + 'app.get("/", (c) => { const env = c.env; return env.B; });', ["B"]),
        (HONO + 'app.get("/", (c) => { const { env } = c; return env.C; });', ["C"]),
        (HONO + 'app.get("/", (c) => { const { env: { D1 } } = c; return D1; });', ["D1"]),
        ("function f(c: Context) { const { env } = c; return env.D; }", ["D"]),
        ("export default { fetch(r, env) { const a = env; const b = a; return b.E; } };", ["E"]),
        # env given whole to a function of this file
        ("function helper(cfg) { return cfg.SECRET; }\n"
         "export default { fetch(r, env) { return helper(env); } };", ["SECRET"]),
        ("const helper = (x, secrets: TokenSecrets) => secrets.JWT_KEY;\n"
         "export default { fetch(r, env) { return helper(r, env); } };", ["JWT_KEY"]),
        ("function deep(z) { return z.DEEP; }\nfunction mid(y) { return deep(y); }\n"
         "export default { fetch(r, env) { return mid(env); } };", ["DEEP"]),
        ("function g({ KV, DB }) { return KV; }\nexport default { fetch(r, env) { g(env); } };", ["KV", "DB"]),
        (HONO + "function h(b) { return b.H; }\napp.get('/', (c) => h(c.env));", ["H"]),
        # a function that returns a Hono middleware: the returned callback's `c`
        ("export function rateLimiter(): MiddlewareHandler<{ Bindings: Env }> {\n"
         "  return async (c, next) => { await c.env.KV.get('k'); await next(); };\n}", ["KV"]),
        ("const limit = (n: number): MiddlewareHandler<AppEnv> => async (c, next) => { c.env.LIMITS; };", ["LIMITS"]),
        ("const cors = (): MiddlewareHandler<AppEnv> => (async (c, next) => { c.env.ORIGINS; });", ["ORIGINS"]),
        ("const eh: ErrorHandler<{ Bindings: Env }> = (err, c) => c.json({ mode: c.env.MODE });", ["MODE"]),
        # onError's context is its second parameter; notFound's its first
        (HONO + "app.onError((err, c) => c.json({ dev: c.env.NODE_ENV === 'dev' }, 500));", ["NODE_ENV"]),
        (HONO + "app.notFound((c) => c.text(c.env.NOT_FOUND_TEXT, 404));", ["NOT_FOUND_TEXT"]),
        # route callbacks of @hono/zod-openapi's `.openapi(route, handler)`
        ('import { OpenAPIHono } from "@hono/zod-openapi";\n'
         "export const r = new OpenAPIHono<Props>().openapi(route, async (c) => c.env.TICKET_KEYS.get('x'));",
         ["TICKET_KEYS"]),
        ('import { OpenAPIHono } from "@hono/zod-openapi";\nconst app = new OpenAPIHono<Props>();\n'
         "app.openapi(route, async (c) => { const { DB } = c.env; return c.json(await DB.prepare('q').all()); });",
         ["DB"]),
        # a Durable Object that keeps the env in a private field (issue 12 final review: sea-of-checkboxes)
        ("import { DurableObject } from 'cloudflare:workers';\nexport class Shard extends DurableObject<Env> {\n"
         "  #env: Env;\n  constructor(ctx: DurableObjectState, env: Env) { super(ctx, env); this.#env = env; }\n"
         "  hub() { return this.#env.CURSOR_HUB.get(); }\n}", ["CURSOR_HUB"]),
        # Hono option callbacks and validator hooks are given the context
        (HONO + "app.use('*', cors({ origin: (origin, c) => c.env.SITE_ORIGIN }));", ["SITE_ORIGIN"]),
        (HONO + "app.use(bearerAuth({ verifyToken: async (token, c) => token === c.env.API_TOKEN }));", ["API_TOKEN"]),
        (HONO + "app.use(basicAuth({ verifyUser: (u, p, c) => p === c.env.ADMIN_PASS }));", ["ADMIN_PASS"]),
        (HONO + "app.post('/', zValidator('json', s, (r, c) => c.text(c.env.MSG)));", ["MSG"]),
        # @hono/trpc-server's createContext (review E of 256786b: knit-count)
        (HONO + "app.use('/trpc/*', trpcServer({ router, createContext: async (opts, c) => ({ db: c.env.DB }) }));",
         ["DB"]),
        # a context held in a variable: hono/jsx `useRequestContext()`, a `Context`-typed const, context-storage
        ("import { useRequestContext } from 'hono/jsx-renderer';\nimport type { Context } from 'hono';\n"
         "export function Debug() { const c: Context = useRequestContext(); return c.env.DEBUG; }", ["DEBUG"]),
        ("export function Page() { const c = useRequestContext<{ Bindings: Env }>(); return c.env.DEBUG_USER; }",
         ["DEBUG_USER"]),
        (HONO + "export const kv = () => getContext<AppEnv>().env.KV;", ["KV"]),
        ("const ctx = getCloudflareContext();\nexport const f = () => ctx.env.NEXT_DB;", ["NEXT_DB"]),
        # a function of the file that returns the env (review F of 256786b: animeishi's `getBindings(c)`)
        (HONO + "function getBindings(c: Context): AnnictBindings { return c.env as AnnictBindings; }\n"
         "app.get('/', (c) => { const { CLIENT_ID } = getBindings(c); return c.text(getBindings(c).DB + CLIENT_ID); });",
         ["CLIENT_ID", "DB"]),
        ("const b = (c: Context) => c.env;\nexport function f(c: Context) { return b(c).KV; }", ["KV"]),
        # Hono's runtime-neutral `env(c)` (review I of 2a62a1b: Zero-Cancer)
        (HONO + 'import { env } from "hono/adapter";\n'
         "app.get('/', (c) => { const { SUPABASE_URL, DB_URL: u } = env<T>(c); return c.text(env(c).MODE + u); });",
         ["SUPABASE_URL", "DB_URL", "MODE"]),
    ],
)
def test_env_forms_are_found(code: str, expected: list[str]) -> None:
    assert strong(code) == expected


@pytest.mark.parametrize(
    "code",
    [
        # assignments are not reads
        "export default { fetch(r, env) { env.REGISTRY_CLIENT = new Client(env); } };",
        "export default { fetch(r, env) { env.CACHE ??= new Map(); } };",
        "export default { fetch(r, env) { (env as any).INJECTED = 1; } };",
        # a context-looking thing that is not one
        "function f(c: Request) { const { env } = c; return env.X; }",
        "function f(opts: Options) { return opts.env.X; }",
        "const { env } = process; env.NODE_ENV;",
        "const x = (config as any).Y;",
        "const y = (await load()).env.Z;",
        "function f(b: Partial<Options>) { return b.OPT; }",
        # a function of the file that is never given the env
        "function helper(cfg) { return cfg.SECRET; }\nhelper(loadConfig());",
        "export default { fetch(r, env) { [1].map((env) => env.SHADOWED); } };",
        # Hono-shaped code that is not a context
        HONO + "app.onError((err, c) => err.env.ERR_FIELD);",  # onError's first parameter is the error
        HONO + "function f(): MiddlewareHandler<AppEnv> { const g = (x) => x.env.INNER; return run(g); }",
        "function f(): Promise<Response> { return (async (c) => c.env.IIFE)(req); }",
        "const h: RequestHandler = (c) => c.env.EXPRESS;",  # not a Hono handler type
        "api.openapi(route, async (c) => c.env.NO_HONO);",  # a file that never mentions hono
        # look-alikes of the forms above
        "const x = cors({ origin: (o, c) => c.env.CORS_NO_HONO });",  # no hono in the file
        HONO + "app.use(cors({ exposeHeaders: (o, c) => c.env.NOT_A_CALLBACK_OPTION }));",
        "function f() { const c = makeThing(); return c.env.NOT_A_CONTEXT; }",
        "function f() { const c: Context = g(); }\nfunction h(c) { return c.env.OTHER_SCOPE; }",
        "export const g = () => getContext().env.GETCONTEXT_NO_HONO;",
        "class P { #env = load(); f(o: Other) { return o.#env.PRIVATE_OF_OTHER; } }",
        "function g(): Options { return load(); }\nexport const v = g().NOT_ENV_RETURN_TYPE;",
        "function g(x) { return x.other; }\nexport const v = g(1).NOT_RETURNING_ENV;",
        'import { env } from "./config";\nexport const v = env(1).NOT_HONOS_ENV;',
        "const b = (x) => x.env;\nexport function f(c) { const { UNPROVEN_HOLDER } = b(c); return UNPROVEN_HOLDER; }",
    ],
)
def test_look_alikes_are_not_strong_reads(code: str) -> None:
    assert strong(code) == []


def test_a_package_type_named_like_an_env_is_weak() -> None:
    # review N of b9c1ac8 (positronic): `env: RuntimeEnv` from a library is not the Worker's env
    code = "import type { RuntimeEnv } from '@positronic/core';\nexport function f(env: RuntimeEnv) { return env.origin; }"
    assert strong(code) == [] and weak(code) == ["origin"]
    own = "import type { AppEnv } from './types';\nexport function f(env: AppEnv) { return env.ORIGIN; }"
    assert strong(own) == ["ORIGIN"]


def test_untyped_holders_are_weak() -> None:
    assert weak("function f(x) { const { env } = x; return env.MAYBE; }") == ["MAYBE"]
    assert strong("function f(x) { const { env } = x; return env.MAYBE; }") == []
    # an untyped parameter of any callback: its `.env.X` may be the Worker's (it stops MBV002, never raises MBV001)
    assert weak("register({ handler: async (req, c) => c.env.CALLBACK_KV.get('k') });") == ["CALLBACK_KV"]
    assert weak("items.map((item) => item.env.ITEM_FIELD);") == ["ITEM_FIELD"]
    assert weak("function f(c) { return c.env.NOT_A_CALLBACK; }") == []
    # with nodejs_compat (compatibility date 2025-04-01 on) vars and secrets are in process.env too
    assert weak("export const base = process.env.API_BASE;") == ["API_BASE"]
    assert strong("export const base = process.env.API_BASE;") == []


@pytest.mark.parametrize(
    ("code", "guarded"),
    [
        ("env.A ?? 'd'", True),
        ("env.A || 'd'", True),
        ("env.A && env.A.get()", True),
        ("if (env.A) {}", True),
        ("if (!env.A) { throw new Error() }", True),
        ("if (env.A === undefined) {}", True),
        ("if (env.A === 'true') {}", True),  # a flag: absent, the comparison is false (review P)
        ("const off = env.A !== `false`", True),
        ("if (env.A === other) {}", False),
        ("typeof env.A", True),
        ("env.A ? 1 : 2", True),
        ("env.A?.get()", True),
        ("env.A?.()", True),
        ("const { A = 'x' } = env", True),
        ("env.A.get()", False),
        ("return env.A", False),
        ("env?.A.get()", True),
        ("if (ok && env.A && env.B) {}", True),
        ("env.B && env.A", False),
        ("const x = ok && env.A", False),
        ("x = env.A + 1", False),
        ("const a = env.A; if (!a) throw new Error('A')", True),
        ("const a = env.A ; const b = a ?? 'd'", True),
        ("const a = env.A; a.get('k')", False),
        # review S of 626d8cc (loe-vibecode): destructured, then checked under its own name
        ("const { A, B } = env; if (!A || !B) return", True),
        ("const { A: key } = env; const k = key ?? 'd'", True),
        ("const { A } = env; A.get('k')", False),
        ("const { A: key } = env; key.get('k')", False),
        # review Y of 43535be (passage): a fallback helper given the read and a default
        ('const base = stringOr(env.A, "") || url.origin', True),
        ("const n = parseIntOrDefault(env.A, 100)", True),
        ("const n = withDefault(env.A, d)", True),
        ("const n = stringOr(d, env.A)", False),
        ("const n = parseInt(env.A, 10)", False),
        ("const n = send(env.A, 10)", False),
        # review Z of 43535be (Landing-Sabor-Llanero): an array of optional settings filtered for the set ones
        ("const o = [env.A, env.B].filter((v): v is string => Boolean(v))", True),
        ("const o = [env.A, env.B].map((v) => v.trim())", False),
        # review AB of badf8a8 (HP): a function of the file whose next parameter is the fallback
        ("const n = intValue(env.A, 20, 1, 50); function intValue(value, fallback, min, max) { return 1 }", True),
        ("const n = clamp(env.A, 1, 50); function clamp(value, min, max) { return 1 }", False),
        ("const configured = Boolean(env.A)", True),  # review AB of badf8a8 (ekodi-platform)
        ("const s = String(env.A)", False),
    ],
)
def test_guarded_reads(code: str, guarded: bool) -> None:
    usages, _ = facts(f"export default {{ fetch(r, env) {{ {code}; }} }};")
    first = next(u for u in usages if u.name == "A")
    assert first.guarded is guarded


def test_env_given_to_libraries_and_imports_is_a_call() -> None:
    code = (
        'import { routePartykitRequest } from "partyserver";\nimport { handle } from "./handlers";\n'
        'import * as lib from "../lib";\nimport { Hono } from "hono";\nconst app = new Hono();\n'
        "export default { async fetch(req, env, ctx) {\n"
        "  console.log(env);\n  handle(req, env);\n  lib.run(env);\n"
        "  return (await routePartykitRequest(req, env)) ?? app.fetch(req, env, ctx);\n} };\n"
    )
    _, calls = facts(code)
    got = [(c.callee, c.specifier, c.imported, c.argument, c.line) for c in calls]
    assert got == [
        ("handle", "./handlers", "handle", 1, 8),
        ("lib.run", "../lib", "run", 0, 9),
        ("routePartykitRequest", "partyserver", "routePartykitRequest", 1, 10),
        ("app.fetch", None, None, 1, 10),
    ]


@pytest.mark.parametrize(
    ("code", "escapes"),
    [
        # review E of 256786b: kon's React Router handler, PackRat's setWorkerEnv/getEnv
        ("import { createRequestHandler } from 'react-router';\nconst handler = createRequestHandler(() => 1);\n"
         "export default { fetch(r, env, ctx) { return handler(r, { cloudflare: { env, ctx } }); } };", ["handler"]),
        ("import { run } from '@acme/shared';\nexport default { fetch(r, env) { return run({ ...env }); } };", ["run"]),
        ("let workerEnv;\nexport function setWorkerEnv(env: Env) { workerEnv = env; }", ["stored in workerEnv"]),
        ("export default { fetch(r, env) { globalThis.__env = env; return new Response(''); } };",
         ["stored in globalThis.__env"]),
        ("export default { fetch(r, env) { const ctx = { env }; return go(ctx); } };", ["an object literal"]),
        # not escapes: project code takes the object, a class keeps its env, no env at all
        ("function h({ env }) { return env.X; }\nexport default { fetch(r, env) { return h({ env }); } };", []),
        ("import { h } from './h';\nexport default { fetch(r, env) { return h({ env }); } };", []),
        ("class A extends DurableObject<Env> { constructor(s, env: Env) { super(s, env); this.env = env; } }", []),
        ("const env = 1;\nconst z = { env, other: env };\nx = y;", []),
    ],
)
def test_the_env_put_in_an_object_or_stored_is_an_escape(code: str, escapes: list[str]) -> None:
    assert [c.callee for c in facts(code)[1] if c.specifier is None] == escapes


def test_seeds_follow_the_env_into_an_exported_function() -> None:
    code = ("export function handle(req: Request, secrets: TokenSecrets) { return secrets.JWT; }\n"
            "export default function (cfg) { return cfg.DEF; }\n"
            "function unrelated(secrets) { return secrets.NOPE; }\n")
    assert [u.name for u in facts(code)[0]] == []
    usages, _ = facts(code, seeds=(Seed("handle", 1), Seed("default", 0)))
    assert [(u.name, u.via, u.strong) for u in usages] == [("JWT", "passed", True), ("DEF", "passed", True)]
    weak_seed, _ = facts(code, seeds=(Seed("handle", 1, strong=False),))
    assert [(u.name, u.strong) for u in weak_seed] == [("JWT", False)]


def test_functions_typed_with_the_env_are_listed() -> None:
    source = parse_source(Path("a.ts"), (
        b"export function handle(req: Request, env: Env) { return env.A; }\n"
        b"export const h = (c, b: Pick<Env, 'B'>) => b.B;\n"
        b"export default function (env: Env) {}\n"
        b"function other(req, env) {}\n"))
    assert isinstance(source, SourceFile)
    assert extract_env_facts(source)[3] == frozenset({("handle", 1), ("h", 1), ("default", 0)})
