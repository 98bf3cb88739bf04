"""Schema 3 -> 4: complaints and the first-contact clock (run by
:mod:`salesdesk.data.migrations`, in the migration's transaction, foreign keys off, after
a backup).

- A ``complaint`` table: one row per complaint, each step in typed columns.
- ``prospect`` gets ``first_contact_due`` and ``first_contact_at``. The table is rebuilt
  (same ids, UUIDs, indexes and id sequence) rather than altered, so an upgraded file's
  schema is exactly a new one's (``ALTER TABLE ADD COLUMN`` would put the columns after
  the foreign key in the stored SQL). Existing cards get no clock: they are not new.

The tables are written out here as they are at schema 4, not taken from
:mod:`salesdesk.models`: a later schema must not change what this step does.
"""

from __future__ import annotations

import sqlite3

from salesdesk.data.migrate_v3 import PROSPECT_V3_SQL as _PROSPECT_V3
from salesdesk.data.migrate_v3 import STAMP_COLUMNS_SQL as _STAMPS

_PROSPECT = _PROSPECT_V3.replace("prospect__v3", "prospect__v4").replace(
    f"{_STAMPS},", f"{_STAMPS},\n    first_contact_due DATETIME, first_contact_at DATETIME,"
)
_PROSPECT_INDEXES = (
    ("area", False), ("grade", False), ("import_batch", False), ("name", False),
    ("next_date", False), ("previous_id", False), ("status", False), ("uuid", True),
)
_COMPLAINT = f"""CREATE TABLE complaint (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, prospect_id INTEGER NOT NULL,
    received_at DATETIME NOT NULL, channel VARCHAR NOT NULL, said VARCHAR NOT NULL,
    expected VARCHAR NOT NULL, answered_at DATETIME, cause_kind VARCHAR,
    cause VARCHAR NOT NULL, cause_at DATETIME, resolved_at DATETIME,
    resolution VARCHAR NOT NULL, compensation VARCHAR NOT NULL, followed_up_at DATETIME,
    lesson VARCHAR NOT NULL, lesson_at DATETIME,
    {_STAMPS},
    FOREIGN KEY(prospect_id) REFERENCES prospect (id)
)"""
_COMPLAINT_INDEXES = (
    ("prospect_id", False), ("received_at", False), ("resolved_at", False), ("uuid", True),
)


def v3_to_v4(conn: sqlite3.Connection) -> None:
    """The step itself (see the module docstring)."""
    before = sorted(tuple(r) for r in conn.execute("PRAGMA foreign_key_check"))
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'prospect'").fetchone()
    sequence = int(row[0]) if row else 0
    old = [r[1] for r in conn.execute("PRAGMA table_info(prospect)")]
    conn.execute(_PROSPECT)
    cols = ", ".join(old)
    conn.execute(f"INSERT INTO prospect__v4 ({cols}) SELECT {cols} FROM prospect ORDER BY id")
    conn.execute("DROP TABLE prospect")
    conn.execute("ALTER TABLE prospect__v4 RENAME TO prospect")
    for column, unique in _PROSPECT_INDEXES:
        kind = "UNIQUE INDEX" if unique else "INDEX"
        conn.execute(f"CREATE {kind} ix_prospect_{column} ON prospect ({column})")
    conn.execute("DELETE FROM sqlite_sequence WHERE name = 'prospect'")
    largest = conn.execute("SELECT coalesce(max(id), 0) FROM prospect").fetchone()[0]
    if max(sequence, largest):
        conn.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES ('prospect', ?)",
            (max(sequence, largest),),
        )
    conn.execute(_COMPLAINT)
    for column, unique in _COMPLAINT_INDEXES:
        kind = "UNIQUE INDEX" if unique else "INDEX"
        conn.execute(f"CREATE {kind} ix_complaint_{column} ON complaint ({column})")
    if sorted(tuple(r) for r in conn.execute("PRAGMA foreign_key_check")) != before:
        raise sqlite3.IntegrityError("the rebuilt prospect table fails its foreign-key check")
