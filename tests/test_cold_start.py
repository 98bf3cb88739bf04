"""A cold start imports only what the board needs: heavy, rarely used modules stay out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from salesdesk.config import Settings
from salesdesk.data.db import Database

RARELY_USED = (
    "icalendar", "vobject", "salesdesk.data.demo", "rich.progress", "sqlite_utils",
    "salesdesk.data.migrate_v3",  # only when an old file is upgraded
)


def test_cold_start_does_not_import_rarely_used_modules() -> None:
    code = (
        "import sys, json\n"
        "import salesdesk.cli.main, salesdesk.app, salesdesk.screens.board\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    loaded = set(json.loads(result.stdout))
    assert "salesdesk.screens.board" in loaded  # the probe itself worked
    for module in RARELY_USED:
        assert module not in loaded, f"{module} is imported at start"


def test_opening_the_board_does_not_load_the_command_line() -> None:
    """Bare `salesdesk` goes straight to the board: no Typer, no command modules."""
    code = (
        "import sys, json\n"
        "import salesdesk.launch, salesdesk.app, salesdesk.screens.board, salesdesk.data.backup\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    loaded = set(json.loads(result.stdout))
    assert "typer" not in loaded and "salesdesk.cli.main" not in loaded
    # The ORM classes are only needed to create a database; the board reads plain rows
    # over the standard sqlite3 driver, so not even SQLAlchemy's core is loaded.
    assert "sqlmodel" not in loaded and "salesdesk.models" not in loaded
    assert "sqlalchemy" not in loaded
    assert not any(name.startswith("salesdesk.cli") for name in loaded)


def test_board_arguments_are_recognised() -> None:
    from salesdesk.launch import board_args

    assert board_args([]) == (None, False, False)
    assert board_args(["--demo"]) == (None, True, False)
    assert board_args(["--db", "x.db"]) == ("x.db", False, False)
    assert board_args(["--db", "x.db", "--create"]) == ("x.db", False, True)
    assert board_args(["--db=x.db", "--demo"]) == ("x.db", True, False)
    for other in (["list"], ["--help"], ["--db"], ["--db", "x.db", "show", "1"]):
        assert board_args(other) is None


def test_a_bad_database_is_one_line_from_the_board_path(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "salesdesk", "--db", str(bad)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"salesdesk: {bad} is not a SalesDesk database (not an SQLite file)"]
    assert bad.read_text(encoding="utf-8") == "not a database\n"


def test_every_documented_way_of_opening_the_board_opens_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`salesdesk`, `salesdesk --db PATH`, `salesdesk --demo`: launch opens the board itself
    (the command line, which never imports the TUI, is not involved)."""
    import salesdesk.launch as launch

    opened: list[tuple[Path | None, bool]] = []
    monkeypatch.setattr(launch, "open_board", lambda db, demo, create: opened.append((db, demo)))
    for argv in ([], ["--db", "sales.db"], ["--demo"], ["--db=~/sales.db", "--demo"]):
        monkeypatch.setattr(sys, "argv", ["salesdesk", *argv])
        launch.main()
    assert opened == [
        (None, False),
        (Path("sales.db"), False),
        (None, True),
        (Path("~/sales.db").expanduser(), True),
    ]


def test_salesdesk_db_names_the_boards_database(tmp_path: Path) -> None:
    """`SALESDESK_DB=... salesdesk` opens that file (here not a database: one line, exit 2)."""
    bad = tmp_path / "from-env.txt"
    bad.write_text("not a database\n", encoding="utf-8")
    env = {**os.environ, "SALESDESK_DB": str(bad)}
    result = subprocess.run([sys.executable, "-m", "salesdesk"], capture_output=True,
                            text=True, env=env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"salesdesk: {bad} is not a SalesDesk database (not an SQLite file)"]


def test_the_command_line_without_a_command_lists_the_commands() -> None:
    """Called without a command from Python, the CLI does not open the TUI: it lists the
    commands and says how the board opens."""
    from typer.testing import CliRunner

    from salesdesk.cli.main import app

    result = CliRunner().invoke(app, [])
    assert result.exit_code == 0
    assert "list" in result.stdout and "import" in result.stdout
    assert "Run salesdesk with no command" in result.stdout


