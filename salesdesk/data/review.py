"""The weekly review's loader: plain rows from the database for :mod:`salesdesk.rules.review`.

Short read-only queries, only the columns the figures need. The figures themselves are
computed by the pure functions in :mod:`salesdesk.rules.review`.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

from salesdesk.data.cards import pipeline
from salesdesk.data.db import Database
from salesdesk.data.settings import get_settings
from salesdesk.enums import CONTACT_KINDS, TOUCH_KINDS
from salesdesk.rules.review import (
    TREND_WEEKS,
    WEEK,
    CardFact,
    ChangeFact,
    ReviewData,
    TouchFact,
    VisitFact,
    WeeklyReview,
    week_end,
    weekly_review,
)
from salesdesk.rules.review.facts import ComplaintFact, FirstContactFact


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join("?" for _ in values)


def load_review_data(db: Database, start: date, today: date | datetime) -> ReviewData:
    """Read what the figures of the week starting on Monday ``start`` need (``today`` may
    be the moment: the first-contact clocks still running then are told apart)."""
    now = today if isinstance(today, datetime) else None
    today = today.date() if isinstance(today, datetime) else today
    if start.weekday() != 0:
        raise ValueError(f"a review week starts on a Monday, not {start:%A}")
    end = week_end(start)
    after_end = (end + timedelta(days=1)).isoformat()
    trend_start = (start - (TREND_WEEKS - 1) * WEEK).isoformat()
    with db.connect() as conn:
        cursor = conn.cursor()
        try:
            cards = _cards(cursor, start, after_end)
            changes = _changes(cursor)
            touches = _touches(cursor, start.isoformat(), after_end)
            daily = _daily_touches(cursor, trend_start, after_end)
            visits = _visits(cursor, start, end)
            complaints = _complaints(cursor)
            clocks = _first_contacts(cursor)
        finally:
            cursor.close()
    settings = get_settings(db)
    return ReviewData(
        week_start=start,
        today=today,
        now=now,
        pool_target=int(settings["pool_target"]),
        retention_days=int(settings["retention_days"]),
        cards=cards,
        changes=changes,
        touches=touches,
        visits=visits,
        daily_touches=daily,
        complaints=complaints,
        answer_hours=int(settings["complaint_answer_hours"]),
        first_contacts=clocks,
        chances=pipeline(db).chances,
    )


def _cards(cursor: sqlite3.Cursor, start: date, after_end: str) -> list[CardFact]:
    """Every card, with its latest contact touch before the week's end."""
    last_contact = dict(
        cursor.execute(
            "SELECT prospect_id, max(substr(at, 1, 10)) FROM activity "
            f"WHERE kind IN ({_marks(CONTACT_KINDS)}) AND at < ? GROUP BY prospect_id",
            (*CONTACT_KINDS, after_end),
        ).fetchall()
    )
    fromiso = date.fromisoformat
    return [
        CardFact(
            pid,
            name,
            company or "",
            grade,
            status,
            stage or "target",
            float(value or 0),
            bool(key),
            money,
            authority,
            need,
            fromiso(created) if created else start,
            fromiso(closed) if closed else None,
            previous,
            fromiso(touched) if touched else None,
            fromiso(last_contact[pid]) if pid in last_contact else None,
        )
        for (
            pid, name, company, grade, status, stage, value, key, money, authority,
            need, created, closed, previous, touched,
        ) in cursor.execute(
            "SELECT id, name, company, grade, status, stage, value, key_account, money, "
            "authority, need, substr(created_at, 1, 10), substr(closed_at, 1, 10), "
            "previous_id, substr(touched_at, 1, 10) FROM prospect"
        )
    ]


def _changes(cursor: sqlite3.Cursor) -> list[ChangeFact]:
    """Every grade, status and stage change, later ones too (the state before a change is
    that change's "from"), from the entries' typed columns."""
    return [
        ChangeFact(pid, kind, date.fromisoformat(at[:10]), old, new, amount, reason, note)
        for pid, kind, at, old, new, amount, reason, note in cursor.execute(
            "SELECT prospect_id, kind, at, "
            "CASE kind WHEN 'grade' THEN from_grade WHEN 'status' THEN from_status "
            "ELSE from_stage END, "
            "CASE kind WHEN 'grade' THEN to_grade WHEN 'status' THEN to_status "
            "ELSE to_stage END, "
            "amount, reason, reason_note FROM activity "
            "WHERE kind IN ('grade', 'status', 'stage') ORDER BY at, id"
        )
    ]


def _touches(cursor: sqlite3.Cursor, start: str, after_end: str) -> list[TouchFact]:
    """The week's touches of every kind, notes included."""
    return [
        TouchFact(pid, kind, date.fromisoformat(at[:10]))
        for pid, kind, at in cursor.execute(
            "SELECT prospect_id, kind, at FROM activity "
            f"WHERE kind IN ({_marks(TOUCH_KINDS)}) AND at >= ? AND at < ?",
            (*TOUCH_KINDS, start, after_end),
        )
    ]


def _daily_touches(cursor: sqlite3.Cursor, first: str, after_end: str) -> dict[date, int]:
    """Contact touches per day over the trend weeks."""
    return {
        date.fromisoformat(day): count
        for day, count in cursor.execute(
            "SELECT substr(at, 1, 10), count(*) FROM activity "
            f"WHERE kind IN ({_marks(CONTACT_KINDS)}) AND at >= ? AND at < ? "
            "GROUP BY substr(at, 1, 10)",
            (*CONTACT_KINDS, first, after_end),
        )
    }


def _visits(cursor: sqlite3.Cursor, start: date, end: date) -> list[VisitFact]:
    """The visits planned for a day of the week (any status)."""
    return [
        VisitFact(pid, date.fromisoformat(day[:10]), status)
        for pid, day, status in cursor.execute(
            "SELECT prospect_id, day, status FROM visit WHERE day >= ? AND day <= ?",
            (start.isoformat(), end.isoformat()),
        )
    ]


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _complaints(cursor: sqlite3.Cursor) -> list[ComplaintFact]:
    """Every complaint and its steps' times (the typed columns), with the card's name."""
    return [
        ComplaintFact(pid, datetime.fromisoformat(received), _dt(answered), kind, _dt(cause_at),
                      _dt(resolved), _dt(followed), lesson or "", _dt(lesson_at), name,
                      company or "")
        for (pid, received, answered, kind, cause_at, resolved, followed, lesson, lesson_at,
             name, company) in cursor.execute(
            "SELECT c.prospect_id, c.received_at, c.answered_at, c.cause_kind, c.cause_at, "
            "c.resolved_at, c.followed_up_at, c.lesson, c.lesson_at, p.name, p.company "
            "FROM complaint c JOIN prospect p ON p.id = c.prospect_id ORDER BY c.id"
        )
    ]


def _first_contacts(cursor: sqlite3.Cursor) -> list[FirstContactFact]:
    """Every card that got a first-contact clock."""
    return [
        FirstContactFact(pid, datetime.fromisoformat(created), datetime.fromisoformat(due),
                         _dt(contacted))
        for pid, created, due, contacted in cursor.execute(
            "SELECT id, created_at, first_contact_due, first_contact_at FROM prospect "
            "WHERE first_contact_due IS NOT NULL"
        )
    ]


def load_weekly_review(db: Database, start: date, today: date | datetime) -> WeeklyReview:
    """Every figure of the week starting on Monday ``start``."""
    return weekly_review(load_review_data(db, start, today))
