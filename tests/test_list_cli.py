"""``salesdesk list``: --limit, --all, a screenful on a terminal with a line saying how many
more, every card when piped; the fast path from launch prints what the Typer command does."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from salesdesk.cli.list_fast import list_request
from salesdesk.cli.main import app
from salesdesk.data import store
from salesdesk.data.card_counts import count_cards, largest_id
from salesdesk.data.db import open_database
from salesdesk.render import card_table

from .conftest import NOW

runner = CliRunner()
CARDS = 40


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A file with 40 live cards (grades A, B, C in turn) and one dropped."""
    path = tmp_path / "book.db"
    database = open_database(path)
    try:
        for n in range(CARDS):
            store.add_prospect(database, NOW, f"Card {n:02}", grade="ABC"[n % 3],
                               company="Acme" if n % 4 == 0 else "")
        gone = store.add_prospect(database, NOW, "Gone card")
        store.set_status(database, NOW, gone, "dropped")
    finally:
        database.close()
    return path


def sd(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["--db", str(db), *args])


def ids_in(output: str) -> list[int]:
    """The ids of the table's card lines (the header and the footer lines have none)."""
    return [int(line.split()[0]) for line in output.splitlines()
            if line.strip() and line.split()[0].isdecimal()]


def fast(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``salesdesk --db DB ARGS`` as a process, output piped (launch's fast path)."""
    return subprocess.run([sys.executable, "-m", "salesdesk", "--db", str(db), *args],
                          capture_output=True, text=True)


def on_terminal(db: Path, *args: str, lines: int = 20) -> tuple[int, str]:
    """(exit code, output) of ``salesdesk --db DB ARGS`` on a terminal ``lines`` high."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", lines, 120, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    process = subprocess.Popen([sys.executable, "-m", "salesdesk", "--db", str(db), *args],
                               stdin=follower, stdout=follower, stderr=follower,
                               env={**env, "TERM": "xterm"})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    code = process.wait(timeout=60)
    text = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    return code, text.replace("\x1b[2m", "").replace("\x1b[0m", "")


def test_limit_prints_the_first_cards_in_the_boards_order(book: Path) -> None:
    everything = json.loads(sd(book, "list", "--json").stdout)
    assert len(everything) == CARDS
    first = [card["id"] for card in everything[:7]]
    result = sd(book, "list", "--limit", "7")
    assert result.exit_code == 0, result.output
    assert ids_in(result.stdout) == first
    assert [c["id"] for c in json.loads(sd(book, "list", "--json", "--limit=3").stdout)] == (
        first[:3])
    graded = json.loads(sd(book, "list", "--json", "--grade", "B", "--limit", "2").stdout)
    assert [c["grade"] for c in graded] == ["B", "B"]


def test_piped_output_has_every_card_and_no_more_line(book: Path) -> None:
    result = fast(book, "list")
    assert result.returncode == 0, result.stderr
    assert len(ids_in(result.stdout)) == CARDS
    assert "more" not in result.stdout
    assert len(ids_in(sd(book, "list").stdout)) == CARDS


def test_a_terminal_gets_a_screenful_and_how_many_more(book: Path) -> None:
    code, out = on_terminal(book, "list", lines=20)
    assert code == 0, out
    shown = ids_in(out)
    assert len(shown) == 20 - 5  # header, legend, value, "more" and the prompt stay visible
    assert out.rstrip().splitlines()[-1] == f"… {CARDS - 15} more: use --limit N or --all"
    everything = json.loads(sd(book, "list", "--json").stdout)
    assert shown == [card["id"] for card in everything[:15]]


def test_on_a_terminal_all_prints_every_card_and_limit_says_what_is_left(book: Path) -> None:
    code, out = on_terminal(book, "list", "--all")
    assert code == 0 and len(ids_in(out)) == CARDS and "more:" not in out
    code, out = on_terminal(book, "list", "--limit", "4", "--grade", "a")
    assert code == 0 and len(ids_in(out)) == 4
    assert out.rstrip().splitlines()[-1] == "… 10 more: use --limit N or --all"  # 14 A cards
    code, out = on_terminal(book, "list", "--search", "acme", "--limit", "3")
    assert code == 0 and len(ids_in(out)) == 3
    assert out.rstrip().splitlines()[-1] == "… 7 more: use --limit N or --all"  # 10 at Acme
    code, out = on_terminal(book, "list", "--limit", "100")
    assert code == 0 and len(ids_in(out)) == CARDS and "more:" not in out


@pytest.mark.parametrize("value", ["0", "-3", "abc", "1.5", "", "２"])
def test_a_bad_limit_is_one_line_and_exit_2(book: Path, value: str) -> None:
    expected = f"salesdesk: --limit takes a number of cards, 1 or more (not {value!r})"
    result = sd(book, "list", f"--limit={value}")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [expected]
    piped = fast(book, "list", "--limit", value)
    assert piped.returncode == 2 and piped.stdout == ""
    assert piped.stderr.strip().splitlines() == [expected]


def test_limit_and_all_together_are_refused(book: Path) -> None:
    for result in (fast(book, "list", "--all", "--limit", "3"),):
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.strip() == "salesdesk: give --limit N or --all, not both"


def test_the_fast_path_prints_what_the_typer_command_prints(book: Path) -> None:
    for args in (["list"], ["list", "--limit", "5", "--grade", "C"], ["list", "--status", "all"],
                 ["list", "--search", "acme", "--json", "--totals"], ["list", "--due"],
                 ["list", "--man", "incomplete", "--limit", "2"], ["list", "--grade", "X"],
                 ["list", "--status", "nope"]):
        typer_result = sd(book, *args)
        fast_result = fast(book, *args)
        assert fast_result.returncode == typer_result.exit_code, args
        assert fast_result.stdout == typer_result.stdout, args
        assert fast_result.stderr == typer_result.stderr, args


def test_list_help_and_unknown_options_still_go_through_typer(book: Path) -> None:
    result = fast(book, "list", "--help")
    assert result.returncode == 0 and "--limit N" in result.stdout and "--all" in result.stdout
    result = fast(book, "list", "--limitt", "3")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "salesdesk: No such option: --limitt (Possible options: --limit)"]


def test_which_command_lines_take_the_fast_path() -> None:
    request = list_request(["--db", "x.db", "list", "--grade", "A", "--limit=30", "--demo"])
    assert request is not None
    assert (request.root_db, request.db, request.demo) == ("x.db", None, True)
    assert request.options == {"grade": "A", "limit": "30"}
    assert list_request(["list", "--db", "y.db"]) == list_request(["list", "--db=y.db"])
    for argv in (["list", "--help"], ["list", "-h"], ["show", "1"], ["list", "--grade"],
                 ["list", "--search", "-x"], ["list", "--grade", "A", "--grade", "B"],
                 ["list", "extra"], ["list", "--due=1"], ["--create"], [], ["--db"],
                 ["list", "--search", "caf\udce9"], ["--verbose", "list"]):
        assert list_request(argv) is None, argv


def test_the_fast_path_loads_neither_typer_nor_the_orm(book: Path) -> None:
    code = (
        "import sys, json\n"
        f"sys.argv = ['salesdesk', '--db', {str(book)!r}, 'list', '--limit', '2']\n"
        "import salesdesk.launch\n"
        "salesdesk.launch.main()\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    loaded = set(json.loads(result.stderr))
    assert len(ids_in(result.stdout)) == 2  # the probe itself worked
    for heavy in ("typer", "click", "sqlmodel", "sqlalchemy", "textual", "salesdesk.cli.main",
                  "salesdesk.cli.common", "salesdesk.models", "rich.console", "rich.text"):
        assert heavy not in loaded, f"{heavy} is loaded by a piped list"


def test_count_cards_agrees_with_list_cards(book: Path) -> None:
    database = open_database(book, read_only=True)
    try:
        for filters in ({}, {"grade": "A"}, {"statuses": ("live", "dropped")},
                        {"search": "acme"}, {"due_only": True}, {"grade": "B", "search": "1"}):
            assert count_cards(database, NOW, **filters) == len(  # type: ignore[arg-type]
                store.list_cards(database, NOW, **filters))  # type: ignore[arg-type]
        assert largest_id(database) == CARDS + 1
    finally:
        database.close()


def test_ids_stay_whole_and_aligned_past_the_cards_that_size_the_columns(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = open_database(book)
    try:  # ids up to 141, the later ones grade C: the first cards listed have short ids
        for n in range(100):
            store.add_prospect(database, NOW, f"Late card {n}", grade="C")
    finally:
        database.close()
    monkeypatch.setattr(card_table, "SIZING_CARDS", 2)
    result = sd(book, "list")
    lines = [line for line in result.stdout.splitlines() if line.split()[0].isdecimal()]
    assert len(lines) == CARDS + 100
    assert all(int(line.split()[0]) < 100 for line in lines[:2])  # the probe can fail
    # Right-aligned to the widest id (141): every id ends in the same column, whole.
    ends = {len(line) - len(line.lstrip()) + len(line.split()[0]) for line in lines}
    assert ends == {3}
    assert sorted(ids_in(result.stdout)) == [n for n in range(1, CARDS + 102) if n != CARDS + 1]


def test_json_is_written_item_by_item_in_the_same_shape(book: Path) -> None:
    """The streamed JSON is byte for byte what json.dumps(indent=1) of the whole wrote."""
    database = open_database(book)
    try:
        store.add_prospect(database, NOW, "王伟", notes="line one\nline two")
    finally:
        database.close()
    for args in (["--json"], ["--json", "--totals"], ["--json", "--search", "nobody"],
                 ["--json", "--totals", "--search", "nobody"]):
        out = fast(book, "list", *args).stdout
        assert out == json.dumps(json.loads(out), ensure_ascii=False, indent=1) + "\n", args
        assert out == sd(book, "list", *args).stdout
    assert "王伟" in fast(book, "list", "--json").stdout
