"""Small SQL helpers every data module shares: how Python values are stored, the id range
SQLite accepts, LIKE patterns, and one row read as a dict."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from datetime import date, datetime
from sqlite3 import Connection
from typing import Any

#: The largest id SQLite stores; a bigger number typed by a user names no row (and would
#: overflow the driver), so lookups answer "not found" without asking.
MAX_ID = 2**63 - 1

#: Up to this many cards changed at once (a keystroke's few) are named in a statement by
#: their ids, each read through its index; more (an import, a day's first start) are
#: handled in bulk, through a subquery or a rewrite.
FEW_IDS = 500


def id_list(ids: Iterable[int]) -> str:
    """``(1, 2, 3)``: ids written into a statement (integers only, so nothing to quote)."""
    return "(" + ", ".join(str(int(i)) for i in ids) + ")"


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


def next_id(conn: Connection, table: str) -> int:
    """The id SQLite gives the next row of ``table`` (an AUTOINCREMENT table): past the
    largest id ever used, so a bulk insert with explicit ids never reuses a freed one.
    On PostgreSQL the table's identity sequence keeps that number."""
    if getattr(conn, "is_postgres", False):
        return int(
            conn.execute(
                f"SELECT greatest(coalesce((SELECT max(id) FROM {table}), 0), "
                f"(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {table}_id_seq)"
                ") + 1"
            ).fetchone()[0]
        )
    return int(
        conn.execute(
            f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0), "
            "coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0)) + 1",
            (table,),
        ).fetchone()[0]
    )


#: SQL that makes a UUID as text: a column default, so every insert, bulk ones included,
#: gives its row one. Version 7 (RFC 9562): the time in milliseconds, then 74 random bits.
#: New rows sort after older ones, so a 100,000-card import adds to the end of the unique
#: index instead of touching its pages at random (a version 4 UUID slowed the import by a
#: sixth).
UUID_DEFAULT = (
    "(printf('%08x-%04x-7%03x-%x%03x-%012x', "
    "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) >> 16, "
    "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) & 65535, "
    "random() & 4095, 8 + (random() & 3), random() & 4095, random() & 281474976710655))"
)


def new_uuid() -> str:
    """A UUID made in Python the way :data:`UUID_DEFAULT` makes one in SQL (version 7)."""
    import uuid

    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10))
    value = (value & ~(0xF << 76)) | (7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 9562 variant
    return str(uuid.UUID(int=value))


#: SQL for the local time now, stored like :func:`sql_timestamp` writes it.
NOW_DEFAULT = "(strftime('%Y-%m-%d %H:%M:%f000', 'now', 'localtime'))"


def refresh_pinyin(conn: Connection, where: str = "1", params: tuple[Any, ...] = ()) -> None:
    """Set ``pinyin_key`` from the name and company of the cards ``where`` selects (SQL
    over our own columns, never user text), for writers that change many cards at once
    (an import, demo data, undo). Only cards with a character beyond ASCII (or a key to
    clear) are read by Python."""
    from salesdesk.rules.pinyin import pinyin_key

    if getattr(conn, "is_postgres", False):  # no Python functions in the server: here
        rows = conn.execute(
            "SELECT id, name, company, pinyin_key FROM prospect "
            f"WHERE ({'true' if where == '1' else where}) AND (name ~ '[^ -~]' OR "
            "company ~ '[^ -~]' OR pinyin_key != '')",
            params,
        ).fetchall()
        changed = [(key, pid) for pid, name, company, old in rows
                   if (key := pinyin_key((name, company))) != old]
        if changed:
            conn.executemany("UPDATE prospect SET pinyin_key = ? WHERE id = ?", changed)
        return
    conn.create_function(
        "sd_pinyin", 2, lambda name, company: pinyin_key((name, company)), deterministic=True
    )
    conn.execute(
        "UPDATE prospect SET pinyin_key = sd_pinyin(name, company) "
        f"WHERE ({where}) AND (name GLOB '*[^ -~]*' OR company GLOB '*[^ -~]*' "
        "OR pinyin_key != '') AND pinyin_key != sd_pinyin(name, company)",
        params,
    )
