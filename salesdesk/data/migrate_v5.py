"""Schema 4 -> 5: the board's keys (``board_key``: a card's column, urgency rank, header
flags and MAN verdict, per card, indexed, and ``board_count``), so the board reads its
order and counts from an index instead of scoring every card at every start and change;
and the search index (``prospect_fts``, see :mod:`salesdesk.data.dialect`).

Every key starts stale (no ``day``): the first read computes them with the urgency rule."""

from __future__ import annotations

import sqlite3

from salesdesk.data import dialect

_BOARD_KEY = """CREATE TABLE board_key (
	prospect_id INTEGER NOT NULL,
	col VARCHAR,
	rank FLOAT,
	flags INTEGER,
	verdict VARCHAR,
	day DATE,
	PRIMARY KEY (prospect_id)
)"""

_BOARD_COUNT = """CREATE TABLE board_count (
	col VARCHAR NOT NULL,
	flags INTEGER NOT NULL,
	verdict VARCHAR NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (col, flags, verdict)
)"""


def v4_to_v5(conn: sqlite3.Connection) -> None:
    """Add the keys table, its indexes and triggers; one stale key per card."""
    conn.execute(_BOARD_KEY)
    conn.execute(
        "CREATE INDEX ix_board_key_order ON board_key (col, rank, prospect_id, verdict, flags)"
    )
    conn.execute("CREATE INDEX ix_board_key_day ON board_key (day)")
    conn.execute(_BOARD_COUNT)
    conn.execute("INSERT INTO board_key (prospect_id) SELECT id FROM prospect")
    dialect.install(conn)
    conn.execute(dialect.SEARCH_REBUILD)
