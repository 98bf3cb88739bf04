"""Pilot tests of the import screen: open it from the board, preview (writes nothing), import,
options, errors shown inline; and snapshots at 80x24 and 140x45."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Static

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.screens.board import BoardScreen
from salesdesk.screens.import_file import ImportScreen

from .conftest import NOW, TODAY, notes, ready

SIZE = (120, 40)
CONTACTS = (
    "姓名,公司,手机,金额,等级,传真\n"
    "王伟,华信科技,138 0013 8000,3万,A,021-1\n"
    "[bold]Not bold[/],Acme,13900000002,12k,b,\n"
    "Bad Value,Nowhere,,abc,,\n"
    "李娜,金桥物流,+86 139 0000 0001,,C,\n"
)


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


@pytest.fixture
def contacts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "contacts.csv"
    path.write_text(CONTACTS, encoding="gbk")
    return path


def names(db: Database) -> list[str]:
    return sorted(c.name for c in store.list_cards(db, TODAY))


def report(app: SalesDeskApp) -> str:
    return str(app.screen.query_one("#import-report-text", Static).render())


def message(app: SalesDeskApp) -> str:
    return str(app.screen.query_one("#import-message", Static).render())


async def settle(app: SalesDeskApp, pilot: Pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_import(app: SalesDeskApp, pilot: Pilot, path: str) -> ImportScreen:
    await pilot.pause()
    await pilot.press("i")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ImportScreen)
    screen.query_one("#import-path", Input).value = path
    await pilot.press("enter")
    await settle(app, pilot)
    return screen


async def test_preview_then_import(app: SalesDeskApp, db: Database, contacts: Path) -> None:
    store.add_prospect(db, NOW, "李娜", phone="13900000001")  # a duplicate by phone
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_import(app, pilot, "contacts.csv")
        text = report(app)
        assert "Would create 2, update 0, skip 1 duplicate, 1 row with errors" in text
        assert "Errors (1 row)" in text and "row 4, 金额: invalid amount 'abc'" in text
        assert "same phone and a similar name as #1 李娜" in text
        assert "[bold]Not bold[/]" in text  # user text shown literally
        assert "传真 → more phones (fax)" in text  # kept as a further phone, never the main
        assert names(db) == ["李娜"]  # the preview wrote nothing
        # Errors block the import until "skip rows with errors" is ticked.
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "with errors" in message(app) and names(db) == ["李娜"]
        screen.query_one("#import-skip-errors", Checkbox).value = True
        await settle(app, pilot)  # a changed option previews again
        assert "press ctrl+s to import" in message(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Imported: created 2" in message(app)
        assert names(db) == ["[bold]Not bold[/]", "李娜", "王伟"]
        await pilot.press("escape")
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert "王伟" in [c.name for column in board.columns for c in column.cards]


async def test_duplicate_mode_update_and_keep_extra(
    app: SalesDeskApp, db: Database, contacts: Path
) -> None:
    lina = store.add_prospect(db, NOW, "李娜", phone="13900000001", grade="B")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_import(app, pilot, "contacts.csv")
        screen.query_one("#import-skip-errors", Checkbox).value = True
        screen.query_one("#import-keep-extra", Checkbox).value = True
        await settle(app, pilot)
        await pilot.click("#import-dup-update")
        await settle(app, pilot)
        assert "update 1" in report(app) and "传真 → more phones (fax)" in report(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    wang = next(c for c in store.list_cards(db, TODAY) if c.name == "王伟")
    assert store.get_prospect(db, wang.id, TODAY)["notes"] == ""
    with db.connect() as conn:
        fax = conn.execute("SELECT kind, label, value FROM contact_point WHERE prospect_id = ?",
                           (wang.id,)).fetchall()
    assert fax == [("phone", "fax", "021-1")]
    assert store.get_prospect(db, lina, TODAY)["grade"] == "C"


async def test_bad_paths_show_an_inline_message(app: SalesDeskApp, tmp_path: Path) -> None:
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\x00\x00" * 100)
    async with app.run_test(size=SIZE) as pilot:
        await open_import(app, pilot, str(tmp_path / "missing.csv"))
        assert "no file" in message(app)
        app.screen.query_one("#import-path", Input).value = str(binary)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "binary file" in message(app)
        app.screen.query_one("#import-path", Input).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Type the path" in message(app)
        assert isinstance(app.screen, ImportScreen)


async def test_import_is_in_the_palette(app: SalesDeskApp, contacts: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        commands = list(app.get_system_commands(app.screen))
        found = [c for c in commands if c.title.startswith("Import contacts")]
        assert found
        found[0].callback()
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        assert app.screen.focused is app.screen.query_one("#import-path", Input)


async def test_confirm_needs_a_current_preview(
    app: SalesDeskApp, db: Database, contacts: Path, tmp_path: Path
) -> None:
    (tmp_path / "ok.csv").write_text("Name\nAnn\nBob\n", encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await open_import(app, pilot, "contacts.csv")
        app.screen.query_one("#import-path", Input).value = "ok.csv"
        await pilot.press("ctrl+s")  # the path changed: preview first, do not import
        await settle(app, pilot)
        assert names(db) == [] and "press ctrl+s to import" in message(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert names(db) == ["Ann", "Bob"]


async def test_escape_stops_a_running_import(
    app: SalesDeskApp, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from salesdesk.data.io import importer

    monkeypatch.chdir(tmp_path)
    lines = "".join(f"Person {i}\n" for i in range(9_000))
    (tmp_path / "many.csv").write_text("Name\n" + lines, encoding="utf-8")
    real = importer.run_import
    gate = threading.Event()

    def slow(*args: Any, progress: Any = None, **kwargs: Any) -> importer.ImportResult:
        options = args[3]

        def held(done: int, total: int) -> None:
            progress(done, total)
            if not options.dry_run:
                gate.wait(5)  # hold the import mid-file until escape was pressed

        return real(*args, progress=held, **kwargs)

    monkeypatch.setattr(importer, "run_import", slow)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_import(app, pilot, "many.csv")
        assert "Would create 9,000" in report(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen) and app.screen.busy
        await pilot.press("escape")
        for _ in range(40):  # keys go one at a time: on a loaded machine, a moment later
            await pilot.pause(0.05)
            if "Stopping" in message(app):
                break
        assert "Stopping" in message(app)
        gate.set()
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        said = notes(app)
        assert "Import stopped: nothing was written." in said  # said on the board
    assert store.count_prospects(db) == 0


# --------------------------------------------------------------------------- snapshots


async def _previewed(pilot: Pilot) -> None:
    await ready(pilot)
    await pilot.press("i")
    await ready(pilot)
    await pilot.press(*"contacts.csv", "enter")
    await ready(pilot)


def test_import_screen_80x24(  # type: ignore[no-untyped-def]
    snap_compare, settings: Settings, db: Database, contacts: Path
) -> None:
    store.add_prospect(db, NOW, "李娜", phone="13900000001")
    assert snap_compare(make_app(settings, db), terminal_size=(80, 24), run_before=_previewed)


def test_import_screen_140x45(  # type: ignore[no-untyped-def]
    snap_compare, settings: Settings, db: Database, contacts: Path
) -> None:
    store.add_prospect(db, NOW, "李娜", phone="13900000001")
    assert snap_compare(make_app(settings, db), terminal_size=(140, 45), run_before=_previewed)


async def test_columns_the_importer_does_not_know_can_be_mapped_on_the_screen(
    app: SalesDeskApp, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exploratory test: a file with German headers could only be mapped with --map on the
    command line. The screen has a Columns field taking the same COLUMN=FIELD pairs."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "de.csv").write_text("Kontakt,Betrieb,Funk,Fax\nJonas,Acme,0170 1234,0301\n",
                                     encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_import(app, pilot, "de.csv")
        assert "in Columns, as COLUMN=name" in message(app)
        field = screen.query_one("#import-map", Input)
        field.value = "Kontakt=name, Betrieb=company, Funk=phone, Fax=nonsense"
        field.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert "unknown field 'nonsense'" in message(app)  # said inline, kept to correct
        field.value = "Kontakt=name, Betrieb=company, Funk=phone, Fax=ignore, locale=eu"
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Would create 1" in report(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    jonas = store.list_cards(db, TODAY, search="Jonas")
    assert [(c.name, c.company) for c in jonas] == [("Jonas", "Acme")]
