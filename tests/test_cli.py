"""Tests for the Typer command line (salesdesk.cli.main), run in-process with CliRunner."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from salesdesk.cli.main import app
from salesdesk.data.db import SCHEMA_VERSION, open_database

from .conftest import TODAY

runner = CliRunner()
WIDE = {"COLUMNS": "220", "LINES": "50"}


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """No forced colours: the output must be plain text here."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


# --------------------------------------------------------------------------- helpers


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, list(args), env=env)


def sd(db: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """``salesdesk --db DB ARGS...``"""
    return run("--db", str(db), *args, env=env)


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.exception is None
    assert "Traceback" not in result.output
    return result.stdout


def assert_clean_failure(result: Result, code: int | None = None) -> str:
    """A non-zero exit, one clear line on stderr, nothing on stdout, no traceback."""
    assert result.exit_code != 0, result.output
    if code is not None:
        assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("salesdesk: "), lines[0]
    assert result.stdout == ""
    assert "\x1b" not in result.output
    return lines[0]


def add(db: Path, name: str, *options: str, env: dict[str, str] | None = None) -> int:
    out = ok(sd(db, "add", name, *options, env=env))
    return int(out.strip())


def cards(db: Path, *options: str) -> list[dict[str, Any]]:
    out = ok(sd(db, "list", "--json", *options))
    data = json.loads(out)
    assert isinstance(data, list)
    return data


def card(db: Path, prospect_id: int) -> dict[str, Any]:
    found = [c for c in cards(db, "--status", "all") if c["id"] == prospect_id]
    assert len(found) == 1, f"no card {prospect_id}"
    return found[0]


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def prospect_count(db: Path) -> int:
    return int(query(db, "SELECT count(*) FROM prospect")[0][0])


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


# --------------------------------------------------------------------------- --db and env


def test_db_option_before_and_after_the_command(db_path: Path) -> None:
    out = ok(run("--db", str(db_path), "add", "Alice"))
    assert out.strip() == "1"
    assert db_path.is_file()
    out = ok(run("list", "--db", str(db_path)))
    assert "Alice" in out
    out = ok(run("add", "Bob", "--db", str(db_path)))
    assert out.strip() == "2"
    out = ok(run("--db", str(db_path), "list"))
    assert "Alice" in out and "Bob" in out


def test_command_db_option_wins_over_the_global_one(tmp_path: Path) -> None:
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    add(one, "In one")
    add(two, "In two")
    out = ok(run("--db", str(one), "list", "--db", str(two)))
    assert "In two" in out and "In one" not in out


def test_salesdesk_db_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_db = tmp_path / "env" / "from-env.db"
    monkeypatch.setenv("SALESDESK_DB", str(env_db))
    assert ok(run("add", "Env person")).strip() == "1"
    assert env_db.is_file()
    assert "Env person" in ok(run("list"))
    assert [c["name"] for c in cards(env_db)] == ["Env person"]
    # --db still wins over the variable.
    other = tmp_path / "other.db"
    add(other, "Other person")
    assert "Env person" not in ok(run("list", "--db", str(other)))


def test_default_database_lives_in_the_user_data_folder(isolated_home: Path) -> None:
    assert ok(run("add", "Home person")).strip() == "1"
    path = isolated_home / ".local" / "share" / "salesdesk" / "salesdesk.db"
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "args",
    [["list"], ["show", "1"], ["grade", "1", "A"], ["undo"], ["export"], ["plan"], ["review"],
     ["man", "1"], ["backup"]],
)
def test_a_mistyped_database_path_is_an_error_not_a_new_database(
    tmp_path: Path, args: list[str]
) -> None:
    typo = tmp_path / "sales-typo.db"
    line = assert_clean_failure(sd(typo, *args), 2)
    assert line.startswith(f"salesdesk: no database at {typo}"), line
    assert not typo.exists()
    line = assert_clean_failure(run(*args, env={"SALESDESK_DB": str(typo)}), 2)
    assert "no database at" in line and not typo.exists()


