"""The screens' queues from the board's keys (:mod:`salesdesk.data.key_queues`) are the
old ones exactly: the MAN check's and the weekly review's cards in the same order, and
today's list with the same items, as every card read and scored in Python gives them, on
demo books of several sizes and on several days, with clocks running out between
midnight and now, and with keys gone stale since the board's last refresh (nothing here
refreshes them)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from salesdesk.data import board_keys, board_view, key_queues, store
from salesdesk.data.db import Database, open_database
from salesdesk.data.demo import fill_demo
from salesdesk.data.man import man_queue
from salesdesk.data.review_queue import in_queue, mark_reviewed, review_queue, review_queue_ids
from salesdesk.data.today import planned_visits, running_clocks, today_list
from salesdesk.data.visits.plan import plan_facts, plan_settings
from salesdesk.rules.today import TodayItem, today_items

pytestmark = pytest.mark.sqlite_only  # the keys are an SQLite file's

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 9, 30)
DAYS = (0, 1, 8, 40)


@pytest.fixture(params=[400, 2500])
def demo(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    db = open_database(tmp_path / "demo.db")
    fill_demo(db, TODAY, prospects=request.param)
    return db


def old_today(db: Database, now: datetime) -> list[TodayItem]:
    """Today's list as before: every live card and customer read and tried."""
    today = now.date()
    return today_items(
        plan_facts(db, today, given_up=True),
        planned_visits(db, today),
        today,
        plan_settings(db),
        running_clocks(db, today),
        now,
    )


def assert_same(db: Database, now: datetime) -> None:
    today = now.date()
    # The key paths answer (they are not the old way by another name) ...
    assert key_queues.man_queue_ids(db, today, now) is not None
    assert key_queues.review_queue_ids(db, today, now, lambda c: in_queue(c, today)) is not None
    # ... with the old results.
    assert man_queue(db, today, now) == man_queue(db, today)
    assert review_queue_ids(db, today, now) == [c.id for c in review_queue(db, today)]
    assert today_list(db, now) == old_today(db, now)


def stale_keys(db: Database, now: datetime) -> int:
    with db.connect() as conn:
        found = conn.execute(
            "SELECT count(*) FROM board_key WHERE until <= ? OR since > ?",
            (board_keys.stamp(now), board_keys.stamp(now)),
        ).fetchone()
    return int(found[0])


def test_the_queues_are_the_old_ones_on_demo_books_and_days(demo: Database) -> None:
    for days in DAYS:
        now = NOW + timedelta(days=days)
        board_view.refresh_keys(demo, now)  # what the board did when it showed
        assert_same(demo, now)
        assert man_queue(demo, now.date(), now)  # (not empty lists compared)
        assert review_queue_ids(demo, now.date(), now) and today_list(demo, now)


def test_cards_changed_since_the_board_s_refresh_are_scored_as_before(demo: Database) -> None:
    board_view.refresh_keys(demo, NOW)
    live = store.list_cards(demo, NOW)
    store.set_man(demo, NOW, live[-1].id, money="yes", authority="yes", need="yes")
    store.regrade(demo, NOW, live[-2].id, "A")
    store.set_next_step(demo, NOW, live[-3].id, TODAY - timedelta(days=5), "call back", "call")
    store.set_status(demo, NOW, live[0].id, "parked")
    mark_reviewed(demo, NOW, live[1].id)
    raw = sqlite3.connect(demo.path)  # another program: the triggers mark the keys stale
    with raw:
        raw.execute("UPDATE prospect SET money = 'unknown' WHERE id = ?", (live[2].id,))
    raw.close()
    stale = stale_keys(demo, NOW)
    assert stale >= 6
    assert_same(demo, NOW)
    assert stale_keys(demo, NOW) == stale  # nothing was written: the board refreshes


def test_clocks_run_out_between_midnight_and_now(demo: Database) -> None:
    """A score judged at the day's start differs from the key's (judged at the refresh)
    on a card whose clock ran out this morning: those are scored again."""
    live = store.list_cards(demo, NOW)
    lead, complained, waiting = live[-1].id, live[-2].id, live[-3].id
    raw = sqlite3.connect(demo.path)
    with raw:  # a new lead's first contact was due at 08:00: running at midnight, missed now
        raw.execute(
            "UPDATE prospect SET first_contact_due = ?, first_contact_at = NULL WHERE id = ?",
            (datetime(2026, 3, 10, 8, 0).isoformat(sep=" "), lead),
        )
        raw.execute(
            "UPDATE prospect SET first_contact_due = ?, first_contact_at = NULL WHERE id = ?",
            (datetime(2026, 3, 10, 17, 0).isoformat(sep=" "), waiting),
        )
    raw.close()
    store.record_complaint(demo, NOW - timedelta(hours=30), complained, "late again")
    board_view.refresh_keys(demo, NOW)
    assert_same(demo, NOW)
    assert_same(demo, NOW + timedelta(hours=8))  # both clocks out by the afternoon


def test_too_many_stale_keys_read_every_card_as_before(demo: Database) -> None:
    board_view.refresh_keys(demo, NOW)
    later = NOW + timedelta(days=1)
    with demo.connect() as conn:  # as another program's bulk change leaves them: all stale
        conn.execute("UPDATE board_key SET until = ''")
    if store.count_prospects(demo) > key_queues.FEW:
        assert key_queues.man_queue_ids(demo, later.date(), later) is None
    assert man_queue(demo, later.date(), later) == man_queue(demo, later.date())
    assert review_queue_ids(demo, later.date(), later) == [
        c.id for c in review_queue(demo, later.date())
    ]
    assert today_list(demo, later) == old_today(demo, later)
