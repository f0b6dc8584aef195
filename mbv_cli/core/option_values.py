"""Checks for numeric options a user types: seconds and megabytes must be finite and in range.

`float("nan")`, `inf` and `1e30` parse as floats and then crash deep inside (a socket timeout
cannot hold 1e30 s, `nan` compares false with everything), so every command checks them first.
"""

from __future__ import annotations

import math

from mbv_cli.core.errors import UsageError

MAX_SECONDS = 7 * 24 * 3600.0  # a week: more than any wait mbv should make
MAX_MEGABYTES = 1024 * 1024.0  # a terabyte


def check_seconds(value: float, flag: str, *, zero_ok: bool = True) -> float:
    """`value` when it is a usable number of seconds, else a UsageError naming `flag`."""
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok) or value > MAX_SECONDS:
        lowest = "0" if zero_ok else "more than 0"
        raise UsageError(f"{flag} {value:g} is not a usable number of seconds",
                         hint=f"give {lowest} up to {int(MAX_SECONDS)} seconds (a week)")
    return value


def check_megabytes(value: float, flag: str) -> float:
    if not math.isfinite(value) or value < 0 or value > MAX_MEGABYTES:
        raise UsageError(f"{flag} {value:g} is not a usable size", hint=f"give 0 up to {int(MAX_MEGABYTES)} MB")
    return value
