"""`--remote` on `mbv bindings diff|list` and `mbv doctor`: code x config x the deployed Worker.

Against the Cloudflare API stand-in (tests/support/cf_api.py, a real HTTP server on 127.0.0.1) serving
the example monorepo as deployed (tests/support/deployed.py), then perturbed in every way the issue lists.
Response bodies follow the API reference:
- GET /accounts/{account_id}/workers/scripts/{script_name}/settings
  https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/script_and_version_settings/methods/get/
  (cloudflare-typescript src/resources/workers/scripts/script-and-version-settings.ts)
- GET .../workers/scripts/{script_name}/secrets
  https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/secrets/methods/list/
  (secrets.ts: `[{name, type: "secret_text"}]`, a single page)
- GET .../workers/scripts/{script_name}/deployments
  https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/deployments/methods/list/
  (deployments.ts: `{deployments: [{id, created_on, source, strategy, author_email, annotations, versions}]}`)
- GET .../workers/scripts/{script_name}/versions/{version_id}
  https://developers.cloudflare.com/api/resources/workers/subresources/scripts/subresources/versions/methods/get/
  (versions.ts; workers-sdk packages/deploy-helpers/src/deploy/helpers/versions-types.ts `ApiVersion`:
  metadata.author_email/created_on/source, annotations "workers/tag"/"workers/message")
Errors: 10007 "This Worker does not exist on your account." (workers-sdk deploy-helpers
worker-not-found-error.ts), 401 for a token the API cannot authenticate, 403 (10000) without the
Workers Scripts Read permission, 429 with Retry-After.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers
from tests.conftest import REPO
from tests.support.cf_api import TOKEN, FakeCloudflare, Fault, serve_fake_cloudflare
from tests.support.deployed import AUTHOR, MESSAGE, TAG, deploy

EXAMPLE = REPO / "examples" / "mustbeviral"
REMOTE_CODES = {"MBV010", "MBV011", "MBV012", "MBV013", "MBV014"}


def _example_workers() -> list[Any]:
    return resolve_workers(load_workspace(EXAMPLE, None, nested=True), None, True)


@pytest.fixture
def account(tmp_path: Path) -> Iterator[FakeCloudflare]:
    """Every Worker and env of the example deployed exactly as its config says."""
    with serve_fake_cloudflare(tmp_path / "cf") as fake:
        for worker in _example_workers():
            deploy(fake, worker)
        yield fake


def perturb(fake: FakeCloudflare) -> None:
    """The deployed state differs from the example in every way --remote reports."""
    del fake.scripts["mustbeviral-auth-staging"]  # an env never deployed (MBV013)
    auth = fake.scripts["mustbeviral-auth-production"]
    auth.drop("JWT_SECRET_PREVIOUS")  # the code reads it after a rotation (MBV010, secret)
    revoked = auth.binding("REVOKED_TOKENS")
    assert revoked is not None
    revoked["namespace_id"] = "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a"  # another namespace (MBV011)
    auth.bindings.append({"name": "SESSIONS", "type": "kv_namespace",  # added by hand (MBV012, read by code)
                          "namespace_id": "a48802d1e40c1aa0fec6dad051b09922"})
    auth.bindings.append({"name": "MAINTENANCE_MODE", "type": "plain_text", "text": "off"})  # dashboard var (MBV012)
    auth.compatibility_date, auth.compatibility_flags = "2026-09-15", []  # (MBV014)
    content = fake.scripts["mustbeviral-content-production"]
    content.drop("MEDIA_BUCKET")  # config declares it, code reads it, deploy lacks it (MBV010, binding)
    cache = content.binding("CONTENT_CACHE")
    assert cache is not None
    cache["namespace_id"] = "d706b78b64e8c2574b613c7b2436dc03"  # the config has a placeholder (MBV011)
    fake.scripts["mustbeviral-content-staging"].drop("SEARCH_INDEX")  # config only, unused (MBV011)
    analytics = fake.scripts["mustbeviral-analytics"]
    analytics.bindings.append({"name": "API_SIGNING_KEY", "type": "secret_text"})  # settles MBV004


def _json(run_mbv: Any, fake: FakeCloudflare, *args: str, env: dict[str, str] | None = None) -> tuple[Any, dict]:
    result = run_mbv(*args, "-f", "json", env={**fake.env(), **(env or {})})
    assert result.exit_code in (0, 1), result.stderr
    assert TOKEN not in result.stdout + result.stderr
    return result, json.loads(result.stdout)


def _remote(findings: list[dict]) -> set[tuple[str, str, str | None, str | None]]:
    return {(f["code"], f["worker"], f["env"], f["binding"]) for f in findings if f["code"] in REMOTE_CODES}


def test_deployed_as_configured_shows_the_planted_mbv001_live(run_mbv, account: FakeCloudflare) -> None:
    """Deployed exactly as the example's config says: production really lacks SESSIONS (the planted MBV001)."""
    local = run_mbv("bindings", "diff", str(EXAMPLE), "-f", "json")
    _, remote = _json(run_mbv, account, "bindings", "diff", str(EXAMPLE), "--remote")
    assert remote["schema"] == "mbv.bindings.remote/1"
    assert _remote(remote["findings"]) == {("MBV010", "mustbeviral-auth-production", "production", "SESSIONS")}
    # the local findings stay, MBV004 now settled: the deployed analytics Worker lacks the member
    before = [(f["code"], f["binding"]) for f in json.loads(local.stdout)["findings"]]
    after = [(f["code"], f["binding"]) for f in remote["findings"] if f["code"] not in REMOTE_CODES]
    assert after == before and ("MBV004", "API_SIGNING_KEY") in after
    settled = next(f for f in remote["findings"] if f["code"] == "MBV004")
    assert "the deployed mustbeviral-analytics does not have it" in settled["message"]
    assert all(r["method"] == "GET" for r in account.requests)  # never writes
    assert len(remote["workers"]) == 7 and all(w["deployed"] for w in remote["workers"])


