"""`mbv bindings diff`: the Worker's code against what each environment declares -> findings.

Config facts come from `mbv_cli.core.wrangler` (resolved as wrangler 4.86 resolves them); code facts
from `mbv_cli.core.code.scan`. The codes and their documentation are in `bindings_codes`:
MBV001 used-not-declared, MBV002 declared-not-used, MBV003 Env type mismatch, MBV004 Env member
declared nowhere, MBV005 stale worker-configuration.d.ts, MBV006 duplicate name, MBV007 placeholder
id, MBV008 dynamic access (info).

Two entry points: `diff_bindings(workers)` walks and parses each Worker directory itself;
`analyse_worker(worker, sources)` takes files already parsed (by `mbv doctor`) and parses nothing.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mbv_cli.core.binding_list import display_path
from mbv_cli.core.code.cache import FactsCache, scan_with_cache
from mbv_cli.core.code.envdecl import EnvDeclaration, EnvMember, GeneratedTypes, base_type_name
from mbv_cli.core.code.envflow import follow_env_calls
from mbv_cli.core.code.parsing import SkippedFile, SourceFile
from mbv_cli.core.code.reachability import DeadCode
from mbv_cli.core.code.scan import (
    FileFacts,
    WorkerCode,
    code_from_results,
    code_from_sources,
    scan_paths,
    types_only,
)
from mbv_cli.core.code.usages import EnvCall, Usage
from mbv_cli.core.findings import Finding, FindingsReport, Severity
from mbv_cli.core.wrangler.config import WranglerConfig
from mbv_cli.core.wrangler.devvars import dev_secret_source, parse_dotenv
from mbv_cli.core.wrangler.environments import (
    Binding,
    ResolvedWorker,
    _entries,
    _has_config_secrets,
    resolve_environment,
)
from mbv_cli.core.wrangler.schema import BINDING_KINDS, KINDS_BY_ID, BindingKind
from mbv_cli.core.wrangler.secretdocs import documented_secrets, repository_root, substituting_scripts

# TypeScript types a hand-written Env may give each binding kind (MBV003).
_TYPE_ALIASES: dict[str, frozenset[str]] = {
    "service": frozenset({"Fetcher", "Service"}),
    "browser": frozenset({"Fetcher", "BrowserRun", "BrowserWorker", "Browser"}),
    "vectorize": frozenset({"VectorizeIndex", "Vectorize"}),
    "pipeline": frozenset({"Pipeline"}),
    "unsafe": frozenset(),
    "logfwdr": frozenset(),
    "secret": frozenset({"string"}),
    "text_blob": frozenset({"string"}),
}
_BINDING_TYPES = frozenset(
    base_type_name(k.ts_type) for k in BINDING_KINDS if k.kind not in ("text_blob", "data_blob", "unsafe")
) | frozenset(t for v in _TYPE_ALIASES.values() for t in v if t != "string")
_PRIMITIVES = frozenset({"string", "number", "boolean"})

_PLACEHOLDER = re.compile(
    r"^(?:wrong[-_ ]?id.*|.*\byour[-_ ].*|your[A-Z].*|<.*>|.*x{3,}.*|actual[-_ ].*|todo|tbd|fixme|"
    r"placeholder.*|replace[-_ ]?me.*|change[-_ ]?me|\.\.\.|example[-_ ].*|dummy.*|id)$",
    re.I,
)
_HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_ID_FIELDS = ("id", "preview_id", "database_id", "preview_database_id", "bucket_name", "preview_bucket_name",
              "index_name", "store_id", "namespace", "service", "queue", "dataset", "pipeline", "certificate_id")


@dataclass
class _ConfigContext:
    """What every env of one config shares: its code, the top level, where each name is declared.

    `config_scopes`: name -> the scopes of the config that declare it (`top-level`, `env.x`,
    `secrets.required`); `secret_files`: name -> the `.dev.vars*`/`.env*` files (examples included:
    documented secrets) that name it; `escapes`: calls that take the env whole and are not code of
    the Worker; `worker_names`: the `name` of every Worker of the run (services may point at them);
    `unseen`: imports of project code the module graph could not follow (`graph.findings.unseen_code`).
    """

    config: WranglerConfig
    code: WorkerCode
    top: ResolvedWorker
    config_scopes: dict[str, list[str]] = field(default_factory=dict)
    secret_files: dict[str, list[str]] = field(default_factory=dict)
    escapes: list[tuple[Path, EnvCall]] = field(default_factory=list)
    worker_names: frozenset[str] = frozenset()
    unseen: tuple[str, ...] = ()
    twins: tuple[WranglerConfig, ...] = ()  # other configs of the same Worker: same `name`, same `main` file
    once_done: bool = False
    _env_names: dict[str, set[str]] = field(default_factory=dict)
    _mentions: dict[str, tuple[Path, int] | None] = field(default_factory=dict)
    _substituted: dict[str, str] | None = None

    @property
    def all_names(self) -> set[str]:
        return set(self.config_scopes) | set(self.secret_files)

    @functools.cached_property
    def code_members(self) -> frozenset[str]:
        """The members of the Env type: hand-written declarations and `wrangler types` output."""
        return frozenset({m.name for _, d in self.code.declarations for m in d.members}
                         | {k for _, g in self.code.generated for members in g.interfaces.values() for k in members})

    @functools.cached_property
    def service_worker_globals(self) -> frozenset[str]:
        """In a service-worker Worker (`addEventListener("fetch", ...)`, no default export), bindings are globals:
        the names of the config's bindings the code mentions as bare identifiers (`USERS.get(k)`)."""
        main = self.top.settings.get("main")
        if not isinstance(main, str) or not main or not _is_service_worker(self.config.directory / main):
            return frozenset()
        names = {b.name for env in [None, *self.config.env_names] for b in resolve_environment(self.config, env).bindings}
        if not names:
            return frozenset()
        pattern = re.compile(r"(?<![\w$.])(" + "|".join(re.escape(n) for n in sorted(names)) + r")(?![\w$])")
        found: set[str] = set()
        for facts in self.code.files:
            text = _small_text(facts.path) if not facts.path.name.endswith(".d.ts") else None  # declarations only
            if text is not None:
                found.update(pattern.findall(_COMMENTS.sub(" ", text)))
        return frozenset(found)

    def property_mentions(self, names: frozenset[str]) -> dict[str, tuple[Path, int]]:
        """Where the Worker's code reads a property of one of `names` from anything (`x.NAME`, `const { NAME } = x`,
        `x["NAME"]`), type declarations and object literal keys aside: the first such place per name. Asked only
        for bindings MBV002 would report; each file is parsed again only when its bytes hold one of the names."""
        todo = names - set(self._mentions)
        if todo:  # every unused name any env could ask about, at once: each file is parsed at most once per config
            used = {u.name for _, u in self.code.usages} | self.service_worker_globals
            todo |= _all_declared(self.config) - used - set(self._mentions)
            from mbv_cli.core.code.parsing import SourceFile, parse_source, read_source_bytes

            for name in todo:
                self._mentions[name] = None
            pattern = re.compile(rb"(?<![\w$])(?:" + b"|".join(re.escape(n.encode()) for n in sorted(todo)) + rb")(?![\w$])")
            for facts in self.code.files:
                if facts.path.name.endswith(".d.ts") or facts.generated is not None:
                    continue
                data = read_source_bytes(facts.path)  # the scan's own limits; read once, parsed from these bytes
                if not isinstance(data, bytes) or not pattern.search(data):
                    continue
                source = parse_source(facts.path, data)
                if not isinstance(source, SourceFile):
                    continue
                for name, line in _property_reads(source, todo):
                    if self._mentions.get(name) is None:
                        self._mentions[name] = (facts.path, line)
        return {n: m for n in names if (m := self._mentions.get(n)) is not None}

    @functools.cached_property
    def envs_only(self) -> str | None:
        """Where it says the top level is never run: every wrangler command of the Worker's package.json scripts
        passes an environment (`wrangler deploy --env production`, `wrangler dev -e development`); None otherwise."""
        if not self.config.env_names:
            return None
        commands: list[str] = []
        sources: list[str] = []
        for name in ("package.json", "project.json"):  # npm scripts; an Nx project's run-commands targets
            manifest = self.config.directory / name
            try:
                data = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else None
            except (OSError, ValueError):
                continue
            if name == "package.json":
                data = data.get("scripts") if isinstance(data, dict) else None
            found = [c for text in _strings(data) for c in _WRANGLER_RUN.findall(text)]
            if found:
                commands += found
                sources.append(_where(manifest))
        if not commands or not all(_ENV_FLAG.search(c) for c in commands):
            return None
        return f"every wrangler command of {' and '.join(sources)} passes --env, so the top level is never run"

    def substituted(self, value: str) -> str | None:
        """The repository script that fills in the placeholder `value` before a deploy, if one does."""
        if self._substituted is None:
            values = [v for env in [None, *self.config.env_names] for kind in BINDING_KINDS
                      for _, entry in _entries(kind, self.config.raw if env is None else self.config.env_section(env))
                      for f in _ID_FIELDS if isinstance(v := entry.get(f), str)]
            self._substituted = substituting_scripts(self.config.path, values)
        return self._substituted.get(value)

    @functools.cached_property
    def var_values(self) -> dict[str, str]:
        """Every string a var of any scope holds (also inside a JSON var), mapped to that var's name: a binding
        named there is looked up by name (`"destination": "STABLE_HANDLER"`, review AA of badf8a8: cf-eventhub)."""
        found: dict[str, str] = {}
        for env in [None, *self.config.env_names]:
            section = self.config.raw if env is None else self.config.env_section(env)
            values = section.get("vars")
            if isinstance(values, dict):
                for var, value in values.items():
                    for text in _strings(value):
                        found.setdefault(text, str(var))
        return found

    @functools.cached_property
    def framework_serves_assets(self) -> bool:
        """The Worker is a RedwoodSDK app: `defineApp` of `rwsdk/worker` serves `/assets/` with `env.ASSETS` itself
        (review AB of badf8a8: form-kitchen)."""
        for facts in self.code.files:
            data = _small_text(facts.path) if not facts.path.name.endswith(".d.ts") else None
            if data is not None and ("rwsdk/worker" in data or "@redwoodjs/sdk/worker" in data):
                return True
        return False

    @functools.cached_property
    def test_harness(self) -> str | None:
        """"a test harness config, in a `test` folder: not deployed" for a config under a test folder."""
        folder = test_harness_folder(self.config.path)
        return None if folder is None else f"a test harness config, in a `{folder}` folder: not deployed"

    @functools.cached_property
    def dead_code(self) -> DeadCode:
        """Which reads sit in top-level functions the Worker never names (a shared file's other exports)."""
        return DeadCode(f.path for f in self.code.files)

    @functools.cached_property
    def optional_members(self) -> frozenset[str]:
        """Members every hand-written Env declaration that has them marks optional (`PUBLIC_ORIGIN?: string`)."""
        optional: set[str] = set()
        required: set[str] = set()
        for _, declaration in self.code.declarations:
            for member in declaration.members:
                (optional if member.optional else required).add(member.name)
        return frozenset(optional - required)

    @functools.cached_property
    def computed_env_type(self) -> tuple[str, str] | None:
        """The first Env declaration computed in a way mbv does not read: (its name, how)."""
        return next(((d.name, d.computed) for _, d in self.code.declarations if d.computed), None)

    def names_in(self, env: str) -> set[str]:
        if env not in self._env_names:
            self._env_names[env] = resolve_environment(self.config, env).binding_names
        return self._env_names[env]


