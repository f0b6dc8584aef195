"""A wrangler config checked the way the project's own wrangler checks it.

Every project that deploys with wrangler has the JSON schema of its wrangler version on disk:
`node_modules/wrangler/config-schema.json` (what `"$schema"` in many wrangler.jsonc files points
at). mbv finds it (the `$schema` path when it is a file, or a TOML file's `#:schema` directive,
else `node_modules/wrangler` in the config's directory or any parent, as Node resolves a
package), validates the raw config with jsonschema (imported here only), and turns each error
into a problem with the key's file:line:col. Without a schema on disk it falls back to mbv's own key tables (`schema.py`,
wrangler 4.86) and says which was used.

A few of wrangler's checks are hand-written in its validation.ts and not in the schema; they are
mirrored here in both modes (wrangler 4.86 `normalizeAndValidateEnvironment`):
`node_compat` is an error ("Removed"); an env's `containers` entry needs `name` when that env has
no `name` (`validateContainerApp(envName, rawEnv.name)`).

Severity follows wrangler: what it rejects is an error, an unknown key is a warning (wrangler
prints "Unexpected fields found" and goes on).
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mbv_cli.core.wrangler.key_positions import key_positions, locate
from mbv_cli.core.wrangler.schema import ENVIRONMENT_KEYS, TOP_LEVEL_KEYS

MODELLED_WRANGLER = "4.86"
REMOVED_KEYS = {
    "node_compat": ("`node_compat` was removed in wrangler 4",
                    'use compatibility_flags = ["nodejs_compat"] instead'),
}
MAX_SCHEMA_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class SchemaSource:
    """Which key tables a config was checked against."""

    path: Path | None  # None: mbv's own tables
    wrangler_version: str | None = None
    via: str = ""  # "$schema" or "node_modules"

    @property
    def label(self) -> str:
        if self.path is None:
            return f"mbv's own key tables (wrangler {MODELLED_WRANGLER}): no wrangler config-schema.json on disk"
        version = f"wrangler {self.wrangler_version}'s" if self.wrangler_version else "wrangler's"
        return f"{version} config-schema.json ({self.path})"

    @property
    def major_differs(self) -> bool:
        if not self.wrangler_version:
            return False
        found = self.wrangler_version.split(".")[0]
        return found.isdigit() and found != MODELLED_WRANGLER.split(".")[0]


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    kind: str  # "invalid" (wrangler rejects it) or "unknown_key" (wrangler warns)
    path: tuple[str | int, ...]
    message: str
    hint: str | None = None
    line: int | None = None
    column: int | None = None

    @property
    def env(self) -> str | None:
        """The env whose section holds the problem, or None for the top level."""
        if len(self.path) >= 2 and self.path[0] == "env" and isinstance(self.path[1], str):
            return self.path[1]
        return None


@dataclass(frozen=True, slots=True)
class SchemaCheck:
    source: SchemaSource
    problems: tuple[SchemaProblem, ...]
    note: str | None = None  # e.g. the schema on disk could not be read


def dotted(path: Sequence[str | int]) -> str:
    """`("kv_namespaces", 0, "id")` -> `kv_namespaces[0].id`, as wrangler names fields."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def did_you_mean(key: str, known: Sequence[str]) -> str | None:
    match = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
    if not match and key.lower() in {k.lower() for k in known}:
        match = [next(k for k in known if k.lower() == key.lower())]
    return f"did you mean `{match[0]}`?" if match else None


# finding the schema ------------------------------------------------------------------------------

def _wrangler_version(package_dir: Path) -> str | None:
    try:
        package = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = package.get("version") if isinstance(package, dict) and package.get("name") == "wrangler" else None
    return version if isinstance(version, str) else None


def find_schema(config_dir: Path, raw: Mapping[str, Any]) -> SchemaSource:
    declared = raw.get("$schema")
    if isinstance(declared, str) and declared and "://" not in declared:
        candidate = (config_dir / declared)
        if candidate.is_file():
            return SchemaSource(candidate, _wrangler_version(candidate.parent), "$schema")
    for directory in (config_dir, *config_dir.parents):
        candidate = directory / "node_modules" / "wrangler" / "config-schema.json"
        if candidate.is_file():
            return SchemaSource(candidate, _wrangler_version(candidate.parent), "node_modules")
    return SchemaSource(None)


@functools.lru_cache(maxsize=8)
def _validator(path: str, mtime: float) -> Any:
    import jsonschema

    with open(path, encoding="utf-8") as handle:
        text = handle.read(MAX_SCHEMA_BYTES + 1)
    if len(text) > MAX_SCHEMA_BYTES:
        raise ValueError("larger than 5 MB")
    schema = json.loads(text)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    cls.check_schema(schema)
    return cls(schema)


# turning jsonschema errors into problems ------------------------------------------------------------

