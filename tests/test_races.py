"""Two programs on one book (issue 15): the board's undo never reverses another program's
change unasked, the card detail follows outside changes and never saves over one, a
restore is not silently undone, and a full disk leaves the board up (two connections:
the app's Database and ``other``, as another terminal would be)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, Static, TextArea
from typer.testing import CliRunner

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.cli.main import app as cli_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database, open_database
from salesdesk.data.io.importer import ImportOptions, run_import
from salesdesk.screens.board import BoardScreen
from salesdesk.screens.confirm import ConfirmScreen
from salesdesk.screens.prospect import ProspectScreen
from tests.conftest import NOW, TODAY, burst, notes, said
from tests.faults import inject_disk_full

SIZE = (120, 40)


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    return {
        "ann": store.add_prospect(db, NOW, "Ann", grade="A",
                                  next_date=TODAY - timedelta(days=1)),
        "bob": store.add_prospect(db, NOW, "Bob", grade="B"),
    }


@pytest.fixture
def app(settings: Settings, db: Database, ids: dict[str, int]) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


@pytest.fixture
def other(db_path: Path, db: Database) -> Iterator[Database]:
    """Another program's connection to the same file (a second terminal)."""
    database = open_database(db_path)
    yield database
    database.close()


def grade(db: Database, prospect_id: int) -> str:
    return str(store.get_prospect(db, prospect_id, TODAY).fields["grade"])


def imported(other: Database, tmp_path: Path, rows: int = 3) -> None:
    source = tmp_path / "more.csv"
    source.write_text("name\n" + "".join(f"Imported {n}\n" for n in range(rows)))
    run_import(other, source, NOW, ImportOptions())


# --------------------------------------------------------------------------- undo


async def test_u_undoes_this_boards_own_change_at_once(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "c", "u")  # Ann A -> C, and back
        assert not isinstance(app.screen, ConfirmScreen)
        assert grade(db, ids["ann"]) == "A"


