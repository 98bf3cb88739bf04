"""The import's shortcuts give what the general way gives: the one-phone-one-email reading,
the INSERT that writes most columns as literals, and the key filter that spares lookups
(whatever its size, and across chunks)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from salesdesk.data import store
from salesdesk.data.db import Database, open_database
from salesdesk.data.io import contacts, import_keys, import_rows, importer
from salesdesk.data.io.importer import ImportOptions, ImportResult, run_import

from .conftest import NOW

SAMPLES: list[list[tuple[str, str, str]]] = [
    [],
    [("phone", "", "13800138000")],
    [("phone", "mobile", "13800138000"), ("email", "", "a@b.com")],
    [("phone", "fax", "02155550101"), ("email", "work", "A.Lee@Example.COM")],
    [("email", "", " padded@x.org\t")],
    [("email", "", "not an address")],
    [("email", "", "a@b.com; c@d.com")],
    [("phone", "", "138 0013 8000")],
    [("phone", "", "１３８００１３８０００")],
    [("phone", "", "1.38E+10")],
    [("phone", "", "13800138000"), ("phone", "work", "13800138000")],
    [("phone*", "mobile", "13900139000"), ("email", "", "a@b.com")],
    [("email", "", "ａ＠ｂ．ｃｏｍ")],
]


@pytest.mark.parametrize("points", SAMPLES)
def test_one_phone_and_email_read_as_the_general_way(points: list[Any]) -> None:
    assert contacts.contact_values(points) == contacts._every_point(points)


CARDS = (
    "Name,Company,Mobile,Business Phone,Email,Grade,Amount,Next date,Status,Notes,Source\n"
    "王伟,华信科技,13800138000,,wang@example.cn,A,12k,2026-12-01,,老客户,\n"
    "Ann O'Neil,O'Neil & Co,,021-5555 0101,ann@example.com,B,\"1,250.50\",,customer,"
    "\"two\nlines\",fair\n"
    "Bob,,13900139000,13900139001,,,,,lost,,\n"
)


def _stored(path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(prospect)")
                   if r[1] not in ("uuid", "updated_at")]
        values = ", ".join(f"{c}, typeof({c})" for c in columns)
        return conn.execute(f"SELECT {values} FROM prospect ORDER BY id").fetchall()
    finally:
        conn.close()


def test_literal_columns_store_what_binding_them_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cards.csv").write_text(CARDS, encoding="utf-8")
    found = {}
    for how in ("literals", "bound"):
        if how == "bound":  # every column bound, as before the shortcut
            monkeypatch.setattr(import_rows, "_literal", lambda _value: None)
        db = open_database(tmp_path / f"{how}.db")
        try:
            result = run_import(db, tmp_path / "cards.csv", NOW, ImportOptions(source="fair"))
            assert result.created == 3
        finally:
            db.close()
        found[how] = _stored(tmp_path / f"{how}.db")
    assert found["literals"] == found["bound"]
    assert len(found["literals"]) == 3


def test_several_rows_a_statement_store_what_one_a_statement_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of 5 rows, 2 a statement: two statements of two and one of one each chunk."""
    rows = "".join(f"Card {i},Firm {i % 3},1380013{i:04d},,,{'ABC'[i % 3]},{i}k,,,,\n"
                   for i in range(11))
    (tmp_path / "cards.csv").write_text(CARDS + rows, encoding="utf-8")
    monkeypatch.setattr(importer, "CHUNK", 5)
    found = {}
    for per in (1, 2):
        monkeypatch.setattr(import_rows, "PER_STATEMENT", per)
        db = open_database(tmp_path / f"{per}.db")
        try:
            assert run_import(db, tmp_path / "cards.csv", NOW, ImportOptions()).created == 14
        finally:
            db.close()
        found[per] = _stored(tmp_path / f"{per}.db")
        with sqlite3.connect(tmp_path / f"{per}.db") as conn:
            uuids = conn.execute("SELECT count(DISTINCT uuid), min(length(uuid)) FROM prospect")
            assert uuids.fetchone() == (14, 36)
    assert found[1] == found[2]
    assert [row[0] for row in found[1]] == list(range(1, 15))


def test_a_literal_is_what_binding_stores() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a VARCHAR, b FLOAT, c INTEGER, d BOOLEAN, e DATETIME)")
    for value in (None, 0, 1, 0.0, 12.5, 1e16, "", "it's", "x\u3000y", "2026-11-18 09:00:00"):
        text = import_rows._literal(value)
        assert text is not None
        conn.execute(f"INSERT INTO t VALUES ({', '.join([text] * 5)})")
        conn.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [value] * 5)
    rows = conn.execute("SELECT a, typeof(a), b, typeof(b), c, typeof(c), d, typeof(d), e, "
                        "typeof(e) FROM t").fetchall()
    assert rows[0::2] == rows[1::2]
    assert import_rows._literal("nul\x00") is None and import_rows._literal(float("nan")) is None


DUPES = (
    "Name,Company,Phone,Email\n"
    "王 伟,,13800138000,\n"  # the card's phone, the same name
    "Annie,,,ann.lee@example.COM\n"  # the card's email
    "New Person,,13912345678,\n"
    "Filler One,,13700000001,\n"
    "Filler Two,,13700000002,\n"
    "New Person Again,,139-1234-5678,\n"  # row 5's phone, three chunks later
    "Carl Quinn,,021 5555 0199,\n"  # Carl's further phone (a contact point)
)


