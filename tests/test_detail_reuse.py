"""One card-detail screen serves every card (composed once, refilled at each open): what
is typed for one card never shows on another, and the board, back from a card, reads
again only what was written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static, TextArea

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database, open_database
from salesdesk.screens.board import BoardScreen
from salesdesk.screens.prospect import ProspectScreen
from salesdesk.screens.prospect_fields import shown
from salesdesk.screens.touch import TouchScreen
from tests.conftest import NOW, TODAY, burst

SIZE = (120, 40)


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    """Ann is the most urgent A (selected first), Bob the next one down."""
    return {
        "ann": store.add_prospect(
            db,
            NOW,
            "Ann",
            company="Acme",
            phone="111",
            grade="A",
            next_date=TODAY - timedelta(days=2),
            notes="ann's notes",
        ),
        "bob": store.add_prospect(
            db, NOW, "Bob", company="Bluebird", grade="A", next_date=TODAY + timedelta(days=5)
        ),
    }


@pytest.fixture
def app(settings: Settings, db: Database, ids: dict[str, int]) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def value(screen: ProspectScreen, name: str) -> str:
    widget = screen.field(name)
    return widget.text if isinstance(widget, TextArea) else widget.value  # type: ignore[attr-defined]


def error(screen: ProspectScreen, name: str) -> str:
    return str(screen.query_one(f"#err-{name}", Static).render())


async def open_card(pilot: Any, app: SalesDeskApp, *moves: str) -> ProspectScreen:
    await burst(pilot, *moves, "enter")
    screen = app.screen
    assert isinstance(screen, ProspectScreen)
    return screen


async def press(pilot: Any, key: str) -> None:
    await pilot.press(key)
    await pilot.pause()
    await pilot.pause()


async def type_into(pilot: Any, screen: ProspectScreen, name: str, text: str) -> None:
    screen.field(name).focus()
    await pilot.press("end")
    await burst(pilot, "ctrl+u", *text)


async def test_card_b_shows_its_own_values_after_card_a_was_edited(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = await open_card(pilot, app)
        assert first.prospect_id == ids["ann"] and value(first, "name") == "Ann"
        await type_into(pilot, first, "phone", "222")
        await type_into(pilot, first, "company", "Acme Two")
        await burst(pilot, "escape")  # saves what was typed, back to the board
        assert isinstance(app.screen, BoardScreen)
        ann = store.get_prospect(db, ids["ann"], TODAY)
        assert (ann["phone"], ann["company"]) == ("222", "Acme Two")
        second = await open_card(pilot, app, "j")  # Bob
        assert second is first  # the same screen, filled again
        assert second.prospect_id == ids["bob"]
        assert (value(second, "name"), value(second, "company")) == ("Bob", "Bluebird")
        assert value(second, "phone") == "" and value(second, "notes") == ""
        assert "Bob" in str(second.query_one("#detail-title", Static).render())
        assert second.focused is second.field("name")
        await type_into(pilot, second, "phone", "333")
        await burst(pilot, "escape")
        assert store.get_prospect(db, ids["bob"], TODAY)["phone"] == "333"
        assert store.get_prospect(db, ids["ann"], TODAY)["phone"] == "222"


async def test_text_left_unsaved_on_one_card_is_gone_at_the_next_open(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """Invalid text left behind (escape twice) is not saved and, as with a new screen,
    neither it nor its message shows on the next card or on the same card again."""
    stored = shown("value", store.get_prospect(db, ids["ann"], TODAY)["value"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_card(pilot, app)
        await type_into(pilot, screen, "value", "lots")
        await burst(pilot, "escape")  # warned: not valid
        assert app.screen is screen and "invalid amount" in error(screen, "value")
        await burst(pilot, "escape")  # leaves without it
        assert isinstance(app.screen, BoardScreen)
        bob = await open_card(pilot, app, "j")
        assert value(bob, "value") == stored and error(bob, "value") == ""
        assert not bob.errors
        await burst(pilot, "escape")  # Bob untouched: leaves at once (no old warning)
        assert isinstance(app.screen, BoardScreen)
        ann = await open_card(pilot, app, "k")
        assert ann.prospect_id == ids["ann"]
        assert value(ann, "value") == stored and error(ann, "value") == ""
    assert shown("value", store.get_prospect(db, ids["ann"], TODAY)["value"]) == stored


async def test_the_notes_undo_history_stays_with_its_card(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_card(pilot, app)
        screen.field("notes").focus()
        await pilot.pause()
        await burst(pilot, *"more ")
        await burst(pilot, "escape")
        assert store.get_prospect(db, ids["ann"], TODAY)["notes"] == "more ann's notes"
        bob = await open_card(pilot, app, "j")
        notes = bob.field("notes")
        assert isinstance(notes, TextArea) and notes.text == ""
        notes.focus()
        await pilot.pause()
        notes.undo()  # nothing of Ann's to undo into Bob's notes
        await pilot.pause()
        assert notes.text == ""
        await burst(pilot, "escape")
    assert store.get_prospect(db, ids["bob"], TODAY)["notes"] in (None, "")


async def test_a_touch_draft_is_kept_per_card(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """ctrl+t in the detail: what was typed and left with escape comes back on that card's
    touch form only."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_card(pilot, app)
        await press(pilot, "ctrl+t")
        assert isinstance(app.screen, TouchScreen)
        app.screen.query_one("#f-note", Input).focus()
        await pilot.pause()
        await burst(pilot, *"half a note", "escape")
        await burst(pilot, "escape")  # the detail closes
        assert isinstance(app.screen, BoardScreen)
        await open_card(pilot, app, "j")  # Bob's touch form is empty
        await press(pilot, "ctrl+t")
        assert app.screen.query_one("#f-note", Input).value == ""
        await burst(pilot, "escape", "escape")
        await open_card(pilot, app, "k")  # Ann's has the draft back
        await press(pilot, "ctrl+t")
        assert app.screen.query_one("#f-note", Input).value == "half a note"


