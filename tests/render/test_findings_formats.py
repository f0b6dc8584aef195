from __future__ import annotations

import json
from collections.abc import Callable
from xml.etree import ElementTree as ET

import pytest

from mbv_cli.core.findings import Finding, FindingsReport, Severity
from mbv_cli.render import console
from mbv_cli.render.formats.github import escape_data, escape_property, render_github
from mbv_cli.render.formats.junit import render_junit
from mbv_cli.render.formats.sarif import to_sarif


def finding(**kw: object) -> Finding:
    base: dict[str, object] = dict(code="MBV001", severity=Severity.ERROR, message="X is used", worker="w",
                                   env="production", binding="X", file="src/a.ts", line=3, column=5)
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


def capture(render: Callable[[FindingsReport], None], report: FindingsReport,
            capsys: pytest.CaptureFixture[str]) -> str:
    console.reset()
    render(report)
    return capsys.readouterr().out


def test_github_escaping() -> None:
    assert escape_data("a%b\nc\r") == "a%25b%0Ac%0D"
    assert escape_property("src/a,b:c.ts") == "src/a%2Cb%3Ac.ts"


def test_github_line_and_caps(capsys: pytest.CaptureFixture[str]) -> None:
    report = FindingsReport(findings=[finding(line=i) for i in range(1, 13)]
                            + [finding(code="MBV008", severity=Severity.INFO, line=1)])
    out = capture(render_github, report, capsys).splitlines()
    assert out[0] == "::error file=src/a.ts,line=1,col=5,title=MBV001::[w (env.production)] X is used"
    assert sum(x.startswith("::error ") for x in out) == 10
    assert sum(x.startswith("::notice file=") for x in out) == 1  # info -> notice, under its own cap
    assert out[-2].startswith("::notice title=mbv::2 errors not shown")
    assert out[-1] == "mbv: 12 errors, 0 warnings, 1 info"


def test_junit_structure(capsys: pytest.CaptureFixture[str]) -> None:
    report = FindingsReport(findings=[finding(), finding(code="MBV002", severity=Severity.WARNING, env=None),
                                      finding(code="MBV008", severity=Severity.INFO)])
    root = ET.fromstring(capture(render_junit, report, capsys))
    assert (root.get("tests"), root.get("failures")) == ("3", "2")
    names = [s.get("name") for s in root.iter("testsuite")]
    assert names == ["w (top level)", "w (env.production)"]
    info = next(c for c in root.iter("testcase") if c.get("name", "").startswith("MBV008"))
    assert info.find("failure") is None and info.find("system-out") is not None
    empty = ET.fromstring(capture(render_junit, FindingsReport(), capsys))
    assert empty.get("tests") == "1" and empty.get("failures") == "0"


def test_sarif_fingerprints_survive_line_moves_and_tell_repeats_apart() -> None:
    first = to_sarif(FindingsReport(findings=[finding(line=3), finding(line=9)]))
    moved = to_sarif(FindingsReport(findings=[finding(line=13), finding(line=19)]))
    prints = [r["partialFingerprints"]["mbvFindingHash/v1"] for r in first["runs"][0]["results"]]
    assert prints == [r["partialFingerprints"]["mbvFindingHash/v1"] for r in moved["runs"][0]["results"]]
    assert len(set(prints)) == 2
    other = to_sarif(FindingsReport(findings=[finding(env="staging")]))
    assert other["runs"][0]["results"][0]["partialFingerprints"] != first["runs"][0]["results"][0]["partialFingerprints"]


def test_sarif_rules_have_help_and_levels() -> None:
    doc = to_sarif(FindingsReport(findings=[finding(), finding(code="MBV008", severity=Severity.INFO),
                                            finding(code="MBV999", severity=Severity.WARNING)]))
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert "Why is this bad?" in rules["MBV001"]["help"]["text"]
    assert rules["MBV001"]["help"]["markdown"].startswith("# MBV001")
    assert rules["MBV999"]["help"]["text"]  # unknown codes still get a rule
    levels = {r["ruleId"]: r["level"] for r in doc["runs"][0]["results"]}
    assert levels == {"MBV001": "error", "MBV008": "note", "MBV999": "warning"}
    json.dumps(doc)
