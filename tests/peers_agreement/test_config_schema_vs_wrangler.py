"""MBV204/MBV205 say what the pinned real wrangler says about the same config.

For every config fixture of MBV204 and MBV205 (tests/rules/), top level and each env: `wrangler
types [--env E]` fails exactly when mbv reports an MBV204 error for that run (the top level's plus
that env's), and when it succeeds, the keys of its "Unexpected fields found" warnings are exactly
the keys mbv reports as MBV205. Also: every config wrangler accepts in examples/ and
tests/fixtures/configs/ (test_bindings_list_vs_wrangler_types) passes the pinned schema.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mbv_cli.core.doctor import run_config_rules
from mbv_cli.core.rules import ConfigContext, get_rule
from mbv_cli.core.wrangler import config_schema
from mbv_cli.core.wrangler.config import load_config
from mbv_cli.core.wrangler.discovery import find_worker_configs
from mbv_cli.core.wrangler.environments import resolve_environment
from tests.support.peers import PEERS, peer_env, require_peer

REPO = Path(__file__).resolve().parents[2]
FIXTURES = [p for code in ("MBV204", "MBV205") for p in sorted((REPO / "tests" / "rules" / code).iterdir())
            if p.suffix in (".toml", ".json", ".jsonc")]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
UNEXPECTED = re.compile(r"Unexpected fields found in .*? field: (.+)")

pytestmark = pytest.mark.wrangler

Case = tuple[Path, str | None]


def _cases() -> list[Case]:
    return [(p, e) for p in FIXTURES for e in [None, *load_config(p).env_names]]


CASES = _cases()


def _mbv(config: Path, env: str | None) -> tuple[list[str], set[str]]:
    """mbv's MBV204 messages and MBV205 keys for a wrangler run with `--env env`."""
    cfg = load_config(config)
    rules = [get_rule("MBV204"), get_rule("MBV205")]
    errors: list[str] = []
    unknown: set[str] = set()
    for scope in {None, env}:
        for finding in run_config_rules(resolve_environment(cfg, scope, environ={}), rules, ConfigContext()):
            if finding.code == "MBV204":
                errors.append(finding.message)
            else:
                unknown.add(finding.message.split("`")[1])
    return errors, unknown


@pytest.fixture(scope="module")
def wrangler_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[Case, tuple[int, str]]:
    wrangler = require_peer("wrangler")
    home = tmp_path_factory.mktemp("home")
    root = tmp_path_factory.mktemp("configs")

    def run(case: Case) -> tuple[Case, tuple[int, str]]:
        config, env = case
        work = root / f"{config.parent.name}-{config.stem}-{config.suffix[1:]}-{env or 'top'}"
        (work / "src").mkdir(parents=True)
        (work / "src" / "index.ts").write_text(
            'export default { fetch() { return new Response("ok") } }\nexport class Sandbox {}\n')
        (work / "Dockerfile").write_text("FROM alpine\n")
        shutil.copy(config, work / f"wrangler{config.suffix}")
        args = [str(wrangler), "types", "--include-runtime=false", "--path", "./env.d.ts"]
        if env:
            args += ["--env", env]
        env_vars = {**peer_env(home), "WRANGLER_LOG": "warn"}  # its "Unexpected fields" are warnings
        proc = subprocess.run(args, cwd=work, env=env_vars, capture_output=True, text=True, timeout=180)
        return case, (proc.returncode, ANSI.sub("", proc.stdout + proc.stderr))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(run, CASES))


def test_fixtures_cover_both_verdicts() -> None:
    verdicts = {bool(_mbv(c, e)[0]) for c, e in CASES}
    assert verdicts == {True, False}
    assert any(_mbv(c, e)[1] for c, e in CASES)


@pytest.mark.parametrize(("config", "env"), CASES,
                         ids=[f"{c.parent.name}/{c.name}:{e or 'top'}" for c, e in CASES])
def test_wrangler_rejects_what_mbv_reports_and_accepts_what_it_passes(
        config: Path, env: str | None, wrangler_runs: dict[Case, tuple[int, str]]) -> None:
    code, output = wrangler_runs[(config, env)]
    errors, unknown = _mbv(config, env)
    if errors:
        assert code != 0, f"mbv reports {errors} but wrangler accepts it:\n{output[-1500:]}"
    else:
        assert code == 0, f"wrangler rejects what mbv passes:\n{output[-1500:]}"
        theirs = {k for m in UNEXPECTED.finditer(output) for k in re.findall(r'"([^"]+)"', m.group(1))}
        assert theirs == unknown


def test_configs_wrangler_accepts_pass_the_pinned_schema() -> None:
    schema = PEERS / "node_modules" / "wrangler" / "config-schema.json"
    if not schema.is_file():
        require_peer("wrangler")
    validator = config_schema._validator(str(schema), schema.stat().st_mtime)
    configs = [p for root in (REPO / "examples", REPO / "tests" / "fixtures" / "configs")
               for p in find_worker_configs(root)]
    assert len(configs) >= 12
    for path in configs:
        raw = load_config(path).raw
        problems = [p for p in config_schema._schema_problems(raw, validator) if p.kind == "invalid"]
        assert not problems, (path, problems)
