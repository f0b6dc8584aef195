"""Resolving a config for one environment: which bindings a Worker really gets.

Mirrors wrangler 4.86 `normalizeAndValidateEnvironment` (workers-utils validation.ts 1392-2106):
inheritable keys fall back to the top level, non-inheritable keys (most bindings, vars, secrets)
do not; `name` becomes `<name>-<env>` when the env sets none. Binding types follow what
`wrangler types` emits (type-generation/index.ts 593-715, 1485-2081); see wrangler.md sections 1-3.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mbv_cli.core.errors import UsageError
from mbv_cli.core.wrangler.config import ConfigWarning, WranglerConfig
from mbv_cli.core.wrangler.devvars import SecretSource, dev_secret_source
from mbv_cli.core.wrangler.schema import BINDING_KINDS, INHERITABLE_KEYS, NON_INHERITABLE_KEYS, BindingKind


@dataclass(frozen=True, slots=True)
class Binding:
    """One member of the Worker's `env`: a resource binding, a var or a secret."""

    name: str
    kind: str
    type: str
    declared_in: str
    entry: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "type": self.type, "declared_in": self.declared_in}


@dataclass(slots=True)
class ResolvedWorker:
    """A Worker as one environment sees it: its settings after inheritance and its bindings."""

    config: WranglerConfig
    env: str | None
    name: str
    settings: dict[str, Any]
    bindings: list[Binding]
    secrets: SecretSource
    warnings: list[ConfigWarning] = field(default_factory=list)

    @property
    def directory(self) -> Path:
        return self.config.directory

    @property
    def binding_names(self) -> set[str]:
        return {b.name for b in self.bindings}

    def get(self, name: str) -> Binding | None:
        return next((b for b in self.bindings if b.name == name), None)

    @property
    def compatibility_flags(self) -> list[str]:
        flags = self.settings.get("compatibility_flags") or []
        return [str(f) for f in flags] if isinstance(flags, list) else []


