"""The wrangler config model: discovery, parsing, environment resolution, local state paths.

Mirrors wrangler 4.86 (cloudflare/workers-sdk `packages/workers-utils/src/config/`); the facts are
recorded in shared/reference/wrangler.md and each module names the part it follows.
"""

from __future__ import annotations

from mbv_cli.core.wrangler.config import WranglerConfig, load_config
from mbv_cli.core.wrangler.discovery import find_config, find_worker_configs
from mbv_cli.core.wrangler.environments import Binding, ResolvedWorker, resolve_environment, selected_env

__all__ = [
    "Binding",
    "ResolvedWorker",
    "WranglerConfig",
    "find_config",
    "find_worker_configs",
    "load_config",
    "resolve_environment",
    "selected_env",
]
