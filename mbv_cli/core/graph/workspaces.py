"""The repository's workspace declarations: npm/yarn `workspaces` and pnpm-workspace.yaml.

When dependencies are not installed, a bare import of a workspace package (`@repo/common/src/x`)
still leads to the package's folder through these declarations, as it would once installed.
"""

from __future__ import annotations

import re
from pathlib import Path

from mbv_cli.core.graph.resolve import FileSystemCache, in_node_modules

_PNPM_ITEM = re.compile(r"""^\s*-\s*['"]?([^'"#\n]+?)['"]?\s*(?:#.*)?$""")


def workspace_root(start: Path, fs: FileSystemCache) -> Path | None:
    """The nearest folder at or above `start` that declares workspaces (package.json or pnpm)."""
    for folder in (start, *start.parents):
        if fs.is_file(str(folder / "pnpm-workspace.yaml")):
            return folder
        manifest = fs.json(folder / "package.json")
        if isinstance(manifest, dict) and manifest.get("workspaces"):
            return folder
        if fs.is_dir(str(folder / ".git")):
            return None
    return None


def workspace_patterns(root: Path, fs: FileSystemCache) -> list[str]:
    patterns: list[str] = []
    manifest = fs.json(root / "package.json")
    if isinstance(manifest, dict):
        declared = manifest.get("workspaces")
        if isinstance(declared, dict):
            declared = declared.get("packages")
        if isinstance(declared, list):
            patterns += [str(p) for p in declared]
    pnpm = root / "pnpm-workspace.yaml"
    if fs.is_file(str(pnpm)):
        try:
            lines = pnpm.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        inside = False
        for line in lines:
            if re.match(r"^packages\s*:", line):
                inside = True
                continue
            if inside and line and not line[0].isspace() and not line.startswith("-"):
                inside = False
            match = _PNPM_ITEM.match(line) if inside else None
            if match:
                patterns.append(match.group(1).strip())
    return patterns


def workspace_packages(start: Path, fs: FileSystemCache) -> dict[str, Path]:
    """Package name -> directory of every package the repo's workspace declarations name."""
    root = workspace_root(start, fs)
    if root is None:
        return {}
    found: dict[str, Path] = {}
    for pattern in workspace_patterns(root, fs):
        if pattern.startswith("!"):
            continue
        pattern = pattern.rstrip("/")
        for directory in sorted(root.glob(pattern)) if pattern not in ("", ".") else [root]:
            if in_node_modules(directory.relative_to(root)) or not directory.is_dir():
                continue
            manifest = fs.json(directory / "package.json")
            if isinstance(manifest, dict) and isinstance(manifest.get("name"), str):
                found.setdefault(manifest["name"], directory.resolve())
    return found
