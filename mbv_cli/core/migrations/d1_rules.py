"""What D1 (and wrangler's local Miniflare) refuses, so mbv fails where wrangler fails and warns early.

Facts from workerd `src/workerd/util/sqlite.c++` (the authorizer every D1 database runs behind) and
checked with wrangler 4.86 `d1 migrations apply --local`: BEGIN/COMMIT/SAVEPOINT statements are
refused ("use the state.storage.transaction() ... APIs"), PRAGMAs outside a short allow-list are
"not authorized: SQLITE_AUTH", functions outside workerd's list are refused, ATTACH/DETACH and TEMP objects are refused, and names starting with
`_cf_` are reserved. Remote D1 gets the migration's whole text, with no BEGIN TRANSACTION/COMMIT
trimming, so that pair works locally and fails remotely (workerd#5411).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

TRANSACTION_REFUSED = (
    "To execute a transaction, please use the state.storage.transaction() or "
    "state.storage.transactionSync() APIs instead of the SQL BEGIN TRANSACTION or SAVEPOINT statements."
)

BOOLEAN_PRAGMAS = frozenset({
    "case_sensitive_like", "foreign_keys", "defer_foreign_keys", "ignore_check_constraints",
    "legacy_alter_table", "recursive_triggers", "reverse_unordered_selects",
})
NAME_PRAGMAS = frozenset({"foreign_key_list", "index_info", "index_list", "index_xinfo", "table_info", "table_xinfo"})
OTHER_PRAGMAS = frozenset({"table_list", "data_version", "foreign_key_check", "quick_check", "optimize"})
ALLOWED_PRAGMAS = BOOLEAN_PRAGMAS | NAME_PRAGMAS | OTHER_PRAGMAS
# The SQL functions D1 lets a statement call (workerd ALLOWED_SQLITE_FUNCTIONS); others are
# "not authorized to use function" (checked with wrangler 4.86: sqlite_version() is refused).
ALLOWED_FUNCTIONS = frozenset([
    "abs", "changes", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "ifnull", "iif",
    "instr", "last_insert_rowid", "length", "like", "likelihood", "likely", "load_extension", "lower",
    "ltrim", "max_scalar", "min_scalar", "nullif", "octet_length", "printf", "quote", "random",
    "randomblob", "replace", "round", "rtrim", "sign", "soundex", "substr", "substring", "total_changes",
    "trim", "typeof", "unhex", "unicode", "unlikely", "upper", "zeroblob", "date", "time", "datetime",
    "julianday", "unixepoch", "strftime", "timediff", "current_date", "current_time", "current_timestamp",
    "avg", "count", "group_concat", "max", "min", "string_agg", "sum", "total", "row_number", "rank",
    "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value", "last_value",
    "nth_value", "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "cos", "cosh",
    "degrees", "exp", "floor", "ln", "log", "log2", "mod", "pi", "pow", "radians", "sin", "sinh", "sqrt",
    "tan", "tanh", "trunc", "json", "json_array", "json_array_length", "json_extract", "->", "->>",
    "json_insert", "json_object", "json_patch", "json_remove", "json_replace", "json_set", "json_type",
    "json_valid", "json_quote", "json_group_array", "json_group_object", "json_each", "json_tree", "match",
    "highlight", "bm25", "snippet", "sqlite_rename_column", "sqlite_rename_table", "sqlite_rename_test",
    "sqlite_drop_column", "sqlite_rename_quotefix"
])
_BOOLEAN_WORDS = ("true", "false", "yes", "no", "on", "off", "1", "0")


def allowed_name(name: str | None) -> bool:
    return name is None or not name.lower().startswith("_cf_")


def _pragma_allowed(pragma: str, argument: str | None) -> bool:
    pragma = pragma.lower()
    if pragma not in ALLOWED_PRAGMAS:
        return False
    if pragma in BOOLEAN_PRAGMAS and argument is not None:
        value = argument.strip("'\"").lower()
        return any(value.startswith(word) for word in _BOOLEAN_WORDS)
    if pragma == "data_version":
        return argument is None
    return allowed_name(argument)


class D1Authorizer:
    """A sqlite3 authorizer refusing what D1 refuses; remembers why for a clear message."""

    def __init__(self) -> None:
        self.reason: str | None = None

    def __call__(self, action: int, arg1: str | None, arg2: str | None, _db: str | None,
                 _trigger: str | None) -> int:
        reason = self._refusal(action, arg1, arg2)
        if reason is None:
            return sqlite3.SQLITE_OK
        self.reason = reason
        return sqlite3.SQLITE_DENY

    def _refusal(self, action: int, arg1: str | None, arg2: str | None) -> str | None:
        if action in (sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT):
            return TRANSACTION_REFUSED
        if action == sqlite3.SQLITE_PRAGMA:
            if _pragma_allowed(arg1 or "", arg2):
                return None
            return f"PRAGMA {arg1} is not allowed on D1"
        if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
            return "ATTACH/DETACH is not allowed on D1"
        if action in (sqlite3.SQLITE_CREATE_TEMP_TABLE, sqlite3.SQLITE_CREATE_TEMP_INDEX,
                      sqlite3.SQLITE_CREATE_TEMP_TRIGGER, sqlite3.SQLITE_CREATE_TEMP_VIEW,
                      sqlite3.SQLITE_DROP_TEMP_TABLE, sqlite3.SQLITE_DROP_TEMP_INDEX,
                      sqlite3.SQLITE_DROP_TEMP_TRIGGER, sqlite3.SQLITE_DROP_TEMP_VIEW):
            return "TEMP tables, indexes, triggers and views are not allowed on D1"
        if action in (sqlite3.SQLITE_CREATE_VTABLE, sqlite3.SQLITE_DROP_VTABLE):
            if (arg2 or "").lower() in ("fts5", "fts5vocab"):
                return None
            return f"virtual table module {arg2} is not allowed on D1 (only fts5)"
        if action in (sqlite3.SQLITE_CREATE_INDEX, sqlite3.SQLITE_DROP_INDEX, sqlite3.SQLITE_CREATE_TRIGGER,
                      sqlite3.SQLITE_DROP_TRIGGER):
            names: tuple[str | None, ...] = (arg1, arg2)
        elif action == sqlite3.SQLITE_FUNCTION:
            if (arg2 or "").lower() in ALLOWED_FUNCTIONS:
                return None
            return f"not authorized to use function: {arg2}"
        elif action == sqlite3.SQLITE_ANALYZE:
            return None
        else:
            names = (arg1,)
        for name in names:
            if not allowed_name(name):
                return f"{name} is reserved by D1 (names starting with _cf_)"
        return None


def install(conn: sqlite3.Connection) -> D1Authorizer:
    authorizer = D1Authorizer()
    conn.set_authorizer(authorizer)
    return authorizer


@dataclass(frozen=True, slots=True)
class RemoteWarning:
    """SQL in a migration that runs under mbv's local apply but fails on remote D1."""

    file: str
    line: int
    message: str