# Top-level config keys: a var of that name is most likely the key written after `[vars]` (review M).
_CONFIG_KEYS = frozenset({
    "workers_dev", "triggers", "routes", "route", "main", "compatibility_date", "compatibility_flags", "name",
    "account_id", "observability", "placement", "limits", "build", "preview_urls", "upload_source_maps", "minify",
    "logpush", "tail_consumers", "usage_model", "keep_vars", "send_metrics", "no_bundle", "find_additional_modules",
    "base_dir", "rules", "alias", "define", "migrations", "site", "assets", "zone_id", "env",
}) | {k.key.split(".", 1)[0] for k in BINDING_KINDS}  # `kv_namespaces = [...]` written after [vars] too (review V)
# settings of the tools a `.env` file also feeds: wrangler's account and environment, the Cloudflare Vite plugin's
# CLOUDFLARE_ENV, and what Vite gives the client bundle (VITE_*)
_TOOL_SETTING = re.compile(r"^(?:CLOUDFLARE_(?:ENV|API_TOKEN|API_KEY|ACCOUNT_ID|EMAIL|API_BASE_URL)|WRANGLER_\w+|VITE_\w+)$")
# Names that say they hold a secret (`STRIPE_SECRET_KEY`, `ADMIN_PASSWORD`, `GITHUB_TOKEN`, `API_KEY`).
_SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE|CREDENTIAL|SALT|PEPPER|SIGNING|(?:^|_)KEY$")
_SERVICE_WORKER = re.compile(r"\baddEventListener\s*\(\s*[\"'`](?:fetch|scheduled)[\"'`]")
_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_DEFAULT_EXPORT = re.compile(r"\bexport\s+default\b|\bexport\s*\{[^}]*\bas\s+default\b")


def _strings(data: Any, depth: int = 0) -> list[str]:
    """Every string inside a JSON value (a project.json's `command`s, wherever its targets put them)."""
    if isinstance(data, str):
        return [data]
    if depth > 20:
        return []
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v, depth + 1)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v, depth + 1)]
    return []


def _small_text(path: Path) -> str | None:
    from mbv_cli.core.code.parsing import read_source_bytes

    data = read_source_bytes(path)
    return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else None


def _is_service_worker(entry: Path) -> bool:
    """The entry registers an event listener and exports nothing by default: wrangler uploads it in the
    service-worker format, where bindings are global variables."""
    text = _small_text(entry)
    return text is not None and _SERVICE_WORKER.search(text) is not None and _DEFAULT_EXPORT.search(text) is None


_PROPERTY_READS = """
(member_expression property: (property_identifier) @name)
(shorthand_property_identifier_pattern) @name
(pair_pattern key: (property_identifier) @name)
(subscript_expression index: (string (string_fragment) @name))
(string (string_fragment) @name)
"""


@functools.lru_cache(maxsize=2)
def _property_reads_query(language: Any) -> Any:
    from tree_sitter import Query

    return Query(language, _PROPERTY_READS)


def _property_reads(source: SourceFile, names: frozenset[str]) -> list[tuple[str, int]]:
    """(name, line) of each property read of one of `names` in the file, outside type declarations."""
    from mbv_cli.core.code.usages import run_query

    found = []
    for _, caps in run_query(source, _property_reads_query(source.tree.language)):
        node = caps["name"]
        text = source.data[node.start_byte:node.end_byte].decode("utf-8", errors="replace")
        if text not in names:
            continue
        parent = node.parent
        while parent is not None and parent.type not in ("interface_declaration", "type_alias_declaration",
                                                         "object_type", "program"):
            parent = parent.parent
        if parent is None or parent.type == "program":
            found.append((text, source.position(node)[0]))
    return found


def _where(path: Path) -> str:
    return _display_in(path, os.getcwd())


@functools.lru_cache(maxsize=1024)
def _display_in(path: Path, cwd: str) -> str:
    # a finding per binding: realpath (an lstat per path component) once per file, not per finding
    return display_path(path, Path(cwd))


def _env_label(env: str | None) -> str:
    return "the top level" if env is None else f"env.{env}"


# -- snippets ------------------------------------------------------------------------------------

def _toml_key(key: str) -> str:
    import tomlkit

    return str(tomlkit.key(key).as_string())


def _toml_value(value: Any) -> str:
    """One TOML value written by tomlkit (inline tables and arrays; inf and nan are TOML)."""
    return str(_toml_item(value).as_string())


