"""From a PATH/--config/--env on the command line to the Workers and environments to look at."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mbv_cli.core.errors import ConfigError, MbvError, UsageError
from mbv_cli.core.wrangler.config import ConfigWarning, WranglerConfig, load_config
from mbv_cli.core.wrangler.discovery import config_in, find_config, find_worker_configs
from mbv_cli.core.wrangler.environments import ResolvedWorker, resolve_environment, selected_env


@dataclass(slots=True)
class Workspace:
    """The configs found for a command, each parsed once."""

    root: Path
    configs: list[WranglerConfig] = field(default_factory=list)
    broken: list[MbvError] = field(default_factory=list)  # configs of a monorepo that could not be read


def load_workspace(path: str | Path | None = None, config: str | Path | None = None, *,
                   nested: bool = False) -> Workspace:
    """Configs for PATH: `--config` verbatim; a config file; or every config at or below a directory
    (a directory inside one Worker, with no config at or below it, means that Worker). Without
    `nested` (commands about one Worker: db, migrate, jwt), a directory holding a config means that
    config alone, as before.

    In a monorepo a config that cannot be read is kept in `broken` and the others are loaded;
    when every config is broken, the first error is raised.
    """
    if config is not None:
        if path is not None and Path(path).is_file():
            raise UsageError("give either a config file as PATH or --config, not both")
        cfg = load_config(config)
        return Workspace(cfg.directory, [cfg])
    start = Path(path) if path is not None else Path.cwd()
    if not start.exists():
        raise UsageError(f"{start}: no such file or directory", hint="pass a Worker directory, a monorepo or a wrangler config")
    if start.is_file():
        cfg = load_config(start)
        return Workspace(cfg.directory, [cfg])
    if config_in(start) is not None:
        found = find_config(start)  # wrangler's own pick for this directory (a parent's .json wins)
        assert found is not None
        if not nested:
            return Workspace(start, [load_config(found)])
        below = [found, *(p for p in find_worker_configs(start) if p.parent.resolve() != start.resolve())]
    else:
        below = find_worker_configs(start)
    if len(below) == 1:
        return Workspace(start, [load_config(below[0])])
    if below:
        workspace = Workspace(start)
        for config_path in below:
            try:
                workspace.configs.append(load_config(config_path))
            except MbvError as exc:
                workspace.broken.append(exc)
        if not workspace.configs:
            raise workspace.broken[0]
        return workspace
    found = find_config(start)
    if found is None:
        raise ConfigError(
            f"no wrangler.json, wrangler.jsonc or wrangler.toml in {start}, above it or below it",
            hint="run mbv inside a Worker project, pass its directory, or use --config",
        )
    return Workspace(start, [load_config(found)])


def resolve_workers(
    workspace: Workspace,
    env: str | None = None,
    all_envs: bool = False,
    environ: Mapping[str, str] | None = None,
) -> list[ResolvedWorker]:
    """Each Worker of the workspace as the chosen env(s) see it: top level, --env, or every env."""
    if env is not None and all_envs:
        raise UsageError("--env and --all-envs cannot be used together")
    chosen = None if all_envs else selected_env(env, environ)
    resolved: list[ResolvedWorker] = []
    missing: list[str] = []
    for cfg in workspace.configs:
        if all_envs:
            resolved.append(resolve_environment(cfg, None, environ))
            resolved.extend(resolve_environment(cfg, e, environ) for e in cfg.env_names)
        elif chosen is not None and len(workspace.configs) > 1 and chosen not in cfg.env_names:
            # In a monorepo not every Worker has every env: show its top level and say so.
            missing.append(str(cfg.path))
            worker = resolve_environment(cfg, None, environ)
            worker.warnings.append(ConfigWarning(
                f"no environment {chosen!r} in this config; showing its top level", str(cfg.path)))
            resolved.append(worker)
        else:
            resolved.append(resolve_environment(cfg, chosen, environ))
    if chosen is not None and missing and len(missing) == len(workspace.configs):
        raise UsageError(f"no Worker below {workspace.root} defines environment {chosen!r}")
    return resolved
