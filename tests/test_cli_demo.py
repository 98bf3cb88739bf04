"""``--demo`` works with every command, before or after the command's name, and never
touches the real database (issue 12: ``salesdesk --demo list`` read the real one)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner, Result

from salesdesk.cli.common import demo_first
from salesdesk.cli.main import app
from salesdesk.config import default_db_path, demo_db_path

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Traceback" not in result.output
    return result.stdout


def dump() -> str:
    """The demo database's whole content, to see whether a command wrote to it."""
    conn = sqlite3.connect(demo_db_path())
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


@pytest.fixture
def ids(tmp_path: Path) -> dict[str, str]:
    """Fill the demo database (the first --demo command does) and pick what the commands
    need: a live card, a visit, an import batch, a backup file, a file to import."""
    cards = json.loads(ok(run("--demo", "list", "--json")))
    visits = json.loads(ok(run("--demo", "plan", "--json")))
    planned = [v for d in visits["days"] for v in d["visits"] if v["status"] == "planned"]
    csv = tmp_path / "new.csv"
    csv.write_text("name,phone\nDemo Import,555\n", encoding="utf-8")
    ok(run("--demo", "import", str(csv)))
    later = tmp_path / "later.csv"
    later.write_text("name,phone\nAnother Import,556\n", encoding="utf-8")
    backup = tmp_path / "copy.db"
    ok(run("--demo", "backup", "--out", str(backup)))
    return {
        "card": str(cards[0]["id"]),
        "other": str(cards[1]["id"]),
        "third": str(cards[2]["id"]),
        "visit": str(planned[0]["id"]),
        "visit2": str(planned[1]["id"]),
        "visit3": str(planned[2]["id"]),
        "csv": str(later),
        "backup": str(backup),
        "out": str(tmp_path / "out.csv"),
    }


#: Every command, with arguments that work on the demo data; True: it writes.
COMMANDS: list[tuple[list[str], bool]] = [
    (["list"], False),
    (["show", "{card}"], False),
    (["add", "Demo Newcomer", "--grade", "B"], True),
    (["grade", "{card}", "C"], True),
    (["log", "{card}", "--kind", "call", "--note", "rang"], True),
    (["next", "{card}", "fri"], True),
    (["won", "{card}", "--value", "5k"], True),
    (["reopen", "{card}"], True),
    (["park", "{card}"], True),
    (["drop", "{other}"], True),
    (["lost", "{card}"], True),
    (["undo"], True),
    (["redo"], True),
    (["undo", "--list"], False),
    (["config"], False),
    (["config", "pool_target", "61"], True),
    (["export", "--out", "{out}"], False),
    (["import", "{csv}"], True),
    (["undo-import", "last"], True),
    (["backup", "--out", "{out}.bak"], False),
    (["man", "{card}", "--money", "yes"], True),
    (["complaint", "{card}", "delivered late", "--channel", "phone"], True),
    (["complaint", "{card}", "--answer"], True),
    (["complaints"], False),
    (["plan"], False),
    (["visit", "{other}", "fri"], True),
    (["reschedule", "{visit}", "sat"], True),
    (["visited", "{visit}", "--note", "went well"], True),
    (["missed", "{visit2}"], True),
    (["unplan", "{visit3}"], True),
    (["review"], False),
    (["duplicates"], False),
    (["merge", "{other}", "{third}"], True),
    (["restore", "{backup}", "--yes"], True),
    (["demo", "--force", "--prospects", "30"], True),
    (["today"], False),
]


#: Commands this file cannot run to the end: ``serve`` runs until stopped (that it passes
#: --demo on to the board is tests/test_serve.py's test_served_command_keeps_the_database);
#: ``team``, ``db``, ``checkout``, ``checkin`` and ``conflicts`` need a PostgreSQL server
#: (tests/test_team.py, tests/test_sync.py).
NOT_RUN_HERE = {"serve", "team", "db", "checkout", "checkin", "conflicts"}


def test_every_command_is_covered() -> None:
    group = get_command(app)
    names = set(getattr(group, "commands", {}))
    assert names == {args[0] for args, _ in COMMANDS} | NOT_RUN_HERE


@pytest.mark.parametrize("where", ["before", "after"])
def test_demo_works_with_every_command(ids: dict[str, str], where: str) -> None:
    for template, writes in COMMANDS:
        args = [part.format(**ids) for part in template]
        line = ["--demo", *args] if where == "before" else [*args, "--demo"]
        before = dump()
        out = ok(run(*line))
        assert (dump() != before) == writes, (line, out)
        assert not default_db_path().exists(), f"{line} touched the real database"
    assert "Demo Newcomer" not in ok(run("--demo", "list", "--search", "Newcomer"))  # replaced


def test_demo_reads_the_demo_cards_not_an_empty_real_book() -> None:
    out = ok(run("list", "--demo"))
    assert "No prospects match" not in out
    assert len(out.splitlines()) > 10
    ok(run("add", "Real Person", "--grade", "A"))  # without --demo: the real database
    assert "Real Person" not in ok(run("list", "--demo", "--search", "Real"))
    assert "Real Person" in ok(run("list", "--search", "Real"))


def test_demo_stays_a_value_where_an_option_takes_one() -> None:
    ok(run("--demo", "list"))
    cards = json.loads(ok(run("--demo", "list", "--json")))
    card = str(cards[0]["id"])
    ok(run("log", card, "--kind", "note", "--note", "--demo", "--demo"))
    shown = ok(run("show", card, "--demo"))
    assert "--demo" in shown  # the note is the text "--demo"; the second one chose the db
    assert not default_db_path().exists()


def test_demo_first_moves_only_the_flag() -> None:
    group = get_command(app)
    assert demo_first(["list", "--demo"], group) == ["--demo", "list"]  # type: ignore[arg-type]
    assert demo_first(["--db", "x", "list"], group) == ["--db", "x", "list"]  # type: ignore[arg-type]
    assert demo_first(["log", "3", "--note", "--demo"], group) == [  # type: ignore[arg-type]
        "log", "3", "--note", "--demo",
    ]
    assert demo_first(["add", "--", "--demo"], group) == ["add", "--", "--demo"]  # type: ignore[arg-type]


def test_chinese_and_english_dates_on_the_command_line(db_path: Path) -> None:
    """Every date the CLI takes accepts the friendly forms, and the confirmation names the
    day it turned out to be (today is Wednesday 18 November 2026)."""
    pid = ok(run("--db", str(db_path), "add", "王伟", "--next", "下周五")).strip()
    shown = json.loads(ok(run("--db", str(db_path), "list", "--json")))
    assert shown[0]["next_date"] == "2026-11-27"
    out = ok(run("--db", str(db_path), "next", pid, "12月5日"))
    assert out.strip() == f"{pid}: next step Sat 5 Dec (2026-12-05) · call"
    out = ok(run("--db", str(db_path), "next", pid, "next fri"))
    assert out.strip() == f"{pid}: next step Fri 27 Nov (2026-11-27) · call"
    out = ok(run("--db", str(db_path), "log", pid, "--note", "rang", "--next", "dec 5"))
    assert out.strip().endswith("next step Sat 5 Dec (2026-12-05)")
    visit = ok(run("--db", str(db_path), "visit", pid, "周五")).strip()
    out = ok(run("--db", str(db_path), "reschedule", visit, "5 dec"))
    assert out.strip() == f"{visit}: Sat 5 Dec (2026-12-05)"
