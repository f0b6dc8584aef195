"""Code x config x deployed Worker, per Worker and environment -> three views per name and findings.

The deployed script name is wrangler's (wrangler.md sections 2 and 7b): the env's own `name`, else
`<top name>-<env>`; `account_id` from the config (inheritable; wrangler prefers it, workers-auth
factory.ts getOrSelectAccountId), else CLOUDFLARE_ACCOUNT_ID. Findings (docs in `codes`):
MBV010 the code reads what the deployed Worker lacks (error; a guarded read: warning),
MBV011 the config declares what the deployed Worker lacks or has otherwise (warning),
MBV012 the deployed Worker has a binding or var the config does not declare (warning),
MBV013 the Worker or environment is not deployed (info), MBV014 compatibility date/flags differ (info).
With the deployed state known, MBV004 ("maybe a secret") gets a definite answer (`settle_mbv004`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mbv_cli.core.binding_list import display_path, listed_type
from mbv_cli.core.code.scan import WorkerCode
from mbv_cli.core.deployed.state import CONFIG_ID_FIELDS, DeployedBinding, DeployedWorker, same_value
from mbv_cli.core.findings import Finding, FindingsReport, Severity
from mbv_cli.core.wrangler.environments import Binding, ResolvedWorker

# names wrangler binds without a config entry (Workers Sites), see bindings_diff._SITE_BINDINGS
_SITE_BINDINGS = frozenset({"__STATIC_CONTENT", "__STATIC_CONTENT_MANIFEST"})


@dataclass(frozen=True, slots=True)
class CodeView:
    """How the code uses one name: its reads (first site, count, all guarded?) and its Env type member."""

    reads: tuple[tuple[str, int, int], ...] = ()
    guarded: bool = False
    env_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        first = self.reads[0] if self.reads else None
        return {"reads": len(self.reads), "first": None if first is None else f"{first[0]}:{first[1]}:{first[2]}",
                "guarded": self.guarded, "env_type": self.env_type}

    @property
    def label(self) -> str:
        if self.reads:
            return f"read {len(self.reads)}x" + (" (guarded)" if self.guarded else "")
        return f"Env type: {self.env_type}" if self.env_type else "-"


@dataclass(slots=True)
class BindingRow:
    name: str
    code: CodeView | None
    config: Binding | None
    deployed: DeployedBinding | None
    status: str  # same, differs, not-deployed, deployed-only, code-only, secret

    def to_dict(self) -> dict[str, Any]:
        cfg = None
        if self.config is not None:
            cfg = {"kind": self.config.kind, "type": listed_type(self.config), "declared_in": self.config.declared_in,
                   "resource": config_resource(self.config)}
        return {"name": self.name, "status": self.status,
                "code": None if self.code is None else self.code.to_dict(), "config": cfg,
                "deployed": None if self.deployed is None else self.deployed.to_dict()}


@dataclass(slots=True)
class RemoteWorker:
    """One Worker and environment: the script name asked for and what came back."""

    worker: ResolvedWorker
    script: str
    account_id: str
    state: DeployedWorker | None = None
    skipped: str | None = None  # why it was not asked for
    rows: list[BindingRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        w, s = self.worker, self.state
        flags = w.compatibility_flags
        date = w.settings.get("compatibility_date")
        return {
            "name": w.name, "env": w.env, "config": display_path(w.config.path), "script": self.script,
            "account_id": self.account_id, "deployed": s is not None, "skipped": self.skipped,
            "deployment": None if s is None or s.deployment is None else s.deployment.to_dict(),
            "compatibility": {
                "config": {"date": date if isinstance(date, str) else None, "flags": list(flags)},
                "deployed": None if s is None else {"date": s.compatibility_date, "flags": list(s.compatibility_flags)},
            },
            "bindings": [r.to_dict() for r in self.rows],
        }


@dataclass(slots=True)
class RemoteBindingsResult:
    """`mbv bindings list|diff --remote`: the views per Worker/env plus the findings of the run."""

    workers: list[RemoteWorker]
    report: FindingsReport
    show_findings: bool = True
    remote_notes: list[str] = field(default_factory=list)  # what was not looked up, and why (also in report.notes)

    def to_dict(self) -> dict[str, Any]:
        data = self.report.to_dict()
        return {"schema": "mbv.bindings.remote/1", "workers": [w.to_dict() for w in self.workers],
                "findings": data["findings"], "summary": data["summary"], "notes": data["notes"],
                **({"baseline": data["baseline"]} if "baseline" in data else {})}


# -- what each side says about a name ------------------------------------------------------------

def config_resource(binding: Binding) -> str | None:
    id_field = CONFIG_ID_FIELDS.get(binding.kind)
    value = binding.entry.get(id_field) if id_field else None
    return None if value is None else str(value)


def code_views(code: WorkerCode | None) -> dict[str, CodeView]:
    """Name -> how the code (its module graph, env calls followed) reads it, and its Env type member."""
    if code is None:
        return {}
    reads: dict[str, list[tuple[str, int, int]]] = {}
    guarded: dict[str, bool] = {}
    cwd = Path.cwd()
    for path, usage in code.usages:
        if not usage.strong:
            continue
        reads.setdefault(usage.name, []).append((display_path(path, cwd), usage.line, usage.column))
        guarded[usage.name] = guarded.get(usage.name, True) and usage.guarded
    types: dict[str, str] = {}
    for _, decl in code.declarations:
        for member in decl.members:
            types.setdefault(member.name, member.base_type)
    names = list(dict.fromkeys([*reads, *types]))
    return {n: CodeView(tuple(sorted(set(reads.get(n, [])))), guarded.get(n, False), types.get(n)) for n in names}


def script_name(worker: ResolvedWorker) -> tuple[str | None, str | None]:
    """(the deployed script name as wrangler derives it, None) or (None, why it cannot be asked for)."""
    raw_name = worker.settings.get("name")
    if not isinstance(raw_name, str) or not raw_name:
        return None, f"{display_path(worker.config.path)} has no `name`: no deployed Worker to look up"
    if worker.env is not None and worker.config.raw.get("legacy_env", True) is False:
        return None, (f"{display_path(worker.config.path)}: env.{worker.env} is a service environment "
                      "(legacy_env = false), which mbv does not look up")
    return raw_name, None


def account_for(worker: ResolvedWorker, default: str) -> str:
    value = worker.settings.get("account_id")
    return value.strip() if isinstance(value, str) and value.strip() else default


# -- the comparison ------------------------------------------------------------------------------

def _env_label(env: str | None) -> str:
    return "the top level" if env is None else f"env.{env}"


def _env_flag(worker: ResolvedWorker) -> str:
    return "" if worker.env is None else f" --env {worker.env}"


def _config_site(worker: ResolvedWorker, name: str | None = None) -> tuple[str, int | None, int | None]:
    cfg = worker.config
    where = (cfg.locate(name, worker.env) or cfg.locate(name)) if name else None
    return display_path(cfg.path), where[0] if where else None, where[1] if where else None


def _what(name: str, cfg: Binding | None, code: CodeView | None) -> str:
    from mbv_cli.core.bindings_diff import _BINDING_TYPES

    if cfg is not None:
        return {"secret": f"secret {name}", "var": f"var {name}"}.get(cfg.kind, f"binding {name} ({cfg.kind})")
    if code is not None and code.env_type in _BINDING_TYPES:
        return f"binding {name} ({code.env_type})"
    return f"secret {name}"


def _differences(cfg: Binding, dep: DeployedBinding) -> str | None:
    """How the deployed binding differs from the config's, or None when they agree."""
    if {cfg.kind, dep.kind} <= {"var", "secret"}:
        if cfg.kind == "var" and dep.kind == "var" and not same_value(cfg.entry.get("value"), dep):
            return "another value"  # values are not printed: a var may hold what should be a secret
        return None
    if cfg.kind != dep.kind:
        return f"another kind ({dep.kind}, the config says {cfg.kind})"
    mine = config_resource(cfg)
    if mine is not None and dep.resource is not None and mine != dep.resource:
        field_name = CONFIG_ID_FIELDS.get(cfg.kind, "id")
        return f"another {field_name} ({dep.resource}, the config says {mine})"
    return None


