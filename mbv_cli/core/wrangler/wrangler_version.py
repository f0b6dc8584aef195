"""Which wrangler a project uses: the installed one, else the version its package.json asks for.

Looked up from the config's folder upwards to the nearest git top level (at most 8 folders):
`node_modules/wrangler/package.json`'s `version` first, then a `wrangler` entry in a package.json's
dependencies or devDependencies (`^4.130.0` -> 4.130.0, the lowest version the range allows).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")
_MAX_BYTES = 1024 * 1024


def _read_json(path: Path) -> dict[str, object] | None:
    try:
        if not path.is_file() or path.stat().st_size > _MAX_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _parse(text: object) -> tuple[int, ...] | None:
    match = _VERSION.search(text) if isinstance(text, str) else None
    return tuple(int(g) for g in match.groups() if g is not None) if match else None


@functools.lru_cache(maxsize=256)
def project_wrangler_version(directory: Path) -> tuple[int, ...] | None:
    """(major, minor[, patch]) of the project's wrangler, or None when nothing says."""
    for folder in [directory, *directory.parents][:8]:
        installed = _read_json(folder / "node_modules" / "wrangler" / "package.json")
        if installed is not None and (version := _parse(installed.get("version"))) is not None:
            return version
        manifest = _read_json(folder / "package.json")
        if manifest is not None:
            for key in ("devDependencies", "dependencies"):
                deps = manifest.get(key)
                if isinstance(deps, dict) and (version := _parse(deps.get("wrangler"))) is not None:
                    return version
        if (folder / ".git").exists():
            break
    return None
