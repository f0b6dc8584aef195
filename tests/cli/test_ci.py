"""CI adoption: baselines, several outputs per run, repository-relative paths, statistics."""

from __future__ import annotations

import datetime as _dt
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "mustbeviral"

HANDLER = """export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const id = new URL(req.url).searchParams.get("id");
    const row = await env.DB.prepare(`SELECT * FROM t WHERE id = ${id}`).first();
    return Response.json(row);
  },
};
"""
SESSION = "export function newSession() {\n  const sessionId = Math.random().toString(36).slice(2);\n  return sessionId;\n}\n"
NONCE = "export function nonce() {\n  const token = Math.random().toString(16);\n  return token;\n}\n"


def _worker(root: Path, source: str) -> Path:
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "wrangler.toml").write_text(
        f'name = "w"\nmain = "src/index.ts"\ncompatibility_date = "{_dt.date.today().isoformat()}"\n'
        '[[d1_databases]]\nbinding = "DB"\ndatabase_name = "w"\n'
        'database_id = "0f8c3a52-6f7e-4d1b-9a40-2c1d5e7b8a91"\n', encoding="utf-8")
    (root / "src" / "index.ts").write_text(source, encoding="utf-8")
    return root


def _codes(stdout: str) -> list[str]:
    return sorted(f["code"] for f in json.loads(stdout)["findings"])


