"""SARIF 2.1.0 for code scanning (GitHub `upload-sarif` and any SARIF viewer).

One run, tool `mbv`, one rule per finding code with its help text (from `core.bindings_codes`, or
from the doctor's rule registry when it knows the code). `partialFingerprints.mbvFindingHash/v1`
is the baseline's finding hash (`core.baseline`): code, Worker, env, binding, file and message (not
the line) plus an occurrence counter, so a finding keeps its identity when lines move.

Paths are percent-encoded URIs relative to `%SRCROOT%`, the git top level (else the cwd), so code
scanning places them whatever directory mbv ran from; every result has a region (line 1 for a
finding about a whole file); a finding's `related` sites become `relatedLocations`. Security rules
carry `security-severity` and CWE tags, every rule a `helpUri` into docs/rules.md ($MBV_DOCS_URL
points it at a fork's docs). In a git repository the run records `versionControlProvenance`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mbv_cli import __version__
from mbv_cli.core.baseline import HASH_NAME, finding_hashes
from mbv_cli.core.bindings_codes import CodeDoc, code_doc
from mbv_cli.core.findings import FindingsReport
from mbv_cli.core.repo import ci_path, ci_root, git_root, provenance

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/mbv-cli/mbv"
DOCS_URL = INFORMATION_URI + "/blob/main/docs"
# GitHub code scanning ranks security alerts by `security-severity` (CVSS-like, 0.1-10: 9+ critical,
# 7-8.9 high, 4-6.9 medium); the CWE tags link each rule to its weakness class.
SECURITY: dict[str, tuple[str, str]] = {
    "MBV101": ("8.8", "external/cwe/cwe-89"),    # SQL built by interpolation: injection
    "MBV102": ("6.5", "external/cwe/cwe-942"),   # permissive CORS with credentials
    "MBV103": ("7.5", "external/cwe/cwe-798"),   # hard-coded secret
    "MBV104": ("5.5", "external/cwe/cwe-532"),   # secret written to the logs
    "MBV114": ("6.5", "external/cwe/cwe-338"),   # Math.random() for tokens
    "MBV115": ("5.3", "external/cwe/cwe-208"),   # timing side channel in a secret compare
    "MBV202": ("7.5", "external/cwe/cwe-798"),   # secret committed as a var
}
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
    rule: dict[str, Any] = {"id": code, "defaultConfiguration": {"level": _LEVEL[severity]},
                            "properties": _properties(code)}
    if doc is None:
        rule["shortDescription"] = {"text": code}
        rule["help"] = {"text": f"See the mbv documentation for {code}."}
        rule["helpUri"] = help_uri(code, None)
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
        "helpUri": help_uri(code, str(getattr(doc, "name", "")) or None),
    })
    if isinstance(markdown, str):
        rule["help"]["markdown"] = markdown
    return rule


def _properties(code: str) -> dict[str, Any]:
    tags = ["cloudflare-workers"]
    if code not in SECURITY:
        return {"tags": tags}
    severity, cwe = SECURITY[code]
    return {"tags": [*tags, "security", cwe], "security-severity": severity}


def docs_url() -> str:
    """Where docs/ lives on the web: $MBV_DOCS_URL (a fork's), else the project's."""
    return (os.environ.get("MBV_DOCS_URL") or DOCS_URL).rstrip("/")


def help_uri(code: str, name: str | None) -> str:
    """The rule's section of docs/rules.md; its anchor is GitHub's slug of `## MBV101 rule-name`."""
    anchor = f"#{code.lower()}-{name}" if name and name != code else ""
    return f"{docs_url()}/rules.md{anchor}"


def artifact(file: str, root: Path) -> dict[str, Any]:
    """An artifactLocation: a percent-encoded URI relative to %SRCROOT% (the repository root), or a file URI."""
    path = ci_path(file, root)
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}


def _location(file: str, line: int | None, column: int | None, root: Path) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": line or 1}  # a file-level finding points at the file's first line
    if line and column:
        region["startColumn"] = column
    return {"physicalLocation": {"artifactLocation": artifact(file, root), "region": region}}


def to_sarif(report: FindingsReport, *, root: Path | None = None,
             anchors: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The SARIF log of `report`. GitHub rejects a whole upload when one result has no location, so a
    finding without a file is placed at line 1 of `anchors[its worker]` (its wrangler config), else
    `anchors[""]` (the project's)."""
    root = root or ci_root(f.file for f in report.findings)
    anchors = anchors or {}
    findings = report.sorted()
    codes: dict[str, int] = {}
    rules: list[dict[str, Any]] = []
    for f in findings:
        if f.code not in codes:
            codes[f.code] = len(rules)
            rules.append(_rule(f.code, f.severity.value))
    results = []
    for f, digest in zip(findings, finding_hashes(findings, root), strict=True):
        text = f.message + (f" (Worker {f.worker}, {'env.' + f.env if f.env else 'top level'})" if f.worker else "")
        if f.hint:
            text += f". Hint: {f.hint}"
        result: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": codes[f.code],
            "level": _LEVEL[f.severity.value],
            "message": {"text": text},
            "partialFingerprints": {HASH_NAME: digest},
            "properties": {"worker": f.worker, "env": f.env, "binding": f.binding},
        }
        if f.file:
            result["locations"] = [_location(f.file, f.line, f.column, root)]
        elif anchors.get(f.worker or "") or anchors.get(""):
            result["locations"] = [_location(anchors.get(f.worker or "") or anchors[""], None, None, root)]
        related = [site for site in getattr(f, "related", ()) or () if site and site[0]]
        if related:
            result["relatedLocations"] = [{"id": n, **_location(str(site[0]), *_line_column(site), root)}
                                          for n, site in enumerate(related, start=1)]
        if f.snippet:
            result["properties"]["snippet"] = f.snippet
        results.append(result)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "mbv", "version": __version__, "semanticVersion": __version__,
                            "informationUri": INFORMATION_URI, "rules": rules}},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}},
        "results": results,
        "invocations": [{"executionSuccessful": True,
                         "toolExecutionNotifications": [{"message": {"text": n}, "level": "note"}
                                                        for n in report.notes]}],
    }
    vcs = provenance(root) if git_root(root) == root else None
    if vcs is not None:
        run["versionControlProvenance"] = [vcs]
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _line_column(site: Any) -> tuple[int | None, int | None]:
    line = site[1] if len(site) > 1 else None
    column = site[2] if len(site) > 2 else None
    return (int(line) if line else None, int(column) if column else None)


def render_sarif(report: FindingsReport, *, anchors: Mapping[str, str] | None = None, **_: Any) -> None:
    sys.stdout.write(json.dumps(to_sarif(report, anchors=anchors), indent=2, ensure_ascii=False) + "\n")
