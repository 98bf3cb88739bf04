"""Pilot tests of the weekly review screen (walk-through keys, figures, report) and its
snapshots at 80x24 and 140x45."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Sparkline, Static

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.render.review_figures import SCREEN_TOP
from salesdesk.rules.review import present
from salesdesk.screens.review_export import ExportScreen
from salesdesk.screens.weekly_review import WeeklyReviewScreen
from tests.conftest import NOW, TODAY

SIZE = (100, 32)
DAY = timedelta(days=1)


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    """Three cards in the queue (most urgent first: Ann, Cat, Bob) and one that is not."""
    found = {
        "ann": store.add_prospect(
            db, NOW - 2 * DAY, "Overdue Ann", company="Acme", grade="A",
            next_date=TODAY - DAY, next_action="send quote", value=48000,
        ),
        "bob": store.add_prospect(db, NOW - 8 * DAY, "Bob Due", company="Bluebird", grade="B"),
        "cat": store.add_prospect(db, NOW - 100 * DAY, "Cat Past Window", grade="C"),
        "fresh": store.add_prospect(db, NOW, "Fresh Fay", grade="C"),
    }
    store.log_touch(db, NOW - DAY, found["bob"], "call", "asked for the price list")
    return found


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def review_screen(app: SalesDeskApp) -> WeeklyReviewScreen:
    screen = app.screen
    assert isinstance(screen, WeeklyReviewScreen), screen
    return screen


def text(app: SalesDeskApp, selector: str) -> str:
    """What a Static shows, as plain text."""
    content = app.screen.query_one(selector, Static).content
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def fields(db: Database, prospect_id: int) -> dict[str, Any]:
    return store.get_prospect(db, prospect_id, TODAY).fields


async def open_review(pilot: Pilot[None]) -> WeeklyReviewScreen:
    await pilot.pause()
    await pilot.press("w")
    await pilot.pause()
    return review_screen(pilot.app)  # type: ignore[arg-type]


async def test_w_opens_the_walk_through_in_urgency_order(
    app: SalesDeskApp, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        assert screen.order == [ids["ann"], ids["cat"], ids["bob"]]
        assert screen.card is not None and screen.card.id == ids["ann"]
        assert "1 of 3" in text(app, "#rv-title")
        card = text(app, "#rv-card")
        assert "Overdue Ann" in card and "send quote" in card and "overdue 1 day" in card
        assert "next step overdue since" in text(app, "#rv-changes")
        assert "up next" in text(app, "#rv-keys") and "Cat Past Window" in text(app, "#rv-keys")


async def test_regrade_reviews_and_the_card_leaves_the_queue(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("b")  # Ann: A -> B
        await pilot.pause()
        ann = fields(db, ids["ann"])
        assert ann["grade"] == "B" and ann["reviewed_at"] == NOW
        assert screen.card is not None and screen.card.id == ids["cat"]
        assert "2 of 3" in text(app, "#rv-title") and "1 done" in text(app, "#rv-title")
        await pilot.press("c")  # Cat: keep C, the window starts again
        await pilot.pause()
        assert fields(db, ids["cat"])["graded_at"] == NOW
        assert screen.card is not None and screen.card.id == ids["bob"]
        # Bob's call yesterday is what changed since his last look.
        assert "asked for the price list" in text(app, "#rv-changes")
        await pilot.press("b")
        await pilot.pause()
        assert screen.card is None
        assert "Walk-through done" in text(app, "#rv-changes")
        assert "3 of 3 cards reviewed" in text(app, "#rv-changes")
        # Reopening the screen: nothing is due any more.
        await pilot.press("escape")
        await pilot.pause()
        screen = await open_review(pilot)
        assert screen.order == []
        assert "Nothing to review" in text(app, "#rv-changes")


async def test_undo_brings_the_card_back(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("a")  # keep Ann as A: reviewed
        await pilot.pause()
        assert screen.card is not None and screen.card.id == ids["cat"]
        await pilot.press("u")
        await pilot.pause()
        assert fields(db, ids["ann"])["reviewed_at"] is None
        assert screen.card is not None and screen.card.id == ids["ann"]
        assert "1 of 3" in text(app, "#rv-title") and "0 done" in text(app, "#rv-title")


async def test_skip_moves_on_without_changing_anything(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("s", "s")
        await pilot.pause()
        assert screen.card is not None and screen.card.id == ids["bob"]
        assert "3 of 3" in text(app, "#rv-title")
        assert fields(db, ids["ann"])["reviewed_at"] is None
        await pilot.press("s")
        await pilot.pause()
        assert screen.card is None
        assert "3 still due (skipped): s goes through them again" in text(app, "#rv-changes")
        await pilot.press("s")  # again, from the top
        await pilot.pause()
        assert screen.card is not None and screen.card.id == ids["ann"]


async def test_park_and_drop_with_confirm(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("n")  # not dropped after all
        await pilot.pause()
        assert fields(db, ids["ann"])["status"] == "live"
        assert screen.card is not None and screen.card.id == ids["ann"]
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert fields(db, ids["ann"])["status"] == "dropped"
        assert screen.card is not None and screen.card.id == ids["cat"]
        await pilot.press("p")
        await pilot.pause()
        assert fields(db, ids["cat"])["status"] == "parked"
        assert screen.card is not None and screen.card.id == ids["bob"]
        await pilot.press("u", "u")
        await pilot.pause()
        assert fields(db, ids["ann"])["status"] == "live"
        assert screen.card is not None and screen.card.id == ids["ann"]


async def test_log_a_touch_and_set_the_next_date(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("t", "c", *"left a message", "enter")
        await pilot.pause()
        detail = store.get_prospect(db, ids["ann"], TODAY)
        assert [(a.kind, a.note) for a in detail.activities][0] == ("call", "left a message")
        # The touch cleared the overdue step, but an A is still due for its daily look.
        assert screen.card is not None and screen.card.id == ids["ann"]
        assert "left a message" in text(app, "#rv-changes")
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"2026-11-20", "tab", *"call back", "enter")
        await pilot.pause()
        assert fields(db, ids["ann"])["next_date"] == date(2026, 11, 20)
        assert fields(db, ids["ann"])["next_action"] == "call back"
        assert screen.card is not None and screen.card.id == ids["ann"]


async def test_seen_marks_reviewed_but_not_past_window_cards(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("r")  # Ann: reviewed, no change
        await pilot.pause()
        assert fields(db, ids["ann"])["reviewed_at"] == NOW
        assert fields(db, ids["ann"])["grade"] == "A"
        assert screen.card is not None and screen.card.id == ids["cat"]
        await pilot.press("r")  # Cat is past its window: needs a, b or c
        await pilot.pause()
        assert fields(db, ids["cat"])["reviewed_at"] is None
        assert screen.card is not None and screen.card.id == ids["cat"]


async def test_m_opens_the_man_check_for_this_card(
    app: SalesDeskApp, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert type(app.screen).__name__ == "ManCheckScreen"
        assert getattr(app.screen, "single", ids["ann"]) == ids["ann"]
        await pilot.press("escape")
        await pilot.pause()
        assert review_screen(app).card is not None


async def show_figures(pilot: Pilot[None]) -> WeeklyReviewScreen:
    screen = await open_review(pilot)
    await pilot.press("f")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def test_figures_previous_and_next_week(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    store.set_status(db, NOW, ids["fresh"], "customer", value=7000)
    async with app.run_test(size=SIZE) as pilot:
        screen = await show_figures(pilot)
        assert screen.mode == "figures" and screen.review is not None
        assert screen.review.week_start == date(2026, 11, 16)
        assert "2026-W47" in text(app, "#rv-title")
        body = text(app, "#rv-fig-body")
        assert "A 1 · B 1 · C 1 = 3 live, target 50 · add 47 · 2 new this week" in body
        assert "won 1 (7,000)" in body and "won: Fresh Fay 7,000" in body
        spark = app.screen.query_one("#rv-spark-touches", Sparkline)
        assert list(spark.data or []) == [t.touches for t in screen.review.trends]
        assert list(spark.data or [])[-1] == 1  # Bob's call
        await pilot.press("left_square_bracket")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.review.week_start == date(2026, 11, 9)
        assert "2026-W46" in text(app, "#rv-title")
        assert "won 0 · lost 0" in text(app, "#rv-fig-body")
        await pilot.press("right_square_bracket", "right_square_bracket")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.review.week_start == date(2026, 11, 16)  # not past this week
        # Walk-through keys do nothing here; f goes back.
        await pilot.press("a")
        await pilot.pause()
        assert fields(db, ids["ann"])["reviewed_at"] is None
        await pilot.press("f")
        await pilot.pause()
        assert screen.mode == "walk" and screen.card is not None


async def test_figures_say_the_presenters_sentences(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """The screen shows every sentence of the presenter that ``salesdesk review`` and the
    report draw, word for word (the head, each section, each trend)."""
    store.set_status(db, NOW, ids["fresh"], "customer", value=7000)
    async with app.run_test(size=SIZE) as pilot:
        screen = await show_figures(pilot)
        assert screen.review is not None
        figures = present(screen.review, SCREEN_TOP)
        head, body = text(app, "#rv-fig-head"), text(app, "#rv-fig-body")
        assert str(figures.as_of) in head and figures.trends_title in head
        sentences = [s for section in figures.sections for s in section.sentences]
        assert len(sentences) >= 10
        for sentence in sentences:
            assert str(sentence) in body, sentence
        for trend in figures.trends:
            assert text(app, f"#rv-trend-{trend.key}").strip() == str(trend.summary)


async def test_empty_database_shows_zeros_and_explains(app: SalesDeskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await show_figures(pilot)
        body = text(app, "#rv-fig-body")
        assert "= 0 live, target 50 · add 50" in body
        assert "No revenue recorded in the last 12 months" in body
        assert "No customers yet" in body
        await pilot.press("f")
        await pilot.pause()
        assert "Nothing to review" in text(app, "#rv-changes")


async def test_export_writes_the_markdown_report(
    app: SalesDeskApp, ids: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await show_figures(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("enter")
        await pilot.pause()
        report = tmp_path / "salesdesk-review-2026-W47.md"
        assert report.read_text(encoding="utf-8").startswith("# Weekly review 2026-W47\n")
        # A bad folder shows an inline error and keeps what was typed.
        await pilot.press("e")
        await pilot.pause()
        field = app.screen.query_one("#f-path")
        field.value = str(tmp_path / "missing" / "r.md")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert "does not exist" in text(app, "#e-path")
        assert field.value.endswith("r.md")  # type: ignore[attr-defined]
        await pilot.press("escape")


async def test_escape_goes_back_to_the_board_and_it_reloads(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("b", "escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "BoardScreen"
        board = app.screen
        names = [c.name for c in board.columns[1].cards]  # type: ignore[attr-defined]
        assert "Overdue Ann" in names


async def test_figures_never_mount_a_widget_per_customer(
    app: SalesDeskApp, db: Database
) -> None:
    """Many customers and wins still mount the same handful of widgets."""
    for n in range(60):
        pid = store.add_prospect(db, NOW - 30 * DAY, f"Customer {n}", value=1000 + n)
        store.set_status(db, NOW - DAY, pid, "customer", value=1000 + n)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await show_figures(pilot)
        assert screen.review is not None and len(screen.review.outcomes.won) == 60
        count = len(list(app.screen.query("*")))
        assert count < 40, count
        assert "… and 55 more won" in text(app, "#rv-fig-body")


# --------------------------------------------------------------------------- snapshots


def _seed(db: Database) -> None:
    store.add_prospect(
        db, NOW - 2 * DAY, "Overdue Ann", company="Acme Supplies", grade="A",
        next_date=TODAY - DAY, next_action="send quote", value=48000, key_account=True,
        next_topic="their expansion plans", money="yes", authority="yes", need="yes",
    )
    pid = store.add_prospect(db, NOW - 9 * DAY, "[bold]王伟[/]", company="华信科技", grade="B")
    store.log_touch(db, NOW - 3 * DAY, pid, "call", "聊了交货期 *asap*")
    store.add_prospect(db, NOW - 100 * DAY, "Past Window Pat", grade="C")
    won = store.add_prospect(db, NOW - 40 * DAY, "Wendy | Won", grade="A", value=12000)
    store.set_status(db, NOW - DAY, won, "customer", value=12000)


async def _to_figures(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.press("w", "f")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_walk_through_80x24(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    _seed(db)
    assert snap_compare(make_app(settings, db), terminal_size=(80, 24), press=["w"])


def test_walk_through_140x45(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    _seed(db)
    assert snap_compare(make_app(settings, db), terminal_size=(140, 45), press=["w"])


def test_figures_80x24(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    _seed(db)
    assert snap_compare(make_app(settings, db), terminal_size=(80, 24), run_before=_to_figures)


def test_figures_140x45(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    _seed(db)
    assert snap_compare(make_app(settings, db), terminal_size=(140, 45), run_before=_to_figures)
