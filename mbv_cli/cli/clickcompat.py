"""The click that typer runs on: typer >= 0.29 vendors it as `typer._click`, older typer uses click."""

from __future__ import annotations

from types import ModuleType


def _load() -> ModuleType:
    try:
        from typer import _click as vendored  # type: ignore[attr-defined]

        return vendored  # type: ignore[no-any-return]
    except ImportError:  # pragma: no cover - older typer
        import click as upstream

        return upstream


click = _load()