@pytest.mark.parametrize("command", [("doctor",), ("bindings", "diff")])
def test_baseline_round_trip_fails_only_on_the_new_finding(run_mbv, tmp_path: Path, command: tuple[str, ...]) -> None:
    root = _worker(tmp_path / "w", HANDLER + SESSION if command == ("doctor",) else HANDLER.replace("env.DB", "env.KV"))
    baseline = tmp_path / "baseline.json"
    first = run_mbv(*command, str(root), "--baseline", str(baseline), "--update-baseline", "-f", "json")
    assert first.exit_code == 0 and json.loads(first.stdout)["findings"] == []
    written = baseline.read_text(encoding="utf-8")
    data = json.loads(written)
    assert data["schema"] == "mbv.baseline/1" and data["written_by"].startswith("mbv ")
    assert data["findings"] == sorted(data["findings"], key=lambda e: (e.get("file", ""), e["code"],
                                                                        e.get("worker", ""), e.get("env", ""),
                                                                        e["hash"]))
    assert data["findings"] and all(len(line) < 400 for line in written.splitlines())  # one entry per line
    again = run_mbv(*command, str(root), "--baseline", str(baseline), "--update-baseline")
    assert again.exit_code == 0 and baseline.read_text(encoding="utf-8") == written  # stable bytes
    unchanged = run_mbv(*command, str(root), "--baseline", str(baseline))
    assert unchanged.exit_code == 0, unchanged.stdout

    if command == ("doctor",):
        # fix one (the SQL), add one (a nonce), move everything 10 lines down
        source = "\n" * 10 + HANDLER.replace("${id}", "?").replace(".first()", ".bind(id).first()") + SESSION + NONCE
        fixed_code, new_code = "MBV101", "MBV114"
    else:
        # fix one (KV declared now), add one (env.QUEUE), move everything 10 lines down
        (root / "wrangler.toml").write_text((root / "wrangler.toml").read_text(encoding="utf-8")
                                            + '[[kv_namespaces]]\nbinding = "KV"\nid = "0f8c3a526f7e4d1b9a402c1d5e7b8a91"\n',
                                            encoding="utf-8")
        source = "\n" * 10 + HANDLER.replace("env.DB", "env.KV").replace("return", "await env.QUEUE.send(1);\n    return")
        fixed_code, new_code = "MBV001", "MBV001"
    (root / "src" / "index.ts").write_text(source, encoding="utf-8")
    before = run_mbv(*command, str(root), "-f", "json")
    assert len(json.loads(before.stdout)["findings"]) >= 2  # without the baseline the old ones are still there
    result = run_mbv(*command, str(root), "--baseline", str(baseline), "-f", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert [(f["code"], f["line"]) for f in doc["findings"]] == [(new_code, doc["findings"][0]["line"])]
    assert doc["findings"][0]["line"] > 10
    if command != ("doctor",):
        assert doc["findings"][0]["binding"] == "QUEUE"
    assert [e["code"] for e in doc["baseline"]["fixed"]] == [fixed_code]
    assert doc["baseline"]["known"] == len(json.loads(before.stdout)["findings"]) - 1
    text = run_mbv(*command, str(root), "--baseline", str(baseline))
    assert f"fixed, remove from baseline: {fixed_code}" in text.stdout


def test_baseline_errors_are_one_line_and_exit_2(run_mbv, tmp_path: Path) -> None:
    root = _worker(tmp_path / "w", HANDLER)
    missing = run_mbv("doctor", str(root), "--baseline", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2 and "--update-baseline" in missing.stderr and len(missing.stderr.splitlines()) == 1
    (tmp_path / "bad.json").write_text("{\n  nope", encoding="utf-8")
    bad = run_mbv("doctor", str(root), "--baseline", str(tmp_path / "bad.json"))
    assert bad.exit_code == 2 and "bad.json:2:" in bad.stderr
    alone = run_mbv("doctor", str(root), "--update-baseline")
    assert alone.exit_code == 2 and "--baseline" in alone.stderr


def test_baseline_hashes_do_not_depend_on_the_directory_mbv_runs_from(run_mbv, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    root = _worker(repo / "workers" / "api", HANDLER)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    baseline = tmp_path / "b.json"
    run_mbv("doctor", "workers/api", "--baseline", str(baseline), "--update-baseline", cwd=repo)
    result = run_mbv("doctor", ".", "--baseline", str(baseline), cwd=root)
    assert result.exit_code == 0, result.stdout
    assert '"file": "workers/api/src/index.ts"' in baseline.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", [("doctor",), ("bindings", "diff")])
def test_several_outputs_equal_separate_runs_byte_for_byte(run_mbv, tmp_path: Path, command: tuple[str, ...]) -> None:
    formats = ["sarif", "junit", "json", "text"]
    args = [a for fmt in formats for a in ("--output", f"{fmt}={tmp_path / ('out.' + fmt)}")]
    combined = run_mbv(*command, "examples/mustbeviral", "--format", "github", *args, cwd=REPO)
    alone = run_mbv(*command, "examples/mustbeviral", "--format", "github", cwd=REPO)
    assert combined.exit_code == alone.exit_code == 1  # computed once, the same
    assert combined.stdout == alone.stdout
    for fmt in formats:
        separate = run_mbv(*command, "examples/mustbeviral", "--format", fmt, cwd=REPO)
        assert separate.exit_code == 1
        assert (tmp_path / f"out.{fmt}").read_bytes() == separate.stdout.encode("utf-8"), fmt


def test_output_flag_errors_exit_2_before_the_run(run_mbv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    for value, expected in (("xml=a.xml", "unknown format"), ("sarif", "no file given"), ("sarif=", "no file given")):
        result = run_mbv("doctor", "examples/mustbeviral", "--output", value, cwd=REPO)
        assert result.exit_code == 2 and expected in result.stderr, value
    blocked = run_mbv("doctor", "examples/mustbeviral", "--output", f"sarif={tmp_path / 'no' / 'dir.sarif'}", cwd=REPO)
    assert blocked.exit_code == 2 and "cannot write the sarif output" in blocked.stderr


def _git_repo_with_example(tmp_path: Path) -> Path:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo / "apps" / "mustbeviral", ignore=shutil.ignore_patterns(".wrangler", "node_modules"))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def test_github_annotations_from_a_subdirectory_name_paths_from_the_repository_root(run_mbv, tmp_path: Path) -> None:
    repo = _git_repo_with_example(tmp_path)
    workdir = repo / "apps" / "mustbeviral" / "workers" / "content-worker"
    result = run_mbv("doctor", "--format", "github", cwd=workdir)
    assert result.exit_code == 1
    files = re.findall(r"^::\w+ file=([^,]+)", result.stdout, re.M)
    assert files and all(f.startswith("apps/mustbeviral/workers/content-worker/") for f in files), files
    assert "apps/mustbeviral/workers/content-worker/src/posts.ts" in files
    assert all((repo / f).is_file() for f in files)
    sarif = json.loads(run_mbv("doctor", "--format", "sarif", cwd=workdir).stdout)["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["results"]}
    assert uris and all((repo / u).is_file() for u in uris), uris
    assert all("region" in r["locations"][0]["physicalLocation"] for r in sarif["results"])
    assert sarif["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    junit = run_mbv("doctor", "--format", "junit", cwd=workdir).stdout
    junit_files = re.findall(r' file="([^"]+)"', junit)
    assert junit_files and all((repo / f).is_file() for f in junit_files), junit_files
    text = run_mbv("doctor", cwd=workdir)  # people still read paths from where they are
    assert "src/posts.ts:24:44" in text.stdout and "apps/mustbeviral" not in text.stdout


def test_markdown_summary_goes_to_the_job_summary_when_asked(run_mbv, tmp_path: Path) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    result = run_mbv("doctor", "examples/mustbeviral", "--format", "github", "--output", "markdown",
                     env={"GITHUB_STEP_SUMMARY": str(summary)}, cwd=REPO)
    assert result.exit_code == 1
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("# earlier step\n## mbv doctor\n")  # appended, as GitHub expects
    _, data = 0, json.loads(run_mbv("doctor", "examples/mustbeviral", "-f", "json", cwd=REPO).stdout)
    for area in data["areas"]:
        counts = area["counts"]
        assert f"| {area['name']} | {counts['error']} | {counts['warning']} | {counts['info']} |" in written
    assert "| MBV101 |" in written and "`examples/mustbeviral/workers/content-worker/src/posts.ts:24`" in written
    alone = run_mbv("doctor", "examples/mustbeviral", "--output", f"markdown={tmp_path / 's.md'}", cwd=REPO)
    assert (tmp_path / "s.md").read_text(encoding="utf-8") == written.removeprefix("# earlier step\n")
    assert alone.exit_code == 1
    diff = run_mbv("bindings", "diff", "examples/mustbeviral", "-f", "markdown", cwd=REPO)
    assert diff.stdout.startswith("## ") and "| MBV" in diff.stdout


def test_statistics_count_per_code_and_severity_and_keep_the_exit_code(run_mbv) -> None:
    data = json.loads(run_mbv("doctor", "examples/mustbeviral", "-f", "json", cwd=REPO).stdout)
    stats = run_mbv("doctor", "examples/mustbeviral", "--statistics", "-f", "json", cwd=REPO)
    assert stats.exit_code == 1
    doc = json.loads(stats.stdout)
    assert doc["schema"] == "mbv.statistics/1" and doc["summary"] == {k: data["summary"][k] for k in doc["summary"]}
    expected: dict[tuple[str, str], int] = {}
    for f in data["findings"]:
        expected[(f["code"], f["severity"])] = expected.get((f["code"], f["severity"]), 0) + 1
    assert {(r["code"], r["severity"]): r["count"] for r in doc["statistics"]} == expected
    assert [r["count"] for r in doc["statistics"]] == sorted((r["count"] for r in doc["statistics"]), reverse=True)
    text = run_mbv("doctor", "examples/mustbeviral", "--statistics", cwd=REPO).stdout.splitlines()
    assert re.match(r"^\s*\d+  MBV\d{3}  (error|warning|info)\s+[a-z-]+", text[0])
    assert len(text) == len(expected) + 1
    refused = run_mbv("bindings", "diff", "examples/mustbeviral", "--statistics", "-f", "sarif", cwd=REPO)
    assert refused.exit_code == 2 and "--output" in refused.stderr


def test_a_code_repeated_in_one_worker_is_grouped_in_text(run_mbv, tmp_path: Path) -> None:
    uses = "".join(f"    await env.B{n}.get('k');\n" for n in range(12))
    source = HANDLER.replace("    return", uses + "    return")
    root = _worker(tmp_path / "w", source)
    grouped = run_mbv("doctor", str(root))
    assert grouped.stdout.count("MBV001 ") == 3 + 1, grouped.stdout
    assert "MBV001 × 12 in 1 Worker: first 3 shown, --all lists every one" in grouped.stdout
    assert "MBV101" in grouped.stdout  # other codes are untouched
    every = run_mbv("doctor", str(root), "--all")
    assert every.stdout.count("MBV001 ") == 12 and "×" not in every.stdout
    diff = run_mbv("bindings", "diff", str(root))
    assert diff.stdout.count(" MBV001 ") == 3 + 1 and "MBV001 × 12 in 1 Worker: first 3 shown" in diff.stdout
    assert run_mbv("bindings", "diff", str(root), "--all").stdout.count(" MBV001 ") == 12
    assert len(json.loads(run_mbv("bindings", "diff", str(root), "-f", "json").stdout)["findings"]) >= 12


def test_readme_ci_section_is_one_run_with_a_baseline_sarif_and_the_job_summary(run_mbv, tmp_path: Path) -> None:
    import shlex
    import shutil

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## In CI\n")[1].split("\n## ")[0]
    workflow = section.split("```yaml\n")[1].split("```")[0]
    runs = re.findall(r"- run: >-\n((?:\s{10}.+\n)+)", workflow)
    commands = [" ".join(line.strip() for line in block.splitlines()) for block in runs]
    mbv_runs = [c for c in commands if c.startswith("mbv ")]
    assert len(mbv_runs) == 1 and "upload-sarif" in workflow
    args = shlex.split(mbv_runs[0])[1:]
    assert "--baseline" in args and "sarif=mbv.sarif" in args and "markdown" in args
    # the command works as written: in a repository with a committed baseline, then a new finding
    repo = _git_repo_with_example(tmp_path)
    example = repo / "apps" / "mustbeviral"
    summary = tmp_path / "summary.md"
    first = run_mbv(*args, "--update-baseline", cwd=example, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert first.exit_code == 0 and (example / ".mbv-baseline.json").is_file() and (example / "mbv.sarif").is_file()
    again = run_mbv(*args, cwd=example, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert again.exit_code == 0 and json.loads((example / "mbv.sarif").read_text(encoding="utf-8"))["runs"][0][
        "results"] == []
    posts = example / "workers" / "content-worker" / "src" / "posts.ts"
    posts.write_text(posts.read_text(encoding="utf-8") + "\nexport const token = () => Math.random().toString(36);\n"
                     "export async function q(env: Env, id: string) {\n"
                     "  return env.CONTENT_DB.prepare(`SELECT * FROM posts WHERE id = ${id}`).first();\n}\n",
                     encoding="utf-8")
    failing = run_mbv(*args, cwd=example, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert failing.exit_code == 1
    assert "::error file=apps/mustbeviral/workers/content-worker/src/posts.ts" in failing.stdout
    results = json.loads((example / "mbv.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert results and all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                           == "apps/mustbeviral/workers/content-worker/src/posts.ts" for r in results)
    assert summary.read_text(encoding="utf-8").count("## mbv doctor") == 3
    shutil.rmtree(repo)


def test_doctor_sarif_for_a_worker_under_odd_directory_names_passes_the_real_validator(run_mbv, tmp_path: Path) -> None:
    import shutil

    from tests.support.peers import require_peer

    validator = require_peer("sarif-multitool")
    repo = tmp_path / "repo"
    worker = repo / "my workers" / "ünï #1"
    shutil.copytree(EXAMPLE / "workers" / "content-worker", worker,
                    ignore=shutil.ignore_patterns(".wrangler", "node_modules"))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-q",
                    "--allow-empty", "-m", "init"], check=True)
    sarif = tmp_path / "doctor.sarif"
    result = run_mbv("doctor", ".", "--output", f"sarif={sarif}", cwd=worker)
    assert result.exit_code == 1
    run = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert "my%20workers/%C3%BCn%C3%AF%20%231/src/posts.ts" in uris
    assert run["versionControlProvenance"][0]["revisionId"]
    out = tmp_path / "validation.sarif"
    proc = subprocess.run([str(validator), "validate", str(sarif), "-o", str(out), "--level", '"Error;Warning"'],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    problems = json.loads(out.read_text(encoding="utf-8-sig"))["runs"][0]["results"]
    assert [(p["ruleId"], p["message"].get("arguments")) for p in problems] == []


def test_paths_are_from_the_repository_root_when_mbv_runs_outside_it(run_mbv, tmp_path: Path) -> None:
    repo = _git_repo_with_example(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    result = run_mbv("doctor", str(repo / "apps" / "mustbeviral"), "--format", "github", cwd=outside)
    files = re.findall(r"^::\w+ file=([^,]+)", result.stdout, re.M)
    assert files and all(f.startswith("apps/mustbeviral/") for f in files), files
