"""Calendar export of the visit plan: an RFC 5545 file written with the icalendar library.

Choices (the README explains them to the rep):

- One VEVENT per visit; its UID is the visit's ``uid`` column, made once when the visit is
  planned, so re-exporting after a move changes DTSTART and keeps the UID: calendar apps
  update the event instead of adding a second one. SEQUENCE grows with every export (minutes
  since 2020) so apps that compare it take the re-export as the newer version.
- Times are the rep's local wall-clock times with their zone: ``DTSTART;TZID=Europe/Berlin``
  plus a VTIMEZONE, the zone being the system's (``$TZ`` as a name or a zoneinfo path, the
  ``/etc/localtime`` link or ``/etc/timezone``). A UTC system writes UTC times. When there is
  no zone name (``TZ=CST-8``, a POSIX rule) the C library converts each time to UTC, so the
  event is at the right moment everywhere.
- ``visit_alarm_minutes`` (a setting, 0 by default) adds a VALARM reminder that long before
  each planned timed visit.
- A visit without a start time is an all-day event; a timed one lasts its minutes (60 when
  not given). Cancelled visits are ``STATUS:CANCELLED`` (apps remove them), others
  ``CONFIRMED``; LOCATION is the address (else the area), DESCRIPTION the purpose and phone.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesdesk.config import expand_path
from salesdesk.errors import InputError
from salesdesk.files import write_private
from salesdesk.rules.planning import DEFAULT_MINUTES
from salesdesk.text import clean, one_line

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from salesdesk.data.visits import VisitRow

PRODID = "-//SalesDesk//Visit plan//EN"
_SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
_UTC_NAMES = {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu", "GMT", "Etc/GMT"}


def _zone_name() -> str | None:
    """The system's IANA zone name, or None when it cannot be told (``TZ`` holding a POSIX
    rule such as ``CST-8``: the C library then says the offset, see :func:`_libc_utc`)."""
    env = os.environ.get("TZ", "").lstrip(":")
    if "zoneinfo/" in env:  # TZ=/usr/share/zoneinfo/Asia/Shanghai
        return env.split("zoneinfo/", 1)[1]
    if (env and "/" in env) or env in _UTC_NAMES:
        return env
    if env:  # a POSIX rule: no name to write
        return None
    try:
        target = os.path.realpath("/etc/localtime")
        marker = "zoneinfo/"
        if marker in target:
            return target.split(marker, 1)[1]
    except OSError:
        pass
    try:
        name = Path("/etc/timezone").read_text(encoding="utf-8").strip()
        return name or None
    except OSError:
        return None


def local_zone() -> ZoneInfo | None:
    """The system's local zone as a ZoneInfo (None: write floating local times)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = _zone_name()
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _libc_utc(local: datetime) -> datetime:
    """A wall-clock time in the system's zone as UTC, asked of the C library, which reads
    every form of ``TZ`` (``CST-8``, ``EST5EDT,M3.2.0,M11.1.0``, unset: /etc/localtime)."""
    import time as clock

    clock.tzset()
    return datetime.fromtimestamp(clock.mktime(local.timetuple()), UTC)


def _description(visit: VisitRow) -> str:
    lines = []
    if visit.purpose:
        lines.append(f"Purpose: {visit.purpose}")
    if visit.phone:
        lines.append(f"Phone: {visit.phone}")
    if visit.company:
        lines.append(f"Company: {visit.company}")
    if visit.area:
        lines.append(f"Area: {visit.area}")
    if visit.outcome:
        lines.append(f"Outcome: {visit.outcome}")
    lines.append(f"SalesDesk visit {visit.id} ({visit.status}), prospect {visit.prospect_id}")
    return clean("\n".join(lines))


def build_calendar(
    visits: Iterable[VisitRow],
    now: datetime,
    zone: ZoneInfo | None | str = "system",
    alarm_minutes: int = 0,
) -> bytes:
    """The calendar as bytes. ``zone``: a ZoneInfo, None (floating times) or "system" (its
    IANA name when there is one, else UTC times from the C library). ``alarm_minutes``:
    a reminder that long before each timed visit that is not cancelled (0: none)."""
    import icalendar

    tz: Any = local_zone() if zone == "system" else zone
    libc = zone == "system" and tz is None
    utc = tz is not None and getattr(tz, "key", "") in _UTC_NAMES
    stamp = now.astimezone(UTC)  # a naive now is local time
    # Seconds since 2020 in UTC: grows with every export (a second apart is enough) and
    # does not jump back when the laptop's time zone changes.
    sequence = max(0, int((stamp - _SEQUENCE_EPOCH).total_seconds()))
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "SalesDesk visits")
    for visit in visits:
        event = icalendar.Event()
        event.add("uid", visit.uid)
        event.add("dtstamp", stamp)
        event.add("sequence", sequence)
        summary = f"Visit: {one_line(visit.name)}"
        if visit.company:
            summary += f" ({one_line(visit.company)})"
        if visit.status in ("done", "missed"):
            summary += f" · {visit.status}"
        event.add("summary", summary)
        if visit.start:
            begin = datetime.combine(visit.day, time.fromisoformat(visit.start))
            if libc:
                begin = _libc_utc(begin)
            elif utc:
                begin = begin.replace(tzinfo=UTC)
            elif tz is not None:
                begin = begin.replace(tzinfo=tz)
            event.add("dtstart", begin)
            event.add("dtend", begin + timedelta(minutes=visit.minutes or DEFAULT_MINUTES))
        else:
            event.add("dtstart", visit.day)
            event.add("dtend", visit.day + timedelta(days=1))
        location = visit.address or visit.area
        if location:
            event.add("location", one_line(location))
        event.add("description", _description(visit))
        event.add("status", "CANCELLED" if visit.status == "cancelled" else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if visit.status == "cancelled" else "OPAQUE")
        if alarm_minutes and visit.start and visit.status == "planned":
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", timedelta(minutes=-alarm_minutes))
            event.add_component(alarm)
        cal.add_component(event)
    if tz is not None and not utc:
        cal.add_missing_timezones()
    return bytes(cal.to_ical())


def write_ics(
    path: Path,
    visits: Iterable[VisitRow],
    now: datetime,
    zone: ZoneInfo | None | str = "system",
    alarm_minutes: int = 0,
) -> int:
    """Write the calendar atomically (a temporary file renamed over ``path``, so a calendar
    app never reads half a file). Returns how many visits it holds."""
    rows = list(visits)
    data = build_calendar(rows, now, zone, alarm_minutes)
    path = expand_path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder: give a file name, e.g. {path / 'visits.ics'}")
    write_private(path, data)
    return len(rows)


def default_ics_path() -> Path:
    """Where the plan screen offers to write the calendar: easy to find in the home folder."""
    return Path.home() / "salesdesk-visits.ics"
