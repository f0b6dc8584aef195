"""The import specifiers of a JavaScript/TypeScript file, read from its text (no parse).

Covers what esbuild follows when wrangler bundles: `import ... from "x"`, `import "x"`,
`export ... from "x"`, literal `import("x")` and `require("x")`. Comments and the contents of
strings and template literals are masked first (same length, newlines kept), so an import
written inside a comment or a string is not taken, and line numbers stay exact. `import type`
and `export type` are marked type-only: esbuild drops them from the bundle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKENS = re.compile(
    r"""//[^\n]*|/\*.*?(?:\*/|\Z)|'(?:\\.|[^'\\\n])*'?|"(?:\\.|[^"\\\n])*"?|`(?:\\.|[^`\\])*`?""",
    re.S,
)
# Starts with the keyword (a fast first-character scan); the character before it is checked apart.
_IMPORT = re.compile(
    r"""(?:
        (?P<stmt>import|export)\b(?P<clause>[^;'"`]{0,2000}?)\bfrom\s*(?P<q1>["'])
      | import\s*(?P<q2>["'])
      | (?P<call>import|require)\s*\(\s*(?P<q3>["'])
    )""",
    re.X,
)
_KEYWORD = re.compile(r"import|export|require")
# `export function f`, `export const x`...: declarations, never `export ... from`
_DECLARATION = re.compile(r"export\s+(?:(?:default|function|async|const|let|var|class|interface|enum|abstract|declare|"
                          r"namespace)\b|type\s+[\w$]+\s*[=<])")


@dataclass(frozen=True, slots=True)
class Specifier:
    """One import of a file: what it asks for, where (1-based line), and how."""

    text: str
    line: int
    kind: str  # "static", "dynamic" (import()), "require"
    type_only: bool = False


def mask(text: str) -> str:
    """`text` with comments blanked and string/template contents replaced, lengths kept."""
    out: list[str] = []
    last = 0
    for match in _TOKENS.finditer(text):
        start, end = match.span()
        out.append(text[last:start])
        token = match.group()
        if token[0] == "/":
            out.append(" " * len(token) if "\n" not in token else re.sub(r"[^\n]", " ", token))
        elif len(token) < 2:
            out.append(token)
        else:
            inner = token[1:-1]
            out.append(token[0] + ("_" * len(inner) if "\n" not in inner else re.sub(r"[^\n]", "_", inner))
                       + token[-1])
        last = end
    out.append(text[last:])
    return "".join(out)


def _string_at(text: str, quote_at: int) -> str | None:
    quote = text[quote_at]
    end = text.find(quote, quote_at + 1)
    newline = text.find("\n", quote_at + 1)
    if end == -1 or (newline != -1 and newline < end):
        return None
    value = text[quote_at + 1 : end]
    return value if "\\" not in value else None


def extract(text: str) -> list[Specifier]:
    """Every import specifier of a source file, in order."""
    if "import" not in text and "require" not in text and "export" not in text:
        return []
    masked = mask(text)
    found: list[Specifier] = []
    line, counted = 1, 0
    for keyword in _KEYWORD.finditer(masked):
        start = keyword.start()
        if start and (masked[start - 1].isalnum() or masked[start - 1] in "_$."):
            continue
        if masked.startswith("export", start) and _DECLARATION.match(masked, start):
            continue
        match = _IMPORT.match(masked, start)
        if match is None:
            continue
        quote = match.start("q1") if match.group("q1") else match.start("q2") if match.group("q2") else match.start("q3")
        value = _string_at(text, quote)
        if not value:
            continue
        if match.group("call") == "import":
            kind = "dynamic"
        elif match.group("call") == "require":
            kind = "require"
        else:
            kind = "static"
        type_only = False
        if match.group("stmt"):
            clause = match.group("clause").strip()
            type_only = clause.startswith("type ") or clause.startswith("type{") or clause.startswith("type*")
        line += masked.count("\n", counted, quote)
        counted = quote
        found.append(Specifier(value, line, kind, type_only))
    return found
