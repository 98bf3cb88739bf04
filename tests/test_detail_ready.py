"""The card detail is made ready, unseen, for the card the board's selection rests on
(salesdesk.screens.prospect.prepare_detail, from the app's rest check): enter then shows
it with no field filled again and no layout, unless the card changed meanwhile, and no
preparing happens while keys keep coming."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from salesdesk.app import PREPARE_AFTER, SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.screens.prospect import ProspectScreen, prepare_detail
from salesdesk.widgets.fitting_footer import FittingFooter
from tests.conftest import NOW, TODAY, burst
from tests.test_detail_ahead import composed_ahead, count_layouts
from tests.test_small_terminals import footer_recomposes

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


class Clock:
    """The app's sense of how long since the last key, moved by hand."""

    def __init__(self, app: SalesDeskApp) -> None:
        self.now = 1000.0
        app.rest_gc.clock = lambda: self.now
        app.rest_gc.last_input = self.now


async def rest(app: SalesDeskApp, clock: Clock, seconds: float = PREPARE_AFTER) -> None:
    """No key for ``seconds``; then wait for the rest checks that come meanwhile (one every
    quarter second) and for the detail made ready to be laid out to the end: no layout of
    it for 0.3 s. (Its flags are no sign: the focused field's cursor blinks unseen, and a
    screen not shown is not drawn.)"""
    clock.now += seconds
    detail = app.get_screen("card-detail")
    layouts = [0]
    original = detail._refresh_layout

    def counted(*args: Any, **kwargs: Any) -> None:
        layouts[0] += 1
        original(*args, **kwargs)

    detail._refresh_layout = counted  # type: ignore[method-assign]
    try:
        await asyncio.sleep(0.4)
        for _ in range(100):
            seen = layouts[0]
            await asyncio.sleep(0.3)
            if layouts[0] == seen:
                return
        raise AssertionError("the detail made ready never settled")
    finally:
        del detail._refresh_layout


def name_of(screen: ProspectScreen) -> Any:
    return screen.field("name").value  # type: ignore[attr-defined]


