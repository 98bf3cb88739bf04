"""Pilot tests of the weekly review's walk-through (``w`` on the board): the keys that keep,
regrade, log, date, check, park, drop, skip and undo, read back from what the rep sees (the
progress line, the card shown, what changed, the cards up next, the toasts) and the
database; and its snapshots at 80x24 and 140x45. The figures and the report:
``test_weekly_review_figures``."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.errors import DatabaseError
from tests.conftest import NOW, TODAY, burst, notes, ready, snapshot_after

SIZE = (100, 32)
DAY = timedelta(days=1)


def seed_queue(db: Database) -> dict[str, int]:
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
def ids(db: Database) -> dict[str, int]:
    return seed_queue(db)


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def text(app: SalesDeskApp, selector: str) -> str:
    """What a Static shows, as plain text."""
    content = app.screen.query_one(selector, Static).content
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def title(app: SalesDeskApp) -> str:
    """The review's top line: the progress of the walk-through, or the week of the figures."""
    return text(app, "#rv-title")


def shown(app: SalesDeskApp) -> str:
    """The first line of the card the walk-through shows (grade, name, company, value), or
    "" when it shows none (past the last card)."""
    if not app.screen.query_one("#rv-card", Static).display:
        return ""
    return text(app, "#rv-card").splitlines()[0]


def fields(db: Database, prospect_id: int) -> dict[str, Any]:
    return store.get_prospect(db, prospect_id, TODAY).fields


async def open_review(pilot: Pilot[None]) -> None:
    await ready(pilot)
    await pilot.press("w")
    await ready(pilot)
    assert "Weekly review" in title(pilot.app)  # type: ignore[arg-type]