def _toml_item(value: Any) -> Any:
    import tomlkit

    if isinstance(value, dict):
        table = tomlkit.inline_table()
        for key, item in value.items():
            table.append(str(key), _toml_item(item))
        return table
    if isinstance(value, list):
        array = tomlkit.array()
        for item in value:
            array.append(_toml_item(item))
        return array
    if value is None or not isinstance(value, bool | int | float | str):
        return tomlkit.item(str(value))
    return tomlkit.item(value)


def _json_value(value: Any) -> str:
    """JSON text of a value; ValueError for what JSON cannot hold (Infinity, NaN): then no snippet."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _kind_path(kind: BindingKind) -> str:
    return f"{kind.key}.{kind.sub}" if kind.shape == "nested" else kind.key


def add_snippet(cfg: WranglerConfig, env: str, binding: Binding) -> tuple[str, str] | None:
    """The exact text to add under `env` for a binding the top level declares: (snippet, where)."""
    try:
        return _add_snippet(cfg, env, binding)
    except ValueError:  # a value JSON cannot write: better no snippet than one that does not parse
        return None


def _add_snippet(cfg: WranglerConfig, env: str, binding: Binding) -> tuple[str, str] | None:
    section = cfg.env_section(env)
    toml = cfg.format == "toml"
    env_key = _toml_key(env)
    if binding.kind == "var":
        from mbv_cli.core.rules.secret_in_vars import is_committed_secret

        if is_committed_secret(binding):  # never copy (and print) a committed secret into another env (MBV202)
            return None
        value = binding.entry.get("value")
        if toml:
            line = f"{_toml_key(binding.name)} = {_toml_value(value)}"
            if "vars" in section:
                return line, f"add it to the existing [env.{env_key}.vars] table in {cfg.path.name}"
            return f"[env.{env_key}.vars]\n{line}", f"add it to {cfg.path.name}"
        line = f"{json.dumps(binding.name)}: {_json_value(value)}"
        if "vars" in section:
            return line, f'add it inside "env" > "{env}" > "vars" in {cfg.path.name}'
        return f'"vars": {{ {line} }}', f'add it inside "env" > "{env}" in {cfg.path.name}'
    if binding.kind == "secret":
        if binding.declared_in != "secrets.required":
            return None
        if toml:
            if "secrets" in section:
                return json.dumps(binding.name), f"add it to env.{env_key}.secrets.required in {cfg.path.name}"
            return f"[env.{env_key}.secrets]\nrequired = [{json.dumps(binding.name)}]", f"add it to {cfg.path.name}"
        if "secrets" in section:
            return json.dumps(binding.name), f'add it to "env" > "{env}" > "secrets" > "required" in {cfg.path.name}'
        return (f'"secrets": {{ "required": [{json.dumps(binding.name)}] }}',
                f'add it inside "env" > "{env}" in {cfg.path.name}')
    kind = KINDS_BY_ID.get(binding.kind)
    if kind is None or kind.top_level_only:
        return None
    entry = dict(binding.entry)
    if toml:
        lines = [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in entry.items()]
        if kind.shape == "object":
            if kind.key in section:
                return None
            return f"[env.{env_key}.{kind.key}]\n" + "\n".join(lines), f"add it to {cfg.path.name}"
        return f"[[env.{env_key}.{_kind_path(kind)}]]\n" + "\n".join(lines), f"add it to {cfg.path.name}"
    body = _json_value(entry)
    if kind.shape == "object":
        return f'"{kind.key}": {body}', f'add it inside "env" > "{env}" in {cfg.path.name}'
    existing = section.get(kind.key)
    if kind.shape == "nested":
        if isinstance(existing, dict) and kind.sub in existing:
            return body, f'add this entry to "env" > "{env}" > "{kind.key}" > "{kind.sub}" in {cfg.path.name}'
        if isinstance(existing, dict):
            return f'"{kind.sub}": [{body}]', f'add it inside "env" > "{env}" > "{kind.key}" in {cfg.path.name}'
        return f'"{kind.key}": {{ "{kind.sub}": [{body}] }}', f'add it inside "env" > "{env}" in {cfg.path.name}'
    if isinstance(existing, list):
        return body, f'add this entry to "env" > "{env}" > "{kind.key}" in {cfg.path.name}'
    return f'"{kind.key}": [{body}]', f'add it inside "env" > "{env}" in {cfg.path.name}'


# -- the checks -----------------------------------------------------------------------------------

def _sites(items: list[tuple[Path, Usage]]) -> list[tuple[str, int, int]]:
    return sorted({(_where(path), u.line, u.column) for path, u in items})


def _grouped_usages(ctx: _ConfigContext) -> dict[str, list[tuple[Path, Usage]]]:
    """The strong reads of each name, in file order: one finding per name lists them all."""
    grouped: dict[str, list[tuple[Path, Usage]]] = {}
    for path, usage in ctx.code.usages:
        if usage.strong:
            grouped.setdefault(usage.name, []).append((path, usage))
    return grouped


def _mbv001(ctx: _ConfigContext, worker: ResolvedWorker) -> list[Finding]:
    """A name the code reads that this env will not have: declared in another scope only, or nowhere."""
    declared = worker.binding_names | _provided_by_wrangler(worker)
    findings: list[Finding] = []
    assigned = ctx.code.assigned  # the code sets these on the env itself: it does not rely on a declaration
    for name, items in _grouped_usages(ctx).items():
        if name in declared or name in assigned:
            continue
        items = [(path, u) for path, u in items if not ctx.dead_code.is_dead(path, u.line)]
        if not items:
            continue  # read only in functions nothing of this Worker calls (review T: a shared file's other export)
        scopes = [s for s in ctx.config_scopes.get(name, []) if s != _scope_label(worker.env)]
        files = ctx.secret_files.get(name, [])
        top = ctx.top.get(name) if worker.env is not None else None
        hint: str | None = None
        snippet: str | None = None
        nowhere = False
        if scopes and not (files and all(_is_var_scope(ctx, name, s) for s in scopes)):
            message = f"{name} is used in the code but {_env_label(worker.env)} does not declare it"
            if top is not None and worker.env is not None:
                kind = KINDS_BY_ID.get(top.kind)
                key = kind.key if kind is not None else ("vars" if top.kind == "var" else "secrets")
                message += (f"; the top level declares it ({top.kind}), but `{key}` is not inherited by "
                            "environments")
                made = add_snippet(ctx.config, worker.env, top)
                if made is not None:
                    snippet, where = made
                    hint = f"{where}, under env.{worker.env} (use that environment's own resource id if it differs)"
                elif top.kind in ("secret", "var"):  # a var only when it holds a committed secret (MBV202)
                    hint = f"create .dev.vars.{worker.env} or set it with `wrangler secret put {name} --env {worker.env}`"
            else:
                message += f"; {', '.join(scopes)} {'declares' if len(scopes) == 1 else 'declare'} it"
                hint = f"{scopes[0]} declares it; declare it under {_env_label(worker.env)} too"
        elif scopes or files or name in ctx.code_members:
            continue  # a secret the code expects (set with `wrangler secret put`); MBV004 says so for the Env type
        else:
            nowhere = True
            message = (f"{name} is used in the code but no config, var, secret source (.dev.vars, .env, "
                       "secrets.required) or Env type declares it")
            hint = (f"declare {name} in {ctx.config.path.name}; if it is a secret set with "
                    "`wrangler secret put`, list it in `secrets.required` or .dev.vars.example so it is known")
        computed = ctx.computed_env_type if nowhere else None
        if computed is not None:  # the Env type may declare it: mbv cannot read all of it
            decl_name, how = computed
            message = (f"{name} is used in the code but no config, var or secret source declares it, and the Env "
                       f"type {decl_name} is computed ({how}), so mbv cannot tell whether it declares it")
        twin = next((t for t in ctx.twins if name in _all_declared(t)), None)
        if twin is not None:  # the Worker's other config declares it: this one is a leftover, not the deploy's
            message += (f"; {_where(twin.path)}, another config of this Worker (same name and main), declares it: "
                        "this one looks like a leftover")
            hint = f"delete {_where(ctx.config.path)}, or keep it in step with {_where(twin.path)}"
        sites = _sites(items)
        guarded = any(u.guarded for _, u in items)
        if guarded:
            message += " (the code checks whether it is set)"
        # a guarded read: a warning; guarded and declared nowhere, an optional setting the code handles;
        # declared nowhere mbv can read but maybe in a computed Env type: at most a warning
        severity = Severity.ERROR if not guarded else Severity.INFO if nowhere else Severity.WARNING
        if guarded and scopes and all(_binding_kind(ctx, name, sc) == "var" for sc in scopes):
            # a plain var set only in another env, and the code has a default: the setting is optional (review L)
            severity = Severity.INFO
        if computed is not None and severity is Severity.ERROR:
            severity = Severity.WARNING
        if nowhere and severity is Severity.ERROR and ctx.config.raw.get("keep_vars") is True:
            # `keep_vars = true`: deploys keep the vars set in the dashboard (review M: AeYunDian/api)
            message += "; the config has keep_vars = true, so it may be a var set in the dashboard"
            severity = Severity.WARNING
        if nowhere and computed is None and severity is Severity.ERROR and _SECRET_NAME.search(name):
            # a secret by its name, documented nowhere: most likely set with `wrangler secret put` or in the
            # dashboard (three random samples of public repositories), so at most a warning to document it
            message += "; its name says it is a secret, probably set with `wrangler secret put` and not documented"
            severity = Severity.WARNING
        if twin is not None:
            severity = Severity.INFO
        if worker.env is None and ctx.envs_only is not None and severity is not Severity.INFO:
            message += f"; {ctx.envs_only}"
            severity = Severity.INFO
        if name in ctx.optional_members:  # the Env type says it may be absent: the code is written for that
            message += "; the Env type marks it optional"
            severity = Severity.INFO if guarded or severity is Severity.INFO else Severity.WARNING
        first, rest = sites[0], tuple(sites[1:])
        findings.append(Finding(
            "MBV001", severity, message, hint=hint, worker=worker.name,
            env=worker.env, binding=name, file=first[0], line=first[1], column=first[2], snippet=snippet,
            related=rest,
        ))
    return findings


# Workers Sites (`[site]`): wrangler binds the site's KV namespace and its asset manifest itself
# (workers-sdk deployment-bundle: `__STATIC_CONTENT`, `__STATIC_CONTENT_MANIFEST`).
_SITE_BINDINGS = frozenset({"__STATIC_CONTENT", "__STATIC_CONTENT_MANIFEST"})


def _provided_by_wrangler(worker: ResolvedWorker) -> frozenset[str]:
    """Names wrangler adds to the env without a binding in the config."""
    return _SITE_BINDINGS if worker.settings.get("site") else frozenset()


def _scope_label(env: str | None) -> str:
    return "top-level" if env is None else f"env.{env}"


def _binding_kind(ctx: _ConfigContext, name: str, scope: str) -> str | None:
    env = None if scope == "top-level" else scope.removeprefix("env.")
    binding = resolve_environment(ctx.config, env).get(name) if scope != "secrets.required" else None
    return binding.kind if binding is not None else None


def _is_var_scope(ctx: _ConfigContext, name: str, scope: str) -> bool:
    # a var, a Secrets Store secret or a `secrets.required` secret: a `.dev.vars` value of that name stands in for it
    # where it is not declared, and `wrangler secret put --env X` sets it without the config (review X: FlareChat)
    return scope == "secrets.required" or _binding_kind(ctx, name, scope) in ("var", "secrets_store_secret", "secret")


def _mbv002(ctx: _ConfigContext, worker: ResolvedWorker) -> list[Finding]:
    if not any(f.parsed for f in ctx.code.files):
        return []
    used = {u.name for _, u in ctx.code.usages} | ctx.service_worker_globals
    dynamic = ctx.code.dynamic
    main = worker.settings.get("main")
    built = main if isinstance(main, str) and not (ctx.config.directory / main).is_file() else None
    findings: list[Finding] = []
    for binding in worker.bindings:
        if binding.name in used or binding.kind in ("logfwdr",) or _container_binding(ctx, binding) \
                or _defines_workflow(binding) or (binding.kind == "assets" and ctx.framework_serves_assets):
            continue
        if binding.kind == "secret" and binding.declared_in.startswith(".env") and _TOOL_SETTING.match(binding.name):
            continue  # wrangler's or Vite's own setting in a .env file, not the Worker's (review W: CLOUDFLARE_ENV)
        where = ctx.config.locate_binding(binding.name, worker.env) or ctx.config.locate_binding(binding.name)
        # a var the config declares that a local secret file overrides: what is deployed is the config's var
        # (review AH of c36f9b3: kunj3740/readme)
        as_var = binding.kind == "secret" and _declared_as_var(ctx.config, worker.env, binding.name)
        if built is not None:
            severity = Severity.INFO
            hint = (f"`main` ({built}) is not in the repository (a build writes it), so the code read here is "
                    "not all of the Worker's; check whether the built Worker uses it")
        elif ctx.code.skipped:  # a file mbv could not read (review S: a NUL byte in a template string)
            severity = Severity.INFO
            first = ctx.code.skipped[0]
            more = f" (and {len(ctx.code.skipped) - 1} more)" if len(ctx.code.skipped) > 1 else ""
            hint = (f"mbv could not read {_where(first.path)} ({first.reason}){more}, so the code read here is not "
                    "all of the Worker's; check whether that file uses it")
        elif ctx.unseen:
            severity = Severity.INFO
            more = f" (and {len(ctx.unseen) - 1} more)" if len(ctx.unseen) > 1 else ""
            hint = (f"mbv could not follow the import of {ctx.unseen[0]}{more}, so the code read here is not all "
                    "of the Worker's; check whether that code uses it")
        elif ctx.escapes:
            path, call = ctx.escapes[0]
            severity = Severity.INFO
            more = f" (and {len(ctx.escapes) - 1} more such calls)" if len(ctx.escapes) > 1 else ""
            hint = (f"the env is given whole to `{call.callee}(...)` at {_where(path)}:{call.line}{more}, "
                    "which may read it; check whether that is where it is used")
        elif dynamic:
            path, access = dynamic[0]
            severity = Severity.INFO
            hint = (f"the code reads the env with a computed key at {_where(path)}:{access.line}; "
                    "check whether that is where it is used")
        elif binding.kind == "secret" and binding.declared_in.startswith(".env") and not as_var:
            severity = Severity.INFO  # a .env feeds other tools too: a Flask app, Vite, scripts (review AH: irado_voice)
            hint = (f"{binding.declared_in} also feeds other tools of the folder; remove {binding.name} only if "
                    "nothing else reads it, or keep the Worker's local secrets in .dev.vars")
        elif binding.kind != "var" and (holder := ctx.var_values.get(binding.name)) is not None:
            severity = Severity.INFO  # a routing table in a var: the code looks bindings up by these names
            hint = (f"the var {holder} names {binding.name} as a value: the code may look the binding up by that "
                    "name (`env[destination]`); check whether it does")
        elif binding.kind == "var" and binding.name in _CONFIG_KEYS:
            severity = Severity.WARNING
            hint = (f"{binding.name} is a top-level config key: written after a [vars] table header in TOML it "
                    "becomes a var; move it above the first table")
        elif (seen := ctx.property_mentions(frozenset(b.name for b in worker.bindings) - used).get(binding.name)):
            severity = Severity.INFO  # read through something mbv does not follow (`getEnv().X`, `env(c)`)
            hint = (f"the code names {binding.name} at {_where(seen[0])}:{seen[1]} (a property read or a string "
                    "given to a library: `syncBackendBinding: '" + binding.name + "'`), through something mbv does "
                    "not recognise as the env; check whether that is this binding")
        else:
            severity = Severity.WARNING
            hint = "remove it if nothing needs it, or check the name against the one the code uses"
        file = _where(ctx.config.path) if binding.kind not in ("secret",) or binding.declared_in == "secrets.required" \
            or as_var else _where(ctx.config.directory / binding.declared_in.split(",")[0].strip())
        findings.append(Finding(
            "MBV002", severity, f"{_env_label(worker.env)} declares {binding.name} ({binding.kind}) but the "
            "code never uses it", hint=hint, worker=worker.name, env=worker.env, binding=binding.name,
            file=file, line=where[0] if where and file == _where(ctx.config.path) else None,
            column=where[1] if where and file == _where(ctx.config.path) else None,
        ))
    return findings


def _declared_as_var(cfg: WranglerConfig, env: str | None, name: str) -> bool:
    section = cfg.raw if env is None else cfg.env_section(env)
    values = section.get("vars")
    return isinstance(values, dict) and name in values


def _defines_workflow(binding: Binding) -> bool:
    """A `workflows` entry for a class of this Worker (no `script_name`): it creates the workflow other Workers bind
    to, so it is needed even when no code of this Worker reads the binding (review Z of 43535be: tbdev-workflow)."""
    return binding.kind == "workflow" and not binding.entry.get("script_name") and bool(binding.entry.get("class_name"))


def _container_binding(ctx: _ConfigContext, binding: Binding) -> bool:
    """A Durable Object binding of a class a `[[containers]]` entry runs: the container needs it even when no code
    reads it (review Q: animichi's MIGRATOR_CONTAINER)."""
    if binding.kind != "durable_object_namespace":
        return False
    containers = ctx.config.raw.get("containers")
    classes = {c.get("class_name") for c in containers if isinstance(c, dict) and isinstance(c.get("class_name"), str)} \
        if isinstance(containers, list) else set()
    return isinstance(binding.entry.get("class_name"), str) and binding.entry.get("class_name") in classes


def _var_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"


def _literal_category(type_name: str) -> str | None:
    if type_name.startswith(("\"", "'", "`")):
        return "string"
    if re.fullmatch(r"-?\d[\d.e+-]*", type_name):
        return "number"
    if type_name in ("true", "false"):
        return "boolean"
    return type_name if type_name in _PRIMITIVES else None


def _mbv003(ctx: _ConfigContext, worker: ResolvedWorker) -> list[Finding]:
    findings: list[Finding] = []
    for path, decl in ctx.code.declarations:
        for member in decl.members:
            binding = worker.get(member.name)
            if binding is None:
                continue
            declared = member.base_type
            category = _literal_category(declared)
            if binding.kind == "var":
                actual = _var_type(binding.entry.get("value"))
                ok = actual == "object" or (category is None and declared not in _BINDING_TYPES) or category == actual
            elif binding.kind in ("secret", "text_blob"):
                ok = category in (None, "string") and declared not in _BINDING_TYPES
            else:
                allowed = _TYPE_ALIASES.get(binding.kind) or frozenset({base_type_name(binding.type)})
                if binding.kind in ("unsafe", "logfwdr"):
                    continue
                ok = declared in allowed or (declared not in _BINDING_TYPES and category is None)
            if ok:
                continue
            expected = (_var_type(binding.entry.get("value")) if binding.kind == "var"
                        else base_type_name(binding.type))
            findings.append(Finding(
                "MBV003", Severity.ERROR,
                f"{decl.name}.{member.name} is typed {member.type} but {_env_label(worker.env)} declares it "
                f"as {binding.kind} ({expected})",
                hint=f"type it {expected}, or generate the Env type with `wrangler types`",
                worker=worker.name, env=worker.env, binding=member.name, file=_where(path),
                line=member.line, column=member.column,
            ))
    return findings


def _mbv004(ctx: _ConfigContext, worker: ResolvedWorker) -> list[Finding]:
    """Each Env member no config, var or secret source declares: once per name, every declaration listed."""
    grouped: dict[str, list[tuple[Path, EnvDeclaration, EnvMember]]] = {}
    for path, decl in ctx.code.declarations:
        for member in decl.members:
            if member.name not in ctx.all_names and not member.optional and "undefined" not in member.type:
                grouped.setdefault(member.name, []).append((path, decl, member))  # `X?:` may well be absent
    findings = []
    read = {u.name for _, u in ctx.code.usages}
    for name, items in grouped.items():
        path, decl, member = items[0]
        sites = [(_where(p), m.line, m.column) for p, _, m in items]
        if name not in read:
            what = "the code does not read it either: a leftover, or a binding or secret still to add"
        elif member.base_type in _BINDING_TYPES:
            what = "a binding the code expects that no config gives it"
        else:
            what = "a secret the code expects, or a leftover"
        findings.append(Finding(
            "MBV004", Severity.INFO,
            f"{decl.name}.{name} is declared in the Env type but in no config, var or secret source: {what}",
            hint=(f"if it is a secret set with `wrangler secret put {name}`, list it in "
                  f"`secrets.required` in {ctx.config.path.name} (or add it to .dev.vars / .dev.vars.example "
                  "for local development) so wrangler types and mbv know it; otherwise remove it"),
            worker=worker.name, env=worker.env, binding=name, file=sites[0][0],
            line=sites[0][1], column=sites[0][2], related=tuple(sites[1:]),
        ))
    return findings


def env_interface_name(env: str) -> str:
    """wrangler's `toEnvInterfaceName` (type-generation/helpers.ts 384-411)."""
    pascal = "".join(w[:1].upper() + w[1:].lower() for w in re.split(r"[-_]", env) if w)
    return pascal if pascal.endswith("Env") else pascal + "Env"


# a TS string literal in either quote style, or a block comment (a literal may hold `/*`)
_TS_TOKEN = re.compile(r"""(?P<lit>(?P<q>["'])(?:\\.|(?!(?P=q))[^\\])*(?P=q))|/\*.*?\*/""", re.S)
_TS_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])")
_TS_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0",
               "\n": "", "\r": "", "\r\n": "", "\u2028": "", "\u2029": ""}