async def test_the_detail_is_ready_for_the_card_rested_on_and_opens_as_it_is(
        app: SalesDeskApp, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(app)
    async with app.run_test(size=SIZE) as pilot:
        detail = await composed_ahead(app)
        await burst(pilot, "j")
        await rest(app, clock)
        assert detail.prospect_id == ids["bob"] and name_of(detail) == "Bob"
        assert detail.prepared_version is not None
        assert await opened_as_made_ready(pilot, app, detail, monkeypatch)
        assert detail.focused is detail.field("name")
        assert detail.prepared_version is None  # (the next open fills it again)


async def test_a_card_changed_after_it_was_made_ready_opens_with_its_new_values(
        app: SalesDeskApp, ids: dict[str, int], db: Database) -> None:
    clock = Clock(app)
    async with app.run_test(size=SIZE) as pilot:
        detail = await composed_ahead(app)
        await burst(pilot, "j")
        await rest(app, clock)
        assert name_of(detail) == "Bob"
        store.update_fields(db, NOW, ids["bob"], {"name": "Robert"})  # another program
        await burst(pilot, "enter")  # the board reads the change first and says so
        assert app.screen is not detail
        await burst(pilot, "enter")
        await pilot.pause()
        assert app.screen is detail
        assert detail.prospect_id == ids["bob"] and name_of(detail) == "Robert"


async def test_nothing_is_made_ready_while_keys_keep_coming(
        app: SalesDeskApp, ids: dict[str, int]) -> None:
    clock = Clock(app)
    async with app.run_test(size=SIZE) as pilot:
        detail = await composed_ahead(app)
        for key in ("j", "k", "j"):
            await burst(pilot, key)
            clock.now += PREPARE_AFTER / 2  # a key every half of the wait
            await asyncio.sleep(0.3)
        assert detail.prospect_id == ids["ann"]  # as composed ahead, for the first card
        await rest(app, clock)
        assert detail.prospect_id == ids["bob"]


async def opened_as_made_ready(pilot: Any, app: SalesDeskApp, detail: ProspectScreen,
                               monkeypatch: pytest.MonkeyPatch) -> bool:
    """Press enter: whether the detail came up with no field filled and no layout."""
    filled: list[int] = []
    with monkeypatch.context() as patched:
        patched.setattr(ProspectScreen, "show_card",
                        lambda self, prospect_id: filled.append(prospect_id))
        layouts = count_layouts(patched)
        await burst(pilot, "enter")
        await pilot.pause()
        assert app.screen is detail
        return not filled and not layouts


async def test_a_change_on_the_board_is_followed_at_the_next_rest(
        app: SalesDeskApp, ids: dict[str, int], db: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(app)
    async with app.run_test(size=SIZE) as pilot:
        detail = await composed_ahead(app)
        await burst(pilot, "j")
        await rest(app, clock)
        before = detail.prepared_version
        await burst(pilot, "a")  # Bob kept in A (reviewed): a write, the selection stays
        await rest(app, clock)
        assert detail.prospect_id == ids["bob"]
        assert detail.prepared_version != before
        assert detail.prepared_version == db.data_version()
        assert await opened_as_made_ready(pilot, app, detail, monkeypatch)


async def test_a_card_closed_and_rested_on_opens_again_as_made_ready(
        app: SalesDeskApp, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(app)
    async with app.run_test(size=SIZE) as pilot:
        detail = await composed_ahead(app)
        await rest(app, clock)
        await burst(pilot, "enter")
        await burst(pilot, "tab", "tab")  # the focus moved on: left as the rep left it
        await burst(pilot, "escape")
        await rest(app, clock)
        assert await opened_as_made_ready(pilot, app, detail, monkeypatch)
        assert detail.focused is detail.field("name")  # a fresh open's focus


async def test_a_key_stops_the_layout_rounds_of_a_detail_being_made_ready(
        app: SalesDeskApp, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """The rounds of laying out the hidden detail go on while the rep rests and stop at a
    key (the key's own work must not wait behind them): one round then, several without."""
    Clock(app)  # (the app's own rest check prepares nothing meanwhile)
    async with app.run_test(size=SIZE):
        detail = await composed_ahead(app)
        layouts = count_layouts(monkeypatch)
        await quiet(layouts)  # the rounds of its composing ahead are over
        layouts.clear()
        assert prepare_detail(app, ids["bob"], resting=lambda: False)
        await quiet(layouts)
        stopped = len(layouts)
        layouts.clear()
        assert prepare_detail(app, ids["ann"], resting=lambda: True)
        await quiet(layouts)
        assert stopped == 1 and len(layouts) > 1
        assert detail.prospect_id == ids["ann"]


async def quiet(layouts: list[Any]) -> None:
    """Wait until no layout has come for 0.3 s."""
    for _ in range(100):
        seen = len(layouts)
        await asyncio.sleep(0.3)
        if len(layouts) == seen:
            return
    raise AssertionError("the layouts never stopped")


async def test_a_card_made_ready_leaves_the_detail_footer_keys_as_they_are(
        app: SalesDeskApp, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """Showing a card moves the focus off the Name field and back, so the detail's key
    bindings change twice and end as they were: the Footer's keys are not composed again
    (twice they were, two layouts of the hidden detail at every rest after a change)."""
    Clock(app)
    async with app.run_test(size=SIZE):
        detail = await composed_ahead(app)
        await quiet(count_layouts(monkeypatch))
        footer = detail.query_one(FittingFooter)
        keys_before = list(footer.children)
        recomposed = footer_recomposes(monkeypatch)
        assert prepare_detail(app, ids["bob"], resting=lambda: True)
        await quiet(count_layouts(monkeypatch))
        assert name_of(detail) == "Bob" and detail.focused is detail.field("name")
        assert not recomposed and list(footer.children) == keys_before