BOARD_START = r"""
import json, sys
sys.argv = ["salesdesk", "--db", sys.argv[1]]
import salesdesk.app as appmod

async def auto(pilot):
    # (the board is the first screen: its cards are there once it has mounted)
    while not (pilot.app.screen.is_mounted and getattr(pilot.app.screen, "cards", None)):
        await pilot.pause()
    await pilot.pause()
    print(json.dumps(sorted(sys.modules)))
    pilot.app.exit()

run = appmod.SalesDeskApp.run
appmod.SalesDeskApp.run = lambda self, **kw: run(
    self, headless=True, auto_pilot=auto, size=(140, 45))
import salesdesk.launch
salesdesk.launch.main()
"""
#: Screens the board opens only when asked: none of them is imported at start.
OTHER_SCREENS = ("prospect", "man_check", "help", "visit_plan", "weekly_review", "today",
                 "import_file", "complaints", "conflicts")
#: Data and rule modules a first frame never reads (the commands and the journal they
#: write, undo and redo, the MAN check, the day rules of a key, the pinyin key of a written
#: card): the store, the writers and the key refresh import them when used.
NOT_BEFORE_USE = ("salesdesk.data.card_changes", "salesdesk.data.journal",
                  "salesdesk.data.journal_undo", "salesdesk.data.undo_next",
                  "salesdesk.data.redo", "salesdesk.data.man", "salesdesk.rules.key_days",
                  "salesdesk.rules.planning", "salesdesk.rules.pinyin")


def test_a_real_board_start_loads_only_the_board(tmp_path: Path) -> None:
    """`salesdesk --db FILE` up to the first frame with a card: no other screen, no command
    line, no ORM, and not importlib.metadata (textual.__version__ would load it)."""
    from salesdesk.data import board_view, store
    from salesdesk.data.db import open_database
    from tests.conftest import NOW

    path = tmp_path / "one.db"
    database = open_database(path)
    store.add_prospect(database, NOW, "Wang Wei")
    # Keys valid at NOW (the child's clock): a start like every one but a day's first,
    # which rescores cards and so loads the day rules too.
    board_view.refresh_keys(database, NOW)
    database.close()
    result = subprocess.run([sys.executable, "-c", BOARD_START, str(path)],
                            capture_output=True, text=True, check=True, timeout=120)
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "salesdesk.screens.board" in loaded  # the probe itself worked
    for name in OTHER_SCREENS:
        assert f"salesdesk.screens.{name}" not in loaded, f"screens.{name} is imported"
    for heavy in ("importlib.metadata", "typer", "sqlmodel", "sqlalchemy", "salesdesk.models",
                  *RARELY_USED, *NOT_BEFORE_USE):
        assert heavy not in loaded, f"{heavy} is imported by a board start"
    assert not any(name.startswith("salesdesk.cli") for name in loaded)


WARM_START = BOARD_START.replace(
    "    await pilot.pause()\n    print(json.dumps(sorted(sys.modules)))",
    "    import gc\n"
    "    from salesdesk.app import WARM_MODULES\n"
    "    for _ in range(400):  # the warm-up thread, soon after the first frame\n"
    "        if all(name in sys.modules for name in WARM_MODULES) and gc.get_freeze_count():\n"
    "            break\n"
    "        await pilot.pause(0.025)\n"
    "    print(json.dumps({'modules': sorted(sys.modules), 'frozen': gc.get_freeze_count()}))",
)


def test_everyday_keys_modules_are_imported_and_the_start_frozen_soon_after_the_first_frame(
    tmp_path: Path,
) -> None:
    """The first regrade, undo, card detail, touch, next step and MAN check do not wait
    for their imports (they are not imported before the first frame: the test above)."""
    from salesdesk.app import WARM_MODULES
    from salesdesk.data import store
    from salesdesk.data.db import open_database
    from tests.conftest import NOW

    assert WARM_START != BOARD_START
    path = tmp_path / "one.db"
    database = open_database(path)
    store.add_prospect(database, NOW, "Wang Wei")
    database.close()
    result = subprocess.run([sys.executable, "-c", WARM_START, str(path)],
                            capture_output=True, text=True, check=True, timeout=120)
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert not [name for name in WARM_MODULES if name not in found["modules"]]
    # The start's objects are then out of the collector's view: a full collection no
    # longer walks them all inside a key.
    assert found["frozen"] > 10_000


async def test_the_board_is_the_first_screen(settings: Settings, db: Database) -> None:
    """No empty default screen beneath the board: its styles, toast rack and tooltip were
    made at each start for nothing, and the switch to the board applied every style again."""
    from salesdesk.app import make_app
    from salesdesk.screens.board import BoardScreen
    from tests.conftest import ready

    app = make_app(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert [type(screen) for screen in app.screen_stack] == [BoardScreen]
