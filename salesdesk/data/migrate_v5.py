"""Schema 4 -> 5: a next step has a kind (run by :mod:`salesdesk.data.migrations`, in the
migration's transaction, after a backup).

``prospect.next_kind`` holds call, visit, meeting, message, email or other ('' when there
is no next step). Cards that already have a next step get the kind the rule in
:mod:`salesdesk.rules.step_kinds` gives (its action's words, else the last touch, else a
call), once, here; from then on every write sets the column and readers only read it.
"""

from __future__ import annotations

import sqlite3

from salesdesk.rules.step_kinds import default_step_kind

_CONTACT = "('call', 'visit', 'message', 'email', 'meeting')"


def v4_to_v5(conn: sqlite3.Connection) -> None:
    """The step itself (see the module docstring)."""
    conn.execute("ALTER TABLE prospect ADD COLUMN next_kind VARCHAR DEFAULT '' NOT NULL")
    rows = conn.execute(
        "SELECT p.id, p.next_action, (SELECT a.kind FROM activity a WHERE a.prospect_id = p.id"
        f" AND a.kind IN {_CONTACT} ORDER BY a.at DESC, a.id DESC LIMIT 1) FROM prospect p "
        "WHERE p.next_date IS NOT NULL OR p.next_action != ''"
    ).fetchall()
    conn.executemany(
        "UPDATE prospect SET next_kind = ? WHERE id = ?",
        [(default_step_kind(action or "", last), pid) for pid, action, last in rows],
    )
