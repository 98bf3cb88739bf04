"""The .ics export, parsed back with icalendar: stable UIDs, times, zones, cancellations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from salesdesk.data import store, visits
from salesdesk.data.db import Database
from salesdesk.data.io import ics
from salesdesk.errors import InputError
from tests.conftest import NOW, TODAY

BERLIN = ZoneInfo("Europe/Berlin")
THU = TODAY + timedelta(days=1)
FRI = TODAY + timedelta(days=2)


@pytest.fixture
def plan(db: Database) -> dict[str, int]:
    ann = store.add_prospect(
        db,
        NOW,
        "Ann, Lee; [b]",
        company="Acme",
        phone="555-0101",
        address="1 Bund Rd, 浦东",
        area="浦东",
    )
    wang = store.add_prospect(db, NOW, "王伟", area="静安")
    return {
        "timed": visits.plan_visit(
            db, NOW, ann, THU, start="14:30", minutes=45, purpose="demo the copier"
        ),
        "allday": visits.plan_visit(db, NOW, wang, FRI, purpose="送样品"),
        "cancelled": visits.plan_visit(db, NOW, wang, THU, start="09:00"),
    }


def events(data: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def export(db: Database, zone: object = BERLIN) -> bytes:
    rows = visits.list_visits(db, TODAY, TODAY + timedelta(days=6))
    return ics.build_calendar(rows, NOW, zone)  # type: ignore[arg-type]


def test_one_event_per_visit_with_its_fields(db: Database, plan: dict[str, int]) -> None:
    visits.cancel_visit(db, NOW, plan["cancelled"])
    data = export(db)
    found = events(data)
    assert len(found) == 3
    timed = found[visits.get_visit(db, plan["timed"]).uid]
    assert timed.decoded("DTSTART") == datetime(2026, 11, 19, 14, 30, tzinfo=BERLIN)
    assert timed["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert timed.decoded("DTEND") - timed.decoded("DTSTART") == timedelta(minutes=45)
    assert str(timed["SUMMARY"]) == "Visit: Ann, Lee; [b] (Acme)"
    assert str(timed["LOCATION"]) == "1 Bund Rd, 浦东"
    description = str(timed["DESCRIPTION"])
    assert "Purpose: demo the copier" in description and "Phone: 555-0101" in description
    assert str(timed["STATUS"]) == "CONFIRMED"
    allday = found[visits.get_visit(db, plan["allday"]).uid]
    assert allday.decoded("DTSTART") == FRI and not isinstance(allday.decoded("DTSTART"), datetime)
    assert allday.decoded("DTEND") == FRI + timedelta(days=1)
    assert str(allday["LOCATION"]) == "静安"  # no address: the area
    cancelled = found[visits.get_visit(db, plan["cancelled"]).uid]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    cal = icalendar.Calendar.from_ical(data)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(cal["VERSION"]) == "2.0" and "SalesDesk" in str(cal["PRODID"])


def test_uid_is_stable_across_exports_and_a_move_changes_dtstart(
    db: Database, plan: dict[str, int]
) -> None:
    before = events(export(db))
    visits.move_visit(db, NOW, plan["timed"], FRI, start="10:00")
    after = events(export(db))
    assert set(before) == set(after)
    uid = visits.get_visit(db, plan["timed"]).uid
    assert before[uid].decoded("DTSTART") == datetime(2026, 11, 19, 14, 30, tzinfo=BERLIN)
    assert after[uid].decoded("DTSTART") == datetime(2026, 11, 20, 10, 0, tzinfo=BERLIN)
    # Later exports carry a higher SEQUENCE, so calendar apps take them as the newer version.
    later = events(
        ics.build_calendar(visits.list_visits(db, TODAY, FRI), NOW + timedelta(hours=1), BERLIN)
    )
    assert int(later[uid]["SEQUENCE"]) > int(after[uid]["SEQUENCE"])
    # Also within the same minute, and whatever time zone the laptop is in at the time.
    soon = events(ics.build_calendar(visits.list_visits(db, TODAY, FRI),
                                     NOW + timedelta(seconds=1), BERLIN))
    assert int(soon[uid]["SEQUENCE"]) > int(after[uid]["SEQUENCE"])
    same_moment = [
        ics.build_calendar(visits.list_visits(db, TODAY, FRI), moment, BERLIN)
        for moment in (datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
                       datetime(2026, 11, 20, 17, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    ]
    first, second = (int(events(c)[uid]["SEQUENCE"]) for c in same_moment)
    assert first == second


def test_floating_and_utc_times(db: Database, plan: dict[str, int]) -> None:
    uid = visits.get_visit(db, plan["timed"]).uid
    floating = events(export(db, None))[uid]
    assert floating.decoded("DTSTART") == datetime(2026, 11, 19, 14, 30)
    assert "TZID" not in floating["DTSTART"].params
    assert b"VTIMEZONE" not in export(db, None)
    utc = events(export(db, ZoneInfo("UTC")))[uid]
    assert utc.decoded("DTSTART") == datetime(2026, 11, 19, 14, 30, tzinfo=UTC)
    assert b"DTSTART:20261119T143000Z" in export(db, ZoneInfo("UTC"))


def test_local_zone_follows_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    assert ics.local_zone() == ZoneInfo("Asia/Shanghai")
    monkeypatch.setenv("TZ", "Not/AZone")
    assert ics.local_zone() is None


def test_write_is_atomic_and_replaces(db: Database, plan: dict[str, int], tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "plan.ics"
    target.write_text("old")
    rows = visits.list_visits(db, TODAY, FRI)
    assert ics.write_ics(target, rows, NOW, BERLIN) == 3
    assert len(events(target.read_bytes())) == 3
    assert sorted(p.name for p in folder.iterdir()) == ["plan.ics"]  # no temporary left
    with pytest.raises(InputError, match="does not exist"):
        ics.write_ics(tmp_path / "missing" / "x.ics", rows, NOW, BERLIN)
    with pytest.raises(InputError, match="is a folder"):
        ics.write_ics(tmp_path, rows, NOW, BERLIN)


def test_empty_calendar_is_valid(tmp_path: Path) -> None:
    target = tmp_path / "empty.ics"
    assert ics.write_ics(target, [], NOW, None) == 0
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    assert cal.walk("VEVENT") == []


def test_control_characters_never_reach_the_file(db: Database) -> None:
    pid = store.add_prospect(db, NOW, "Evil\x1b[2J Name", address="Line1\nLine2")
    visits.plan_visit(db, NOW, pid, THU, start="09:00", purpose="x\x07y")
    data = export(db)
    assert b"\x1b" not in data and b"\x07" not in data
    event = next(iter(events(data).values()))
    assert str(event["SUMMARY"]) == "Visit: Evil[2J Name"
    assert str(event["LOCATION"]) == "Line1 Line2"
    assert date(2026, 11, 19) == event.decoded("DTSTART").date()


def test_a_failed_write_leaves_the_old_file(
    db: Database, plan: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.ics"
    target.write_text("old calendar")

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ics.os, "replace", broken)
    with pytest.raises(InputError, match="disk space"):
        ics.write_ics(target, visits.list_visits(db, TODAY, FRI), NOW, BERLIN)
    assert target.read_text() == "old calendar"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data") == ["plan.ics"]
