"""`mbv logs`: on-call triage of `wrangler tail --format json` output and Logpush Workers Trace Events.

One concept per module: `fold` (ids in paths and messages), `sketch` (bounded percentiles),
`aggregate` (the mergeable running summary), `run` (files, gzip, pipes, --follow, the process
pool) and `result` (the redacted `mbv.logs/1` document). Taken from replay: the object reader
(`stream`), the filters (`filters`, `timebound`) and the redaction (`redact`).
"""

from __future__ import annotations

from mbv_cli.core.logs.aggregate import Aggregate
from mbv_cli.core.logs.result import SCHEMA, LogsSummary, ReplaySource, build_summary
from mbv_cli.core.replay.filters import EventFilter

__all__ = ["SCHEMA", "Aggregate", "EventFilter", "LogsSummary", "ReplaySource", "build_summary"]
