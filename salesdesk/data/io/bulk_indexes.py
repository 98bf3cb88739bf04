"""An import writes its cards without the per-card work SQLite would otherwise repeat
100,000 times, and does it once at the end.

A first import into an empty book drops the prospect table's plain indexes and builds them
again at the end (the board's key table keeps its own, see :func:`_drop_board_keys`):
SQLite builds an index over 100,000 cards by one sort faster than it inserts the same keys
one by one into eight B-trees (measured: 1.4 s of the 2.5 s that inserting 100,000 cards
takes, against 0.5 s to build the eight afterwards). Only for an empty table: on a book
that already holds cards, a rebuild would cost as much as the cards it holds. The unique
index on ``uuid`` stays (the import checks a file's UUIDs against it), and so does every
other table's.

Every import (into an empty book or not) sets aside the board's trigger that adds a key
row per new card (:mod:`salesdesk.data.board_keys`) and, at the end, adds the new cards'
key rows in one statement that does what the trigger did for each: the same rows, stale,
for the board's next refresh to score. It all happens inside the import's transaction, so
an import that fails, is cancelled or is only a dry run rolls the drop back with
everything else.
"""

from __future__ import annotations

import sqlite3

#: The trigger on each new card, and what it does, for every card from ``first_id`` on.
_TRIGGER = "board_key_card_added"
_ADD_KEYS = (
    "INSERT INTO board_key (prospect_id) SELECT id FROM prospect WHERE id >= {first} "
    "ON CONFLICT (prospect_id) DO UPDATE SET until = '', since = '', text_stale = 1"
)


def drop_for_bulk(conn: sqlite3.Connection, first_id: int = 0) -> list[str]:
    """Set aside what an import would do per card (SQLite only): the board's new-card
    trigger always, and the prospect table's plain indexes (with the key table's) when
    the table is empty. Returns the statements that do it all again, once
    (:func:`rebuild`), or nothing when nothing was dropped. ``first_id``: the id of the
    import's first new card (every new card's id is at least that)."""
    if getattr(conn, "is_postgres", False):
        return []
    trigger = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (_TRIGGER,)
    ).fetchone()
    if conn.execute("SELECT 1 FROM prospect LIMIT 1").fetchone() is not None:
        if trigger is None:
            return []
        conn.execute(f'DROP TRIGGER "{_TRIGGER}"')
        return [_ADD_KEYS.format(first=int(first_id)), str(trigger[0])]
    found = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'prospect' "
        "AND sql LIKE 'CREATE INDEX %' ORDER BY name"
    ).fetchall()
    for name, _sql in found:
        conn.execute(f'DROP INDEX "{name}"')
    return [str(sql) for _name, sql in found] + _drop_board_keys(conn)


def _drop_board_keys(conn: sqlite3.Connection) -> list[str]:
    """The board's key table (schema 8) is kept by a trigger on each new card: for a bulk
    import into an empty book, drop the trigger, and at the end make every card's key in
    one statement (stale: the board's first refresh scores them). The key table's indexes
    stay: every new key row holds the same values (the defaults), so each index only
    grows at its end, cheaper than building it again by a sort."""
    found = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (_TRIGGER,)
    ).fetchone()
    if found is None:
        return []
    conn.execute(f'DROP TRIGGER "{_TRIGGER}"')
    return [_ADD_KEYS.format(first=0), str(found[0])]


def rebuild(conn: sqlite3.Connection, statements: list[str]) -> None:
    """Do again, once, what :func:`drop_for_bulk` set aside, as it was."""
    for statement in statements:
        conn.execute(statement)