def compare_worker(remote: RemoteWorker, *, views: Mapping[str, CodeView] | None = None) -> list[Finding]:
    """Rows and findings for one Worker/env whose deployed state was fetched (or found missing)."""
    worker, state = remote.worker, remote.state
    views = views or {}
    if state is None:
        file, line, _ = _config_site(worker)
        where = _section_line(worker)
        return [Finding(
            "MBV013", Severity.INFO,
            f"{worker.name} ({_env_label(worker.env)}) is not deployed: Cloudflare has no Worker named "
            f"{remote.script} on account {remote.account_id}",
            hint=(f"deploy it with `wrangler deploy{_env_flag(worker)}`; if it is deployed, the name (`name`, or "
                  f"<name>-<env>) or the account (`account_id`, CLOUDFLARE_ACCOUNT_ID) is not the one used"),
            worker=worker.name, env=worker.env, file=file, line=where or line,
        )]
    when = state.deployed_when
    provided = _SITE_BINDINGS if worker.settings.get("site") else frozenset()
    names = list(dict.fromkeys([*(b.name for b in worker.bindings), *(n for n, v in views.items() if v.reads),
                                *state.bindings]))
    findings: list[Finding] = []
    for name in names:
        view, cfg, dep = views.get(name), worker.get(name), state.get(name)
        status = "same"
        if dep is None and name in provided:
            status = "same"
        elif dep is None and view is not None and view.reads:
            status = "not-deployed" if cfg is not None else "code-only"
            findings.append(_mbv010(remote, name, view, cfg, when))
        elif dep is None and cfg is not None:
            status = "not-deployed"
            if cfg.kind != "secret" or cfg.declared_in == "secrets.required":
                findings.append(_mbv011(remote, cfg, None, when))
            else:
                status = "secret"  # a local .dev.vars secret: production need not have it
        elif dep is not None and cfg is None:
            status = "deployed-only"
            if dep.kind != "secret":
                findings.append(_mbv012(remote, dep, view))
        elif dep is not None and cfg is not None:
            difference = _differences(cfg, dep)
            if difference is not None:
                status = "differs"
                findings.append(_mbv011(remote, cfg, difference, when))
        remote.rows.append(BindingRow(name, view, cfg, dep, status))
    findings.extend(_mbv014(remote, when))
    return findings


