"""`--since` / `--until` (`mbv logs`, `mbv replay` tail sources): an ISO 8601 time, epoch seconds
or milliseconds, or an age such as 15m.

An age (`30s`, `15m`, `2h`, `1d`) counts back from now, as journalctl and `docker logs` read it. A
time without an offset is UTC, the zone of tail and Logpush timestamps.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

from mbv_cli.core.errors import UsageError

_AGE = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|m|h|d)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_time_bound(value: str, option: str, *, now: float | None = None) -> float:
    """Epoch milliseconds."""
    text = value.strip()
    age = _AGE.match(text)
    if age:
        current = time.time() if now is None else now
        return (current - float(age.group(1)) * _UNIT_SECONDS[age.group(2)]) * 1000
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        number = float(text)
        return number if number >= 1e11 else number * 1000   # 13 digits: ms, 10 digits: seconds
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a time",
                         hint="use an ISO time (2026-12-01T09:30:00Z), epoch seconds or ms, or an age (15m, 2h, 1d)")\
            from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp() * 1000
