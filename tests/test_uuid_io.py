"""Stable identity through files: exports carry each row's UUID (CSV and JSON ``uuid``,
vCard ``UID``), the calendar keeps each visit's UID, and importing SalesDesk's own files
keeps a card's UUID unless another card holds it."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from salesdesk.data import store, visits
from salesdesk.data.db import Database, open_database
from salesdesk.data.io.export import export, export_to_file
from salesdesk.data.io.ics import build_calendar
from salesdesk.data.io.importer import ImportOptions, run_import

from .conftest import NOW, TODAY


def uuids(db: Database) -> dict[str, str]:
    with db.connect() as conn:
        return dict(conn.execute("SELECT name, uuid FROM prospect").fetchall())


def seed(db: Database) -> dict[str, int]:
    wang = store.add_prospect(db, NOW, "王伟", company="华信科技", phone="13800138000")
    alice = store.add_prospect(db, NOW, "Alice", email="alice@example.com")
    store.log_touch(db, NOW, wang, "call", "asked for a quote")
    return {"wang": wang, "alice": alice}


def test_every_new_row_gets_its_own_uuid(db: Database) -> None:
    ids = seed(db)
    found = uuids(db)
    assert len(set(found.values())) == 2
    # Version 7: time-ordered, so new rows land at the end of the unique index.
    assert all(uuid.UUID(u).version == 7 for u in found.values())
    detail = store.get_prospect(db, ids["wang"], TODAY)
    assert detail["uuid"] == found["王伟"]


def test_csv_and_json_exports_carry_the_uuid(db: Database) -> None:
    ids = seed(db)
    vid = visits.plan_visit(db, NOW, ids["wang"], TODAY + timedelta(days=1))
    out = io.StringIO()
    export(db.path, "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["name"]: r["uuid"] for r in rows} == uuids(db)
    out = io.StringIO()
    export(db.path, "json", out)
    wang = next(item for item in json.loads(out.getvalue()) if item["id"] == ids["wang"])
    assert wang["uuid"] == uuids(db)["王伟"] and wang["updated_at"] == "2026-11-18T09:00:00"
    (call,) = wang["activities"]
    (visit,) = wang["visits"]
    with db.connect() as conn:
        assert call["uuid"] == conn.execute("SELECT uuid FROM activity").fetchone()[0]
        assert visit["uuid"] == conn.execute(
            "SELECT uuid FROM visit WHERE id = ?", (vid,)).fetchone()[0]
    assert visit["uid"] == f"{visit['uuid']}@salesdesk"


def test_the_vcard_uid_is_the_card_uuid(db: Database) -> None:
    seed(db)
    out = io.StringIO()
    export(db.path, "vcf", out)
    assert sorted(line.removeprefix("UID:") for line in out.getvalue().splitlines()
                  if line.startswith("UID:")) == sorted(uuids(db).values())


def test_the_calendar_keeps_the_visit_uid(db: Database) -> None:
    pid = store.add_prospect(db, NOW, "Wang")
    vid = visits.plan_visit(db, NOW, pid, TODAY + timedelta(days=1))
    visit = visits.get_visit(db, vid)
    assert f"UID:{visit.uid}".encode() in build_calendar([visit], NOW, None)


def _round_trip(db: Database, tmp_path: Path, fmt: str, target: Database) -> Any:
    path = tmp_path / f"all.{fmt}"
    export_to_file(db.path, fmt, path)
    return run_import(target, path, NOW, ImportOptions(on_duplicate="new"))


def test_importing_our_own_files_keeps_the_uuid(db: Database, tmp_path: Path) -> None:
    seed(db)
    for fmt in ("csv", "vcf"):
        fresh = open_database(tmp_path / fmt / "salesdesk.db")
        try:
            assert _round_trip(db, tmp_path, fmt, fresh).created == 2
            assert uuids(fresh) == uuids(db), fmt
        finally:
            fresh.close()


def test_a_uuid_already_taken_is_not_given_twice(db: Database, tmp_path: Path) -> None:
    seed(db)
    before = uuids(db)
    result = _round_trip(db, tmp_path, "csv", db)  # the same cards again, as new ones
    assert result.created == 2
    with db.connect() as conn:
        all_uuids = [r[0] for r in conn.execute("SELECT uuid FROM prospect")]
    assert len(all_uuids) == len(set(all_uuids)) == 4
    assert set(before.values()) < set(all_uuids)


def test_a_file_naming_one_uuid_twice_keeps_it_once(db: Database, tmp_path: Path) -> None:
    same = str(uuid.uuid4())
    path = tmp_path / "twice.csv"
    path.write_text(f"name,uuid\nAnn,{same}\nBob,{same.upper()}\n", encoding="utf-8")
    assert run_import(db, path, NOW, ImportOptions()).created == 2
    found = uuids(db)
    assert found["Ann"] == same and found["Bob"] != same


def test_an_update_keeps_the_card_own_uuid(db: Database, tmp_path: Path) -> None:
    seed(db)
    mine = uuids(db)["Alice"]
    path = tmp_path / "update.csv"
    path.write_text(f"name,email,uuid,title\nAlice,alice@example.com,{uuid.uuid4()},CFO\n",
                    encoding="utf-8")
    assert run_import(db, path, NOW, ImportOptions(on_duplicate="update")).updated == 1
    assert uuids(db)["Alice"] == mine


def test_a_value_that_is_not_a_uuid_is_a_row_error(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("name,uuid\nAnn,not-a-uuid\n", encoding="utf-8")
    result = run_import(db, path, NOW, ImportOptions())
    assert result.error_rows == 1 and not result.committed
    assert result.errors[0].column == "uuid" and "not a UUID" in result.errors[0].reason


def test_a_vcard_uid_of_another_app_is_not_taken_as_ours(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "apple.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:4F2A9B1C-0000-0000-0000-000000000000:ABPerson\r\n"
        "FN:Ann\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\n"
        "UID:urn:uuid:0b0b5c33-7a9e-4b2c-9a51-1f3f6c1d2e4a\r\nFN:Bob\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    assert run_import(db, path, NOW, ImportOptions()).created == 2
    found = uuids(db)
    assert found["Bob"] == "0b0b5c33-7a9e-4b2c-9a51-1f3f6c1d2e4a"
    assert uuid.UUID(found["Ann"]).version == 7 and not found["Ann"].startswith("4f2a9b1c")