def _mbv010(remote: RemoteWorker, name: str, view: CodeView, cfg: Binding | None, when: str) -> Finding:
    worker = remote.worker
    what = _what(name, cfg, view)
    message = f"{remote.script} (deployed {when}) lacks {what}, which the code reads"
    if what.startswith("secret"):
        hint = f"`wrangler secret put {name}{_env_flag(worker)}`"
    elif cfg is not None:
        hint = (f"{_env_label(worker.env)} declares it: the config changed since the deploy of {when}; "
                f"deploy (`wrangler deploy{_env_flag(worker)}`)")
    else:
        hint = f"declare it under {_env_label(worker.env)} in {worker.config.path.name}, then deploy"
    first, rest = view.reads[0], view.reads[1:]
    return Finding("MBV010", Severity.WARNING if view.guarded else Severity.ERROR,
                   message + (" (the code checks whether it is set)" if view.guarded else ""), hint=hint,
                   worker=worker.name, env=worker.env, binding=name, file=first[0], line=first[1], column=first[2],
                   related=tuple(rest))


def _mbv011(remote: RemoteWorker, cfg: Binding, difference: str | None, when: str) -> Finding:
    worker = remote.worker
    label = "secret" if cfg.kind == "secret" else "var" if cfg.kind == "var" else cfg.kind
    if difference is None:
        message = (f"{_env_label(worker.env)} declares {cfg.name} ({label}) but the deployed {remote.script} does not "
                   f"have it: the config changed since the deploy of {when}")
    else:
        message = (f"{_env_label(worker.env)} declares {cfg.name} ({label}) but the deployed {remote.script} has "
                   f"{difference}: the config changed since the deploy of {when}, or the Worker was deployed "
                   "from elsewhere")
    action = (f"`wrangler secret put {cfg.name}{_env_flag(worker)}`" if cfg.kind == "secret"
              else f"deploy (`wrangler deploy{_env_flag(worker)}`)")
    file, line, column = _config_site(worker, cfg.name)
    return Finding("MBV011", Severity.WARNING, message, hint=f"{action}, or check which is right",
                   worker=worker.name, env=worker.env, binding=cfg.name, file=file, line=line, column=column)


def _mbv012(remote: RemoteWorker, dep: DeployedBinding, view: CodeView | None) -> Finding:
    worker = remote.worker
    label = f"var {dep.name}" if dep.kind == "var" else f"binding {dep.name} ({dep.kind})"
    message = (f"the deployed {remote.script} has {label}, which {_env_label(worker.env)} does not declare: "
               "deployed from elsewhere (another branch, the dashboard, or by hand)")
    if view is not None and view.reads:
        message += "; the code reads it, so the next deploy from this config breaks those reads"
    hint = (f"declare it under {_env_label(worker.env)} in {worker.config.path.name} if it is needed; "
            f"`wrangler deploy{_env_flag(worker)}` from this config removes it")
    file = display_path(worker.config.path)
    return Finding("MBV012", Severity.WARNING, message, hint=hint, worker=worker.name, env=worker.env,
                   binding=dep.name, file=file, line=_section_line(worker))


def _section_line(worker: ResolvedWorker) -> int | None:
    """The line of the env's section (`[env.production]`), or of `name` for the top level."""
    if worker.env is None:
        return worker.config.locate_key("name")
    return worker.config.env_line(worker.env)