def _ts_string_value(literal: str) -> str:
    """The value of a TS string literal (`'a\\'b'`, `"a\\u0041"`): quote style and escapes are spelling."""
    def unescape(match: re.Match[str]) -> str:
        esc = match.group(1)
        if esc[0] in "ux" and len(esc) > 1:
            code = int(esc[1:].strip("{}"), 16)
            return chr(code) if code <= 0x10FFFF else match.group(0)  # not a code point: keep it as written
        return _TS_ESCAPES.get(esc, esc)

    value = _TS_ESCAPE.sub(unescape, literal[1:-1])
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")  # "\uD83D\uDE00" pairs


def _type_key(text: str) -> str:
    """A type as MBV005 compares it: string literals by value (Prettier's `'x'` is wrangler's `"x"`),
    comments and spacing dropped, the members of a top-level union in any order."""
    parts: list[str] = []
    current, depth, at = "", 0, 0
    for match in [*_TS_TOKEN.finditer(text), None]:
        code = text[at:match.start() if match else len(text)]
        for ch in re.sub(r"\s+", "", code):
            if ch == "|" and depth == 0:
                parts.append(current)
                current = ""
                continue
            depth += (ch in "<({[") - (ch in ">)}]")
            current += ch
        if match is not None:
            if match.group("lit"):
                current += json.dumps(_ts_string_value(match.group("lit")), ensure_ascii=False)
            at = match.end()
    parts.append(current)
    return "|".join(sorted(_object_key(p) for p in parts if p))


