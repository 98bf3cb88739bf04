"""The Today screen (``T``) and ``salesdesk today``: keys pressed as fast as a person
types (:func:`tests.conftest.burst`), then the database checked."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import Static

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store, visits
from salesdesk.data.db import Database
from salesdesk.data.today import today_list
from salesdesk.screens.today import TodayScreen
from tests.conftest import NOW, TODAY, burst, ready, snapshot_after

from .test_cli import ok, sd

SIZE = (100, 30)
DAY = timedelta(days=1)


def seed(db: Database) -> dict[str, int]:
    """A call due today, a visit planned at 10:00, an email step two days late, a birthday
    and a past-window card; one card with nothing due."""
    found = {
        "ann": store.add_prospect(db, NOW - 2 * DAY, "Ann Call", grade="A", company="Acme",
                                  next_date=TODAY, next_action="call back"),
        "vic": store.add_prospect(db, NOW - 2 * DAY, "Vic Visit", grade="B"),
        "eve": store.add_prospect(db, NOW - 4 * DAY, "Eve Email", grade="B",
                                  next_date=TODAY + DAY, next_action="send the brochure"),
        "bea": store.add_prospect(db, NOW - 2 * DAY, "Bea Birthday", grade="C",
                                  birthday=date(1985, 11, 18)),
        "pat": store.add_prospect(db, NOW - 100 * DAY, "Pat Past", grade="C"),
        "quiet": store.add_prospect(db, NOW - DAY, "Quiet Quinn", grade="C"),
    }
    store.set_next_step(db, NOW - 4 * DAY, found["eve"], TODAY - 2 * DAY, kind="email")
    visits.plan_visit(db, NOW - DAY, found["vic"], TODAY, start="10:00", purpose="demo")
    return found


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    return seed(db)


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def shown(app: SalesDeskApp) -> str:
    return str(app.screen.query_one("#td-item", Static).render())


def title(app: SalesDeskApp) -> str:
    return str(app.screen.query_one("#td-title", Static).render())


async def open_today(pilot) -> TodayScreen:  # type: ignore[no-untyped-def]
    await ready(pilot)
    await burst(pilot, "T")
    await ready(pilot)
    assert isinstance(pilot.app.screen, TodayScreen)
    return pilot.app.screen


async def test_T_opens_the_list_in_order_and_l_logs_the_call(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert "today 5 (T)" in str(app.screen.query_one("#summary", Static).render())
        screen = await open_today(pilot)
        assert [i.name for i in screen.items or ()] == [
            "Ann Call", "Vic Visit", "Eve Email", "Bea Birthday", "Pat Past"]
        assert "Ann Call" in shown(app) and "5 left · 0 done" in title(app)
        await burst(pilot, "l", *"Spoke, quote next week", "enter")
        await ready(pilot)
        touch = store.get_prospect(db, ids["ann"], TODAY).activities[0]
        assert (touch.kind, touch.note) == ("call", "Spoke, quote next week")
        assert "Vic Visit" in shown(app) and "4 left · 1 done" in title(app)
        await burst(pilot, "escape")
        await ready(pilot)
        assert "today 4 (T)" in str(app.screen.query_one("#summary", Static).render())


async def test_logging_the_visit_marks_it_done(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_today(pilot)
        await burst(pilot, "s", "l", *"showed the demo", "enter")
        await ready(pilot)
        (visit,) = visits.list_visits(db, TODAY, TODAY)
        assert visit.status == "done" and visit.outcome == "showed the demo"
        assert "Eve Email" in shown(app)
        await burst(pilot, "l", *"sent it", "enter")  # the step's kind: an email
        await ready(pilot)
        touch = store.get_prospect(db, ids["eve"], TODAY).activities[0]
        assert (touch.kind, touch.note) == ("email", "sent it")


async def test_m_moves_the_step_and_s_skips(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_today(pilot)
        await burst(pilot, "m", *"fri", "enter")
        await ready(pilot)
        assert store.get_card(db, ids["ann"], TODAY).next_date == date(2026, 11, 20)
        assert "Vic Visit" in shown(app)
        await burst(pilot, "m", *"tomorrow", "enter")  # the visit moves, its uid kept
        await ready(pilot)
        (moved,) = visits.list_visits(db, TODAY, TODAY + 7 * DAY)
        assert moved.day == TODAY + DAY
        await burst(pilot, "s", "s")
        assert "Pat Past" in shown(app)
        await burst(pilot, "b")  # regrade the past-window card: off the list
        await ready(pilot)
        assert store.get_card(db, ids["pat"], TODAY).grade == "B"
        assert "Everything left was skipped" in shown(app)
        await burst(pilot, "s")  # through the skipped ones again
        assert "Eve Email" in shown(app)


async def test_undo_brings_an_item_back(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_today(pilot)
        await burst(pilot, "l", *"rang", "enter")
        await ready(pilot)
        assert "Ann Call" not in shown(app)
        await burst(pilot, "u")
        await ready(pilot)
        assert "Ann Call" in shown(app)


async def test_the_empty_list_says_what_to_do(settings: Settings, db: Database) -> None:
    store.add_prospect(db, NOW, "Quiet Quinn", grade="C")
    app = make_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        await open_today(pilot)
        assert "Nothing due today" in shown(app) and "(v)" in shown(app)
        await burst(pilot, "l", "m")  # nothing to act on: nothing happens, no error
        assert isinstance(app.screen, TodayScreen)


def test_today_80x24(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    seed(db)
    assert snap_compare(make_app(settings, db), terminal_size=(80, 24),
                        run_before=snapshot_after("T"))


def test_salesdesk_today_lists_the_same_items(db_path: Path, db: Database) -> None:
    seed(db)
    out = ok(sd(db_path, "today"))
    assert "5 to do" in out and out.index("Ann Call") < out.index("Vic Visit")
    data = json.loads(ok(sd(db_path, "today", "--json")))
    assert [d["kind"] for d in data] == ["call", "visit", "email", "birthday", "regrade"]
    assert data[1]["start"] == "10:00" and data[2]["overdue_days"] == 2


def test_salesdesk_today_when_nothing_is_due(db_path: Path, db: Database) -> None:
    store.add_prospect(db, NOW, "Quiet Quinn", grade="C")
    assert "Nothing due today" in ok(sd(db_path, "today"))
    assert json.loads(ok(sd(db_path, "today", "--json"))) == []


async def test_a_complaint_to_answer_comes_first_and_l_answers_it(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    complaint = store.record_complaint(db, NOW - 2 * timedelta(hours=1), ids["quiet"],
                                       "invoice wrong")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_today(pilot)
        first = (screen.items or [])[0]
        assert (first.group, first.name, first.complaint_id) == ("complaint", "Quiet Quinn",
                                                                 complaint)
        assert "answer: invoice wrong" in shown(app) and "l answers it" in shown(app)
        await burst(pilot, "l")
        await ready(pilot)
        await burst(pilot, *"we credit it", "enter")
        await ready(pilot)
        row = store.get_complaint(db, complaint)
        assert row.answered_at is not None
        assert all(i.complaint_id is None for i in screen.items or ())


def test_salesdesk_today_lists_a_complaint_first(db_path: Path, db: Database,
                                                 ids: dict[str, int]) -> None:
    store.record_complaint(db, NOW, ids["quiet"], "invoice wrong")
    data = json.loads(ok(sd(db_path, "today", "--json")))
    assert (data[0]["kind"], data[0]["name"], data[0]["log_kind"]) == (
        "complaint", "Quiet Quinn", "answer")
    assert data[0]["deadline"].startswith((TODAY + DAY).isoformat())


async def test_a_long_complaint_stays_one_line(app: SalesDeskApp, db: Database,
                                               ids: dict[str, int]) -> None:
    store.record_complaint(db, NOW, ids["quiet"], "客户说交货延误了两个星期" * 25)
    async with app.run_test(size=SIZE) as pilot:
        await open_today(pilot)
        first = shown(app).splitlines()[0]
        assert first.endswith("…") and "answer: 客户说" in first
        assert "l answers it" in shown(app).splitlines()[2]


async def test_skipping_past_what_was_read_reads_on(settings: Settings, db: Database) -> None:
    """A list longer than the screen reads: a burst of skips past it loses none, and
    the items come in the old list's order."""
    for n in range(80):
        store.add_prospect(db, NOW - 2 * DAY, f"Caller {n:02}", grade="ABC"[n % 3],
                           next_date=TODAY - (n % 4) * DAY, next_action="call back")
    old = today_list(db, NOW)
    assert len(old) == 80
    app = make_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_today(pilot)
        pages = screen.pages
        assert pages is not None and not pages.complete  # (read in parts)
        gate, read = threading.Event(), pages.read
        pages.read = lambda *args: (gate.wait(10), read(*args))  # type: ignore[method-assign]
        await burst(pilot, *"s" * 60)  # the read held back: the skips past it wait
        assert "Reading on…" in shown(app) and "reading on" in title(app)
        assert screen.item is None
        gate.set()
        await ready(pilot)
        assert old[60].name in shown(app) and "80 left · 0 done · 60 skipped" in title(app)
        assert screen.items == old[:len(screen.items or ())]
        await burst(pilot, *"s" * 20)
        await ready(pilot)
        assert "Everything left was skipped" in shown(app)
        await burst(pilot, "s")  # through the skipped ones again
        assert old[0].name in shown(app)


async def test_a_skipped_item_further_than_read_is_counted(
    settings: Settings, db: Database
) -> None:
    for n in range(60):
        store.add_prospect(db, NOW - 2 * DAY, f"Caller {n:02}", grade="A",
                           next_date=TODAY, next_action="call back")
    last = today_list(db, NOW)[-1]
    app = make_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_today(pilot)
        screen.skipped.add((last.prospect_id, last.group, last.visit_id))
        screen.reload()
        await ready(pilot)
        assert screen.pages is not None and last not in screen.pages.items
        assert "60 left · 0 done · 1 skipped" in title(app)
