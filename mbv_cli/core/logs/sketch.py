"""A bounded, mergeable quantile sketch for CPU and wall times (milliseconds).

Values below 256 ms are counted to the millisecond (tail and Logpush report whole milliseconds);
larger ones fall in logarithmic buckets 1% wide (the DDSketch idea: relative error <= 1%), so a
sketch never holds more than about 1,000 counters however many events it sees, and two sketches
(one per worker process) merge by adding counters. The maximum is kept exactly.
"""

from __future__ import annotations

import math
from typing import Any

EXACT_BELOW = 256
_GAMMA = 1.02                      # bucket width: values within 1% of the bucket's middle
_LOG_GAMMA = math.log(_GAMMA)
_OFFSET = 1_000_000                # keys of log buckets, kept apart from exact millisecond keys


class QuantileSketch:
    __slots__ = ("count", "counts", "max")

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}
        self.count = 0
        self.max = 0.0

    def add(self, value: float) -> None:
        self.add_key(sketch_key(value), 1)
        if value > self.max:
            self.max = value

    def add_key(self, key: int, n: int) -> None:
        """Count `n` values of bucket `key` (callers that keep their own counters hand them over)."""
        self.counts[key] = self.counts.get(key, 0) + n
        self.count += n
        if key < _OFFSET and key > self.max:
            self.max = float(key)

    def merge(self, other: QuantileSketch) -> None:
        counts = self.counts
        for key, n in other.counts.items():
            counts[key] = counts.get(key, 0) + n
        self.count += other.count
        self.max = max(self.max, other.max)

    def quantile(self, q: float) -> float | None:
        """The value at rank ceil(q * count) (nearest rank), None when empty."""
        if not self.count:
            return None
        rank = max(1, math.ceil(q * self.count))
        seen = 0
        for key in sorted(self.counts):
            seen += self.counts[key]
            if seen >= rank:
                return min(_value(key), self.max)
        return self.max

    def to_dict(self) -> dict[str, Any]:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 1)

        return {"count": self.count, "p50": rounded(self.quantile(0.5)), "p95": rounded(self.quantile(0.95)),
                "p99": rounded(self.quantile(0.99)), "max": rounded(self.max if self.count else None)}


def sketch_key(value: float) -> int:
    if value < EXACT_BELOW:
        return int(value + 0.5) if value > 0 else 0
    return _OFFSET + int(math.log(value) / _LOG_GAMMA)


def _value(key: int) -> float:
    if key < _OFFSET:
        return float(key)
    return float(_GAMMA ** (key - _OFFSET + 0.5))
