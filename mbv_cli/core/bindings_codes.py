"""The stable codes of `mbv bindings diff`, each documented with fixed sections.

Data only, so the doctor's rule registry (`mbv_cli.core.rules`) and the SARIF renderer can import
it: code -> `CodeDoc(code, name, severity, summary, what, why, example, use_instead, limits)`.
Codes are never reused.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CodeDoc:
    """A finding code's documentation in the fixed sections every rule uses."""

    code: str
    name: str
    severity: str
    summary: str
    what: str
    why: str
    example: str
    use_instead: str
    limits: str
    fenced: bool = True  # example/use_instead are bare code (fence them); False: already Markdown

    def markdown(self) -> str:
        def block(text: str) -> str:
            return f"```\n{text}\n```" if self.fenced else text

        return (
            f"# {self.code} {self.name}\n\n## What it does\n{self.what}\n\n## Why is this bad?\n{self.why}\n\n"
            f"## Example\n{block(self.example)}\n\n## Use instead\n{block(self.use_instead)}\n\n"
            f"## Known limits\n{self.limits}\n"
        )


BINDINGS_CODES: dict[str, CodeDoc] = {
    d.code: d
    for d in (
        CodeDoc(
            "MBV001", "binding-used-not-declared", "error",
            "The code uses a binding that this environment does not declare.",
            "Finds each name the code reads from the env (`env.X`, `env?.X`, `env[\"X\"]`, `this.env.X`, "
            "`c.env.X`, `context.cloudflare.env.X`, casts such as `(env as any).X`, aliases, destructuring, "
            "and the functions the env is given to) that this environment will not have: one that another "
            "scope of the config declares but this one does not (when the top level declares it, says so "
            "and prints the snippet to add under the environment), or one that no config, var, secret "
            "source (`.dev.vars`, `.dev.vars.<env>`, `.env`, `.dev.vars.example`, `.env.example`, "
            "`secrets.required`) or Env type declares. One finding per name and environment lists every "
            "read. A read the code guards (`env.X ?? d`, `env.X || d`, `if (env.X)`, `env.X?.y`, a flag "
            "compared with a string, `env.X === 'true'`, or a cast "
            "whose type marks it optional, `(env as { X?: string }).X`) makes it a warning; guarded and "
            "declared nowhere, or a plain var only other envs set, it is an optional setting the code handles: "
            "info. The Env type is any "
            "`Env`/`Bindings` type, the type a handler's env parameter is annotated with "
            "(`fetch(request, env: Environment)`, `ExportedHandler<Environment>`), and the keys of a zod "
            "schema it is inferred from (`type Env = z.infer<typeof envSchema>`, `z.output`, `z.input`, the "
            "schema in any file of the Worker); when part of the Env type is computed in a way mbv cannot "
            "read, a name declared nowhere else is a warning that says so, not an error. With `site` in the "
            "config, wrangler provides `__STATIC_CONTENT` and `__STATIC_CONTENT_MANIFEST` (Workers Sites)."
            " Documented secrets are a secret source too: `wrangler secret put NAME` (also as an argument "
            "list, in a loop over quoted names, or `wrangler secret bulk` with the names the script quotes or the keys "
            "of the JSON file a package script bulk-puts) in any `*.md`, `docs/**/*.md`, `*.sh`, setup or deploy "
            "script (`setup*.ts`, `deploy*.mjs`...), `scripts/**` script or package.json `scripts` of the "
            "config's folder or a parent up to the nearest git or workspace root, or the root's "
            "`.github/workflows/*.yml`; a `- [x] NAME` setup checklist item; in those Markdown files, the "
            "`NAME=` lines of a `.dev.vars`/`.env` block, backticked names on a line about secrets, the "
            "dashboard or environment variables, and the names a table or list under a secrets/environment "
            "heading starts with; a `# Secrets:` comment list (or `# export NAME=...`) in the config, a "
            "`// Secrets: A, B` comment in the Worker's code, and the root's `.env.example`/"
            "`.dev.vars.example`. A member the Env type marks optional (`X?: string`) is at most a warning, "
            "and info when the read is guarded: the code is written for its absence. A name declared nowhere "
            "with `keep_vars = true` in the config (deploys keep the dashboard's vars) is a warning; one "
            "whose name says it is a secret (`...SECRET...`, `...PASSWORD...`, `...TOKEN...`, `API_KEY`, "
            "`..._KEY`, `PRIVATE`, `CREDENTIAL`, `SALT`, `SIGNING`) is a warning: in three random samples of "
            "public repositories such names were set with `wrangler secret put` or in the dashboard. In a "
            "service-worker Worker (`addEventListener(\"fetch\")`, no default export) bindings are globals: "
            "a bare identifier of that name counts as a use (MBV002). A name the Worker's own code sets on the "
            "env (`env.HYPERDRIVE = { connectionString }` in development) is provided by the code, not "
            "reported. Hono's `env(c)` (hono/adapter) and a function of the file that returns the env "
            "(`getBindings(c).DB`) are read like `c.env`. The plain types of an Env alias (`Omit<Cloudflare.Env, "
            "\"X\"> & MySecrets`) and of Hono's `Bindings: A & { ... }` declare members too. The env type of a class extending "
            "`DurableObject<E>`/`WorkerEntrypoint<E>` is E whatever its name; a parameter typed with a type a "
            "package exports (`env: RuntimeEnv` from a library) is not proven to be the Worker's env. A read "
            "inside a top-level function or variable that no file of the Worker names (another export of a "
            "shared file the Worker imports one function from) is not the Worker's read; a same-named "
            "declaration in another file, a parameter of that name or a comment does not count as naming it. "
            "For the top level, the finding is info when every wrangler command of the Worker's package.json "
            "scripts passes `--env` (the top level is never run). Inline code `NAME=value` in a Markdown "
            "file of those folders documents NAME too, and so does `--var NAME:value` in a script. A read the code "
            "guards also includes `Boolean(env.X)`, a fallback helper given a default (`stringOr(env.X, '')`, a "
            "function of the file whose next parameter is the fallback) and `[env.A, env.B].filter(...)`.",
            "Most binding kinds (KV, D1, R2, queues, services, vars...) are not inherited by `[env.*]`. "
            "The deployed Worker gets `undefined` and fails at run time with `Cannot read properties of "
            "undefined`; wrangler only warns.",
            '[[kv_namespaces]]\nbinding = "USERS"\nid = "..."\n\n[env.production]\n# no kv_namespaces here\n\n'
            "// src/index.ts\nawait env.USERS.get(key)",
            '[[env.production.kv_namespaces]]\nbinding = "USERS"\nid = "..."',
            "Names reached through a computed key (`env[name]`) are reported as MBV008, not guessed. Which "
            "functions of a file run is read from the text: a top-level declaration starts at column 0 with "
            "an indented body (as formatters write it); code written otherwise counts as running. A name any secret source or the "
            "Env type knows is taken for a secret set with `wrangler secret put` and not reported (MBV004 "
            "says so once for an Env member no config declares). When any read of a name is guarded, the "
            "finding is a warning.",
        ),
        CodeDoc(
            "MBV002", "binding-declared-not-used", "warning",
            "The environment declares a binding the code never uses.",
            "Reports each binding, var or secret of the environment that no usage in the Worker's code reads.",
            "An unused binding is often a typo for the one the code does use, or a leftover resource that "
            "still costs money and widens what the Worker can touch.",
            '[[kv_namespaces]]\nbinding = "SESSION"\n\n// code reads env.SESSIONS',
            '[[kv_namespaces]]\nbinding = "SESSIONS"',
            "Reported as info when the code reads the env with computed keys or gives the env whole to a "
            "library or to code outside the Worker (`routePartykitRequest(req, env)`, `app.fetch(req, env)`): "
            "the hint names that call; when the env is put in an object or stored (`setWorkerEnv(env)`, "
            "`{ cloudflare: { env } }`); when the code reads a property of that name from something mbv does not "
            "recognise as the env (`getEnv().X`, `const { X } = helper(c)`), or names it in a string given to a "
            "library (`syncBackendBinding: 'X'`; the hint names where); when "
            "`main` is not in the repository (a build writes it); when a file of the Worker could not be read "
            "(binary, not UTF-8, too large); and when the code imports a framework entry that loads the app's "
            "routes itself (TanStack Start's `@tanstack/react-start/server-entry`, a Vite `virtual:` module such "
            "as `virtual:react-router/server-build`), code the module graph cannot see. The env given to a function of the Worker's "
            "own files is followed there. A Durable Object binding of a class a `[[containers]]` entry runs is "
            "needed by the container and not reported. Not reported at all when no file of the Worker mentions "
            "`env`. "
            "`process.env.X` counts as a use (nodejs_compat puts vars and secrets there), and `process.env[key]` "
            "as a computed read (info). A var named like a top-level config key (`workers_dev`, `triggers`, "
            "`kv_namespaces`) gets a hint: in TOML it was most likely written after the `[vars]` header. In a "
            "config under a test folder of its repository (`test/`, `tests/`, `__tests__/`, `e2e/`, "
            "`fixtures/`), a test harness vitest loads and never deploys, MBV001, MBV002 and MBV007 are info. "
            "`Object.entries(env)`/`Object.values(env)` read every binding (a computed read). A binding a var "
            "names as a value (a routing table's `\"destination\": \"X\"`) is info. Not reported: a `workflows` "
            "entry for this Worker's own class (it creates the workflow), the `assets` binding of a RedwoodSDK app "
            "(`defineApp` serves it), wrangler's and Vite's settings in a `.env` file (`CLOUDFLARE_ENV`, `VITE_*`), "
            "and any binding of a Python Worker (`main` is a `.py` file, which mbv does not read).",
        ),
        CodeDoc(
            "MBV003", "env-type-mismatch", "error",
            "The hand-written Env type gives a binding a different type than the config declares.",
            "Compares each member of a hand-written `interface Env` / `type Env` / Hono `Bindings` with the "
            "kind the config declares for that name (e.g. `KVNamespace` against a D1 database).",
            "TypeScript then checks calls against the wrong API: the code compiles and fails at run time.",
            'interface Env { DB: KVNamespace }\n\n[[d1_databases]]\nbinding = "DB"',
            "interface Env { DB: D1Database }\n# or better: generate it with `wrangler types`",
            "Only Cloudflare binding types and `string`/`number`/`boolean` are compared; aliases and "
            "custom types are not resolved.",
        ),
        CodeDoc(
            "MBV004", "env-member-declared-nowhere", "info",
            "A member of the hand-written Env is declared in no config, var or secret source.",
            "Reports each member of a hand-written Env that no environment of the config declares and no "
            "`.dev.vars*`/`.env*` file (examples included) or `secrets.required` list names: a secret the "
            "code expects when the code reads it, a leftover (or a binding still to add) when it does not. "
            "Once per name, listing every declaration; its reads are not MBV001. A member typed optional "
            "(`X?: string`, `X: string | undefined`, a zod key with `.optional()`/`.default()`) says it may be "
            "absent and is not reported."
            " A secret the repository documents (see MBV001) is not reported either.",
            "It may be a secret set with `wrangler secret put`, which the config does not record, so "
            "`wrangler types` and reviewers cannot see it; or it is a leftover that is `undefined` at run time.",
            "interface Env { STRIPE_KEY: string }  // and nothing else names STRIPE_KEY",
            '[secrets]\nrequired = ["STRIPE_KEY"]   # or STRIPE_KEY=... in .dev.vars',
            "Secrets set only in the dashboard are invisible to mbv, as to wrangler. Info since 2026-12-01: two "
            "reviews of random public repositories found it right 5 of 21 and 2 of 22 times (secrets documented "
            "where mbv does not look: setup scripts, OPERATIONS.md, README `.dev.vars` blocks, the dashboard).",
        ),
        CodeDoc(
            "MBV005", "generated-types-stale", "warning",
            "`worker-configuration.d.ts` no longer matches the config.",
            "Reads the Env interfaces `wrangler types` wrote and compares their members and types with "
            "what the config declares now.",
            "The types the code compiles against are not the bindings the Worker gets; CI with "
            "`wrangler types --check` fails.",
            "# a KV namespace added to wrangler.toml after running `wrangler types`",
            "npx wrangler types",
            "A file whose header names another config (`wrangler types -c other/wrangler.toml`) is not "
            "compared with this one. Compares names and types, not wrangler's hash, and ignores the runtime "
            "types part. Literal "
            "types compare by value (`'x'` after Prettier is `\"x\"`). Reads every layout wrangler writes "
            "(a global `interface Env`, `Cloudflare.Env`, `interface __BaseEnv_Env` extended). A per-env "
            "interface (`StagingEnv`) is expected only when the file has some: wrangler before 4.60 wrote "
            "one merged Env, which must hold the top level's names and nothing the config lacks. With no "
            "`secrets` in the config, a `string` member the config lacks is taken for a local secret from "
            "the author's `.dev.vars`/`.env` (a git-ignored `.env` need not match a committed example); with a "
            "`.dev.vars` on disk, which wrangler reads instead of `.env`, only its keys are. A var typed "
            "`string` where the config has a string is widened by such a file, not changed. A member typed by "
            "a literal came from `vars` and is reported.",
        ),
        CodeDoc(
            "MBV006", "duplicate-binding-name", "error",
            "One binding name is used twice in one environment.",
            "Reports a name declared by two bindings (of the same or different kinds, vars and "
            "`secrets.required` included) in one environment.",
            "wrangler refuses to deploy (`X assigned to ... bindings`), or one binding silently hides the other.",
            '[[kv_namespaces]]\nbinding = "CACHE"\n[[r2_buckets]]\nbinding = "CACHE"',
            '[[kv_namespaces]]\nbinding = "CACHE"\n[[r2_buckets]]\nbinding = "CACHE_BUCKET"',
            "A `.dev.vars` secret with a var's name is how local overrides work and is not reported.",
        ),
        CodeDoc(
            "MBV007", "placeholder-resource-id", "warning",
            "A binding points at a placeholder resource id.",
            "Reports ids such as `wrong-id`, `your-...`, `<...>`, `xxx`, `actual-...`, `TODO`, a KV "
            "namespace id that is not 32 hex digits or a D1 `database_id` that is not a UUID. One finding "
            "per binding and environment: its other placeholder fields (`preview_database_id`) are named in "
            "the message and listed as related places.",
            "The deploy fails, or worse, a copy-pasted id points at another project's resource.",
            '[[d1_databases]]\nbinding = "DB"\ndatabase_id = "your-database-id"',
            '[[d1_databases]]\nbinding = "DB"\ndatabase_id = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"',
            "A missing id is fine (wrangler provisions the resource) and is not reported.",
        ),
        CodeDoc(
            "MBV008", "dynamic-env-access", "info",
            "The code reads the env with a computed key, which cannot be checked.",
            "Reports `env[name]`, `const { ...rest } = env` and similar reads whose key is computed.",
            "mbv cannot tell which binding is meant, so MBV001 and MBV002 may miss problems there.",
            "const kv = env[`KV_${region}`]",
            'const kv = region === "eu" ? env.KV_EU : env.KV_US',
            "Informational; it never fails a run unless `--fail-on info`.",
        ),
    )
}


def code_doc(code: str) -> CodeDoc | None:
    return BINDINGS_CODES.get(code)
