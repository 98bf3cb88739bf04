"""A card detail shown again (the one screen, refilled): it starts afresh where it should
(the notes box), shows what changed meanwhile (its fields, title and side panels, which
are drawn again only where they changed), and the board it covered is drawn again on the
way back, though it draws nothing while covered."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Input, Static, TextArea

import salesdesk
from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database, open_database
from salesdesk.screens.board import BoardScreen
from salesdesk.screens.help import HelpScreen
from salesdesk.screens.prospect import ProspectScreen
from salesdesk.screens.prospect_fields import keeps_height
from tests.conftest import NOW, TODAY, burst

SIZE = (120, 40)


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    """Ann is the most urgent A (selected first)."""
    return {
        "ann": store.add_prospect(
            db, NOW, "Ann", company="Acme", grade="A",
            next_date=TODAY - timedelta(days=2), notes="first line\nsecond line",
        ),
        "bob": store.add_prospect(db, NOW, "Bob", company="Bluebird", grade="B"),
    }


@pytest.fixture
def app(settings: Settings, db: Database, ids: dict[str, int]) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def rendered(screen: ProspectScreen, key: str) -> str:
    """What a title or side panel shows, as plain text."""
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(screen.query_one(f"#{key}", Static).content)
    return console.export_text()


async def open_card(pilot: object, app: SalesDeskApp) -> ProspectScreen:
    await burst(pilot, "enter")  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, ProspectScreen)
    return screen


async def test_notes_shown_again_with_the_same_text_start_afresh(app: SalesDeskApp) -> None:
    """The cursor moved and text selected in the notes, then the card left and opened
    again with the notes unchanged: the box is as a new one (cursor at the start, nothing
    selected, nothing to undo)."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_card(pilot, app)
        notes = screen.field("notes")
        assert isinstance(notes, TextArea)
        notes.focus()
        await pilot.pause()
        await pilot.press("down", "shift+end")  # "second line" selected
        await pilot.pause()
        assert notes.selected_text == "second line"
        await burst(pilot, "escape")
        assert isinstance(app.screen, BoardScreen)
        again = await open_card(pilot, app)
        assert again is screen and notes.text == "first line\nsecond line"
        assert notes.selected_text == "" and notes.cursor_location == (0, 0)
        assert not notes.history.undo_stack
        assert again.focused is again.field("name")


async def test_a_card_opened_again_shows_what_changed_meanwhile(
    app: SalesDeskApp, db_path: Path, ids: dict[str, int]
) -> None:
    """Another program edits the card, logs a touch and regrades it between two opens:
    the second open shows every change, in the fields, the title and both side panels."""
    other = open_database(db_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = await open_card(pilot, app)
            assert "Acme" in rendered(screen, "detail-title")
            timeline_before = rendered(screen, "detail-timeline")
            urgency_before = rendered(screen, "detail-urgency")
            await burst(pilot, "escape")
            store.update_fields(other, NOW, ids["ann"], {"company": "Zenith"})
            store.log_touch(other, NOW, ids["ann"], "call", "asked for the price list")
            store.regrade(other, NOW, ids["ann"], "B")
            await burst(pilot, "enter")  # the board catches up first, and says so
            assert isinstance(app.screen, BoardScreen)
            again = await open_card(pilot, app)
            assert again is screen and again.prospect_id == ids["ann"]
            company = again.field("company")
            assert isinstance(company, Input) and company.value == "Zenith"
            assert "Zenith" in rendered(again, "detail-title")
            timeline_now = rendered(again, "detail-timeline")
            assert "asked for the price list" in timeline_now
            assert timeline_now != timeline_before
            assert rendered(again, "detail-urgency") != urgency_before
            await pilot.pause()
            for key in ("detail-title", "detail-urgency", "detail-timeline"):
                panel = again.query_one(f"#{key}", Static)
                assert keeps_height(panel), key  # laid out again: its rows hold it all
    finally:
        other.close()


async def test_the_board_under_the_detail_is_not_current_and_is_drawn_on_return(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """Under the detail (a full screen) the board is not current, so it lays nothing out
    and draws nothing; under a dialog it is. Back from the detail, the board on screen
    shows the change made in it."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        screen = await open_card(pilot, app)
        assert not board.is_current and screen.is_current
        company = screen.field("company")
        company.focus()
        await pilot.pause()
        await pilot.press("end")
        await burst(pilot, "ctrl+u", *"Zebracorp", "escape")
        assert app.screen is board and board.is_current
        assert store.get_prospect(db, ids["ann"], TODAY)["company"] == "Zebracorp"
        await pilot.pause()
        assert "Zebracorp" in app.export_screenshot().replace("&#160;", " ")
        app.push_screen(HelpScreen(board))
        await pilot.pause()
        assert board.is_current  # (a dialog leaves it in view)


async def test_the_details_styles_are_read_at_its_first_open_not_at_start(
    app: SalesDeskApp,
) -> None:
    """The card detail's and the MAN check's styles are files of their own
    (detail.tcss, man_check.tcss), which a start does not parse: each is read when its
    screen first opens, and styles the screen from then on."""
    detail_css = str(Path(salesdesk.__file__).parent / "detail.tcss")
    man_css = str(Path(salesdesk.__file__).parent / "man_check.tcss")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.stylesheet.has_source(detail_css, "")
        assert not app.stylesheet.has_source(man_css, "")
        screen = await open_card(pilot, app)
        assert app.stylesheet.has_source(detail_css, "")
        assert screen.query_one("#detail-title", Static).styles.background.a > 0
        assert not app.stylesheet.has_source(man_css, "")
        await burst(pilot, "escape")
        app.open_man_check()
        await pilot.pause()
        assert app.stylesheet.has_source(man_css, "")
