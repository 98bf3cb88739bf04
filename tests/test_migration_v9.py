"""Schema 9: a complaint's answer and follow-up texts as columns. A schema-8 file keeps
them only in the timeline's entries; the upgrade takes each back from its own step's entry,
once, and leaves every other complaint's text empty."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from salesdesk.data import complaints as data
from salesdesk.data import store
from salesdesk.data.db import SCHEMA_VERSION, Database, open_database
from salesdesk.rules.complaints import Step

from .test_migration import drop_complaint_texts, query, schema

NOW = datetime(2026, 12, 1, 9, 0)
TEXTS_FROM = 8  # the schema before the texts' columns


def make_v8_database(path: Path) -> dict[str, int]:
    """A schema-8 file with four complaints: answered with a text, answered without one,
    followed up with a text (its answer entry edited by hand), and one still unanswered."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    open_database(path).close()
    db = Database(path)
    ids: dict[str, int] = {}
    for name, said in (("Ann", "late"), ("Bob", "broken"), ("宁静", "发票错了"), ("Dee", "rude")):
        card = store.add_prospect(db, NOW - timedelta(days=9), name)
        ids[name] = data.record_complaint(db, NOW - timedelta(days=8), card, said)
    data.take_step(db, NOW - timedelta(days=7), ids["Ann"], Step.ANSWERED, "called: sorry · "
                   "[bold]tomorrow[/]")
    data.take_step(db, NOW - timedelta(days=7), ids["Bob"], Step.ANSWERED)
    data.take_step(db, NOW - timedelta(days=7), ids["宁静"], Step.ANSWERED, "已道歉")
    data.take_step(db, NOW - timedelta(days=6), ids["宁静"], Step.RESOLVED, "重开发票")
    data.take_step(db, NOW - timedelta(days=2), ids["宁静"], Step.FOLLOWED_UP, "满意")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE activity SET note = 'answered by phone' "
                 "WHERE note = 'complaint answered: 已道歉'")
    drop_complaint_texts(conn)
    conn.execute(f"PRAGMA user_version = {TEXTS_FROM}")
    conn.commit()
    conn.close()
    return ids


def test_schema_8_upgrades_to_a_fresh_schema_with_the_texts_back(tmp_path: Path) -> None:
    old, new = tmp_path / "old" / "s.db", tmp_path / "new" / "s.db"
    ids = make_v8_database(old)
    upgraded = open_database(old)
    open_database(new).close()
    assert query(old, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert schema(old) == schema(new)
    assert list(old.parent.glob(f"s.db.v{TEXTS_FROM}-*.bak"))  # backed up first
    rows = {name: data.get_complaint(upgraded, cid) for name, cid in ids.items()}
    assert rows["Ann"].answer == "called: sorry · [bold]tomorrow[/]"
    assert rows["Bob"].answer == ""
    assert rows["宁静"].answer == ""  # its entry no longer says what the step wrote
    assert rows["宁静"].follow_up_outcome == "满意"
    assert (rows["Dee"].answer, rows["Dee"].follow_up_outcome) == ("", "")
    assert rows["Ann"].follow_up_outcome == ""
    upgraded.close()


def test_a_step_keeps_its_text_in_its_column(tmp_path: Path) -> None:
    db = open_database(tmp_path / "s.db")
    card = store.add_prospect(db, NOW, "Ann")
    cid = data.record_complaint(db, NOW, card, "late")
    data.take_step(db, NOW, cid, Step.ANSWERED, "line one\nline two")
    data.take_step(db, NOW, cid, Step.RESOLVED, "sent a new one")
    row = data.take_step(db, NOW, cid, Step.FOLLOWED_UP, "happy again")
    assert (row.answer, row.follow_up_outcome) == ("line one\nline two", "happy again")
    assert row.as_dict()["answer"] == "line one\nline two"
    db.close()
