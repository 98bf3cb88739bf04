"""The weekly review's loader and walk-through store side against a small real database."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.data.review import load_review_data, load_weekly_review
from salesdesk.data.review_queue import changes_since, in_queue, mark_reviewed, review_queue
from salesdesk.rules.review import (
    Slip,
    weekly_review,
)
from tests.conftest import NOW, TODAY

MON = date(2026, 11, 16)  # the week of the suite's fixed today (Wed 18 Nov 2026)
D = date


# --------------------------------------------------------------------------- loader (database)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


def _visit(db: Database, prospect_id: int, day: date, status: str) -> None:
    with db.begin() as conn:
        conn.execute(
            "INSERT INTO visit (prospect_id, day, purpose, status, outcome, uid, created_at) "
            "VALUES (?, ?, '', ?, '', ?, ?)",
            (prospect_id, day.isoformat(), status, f"uid-{prospect_id}-{day}-{status}",
             "2026-11-01 09:00:00.000000"),
        )


def test_loader_against_a_real_database(db: Database) -> None:
    store.set_setting(db, "pool_target", "4")
    old = _at(D(2026, 9, 1))
    ann = store.add_prospect(db, old, "Ann", grade="B", value=5000)
    bob = store.add_prospect(db, old, "Bob", grade="C", value=20000)
    cus = store.add_prospect(db, old - timedelta(days=200), "Cus", value=9000)
    store.set_status(db, old - timedelta(days=100), cus, "customer", value=9000)
    new = store.add_prospect(db, _at(D(2026, 11, 17)), "New", grade="A")
    store.regrade(db, _at(D(2026, 11, 16)), ann, "A")
    store.log_touch(db, _at(D(2026, 11, 16)), ann, "call", "asked for a quote")
    store.log_touch(db, _at(D(2026, 11, 17)), bob, "visit")
    store.log_touch(db, _at(D(2026, 11, 17)), bob, "note", "remember the samples")
    store.log_touch(db, _at(D(2026, 11, 9)), bob, "email")  # last week
    store.set_status(db, _at(D(2026, 11, 18), 8), bob, "customer", value=12000)
    _visit(db, ann, D(2026, 11, 16), "done")
    _visit(db, bob, D(2026, 11, 17), "missed")
    _visit(db, new, D(2026, 11, 20), "planned")
    _visit(db, new, D(2026, 11, 23), "planned")  # next week

    data = load_review_data(db, MON, TODAY)
    assert data.pool_target == 4 and data.retention_days == 60
    review = weekly_review(data)
    assert review.pool.by_grade == {"A": 2, "B": 0, "C": 0}
    assert (review.pool.live, review.pool.to_add, review.pool.new) == (2, 2, 1)
    assert [(c.name, c.value) for c in review.outcomes.won] == [("Bob", 12000)]
    assert [m.name for m in review.outcomes.promoted] == ["Ann"]
    v = review.activity.visits
    assert (v.planned, v.done, v.missed, v.open) == (3, 1, 1, 1)
    assert review.activity.by_kind["call"] == 1 and review.activity.by_kind["note"] == 1
    assert review.activity.touches == 2
    assert review.trends[-2].touches == 1 and review.trends[-1].touches == 2
    # Cus became a customer 100 days before 1 Sep and was never touched since.
    assert [c.name for c in review.retention.customers] == ["Cus"]
    assert review.retention.customers[0].last_contact == D(2026, 5, 24)
    assert review.pareto.customers == 2 and review.pareto.top[0].name == "Bob"
    assert review.funnel["customer"] == 2


def test_regrading_a_closed_card_reopens_it_in_the_history(db: Database) -> None:
    """store.regrade reopens a customer but records only the grade change."""
    pid = store.add_prospect(db, _at(D(2026, 9, 1)), "Back Again", grade="B", value=800)
    store.set_status(db, _at(D(2026, 11, 10)), pid, "customer", value=800)
    store.regrade(db, _at(D(2026, 11, 17)), pid, "A")
    review = load_weekly_review(db, MON, TODAY)
    assert [c.name for c in review.outcomes.reopened] == ["Back Again"]
    assert review.pool.by_grade["A"] == 1
    assert review.trends[-2].live == 0 and review.trends[-2].wins == 1
    assert review.funnel["customer"] == 1  # live again, but its stage is still customer


def test_stage_changes_are_recorded_and_rebuild_the_funnel(db: Database) -> None:
    """A stage edited in the card detail and a win are on the timeline; the funnel of an
    earlier week shows the stage the card had then."""
    pid = store.add_prospect(db, _at(D(2026, 10, 1)), "Stella", grade="B")
    store.update_fields(db, _at(D(2026, 11, 3)), pid, {"stage": "interested", "notes": "keen"})
    acts = store.get_prospect(db, pid, TODAY).activities
    assert sorted((a.kind, a.note) for a in acts) == [
        ("edit", "notes: (empty) → keen"), ("stage", "target → interested")]
    store.update_fields(db, _at(D(2026, 11, 10)), pid, {"stage": "prospective"})
    store.set_status(db, _at(D(2026, 11, 17)), pid, "customer", value=500)
    acts = store.get_prospect(db, pid, TODAY).activities
    assert [(a.kind, a.note) for a in acts[:2]] == [
        ("status", "live → customer (500)"), ("stage", "prospective → customer")]
    assert load_weekly_review(db, D(2026, 11, 2), TODAY).funnel["interested"] == 1
    assert load_weekly_review(db, D(2026, 11, 9), TODAY).funnel["prospective"] == 1
    this_week = load_weekly_review(db, MON, TODAY).funnel
    assert this_week["customer"] == 1 and this_week["prospective"] == 0
    # Undo removes the recorded stage change with the win.
    store.undo(db)
    assert [a.kind for a in store.get_prospect(db, pid, TODAY).activities].count("stage") == 2


def test_loader_empty_database_and_year_end(db: Database) -> None:
    review = load_weekly_review(db, D(2026, 12, 28), D(2027, 1, 5))
    assert review.pool.live == 0 and review.trends[-1].touches == 0
    pid = store.add_prospect(db, _at(D(2026, 12, 29)), "Year End", grade="B")
    store.log_touch(db, _at(D(2026, 12, 31), 23), pid, "call")
    store.log_touch(db, _at(D(2027, 1, 3), 18), pid, "message")
    store.log_touch(db, _at(D(2027, 1, 4), 8), pid, "message")  # the next week
    review = load_weekly_review(db, D(2026, 12, 28), D(2027, 1, 5))
    assert review.activity.touches == 2
    assert review.pool.new == 1 and review.pool.by_grade["B"] == 1
    assert review.iso_week == "2026-W53"


# --------------------------------------------------------------------------- review store


def test_queue_holds_due_past_window_and_overdue_cards(db: Database) -> None:
    fresh = store.add_prospect(db, NOW, "Fresh", grade="C")  # graded today: not due
    due = store.add_prospect(db, NOW - timedelta(days=8), "Due B", grade="B")
    past = store.add_prospect(db, NOW - timedelta(days=10), "Past A", grade="A")
    late = store.add_prospect(db, NOW, "Late", grade="C", next_date=TODAY - timedelta(days=1))
    ids = [c.id for c in review_queue(db, TODAY)]
    assert set(ids) == {due, past, late} and fresh not in ids
    assert ids[0] == late  # urgency order: the overdue next step first
    # Reviewing an overdue-only card takes it out for today.
    mark_reviewed(db, NOW, late)
    assert late not in [c.id for c in review_queue(db, TODAY)]
    assert late in [c.id for c in review_queue(db, TODAY + timedelta(days=1))]


def test_mark_reviewed_is_undoable(db: Database) -> None:
    pid = store.add_prospect(db, NOW - timedelta(days=8), "Due B", grade="B")
    card = store.get_card(db, pid, TODAY)
    assert in_queue(card, TODAY)
    mark_reviewed(db, NOW, pid)
    card = store.get_card(db, pid, TODAY)
    assert card.reviewed_on == TODAY and not in_queue(card, TODAY)
    assert store.undo(db) is not None
    assert store.get_card(db, pid, TODAY).reviewed_on is None


def test_changes_since_last_review(db: Database) -> None:
    start = NOW - timedelta(days=10)
    pid = store.add_prospect(db, start, "Wang", grade="C", next_date=D(2026, 11, 10))
    store.regrade(db, start + timedelta(days=1), pid, "C")  # reviewed 9 Nov
    # 10 Nov: the step slips to the 12th without a touch; 12 Nov: a call moves it on.
    store.set_next_step(db, _at(D(2026, 11, 10)), pid, D(2026, 11, 12))
    store.log_touch(db, _at(D(2026, 11, 12)), pid, "call", "asked for a quote",
                    next_date=D(2026, 11, 16))
    store.regrade(db, _at(D(2026, 11, 13)), pid, "B")
    changes = changes_since(db, pid, TODAY)
    assert changes.reviewed
    # The regrade on the 13th was the last look: it is shown, with what came after it only.
    assert changes.since == _at(D(2026, 11, 13))
    assert [(m.from_grade, m.to_grade) for m in changes.grade_moves] == [("C", "B")]
    assert changes.touches == [] and changes.slips == []
    store.log_touch(db, _at(D(2026, 11, 14)), pid, "visit", "demo")
    assert [t.kind for t in changes_since(db, pid, TODAY).touches] == ["visit"]
    # A MAN answer is a change to the card, listed as such, not a touch with the customer.
    store.set_man(db, _at(D(2026, 11, 15)), pid, money="yes")
    changes = changes_since(db, pid, TODAY)
    assert [t.kind for t in changes.touches] == ["visit"]
    assert any(e.note.startswith("MAN ") for e in changes.edits)


@pytest.mark.sqlite_only
def test_changes_since_copes_with_a_huge_change_on_the_card(db: Database) -> None:
    """An import's undo entry can list more added rows than one SQL statement may name."""
    import sqlite3

    pid = store.add_prospect(db, NOW - timedelta(days=10), "Wang", grade="C")
    other = store.add_prospect(db, NOW - timedelta(days=10), "Li", grade="C")
    with db.begin() as conn:  # one change that touched both cards and logged many rows
        change = store.Change(conn, _at(D(2026, 11, 12)), "import big.csv")
        change.update(pid, {"notes": "from the file"})
        for _ in range(60):
            change.activity(other, "edit", _at(D(2026, 11, 12)), note="imported")
        change.activity(pid, "call", _at(D(2026, 11, 12)), note="imported call")
        change.record()
    with db.connect() as conn:  # this build allows far more; make it the strictest
        conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 20)
    changes = changes_since(db, pid, TODAY)
    assert [t.kind for t in changes.touches] == ["call"]


