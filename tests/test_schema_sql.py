"""A new database is created from stored SQL text (no ORM loaded): that text must be what
the SQLModel classes create, table for table, index for index."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import URL, create_engine
from sqlmodel import SQLModel

from salesdesk import models  # noqa: F401  (registers the tables)
from salesdesk.data import schema_sql
from salesdesk.data.db import open_database
from salesdesk.data.migrations import SCHEMA_VERSION
from salesdesk.data.schema_model import master_rows, model_statements, render
from salesdesk.data.schema_sql import SCHEMA


def _by_sqlmodel(path: Path) -> None:
    """The model tables by SQLAlchemy, then the board's derived key table (schema 8) as a
    new file and the upgrade both add it."""
    engine = create_engine(URL.create("sqlite", database=str(path)))
    try:
        with engine.begin() as conn:
            SQLModel.metadata.create_all(conn)
    finally:
        engine.dispose()
    from salesdesk.data.board_keys import install

    raw = sqlite3.connect(path)
    with raw:
        install(raw)
    raw.close()


def test_a_new_database_has_the_schema_sqlmodel_creates(tmp_path: Path) -> None:
    open_database(tmp_path / "stored.db").close()
    _by_sqlmodel(tmp_path / "model.db")
    stored = sqlite3.connect(tmp_path / "stored.db")
    model = sqlite3.connect(tmp_path / "model.db")
    try:
        assert master_rows(stored) == master_rows(model)
        assert len(master_rows(stored)) > 40  # (every table and index, not an empty file)
        assert stored.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        stored.close()
        model.close()


def test_the_stored_text_is_what_the_generator_writes() -> None:
    """A changed model fails here: ``python -m salesdesk.data.schema_model`` writes it."""
    statements = model_statements()
    assert sorted(SCHEMA) == sorted(statements)
    assert render(list(SCHEMA)) == Path(schema_sql.__file__).read_text(encoding="utf-8")


def test_creating_a_database_loads_no_orm(tmp_path: Path) -> None:
    code = (
        "import sys; from salesdesk.data.db import open_database; "
        f"open_database({str(tmp_path / 'new.db')!r}).close(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "new.db").stat().st_size > 0
