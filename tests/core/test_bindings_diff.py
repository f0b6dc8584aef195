from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mbv_cli.core.bindings_diff import analyse_worker, diff_bindings, placeholder_reason
from mbv_cli.core.code import parsing
from mbv_cli.core.code.parsing import iter_source_paths, parse_file
from mbv_cli.core.findings import Finding
from mbv_cli.core.wrangler import load_config, resolve_environment
from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers
from tests.support.peers import peer_env, require_peer

REPO = Path(__file__).resolve().parents[2]

CONFIG = """
name = "w"
main = "src/index.ts"
compatibility_date = "2026-10-01"

[[kv_namespaces]]
binding = "USERS"
id = "3f2a9c1d8e7b4a6f9c0d1e2f3a4b5c6d"

[vars]
GREETING = "hi"

[env.production]
[[env.production.kv_namespaces]]
binding = "USERS"
id = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
[env.production.vars]
GREETING = "hello"
"""

CODE = """
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const v = await env.USERS.get("k");
    return new Response(env.GREETING + v);
  },
};
"""


IMPORTS_ENV = 'import type { Env } from "./env";\n'  # a Worker's code is what main imports


def make_worker(root: Path, config: str = CONFIG, code: str = CODE, extra: dict[str, str] | None = None,
                name: str = "wrangler.toml") -> Path:
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / name).write_text(config)
    (root / "src" / "index.ts").write_text(code)
    for rel, text in (extra or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def diff(root: Path, env: str | None = None, all_envs: bool = True) -> list[Finding]:
    ws = load_workspace(root)
    return diff_bindings(resolve_workers(ws, env, all_envs and env is None), jobs=1).sorted()


def codes(findings: list[Finding]) -> list[tuple[str, str | None, str | None]]:
    return [(f.code, f.env, f.binding) for f in findings]


def test_clean_worker_has_no_findings(tmp_path: Path) -> None:
    assert diff(make_worker(tmp_path)) == []


def test_mbv001_missing_in_env_with_toml_snippet(tmp_path: Path) -> None:
    config = CONFIG.replace('[[env.production.kv_namespaces]]\nbinding = "USERS"\nid = "a1b2c3d4e5f60718293a4b5c6d7e8f90"\n', "")
    findings = diff(make_worker(tmp_path, config))
    assert codes(findings) == [("MBV001", "production", "USERS")]
    f = findings[0]
    assert (f.file, f.line, f.column) == ("src/index.ts", 4, 27) or f.file.endswith("src/index.ts")
    assert "top level declares it" in f.message and "not inherited" in f.message
    assert f.snippet == '[[env.production.kv_namespaces]]\nbinding = "USERS"\nid = "3f2a9c1d8e7b4a6f9c0d1e2f3a4b5c6d"'
    # the snippet is exactly what fixes it
    fixed = config + "\n" + f.snippet + "\n"
    (tmp_path / "wrangler.toml").write_text(fixed)
    assert diff(tmp_path) == []


def test_mbv001_json_snippet_and_var(tmp_path: Path) -> None:
    config = """{
      // comment
      "name": "w", "main": "src/index.ts",
      "kv_namespaces": [{"binding": "USERS", "id": "3f2a9c1d8e7b4a6f9c0d1e2f3a4b5c6d"}],
      "vars": {"GREETING": "hi"},
      "env": {"staging": {"vars": {}}},
    }"""
    findings = diff(make_worker(tmp_path, config, name="wrangler.jsonc"))
    assert sorted(codes(findings)) == [("MBV001", "staging", "GREETING"), ("MBV001", "staging", "USERS")]
    snippets = {f.binding: (f.snippet, f.hint) for f in findings}
    assert snippets["USERS"][0] == '"kv_namespaces": [{"binding": "USERS", "id": "3f2a9c1d8e7b4a6f9c0d1e2f3a4b5c6d"}]'
    assert snippets["GREETING"][0] == '"GREETING": "hi"'
    assert '"env" > "staging" > "vars"' in (snippets["GREETING"][1] or "")


def test_mbv001_not_for_comments_strings_process_env(tmp_path: Path) -> None:
    code = CODE + """
// env.COMMENTED
const s = "env.STRING";
const n = process.env.NODE_ENV;
const m = import.meta.env.MODE;
function other() { const env = { X: 1 }; return env.X; }
"""
    assert diff(make_worker(tmp_path, code=code)) == []


def test_mbv002_declared_never_used(tmp_path: Path) -> None:
    config = CONFIG + '\n[[env.production.r2_buckets]]\nbinding = "ARCHIVE"\nbucket_name = "a"\n'
    findings = diff(make_worker(tmp_path, config))
    assert codes(findings) == [("MBV002", "production", "ARCHIVE")]
    assert findings[0].file == "wrangler.toml" or findings[0].file.endswith("wrangler.toml")
    assert findings[0].line == config.splitlines().index('binding = "ARCHIVE"') + 1


def test_mbv002_is_info_with_dynamic_access_and_weak_usage_counts(tmp_path: Path) -> None:
    config = CONFIG + '\n[[env.production.r2_buckets]]\nbinding = "ARCHIVE"\nbucket_name = "a"\n'
    code = CODE.replace('return new', 'const k = "A" + "RCHIVE"; env[k];\n    return new')
    findings = diff(make_worker(tmp_path, config, code))
    assert [(f.code, f.severity.value) for f in findings] == [("MBV008", "info"), ("MBV002", "info")] or sorted(
        (f.code, f.severity.value) for f in findings) == [("MBV002", "info"), ("MBV008", "info")]
    weak = CODE + "\nexport function archive(request, env) { return env.ARCHIVE.put('k', 'v'); }\n"
    (tmp_path / "src" / "index.ts").write_text(weak)
    assert diff(tmp_path) == []


def test_mbv003_type_mismatch(tmp_path: Path) -> None:
    env_ts = "export interface Env {\n  USERS: D1Database;\n  GREETING: string;\n}\n"
    findings = diff(make_worker(tmp_path, code=IMPORTS_ENV + CODE, extra={"src/env.ts": env_ts}))
    assert codes(findings) == [("MBV003", None, "USERS"), ("MBV003", "production", "USERS")]
    assert (findings[0].line, findings[0].column) == (2, 3)
    good = "export interface Env {\n  USERS: KVNamespace;\n  GREETING: string;\n}\n"
    (tmp_path / "src" / "env.ts").write_text(good)
    assert diff(tmp_path) == []
    (tmp_path / "src" / "env.ts").write_text("export interface Env { USERS: KVNamespace; GREETING: number }\n")
    assert codes(diff(tmp_path))[0] == ("MBV003", None, "GREETING")


def test_mbv004_member_declared_nowhere(tmp_path: Path) -> None:
    env_ts = "export interface Env {\n  USERS: KVNamespace;\n  GREETING: string;\n  STRIPE_KEY: string;\n}\n"
    findings = diff(make_worker(tmp_path, code=IMPORTS_ENV + CODE, extra={"src/env.ts": env_ts}))
    assert codes(findings) == [("MBV004", None, "STRIPE_KEY")]
    assert "wrangler secret put STRIPE_KEY" in (findings[0].hint or "")
    (tmp_path / ".dev.vars").write_text("STRIPE_KEY=sk_test\n")
    assert "MBV004" not in [c for c, _, _ in codes(diff(tmp_path))]


def test_mbv006_duplicate_name(tmp_path: Path) -> None:
    config = CONFIG + '\n[[env.production.r2_buckets]]\nbinding = "USERS"\nbucket_name = "a"\n'
    findings = diff(make_worker(tmp_path, config))
    assert ("MBV006", "production", "USERS") in codes(findings)
    assert all(c != "MBV006" for c, _, _ in codes(diff(make_worker(tmp_path / "ok"))))


@pytest.mark.parametrize(
    ("kind", "field", "value", "bad"),
    [
        ("kv_namespace", "id", "wrong-id", True),
        ("kv_namespace", "id", "your-kv-namespace-id", True),
        ("kv_namespace", "id", "<KV_ID>", True),
        ("kv_namespace", "id", "xxx", True),
        ("kv_namespace", "id", "1234", True),
        ("kv_namespace", "id", "3f2a9c1d8e7b4a6f9c0d1e2f3a4b5c6d", False),
        ("d1_database", "database_id", "actual-database-id", True),
        ("d1_database", "database_id", "not-a-uuid", True),
        ("d1_database", "database_id", "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f", False),
        ("r2_bucket", "bucket_name", "my-bucket", False),
        ("r2_bucket", "bucket_name", "your-bucket", True),
    ],
)
def test_placeholder_reason(kind: str, field: str, value: str, bad: bool) -> None:
    assert (placeholder_reason(kind, field, value) is not None) == bad


def test_mbv007_in_config(tmp_path: Path) -> None:
    config = CONFIG.replace('"a1b2c3d4e5f60718293a4b5c6d7e8f90"', '"your-kv-id"')
    findings = diff(make_worker(tmp_path, config))
    assert codes(findings) == [("MBV007", "production", "USERS")]
    line = config.splitlines().index('id = "your-kv-id"') + 1
    assert (findings[0].line, findings[0].column) == (line, 6)


def test_only_the_chosen_env(tmp_path: Path) -> None:
    config = CONFIG.replace('[[env.production.kv_namespaces]]\nbinding = "USERS"\nid = "a1b2c3d4e5f60718293a4b5c6d7e8f90"\n', "")
    make_worker(tmp_path, config)
    assert diff(tmp_path, env=None, all_envs=False) == []
    assert codes(diff(tmp_path, env="production")) == [("MBV001", "production", "USERS")]


def test_analyse_worker_uses_the_given_parsed_files(tmp_path: Path) -> None:
    config = CONFIG.replace('[[env.production.kv_namespaces]]\nbinding = "USERS"\nid = "a1b2c3d4e5f60718293a4b5c6d7e8f90"\n', "")
    make_worker(tmp_path, config)
    worker = resolve_environment(load_config(tmp_path / "wrangler.toml"), "production")
    sources = [parse_file(p) for p in iter_source_paths(tmp_path) if isinstance(p, Path)]
    before = parsing.PARSE_COUNTER["count"]
    findings = analyse_worker(worker, sources)
    assert parsing.PARSE_COUNTER["count"] == before  # nothing parsed again
    assert codes(findings) == [("MBV001", "production", "USERS")]


def test_example_monorepo_planted_problems() -> None:
    findings = diff(REPO / "examples" / "mustbeviral")
    got = sorted({(f.code, f.env, f.binding, Path(f.file or "").name) for f in findings})
    assert got == [
        ("MBV001", "production", "SESSIONS", "auth.ts"),
        ("MBV002", "staging", "SEARCH_INDEX", "wrangler.jsonc"),
        ("MBV004", None, "API_SIGNING_KEY", "env.ts"),
        ("MBV007", "production", "CONTENT_CACHE", "wrangler.jsonc"),
    ]
    mbv001 = [f for f in findings if f.code == "MBV001"]
    assert len(mbv001) == 1  # one finding for the name, listing its three reads
    assert [(mbv001[0].file or "").endswith("auth.ts"), mbv001[0].line] == [True, 130]
    assert [line for _, line, _ in mbv001[0].related] == [144, 153]
    assert {(f.code, f.line) for f in findings if f.code != "MBV001"} == {("MBV002", 58), ("MBV004", 10), ("MBV007", 83)}


# -- MBV005 against the real `wrangler types` ----------------------------------------------------

def _wrangler_types(directory: Path, home: Path, *args: str) -> None:
    wrangler = require_peer("wrangler")
    subprocess.run([str(wrangler), "types", "--include-runtime=false", *args], cwd=directory,
                   env=peer_env(home), check=True, capture_output=True, timeout=120)


FIXTURES = ["kv-d1-r2-toml", "vars-every-type-toml", "services-queues-jsonc", "dev-vars-per-env-toml",
            "secrets-required-jsonc", "durable-objects-toml"]


@pytest.mark.wrangler
@pytest.mark.parametrize("fixture", FIXTURES)
def test_mbv005_fresh_generated_types_are_current(fixture: str, tmp_path: Path) -> None:
    directory = tmp_path / fixture
    shutil.copytree(REPO / "tests" / "fixtures" / "configs" / fixture, directory)
    _wrangler_types(directory, tmp_path / "home")
    findings = [f for f in diff(directory) if f.code == "MBV005"]
    assert findings == []


@pytest.mark.wrangler
def test_mbv005_stale_after_config_change(tmp_path: Path) -> None:
    make_worker(tmp_path)
    _wrangler_types(tmp_path, tmp_path / "home")
    assert [f for f in diff(tmp_path) if f.code == "MBV005"] == []
    config = (tmp_path / "wrangler.toml").read_text()
    (tmp_path / "wrangler.toml").write_text(config.replace('GREETING = "hello"', 'GREETING = "hello"\nNEW_VAR = "1"'))
    stale = [f for f in diff(tmp_path) if f.code == "MBV005"]
    assert len(stale) == 1 and "NEW_VAR" in stale[0].message
    assert stale[0].file is not None and stale[0].file.endswith("worker-configuration.d.ts")


@pytest.mark.wrangler
def test_mbv005_single_env_mode(tmp_path: Path) -> None:
    make_worker(tmp_path)
    _wrangler_types(tmp_path, tmp_path / "home", "--env", "production")
    assert [f for f in diff(tmp_path) if f.code == "MBV005"] == []
    (tmp_path / "wrangler.toml").write_text(CONFIG.replace('GREETING = "hello"', 'GREETING = "bye"'))
    assert [f.code for f in diff(tmp_path) if f.code == "MBV005"] == ["MBV005"]


def test_analyse_environments_reports_worker_findings_once(tmp_path: Path) -> None:
    env_ts = "export interface Env { USERS: KVNamespace; GREETING: string; STRIPE_KEY: string }\n"
    make_worker(tmp_path, extra={"src/env.ts": env_ts})
    cfg = load_config(tmp_path / "wrangler.toml")
    workers = [resolve_environment(cfg, None), resolve_environment(cfg, "production")]
    sources = [parse_file(p) for p in iter_source_paths(tmp_path) if isinstance(p, Path)]
    from mbv_cli.core.bindings_diff import analyse_environments

    assert codes(analyse_environments(workers, sources)) == [("MBV004", None, "STRIPE_KEY")]


def test_mbv008_dynamic_access_is_info_and_never_guessed(tmp_path: Path) -> None:
    code = CODE.replace("return new", "const name = pick();\n    const kv = env[name];\n    return new")
    findings = diff(make_worker(tmp_path, code=code))
    assert [(f.code, f.severity.value, f.env) for f in findings] == [("MBV008", "info", None)]
    assert "env[name]" in findings[0].message and findings[0].line == 6
    # a literal key is an ordinary usage, not a dynamic one
    (tmp_path / "src" / "index.ts").write_text(CODE.replace("env.USERS", 'env["USERS"]'))
    assert diff(tmp_path) == []


def test_mbv001_hints_for_other_envs_and_required_secrets(tmp_path: Path) -> None:
    config = CONFIG + '\n[secrets]\nrequired = ["API_KEY"]\n\n[env.staging]\n[[env.staging.kv_namespaces]]\n' \
        'binding = "USERS"\nid = "a1b2c3d4e5f60718293a4b5c6d7e8f90"\n[env.staging.vars]\nGREETING = "x"\n' \
        'ONLY_STAGING = "1"\n[env.staging.secrets]\nrequired = ["API_KEY"]\n'
    code = CODE.replace("return new", "env.API_KEY; env.ONLY_STAGING;\n    return new")
    findings = diff(make_worker(tmp_path, config, code))
    got = {(f.env, f.binding): f for f in findings if f.code == "MBV001"}
    assert set(got) == {(None, "ONLY_STAGING"), ("production", "ONLY_STAGING"), ("production", "API_KEY")}
    assert "env.staging declares it" in (got[(None, "ONLY_STAGING")].hint or "")
    assert got[("production", "API_KEY")].snippet == '[env.production.secrets]\nrequired = ["API_KEY"]'
