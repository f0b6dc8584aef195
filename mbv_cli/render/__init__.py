"""The only layer that imports rich: one function per result type and output format."""

from __future__ import annotations

from mbv_cli.render.emit import emit

__all__ = ["emit"]