_QUOTED_KEY = re.compile(r'"([A-Za-z_$][\w$]*)":')


def _object_key(part: str) -> str:
    """An object literal type as written either way: `{ "closed": 1, }` and Prettier's `{ closed: 1 }` (review Z)."""
    if "{" not in part:
        return part
    return _QUOTED_KEY.sub(r"\1:", part).replace(",", ";").replace(";}", "}")


def _expected_members(cfg: WranglerConfig, env: str | None, secrets_env: str | None,
                      inherit_assets: bool) -> dict[str, str]:
    resolved = resolve_environment(cfg, env)
    members = {}
    for b in resolved.bindings:
        if b.kind == "secret":
            continue
        if b.kind == "assets" and env is not None and b.declared_in == "top-level" and not inherit_assets:
            continue
        members[b.name] = b.type
    has_config_secrets = any(b.declared_in == "secrets.required" for b in resolved.bindings) or "secrets" in cfg.raw \
        or any("secrets" in cfg.env_section(e) for e in cfg.env_names)
    if has_config_secrets:
        for b in resolved.bindings:
            if b.kind == "secret":
                members[b.name] = "string"
    else:
        for key in dev_secret_source(cfg.directory, secrets_env).values:
            members[key] = "string"
    return members


def _is_string_literal(type_text: str) -> bool:
    text = type_text.strip()
    return len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`"


def _stale_reasons(cfg: WranglerConfig, generated: GeneratedTypes) -> list[str]:
    interfaces = generated.interfaces
    expected: dict[str, dict[str, str]] = {}
    aggregate: set[str] | None = None
    required: set[str] = set()
    env_flag = generated.env_flag
    if env_flag is not None:
        if env_flag not in cfg.env_names:
            return [f"it was generated for env {env_flag!r}, which the config no longer defines"]
        expected[generated.env_interface] = _expected_members(cfg, env_flag, env_flag, inherit_assets=False)
    elif cfg.env_names:
        top = set(_expected_members(cfg, None, None, True))
        per_env = {env_interface_name(env): _expected_members(cfg, env, None, inherit_assets=True)
                   for env in cfg.env_names}
        aggregate = top.union(*per_env.values())
        # wrangler writes an interface per environment (StagingEnv, ...) only since 4.60.0 (workers-sdk
        # #11893); before, one merged Env held the top level's bindings and every env's vars
        if any(name in interfaces or f"global:{name}" in interfaces for name in per_env):
            expected.update(per_env)
            required = aggregate
        else:
            required = top
    else:
        expected[generated.env_interface] = _expected_members(cfg, None, None, True)
    # with no `secrets` in the config, `wrangler types` types the keys of the author's local .dev.vars/.env
    # as `string`: a `string` member the config lacks may be such a local secret. Those files are not
    # committed, and a committed example (`.dev.vars.example`) need not list every key of a git-ignored
    # .env (review G of a5205f5: Prisma's DATABASE_URL), so any `string` member may be one
    # With a .dev.vars on disk, wrangler reads it and not .env: then its keys are the local secrets exactly.
    has_config_secrets = _has_config_secrets(cfg)
    dev_vars = {n for n, files in _secret_files(cfg).items() if ".dev.vars" in files}
    has_dev_vars = (cfg.directory / ".dev.vars").is_file()

    def local_secret(name: str, type_text: str) -> bool:
        return type_text == "string" and not has_config_secrets and (not has_dev_vars or name in dev_vars)

    reasons: list[str] = []
    for name, members in expected.items():
        found = interfaces.get(name, interfaces.get(f"global:{name}"))
        if found is None:
            reasons.append(f"it has no interface {name}")
            continue
        missing = sorted(set(members) - set(found))
        extra = sorted(k for k in set(found) - set(members) if not local_secret(k, found[k]))
        # a var typed `string` where the config has a string literal: the author's local .dev.vars/.env defines it
        # too, and `wrangler types` widens it (review G of a5205f5)
        changed = sorted(k for k in set(members) & set(found)
                         if _type_key(members[k]) != _type_key(found[k])
                         and base_type_name(members[k]) != base_type_name(found[k])
                         # a service to a Worker whose config `wrangler types` was also given (`-c a -c b`), or to
                         # itself: `Service<typeof import("../b/src/index").default>` (review Z: ucd, T: food-tracker)
                         and not (base_type_name(members[k]) == "Fetcher" and base_type_name(found[k]) == "Service")
                         and not (found[k] == "string" and _is_string_literal(members[k])))
        if missing:
            reasons.append(f"{name} lacks {', '.join(missing)}")
        if extra:
            reasons.append(f"{name} has {', '.join(extra)}, which the config no longer declares")
        if changed:
            reasons.append(f"{name} types changed for {', '.join(changed)}")
    if aggregate is not None:
        found = interfaces.get(generated.env_interface, interfaces.get(f"global:{generated.env_interface}"))
        if found is not None:
            missing = sorted(required - set(found))
            extra = sorted(k for k in set(found) - aggregate if not local_secret(k, found[k]))
            if missing:
                reasons.append(f"{generated.env_interface} lacks {', '.join(missing)}")
            if extra:
                reasons.append(f"{generated.env_interface} has {', '.join(extra)}, which the config no longer declares")
    return reasons


_CONFIG_FLAG = re.compile(r"(?:^|\s)(?:-c|--config)(?:=|\s+)(\S+)")


def _made_for_another_config(types_file: Path, command: str, config: Path) -> bool:
    """Whether the `wrangler types` command in the file's header names a config (`-c`/`--config`) that is not
    `config` (resolved from the file's folder and each parent, as the author may have run it from the root)."""
    match = _CONFIG_FLAG.search(command or "")
    if match is None:
        return False
    named = match.group(1).strip("\"'`")
    target = config.resolve()
    for folder in [types_file.parent, *types_file.parent.parents][:6]:
        candidate = folder / named
        if candidate.is_file():
            return candidate.resolve() != target
    return False


