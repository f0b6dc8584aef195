"""Dispatch a result to the renderer for its type and the chosen format.

Each result type registers its renderers here (lazily, by module path) so that importing this
module costs nothing: `emit(result, "json")` imports only what that format needs.
"""

from __future__ import annotations

import importlib
from typing import Any

from mbv_cli.core.errors import UsageError

# result class name -> format -> "module:function"
RENDERERS: dict[str, dict[str, str]] = {
    "BindingsListResult": {
        "text": "mbv_cli.render.bindings:render_list_text",
        "json": "mbv_cli.render.formats.json:render_json",
    },
    "RemoteBindingsResult": {
        "text": "mbv_cli.render.deployed:render_remote_text",
        "json": "mbv_cli.render.formats.json:render_json",
    },
    "GraphResult": {
        "text": "mbv_cli.render.graph:render_graph_text",
        "json": "mbv_cli.render.formats.json:render_json",
        "dot": "mbv_cli.render.graph:render_graph_dot",
    },
    "FindingsReport": {
        "text": "mbv_cli.render.findings:render_text",
        "json": "mbv_cli.render.formats.json:render_json",
        "sarif": "mbv_cli.render.formats.sarif:render_sarif",
        "github": "mbv_cli.render.formats.github:render_github",
        "junit": "mbv_cli.render.formats.junit:render_junit",
        "markdown": "mbv_cli.render.formats.markdown:render_markdown",
    },
    "StatisticsResult": {
        "text": "mbv_cli.render.statistics:render_statistics",
        "json": "mbv_cli.render.formats.json:render_json",
    },
    "DoctorResult": {
        "text": "mbv_cli.render.doctor:render_doctor",
        "json": "mbv_cli.render.formats.json:render_json",
        "markdown": "mbv_cli.render.formats.markdown:render_doctor_markdown",
    },
}


def register(result_type: str, fmt: str, target: str) -> None:
    RENDERERS.setdefault(result_type, {})[fmt] = target


def formats_for(result_type: str) -> list[str]:
    return list(RENDERERS.get(result_type, {}))


def emit(result: Any, fmt: str = "text", *, text: str | None = None, **options: Any) -> None:
    """Render `result` on stdout in format `fmt`.

    Renderers come from RENDERERS by the result's class name; a command may instead name its
    text renderer (`text="mbv_cli.render.jwt:render_decode"`), and every result with `to_dict()`
    renders as JSON without registration.
    """
    name = type(result).__name__
    table = dict(RENDERERS.get(name, {}))
    if text is not None:
        table["text"] = text
    if "json" not in table and hasattr(result, "to_dict"):
        table["json"] = "mbv_cli.render.formats.json:render_json"
    if not table:
        raise TypeError(f"no renderer registered for {name}")
    target = table.get(fmt)
    if target is None:
        raise UsageError(f"format {fmt!r} is not available here", hint=f"use one of: {', '.join(table)}")
    module_name, func_name = target.split(":")
    func = getattr(importlib.import_module(module_name), func_name)
    func(result, **options)
