"""Date fields in the TUI: typing replaces a prefilled date, the day it resolves to shows
live beside the field, the confirmation names it, and the friendly forms (下周五, next fri,
dec 5) work everywhere a date is typed. Today is Wednesday 18 November 2026."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from textual.widgets import Input

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.widgets.date_hint import DateHint
from tests.conftest import NOW, TODAY, burst, status

SIZE = (120, 40)


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    return {
        "ann": store.add_prospect(db, NOW, "Ann", grade="A",
                                  next_date=TODAY + timedelta(days=5), next_action="call"),
    }


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def hint(app: SalesDeskApp, name: str = "next_date") -> str:
    return str(app.screen.query_one(f"#h-{name}", DateHint).render())


async def test_next_step_form_replaces_the_date_and_shows_the_day(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await burst(pilot, "d")
        assert hint(app) == "→ Mon 23 Nov"  # the current step, 5 days on
        await burst(pilot, *"next fri")  # replaces the prefilled date
        assert app.screen.query_one("#f-next_date", Input).value == "next fri"
        assert hint(app) == "→ Fri 27 Nov"
        await burst(pilot, "enter")
        assert store.get_card(db, ids["ann"], TODAY).next_date == date(2026, 11, 27)
        assert "next step Fri 27 Nov" in status(app)


@pytest.mark.parametrize(
    ("typed", "shown", "stored"),
    [
        ("下周五", "→ Fri 27 Nov", date(2026, 11, 27)),
        ("12月5日", "→ Sat 5 Dec", date(2026, 12, 5)),
        ("dec 5", "→ Sat 5 Dec", date(2026, 12, 5)),
        ("明天", "→ Thu 19 Nov tomorrow", date(2026, 11, 19)),
    ],
)
async def test_touch_form_takes_chinese_and_english_dates(
    app: SalesDeskApp, db: Database, ids: dict[str, int], typed: str, shown: str, stored: date
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await burst(pilot, "t", *"rang", "tab", *typed)
        assert hint(app) == shown
        await burst(pilot, "enter")
        assert store.get_card(db, ids["ann"], TODAY).next_date == stored
        assert f"next step {shown[2:12].strip()}" in status(app)


async def test_a_typo_or_a_past_day_shows_before_saving(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "d", *"frid")
        assert hint(app) == "? not a date"
        await burst(pilot, "ctrl+u", *"上周五")
        assert hint(app) == "past: Fri 13 Nov"
        await burst(pilot, "ctrl+u")
        assert hint(app) == "→ none"


async def test_d_on_the_board_leaves_a_timeline_entry_with_old_and_new(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "d", *"fri", "tab", "ctrl+u", *"send quote", "enter")
        entry = store.get_prospect(db, ids["ann"], TODAY).activities[0]
        assert entry.kind == "edit"
        assert entry.note == ("next step date: 2026-11-23 → 2026-11-20; "
                              "next action: call → send quote")