async def test_u_asks_before_undoing_another_programs_import(
    app: SalesDeskApp, db: Database, other: Database, ids: dict[str, int], tmp_path: Path
) -> None:
    """The reported case: the rep regrades, another terminal imports rows, the rep presses
    u. It used to remove the whole import without a word."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "c")  # Ann A -> C on this board
        imported(other, tmp_path)
        await burst(pilot, "u")
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one(".dialog-title", Static).render())
        assert "import more.csv" in question
        assert "another program" in question and "import of 3 cards" in question
        await burst(pilot, "n")  # no: nothing undone
        assert store.count_prospects(db) == 5 and grade(db, ids["ann"]) == "C"
        await burst(pilot, "u", "y")  # yes: the import goes, the regrade stays
        assert store.count_prospects(db) == 2 and grade(db, ids["ann"]) == "C"
        await burst(pilot, "u")  # this board's own regrade: at once
        assert grade(db, ids["ann"]) == "A"


async def test_u_names_another_programs_single_change(
    app: SalesDeskApp, db: Database, other: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        store.regrade(other, NOW, ids["bob"], "A")
        await burst(pilot, "u")
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one(".dialog-title", Static).render())
        assert "regrade" in question.lower() or "Bob" in question
        assert "another program" in question
        await burst(pilot, "y")
        assert grade(db, ids["bob"]) == "B"


async def test_the_boards_own_import_is_asked_about_too(
    app: SalesDeskApp, db: Database, tmp_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        imported(db, tmp_path, rows=2)  # as the import screen does, on the app's Database
        await burst(pilot, "u")
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one(".dialog-title", Static).render())
        assert "import of 2 cards" in question and "another program" not in question
        await burst(pilot, "escape")
        assert store.count_prospects(db) == 4


async def test_a_change_that_came_in_while_asking_is_not_undone(
    app: SalesDeskApp, db: Database, other: Database, ids: dict[str, int], tmp_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        imported(other, tmp_path)
        await burst(pilot, "u")
        assert isinstance(app.screen, ConfirmScreen)
        store.regrade(other, NOW, ids["bob"], "C")  # meanwhile, in the other terminal
        await burst(pilot, "y")
        assert grade(db, ids["bob"]) == "C" and store.count_prospects(db) == 5


# --------------------------------------------------------------------------- detail


async def open_ann(pilot: object, app: SalesDeskApp) -> ProspectScreen:
    await burst(pilot, "enter")  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, ProspectScreen)
    return screen


async def test_the_detail_follows_outside_changes(
    app: SalesDeskApp, other: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_ann(pilot, app)
        store.update_fields(other, NOW, ids["ann"], {"notes": "appended by an import",
                                                      "company": "Acme"})
        screen.follow_changes()  # (the timer's tick, every two seconds)
        await pilot.pause()
        assert screen.query_one("#field-notes", TextArea).text == "appended by an import"
        assert screen.query_one("#field-company", Input).value == "Acme"


async def test_a_stale_field_is_not_saved_over_another_programs_change(
    app: SalesDeskApp, db: Database, other: Database, ids: dict[str, int]
) -> None:
    """The detail was read before another program wrote the field: leaving the field
    refuses the save (the other program's value stays) and says so; saving again is the
    rep's explicit choice and replaces it."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_ann(pilot, app)
        store.update_fields(other, NOW, ids["ann"], {"name": "Ann Other"})  # unseen yet
        await burst(pilot, *"Ann Mine"[3:])  # types " Mine" after "Ann"
        await burst(pilot, "tab")  # leaves the field: a save
        assert store.get_prospect(db, ids["ann"], TODAY).fields["name"] == "Ann Other"
        error = str(screen.query_one("#err-name", Static).render())
        assert "another program" in error and "Ann Other" in error
        assert screen.query_one("#field-name", Input).value == "Ann Mine"  # typing kept
        assert screen.save_field("name")  # the second save replaces it
        assert store.get_prospect(db, ids["ann"], TODAY).fields["name"] == "Ann Mine"


async def test_typing_is_kept_when_the_field_changes_underneath(
    app: SalesDeskApp, db: Database, other: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_ann(pilot, app)
        await burst(pilot, *"xy")
        store.update_fields(other, NOW, ids["ann"], {"name": "Anna"})
        screen.follow_changes()
        await pilot.pause()
        assert screen.query_one("#field-name", Input).value == "Annxy"
        assert "Anna" in str(screen.query_one("#err-name", Static).render())
        assert store.get_prospect(db, ids["ann"], TODAY).fields["name"] == "Anna"


# --------------------------------------------------------------------------- restore


def test_the_first_undo_after_a_restore_says_so(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "sales.db"

    def sd(*args: str) -> object:
        return runner.invoke(cli_app, ["--db", str(path), *args])

    assert sd("add", "Kept").exit_code == 0
    assert sd("grade", "1", "a").exit_code == 0
    backup = tmp_path / "copy.db"
    assert sd("backup", "--out", str(backup)).exit_code == 0
    assert sd("add", "After the backup").exit_code == 0
    assert sd("restore", str(backup), "--yes").exit_code == 0
    first = sd("undo")
    assert first.exit_code == 2  # type: ignore[attr-defined]
    line = first.stderr.strip()  # type: ignore[attr-defined]
    assert "restore" in line and "before-restore" in line and "\n" not in line
    conn = open_database(path)
    try:
        assert grade(conn, 1) == "A"  # the restored book is untouched
    finally:
        conn.close()
    second = sd("undo")  # asked again: undo goes into the restored book
    assert second.exit_code == 0 and "grade" in second.stdout  # type: ignore[attr-defined]


async def test_the_board_says_a_restore_is_not_undone(
    settings: Settings, db: Database, db_path: Path, tmp_path: Path
) -> None:
    from salesdesk.data.backup import backup_database, restore_database

    store.add_prospect(db, NOW, "Kept", grade="B")
    store.regrade(db, NOW, 1, "A")
    copy = backup_database(db_path, tmp_path / "copy.db")
    restore_database(db_path, copy, NOW)
    app = make_app(settings, db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await burst(pilot, "u")
        assert any("restore" in n and "before-restore" in n for n in said(app))
        assert grade(db, 1) == "A"


# --------------------------------------------------------------------------- full disk


async def test_a_full_disk_on_the_board_is_an_inline_message(
    app: SalesDeskApp, db: Database, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        inject_disk_full(monkeypatch)
        db.close()  # new connections from here on: every write fails as on a full disk
        await burst(pilot, "c")
        assert any("disk space" in n for n in said(app))
        assert app.is_running and isinstance(app.screen, BoardScreen)
        monkeypatch.undo()
        assert grade(db, ids["ann"]) == "A"  # nothing half-written


async def test_a_filter_over_the_limit_is_an_inline_message(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        screen.view.filter_text = "x" * 20_001  # a paste
        screen.load()
        await pilot.pause()
        assert any("too long" in n for n in said(app))
        assert app.is_running and isinstance(app.screen, BoardScreen)


def test_bidi_controls_never_reach_the_board() -> None:
    from salesdesk.render.literal import literal, literal_line

    for text in (literal("Invoice \u202egnp.exe"), literal_line("a\u2066b\u2069c\u202a")):
        assert not any(ch in text.plain for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2069")


async def test_u_in_the_visit_plan_leaves_another_programs_import_to_the_board(
    app: SalesDeskApp, db: Database, other: Database, tmp_path: Path
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await burst(pilot, "v")
        assert not isinstance(app.screen, BoardScreen)
        imported(other, tmp_path)
        await burst(pilot, "u")
        assert store.count_prospects(db) == 5  # not undone from here
        assert any("undo it on the board" in n for n in notes(app))