def test_commands_that_add_data_create_a_named_database(tmp_path: Path) -> None:
    assert add(tmp_path / "new.db", "Alice") == 1
    assert_clean_failure(sd(tmp_path / "config.db", "config"), 2)  # only shows: no file
    assert_clean_failure(sd(tmp_path / "config.db", "config", "pool_target"), 2)
    assert not (tmp_path / "config.db").exists()
    ok(sd(tmp_path / "config.db", "config", "pool_target", "40"))
    assert (tmp_path / "config.db").is_file()


def test_the_message_says_how_to_start(tmp_path: Path) -> None:
    line = assert_clean_failure(sd(tmp_path / "typo.db", "list"), 2)
    assert line.endswith("check the path (add, demo or import creates one there)")


def test_the_default_database_needs_no_setup(isolated_home: Path) -> None:
    """A first `salesdesk list` on a new machine explains, rather than failing."""
    assert "salesdesk add" in ok(run("list"))


# --------------------------------------------------------------------------- add / list / show


def test_add_prints_the_new_id(db_path: Path) -> None:
    assert add(db_path, "Alice") == 1
    assert add(db_path, "Bob") == 2
    assert add(db_path, "Carla") == 3


def test_add_with_every_option(db_path: Path) -> None:
    pid = add(
        db_path,
        "  Alice Smith  ",
        "--company",
        "Acme Supplies",
        "--phone",
        "555-0100",
        "--email",
        "alice@example.com",
        "--area",
        "Riverside",
        "--grade",
        "b",
        "--value",
        "12k",
        "--next",
        "fri",
        "--action",
        "send quote",
    )
    data = card(db_path, pid)
    assert data["name"] == "Alice Smith"
    assert data["company"] == "Acme Supplies"
    assert data["grade"] == "B"
    assert data["status"] == "live"
    assert data["next_date"] == "2026-11-20"  # the Friday after Wednesday 18 November
    assert data["next_action"] == "send quote"
    assert data["value"] == 12_000
    assert data["area"] == "Riverside"

    out = ok(sd(db_path, "list"))
    assert "Alice Smith" in out and "Acme Supplies" in out and "12k" in out

    out = ok(sd(db_path, "show", str(pid)))
    for text in (
        "Alice Smith",
        "Acme Supplies",
        "555-0100",
        "alice@example.com",
        "Riverside",
        "2026-11-20",
        "send quote",
        "12000",
        "Timeline",
    ):
        assert text in out, text


def test_list_json_shape(db_path: Path) -> None:
    add(db_path, "Alice", "--next", "2026-12-01")
    add(db_path, "Bob")
    data = cards(db_path)
    assert len(data) == 2
    for item in data:
        assert {"id", "name", "company", "grade", "status", "next_date", "review_due"} <= set(item)
        assert isinstance(item["id"], int)
        assert isinstance(item["review_due"], bool)
        assert item["grade"] in ("A", "B", "C")
        assert item["status"] == "live"
    by_name = {item["name"]: item for item in data}
    assert by_name["Alice"]["next_date"] == "2026-12-01"
    assert by_name["Bob"]["next_date"] is None


@pytest.mark.usefixtures("db")  # a named --db must exist for this command
def test_list_json_on_an_empty_database(db_path: Path) -> None:
    assert cards(db_path) == []


@pytest.mark.usefixtures("db")  # a named --db must exist for this command
def test_list_on_an_empty_database_says_how_to_add(db_path: Path) -> None:
    out = ok(sd(db_path, "list"))
    assert "salesdesk add" in out


def test_review_due_is_true_for_a_card_not_looked_at_for_a_month(db_path: Path) -> None:
    add(db_path, "Old card", env={"SALESDESK_NOW": "2026-10-01T09:00"})
    add(db_path, "New card")
    by_name = {c["name"]: c for c in cards(db_path)}
    assert by_name["Old card"]["review_due"] is True
    assert by_name["New card"]["review_due"] is False


def test_list_is_in_urgency_order(db_path: Path) -> None:
    add(db_path, "Aaron Fresh")
    # Planned back on 1 Nov for the 10th: overdue now (a next step is never set in the past).
    add(
        db_path,
        "Zed Late",
        "--next",
        "2026-11-10",
        "--action",
        "call back",
        env={"SALESDESK_NOW": "2026-11-01T09:00"},
    )
    assert [c["name"] for c in cards(db_path)] == ["Zed Late", "Aaron Fresh"]
    data = cards(db_path)
    assert data[0]["overdue"] is True and data[1]["overdue"] is False
    assert data[0]["urgency"] > data[1]["urgency"]
    out = ok(sd(db_path, "list"))
    assert out.index("Zed Late") < out.index("Aaron Fresh")
    zed_line = next(line for line in out.splitlines() if "Zed Late" in line)
    assert "!" in zed_line  # the overdue mark
    assert "! overdue" in out  # and the legend explaining it


