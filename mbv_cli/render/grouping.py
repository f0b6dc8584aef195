"""The grouped text view: a code repeated more than GROUP_AFTER times in one Worker shows its first
GROUP_SHOW findings and one line counting the rest (`--all` lists every one), so 200 copies of
one finding do not bury the other findings of a monorepo."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from mbv_cli.core.findings import Finding
from mbv_cli.render import console

GROUP_AFTER = 10
GROUP_SHOW = 3


def repeated_codes(findings: Sequence[Finding]) -> set[str]:
    """Codes that occur more than GROUP_AFTER times in at least one Worker."""
    per_worker = Counter((f.code, f.worker) for f in findings)
    return {code for (code, _), count in per_worker.items() if count > GROUP_AFTER}


def group_line(code: str, findings: Sequence[Finding]) -> str:
    """`MBV001 × 200 in 20 Workers: first 3 shown, --all lists every one` (plain text)."""
    same = [f for f in findings if f.code == code]
    workers = len({f.worker for f in same})
    return (f"{code} × {len(same)} in {console.plural(workers, 'Worker')}: first {GROUP_SHOW} shown, "
            "--all lists every one")
