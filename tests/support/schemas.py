"""Validate the JSON documents mbv writes against the schemas it ships (mbv_cli/schemas).

`run_mbv` passes every stdout through `output_problems`, so each JSON document any CLI test
produces is checked against its schema.
"""

from __future__ import annotations

import functools
import json
from typing import Any


@functools.cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    from mbv_cli.core.schemas import load_schema

    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def json_documents(text: str) -> list[Any]:
    """The JSON document(s) in a command's stdout: one document, or NDJSON (one per line); [] for text."""
    stripped = text.strip()
    if not stripped.startswith("{"):
        return []
    try:
        return [json.loads(stripped)]
    except ValueError:
        pass
    documents = []
    for line in stripped.splitlines():
        try:
            documents.append(json.loads(line))
        except ValueError:
            return []
    return documents


def schema_problems(document: Any) -> list[str]:
    """Why `document` does not match the schema it names ([] when it does, or names none of mbv's)."""
    if not isinstance(document, dict) or not str(document.get("schema", "")).startswith("mbv."):
        return []
    from mbv_cli.core.schemas import schema_names

    name = document["schema"]
    if name not in schema_names():
        return [f"{name}: no schema shipped for it in mbv_cli/schemas"]
    return [f"{name}: {'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
            for error in _validator(name).iter_errors(document)]


def output_problems(text: str, *, unknown_ok: bool = True) -> list[str]:
    """Problems of every document in `text`. A schema name mbv ships no schema for is left to
    tests/cli/test_schema.py (which lists every name the code writes), so one test names what is
    missing instead of every test that prints such a document failing."""
    from mbv_cli.core.schemas import schema_names

    known = set(schema_names())
    return [problem for document in json_documents(text)
            if not unknown_ok or not isinstance(document, dict) or document.get("schema") in known
            for problem in schema_problems(document)]
