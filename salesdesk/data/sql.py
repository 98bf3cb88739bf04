"""Small SQL helpers every data module shares: how Python values are stored, the id range
SQLite accepts, LIKE patterns, and one row read as a dict."""

from __future__ import annotations

from datetime import date, datetime
from sqlite3 import Connection
from typing import Any

#: The largest id SQLite stores; a bigger number typed by a user names no row (and would
#: overflow the driver), so lookups answer "not found" without asking.
MAX_ID = 2**63 - 1


def sql_timestamp(moment: datetime) -> str:
    """Datetimes are stored the way SQLAlchemy stores them, so both read them back alike."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def sql_value(value: Any) -> Any:
    """A Python value as SQLite stores it (datetimes as SQLAlchemy writes them, ISO dates,
    0/1 for booleans)."""
    if isinstance(value, datetime):
        return sql_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def like_pattern(text: str) -> str:
    """A ``LIKE ... ESCAPE '\\'`` pattern matching ``text`` anywhere, with ``%`` and ``_``
    taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fetch_row(conn: Connection, table: str, row_id: int) -> dict[str, Any] | None:
    """Every column of one row by id, as stored (None if there is no such row).

    ``table`` is always one of ours, never user text."""
    if not 0 < row_id <= MAX_ID:
        return None
    result = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
    row = result.fetchone()
    return dict(zip([c[0] for c in result.description], row, strict=True)) if row else None
