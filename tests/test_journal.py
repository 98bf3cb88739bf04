"""The undo journal of schema 3: one row per changed row, indexed by card, before-images of
only the columns written; pruning by ``journal_keep_days``; ``updated_at`` on every write;
ids never handed out twice; the typed columns every writer of a status change fills."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from salesdesk.data import store, visits
from salesdesk.data.db import Database
from salesdesk.data.io.importer import ImportOptions, run_import
from salesdesk.data.journal import prune
from salesdesk.data.review_queue import _NEXT_DATE_EDITS
from salesdesk.data.sql import sql_timestamp
from salesdesk.errors import InputError

from .conftest import NOW, TODAY


def journal_rows(db: Database) -> list[tuple[Any, ...]]:
    with db.connect() as conn:
        return conn.execute(
            'SELECT journal_id, table_name, row_id, prospect_id, "before" FROM journal_row '
            "ORDER BY id"
        ).fetchall()


def fetch(db: Database, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with db.connect() as conn:
        return [tuple(r) for r in conn.execute(sql, params)]


def labels(db: Database) -> list[str]:
    return [r[0] for r in fetch(db, "SELECT label FROM journal ORDER BY id")]


def one(db: Database, sql: str, params: tuple[Any, ...] = ()) -> Any:
    with db.connect() as conn:
        return conn.execute(sql, params).fetchone()


def plan(db: Database, sql: str, params: tuple[Any, ...] = ()) -> str:
    with db.connect() as conn:
        return " ".join(str(r[-1]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))


# --------------------------------------------------------------------------- journal rows


def test_a_change_is_one_journal_row_per_row_it_touched(db: Database) -> None:
    pid = store.add_prospect(db, NOW, "Wang", next_date=date(2026, 11, 20))
    later = NOW + timedelta(hours=1)
    activity = store.log_touch(db, later, pid, "call", "asked for a quote",
                               next_date=date(2026, 11, 27))
    (first, label), (second, label2) = fetch(db, "SELECT id, label FROM journal ORDER BY id")
    assert (label, label2) == ("add Wang", "log call with Wang")
    rows = {(r[0], r[1], r[2]): r[3:] for r in journal_rows(db)}
    assert rows.keys() == {
        (first, "prospect", pid), (second, "prospect", pid), (second, "activity", activity)}
    assert rows[first, "prospect", pid] == (pid, None)  # added: undo deletes it
    assert rows[second, "activity", activity] == (pid, None)
    owner, before = rows[second, "prospect", pid]
    # Only what the touch wrote, as it was (updated_at is written anew by undo).
    assert owner == pid and json.loads(before) == {
        "touched_at": None, "reviewed_at": None, "next_date": "2026-11-20"}


@pytest.mark.sqlite_only
def test_undo_and_what_changed_read_indexed_rows(db: Database) -> None:
    store.add_prospect(db, NOW, "Wang")
    by_change = plan(db, "SELECT * FROM journal_row WHERE journal_id = ?", (1,))
    by_card = plan(db, "SELECT * FROM journal_row WHERE prospect_id = ?", (1,))
    assert "ix_journal_row_journal_id" in by_change
    assert "ix_journal_row_prospect_id" in by_card
    # "What changed" reads the card's rows, and in each change only the card's rows: an
    # import that touched 100,000 cards is not scanned for each of them.
    slips = plan(db, _NEXT_DATE_EDITS, (1, "2026-01-01"))
    assert "ix_journal_row_prospect_id (prospect_id=?)" in slips
    assert "ix_journal_row_prospect_id (prospect_id=? AND journal_id=?)" in slips
    assert "SCAN" not in slips


def test_a_deleted_visit_comes_back_whole(db: Database) -> None:
    pid = store.add_prospect(db, NOW, "Wang")
    vid = visits.plan_visit(db, NOW, pid, TODAY + timedelta(days=1), start="10:00",
                            purpose="demo")
    visit = one(db, "SELECT * FROM visit WHERE id = ?", (vid,))
    visits.delete_visit(db, NOW + timedelta(minutes=1), vid)
    assert store.undo(db) is not None
    again = one(db, "SELECT * FROM visit WHERE id = ?", (vid,))
    assert again[:-1] == visit[:-1]  # same id, UID and UUID; a new updated_at
    assert again[-1] == sql_timestamp(NOW)


def test_an_updating_import_journals_only_what_it_changed(db: Database, tmp_path: Path) -> None:
    """The figure the README gives for 100,000 cards, in small: the import's before-images
    hold the columns it changed, not whole cards."""
    lines = ["name,phone,title,grade"] + [f"Card {i},1380000{i:04d},Buyer,C" for i in range(200)]
    first = tmp_path / "cards.csv"
    first.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_import(db, first, NOW, ImportOptions())
    update = tmp_path / "update.csv"
    update.write_text("\n".join(lines).replace("Buyer,C", "Head of purchasing,B") + "\n",
                      encoding="utf-8")
    result = run_import(db, update, NOW + timedelta(hours=1),
                        ImportOptions(on_duplicate="update"))
    assert result.updated == 200
    befores = [json.loads(r[4]) for r in journal_rows(db) if r[0] == 2 and r[4]]
    assert len(befores) == 200
    assert set(befores[0]) == {"title", "grade", "graded_at", "reviewed_at"}
    size = one(db, 'SELECT sum(length("before")) FROM journal_row WHERE journal_id = 2')[0]
    assert size / 200 < 150  # bytes per card (a whole card was about 1,000)
    assert store.undo(db) is not None
    assert one(db, "SELECT count(*) FROM prospect WHERE title = 'Buyer' AND grade = 'C'") \
        == (200,)


# --------------------------------------------------------------------------- pruning


def _change_at(db: Database, at: datetime, name: str) -> int:
    return store.add_prospect(db, at, name)


def test_changes_older_than_the_setting_are_pruned_after_a_write(db: Database) -> None:
    old = _change_at(db, NOW - timedelta(days=91), "Old")  # (prunes nothing: it is new)
    _change_at(db, NOW - timedelta(days=89), "Recent")
    store.log_touch(db, NOW, old, "call")  # a write today prunes the 91-day-old change
    assert labels(db) == ["add Recent", "log call with Old"]
    assert one(db, "SELECT count(*) FROM journal_row WHERE prospect_id = ?", (old,)) == (2,)
    assert store.count_prospects(db) == 2  # pruning forgets undo, never data
    store.set_setting(db, "journal_keep_days", "30")
    store.log_touch(db, NOW + timedelta(hours=1), old, "note")
    assert labels(db) == ["log call with Old", "log note with Old"]


def test_pruning_is_by_whole_days_so_at_most_once_a_day(db: Database) -> None:
    _change_at(db, datetime.combine(TODAY - timedelta(days=90), datetime.min.time())
               + timedelta(hours=15), "Edge")
    with db.begin() as conn:
        assert prune(conn, NOW) == 0  # 90 days ago, 15:00: kept all of today
        assert prune(conn, NOW + timedelta(hours=14)) == 0
        assert prune(conn, NOW + timedelta(days=1)) == 1  # tomorrow's first write
        assert prune(conn, NOW + timedelta(days=1, hours=2)) == 0


@pytest.mark.sqlite_only
def test_an_import_prunes_too(db: Database, tmp_path: Path) -> None:
    _change_at(db, NOW - timedelta(days=200), "Ancient")
    path = tmp_path / "one.csv"
    path.write_text("name\nNew\n", encoding="utf-8")
    run_import(db, path, NOW, ImportOptions())
    assert labels(db) == ["import one.csv (batch 20261118-090000)"]


def test_the_keep_setting_is_checked(db: Database) -> None:
    assert store.get_setting(db, "journal_keep_days") == "90"
    for bad in ("0", "-3", "many", "4000"):
        with pytest.raises(InputError, match="journal keep days"):
            store.set_setting(db, "journal_keep_days", bad)


# --------------------------------------------------------------------------- updated_at


def stamp(db: Database, table: str, row_id: int) -> str:
    return str(one(db, f"SELECT updated_at FROM {table} WHERE id = ?", (row_id,))[0])


def test_every_write_stamps_updated_at(db: Database, tmp_path: Path) -> None:
    t = [NOW + timedelta(minutes=m) for m in range(8)]
    pid = store.add_prospect(db, t[0], "Wang", email="wang@example.cn")
    assert stamp(db, "prospect", pid) == sql_timestamp(t[0])
    store.regrade(db, t[1], pid, "A")
    (grade_entry,) = one(db, "SELECT max(id) FROM activity")
    assert stamp(db, "prospect", pid) == stamp(db, "activity", grade_entry) == sql_timestamp(t[1])
    vid = visits.plan_visit(db, t[2], pid, TODAY + timedelta(days=1))
    assert stamp(db, "visit", vid) == sql_timestamp(t[2])
    entry = visits.mark_done(db, t[3], vid, "went well")
    assert {stamp(db, "visit", vid), stamp(db, "activity", entry), stamp(db, "prospect", pid)} \
        == {sql_timestamp(t[3])}
    store.set_status(db, t[4], pid, "customer", value=5000.0)
    assert stamp(db, "prospect", pid) == sql_timestamp(t[4])
    path = tmp_path / "u.csv"
    path.write_text("name,email,title\nWang,wang@example.cn,Owner\n", encoding="utf-8")
    run_import(db, path, t[5], ImportOptions(on_duplicate="update"))
    assert stamp(db, "prospect", pid) == sql_timestamp(t[5])
    store.undo(db, now=t[6])  # undo is a write: what it puts back is stamped
    assert stamp(db, "prospect", pid) == sql_timestamp(t[6])


# --------------------------------------------------------------------------- ids


def test_an_undone_card_and_a_new_one_never_share_an_id(db: Database, tmp_path: Path) -> None:
    keep = store.add_prospect(db, NOW, "Keep")
    gone = store.add_prospect(db, NOW, "Mistake")
    store.undo(db)
    new = store.add_prospect(db, NOW, "New")
    assert (keep, gone, new) == (1, 2, 3)
    store.undo(db)
    path = tmp_path / "one.csv"
    path.write_text("name\nImported\n", encoding="utf-8")
    run_import(db, path, NOW, ImportOptions())  # explicit ids, past the sequence
    assert one(db, "SELECT id FROM prospect WHERE name = 'Imported'") == (4,)


def test_activities_and_visits_are_never_given_a_used_id_either(db: Database) -> None:
    pid = store.add_prospect(db, NOW, "Wang")
    first = store.log_touch(db, NOW, pid, "call")
    store.undo(db)
    assert store.log_touch(db, NOW, pid, "call") == first + 1
    vid = visits.plan_visit(db, NOW, pid, TODAY)
    store.undo(db)
    assert visits.plan_visit(db, NOW, pid, TODAY) == vid + 1


def test_a_visit_uuid_is_the_one_in_its_calendar_uid(db: Database) -> None:
    pid = store.add_prospect(db, NOW, "Wang")
    vid = visits.plan_visit(db, NOW, pid, TODAY)
    uid, visit_uuid = one(db, "SELECT uid, uuid FROM visit WHERE id = ?", (vid,))
    assert uid == f"{visit_uuid}@salesdesk"
    visits.move_visit(db, NOW, vid, TODAY + timedelta(days=2))
    assert one(db, "SELECT uid, uuid FROM visit WHERE id = ?", (vid,)) == (uid, visit_uuid)


# --------------------------------------------------------------------------- typed facts


def status_facts(db: Database, pid: int) -> list[tuple[Any, ...]]:
    with db.connect() as conn:
        return conn.execute(
            "SELECT kind, coalesce(from_status, from_stage), coalesce(to_status, to_stage), "
            "amount FROM activity WHERE prospect_id = ? AND kind IN ('status', 'stage') "
            "ORDER BY id",
            (pid,),
        ).fetchall()


def test_every_status_change_is_written_as_columns(db: Database) -> None:
    a = store.add_prospect(db, NOW, "Won with an amount", stage="interested")
    store.set_status(db, NOW, a, "customer", value=12000.0)
    b = store.add_prospect(db, NOW, "Dropped, reopened, parked, lost, graded")
    store.set_status(db, NOW, b, "dropped")
    store.set_status(db, NOW, b, "live")
    store.set_status(db, NOW, b, "parked")
    store.regrade(db, NOW, b, "A")  # grading a parked card reopens it
    store.set_status(db, NOW, b, "lost")
    c = store.add_prospect(db, NOW, "Won in the card detail")
    store.update_fields(db, NOW, c, {"stage": "prospective"})
    store.update_fields(db, NOW, c, {"status": "customer"})
    assert status_facts(db, a) == [
        ("stage", "interested", "customer", None), ("status", "live", "customer", 12000.0)]
    assert status_facts(db, b) == [
        ("status", "live", "dropped", None), ("status", "dropped", "live", None),
        ("status", "live", "parked", None), ("status", "parked", "live", None),
        ("status", "live", "lost", None)]
    assert status_facts(db, c) == [
        ("stage", "target", "prospective", None), ("stage", "prospective", "customer", None),
        ("status", "live", "customer", None)]
    # The note says the same to the rep; nothing reads it back.
    notes = fetch(db, "SELECT note FROM activity WHERE prospect_id = ? AND kind = 'status'", (a,))
    assert notes == [("live → customer (12,000)",)]


def test_new_uuids_are_time_ordered_version_7() -> None:
    """Made by SQLite (the column default) or by Python (a visit, with its calendar UID),
    a new row's UUID starts with the time, so it sorts after the rows made before it."""
    import sqlite3
    import time
    import uuid

    from salesdesk.data.sql import UUID_DEFAULT, new_uuid

    conn = sqlite3.connect(":memory:")
    first = conn.execute(f"SELECT {UUID_DEFAULT}").fetchone()[0]
    time.sleep(0.002)
    second = new_uuid()
    time.sleep(0.002)
    third = conn.execute(f"SELECT {UUID_DEFAULT}").fetchone()[0]
    conn.close()
    for made in (first, second, third):
        assert uuid.UUID(made).version == 7 and str(uuid.UUID(made)) == made
    assert first < second < third
    assert abs((uuid.UUID(first).int >> 80) - time.time() * 1000) < 60_000  # its time, in ms