def test_an_account_where_everything_matches_gives_no_remote_finding(run_mbv, tmp_path: Path) -> None:
    example = tmp_path / "mustbeviral"
    shutil.copytree(EXAMPLE, example)
    config = example / "workers" / "auth-worker" / "wrangler.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[[env.production.kv_namespaces]]\nbinding = "SESSIONS"'
                      '\nid = "c0ffee00c0ffee00c0ffee00c0ffee00"\n', encoding="utf-8")
    with serve_fake_cloudflare(tmp_path / "cf") as fake:
        for worker in resolve_workers(load_workspace(example, None, nested=True), None, True):
            deploy(fake, worker)
        _, doc = _json(run_mbv, fake, "bindings", "diff", str(example), "--remote", "--all-envs")
        assert _remote(doc["findings"]) == set()
        assert all(b["status"] in ("same", "secret") for w in doc["workers"] for b in w["bindings"]), doc["workers"]
        _, listed = _json(run_mbv, fake, "bindings", "list", str(example), "--remote", "--all-envs")
        assert _remote(listed["findings"]) == set() and len(listed["workers"]) == 7


def test_every_difference_is_one_finding(run_mbv, account: FakeCloudflare) -> None:
    perturb(account)
    result, doc = _json(run_mbv, account, "bindings", "diff", str(EXAMPLE), "--remote")
    assert result.exit_code == 1
    assert _remote(doc["findings"]) == {
        ("MBV010", "mustbeviral-auth-production", "production", "JWT_SECRET_PREVIOUS"),
        ("MBV010", "mustbeviral-content-production", "production", "MEDIA_BUCKET"),
        ("MBV011", "mustbeviral-auth-production", "production", "REVOKED_TOKENS"),
        ("MBV011", "mustbeviral-content-production", "production", "CONTENT_CACHE"),
        ("MBV011", "mustbeviral-content-staging", "staging", "SEARCH_INDEX"),
        ("MBV012", "mustbeviral-auth-production", "production", "SESSIONS"),
        ("MBV012", "mustbeviral-auth-production", "production", "MAINTENANCE_MODE"),
        ("MBV013", "mustbeviral-auth-staging", "staging", None),
        ("MBV014", "mustbeviral-auth-production", "production", None),
    }
    by = {(f["code"], f["binding"] or f["worker"]): f for f in doc["findings"]}
    secret = by["MBV010", "JWT_SECRET_PREVIOUS"]
    assert secret["severity"] == "error"
    assert "lacks secret JWT_SECRET_PREVIOUS" in secret["message"] and "2026-11-20 14:03 UTC" in secret["message"]
    assert secret["hint"] == "`wrangler secret put JWT_SECRET_PREVIOUS --env production`"
    assert secret["file"].endswith("auth-worker/src/auth.ts") and secret["line"] == 86
    bucket = by["MBV010", "MEDIA_BUCKET"]
    assert "binding MEDIA_BUCKET (r2_bucket)" in bucket["message"]
    assert "config changed since the deploy of 2026-11-20 14:03 UTC" in bucket["hint"]
    assert "wrangler deploy --env production" in bucket["hint"]
    revoked = by["MBV011", "REVOKED_TOKENS"]
    assert revoked["severity"] == "warning" and "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a" in revoked["message"]
    assert "the config changed since the deploy of 2026-11-20 14:03 UTC" in revoked["message"]
    assert revoked["file"].endswith("wrangler.toml") and revoked["line"] is not None
    assert "does not have it" in by["MBV011", "SEARCH_INDEX"]["message"]
    assert "the code reads it" in by["MBV012", "SESSIONS"]["message"]
    assert "var MAINTENANCE_MODE" in by["MBV012", "MAINTENANCE_MODE"]["message"]
    assert "off" not in by["MBV012", "MAINTENANCE_MODE"]["message"].split("MAINTENANCE_MODE", 1)[1]  # no value
    missing = by["MBV013", "mustbeviral-auth-staging"]
    assert missing["severity"] == "info"
    assert "no Worker named mustbeviral-auth-staging on account " + account.account in missing["message"]
    compat = by["MBV014", "mustbeviral-auth-production"]
    assert "2026-10-01 in the config, 2026-09-15 deployed" in compat["message"]
    assert "[nodejs_compat] in the config, [] deployed" in compat["message"]
    # MBV004 (maybe a secret) has its definite answer: the deployed Worker has it
    assert not [f for f in doc["findings"] if f["code"] == "MBV004"]
    # the three views of one name
    auth = next(w for w in doc["workers"] if w["script"] == "mustbeviral-auth-production")
    row = next(b for b in auth["bindings"] if b["name"] == "JWT_SECRET_PREVIOUS")
    assert row["status"] == "not-deployed" and row["deployed"] is None
    assert row["code"]["reads"] >= 1 and row["config"] == {"kind": "secret", "type": "string",
                                                             "declared_in": ".dev.vars", "resource": None}
    assert auth["deployment"]["author_email"] == AUTHOR and auth["deployment"]["tag"] == TAG
    assert auth["deployment"]["message"] == MESSAGE and auth["deployment"]["percentage"] == 100.0
    assert auth["compatibility"]["deployed"] == {"date": "2026-09-15", "flags": []}
    staging = next(w for w in doc["workers"] if w["script"] == "mustbeviral-auth-staging")
    assert staging["deployed"] is False and staging["deployment"] is None


