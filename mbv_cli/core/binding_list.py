"""`mbv bindings list`: the resolved bindings of each Worker and environment, as data."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mbv_cli.core.wrangler.config import ConfigWarning
from mbv_cli.core.wrangler.environments import Binding, ResolvedWorker

MASKED_VALUE = '"REDACTED"'


def listed_type(binding: Binding) -> str:
    """The type column, with the value of a var named like a secret (what doctor reports as MBV202)
    masked as replay's redaction masks it: the list is pasted into issues and CI logs."""
    from mbv_cli.core.rules.secret_in_vars import is_committed_secret

    return MASKED_VALUE if is_committed_secret(binding) else binding.type


def display_path(path: Path, cwd: Path | None = None) -> str:
    """A path relative to the current directory when it lies below it, else absolute; `/` separators."""
    base = cwd or Path.cwd()
    real = Path(os.path.realpath(path))  # unlike Path.resolve() on 3.11, no RuntimeError on a symlink loop
    try:
        rel = os.path.relpath(real, os.path.realpath(base))
    except ValueError:
        return real.as_posix()
    return Path(rel).as_posix() if not rel.startswith("..") else real.as_posix()


@dataclass(slots=True)
class BindingsListResult:
    workers: list[ResolvedWorker]
    warnings: list[ConfigWarning] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "mbv.bindings.list/1",
            "workers": [
                {
                    "name": w.name,
                    "config": display_path(w.config.path),
                    "env": w.env,
                    "bindings": [{**b.to_dict(), "type": listed_type(b)} for b in w.bindings],
                }
                for w in self.workers
            ],
        }


def list_bindings(workers: list[ResolvedWorker]) -> BindingsListResult:
    warnings: list[ConfigWarning] = []
    seen: set[tuple[str, str]] = set()
    for worker in workers:
        for warning in worker.warnings:
            key = (warning.file, warning.message)
            if key not in seen:
                seen.add(key)
                warnings.append(warning)
    return BindingsListResult(workers, warnings)
