"""Bad input to the config loader: each gives one documented ConfigError, never anything else."""

from __future__ import annotations

import json
import os
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mbv_cli.core.errors import ConfigError, MbvError
from mbv_cli.core.wrangler.config import load_config
from mbv_cli.core.wrangler.environments import resolve_environment


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("wrangler.toml", b"", "config file is empty"),
        ("wrangler.jsonc", b"  \n\t", "config file is empty"),
        ("wrangler.toml", b'name = "x"\n[vars\n', "invalid TOML"),
        ("wrangler.jsonc", b'{\n  "name": "x",\n  "vars": {\n}', "invalid JSON"),
        ("wrangler.json", b"[1, 2]", "must be an object"),
        ("wrangler.toml", b'name = "caf\xe9"\n', "not valid UTF-8"),
        ("wrangler.toml", b"name = 1\x00\n", "NUL"),
        ("wrangler.yaml", b"name: x\n", "unsupported config extension"),
        ("wrangler.toml", b'name = "x"\nenv = "prod"\n', "`env` must be"),
        ("wrangler.toml", b"[vars]\nWHEN = 2024-01-01\n", "TOML date"),
    ],
)
def test_each_bad_file_is_one_config_error(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    line = info.value.one_line()
    assert expected in line
    assert "\n" not in line
    assert line.startswith(str(path))


def test_positions_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "wrangler.toml"
    path.write_bytes(b'name = "x"\nmain = "caf\xe9.ts"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.location is not None
    assert (info.value.location.line, info.value.location.column) == (2, 12)


def test_directory_as_config(tmp_path: Path) -> None:
    folder = tmp_path / "wrangler.toml"
    folder.mkdir()
    with pytest.raises(ConfigError, match="directory"):
        load_config(folder)


def test_unreadable_file(tmp_path: Path) -> None:
    """A real permission refusal: as root, mbv runs without the capabilities that bypass file modes."""
    import shutil
    import subprocess
    import sys

    path = tmp_path / "wrangler.toml"
    path.write_text('name = "x"\n')
    path.chmod(0)
    command = [sys.executable, "-m", "mbv_cli", "bindings", "list", "--config", str(path)]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and setpriv (util-linux) is not there to drop CAP_DAC_OVERRIDE")
        caps = "-dac_override,-dac_read_search"
        command = [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", *command]
    repo = str(Path(__file__).resolve().parents[3])
    env = dict(os.environ, PYTHONPATH=repo + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "not readable" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_unreadable_file_reported_as_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root no file is unreadable, so the OS refusal is produced at the read itself."""
    path = tmp_path / "wrangler.toml"
    path.write_text('name = "x"\n')

    real_open = os.open

    def refuse(name: Any, flags: int, *args: Any) -> int:  # the open every user-file read goes through
        if str(name) == str(path):
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, flags, *args)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(ConfigError, match="not readable"):
        load_config(path)


def _load_and_resolve(path: Path) -> None:
    cfg = load_config(path)
    resolve_environment(cfg, None, environ={})
    for env in cfg.env_names:
        resolve_environment(cfg, env, environ={})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".toml", ".json", ".jsonc"]))
def test_random_bytes_give_only_documented_errors(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"wrangler{suffix}"
    path.write_bytes(data)
    try:
        _load_and_resolve(path)
    except ConfigError as exc:
        assert "\n" not in exc.one_line()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(string.ascii_letters + "_", max_size=12), children, max_size=4),
    max_leaves=20,
)
config_keys = st.sampled_from(["name", "main", "vars", "kv_namespaces", "d1_databases", "durable_objects",
                               "services", "queues", "ai", "assets", "env", "secrets", "text_blobs",
                               "unsafe", "logfwdr", "compatibility_flags", "bogus"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.dictionaries(config_keys, json_values, max_size=8))
def test_random_json_documents_give_only_documented_errors(tmp_path: Path, doc: dict) -> None:
    path = tmp_path / "wrangler.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    try:
        _load_and_resolve(path)
    except MbvError as exc:
        assert exc.exit_code == 2


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.dictionaries(config_keys, json_values, max_size=8))
def test_random_toml_documents_give_only_documented_errors(tmp_path: Path, doc: dict) -> None:
    path = tmp_path / "wrangler.toml"
    path.write_text(_to_toml(doc), encoding="utf-8")
    try:
        _load_and_resolve(path)
    except MbvError as exc:
        assert exc.exit_code == 2


def _toml_value(value: object) -> str:
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def _to_toml(doc: dict) -> str:
    return "\n".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in doc.items()) + "\n"