def test_text_shows_the_deploy_on_top_and_a_row_per_name(run_mbv, account: FakeCloudflare) -> None:
    perturb(account)
    result = run_mbv("bindings", "diff", str(EXAMPLE), "--remote", "--env", "production", env=account.env())
    assert result.exit_code == 1, result.stderr
    out = result.stdout
    lines = out.splitlines()
    at = lines.index("mustbeviral-auth-production (production) examples/mustbeviral/workers/auth-worker/wrangler.toml")
    assert lines[at + 1:at + 4] == [f"  deployed 2026-11-20 14:03 UTC by {AUTHOR} via wrangler",
                                    f'  version 42, tag {TAG}: "{MESSAGE}"',
                                    "  compatibility 2026-09-15 (no flags)"]
    row = next(line for line in out.splitlines() if line.strip().startswith("JWT_SECRET_PREVIOUS"))
    assert row.split()[1:] == ["read", "1x", "secret", "(.dev.vars)", "missing"]
    assert "MBV010 mustbeviral-auth-production (deployed 2026-11-20 14:03 UTC) lacks secret JWT_SECRET_PREVIOUS" \
        in " ".join(out.split())
    secrets = (EXAMPLE / "workers" / "auth-worker" / ".dev.vars").read_text(encoding="utf-8")
    for line in secrets.splitlines():
        if "=" in line and not line.startswith("#"):
            assert line.split("=", 1)[1].strip() not in out + result.stderr  # never a secret value


