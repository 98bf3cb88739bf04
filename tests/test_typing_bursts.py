"""Keys typed in one burst (a fast typist, a paste) go where the focus is when their turn
comes, in order: never into the field that was left, never lost while a screen opens.

Every test here queues all its keys at once (:func:`tests.conftest.burst`), as a terminal
delivers a fast typist's keys; ``pilot.press`` would wait between keys and hide the race.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from textual import events
from textual.widgets import Input

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.screens.man_check import ManCheckScreen
from tests.conftest import NOW, TODAY, burst

SIZE = (120, 40)


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    return {
        "ann": store.add_prospect(db, NOW, "Overdue Ann", grade="A",
                                  next_date=TODAY - timedelta(days=2), next_action="call"),
        "bob": store.add_prospect(db, NOW, "Bob Fresh", grade="B"),
    }


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def last_touch(db: Database, prospect_id: int) -> Any:
    """The latest logged touch (call, visit...) of the card, not a grade change."""
    activities = store.get_prospect(db, prospect_id, TODAY).activities
    return next(a for a in activities if a.kind not in ("grade", "edit", "status", "stage"))


def card(db: Database, prospect_id: int) -> store.CardRow:
    return store.get_card(db, prospect_id, TODAY)


async def test_keys_after_tab_land_in_the_next_field(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """``abc`` Tab ``+3d`` Enter saved the note "abc+3d" and no next step."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "t", *"abc", "tab", *"+3d", "enter")
        touch = last_touch(db, ids["ann"])
        assert (touch.kind, touch.note) == ("call", "abc")
        assert card(db, ids["ann"]).next_date == TODAY + timedelta(days=3)


async def test_shift_tab_and_tab_again_keep_the_order(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "t", *"rang", "tab", *"fri", "tab", *"send quote",
                    "shift+tab", "shift+tab", *" back", "enter")
        touch = last_touch(db, ids["ann"])
        assert touch.note == "rang back"
        row = card(db, ids["ann"])
        assert row.next_action == "send quote"
        assert row.next_date is not None and row.next_date.weekday() == 4


async def test_a_paste_after_tab_goes_to_the_next_field(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "t", *"hi", "tab")
        app.post_message(events.Paste("2w"))
        app.post_message(events.Key("enter", "\r"))
        await burst(pilot)
        assert last_touch(db, ids["ann"]).note == "hi"
        assert card(db, ids["ann"]).next_date == TODAY + timedelta(weeks=2)


async def test_keys_typed_while_a_screen_opens_reach_it(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """``m`` then ``d Mr Wang`` in one burst: the letters reach the MAN check once it is
    up (they were lost while it mounted), then the decider field."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "m", "d", *"Mr Wang", "enter")
        screen = app.screen
        assert isinstance(screen, ManCheckScreen)
        assert screen.state is not None
        assert store.get_man(db, screen.state.id, TODAY).decider == "Mr Wang"
        assert screen.focused is None  # enter saved and left the field


async def test_keys_after_a_form_closes_go_back_to_the_board(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """Enter saves the touch; the ``c`` right after it regrades on the board (it does
    not go into the closed form's note)."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "t", *"ok", "enter", "c")
        assert last_touch(db, ids["ann"]).note == "ok"
        assert card(db, ids["ann"]).grade == "C"


async def test_new_prospect_typed_in_one_go(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "n", *"王海燕", "tab", *"华信", "enter")
        found = store.list_cards(db, TODAY, search="王海燕")
        assert [c.company for c in found] == ["华信"]


async def test_the_filter_field_gets_every_letter(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "slash", *"bob", "enter", "c")
        assert app.screen.query_one("#filter-input", Input).value == "bob"
        assert card(db, ids["bob"]).grade == "C"  # c after enter: back on the board


# --------------------------------------------------------------------------- the touch kind


@pytest.mark.parametrize(
    ("typed", "kind", "note"),
    [
        # Every letter is the note's; the kind is the step's (Ann's overdue "call")...
        ("Spoke", "call", "Spoke"),
        ("spoke", "call", "spoke"),
        ("crang back", "call", "crang back"),  # c is a letter of the note, not a kind
        ("vshowed the samples", "call", "vshowed the samples"),
        ("2nd try, no answer", "call", "2nd try, no answer"),
        # ... or the one the words name, as they are typed
        ("met them", "meeting", "met them"),
        ("Met them", "meeting", "Met them"),
        ("emailed the quote", "email", "emailed the quote"),
        ("发了微信", "message", "发了微信"),
        ("去拜访了王总", "visit", "去拜访了王总"),
        ("o", "call", "o"),
    ],
)
async def test_letters_after_t_are_the_note_and_the_kind_follows_the_step_or_words(
    app: SalesDeskApp, db: Database, ids: dict[str, int], typed: str, kind: str, note: str
) -> None:
    """``t`` ``Spoke`` logged a note "ke"; ``met them`` a message "et them"."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "t", *typed, "enter")
        touch = last_touch(db, ids["ann"])
        assert (touch.kind, touch.note) == (kind, note)


@pytest.mark.parametrize(
    ("keys", "kind", "note"),
    [
        (("shift+tab", "v"), "visit", "showed the samples"),  # a letter on the kind line
        (("shift+tab", "o"), "note", "showed the samples"),
        (("shift+tab", "right", "right", "enter"), "message", "showed the samples"),
        (("shift+tab", "left", "tab"), "note", "showed the samples"),
    ],
)
async def test_the_kind_is_chosen_on_the_kind_line_and_beats_the_words(
    app: SalesDeskApp, db: Database, ids: dict[str, int], keys: tuple[str, ...], kind: str,
    note: str,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "t", *"showed", *keys, *" the samples", "enter")
        touch = last_touch(db, ids["ann"])
        assert (touch.kind, touch.note) == (kind, note)


async def test_the_kind_line_says_where_the_kind_comes_from(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "t")
        line = str(app.screen.query_one("#kind").render())
        assert "from the next step" in line and "shift+tab changes" in line
        await burst(pilot, *"met")
        assert "from the words" in str(app.screen.query_one("#kind").render())
        await burst(pilot, "shift+tab", "e")
        assert "chosen" in str(app.screen.query_one("#kind").render())
        await burst(pilot, *" them", "enter")
        assert (last_touch(db, ids["ann"]).kind, last_touch(db, ids["ann"]).note) == (
            "email", "met them")


async def test_a_touch_without_a_due_step_starts_with_the_last_touchs_kind(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    store.log_touch(db, NOW - timedelta(days=3), ids["bob"], "email", "sent the brochure")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "j", "t", *"no reply yet", "enter")
        assert last_touch(db, ids["bob"]).kind == "email"


async def test_a_paste_on_the_kind_line_is_the_note(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "t", "shift+tab")
        app.post_message(events.Paste("met them at the fair"))
        app.post_message(events.Key("enter", "\r"))
        await burst(pilot)
        touch = last_touch(db, ids["ann"])
        assert (touch.kind, touch.note) == ("meeting", "met them at the fair")


async def test_escape_and_a_letter_read_as_alt_are_escape_then_the_letter(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """Escape with the next key in the same read comes as alt+c: the detail closes and
    ``c`` regrades on the board; the letter never goes into the card's name."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "enter")
        assert isinstance(app.focused, Input)  # the detail is up, its Name field focused
        app.post_message(events.Key("alt+c", "c"))
        await burst(pilot)
        assert card(db, ids["ann"]).name == "Overdue Ann"
        assert card(db, ids["ann"]).grade == "C"
        assert not isinstance(app.focused, Input)
