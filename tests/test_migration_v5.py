"""Schema 5 (a next step's kind) from schema 2, 3 and 4 files: the schema is a fresh
one's, and every card with a next step gets the kind the rule gives, once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from salesdesk.data.db import SCHEMA_VERSION, open_database
from salesdesk.data.migrations import MIGRATIONS

from .test_migration import make_v2_database, query, schema


def make_v3_database(path: Path) -> None:
    """A schema-3 file: the v2 fixture taken through the 2 -> 3 step only, plus cards whose
    next steps name their kinds in words (English and Chinese) or by their last touch."""
    make_v2_database(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    MIGRATIONS[2](conn)
    conn.execute("PRAGMA user_version = 3")
    base = conn.execute("SELECT * FROM prospect ORDER BY id LIMIT 1").fetchone()
    cols = [r[1] for r in conn.execute("PRAGMA table_info(prospect)")]
    for name, next_date, action in (
        ("Words", "2026-12-01", "去拜访王总"),
        ("Mail", "2026-12-01", "send the quote by email"),
        ("Touch", "2026-12-01", "follow up"),
        ("Nothing", None, ""),
    ):
        row = dict(zip(cols, base, strict=True))
        row.update(id=None, uuid=f"00000000-0000-4000-8000-{len(action) + 100:012d}",
                   name=name, next_date=next_date, next_action=action)
        marks = ", ".join("?" for _ in row)
        conn.execute(f"INSERT INTO prospect ({', '.join(row)}) VALUES ({marks})",
                     list(row.values()))
    (touch_id,) = conn.execute("SELECT id FROM prospect WHERE name = 'Touch'").fetchone()
    conn.execute(
        "INSERT INTO activity (prospect_id, kind, at, note, outcome) "
        "VALUES (?, 'message', '2026-11-10 10:00:00', 'sent it', '')", (touch_id,))
    conn.commit()
    conn.close()


def make_v4_database(path: Path) -> None:
    """A schema-4 file: the schema-3 one above taken through the 3 -> 4 step only."""
    make_v3_database(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    MIGRATIONS[3](conn)
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("make", [make_v2_database, make_v3_database, make_v4_database],
                         ids=["v2", "v3", "v4"])
def test_an_upgraded_schema_is_a_fresh_one(tmp_path: Path, make: object) -> None:
    old, new = tmp_path / "old" / "s.db", tmp_path / "new" / "s.db"
    make(old)  # type: ignore[operator]
    open_database(old).close()
    open_database(new).close()
    assert query(old, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert schema(old) == schema(new)


@pytest.mark.parametrize("make", [make_v3_database, make_v4_database], ids=["v3", "v4"])
def test_the_upgrade_gives_each_next_step_its_kind(tmp_path: Path, make: object) -> None:
    path = tmp_path / "data" / "s.db"
    make(path)  # type: ignore[operator]
    open_database(path).close()
    kinds = dict(query(path, "SELECT name, next_kind FROM prospect"))
    assert kinds["Words"] == "visit"  # 拜访
    assert kinds["Mail"] == "email"
    assert kinds["Touch"] == "message"  # no words: the last touch
    assert kinds["Nothing"] == ""  # no next step, no kind
    with_step = query(path, "SELECT count(*) FROM prospect WHERE next_kind = '' AND "
                            "(next_date IS NOT NULL OR next_action != '')")
    assert with_step == [(0,)]
    assert list(path.parent.glob("s.db.v*-*.bak"))  # backed up first


def test_a_schema_2_file_gets_kinds_too(tmp_path: Path) -> None:
    path = tmp_path / "data" / "s.db"
    make_v2_database(path)
    open_database(path).close()
    kinds = query(path, "SELECT next_kind FROM prospect WHERE next_date IS NOT NULL")
    assert kinds and all(kind in {"call", "visit", "meeting", "message", "email"}
                         for (kind,) in kinds)