@pytest.mark.parametrize("fmt", ["sarif", "github"])
def test_sarif_and_github_carry_the_remote_findings(run_mbv, account: FakeCloudflare, fmt: str) -> None:
    perturb(account)
    result = run_mbv("bindings", "diff", str(EXAMPLE), "--remote", "--env", "production", "-f", fmt,
                     env=account.env())
    assert result.exit_code == 1, result.stderr
    assert "MBV010" in result.stdout and "JWT_SECRET_PREVIOUS" in result.stdout
    if fmt == "sarif":
        rules = {r["id"] for r in json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]}
        assert {"MBV010", "MBV011", "MBV012", "MBV014"} <= rules


def test_bindings_list_remote_shows_the_views_and_exits_0(run_mbv, account: FakeCloudflare) -> None:
    perturb(account)
    result, doc = _json(run_mbv, account, "bindings", "list", str(EXAMPLE), "--remote", "--env", "production")
    assert result.exit_code == 0
    assert [w["script"] for w in doc["workers"]] == [
        "mustbeviral-analytics", "mustbeviral-auth-production", "mustbeviral-content-production"]
    text = run_mbv("bindings", "list", str(EXAMPLE), "--remote", "--env", "production", env=account.env())
    assert text.exit_code == 0 and "MBV010" not in text.stdout  # the views, not the findings
    lines = text.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("MEDIA_BUCKET"))
    assert lines[at].split()[1:] == ["read", "1x", "r2_bucket", "missing"]
    assert lines[at + 1].split() == ["mustbeviral-media"]  # the bucket the config names, under its kind
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("CONTENT_CACHE"))
    assert lines[at + 1].split() == ["your-kv-namespace-id", "d706b78b64e8c2574b613c7b2436dc03"]


def test_without_remote_nothing_is_asked_and_nothing_changes(run_mbv, account: FakeCloudflare) -> None:
    perturb(account)
    plain = run_mbv("bindings", "diff", str(EXAMPLE), "-f", "json", env=account.env())
    assert json.loads(plain.stdout)["schema"] == "mbv.findings/1"
    assert not {f["code"] for f in json.loads(plain.stdout)["findings"]} & REMOTE_CODES
    run_mbv("doctor", str(EXAMPLE), "-f", "json", env=account.env())
    run_mbv("bindings", "list", str(EXAMPLE), env=account.env())
    assert account.requests == []


