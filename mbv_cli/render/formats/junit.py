"""JUnit XML, as hurl writes it: `<testsuites><testsuite>` per Worker and environment, one
`<testcase>` per finding code and binding, `<failure>` for errors and warnings; info findings
become passing test cases with `<system-out>`. No findings: one passing test case. The `file`
attribute is relative to the repository root (the git top level)."""

from __future__ import annotations

import re
import sys
from itertools import groupby
from typing import Any
from xml.etree import ElementTree as ET

from mbv_cli.core.findings import FindingsReport

# characters XML 1.0 does not allow at all (not even as &#..;): C0 controls but tab/LF/CR, lone
# surrogates, U+FFFE/U+FFFF. A name from a config may hold them; shown as \xNN so the file stays valid.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)


def render_junit(report: FindingsReport, **_: Any) -> None:
    from mbv_cli.core.repo import ci_path, ci_root

    # test reporters resolve `file` against the repository, as GitHub does
    repo_root = ci_root(f.file for f in report.findings)
    findings = report.sorted()
    root = ET.Element("testsuites", name=report.title)
    total = failures = 0
    for (worker, env), group in groupby(findings, key=lambda f: (f.worker, f.env)):
        items = list(group)
        suite = ET.SubElement(root, "testsuite", name=f"{worker or 'project'} ({'env.' + env if env else 'top level'})")
        suite_failures = 0
        for f in items:
            where = f.file + (f":{f.line}" if f.line else "") if f.file else ""
            case = ET.SubElement(suite, "testcase", classname=f"{worker or 'project'}.{env or 'top-level'}",
                                 name=f"{f.code} {f.binding or ''} {where}".replace("  ", " ").strip())
            if f.file:
                case.set("file", ci_path(f.file, repo_root))
            if f.line:
                case.set("line", str(f.line))
            also = f"also at {', '.join(f.related_where)}" if f.related else ""
            body = "\n".join(x for x in (f.message, also, f"hint: {f.hint}" if f.hint else "", f.snippet or "") if x)
            if f.severity.value == "info":
                ET.SubElement(case, "system-out").text = body
            else:
                failure = ET.SubElement(case, "failure", type=f.code, message=f.message)
                failure.text = body
                suite_failures += 1
        suite.set("tests", str(len(items)))
        suite.set("failures", str(suite_failures))
        suite.set("errors", "0")
        total += len(items)
        failures += suite_failures
    if not findings:
        suite = ET.SubElement(root, "testsuite", name=report.title, tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", classname="mbv", name="no problems found")
        total = 1
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    ET.indent(root)
    document = _xml_safe(ET.tostring(root, encoding="unicode"))
    sys.stdout.write('<?xml version="1.0" encoding="UTF-8"?>\n' + document + "\n")
