"""`--status 5xx,404` (or `5xx|404`) and `--expect-status 200,3xx`: a set of codes, classes and ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mbv_cli.core.errors import UsageError

_ITEM = re.compile(r"^(?:([1-5])xx|([1-5]\d\d)(?:-([1-5]\d\d))?)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class StatusFilter:
    text: str
    codes: frozenset[int]

    def matches(self, status: int) -> bool:
        return status in self.codes

    @classmethod
    def parse(cls, values: list[str] | str, option: str = "--status") -> StatusFilter:
        items = [values] if isinstance(values, str) else values
        codes: set[int] = set()
        text = ",".join(items)
        for item in (part.strip() for value in items for part in value.replace("|", ",").split(",")):
            if not item:
                continue
            match = _ITEM.match(item)
            if not match:
                raise UsageError(f"{option} {item!r} is not a status code or class",
                                 hint="use codes and classes such as 404,5xx or ranges 500-504")
            if match.group(1):
                base = int(match.group(1)) * 100
                codes.update(range(base, base + 100))
            else:
                low = int(match.group(2))
                high = int(match.group(3) or low)
                if high < low:
                    raise UsageError(f"{option} range {item!r} runs backwards")
                codes.update(range(low, high + 1))
        if not codes:
            raise UsageError(f"{option} is empty")
        return cls(text, frozenset(codes))
