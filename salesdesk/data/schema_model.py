"""The schema as SQLModel creates it, and :mod:`salesdesk.data.schema_sql` written from it.

A new database is created from the stored SQL text of :mod:`~salesdesk.data.schema_sql`
(no ORM to load: a first import or first start saves about half a second). This module is
the one place that text comes from; ``tests/test_schema_sql.py`` checks that the stored
text is what SQLModel writes for :mod:`salesdesk.models`. After changing a model:

    python -m salesdesk.data.schema_model      # rewrites salesdesk/data/schema_sql.py
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

_HEADER = '''"""A new database's tables, indexes and their order, as SQL text (written by
:mod:`salesdesk.data.schema_model` from the SQLModel classes: do not edit by hand).

Creating a database from this text loads no ORM and writes it in one transaction.
"""

SCHEMA: tuple[str, ...] = (
'''


def model_statements() -> list[str]:
    """Every CREATE statement SQLModel's ``create_all`` runs for :mod:`salesdesk.models`,
    as SQLite keeps them, in their order (SQLite's own tables and autoindexes aside)."""
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    from salesdesk import models  # noqa: F401  (registers the tables)

    engine = create_engine("sqlite://")
    try:
        with engine.begin() as conn:
            SQLModel.metadata.create_all(conn)
            rows = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
                "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
            ).fetchall()
    finally:
        engine.dispose()
    return [str(row[0]) for row in rows]


def master_rows(conn: sqlite3.Connection) -> set[tuple[str, str, str, str | None]]:
    """A database's schema as ``sqlite_master`` holds it (the order and root pages aside)."""
    return set(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))


def render(statements: list[str]) -> str:
    """The text of ``schema_sql.py`` for ``statements`` (one literal per SQL line)."""
    out = [_HEADER]
    for statement in statements:
        out.append("    (\n")
        lines = statement.split("\n")
        for number, line in enumerate(lines):
            text = line + ("\n" if number < len(lines) - 1 else "")
            pieces = [text[i : i + 80] for i in range(0, len(text), 80)] or [""]
            out.extend(f"        {piece!r}\n" for piece in pieces)
        out.append("    ),\n")
    out.append(")\n")
    return "".join(out)


if __name__ == "__main__":
    target = Path(__file__).with_name("schema_sql.py")
    target.write_text(render(model_statements()), encoding="utf-8")
    print(f"wrote {target}")
