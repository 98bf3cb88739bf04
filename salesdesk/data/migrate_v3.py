"""Schema 2 -> 3: facts kept as data (run by :mod:`salesdesk.data.migrations`, in the
migration's transaction, foreign keys off, after a backup).

- ``activity`` gets typed columns for status and stage changes and a win's amount, filled
  here from the notes of schema 2 (``"live → customer (12,000)"``): the one place a note
  is ever parsed, once.
- The undo journal becomes one row per changed row (``journal`` + ``journal_row``), with
  the card each row belongs to; schema-2 entries are converted, so ``undo`` keeps working.
- Every prospect, activity and visit gets a UUID and an ``updated_at``; a visit's UUID is
  the one inside its calendar UID.
- prospect, activity and visit are rebuilt with AUTOINCREMENT (ids never reused), keeping
  their ids, indexes and foreign keys.

The tables are written out as SQL here, as they were at schema 3, not taken from
:mod:`salesdesk.models`: a later schema must not change what this step does.
"""

from __future__ import annotations

import re
import sqlite3
import uuid

#: New rows' UUIDs (version 7: time-ordered), the columns' default.
_UUID7 = (
    "printf('%08x-%04x-7%03x-%x%03x-%012x', "
    "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) >> 16, "
    "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) & 65535, "
    "random() & 4095, 8 + (random() & 3), random() & 4095, random() & 281474976710655)"
)
#: The UUIDs of the rows that exist (version 4, random: a version 7 would claim they were
#: made at the upgrade).
_UUID4 = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
    "substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || "
    "substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)
_NOW = "strftime('%Y-%m-%d %H:%M:%f000', 'now', 'localtime')"
_STAMPS = f"""uuid VARCHAR DEFAULT ({_UUID7}) NOT NULL,
    updated_at DATETIME DEFAULT ({_NOW}) NOT NULL"""

_PROSPECT = f"""CREATE TABLE prospect__v3 (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, kind VARCHAR NOT NULL,
    name VARCHAR NOT NULL, company VARCHAR NOT NULL, title VARCHAR NOT NULL,
    phone VARCHAR NOT NULL, email VARCHAR NOT NULL, address VARCHAR NOT NULL,
    area VARCHAR NOT NULL, source VARCHAR NOT NULL, tags VARCHAR NOT NULL,
    product_interest VARCHAR NOT NULL, value FLOAT NOT NULL,
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
    import_batch VARCHAR, previous_id INTEGER, created_at DATETIME NOT NULL,
    graded_at DATETIME NOT NULL, reviewed_at DATETIME, touched_at DATETIME,
    closed_at DATETIME,
    {_STAMPS},
    FOREIGN KEY(previous_id) REFERENCES prospect (id)
)"""
_ACTIVITY = f"""CREATE TABLE activity__v3 (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, prospect_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL, at DATETIME NOT NULL, note VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL, from_grade VARCHAR, to_grade VARCHAR, visit_id INTEGER,
    from_status VARCHAR, to_status VARCHAR, amount FLOAT, from_stage VARCHAR,
    to_stage VARCHAR,
    {_STAMPS},
    FOREIGN KEY(prospect_id) REFERENCES prospect (id),
    FOREIGN KEY(visit_id) REFERENCES visit (id)
)"""
_VISIT = f"""CREATE TABLE visit__v3 (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, prospect_id INTEGER NOT NULL,
    day DATE NOT NULL, start VARCHAR, minutes INTEGER, purpose VARCHAR NOT NULL,
    status VARCHAR NOT NULL, outcome VARCHAR NOT NULL, uid VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    {_STAMPS},
    FOREIGN KEY(prospect_id) REFERENCES prospect (id)
)"""
_JOURNAL = (
    """CREATE TABLE journal (
    id INTEGER NOT NULL, at DATETIME NOT NULL, label VARCHAR NOT NULL,
    import_batch VARCHAR, PRIMARY KEY (id)
)""",
    """CREATE TABLE journal_row (
    id INTEGER NOT NULL, journal_id INTEGER NOT NULL, table_name VARCHAR NOT NULL,
    row_id INTEGER NOT NULL, prospect_id INTEGER, "before" VARCHAR, PRIMARY KEY (id),
    FOREIGN KEY(journal_id) REFERENCES journal (id)
)""",
    "CREATE INDEX ix_journal_at ON journal (at)",
    "CREATE INDEX ix_journal_import_batch ON journal (import_batch)",
    "CREATE INDEX ix_journal_row_journal_id ON journal_row (journal_id)",
    "CREATE INDEX ix_journal_row_prospect_id ON journal_row (prospect_id, journal_id)",
)
#: The indexes of the rebuilt tables: (table, column, unique).
_INDEXES = (
    *(("prospect", c, False) for c in ("area", "grade", "import_batch", "name", "next_date",
                                       "previous_id", "status")),
    ("prospect", "uuid", True),
    *(("activity", c, False) for c in ("at", "kind", "prospect_id", "visit_id")),
    ("activity", "uuid", True),
    *(("visit", c, False) for c in ("day", "prospect_id", "status", "uid")),
    ("visit", "uuid", True),
)

