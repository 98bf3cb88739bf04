"""Schema 4 -> 5: complaints and the first-contact clock (run by
:mod:`salesdesk.data.migrations`, in the migration's transaction, foreign keys off, after
a backup).

- A ``complaint`` table: one row per complaint, each step in typed columns.
- ``prospect`` gets ``first_contact_due`` and ``first_contact_at``. The table is rebuilt
  (same ids, UUIDs, indexes and id sequence) rather than altered, so an upgraded file's
  schema is exactly a new one's (``ALTER TABLE ADD COLUMN`` would put the columns after
  the foreign key in the stored SQL). Existing cards get no clock: they are not new.

The tables are written out here as they are at schema 5, not taken from
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
_STAMPS = f"""uuid VARCHAR DEFAULT ({_UUID7}) NOT NULL,
    updated_at DATETIME DEFAULT ({_NOW}) NOT NULL"""

_PROSPECT = f"""CREATE TABLE prospect__v5 (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, kind VARCHAR NOT NULL,
    name VARCHAR NOT NULL, company VARCHAR NOT NULL, title VARCHAR NOT NULL,
    phone VARCHAR NOT NULL, email VARCHAR NOT NULL, wechat VARCHAR DEFAULT '' NOT NULL,
    address VARCHAR NOT NULL, area VARCHAR NOT NULL, source VARCHAR NOT NULL,
    tags VARCHAR NOT NULL, product_interest VARCHAR NOT NULL, value FLOAT NOT NULL,
    purchase_history VARCHAR NOT NULL, size VARCHAR NOT NULL, work VARCHAR NOT NULL,
    family VARCHAR NOT NULL, personality VARCHAR NOT NULL, habits VARCHAR NOT NULL,
    hobbies VARCHAR NOT NULL, contact_style VARCHAR NOT NULL,
    contact_times VARCHAR NOT NULL, promotions VARCHAR NOT NULL,
    values_note VARCHAR NOT NULL, birthday DATE, notes VARCHAR NOT NULL,
    grade VARCHAR NOT NULL, status VARCHAR NOT NULL, stage VARCHAR NOT NULL,
    money VARCHAR NOT NULL, authority VARCHAR NOT NULL, need VARCHAR NOT NULL,
    decider VARCHAR DEFAULT '' NOT NULL, priority INTEGER,
    inquiries INTEGER DEFAULT '0' NOT NULL, next_date DATE, next_action VARCHAR NOT NULL,
    next_topic VARCHAR NOT NULL, key_account BOOLEAN NOT NULL, pot_growth BOOLEAN NOT NULL,
    pot_plan BOOLEAN NOT NULL, pot_revenue BOOLEAN NOT NULL,
    pot_opportunity BOOLEAN NOT NULL, pot_fit BOOLEAN NOT NULL,
    pot_competitive BOOLEAN NOT NULL, pot_relationship BOOLEAN NOT NULL,
    follow_up VARCHAR DEFAULT 'keep' NOT NULL, revisit_days INTEGER,
    visit_days VARCHAR DEFAULT '' NOT NULL, visit_time VARCHAR DEFAULT '' NOT NULL,
    import_batch VARCHAR, pinyin_key VARCHAR DEFAULT '' NOT NULL, previous_id INTEGER,
    created_at DATETIME NOT NULL, graded_at DATETIME NOT NULL, reviewed_at DATETIME,
    touched_at DATETIME, closed_at DATETIME,
    {_STAMPS},
    first_contact_due DATETIME, first_contact_at DATETIME,
    FOREIGN KEY(previous_id) REFERENCES prospect (id)
)"""
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


def v4_to_v5(conn: sqlite3.Connection) -> None:
    """The step itself (see the module docstring)."""
    before = sorted(tuple(r) for r in conn.execute("PRAGMA foreign_key_check"))
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'prospect'").fetchone()
    sequence = int(row[0]) if row else 0
    old = [r[1] for r in conn.execute("PRAGMA table_info(prospect)")]
    conn.execute(_PROSPECT)
    cols = ", ".join(old)
    conn.execute(f"INSERT INTO prospect__v5 ({cols}) SELECT {cols} FROM prospect ORDER BY id")
    conn.execute("DROP TABLE prospect")
    conn.execute("ALTER TABLE prospect__v5 RENAME TO prospect")
    for column, unique in _PROSPECT_INDEXES:
        kind = "UNIQUE INDEX" if unique else "INDEX"
        conn.execute(f"CREATE {kind} ix_prospect_{column} ON prospect ({column})")
    conn.execute("CREATE INDEX ix_prospect_pipeline ON prospect (status, grade, value)")
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
