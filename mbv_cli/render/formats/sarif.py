"""SARIF 2.1.0 for code scanning (GitHub `upload-sarif` and any SARIF viewer).

One run, tool `mbv`, one rule per finding code with its help text (from `core.bindings_codes`, or
from the doctor's rule registry when it knows the code). `partialFingerprints.mbvFindingHash/v1`
hashes code, Worker, env, binding, file and message (not the line), plus an occurrence counter,
so a finding keeps its identity when lines move. Paths are relative to `%SRCROOT%` (the cwd).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from mbv_cli import __version__
from mbv_cli.core.bindings_codes import CodeDoc, code_doc
from mbv_cli.core.findings import Finding, FindingsReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _doc(code: str) -> Any:
    """The documentation of a code: ours, else the doctor registry's (`mbv_cli.core.rules.code_doc`)."""
    found: CodeDoc | None = code_doc(code)
    if found is not None:
        return found
    try:
        import importlib

        rules = importlib.import_module("mbv_cli.core.rules")
    except ImportError:
        return None
    lookup = getattr(rules, "code_doc", None)
    try:
        result = lookup(code) if callable(lookup) else None
    except Exception:  # a registry that cannot answer only costs the help text
        return None
    return result if result is not None and hasattr(result, "what") else None


def _rule(code: str, severity: str) -> dict[str, Any]:
    doc = _doc(code)
    rule: dict[str, Any] = {"id": code, "defaultConfiguration": {"level": _LEVEL[severity]}}
    if doc is None:
        rule["shortDescription"] = {"text": code}
        rule["help"] = {"text": f"See the mbv documentation for {code}."}
        return rule
    what = str(getattr(doc, "what", ""))
    why = str(getattr(doc, "why", ""))
    limits = str(getattr(doc, "limits", "") or getattr(doc, "known_limits", ""))
    summary = str(getattr(doc, "summary", "") or what.split(". ")[0])
    markdown = doc.markdown() if callable(getattr(doc, "markdown", None)) else None
    rule.update({
        "name": str(getattr(doc, "name", code)),
        "shortDescription": {"text": summary or code},
        "fullDescription": {"text": what or summary or code},
        "help": {"text": f"{what}\n\nWhy is this bad? {why}" + (f"\n\nKnown limits: {limits}" if limits else "")},
        "properties": {"tags": ["cloudflare-workers"]},
    })
    if isinstance(markdown, str):
        rule["help"]["markdown"] = markdown
    return rule


def fingerprint(f: Finding, occurrence: int) -> str:
    # a finding about a binding is that binding's, wherever its first place is: adding a read (a
    # `related` place, maybe before the first) keeps the hash
    file = "" if f.binding else f.file or ""
    key = "\x1f".join([f.code, f.worker or "", f.env or "", f.binding or "", file, f.message, str(occurrence)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _location(f: Finding) -> dict[str, Any] | None:
    if not f.file:
        return None
    return _physical(f.file, f.line, f.column)


def _physical(file: str, line: int | None, column: int | None) -> dict[str, Any]:
    path = Path(file)
    artifact: dict[str, Any] = (
        {"uri": path.resolve().as_uri()} if path.is_absolute() else {"uri": path.as_posix(), "uriBaseId": "%SRCROOT%"}
    )
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if line:
        region: dict[str, Any] = {"startLine": line}
        if column:
            region["startColumn"] = column
        physical["region"] = region
    return {"physicalLocation": physical}


def to_sarif(report: FindingsReport) -> dict[str, Any]:
    findings = report.sorted()
    codes: dict[str, int] = {}
    rules: list[dict[str, Any]] = []
    for f in findings:
        if f.code not in codes:
            codes[f.code] = len(rules)
            rules.append(_rule(f.code, f.severity.value))
    seen: dict[tuple[str, ...], int] = {}
    results = []
    for f in findings:
        key = (f.code, f.worker or "", f.env or "", f.binding or "", f.file or "", f.message)
        seen[key] = seen.get(key, 0) + 1
        text = f.message + (f" (Worker {f.worker}, {'env.' + f.env if f.env else 'top level'})" if f.worker else "")
        if f.hint:
            text += f". Hint: {f.hint}"
        result: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": codes[f.code],
            "level": _LEVEL[f.severity.value],
            "message": {"text": text},
            "partialFingerprints": {"mbvFindingHash/v1": fingerprint(f, seen[key])},
            "properties": {"worker": f.worker, "env": f.env, "binding": f.binding},
        }
        location = _location(f)
        if location is not None:
            result["locations"] = [location]
        if f.related:
            result["relatedLocations"] = [{"id": i, **_physical(file, line, column)}
                                          for i, (file, line, column) in enumerate(f.related, start=1)]
        if f.snippet:
            result["properties"]["snippet"] = f.snippet
        results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "mbv", "version": __version__, "semanticVersion": __version__,
                                "informationUri": "https://github.com/mbv-cli/mbv", "rules": rules}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
            "results": results,
            "invocations": [{"executionSuccessful": True,
                             "toolExecutionNotifications": [{"message": {"text": n}, "level": "note"}
                                                            for n in report.notes]}],
        }],
    }


def render_sarif(report: FindingsReport, **_: Any) -> None:
    sys.stdout.write(json.dumps(to_sarif(report), indent=2, ensure_ascii=False) + "\n")
