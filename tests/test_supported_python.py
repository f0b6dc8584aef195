"""The supported Python range is stated in four places; they must tell the same story.

pyproject's requires-python is the truth (3.11+: 3.10 reached end of life in October 2026 and
`sqlite3.Connection.set_authorizer(None)` needs 3.11). The classifiers, the README's quick start,
ruff's and mypy's target and .ci/run's guard follow it.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _minimum() -> tuple[int, int]:
    match = re.fullmatch(r">=(\d+)\.(\d+)", PYPROJECT["project"]["requires-python"].strip())
    assert match, PYPROJECT["project"]["requires-python"]
    return int(match.group(1)), int(match.group(2))


def test_the_running_python_is_supported() -> None:
    assert sys.version_info[:2] >= _minimum()


def test_classifiers_list_exactly_the_supported_minor_versions_from_the_minimum() -> None:
    major, minor = _minimum()
    versions = sorted(
        (int(m.group(1)), int(m.group(2)))
        for c in PYPROJECT["project"]["classifiers"]
        if (m := re.fullmatch(r"Programming Language :: Python :: (\d+)\.(\d+)", c))
    )
    assert versions, "no per-version classifiers"
    assert versions[0] == (major, minor)
    assert versions == [(major, m) for m in range(minor, minor + len(versions))]


def test_readme_quick_start_names_the_minimum() -> None:
    major, minor = _minimum()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    claims = set(re.findall(r"Python (\d+\.\d+)\+", readme))
    assert claims == {f"{major}.{minor}"}


def test_linters_target_the_minimum() -> None:
    major, minor = _minimum()
    assert PYPROJECT["tool"]["ruff"]["target-version"] == f"py{major}{minor}"
    assert PYPROJECT["tool"]["mypy"]["python_version"] == f"{major}.{minor}"


def test_no_dependency_only_an_older_python_needed() -> None:
    major, minor = _minimum()
    for dependency in PYPROJECT["project"]["dependencies"]:
        marker = re.search(r"python_version\s*<\s*'(\d+)\.(\d+)'", dependency)
        if marker:
            assert (int(marker.group(1)), int(marker.group(2))) > (major, minor), dependency
    sources = [*(ROOT / "mbv_cli").rglob("*.py")]
    assert not [p for p in sources if "import tomli\n" in p.read_text(encoding="utf-8")]


def test_ci_refuses_an_older_python_in_one_line(tmp_path: Path) -> None:
    major, minor = _minimum()
    fake = tmp_path / "python3"
    # A python3 that answers like 3.(minimum - 1) would: the version check fails, -V names it.
    fake.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "-V" ]; then echo "Python {major}.{minor - 1}.13"; exit 0; fi\n'
        f'exec {sys.executable} -c "import sys; sys.exit(0 if {(major, minor - 1)} >= {(major, minor)} else 1)"\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", str(ROOT / ".ci" / "run")], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"Python {major}.{minor} or newer" in lines[0]
    assert f"Python {major}.{minor - 1}.13" in lines[0]
