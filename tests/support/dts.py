"""Reading the `interface Env` members out of a `wrangler types` output file.

Only what the agreement tests need: member names and their type text, from the `interface Env {`
block (inside `declare namespace Cloudflare` or at the top level).
"""

from __future__ import annotations

import json
import re

_MEMBER = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|[A-Za-z_$][\w$]*)(\??):\s*(.*);\s*$')


def env_members(dts: str, interface: str = "Env") -> dict[str, str]:
    """{name: type} of the first `interface <interface> {` block with members."""
    lines = dts.splitlines()
    members: dict[str, str] = {}
    inside = False
    for line in lines:
        stripped = line.strip()
        if not inside:
            if re.match(rf"interface {re.escape(interface)}\s*\{{\s*$", stripped):
                inside = True
            continue
        if stripped == "}":
            break
        match = _MEMBER.match(line)
        if match:
            name = match.group(1)
            if name.startswith('"'):
                name = json.loads(name)
            members[name] = match.group(3).strip()
    return members


def normalise_type(text: str) -> str:
    """Drop `/* ... */` comments and generic arguments `<...>`, collapse spaces."""
    text = re.sub(r"/\*.*?\*/", "", text)
    out, depth = [], 0
    for ch in text:
        if ch == "<":
            depth += 1
        elif ch == ">" and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return " ".join("".join(out).split())
