"""The per-file facts cache (.mbv_cache/): warm runs parse nothing, an edit re-parses one file,
findings stay the same, a cache file that is not this user's is never unpickled."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mbv_cli.core.code.cache import CACHE_DIR, FactsCache
from mbv_cli.core.doctor import load_settings, run_doctor
from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers
from tests.conftest import REPO


def doctor(root: Path, cache: FactsCache | None):
    workspace = load_workspace(root, nested=True)
    workers = resolve_workers(workspace, None, all_envs=True)
    result = run_doctor(workspace, workers, settings=load_settings(root), processes=1, cache=cache)
    return result.files_parsed, [(f.code, f.file, f.line, f.env) for f in result.report.sorted()]


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "mustbeviral"
    # a cache a manual run left in the checkout's example is not part of the example
    shutil.copytree(REPO / "examples" / "mustbeviral", root, ignore=shutil.ignore_patterns(CACHE_DIR))
    return root


def test_warm_run_parses_nothing_and_an_edit_parses_one_file(example: Path) -> None:
    cold_parsed, cold = doctor(example, FactsCache.load(example))
    assert cold_parsed == 12 and cold
    assert (example / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    warm_parsed, warm = doctor(example, FactsCache.load(example))
    assert (warm_parsed, warm) == (0, cold)
    posts = example / "workers" / "content-worker" / "src" / "posts.ts"
    posts.write_text(posts.read_text(encoding="utf-8") + "\nexport const added = 1;\n", encoding="utf-8")
    edited_parsed, edited = doctor(example, FactsCache.load(example))
    assert (edited_parsed, edited) == (1, cold)
    assert doctor(example, None) == (12, cold)  # --no-cache: the same truth


def test_a_cache_file_not_signed_by_this_user_is_ignored(example: Path, monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    doctor(example, FactsCache.load(example))
    [stored] = (example / CACHE_DIR).glob("facts-*.pickle")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    assert FactsCache.load(example).entries == {}
    stored.write_bytes(b"\0" * 32 + stored.read_bytes()[32:])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    assert FactsCache.load(example).entries == {}


def test_no_cache_option_writes_nothing(run_mbv, example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MBV_NO_CACHE")
    assert run_mbv("doctor", str(example), "--no-cache").exit_code == 1
    assert not (example / CACHE_DIR).exists()
    assert run_mbv("doctor", str(example)).exit_code == 1
    assert (example / CACHE_DIR / ".gitignore").is_file()


def test_bindings_diff_shares_the_cache(run_mbv, example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MBV_NO_CACHE")
    cold = run_mbv("bindings", "diff", str(example), "--format", "json")
    warm = run_mbv("bindings", "diff", str(example), "--format", "json")
    assert cold.exit_code == warm.exit_code == 1 and cold.stdout == warm.stdout
    cache = FactsCache.load(example)
    assert cache.entries and all(e.facts is not None for e in cache.entries.values())
    assert run_mbv("bindings", "diff", str(example), "--format", "json", "--no-cache").stdout == cold.stdout
