"""The vdir export read by the real khard and khal (installed by .ci/run from Debian's
packages: a missing client fails these tests), updated in place and pruned; the calendar
right for every form of TZ (a name, a POSIX rule such as CST-8, unset) and its VALARM."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest

from salesdesk.data import store, visits
from salesdesk.data.db import Database
from salesdesk.data.io.ics import build_calendar
from salesdesk.data.io.vdir import export_vdir

from .conftest import NOW

THU = date(2026, 11, 19)


@pytest.fixture(autouse=True)
def _local_time_reset() -> Iterator[None]:
    """The C library keeps the last TZ it read: read the restored one after each test."""
    yield
    time.tzset()


@pytest.fixture
def book(db: Database) -> dict[str, int]:
    ann = store.add_prospect(db, NOW, "Ann Lee", company="Acme", phone="13800138000",
                             email="ann@acme.cn", area="浦东")
    wang = store.add_prospect(db, NOW, "王伟", company="华信科技", phone="13900139000")
    return {
        "ann": ann, "wang": wang,
        "timed": visits.plan_visit(db, NOW, ann, THU, start="14:30", minutes=45,
                                   purpose="demo the copier"),
        "allday": visits.plan_visit(db, NOW, wang, THU, purpose="送样品"),
    }


def run(*args: str, home: Path) -> str:
    program = shutil.which(args[0])
    assert program is not None, f"{args[0]} is not installed: .ci/run installs it (apt-get)"
    done = subprocess.run(
        [program, *args[1:]], capture_output=True, text=True, timeout=60,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TZ": "Asia/Shanghai",
             "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local")},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_khard_and_khal_read_the_vdir(db: Database, book: dict[str, int], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    folder = tmp_path / "vdir"
    result = export_vdir(db.path, folder, NOW)
    assert (result.cards, result.visits, result.written, result.removed) == (2, 2, 4, 0)
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    khard = home / "khard.conf"
    khard.write_text(
        f"[addressbooks]\n[[salesdesk]]\npath = {folder / 'contacts'}\n\n"
        "[general]\ndefault_action = list\neditor = true\nmerge_editor = true\n"
        "[contact table]\ndisplay = formatted_name\n",
        encoding="utf-8")
    listed = run("khard", "-c", str(khard), "list", home=home)
    assert "Ann Lee" in listed and "王伟" in listed
    phones = run("khard", "-c", str(khard), "phone", "--parsable", home=home)
    assert "13800138000" in phones and "cell" in phones.lower()
    khal = home / "khal.conf"
    khal.write_text(
        f"[calendars]\n[[salesdesk]]\npath = {folder / 'calendar'}\ntype = calendar\n\n"
        f"[sqlite]\npath = {home / 'khal.db'}\n\n"
        "[locale]\nlocal_timezone = Asia/Shanghai\ndefault_timezone = Asia/Shanghai\n"
        "timeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n",
        encoding="utf-8")
    shown = run("khal", "-c", str(khal), "list", "2026-11-19", "2d", home=home)
    assert "14:30-15:15 Visit: Ann Lee (Acme)" in shown and "Visit: 王伟 (华信科技)" in shown
    # Moving a visit rewrites its one file in place; deleting one removes its file.
    visits.move_visit(db, NOW, book["timed"], THU, start="16:00")
    again = export_vdir(db.path, folder, NOW)
    assert (again.written, again.removed) == (1, 0)  # only the moved visit's file
    visits.delete_visit(db, NOW, book["allday"])
    gone = export_vdir(db.path, folder, NOW)
    assert (gone.visits, gone.removed) == (1, 1)
    shown = run("khal", "-c", str(khal), "list", "2026-11-19", "2d", home=home)
    assert "16:00-16:45 Visit: Ann Lee" in shown and "王伟" not in shown
    # A cancelled visit stays in the calendar, marked so (khal honours STATUS:CANCELLED).
    visits.cancel_visit(db, NOW, book["timed"])
    export_vdir(db.path, folder, NOW)
    shown = run("khal", "-c", str(khal), "list", "2026-11-19", "2d", home=home)
    assert "CANCELLED" in shown and "Visit: Ann Lee" in shown
    # A card a phone synced into the folder (not SalesDesk's) is never removed.
    theirs = folder / "contacts" / "from-phone.vcf"
    theirs.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nFN:Phone Friend\r\nEND:VCARD\r\n")
    export_vdir(db.path, folder, NOW)
    assert theirs.exists()


def _start(data: bytes) -> datetime:
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    return event.decoded("DTSTART")


@pytest.mark.parametrize(
    ("tz", "utc_hour"),
    [("CST-8", 6), ("Asia/Shanghai", 6), (":Asia/Shanghai", 6),
     ("/usr/share/zoneinfo/Europe/Berlin", 13), ("EST5EDT,M3.2.0,M11.1.0", 19), ("UTC", 14)],
)
def test_the_calendar_is_right_for_every_form_of_tz(
    db: Database, book: dict[str, int], monkeypatch: pytest.MonkeyPatch, tz: str, utc_hour: int
) -> None:
    """The reported defect: with TZ=CST-8 the visit at 14:30 was 8 hours off."""
    monkeypatch.setenv("TZ", tz)
    data = build_calendar([visits.get_visit(db, book["timed"])], NOW)
    assert _start(data).astimezone(UTC) == datetime(2026, 11, 19, utc_hour, 30, tzinfo=UTC)


def test_unset_tz_uses_the_systems_zone(
    db: Database, book: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TZ", raising=False)
    time.tzset()
    start = _start(build_calendar([visits.get_visit(db, book["timed"])], NOW))
    assert start.tzinfo is not None  # a named zone or UTC: never a wrong floating time
    local = datetime(2026, 11, 19, 14, 30).astimezone()  # the C library's reading
    assert start.astimezone(UTC) == local.astimezone(UTC)


def test_an_optional_reminder(db: Database, book: dict[str, int]) -> None:
    row = visits.get_visit(db, book["timed"])
    assert b"VALARM" not in build_calendar([row], NOW, None)
    cal = icalendar.Calendar.from_ical(build_calendar([row], NOW, None, alarm_minutes=30))
    (alarm,) = cal.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY" and alarm.decoded("TRIGGER").total_seconds() == -1800
    allday = visits.get_visit(db, book["allday"])
    assert b"VALARM" not in build_calendar([allday], NOW, None, alarm_minutes=30)
