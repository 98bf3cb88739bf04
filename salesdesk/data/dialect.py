"""SQLite's own SQL, in one place: the triggers that keep the board's keys and the search
index following the prospect table, and the search index itself (FTS5).

Everything else in the data layer is portable SQL. A PostgreSQL backend supplies its own
versions of what is here (triggers in PL/pgSQL, ``pg_trgm`` for the search), behind the
same names: :func:`install` on a new or upgraded database, :data:`SEARCH_MATCH` for a
query.
"""

from __future__ import annotations

import sqlite3

#: A card's key is cleared (so recomputed before the next read) whenever its row is
#: written: whatever input the urgency rule gains, a write of it makes the key stale.
BOARD_KEY_TRIGGERS = (
    """CREATE TRIGGER tr_board_key_insert AFTER INSERT ON prospect BEGIN
        INSERT OR REPLACE INTO board_key (prospect_id) VALUES (NEW.id); END""",
    """CREATE TRIGGER tr_board_key_update AFTER UPDATE ON prospect BEGIN
        INSERT OR REPLACE INTO board_key (prospect_id) VALUES (NEW.id); END""",
    """CREATE TRIGGER tr_board_key_delete AFTER DELETE ON prospect BEGIN
        DELETE FROM board_key WHERE prospect_id = OLD.id; END""",
)


def install(conn: sqlite3.Connection) -> None:
    """Create the triggers (a new database, or the upgrade that introduces them)."""
    for statement in BOARD_KEY_TRIGGERS:
        conn.execute(statement)
