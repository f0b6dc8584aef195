"""Every snippet the bindings diff suggests parses, in TOML and JSON, whatever the value (issue 16).

The values come from hypothesis: strings with quotes, newlines and non-ASCII, big and tiny numbers,
inf and nan (TOML has them; JSON does not, so no JSON snippet is offered), nested tables and arrays,
names that need quoting. The TOML snippet is appended to the config and read back with tomllib.
"""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mbv_cli.core.bindings_diff import add_snippet
from mbv_cli.core.wrangler.config import load_config
from mbv_cli.core.wrangler.environments import Binding

names = st.text(st.characters(min_codepoint=32, max_codepoint=0x24F), min_size=1, max_size=12)
scalars = st.one_of(st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=True),
                    st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(names, inner, max_size=3)), max_leaves=8)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b and type(a) is type(b))


def _config(tmp: Path, fmt: str, with_vars: bool) -> Path:
    if fmt == "toml":
        text = 'name = "api"\n[env.staging]\nroute = "a.example.com/*"\n' + ("[env.staging.vars]\nX = 1\n" if with_vars else "")
        path = tmp / "wrangler.toml"
    else:
        section = '{"vars": {"X": 1}}' if with_vars else '{}'
        text = '{"name": "api", "env": {"staging": ' + section + "}}"
        path = tmp / "wrangler.json"
    path.write_text(text, encoding="utf-8")
    return path


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names, value=values, with_vars=st.booleans())
def test_every_toml_var_snippet_parses_to_the_value(tmp_path: Path, name: str, value: Any, with_vars: bool) -> None:
    # a snippet is offered for a var the env lacks: never for X, which this env's vars already have
    assume(not (with_vars and name == "X"))
    path = _config(tmp_path, "toml", with_vars)
    made = add_snippet(load_config(path), "staging", Binding(name, "var", "x", "top-level", {"value": value}))
    assert made is not None
    snippet, _ = made
    parsed = tomllib.loads(path.read_text(encoding="utf-8") + snippet + "\n")
    assert _same(parsed["env"]["staging"]["vars"][name], value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names, value=values, with_vars=st.booleans())
def test_every_json_var_snippet_parses_or_is_not_offered(tmp_path: Path, name: str, value: Any,
                                                         with_vars: bool) -> None:
    assume(not (with_vars and name == "X"))  # as above: the env already has X
    path = _config(tmp_path, "json", with_vars)
    made = add_snippet(load_config(path), "staging", Binding(name, "var", "x", "top-level", {"value": value}))
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        assert made is None  # JSON has no Infinity or NaN
        return
    assert made is not None
    snippet, _ = made
    parsed = json.loads("{" + snippet + "}")
    inner = parsed if with_vars else parsed["vars"]
    assert _same(inner[name], value)


def test_infinity_is_toml_inf_not_javascript(tmp_path: Path) -> None:
    path = _config(tmp_path, "toml", True)
    made = add_snippet(load_config(path), "staging", Binding("RATIO", "var", "x", "top-level", {"value": math.inf}))
    assert made is not None and made[0] == "RATIO = inf"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entry=st.dictionaries(names, values, max_size=4))
def test_every_toml_binding_snippet_parses(tmp_path: Path, entry: dict[str, Any]) -> None:
    path = _config(tmp_path, "toml", False)
    entry = {"binding": "CACHE", **entry}
    made = add_snippet(load_config(path), "staging", Binding("CACHE", "kv_namespace", "KVNamespace", "top-level", entry))
    assert made is not None
    parsed = tomllib.loads(path.read_text(encoding="utf-8") + made[0] + "\n")
    assert _same(parsed["env"]["staging"]["kv_namespaces"][0], entry)
