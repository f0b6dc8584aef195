"""Stable JSON: each result's `to_dict()`, indented, keys in the documented order."""

from __future__ import annotations

import json
import sys
from typing import Any


def render_json(result: Any, **_: Any) -> None:
    sys.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n")
