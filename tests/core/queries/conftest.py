"""A Worker with a D1 binding, its migrations and code, built in a temporary directory per test."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

WRANGLER_TOML = """name = "shop"
main = "src/index.ts"
compatibility_date = "2026-05-01"

[[d1_databases]]
binding = "DB"
database_name = "shop-db"
database_id = "2a3b9f1e-1111-4222-8333-444455556666"
"""


class ShopWorker:
    """A Worker directory: wrangler.toml, migrations/, src/index.ts; and its local D1 file on demand."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "migrations").mkdir(parents=True)
        (root / "src").mkdir()
        (root / "wrangler.toml").write_text(WRANGLER_TOML)

    def migration(self, name: str, sql: str) -> Path:
        path = self.root / "migrations" / name
        path.write_text(sql)
        return path

    def code(self, text: str, name: str = "index.ts") -> Path:
        path = self.root / "src" / name
        path.write_text(text)
        return path

    @property
    def local_file(self) -> Path:
        from mbv_cli.core.wrangler.state import local_d1_path, persist_root

        return local_d1_path(persist_root(self.root), {"binding": "DB", "database_id": "2a3b9f1e-1111-4222-8333-444455556666"})

    def apply_locally(self, *names: str) -> sqlite3.Connection:
        """Create the local D1 file as wrangler would and apply the named migrations with a ledger row each."""
        self.local_file.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.local_file, isolation_level=None)
        conn.execute("PRAGMA synchronous = OFF")  # test data: no fsync per row
        conn.execute("CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)")
        for name in names:
            conn.executescript((self.root / "migrations" / name).read_text())
            conn.execute("INSERT INTO d1_migrations (name) VALUES (?)", (name,))
        return conn


@pytest.fixture
def shop(tmp_path: Path) -> ShopWorker:
    return ShopWorker(tmp_path / "shop")


@pytest.fixture
def check_shop() -> Callable[..., object]:
    """Run the queries check on a ShopWorker's top level, as `mbv db queries` does."""
    from mbv_cli.core.queries.check import CheckSettings
    from mbv_cli.core.queries.run import check_workers, read_statements
    from mbv_cli.core.wrangler.workspace import load_workspace, resolve_workers

    def run(worker: ShopWorker, **settings: object) -> object:
        workers = resolve_workers(load_workspace(worker.root), None)
        [(group, statements, dynamic)], _ = read_statements(workers)
        return check_workers(group, statements, dynamic, CheckSettings(**settings))  # type: ignore[arg-type]

    return run
