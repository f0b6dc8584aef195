"""`mbv replay`: re-send recorded requests (.http, curl, HAR, wrangler tail, inline) with a debug log.

One concept per module: `model` (requests and exchanges), the source parsers `httpfile`, `curl`,
`har`, `tail` and `sources` (which picks one), `prepare` (--target, headers, credentials; `mint`
signs HS256), `send` + `timing` (httpx with per-phase timings, retries, redirects), `repeat`
(load with AsyncClient), `compare` (JSON-aware diff), `redact`, `result` (the one redacted view)
and `harout` (HAR 1.2 out). `run` ties them together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mbv_cli.core.replay.model import Exchange, ReplayRequest
    from mbv_cli.core.replay.result import SCHEMA, ReplayResult
    from mbv_cli.core.replay.run import ReplayOptions, run_replay
    from mbv_cli.core.replay.sources import SourceSpec, load_requests

__all__ = ["SCHEMA", "Exchange", "ReplayOptions", "ReplayRequest", "ReplayResult", "SourceSpec",
           "load_requests", "run_replay"]

# Imported when first asked for: `mbv logs` reads tail streams, filters and redaction from this package's
# modules and would otherwise load httpx and the whole sender at start (a third of a second).
_LAZY = {"Exchange": "model", "ReplayRequest": "model", "SCHEMA": "result", "ReplayResult": "result",
         "ReplayOptions": "run", "run_replay": "run", "SourceSpec": "sources", "load_requests": "sources"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
