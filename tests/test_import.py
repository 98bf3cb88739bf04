"""Import: encodings, delimiters, header mapping (English, Chinese, CRM exports), row errors,
duplicates, dry run, all-or-nothing (also on a crash), vCard, undo, and the CLI."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from salesdesk.cli.main import app
from salesdesk.data import store
from salesdesk.data.db import Database, open_database
from salesdesk.data.io import batches, importer
from salesdesk.data.io.contacts import phone_key
from salesdesk.data.io.importer import ImportCancelled, ImportOptions, ImportResult, run_import
from salesdesk.data.io.mapping import guess_field, map_columns, parse_overrides
from salesdesk.data.io.matching import card_keys
from salesdesk.data.io.values import (
    card_values,
    compose_name,
    neutralise,
    parse_import_date,
    unneutralise,
)
from salesdesk.data.review import load_weekly_review
from salesdesk.data.sql import sql_timestamp
from salesdesk.errors import InputError, NotFound
from salesdesk.rules.review import week_start

from .conftest import NOW, TODAY

runner = CliRunner()


# --------------------------------------------------------------------------- helpers


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def imp(db: Database, path: Path, **options: Any) -> ImportResult:
    return run_import(db, path, NOW, ImportOptions(**options))


def rows(db: Database) -> list[dict[str, Any]]:
    with db.connect() as conn:
        result = conn.execute("SELECT * FROM prospect ORDER BY id")
        names = [c[0] for c in result.description]
        return [dict(zip(names, r, strict=True)) for r in result.fetchall()]


def by_name(db: Database) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in rows(db)}


def points(db: Database, pid: int) -> list[tuple[str, str, str]]:
    with db.connect() as conn:
        return [tuple(r) for r in conn.execute(
            "SELECT kind, label, value FROM contact_point WHERE prospect_id = ? ORDER BY position",
            (pid,),
        )]


def count(db: Database, table: str = "prospect") -> int:
    with db.connect() as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


CHINESE = (
    "姓名,公司,手机,邮箱,金额,等级,备注\n"
    "王伟,华信科技,138 0013 8000,wang@huaxin.cn,3万,A,喜欢下午联系\n"
    "李娜,金桥物流,13900000001,,12k,b,\n"
)


# --------------------------------------------------------------------------- new cards


def test_an_imported_card_starts_like_one_added_by_hand(db: Database, tmp_path: Path) -> None:
    """One definition of a new card's values: only where it came from differs."""
    imp(db, write(tmp_path, "one.csv", "name\nAlice\n"))
    store.add_prospect(db, NOW, "Bob")
    cards = by_name(db)
    imported, typed = cards["Alice"], cards["Bob"]
    assert {k for k in imported if imported[k] != typed[k]} == {
        "id", "uuid", "name", "source", "import_batch"}
    assert (imported["source"], typed["source"]) == ("import", "")
    assert (typed["grade"], typed["status"], typed["follow_up"], typed["inquiries"]) == (
        "C", "live", "keep", 0)


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_every_encoding_and_delimiter(
    db: Database, tmp_path: Path, encoding: str, delimiter: str
) -> None:
    text = CHINESE.replace(",", delimiter)
    result = imp(db, write(tmp_path, "c.csv", text, encoding))
    assert result.committed and result.created == 2 and result.error_rows == 0
    cards = by_name(db)
    wang = cards["王伟"]
    assert (wang["company"], wang["phone"], wang["email"]) == (
        "华信科技",
        "138 0013 8000",
        "wang@huaxin.cn",
    )
    assert (wang["value"], wang["grade"], wang["notes"]) == (30000.0, "A", "喜欢下午联系")
    assert (cards["李娜"]["value"], cards["李娜"]["grade"]) == (12000.0, "B")
    expected = {"utf-8": "UTF-8,", "utf-8-sig": "BOM", "gbk": "GB18030", "gb18030": "GB18030"}
    assert expected.get(encoding, "UTF-16") in result.description


def test_quoted_multiline_fields_and_row_numbers(db: Database, tmp_path: Path) -> None:
    text = (
        'Name,Notes,Value\n'
        '"Smith, Anna","first line\nsecond, with comma\n""quoted""",100\n'
        'Bob,plain,oops\n'
    )
    result = imp(db, write(tmp_path, "m.csv", text), skip_errors=True)
    assert by_name(db)["Smith, Anna"]["notes"] == 'first line\nsecond, with comma\n"quoted"'
    # The multi-line record is row 2 as a spreadsheet counts rows; Bob is row 3.
    assert [(e.row, e.column) for e in result.errors] == [(3, "Value")]


# --------------------------------------------------------------------------- mapping


def test_chinese_headers_map_to_fields(db: Database, tmp_path: Path) -> None:
    text = (
        "联系人,单位,手机号码,电子邮箱,地址,区域,职务,备注,预计金额,客户等级,生日,来源,标签\n"
        "张敏,东方电气,+86 139-0000-0002,ZM@East.cn,浦东大道100号,浦东,采购经理,周二有空,"
        "1.5万,A级,1980年4月15日,展会,VIP、老客户\n"
    )
    imp(db, write(tmp_path, "zh.csv", text, "gbk"))
    card = by_name(db)["张敏"]
    assert card["company"] == "东方电气" and card["phone"] == "+86 139-0000-0002"
    assert card["email"] == "ZM@East.cn" and card["address"] == "浦东大道100号"
    assert card["area"] == "浦东" and card["title"] == "采购经理" and card["notes"] == "周二有空"
    assert card["value"] == 15000.0 and card["grade"] == "A" and card["birthday"] == "1980-04-15"
    assert card["source"] == "展会" and card["tags"] == "VIP, 老客户"


GOOGLE = (
    "First Name,Middle Name,Last Name,Organization Name,Organization Title,Birthday,Notes,"
    "Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,"
    "Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,Address 1 - Formatted,"
    "Address 1 - City,Website 1 - Value\n"
    "Grace,,Hopper,Navy Labs,Admiral,1906-12-09,met at expo,* myContacts ::: Friends,Work,"
    "grace@navy.mil,Home,g@home.org,Mobile,+1 555 0100 ::: +1 555 0101,Work,+1 555 0199,"
    '"1 Main St\nArlington",Arlington,https://navy.mil\n'
    "伟,,王,华信科技,,--04-15,,,,,,,Mobile,13800138000,,,,,\n"
)
OUTLOOK = (
    "Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,Business Street,"
    "Business City,Business Phone,Home Phone,Mobile Phone,E-mail Address,E-mail 2 Address,"
    "Notes,Categories,Birthday,Priority,Sensitivity\n"
    "Mr.,John,,Smith,,Contoso,Sales,Buyer,1 Way,Seattle,+1 425 555 0100,,+1 425 555 0111,"
    "john@contoso.com,,,Key;Seattle,0/0/00,Normal,Normal\n"
)
HUBSPOT = (
    "Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,Company Name,"
    "Job Title,Street Address,City,Lifecycle Stage,Lead Status,Contact owner,Create Date\n"
    "1001,Ada,Lovelace,ada@engine.io,+44 20 7946 0000,+44 7700 900000,Analytical Engines,CTO,"
    "12 St James Sq,London,lead,NEW,Jane Rep,2026-01-05 10:00\n"
)
PIPEDRIVE = (
    "Person - Name,Person - Organization,Person - Email - Work,Person - Phone - Mobile,"
    "Person - Phone - Work,Person - Label,Person - Owner,Deal - Value\n"
    "Linus Pauling,Vitamin Co,linus@vit.co,+1 555 0142,+1 555 0143,Hot lead,Sam Rep,4500\n"
)