def _mbv005(ctx: _ConfigContext, worker: ResolvedWorker) -> list[Finding]:
    findings = []
    for path, generated in ctx.code.generated:
        if _made_for_another_config(path, generated.command, ctx.config.path):
            continue  # `wrangler types -c workers/x/wrangler.toml`: that config's types, not this one's (review P)
        reasons = _stale_reasons(ctx.config, generated)
        if reasons:
            findings.append(Finding(
                "MBV005", Severity.WARNING,
                f"{path.name} is stale against {ctx.config.path.name}: " + "; ".join(reasons[:4])
                + (f"; and {len(reasons) - 4} more" if len(reasons) > 4 else ""),
                hint=f"run `npx wrangler types` (the file says it was made by `{generated.command}`)",
                worker=worker.name, env=worker.env, file=_where(path), line=1, column=1,
            ))
    return findings


def _section_for(cfg: WranglerConfig, env: str | None, kind: BindingKind) -> Mapping[str, Any]:
    if env is None or kind.top_level_only:
        return cfg.raw
    section = cfg.env_section(env)
    if kind.inheritable and kind.key not in section:
        return {}  # inherited from the top level: checked there
    return section


def _mbv006(ctx: _ConfigContext, worker: ResolvedWorker) -> list[Finding]:
    cfg, env = ctx.config, worker.env
    names: list[tuple[str, str]] = []
    for kind in BINDING_KINDS:
        if env is not None and kind.top_level_only:
            continue
        names.extend((name, kind.kind) for name, _ in _entries(kind, _section_for(cfg, env, kind)))
    section = cfg.raw if env is None else cfg.env_section(env)
    vars_ = section.get("vars")
    if isinstance(vars_, list):  # bound by index, as wrangler does (see resolve_environment)
        names.extend((str(index), "var") for index in range(len(vars_)))
    if isinstance(vars_, dict):
        names.extend((str(n), "var") for n in vars_)
    secrets = section.get("secrets")
    required = secrets.get("required") if isinstance(secrets, dict) else None
    if isinstance(required, list):
        names.extend((n, "secret") for n in required if isinstance(n, str))
    counts = Counter(n for n, _ in names)
    findings = []
    for name, count in counts.items():
        if count < 2:
            continue
        kinds = sorted({k for n, k in names if n == name})
        where = cfg.locate(name, env) or cfg.locate(name)
        findings.append(Finding(
            "MBV006", Severity.ERROR,
            f"{name} is declared {count} times in {_env_label(env)} ({', '.join(kinds)})",
            hint="give each binding its own name; wrangler refuses duplicate binding names",
            worker=worker.name, env=env, binding=name, file=_where(cfg.path),
            line=where[0] if where else None, column=where[1] if where else None,
        ))
    return findings


