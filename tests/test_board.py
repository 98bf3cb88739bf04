"""Headless Pilot tests of the board: press keys, check the database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from textual import events
from textual.widgets import Input, Static

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.screens.board import BoardScreen
from salesdesk.screens.prospect import ProspectScreen
from tests.conftest import NOW, TODAY, burst, said, until

SIZE = (120, 40)


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    """Three live cards and one customer; 'Overdue Ann' is the most urgent A."""
    found = {
        "ann": store.add_prospect(
            db,
            NOW,
            "Overdue Ann",
            company="Acme",
            grade="A",
            next_date=TODAY - timedelta(days=2),
            next_action="call",
        ),
        "bob": store.add_prospect(
            db, NOW, "Bob Fresh", company="Bluebird", grade="A", next_date=TODAY + timedelta(days=5)
        ),
        "wang": store.add_prospect(
            db, NOW, "王伟", company="华信科技", grade="B", notes="喜欢下午联系"
        ),
        "cara": store.add_prospect(db, NOW, "Cara Customer", grade="C"),
    }
    store.set_status(db, NOW, found["cara"], "customer", value=9000)
    return found


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


def board(app: SalesDeskApp) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    return screen


def header(app: SalesDeskApp) -> str:
    """The board's header line, as the rep reads it."""
    return str(app.screen.query_one("#summary", Static).render())


def fields(db: Database, prospect_id: int) -> dict[str, Any]:
    return store.get_prospect(db, prospect_id, TODAY).fields


async def open_detail(pilot: Any, app: SalesDeskApp, *keys: str) -> ProspectScreen:
    """Press ``keys`` (moves on the board), then enter: the selected card's detail."""
    await pilot.press(*keys, "enter")
    await pilot.pause()
    detail = app.screen
    assert isinstance(detail, ProspectScreen)
    return detail


