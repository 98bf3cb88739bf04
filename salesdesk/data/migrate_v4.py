"""Schema 3 -> 4: what a rep expects that was missing (run by
:mod:`salesdesk.data.migrations`, in the migration's transaction, foreign keys off, after
a backup).

- ``prospect.wechat`` (微信 ID) and ``prospect.pinyin_key`` (the pinyin of a Chinese name
  and company, full syllables and initials: :mod:`salesdesk.rules.pinyin`), filled here
  for the cards that exist, so ``wang`` finds 王海燕 at once after the upgrade.
- ``activity.reason`` and ``activity.reason_note``: why a card was dropped or lost.
- ``redo`` and ``redo_row``: what the undos since the last change reversed.
- An index on (status, grade, value): the board header's pipeline sums read only it.

prospect and activity are rebuilt (same ids, UUIDs, indexes, sequences) rather than
altered, so an upgraded file has exactly a new file's schema (a column added with ALTER
TABLE would sit after the foreign keys). The tables are written out as SQL here, as they
are at schema 4, not taken from :mod:`salesdesk.models`.
"""

from __future__ import annotations

import sqlite3

from salesdesk.rules.pinyin import pinyin_key

_UUID7 = (
    "printf('%08x-%04x-7%03x-%x%03x-%012x', "
    "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) >> 16, "
    "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) & 65535, "
    "random() & 4095, 8 + (random() & 3), random() & 4095, random() & 281474976710655)"
)
_NOW = "strftime('%Y-%m-%d %H:%M:%f000', 'now', 'localtime')"
_STAMPS = f"""uuid VARCHAR DEFAULT ({_UUID7}) NOT NULL,
    updated_at DATETIME DEFAULT ({_NOW}) NOT NULL"""

_PROSPECT = f"""CREATE TABLE prospect__v4 (
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
    FOREIGN KEY(previous_id) REFERENCES prospect (id)
)"""
_ACTIVITY = f"""CREATE TABLE activity__v4 (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, prospect_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL, at DATETIME NOT NULL, note VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL, from_grade VARCHAR, to_grade VARCHAR, visit_id INTEGER,
    from_status VARCHAR, to_status VARCHAR, amount FLOAT, from_stage VARCHAR,
    to_stage VARCHAR, reason VARCHAR, reason_note VARCHAR DEFAULT '' NOT NULL,
    {_STAMPS},
    FOREIGN KEY(prospect_id) REFERENCES prospect (id),
    FOREIGN KEY(visit_id) REFERENCES visit (id)
)"""
_REDO = (
    """CREATE TABLE redo (
    id INTEGER NOT NULL, at DATETIME NOT NULL, label VARCHAR NOT NULL,
    import_batch VARCHAR, PRIMARY KEY (id)
)""",
    """CREATE TABLE redo_row (
    id INTEGER NOT NULL, redo_id INTEGER NOT NULL, table_name VARCHAR NOT NULL,
    row_id INTEGER NOT NULL, prospect_id INTEGER, "after" VARCHAR, PRIMARY KEY (id),
    FOREIGN KEY(redo_id) REFERENCES redo (id)
)""",
    "CREATE INDEX ix_redo_row_redo_id ON redo_row (redo_id)",
)
#: The indexes of the rebuilt tables: (table, column, unique).
_INDEXES = (
    *(("prospect", c, False) for c in ("area", "grade", "import_batch", "name", "next_date",
                                       "previous_id", "status")),
    ("prospect", "uuid", True),
    *(("activity", c, False) for c in ("at", "kind", "prospect_id", "visit_id")),
    ("activity", "uuid", True),
)


def v3_to_v4(conn: sqlite3.Connection) -> None:
    """The step itself (see the module docstring)."""
    sequences = dict(conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
    _rebuild(conn, "prospect", _PROSPECT)
    _rebuild(conn, "activity", _ACTIVITY)
    for table, column, unique in _INDEXES:
        kind = "UNIQUE INDEX" if unique else "INDEX"
        conn.execute(f"CREATE {kind} ix_{table}_{column} ON {table} ({column})")
    conn.execute("CREATE INDEX ix_prospect_pipeline ON prospect (status, grade, value)")
    for statement in _REDO:
        conn.execute(statement)
    for table in ("prospect", "activity"):  # ids handed out before stay used
        if table in sequences:
            conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
            conn.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, sequences[table])
            )
    # Only cards with a character beyond ASCII can have Chinese in them.
    conn.create_function(
        "sd_pinyin", 2, lambda name, company: pinyin_key((name, company)), deterministic=True
    )
    conn.execute(
        "UPDATE prospect SET pinyin_key = sd_pinyin(name, company) "
        "WHERE name GLOB '*[^ -~]*' OR company GLOB '*[^ -~]*'"
    )


def _rebuild(conn: sqlite3.Connection, table: str, create: str) -> None:
    """Copy ``table`` into its schema-4 shape (same ids and values; the new columns at
    their defaults) and put it in its place."""
    old = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    conn.execute(create)
    cols = ", ".join(old)
    conn.execute(f"INSERT INTO {table}__v4 ({cols}) SELECT {cols} FROM {table} ORDER BY id")
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {table}__v4 RENAME TO {table}")
