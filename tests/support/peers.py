"""Where the pinned real peers (wrangler, sarif-multitool) live: tests/peers/node_modules.

Tests that need a peer call `require_peer(name)`; it skips when the peers are not installed,
unless MBV_REQUIRE_PEERS=1 (set by .ci/run), where a missing peer fails the test.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PEERS = Path(os.environ.get("MBV_PEERS_DIR", REPO / "tests" / "peers"))


def peer_bin(name: str) -> Path:
    return PEERS / "node_modules" / ".bin" / name


def require_peer(name: str) -> Path:
    path = peer_bin(name)
    if path.exists() and shutil.which("node"):
        return path
    message = f"peer {name} not installed: run `npm ci --prefix tests/peers`"
    if os.environ.get("MBV_REQUIRE_PEERS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def peer_env(tmp_home: Path | None = None) -> dict[str, str]:
    """An environment for running wrangler offline: no metrics, no tokens, a private home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFLARE_")}
    # No traffic off this machine: no metrics, no banner update check against the registry,
    # no Request.cf fetch from workers.cloudflare.com by `wrangler dev`.
    env.update({"WRANGLER_SEND_METRICS": "false", "WRANGLER_HIDE_BANNER": "true",
                "CLOUDFLARE_CF_FETCH_ENABLED": "false", "CI": "true", "NO_COLOR": "1",
                "WRANGLER_LOG": "error"})
    if tmp_home is not None:
        env["HOME"] = str(tmp_home)
        env["XDG_CONFIG_HOME"] = str(tmp_home / ".config")
    return env
