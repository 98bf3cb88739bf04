"""The screens that read a whole book (the MAN check's queue, the weekly review's
walk-through, today's list) read it off the UI thread: the screen shows at once that it is
reading, keys work meanwhile (esc goes back; a card's key does nothing to any card), then
it shows the content. The read is held back here (the real function, started late) so
the reading state can be seen; the books are made large for the screens by setting their
inline limit to 0."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from textual.widgets import Static

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store, today_pages
from salesdesk.data.db import Database
from salesdesk.screens import man_check, review_walk_queue
from salesdesk.screens.board import BoardScreen
from salesdesk.screens.man_check import ManCheckScreen
from salesdesk.screens.today import TodayScreen
from salesdesk.screens.weekly_review import WeeklyReviewScreen
from tests.conftest import NOW, TODAY, ready

SIZE = (100, 36)
DAY = timedelta(days=1)


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    return {
        "una": store.add_prospect(
            db,
            NOW - 40 * DAY,
            "Una Unknown",
            grade="B",
            next_date=TODAY - DAY,
            next_action="call back",
        ),
        "quinn": store.add_prospect(
            db, NOW, "Quinn Qualified", grade="A", money="yes", authority="yes", need="yes"
        ),
    }


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def held(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> threading.Event:
    """Hold ``owner.name`` (the real function) until the returned event is set."""
    gate = threading.Event()
    real: Callable[..., Any] = getattr(owner, name)

    def later(*args: Any, **kwargs: Any) -> Any:
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, later)
    return gate


def words(app: SalesDeskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_the_man_check_says_it_reads_then_shows_the_first_card(
    app: SalesDeskApp, db: Database, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(man_check, "INLINE_UP_TO", 0)
    gate = held(monkeypatch, man_check.store, "man_queue")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("m")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ManCheckScreen) and screen.reading and not screen.ready
        assert "Reading the cards to qualify" in words(app, "#man-empty")
        assert "reading…" in words(app, "#man-progress")
        await pilot.press("m", "a", "space")  # no card yet: nothing changes
        await pilot.pause()
        assert store.get_prospect(db, ids["una"], TODAY).fields["money"] == "unknown"
        gate.set()
        await ready(pilot)
        assert screen.state is not None and screen.state.id == ids["una"]
        assert "1 of 1" in words(app, "#man-progress")
        await pilot.press("m")  # the card's key now answers
        await pilot.pause()
        assert store.get_prospect(db, ids["una"], TODAY).fields["money"] == "yes"


async def test_esc_leaves_the_man_check_while_it_reads(
    app: SalesDeskApp, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(man_check, "INLINE_UP_TO", 0)
    gate = held(monkeypatch, man_check.store, "man_queue")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ManCheckScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        gate.set()  # the late result is dropped
        await ready(pilot)
        assert isinstance(app.screen, BoardScreen)


async def test_the_weekly_review_says_it_reads_then_shows_the_walk_through(
    app: SalesDeskApp, db: Database, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review_walk_queue, "INLINE_UP_TO", 0)
    gate = held(monkeypatch, review_walk_queue, "review_queue_ids")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("w")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WeeklyReviewScreen) and screen.reading and not screen.ready
        assert "reading the cards due" in words(app, "#rv-title")
        assert "Reading the cards due for a look" in words(app, "#rv-changes")
        await pilot.press("p")  # park: no card shown yet, so none is parked
        await pilot.pause()
        assert store.get_prospect(db, ids["una"], TODAY).fields["status"] == "live"
        gate.set()
        await ready(pilot)
        assert screen.card is not None and screen.card.id == ids["una"]
        assert "walk-through   1 of 1" in words(app, "#rv-title")


async def test_today_says_it_works_out_the_list_then_shows_it(
    app: SalesDeskApp, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = held(monkeypatch, today_pages, "TodayPages")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("T")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TodayScreen) and not screen.ready
        assert "working out what is due" in words(app, "#td-title")
        gate.set()
        await ready(pilot)
        assert "Una Unknown" in words(app, "#td-item")
        assert "left · 0 done" in words(app, "#td-title")
