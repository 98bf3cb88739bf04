"""Schema 7 from schema 6: the ``contact_point`` table (a card's further phones and emails).

The table is created from :class:`salesdesk.models.ContactPoint` itself (SQLAlchemy's DDL
for SQLite), so a migrated database has exactly the schema of a new one. The phones and
emails older schemas could only keep as ``Other phones: ...`` / ``Other emails: ...``
lines in the notes become rows, and those lines leave the notes: facts live in typed
columns.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

_OTHER = re.compile(r"^Other (phones|emails): (.+)$", re.MULTILINE)


def v6_to_v7(conn: sqlite3.Connection) -> None:
    """The step itself (see the module docstring); on a PostgreSQL server (its upgrade
    runs the same steps through :class:`~salesdesk.data.pg.PgConnection`) the table is
    created by :mod:`salesdesk.data.pg_schema`'s own DDL, as a new server database has it."""
    if getattr(conn, "is_postgres", False):
        _create_on_postgres(conn)
    else:
        _create_on_sqlite(conn)
    _move_notes_lines(conn)


def _create_on_sqlite(conn: sqlite3.Connection) -> None:
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    from salesdesk.models import ContactPoint

    table = ContactPoint.__table__  # type: ignore[attr-defined]
    dialect = sqlite.dialect()
    conn.execute(str(CreateTable(table).compile(dialect=dialect)))
    for index in sorted(table.indexes, key=lambda i: str(i.name)):
        conn.execute(str(CreateIndex(index).compile(dialect=dialect)))


def _create_on_postgres(conn: Any) -> None:
    from salesdesk.data.pg_schema import table_ddl

    for statement in table_ddl():  # the table, its indexes and its change trigger
        if ' "contact_point" ' in statement.split("(", 1)[0] + " ":
            conn.raw.execute(statement)  # PostgreSQL's own DDL: no dialect rewriting


def _move_notes_lines(conn: sqlite3.Connection) -> None:
    """The ``Other phones/emails:`` lines of the notes become rows and leave the notes."""
    rows = conn.execute(
        "SELECT id, notes FROM prospect WHERE notes LIKE '%Other phones: %' "
        "OR notes LIKE '%Other emails: %'"
    ).fetchall()
    for pid, notes in rows:
        position = 0
        for kind, values in _OTHER.findall(notes):
            for value in (v.strip() for v in values.split(", ")):
                if value:
                    position += 1
                    conn.execute(
                        "INSERT INTO contact_point (prospect_id, kind, value, label, position) "
                        "VALUES (?, ?, ?, '', ?)",
                        (pid, kind[:-1], value, position),
                    )
        kept = "\n".join(line for line in notes.split("\n") if not _OTHER.match(line))
        conn.execute("UPDATE prospect SET notes = ? WHERE id = ?", (kept, pid))
