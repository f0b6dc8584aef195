"""`mbv bindings list --env E --format json` agrees with the pinned real `wrangler types --env E`.

For every config in examples/ and tests/fixtures/configs/, top level (when the config has no
environments; wrangler types has no flag for the top level alone otherwise) and each env. Names
must match; types match with `/* */` comments and generic arguments removed; vars exactly.

The named exception (shared/reference/wrangler.md section 3): with `--env`, wrangler types reads the
env's raw section only and so drops the *inheritable* bindings the deployed Worker still gets from the
top level: `assets` (documented) and, by the same mechanism, `logfwdr` (LOGFWDR_SCHEMA, found by this
test). mbv lists what the deployed Worker gets.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mbv_cli.core.wrangler.config import load_config
from mbv_cli.core.wrangler.discovery import find_worker_configs
from tests.support.dts import env_members, normalise_type
from tests.support.peers import peer_env, require_peer

REPO = Path(__file__).resolve().parents[2]
ROOTS = [REPO / "examples", REPO / "tests" / "fixtures" / "configs"]

pytestmark = pytest.mark.wrangler


def _cases() -> list[tuple[Path, str | None]]:
    cases: list[tuple[Path, str | None]] = []
    for root in ROOTS:
        for path in find_worker_configs(root):
            envs = load_config(path).env_names
            cases.extend([(path, e) for e in envs] if envs else [(path, None)])
    return cases


CASES = _cases()
INHERITED_KINDS = ("assets", "logfwdr")
# fixtures whose types must match wrangler's exactly, generics and comments included (issue 16):
# a service bound to the Worker itself, `export const Room = class`, the service-worker format
EXACT_TYPES = ("self-service-toml", "do-export-const-jsonc", "service-worker-format-toml")


@pytest.fixture(scope="module")
def wrangler_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[Path, str | None], str]:
    wrangler = require_peer("wrangler")
    home = tmp_path_factory.mktemp("home")
    out_dir = tmp_path_factory.mktemp("types")

    def run(case: tuple[Path, str | None]) -> tuple[tuple[Path, str | None], str]:
        config, env = case
        work = out_dir / f"{config.parent.name}-{env or 'top'}"
        shutil.copytree(config.parent, work, ignore=shutil.ignore_patterns("node_modules", ".wrangler"))
        target = work / "mbv-types.d.ts"
        args = [str(wrangler), "types", "--include-runtime=false", "--path", str(target), "-c", config.name]
        if env:
            args += ["--env", env]
        proc = subprocess.run(args, cwd=work, env=peer_env(home), capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, f"wrangler types failed for {config} env={env}: {proc.stderr[-2000:]}"
        return case, target.read_text(encoding="utf-8")

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(run, CASES))


def test_there_are_enough_configs() -> None:
    configs = {c for c, _ in CASES}
    assert len(configs) >= 12
    assert {c.suffix for c in configs} == {".toml", ".json", ".jsonc"}


@pytest.mark.parametrize(("config", "env"), CASES,
                         ids=[f"{c.parent.name}:{e or 'top'}" for c, e in CASES])
def test_names_and_types_agree(config: Path, env: str | None, wrangler_outputs, run_mbv) -> None:
    members = env_members(wrangler_outputs[(config, env)])
    args = ["bindings", "list", "--config", str(config), "--format", "json"]
    if env:
        args += ["--env", env]
    result = run_mbv(*args, cwd=config.parent)
    assert result.exit_code == 0, result.stderr
    [worker] = json.loads(result.stdout)["workers"]
    ours = {b["name"]: b for b in worker["bindings"]}

    exceptions = {n for n, b in ours.items()
                  if env and b["kind"] in INHERITED_KINDS and b["declared_in"] == "top-level" and n not in members}
    assert set(ours) - exceptions == set(members), (
        f"only mbv: {sorted(set(ours) - exceptions - set(members))}, only wrangler: {sorted(set(members) - set(ours))}")
    for name, theirs in members.items():
        mine = ours[name]
        if mine["kind"] == "var":
            assert mine["type"] == theirs, name
        else:
            assert normalise_type(mine["type"]) == normalise_type(theirs), name


EXACT_CASES = [c for c in CASES if c[0].parent.name in EXACT_TYPES]


def test_exact_fixtures_are_present() -> None:
    assert {c.parent.name for c, _ in EXACT_CASES} == set(EXACT_TYPES)


@pytest.mark.parametrize(("config", "env"), EXACT_CASES,
                         ids=[f"{c.parent.name}:{e or 'top'}" for c, e in EXACT_CASES])
def test_types_agree_exactly(config: Path, env: str | None, wrangler_outputs, run_mbv) -> None:
    members = env_members(wrangler_outputs[(config, env)])
    args = ["bindings", "list", "--config", str(config), "--format", "json"]
    if env:
        args += ["--env", env]
    result = run_mbv(*args, cwd=config.parent)
    assert result.exit_code == 0, result.stderr
    [worker] = json.loads(result.stdout)["workers"]
    assert {b["name"]: b["type"] for b in worker["bindings"]} == members