def test_list_grade_filter(db_path: Path) -> None:
    add(db_path, "Alpha", "--grade", "A")
    add(db_path, "Bravo", "--grade", "B")
    add(db_path, "Charlie")
    assert [c["name"] for c in cards(db_path, "--grade", "a")] == ["Alpha"]
    assert [c["name"] for c in cards(db_path, "--grade", "B")] == ["Bravo"]
    out = ok(sd(db_path, "list", "--grade", "C"))
    assert "Charlie" in out and "Alpha" not in out and "Bravo" not in out


def test_list_status_filter(db_path: Path) -> None:
    live = add(db_path, "Live one")
    won = add(db_path, "Won one")
    dropped = add(db_path, "Dropped one")
    ok(sd(db_path, "won", str(won)))
    ok(sd(db_path, "drop", str(dropped)))
    assert [c["id"] for c in cards(db_path)] == [live]
    assert [c["id"] for c in cards(db_path, "--status", "live")] == [live]
    customers = cards(db_path, "--status", "customer")
    assert [c["id"] for c in customers] == [won]
    assert customers[0]["status"] == "customer"
    assert [c["id"] for c in cards(db_path, "--status", "dropped")] == [dropped]
    assert sorted(c["id"] for c in cards(db_path, "--status", "ALL")) == [live, won, dropped]
    out = ok(sd(db_path, "list", "--status", "all"))
    assert "Live one" in out and "Won one" in out and "Dropped one" in out


def test_list_due_filter(db_path: Path) -> None:
    add(db_path, "Fresh")
    add(db_path, "Overdue", "--next", "2026-11-10", env={"SALESDESK_NOW": "2026-11-01T09:00"})
    add(db_path, "Stale", env={"SALESDESK_NOW": "2026-10-01T09:00"})
    assert sorted(c["name"] for c in cards(db_path, "--due")) == ["Overdue", "Stale"]
    out = ok(sd(db_path, "list", "--due"))
    assert "Fresh" not in out


def test_list_search(db_path: Path) -> None:
    add(db_path, "王伟", "--company", "华信科技有限公司", "--area", "浦东")
    add(db_path, "Alice", "--company", "Acme Supplies")
    add(db_path, "100% Pure")
    add(db_path, "Bob_Jones")
    assert [c["name"] for c in cards(db_path, "--search", "王")] == ["王伟"]
    assert [c["name"] for c in cards(db_path, "--search", "华信")] == ["王伟"]
    assert [c["name"] for c in cards(db_path, "--search", "浦东")] == ["王伟"]
    assert [c["name"] for c in cards(db_path, "--search", "acme")] == ["Alice"]
    assert [c["name"] for c in cards(db_path, "--search", "ALICE")] == ["Alice"]
    # LIKE wildcards are searched for literally.
    assert [c["name"] for c in cards(db_path, "--search", "%")] == ["100% Pure"]
    assert [c["name"] for c in cards(db_path, "--search", "_")] == ["Bob_Jones"]
    assert cards(db_path, "--search", "李") == []
    out = ok(sd(db_path, "list", "--search", "王"))
    assert "王伟" in out and "Alice" not in out


def test_show_prints_fields_and_timeline(db_path: Path) -> None:
    pid = add(db_path, "Alice", "--company", "Acme", "--phone", "555-0100")
    out = ok(sd(db_path, "show", str(pid)))
    assert f"#{pid}" in out
    assert "Alice" in out and "Acme" in out and "555-0100" in out
    assert "Timeline" in out and "nothing logged yet" in out
    ok(
        sd(
            db_path,
            "log",
            str(pid),
            "--kind",
            "visit",
            "--note",
            "Talked about pricing",
            "--outcome",
            "wants a quote",
        )
    )
    out = ok(sd(db_path, "show", str(pid)))
    assert "Talked about pricing" in out
    assert "wants a quote" in out
    assert "visit" in out
    assert "2026-11-18 09:00" in out
    assert "Urgency" in out