def test_google_contacts_export(db: Database, tmp_path: Path) -> None:
    result = imp(db, write(tmp_path, "google.csv", GOOGLE))
    assert result.error_rows == 0, result.errors
    cards = by_name(db)
    grace = cards["Grace Hopper"]
    assert (grace["company"], grace["title"]) == ("Navy Labs", "Admiral")
    assert grace["email"] == "grace@navy.mil" and grace["phone"] == "+1 555 0100"
    assert grace["address"] == "1 Main St, Arlington" and grace["area"] == "Arlington"
    assert grace["birthday"] == "1906-12-09" and grace["tags"] == "Friends"
    # Her second mobile number (one cell, "a ::: b"), her work phone and her second email
    # are further phones and emails of the card, typed from Google's Label columns.
    assert points(db, grace["id"]) == [
        ("phone", "mobile", "+1 555 0101"), ("phone", "work", "+1 555 0199"),
        ("email", "home", "g@home.org"),
    ]
    assert "+1 555 0101" not in grace["notes"]
    # A Chinese name is family name first, no space; a birthday without a year is kept in notes.
    wang = cards["王伟"]
    assert wang["company"] == "华信科技" and wang["notes"] == "Birthday: 04-15"
    assert result.unmapped == ["Website 1 - Value"]  # type labels are ignored quietly


def test_outlook_export(db: Database, tmp_path: Path) -> None:
    result = imp(db, write(tmp_path, "outlook.csv", OUTLOOK))
    assert result.error_rows == 0, result.errors
    john = by_name(db)["John Smith"]
    assert john["title"] == "Buyer"  # not "Mr.": Outlook's Title is a salutation
    assert john["phone"] == "+1 425 555 0111"  # the mobile wins over the business phone
    assert (john["company"], john["email"], john["area"]) == ("Contoso", "john@contoso.com",
                                                              "Seattle")
    assert john["birthday"] is None and john["tags"] == "Key, Seattle"
    assert john["priority"] is None  # Outlook's "Priority: Normal" is not SalesDesk's priority
    assert {"Title", "Priority", "Sensitivity"} <= set(result.unmapped)


def test_hubspot_export(db: Database, tmp_path: Path) -> None:
    result = imp(db, write(tmp_path, "hubspot.csv", HUBSPOT))
    assert result.error_rows == 0, result.errors
    ada = by_name(db)["Ada Lovelace"]
    assert ada["phone"] == "+44 7700 900000" and ada["email"] == "ada@engine.io"
    assert (ada["company"], ada["title"]) == ("Analytical Engines", "CTO")
    assert (ada["address"], ada["area"], ada["status"]) == ("12 St James Sq", "London", "live")
    assert "Lead Status" in result.unmapped and "Record ID" in result.unmapped


def test_pipedrive_export(db: Database, tmp_path: Path) -> None:
    result = imp(db, write(tmp_path, "pipedrive.csv", PIPEDRIVE), keep_extra=True)
    linus = by_name(db)["Linus Pauling"]
    assert (linus["company"], linus["email"], linus["phone"]) == (
        "Vitamin Co",
        "linus@vit.co",
        "+1 555 0142",
    )
    assert linus["tags"] == "Hot lead" and linus["value"] == 4500.0
    # The second phone is a further (work) phone; --keep-extra: the owner is in the notes.
    assert points(db, linus["id"]) == [("phone", "work", "+1 555 0143")]
    assert "Person - Owner: Sam Rep" in linus["notes"]
    assert result.unmapped == ["Person - Owner"]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("姓名", "name"), ("Full Name", "name"), ("  E-MAIL  ", "email"), ("手机号", "phone"),
        ("公司名称", "company"), ("Ｅｍａｉｌ", "email"), ("Job Title", "title"),
        ("下次联系日期", "next_date"), ("key_account", "key_account"), ("status", "status"),
        ("Phone 3 - Value", "phone"), ("Organization 1 - Name", "company"),
        ("Person - Email - Home", "email"), ("Deal - Value", "value"),
    ],
)
def test_guess_field(header: str, field: str) -> None:
    guess = guess_field(header)
    assert guess is not None and guess[0] == field


@pytest.mark.parametrize("header", ["Status", "Priority", "Lead Status", "", "Deal - Title"])
def test_headers_not_guessed(header: str) -> None:
    assert guess_field(header) is None


def test_map_overrides_and_unmapped(db: Database, tmp_path: Path) -> None:
    text = "Who,Firm,Cell,Fax,Web\nAnn,Acme,13800000003,021-555,ann.example\n"
    path = write(tmp_path, "o.csv", text)
    with pytest.raises(InputError, match="no column for the name"):
        imp(db, path)
    # Columns by name (any case) or by number; "ignore" drops one without reporting it.
    overrides = parse_overrides(["Who=name", "2=company", "CELL=phone", "Fax=ignore"])
    result = imp(db, path, mapping=overrides)
    ann = by_name(db)["Ann"]
    assert (ann["company"], ann["phone"]) == ("Acme", "13800000003")
    assert result.unmapped == ["Web"]
    columns = map_columns(["Who", "Cell"], {"Who": "name", "Cell": "phone"})
    assert columns.pairs() == [("Who", "name"), ("Cell", "phone")]


