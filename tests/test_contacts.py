"""Phones and emails: normalised keys (phonenumbers, E.164, the region setting), full-width
folding, Excel's scientific notation refused, several numbers in one cell, every phone and
email kept as the main one or a contact point, fax never main; and the duplicate rule:
never one weak key."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesdesk.cli.main import app
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.data.io.contacts import contact_values, phone_key, split_emails, split_phones
from salesdesk.data.io.importer import ImportOptions, run_import
from salesdesk.data.io.matching import LIKELY, POSSIBLE, Who, judge, name_fold, similar_names

from .conftest import NOW

runner = CliRunner()


@pytest.mark.parametrize(
    ("text", "region", "key"),
    [
        ("138 0013 8000", "CN", "+8613800138000"),
        ("+86 138-0013-8000", "CN", "+8613800138000"),
        ("0086 13800138000", "CN", "+8613800138000"),
        ("１３８００１３８０００", "CN", "+8613800138000"),
        ("010 6552 9988", "CN", "+861065529988"), ("030 1234567", "DE", "+49301234567"),
        ("+49 (0)30 1234567", "CN", "+49301234567"), ("(425) 555-0111", "US", "+14255550111"),
        ("+1 425 555 0111 ext. 12", "CN", "+14255550111"), ("12", "CN", None),
    ],
)
def test_phone_keys_are_e164(text: str, region: str, key: str | None) -> None:
    assert phone_key(text, region) == key


def test_cells_with_several_numbers_and_addresses_are_split() -> None:
    assert split_phones("138 0013 8000 / 139 0013 9000") == ["138 0013 8000", "139 0013 9000"]
    assert split_phones("+1 555 0100 ::: +1 555 0101") == ["+1 555 0100", "+1 555 0101"]
    assert split_phones("13800138000；13900139000") == ["13800138000", "13900139000"]
    assert split_emails("a@x.com; b@y.com") == ["a@x.com", "b@y.com"]
    assert split_emails("ｗａｎｇ＠ｘ．ｃｎ") == ["wang@x.cn"]
    assert split_emails("ask reception") == ["ask reception"]  # kept as typed


def test_mobile_is_main_fax_never_and_nothing_is_dropped() -> None:
    phone, email, others, problems = contact_values([
        ("phone", "fax", "021-1"), ("phone", "work", "021-2"), ("phone", "mobile", "138 1"),
        ("email", "work", "a@x.cn; b@x.cn"),
    ])
    assert (phone, email, problems) == ("138 1", "a@x.cn", [])
    assert others == [("phone", "fax", "021-1"), ("phone", "work", "021-2"),
                      ("email", "work", "b@x.cn")]
    phone, _email, others, _problems = contact_values([("phone", "fax", "021-1")])
    assert phone is None and others == [("phone", "fax", "021-1")]


def test_scientific_notation_is_refused() -> None:
    _phone, _email, _others, problems = contact_values([("phone", "", "1.38E+10")])
    assert problems and "scientific notation" in problems[0][1]


def test_the_duplicate_rule_never_merges_on_one_weak_key() -> None:
    luo, other_luo = Who(name_fold("罗艳"), True), Who(name_fold("罗 艳"), True)
    assert judge("e:a@b.cn", luo, Who("x", True))[0] == LIKELY
    assert judge("p:+861", luo, other_luo)[0] == LIKELY
    assert judge("p:+861", luo, Who(name_fold("Reception"), True))[0] == POSSIBLE
    assert judge("n:罗艳\x1f", luo, other_luo)[0] == POSSIBLE  # same name, no company
    assert judge("n:罗艳\x1f华信", luo, other_luo)[0] == POSSIBLE  # other phones
    assert judge("n:罗艳\x1f华信", Who("罗艳", False), other_luo)[0] == LIKELY
    assert similar_names(name_fold("Wei Wang"), name_fold("wang  WEI"))
    assert similar_names(name_fold("Anna Smith"), name_fold("Anna Smith-Jones"))
    assert not similar_names(name_fold("Ann Lee"), name_fold("Bob Stone"))


def _import(db: Database, tmp_path: Path, text: str, **options: object) -> object:
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    return run_import(db, path, NOW, ImportOptions(**options))  # type: ignore[arg-type]


def test_two_people_with_one_name_stay_two_cards(db: Database, tmp_path: Path) -> None:
    result = _import(db, tmp_path, "姓名,手机\n罗艳,13800138000\n罗艳,13900139000\n")
    assert result.created == 2 and result.skipped == 0  # type: ignore[attr-defined]
    (possible,) = result.possible  # type: ignore[attr-defined]
    assert (possible.row, possible.existing_row) == (3, 2)
    assert possible.reason == "same name (no company to tell them apart)"


def test_a_switchboard_number_does_not_merge_colleagues(db: Database, tmp_path: Path) -> None:
    store.add_prospect(db, NOW, "Anna Meier", company="Acme", phone="+49 30 1234567")
    result = _import(db, tmp_path, "Name,Company,Phone\nJonas Weber,Acme,030 1234567\n",
                     region="DE")
    assert result.created == 1 and result.possible_count == 1  # type: ignore[attr-defined]
    assert "another name" in result.possible[0].reason  # type: ignore[attr-defined]
    result = _import(db, tmp_path, "Name,Phone\nanna MEIER,030 1234567\n", region="DE")
    assert result.skipped == 1  # type: ignore[attr-defined]


def test_every_column_lands_somewhere_and_the_preview_says_where(
    db: Database, tmp_path: Path
) -> None:
    text = ("Name,Mobile Phone,Business Phone,Business Fax,E-mail Address,E-mail 2 Address\n"
            "Ann,138 0013 8000,010 6552 9988,010 6552 9989,ann@x.cn,ann@home.cn\n")
    path = tmp_path / "outlook.csv"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["--db", str(db.path), "import", str(path)])
    assert result.exit_code == 0, result.output
    assert ("Mobile Phone → phone, Business Phone → more phones (work), Business Fax → more "
            "phones (fax), E-mail Address → email, E-mail 2 Address → more emails") in " ".join(
        result.output.split())
    with db.connect() as conn:
        card = conn.execute("SELECT id, phone, email FROM prospect").fetchone()
        points = conn.execute(
            "SELECT kind, label, value FROM contact_point WHERE prospect_id = ? "
            "ORDER BY position", (card[0],)).fetchall()
    assert card[1:] == ("138 0013 8000", "ann@x.cn")
    assert points == [("phone", "work", "010 6552 9988"), ("phone", "fax", "010 6552 9989"),
                      ("email", "", "ann@home.cn")]
    undone = runner.invoke(app, ["--db", str(db.path), "undo"])
    assert undone.exit_code == 0
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM contact_point").fetchone()[0] == 0


def test_an_update_keeps_the_old_main_phone(db: Database, tmp_path: Path) -> None:
    pid = store.add_prospect(db, NOW, "Ann", email="ann@x.cn", phone="13800138000")
    _import(db, tmp_path, "Name,Email,Phone\nAnn,ann@x.cn,13900139000\n", on_duplicate="update")
    with db.connect() as conn:
        assert conn.execute("SELECT phone FROM prospect").fetchone()[0] == "13900139000"
        assert conn.execute("SELECT value FROM contact_point WHERE prospect_id = ?",
                            (pid,)).fetchall() == [("13800138000",)]
    store.undo(db, now=NOW)
    with db.connect() as conn:
        assert conn.execute("SELECT phone FROM prospect").fetchone()[0] == "13800138000"
        assert conn.execute("SELECT count(*) FROM contact_point").fetchone()[0] == 0
