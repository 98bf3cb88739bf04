"""Schema 5 -> 6: complaints and the first-contact clock (run by
:mod:`salesdesk.data.migrations`, in the migration's transaction, after a backup).

- A ``complaint`` table: one row per complaint, each step in typed columns.
- ``prospect`` gets ``first_contact_due`` and ``first_contact_at`` (SQLite's ``ADD
  COLUMN`` puts them after the last column, before the foreign key, where a new file has
  them). Existing cards get no clock: they are not new leads.

The table is written out here as it is at schema 6, not taken from
:mod:`salesdesk.models`: a later schema must not change what this step does.
"""

from __future__ import annotations

import sqlite3

_UUID7 = (
    "printf('%08x-%04x-7%03x-%x%03x-%012x', "
    "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) >> 16, "
    "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) & 65535, "
    "random() & 4095, 8 + (random() & 3), random() & 4095, random() & 281474976710655)"
)
_NOW = "strftime('%Y-%m-%d %H:%M:%f000', 'now', 'localtime')"

_COMPLAINT = f"""CREATE TABLE complaint (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, prospect_id INTEGER NOT NULL,
    received_at DATETIME NOT NULL, channel VARCHAR NOT NULL, said VARCHAR NOT NULL,
    expected VARCHAR NOT NULL, answered_at DATETIME, cause_kind VARCHAR,
    cause VARCHAR NOT NULL, cause_at DATETIME, resolved_at DATETIME,
    resolution VARCHAR NOT NULL, compensation VARCHAR NOT NULL, followed_up_at DATETIME,
    lesson VARCHAR NOT NULL, lesson_at DATETIME,
    uuid VARCHAR DEFAULT ({_UUID7}) NOT NULL,
    updated_at DATETIME DEFAULT ({_NOW}) NOT NULL,
    FOREIGN KEY(prospect_id) REFERENCES prospect (id)
)"""
_COMPLAINT_INDEXES = (
    ("prospect_id", False), ("received_at", False), ("resolved_at", False), ("uuid", True),
)


def v5_to_v6(conn: sqlite3.Connection) -> None:
    """The step itself (see the module docstring)."""
    conn.execute("ALTER TABLE prospect ADD COLUMN first_contact_due DATETIME")
    conn.execute("ALTER TABLE prospect ADD COLUMN first_contact_at DATETIME")
    conn.execute(_COMPLAINT)
    for column, unique in _COMPLAINT_INDEXES:
        kind = "UNIQUE INDEX" if unique else "INDEX"
        conn.execute(f"CREATE {kind} ix_complaint_{column} ON complaint ({column})")
