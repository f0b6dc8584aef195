"""The stable codes of `--remote` (code x config x the deployed Worker), documented like MBV001-MBV008.

Data only: registered in `rules_catalog.OTHER_CODE_DOCS`, so `mbv rules`, docs/rules.md and SARIF
see them. Codes are never reused.
"""

from __future__ import annotations

from mbv_cli.core.bindings_codes import CodeDoc

_HOW = ("Only with `--remote` (`mbv bindings diff --remote`, `mbv bindings list --remote`, `mbv doctor "
        "--remote`): mbv asks Cloudflare's API (GET only, an API token with the Workers Scripts Read permission) "
        "for the Worker that wrangler would deploy for each environment: the env's own `name`, else "
        "`<name>-<env>`, on the config's `account_id` or CLOUDFLARE_ACCOUNT_ID.")

DEPLOYED_CODES: dict[str, CodeDoc] = {
    d.code: d
    for d in (
        CodeDoc(
            "MBV010", "deployed-worker-lacks-used-binding", "error",
            "The code reads a secret or binding the deployed Worker does not have.",
            _HOW + " Reports each name the code reads (as MBV001 finds reads) that the deployed Worker "
            "has neither as a binding, a var nor a secret. This is the definite answer MBV004 and MBV001 can "
            "only guess at: `production lacks secret JWT_SECRET_PREVIOUS`. The hint is the command that "
            "fixes it: `wrangler secret put NAME --env ENV` for a secret, a deploy when the config declares "
            "the binding, else the declaration to add. A read the code guards makes it a warning.",
            "The live Worker gets `undefined`: `Binding not found`, `Cannot read properties of undefined "
            "(reading 'get')`, or a token that no longer verifies after a key rotation, in production, now.",
            "// src/auth.ts\nfor (const key of [env.JWT_SECRET, env.JWT_SECRET_PREVIOUS]) { ... }\n\n"
            "$ wrangler secret list --env production\n[{ \"name\": \"JWT_SECRET\", \"type\": \"secret_text\" }]",
            "$ wrangler secret put JWT_SECRET_PREVIOUS --env production",
            "The deployed state is the script's current settings and secrets; with a gradual deployment the "
            "version serving part of the traffic may differ. Names reached through a computed key (MBV008) are "
            "not checked.",
        ),
        CodeDoc(
            "MBV011", "config-binding-not-deployed", "warning",
            "The config declares a binding the deployed Worker lacks, or has with another resource.",
            _HOW + " Reports each binding, var or `secrets.required` name of the environment that the "
            "deployed Worker lacks (and the code does not read: that is MBV010), or has with another kind, "
            "another resource id (KV `id`, D1 `database_id`, R2 `bucket_name`, queue, service, index...) or "
            "another var value (values are not printed). Secrets only in `.dev.vars` are local and not "
            "reported.",
            "The config changed since the last deploy, or the Worker was deployed from another branch: "
            "either the next deploy switches production to another database or namespace, or the config "
            "is not what runs. Someone has to decide which is right.",
            '[[env.production.kv_namespaces]]\nbinding = "CONTENT_CACHE"\nid = "your-kv-namespace-id"\n\n'
            "# deployed: CONTENT_CACHE -> namespace d706b78b64e8c2574b613c7b2436dc03",
            '[[env.production.kv_namespaces]]\nbinding = "CONTENT_CACHE"\nid = "d706b78b64e8c2574b613c7b2436dc03"',
            "A config binding without an id (provisioned by wrangler) is compared by kind only.",
        ),
        CodeDoc(
            "MBV012", "deployed-binding-not-in-config", "warning",
            "The deployed Worker has a binding or var the config does not declare.",
            _HOW + " Reports each binding and var of the deployed Worker that the environment does not "
            "declare. Secrets are not reported (they are set with `wrangler secret put`, not in the config); "
            "when the code reads the name, the message says so.",
            "It was deployed from elsewhere: another branch, the dashboard or by hand. The next `wrangler "
            "deploy` from this config removes it, and the code reading it then fails.",
            "# deployed: SESSIONS (kv_namespace), MAINTENANCE_MODE (var)\n[env.production]\n# neither declared",
            '[[env.production.kv_namespaces]]\nbinding = "SESSIONS"\nid = "..."',
            "Names wrangler binds itself (Workers Sites `__STATIC_CONTENT`) are not reported. `keep_vars = "
            "true` keeps dashboard vars across deploys; they are still reported, as the config does not say them.",
        ),
        CodeDoc(
            "MBV013", "worker-not-deployed", "info",
            "The Worker or environment is not deployed.",
            _HOW + " Reports each Worker and environment for which the account has no Worker of that name "
            "(API error 10007). The message names the script and the account, so a wrong name or account "
            "is plain to see; when no Worker of the run is found on an account, a note says to check the "
            "account id.",
            "An environment that is configured but never deployed is either not used (and its config can go) "
            "or a deploy that was forgotten; a wrong script name means the diff was made against nothing.",
            "[env.staging]\nname = \"mustbeviral-auth-staging\"   # never deployed",
            "$ wrangler deploy --env staging   # or remove [env.staging]",
            "Service environments (`legacy_env = false`) are not looked up; a note says so.",
        ),
        CodeDoc(
            "MBV014", "compatibility-differs-from-deployed", "info",
            "The compatibility date or flags of the config differ from the deployed Worker's.",
            _HOW + " Compares the environment's `compatibility_date` and `compatibility_flags` (inherited "
            "from the top level as wrangler inherits them) with the deployed script's settings.",
            "The next deploy changes runtime behaviour (e.g. `nodejs_compat` on or off) although no code "
            "changed; or production runs on a date the repository no longer says.",
            'compatibility_date = "2026-10-01"\ncompatibility_flags = ["nodejs_compat"]\n\n'
            "# deployed: 2026-09-15, no flags",
            "$ wrangler deploy --env production   # after checking the changes between the two dates",
            "Informational; it never fails a run unless `--fail-on info`.",
        ),
    )
}
