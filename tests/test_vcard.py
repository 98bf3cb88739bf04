"""vCard in (vobject's own reader: any line ends, folding, 2.1 bare types, a bad property
losing only itself, several NOTEs, LABEL kept out of the address, KIND) and out (3.0 and
4.0 with UID, N split, typed TELs, the area as ADR's locality), and the round trip."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import vobject

from salesdesk.data import store
from salesdesk.data.db import Database, open_database
from salesdesk.data.io.export import export
from salesdesk.data.io.importer import ImportOptions, run_import
from salesdesk.data.io.vcard_out import split_name

from .conftest import NOW, TODAY

# The shapes of an iPhone's export: CR CR LF line ends (as some mail programs save them),
# a folded base64 PHOTO, item1. groups, several TYPE params.
IPHONE = (
    "BEGIN:VCARD\r\r\nVERSION:3.0\r\r\nPRODID:-//Apple Inc.//iPhone OS 17.0//EN\r\r\n"
    "N:Müller;Jürgen;;;\r\r\nFN:Jürgen Müller\r\r\nORG:Bäckerei Groß;\r\r\n"
    "item1.EMAIL;type=INTERNET;type=pref:juergen@example.de\r\r\n"
    "TEL;type=CELL;type=VOICE;type=pref:+49 170 1234567\r\r\n"
    "TEL;type=WORK;type=VOICE:+49 30 1234567\r\r\n"
    "item2.ADR;type=HOME;type=pref:;;Hauptstr. 1;Berlin;;10115;Germany\r\r\n"
    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQE\r\r\n"
    " BAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/\r\r\n"
    "NOTE:first note\r\r\nEND:VCARD\r\r\n"
)
# An Android 2.1 export: bare types, a fax, quoted-printable, an ORG cut mid-character.
ANDROID = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:;Lina;;;\r\nFN:Lina\r\n"
    "TEL;WORK;FAX:021-5555-0001\r\nTEL;WORK:021-5555-0002\r\nTEL;CELL:139 0000 0001\r\n"
    "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E9=87=91=E6=A1=A5=E7\r\n"
    "NOTE:one\r\nNOTE:two\r\n"
    "LABEL;HOME;ENCODING=QUOTED-PRINTABLE:Room 1=0D=0ABig Road\r\n"
    "ADR;HOME:;;Big Road 9;Shanghai;;;\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:2.1\r\nTEL;CELL:138 0013 8000\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:Team\r\nMEMBER:urn:uuid:1\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Acme Ltd\r\nORG:Acme Ltd\r\nEND:VCARD\r\n"
)


def cards(db: Database) -> dict[str, dict]:
    with db.connect() as conn:
        result = conn.execute("SELECT * FROM prospect ORDER BY id")
        names = [c[0] for c in result.description]
        return {r[names.index("name")]: dict(zip(names, r, strict=True)) for r in result}


def points(db: Database, pid: int) -> list[tuple[str, str, str]]:
    with db.connect() as conn:
        return conn.execute(
            "SELECT kind, label, value FROM contact_point WHERE prospect_id = ? ORDER BY position",
            (pid,)).fetchall()


def test_an_iphone_export_with_cr_cr_lf_and_a_folded_photo(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "iphone.vcf"
    path.write_bytes(IPHONE.encode("utf-8"))
    result = run_import(db, path, NOW, ImportOptions())
    assert result.committed and result.error_rows == 0
    card = cards(db)["Jürgen Müller"]
    assert (card["company"], card["phone"], card["email"]) == (
        "Bäckerei Groß", "+49 170 1234567", "juergen@example.de")
    assert (card["address"], card["area"], card["notes"]) == (
        "Hauptstr. 1, Berlin, 10115, Germany", "Berlin", "first note")
    assert points(db, card["id"]) == [("phone", "work", "+49 30 1234567")]


def test_an_android_21_export(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "android.vcf"
    path.write_bytes(ANDROID.encode("utf-8"))
    result = run_import(db, path, NOW, ImportOptions())
    assert result.committed, result.errors
    found = cards(db)
    lina = found["Lina"]
    assert lina["phone"] == "139 0000 0001"  # the mobile, never the fax
    assert points(db, lina["id"]) == [("phone", "fax", "021-5555-0001"),
                                      ("phone", "work", "021-5555-0002")]
    assert lina["company"] == "" and lina["notes"] == "one\ntwo"  # both NOTEs
    assert lina["address"] == "Big Road 9, Shanghai"  # LABEL does not leak in
    assert any("card 1: ORG" in hint and "left out" in hint for hint in result.hints)
    assert found["138 0013 8000"]["phone"] == "138 0013 8000"  # a phone only: named from it
    assert found["Acme Ltd"]["kind"] == "company"
    assert "Team" not in found and any("contact group" in hint for hint in result.hints)


@pytest.mark.parametrize(
    ("name", "kind", "parts"),
    [("王伟", "person", ("王", "伟")), ("欧阳娜娜", "person", ("欧阳", "娜娜")),
     ("Anna Smith", "person", ("Smith", "Anna")), ("Acme Ltd", "company", ("", "")),
     ("Dr. A. B. C. Smith", "person", ("", "Dr. A. B. C. Smith"))],
)
def test_n_is_split_where_the_family_name_is_known(
    name: str, kind: str, parts: tuple[str, str]
) -> None:
    assert split_name(name, kind) == parts


def _book(db: Database) -> int:
    pid = store.add_prospect(db, NOW, "王伟", company="华信科技", phone="13800138000",
                             email="wang@huaxin.cn", area="浦东", notes="喜欢下午联系")
    with db.begin() as conn:
        conn.execute("UPDATE prospect SET address = '浦东大道100号' WHERE id = ?", (pid,))
        conn.executemany(
            "INSERT INTO contact_point (prospect_id, kind, value, label, position) "
            "VALUES (?, ?, ?, ?, ?)",
            [(pid, "phone", "021-5555-0001", "fax", 1), (pid, "phone", "021-5555-0002",
                                                         "work", 2),
             (pid, "email", "wei@home.cn", "home", 3)])
    store.add_prospect(db, NOW, "罗艳", phone="13900139000")
    store.add_prospect(db, NOW, "罗艳", phone="13700137000")
    return pid


@pytest.mark.parametrize("fmt", ["vcf", "vcf4"])
def test_the_vcard_export_is_what_address_books_read(db: Database, fmt: str) -> None:
    pid = _book(db)
    out = io.StringIO()
    export(db.path, fmt, out)
    parsed = list(vobject.readComponents(out.getvalue()))
    wang = parsed[0]
    uuid = store.get_prospect(db, pid, TODAY)["uuid"]
    assert wang.uid.value.removeprefix("urn:uuid:") == uuid
    assert wang.version.value == ("4.0" if fmt == "vcf4" else "3.0")
    assert (wang.n.value.family, wang.n.value.given) == ("王", "伟")
    tels = [(t.value, sorted(x.lower() for x in t.params["TYPE"])) for t in wang.tel_list]
    assert tels == [("13800138000", ["cell", "pref"]), ("021-5555-0001", ["fax", "work"]),
                    ("021-5555-0002", ["work"])]
    assert (wang.adr.value.street, wang.adr.value.city) == ("浦东大道100号", "浦东")
    assert [e.value for e in wang.email_list] == ["wang@huaxin.cn", "wei@home.cn"]


@pytest.mark.parametrize("fmt", ["vcf", "vcf4", "csv", "json"])
def test_a_round_trip_keeps_every_card_and_field(
    db: Database, tmp_path: Path, fmt: str
) -> None:
    _book(db)
    suffix = {"vcf4": "vcf"}.get(fmt, fmt)
    path = tmp_path / f"book.{suffix}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        export(db.path, fmt, handle)
    other = open_database(tmp_path / "empty" / "s.db")
    result = run_import(other, path, NOW, ImportOptions())
    assert result.committed and result.created == 3, (result.errors, result.duplicates)
    columns = ("uuid", "name", "company", "phone", "email", "address", "area", "notes")
    before = {tuple(c[k] for k in columns) for c in _all(db)}
    after = {tuple(c[k] for k in columns) for c in _all(other)}
    assert before == after
    with other.connect() as conn:
        got = sorted(conn.execute("SELECT kind, label, value FROM contact_point").fetchall())
    assert got == [("email", "home", "wei@home.cn"), ("phone", "fax", "021-5555-0001"),
                   ("phone", "work", "021-5555-0002")]
    other.close()


def _all(db: Database) -> list[dict]:
    with db.connect() as conn:
        result = conn.execute("SELECT * FROM prospect ORDER BY id")
        names = [c[0] for c in result.description]
        return [dict(zip(names, r, strict=True)) for r in result]
