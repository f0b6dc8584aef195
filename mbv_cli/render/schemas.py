"""Output of `mbv schema`: a schema as indented JSON, or the names one per line."""

from __future__ import annotations

import json
import sys
from typing import Any


def render_schema(schema: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")


def render_names(names: list[str]) -> None:
    sys.stdout.write("".join(f"{name}\n" for name in names))
