"""Finding wrangler configs: wrangler's own upward search, and mbv's monorepo scan.

wrangler (workers-utils `config/config-helpers.ts` 31-86) searches upward from a directory for
`wrangler.json` all the way to the root, then `wrangler.jsonc`, then `wrangler.toml`: a parent's
wrangler.json beats a wrangler.toml in the directory itself.
"""

from __future__ import annotations

import os
from pathlib import Path

CONFIG_NAMES = ("wrangler.json", "wrangler.jsonc", "wrangler.toml")
# dependency and build output folders (dot folders such as .wrangler, .git, .open-next are skipped too)
SKIPPED_DIRS = frozenset({"node_modules", ".wrangler", ".git", "dist", "build", "out", "coverage"})


def find_config(start: str | Path) -> Path | None:
    """The config wrangler would use when run in `start` (a directory)."""
    directory = Path(start).resolve()
    for name in CONFIG_NAMES:
        for folder in (directory, *directory.parents):
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def config_in(directory: Path) -> Path | None:
    """The config a directory holds itself, by wrangler's precedence (json > jsonc > toml)."""
    for name in CONFIG_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def find_worker_configs(root: str | Path) -> list[Path]:
    """Every Worker at or below `root`: one config per directory (json > jsonc > toml), nested ones
    included, skipping dependency, build output and dot folders."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        names = set(filenames)
        for name in CONFIG_NAMES:
            if name in names:
                found.append(Path(dirpath) / name)
                break
    return found
