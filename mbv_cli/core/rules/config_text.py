"""Where a setting or var sits in a wrangler config's text, for file:line in config findings."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mbv_cli.core.wrangler.config import WranglerConfig


def locate_key(cfg: WranglerConfig, key: str, env: str | None) -> tuple[int, int] | None:
    """Line and column of `key = ...` / `"key": ...` at the top level or in env `env`'s section."""
    start, end = 0, len(cfg.text)
    first_env = cfg._first_env_offset()
    if env is None:
        if first_env >= 0:
            end = first_env
    else:
        start = cfg._env_offset(env)
        if start < 0:
            return None
    pattern = re.compile(r"(?:^|[\s{,])([\"']?" + re.escape(key) + r"[\"']?)\s*[=:]", re.M)
    match = pattern.search(cfg.text, start, end)
    if match is None:
        return None
    offset = match.start(1)
    line = cfg.text.count("\n", 0, offset) + 1
    column = offset - (cfg.text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def where(cfg: WranglerConfig, key: str, env: str | None) -> dict[str, object]:
    found = locate_key(cfg, key, env)
    return {"file": str(cfg.path), "line": found[0] if found else None, "column": found[1] if found else None}
