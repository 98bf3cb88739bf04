"""Today's list read as the rep walks it (:class:`salesdesk.data.today_pages.TodayPages`)
is the old one exactly: read to the end it holds the items of
:func:`salesdesk.data.today.today_list` (and of every card read and tried, as before the
board's keys) in the same order; read a part at a time, past skipped items, it gives the
same first items; its count, before anything is read, is the list's length. On demo books
whose dates, names, kinds, visits, wins and clocks are scattered around each day tried
(the edges of every rule: windows closing, 29 February, names equal but for case), on
SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest

from salesdesk.data import board_view, store, visits
from salesdesk.data.db import Database
from salesdesk.data.demo import fill_demo
from salesdesk.data.sql import sql_timestamp
from salesdesk.data.today import planned_visits, running_clocks, today_list
from salesdesk.data.today_pages import TodayPages
from salesdesk.data.visits.plan import plan_facts, plan_settings
from salesdesk.rules.today import TodayItem, today_items

CARDS = 900
#: Days tried: the demo's own, 28 February of a common year (29 February birthdays), 29
#: February of a leap year, 1 March, New Year's Day, a Sunday.
DAYS = (
    date(2026, 11, 18),
    date(2027, 2, 28),
    date(2028, 2, 29),
    date(2027, 3, 1),
    date(2027, 1, 1),
    date(2026, 11, 22),
)
#: Names equal but for case and folding (ß, accents), Chinese, and plain ones.
NAMES = ("ann lee", "Ann Lee", "ANN LEE", "Straße", "STRASSE", "strasse", "Émile",
         "émile", "王芳", "王芳", "Zoë", "zoe", "Bob", "bob")
KINDS = ("call", "visit", "meeting", "message", "email", "other", "")


def _at(day: date, hour: int = 10) -> str:
    return sql_timestamp(datetime.combine(day, time(hour, 15)))


def _scatter(db: Database, today: date, seed: int) -> None:
    """Move the cards' dates around ``today`` (every window's edge, due steps of every
    kind, birthdays on the day and on 29 February), give them names that sort alike,
    plan visits by today (some at the same time on one card), wins in the last week
    around the thank-you threshold, and new leads whose first contact is due today."""
    rng = random.Random(seed)
    windows = {"A": 7, "B": 30, "C": 90}
    with db.connect() as conn:
        conn.execute("BEGIN")
        ids = [int(r[0]) for r in conn.execute("SELECT id FROM prospect").fetchall()]
        for pid in ids:
            grade = rng.choice("ABC")
            graded = today - timedelta(days=windows[grade] + rng.randint(-3, 12))
            birthday = rng.choice((
                date(1980, today.month, today.day) if (today.month, today.day) != (2, 29)
                else date(1984, 2, 29),
                date(1984, 2, 29), date(1981, 2, 28), date(1979, 3, 1), None, None))
            status = rng.choice(("live",) * 6 + ("customer", "customer", "parked", "lost"))
            conn.execute(
                "UPDATE prospect SET name = ?, company = ?, grade = ?, status = ?, "
                "graded_at = ?, next_date = ?, next_kind = ?, next_action = ?, birthday = ?, "
                "touched_at = ?, first_contact_due = ?, first_contact_at = NULL WHERE id = ?",
                (
                    rng.choice(NAMES), rng.choice(("Acme", "")), grade, status,
                    _at(graded),
                    (today + timedelta(days=rng.randint(-12, 3))).isoformat()
                    if rng.random() < 0.6 else None,
                    rng.choice(KINDS), rng.choice(("call back", "")),
                    birthday.isoformat() if birthday else None,
                    _at(today - timedelta(days=rng.randint(0, 20))),
                    sql_timestamp(datetime.combine(today, time(rng.choice((8, 17)))))
                    if rng.random() < 0.03 else None,
                    pid,
                ),
            )
        for (aid,) in conn.execute(
            "SELECT id FROM activity WHERE kind = 'status' AND to_status = 'customer'"
        ).fetchall():
            conn.execute("UPDATE activity SET at = ?, amount = ? WHERE id = ?", (
                _at(today - timedelta(days=rng.randint(0, 9))),
                rng.choice((None, 500.0, 20_000.0, 80_000.0)), aid))
        conn.execute("COMMIT")
    # Visits planned by today (two of one card at the same time), a complaint, two at
    # once on another card.
    first, second, third = ids[:3]
    with db.connect() as conn:
        conn.execute("BEGIN")
        conn.execute(f"UPDATE prospect SET status = 'live' WHERE id IN {first, second, third}")
        conn.execute("COMMIT")
    for pid, late, start in ((first, 0, "11:00"), (first, 0, "11:00"), (first, 2, None),
                             *((pid, rng.randint(0, 3), rng.choice(("09:00", None)))
                               for pid in rng.sample(ids, 25))):
        day = today - timedelta(days=late)
        visits.plan_visit(db, datetime.combine(day, time(7)), pid, day, start=start,
                          purpose=rng.choice(("demo", "")))
    when = datetime.combine(today - timedelta(days=1), time(15))
    store.record_complaint(db, when, second, "late again")
    store.record_complaint(db, when, third, "wrong invoice")
    store.record_complaint(db, when, third, "and rude")


def old_today(db: Database, now: datetime) -> list[TodayItem]:
    """Today's list as before the board's keys: every live card and customer tried."""
    today = now.date()
    return today_items(plan_facts(db, today, given_up=True), planned_visits(db, today),
                       today, plan_settings(db), running_clocks(db, today), now)


@pytest.fixture
def demo(db: Database) -> Database:
    fill_demo(db, DAYS[0], CARDS)
    return db


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_walk_is_the_old_list(demo: Database, backend: str, today: date) -> None:
    _scatter(demo, today, seed=today.toordinal())
    now = datetime.combine(today, time(12, 30))  # the 08:00 leads late, the 17:00 ones not
    keys = board_view.orders_in_sql(demo)
    assert keys == (backend == "sqlite")
    if keys:
        board_view.refresh_keys(demo, now)  # what the board did when it showed
    old = today_list(demo, now)
    assert old == old_today(demo, now)
    groups = {item.group for item in old}
    assert {"complaint", "call", "visit", "meeting", "message", "email", "other",
            "birthday", "thank_you", "regrade"} <= groups  # every source is tried
    pages = TodayPages(demo, now)
    assert pages.count == (len(old) if keys else None)
    pages.read(lambda item: True, 9)
    assert pages.items == old[:9] and not pages.complete
    pages.read()
    assert pages.items == old and pages.count == len(old)


@pytest.mark.parametrize("today", DAYS[:3], ids=str)
def test_read_past_skipped_items_gives_the_same_ones(
    demo: Database, backend: str, today: date
) -> None:
    _scatter(demo, today, seed=today.toordinal() + 1)
    now = datetime.combine(today, time(9, 30))
    old = today_list(demo, now)
    rng = random.Random(3)
    skipped = {id(item) for item in old[:600] if rng.random() < 0.9}
    wanted = [item for item in old if id(item) not in skipped]
    keys = {(i.prospect_id, i.group, i.visit_id, i.complaint_id) for i in old
            if id(i) in skipped}
    pages = TodayPages(demo, now)
    pages.read(lambda i: (i.prospect_id, i.group, i.visit_id, i.complaint_id) not in keys, 20)
    read = [i for i in pages.items
            if (i.prospect_id, i.group, i.visit_id, i.complaint_id) not in keys]
    assert read[:20] == wanted[:20] and pages.items == old[:len(pages.items)]
    assert not pages.complete and len(pages.items) < len(old)


def test_cards_changed_since_the_board_s_refresh_are_counted_as_before(
    demo: Database, backend: str
) -> None:
    today = DAYS[0]
    now = datetime.combine(today, time(10))
    if board_view.orders_in_sql(demo):
        board_view.refresh_keys(demo, now)
    live = store.list_cards(demo, now)
    store.set_next_step(demo, now, live[0].id, today - timedelta(days=3), "call back", "call")
    store.set_status(demo, now, live[1].id, "parked")
    store.regrade(demo, now, live[2].id, "A")
    store.record_complaint(demo, now, live[3].id, "no answer")
    old = today_list(demo, now)
    pages = TodayPages(demo, now)
    assert pages.count == (len(old) if backend == "sqlite" else None)
    pages.read()
    assert pages.items == old
    assert not pages.changed()
    store.regrade(demo, now, live[4].id, "B")
    assert pages.changed()  # read on after a change: the screen starts again
