"""Pilot tests of the weekly review's figures (``f``): the weeks, the presenter's sentences,
the trend charts, the Markdown report (``e``), the ready state, and the figures' snapshots
at 80x24 and 140x45. The walk-through and its snapshots: ``test_weekly_review_screen``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Sparkline

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.data.review import load_weekly_review
from salesdesk.render.review_figures import SCREEN_TOP
from salesdesk.rules.review import WeeklyReview, present
from salesdesk.screens.weekly_review import WeeklyReviewScreen
from tests.conftest import NOW, TODAY, notes, ready, snapshot_after
from tests.test_weekly_review_screen import (
    DAY,
    SIZE,
    fields,
    open_review,
    seed_queue,
    seed_snapshot,
    shown,
    text,
    title,
)

#: The Monday of the test suite's week (2026-W47).
MONDAY = date(2026, 11, 16)


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    return seed_queue(db)


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


async def show_figures(pilot: Pilot[None]) -> None:
    await open_review(pilot)
    await pilot.press("f")
    await ready(pilot)


async def test_figures_previous_and_next_week(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    store.set_status(db, NOW, ids["fresh"], "customer", value=7000)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await show_figures(pilot)
        assert "figures · 2026-W47 · Mon 16 Nov – Sun 22 Nov 2026" in title(app)
        body = text(app, "#rv-fig-body")
        assert "A 1 · B 1 · C 1 = 3 live, target 50 · add 47 · 2 new this week" in body
        assert "won 1 (7,000)" in body and "won: Fresh Fay 7,000" in body
        # The touches chart draws the database's last 12 weeks, ending with Bob's call.
        expected = load_weekly_review(db, MONDAY, TODAY)
        spark = app.screen.query_one("#rv-spark-touches", Sparkline)
        assert list(spark.data or []) == [t.touches for t in expected.trends]
        assert list(spark.data or [])[-1] == 1
        await pilot.press("left_square_bracket")
        await ready(pilot)
        assert "2026-W46 · Mon 9 Nov" in title(app)
        assert "won 0 · lost 0" in text(app, "#rv-fig-body")
        await pilot.press("right_square_bracket", "right_square_bracket")
        await ready(pilot)
        assert "2026-W47" in title(app)  # not past this week
        assert "won 1 (7,000)" in text(app, "#rv-fig-body")
        said = notes(app)
        assert "This is the current week: no figures ahead of it yet" in said, said
        # Walk-through keys do nothing here; f goes back.
        await pilot.press("a")
        await pilot.pause()
        assert fields(db, ids["ann"])["reviewed_at"] is None
        await pilot.press("f")
        await ready(pilot)
        assert "walk-through   1 of 3" in title(app)
        assert "Overdue Ann" in shown(app)


async def test_ready_only_once_the_weeks_figures_are_drawn(
    app: SalesDeskApp, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a week's figures are worked out (seconds on a big database) the screen says
    so and is not ``ready``, so a snapshot waits for the figures, not the loading line."""
    from salesdesk.data import review

    release = threading.Event()
    real = review.load_weekly_review

    def slow(db: Database, week: date, today: date) -> WeeklyReview:
        release.wait(10)
        return real(db, week, today)

    monkeypatch.setattr(review, "load_weekly_review", slow)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        screen = app.screen
        assert isinstance(screen, WeeklyReviewScreen) and screen.ready  # the walk, at once
        await pilot.press("f")
        await pilot.pause()
        assert "2026-W47 · loading…" in title(app)
        assert not screen.ready
        release.set()
        await ready(pilot)
        assert "figures · 2026-W47" in title(app)
        assert "4 live" in text(app, "#rv-fig-body")


async def test_figures_follow_a_change_made_in_the_walk_through(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """Regrading on the walk-through and coming back redraws the figures (and undo too)."""
    async with app.run_test(size=SIZE) as pilot:
        await show_figures(pilot)
        assert "A 1 · B 1 · C 2 = 4 live" in text(app, "#rv-fig-body")
        await pilot.press("f", "b", "f")  # Ann: A -> B
        await ready(pilot)
        assert "A 0 · B 2 · C 2 = 4 live" in text(app, "#rv-fig-body")
        await pilot.press("u")
        await ready(pilot)
        assert "A 1 · B 1 · C 2 = 4 live" in text(app, "#rv-fig-body")
        assert fields(db, ids["ann"])["grade"] == "A"


async def test_figures_say_the_presenters_sentences(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """The screen shows every sentence of the presenter that ``salesdesk review`` and the
    report draw, word for word (the head, each section, each trend)."""
    store.set_status(db, NOW, ids["fresh"], "customer", value=7000)
    async with app.run_test(size=SIZE) as pilot:
        await show_figures(pilot)
        figures = present(load_weekly_review(db, MONDAY, TODAY), SCREEN_TOP)
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
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await show_figures(pilot)
        await pilot.press("e")
        await ready(pilot)
        path = app.screen.query_one("#f-path", Input)
        report = tmp_path / "salesdesk-review-2026-W47.md"
        assert path.value == str(report)
        await pilot.press("enter")
        await pilot.pause()
        assert report.read_text(encoding="utf-8").startswith("# Weekly review 2026-W47\n")
        assert f"Wrote {report}" in notes(app)
        assert report.stat().st_mode & 0o777 == 0o600
        # A bad folder shows an inline error and keeps what was typed.
        await pilot.press("e")
        await ready(pilot)
        field = app.screen.query_one("#f-path", Input)
        field.value = str(tmp_path / "missing" / "r.md")
        await pilot.press("enter")
        await pilot.pause()
        assert "does not exist" in text(app, "#e-path")
        assert app.screen.query_one("#f-path", Input).value.endswith("r.md")
        await pilot.press("escape")
        await pilot.pause()
        assert not (tmp_path / "missing").exists()
        assert "figures · 2026-W47" in title(app)


async def test_figures_never_mount_a_widget_per_customer(
    app: SalesDeskApp, db: Database
) -> None:
    """Many customers and wins still mount the same handful of widgets."""
    for n in range(60):
        pid = store.add_prospect(db, NOW - 30 * DAY, f"Customer {n}", value=1000 + n)
        store.set_status(db, NOW - DAY, pid, "customer", value=1000 + n)
    async with app.run_test(size=(80, 24)) as pilot:
        await show_figures(pilot)
        body = text(app, "#rv-fig-body")
        assert "won 60" in body and "… and 55 more won" in body
        count = len(list(app.screen.query("*")))
        assert count < 40, count


# --------------------------------------------------------------------------- snapshots


def test_figures_80x24(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    seed_snapshot(db)
    app = make_app(settings, db)
    assert snap_compare(app, terminal_size=(80, 24), run_before=snapshot_after("w", "f"))


def test_figures_140x45(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    seed_snapshot(db)
    app = make_app(settings, db)
    assert snap_compare(app, terminal_size=(140, 45), run_before=snapshot_after("w", "f"))