def test_doctor_remote_only_changes_the_bindings_area(run_mbv, account: FakeCloudflare) -> None:
    perturb(account)
    local = json.loads(run_mbv("doctor", str(EXAMPLE), "-f", "json").stdout)
    result, remote = _json(run_mbv, account, "doctor", str(EXAMPLE), "--remote")
    assert result.exit_code == 1
    areas = {a["name"]: a for a in remote["areas"]}
    before = {a["name"]: a for a in local["areas"]}
    for name, area in areas.items():
        if name != "bindings":
            assert area == before[name]
    assert [f for f in remote["findings"] if not f["code"].startswith("MBV0")] == \
        [f for f in local["findings"] if not f["code"].startswith("MBV0")]
    codes = {f["code"] for f in remote["findings"]}
    assert codes >= REMOTE_CODES and "MBV004" not in codes
    assert areas["bindings"]["counts"]["error"] == before["bindings"]["counts"]["error"] + 2
    assert all(r["method"] == "GET" for r in account.requests)


def test_account_id_comes_from_the_config_when_set(run_mbv, account: FakeCloudflare, tmp_path: Path) -> None:
    worker = tmp_path / "auth"
    shutil.copytree(EXAMPLE / "workers" / "auth-worker", worker)
    config = worker / "wrangler.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'main = "src/index.ts"', f'main = "src/index.ts"\naccount_id = "{account.account}"'), encoding="utf-8")
    result = run_mbv("bindings", "diff", str(worker), "--remote", "--env", "production", "-f", "json",
                     env={**account.env(), "CLOUDFLARE_ACCOUNT_ID": ""})
    assert result.exit_code in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    assert doc["workers"][0]["account_id"] == account.account and doc["workers"][0]["deployed"]
    assert all(f"/accounts/{account.account}/" in r["path"] for r in account.requests)
    # and over CLOUDFLARE_ACCOUNT_ID, as wrangler (the config's account_id wins)
    result = run_mbv("bindings", "diff", str(worker), "--remote", "--env", "production", "-f", "json",
                     env={**account.env(), "CLOUDFLARE_ACCOUNT_ID": "f" * 32})
    assert json.loads(result.stdout)["workers"][0]["deployed"]


def _one_line_error(result: Any) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and TOKEN not in result.stderr + result.stdout
    return lines[0]


def test_a_wrong_token_is_one_line(run_mbv, account: FakeCloudflare) -> None:
    result = run_mbv("bindings", "diff", str(EXAMPLE), "--remote", "--env", "production",
                     env={**account.env(), "CLOUDFLARE_API_TOKEN": "not-the-token"})
    line = _one_line_error(result)
    assert "refused CLOUDFLARE_API_TOKEN (HTTP 401" in line and "Workers Scripts Read" in line
    assert "not-the-token" not in result.stderr


def test_a_token_without_the_permission_names_it(run_mbv, account: FakeCloudflare) -> None:
    account.can_read_workers = False
    line = _one_line_error(run_mbv("bindings", "diff", str(EXAMPLE), "--remote", "--env", "production",
                                   env=account.env()))
    assert "HTTP 403" in line and "'Workers Scripts Read' permission" in line and account.account in line


def test_a_wrong_account_is_named(run_mbv, account: FakeCloudflare) -> None:
    line = _one_line_error(run_mbv("bindings", "diff", str(EXAMPLE), "--remote", "--env", "production",
                                   env={**account.env(), "CLOUDFLARE_ACCOUNT_ID": "f" * 32}))
    assert "not found on account " + "f" * 32 in line and "CLOUDFLARE_ACCOUNT_ID" in line


def test_no_worker_of_the_run_deployed_says_check_the_account(run_mbv, account: FakeCloudflare) -> None:
    account.scripts.clear()
    _, doc = _json(run_mbv, account, "bindings", "diff", str(EXAMPLE), "--remote", "--env", "production")
    assert {f["code"] for f in doc["findings"] if f["code"] in REMOTE_CODES} == {"MBV013"}
    assert any("none of the 3 Workers looked up is deployed on account" in n for n in doc["notes"])


