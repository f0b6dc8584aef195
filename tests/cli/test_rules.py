"""`mbv rules` and docs/rules.md, which is generated from the registry and must be current."""

from __future__ import annotations

import json

import pytest

from mbv_cli.core.rules import all_rules
from mbv_cli.core.rules.base import DOC_SECTIONS
from mbv_cli.core.rules_catalog import PRECISION_MARKER, rules_markdown
from tests.conftest import REPO


def test_lists_every_rule(run_mbv) -> None:
    result = run_mbv("rules")
    assert result.exit_code == 0
    for rule in all_rules():
        assert rule.code in result.stdout and rule.name in result.stdout


def test_json_lists_codes_in_order(run_mbv) -> None:
    data = json.loads(run_mbv("rules", "--format", "json").stdout)
    codes = [r["code"] for r in data["rules"]]
    assert codes == sorted(codes) and {r.code for r in all_rules()} <= set(codes)
    assert data["schema"] == "mbv.rules/1"


@pytest.mark.parametrize("key", ["MBV101", "mbv112", "hardcoded-secret"])
def test_shows_one_rule(run_mbv, key: str) -> None:
    result = run_mbv("rules", key)
    assert result.exit_code == 0
    for section in DOC_SECTIONS:
        assert section in result.stdout


def test_unknown_rule_is_exit_2(run_mbv) -> None:
    result = run_mbv("rules", "MBV999")
    assert result.exit_code == 2 and "MBV999" in result.stderr and result.stdout == ""


def test_every_rule_documents_every_section_and_has_fixtures() -> None:
    for rule in all_rules():
        sections = rule.sections()
        assert list(sections) == list(DOC_SECTIONS), rule.code
        assert all(sections.values()), rule.code
        assert (REPO / "tests" / "rules" / rule.code / "expected.txt").is_file(), rule.code


def test_codes_and_names_are_unique() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules) == len({r.name for r in rules})


def test_docs_rules_md_is_current(run_mbv) -> None:
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    generated, marker, _precision = committed.partition(PRECISION_MARKER)
    assert marker, "docs/rules.md lost its precision marker"
    assert generated + marker + "\n" == rules_markdown(), "docs/rules.md is stale: run python docs/update_rules.py"
    printed = run_mbv("rules", "--markdown").stdout
    assert printed == rules_markdown()