async def test_the_board_shows_the_change_made_in_the_detail(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_card(pilot, app)
        await type_into(pilot, screen, "grade", "C")
        await burst(pilot, "escape")
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert [c.name for c in board.columns[0].cards] == ["Bob"]
        assert [c.name for c in board.columns[2].cards] == ["Ann"]
        assert board.current is not None and board.current.id == ids["ann"]  # followed


async def test_back_from_a_card_the_board_shows_what_another_program_did_meanwhile(
    app: SalesDeskApp, db_path: Path, ids: dict[str, int]
) -> None:
    other = open_database(db_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = await open_card(pilot, app)
            store.add_prospect(other, NOW, "Cy", grade="A")  # another terminal, meanwhile
            store.regrade(other, NOW, ids["bob"], "B")
            await type_into(pilot, screen, "phone", "999")
            await burst(pilot, "escape")
            board = app.screen
            assert isinstance(board, BoardScreen)
            assert sorted(c.name for c in board.columns[0].cards) == ["Ann", "Cy"]
            assert [c.name for c in board.columns[1].cards] == ["Bob"]
            assert "A 2" in str(board.query_one("#summary", Static).render())
    finally:
        other.close()


async def test_a_card_opened_again_under_its_own_detail_gets_a_screen_of_its_own(
    app: SalesDeskApp, ids: dict[str, int]
) -> None:
    """The detail is on the stack (the MAN check opened from it opens the card again):
    the second open is a new screen, and closing it leaves the first as it was."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = await open_card(pilot, app)
        await type_into(pilot, first, "phone", "typed")
        app.open_card(ids["bob"])
        await pilot.pause()
        second = app.screen
        assert isinstance(second, ProspectScreen) and second is not first
        assert value(second, "name") == "Bob"
        await burst(pilot, "escape")
        assert app.screen is first and value(first, "phone") == "typed"
