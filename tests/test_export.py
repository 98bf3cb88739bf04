"""Export: CSV safe against formula injection, JSON with activities and visits, vCard, filters,
and export then import into an empty database giving the same prospects."""

from __future__ import annotations

import csv
import io
import json
import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from salesdesk.cli.main import app
from salesdesk.data import store
from salesdesk.data.complaints import ComplaintRow
from salesdesk.data.db import Database, open_database
from salesdesk.data.io.export import CSV_COLUMNS, export, export_to_file
from salesdesk.data.io.importer import ImportOptions, run_import
from salesdesk.rules.complaints import Step

from .conftest import NOW, TODAY

runner = CliRunner()
DAY = timedelta(days=1)
#: Columns that are not the prospect itself: a new database gives new ids and a new batch.
#: What a copy cannot share: this database's numbers, and the moment of the last write.
NOT_COMPARED = {"id", "import_batch", "previous_id", "updated_at"}


def seed(db: Database) -> dict[str, int]:
    """Cards with every kind of value, and text a spreadsheet would run as a formula."""
    ids = {
        "wang": store.add_prospect(
            db, NOW - 40 * DAY, "王伟", company="华信科技, 上海", phone="+86 138 0013 8000",
            email="wang@huaxin.cn", area="浦东", source="referral", tags="VIP, 老客户",
            grade="A", value=123456.78, next_date=TODAY + 2 * DAY, next_action="拜访",
            notes='第一行\n"quoted", second line', birthday=TODAY.replace(year=1980),
            key_account=True, money="yes", authority="no", priority=2, inquiries=3,
            pot_fit=True, visit_days="tue,thu", follow_up="revisit", revisit_days=14,
        ),
        "formula": store.add_prospect(
            db, NOW, "=HYPERLINK(\"http://evil\",\"click\")", company="+Acme", phone="-1",
            email="@home.example", notes="\tstarts with a tab", title="\rcarriage",
            source="exhibition", tags="=cmd|' /C calc'!A0",
        ),
        "plain": store.add_prospect(db, NOW, "[bold]Not bold[/]", company="O'Brien & Sons",
                                    source="online", grade="B", value=900),
    }
    store.set_status(db, NOW, ids["plain"], "customer", value=900)
    store.log_touch(db, NOW, ids["wang"], "call", "asked for a quote")
    store.regrade(db, NOW, ids["formula"], "C")
    return ids


VISIT_UUID = "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"


def add_visit(db: Database, prospect_id: int) -> None:
    with db.begin() as conn:
        conn.execute(
            "INSERT INTO visit (prospect_id, day, start, minutes, purpose, status, outcome, uid, "
            "created_at, uuid, updated_at) VALUES (?, ?, '10:00', 45, 'demo', 'planned', '', "
            "?, ?, ?, ?)",
            (prospect_id, (TODAY + DAY).isoformat(), f"{VISIT_UUID}@salesdesk",
             "2026-11-18 09:00:00.000000", VISIT_UUID, "2026-11-18 09:05:00.000000"),
        )


def prospects(db: Database) -> list[dict[str, Any]]:
    with db.connect() as conn:
        result = conn.execute("SELECT * FROM prospect ORDER BY id")
        names = [c[0] for c in result.description]
        rows = [dict(zip(names, r, strict=True)) for r in result.fetchall()]
    return [{k: v for k, v in row.items() if k not in NOT_COMPARED} for row in rows]


def csv_text(db: Database, ids: list[int] | None = None) -> str:
    out = io.StringIO()
    export(db.path, "csv", out, ids)
    return out.getvalue()


# --------------------------------------------------------------------------- CSV


def test_csv_cells_are_neutralised_against_formulas(db: Database) -> None:
    ids = seed(db)
    records = list(csv.DictReader(io.StringIO(csv_text(db))))
    formula = next(r for r in records if r["id"] == str(ids["formula"]))
    assert formula["name"].startswith("'=HYPERLINK")
    assert formula["company"] == "'+Acme" and formula["phone"] == "'-1"
    assert formula["email"] == "'@home.example" and formula["notes"] == "'\tstarts with a tab"
    assert formula["title"] == "'\rcarriage" and formula["tags"].startswith("'=cmd")
    dangerous = ("=", "+", "-", "@", "\t", "\r")
    for record in records:
        assert not any(v.startswith(dangerous) for v in record.values())
    wang = next(r for r in records if r["id"] == str(ids["wang"]))
    assert wang["phone"] == "'+86 138 0013 8000" and wang["value"] == "123456.78"
    assert wang["key_account"] == "yes" and wang["pot_plan"] == "no"
    assert list(records[0]) == list(CSV_COLUMNS)


@pytest.mark.parametrize("fmt", ["csv", "vcf"])
def test_export_then_import_into_an_empty_database_gives_the_same_prospects(
    db: Database, tmp_path: Path, fmt: str
) -> None:
    seed(db)
    store.add_prospect(db, NOW, "No Source")  # gets "import" as its source on the way back
    path = tmp_path / f"all.{fmt}"
    assert export_to_file(db.path, fmt, path) == 4
    fresh = open_database(tmp_path / "fresh" / "salesdesk.db")
    try:
        result = run_import(fresh, path, NOW + DAY, ImportOptions())
        assert result.error_rows == 0, result.errors
        assert result.created == 4 and result.duplicate_count == 0
        before, after = prospects(db), prospects(fresh)
        assert after[3]["source"] == "import"
        after[3]["source"] = before[3]["source"]
        if fmt == "vcf":  # vCard lines end in CR LF: a lone CR comes back as a line break
            before[1]["title"] = before[1]["title"].replace("\r", "\n")
            # vCard has no timestamps: an inbound card's first-contact clock starts anew
            # at the import (CSV carries it).
            assert after[1]["first_contact_due"] is not None
            for row in (*before, *after):
                row.pop("first_contact_due")
        assert after == before
    finally:
        fresh.close()