def placeholder_reason(kind: str, field_name: str, value: str) -> str | None:
    """Why a resource id looks like a placeholder, or None. An empty id is no id: wrangler provisions the resource
    on deploy (as for a missing one)."""
    if not value.strip():
        return None
    if _PLACEHOLDER.match(value.strip()):
        return "looks like a placeholder"
    if kind == "kv_namespace" and field_name in ("id", "preview_id") and not _HEX32.match(value):
        return "is not a KV namespace id (32 hex digits)"
    if kind == "d1_database" and field_name == "database_id" and not _UUID.match(value):
        return "is not a D1 database id (a UUID)"
    return None


def _mbv007(ctx: _ConfigContext, worker: ResolvedWorker) -> list[Finding]:
    """Placeholder resource ids: one finding per binding, its other placeholder fields in `related`."""
    cfg, env = ctx.config, worker.env
    findings: list[Finding] = []
    for kind in BINDING_KINDS:
        if env is not None and kind.top_level_only:
            continue
        for name, entry in _entries(kind, _section_for(cfg, env, kind)):
            found: list[tuple[str, str, str, tuple[int, int] | None]] = []
            for field_name in _ID_FIELDS:
                value = entry.get(field_name)
                if not isinstance(value, str):
                    continue
                reason = placeholder_reason(kind.kind, field_name, value)
                if reason is None or (field_name == "service" and value in ctx.worker_names):
                    continue  # `service = "example-api"` names a Worker of this repository
                found.append((field_name, value, reason, cfg.locate_near(value, name, env) or cfg.locate(value)))
            if not found:
                continue
            field_name, value, reason, where = found[0]
            message = f"{name} ({kind.kind}) in {_env_label(env)} has {field_name} = {value!r}, which {reason}"
            if len(found) > 1:
                message += " (also " + ", ".join(f"{f} = {v!r}" for f, v, _, _ in found[1:]) + ")"
            script = ctx.substituted(value)
            severity = Severity.WARNING
            hint = f"put the real {field_name} here (or remove it and let wrangler provision the resource)"
            if script is not None:  # a template a deploy script fills in (review AE of c36f9b3: webhook)
                message += f"; {script} writes the real one in before a deploy"
                severity = Severity.INFO
                hint = f"nothing to do if every deploy runs {script} first"
            file = _where(cfg.path)
            related = tuple(dict.fromkeys((file, w[0], w[1]) for _, _, _, w in found[1:]
                                          if w is not None and w != where))
            findings.append(Finding(
                "MBV007", severity, message, hint=hint,
                worker=worker.name, env=env, binding=name, file=file,
                line=where[0] if where else None, column=where[1] if where else None, related=related,
            ))
    return findings


def _mbv008(ctx: _ConfigContext, worker: ResolvedWorker) -> list[Finding]:
    return [
        Finding("MBV008", Severity.INFO,
                f"the env is read with a computed key ({access.expression}); the bindings used there are not checked",
                hint="use a plain property access (env.NAME) so the binding can be checked",
                worker=worker.name, env=worker.env, file=_where(path), line=access.line, column=access.column)
        for path, access in ctx.code.dynamic
    ]


_PER_ENV = (_mbv001, _mbv002, _mbv003, _mbv006, _mbv007)
_PER_WORKER = (_mbv004, _mbv005, _mbv008)


def _all_declared(cfg: WranglerConfig) -> frozenset[str]:
    """Every name any scope of a config declares."""
    return frozenset(n for env in [None, *cfg.env_names] for n in resolve_environment(cfg, env).binding_names)


def _config_scopes(cfg: WranglerConfig) -> dict[str, list[str]]:
    """Name -> the scopes of the config that declare it (bindings, vars, `secrets.required`)."""
    scopes: dict[str, list[str]] = {}
    for env in [None, *cfg.env_names]:
        for binding in resolve_environment(cfg, env).bindings:
            if binding.kind == "secret" and binding.declared_in != "secrets.required":
                continue  # from a .dev.vars file: see _secret_files
            label = binding.declared_in if binding.kind != "secret" else _scope_label(env)
            if label not in scopes.setdefault(binding.name, []):
                scopes[binding.name].append(label)
    return scopes


def _secret_files(cfg: WranglerConfig) -> dict[str, list[str]]:
    """Name -> the secret files that name it: `.dev.vars`, `.dev.vars.<env>`, `.env*`, and the
    documented `.dev.vars.example` / `.env.example` (whichever wrangler would load)."""
    from mbv_cli.core.errors import InputError
    from mbv_cli.core.input_files import MB, read_file_bytes

    names: dict[str, list[str]] = {}
    for file in sorted(cfg.directory.glob(".dev.vars*")) + sorted(cfg.directory.glob(".env*")):
        try:
            keys = parse_dotenv(read_file_bytes(file, what=file.name, limit=MB).decode("utf-8", errors="replace"))
        except InputError:  # not a regular file, unreadable, too large: devvars says why
            continue
        for key in keys:
            names.setdefault(key, []).append(file.name)
    return names


def _code_notes(code: WorkerCode) -> list[str]:
    notes = [f"{_where(s.path)}: {s.reason}" for s in code.skipped]
    for facts in code.files:
        if facts.syntax_error is not None:
            line, column = facts.syntax_error
            notes.append(f"{_where(facts.path)}:{line}:{column}: syntax error; analysed as far as it parses")
    return notes


def _context(worker: ResolvedWorker, code: WorkerCode, worker_names: frozenset[str] = frozenset(),
             unseen: tuple[str, ...] = (), twins: tuple[WranglerConfig, ...] = ()) -> _ConfigContext:
    cfg = worker.config
    top = worker if worker.env is None else resolve_environment(cfg, None)
    code, escapes = follow_env_calls(code)
    secret_files = _secret_files(cfg)
    for name, places in documented_secrets(cfg.path).items():  # `wrangler secret put` docs, `# Secrets:` lists
        secret_files.setdefault(name, []).extend(places)
    for facts in code.files:  # `// Required secrets (wrangler secret put): A, B` in the Worker's own code
        for name in facts.comment_secrets:
            secret_files.setdefault(name, []).append(f"{_where(facts.path)} (comment)")
    return _ConfigContext(cfg, code, top, _config_scopes(cfg), secret_files, escapes, worker_names, unseen, twins)


def _diff(ctx: _ConfigContext, worker: ResolvedWorker) -> list[Finding]:
    findings = [f for check in _PER_ENV for f in check(ctx, worker)]
    if not ctx.once_done:
        ctx.once_done = True
        findings.extend(f for check in _PER_WORKER for f in check(ctx, worker))
    harness = ctx.test_harness
    if harness is not None:  # a config only tests load: nothing of it is deployed (review V: betterapi)
        findings = [replace(f, severity=Severity.INFO, message=f"{f.message} ({harness})")
                    if f.code in _DEPLOY_CODES and f.severity is not Severity.INFO else f for f in findings]
    return findings


# a wrangler command that runs or deploys a config, up to the next `&&`, `;`, `|` (review T: cadence, UBM-Hyogo)
_WRANGLER_RUN = re.compile(r"(?:\bCLOUDFLARE_ENV=\S+\s+)?\bwrangler\s+(?:deploy|publish|dev|versions\s+upload)\b[^&;|]*")
_ENV_FLAG = re.compile(r"(?:^|\s)(?:--env[=\s]\s*\S|-e[=\s]\s*\S)|\bCLOUDFLARE_ENV=\S")

# what only matters for a deployed Worker: the env it will lack, bindings nothing reads, placeholder ids
_DEPLOY_CODES = frozenset({"MBV001", "MBV002", "MBV007"})
_TEST_FOLDERS = frozenset({"test", "tests", "__tests__", "e2e", "fixtures", "__fixtures__", "test-fixtures",
                           "spec", "testing"})


