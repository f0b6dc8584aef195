"""WranglerConfig.locate answers from an index built once: the same places as one regex search per
needle (which made 4,000 bindings take a minute), in TOML and JSON, top level and per env."""

from __future__ import annotations

import random
import re
from pathlib import Path

from mbv_cli.core.wrangler.config import TextIndex, load_config


def regex_locate(text: str, needle: str, start: int) -> int | None:
    found = re.compile(r"[\"']" + re.escape(needle) + r"[\"']").search(text, start)
    return found.start() if found is not None else None


def test_the_index_finds_what_the_regex_finds() -> None:
    rng = random.Random(7)
    pieces = ['"', "'", "KV", "DB", "a b", "\n", "=", " ", "x", '"KV"', "'DB'", "é"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        index = TextIndex(text)
        for needle in ("KV", "DB", "a b", "", "x", "K'V"):
            for start in (0, len(text) // 2):
                assert index.quoted(needle, start) == regex_locate(text, needle, start), (text, needle, start)
        for offset in range(len(text) + 1):
            line = text.count("\n", 0, offset) + 1
            assert index.line_column(offset) == (line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def test_locate_in_a_config_with_envs(tmp_path: Path) -> None:
    path = tmp_path / "wrangler.toml"
    path.write_text('name = "app"\ncompatibility_date = "2025-01-01"\n\n[[kv_namespaces]]\nbinding = "CACHE"\n'
                    'id = "a"\n\n[env.staging]\n[[env.staging.kv_namespaces]]\nbinding = "CACHE"\nid = "b"\n'
                    '[[env.staging.kv_namespaces]]\nbinding = "ONLY_STAGING"\nid = "c"\n')
    cfg = load_config(path)
    assert cfg.locate("CACHE") == (5, 11)
    assert cfg.locate("CACHE", "staging") == (10, 11)
    assert cfg.locate("ONLY_STAGING") is None  # top level only: declared in an env section
    assert cfg.locate("ONLY_STAGING", "staging") == (13, 11)
    assert cfg.locate("CACHE", "production") is None


def test_locate_a_bare_toml_key_of_vars(tmp_path: Path) -> None:
    # review B of e4e135e: MBV002 of a TOML var had no line
    path = tmp_path / "wrangler.toml"
    path.write_text('name = "app"\n[vars]\n  KV_CACHE = false\n\n[env.staging.vars]\nKV_CACHE = true\nSTAGE_ONLY = 1\n')
    cfg = load_config(path)
    assert cfg.locate("KV_CACHE") == (3, 3)
    assert cfg.locate("KV_CACHE", "staging") == (6, 1)
    assert cfg.locate("STAGE_ONLY") is None  # declared in an env section only
    assert cfg.locate("STAGE_ONLY", "staging") == (7, 1)
    assert cfg.locate("KV_CACHE_X") is None


def test_locate_near_picks_the_bindings_own_placeholder(tmp_path: Path) -> None:
    # review D of 9cfc542 (hummbl-monorepo): MBV007 of CACHE pointed at the D1 binding's identical placeholder
    path = tmp_path / "wrangler.toml"
    path.write_text('name = "a"\n[env.staging]\n[[env.staging.d1_databases]]\nbinding = "DB"\n'
                    'database_id = "TO_BE_CREATED"\n\n[[env.staging.kv_namespaces]]\nbinding = "CACHE"\n'
                    'id = "TO_BE_CREATED"\n')
    cfg = load_config(path)
    assert cfg.locate("TO_BE_CREATED", "staging") == (5, 15)
    assert cfg.locate_near("TO_BE_CREATED", "CACHE", "staging") == (9, 6)
    assert cfg.locate_near("TO_BE_CREATED", "DB", "staging") == (5, 15)
    assert cfg.locate_near("TO_BE_CREATED", "NOT_THERE", "staging") == (5, 15)


def test_an_empty_assets_binding_binds_nothing(tmp_path: Path) -> None:
    # review F of 256786b (track): `"assets": {"binding": ""}` was reported as an unused binding named ""
    from mbv_cli.core.wrangler.environments import resolve_environment

    path = tmp_path / "wrangler.json"
    path.write_text('{"name": "a", "assets": {"directory": "public", "binding": ""}}')
    assert resolve_environment(load_config(path), None).binding_names == set()
    path.write_text('{"name": "a", "assets": {"directory": "public", "binding": "ASSETS"}}')
    assert resolve_environment(load_config(path), None).binding_names == {"ASSETS"}


def test_a_top_level_declaration_after_the_env_sections_is_located(tmp_path: Path) -> None:
    # review G of a5205f5 (reactrouter-hono-worker): a top-level kv_namespaces after the "env" object had no line
    path = tmp_path / "wrangler.jsonc"
    path.write_text('{\n  "name": "a",\n  "env": {\n    "staging": {\n      "kv_namespaces": [{"binding": "KV", "id": "s"}],\n'
                    '      // a comment with a } brace\n      "vars": {"X": "}"}\n    }\n  },\n'
                    '  "kv_namespaces": [{"binding": "KV", "id": "t"}]\n}\n')
    cfg = load_config(path)
    assert cfg.locate("KV") == (10, 33)
    assert cfg.locate("KV", "staging") == (5, 37)
    toml = tmp_path / "wrangler.toml"
    toml.write_text('name = "a"\n[env.staging]\n[[env.staging.kv_namespaces]]\nbinding = "KV"\nid = "s"\n\n'
                    '[[kv_namespaces]]\nbinding = "KV"\nid = "t"\n')
    cfg = load_config(toml)
    assert cfg.locate("KV") == (8, 11)
    assert cfg.locate("KV", "staging") == (4, 11)