async def test_w_opens_the_walk_through_in_urgency_order(
    app: SalesDeskApp, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        assert "walk-through   1 of 3 · 0 done" in title(app)
        assert "Overdue Ann · Acme" in shown(app) and "48k" in shown(app)
        card = text(app, "#rv-card")
        assert "send quote" in card and "overdue 1 day" in card
        assert "next step overdue since" in text(app, "#rv-changes")
        # The rest of the queue, most urgent first; Fresh Fay (just graded) is not due.
        up_next = text(app, "#rv-keys")
        assert "up next  C Cat Past Window · B Bob Due" in up_next
        assert "Fresh Fay" not in up_next


async def test_regrade_reviews_and_the_card_leaves_the_queue(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_review(pilot)
        await pilot.press("b")  # Ann: A -> B
        await pilot.pause()
        ann = fields(db, ids["ann"])
        assert ann["grade"] == "B" and ann["reviewed_at"] == NOW
        assert "Overdue Ann: A → B" in notes(app)
        assert "Cat Past Window" in shown(app)
        assert "2 of 3 · 1 done" in title(app)
        await pilot.press("c")  # Cat: keep C, the window starts again
        await pilot.pause()
        assert fields(db, ids["cat"])["graded_at"] == NOW
        assert "Cat Past Window: kept C" in notes(app)
        assert "Bob Due" in shown(app)
        # Bob's call yesterday is what changed since his last look.
        assert "asked for the price list" in text(app, "#rv-changes")
        await pilot.press("b")
        await pilot.pause()
        assert shown(app) == ""
        assert "Walk-through done" in text(app, "#rv-changes")
        assert "3 of 3 cards reviewed" in text(app, "#rv-changes")
        assert "3 of 3 · 3 done" in title(app)
        # Reopening the screen: nothing is due any more.
        await pilot.press("escape")
        await open_review(pilot)
        assert "Nothing to review" in text(app, "#rv-changes")
        assert title(app).strip() == "Weekly review · walk-through"


async def test_undo_brings_the_card_back_and_says_so_once(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_review(pilot)
        await pilot.press("a")  # keep Ann as A: reviewed
        await pilot.pause()
        assert "Cat Past Window" in shown(app)
        await pilot.press("u")
        await pilot.pause()
        assert fields(db, ids["ann"])["reviewed_at"] is None
        assert "Overdue Ann" in shown(app)
        assert "1 of 3 · 0 done" in title(app)
        said = [note for note in notes(app) if note.startswith("Undone:")]
        assert len(said) == 1, notes(app)


async def test_skip_moves_on_without_changing_anything(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("s", "s")
        await pilot.pause()
        assert "Bob Due" in shown(app)
        assert "3 of 3 · 0 done" in title(app)
        assert fields(db, ids["ann"])["reviewed_at"] is None
        await pilot.press("s")
        await pilot.pause()
        assert shown(app) == ""
        assert "3 still due (skipped): s goes through them again" in text(app, "#rv-changes")
        await pilot.press("s")  # again, from the top
        await pilot.pause()
        assert "Overdue Ann" in shown(app)
        assert "1 of 3" in title(app)


async def test_park_and_drop_asking_why(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await burst(pilot, "x", "escape")  # not dropped after all
        assert fields(db, ids["ann"])["status"] == "live"
        assert "Overdue Ann" in shown(app)
        await burst(pilot, "x", "4", "tab", *"has one already", "enter")
        assert fields(db, ids["ann"])["status"] == "dropped"
        with db.connect() as conn:
            assert conn.execute(
                "SELECT reason, reason_note FROM activity WHERE prospect_id = ? "
                "AND to_status = 'dropped'", (ids["ann"],)).fetchone() == (
                    "need", "has one already")
        assert "Cat Past Window" in shown(app)
        await pilot.press("p")
        await pilot.pause()
        assert fields(db, ids["cat"])["status"] == "parked"
        assert "Bob Due" in shown(app)
        assert "3 of 3 · 2 done" in title(app)
        await pilot.press("u", "u")
        await pilot.pause()
        assert fields(db, ids["ann"])["status"] == "live"
        assert fields(db, ids["cat"])["status"] == "live"
        assert "Overdue Ann" in shown(app)
        assert "1 of 3 · 0 done" in title(app)


async def test_log_a_touch_and_set_the_next_date(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_review(pilot)
        await pilot.press("t", "c", *"left a message", "enter")
        await pilot.pause()
        detail = store.get_prospect(db, ids["ann"], TODAY)
        assert [(a.kind, a.note) for a in detail.activities][0] == ("call", "left a message")
        assert "Logged call with Overdue Ann" in notes(app)
        # The touch cleared the overdue step, but an A is still due for its daily look.
        assert "Overdue Ann" in shown(app)
        assert "no next step" in text(app, "#rv-card")
        assert "left a message" in text(app, "#rv-changes")
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"2026-11-20", "tab", *"call back", "enter")
        await pilot.pause()
        assert fields(db, ids["ann"])["next_date"] == date(2026, 11, 20)
        assert fields(db, ids["ann"])["next_action"] == "call back"
        assert "Overdue Ann" in shown(app)
        assert "call back" in text(app, "#rv-card")


async def test_seen_marks_reviewed_but_not_past_window_cards(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_review(pilot)
        await pilot.press("r")  # Ann: reviewed, no change
        await pilot.pause()
        assert fields(db, ids["ann"])["reviewed_at"] == NOW
        assert fields(db, ids["ann"])["grade"] == "A"
        assert "Cat Past Window" in shown(app)
        await pilot.press("r")  # Cat is past its window: needs a, b or c
        await pilot.pause()
        assert fields(db, ids["cat"])["reviewed_at"] is None
        assert "Cat Past Window" in shown(app)
        said = notes(app)
        assert any("past its C window: keep or regrade" in note for note in said), said


async def test_m_opens_the_man_check_of_this_card_and_the_card_shows_the_answers(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        assert "MAN ???" in text(app, "#rv-card")
        await pilot.press("m")
        await ready(pilot)
        assert "this card" in text(app, "#man-progress")
        assert "Overdue Ann" in text(app, "#man-card")
        await pilot.press("m")  # money: yes
        await pilot.pause()
        assert fields(db, ids["ann"])["money"] == "yes"
        await pilot.press("escape")
        await ready(pilot)
        assert "Overdue Ann" in shown(app)
        assert "MAN M??" in text(app, "#rv-card")  # redrawn on the way back


async def test_a_card_that_cannot_be_read_says_why_inline(
    app: SalesDeskApp, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk-through stays usable: one line where the changes go, no stale card box."""
    from salesdesk.screens import weekly_review

    def busy(*args: object) -> None:
        raise DatabaseError("the database is busy: try again")

    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        with monkeypatch.context() as patch:
            patch.setattr(weekly_review, "changes_since", busy)
            await pilot.press("s")
            await pilot.pause()
            assert "2 of 3" in title(app)
            assert text(app, "#rv-changes").strip() == "the database is busy: try again"
            assert shown(app) == ""  # not Ann's box, left over
        await pilot.press("s")
        await pilot.pause()
        assert "Bob Due" in shown(app)
        assert "asked for the price list" in text(app, "#rv-changes")


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


# --------------------------------------------------------------------------- snapshots


def seed_snapshot(db: Database) -> None:
    """The snapshots' cards: user text that looks like markup, wide characters, a win."""
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


def test_walk_through_80x24(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    seed_snapshot(db)
    app = make_app(settings, db)
    assert snap_compare(app, terminal_size=(80, 24), run_before=snapshot_after("w"))


def test_walk_through_140x45(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    seed_snapshot(db)
    app = make_app(settings, db)
    assert snap_compare(app, terminal_size=(140, 45), run_before=snapshot_after("w"))
