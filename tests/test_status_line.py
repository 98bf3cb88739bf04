"""The board says what a key did on its status line, not in a toast (issue 13: a toast
cost ~100 ms a key at any size, for its mount, layout and full repaint)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Input

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.render import palette
from salesdesk.rules.fields import MAX_TEXT
from salesdesk.screens.board import BoardScreen
from salesdesk.screens.reason import ReasonScreen
from salesdesk.widgets import status_line
from salesdesk.widgets.status_line import StatusLine
from tests.conftest import NOW, burst, notes, status, until

SIZE = (120, 40)
MARKUP_NAME = "[bold]Ltd[/] [link=x]y"


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    store.set_setting(db, "after_regrade", "follow")  # the selection goes with the card
    return {
        "ann": store.add_prospect(db, NOW, "Ann Lee", grade="A"),
        "odd": store.add_prospect(db, NOW, MARKUP_NAME, grade="B"),
    }


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def line(app: SalesDeskApp) -> StatusLine:
    assert isinstance(app.screen, BoardScreen)
    return app.screen.query_one(StatusLine)


def grade(db: Database, prospect_id: int) -> str:
    return str(store.get_prospect(db, prospect_id, NOW.date())["grade"])


def toasts(app: SalesDeskApp) -> int:
    return len(app.screen.query("Toast"))


async def test_a_regrade_is_said_on_the_status_line_and_mounts_no_toast(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert status(app) == ""  # blank until a key has done something
        row = line(app).region
        await burst(pilot, "b")
        assert grade(db, ids["ann"]) == "B"
        assert status(app) == "Ann Lee: A → B"
        await burst(pilot, "a", "a")
        assert status(app) == "Ann Lee: kept A (reviewed)"
        await burst(pilot, "u")
        assert status(app).startswith("Undone: ")
        await burst(pilot, "U")
        assert status(app).startswith("Redone: ")
        await pilot.pause()
        assert toasts(app) == 0 and not notes(app)
        assert not app._notifications  # nothing was even queued for a toast
        assert line(app).region == row  # one fixed row: nothing moved to make room


async def test_the_forms_back_on_the_board_say_it_on_the_status_line(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await burst(pilot, "t", *"rang", "enter")
        assert status(app) == "Logged call with Ann Lee · no next step"
        await burst(pilot, "d", *"fri", "enter")
        assert status(app) == "Ann Lee: next step Fri 20 Nov (call)"
        await burst(pilot, "n", *"Zoe New", "enter")
        assert status(app) == "Added Zoe New · no next step"
        await pilot.pause()
        assert toasts(app) == 0


async def test_user_text_shows_literally(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await burst(pilot, "l", "a")  # the B column: the card named like markup
        assert grade(db, ids["odd"]) == "A"
        assert status(app) == f"{MARKUP_NAME}: B → A"


async def test_an_error_is_said_inline_in_the_error_colour(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await burst(pilot, "X")
        assert isinstance(app.screen, ReasonScreen)
        app.screen.query_one("#f-why", Input).value = "x" * (MAX_TEXT + 1)
        await burst(pilot, "enter")
        assert isinstance(app.screen, BoardScreen)
        assert status(app) == (
            f"the reason is too long ({MAX_TEXT + 1:,} characters, at most "
            f"{MAX_TEXT:,}) (what you typed is kept: open it again)"
        )
        assert line(app).severity == "error"
        assert line(app).render().spans[0].style == palette.ALERT  # type: ignore[union-attr]
        assert grade(db, ids["ann"]) == "A" and toasts(app) == 0


async def test_nothing_to_undo_is_a_warning_on_the_line(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    store.undo(db)
    store.undo(db)  # the two cards' adds: the journal is empty now
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await burst(pilot, "u")
        assert status(app) == "Nothing to undo"
        assert line(app).severity == "warning"


async def test_the_line_clears_after_its_time_and_a_new_message_restarts_it(
    app: SalesDeskApp, db: Database, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(status_line.SHOW_SECONDS, "information", 1.0)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await burst(pilot, "b")
        assert status(app) == "Ann Lee: A → B"
        await until(pilot, lambda: status(app) == "")
        assert line(app).said == ""
        await burst(pilot, "a")
        line(app).say("kept for a while", timeout=30)  # the regrade's 1 s timer is gone
        await pilot.pause(1.5)
        assert status(app) == "kept for a while"


async def test_a_warning_too_wide_for_the_line_is_a_toast_and_a_success_is_cut(
    settings: Settings, db: Database
) -> None:
    long_name = "Very Long Company Name Trading and Logistics Holdings Ltd of Shenzhen East"
    store.add_prospect(db, NOW, long_name, grade="A")
    app = make_app(settings, db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await burst(pilot, "b")
        shown = status(app)  # a success: cut to the line, never a toast
        assert shown.startswith("Very Long Company Name") and shown.endswith("…")
        assert toasts(app) == 0
        text = "warning: " + "word " * 20
        app.screen.tell(text, "warning")  # type: ignore[attr-defined]
        await pilot.pause()
        assert any("warning: word word" in n for n in notes(app))  # read whole, in a toast


async def test_a_fast_burst_ends_in_the_right_state_and_says_the_last_key(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await burst(pilot, "b", "a", "b", "u", "u")
        assert grade(db, ids["ann"]) == "B"
        assert status(app) == "Undone: regrade Ann Lee B→A"
        await pilot.pause()
        assert toasts(app) == 0


async def test_the_same_trouble_told_again_while_its_toast_is_up_is_one_toast(
    settings: Settings, db: Database
) -> None:
    """A board polling a server that is down hears the same trouble every couple of
    seconds: one toast says it, not a growing stack; other words, or the same words once
    the toast has gone, are said again."""
    app = make_app(settings, db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        trouble = "cannot reach the server: " + "is it running? " * 6
        for _ in range(3):
            app.screen.tell(trouble, "error")  # type: ignore[attr-defined]
        app.screen.tell(trouble + "again", "error")  # type: ignore[attr-defined]
        await pilot.pause()
        assert toasts(app) == 2
        app.screen.tell("briefly: " + "word " * 20, "warning", 0.2)  # type: ignore[attr-defined]
        await pilot.pause(0.4)
        app.screen.tell("briefly: " + "word " * 20, "warning", 0.2)  # type: ignore[attr-defined]
        await pilot.pause()
        assert sum("briefly" in n for n in notes(app)) == 1  # gone, then said again
