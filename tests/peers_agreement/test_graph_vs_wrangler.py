"""`mbv graph --format json` lists the project files the pinned real wrangler bundles.

For each layout in tests/fixtures/graph/, the test copies it to a temporary folder, builds its
node_modules offline (folders named `_node_modules` become `node_modules`; `links.txt` lines
`LINK -> TARGET` become symlinks, as npm/pnpm workspaces make them), runs
`wrangler deploy --dry-run --outdir D --metafile M` and compares the metafile's inputs outside
node_modules with mbv's modules: identical sets, except files mbv reached only through
`import type` (esbuild drops them). Two layouts differ on purpose: without `main` wrangler bundles
nothing and mbv reports no code; with `main` in a build folder wrangler bundles the build output
and mbv reads none of it (it says to build-free check the source through mbv.toml's [entry]).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mbv_cli.core.wrangler.discovery import find_worker_configs
from tests.support.peers import peer_env, require_peer

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "graph"
LAYOUTS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())

pytestmark = pytest.mark.wrangler


def materialise(layout: str, into: Path) -> Path:
    """A copy of the layout with its node_modules built (renamed folders and symlinks); its config."""
    work = into / layout
    shutil.copytree(FIXTURES / layout, work, symlinks=True)
    renamed = sorted((p for p in work.rglob("_node_modules") if p.is_dir()), key=lambda p: -len(p.parts))
    for folder in renamed:
        folder.rename(folder.with_name("node_modules"))
    links = work / "links.txt"
    if links.is_file():
        for line in links.read_text(encoding="utf-8").splitlines():
            if "->" not in line:
                continue
            link, target = (part.strip() for part in line.split("->"))
            (work / link).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, work / link, target_is_directory=True)
            assert (work / link).is_dir(), f"{layout}: {line} points nowhere"
    [config] = find_worker_configs(work)
    return config


def project_inputs(metafile: Path, root: Path) -> set[Path]:
    if not metafile.is_file():
        return set()
    inputs = json.loads(metafile.read_text(encoding="utf-8"))["inputs"]
    found: set[Path] = set()
    for name in inputs:
        if ":" in name.split("/")[0] or "node_modules" in Path(name).parts or ".wrangler" in Path(name).parts:
            continue  # wrangler's own middleware and virtual modules, third-party code
        found.add(Path(os.path.realpath(root / name)))
    return found


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, set[Path], str]]:
    wrangler = require_peer("wrangler")
    base = tmp_path_factory.mktemp("graph")
    home = tmp_path_factory.mktemp("home")

    def run(layout: str) -> tuple[str, tuple[Path, set[Path], str]]:
        config = materialise(layout, base)
        out, meta = base / f"{layout}-out", base / f"{layout}-meta.json"
        proc = subprocess.run([str(wrangler), "deploy", "--dry-run", "--outdir", str(out), "--metafile", str(meta),
                               "-c", config.name], cwd=config.parent, env=peer_env(home), capture_output=True,
                              text=True, timeout=180)
        return layout, (config, project_inputs(meta, config.parent), proc.stdout + proc.stderr)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, LAYOUTS))


def test_there_are_enough_layouts() -> None:
    assert len(LAYOUTS) >= 12


@pytest.mark.parametrize("layout", LAYOUTS)
def test_graph_matches_the_bundle(layout: str, bundles, run_mbv) -> None:
    config, theirs, log = bundles[layout]
    result = run_mbv("graph", str(config.parent), "--format", "json", cwd=config.parent)
    assert result.exit_code == 0, result.stderr
    [worker] = json.loads(result.stdout)["workers"]
    modules = {Path(os.path.realpath(config.parent / m["path"])): m for m in worker["modules"]
               if m["how"] not in ("module-rule", "additional-module")}
    ours = set(modules)
    if layout == "no_main":
        assert worker["status"] == "no-main" and not ours and not theirs, log
        return
    if layout == "main_in_build":
        assert worker["status"] == "main-in-build" and not ours, worker
        assert theirs == {Path(os.path.realpath(config.parent / "dist" / "index.js"))}, log
        return
    assert theirs, f"wrangler bundled nothing for {layout}:\n{log[-3000:]}"
    assert worker["status"] == "ok" and not worker["unresolved"], worker
    extra = {p for p in ours - theirs if not modules[p]["type_only"]}
    assert not extra and not theirs - ours, (
        f"only mbv: {sorted(map(str, extra))}; only wrangler: {sorted(map(str, theirs - ours))}")