#: The notes schema 2 wrote for status and stage changes: "old → new", a win's amount
#: in brackets ("live → customer (12,000)"), then maybe " · import: FILE".
_CHANGE_NOTE = re.compile(
    r"^\s*([a-z_]+)\s*→\s*([a-z_]+)\s*(?:\(\s*([0-9][0-9,]*(?:\.\d+)?)\s*\))?"
)
_CALENDAR_UID = re.compile(
    r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@salesdesk$"
)


def v2_to_v3(conn: sqlite3.Connection) -> None:
    """The step itself (see the module docstring)."""
    violations = _foreign_key_problems(conn)
    _convert_journal(conn)
    _last_writes(conn)
    _rebuild(conn, "prospect", _PROSPECT, _prospect_stamp())
    _rebuild(conn, "activity", _ACTIVITY, "max(t.at, coalesce(w.at, ''))")
    _rebuild(conn, "visit", _VISIT, "max(t.created_at, coalesce(w.at, ''))")
    for table, column, unique in _INDEXES:
        kind = "UNIQUE INDEX" if unique else "INDEX"
        conn.execute(f"CREATE {kind} ix_{table}_{column} ON {table} ({column})")
    _fill_changes(conn)
    _visit_uuids(conn)
    _keep_sequences(conn)
    conn.execute("DROP TABLE temp.sd_last_write")
    if _foreign_key_problems(conn) != violations:
        raise sqlite3.IntegrityError("the rebuilt tables fail their foreign-key check")


