"""Listing and ordering exactly as wrangler 4.86 does it; `create`'s numbering and header."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from pathlib import Path

import pytest

from mbv_cli.core.errors import InputError, UsageError
from mbv_cli.core.migrations.files import (
    apply_order,
    create_migration_file,
    duplicate_numbers,
    js_parse_int,
    list_migration_names,
    next_migration_number,
    read_migration,
)


@pytest.mark.parametrize(("text", "value"), [
    ("0001", 1), ("12abc", 12), ("  7", 7), ("-3", -3), ("+4", 4), ("0x1A", 26), ("", math.nan), ("abc", math.nan),
    ("1e3", 1), ("٣", math.nan),
])
def test_js_parse_int(text: str, value: float) -> None:
    got = js_parse_int(text)
    assert (math.isnan(got) and math.isnan(value)) or got == value


def test_listing_is_top_level_sql_in_code_unit_order(tmp_path: Path) -> None:
    for name in ["10_y.sql", "9_x.sql", "0002_b.SQL", "README.md", "0001_a.sql", "Z.sql", "a.sql", "\U0001f600.sql",
                 "\uff5e.sql"]:
        (tmp_path / name).write_text("SELECT 1;")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "0003_c.sql").write_text("SELECT 1;")
    # JS compares UTF-16 code units: the astral emoji (a surrogate pair, 0xD83D...) sorts before U+FF5E
    assert list_migration_names(tmp_path) == ["0001_a.sql", "10_y.sql", "9_x.sql", "Z.sql", "a.sql",
                                              "\U0001f600.sql", "\uff5e.sql"]


def test_apply_order_is_a_stable_numeric_sort_of_the_listing() -> None:
    names = ["10_y.sql", "9_x.sql", "0002_b.sql", "0002_a.sql", "0001_z.sql", "1_a.sql"]
    assert apply_order(names) == ["0001_z.sql", "1_a.sql", "0002_a.sql", "0002_b.sql", "9_x.sql", "10_y.sql"]
    assert sorted(duplicate_numbers(names)) == [["0001_z.sql", "1_a.sql"], ["0002_a.sql", "0002_b.sql"]]


def test_missing_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no migrations directory"):
        list_migration_names(tmp_path / "nope")


def test_create_numbers_after_the_highest_and_writes_wranglers_header(tmp_path: Path) -> None:
    (tmp_path / "0007_x.sql").write_text("")
    (tmp_path / "notes.sql").write_text("")
    assert next_migration_number(list_migration_names(tmp_path)) == 8
    when = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)
    path = create_migration_file(tmp_path, "add users", now=when)
    assert path.name == "0008_add_users.sql"
    assert path.read_text() == "-- Migration number: 0008 \t 2026-01-02T03:04:05.678Z\n"
    with pytest.raises(UsageError):
        create_migration_file(tmp_path, "../escape")


def test_read_migration_reports_non_utf8_position(tmp_path: Path) -> None:
    (tmp_path / "0001_x.sql").write_bytes(b"SELECT 1;\nSELECT '\xff';\n")
    with pytest.raises(InputError) as info:
        read_migration(tmp_path, "0001_x.sql")
    assert info.value.location is not None
    assert (info.value.location.line, info.value.location.column) == (2, 9)


def test_db_health_lists_migrations_exactly_as_migrate_does(tmp_path: Path) -> None:
    """`mbv db health` and `mbv migrate` share one listing: same names (a `.sql` directory too, as
    wrangler's readdir filter keeps it) in the same UTF-16 code-unit order; no directory, no files."""
    from mbv_cli.core.db.ledger import migration_files
    from mbv_cli.core.migrations.files import list_migration_names

    for name in ("0001_a.sql", "0002_\uff61.sql", "0002_\U0001f600.sql", "0003_b.SQL", "notes.txt"):
        (tmp_path / name).write_text("SELECT 1;\n")
    (tmp_path / "0004_dir.sql").mkdir()
    listed = list_migration_names(tmp_path)
    assert listed == ["0001_a.sql", "0002_\U0001f600.sql", "0002_\uff61.sql", "0004_dir.sql"]
    assert migration_files(tmp_path) == listed
    assert migration_files(tmp_path / "absent") == []
