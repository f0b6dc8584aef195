"""`mbv replay`: re-send recorded requests (.http, curl, HAR, wrangler tail, inline) with a debug log.

One concept per module: `model` (requests and exchanges), the source parsers `httpfile`, `curl`,
`har`, `tail` and `sources` (which picks one), `prepare` (--target, headers, credentials; `mint`
signs HS256), `send` + `timing` (httpx with per-phase timings, retries, redirects), `repeat`
(load with AsyncClient), `compare` (JSON-aware diff), `redact`, `result` (the one redacted view)
and `harout` (HAR 1.2 out). `run` ties them together.
"""

from __future__ import annotations

from mbv_cli.core.replay.model import Exchange, ReplayRequest
from mbv_cli.core.replay.result import SCHEMA, ReplayResult
from mbv_cli.core.replay.run import ReplayOptions, run_replay
from mbv_cli.core.replay.sources import SourceSpec, load_requests

__all__ = ["SCHEMA", "Exchange", "ReplayOptions", "ReplayRequest", "ReplayResult", "SourceSpec",
           "load_requests", "run_replay"]
