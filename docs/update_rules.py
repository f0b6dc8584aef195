"""Regenerate docs/rules.md from the rule registry, keeping the hand-written precision section.

    python docs/update_rules.py

tests/cli/test_rules.py fails when docs/rules.md differs from what this writes.
"""

from __future__ import annotations

from pathlib import Path

from mbv_cli.core.rules_catalog import current_precision_section, rules_markdown

TARGET = Path(__file__).with_name("rules.md")


def main() -> None:
    existing = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
    TARGET.write_text(rules_markdown(current_precision_section(existing)), encoding="utf-8")


if __name__ == "__main__":
    main()