def test_harness_folder(config_path: Path) -> str | None:
    """The test folder a config sits in below its repository root (`packages/storage/test/do/wrangler.toml`), the
    config vitest-pool-workers or a test loads, never deployed; None for any other config."""
    root = repository_root(config_path.parent)
    try:
        parts = config_path.parent.relative_to(root).parts if root is not None else ()
    except ValueError:
        parts = ()
    return next((p for p in parts if p.lower() in _TEST_FOLDERS), None)


def analyse_worker(worker: ResolvedWorker, sources: Iterable[SourceFile | SkippedFile]) -> list[Finding]:
    """Findings for one Worker and environment from files already parsed (nothing is parsed again).

    `sources` are the Worker's own files (e.g. from `parsing.iter_source_paths` + `parse_file`).
    For several environments of one config, use `analyse_environments` (per-Worker findings once).
    """
    return analyse_environments([worker], sources)


def analyse_environments(workers: list[ResolvedWorker], sources: Iterable[SourceFile | SkippedFile]) -> list[Finding]:
    """Findings for several environments of ONE config from files already parsed, the code read once.

    MBV004/MBV005/MBV008 (about the Worker, not an environment) come once, under the first env.
    Notes about unreadable or broken files are returned by `source_notes`.
    """
    if not workers:
        return []
    if len({w.config.path.resolve() for w in workers}) != 1:
        raise ValueError("analyse_environments takes environments of one config")
    return analyse_code(workers, code_from_sources(workers[0].directory, sources))


def analyse_code(workers: list[ResolvedWorker], code: WorkerCode, *,
                 worker_names: frozenset[str] = frozenset(), unseen: Sequence[str] = (),
                 twins: Sequence[WranglerConfig] = (),
                 code_sink: dict[Path, WorkerCode] | None = None) -> list[Finding]:
    """Like `analyse_environments`, from facts already drawn (`mbv doctor` draws them in its own pass).

    `worker_names`: the names of the other Workers of the run (a service binding may name one);
    `unseen`: imports of project code the module graph could not follow (MBV002 is then info);
    `twins`: other configs of the same Worker (`twin_configs`);
    `code_sink`: receives the code with env calls followed, by resolved config path (for `--remote`).
    """
    if not workers:
        return []
    ctx = _context(workers[0], code, worker_names | _worker_names(workers), tuple(unseen), tuple(twins))
    if code_sink is not None:
        code_sink[workers[0].config.path.resolve()] = ctx.code
    return [f for w in workers for f in _diff(ctx, w)]


def code_notes(code: WorkerCode) -> list[str]:
    """One note per file that was skipped or has syntax errors."""
    return _code_notes(code)


def source_notes(directory: Path, sources: Iterable[SourceFile | SkippedFile]) -> list[str]:
    """One note per file that was skipped or has syntax errors (as `diff_bindings` reports them)."""
    return _code_notes(code_from_sources(directory, sources))


def twin_configs(workers: Iterable[ResolvedWorker]) -> dict[Path, tuple[WranglerConfig, ...]]:
    """Per config, the other configs of the run with the same top-level `name` and the same `main` file: one Worker
    with two configs (a `src/wrangler.toml` that create-cloudflare left next to the real one)."""
    by_key: dict[tuple[str, str], list[WranglerConfig]] = {}
    for worker in workers:
        cfg = worker.config
        name, main = cfg.raw.get("name"), cfg.raw.get("main")
        if not isinstance(name, str) or not isinstance(main, str):
            continue
        key = (name, os.path.realpath(cfg.directory / main))
        if all(c.path != cfg.path for c in by_key.get(key, [])):
            by_key.setdefault(key, []).append(cfg)
    twins: dict[Path, tuple[WranglerConfig, ...]] = {}
    for configs in by_key.values():
        for cfg in configs:
            others = tuple(c for c in configs if c.path != cfg.path)
            if others:
                twins[cfg.path.resolve()] = others
    return twins


def _worker_names(workers: Iterable[ResolvedWorker]) -> frozenset[str]:
    """Every name the Workers answer to: their configs' `name` and the resolved `<name>-<env>`."""
    names: set[str] = set()
    for worker in workers:
        names.add(worker.name)
        top = worker.config.raw.get("name")
        if isinstance(top, str):
            names.add(top)
    return frozenset(names)



def diff_bindings(workers: list[ResolvedWorker], *, jobs: int | None = None,
                  entries: dict[Path, str] | None = None, cache: FactsCache | None = None,
                  progress: Callable[[str], None] | None = None,
                  code_sink: dict[Path, WorkerCode] | None = None) -> FindingsReport:
    """Scan each Worker's code once (all Workers' files in one pool) and diff it against every env given.

    A Worker's code is its module graph (`doctor_code.collect_groups`); without code (no `main`, or a
    `main` that is build output) only the findings drawn from the config alone are reported.
    `code_sink` receives each config's code, env calls followed, by resolved config path (`--remote`).
    """
    report = FindingsReport(title="mbv bindings diff")
    listed, without_code, notes, type_only = worker_code_paths(workers, entries, cache)
    report.notes.extend(notes)
    results = scan_with_cache(list(dict.fromkeys(p for paths, _ in listed.values() for p in paths)), cache,
                              lambda todo: scan_paths(todo, jobs=jobs, progress=None if progress is None else
                                                      lambda done, total: progress(f"parsed {done}/{total} source files")))
    if cache is not None:
        cache.save()
    by_path = {r.path: r for r in results}
    codes: dict[Path, WorkerCode] = {}
    for key, (paths, skipped) in listed.items():
        results_of = [types_only(r) if isinstance(r, FileFacts) and r.path in type_only.get(key, ()) else r
                      for r in (by_path[p] for p in paths)]
        codes[key] = code_from_results(_directory_of(workers, key), results_of, skipped)
    contexts: dict[Path, _ConfigContext] = {}
    everyone = _worker_names(workers)
    twins = twin_configs(workers)
    for worker in workers:
        key = worker.config.path.resolve()
        ctx = contexts.get(key)
        if ctx is None:
            code = codes[key]
            ctx = contexts[key] = _context(worker, code, everyone, twins=twins.get(key, ()))
            if code_sink is not None and key not in without_code:
                code_sink[key] = ctx.code
            report.notes.extend(_code_notes(code))
            if not code.files and not code.skipped and key not in without_code:
                report.notes.append(f"{_where(worker.directory)}: no source files found; only the config was checked")
        found = _diff(ctx, worker)
        if key in without_code:
            found = [f for f in found if f.code in ("MBV005", "MBV006", "MBV007")]
        report.extend(found)
    return report


def _directory_of(workers: list[ResolvedWorker], key: Path) -> Path:
    return next(w.directory for w in workers if w.config.path.resolve() == key)


def worker_code_paths(workers: list[ResolvedWorker], entries: dict[Path, str] | None = None,
                      cache: FactsCache | None = None
                      ) -> tuple[dict[Path, tuple[list[Path], list[SkippedFile]]], set[Path], list[str],
                                 dict[Path, frozenset[Path]]]:
    """Per config: the files of its module graph (+ its directory's .d.ts) and the skipped files;
    the configs whose Worker has no code to read; the notes saying why; and per config the files reached only
    through type-only imports (read for their types; their env reads are not the Worker's)."""
    from mbv_cli.core.doctor_code import collect_groups

    listed: dict[Path, tuple[list[Path], list[SkippedFile]]] = {}
    without_code: set[Path] = set()
    notes: list[str] = []
    type_only: dict[Path, frozenset[Path]] = {}
    for group in collect_groups(workers, entries=entries, facts=cache):
        key = group.workers[0].config.path.resolve()
        listed[key] = (group.paths, group.skipped)
        type_only[key] = group.type_only_paths()
        if not group.has_code:
            without_code.add(key)
            notes.extend(group.notes())
    return listed, without_code, notes, type_only
