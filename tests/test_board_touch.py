"""A touch is a look (the review count drops at once) and ``d`` leaves a timeline entry,
on the board, with keys typed in one burst."""

from __future__ import annotations

from datetime import date, timedelta

from textual.widgets import Static

from salesdesk.app import make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from tests.conftest import NOW, TODAY, burst, ready


def header(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#summary", Static).render())


async def test_logging_a_touch_marks_the_card_reviewed_and_the_count_drops(
    settings: Settings, db: Database
) -> None:
    pid = store.add_prospect(db, NOW - timedelta(days=9), "Bob Due", grade="B")
    store.add_prospect(db, NOW - timedelta(days=9), "Cal Due", grade="B")
    app = make_app(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert "due 2" in header(app)
        await burst(pilot, "t", *"rang", "enter")
        assert "due 1" in header(app)  # at once, before any reload
        assert store.get_prospect(db, pid, TODAY)["reviewed_at"] == NOW


async def test_d_on_the_board_leaves_a_timeline_entry(settings: Settings, db: Database) -> None:
    pid = store.add_prospect(db, NOW, "Ann", grade="A", next_date=TODAY, next_action="call")
    app = make_app(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await burst(pilot, "d", *"fri", "tab", "ctrl+u", *"visit with samples", "enter")
        card = store.get_card(db, pid, TODAY)
        assert (card.next_date, card.next_action, card.next_kind) == (
            date(2026, 11, 20), "visit with samples", "visit")
        entry = store.get_prospect(db, pid, TODAY).activities[0]
        assert entry.kind == "edit"
        assert "next step date: 2026-11-18 → 2026-11-20" in entry.note
        assert "next step kind: call → visit" in entry.note
