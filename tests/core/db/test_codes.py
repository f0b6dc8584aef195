"""Every MBV3xx code `mbv db health` can emit is documented, and the codes stay where they are."""

from __future__ import annotations

import re
from pathlib import Path

from mbv_cli.core.db.codes import DB_CODE_DOCS, code_doc

SOURCES = Path(__file__).resolve().parents[3] / "mbv_cli" / "core" / "db"


def test_codes_are_stable() -> None:
    assert list(DB_CODE_DOCS) == ["MBV301", "MBV303", "MBV304", "MBV305", "MBV306", "MBV307", "MBV308",
                                  "MBV309", "MBV310", "MBV311", "MBV312"]


def test_every_emitted_code_is_documented() -> None:
    emitted = set()
    for source in SOURCES.glob("*.py"):
        if source.name != "codes.py":
            emitted |= set(re.findall(r'"(MBV3\d\d)"', source.read_text()))
    assert emitted and emitted <= set(DB_CODE_DOCS)
    for code in emitted:
        doc = code_doc(code)
        assert doc is not None and doc.severity in ("error", "warning", "info")
        assert all((doc.name, doc.summary, doc.what, doc.why, doc.example, doc.use_instead, doc.limits))
        assert f"# {code} {doc.name}" in doc.markdown()
