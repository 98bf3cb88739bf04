"""A first import into an empty book writes its cards without the prospect table's plain
indexes and builds them once at the end.

SQLite builds an index over 100,000 cards by one sort faster than it inserts the same keys
one by one into eight B-trees (measured: 1.4 s of the 2.5 s that inserting 100,000 cards
takes, against 0.5 s to build the eight afterwards). Only for an empty table: on a book
that already holds cards, a rebuild would cost as much as the cards it holds. The unique
index on ``uuid`` stays (the import checks a file's UUIDs against it), and so does every
other table's. It all happens inside the import's transaction, so an import that fails, is
cancelled or is only a dry run rolls the drop back with everything else.
"""

from __future__ import annotations

import sqlite3


def drop_for_bulk(conn: sqlite3.Connection) -> list[str]:
    """Drop the prospect table's plain indexes when it is empty (SQLite only); returns the
    statements that build them again (:func:`rebuild`), or nothing when none was dropped."""
    if getattr(conn, "is_postgres", False):
        return []
    if conn.execute("SELECT 1 FROM prospect LIMIT 1").fetchone() is not None:
        return []
    found = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'prospect' "
        "AND sql LIKE 'CREATE INDEX %' ORDER BY name"
    ).fetchall()
    for name, _sql in found:
        conn.execute(f'DROP INDEX "{name}"')
    return [str(sql) for _name, sql in found] + _drop_board_keys(conn)


def _drop_board_keys(conn: sqlite3.Connection) -> list[str]:
    """The board's key table (schema 8) is kept by a trigger on each new card: for a bulk
    import into an empty book, drop it and the key indexes too, and at the end make every
    card's key in one statement (stale: the board's first refresh scores them)."""
    found = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'board_key' "
        "AND type = 'index' AND sql IS NOT NULL "
        "OR type = 'trigger' AND name = 'board_key_card_added' ORDER BY type, name"
    ).fetchall()
    if not found:
        return []
    for kind, name, _sql in found:
        conn.execute(f'DROP {kind.upper()} "{name}"')
    rows = "INSERT INTO board_key (prospect_id) SELECT id FROM prospect WHERE true " \
        "ON CONFLICT (prospect_id) DO NOTHING"
    return [rows, *(str(sql) for _kind, _name, sql in found)]


def rebuild(conn: sqlite3.Connection, statements: list[str]) -> None:
    """Build the indexes :func:`drop_for_bulk` dropped, as they were."""
    for statement in statements:
        conn.execute(statement)
