"""Finding the project's wrangler schema, key positions in TOML/JSONC, and the fallback to mbv's tables."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mbv_cli.core.wrangler.config import load_config
from mbv_cli.core.wrangler.config_schema import check_config_schema, did_you_mean, find_schema, schema_notes
from mbv_cli.core.wrangler.key_positions import key_positions, locate
from tests.support.peers import PEERS

PINNED = PEERS / "node_modules" / "wrangler"


def _install_wrangler(root: Path, version: str | None = None) -> Path:
    if not (PINNED / "config-schema.json").is_file():
        pytest.skip("pinned wrangler not installed")
    target = root / "node_modules" / "wrangler"
    target.mkdir(parents=True)
    shutil.copy(PINNED / "config-schema.json", target)
    package = json.loads((PINNED / "package.json").read_text())
    if version:
        package["version"] = version
    (target / "package.json").write_text(json.dumps(package))
    return target / "config-schema.json"


def test_toml_positions_follow_tables_arrays_of_tables_and_inline_values() -> None:
    text = (
        'name = "a"  # comment with = sign\n'
        'routes = [\n  "x.example.com/*",\n  { pattern = "y", zone_name = "z" },\n]\n'
        "[[kv_namespaces]]\nbinding = 'A'\n[[kv_namespaces]]\nbinding = \"B\"\nid = 1\n"
        "[env.staging]\nvars.MODE = \"s\"\n[[env.staging.kv_namespaces]]\n  binding = \"C\"\n"
    )
    positions = key_positions(text, "toml")
    assert positions[("name",)] == (1, 1)
    assert positions[("routes", 1, "zone_name")] == (4, 20)
    assert positions[("kv_namespaces", 1, "id")] == (10, 1)
    assert positions[("env", "staging", "vars", "MODE")] == (12, 6)
    assert positions[("env", "staging", "kv_namespaces", 0, "binding")] == (14, 3)
    assert locate(positions, ("kv_namespaces", 1, "id", "deeper")) == (10, 1)


def test_jsonc_positions_survive_comments_and_trailing_commas() -> None:
    text = '{\n  // "name": "no",\n  "name": "a", /* x */ "env": {"s": {"route": {"pattern": "p",},},},\n}\n'
    positions = key_positions(text, "jsonc")
    assert positions[("name",)] == (3, 3)
    assert positions[("env", "s", "route", "pattern")] == (3, 48)


def test_positions_stop_quietly_on_text_they_cannot_follow() -> None:
    assert key_positions('name = "a"\n= broken\n', "toml") == {("name",): (1, 1)}


def test_did_you_mean() -> None:
    known = ["kv_namespaces", "d1_databases", "durable_objects"]
    assert did_you_mean("kv_namespace", known) == "did you mean `kv_namespaces`?"
    assert did_you_mean("KV_NAMESPACES", known) == "did you mean `kv_namespaces`?"
    assert did_you_mean("something_else", known) is None


def test_schema_found_in_node_modules_upwards_with_its_version(tmp_path: Path) -> None:
    schema = _install_wrangler(tmp_path, "4.90.1")
    worker = tmp_path / "workers" / "api"
    worker.mkdir(parents=True)
    (worker / "wrangler.toml").write_text('name = "api"\nworkers_dev = "yes"\nkv_namespace = []\n')
    source = find_schema(worker, {})
    assert source.path == schema and source.via == "node_modules" and source.wrangler_version == "4.90.1"
    assert not source.major_differs
    cfg = load_config(worker / "wrangler.toml")
    result = check_config_schema(cfg.path, cfg.format, cfg.raw, cfg.text)
    assert [(p.kind, p.line, p.hint) for p in result.problems] == [
        ("invalid", 2, None), ("unknown_key", 3, "did you mean `kv_namespaces`?")]
    assert schema_notes([cfg, cfg]) == [f"wrangler configs checked against wrangler 4.90.1's config-schema.json ({schema})"]


def test_dollar_schema_path_wins_and_a_url_is_ignored(tmp_path: Path) -> None:
    schema = _install_wrangler(tmp_path / "elsewhere", "3.114.0")
    raw = {"$schema": "elsewhere/node_modules/wrangler/config-schema.json"}
    source = find_schema(tmp_path, raw)
    assert source.via == "$schema" and source.path == tmp_path / raw["$schema"] and source.major_differs
    assert schema.is_file()
    assert find_schema(tmp_path, {"$schema": "https://example.com/config-schema.json"}).path is None


def test_without_a_schema_mbv_tables_are_used_and_said_once(tmp_path: Path) -> None:
    (tmp_path / "wrangler.toml").write_text('name = "api"\nnode_compat = true\nroutes_ = []\n')
    cfg = load_config(tmp_path / "wrangler.toml")
    result = check_config_schema(cfg.path, cfg.format, cfg.raw, cfg.text)
    assert result.source.path is None
    assert [(p.kind, p.path) for p in result.problems] == [("invalid", ("node_compat",)),
                                                           ("unknown_key", ("routes_",))]
    assert schema_notes([cfg]) == ["wrangler configs checked against mbv's own key tables (wrangler 4.86): "
                                   "no wrangler config-schema.json on disk"]


def test_a_broken_schema_is_a_note_not_a_crash(tmp_path: Path) -> None:
    target = tmp_path / "node_modules" / "wrangler"
    target.mkdir(parents=True)
    (target / "config-schema.json").write_text("{ not json")
    (tmp_path / "wrangler.toml").write_text('name = "api"\nnmae = "x"\n')
    cfg = load_config(tmp_path / "wrangler.toml")
    result = check_config_schema(cfg.path, cfg.format, cfg.raw, cfg.text)
    assert result.source.path is None and result.note and "not a usable JSON schema" in result.note
    assert [p.hint for p in result.problems] == ["did you mean `name`?"]


_keys = st.from_regex(r"[a-z_][a-z0-9_-]{0,8}", fullmatch=True) | st.text(min_size=1, max_size=6)
_leaf = st.one_of(st.booleans(), st.integers(-1000, 1000), st.text(max_size=8))
_doc = st.dictionaries(_keys, st.recursive(_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=3)), max_leaves=6), min_size=1, max_size=4)


def _paths(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found: list[tuple[str | int, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*prefix, key))
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((*prefix, index))
            found += _paths(item, (*prefix, index))
    return found


@settings(max_examples=120, deadline=None)
@given(doc=_doc)
def test_every_key_of_a_written_config_is_found_on_its_line(doc: dict[str, object]) -> None:
    """Configs written by tomlkit and json (indented and not): each key path gets a position, and the
    line there holds that key (quoted or bare)."""
    import tomlkit

    texts = [(tomlkit.dumps(doc), "toml"), (json.dumps(doc, indent=2), "jsonc"), (json.dumps(doc), "jsonc")]
    for text, fmt in texts:
        positions = key_positions(text, fmt)
        lines = text.split("\n")  # lines as the positions count them (not at U+0085 or U+2028)
        for path in _paths(doc):
            assert path in positions, (fmt, path, text)
            line, column = positions[path]
            if isinstance(path[-1], str):
                written = lines[line - 1][column - 1:]
                assert written.startswith((path[-1], json.dumps(path[-1]), f"'{path[-1]}'")) or \
                    written.startswith(tomlkit.key(path[-1]).as_string()), (fmt, path, written)


def test_a_toml_schema_directive_names_the_schema(tmp_path: Path) -> None:
    schema = _install_wrangler(tmp_path / "vendor", "4.86.0")
    (tmp_path / "wrangler.toml").write_text(
        '#:schema vendor/node_modules/wrangler/config-schema.json\nname = "api"\nworkers_dev = 1\n')
    cfg = load_config(tmp_path / "wrangler.toml")
    result = check_config_schema(cfg.path, cfg.format, cfg.raw, cfg.text)
    assert result.source.path == tmp_path / "vendor/node_modules/wrangler/config-schema.json" == schema
    assert [(p.kind, p.line) for p in result.problems] == [("invalid", 3)]
