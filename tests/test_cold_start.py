"""A cold start imports only what the board needs: heavy, rarely used modules stay out."""

from __future__ import annotations

import json
import subprocess
import sys

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
    from pathlib import Path

    from salesdesk.launch import _board_args

    assert _board_args([]) == (None, False)
    assert _board_args(["--demo"]) == (None, True)
    assert _board_args(["--db", "x.db"]) == (Path("x.db"), False)
    assert _board_args(["--db=x.db", "--demo"]) == (Path("x.db"), True)
    for other in (["list"], ["--help"], ["--db"], ["--db", "x.db", "show", "1"]):
        assert _board_args(other) is None


def test_a_bad_database_is_one_line_from_the_board_path(tmp_path: object) -> None:
    from pathlib import Path

    bad = Path(str(tmp_path)) / "notes.txt"
    bad.write_text("not a database\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "salesdesk", "--db", str(bad)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"salesdesk: {bad} is not a SalesDesk database (not an SQLite file)"]
    assert bad.read_text(encoding="utf-8") == "not a database\n"
