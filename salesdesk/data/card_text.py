"""The board filter's full-text index (``card_text``, FTS5 trigram) kept up with the cards.

A card's key row is marked ``text_stale`` by the triggers on every change of the card, a
regrade or a touch as much as a new name; rewriting its index row each time made FTS5 merge
its segments now and then, a ~400 ms pause inside a regrade at 100,000 cards. A few stale
cards are compared with what the index holds and only those whose searched text changed are
written; many (an import, the first start of a day) are rewritten in three statements.
"""

from __future__ import annotations

import sqlite3

from salesdesk.data.cards import SEARCH_COLUMNS
from salesdesk.data.sql import FEW_IDS, id_list

STALE_IDS = "SELECT prospect_id FROM board_key WHERE text_stale"
STALE = f"({STALE_IDS})"


def refresh_text(conn: sqlite3.Connection) -> None:
    """Put the changed cards' searched text into the filter's index."""
    ids = [int(row[0]) for row in conn.execute(f"{STALE_IDS} LIMIT {FEW_IDS + 1}")]
    if not ids:
        return
    columns = ", ".join(SEARCH_COLUMNS)
    if len(ids) > FEW_IDS:  # compared one by one up to FEW_IDS; more rewritten in bulk
        conn.execute(f"DELETE FROM card_text WHERE rowid IN {STALE}")
        conn.execute(f"INSERT INTO card_text (rowid, {columns}) SELECT id, {columns} "
                     f"FROM prospect WHERE id IN {STALE}")
        conn.execute("UPDATE board_key SET text_stale = 0 WHERE text_stale")
        return
    listed = id_list(ids)
    held = {row[0]: tuple(row[1:]) for row in conn.execute(
        f"SELECT rowid, {columns} FROM card_text WHERE rowid IN {listed}")}
    current = {row[0]: tuple(row[1:]) for row in conn.execute(
        f"SELECT id, {columns} FROM prospect WHERE id IN {listed}")}
    changed = [card for card in ids if held.get(card) != current.get(card)]
    gone = [(card,) for card in changed if card in held]
    conn.executemany("DELETE FROM card_text WHERE rowid = ?", gone)
    marks = ", ".join("?" * (len(SEARCH_COLUMNS) + 1))
    conn.executemany(f"INSERT INTO card_text (rowid, {columns}) VALUES ({marks})",
                     [(card, *current[card]) for card in changed if card in current])
    conn.execute(f"UPDATE board_key SET text_stale = 0 WHERE prospect_id IN {listed}")
