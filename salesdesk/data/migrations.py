"""The schema's history: each step upgrades a database by one version, in the transaction
:func:`salesdesk.data.db.open_database` runs them in, after a backup. A new database is
created from :mod:`salesdesk.models` at :data:`SCHEMA_VERSION` and runs none."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

#: Bump when the schema changes, and add the step to MIGRATIONS.
SCHEMA_VERSION = 9

Migration = Callable[[sqlite3.Connection], None]


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    """MAN decider and priority, visit planning, import batches."""
    for column in (
        "decider VARCHAR NOT NULL DEFAULT ''",
        "priority INTEGER",
        "inquiries INTEGER NOT NULL DEFAULT 0",
        "follow_up VARCHAR NOT NULL DEFAULT 'keep'",
        "revisit_days INTEGER",
        "visit_days VARCHAR NOT NULL DEFAULT ''",
        "visit_time VARCHAR NOT NULL DEFAULT ''",
        "import_batch VARCHAR",
    ):
        conn.execute(f"ALTER TABLE prospect ADD COLUMN {column}")
    conn.execute("CREATE INDEX ix_prospect_import_batch ON prospect (import_batch)")
    conn.execute(
        """CREATE TABLE visit (
            id INTEGER NOT NULL, prospect_id INTEGER NOT NULL, day DATE NOT NULL,
            start VARCHAR, minutes INTEGER, purpose VARCHAR NOT NULL, status VARCHAR NOT NULL,
            outcome VARCHAR NOT NULL, uid VARCHAR NOT NULL, created_at DATETIME NOT NULL,
            PRIMARY KEY (id), FOREIGN KEY(prospect_id) REFERENCES prospect (id))"""
    )
    for column in ("prospect_id", "day", "status", "uid"):
        conn.execute(f"CREATE INDEX ix_visit_{column} ON visit ({column})")
    conn.execute(
        """CREATE TABLE importbatch (
            id VARCHAR NOT NULL, at DATETIME NOT NULL, source VARCHAR NOT NULL,
            created INTEGER NOT NULL, updated INTEGER NOT NULL, PRIMARY KEY (id))"""
    )
    conn.execute("ALTER TABLE activity ADD COLUMN visit_id INTEGER REFERENCES visit (id)")
    # Undo entries of schema 1 listed prospects and added activities; schema 2 lists rows
    # per table, so convert them and `salesdesk undo` keeps working after the upgrade.
    for journal_id, data in conn.execute("SELECT id, data FROM journal").fetchall():
        old = json.loads(data)
        if "rows" in old:
            continue
        rows = {
            "prospect": old.get("prospects", {}),
            "activity": {str(a): None for a in old.get("activities", [])},
        }
        conn.execute(
            "UPDATE journal SET data = ? WHERE id = ?", (json.dumps({"rows": rows}), journal_id)
        )
    # Foreign keys need an index on the child side, or every delete scans the table.
    conn.execute("CREATE INDEX ix_activity_visit_id ON activity (visit_id)")
    conn.execute("CREATE INDEX ix_prospect_previous_id ON prospect (previous_id)")


def _v2_to_v3(conn: sqlite3.Connection) -> None:
    """Facts as columns, a journal of rows, UUIDs and updated_at, ids never reused: see
    :mod:`salesdesk.data.migrate_v3` (loaded only when a schema-2 file is upgraded)."""
    from salesdesk.data.migrate_v3 import v2_to_v3

    v2_to_v3(conn)


def _v3_to_v4(conn: sqlite3.Connection) -> None:
    """WeChat, the pinyin search key, drop and loss reasons, redo: see
    :mod:`salesdesk.data.migrate_v4`."""
    from salesdesk.data.migrate_v4 import v3_to_v4

    v3_to_v4(conn)


def _v4_to_v5(conn: sqlite3.Connection) -> None:
    """A next step's kind: see :mod:`salesdesk.data.migrate_v5`."""
    from salesdesk.data.migrate_v5 import v4_to_v5

    v4_to_v5(conn)


def _v5_to_v6(conn: sqlite3.Connection) -> None:
    """Complaints and the first-contact clock: see :mod:`salesdesk.data.migrate_v6`."""
    from salesdesk.data.migrate_v6 import v5_to_v6

    v5_to_v6(conn)


def _v6_to_v7(conn: sqlite3.Connection) -> None:
    """A card's further phones and emails as rows: :mod:`salesdesk.data.migrate_v7`."""
    from salesdesk.data.migrate_v7 import v6_to_v7

    v6_to_v7(conn)


def _v7_to_v8(conn: sqlite3.Connection) -> None:
    """The board's order in SQL, the ``board_key`` table and its triggers (see
    :mod:`salesdesk.data.board_keys`); a PostgreSQL server orders its cards in Python."""
    if not getattr(conn, "is_postgres", False):
        from salesdesk.data.board_keys import install

        install(conn)


def _v8_to_v9(conn: sqlite3.Connection) -> None:
    """What a complaint's answer said and how its follow-up went, as columns: see
    :mod:`salesdesk.data.migrate_v9`."""
    from salesdesk.data.migrate_v9 import v8_to_v9

    v8_to_v9(conn)


#: MIGRATIONS[n] upgrades a database from version n to n + 1 (version 0 is "fresh").
MIGRATIONS: dict[int, Migration] = {
    1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4, 4: _v4_to_v5, 5: _v5_to_v6, 6: _v6_to_v7,
    7: _v7_to_v8, 8: _v8_to_v9,
}