# --------------------------------------------------------------------------- changes


def test_grade_moves_card_and_logs_a_grade_change(db_path: Path) -> None:
    pid = add(db_path, "Alice")
    out = ok(sd(db_path, "grade", str(pid), "a"))
    assert out.strip() == f"{pid}: C → A"
    assert card(db_path, pid)["grade"] == "A"
    assert [c["name"] for c in cards(db_path, "--grade", "A")] == ["Alice"]
    show = ok(sd(db_path, "show", str(pid)))
    assert "grade" in show and "C → A" in show
    kinds = query(db_path, "SELECT kind, from_grade, to_grade FROM activity")
    assert kinds == [("grade", "C", "A")]
    out = ok(sd(db_path, "grade", str(pid), "A"))
    assert "kept A" in out


def test_log_sets_the_next_step(db_path: Path) -> None:
    pid = add(db_path, "Alice")
    out = ok(
        sd(
            db_path,
            "log",
            str(pid),
            "--kind",
            "call",
            "--note",
            "Left a message",
            "--next",
            "+3d",
            "--action",
            "call again",
        )
    )
    # the confirmation names the day +3d turned out to be
    assert out.strip() == f"{pid}: logged call · next step Sat 21 Nov (2026-11-21)"
    data = card(db_path, pid)
    assert data["next_date"] == "2026-11-21"
    assert data["next_action"] == "call again"
    assert data["last_touch"] == TODAY.isoformat()
    notes = query(db_path, f"SELECT kind, note FROM activity WHERE prospect_id={pid}")
    assert notes == [("call", "Left a message")]


def test_log_kind_is_case_insensitive(db_path: Path) -> None:
    pid = add(db_path, "Alice")
    assert "logged visit" in ok(sd(db_path, "log", str(pid), "--kind", "Visit"))


def test_next_sets_and_clears(db_path: Path) -> None:
    pid = add(db_path, "Alice", "--next", "tomorrow", "--action", "call")
    assert card(db_path, pid)["next_date"] == "2026-11-19"
    out = ok(sd(db_path, "next", str(pid), "2026-12-01", "--action", "visit"))
    assert "2026-12-01" in out
    data = card(db_path, pid)
    assert data["next_date"] == "2026-12-01" and data["next_action"] == "visit"
    out = ok(sd(db_path, "next", str(pid), "none"))
    assert "cleared" in out
    assert card(db_path, pid)["next_date"] is None


def test_won_makes_a_customer(db_path: Path) -> None:
    pid = add(db_path, "Alice", "--next", "fri")
    out = ok(sd(db_path, "won", str(pid), "--value", "5000"))
    assert out.strip() == f"{pid}: won (5,000)"
    data = card(db_path, pid)
    assert data["status"] == "customer"
    assert data["value"] == 5000
    assert data["next_date"] is None
    assert cards(db_path) == []
    assert [c["id"] for c in cards(db_path, "--status", "customer")] == [pid]


def test_drop_park_reopen(db_path: Path) -> None:
    pid = add(db_path, "Alice")
    assert "dropped" in ok(sd(db_path, "drop", str(pid)))
    assert card(db_path, pid)["status"] == "dropped"
    assert "parked" in ok(sd(db_path, "park", str(pid)))
    assert card(db_path, pid)["status"] == "parked"
    assert cards(db_path) == []
    assert "live again" in ok(sd(db_path, "reopen", str(pid)))
    assert card(db_path, pid)["status"] == "live"
    assert [c["id"] for c in cards(db_path)] == [pid]
    assert "lost" in ok(sd(db_path, "lost", str(pid)))
    assert card(db_path, pid)["status"] == "lost"


