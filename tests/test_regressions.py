"""Regression tests for defects found in review: each failed before its fix."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesdesk.app import make_app
from salesdesk.cli.main import app as cli_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database, open_database
from salesdesk.data.io.batches import undo_import
from salesdesk.data.io.importer import ImportOptions, run_import
from salesdesk.errors import InputError
from salesdesk.rules.dates import parse_date
from salesdesk.screens.board import BoardScreen
from tests.conftest import NOW, TODAY, notes
from tests.test_db import make_v1_database


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text("name,phone\nAlice,13800000001\nBob,13800000002\n", encoding="utf-8")
    return path


def test_undo_entries_written_by_schema_1_still_undo_after_the_upgrade(db_path: Path) -> None:
    make_v1_database(db_path, names=("Alice",))
    conn = sqlite3.connect(db_path)
    before = dict(
        zip(
            [d[1] for d in conn.execute("PRAGMA table_info(prospect)")],
            conn.execute("SELECT * FROM prospect WHERE id = 1").fetchone(),
            strict=True,
        )
    )
    conn.execute("UPDATE prospect SET grade = 'A' WHERE id = 1")
    conn.execute(
        "INSERT INTO activity (prospect_id, kind, at, note, outcome, from_grade, "
        "to_grade) VALUES (1, 'grade', '2026-11-18 09:00:00.000000', '', '', 'C', 'A')"
    )
    data = {"prospects": {"1": before}, "activities": [1]}
    conn.execute(
        "INSERT INTO journal (at, label, data) VALUES (?, ?, ?)",
        ("2026-11-18 09:00:00.000000", "regrade Alice C→A", json.dumps(data)),
    )
    conn.commit()
    conn.close()
    database = open_database(db_path)  # upgrades to schema 2
    try:
        result = store.undo(database)
        assert result is not None and result.label == "regrade Alice C→A"
        detail = store.get_prospect(database, 1, TODAY)
        assert detail["grade"] == "C" and detail.activities == ()
    finally:
        database.close()


def test_undo_import_forgets_later_changes_to_its_cards(db: Database, tmp_path: Path) -> None:
    keep = store.add_prospect(db, NOW, "Zed")
    result = run_import(db, _csv(tmp_path), NOW, ImportOptions())
    alice = next(c.id for c in store.list_cards(db, TODAY, search="Alice"))
    store.log_touch(db, NOW, alice, "call", "hi")
    undo_import(db, result.batch)
    # The logged call was about a removed card: undo must not bring Alice back...
    undone = store.undo(db)
    assert undone is not None and undone.label.startswith("add Zed")
    assert [c.name for c in store.list_cards(db, TODAY)] == []
    assert keep not in [c.id for c in store.list_cards(db, TODAY)]


def test_undoing_an_import_forgets_its_batch(db: Database, tmp_path: Path) -> None:
    run_import(db, _csv(tmp_path), NOW, ImportOptions())
    assert store.count_prospects(db) == 2
    store.undo(db)
    assert store.count_prospects(db) == 0
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM importbatch").fetchone()[0] == 0


def test_paths_with_uri_characters_work(tmp_path: Path) -> None:
    folder = tmp_path / "we#1 ?%"
    db_path = folder / "x.db"
    database = open_database(db_path)
    store.add_prospect(database, NOW, "Alice")
    database.close()
    assert not (tmp_path / "we").exists()
    runner = CliRunner()
    out = folder / "backup.db"
    result = runner.invoke(cli_app, ["backup", "--db", str(db_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(out)
    assert conn.execute("SELECT name FROM prospect").fetchall() == [("Alice",)]
    conn.close()
    result = runner.invoke(cli_app, ["export", "--db", str(db_path), "--format", "json"])
    assert result.exit_code == 0 and "Alice" in result.output


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "1899-12-31"])
def test_dates_outside_the_supported_years_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="year"):
        parse_date(text, TODAY)


@pytest.mark.parametrize(
    "args", [("plan", "--week", "9999-12-31"), ("review", "--week", "0001-01-01")]
)
def test_far_dates_give_one_line(db_path: Path, args: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli_app, [*args, "--db", str(db_path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


async def test_opening_a_card_removed_meanwhile_does_not_crash(
    settings: Settings, db: Database
) -> None:
    store.add_prospect(db, NOW, "Keep", grade="A", next_date=TODAY - timedelta(days=1))
    store.add_prospect(db, NOW, "Gone", grade="A")
    app = make_app(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        await pilot.press("j")
        assert screen.current is not None and screen.current.name == "Gone"
        store.undo(db)  # another terminal undoes "add Gone"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert [c.name for c in screen.cards] == ["Keep"]


@pytest.mark.parametrize(
    "args",
    [
        ("export", "--out", "~nosuchuser/x.csv"),
        ("import", "~nosuchuser/x.csv"),
        ("backup", "--out", "~nosuchuser/"),
        ("plan", "--ics", "~nosuchuser/x.ics"),
    ],
)
def test_unknown_home_folder_is_one_line(
    db_path: Path, db: Database, args: tuple[str, ...]
) -> None:
    store.add_prospect(db, NOW, "Alice")
    result = CliRunner().invoke(cli_app, [*args, "--db", str(db_path)])
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert "unknown home folder" in result.output


def test_markdown_report_is_private(db_path: Path, db: Database, tmp_path: Path) -> None:
    import stat

    store.add_prospect(db, NOW, "Alice")
    target = tmp_path / "review.md"
    result = CliRunner().invoke(
        cli_app, ["review", "--markdown", str(target), "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".review.md.*"))


def test_usage_mistakes_are_one_line_from_the_real_command(db_path: Path) -> None:
    import subprocess
    import sys

    for args in (["grade", "abc", "A"], ["show", "-1"], ["nosuch"]):
        result = subprocess.run(
            [sys.executable, "-m", "salesdesk", *args, "--db", str(db_path)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 2, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stderr.startswith("salesdesk: ")


@pytest.mark.parametrize(
    "args",
    [
        ("next", "1", "yesterday"),
        ("log", "1", "--note", "hi", "--next", "yesterday"),
        ("add", "X", "--next", "2020-01-01"),
    ],
)
def test_next_steps_cannot_be_in_the_past(
    db_path: Path, db: Database, args: tuple[str, ...]
) -> None:
    store.add_prospect(db, NOW, "Alice")
    result = CliRunner().invoke(cli_app, [*args, "--db", str(db_path)])
    assert result.exit_code == 2 and "cannot be in the past" in result.output


async def test_detail_undo_only_undoes_edits_of_this_card(
    settings: Settings, db: Database
) -> None:
    """Exploratory test: ctrl+u in a field (clear the line, in every terminal) undid the
    last change anywhere, deleting the card that had just been added. Now ctrl+u edits the
    field, and ctrl+z undoes only an edit of the card on screen."""
    from salesdesk.screens.prospect import ProspectScreen

    card = store.add_prospect(db, NOW, "Alice", phone="123", grade="A")
    app = make_app(settings, db)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, ProspectScreen)
        phone = detail.query_one("#field-phone")
        phone.focus()
        await pilot.press("end", "ctrl+u")  # clears the text typed so far, as in a shell
        assert phone.value == ""  # type: ignore[attr-defined]
        await pilot.press(*"456", "ctrl+z")  # the last change is the card's creation
        await pilot.pause()
        assert store.count_prospects(db) == 1
        assert "added this card" in str(notes(app))
        detail.query_one("#field-company").focus()  # leaving Phone saves it
        await pilot.pause()
        assert store.get_prospect(db, card, TODAY)["phone"] == "456"
        await pilot.press("ctrl+z")  # an edit of this card: undone
        await pilot.pause()
        assert store.get_prospect(db, card, TODAY)["phone"] == "123"
        assert phone.value == "123"  # type: ignore[attr-defined]
        other = store.add_prospect(db, NOW, "Bob")
        await pilot.press("ctrl+z")  # another card's change is not undone from here
        await pilot.pause()
        assert store.get_card(db, other, TODAY).name == "Bob"
        assert "not to this card" in str(notes(app))


def test_never_touched_cards_say_so(db: Database) -> None:
    from salesdesk.render.cards import render_card

    card = store.get_card(db, store.add_prospect(db, NOW - timedelta(days=30), "New"), TODAY)
    text = "\n".join(
        line.plain
        for line in render_card(card, 40, TODAY, compact=True, selected=False, active=False)
    )
    assert "never touched" in text
    labels = [label for label, _ in card.urgency.breakdown()]
    assert "30d since added, never touched" in labels


async def test_next_date_form_replaces_the_old_date_when_typing(
    settings: Settings, db: Database
) -> None:
    card = store.add_prospect(db, NOW, "Alice", grade="A", next_date=TODAY + timedelta(days=5))
    app = make_app(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"tomorrow", "enter")
        await pilot.pause()
    assert store.get_prospect(db, card, TODAY)["next_date"] == TODAY + timedelta(days=1)


def test_a_visit_still_ahead_cannot_be_missed(db: Database) -> None:
    from salesdesk.data import visits

    card = store.add_prospect(db, NOW, "Alice")
    ahead = visits.plan_visit(db, NOW, card, TODAY + timedelta(days=2))
    with pytest.raises(InputError, match="still ahead"):
        visits.mark_missed(db, NOW, ahead)
    today_visit = visits.plan_visit(db, NOW, card, TODAY)
    visits.mark_missed(db, NOW, today_visit)


async def test_won_with_an_empty_value_keeps_the_estimate(settings: Settings, db: Database) -> None:
    card = store.add_prospect(db, NOW, "Alice", grade="A", value=5000)
    app = make_app(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("W")
        await pilot.pause()
        app.screen.query_one("#f-value").value = ""  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
    fields = store.get_prospect(db, card, TODAY).fields
    assert fields["status"] == "customer" and fields["value"] == 5000


def test_plan_accepts_the_review_week_words(db_path: Path, db: Database) -> None:
    result = CliRunner().invoke(cli_app, ["plan", "--week", "last", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "Week 46" in result.output  # NOW is in week 47


async def test_a_key_typed_right_after_quit_opens_nothing(
    settings: Settings, db: Database
) -> None:
    """Exploratory test: typing "question_mark" fast quit on `q`, then `t` mounted the touch
    form into the closing app, which crashed with a traceback. Once quitting, no screen
    opens."""
    from salesdesk.screens.board import BoardScreen

    store.add_prospect(db, NOW, "Alice", grade="A")
    app = make_app(settings, db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        app.exit()
        board.action_log_touch()  # the `t` that came in the same burst as `q`
        assert app.screen is board
    assert app.return_code == 0
