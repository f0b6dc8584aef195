"""Baselines: accept today's findings, fail only on new ones.

A finding's identity is its hash: code, Worker, env, binding, file (relative to the repository
root, so the cwd does not matter), message and an occurrence counter, but not the line, so a
finding keeps its identity when code moves. SARIF's `partialFingerprints` carry the same hash.

The baseline file (`mbv.baseline/1`) is JSON with one finding per line, sorted by file, code
and hash, so a change to it reads well in a diff; it names the mbv version that wrote it and
holds no timestamp, so writing it twice gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mbv_cli.core.errors import InputError
from mbv_cli.core.findings import Finding
from mbv_cli.core.repo import ci_path

SCHEMA = "mbv.baseline/1"
HASH_NAME = "mbvFindingHash/v1"


def finding_hash(f: Finding, occurrence: int, file: str | None) -> str:
    key = "\x1f".join([f.code, f.worker or "", f.env or "", f.binding or "", file or "", f.message, str(occurrence)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def finding_hashes(findings: Sequence[Finding], root: Path) -> list[str]:
    """The hash of each finding, in the order given (pass `report.sorted()` so repeats count in line order)."""
    seen: dict[tuple[str, ...], int] = {}
    hashes = []
    for f in findings:
        # a finding about a binding is that binding's wherever its first site is: a read added before
        # it (a new first site, the old one in `related`) keeps the hash
        file = ci_path(f.file, root) if f.file and not f.binding else None
        key = (f.code, f.worker or "", f.env or "", f.binding or "", file or "", f.message)
        seen[key] = seen.get(key, 0) + 1
        hashes.append(finding_hash(f, seen[key], file))
    return hashes


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    hash: str
    code: str
    message: str
    file: str | None = None
    worker: str | None = None
    env: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {"hash": self.hash, "code": self.code, "file": self.file, "worker": self.worker, "env": self.env,
                "message": self.message}
        return {k: v for k, v in data.items() if v is not None}

    def sort_key(self) -> tuple[str, str, str, str, str]:
        return (self.file or "", self.code, self.worker or "", self.env or "", self.hash)


@dataclass(slots=True)
class BaselineOutcome:
    """What a baseline did to a run: how many findings it hid, which of its entries are fixed."""

    file: str
    known: int = 0
    fixed: list[BaselineEntry] = field(default_factory=list)
    written: int | None = None  # findings written by --update-baseline

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "known": self.known, "fixed": [e.to_dict() for e in self.fixed],
                "written": self.written}


def entries_for(findings: Sequence[Finding], root: Path) -> list[BaselineEntry]:
    hashes = finding_hashes(findings, root)
    entries = [BaselineEntry(hash=h, code=f.code, message=f.message, file=ci_path(f.file, root) if f.file else None,
                             worker=f.worker, env=f.env) for f, h in zip(findings, hashes, strict=True)]
    return sorted(entries, key=BaselineEntry.sort_key)


def dumps(entries: Sequence[BaselineEntry], version: str) -> str:
    lines = [json.dumps(e.to_dict(), ensure_ascii=False) for e in entries]
    body = ",\n".join(f"    {line}" for line in lines)
    return (f'{{\n  "schema": "{SCHEMA}",\n  "written_by": {json.dumps("mbv " + version)},\n'
            f'  "findings": [' + (f"\n{body}\n  ]" if lines else "]") + "\n}\n")


def write_baseline(path: Path, entries: Sequence[BaselineEntry], version: str) -> None:
    try:
        path.write_text(dumps(entries, version), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the baseline: {exc.strerror or exc}", file=path,
                         hint="check that the directory exists and is writable") from None


def read_baseline(path: Path) -> list[BaselineEntry]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("baseline file not found", file=path,
                         hint="create it with --update-baseline, then commit it") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the baseline: {exc}", file=path) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"the baseline is not valid JSON: {exc.msg}", file=path, line=exc.lineno, column=exc.colno,
                         hint="fix it, or write it again with --update-baseline") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("findings"), list):
        raise InputError(f"not an mbv baseline (expected schema {SCHEMA!r} and a findings list)", file=path,
                         hint="write it with --update-baseline")
    entries = []
    for item in data["findings"]:
        if not isinstance(item, dict) or not isinstance(item.get("hash"), str):
            raise InputError("a baseline entry has no hash", file=path, hint="write it again with --update-baseline")
        entries.append(BaselineEntry(hash=item["hash"], code=str(item.get("code", "")),
                                     message=str(item.get("message", "")), file=item.get("file"),
                                     worker=item.get("worker"), env=item.get("env")))
    return entries


def apply_baseline(findings: Sequence[Finding], entries: Sequence[BaselineEntry], root: Path,
                   file: str) -> tuple[list[Finding], BaselineOutcome]:
    """The findings not in the baseline (in the order given), and what the baseline hid or no longer sees."""
    hashes = finding_hashes(findings, root)
    known = {e.hash for e in entries}
    kept = [f for f, h in zip(findings, hashes, strict=True) if h not in known]
    present = set(hashes)
    fixed = sorted((e for e in entries if e.hash not in present), key=BaselineEntry.sort_key)
    return kept, BaselineOutcome(file=file, known=len(findings) - len(kept), fixed=fixed)