def test_undo_reverses_changes_one_by_one(db_path: Path) -> None:
    pid = add(db_path, "Alice")
    ok(sd(db_path, "grade", str(pid), "A"))
    ok(sd(db_path, "log", str(pid), "--note", "hello", "--next", "+3d", "--action", "X"))
    ok(sd(db_path, "drop", str(pid)))

    out = ok(sd(db_path, "undo"))
    assert out.startswith("undone: ") and "Alice" in out
    assert card(db_path, pid)["status"] == "live"

    ok(sd(db_path, "undo"))
    data = card(db_path, pid)
    assert data["next_date"] is None and data["next_action"] == "" and data["last_touch"] is None
    assert query(db_path, "SELECT count(*) FROM activity WHERE kind = 'call'") == [(0,)]

    ok(sd(db_path, "undo"))
    assert card(db_path, pid)["grade"] == "C"

    ok(sd(db_path, "undo"))
    assert cards(db_path, "--status", "all") == []
    assert_clean_failure(sd(db_path, "show", str(pid)), 2)

    result = sd(db_path, "undo")
    line = assert_clean_failure(result)
    assert "nothing to undo" in line
    result = sd(db_path, "undo")
    assert "nothing to undo" in assert_clean_failure(result)


@pytest.mark.usefixtures("db")  # a named --db must exist for this command
def test_undo_on_a_new_database(db_path: Path) -> None:
    assert "nothing to undo" in assert_clean_failure(sd(db_path, "undo"))


@pytest.mark.usefixtures("db")  # a named --db must exist for this command
def test_failed_commands_leave_nothing_to_undo(db_path: Path) -> None:
    assert_clean_failure(sd(db_path, "grade", "99", "A"))
    assert_clean_failure(sd(db_path, "add", "X", "--grade", "Q"))
    assert_clean_failure(sd(db_path, "log", "99", "--note", "x"))
    assert "nothing to undo" in assert_clean_failure(sd(db_path, "undo"))
    assert cards(db_path, "--status", "all") == []


# --------------------------------------------------------------------------- demo and config


def test_demo_fills_refuses_then_force_replaces(db_path: Path) -> None:
    out = ok(sd(db_path, "demo", "--prospects", "200"))
    assert "200" in out
    assert prospect_count(db_path) == 200
    before = query(db_path, "SELECT * FROM prospect ORDER BY id")
    before_acts = query(db_path, "SELECT count(*) FROM activity")

    line = assert_clean_failure(sd(db_path, "demo", "--prospects", "200"))
    assert "--force" in line
    assert query(db_path, "SELECT * FROM prospect ORDER BY id") == before
    assert query(db_path, "SELECT count(*) FROM activity") == before_acts

    out = ok(sd(db_path, "demo", "--prospects", "50", "--force"))
    assert "backup" in out
    assert prospect_count(db_path) == 50
    backups = list(db_path.parent.glob(f"{db_path.name}.before-demo-*.bak"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    assert prospect_count(backups[0]) == 200


def test_demo_data_mixes_grades_statuses_and_chinese(db_path: Path) -> None:
    ok(sd(db_path, "demo", "--prospects", "200"))
    data = cards(db_path, "--status", "all")
    assert len(data) == 200
    assert {c["grade"] for c in data} == {"A", "B", "C"}
    assert len({c["status"] for c in data}) > 1
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in c["name"]) for c in data)


@pytest.mark.usefixtures("db")  # a named --db must exist to show its settings
def test_config_pool_target_persists(db_path: Path) -> None:
    assert "pool_target = 50" in ok(sd(db_path, "config"))
    assert ok(sd(db_path, "config", "pool_target", "60")).strip() == "pool_target = 60"
    assert ok(sd(db_path, "config", "pool_target")).strip() == "pool_target = 60"
    out = ok(sd(db_path, "config"))
    assert "pool_target = 60" in out
    assert str(db_path) in out


@pytest.mark.parametrize("bad", ["abc", "0", "1.5", "", "999999999", "²", "五"])
def test_config_rejects_bad_pool_target(db_path: Path, bad: str) -> None:
    ok(sd(db_path, "config", "pool_target", "60"))
    assert_clean_failure(sd(db_path, "config", "pool_target", bad), 2)
    assert ok(sd(db_path, "config", "pool_target")).strip() == "pool_target = 60"


def test_config_rejects_unknown_key(db_path: Path) -> None:
    line = assert_clean_failure(sd(db_path, "config", "nonsense", "1"), 2)
    assert "pool_target" in line


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "args",
    [
        ["show", "99"],
        ["grade", "99", "A"],
        ["log", "99", "--kind", "call", "--note", "x"],
        ["won", "99"],
        ["drop", "99"],
        ["park", "99"],
        ["reopen", "99"],
        ["next", "99", "fri"],
    ],
    ids=lambda a: a[0],
)
def test_unknown_id(db_path: Path, args: list[str]) -> None:
    """Refused input: exit 2, one line naming the id and where ids are shown."""
    add(db_path, "Alice")
    line = assert_clean_failure(sd(db_path, *args), 2)
    assert "no card with id 99: salesdesk list shows the ids" in line