def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "null"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _expected(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        return " or ".join(str(k) for k in kind)
    return str(kind)


def _message(error: Any) -> tuple[str, str | None]:
    where = dotted(list(error.absolute_path))
    validator, instance = error.validator, error.instance
    if validator == "type":
        return f"{where} should be {_expected(error.schema)} but is {_type_name(instance)} ({_short(instance)})", None
    if validator == "required":
        missing = [k for k in error.validator_value if isinstance(instance, dict) and k not in instance]
        names = ", ".join(f"`{k}`" for k in missing) or str(error.validator_value)
        return f"{where} is missing the required {names}", None
    if validator == "enum":
        allowed = ", ".join(_short(v) for v in error.validator_value)
        return f"{where} is {_short(instance)}, not one of {allowed}", None
    if validator == "additionalProperties" and isinstance(instance, dict):  # inside one shape of an anyOf
        extra = [f"`{key}`" for _, key, _ in _unknown_keys(error)]
        return f"{where} does not take {', '.join(extra)} in this form", None
    if validator == "const":
        return f"{where} is {_short(instance)}, not {_short(error.validator_value)}", None
    if validator in ("anyOf", "oneOf"):
        inner = _the_shape_meant(error)
        if inner is not None:
            return _message(inner)
        shapes = []
        for option in error.validator_value:
            target = _resolve(error, option)
            if "type" in target and target.get("type") != "object":
                shapes.append(_expected(target))
            elif isinstance(target.get("required"), list):
                shapes.append("{ " + ", ".join(target["required"]) + " }")
            elif "type" in target:
                shapes.append(_expected(target))
        shown = " or ".join(dict.fromkeys(shapes)) if shapes else "one of the shapes wrangler allows"
        return f"{where} is {_short(instance)}, which is none of: {shown}", None
    text = str(error.message)
    return f"{where}: {text if len(text) <= 160 else text[:157] + '...'}", None


def _the_shape_meant(error: Any) -> Any:
    """For an object that fits none of the shapes: when exactly one shape has all its required keys
    present (`placement = { mode = "fast" }` is the { mode } shape), that shape's own first error."""
    if not isinstance(error.instance, dict) or not error.context:
        return None
    fitting = [index for index, option in enumerate(error.validator_value)
               if isinstance(required := _resolve(error, option).get("required"), list)
               and all(key in error.instance for key in required)]
    if len(fitting) != 1:
        return None
    inner = next((e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == fitting[0]),
                 None)
    if inner is not None:
        inner._mbv_root = getattr(error, "_mbv_root", None)
    return inner


def _resolve(error: Any, option: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = option.get("$ref") if isinstance(option, Mapping) else None
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return option if isinstance(option, Mapping) else {}
    node: Any = getattr(error, "_mbv_root", None)
    if node is None:
        return option
    for part in ref[2:].split("/"):
        node = node.get(part, {}) if isinstance(node, Mapping) else {}
    return node if isinstance(node, Mapping) else {}


def _unknown_keys(error: Any) -> Iterator[tuple[tuple[str | int, ...], str, list[str]]]:
    schema, instance = error.schema, error.instance
    if not isinstance(instance, dict):
        return
    known = list(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    for key in instance:
        if key not in known and not any(p.search(key) for p in patterns):
            yield (*error.absolute_path, key), key, known


def _schema_problems(raw: Mapping[str, Any], validator: Any) -> list[SchemaProblem]:
    problems: list[SchemaProblem] = []
    for error in validator.iter_errors(raw):
        error._mbv_root = validator.schema
        if error.validator == "additionalProperties" and error.validator_value is False:
            for path, key, known in _unknown_keys(error):
                problems.append(_unknown(path, key, known))
            continue
        message, hint = _message(error)
        problems.append(SchemaProblem("invalid", tuple(error.absolute_path), message, hint))
    return problems


def _unknown(path: tuple[str | int, ...], key: str, known: Sequence[str]) -> SchemaProblem:
    where = dotted(path[:-1])
    section = "the top level" if where == "(top level)" else f"`{where}`"
    if key in REMOVED_KEYS:
        message, hint = REMOVED_KEYS[key]
        return SchemaProblem("invalid", path, message, hint)
    return SchemaProblem("unknown_key", path, f"unknown key `{key}` in {section}: wrangler ignores it",
                         did_you_mean(key, known) or "remove it, or check the wrangler configuration docs")


# mbv's own tables (no schema on disk) ---------------------------------------------------------------

def _table_problems(raw: Mapping[str, Any]) -> list[SchemaProblem]:
    problems = [_unknown((key,), key, sorted(TOP_LEVEL_KEYS)) for key in raw if key not in TOP_LEVEL_KEYS]
    envs = raw.get("env")
    for env, section in (envs.items() if isinstance(envs, dict) else []):
        if isinstance(section, dict):
            problems += [_unknown(("env", env, key), key, sorted(ENVIRONMENT_KEYS))
                         for key in section if key not in ENVIRONMENT_KEYS]
    return problems


# wrangler's hand-written checks ---------------------------------------------------------------------

def _sections(raw: Mapping[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Mapping[str, Any], bool]]:
    yield (), raw, False
    envs = raw.get("env")
    for env, section in (envs.items() if isinstance(envs, dict) else []):
        if isinstance(section, dict):
            yield ("env", env), section, True


def _wrangler_only_problems(raw: Mapping[str, Any]) -> list[SchemaProblem]:
    problems: list[SchemaProblem] = []
    for prefix, section, is_env in _sections(raw):
        containers = section.get("containers")
        if is_env and isinstance(containers, list) and not isinstance(section.get("name"), str):
            for index, entry in enumerate(containers):
                if isinstance(entry, dict) and not entry.get("name"):
                    problems.append(SchemaProblem(
                        "invalid", (*prefix, "containers", index),
                        f"{dotted((*prefix, 'containers', index))} has no `name`, and env.{prefix[1]} has no "
                        "`name` of its own: wrangler needs one of them",
                        hint=f'add name = "..." to this container (or a name to env.{prefix[1]})'))
    return problems


def valid_route(item: Any) -> bool:
    """wrangler 4.86 `isValidRouteValue`: a string, or { pattern } with exactly one way to find its zone."""
    if isinstance(item, str):
        return bool(item)
    if not isinstance(item, dict) or not isinstance(item.get("pattern"), str):
        return False
    zone_id, zone_name = isinstance(item.get("zone_id"), str), isinstance(item.get("zone_name"), str)
    custom = isinstance(item.get("custom_domain"), bool)
    flags = isinstance(item.get("enabled"), bool) or isinstance(item.get("previews_enabled"), bool)
    recognised = sum((zone_id, zone_name, custom, isinstance(item.get("enabled"), bool),
                      isinstance(item.get("previews_enabled"), bool)))
    if recognised != len(item) - 1 or (zone_id and zone_name) or (flags and not custom):
        return False
    return zone_id or zone_name or custom


def _route_problems(raw: Mapping[str, Any]) -> list[SchemaProblem]:
    """Routes wrangler rejects, for the mode without a schema (the schema says the same)."""
    problems: list[SchemaProblem] = []
    for prefix, section, _ in _sections(raw):
        items: list[tuple[tuple[str | int, ...], Any]] = []
        if "route" in section and section["route"] != "":
            items.append(((*prefix, "route"), section["route"]))
        if isinstance(section.get("routes"), list):
            items += [((*prefix, "routes", i), r) for i, r in enumerate(section["routes"])]
        for path, item in items:
            if not valid_route(item):
                problems.append(SchemaProblem(
                    "invalid", path, f"{dotted(path)} is {_short(item)}: a route is a string, or an object with "
                                     "pattern and one of zone_id, zone_name or custom_domain",
                    hint='e.g. { pattern = "api.example.com/*", zone_name = "example.com" }'))
    return problems


def _removed_problems(raw: Mapping[str, Any]) -> list[SchemaProblem]:
    return [_unknown((*prefix, key), key, ()) for prefix, section, _ in _sections(raw)
            for key in section if key in REMOVED_KEYS]


# the check ------------------------------------------------------------------------------------------

def check_config_schema(path: Path, fmt: str, raw: Mapping[str, Any], text: str) -> SchemaCheck:
    return _check_cached(str(path), fmt, text, json.dumps(raw, default=str))


@functools.lru_cache(maxsize=64)
def _check_cached(path_text: str, fmt: str, text: str, raw_json: str) -> SchemaCheck:
    path = Path(path_text)
    raw = json.loads(raw_json)
    directive = re.search(r"^#:schema\s+(\S+)", text, re.M) if fmt == "toml" else None  # taplo's, in TOML
    source = find_schema(path.parent, {"$schema": directive.group(1)} if directive and "$schema" not in raw else raw)
    note = None
    problems: list[SchemaProblem]
    if source.path is not None:
        try:
            validator = _validator(str(source.path), source.path.stat().st_mtime)
        except Exception as exc:  # an unreadable or broken schema: say so, check with mbv's tables
            note = f"{source.path}: not a usable JSON schema ({type(exc).__name__}); using mbv's own key tables"
            source = SchemaSource(None)
    if source.path is not None:
        problems = _schema_problems(raw, validator)
        seen = {p.path for p in problems}
        problems += [p for p in _removed_problems(raw) + _route_problems(raw) if p.path not in seen]
    else:
        problems = _table_problems(raw) + _route_problems(raw)
    problems += _wrangler_only_problems(raw)
    positions = key_positions(text, fmt)
    placed = []
    for problem in problems:
        where = locate(positions, problem.path)
        placed.append(SchemaProblem(problem.kind, problem.path, problem.message, problem.hint,
                                    where[0] if where else None, where[1] if where else None))
    placed.sort(key=lambda p: (p.line or 0, p.column or 0))
    return SchemaCheck(source, tuple(dict.fromkeys(placed)), note)


def schema_notes(configs: Iterator[Any] | Sequence[Any]) -> list[str]:
    """One note per distinct source the configs were checked against ("say once which was used")."""
    notes: list[str] = []
    for cfg in {id(c): c for c in configs}.values():
        result = check_config_schema(cfg.path, cfg.format, cfg.raw, cfg.text)
        if result.note:
            notes.append(result.note)
        notes.append(f"wrangler configs checked against {result.source.label}")
    return list(dict.fromkeys(notes))
