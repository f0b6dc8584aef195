"""The catalogue behind `mbv rules` and docs/rules.md: doctor rules plus the bindings-diff codes.

Doctor rules document themselves (`mbv_cli.core.rules`); the bindings diff's codes MBV001-MBV007
come from `mbv_cli.core.bindings_codes` when that capability is part of the build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mbv_cli.core.errors import UsageError
from mbv_cli.core.rules import all_rules
from mbv_cli.core.rules.base import DOC_SECTIONS

PRECISION_MARKER = "<!-- precision -->"


@dataclass(frozen=True, slots=True)
class RuleInfo:
    code: str
    name: str
    severity: str
    area: str
    summary: str
    sections: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "severity": self.severity, "area": self.area,
                "summary": self.summary, "documentation": dict(self.sections)}


@dataclass(slots=True)
class RulesCatalog:
    rules: list[RuleInfo]
    selected: RuleInfo | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.selected is not None:
            return {"schema": "mbv.rules/1", "rule": self.selected.to_dict()}
        return {"schema": "mbv.rules/1", "rules": [r.to_dict() for r in self.rules]}


# codes documented by other capabilities (module, attribute): `CodeDoc`s keyed by code
OTHER_CODE_DOCS = (
    ("mbv_cli.core.bindings_codes", "BINDINGS_CODES"),
    ("mbv_cli.core.db.codes", "DB_CODE_DOCS"),
    ("mbv_cli.core.migrations.codes", "MIGRATION_CODE_DOCS"),
    ("mbv_cli.core.queries.codes", "QUERY_CODE_DOCS"),
    ("mbv_cli.core.graph.codes", "GRAPH_CODES"),
    ("mbv_cli.core.deployed.codes", "DEPLOYED_CODES"),
)


def area_of(code: str) -> str:
    if code.startswith("MBV0"):
        return "bindings"
    if code in {"MBV301", "MBV302"}:
        return "migrations"
    if code.startswith("MBV32"):
        return "queries"
    if code.startswith("MBV3"):
        return "local databases"
    return "code" if code.startswith(("MBV1", "MBV4")) else "configuration"


def other_code_docs() -> dict[str, Any]:
    """`CodeDoc`s of the capabilities that are part of this build (bindings diff, db, migrate)."""
    import importlib

    found: dict[str, Any] = {}
    for module_name, attribute in OTHER_CODE_DOCS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        docs = getattr(module, attribute, None)
        if isinstance(docs, dict):
            for code, doc in docs.items():
                found.setdefault(str(code), doc)
    return found


def _other_codes() -> list[RuleInfo]:
    infos = []
    for code, doc in other_code_docs().items():
        infos.append(RuleInfo(code, doc.name, str(doc.severity), area_of(code), doc.summary, {
            "What it does": doc.what, "Why is this bad?": doc.why,
            "Example": f"```\n{doc.example}\n```", "Use instead": f"```\n{doc.use_instead}\n```",
            "Known limits": doc.limits,
        }))
    return infos


def all_rule_infos() -> list[RuleInfo]:
    infos = _other_codes()
    infos += [RuleInfo(r.code, r.name, r.severity.value, r.area, r.summary, r.sections()) for r in all_rules()]
    return sorted(infos, key=lambda i: i.code)


def catalog(code: str | None = None) -> RulesCatalog:
    infos = all_rule_infos()
    if code is None:
        return RulesCatalog(infos)
    wanted = code.strip()
    for info in infos:
        if info.code == wanted.upper() or info.name == wanted.lower():
            return RulesCatalog(infos, info)
    raise UsageError(f"no rule {code!r}", hint="`mbv rules` lists the codes and names")


def rules_markdown(precision: str = "") -> str:
    """docs/rules.md: an index table, then each rule's documentation; `precision` is kept verbatim."""
    infos = all_rule_infos()
    out = [
        "# mbv rules",
        "",
        "<!-- Generated from the rule registry by `mbv rules --markdown`; do not edit by hand",
        "     (the precision section at the end is kept). tests/cli/test_rules.py fails when stale. -->",
        "",
        "`mbv doctor` runs these checks; `mbv rules CODE` prints one of them. Codes are stable and never",
        "reused. Suppress one finding with `// mbv-ignore CODE: reason` on its line or the line above;",
        "select rules in `mbv.toml` (or `[tool.mbv]` in pyproject.toml):",
        "",
        "```toml",
        'select = ["MBV"]                      # codes or prefixes; default: everything',
        'ignore = ["MBV109"]',
        "compatibility-date-max-age-days = 180",
        "",
        "[per-file-ignores]",
        '"scripts/**" = ["MBV103", "MBV104"]',
        "```",
        "",
        "| Code | Name | Severity | Area | What it flags |",
        "|---|---|---|---|---|",
    ]
    for info in infos:
        anchor = f"{info.code.lower()}-{info.name}"
        out.append(f"| [{info.code}](#{anchor}) | {info.name} | {info.severity} | {info.area} | {info.summary} |")
    out += ["", "MBV000 is a finding about mbv itself: a rule crashed on a file; the run goes on.",
            "Code rules skip files that are not Worker runtime code even inside a Worker's directory: tests,",
            "test helpers (`test-utils.ts`, `testing/`), benchmarks (`*.bench.ts`, `benches/`), fixtures, mocks,",
            'stories and `"use client"` modules.', ""]
    for info in infos:
        out += [f"## {info.code} {info.name}", "",
                f"Severity: {info.severity}. Area: {info.area}.", ""]
        for section in DOC_SECTIONS:
            body = info.sections.get(section, "").strip()
            if body:
                out += [f"### {section}", "", body, ""]
    out.append(PRECISION_MARKER)
    text = "\n".join(out) + "\n"
    if precision:
        text += precision.lstrip("\n")
    return text


def current_precision_section(existing: str) -> str:
    """The hand-written part of docs/rules.md (after the marker)."""
    _, marker, rest = existing.partition(PRECISION_MARKER)
    return rest.lstrip("\n") if marker else ""
