"""The first-contact clock's settings read once for a command or an import, and applied
to each new card (see :mod:`salesdesk.rules.first_contact`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from sqlite3 import Connection

from salesdesk.rules import first_contact as rules
from salesdesk.rules.settings import SETTINGS

_KEYS = ("working_hours", "working_days", "first_contact_hours", "first_contact_sources")


@dataclass(frozen=True)
class FirstContactRule:
    """Which sources start the clock, and the working time it counts in."""

    work: rules.WorkingTime
    hours: int
    sources: str

    def due(self, source: str, now: datetime) -> datetime | None:
        """The new card's first-contact deadline (None: not an inbound source)."""
        if not rules.is_inbound(source or "", self.sources):
            return None
        return rules.due_at(now, self.work, self.hours)


def load_rule(conn: Connection) -> FirstContactRule:
    """The settings as stored (defaults for those never set; a value written by hand that
    does not parse falls back to its default, so creating a card never fails on it)."""
    marks = ", ".join("?" for _ in _KEYS)
    stored = dict(conn.execute(f"SELECT key, value FROM setting WHERE key IN ({marks})", _KEYS))

    def value(key: str) -> str:
        return str(stored.get(key, SETTINGS[key].default))

    try:
        work = rules.working_time(value("working_hours"), value("working_days"))
    except Exception:
        work = rules.working_time(SETTINGS["working_hours"].default,
                                  SETTINGS["working_days"].default)
    try:
        hours = int(value("first_contact_hours"))
    except ValueError:
        hours = int(SETTINGS["first_contact_hours"].default)
    return FirstContactRule(work, hours, value("first_contact_sources"))