def test_changes_since_reports_slips_touches_and_overdue(db: Database) -> None:
    start = _at(D(2026, 11, 2))
    pid = store.add_prospect(db, start, "Wang", grade="C", next_date=D(2026, 11, 10))
    store.set_next_step(db, _at(D(2026, 11, 10)), pid, D(2026, 11, 12))
    store.log_touch(db, _at(D(2026, 11, 12)), pid, "call", "asked for a quote",
                    next_date=D(2026, 11, 16))
    store.log_touch(db, _at(D(2026, 11, 13)), pid, "note", "sent brochure")
    changes = changes_since(db, pid, TODAY)
    assert not changes.reviewed and changes.since == start
    assert [(t.kind, t.note) for t in changes.touches] == [
        ("note", "sent brochure"), ("call", "asked for a quote"),
    ]
    assert changes.slips == [Slip(D(2026, 11, 10), D(2026, 11, 10), D(2026, 11, 12))]
    assert (changes.next_date, changes.overdue_days) == (D(2026, 11, 16), 2)
    assert not changes.nothing
    # Undoing the slip removes it from the history too.
    store.undo(db)
    store.undo(db)
    store.undo(db)
    assert changes_since(db, pid, TODAY).slips == []


def test_changes_since_nothing(db: Database) -> None:
    pid = store.add_prospect(db, NOW - timedelta(days=40), "Quiet", grade="C")
    store.regrade(db, NOW - timedelta(days=31), pid, "C")
    changes = changes_since(db, pid, TODAY)
    assert changes.nothing and changes.reviewed