@pytest.mark.parametrize(
    "args",
    [
        ["show", "99999999999999999999"],
        ["grade", "99999999999999999999", "A"],
        ["won", "99999999999999999999"],
        ["next", "99999999999999999999", "none"],
    ],
    ids=lambda a: a[0],
)
def test_id_too_large_for_sqlite(db_path: Path, args: list[str]) -> None:
    add(db_path, "Alice")
    assert_clean_failure(sd(db_path, *args))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["add", "X", "--next", "blah"], "date"),
        (["log", "1", "--next", "blah"], "date"),
        (["next", "1", "31/02"], "date"),
        (["next", "1", "2026-02-31"], "date"),
        (["grade", "1", "Z"], "grade"),
        (["grade", "1", ""], "grade"),
        (["add", "X", "--grade", "Q"], "grade"),
        (["list", "--grade", "D"], "grade"),
        (["add", "X", "--value", "abc"], "amount"),
        (["add", "X", "--value", "-5"], "amount"),
        (["add", "X", "--value", "nan"], "amount"),
        (["add", "X", "--value", "1e999"], "amount"),
        (["add", "X", "--value", "12kk"], "amount"),
        (["won", "1", "--value", "abc"], "amount"),
        (["log", "1", "--kind", "fax"], "kind"),
        (["list", "--status", "bogus"], "status"),
        (["add", ""], "name"),
        (["add", "   "], "name"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_bad_input(db_path: Path, args: list[str], words: str) -> None:
    pid = add(db_path, "Alice", "--next", "fri")
    before = cards(db_path, "--status", "all")
    line = assert_clean_failure(sd(db_path, *args), 2)
    assert words in line.lower()
    assert cards(db_path, "--status", "all") == before
    assert card(db_path, pid)["next_date"] == "2026-11-20"


def test_bad_input_is_echoed_literally(db_path: Path) -> None:
    add(db_path, "Alice")
    line = assert_clean_failure(sd(db_path, "grade", "1", "[bold red]Z[/]\x1b[2J"), 2)
    assert "[bold red]Z[/]" in line
    line = assert_clean_failure(sd(db_path, "next", "1", "[/"), 2)
    assert "[/" in line


def test_bad_clock_environment(db_path: Path) -> None:
    assert_clean_failure(sd(db_path, "add", "X", env={"SALESDESK_NOW": "yesterday-ish"}), 2)


# --------------------------------------------------------------------------- database problems


def write_text_file(path: Path) -> None:
    path.write_text("name,phone\nBob,555-0100\n" * 40, encoding="utf-8")


def write_newer(path: Path) -> None:
    database = open_database(path)
    database.close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


def write_foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("INSERT INTO recipes (title) VALUES ('soup')")
    conn.commit()
    conn.close()


BAD_FILES: dict[str, Callable[[Path], None]] = {
    "text": write_text_file,
    "newer": write_newer,
    "foreign": write_foreign,
}
COMMANDS = [
    ["list"],
    ["list", "--json"],
    ["add", "X"],
    ["show", "1"],
    ["grade", "1", "A"],
    ["undo"],
    ["config"],
    ["config", "pool_target", "60"],
    ["demo", "--prospects", "5"],
]


@pytest.mark.parametrize("kind", list(BAD_FILES))
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_bad_database_file(db_path: Path, kind: str, args: list[str]) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    BAD_FILES[kind](db_path)
    before = snapshot(db_path)
    result = sd(db_path, *args)
    assert_clean_failure(result, 2)
    assert snapshot(db_path) == before


def test_bad_database_messages(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    write_text_file(db_path)
    assert "not a SalesDesk database" in assert_clean_failure(sd(db_path, "list"), 2)
    db_path.unlink()
    write_newer(db_path)
    assert "newer" in assert_clean_failure(sd(db_path, "list"), 2)
    for sibling in db_path.parent.iterdir():
        sibling.unlink()
    write_foreign(db_path)
    assert "not a SalesDesk database" in assert_clean_failure(sd(db_path, "list"), 2)


def test_locked_database(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program holds the write lock: one line, not a traceback (busy timeout shortened
    so the test stays fast)."""
    import salesdesk.data.db as dbmod

    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 20)
    add(db_path, "Alice")
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO setting (key, value) VALUES ('lock', 'held')")
        assert_clean_failure(sd(db_path, "add", "Bob"), 2)
        assert_clean_failure(sd(db_path, "grade", "1", "A"), 2)
        # Reading still works while another program writes (WAL).
        assert [c["name"] for c in cards(db_path)] == ["Alice"]
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert add(db_path, "Bob") == 2


def test_db_path_whose_parent_is_a_file(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("just a file\n")
    before = snapshot(afile)
    assert_clean_failure(sd(afile / "s.db", "add", "X"), 2)
    assert_clean_failure(sd(afile / "s.db", "list"), 2)
    assert snapshot(afile) == before


def test_db_path_is_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "folder.db"
    folder.mkdir()
    assert "folder" in assert_clean_failure(sd(folder, "list"), 2)


def test_db_path_under_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    os.chmod(folder, 0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user (root?) that can write into read-only folders")
        assert_clean_failure(sd(folder / "s.db", "add", "X"), 2)
        assert_clean_failure(sd(folder / "sub" / "s.db", "list"), 2)
        assert not list(folder.iterdir())
    finally:
        os.chmod(folder, 0o700)


# --------------------------------------------------------------------------- literal text

MARKUP_NAMES = [
    "[bold red]x[/]",
    "[/",
    "[link=http://x]y",
    "[@click=app.quit]",
    "[red]王伟[/red]",
    "a [b] c \\[d]",
]
CONTROL_NAMES = {
    "\x1b[31mred\x1b[0m": "red",
    "\x1b]8;;http://x\x1b\\osc": "osc",
    "\x9b31mcsi": "csi",
    "bell\x07name": "bellname",
}


def test_user_text_is_shown_literally(db_path: Path) -> None:
    ids: dict[str, int] = {}
    for name in [*MARKUP_NAMES, *CONTROL_NAMES]:
        ids[name] = add(db_path, name, "--company", name, "--action", name)

    listing = ok(sd(db_path, "list", env=WIDE))
    assert "\x1b" not in listing and "\x9b" not in listing and "\x07" not in listing
    for name in MARKUP_NAMES:
        assert name in listing, name
    for visible in CONTROL_NAMES.values():
        assert visible in listing

    for name, pid in ids.items():
        shown = ok(sd(db_path, "show", str(pid), env=WIDE))
        assert "\x1b" not in shown and "\x9b" not in shown and "\x07" not in shown
        if name in CONTROL_NAMES:
            assert CONTROL_NAMES[name] in shown
        else:
            assert shown.count(name) >= 3, (name, shown)  # header, name, company...

    # --json gives the stored text back exactly, with control characters escaped.
    raw = ok(sd(db_path, "list", "--json"))
    assert "\x1b" not in raw and "\x07" not in raw
    assert {c["name"] for c in json.loads(raw)} == set(ids)


def test_user_text_in_default_width_list(db_path: Path) -> None:
    for name in MARKUP_NAMES:
        add(db_path, name)
    listing = ok(sd(db_path, "list"))
    assert "\x1b" not in listing
    for name in MARKUP_NAMES:
        assert name in listing, name


def test_list_columns_line_up_with_wide_and_long_text(db_path: Path) -> None:
    """Chinese takes two cells a character; long names are cut with an ellipsis and the
    next column still starts at the same cell on every line."""
    from rich.cells import cell_len

    add(db_path, "王伟", "--company", "华信科技有限公司华信科技有限公司")
    add(db_path, "Bartholomew Featherstonehaugh-Cholmondeley the Third", "--company", "Acme")
    add(db_path, "Al", "--value", "1234567")
    lines = ok(sd(db_path, "list")).splitlines()
    header, rows = lines[0], [line for line in lines[1:] if line[:4].strip().isdigit()]
    assert len(rows) == 3
    next_at = cell_len(header[: header.index("Next")])
    for line in rows:
        assert "\x1b" not in line
        # The Next column holds a date or "-": whatever it is, it starts at the same cell.
        cut = next(i for i in range(len(line) + 1) if cell_len(line[:i]) >= next_at)
        assert cell_len(line[:cut]) == next_at, line
        assert line[cut - 2 : cut] == "  ", line  # the column gap, not a cut character
    assert any("…" in line and "Bartholomew" in line for line in rows)
    assert any("王伟" in line for line in rows)


def test_export_to_a_terminal_drops_escape_sequences_but_a_pipe_keeps_them(
    db_path: Path,
) -> None:
    """A name holding escape sequences must not drive the rep's terminal; files and pipes
    get the exact text (the export is a copy of the data)."""
    import pty
    import subprocess
    import sys

    evil = "Evil\x1b]0;pwned\x07 \x1b[31mred"
    add(db_path, evil)

    def export(fmt: str) -> list[str]:
        return [sys.executable, "-m", "salesdesk", "export", "--format", fmt, "--db",
                str(db_path)]

    piped = subprocess.run(export("json"), capture_output=True, text=True, check=True).stdout
    assert json.loads(piped)[0]["name"] == evil
    csv_piped = subprocess.run(export("csv"), capture_output=True, text=True, check=True)
    assert evil in csv_piped.stdout

    leader, follower = pty.openpty()
    try:
        subprocess.run(export("csv"), stdout=follower,
                       stderr=subprocess.DEVNULL, check=True, timeout=60)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: everything has been read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    text = shown.decode("utf-8")
    assert "Evil]0;pwned [31mred" in text
    assert "\x1b" not in text and "\x07" not in text


def test_a_reader_that_stops_early_ends_the_listing_quietly(db_path: Path) -> None:
    """`salesdesk list | head -1`: no traceback, no message, the exit code of SIGPIPE."""
    import subprocess
    import sys

    ok(sd(db_path, "demo", "--prospects", "2000"))  # far more than a pipe holds
    for command in (["list"], ["export"]):
        process = subprocess.Popen(
            [sys.executable, "-m", "salesdesk", *command, "--db", str(db_path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline()
        process.stdout.close()
        assert process.stderr.read() == b"", command
        assert process.wait(timeout=60) == 141, command


def test_long_note_is_shown_literally(db_path: Path) -> None:
    pid = add(db_path, "Alice")
    note = ("[red]王伟[/] [link=http://x]y [@click=app.quit] " * 60)[:2000]
    assert len(note) == 2000
    ok(sd(db_path, "log", str(pid), "--kind", "note", "--note", note))
    assert query(db_path, "SELECT note FROM activity")[0][0] == note
    shown = ok(sd(db_path, "show", str(pid)))
    assert "\x1b" not in shown
    squash = "".join(shown.split())
    assert "".join(note.split()) in squash


def test_note_with_escapes_and_newlines(db_path: Path) -> None:
    pid = add(db_path, "Alice")
    ok(sd(db_path, "log", str(pid), "--note", "line one\nline two \x1b[2J\x1b]0;title\x07 end"))
    shown = ok(sd(db_path, "show", str(pid), env=WIDE))
    assert "\x1b" not in shown and "\x07" not in shown
    assert "line one line two" in shown


def test_chinese_everywhere(db_path: Path) -> None:
    pid = add(
        db_path,
        "王伟",
        "--company",
        "华信科技有限公司",
        "--area",
        "浦东",
        "--action",
        "电话回访",
        "--value",
        "8万",
    )
    data = card(db_path, pid)
    assert data["value"] == 80_000
    listing = ok(sd(db_path, "list", env=WIDE))
    assert "王伟" in listing and "华信科技有限公司" in listing and "电话回访" in listing
    ok(sd(db_path, "log", str(pid), "--note", "聊了交货期。"))
    shown = ok(sd(db_path, "show", str(pid)))
    assert "王伟" in shown and "浦东" in shown and "聊了交货期。" in shown
    raw = ok(sd(db_path, "list", "--json"))
    assert "王伟" in raw  # not \u escaped


def test_undo_label_is_cleaned(db_path: Path) -> None:
    add(db_path, "\x1b[31mred\x1b[0m [bold]x[/]")
    out = ok(sd(db_path, "undo"))
    assert "\x1b" not in out
    assert "[bold]x[/]" in out
