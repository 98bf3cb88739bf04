"""The triage loop on the board: after a regrade the selection stays where you work (the
next card) and the moved card flashes in its new column (``after_regrade = follow``
follows it instead); the marks are explained on ``?`` and in a legend line (``L``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from textual.widgets import Static

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.screens.board import BoardScreen
from salesdesk.screens.help import HelpScreen
from salesdesk.widgets.card_column import CardColumn
from tests.conftest import NOW, TODAY, burst

SIZE = (120, 40)


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    """Three A cards in urgency order (ann, bob, cat) and a B card."""
    return {
        "ann": store.add_prospect(db, NOW, "Ann", grade="A", next_date=TODAY - timedelta(days=3)),
        "bob": store.add_prospect(db, NOW, "Bob", grade="A", next_date=TODAY - timedelta(days=2)),
        "cat": store.add_prospect(db, NOW, "Cat", grade="A", next_date=TODAY - timedelta(days=1)),
        "dan": store.add_prospect(db, NOW, "Dan", grade="B"),
    }


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def board(app: SalesDeskApp) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


async def test_after_a_regrade_the_selection_stays_on_the_next_card(
    app: SalesDeskApp, db: Database, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A light long enough that a loaded machine cannot put it out before the check.
    monkeypatch.setattr(CardColumn, "flash_seconds", 60.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "b", "c")  # Ann → B, then the next card (Bob) → C
        assert store.get_card(db, ids["ann"], TODAY).grade == "B"
        assert store.get_card(db, ids["bob"], TODAY).grade == "C"
        screen = board(app)
        assert screen.col == 0 and screen.current is not None
        assert screen.current.id == ids["cat"]
        columns = screen.columns
        assert columns[2].flashing == ids["bob"]  # lit in its new column


async def test_the_moved_card_is_lit_for_a_moment_only(
    app: SalesDeskApp, db: Database, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CardColumn, "flash_seconds", 0.2)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "c")  # Ann → C
        column = board(app).columns[2]  # lit (the test above), then out:
        for _ in range(100):  # out after its 0.2 s, however slow the machine
            if column.flashing is None:
                break
            await pilot.pause(0.05)
        assert column.flashing is None


async def test_keeping_the_grade_stays_on_the_card(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "a")  # same grade: reviewed, the card stays selected
        screen = board(app)
        assert screen.current is not None and screen.current.id == ids["ann"]


async def test_follow_setting_moves_the_selection_with_the_card(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    store.set_setting(db, "after_regrade", "follow")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "c")
        screen = board(app)
        assert screen.col == 2 and screen.current is not None
        assert screen.current.id == ids["ann"]


async def test_the_legend_line_toggles_and_is_kept(
    settings: Settings, db: Database, ids: dict[str, int]
) -> None:
    app = make_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        legend = board(app).query_one("#legend", Static)
        assert not legend.display
        await burst(pilot, "L")
        assert legend.display
        text = str(legend.render())
        for mark in ("⟳ regrade", "◆ review", "★", "maN", "?"):
            assert mark in text
        await burst(pilot, "b")  # the setting written is not "another program's change"
        assert store.get_card(db, ids["ann"], TODAY).grade == "B"
    assert store.get_setting(db, "board_legend") == "on"
    again = make_app(settings, db)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert board(again).query_one("#legend").display


async def test_the_help_screen_explains_the_marks(app: SalesDeskApp, ids: dict[str, int]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "?")
        assert isinstance(app.screen, HelpScreen)
        app.screen.query_one("#help-body").scroll_end(animate=False)
        await pilot.pause()
        text = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        for words in ("Marks on a card", "⟳ regrade", "◆ review", "key account",
                      "capital = present", "not asked yet", "next step overdue"):
            assert words in text
