"""`mbv logs`: on-call triage of `wrangler tail --format json` output and Logpush Workers Trace Events.

One concept per module: `fold` (ids in paths and messages), `sketch` (bounded percentiles),
`aggregate` (the mergeable running summary and the filters shared with replay), `run` (files,
gzip, pipes, --follow, the process pool), `timebound` (--since/--until) and `result` (the
redacted `mbv.logs/1` document). The object reader is replay's (`mbv_cli.core.replay.stream`).
"""

from __future__ import annotations

from mbv_cli.core.logs.aggregate import Aggregate, EventFilter
from mbv_cli.core.logs.result import SCHEMA, LogsSummary, ReplaySource, build_summary

__all__ = ["SCHEMA", "Aggregate", "EventFilter", "LogsSummary", "ReplaySource", "build_summary"]
