"""Stable JSON: each result's `to_dict()`, indented, keys in the documented order."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

# json.dumps escapes C0 controls but, with ensure_ascii=False, writes DEL and the C1 controls (U+0080-
# U+009F, e.g. CSI U+009B) raw; a server's body must not drive the terminal through `-f json` either
_RAW_CONTROLS = re.compile("[\x7f-\x9f\u2028\u2029]")


def render_json(result: Any, **_: Any) -> None:
    text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str)
    sys.stdout.write(_RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")