@pytest.mark.parametrize(
    ("items", "message"),
    [(["Name"], "COLUMN=FIELD"), (["Name=shoe_size"], "unknown field"), (["=phone"], "COLUMN")],
)
def test_bad_map_overrides(items: list[str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_overrides(items)


def test_map_to_a_missing_column_is_refused(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", CHINESE)
    with pytest.raises(InputError, match="no column 'Nope'"):
        imp(db, path, mapping={"Nope": "phone"})


def test_keep_extra_puts_unmapped_columns_in_notes(db: Database, tmp_path: Path) -> None:
    text = "Name,Notes,Fax,Web\nAnn,likes tea,021-555,https://ann.example\nBob,,,\n"
    imp(db, write(tmp_path, "x.csv", text), keep_extra=True)
    cards = by_name(db)
    assert cards["Ann"]["notes"] == "likes tea\nWeb: https://ann.example"
    assert points(db, cards["Ann"]["id"]) == [("phone", "fax", "021-555")]  # never the main
    assert cards["Ann"]["phone"] == ""
    assert cards["Bob"]["notes"] == ""


# --------------------------------------------------------------------------- bad files and rows


def test_malformed_rows_are_reported_with_row_column_and_reason(
    db: Database, tmp_path: Path
) -> None:
    text = (
        "Name,Email,Grade,Value,Next date\n"
        "Good One,good@example.com,A,1000,2026-12-01\n"
        "Bad Mail,not-an-email,A+,,\n"
        ",nobody@example.com,,,\n"  # only an email: a card named from it
        "Bad Grade,,Z,,\n"
        "Bad Date,,,,31/31/2026\n"
        "Too Many,,,,,surplus\n"
        "Amount,,,twelve,\n"
    )
    result = imp(db, write(tmp_path, "bad.csv", text))
    assert result.blocked and not result.committed and count(db) == 0
    found = {(e.row, e.column) for e in result.errors}
    assert found == {
        (3, "Grade"), (5, "Grade"), (6, "Next date"), (7, "Column 6"), (8, "Value"),
    }
    reasons = {e.row: e.reason for e in result.errors}
    assert "invalid grade 'A+'" in reasons[3]
    assert "use A, B or C" in reasons[5] and "6 cells but the header has 5" in reasons[7]
    assert result.error_rows == 5 and result.created == 2
    assert [n.name for n in result.new_rows] == ["Good One", "nobody@example.com"]


def test_skip_errors_imports_the_good_rows(db: Database, tmp_path: Path) -> None:
    text = "Name,Value\nGood,100\nBad,abc\nAlso Good,2k\n"
    result = imp(db, write(tmp_path, "s.csv", text), skip_errors=True)
    assert result.committed and result.created == 2 and result.error_rows == 1
    assert sorted(by_name(db)) == ["Also Good", "Good"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\xef\xbb\xbf\r\n\r\n", "is empty"),
        (b"Name,Phone\n", "has no rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary file"),
        (bytes(range(128, 256)) * 50, "not text in any encoding"),
        (b"\x01\x02\x03\x04\x05\x06 text \x07\x08" * 40, "binary file"),
        ("王伟,华信科技,13800138000\n".encode(), "no column for the name"),
    ],
)
def test_unusable_files_raise_one_clear_line(
    db: Database, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as caught:
        imp(db, path)
    assert "\n" not in caught.value.message
    assert count(db) == 0


def test_missing_file_and_folder(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no file"):
        imp(db, tmp_path / "nope.csv")
    with pytest.raises(InputError, match="is a folder"):
        imp(db, tmp_path)


def test_huge_field_is_a_row_error_and_a_giant_cell_a_clean_failure(
    db: Database, tmp_path: Path
) -> None:
    big = "长" * 30_000
    text = f"Name,Notes\nBig,{big}\nSmall,ok\n"
    result = imp(db, write(tmp_path, "big.csv", text), skip_errors=True)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Notes")]
    assert "too long" in result.errors[0].reason
    assert sorted(by_name(db)) == ["Small"]
    giant = 'Name,Notes\nX,"' + "a" * (2 << 20) + "\n"  # an unclosed quote swallowing the rest
    with pytest.raises(InputError, match="larger than 1 MB"):
        imp(db, write(tmp_path, "giant.csv", giant))


def test_unclosed_quote_in_a_name_is_an_error(db: Database, tmp_path: Path) -> None:
    text = 'Name,Phone\n"Ann,123\nBob,456\n'
    result = imp(db, write(tmp_path, "q.csv", text))
    assert result.blocked and "line break" in result.errors[0].reason


# --------------------------------------------------------------------------- duplicates


@pytest.fixture
def existing(db: Database) -> dict[str, int]:
    return {
        "wang": store.add_prospect(
            db, NOW, "王伟", company="华信科技", phone="+86 138-0013-8000", notes="老客户",
            grade="B",
        ),
        "ann": store.add_prospect(db, NOW, "Ann Lee", email="Ann.Lee@Example.com"),
        "bob": store.add_prospect(db, NOW, "Bob Stone", company="Stone Ltd"),
    }


DUPES = (
    "Name,Company,Phone,Email,Grade,Notes\n"
    "王 伟,,13800138000,,A,asked for a quote\n"  # same phone (normalised), same name
    "Annie,,,ann.lee@example.COM,,\n"  # same email, case-insensitive
    "bob  stone,STONE LTD,,,,\n"  # same name and company, spaces and case aside
    "New Person,,13912345678,,,\n"
    "New Person Again,,139-1234-5678,,,\n"  # duplicate of the row above
)


def test_duplicates_skip(db: Database, tmp_path: Path, existing: dict[str, int]) -> None:
    result = imp(db, write(tmp_path, "d.csv", DUPES))
    assert (result.created, result.skipped, result.updated) == (1, 4, 0)
    reasons = [(d.row, d.reason, d.existing_id, d.existing_row) for d in result.duplicates]
    assert reasons == [
        (2, "same phone and a similar name", existing["wang"], None),
        (3, "same email", existing["ann"], None),
        (4, "same name and company", existing["bob"], None),
        (6, "same phone and a similar name", None, 5),
    ]
    assert result.duplicates[0].existing_name == "王伟"
    assert count(db) == 4 and by_name(db)["王伟"]["grade"] == "B"


def test_duplicates_update_and_undo(db: Database, tmp_path: Path, existing: dict[str, int]) -> None:
    store.log_touch(db, NOW, existing["wang"], "call", "before the import")
    result = imp(db, write(tmp_path, "d.csv", DUPES), on_duplicate="update")
    assert (result.created, result.updated, result.skipped) == (1, 4, 0)
    wang = store.get_prospect(db, existing["wang"], TODAY).fields
    assert wang["name"] == "王 伟" and wang["grade"] == "A"
    assert wang["notes"] == "老客户\nasked for a quote"  # appended, not replaced
    assert wang["graded_at"] == NOW and wang["source"] == ""  # the card's source is kept
    assert count(db, "activity") == 2  # the call, and the regrade B → A
    # A duplicate within the file updates the card the earlier row created.
    assert by_name(db)["New Person Again"]["phone"] == "139-1234-5678" and count(db) == 4
    # The import is one undo-journal entry: undo puts the cards back and removes the new one.
    undone = store.undo(db)
    assert undone is not None and "import d.csv" in undone.label
    wang = store.get_prospect(db, existing["wang"], TODAY).fields
    assert (wang["name"], wang["grade"], wang["notes"]) == ("王伟", "B", "老客户")
    assert count(db) == 3 and count(db, "activity") == 1


def test_duplicates_new(db: Database, tmp_path: Path, existing: dict[str, int]) -> None:
    result = imp(db, write(tmp_path, "d.csv", DUPES), on_duplicate="new")
    assert (result.created, result.skipped, result.duplicate_count) == (5, 0, 4)
    assert all(d.action == "created anyway" for d in result.duplicates)
    assert count(db) == 8


def test_bad_duplicate_mode(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="skip, update or new"):
        imp(db, write(tmp_path, "c.csv", CHINESE), on_duplicate="merge")


# --------------------------------------------------------------------------- safety


def snapshot(db: Database) -> dict[str, Any]:
    """Counts and every card (``updated_at`` aside: undoing is a write, stamped anew)."""
    cards = [{k: v for k, v in r.items() if k != "updated_at"} for r in rows(db)]
    tables = ("prospect", "activity", "journal", "journal_row", "importbatch")
    return {t: count(db, t) for t in tables} | {"rows": cards}


def test_dry_run_writes_nothing(db: Database, tmp_path: Path, existing: dict[str, int]) -> None:
    before = snapshot(db)
    result = imp(db, write(tmp_path, "d.csv", DUPES + "Broken,,,,Z,\n"), dry_run=True,
                 on_duplicate="update")
    assert snapshot(db) == before
    assert not result.committed and result.batch is None
    assert (result.created, result.updated, result.error_rows) == (1, 4, 1)
    assert [n.name for n in result.new_rows] == ["New Person"]
    assert result.summary().startswith("would create 1, update 4")


def test_all_or_nothing_on_a_simulated_crash(
    db: Database, tmp_path: Path, existing: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash after several chunks were inserted leaves the database as it was."""
    lines = "".join(f"Person {i},{13000000000 + i}\n" for i in range(7_000))
    path = write(tmp_path, "big.csv", "Name,Phone\n" + lines)
    before = snapshot(db)
    real = importer._Run.chunk
    calls = {"n": 0}

    def crashing(self: importer._Run, records: list) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")
        real(self, records)

    monkeypatch.setattr(importer._Run, "chunk", crashing)
    with pytest.raises(RuntimeError, match="power cut"):
        imp(db, path)
    assert calls["n"] == 3 and snapshot(db) == before
    monkeypatch.setattr(importer._Run, "chunk", real)
    assert imp(db, path).created == 7_000  # and the database is still usable


def test_ctrl_c_and_cancel_leave_the_database_unchanged(
    db: Database, tmp_path: Path, existing: dict[str, int]
) -> None:
    lines = "".join(f"Person {i}\n" for i in range(5_000))
    path = write(tmp_path, "big.csv", "Name\n" + lines)
    before = snapshot(db)
    seen: list[int] = []

    def interrupt(done: int, total: int) -> None:
        seen.append(done)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_import(db, path, NOW, ImportOptions(), progress=interrupt)
    assert snapshot(db) == before and seen
    with pytest.raises(ImportCancelled, match="nothing was imported"):
        run_import(db, path, NOW, ImportOptions(), cancelled=lambda: True)
    assert snapshot(db) == before


def test_import_records_source_batch_and_journal(db: Database, tmp_path: Path) -> None:
    text = "Name,Source\nAnn,\nBob,referral\n"
    result = imp(db, write(tmp_path, "s.csv", text))
    cards = by_name(db)
    assert cards["Ann"]["source"] == "import" and cards["Bob"]["source"] == "referral"
    assert {c["import_batch"] for c in cards.values()} == {result.batch}
    assert result.batch == NOW.strftime("%Y%m%d-%H%M%S")
    with db.connect() as conn:
        batch = conn.execute("SELECT id, source, created FROM importbatch").fetchone()
        journal = conn.execute("SELECT id, import_batch FROM journal").fetchall()
        changed = conn.execute(
            'SELECT table_name, row_id, prospect_id, "before" FROM journal_row ORDER BY row_id'
        ).fetchall()
    assert batch[0] == result.batch and batch[1].endswith("s.csv") and batch[2] == 2
    ids = sorted(c["id"] for c in cards.values())
    assert [b for _id, b in journal] == [result.batch]  # one change, one row per new card
    assert changed == [("prospect", i, i, None) for i in ids]
    second = imp(db, write(tmp_path, "t.csv", "Name\nCara\n"), source="exhibition")
    assert second.batch == f"{result.batch}-2" and by_name(db)["Cara"]["source"] == "exhibition"


def test_values_of_every_kind(db: Database, tmp_path: Path) -> None:
    text = (
        "name,status,stage,key_account,money,priority,next_date,birthday,value,created_at\n"
        "Kim,customer,prospective,yes,yes,2,fri,12/25/1990,\"1,234.50\",2026-01-02 03:04:05\n"
    )
    imp(db, write(tmp_path, "k.csv", text))
    kim = store.get_prospect(db, by_name(db)["Kim"]["id"], TODAY).fields
    assert (kim["status"], kim["stage"], kim["key_account"], kim["money"]) == (
        "customer", "prospective", True, "yes",
    )
    assert kim["priority"] == 2 and kim["value"] == 1234.5
    assert kim["next_date"] == date(2026, 11, 20) and kim["birthday"] == date(1990, 12, 25)
    assert kim["created_at"].isoformat() == "2026-01-02T03:04:05"
    assert kim["closed_at"] == NOW  # a closed card gets its closing time


def test_a_new_customer_is_at_the_customer_stage(db: Database, tmp_path: Path) -> None:
    imp(db, write(tmp_path, "c.csv", "name,status\nKim,customer\nLee,parked\n"))
    cards = by_name(db)
    assert (cards["Kim"]["stage"], cards["Lee"]["stage"]) == ("customer", "target")


# --------------------------------------------------------------------------- vCard

VCARD_3 = """BEGIN:VCARD
VERSION:3.0
FN:Grace Hopper
N:Hopper;Grace;;;
ORG:Navy Labs;R&D
TITLE:Admiral
TEL;TYPE=WORK,VOICE:+1 555 0199
TEL;TYPE=CELL:+1 555 0100
EMAIL;TYPE=INTERNET:grace@navy.mil
ADR;TYPE=WORK:;;1 Main St;Arlington;VA;22201;USA
NOTE:met at the expo\\, wants a demo
BDAY:1906-12-09
CATEGORIES:Navy,VIP
URL:https://navy.mil
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:Lovelace;Ada;;;
EMAIL:ada@engine.io
END:VCARD
"""
VCARD_4 = """BEGIN:VCARD
VERSION:4.0
FN:王伟
N:王;伟;;;
ORG:华信科技
TEL;VALUE=uri;TYPE="cell,voice":tel:+86-138-0013-8000
EMAIL;TYPE=work:wang@huaxin.cn
ADR;TYPE=work:;;浦东大道100号;上海;;200120;中国
BDAY:--0415
X-SALESDESK-GRADE:A
END:VCARD
BEGIN:VCARD
VERSION:4.0
this line is not a property
END:VCARD
"""


def test_vcard_3(db: Database, tmp_path: Path) -> None:
    result = imp(db, write(tmp_path, "phone.vcf", VCARD_3), keep_extra=True)
    assert result.created == 2 and "vCard" in result.description and result.unit == "card"
    grace = by_name(db)["Grace Hopper"]
    assert (grace["company"], grace["title"], grace["phone"]) == ("Navy Labs", "Admiral",
                                                                   "+1 555 0100")
    assert grace["address"] == "1 Main St, Arlington, VA, 22201, USA"
    assert grace["area"] == "Arlington" and grace["birthday"] == "1906-12-09"
    assert grace["tags"] == "Navy, VIP"
    assert grace["notes"].startswith("met at the expo, wants a demo\n")
    assert "Url: https://navy.mil" in grace["notes"]
    assert points(db, grace["id"]) == [("phone", "work", "+1 555 0199")]  # kept, typed
    assert by_name(db)["Ada Lovelace"]["email"] == "ada@engine.io"


def test_vcard_4_with_a_broken_card(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "contacts.vcf", VCARD_4)
    result = imp(db, path)
    assert result.blocked and [(e.row, e.column) for e in result.errors] == [(2, "vCard")]
    result = imp(db, path, skip_errors=True)
    wang = by_name(db)["王伟"]
    assert wang["phone"] == "+86-138-0013-8000" and wang["grade"] == "A"
    assert wang["area"] == "上海" and wang["notes"] == "Birthday: 04-15"


def test_vcard_refuses_map_and_non_vcard(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--map applies to CSV"):
        imp(db, write(tmp_path, "a.vcf", VCARD_3), mapping={"FN": "name"})
    with pytest.raises(InputError, match="not a vCard"):
        imp(db, write(tmp_path, "b.vcf", "Name\nAnn\n"))


# --------------------------------------------------------------------------- undo-import


def test_undo_import_removes_cards_and_activities_and_restores_updates(
    db: Database, tmp_path: Path, existing: dict[str, int]
) -> None:
    result = imp(db, write(tmp_path, "d.csv", DUPES), on_duplicate="update")
    new_id = by_name(db)["New Person Again"]["id"]
    store.log_touch(db, NOW, new_id, "call", "after the import")
    store.set_next_step(db, NOW, existing["wang"], TODAY + timedelta(days=3), "visit")
    undone = batches.undo_import(db, result.batch or "")
    assert (undone.removed, undone.restored) == (1, 3)
    assert count(db) == 3 and count(db, "importbatch") == 0
    wang = store.get_prospect(db, existing["wang"], TODAY).fields
    assert (wang["name"], wang["grade"]) == ("王伟", "B")  # the import's changes are gone
    assert wang["next_date"] == TODAY + timedelta(days=3)  # a later edit is kept
    with pytest.raises(NotFound):
        batches.undo_import(db, result.batch or "")
    with pytest.raises(NotFound, match="no import to undo"):
        batches.undo_import(db, "last")


def test_undo_import_leaves_no_undo_entry_about_removed_cards(
    db: Database, tmp_path: Path
) -> None:
    """Exploratory test: after undo-import, `undo` undid "plan visit to 张三" for a card that
    no longer existed. Every later change to the removed cards leaves the journal with them."""
    from salesdesk.data import visits

    keep = store.add_prospect(db, CREATED, "Keeper")
    result = imp(db, write(tmp_path, "g.csv", "name\n张三\n"))
    zhang = by_name(db)["张三"]["id"]
    store.log_touch(db, NOW, zhang, "call", "after the import")
    visits.plan_visit(db, NOW, zhang, TODAY + timedelta(days=2))
    store.regrade(db, NOW, zhang, "B")
    batches.undo_import(db, result.batch or "")
    undone = store.undo(db)  # the next undo is the change before the import
    assert undone is not None and undone.label == "add Keeper"
    assert keep in undone.prospect_ids


def test_list_batches(db: Database, tmp_path: Path) -> None:
    imp(db, write(tmp_path, "a.csv", "Name\nAnn\nBob\n"))
    info = batches.list_batches(db)
    assert [(b.created, b.remaining, Path(b.source).name) for b in info] == [(2, 2, "a.csv")]


# ---------------------------------------------------------------------- updates on the timeline

#: The cards were made a month before the import, so the week of the import has only its changes.
CREATED = NOW - timedelta(days=30)
UPDATES = (
    "Name,Email,Grade,status,stage,Value\n"  # status, stage: SalesDesk's own column names
    "Ann,ann@example.com,B,,,\n"  # promoted C → B
    "Bob,bob@example.com,,customer,,12000\n"  # won, with the amount
    "Cara,cara@example.com,A,,interested,\n"  # the same grade; a new stage
    "Dan,dan@example.com,C,,,\n"  # demoted A → C
    "Eve,eve@example.com,,dropped,,\n"  # dropped
)


@pytest.fixture
def pool(db: Database) -> dict[str, int]:
    """Five live cards, graded a month before the import."""
    return {
        "ann": store.add_prospect(db, CREATED, "Ann", email="ann@example.com"),
        "bob": store.add_prospect(
            db, CREATED, "Bob", email="bob@example.com", grade="B", value=5000.0,
            next_date=TODAY + timedelta(days=2), next_action="send the contract",
        ),
        "cara": store.add_prospect(db, CREATED, "Cara", email="cara@example.com", grade="A"),
        "dan": store.add_prospect(db, CREATED, "Dan", email="dan@example.com", grade="A"),
        "eve": store.add_prospect(db, CREATED, "Eve", email="eve@example.com", grade="B"),
    }


def timeline(db: Database, prospect_id: int) -> list[tuple[Any, ...]]:
    """The card's grade, status and stage activities, oldest first."""
    with db.connect() as conn:
        return conn.execute(
            "SELECT kind, at, from_grade, to_grade, note FROM activity WHERE prospect_id = ? "
            "AND kind IN ('grade', 'status', 'stage') ORDER BY at, id",
            (prospect_id,),
        ).fetchall()


def facts(db: Database, prospect_id: int) -> list[tuple[Any, ...]]:
    """The typed columns of the card's status and stage changes, oldest first."""
    with db.connect() as conn:
        return conn.execute(
            "SELECT kind, from_status, to_status, amount, from_stage, to_stage FROM activity "
            "WHERE prospect_id = ? AND kind IN ('status', 'stage') ORDER BY at, id",
            (prospect_id,),
        ).fetchall()


def week_outcomes(db: Database, day: date) -> dict[str, list[str]]:
    """The weekly review's outcomes for the week of ``day``, as names per list."""
    out = load_weekly_review(db, week_start(day), TODAY).outcomes
    lists = {
        "won": out.won, "lost": out.lost, "dropped": out.dropped, "parked": out.parked,
        "reopened": out.reopened, "promoted": out.promoted, "demoted": out.demoted,
    }
    return {key: [ref.name for ref in refs] for key, refs in lists.items() if refs}


def test_updating_import_records_regrades_and_status_changes(
    db: Database, tmp_path: Path, pool: dict[str, int]
) -> None:
    result = imp(db, write(tmp_path, "update.csv", UPDATES), on_duplicate="update")
    assert (result.created, result.updated) == (0, 5)
    at = sql_timestamp(NOW)
    note = "import: update.csv"
    assert timeline(db, pool["ann"]) == [("grade", at, "C", "B", note)]
    assert timeline(db, pool["dan"]) == [("grade", at, "A", "C", note)]
    assert timeline(db, pool["bob"]) == [
        ("stage", at, None, None, f"target → customer · {note}"),  # a win: the customer stage
        ("status", at, None, None, f"live → customer (12,000) · {note}"),
    ]
    assert timeline(db, pool["eve"]) == [("status", at, None, None, f"live → dropped · {note}")]
    # Not the grade the card already had; the stage from the file's stage column.
    assert timeline(db, pool["cara"]) == [
        ("stage", at, None, None, f"target → interested · {note}")
    ]
    # The side effects of `grade` and `won`: graded and reviewed now, closed now, a won card
    # is at the customer stage with no next step left.
    ann = store.get_prospect(db, pool["ann"], TODAY).fields
    assert (ann["grade"], ann["graded_at"], ann["reviewed_at"]) == ("B", NOW, NOW)
    bob = store.get_prospect(db, pool["bob"], TODAY).fields
    assert (bob["status"], bob["closed_at"], bob["stage"], bob["value"]) == (
        "customer", NOW, "customer", 12000.0,
    )
    assert bob["next_date"] is None and bob["grade"] == "B"
    cara = store.get_prospect(db, pool["cara"], TODAY).fields
    assert cara["graded_at"] == CREATED and cara["reviewed_at"] is None
    # The card detail shows the changes in the timeline, newest first: the win on top.
    detail = store.get_prospect(db, pool["bob"], TODAY)
    assert [(a.kind, a.note) for a in detail.activities] == [
        ("status", f"live → customer (12,000) · {note}"),
        ("stage", f"target → customer · {note}"),
    ]


def test_weekly_review_counts_what_an_updating_import_changed(
    db: Database, tmp_path: Path, pool: dict[str, int]
) -> None:
    imp(db, write(tmp_path, "update.csv", UPDATES), on_duplicate="update")
    assert week_outcomes(db, TODAY) == {
        "won": ["Bob"], "dropped": ["Eve"], "promoted": ["Ann"], "demoted": ["Dan"],
    }
    review = load_weekly_review(db, week_start(TODAY), TODAY)
    assert review.outcomes.won_value == 12000
    assert review.pool.by_grade == {"A": 1, "B": 1, "C": 1} and review.pool.live == 3
    assert review.funnel == {
        "target": 2, "interested": 1, "intentional": 0, "prospective": 0, "customer": 1,
    }
    # The week before is rebuilt as it was: every card live with its old grade.
    last_week = TODAY - timedelta(days=7)
    assert week_outcomes(db, last_week) == {}
    before = load_weekly_review(db, week_start(last_week), TODAY)
    assert before.pool.by_grade == {"A": 2, "B": 2, "C": 1} and before.pool.live == 5
    assert before.funnel["target"] == 5 and before.funnel["customer"] == 0


def test_updating_import_matches_the_manual_commands(
    db: Database, tmp_path: Path, pool: dict[str, int]
) -> None:
    """The same regrade, win and stage change, once by hand (`grade`, `won`, the card
    detail) and once by an import."""
    ann2 = store.add_prospect(db, CREATED, "Ann Two")
    cara2 = store.add_prospect(db, CREATED, "Cara Two", grade="A")
    bob2 = store.add_prospect(
        db, CREATED, "Bob Two", grade="B", value=5000.0,
        next_date=TODAY + timedelta(days=2), next_action="send the contract",
    )
    store.regrade(db, NOW, ann2, "B")
    store.set_status(db, NOW, bob2, "customer", value=12000.0)
    store.update_fields(db, NOW, cara2, {"stage": "interested"})
    imp(db, write(tmp_path, "update.csv", UPDATES), on_duplicate="update")
    for imported, manual in ((pool["ann"], ann2), (pool["bob"], bob2), (pool["cara"], cara2)):
        by_import, by_hand = timeline(db, imported), timeline(db, manual)
        assert [a[:4] for a in by_import] == [a[:4] for a in by_hand]
        assert facts(db, imported) == facts(db, manual)
        assert [a[4] for a in by_import] == [
            f"{a[4]} · import: update.csv" if a[4] else "import: update.csv" for a in by_hand
        ]
        fields = ("grade", "status", "graded_at", "reviewed_at", "closed_at", "stage",
                  "next_date", "next_action", "value")
        card = store.get_prospect(db, imported, TODAY).fields
        twin = store.get_prospect(db, manual, TODAY).fields
        assert {f: card[f] for f in fields} == {f: twin[f] for f in fields}
    assert ("status", "live", "customer", 12000.0, None, None) in facts(db, pool["bob"])


def test_undo_removes_the_activities_of_an_updating_import(
    db: Database, tmp_path: Path, pool: dict[str, int]
) -> None:
    store.log_touch(db, CREATED, pool["ann"], "call", "before the import")
    before = snapshot(db)
    imp(db, write(tmp_path, "update.csv", UPDATES), on_duplicate="update")
    assert count(db, "activity") == 1 + 6
    undone = store.undo(db)
    assert undone is not None and "import update.csv" in undone.label
    assert snapshot(db) == before and week_outcomes(db, TODAY) == {}


def test_undo_import_removes_the_activities_of_an_updating_import(
    db: Database, tmp_path: Path, pool: dict[str, int]
) -> None:
    store.log_touch(db, CREATED, pool["ann"], "call", "before the import")
    text = UPDATES + "Fay,fay@example.com,A,,\n"  # a new card
    result = imp(db, write(tmp_path, "update.csv", text), on_duplicate="update")
    fay = by_name(db)["Fay"]["id"]
    store.log_touch(db, NOW, pool["ann"], "visit", "after the import")
    store.regrade(db, NOW, fay, "B")
    undone = batches.undo_import(db, result.batch or "")
    assert (undone.removed, undone.restored) == (1, 5)
    with db.connect() as conn:
        left = conn.execute("SELECT prospect_id, kind, note FROM activity ORDER BY id").fetchall()
    assert left == [
        (pool["ann"], "call", "before the import"),
        (pool["ann"], "visit", "after the import"),  # later work is kept
    ]
    bob = store.get_prospect(db, pool["bob"], TODAY).fields
    assert (bob["status"], bob["stage"], bob["closed_at"], bob["value"]) == (
        "live", "target", None, 5000.0,
    )
    assert bob["next_date"] == TODAY + timedelta(days=2)  # the win's side effects are undone
    assert week_outcomes(db, TODAY) == {}
    assert count(db, "journal") == 5 + 1 + 1  # the adds and the touches; not the import


def test_a_past_next_step_in_a_file_is_kept_and_pointed_out(
    db: Database, tmp_path: Path
) -> None:
    """A file is data: an overdue step stays overdue (no step is ever set in the past by
    hand), but the preview says how many there are."""
    text = "name,next_date,next_action\nOld,2020-01-01,call\nNew,2026-12-01,call\n"
    preview = imp(db, write(tmp_path, "p.csv", text), dry_run=True)
    assert preview.past_steps == 1
    assert "1 with a next step already past (kept: overdue)" in preview.summary()
    imp(db, write(tmp_path, "p.csv", text))
    assert by_name(db)["Old"]["next_date"] == "2020-01-01"


def test_a_small_text_file_with_a_few_control_characters_is_not_binary(
    db: Database, tmp_path: Path
) -> None:
    """Exploratory test: a 250-byte CSV whose one cell held escape codes was refused as
    "a binary file". A few control characters are text; they are kept and never shown raw."""
    path = write(tmp_path, "esc.csv", "name,notes\nRed,\x1b[31mred\x1b]0;title\x07 end\x0bmore\n")
    result = imp(db, path)
    assert result.created == 1
    assert "\x1b[31mred" in by_name(db)["Red"]["notes"]
    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(1, 32)) * 40)  # control characters throughout
    with pytest.raises(InputError, match="binary file"):
        imp(db, binary)


def test_updating_with_the_same_file_again_changes_nothing(
    db: Database, tmp_path: Path
) -> None:
    """A re-import of an unchanged file is not reported as updates, writes nothing and
    leaves no undo entry."""
    path = write(tmp_path, "same.csv",
                 "name,phone,grade,value\nAnn,13511112222,A,5000\nBob,13599998888,B,\n")
    imp(db, path)
    journal = count(db, "journal")
    again = imp(db, path, on_duplicate="update")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert "already up to date" in again.summary()
    assert count(db, "journal") == journal and count(db, "importbatch") == 1
    changed = imp(db, write(tmp_path, "one.csv", "name,phone,grade\nAnn,13511112222,B\n"),
                  on_duplicate="update")
    assert (changed.updated, changed.unchanged) == (1, 0)


def test_undo_import_keeps_a_field_edited_again_after_the_import(
    db: Database, tmp_path: Path
) -> None:
    """Exploratory test: the grade the rep changed by hand after an updating import was put
    back to its pre-import value by undo-import. Fields edited since stay; the others are
    restored."""
    ann = store.add_prospect(db, CREATED, "Ann", phone="13511112222", grade="B", value=1000.0)
    text = "name,phone,grade,value\nAnn,13511112222,A,5000\n"
    result = imp(db, write(tmp_path, "u.csv", text), on_duplicate="update")
    store.regrade(db, NOW, ann, "C")  # by hand, after the import
    undone = batches.undo_import(db, result.batch or "")
    card = store.get_prospect(db, ann, TODAY)
    assert (card["grade"], card["value"]) == ("C", 1000.0)  # the edit stays, value restored
    assert (undone.restored, undone.kept) == (1, 1)
    grades = [(a.from_grade, a.to_grade) for a in card.activities if a.kind == "grade"]
    assert grades == [("A", "C")]  # the import's own entry went with it


def test_updating_import_twice_in_one_file_and_cards_it_created(
    db: Database, tmp_path: Path, pool: dict[str, int]
) -> None:
    text = (
        "Name,Email,Grade\n"
        "Ann,ann@example.com,B\n"
        "Ann,ann@example.com,A\n"  # the same card again: a second regrade
        "Gus,gus@example.com,C\n"  # a new card...
        "Gus,gus@example.com,A\n"  # ...given its grade by a later row: no regrade
    )
    imp(db, write(tmp_path, "twice.csv", text), on_duplicate="update")
    at, note = sql_timestamp(NOW), "import: twice.csv"
    assert timeline(db, pool["ann"]) == [
        ("grade", at, "C", "B", note),
        ("grade", at, "B", "A", note),
    ]
    gus = by_name(db)["Gus"]
    assert gus["grade"] == "A" and timeline(db, gus["id"]) == []
    assert week_outcomes(db, TODAY) == {"promoted": ["Ann"]}


def test_updating_import_grades_a_closed_card_without_reopening_it(
    db: Database, tmp_path: Path, pool: dict[str, int]
) -> None:
    """Only a status column changes a status: a CRM's rating does not reopen a customer."""
    store.set_status(db, CREATED, pool["bob"], "customer")
    imp(db, write(tmp_path, "g.csv", "Name,Email,Grade\nBob,bob@example.com,A\n"),
        on_duplicate="update")
    bob = store.get_prospect(db, pool["bob"], TODAY).fields
    assert (bob["status"], bob["grade"], bob["graded_at"]) == ("customer", "A", NOW)
    assert [a[0] for a in timeline(db, pool["bob"])] == ["stage", "status", "grade"]
    # Reopened by a status column: recorded as a reopening.
    imp(db, write(tmp_path, "s.csv", "Name,Email,status\nBob,bob@example.com,live\n"),
        on_duplicate="update")
    bob = store.get_prospect(db, pool["bob"], TODAY).fields
    assert (bob["status"], bob["closed_at"], bob["stage"]) == ("live", None, "customer")
    assert timeline(db, pool["bob"])[-1][4] == "customer → live · import: s.csv"


def test_updating_import_keeps_the_files_own_timestamps(
    db: Database, tmp_path: Path, pool: dict[str, int]
) -> None:
    """A SalesDesk export carries graded_at and closed_at: the card keeps the file's, and the
    change is on the timeline at the time of the import."""
    text = (
        "name,email,grade,graded_at,status,closed_at\n"
        "Ann,ann@example.com,A,2026-11-16 10:00:00,,\n"
        "Eve,eve@example.com,,,lost,2026-11-17 15:30:00\n"
    )
    imp(db, write(tmp_path, "export.csv", text), on_duplicate="update")
    ann = store.get_prospect(db, pool["ann"], TODAY).fields
    assert ann["graded_at"] == datetime(2026, 11, 16, 10, 0)
    eve = store.get_prospect(db, pool["eve"], TODAY).fields
    assert eve["closed_at"] == datetime(2026, 11, 17, 15, 30)
    at = sql_timestamp(NOW)
    assert timeline(db, pool["ann"]) == [("grade", at, "C", "A", "import: export.csv")]
    assert timeline(db, pool["eve"]) == [
        ("status", at, None, None, "live → lost · import: export.csv")
    ]


def test_dry_run_of_an_updating_import_records_nothing(
    db: Database, tmp_path: Path, pool: dict[str, int]
) -> None:
    before = snapshot(db)
    result = imp(db, write(tmp_path, "update.csv", UPDATES), on_duplicate="update", dry_run=True)
    assert result.updated == 5 and snapshot(db) == before


def test_cli_updating_import_shows_in_timeline_and_review_until_undone(
    db_path: Path, tmp_path: Path
) -> None:
    database = open_database(db_path)
    try:
        ann = store.add_prospect(database, CREATED, "Ann", email="ann@example.com")
        store.add_prospect(database, CREATED, "Bob", email="bob@example.com", grade="B")
    finally:
        database.close()
    path = write(tmp_path, "update.csv", UPDATES)
    result = sd(db_path, "import", str(path), "--on-duplicate", "update")
    assert result.exit_code == 0 and "updated 2" in result.stdout, result.output
    shown = sd(db_path, "show", str(ann)).stdout
    assert "C → B" in shown and "import: update.csv" in shown
    review = json.loads(sd(db_path, "review", "--json").stdout)["outcomes"]
    assert [m["name"] for m in review["promoted"]] == ["Ann"]
    assert [m["name"] for m in review["won"]] == ["Bob"] and review["won_value"] == 12000
    assert sd(db_path, "undo-import", "last").exit_code == 0
    review = json.loads(sd(db_path, "review", "--json").stdout)["outcomes"]
    assert review["promoted"] == [] and review["won"] == []
    assert "import: update.csv" not in sd(db_path, "show", str(ann)).stdout



# --------------------------------------------------------------------------- pure rules


def test_card_values_pure() -> None:
    values, errors = card_values(
        {"first_name": "Anna", "last_name": "Smith", "phone": "n/a", "value": "¥8,000",
         "grade": "b类", "company": "  Acme   Ltd "},
        TODAY,
    )
    assert errors == []
    assert values == {"name": "Anna Smith", "value": 8000.0, "grade": "B", "company": "Acme   Ltd"}
    values, errors = card_values({"company": "华信科技"}, TODAY)
    assert values == {"company": "华信科技", "name": "华信科技", "kind": "company"}
    _values, errors = card_values({"name": "Ann\nBob", "phone": "none at all"}, TODAY)
    assert [e[0] for e in errors] == ["name", "phone"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)), ("2026/12/1", date(2026, 12, 1)),
        ("2026年12月1日", date(2026, 12, 1)), ("25/12/1990", date(1990, 12, 25)),
        ("12/25/1990", date(1990, 12, 25)), ("3/3/90", date(1990, 3, 3)),
        ("2026-12-01T10:00:00", date(2026, 12, 1)), ("tomorrow", date(2026, 11, 19)),
        ("0/0/00", None), ("19800115", date(1980, 1, 15)),
    ],
)
def test_parse_import_date(text: str, expected: date | None) -> None:
    assert parse_import_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["3/4/2020", "2026-02-30", "someday"])