def test_429_then_success_waits_for_retry_after(run_mbv, account: FakeCloudflare) -> None:
    perturb(account)
    account.faults.append(Fault("/settings$", 429, headers={"Retry-After": "1"}, body={
        "success": False, "errors": [{"code": 971, "message": "Please wait and consider throttling your request speed"}],
        "messages": [], "result": None}))
    started = time.monotonic()
    result, doc = _json(run_mbv, account, "bindings", "diff", str(EXAMPLE), "--remote", "--env", "production")
    assert time.monotonic() - started >= 1.0
    assert result.exit_code == 1 and ("MBV010", "mustbeviral-auth-production", "production",
                                      "JWT_SECRET_PREVIOUS") in _remote(doc["findings"])
    settings = [r for r in account.requests if r["path"].endswith("/settings")]
    assert len(settings) == 4  # 3 Workers, one asked twice


def test_429_for_too_long_is_one_line(run_mbv, account: FakeCloudflare) -> None:
    account.faults.append(Fault("/settings$", 429, headers={"Retry-After": "3600"}))
    line = _one_line_error(run_mbv("bindings", "diff", str(EXAMPLE), "--remote", "--env", "production",
                                   env=account.env()))
    assert "rate limit (HTTP 429)" in line and "3600s" in line


def test_a_500_is_one_line(run_mbv, account: FakeCloudflare) -> None:
    account.faults.append(Fault("/deployments$", 500))
    line = _one_line_error(run_mbv("bindings", "diff", str(EXAMPLE), "--remote", "--env", "production",
                                   env=account.env()))
    assert "HTTP 500" in line and "An unknown error has occurred" in line and "deployments of Worker" in line


def test_a_timeout_is_one_line(run_mbv, account: FakeCloudflare) -> None:
    account.faults.append(Fault("/secrets$", 200, delay=1.5))
    line = _one_line_error(run_mbv("bindings", "diff", str(EXAMPLE), "--remote", "--env", "production",
                                   env={**account.env(), "MBV_API_TIMEOUT": "0.3"}))
    assert "timed out" in line and "/secrets" in line


def test_missing_credentials_are_one_line(run_mbv, account: FakeCloudflare) -> None:
    line = _one_line_error(run_mbv("bindings", "diff", str(EXAMPLE), "--remote",
                                   env={**account.env(), "CLOUDFLARE_API_TOKEN": ""}))
    assert "CLOUDFLARE_API_TOKEN" in line
    assert account.requests == []


def test_a_gradual_deployment_names_the_main_version_and_its_share(run_mbv, account: FakeCloudflare) -> None:
    script = account.scripts["mustbeviral-auth-production"]
    main_version = script.deployments[0]["versions"][0]["version_id"]
    script.deployments[0]["versions"] = [{"version_id": "11111111-2222-4333-8444-555555555555", "percentage": 10.0},
                                         {"version_id": main_version, "percentage": 90.0}]
    _, doc = _json(run_mbv, account, "bindings", "diff", str(EXAMPLE), "--remote", "--env", "production")
    auth = next(w for w in doc["workers"] if w["script"] == "mustbeviral-auth-production")
    assert auth["deployment"]["version_id"] == main_version
    assert auth["deployment"]["percentage"] == 90.0 and auth["deployment"]["versions"] == 2


def test_a_version_deleted_since_the_deployment_is_not_an_error(run_mbv, account: FakeCloudflare) -> None:
    account.scripts["mustbeviral-auth-production"].versions.clear()
    _, doc = _json(run_mbv, account, "bindings", "diff", str(EXAMPLE), "--remote", "--env", "production")
    auth = next(w for w in doc["workers"] if w["script"] == "mustbeviral-auth-production")
    assert auth["deployment"]["created_on"] and auth["deployment"]["tag"] is None
    assert auth["deployment"]["author_email"] == AUTHOR  # from the deployment itself