def selected_env(env: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """`--env` wins, else CLOUDFLARE_ENV (validation.ts 380); empty means the top level."""
    environ = os.environ if environ is None else environ
    value = env if env is not None else environ.get("CLOUDFLARE_ENV")
    return value or None


def js_number(value: float) -> str:
    """ECMAScript Number::toString for a finite double (what JSON.stringify prints)."""
    if value != value or value in (float("inf"), float("-inf")):
        return "null"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exp_text = repr(abs(value)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    # position of the decimal point relative to the first significant digit
    point = len(whole) + (int(exp_text) if exp_text else 0)
    point -= len(whole + frac) - len((whole + frac).lstrip("0"))
    digits = digits.rstrip("0") or "0"
    k, n = len(digits), point
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    exponent = f"e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + (digits if k == 1 else digits[0] + "." + digits[1:]) + exponent


def js_json_literal(value: Any) -> str:
    """`JSON.stringify(value)`: the literal type `wrangler types --strict-vars` emits for a var."""
    if not isinstance(value, str | int | float | bool | dict | list):
        return "unknown"
    return _js_stringify(value)


def _js_stringify(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) < 2**53 else js_number(float(value))
    if isinstance(value, float):
        return js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(_js_stringify(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{_js_stringify(v)}"
                              for k, v in value.items()) + "}"
    return "null"


_EXPORT_DECLARATION = re.compile(
    r"\bexport\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:class|function\s*\*?|const|let|var)\s+([A-Za-z_$][\w$]*)")
_EXPORT_LIST = re.compile(r"\bexport\s*(?:type\s*)?\{([^}]*)\}")


def main_exports(worker_dir: Path, main: Any) -> set[str] | None:
    """The names the Worker's main module exports (esbuild's metafile `exports`, as wrangler reads
    them in guess-worker-format.ts), "default" included; None when there is no readable main."""
    if not isinstance(main, str):
        return None
    from mbv_cli.core.errors import InputError
    from mbv_cli.core.input_files import MB, read_file_bytes

    try:  # a FIFO or device as `main` must not block: the bounded reader refuses it
        text = read_file_bytes(worker_dir / main, what="main module", limit=2 * MB).decode("utf-8", "replace")
    except InputError:
        return None
    names = {m.group(1) for m in _EXPORT_DECLARATION.finditer(text)}
    for group in _EXPORT_LIST.finditer(text):
        for part in group.group(1).split(","):
            words = part.replace("type ", " ").split()
            if words:
                names.add(words[-1])  # `a as b` exports b
    if re.search(r"\bexport\s+default\b", text):
        names.add("default")
    return names


def _exports_class(worker_dir: Path, main: Any, class_name: str) -> bool:
    """Whether the Worker's main module exports `class_name` (decides the DO/Workflow generic).

    `export const Room = class ...` counts: wrangler asks esbuild for the export names, not for
    class declarations. A main without a default export is a service-worker Worker, which wrangler
    types without its module (no class generics).
    """
    exports = main_exports(worker_dir, main)
    return exports is not None and "default" in exports and class_name in exports


def _binding_type(kind: BindingKind, entry: Mapping[str, Any], worker_dir: Path, main: Any,
                  worker_name: str = "worker") -> str:
    if kind.kind == "durable_object_namespace":
        cls = str(entry.get("class_name", ""))
        if entry.get("script_name"):
            return f"DurableObjectNamespace /* {cls} from {entry['script_name']} */"
        if _exports_class(worker_dir, main, cls):
            return f'DurableObjectNamespace<import("./{_module(main)}").{cls}>'
        return f"DurableObjectNamespace /* {cls} */"
    if kind.kind == "workflow":
        cls = str(entry.get("class_name", ""))
        if entry.get("script_name"):
            return f"Workflow /* {cls} from {entry['script_name']} */"
        if _exports_class(worker_dir, main, cls):
            return f"Workflow<Parameters<import(\"./{_module(main)}\").{cls}['run']>[0]['payload']>"
        return f"Workflow /* {cls} */"
    if kind.kind == "service":
        if entry.get("service") == worker_name:  # bound to itself: wrangler types it from main
            exports = main_exports(worker_dir, main) or set()
            export = str(entry.get("entrypoint") or "default")
            if export in exports:
                return f'Service<typeof import("./{_module(main)}").{export}>'
        if entry.get("entrypoint"):
            return f"Service /* entrypoint {entry['entrypoint']} from {entry.get('service')} */"
        return f"Fetcher /* {entry.get('service')} */"
    if kind.kind == "unsafe":
        return "RateLimit" if entry.get("type") == "ratelimit" else "any"
    return kind.ts_type


def _module(main: Any) -> str:
    text = str(main)
    return re.sub(r"\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$", "", text.removeprefix("./"))


def _entries(kind: BindingKind, section: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(binding name, entry) pairs of one kind in one config section."""
    value = section.get(kind.key)
    if value is None:
        return []
    if kind.shape == "map":
        return [(str(k), {"value": v}) for k, v in value.items()] if isinstance(value, dict) else []
    if kind.shape == "object":
        if isinstance(value, dict) and isinstance(value.get(kind.name_field), str) and value[kind.name_field]:
            return [(value[kind.name_field], value)]  # `"assets": {"binding": ""}` binds nothing
        return []
    items = value.get(kind.sub) if kind.shape == "nested" and isinstance(value, dict) else value
    if kind.shape == "nested" and not isinstance(value, dict):
        return []
    if not isinstance(items, list):
        return []
    return [
        (item[kind.name_field], item)
        for item in items
        if isinstance(item, dict) and isinstance(item.get(kind.name_field), str)
    ]


def _shape_warnings(kind: BindingKind, section: Mapping[str, Any], label: str, file: str) -> list[ConfigWarning]:
    """Entries wrangler's validation would reject (wrong shape, missing name field): mbv skips them, and says so."""
    value = section.get(kind.key)
    if value is None:
        return []
    where = kind.key if label == "top-level" else f"{label}.{kind.key}"
    expected = {"map": dict, "object": dict, "nested": dict, "array": list}[kind.shape]
    if not isinstance(value, expected):
        return [ConfigWarning(f'"{where}" should be {"an object" if expected is dict else "an array"}; '
                              "wrangler rejects this config and mbv ignores the field", file)]
    if kind.shape == "object":
        if not isinstance(value.get(kind.name_field), str) and kind.kind != "assets":
            return [ConfigWarning(f'"{where}" has no string "{kind.name_field}"; mbv ignores it', file)]
        return []
    items = value.get(kind.sub) if kind.shape == "nested" else value
    if kind.shape == "map" or items is None:
        return []
    if not isinstance(items, list):
        return [ConfigWarning(f'"{where}.{kind.sub}" should be an array; mbv ignores it', file)]
    prefix = f"{where}.{kind.sub}" if kind.shape == "nested" else where
    return [ConfigWarning(f'"{prefix}[{i}]" has no string "{kind.name_field}"; wrangler rejects it and mbv ignores it',
                          file)
            for i, item in enumerate(items)
            if not (isinstance(item, dict) and isinstance(item.get(kind.name_field), str))]


def _resolve_settings(cfg: WranglerConfig, env: str | None) -> dict[str, Any]:
    top = cfg.raw
    if env is None:
        return dict(top)
    section = cfg.env_section(env)
    settings: dict[str, Any] = {}
    for key, value in top.items():
        if key in INHERITABLE_KEYS:
            settings[key] = value
        elif key not in NON_INHERITABLE_KEYS and key != "env":
            settings[key] = value  # top-level-only keys apply to every env
    settings.update(section)
    if "name" not in section and isinstance(top.get("name"), str) and top.get("legacy_env", True) is not False:
        settings["name"] = f"{top['name']}-{env}"
    return settings


def _inheritance_warnings(cfg: WranglerConfig, env: str) -> list[ConfigWarning]:
    section = cfg.env_section(env)
    warnings = []
    for key in cfg.raw:
        if key in NON_INHERITABLE_KEYS and key not in section:
            warnings.append(ConfigWarning(
                f'"{key}" exists at the top level, but not on "env.{env}"; it is not inherited by '
                f"environments, so env.{env} does not get it",
                str(cfg.path), cfg.locate_key(key),
            ))
    return warnings


def resolve_environment(
    cfg: WranglerConfig, env: str | None, environ: Mapping[str, str] | None = None
) -> ResolvedWorker:
    """The Worker of `cfg` as environment `env` (None: the top level) gets it."""
    envs = cfg.env_names
    warnings = list(cfg.warnings)
    effective_env = env
    if env is not None and env not in envs:
        if envs:
            raise UsageError(
                f"no environment {env!r} in {cfg.path}",
                hint=f"environments defined there: {', '.join(envs)}",
            )
        warnings.append(ConfigWarning(
            f"no environment {env!r} in the config, using the top-level configuration", str(cfg.path)
        ))
        effective_env = None
    settings = _resolve_settings(cfg, effective_env)
    if effective_env is not None:
        warnings.extend(_inheritance_warnings(cfg, effective_env))
    main = settings.get("main")
    section = cfg.raw if effective_env is None else cfg.env_section(effective_env)
    label = "top-level" if effective_env is None else f"env.{effective_env}"

    own_name = str(settings.get("name") or "worker")  # wrangler's entrypoint.name
    bindings: list[Binding] = []
    for kind in BINDING_KINDS:
        if kind.top_level_only or (kind.inheritable and effective_env is not None and kind.key not in section):
            source, where = cfg.raw, "top-level"
        else:
            source, where = section, label
        warnings.extend(_shape_warnings(kind, source, where, str(cfg.path)))
        for name, entry in _entries(kind, source):
            bindings.append(Binding(name, kind.kind, _binding_type(kind, entry, cfg.directory, main, own_name),
                                    where, entry))
    logfwdr = settings.get("logfwdr")
    if isinstance(logfwdr, dict) and logfwdr.get("bindings"):
        where = label if effective_env is not None and "logfwdr" in section else "top-level"
        bindings.append(Binding("LOGFWDR_SCHEMA", "logfwdr", "any", where, logfwdr))

    secrets_source = dev_secret_source(cfg.directory, effective_env, environ)
    warnings.extend(ConfigWarning(problem, str(file)) for file, problem in secrets_source.problems)
    secret_names: dict[str, str] = {}
    if _has_config_secrets(cfg):
        declared = section.get("secrets")
        required = declared.get("required") if isinstance(declared, dict) else None
        for name in required if isinstance(required, list) else []:
            if isinstance(name, str):
                secret_names[name] = "secrets.required"
    else:
        for key in secrets_source.values:
            secret_names[key] = secrets_source.origin(key)

    vars_ = section.get("vars")
    if isinstance(vars_, list):
        # wrangler 4.86 validates vars only as `typeof "object"`, so an array passes and its items
        # are bound by index (`wrangler types` writes "0": "a"; "1": "b"): mirror it, and say so
        where = "vars" if effective_env is None else f"env.{effective_env}.vars"
        warnings.append(ConfigWarning(
            f'"{where}" is an array: wrangler binds its items as vars named "0", "1", ...; '
            "write a table of NAME = value", str(cfg.path)))
        vars_ = {str(index): value for index, value in enumerate(vars_)}
    if isinstance(vars_, dict):
        for name, value in vars_.items():
            if name in secret_names:
                continue  # a secret overrides a var of the same name (type-generation 573, 986)
            bindings.append(Binding(name, "var", js_json_literal(value), label, {"value": value}))
    for name, origin in secret_names.items():
        bindings.append(Binding(name, "secret", "string", origin, {}))

    worker_name = settings.get("name")
    return ResolvedWorker(
        config=cfg,
        env=effective_env,
        name=str(worker_name) if worker_name else cfg.directory.name,
        settings=settings,
        bindings=bindings,
        secrets=secrets_source,
        warnings=warnings,
    )


def _has_config_secrets(cfg: WranglerConfig) -> bool:
    """`secrets` anywhere in the config turns off .dev.vars as a secret source (index.ts 363-458)."""
    if "secrets" in cfg.raw:
        return True
    return any("secrets" in cfg.env_section(e) for e in cfg.env_names)
