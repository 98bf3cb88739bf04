"""Moving a whole book between databases (SQLite file <-> PostgreSQL, either way), and the
columns both sides share. ``salesdesk db copy`` is :func:`copy_book`.

Rows keep their ids, UUIDs and ``updated_at``, so a copy is the same book (the undo
journal included); only the columns both databases have are copied (a team database's
``owner`` stays behind in a file, and a file's rows going to a team database belong to
the user who copies them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from salesdesk.data.db import Database
from salesdesk.errors import InputError

#: Parents before children (foreign keys), as the models declare them.
TABLES = ("importbatch", "setting", "journal", "prospect", "contact_point", "complaint", "visit",
          "activity", "journal_row", "redo", "redo_row")
#: Rows per INSERT batch (and per progress report).
CHUNK = 2000
Progress = Callable[[int, int], None]


def columns(conn: Any, table: str) -> list[str]:
    """``table``'s columns, in order (SQLite's PRAGMA; the dialect answers it on a server)."""
    return [str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})").fetchall()]


def count_rows(db: Database) -> int:
    with db.connect() as conn:
        return sum(int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                   for t in TABLES)


def _chunks(conn: Any, table: str, cols: list[str]) -> Iterator[list[tuple[Any, ...]]]:
    order = "key" if table == "setting" else "id"
    cursor = conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}")
    while True:
        rows = cursor.fetchmany(CHUNK)
        if not rows:
            return
        yield [tuple(r) for r in rows]


def copy_book(src: Database, dst: Database, progress: Progress | None = None) -> int:
    """Copy every row of ``src`` into ``dst``, which must hold no cards yet; returns how
    many rows were copied. One transaction on ``dst``: a failed copy leaves it empty."""
    with dst.connect() as conn:
        there = int(conn.execute("SELECT count(*) FROM prospect").fetchone()[0])
    if there:
        raise InputError(f"{dst.describe()} already holds {there:,} cards: copy into an "
                         "empty database (nothing was changed)")
    total = count_rows(src)
    done = 0
    with src.connect() as read, dst.bulk(foreign_keys=False) as write:
        read.execute("BEGIN DEFERRED")  # one consistent picture of the source
        write.execute("DELETE FROM setting")
        for table in TABLES:
            shared = [c for c in columns(read, table) if c in set(columns(write, table))]
            marks = ", ".join("?" for _ in shared)
            names = ", ".join(f'"{c}"' for c in shared)
            for rows in _chunks(read, table, shared):
                write.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
                done += len(rows)
                if progress is not None:
                    progress(done, total)
        read.rollback()
    if dst.is_postgres:  # fresh statistics and visibility for the copied tables
        with dst.connect() as conn:
            for table in TABLES:
                conn.execute(f"VACUUM (ANALYZE) {table}")
    return done
