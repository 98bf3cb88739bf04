"""What a rep expects from the command line (issue 12): cards named by name, bad ids said
plainly, add's new options, pinyin search, the pipeline in list --json, WeChat columns
imported, redo and undo --list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesdesk.cli.main import app
from salesdesk.data import store
from salesdesk.data.db import open_database

from .conftest import NOW

runner = CliRunner()


def run(db_path: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db_path), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def book(db_path: Path) -> Path:
    for args in (
        ("王海燕", "--company", "北京科技", "--grade", "A", "--value", "20k"),
        ("王伟", "--value", "5000"),
        ("Ann Lee", "--grade", "B", "--value", "8000"),
    ):
        assert run(db_path, "add", *args)[0] == 0
    return db_path


def fields(db_path: Path, pid: int) -> dict[str, object]:
    database = open_database(db_path)
    try:
        return dict(store.get_prospect(database, pid, NOW.date()).fields)
    finally:
        database.close()


def test_add_takes_notes_tags_email_and_wechat(db_path: Path) -> None:
    code, out, _ = run(db_path, "add", "李娜", "--notes", "met at the fair", "--tags",
                       "vip, 展会 ,", "--email", "li@x.cn", "--wechat", "lina_88")
    assert code == 0
    card = fields(db_path, int(out))
    assert (card["notes"], card["tags"], card["email"], card["wechat"]) == (
        "met at the fair", "vip, 展会", "li@x.cn", "lina_88")
    assert card["pinyin_key"] == "lina ln"


def test_a_name_or_part_of_one_names_a_card(book: Path) -> None:
    assert run(book, "grade", "Ann", "A")[:2] == (0, "3: B → A\n")
    assert run(book, "grade", "wh", "B")[:2] == (0, "1: A → B\n")  # pinyin initials
    assert run(book, "grade", "王伟", "B")[:2] == (0, "2: C → B\n")  # the whole name
    assert run(book, "log", "haiyan", "--note", "called")[0] == 0
    assert run(book, "show", "#3")[0] == 0
    code, out, _ = run(book, "won", "ann lee", "--value", "9000")
    assert (code, out) == (0, "3: won (9,000)\n")


def test_a_name_for_several_cards_lists_them(book: Path) -> None:
    code, out, err = run(book, "drop", "wang")
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0] == "salesdesk: 'wang' names 2 cards: give the id of the one you mean"
    assert "1  王海燕 · 北京科技" in lines[1] and "2  王伟" in lines[2]
    assert fields(book, 1)["status"] == fields(book, 2)["status"] == "live"


@pytest.mark.parametrize("args", [
    ("grade", "nobody", "A"), ("show", "x1"), ("man", "?", "--money", "yes"),
    ("visit", "nobody", "fri"), ("next", "zz", "fri"),
])
def test_an_unknown_card_is_one_salesdesk_line(book: Path, args: tuple[str, ...]) -> None:
    code, out, err = run(book, *args)
    assert code == 2 and out == ""
    assert err.startswith("salesdesk: no card with id or name ") and err.count("\n") == 1
    assert "Invalid value" not in err and "Usage" not in err


@pytest.mark.parametrize("command", ["visited", "missed", "reschedule", "unplan"])
def test_a_visit_id_that_is_not_a_number_is_one_line(book: Path, command: str) -> None:
    extra = {"visited": ("--note", "x"), "reschedule": ("fri",)}.get(command, ())
    code, _out, err = run(book, command, "abc", *extra)
    assert code == 2
    assert err == "salesdesk: 'abc' is not a visit id: use the number salesdesk plan shows\n"


def test_list_search_finds_chinese_names_by_pinyin(book: Path) -> None:
    for term, names in (("wang", {"王海燕", "王伟"}), ("wh", {"王海燕"}), ("WangWei", {"王伟"}),
                        ("bjkj", {"王海燕"})):
        code, out, _ = run(book, "list", "--search", term, "--json")
        assert code == 0
        assert {c["name"] for c in json.loads(out)} == names, term


def test_list_json_has_the_forecast_per_card_and_the_totals(book: Path) -> None:
    code, out, _ = run(book, "list", "--json")
    cards = {c["name"]: c for c in json.loads(out)}
    assert (cards["王海燕"]["value"], cards["王海燕"]["forecast"]) == (20000, 12000)
    assert cards["Ann Lee"]["forecast"] == 2400
    assert run(book, "config", "forecast_probability", "A=50%, B=0.5, c=0")[0] == 0
    code, out, _ = run(book, "list", "--json", "--totals")
    totals = json.loads(out)["totals"]
    assert totals["value_by_grade"] == {"A": 20000, "B": 8000, "C": 5000}
    assert (totals["value"], totals["forecast"]) == (33000, 14000)
    assert totals["forecast_probability"] == {"A": 0.5, "B": 0.5, "C": 0}
    code, out, _ = run(book, "list")
    assert "value A 20,000 · B 8,000 · C 5,000 = 33,000 · forecast 14,000" in out


def test_a_bad_forecast_setting_is_refused(book: Path) -> None:
    code, _out, err = run(book, "config", "forecast_probability", "A=0.6,B=0.3")
    assert code == 2 and err.startswith("salesdesk: invalid forecast probability 'A=0.6,B=0.3'")
    assert "use A=0.6,B=0.3,C=0.1" in err
    code, _out, err = run(book, "config", "forecast_probability", "A=2,B=0.3,C=0")
    assert code == 2 and "a chance is from 0 to 1" in err


def test_wechat_columns_are_imported_and_searchable(db_path: Path, tmp_path: Path) -> None:
    for header in ("微信", "WeChat", "WeChat ID", "微信号"):
        source = tmp_path / f"{header}.csv"
        source.write_text(f"姓名,{header}\n刘洋 {header},wx_{len(header)}\n", encoding="utf-8")
        assert run(db_path, "import", str(source))[0] == 0
    code, out, _ = run(db_path, "list", "--json", "--search", "wx_")
    assert code == 0 and len(json.loads(out)) == 4
    database = open_database(db_path)
    try:
        found = store.list_cards(database, NOW.date(), search="liuyang")
        assert len(found) == 4  # an imported card gets its pinyin key too
    finally:
        database.close()


def test_redo_puts_back_what_undo_reversed(book: Path) -> None:
    assert run(book, "grade", "Ann", "A")[0] == 0
    assert run(book, "drop", "王伟")[0] == 0
    code, out, _ = run(book, "undo")
    assert (code, out) == (0, "undone: dropped 王伟 (salesdesk redo puts it back)\n")
    assert run(book, "undo")[1] == "undone: regrade Ann Lee B→A (salesdesk redo puts it back)\n"
    assert (fields(book, 2)["status"], fields(book, 3)["grade"]) == ("live", "B")
    assert run(book, "redo")[:2] == (0, "redone: regrade Ann Lee B→A\n")
    assert run(book, "redo")[:2] == (0, "redone: dropped 王伟\n")
    assert (fields(book, 2)["status"], fields(book, 3)["grade"]) == ("dropped", "A")
    code, _out, err = run(book, "redo")
    assert code == 1 and "nothing to redo" in err
    # A redo is a change like any other: undo reverses it again.
    assert run(book, "undo")[1].startswith("undone: dropped 王伟")
    assert fields(book, 2)["status"] == "live"


def test_a_new_change_forgets_what_could_be_redone(book: Path) -> None:
    assert run(book, "grade", "Ann", "A")[0] == 0
    assert run(book, "undo")[0] == 0
    assert run(book, "grade", "王伟", "B")[0] == 0
    code, _out, err = run(book, "redo")
    assert code == 1 and "nothing to redo" in err
    assert fields(book, 3)["grade"] == "B"


def test_redo_brings_back_an_undone_card_with_its_id(book: Path) -> None:
    code, out, _ = run(book, "add", "赵敏", "--grade", "A")
    pid = int(out)
    assert run(book, "undo")[0] == 0
    code, _out, err = run(book, "show", str(pid))
    assert code == 2 and err.startswith(f"salesdesk: no card with id {pid}: ")
    assert run(book, "redo")[0] == 0
    card = fields(book, pid)
    assert (card["name"], card["grade"], card["pinyin_key"]) == ("赵敏", "A", "zhaomin zm")


def test_undo_list_shows_the_next_undos_newest_first(book: Path) -> None:
    assert run(book, "grade", "Ann", "A")[0] == 0
    assert run(book, "log", "王伟", "--note", "called")[0] == 0
    code, out, _ = run(book, "undo", "--list", "--count", "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("1. ") and lines[0].endswith("log call with 王伟")
    assert lines[1].strip() == "changes 王伟 (#2): touched at"
    assert lines[2].strip() == "with 1 timeline entry"
    assert lines[3].endswith("regrade Ann Lee B→A")
    assert lines[-2].endswith("add Ann Lee") and lines[-1].strip() == "adds Ann Lee (#3)"
    assert run(book, "undo")[0] == 0
    out = run(book, "undo", "--list", "--count", "1")[1]
    assert out.splitlines()[0] == "redo would put back: log call with 王伟"
    # --list changes nothing
    assert run(book, "undo", "--list")[0] == 0
    assert fields(book, 3)["grade"] == "A"
