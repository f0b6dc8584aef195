"""What a doctor rule is: a stable code, a name, a severity, an area and a check function.

Code rules receive an already-parsed `SourceFile` (parsed once per file by the doctor and
shared by every rule) plus a `CodeContext` with facts about the Worker the file belongs to;
configuration rules receive a `ResolvedWorker`. Both return `Finding`s. A rule documents
itself in its module docstring with fixed sections (What it does / Why is this bad? /
Example / Use instead / Known limits), which `mbv rules CODE` prints and docs/rules.md shows.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mbv_cli.core.findings import Finding, Severity

if TYPE_CHECKING:
    from tree_sitter import Node

    from mbv_cli.core.code.parsing import SourceFile
    from mbv_cli.core.wrangler.environments import ResolvedWorker

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Known limits")


@dataclass(frozen=True, slots=True)
class CodeContext:
    """Facts about the Worker a source file belongs to, gathered once before the rules run."""

    compatibility_flags: frozenset[str] = frozenset()
    async_functions: frozenset[str] = frozenset()
    numeric_vars: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ConfigContext:
    """Settings for configuration rules (from mbv.toml / [tool.mbv])."""

    today: _dt.date = field(default_factory=_dt.date.today)
    compatibility_date_max_age_days: int = 180


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    area: str  # "code" or "configuration"
    summary: str
    doc: str
    check_code: Callable[[SourceFile, CodeContext], Iterable[Finding]] | None = None
    check_config: Callable[[ResolvedWorker, ConfigContext], Iterable[Finding]] | None = None
    skip_test_files: bool = True
    # a cheap test before the tree is looked at: for each group, one of its lower-case words must
    # occur in the lower-cased text of the file
    needs: tuple[tuple[str, ...], ...] = ()
    # a further test on the text (a regular expression's search), and whether the rule only
    # applies to files that mention one of the project's async functions (`CodeContext`)
    text_test: Callable[[str], object] | None = None
    needs_async_names: bool = False

    def applies_to(self, lowered_text: str, text: str | None = None) -> bool:
        if not all(any(word in lowered_text for word in group) for group in self.needs):
            return False
        return self.text_test is None or text is None or bool(self.text_test(text))

    def applies_with(self, ctx: CodeContext, text: str) -> bool:
        """The context part of the cheap test (a file that calls none of the project's async functions)."""
        if not self.needs_async_names:
            return True
        names = {n.removeprefix("this.") for n in ctx.async_functions}
        return "this." in text or any(n in text for n in names)

    def sections(self) -> dict[str, str]:
        """The documentation split into its fixed sections, in order."""
        return split_sections(self.doc)

    def at(self, source: SourceFile, node: Node, message: str, hint: str | None = None,
           severity: Severity | None = None) -> Finding:
        """A finding located at `node` in `source`, with the source line as snippet."""
        line, column = source.position(node)
        lines = source.text.splitlines()
        snippet = lines[line - 1].strip() if 0 < line <= len(lines) else None
        return Finding(code=self.code, severity=severity or self.severity, message=message, hint=hint,
                       file=str(source.path), line=line, column=column, snippet=snippet)

    def finding(self, message: str, hint: str | None = None, **where: Any) -> Finding:
        return Finding(code=self.code, severity=where.pop("severity", None) or self.severity,
                       message=message, hint=hint, **where)


def split_sections(doc: str) -> dict[str, str]:
    sections: dict[str, str] = {}
    current: str | None = None
    buffer: list[str] = []
    for line in doc.strip().splitlines():
        heading = line.strip().removeprefix("## ").strip()
        if line.startswith("## ") and heading in DOC_SECTIONS:
            if current is not None:
                sections[current] = "\n".join(buffer).strip()
            current, buffer = heading, []
        elif current is not None:
            buffer.append(line)
    if current is not None:
        sections[current] = "\n".join(buffer).strip()
    return sections


def code_rule(code: str, name: str, severity: Severity, summary: str, doc: str | None,
              check: Callable[[SourceFile, CodeContext], Iterable[Finding]], *,
              skip_test_files: bool = True, needs: Iterable[Iterable[str]] = (),
              text_test: Callable[[str], object] | None = None, needs_async_names: bool = False) -> Rule:
    return Rule(code, name, severity, "code", summary, _clean(doc), check_code=check,
                skip_test_files=skip_test_files, needs=tuple(tuple(group) for group in needs),
                text_test=text_test, needs_async_names=needs_async_names)


def config_rule(code: str, name: str, severity: Severity, summary: str, doc: str | None,
                check: Callable[[ResolvedWorker, ConfigContext], Iterable[Finding]]) -> Rule:
    return Rule(code, name, severity, "configuration", summary, _clean(doc), check_config=check)


def _clean(doc: str | None) -> str:
    import inspect

    return inspect.cleandoc(doc or "")


TEST_PATH = re.compile(r"(^|/)(tests?|__tests__|__mocks__|spec|e2e)/|\.(test|spec)\.[cm]?[jt]sx?$")


def is_test_path(path: str) -> bool:
    """Test files run in Node/vitest, not in a Worker: code rules skip them."""
    return bool(TEST_PATH.search(path.replace("\\", "/")))


# benchmarks, fixtures, mocks, stories and test helpers sit next to Worker code but never run in it
NON_RUNTIME_PATH = re.compile(
    r"(^|/)(benches|benchmarks?|__fixtures__|fixtures|__mocks__|mocks|test-?utils|test-?helpers|testing)/"
    r"|\.(bench|mock|mocks|stories|story|fixture)\.[cm]?[jt]sx?$"
    r"|(^|/)(test|tests|testing)[-_.]?(utils?|helpers?|setup|support)\.[cm]?[jt]sx?$"
    r"|(^|/)(setup-?tests|vitest\.setup|jest\.setup)\.[cm]?[jt]sx?$",
    re.IGNORECASE,
)
# a module that starts with the "use client" directive (after comments) is browser code (React/Next.js)
USE_CLIENT = re.compile(r"""\A\ufeff?(?:\s|//[^\n]*|/\*.*?\*/)*["']use client["']""", re.DOTALL)


def is_non_runtime(path: str, text: str = "") -> bool:
    """Not Worker runtime code even when it sits in the Worker's directory: test files, test helpers,
    benchmarks (`*.bench.ts`, `benches/`), fixtures, mocks, stories and `"use client"` modules.
    Every code rule skips these files."""
    path = path.replace("\\", "/")
    return is_test_path(path) or bool(NON_RUNTIME_PATH.search(path)) or bool(USE_CLIENT.match(text[:4096]))
