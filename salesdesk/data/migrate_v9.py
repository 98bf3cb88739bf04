"""Schema 8 -> 9: a complaint's answer and follow-up texts as columns (run by
:mod:`salesdesk.data.migrations`, in the migration's transaction, after a backup).

Before schema 9 what the rep typed when answering a complaint or following it up lived only
in the card's timeline entry for that step (``complaint answered: <text>``). The step
itself wrote that entry, at the step's moment, so the upgrade takes each text back from it
once, here: the entry of the same card, of kind ``complaint``, at the step's moment, with
the step's own prefix. A complaint whose entry was edited or removed keeps an empty text.
The timeline entries stay as they are.
"""

from __future__ import annotations

import sqlite3

#: (column, the moment column, the prefix the step's timeline entry starts with)
_TEXTS = (
    ("answer", "answered_at", "complaint answered: "),
    ("follow_up_outcome", "followed_up_at", "complaint followed up: "),
)


def v8_to_v9(conn: sqlite3.Connection) -> None:
    """The step itself (see the module docstring); the same SQL runs on PostgreSQL."""
    kind = "TEXT" if getattr(conn, "is_postgres", False) else "VARCHAR"  # as new ones have
    for column, _, _ in _TEXTS:
        conn.execute(f"ALTER TABLE complaint ADD COLUMN {column} {kind} DEFAULT '' NOT NULL")
    for column, moment, prefix in _TEXTS:
        conn.execute(
            f"""UPDATE complaint SET {column} = COALESCE((
                SELECT substr(a.note, {len(prefix) + 1}) FROM activity a
                WHERE a.prospect_id = complaint.prospect_id AND a.kind = 'complaint'
                  AND a.at = complaint.{moment} AND substr(a.note, 1, {len(prefix)}) = ?
                ORDER BY a.id LIMIT 1), '')
            WHERE {moment} IS NOT NULL""",
            (prefix,),
        )