def _import(db: Database, path: Path) -> ImportResult:
    return run_import(db, path, NOW, ImportOptions())


@pytest.mark.parametrize("bits", [import_keys.FILTER_BITS, 8])
def test_duplicates_are_found_across_chunks_whatever_the_filter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bits: int
) -> None:
    """Eight bits: every key may be known, so every key is looked up (the slow way)."""
    monkeypatch.setattr(import_keys, "FILTER_BITS", bits)
    db = open_database(tmp_path / "book.db")
    try:
        wang = store.add_prospect(db, NOW, "王伟", phone="+86 138-0013-8000")
        ann = store.add_prospect(db, NOW, "Ann Lee", email="Ann.Lee@Example.com")
        (tmp_path / "carl.csv").write_text(
            "Name,Mobile,Business Phone\nCarl Quinn,13700000099,021-5555-0199\n",
            encoding="utf-8")
        assert _import(db, tmp_path / "carl.csv").created == 1
        with db.connect() as conn:
            carl = conn.execute("SELECT prospect_id FROM contact_point").fetchone()[0]
        monkeypatch.setattr(importer, "CHUNK", 2)
        (tmp_path / "d.csv").write_text(DUPES, encoding="utf-8")
        result = _import(db, tmp_path / "d.csv")
    finally:
        db.close()
    found = [(d.row, d.reason, d.existing_id, d.existing_row) for d in result.duplicates]
    assert found[:3] == [
        (2, "same phone and a similar name", wang, None),
        (3, "same email", ann, None),
        (7, "same phone and a similar name", None, 4),
    ]
    assert found[3] == (8, "same phone and a similar name", carl, None)
    assert (result.created, result.skipped) == (3, 4)


def test_a_plain_row_is_split_as_the_general_way() -> None:
    from salesdesk.data.io.mapping import map_columns

    headers = ("Name", "Company", "Mobile", "Email", "Grade", "Remark", "Odd column")
    rows = [
        ["王伟", "华信科技", "13800138000", "wang@example.cn", "A", "老客户", "x"],
        ["  Ann ", "\u3000", "", " a@b.com ", "", "two\nlines", ""],
        ["Bob", "", "138 0013 8000 / 139", "", "B", "", "", "stray"],
        ["", "", "", "", "", "", ""],
    ]
    fast = map_columns(headers, {})
    slow = map_columns(headers, {})
    object.__setattr__(slow, "_plain_width", -1)  # (every row the general way)
    assert fast._plain_width == len(headers)  # type: ignore[attr-defined]
    for cells in rows:
        for keep in (False, True):
            assert fast.split(cells, keep) == slow.split(cells, keep)
    short = rows[0][:3]  # (a short row: the general way)
    assert fast.split(short, True) == slow.split(short, True)


class _Cycle:
    """An object in a reference cycle: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_the_collector_is_off_during_an_import_and_frees_each_chunks_cycles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The automatic collector is off while the rows are read, cyclic garbage made in a chunk
    is gone by the next one, and the collector is back as it was at the end."""
    import gc
    import weakref

    made: list[weakref.ref[_Cycle]] = []
    seen: list[tuple[bool, bool]] = []  # (collector on, the last chunk's cycle still alive)
    chunk = importer._Run.chunk

    def spy(run: Any, records: Any) -> None:
        seen.append((gc.isenabled(), bool(made) and made[-1]() is not None))
        made.append(weakref.ref(_Cycle()))  # (garbage at once: only its cycle holds it)
        chunk(run, records)

    monkeypatch.setattr(importer._Run, "chunk", spy)
    monkeypatch.setattr(importer, "CHUNK", 2)
    (tmp_path / "c.csv").write_text(
        "Name,Mobile\n" + "".join(f"P{i},1370000000{i}\n" for i in range(7)), encoding="utf-8"
    )
    frozen = gc.get_freeze_count()
    assert gc.isenabled()
    db = open_database(tmp_path / "book.db")
    try:
        assert _import(db, tmp_path / "c.csv").created == 7
    finally:
        db.close()
    assert seen == [(False, False)] * 4
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    gc.disable()
    try:
        run_import(tmp_path / "book.db", tmp_path / "c.csv", NOW, ImportOptions(dry_run=True))
        assert not gc.isenabled()  # (as it was)
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("phones", "emails", "keys"),
    [
        ([], [], ["n:ann lee\x1f"]),
        (["13800138000"], ["a@b.com"], ["e:a@b.com", "p:+8613800138000", "n:ann lee\x1f"]),
        (["138 0013 8000", "+86 13800138000"], [], ["p:+8613800138000", "n:ann lee\x1f"]),
        ([], ["a@b.com", " A@B.COM"], ["e:a@b.com", "n:ann lee\x1f"]),
        (["13800138000", "13900139000"], ["a@b.com", "c@d.com"],
         ["e:a@b.com", "e:c@d.com", "p:+8613800138000", "p:+8613900139000", "n:ann lee\x1f"]),
    ],
)
def test_a_card_s_keys_are_each_listed_once(
    phones: list[str], emails: list[str], keys: list[str]
) -> None:
    """One email and one phone at most are never deduplicated (their kinds differ); several
    written differently are one key each."""
    from salesdesk.data.io.matching import card_keys

    assert card_keys("Ann Lee", "", phones, emails, "CN") == keys