def test_service_environments_are_not_looked_up_and_say_so(run_mbv, account: FakeCloudflare, tmp_path: Path) -> None:
    worker = tmp_path / "svc"
    worker.mkdir()
    (worker / "wrangler.toml").write_text('name = "svc"\nmain = "index.js"\ncompatibility_date = "2026-10-01"\n'
                                          'legacy_env = false\n[env.production]\n', encoding="utf-8")
    (worker / "index.js").write_text("export default { fetch() { return new Response('ok') } }\n", encoding="utf-8")
    _, doc = _json(run_mbv, account, "bindings", "diff", str(worker), "--remote", "--env", "production")
    assert doc["workers"][0]["skipped"] and "service environment" in doc["workers"][0]["skipped"]
    assert any("legacy_env = false" in n for n in doc["notes"])
    listed = run_mbv("bindings", "list", str(worker), "--remote", "--env", "production", env=account.env())
    assert listed.exit_code == 0 and "not looked up" in listed.stdout and "legacy_env = false" in listed.stderr
    assert account.requests == []


def test_a_committed_secret_var_stays_masked(run_mbv, account: FakeCloudflare) -> None:
    committed = "sk_test_FAKE_mustbeviral_example_key"  # the content Worker's top-level var (MBV202)
    assert committed in (EXAMPLE / "workers" / "content-worker" / "wrangler.jsonc").read_text(encoding="utf-8")
    for fmt in ("text", "json"):
        result = run_mbv("bindings", "list", str(EXAMPLE), "--remote", "--all-envs", "-f", fmt, env=account.env())
        assert result.exit_code == 0 and "STRIPE_API_KEY" in result.stdout
        assert committed not in result.stdout + result.stderr


def test_the_readme_on_call_section_shows_what_mbv_prints(run_mbv, account: FakeCloudflare) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split('## On call: production says "Binding not found"', 1)[1].split("\n## ", 1)[0]
    assert "mbv bindings diff --remote --env production" in section and "Workers Scripts Read" in section
    import re

    blocks = re.findall(r"^```(\w*)\n(.*?)^```$", section, re.S | re.M)
    shown = next(text for lang, text in blocks if not lang).splitlines()
    perturb(account)
    result = run_mbv("bindings", "diff", "--remote", "--env", "production", env=account.env(), cwd=EXAMPLE)
    printed = [line.split() for line in result.stdout.splitlines()]
    for line in shown:
        if line.strip() and not line.strip().startswith("─"):
            assert line.split() in printed, line
    assert "lacks secret JWT_SECRET_PREVIOUS, which the code reads" in " ".join(result.stdout.split())


def test_a_paged_list_is_read_to_its_last_page(run_mbv, account: FakeCloudflare) -> None:
    script = account.scripts["mustbeviral-auth-production"]
    script.bindings.extend({"name": f"EXTRA_SECRET_{i}", "type": "secret_text"} for i in range(3))
    script.bindings = [b for b in script.bindings if b["type"] != "secret_text"] + \
        [b for b in script.bindings if b["type"] == "secret_text"]
    account.page_size = 2
    # the settings list no secrets here: only the paged secrets list tells that JWT_SECRET_PREVIOUS is set
    settings = script.settings
    script.settings = lambda: {**settings(), "bindings": [b for b in script.bindings if b["type"] != "secret_text"]}
    _, doc = _json(run_mbv, account, "bindings", "diff", str(EXAMPLE), "--remote", "--env", "production")
    pages = [r["path"] for r in account.requests if "/mustbeviral-auth-production/secrets" in r["path"]]
    assert len(pages) == 3 and pages[1].endswith("?page=2&per_page=2") and pages[2].endswith("?page=3&per_page=2")
    assert not [f for f in doc["findings"] if f["code"] == "MBV010" and f["binding"] == "JWT_SECRET_PREVIOUS"]
    auth = next(w for w in doc["workers"] if w["script"] == "mustbeviral-auth-production")
    assert {b["name"] for b in auth["bindings"] if b["status"] == "deployed-only"} == {
        "EXTRA_SECRET_0", "EXTRA_SECRET_1", "EXTRA_SECRET_2"}
