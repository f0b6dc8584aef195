"""NumericDate claims (RFC 7519 section 2) as UTC ISO text and plain-English relative phrases,
and the short durations people type (`15m`, `1h30m`, `90`).
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone

from mbv_cli.core.errors import UsageError

TIME_CLAIMS = ("iat", "nbf", "exp", "auth_time")
_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")


def numeric_date(value: object) -> float | None:
    """The claim as seconds since the epoch, or None when it is not a finite JSON number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer beyond a double's range
        return None
    return number if math.isfinite(number) else None


def iso_utc(seconds: float) -> str | None:
    """`2024-05-01T12:00:00Z`; None for a date Python cannot represent (year > 9999)."""
    try:
        moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    text = moment.isoformat(timespec="seconds" if float(seconds).is_integer() else "milliseconds")
    return text.replace("+00:00", "Z")


def span(seconds: float) -> str:
    """A duration in at most two units: `3h 12m`, `14m`, `45s`, `2d 4h`, `3y 20d`."""
    total = int(abs(seconds))
    if total < 60:
        return f"{total}s"
    units = (("y", 365 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
    parts: list[str] = []
    for name, size in units:
        if total >= size or parts:
            count, total = divmod(total, size)
            if count or parts:
                parts.append(f"{count}{name}")
        if len(parts) == 2:
            break
    if len(parts) == 2 and parts[1].startswith("0"):
        parts.pop()
    return " ".join(parts)


def relative_phrase(claim: str, value: float, now: float) -> str:
    """What a time claim means right now, e.g. `expired 3h 12m ago`, `valid for 14m more`."""
    delta = value - now
    ahead, ago = span(delta), span(delta)
    if claim == "exp":
        return f"valid for {ahead} more" if delta > 0 else f"expired {ago} ago" if delta < 0 else "expires now"
    if claim == "nbf":
        return f"not valid for another {ahead}" if delta > 0 else f"valid since {ago} ago" if delta < 0 else "valid from now"
    if claim == "iat":
        return f"issued {ahead} in the future" if delta > 0 else f"issued {ago} ago"
    if claim == "auth_time":
        return f"authenticated {ahead} in the future" if delta > 0 else f"authenticated {ago} ago"
    return f"in {ahead}" if delta > 0 else f"{ago} ago"


def parse_duration(text: str, option: str) -> int:
    """`15m`, `1h30m`, `2d`, `45s` or plain seconds (`900`) as whole seconds."""
    value = text.strip().lower()
    if value.isdigit():
        return int(value)
    match = _DURATION.fullmatch(value)
    if not value or match is None or not any(match.groups()):
        raise UsageError(f"{option} {text!r} is not a duration",
                         hint="use seconds or units d/h/m/s, e.g. 900, 15m, 1h30m")
    days, hours, minutes, secs = (int(g or 0) for g in match.groups())
    return days * 86400 + hours * 3600 + minutes * 60 + secs