def _mbv014(remote: RemoteWorker, when: str) -> list[Finding]:
    worker, state = remote.worker, remote.state
    assert state is not None
    date = worker.settings.get("compatibility_date")
    mine = date if isinstance(date, str) and date else None
    flags, theirs = sorted(worker.compatibility_flags), sorted(state.compatibility_flags)
    parts = []
    if mine != state.compatibility_date and not (mine is None and state.compatibility_date is None):
        parts.append(f"compatibility_date {mine or '(none)'} in the config, {state.compatibility_date or '(none)'} "
                     "deployed")
    if flags != theirs:
        parts.append(f"compatibility_flags [{', '.join(flags)}] in the config, [{', '.join(theirs)}] deployed")
    if not parts:
        return []
    file = display_path(worker.config.path)
    line = worker.config.locate_key("compatibility_date") if mine != state.compatibility_date else \
        worker.config.locate_key("compatibility_flags")
    return [Finding("MBV014", Severity.INFO, f"{remote.script} (deployed {when}): " + "; ".join(parts),
                    hint=f"the next `wrangler deploy{_env_flag(worker)}` changes the runtime's behaviour; "
                         "check the compatibility changes between the two (developers.cloudflare.com/workers/"
                         "configuration/compatibility-flags/)",
                    worker=worker.name, env=worker.env, file=file, line=line)]


# -- the run -------------------------------------------------------------------------------------

Fetch = Callable[[str, str], "DeployedWorker | None"]


def check_deployed(workers: Sequence[ResolvedWorker], codes: Mapping[Path, WorkerCode], fetch: Fetch, *,
                   default_account: str, jobs: int = 4) -> tuple[list[RemoteWorker], list[Finding], list[str]]:
    """Fetch each Worker/env's deployed state (`fetch(script, account)`, a few at a time) and compare.

    `codes`: the followed code of each config (by resolved config path). Returns the views, the
    findings and notes (what was not looked up, and when no Worker at all was found on an account).
    """
    remotes: list[RemoteWorker] = []
    notes: list[str] = []
    for worker in workers:
        script, why = script_name(worker)
        account = account_for(worker, default_account)
        if script is None:
            notes.append(why or "")
            remotes.append(RemoteWorker(worker, "", account, skipped=why))
            continue
        if not account:
            from mbv_cli.core.errors import UsageError

            raise UsageError(f"--remote needs CLOUDFLARE_ACCOUNT_ID: {display_path(worker.config.path)} sets no "
                             "`account_id`", hint="export CLOUDFLARE_ACCOUNT_ID (your account id) as for wrangler")
        remotes.append(RemoteWorker(worker, script, account))
    asked = [r for r in remotes if r.skipped is None]
    unique = list(dict.fromkeys((r.script, r.account_id) for r in asked))
    states = dict(zip(unique, _fetch_all(fetch, unique, jobs), strict=True))
    findings: list[Finding] = []
    for remote in asked:
        remote.state = states[(remote.script, remote.account_id)]
        views = code_views(codes.get(remote.worker.config.path.resolve()))
        findings.extend(compare_worker(remote, views=views))
    by_account: dict[str, list[RemoteWorker]] = {}
    for remote in asked:
        by_account.setdefault(remote.account_id, []).append(remote)
    for account, group in by_account.items():
        if len(group) > 1 and all(r.state is None for r in group):
            notes.append(f"none of the {len(group)} Workers looked up is deployed on account {account}: check "
                         "the account id (CLOUDFLARE_ACCOUNT_ID or the config's `account_id`)")
    return remotes, findings, notes


def _fetch_all(fetch: Fetch, keys: list[tuple[str, str]], jobs: int) -> list[DeployedWorker | None]:
    if len(keys) <= 1 or jobs <= 1:
        return [fetch(script, account) for script, account in keys]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(jobs, len(keys))) as pool:
        return list(pool.map(lambda key: fetch(*key), keys))


def settle_mbv004(findings: Iterable[Finding], remotes: Sequence[RemoteWorker]) -> list[Finding]:
    """MBV004 ("declared in the Env type, in no config: maybe a secret") for a Worker/env whose deployed
    state is known: dropped when the deployed Worker has it or when MBV010 already says it lacks it (the
    code reads it); otherwise kept, saying definitely that the deployed Worker does not have it."""
    known: dict[tuple[str | None, str | None], RemoteWorker] = {
        (r.worker.name, r.worker.env): r for r in remotes if r.state is not None}
    out: list[Finding] = []
    for finding in findings:
        remote = known.get((finding.worker, finding.env)) if finding.code == "MBV004" else None
        if remote is None or remote.state is None or finding.binding is None:
            out.append(finding)
            continue
        if remote.state.get(finding.binding) is not None:
            continue  # set on the deployed Worker (a secret put with wrangler): nothing to report
        row = next((r for r in remote.rows if r.name == finding.binding), None)
        if row is not None and row.code is not None and row.code.reads:
            continue  # MBV010 reports it, with the reads
        decl = finding.message.split(" is declared", 1)[0]
        out.append(dataclasses.replace(
            finding,
            message=(f"{decl} is declared in the Env type, in no config or secret source, and the deployed "
                     f"{remote.script} does not have it: a leftover (the code does not read it)"),
            hint="remove it from the Env type, or add the binding or secret it stands for"))
    return out