def _foreign_key_problems(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    return sorted(tuple(r) for r in conn.execute("PRAGMA foreign_key_check"))


def _convert_journal(conn: sqlite3.Connection) -> None:
    """Schema-2 entries (one JSON document each) become a journal row per change and a
    journal_row per changed row, in SQL: a 100 MB import entry is never loaded into Python.
    An import's before-images keep only the columns it changed, as schema 3 writes them.

    Each statement parses a document once (SQLite holds a 100 MB entry's parse in about
    300 MB): an entry that is not JSON (which undo refused anyway) is dropped first, so no
    statement needs to check and parse it twice."""
    conn.execute("ALTER TABLE journal RENAME TO journal__v2")
    for statement in _JOURNAL:
        conn.execute(statement)
    conn.execute("DELETE FROM journal__v2 WHERE NOT json_valid(data)")
    conn.execute(
        "INSERT INTO journal (id, at, label, import_batch) "
        "SELECT id, at, label, json_extract(data, '$.import_batch') FROM journal__v2"
    )
    conn.execute(
        """INSERT INTO journal_row (journal_id, table_name, row_id, prospect_id, "before")
        SELECT j.id, t.name, CAST(e.key AS INTEGER),
            CASE
                WHEN t.name = 'prospect' THEN CAST(e.key AS INTEGER)
                WHEN e.type != 'null' THEN json_extract(e.value, '$.prospect_id')
                WHEN t.name = 'activity' THEN
                    (SELECT prospect_id FROM activity WHERE id = CAST(e.key AS INTEGER))
                ELSE (SELECT prospect_id FROM visit WHERE id = CAST(e.key AS INTEGER))
            END,
            CASE WHEN e.type = 'null' THEN NULL ELSE e.value END
        FROM journal__v2 j,
            (SELECT 'prospect' AS name UNION ALL SELECT 'activity' UNION ALL SELECT 'visit') t,
            json_each(j.data, '$.rows.' || t.name) e
        ORDER BY j.id"""
    )
    # The columns each import changed on each card, one per row, for an indexed look-up.
    conn.execute(
        "CREATE TEMP TABLE sd_fields (journal_id INTEGER, row_id INTEGER, name TEXT, "
        "PRIMARY KEY (journal_id, row_id, name))"
    )
    conn.execute(
        "INSERT OR IGNORE INTO temp.sd_fields SELECT j.id, CAST(f.key AS INTEGER), c.value "
        "FROM journal__v2 j, json_each(j.data, '$.import_fields') f, json_each(f.value) c"
    )
    conn.execute(
        """UPDATE journal_row SET "before" = (
            SELECT json_group_object(c.key, c.value) FROM json_each(journal_row."before") c
            JOIN temp.sd_fields s ON s.journal_id = journal_row.journal_id
                AND s.row_id = journal_row.row_id AND s.name = c.key)
        WHERE table_name = 'prospect' AND "before" IS NOT NULL AND EXISTS (
            SELECT 1 FROM temp.sd_fields s
            WHERE s.journal_id = journal_row.journal_id AND s.row_id = journal_row.row_id)"""
    )
    conn.execute("DROP TABLE temp.sd_fields")
    conn.execute("DROP TABLE journal__v2")


def _last_writes(conn: sqlite3.Connection) -> None:
    """When the journal last saw each row written: the best ``updated_at`` there is."""
    conn.execute(
        "CREATE TEMP TABLE sd_last_write (table_name TEXT, row_id INTEGER, at TEXT, "
        "PRIMARY KEY (table_name, row_id))"
    )
    conn.execute(
        "INSERT INTO temp.sd_last_write SELECT r.table_name, r.row_id, max(j.at) "
        "FROM journal_row r JOIN journal j ON j.id = r.journal_id GROUP BY 1, 2"
    )


def _prospect_stamp() -> str:
    stamps = ", ".join(
        f"coalesce({c}, '')" for c in ("t.reviewed_at", "t.touched_at", "t.closed_at", "w.at")
    )
    return f"max(t.created_at, t.graded_at, {stamps})"


def _rebuild(conn: sqlite3.Connection, table: str, create: str, updated_at: str) -> None:
    """Copy ``table`` into its schema-3 shape (same ids; a random UUID per row;
    ``updated_at`` from the best timestamp) and put it in its place."""
    old = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    conn.execute(create)
    cols = ", ".join(old)
    picked = ", ".join(f"t.{c}" for c in old)
    conn.execute(
        f"INSERT INTO {table}__v3 ({cols}, uuid, updated_at) SELECT {picked}, {_UUID4}, "
        f"{updated_at} FROM {table} t LEFT JOIN temp.sd_last_write w "
        f"ON w.table_name = '{table}' AND w.row_id = t.id ORDER BY t.id"
    )
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {table}__v3 RENAME TO {table}")


def _fill_changes(conn: sqlite3.Connection) -> None:
    """Status and stage changes as columns, read once from the notes schema 2 wrote."""
    status, stage = [], []
    for row_id, kind, note in conn.execute(
        "SELECT id, kind, note FROM activity WHERE kind IN ('status', 'stage')"
    ).fetchall():
        match = _CHANGE_NOTE.match(note or "")
        if match is None:
            continue
        old, new, amount = match.groups()
        if kind == "status":
            value = float(amount.replace(",", "")) if amount else None
            status.append((old, new, value, row_id))
        else:
            stage.append((old, new, row_id))
    conn.executemany(
        "UPDATE activity SET from_status = ?, to_status = ?, amount = ? WHERE id = ?", status
    )
    conn.executemany("UPDATE activity SET from_stage = ?, to_stage = ? WHERE id = ?", stage)


def _visit_uuids(conn: sqlite3.Connection) -> None:
    """A visit's UUID is the one in its calendar UID (``<uuid>@salesdesk``), so the
    calendar and a later sync name it alike; a UID of another form keeps its new UUID."""
    counts: dict[str, int] = {}
    rows = conn.execute("SELECT id, uid FROM visit").fetchall()
    for _id, uid in rows:
        counts[uid] = counts.get(uid, 0) + 1
    updates = []
    for row_id, uid in rows:
        match = _CALENDAR_UID.match(uid or "")
        if match and counts[uid] == 1:
            updates.append((str(uuid.UUID(match.group(1))), row_id))
    conn.executemany("UPDATE visit SET uuid = ? WHERE id = ?", updates)


def _keep_sequences(conn: sqlite3.Connection) -> None:
    """Ids handed out before stay used: the sequence starts after the largest id in the
    table or named by the journal (a row that was added, then undone, but still listed)."""
    for table in ("prospect", "activity", "visit"):
        largest = conn.execute(
            f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0), "
            "coalesce((SELECT max(row_id) FROM journal_row WHERE table_name = ?), 0), "
            "coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0))",
            (table, table),
        ).fetchone()[0]
        conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
        if largest:
            conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, largest))
