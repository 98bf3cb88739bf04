"""Files in the shapes real exporters write (fixtures written for these tests from their
documented headers): LinkedIn's preamble, Salesforce's and Zoho's Rating, a second header
block, rows with only an email or a phone, Excel workbooks, SalesDesk's own JSON, and clear
refusals for calendars and old workbooks. Each test says which field lands where."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from salesdesk.cli.main import app
from salesdesk.data import store, visits
from salesdesk.data.db import Database, open_database
from salesdesk.data.io.export import export
from salesdesk.data.io.importer import ImportOptions, ImportResult, run_import
from salesdesk.errors import InputError

from .conftest import NOW, TODAY

runner = CliRunner()

LINKEDIN = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing. You will only see email addresses for connections who have allowed their '
    'connections to see or download their email address."\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Grace,Hopper,https://www.linkedin.com/in/grace,grace@navy.mil,Navy Labs,Admiral,"
    "12 Mar 2024\n"
    "Alan,Turing,https://www.linkedin.com/in/alan,,Bletchley,Cryptanalyst,01 Feb 2023\n"
)
SALESFORCE = (
    "First Name,Last Name,Title,Company / Account,Email,Phone,Mobile,Lead Source,Rating,"
    "Lead Status\n"
    "Ada,Lovelace,CTO,Engines Ltd,ada@engines.io,+44 20 7946 0001,+44 7700 900001,Web,Hot,"
    "Working - Contacted\n"
    "Bob,Stone,Buyer,Stone Ltd,bob@stone.co,+44 20 7946 0002,,Trade Show,Cold,Open\n"
)
ZOHO = (
    "Lead Owner,First Name,Last Name,Company,Email,Phone,Mobile,Lead Source,Lead Status,"
    "Rating,Street,City\n"
    "Sam Rep,Lin,Mei,Mei Trading,lin@mei.cn,021-5555-0101,13800138001,Cold Call,Contacted,"
    "Active,1 Nanjing Rd,Shanghai\n"
)
GOOGLE_OTHER = (  # Google's "Other contacts": an address and nothing else
    "First Name,Last Name,E-mail 1 - Value,Phone 1 - Value\n"
    ",,someone@example.com,\n"
    ",,,+1 555 0100\n"
)
TWO_BLOCKS = (
    "Name,Phone\nAnn,13800138000\n\n"
    "Company,Contact,Mobile,Email\nAcme,Bob,13900139000,bob@acme.cn\n"
)


def imp(db: Database, tmp_path: Path, name: str, text: str, **options: Any) -> ImportResult:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run_import(db, path, NOW, ImportOptions(**options))


def cards(db: Database) -> dict[str, dict[str, Any]]:
    with db.connect() as conn:
        result = conn.execute("SELECT * FROM prospect ORDER BY id")
        names = [c[0] for c in result.description]
        return {r[names.index("name")]: dict(zip(names, r, strict=True)) for r in result}


def test_linkedin_connections_with_its_notes_preamble(db: Database, tmp_path: Path) -> None:
    result = imp(db, tmp_path, "Connections.csv", LINKEDIN)
    assert result.committed and result.created == 2, result.errors
    grace = cards(db)["Grace Hopper"]
    assert (grace["email"], grace["company"], grace["title"]) == (
        "grace@navy.mil", "Navy Labs", "Admiral")
    assert cards(db)["Alan Turing"]["company"] == "Bletchley"
    assert any("the header is row 4" in hint for hint in result.hints)
    assert set(result.unmapped) == {"URL", "Connected On"}


@pytest.mark.parametrize(("name", "text"), [("salesforce.csv", SALESFORCE), ("zoho.csv", ZOHO)])
def test_a_crm_rating_is_not_taken_as_the_grade(
    db: Database, tmp_path: Path, name: str, text: str
) -> None:
    result = imp(db, tmp_path, name, text, keep_extra=True)
    assert result.committed and result.error_rows == 0, result.errors
    (hint,) = [h for h in result.hints if "Rating" in h]
    assert "not grades A/B/C" in hint and "--map Rating=ignore" in hint
    for card in cards(db).values():
        assert card["grade"] == "C" and "Rating: " in card["notes"]


def test_salesforce_fields_land_where_they_belong(db: Database, tmp_path: Path) -> None:
    imp(db, tmp_path, "salesforce.csv", SALESFORCE)
    ada = cards(db)["Ada Lovelace"]
    assert (ada["company"], ada["title"], ada["email"], ada["source"]) == (
        "Engines Ltd", "CTO", "ada@engines.io", "Web")
    assert ada["phone"] == "+44 7700 900001"  # the mobile is the main phone
    with db.connect() as conn:
        assert conn.execute("SELECT value FROM contact_point WHERE prospect_id = ?",
                            (ada["id"],)).fetchall() == [("+44 20 7946 0001",)]


def test_zoho_fields_land_where_they_belong(db: Database, tmp_path: Path) -> None:
    imp(db, tmp_path, "zoho.csv", ZOHO)
    lin = cards(db)["Lin Mei"]
    assert (lin["company"], lin["phone"], lin["address"], lin["area"], lin["source"]) == (
        "Mei Trading", "13800138001", "1 Nanjing Rd", "Shanghai", "Cold Call")


def test_the_rating_can_be_ignored_or_forced(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "sf.csv"
    path.write_text(SALESFORCE, encoding="utf-8")
    result = runner.invoke(app, ["--db", str(db.path), "import", str(path), "--dry-run"])
    assert result.exit_code == 0 and "--map Rating=ignore" in " ".join(result.output.split())
    forced = runner.invoke(app, ["--db", str(db.path), "import", str(path), "--map",
                                 "Rating=grade"])
    assert forced.exit_code == 2 and "invalid grade 'Hot'" in forced.output


def test_rows_with_only_an_email_or_a_phone_become_cards(db: Database, tmp_path: Path) -> None:
    result = imp(db, tmp_path, "other.csv", GOOGLE_OTHER)
    assert result.created == 2 and result.error_rows == 0
    assert set(cards(db)) == {"someone@example.com", "+1 555 0100"}


def test_a_second_header_block_is_read_by_its_own_header(db: Database, tmp_path: Path) -> None:
    result = imp(db, tmp_path, "two.csv", TWO_BLOCKS)
    assert result.committed and result.created == 2, result.errors
    bob = cards(db)["Bob"]
    assert (bob["company"], bob["phone"], bob["email"]) == ("Acme", "13900139000", "bob@acme.cn")
    assert any("second block" in hint for hint in result.hints)


def test_an_excel_workbook(db: Database, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "公司", "手机", "金额", "生日"])
    sheet.append(["王伟", "华信科技", 13800138000, 30000, None])
    sheet.append(["李娜", "金桥物流", "13900000001", "1.5万", None])
    path = tmp_path / "客户.xlsx"
    book.save(path)
    result = run_import(db, path, NOW, ImportOptions())
    assert result.committed and "Excel workbook" in result.description
    wang = cards(db)["王伟"]
    assert (wang["phone"], wang["value"], wang["company"]) == ("13800138000", 30000.0, "华信科技")
    assert cards(db)["李娜"]["value"] == 15000.0


def test_the_json_export_comes_back_with_activities_and_visits(
    db: Database, tmp_path: Path
) -> None:
    pid = store.add_prospect(db, NOW, "罗艳", phone="13800138000")
    store.add_prospect(db, NOW, "罗艳", phone="13900139000")
    store.log_touch(db, NOW, pid, "call", "asked for a quote")
    visits.plan_visit(db, NOW, pid, TODAY)
    out = io.StringIO()
    export(db.path, "json", out)
    path = tmp_path / "all.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    other = open_database(tmp_path / "new" / "s.db")
    result = run_import(other, path, NOW, ImportOptions())
    assert result.committed and result.created == 2  # both 罗艳: a possible duplicate only
    with other.connect() as conn:
        notes = [r[0] for r in conn.execute("SELECT note FROM activity")]
        days = conn.execute("SELECT day, status FROM visit").fetchall()
    assert "asked for a quote" in notes and days == [(TODAY.isoformat(), "planned")]
    other.close()


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("visits.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "is a calendar"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "save it as .xlsx"),
        ("other.json", json.dumps({"contacts": []}).encode(), "not a SalesDesk export"),
        ("broken.xlsx", b"PK\x03\x04 not really", "not a readable Excel workbook"),
    ],
)
def test_files_that_are_not_contact_lists_are_refused_clearly(
    db: Database, tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=says):
        run_import(db, path, NOW, ImportOptions())
