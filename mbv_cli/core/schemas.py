"""The JSON Schemas (draft 2020-12) of every document mbv writes, shipped in `mbv_cli/schemas/`.

Each JSON document names its shape in `schema` (`mbv.findings/1`); the schema of that name is
`mbv_cli/schemas/mbv.findings.v1.json`. `mbv schema NAME` prints one; the test suite validates
every JSON document it produces against its schema, and docs/json.md against the key lists.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from mbv_cli.core.errors import UsageError


def file_name(name: str) -> str:
    """`mbv.findings/1` -> `mbv.findings.v1.json`."""
    return name.replace("/", ".v") + ".json"


def schema_names() -> list[str]:
    names = []
    for entry in resources.files("mbv_cli.schemas").iterdir():
        if entry.name.endswith(".json"):
            stem, _, version = entry.name[: -len(".json")].rpartition(".v")
            names.append(f"{stem}/{version}")
    return sorted(names)


def resolve_name(text: str) -> str:
    """`findings`, `mbv.findings` or `mbv.findings/1` -> `mbv.findings/1` (the newest version)."""
    wanted = text.strip().lower()
    if not wanted.startswith("mbv."):
        wanted = "mbv." + wanted
    names = schema_names()
    if wanted in names:
        return wanted
    matches = [n for n in names if n.split("/")[0] == wanted]
    if matches:
        return max(matches, key=lambda n: int(n.split("/")[1]))
    raise UsageError(f"no JSON schema named {text!r}", hint=f"one of: {', '.join(names)}")


def load_schema(name: str) -> dict[str, Any]:
    text = resources.files("mbv_cli.schemas").joinpath(file_name(resolve_name(name))).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
