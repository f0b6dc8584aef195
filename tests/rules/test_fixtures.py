"""Every rule against its fixtures: bad cases must be found, good cases (the traps) must not.

tests/rules/<CODE>/ holds `bad*` and `good*` files; each case starts with a `bad:`/`good:` comment
and every bad case must produce at least one finding before the next case starts. The findings
are compared with `expected.txt` (regenerate with MBV_UPDATE_SNAPSHOTS=1 after reviewing them).
A first line `// mbv-fixture: compatibility_flags=a,b; numeric_vars=X` sets the Worker context.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from pathlib import Path

import pytest

from mbv_cli.core.code.parsing import SOURCE_SUFFIXES, SourceFile, parse_file
from mbv_cli.core.doctor import run_config_rules
from mbv_cli.core.doctor_code import run_code_rules
from mbv_cli.core.findings import Finding
from mbv_cli.core.rules import CodeContext, ConfigContext, all_rules
from mbv_cli.core.rules.floating_promise import declared_async_functions
from mbv_cli.core.wrangler.config import load_config
from mbv_cli.core.wrangler.environments import resolve_environment

HERE = Path(__file__).parent
TODAY = _dt.date(2026, 11, 28)
CONFIG_SUFFIXES = {".toml", ".json", ".jsonc"}
MARKER = re.compile(r"(?://|#)\s*(bad|good):")
RULES = {r.code: r for r in all_rules()}


def _context(files: list[SourceFile]) -> CodeContext:
    flags: set[str] = set()
    numeric: set[str] = set()
    names: set[str] = set()
    for source in files:
        header = re.match(r"//\s*mbv-fixture:(.*)", source.text)
        if header:
            for item in header.group(1).split(";"):
                key, _, value = item.partition("=")
                values = {v.strip() for v in value.split(",") if v.strip()}
                if key.strip() == "compatibility_flags":
                    flags |= values
                elif key.strip() == "numeric_vars":
                    numeric |= values
        names |= {n for n in declared_async_functions(source) if not n.startswith("this.")}
    return CodeContext(frozenset(flags), frozenset(names), frozenset(numeric))


def _findings_for(code: str) -> dict[str, list[Finding]]:
    rule = RULES[code]
    directory = HERE / code
    found: dict[str, list[Finding]] = {}
    if rule.area == "code":
        paths = sorted(p for p in directory.rglob("*") if p.suffix in SOURCE_SUFFIXES)
        sources = [s for s in (parse_file(p) for p in paths) if isinstance(s, SourceFile)]
        assert len(sources) == len(paths)
        # a fixture file may carry its own flags: give each file the context of its own header
        for source in sources:
            ctx = _context([source])
            ctx = CodeContext(ctx.compatibility_flags, _context(sources).async_functions, ctx.numeric_vars)
            rel = source.path.relative_to(directory).as_posix()
            found[rel] = run_code_rules(source, [rule], ctx, rel)
    else:
        # a fixture's own copy of a wrangler package (MBV206) is not a config
        for path in sorted(p for p in directory.rglob("*") if p.suffix in CONFIG_SUFFIXES
                           and p.name not in ("package.json", "config-schema.json")):
            cfg = load_config(path)
            rel = path.relative_to(directory).as_posix()
            items: list[Finding] = []
            for env in [None, *cfg.env_names]:
                for f in run_config_rules(resolve_environment(cfg, env, environ={}), [rule],
                                          ConfigContext(today=TODAY)):
                    if f not in items:
                        items.append(f)
            found[rel] = items
    return found


def _render(found: dict[str, list[Finding]]) -> str:
    lines = []
    for rel, items in sorted(found.items()):
        for f in sorted(items, key=lambda f: (f.line or 0, f.column or 0)):
            lines.append(f"{rel}:{f.line}:{f.column} {f.code} {f.severity.value} {f.message}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_fixtures(code: str) -> None:
    directory = HERE / code
    assert directory.is_dir(), f"no fixtures for {code}"
    found = _findings_for(code)
    bad_cases = good_cases = 0
    for rel, items in found.items():
        text = (directory / rel).read_text(encoding="utf-8").splitlines()
        markers = [(i + 1, m.group(1)) for i, line in enumerate(text) if (m := MARKER.search(line))]
        assert markers, f"{rel}: no `bad:`/`good:` case markers"
        assert all(f.code == code for f in items)
        for index, (start, kind) in enumerate(markers):
            end = markers[index + 1][0] if index + 1 < len(markers) else len(text) + 1
            in_case = [f for f in items if f.line is not None and start <= f.line < end]
            if kind == "bad":
                bad_cases += 1
                assert in_case, f"{code} {rel}:{start}: bad case not reported"
            else:
                good_cases += 1
                assert not in_case, f"{code} {rel}:{start}: good case reported: {in_case[0].message}"
        if rel.split("/")[-1].startswith("good"):
            assert not items, f"{rel}: {items[0].message}"
    assert bad_cases >= 3 and good_cases >= 3, (bad_cases, good_cases)
    rendered = _render(found)
    snapshot = directory / "expected.txt"
    if os.environ.get("MBV_UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text(rendered, encoding="utf-8")
    assert snapshot.is_file(), f"no snapshot {snapshot}; run with MBV_UPDATE_SNAPSHOTS=1 and review it"
    assert rendered == snapshot.read_text(encoding="utf-8")
