"""The card detail is composed, laid out and drawn ahead, once the board has been up a
moment (see salesdesk.screens.prospect.compose_detail_ahead): the first card opened costs
what every later open does. Its fields are the opened card's, never the one composed for;
a resize meanwhile is followed; an empty board composes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from textual.screen import Screen

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.screens.board import BoardScreen
from salesdesk.screens.prospect import REUSED, ProspectScreen
from tests.conftest import NOW, TODAY, burst

SIZE = (120, 40)


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    """Ann is the most urgent A (selected first), Bob the next one down."""
    return {
        "ann": store.add_prospect(db, NOW, "Ann", company="Acme", grade="A",
                                  next_date=TODAY - timedelta(days=2)),
        "bob": store.add_prospect(db, NOW, "Bob", company="Bluebird", grade="A",
                                  next_date=TODAY + timedelta(days=5)),
    }


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


async def composed_ahead(app: SalesDeskApp) -> ProspectScreen:
    """The detail screen composed ahead (and laid out) while the board is up."""
    for _ in range(400):
        if app.is_screen_installed(REUSED):
            screen = app.get_screen(REUSED)
            if screen.is_mounted and screen.size == app.size:
                assert isinstance(screen, ProspectScreen)
                return screen
        await asyncio.sleep(0.01)
    raise AssertionError("the detail was not composed ahead")


def count_layouts(monkeypatch: pytest.MonkeyPatch) -> list[Screen[Any]]:
    """Every layout of a detail screen, from now on."""
    seen: list[Screen[Any]] = []
    original = Screen._refresh_layout

    def counted(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
        if isinstance(self, ProspectScreen):
            seen.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return seen


async def test_the_detail_is_composed_for_the_current_card_before_any_key(
        app: SalesDeskApp, ids: dict[str, int]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        ahead = await composed_ahead(app)
        assert isinstance(app.screen, BoardScreen)  # (nothing shown of it)
        assert ahead.detail is not None and ahead.detail.id == ids["ann"]
        assert ahead.field("name").value == "Ann"  # type: ignore[attr-defined]
        await burst(pilot, "enter")
        assert app.screen is ahead
        assert ahead.field("name").value == "Ann"  # type: ignore[attr-defined]


async def test_the_first_open_lays_out_no_more_than_a_later_one(
        app: SalesDeskApp, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await composed_ahead(app)
        await pilot.pause()
        layouts = count_layouts(monkeypatch)
        await burst(pilot, "enter")
        await pilot.pause()
        first = len(layouts)
        await burst(pilot, "escape")
        await pilot.pause()
        layouts.clear()
        await burst(pilot, "enter")
        await pilot.pause()
        assert isinstance(app.screen, ProspectScreen)
        assert first <= len(layouts) <= 1


async def test_a_card_moved_to_after_the_compose_opens_with_its_own_values(
        app: SalesDeskApp, ids: dict[str, int]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        ahead = await composed_ahead(app)
        await burst(pilot, "j", "enter")
        screen = app.screen
        assert screen is ahead and isinstance(screen, ProspectScreen)
        assert screen.prospect_id == ids["bob"]
        assert screen.field("name").value == "Bob"  # type: ignore[attr-defined]
        assert screen.field("company").value == "Bluebird"  # type: ignore[attr-defined]


async def test_a_resize_after_the_compose_is_followed_at_the_open(
        app: SalesDeskApp, ids: dict[str, int]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        ahead = await composed_ahead(app)
        assert not ahead.has_class("narrow")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await burst(pilot, "enter")
        await pilot.pause()
        assert app.screen is ahead
        assert ahead.size == (80, 24)
        assert ahead.has_class("narrow")  # the side panel on demand below 100 columns


async def test_an_empty_board_composes_no_detail(
        app: SalesDeskApp, monkeypatch: pytest.MonkeyPatch) -> None:
    handled: list[bool] = []
    original = SalesDeskApp.on_sales_desk_app_warmed_up

    def recorded(self: SalesDeskApp, message: SalesDeskApp.WarmedUp) -> None:
        original(self, message)
        handled.append(True)

    monkeypatch.setattr(SalesDeskApp, "on_sales_desk_app_warmed_up", recorded)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(400):  # until the warm-up is over and answered
            if handled:
                break
            await asyncio.sleep(0.01)
        await pilot.pause()
        assert handled
        assert not app.is_screen_installed(REUSED)


async def test_closing_while_the_detail_is_composed_ahead_is_a_clean_exit(
        app: SalesDeskApp, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """The rep quits (or a test ends) just as the warm-up composes the detail: the app's
    shutdown takes the screen's widgets down while the screen is being mounted, and its
    mount must not then look for them (it raised NoMatches on the way out)."""
    composing: list[ProspectScreen] = []
    original = SalesDeskApp.on_sales_desk_app_warmed_up

    def then_quit(self: SalesDeskApp, message: SalesDeskApp.WarmedUp) -> None:
        original(self, message)
        if self.is_screen_installed(REUSED):
            screen = self.get_screen(REUSED)
            assert isinstance(screen, ProspectScreen)
            composing.append(screen)

    monkeypatch.setattr(SalesDeskApp, "on_sales_desk_app_warmed_up", then_quit)
    async with app.run_test(size=SIZE):
        for _ in range(400):
            if composing:
                break
            await asyncio.sleep(0.001)
        assert composing and not composing[0].is_mounted  # (shut down mid-compose)
    assert app.return_code in (None, 0)