async def test_opens_with_top_card_of_column_a_selected(
    app: SalesDeskApp, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = board(app)
        assert screen.col == 0
        assert screen.current is not None and screen.current.id == ids["ann"]
        assert [c.name for c in screen.columns[0].cards] == ["Overdue Ann", "Bob Fresh"]
        assert [c.name for c in screen.columns[1].cards] == ["王伟"]


async def test_regrade_persists_moves_column_and_keeps_selection(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """With ``after_regrade = follow`` (the default, stay, is in test_triage.py)."""
    store.set_setting(db, "after_regrade", "follow")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "c")  # Bob Fresh: A -> C
        await pilot.pause()
        assert fields(db, ids["bob"])["grade"] == "C"
        screen = board(app)
        assert screen.col == 2
        assert screen.current is not None and screen.current.id == ids["bob"]
        timeline = store.get_prospect(db, ids["bob"], TODAY).activities
        assert (timeline[0].kind, timeline[0].from_grade, timeline[0].to_grade) == (
            "grade",
            "A",
            "C",
        )


async def test_moving_between_columns_with_hjkl(app: SalesDeskApp, ids: dict[str, int]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        screen = board(app)
        assert screen.col == 1 and screen.current is not None
        assert screen.current.id == ids["wang"]
        await pilot.press("h", "j")
        assert screen.col == 0 and screen.current is not None
        assert screen.current.id == ids["bob"]


async def test_log_a_call_in_three_keystrokes(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.press(*"Talked price")
        await pilot.press("enter")
        await pilot.pause()
        detail = store.get_prospect(db, ids["ann"], TODAY)
        assert detail.activities[0].kind == "call"
        assert detail.activities[0].note == "Talked price"
        assert detail["touched_at"] == NOW
        # The overdue step was done by this touch: the form started empty, so it is cleared.
        assert detail["next_date"] is None


async def test_log_touch_with_next_step_and_bad_date_keeps_text(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.press(*"Visited")
        await pilot.press("tab", *"nonsense", "enter")
        await pilot.pause()
        form = app.screen
        assert "invalid date" in str(form.query_one("#e-next_date").render())
        assert form.query_one("#f-note").value == "Visited"  # type: ignore[attr-defined]
        assert store.get_prospect(db, ids["ann"], TODAY).activities == ()
        form.query_one("#f-next_date").value = "fri"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        detail = store.get_prospect(db, ids["ann"], TODAY)
        assert detail.activities[0].kind == "visit"
        assert detail["next_date"] == TODAY + timedelta(days=2)  # Wed -> Fri


async def test_filter_as_you_type_matches_chinese_notes(
    app: SalesDeskApp, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"下午")
        screen = board(app)
        await until(pilot, lambda: "filter: 下午 1 match" in header(app))
        assert [c.id for c in screen.cards] == [ids["wang"]]
        assert screen.col == 1
        await pilot.press("enter")
        assert app.focused is None  # back on the board, filter kept
        assert screen.filter_text == "下午"
        await pilot.press("escape")
        await pilot.pause()
        assert screen.filter_text == ""
        assert len(screen.cards) == 3


async def test_letters_typed_right_after_slash_go_into_the_filter(
    app: SalesDeskApp, ids: dict[str, int]
) -> None:
    """A burst (a fast typist, a paste): ``/bob`` arrives before the filter field is up.
    The letters filter; they never act as the board's keys (b would regrade, o would switch
    to the closed view)."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key, char in (("slash", "/"), ("b", "b"), ("o", "o"), ("b", "b")):
            app.post_message(events.Key(key, char))  # all queued at once, no waiting
        await until(pilot, lambda: "filter: bob" in header(app))
        assert header(app).endswith("filter: bob 1 match")
        assert [c.id for c in board(app).cards] == [ids["bob"]]
        assert fields(app.db, ids["bob"])["grade"] == "A"  # not regraded by the b
        await pilot.press("slash")  # a / in the field is a character like any other
        assert board(app).query_one("#filter-input", Input).value == "bob/"


async def test_undo_reverses_changes_repeatedly(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b")  # Ann A -> B
        await pilot.pause()
        await pilot.press("t", *"hi", "enter")
        await pilot.pause()
        assert fields(db, ids["ann"])["grade"] == "B"
        await pilot.press("u")
        await pilot.pause()
        kinds = [a.kind for a in store.get_prospect(db, ids["ann"], TODAY).activities]
        assert kinds == ["grade"]
        assert fields(db, ids["ann"])["grade"] == "B"
        await pilot.press("u")
        await pilot.pause()
        assert fields(db, ids["ann"])["grade"] == "A"
        assert board(app).current is not None and board(app).current.id == ids["ann"]


async def test_new_prospect_form(app: SalesDeskApp, db: Database, ids: dict[str, int]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.press("enter")  # empty name: inline message, nothing saved
        await pilot.pause()
        assert "needs a name" in str(app.screen.query_one("#e-name").render())
        await pilot.press(*"[bold]Ltd[/]", "tab", *"李氏公司")
        app.screen.query_one("#f-grade").value = "A"  # type: ignore[attr-defined]
        app.screen.query_one("#f-value").value = "12k"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        cards = store.list_cards(db, TODAY, search="Ltd")
        assert len(cards) == 1
        new = cards[0]
        assert (new.name, new.company, new.grade.value, new.value) == (
            "[bold]Ltd[/]",
            "李氏公司",
            "A",
            12000,
        )
        assert board(app).current is not None and board(app).current.id == new.id


async def test_new_prospect_form_shows_every_bad_field_at_once(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        form = app.screen
        form.query_one("#f-grade").value = "Q"  # type: ignore[attr-defined]
        form.query_one("#f-value").value = "lots"  # type: ignore[attr-defined]
        form.query_one("#f-next_date").value = "someday"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        shown = {name: str(form.query_one(f"#e-{name}").render())
                 for name in ("name", "grade", "value", "next_date", "company")}
        assert "needs a name" in shown["name"]
        assert "grade" in shown["grade"] and "amount" in shown["value"]
        assert shown["next_date"] and not shown["company"]
        assert form.focused is form.query_one("#f-name")  # the first bad field
        assert app.screen is form and store.count_prospects(db) == 4
        # Fixing only some fields leaves the others' messages, and what was typed.
        await pilot.press(*"Zoe")
        form.query_one("#f-grade").value = "b"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert not str(form.query_one("#e-name").render())
        assert not str(form.query_one("#e-grade").render())
        assert "amount" in str(form.query_one("#e-value").render())
        assert form.query_one("#f-value").value == "lots"  # type: ignore[attr-defined]
        assert form.focused is form.query_one("#f-value")
        form.query_one("#f-value").value = "3k"  # type: ignore[attr-defined]
        form.query_one("#f-next_date").value = "fri"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        zoe = store.list_cards(db, TODAY, search="Zoe")
        assert [(c.grade.value, c.value) for c in zoe] == [("B", 3000)]


async def test_typing_a_grade_in_the_new_card_form(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """The Grade field starts empty (C when left so): tabbing to it and typing A gives A,
    not "CA"."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", *"Gia", "tab", "tab", "tab", "A", "enter")
        await pilot.pause()
        await pilot.press("n", *"Cal", "enter")
        await pilot.pause()
    grades = {c.name: c.grade.value for c in store.list_cards(db, TODAY)}
    assert (grades["Gia"], grades["Cal"]) == ("A", "C")


async def test_escape_keeps_what_was_typed_for_next_time(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """Exploratory test: escape in a small form threw away what was typed. It is kept for
    that form (the new-card form, the touch log of this card...) until it is saved."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", *"Half typed", "escape")
        await pilot.pause()
        assert store.count_prospects(db) == 4  # nothing saved
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#f-name").value == "Half typed"  # type: ignore[attr-defined]
        await pilot.press("enter")  # saved: the draft is gone
        await pilot.pause()
        assert store.list_cards(db, TODAY, search="Half typed")
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one("#f-name").value == ""  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("t", *"long note I typed", "escape")  # the touch log too
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert app.screen.query_one("#f-note").value == "long note I typed"  # type: ignore[attr-defined]


async def test_a_kept_draft_is_selected_so_typing_starts_over_and_an_arrow_goes_on(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """Exploratory test: retyping in a form reopened with its kept text appended to it."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "n", *"Half typed", "escape", "n")
        await pilot.pause()
        await burst(pilot, *"Acme")
        assert app.screen.query_one("#f-name").value == "Acme"  # type: ignore[attr-defined]
        await burst(pilot, "escape", "n")
        await pilot.pause()
        await burst(pilot, "right", *" Ltd", "enter")
        assert store.list_cards(db, TODAY, search="Acme Ltd")


async def test_a_name_with_tabs_and_line_breaks_shows_on_one_line_in_the_detail(
    settings: Settings, db: Database
) -> None:
    """Exploratory test: such a name spilled over the next rows of the detail. A one-line
    field shows it on one line; the stored name stays as it was unless it is edited."""
    pid = store.add_prospect(db, NOW, "tab\there\nnew\nline", grade="A")
    app = make_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        detail = await open_detail(pilot, app)
        name = detail.query_one("#field-name")
        assert name.value == "tab here new line"  # type: ignore[attr-defined]
        detail.query_one("#field-company").focus()  # leave the name untouched
        await pilot.pause()
        assert fields(db, pid)["name"] == "tab\there\nnew\nline"
        name.focus()
        name.value = "Tab Here"  # type: ignore[attr-defined]
        detail.query_one("#field-company").focus()
        await pilot.pause()
        assert fields(db, pid)["name"] == "Tab Here"


async def test_edit_a_field_in_the_card_detail(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        detail = await open_detail(pilot, app)
        phone = detail.query_one("#field-phone")
        phone.focus()
        phone.value = "13800138000"  # type: ignore[attr-defined]
        await pilot.press("tab")
        await pilot.pause()
        assert fields(db, ids["ann"])["phone"] == "13800138000"
        value = detail.query_one("#field-value")
        value.focus()
        value.value = "lots"  # type: ignore[attr-defined]
        await pilot.press("tab")
        await pilot.pause()
        assert "invalid amount" in str(detail.query_one("#err-value").render())
        assert value.value == "lots"  # type: ignore[attr-defined]
        await pilot.press("escape")  # first escape warns, keeps the screen
        await pilot.pause()
        assert app.screen is detail
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert fields(db, ids["ann"])["value"] == 0


async def test_winning_in_the_card_detail_clears_the_next_step_on_screen_too(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """Status → customer in the detail clears the next step (as W does); the next-step
    field shows that at once, so leaving it cannot write the old date back."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        detail = await open_detail(pilot, app)  # Overdue Ann, who has a next step
        next_date = detail.query_one("#field-next_date")
        assert next_date.value  # type: ignore[attr-defined]
        notes = detail.query_one("#field-notes")
        status = detail.query_one("#field-status")
        status.focus()
        status.value = "customer"  # type: ignore[attr-defined]
        next_date.focus()  # leaving Status saves it: a win asks the deal value first
        await pilot.pause()
        assert type(app.screen).__name__ == "WonScreen"
        await pilot.press("enter")  # the card's value
        await pilot.pause()
        assert fields(db, ids["ann"])["status"] == "customer"
        assert fields(db, ids["ann"])["stage"] == "customer"
        assert next_date.value == ""  # type: ignore[attr-defined]
        notes.focus()  # leaving the (now empty) next-step field saves nothing back
        await pilot.pause()
        assert fields(db, ids["ann"])["next_date"] is None
        assert detail.query_one("#field-stage").value == "customer"  # type: ignore[attr-defined]


async def test_detail_choices_take_a_unique_beginning_and_show_what_was_stored(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        detail = await open_detail(pilot, app, "j")  # Bob Fresh
        stage, status, next_date = (
            detail.query_one(f"#field-{name}") for name in ("stage", "status", "next_date")
        )
        stage.focus()
        stage.value = ""  # type: ignore[attr-defined]
        await pilot.press("i", "n")
        assert stage.value == "in"  # type: ignore[attr-defined]
        await pilot.press("t", "e", "r", "right")  # the suggestion is taken with →
        assert stage.value == "interested"  # type: ignore[attr-defined]
        status.focus()
        await pilot.pause()
        assert fields(db, ids["bob"])["stage"] == "interested"
        status.value = "l"  # type: ignore[attr-defined]
        next_date.focus()
        await pilot.pause()
        assert "live or lost" in str(detail.query_one("#err-status").render())
        assert status.value == "l"  # type: ignore[attr-defined]  (kept to correct)
        status.focus()
        status.value = "p"  # type: ignore[attr-defined]
        next_date.focus()
        await pilot.pause()
        assert fields(db, ids["bob"])["status"] == "parked"
        assert status.value == "parked"  # type: ignore[attr-defined]
        next_date.value = "fri"  # type: ignore[attr-defined]
        status.focus()
        await pilot.pause()
        assert fields(db, ids["bob"])["next_date"] == date(2026, 11, 20)
        assert next_date.value == "2026-11-20"  # type: ignore[attr-defined]


async def test_a_past_next_step_is_refused_in_the_detail_and_the_new_card_form(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """Overdue Ann's step is already past: leaving it untouched is fine, typing another
    past date is not (as in `d`, `t` and every command)."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        detail = await open_detail(pilot, app)
        next_date = detail.query_one("#field-next_date")
        next_date.focus()
        detail.query_one("#field-next_action").focus()  # untouched: no complaint
        await pilot.pause()
        assert not str(detail.query_one("#err-next_date").render())
        next_date.focus()
        next_date.value = "2025-01-01"  # type: ignore[attr-defined]
        detail.query_one("#field-next_action").focus()
        await pilot.pause()
        assert "cannot be in the past" in str(detail.query_one("#err-next_date").render())
        assert fields(db, ids["ann"])["next_date"] == TODAY - timedelta(days=2)
        next_date.value = ""  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        form = app.screen
        form.query_one("#f-name").value = "Past"  # type: ignore[attr-defined]
        form.query_one("#f-next_date").value = "2025-01-01"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert "cannot be in the past" in str(form.query_one("#e-next_date").render())
        assert store.list_cards(db, TODAY, search="Past") == []


def last_status_change(db: Database, pid: int) -> tuple[str, str | None, str]:
    with db.connect() as conn:
        row = conn.execute(
            "SELECT to_status, reason, reason_note FROM activity WHERE prospect_id = ? "
            "AND kind = 'status' ORDER BY id DESC LIMIT 1", (pid,)
        ).fetchone()
    return tuple(row)  # type: ignore[return-value]


async def test_drop_asks_why_and_escape_changes_nothing(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "x", "3", "escape")
        assert fields(db, ids["ann"])["status"] == "live"
        # What was typed comes back (the reason "3"); the words follow it.
        await burst(pilot, "x", "tab", *"went with Acme", "enter")
        assert fields(db, ids["ann"])["status"] == "dropped"
        assert last_status_change(db, ids["ann"]) == ("dropped", "competitor", "went with Acme")
        assert all(c.id != ids["ann"] for c in board(app).cards)
        await pilot.press("u")
        await pilot.pause()
        assert fields(db, ids["ann"])["status"] == "live"


async def test_next_date_key(app: SalesDeskApp, db: Database, ids: dict[str, int]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        app.screen.query_one("#f-next_date").value = "+3d"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert fields(db, ids["ann"])["next_date"] == TODAY + timedelta(days=3)


async def test_tab_in_the_small_forms_only_visits_their_fields(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """Exploratory test: a hidden focus stop after the last field swallowed what was typed
    next. Typing and tabbing round the `d` form fills its two fields, in order; tab from
    the last field reaches the kind line, a visible stop where letters pick a kind."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        form = app.screen
        await pilot.press("ctrl+u", "f", "r", "i", "tab", "ctrl+u", "c", "a", "l", "l", "tab")
        assert form.focused is form.query_one("#kind")  # the kind line, shown and said
        await pilot.press("tab")
        assert form.focused is form.query_one("#f-next_date")  # wrapped round
        assert form.query_one("#f-next_date").value == "fri"  # type: ignore[attr-defined]
        assert form.query_one("#f-next_action").value == "call"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert (fields(db, ids["ann"])["next_date"], fields(db, ids["ann"])["next_action"]) == (
            date(2026, 11, 20), "call")


async def test_a_card_moved_down_a_column_is_shown_whole(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """Regraded into a long column, the card is brought into view by whole cards: the
    column never starts with the cut-off tail of the card above."""
    for index in range(12):  # more urgent B cards than fit on the screen
        store.add_prospect(db, NOW, f"Busy {index}", grade="B",
                           next_date=TODAY - timedelta(days=3))
    for follow in ("follow", "stay"):  # selected there, or lit there
        store.set_setting(db, "after_regrade", follow)
        async with make_app(app.settings, db).run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("j", "b")  # Bob Fresh: A -> B, below the busy ones
            await pilot.pause()
            await pilot.pause()
            screen = pilot.app.screen
            assert isinstance(screen, BoardScreen)
            column = screen.columns[1]
            index = column.index_of(ids["bob"])
            assert index is not None
            lines, top = column.card_lines, column.scroll_offset.y
            assert top > 0 and top % lines == 0
            start = index * lines
            assert top <= start <= start + lines <= top + column.scrollable_content_region.height
            if follow == "follow":
                assert column.current is not None and column.current.name == "Bob Fresh"
            store.undo(db)


async def test_a_change_by_another_program_is_seen_before_a_key_acts(
    app: SalesDeskApp, db: Database, ids: dict[str, int], settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Exploratory test: after a restore from the shell, an id on the board was reused by
    a new card, and `c` on the stale card regraded the new one. Now the board notices the
    change, reloads, says so, and the key does nothing until pressed again. (On
    PostgreSQL the key's check asks the server, so a notification still on its way counts.)
    The idle timer is stopped: on a loaded machine it could catch the change first, and
    then the key rightly acts on the card as it now shows."""
    from tests.pg_fixtures import write_any

    monkeypatch.setattr(BoardScreen, "follow_changes", lambda self: None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert board(app).current is not None and board(app).current.id == ids["ann"]
        write_any(  # another program: the card is replaced
            settings.db_path,
            ("DELETE FROM activity WHERE prospect_id = ?", (ids["ann"],)),
            ("UPDATE prospect SET name = 'Real Person', grade = 'B' WHERE id = ?",
             (ids["ann"],)),
        )
        await pilot.press("c")
        await pilot.pause()
        assert fields(db, ids["ann"])["grade"] == "B"  # untouched
        assert "changed by another program" in " ".join(said(app))
        names = [c.name for c in board(app).cards]
        assert "Real Person" in names and "Overdue Ann" not in names
        current = board(app).current
        assert current is not None and current.name == "Real Person"  # shown as it now is
        await pilot.press("c")  # the board is up to date: now the key acts, knowingly
        await pilot.pause()
        assert (fields(db, ids["ann"])["name"], fields(db, ids["ann"])["grade"]) == (
            "Real Person", "C")


async def test_the_board_follows_changes_made_elsewhere(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        store.add_prospect(db, NOW, "From the shell", grade="A")  # as `salesdesk add` does
        board(app).follow_changes()  # what the timer runs every couple of seconds
        await pilot.pause()
        assert "From the shell" in [c.name for c in board(app).cards]
        assert header(app).startswith("A 3  B 1  C 0")
        # With a filter on, the header's counts (of every live card) follow too.
        await pilot.press("slash", *"Shell", "enter")
        await until(pilot, lambda: "filter: Shell" in header(app))
        assert [c.name for c in board(app).cards] == ["From the shell"]
        assert header(app).startswith("A 3  B 1  C 0")
        store.add_prospect(db, NOW, "Another", grade="A")
        board(app).follow_changes()
        await pilot.pause()
        assert header(app).startswith("A 4  B 1  C 0")  # every live card, not the 1 shown
        assert "filter: Shell 1 match" in header(app)


async def test_growing_the_terminal_keeps_whole_cards_at_the_top(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """Exploratory test: after a resize from small (compact cards) to large (full cards),
    columns started in the middle of a card."""
    for index in range(12):
        store.add_prospect(db, NOW, f"Busy {index}", grade="A",
                           next_date=TODAY - timedelta(days=3))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"jjjjjjjjj")  # down the column: it scrolls
        await pilot.pause()
        column = board(app).column
        assert column.compact and column.scroll_offset.y > 0
        top_card = column.scroll_offset.y // column.card_lines
        await pilot.resize_terminal(140, 45)
        await pilot.pause()
        await pilot.pause()
        assert not column.compact
        assert column.scroll_offset.y % column.card_lines == 0
        assert column.scroll_offset.y // column.card_lines <= top_card


async def test_closed_view_shows_customers(app: SalesDeskApp, ids: dict[str, int]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o")
        screen = board(app)
        assert [c.id for c in screen.columns[0].cards] == [ids["cara"]]
        await pilot.press("o")
        assert len(screen.cards) == 3


async def test_empty_board_explains_what_to_do(app: SalesDeskApp, db: Database) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        empty = app.screen.query_one("#empty")
        assert empty.display
        assert "Press  n" in str(empty.render())
        await pilot.press("D")
        await pilot.pause()
        assert store.count_prospects(db) == 120
        assert not empty.display


async def test_help_lists_every_described_binding(app: SalesDeskApp, ids: dict[str, int]) -> None:
    from salesdesk import keys

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        from rich.console import Console

        console = Console(record=True, width=100, file=open("/dev/null", "w"))  # noqa: SIM115
        for table in app.screen.tables:  # type: ignore[attr-defined]
            console.print(table)
        text = console.export_text()
        for binding in keys.BOARD:
            assert (binding.tooltip or binding.description) in text
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)


async def test_mouse_click_selects_and_double_click_opens(
    app: SalesDeskApp, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#col-1", offset=(5, 2))
        screen = board(app)
        assert screen.col == 1 and screen.current is not None
        assert screen.current.id == ids["wang"]
        await pilot.click("#col-1", offset=(5, 2), times=2)
        await pilot.pause()
        assert isinstance(app.screen, ProspectScreen)


async def test_board_mounts_a_fixed_number_of_widgets(settings: Settings, db: Database) -> None:
    from salesdesk.data.demo import fill_demo

    fill_demo(db, TODAY, 3000)
    async with make_app(settings, db).run_test(size=SIZE) as pilot:
        await pilot.pause()
        widgets = len(list(pilot.app.screen.walk_children()))
        assert widgets <= 40  # (the filter field and its "/" prompt among them)
        assert sum(len(c.cards) for c in board(pilot.app).columns) > 1000


TRICKY = [
    "[bold red]x[/]",
    "[/",
    "[link=http://x]y",
    "[@click=app.quit]",
    "\x1b[31mred\x1b[0m",
    "osc \x1b]8;;http://x\x1b\\link",
    "王伟 华信科技有限公司",
]


async def test_tricky_user_text_shows_literally_on_cards_and_detail(
    settings: Settings, db: Database
) -> None:
    long_note = "很长的备注" * 400  # 2,000 characters
    for index, name in enumerate(TRICKY):
        store.add_prospect(db, NOW, name, company=name, grade="ABC"[index % 3],
                           next_action=name, notes=long_note)
    app = make_app(settings, db)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        screen = board(app)
        drawn = "\n".join(
            column.render_line(y).text for column in screen.columns for y in range(40)
        )
        for plain in ("[bold red]x[/]", "[/", "[link=http://x]y", "[@click=app.quit]",
                      "[31mred[0m", "王伟"):
            assert plain in drawn
        assert "\x1b" not in drawn
        for _ in range(len(screen.columns[0].cards)):
            detail = await open_detail(pilot, app)
            title = str(detail.query_one("#detail-title").render())
            assert detail.detail is not None
            shown = detail.detail["name"].replace("\x1b", "")
            assert shown in title or shown[:20] in title
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("j")


async def test_header_counts_stay_right_while_filtered(
    app: SalesDeskApp, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = board(app)
        assert header(app).startswith("A 2  B 1  C 0")
        await pilot.press("slash", *"Bob", "enter")
        await until(pilot, lambda: "filter: Bob" in header(app))
        assert [c.id for c in screen.cards] == [ids["bob"]]
        await pilot.press("c")
        await pilot.pause()
        assert header(app).startswith("A 1  B 1  C 1")
        await pilot.press("escape")
        await pilot.pause()
        assert header(app).startswith("A 1  B 1  C 1")