def test_csv_file_has_a_bom_and_mode_0600(db: Database, tmp_path: Path) -> None:
    seed(db)
    path = tmp_path / "out.csv"
    export_to_file(db.path, "csv", path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid,uuid,name,")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv", "data"] or sorted(
        p.name for p in tmp_path.iterdir()
    ) == ["data", "out.csv"]


# --------------------------------------------------------------------------- JSON


def test_json_includes_activities_and_visits(db: Database) -> None:
    ids = seed(db)
    add_visit(db, ids["wang"])
    out = io.StringIO()
    assert export(db.path, "json", out) == 3
    data = {item["id"]: item for item in json.loads(out.getvalue())}
    wang = data[ids["wang"]]
    assert wang["name"] == "王伟" and wang["key_account"] is True and wang["value"] == 123456.78
    assert wang["next_date"] == (TODAY + 2 * DAY).isoformat()
    assert [a["note"] for a in wang["activities"] if a["kind"] == "call"] == ["asked for a quote"]
    assert wang["activities"][0]["at"] == "2026-11-18T09:00:00"
    assert wang["visits"] == [
        {"id": 1, "uuid": VISIT_UUID, "day": (TODAY + DAY).isoformat(), "start": "10:00",
         "minutes": 45, "purpose": "demo", "status": "planned", "outcome": "",
         "uid": f"{VISIT_UUID}@salesdesk", "created_at": "2026-11-18T09:00:00",
         "updated_at": "2026-11-18T09:05:00"}
    ]
    plain = data[ids["plain"]]
    assert plain["status"] == "customer" and plain["visits"] == []
    assert [a["kind"] for a in plain["activities"]] == ["stage", "status"]  # a win, at customer
    assert [a["kind"] for a in data[ids["formula"]]["activities"]] == []  # kept C: a review


def test_empty_database_exports(db: Database) -> None:
    out = io.StringIO()
    assert export(db.path, "json", out) == 0 and json.loads(out.getvalue()) == []
    assert csv_text(db).strip() == ",".join(CSV_COLUMNS)


# --------------------------------------------------------------------------- CLI


def sd(db_path: Path, *args: str) -> Any:
    return runner.invoke(app, ["--db", str(db_path), *args])


def test_cli_export_filters_like_list(db: Database, db_path: Path, tmp_path: Path) -> None:
    ids = seed(db)
    all_ids = {int(r["id"]) for r in csv.DictReader(io.StringIO(sd(db_path, "export").stdout))}
    assert all_ids == set(ids.values())  # every status by default
    result = sd(db_path, "export", "--grade", "A", "--format", "json")
    assert [item["name"] for item in json.loads(result.stdout)] == ["王伟"]
    result = sd(db_path, "export", "--status", "customer", "--format", "json")
    assert [item["id"] for item in json.loads(result.stdout)] == [ids["plain"]]
    result = sd(db_path, "export", "--search", "华信", "--format", "vcf")
    assert result.stdout.count("BEGIN:VCARD") == 1 and "FN:王伟" in result.stdout
    out = tmp_path / "x.json"
    result = sd(db_path, "export", "--format", "json", "--out", str(out))
    assert result.exit_code == 0 and "exported 3 prospects" in result.stdout
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xlsx"], "use csv, json, vcf, vcf4 or vdir"),
        (["--status", "happy"], "invalid status"),
        (["--grade", "Z"], "use A, B or C"),
        (["--out", "/no/such/folder/x.csv"], "no folder"),
    ],
)
@pytest.mark.usefixtures("db")  # a named --db must exist for this command
def test_cli_export_bad_input(db_path: Path, args: list[str], message: str) -> None:
    result = sd(db_path, "export", *args)
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _steps(row: ComplaintRow) -> tuple[str, ...]:
    """Every field of a complaint but its ids (which a fresh book gives anew)."""
    return tuple(str(v) for k, v in row.as_dict().items() if k not in ("id", "prospect_id"))


def test_a_json_export_brings_its_complaints_back_and_undo_takes_them_away(
    db: Database, tmp_path: Path
) -> None:
    """The JSON export carries complaints with every step; importing it into an empty book
    brings them back on their card, the steps' times and texts as they were."""
    pid = store.add_prospect(db, NOW, "王伟", phone="13800138000")
    late = store.record_complaint(db, NOW, pid, "Late delivery", channel="phone",
                                  expected="on Monday")
    store.take_step(db, NOW, late, Step.ANSWERED, "we are on it")
    store.take_step(db, NOW, late, Step.CAUSE, "the [bold]carrier[/]",
                    cause_kind="quality")
    store.record_complaint(db, NOW, pid, "Wrong colour")
    out = tmp_path / "book.json"
    export_to_file(db, "json", out)
    assert len(json.loads(out.read_text(encoding="utf-8"))[0]["complaints"]) == 2
    before = sorted(_steps(c) for c in store.list_complaints(db))
    fresh = open_database(tmp_path / "fresh" / "salesdesk.db")
    try:
        result = run_import(fresh, out, NOW, ImportOptions())
        assert result.created == 1 and result.hints == []
        after = store.list_complaints(fresh)
        assert sorted(_steps(c) for c in after) == before
        assert "we are on it" in {c.answer for c in after}
        assert {c.name for c in after} == {"王伟"}
        assert store.undo(fresh) is not None  # the import, its complaints with it
        assert store.list_complaints(fresh) == []
    finally:
        fresh.close()