_TXN = re.compile(r"^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b", re.I)
_PRAGMA = re.compile(r"^\s*PRAGMA\s+(?:\w+\.)?(\w+)\s*(?:=\s*([^;]+)|\(\s*([^)]*)\))?", re.I)


def remote_warnings(name: str, text: str) -> list[RemoteWarning]:
    """Statements remote D1 refuses: any transaction statement (wrangler trims one BEGIN
    TRANSACTION/COMMIT pair locally, never remotely) and PRAGMAs outside D1's allow-list."""
    from mbv_cli.core.migrations.splitter import LineCounter, strip_comments

    found: list[RemoteWarning] = []
    offset = 0
    lines = LineCounter(text)
    for chunk in _rough_statements(text):
        start = text.find(chunk, offset)
        offset = max(offset, start + len(chunk))
        body = strip_comments(chunk).strip()
        line = lines.line_at(start + (len(chunk) - len(chunk.lstrip())))
        m = _TXN.match(body)
        if m:
            found.append(RemoteWarning(name, line, f"{m.group(1).upper()} statement: D1 runs each migration in a "
                                       "transaction and refuses transaction statements remotely"))
            continue
        p = _PRAGMA.match(body)
        if p:
            argument = (p.group(2) or p.group(3) or "").strip() or None
            if not _pragma_allowed(p.group(1), argument):
                found.append(RemoteWarning(name, line, f"PRAGMA {p.group(1)} is refused by D1 "
                                           "(not authorized: SQLITE_AUTH)"))
    return found


def _rough_statements(text: str) -> list[str]:
    """Top-level statements by SQLite's own idea of completeness (triggers stay whole)."""
    out: list[str] = []
    current = ""
    for piece in text.split(";"):
        current += piece + ";"
        if sqlite3.complete_statement(current):
            out.append(current)
            current = ""
    if current.strip(" \t\r\n;"):
        out.append(current)
    return out
