"""The board redraws only the lines that changed: what is on screen after fast keys must be
exactly what a board drawn from scratch shows."""

from __future__ import annotations

from typing import Any

import pytest
from rich.style import Style
from textual.geometry import Region

from salesdesk.app import make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.data.demo import fill_demo
from salesdesk.widgets.card_column import CardColumn
from tests.conftest import TODAY, ready

Drawn = list[list[tuple[str, Style | None]]]


def drawn(app: Any) -> list[Drawn]:
    """Each column's lines as the screen holds them (cached lines included)."""
    shown = []
    for column in app.screen.query(CardColumn):
        width, height = column.outer_size
        lines = column.render_lines(Region(0, 0, width, height))
        shown.append([[(seg.text, seg.style) for seg in strip] for strip in lines])
    return shown


async def redrawn_from_scratch(app: Any, pilot: Any) -> list[Drawn]:
    for column in app.screen.query(CardColumn):
        column.refresh()
    await pilot.pause()
    return drawn(app)


@pytest.mark.parametrize("after_regrade", ["stay", "follow"])
@pytest.mark.parametrize(
    "keys",
    [
        ("b", "a", "c", "j", "j", "b"),  # regrades in place: the card leaves, the next stays
        ("l", "j", "a", "l", "c", "h", "b"),  # across columns
        ("j", "c", "u", "j", "a", "u"),  # regrade then undo
        ("G", "a", "g", "c", "f", "a", "p"),  # the bottom of a long column, a verdict, a park
        ("b", "b", "b"),  # three cards into one column, each lit as the one before goes out
        ("l", "j", "l", "h", "h", "k"),  # switching columns redraws only the selections
    ],
)
async def test_the_board_after_fast_regrades_is_what_a_fresh_drawing_shows(
    settings: Settings, db: Database, keys: tuple[str, ...], after_regrade: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A card lit by a regrade stays lit through both drawings: going out between them (on
    # a busy machine) made them differ for a reason that is not a redraw's.
    monkeypatch.setattr(CardColumn.flash, "__defaults__", (60.0,))
    fill_demo(db, TODAY)
    store.set_setting(db, "after_regrade", after_regrade)
    app = make_app(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        before = drawn(app)
        await pilot.press(*keys)
        await ready(pilot)
        shown = drawn(app)
        assert shown != before  # the keys changed what is on screen
        assert shown == await redrawn_from_scratch(app, pilot)


async def test_a_card_lit_after_another_puts_the_first_out(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two regrades into one column in a row: the first card's light goes out on screen
    when the second lights up (only one card of a column is lit)."""
    monkeypatch.setattr(CardColumn.flash, "__defaults__", (60.0,))  # lit through the test
    fill_demo(db, TODAY)
    app = make_app(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        column = app.screen.query(CardColumn).first()
        first, second = column.cards[0].id, column.cards[1].id
        column.flash(first)
        await pilot.pause()
        lit = drawn(app)
        column.flash(second)
        await pilot.pause()
        shown = drawn(app)
        assert shown != lit
        assert shown == await redrawn_from_scratch(app, pilot)


async def test_the_first_lights_end_does_not_put_out_the_second(
    settings: Settings, db: Database
) -> None:
    """Two regrades a moment apart: the second card stays lit its full time (the first
    card's timer once put it out early)."""
    fill_demo(db, TODAY)
    app = make_app(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        column = app.screen.query(CardColumn).first()
        first, second = column.cards[0].id, column.cards[1].id
        column.flash(first, seconds=0.2)
        await pilot.pause()
        column.flash(second, seconds=60.0)
        await pilot.pause(0.5)  # past the first light's end
        assert column.flashing == second