def test_parse_import_date_refuses(text: str) -> None:
    with pytest.raises(InputError):
        parse_import_date(text, TODAY)


def test_duplicate_keys_and_names() -> None:
    assert phone_key("+86 138-0013-8000") == phone_key("13800138000") == "+8613800138000"
    assert phone_key("0086 13800138000") == "+8613800138000" and phone_key("12") is None
    assert card_keys("Ann  Lee", "", [""], [" A@B.com "], "CN") == ["e:a@b.com", "n:ann lee\x1f"]
    assert compose_name({"first_name": "伟", "last_name": "王"}) == "王伟"
    parts = {"first_name": "Ada", "middle_name": "K", "last_name": "Lee"}
    assert compose_name(parts) == "Ada K Lee"


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_formula_neutralising_round_trip(text: str) -> None:
    assert neutralise(text) == "'" + text and unneutralise(neutralise(text)) == text


@pytest.mark.parametrize("text", ["'quoted", "plain", "", "'", "O'Brien"])
def test_harmless_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text and unneutralise(text) == text


# --------------------------------------------------------------------------- CLI


def sd(db_path: Path, *args: str) -> Any:
    return runner.invoke(app, ["--db", str(db_path), *args])


def test_cli_dry_run_lists_everything_and_writes_nothing(db_path: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", CHINESE + "[bold]Mark[/],,,x@,abc,Z,\n")
    result = sd(db_path, "import", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "姓名 → name" in out and "[bold]Mark[/]" not in out  # errors do not create it
    assert "row 4, 等级: invalid grade 'Z': use A, B or C" in out
    assert "row 4, 金额: invalid amount 'abc'" in out
    assert "row 2" in out and "王伟" in out and "Nothing was written" in out
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM prospect").fetchone()[0] == 0
    conn.close()


def test_cli_errors_block_with_one_line(db_path: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", CHINESE + "Mark,,,,,Z,\n")
    result = sd(db_path, "import", str(path))
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "1 row has errors, nothing was imported: row 4, 等级" in result.stderr
    result = sd(db_path, "import", str(path), "--skip-errors")
    assert result.exit_code == 0 and "created 2" in result.stdout
    assert "undo-import" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--on-duplicate", "merge"], "skip, update or new"),
        (["--map", "nonsense"], "COLUMN=FIELD"),
        (["--format", "xls"], "use csv, vcf, xlsx or json"),
    ],
)
def test_cli_bad_options(db_path: Path, tmp_path: Path, args: list[str], message: str) -> None:
    path = write(tmp_path, "c.csv", CHINESE)
    result = sd(db_path, "import", str(path), *args)
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary\xff" * 100])
def test_cli_bad_files(db_path: Path, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = sd(db_path, "import", str(path))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.usefixtures("db")  # a named --db must exist for this command
def test_cli_undo_import(db_path: Path, tmp_path: Path) -> None:
    assert "No imports yet" in sd(db_path, "undo-import").stdout
    path = write(tmp_path, "c.csv", CHINESE)
    assert sd(db_path, "import", str(path)).exit_code == 0
    listing = sd(db_path, "undo-import").stdout
    batch = NOW.strftime("%Y%m%d-%H%M%S")
    assert batch in listing and "c.csv" in listing and "2 still there" in listing
    result = sd(db_path, "undo-import", batch)
    assert result.exit_code == 0 and "removed 2 prospects" in result.stdout
    assert list((db_path.parent / "backups").glob("*before-undo-import*.db"))
    result = sd(db_path, "undo-import", "nope")
    assert result.exit_code == 1 and "no import batch 'nope'" in result.stderr


def test_a_cold_start_does_not_import_the_import_machinery() -> None:
    import subprocess
    import sys

    code = (
        "import sys, json\n"
        "import salesdesk.cli.main, salesdesk.app, salesdesk.screens.board\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('salesdesk'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    loaded = set(json.loads(done.stdout))
    assert "salesdesk.cli.io" in loaded  # the commands register at start
    assert not {m for m in loaded if m.startswith("salesdesk.data.io")}
    assert "salesdesk.data.backup" not in loaded and "salesdesk.screens.import_file" not in loaded


def _prospect_indexes(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = "
            "'prospect' ORDER BY name").fetchall()


def test_a_first_import_builds_the_card_indexes_after_the_rows(
    db: Database, tmp_path: Path
) -> None:
    """An import into an empty book drops the card table's plain indexes for its inserts
    and builds them again before it commits; a failed or dry run leaves them as they were."""
    fresh = _prospect_indexes(db.path)
    assert len(fresh) >= 5
    bad = tmp_path / "bad.csv"
    bad.write_text("name,grade\nAnn,A\nBob,Z\n", encoding="utf-8")
    assert not run_import(db, bad, NOW, ImportOptions()).committed  # Z: nothing imported
    run_import(db, bad, NOW, ImportOptions(dry_run=True))
    assert _prospect_indexes(db.path) == fresh
    good = tmp_path / "good.csv"
    good.write_text("name,area,grade\nAnn,浦东,A\nBob,徐汇,B\n", encoding="utf-8")
    assert run_import(db, good, NOW, ImportOptions()).created == 2
    assert _prospect_indexes(db.path) == fresh
    with sqlite3.connect(db.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        plan = " ".join(str(r) for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM prospect WHERE area = '徐汇'"))
    assert "ix_prospect_area" in plan
