"""Visits in the store: plan, move, retime, done (the outcome goes on the card), missed,
cancel, delete. Every command is one short transaction and one undo-journal entry, so the
board's ``u``, the plan screen's ``u`` and ``salesdesk undo`` reverse it alike.

Reading returns plain rows (:class:`VisitRow`, :class:`ProspectPick`) and the plain facts
the pure rules in :mod:`salesdesk.rules.planning` need.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from salesdesk.data.db import Database, raw_transaction
from salesdesk.data.store import MAX_ID, Change, _ts, get_settings, next_step_values
from salesdesk.enums import ActivityKind, VisitStatus
from salesdesk.errors import InputError, NotFound
from salesdesk.rules import planning
from salesdesk.rules.fields import MAX_TEXT

#: Statuses that take a place in the day (count against the day's capacity).
ACTIVE = (VisitStatus.PLANNED.value, VisitStatus.DONE.value)

_VISIT_COLUMNS = """
    v.id, v.prospect_id, v.day, v.start, v.minutes, v.purpose, v.status, v.outcome, v.uid,
    p.name, p.company, p.area, p.address, p.phone, p.status, p.grade, p.follow_up,
    p.next_date, p.next_action,
    p.status = 'live' AND NOT EXISTS (
        SELECT 1 FROM activity a WHERE a.prospect_id = p.id AND a.kind = 'visit'
        AND (a.visit_id IS NULL OR a.visit_id != v.id)
    )
"""
_ORDER = "ORDER BY v.day, v.start IS NULL, v.start, v.id"


@dataclass(frozen=True)
class VisitRow:
    """One visit with what the plan shows about its prospect."""

    id: int
    prospect_id: int
    day: date
    start: str | None
    minutes: int | None
    purpose: str
    status: str
    outcome: str
    uid: str
    name: str
    company: str
    area: str
    address: str
    phone: str
    prospect_status: str
    grade: str
    follow_up: str
    next_date: date | None
    next_action: str
    new_prospect: bool  # a live card never visited before (fits the new-customer day)

    @property
    def active(self) -> bool:
        """Planned or done: it takes a place in its day."""
        return self.status in ACTIVE

    def as_planned(self) -> planning.PlannedVisit:
        return planning.PlannedVisit(
            self.id, self.prospect_id, self.day, self.start, self.status, self.area
        )


def _row(raw: Sequence[Any]) -> VisitRow:
    return VisitRow(
        int(raw[0]),
        int(raw[1]),
        date.fromisoformat(raw[2][:10]),
        raw[3],
        raw[4],
        raw[5] or "",
        raw[6],
        raw[7] or "",
        raw[8],
        raw[9],
        raw[10] or "",
        raw[11] or "",
        raw[12] or "",
        raw[13] or "",
        raw[14],
        raw[15],
        raw[16] or "keep",
        date.fromisoformat(raw[17][:10]) if raw[17] else None,
        raw[18] or "",
        bool(raw[19]),
    )


# --------------------------------------------------------------------------- reading


def list_visits(
    db: Database, start: date, end: date, *, statuses: Sequence[str] | None = None
) -> list[VisitRow]:
    """Visits from ``start`` to ``end`` (inclusive), by day and time (untimed last)."""
    where = "v.day BETWEEN ? AND ?"
    params: list[Any] = [start.isoformat(), end.isoformat()]
    if statuses:
        where += f" AND v.status IN ({', '.join('?' for _ in statuses)})"
        params.extend(statuses)
    sql = (
        f"SELECT {_VISIT_COLUMNS} FROM visit v JOIN prospect p ON p.id = v.prospect_id "
        f"WHERE {where} {_ORDER}"
    )
    with db.connect() as conn:
        rows = conn.execute(sql, tuple(params)).fetchall()
    return [_row(r) for r in rows]


def get_visit(db: Database, visit_id: int) -> VisitRow:
    """One visit; NotFound if the id is unknown."""
    if not 0 < visit_id <= MAX_ID:
        raise NotFound(f"no visit with id {visit_id}")
    with db.connect() as conn:
        raw = conn.execute(
            f"SELECT {_VISIT_COLUMNS} FROM visit v JOIN prospect p ON p.id = v.prospect_id "
            "WHERE v.id = ?",
            (visit_id,),
        ).fetchone()
    if raw is None:
        raise NotFound(f"no visit with id {visit_id}")
    return _row(raw)


@dataclass(frozen=True)
class ProspectPick:
    """A search result when adding a visit."""

    id: int
    name: str
    company: str
    area: str
    status: str
    grade: str
    next_date: date | None
    next_action: str


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_prospects(db: Database, text: str, limit: int = 30) -> list[ProspectPick]:
    """Cards whose name, company, phone or area holds every word of ``text``: live ones
    first, then customers, then the rest. Empty text lists the next steps coming up."""
    where: list[str] = []
    params: list[Any] = []
    for term in text.split():
        where.append(
            "("
            + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in ("name", "company", "phone", "area"))
            + ")"
        )
        params.extend([_like(term)] * 4)
    if not where:
        where.append("status IN ('live', 'customer')")
        order = "next_date IS NULL, next_date, id"
    else:
        order = (
            "CASE status WHEN 'live' THEN 0 WHEN 'customer' THEN 1 ELSE 2 END, "
            "length(name), name, id"
        )
    sql = (
        "SELECT id, name, company, area, status, grade, next_date, next_action FROM prospect "
        f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?"
    )
    with db.connect() as conn:
        rows = conn.execute(sql, (*params, limit)).fetchall()
    return [
        ProspectPick(
            int(r[0]),
            r[1],
            r[2] or "",
            r[3] or "",
            r[4],
            r[5],
            date.fromisoformat(r[6][:10]) if r[6] else None,
            r[7] or "",
        )
        for r in rows
    ]


def plan_settings(db: Database) -> planning.PlanSettings:
    """The settings the plan follows (capacity, new-customer day, cadences...)."""
    return planning.PlanSettings.from_strings(get_settings(db))


_BOUGHT = re.compile(r"→ customer(?: \(([\d,.]+)\))?")


def plan_facts(db: Database, today: date) -> list[planning.ProspectFacts]:
    """Every card the plan may suggest (live and customers not given up), as plain facts."""
    sql = """
        SELECT p.id, p.name, p.company, p.area, p.grade, p.status, p.key_account, p.follow_up,
               p.revisit_days, p.visit_days, p.visit_time, substr(p.next_date, 1, 10),
               p.next_action, substr(p.graded_at, 1, 10), substr(p.created_at, 1, 10),
               substr(p.touched_at, 1, 10), lv.last, substr(p.closed_at, 1, 10), p.value,
               substr(p.birthday, 1, 10)
        FROM prospect p
        LEFT JOIN (
            SELECT prospect_id, max(substr(at, 1, 10)) AS last FROM activity
            WHERE kind = 'visit' GROUP BY prospect_id
        ) lv ON lv.prospect_id = p.id
        WHERE p.status IN ('live', 'customer') AND p.follow_up != 'give_up'
    """
    since = _ts(datetime.combine(today - timedelta(days=planning.THANK_YOU_DAYS), time()))
    with db.connect() as conn:
        # Straight to the DB-API cursor: this reads every live card and customer.
        cursor = conn.cursor()
        try:
            rows = cursor.execute(sql).fetchall()
            sales = cursor.execute(
                "SELECT prospect_id, at, note FROM activity WHERE kind = 'status' AND at >= ? "
                "AND note LIKE '%→ customer%' ORDER BY at",
                (since,),
            ).fetchall()
        finally:
            cursor.close()
    bought: dict[int, tuple[date, float | None]] = {}
    for pid, at, note in sales:
        match = _BOUGHT.search(note or "")
        if match:
            amount = float(match.group(1).replace(",", "")) if match.group(1) else None
            bought[int(pid)] = (date.fromisoformat(at[:10]), amount)
    day = date.fromisoformat
    facts: list[planning.ProspectFacts] = []
    append = facts.append
    for (
        pid,
        name,
        company,
        area,
        grade,
        status,
        key,
        follow,
        revisit,
        vdays,
        vtime,
        nxt,
        action,
        graded,
        created,
        touched,
        visited,
        closed,
        value,
        birthday,
    ) in rows:
        purchase = None
        if pid in bought:
            on, amount = bought[pid]
            purchase = (on, amount if amount is not None else float(value or 0))
        append(
            planning.ProspectFacts(
                pid,
                name,
                company or "",
                area or "",
                grade,
                status,
                bool(key),
                follow or "keep",
                revisit,
                vdays or "",
                vtime or "",
                day(nxt) if nxt else None,
                action or "",
                day(graded) if graded else None,
                day(created) if created else None,
                day(touched) if touched else None,
                day(visited) if visited else None,
                day(closed) if closed else None,
                float(value or 0),
                day(birthday) if birthday else None,
                purchase,
            )
        )
    return facts


def plan_visits(db: Database, period: planning.Period, today: date) -> list[planning.PlannedVisit]:
    """The period's visits and every planned visit from today on (as the rules see them)."""
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT v.id, v.prospect_id, v.day, v.start, v.status, p.area FROM visit v "
            "JOIN prospect p ON p.id = v.prospect_id "
            "WHERE v.day BETWEEN ? AND ? OR (v.status = 'planned' AND v.day >= ?)",
            (period.start.isoformat(), period.end.isoformat(), today.isoformat()),
        ).fetchall()
    return [
        planning.PlannedVisit(
            int(r[0]), int(r[1]), date.fromisoformat(r[2][:10]), r[3], r[4], r[5] or ""
        )
        for r in rows
    ]


def span_suggestions(db: Database, span: planning.Period, today: date) -> planning.Suggestions:
    """Suggested visits for every day of ``span`` from the database's cards, visits and
    settings (one computation: the shells show slices of it)."""
    return planning.suggest(
        plan_facts(db, today), plan_visits(db, span, today), span, today, plan_settings(db)
    )


def suggestions(
    db: Database, period: planning.Period, today: date, day: date | None = None
) -> planning.Suggestions:
    """What the week or month ``period`` shows of the suggestions worked out for the month
    of the selected ``day`` (default: :func:`planning.selected_day`), so the week and the
    month views of the same day never contradict each other."""
    span = planning.suggestion_period(day or planning.selected_day(period, today))
    return span_suggestions(db, span, today).within(period)


@dataclass(frozen=True)
class DayPlan:
    """One day of the plan: its load and marks, and its visits (every status)."""

    info: planning.DayInfo
    visits: tuple[VisitRow, ...]


@dataclass(frozen=True)
class PlanView:
    """What both shells show for a week or a month."""

    period: planning.Period
    settings: planning.PlanSettings
    days: dict[date, DayPlan]

    def flags(self, visit: VisitRow) -> planning.VisitFlags:
        """Why a visit deserves a second look (closed card, given up, reserved day)."""
        plan = self.days.get(visit.day)
        reserved = plan is not None and plan.info.new_customer_day
        return planning.visit_flags(
            visit.prospect_status, visit.follow_up, reserved, visit.new_prospect
        )

    @property
    def visits(self) -> list[VisitRow]:
        return [v for plan in self.days.values() for v in plan.visits]


def plan_view(db: Database, period: planning.Period) -> PlanView:
    """The period's days with their visits, loads and new-customer-day marks."""
    settings = plan_settings(db)
    rows = list_visits(db, period.start, period.end)
    infos = planning.day_infos((v.as_planned() for v in rows), period, settings)
    grouped: dict[date, list[VisitRow]] = {d: [] for d in infos}
    for row in rows:
        grouped[row.day].append(row)
    days = {d: DayPlan(info, tuple(grouped[d])) for d, info in infos.items()}
    return PlanView(period, settings, days)


# --------------------------------------------------------------------------- writing


def _clean_purpose(purpose: str) -> str:
    value = " ".join(purpose.split())
    if len(value) > MAX_TEXT:
        raise InputError(f"the purpose is too long ({len(value)} characters, at most {MAX_TEXT})")
    return value


def _check_minutes(minutes: int | None) -> int | None:
    if minutes is not None and not 1 <= minutes <= 24 * 60:
        raise InputError(f"invalid length {minutes}: use 1 to 1440 minutes")
    return minutes


def _visit(change: Change, visit_id: int) -> dict[str, Any]:
    raw = change.snapshot_row("visit", visit_id)
    if raw is None:
        raise NotFound(f"no visit with id {visit_id}")
    return raw


def _prospect_name(change: Change, prospect_id: int) -> str:
    raw = change.raw("prospect", prospect_id)
    return str(raw["name"]) if raw else f"#{prospect_id}"


def _label_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _not_past(day: date, today: date, verb: str) -> None:
    if day < today:
        raise InputError(
            f"cannot {verb} a visit in the past ({day.isoformat()}): "
            "log a visit that happened as a touch instead (t on the board, or "
            "salesdesk log ID --kind visit)"
        )


def plan_visit(
    db: Database,
    now: datetime,
    prospect_id: int,
    day: date,
    *,
    start: str | None = None,
    minutes: int | None = None,
    purpose: str = "",
) -> int:
    """Plan a visit (today or later) and return its id. Its calendar UID is made here, once."""
    _not_past(day, now.date(), "plan")
    start = planning.parse_time(start) if start else None
    values = {
        "prospect_id": prospect_id,
        "day": day,
        "start": start,
        "minutes": _check_minutes(minutes),
        "purpose": _clean_purpose(purpose),
        "status": VisitStatus.PLANNED.value,
        "outcome": "",
        "uid": f"{uuid.uuid4()}@salesdesk",
        "created_at": now,
    }
    with db.begin() as conn:
        change = Change(conn, "")
        if not 0 < prospect_id <= MAX_ID or change.raw("prospect", prospect_id) is None:
            raise NotFound(f"no prospect with id {prospect_id}")
        visit_id = change.insert("visit", values)
        change.label = f"plan visit to {_prospect_name(change, prospect_id)} on {_label_day(day)}"
        change.record(now)
    return visit_id


def move_visit(
    db: Database, now: datetime, visit_id: int, day: date, *, start: str | None = None
) -> date:
    """Move a visit to another day (today or later), optionally to a new start time. It keeps
    its id and calendar UID; a missed or cancelled visit that is moved is planned again.
    Returns the new day."""
    _not_past(day, now.date(), "move")
    values: dict[str, Any] = {"day": day, "status": VisitStatus.PLANNED.value}
    if start:
        values["start"] = planning.parse_time(start)
    with db.begin() as conn:
        change = Change(conn, "")
        raw = _visit(change, visit_id)
        if raw["status"] == VisitStatus.DONE:
            raise InputError(f"visit {visit_id} is done: it cannot be moved")
        change.update_row("visit", visit_id, values)
        name = _prospect_name(change, int(raw["prospect_id"]))
        change.label = f"move visit to {name} to {_label_day(day)}"
        change.record(now)
    return day


def step_day(day: date, step: int) -> date:
    """``day`` moved by ``step`` working days (Sunday is skipped)."""
    direction = 1 if step > 0 else -1
    for _ in range(abs(step)):
        day += timedelta(days=direction)
        if day.weekday() == planning.SUNDAY:
            day += timedelta(days=direction)
    return day


def shift_visit(db: Database, now: datetime, visit_id: int, step: int) -> date:
    """Move a visit ``step`` working days later (earlier when negative). Returns the day."""
    visit = get_visit(db, visit_id)
    return move_visit(db, now, visit_id, step_day(visit.day, step))


_KEEP: Any = object()  # set_time: leave the length as it is


def set_time(
    db: Database,
    now: datetime,
    visit_id: int,
    start: str | None,
    minutes: int | None = _KEEP,
    purpose: str | None = None,
) -> None:
    """Set (or clear, with None) the start time; optionally the length and the purpose."""
    values: dict[str, Any] = {"start": planning.parse_time(start) if start else None}
    if minutes is not _KEEP:
        values["minutes"] = _check_minutes(minutes)
    if purpose is not None:
        values["purpose"] = _clean_purpose(purpose)
    with db.begin() as conn:
        change = Change(conn, "")
        raw = _visit(change, visit_id)
        change.update_row("visit", visit_id, values)
        name = _prospect_name(change, int(raw["prospect_id"]))
        change.label = f"visit to {name}: {values['start'] or 'no time'}"
        change.record(now)


def mark_done(
    db: Database,
    now: datetime,
    visit_id: int,
    note: str,
    *,
    next_date: date | None = None,
    next_action: str | None = None,
    next_topic: str | None = None,
    clear_next: bool = False,
) -> int:
    """Record a visit's outcome: the visit is done, a ``visit`` activity (purpose and outcome,
    linked to the visit) goes on the card's timeline, the card is touched and gets its next
    step and the topic left for next time. Returns the activity id.

    A visit planned for a later day that is marked done happened today: it moves to today.
    """
    today = now.date()
    with db.begin() as conn:
        change = Change(conn, "")
        raw = _visit(change, visit_id)
        if raw["status"] == VisitStatus.DONE:
            raise InputError(f"visit {visit_id} is already done")
        day = date.fromisoformat(str(raw["day"])[:10])
        at = now
        if day > today:
            day = today
        elif day < today:
            hour = time.fromisoformat(raw["start"]) if raw["start"] else time(12, 0)
            at = datetime.combine(day, hour)
        prospect_id = int(raw["prospect_id"])
        prospect = change.snapshot(prospect_id)
        change.update_row(
            "visit", visit_id, {"status": VisitStatus.DONE.value, "outcome": note, "day": day}
        )
        activity_id = change.activity(
            prospect_id,
            ActivityKind.VISIT,
            at,
            note=raw["purpose"] or "visit",
            outcome=note,
            visit_id=visit_id,
        )
        values: dict[str, Any] = {}
        touched = prospect["touched_at"]
        if touched is None or datetime.fromisoformat(touched) < at:
            values["touched_at"] = at
        values.update(next_step_values(next_date, next_action, next_topic, clear_next=clear_next))
        change.update(prospect_id, values)
        change.label = f"visit to {prospect['name']} done"
        change.record(now)
    return activity_id


def _set_status(db: Database, now: datetime, visit_id: int, status: VisitStatus) -> None:
    with db.begin() as conn:
        change = Change(conn, "")
        raw = _visit(change, visit_id)
        if raw["status"] == VisitStatus.DONE:
            raise InputError(f"visit {visit_id} is done: undo it first to change it")
        change.update_row("visit", visit_id, {"status": status.value})
        name = _prospect_name(change, int(raw["prospect_id"]))
        change.label = f"visit to {name} {status.value}"
        change.record(now)


def mark_missed(db: Database, now: datetime, visit_id: int) -> None:
    """The visit did not happen (move it to plan it again). Only today's or past visits."""
    with db.connect() as conn:
        row = conn.execute("SELECT day FROM visit WHERE id = ?", (visit_id,)).fetchone()
    if row is not None and date.fromisoformat(str(row[0])[:10]) > now.date():
        raise InputError(
            "this visit is still ahead: move or cancel it instead of marking it missed"
        )
    _set_status(db, now, visit_id, VisitStatus.MISSED)


def cancel_visit(db: Database, now: datetime, visit_id: int) -> None:
    """Cancel a visit but keep it, so a re-exported calendar removes it (STATUS:CANCELLED)."""
    _set_status(db, now, visit_id, VisitStatus.CANCELLED)


def delete_visit(db: Database, now: datetime, visit_id: int) -> None:
    """Remove a visit from the plan (undo puts it back; a done visit's timeline entry stays)."""
    with db.begin() as conn:
        change = Change(conn, "")
        raw = _visit(change, visit_id)
        for (activity_id,) in conn.execute(
            "SELECT id FROM activity WHERE visit_id = ?", (visit_id,)
        ).fetchall():
            change.update_row("activity", int(activity_id), {"visit_id": None})
        change.delete_row("visit", visit_id)
        name = _prospect_name(change, int(raw["prospect_id"]))
        day = date.fromisoformat(str(raw["day"])[:10])
        change.label = f"delete visit to {name} on {_label_day(day)}"
        change.record(now)


# --------------------------------------------------------------------------- demo

_DEMO_PURPOSES = (
    "demo the new model",
    "bring samples",
    "discuss the quote",
    "meet the decider",
    "service check",
    "送样品",
    "谈报价",
    "回访",
)
_DEMO_OUTCOMES = (
    "Liked the demo; wants a trial next month.",
    "Price is the sticking point: compare with their supplier.",
    "Met the owner; budget approved in Q1.",
    "对样品很满意，下周给答复。",
    "客户在忙，聊了十分钟，留了资料。",
)
_DEMO_PREFS = (
    ("tue,thu", "14:00-17:00"),
    ("mon,wed,fri", "morning"),
    ("", "after 3pm"),
    ("周二 周四", "上午"),
)


def fill_demo_visits(db: Database, today: date, rng_seed: int = 7) -> int:
    """Add demo visits around ``today``: done ones (with their timeline entries) and a missed
    one in the last two weeks, planned ones this week and next (grouped by area, one day
    over capacity, one visit to a parked card), and a few follow-up categories and preferred
    visit days and times. Not undoable (like the rest of the demo data). Returns how many
    visits were added; 0 when there are no cards."""
    import random

    with raw_transaction(db.path) as conn:
        return add_demo_visits(conn, random.Random(rng_seed), today)


def add_demo_visits(conn: Any, rng: Any, today: date) -> int:
    """:func:`fill_demo_visits` inside a transaction the caller holds (used by the demo)."""
    rows = conn.execute(
        "SELECT id, status, area, touched_at FROM prospect WHERE status IN "
        "('live', 'customer', 'parked') ORDER BY id LIMIT 400"
    ).fetchall()
    live = [r for r in rows if r[1] in ("live", "customer")]
    parked = [r for r in rows if r[1] == "parked"]
    if not live:
        return 0
    for pid, *_rest in rng.sample(live, min(len(live), max(3, len(live) // 6))):
        days, hours = rng.choice(_DEMO_PREFS)
        follow = rng.choices(("keep", "revisit", "give_up"), weights=(6, 3, 1))[0]
        conn.execute(
            "UPDATE prospect SET visit_days = ?, visit_time = ?, follow_up = ?, "
            "revisit_days = ? WHERE id = ?",
            (days, hours, follow, rng.choice((14, 21, 28)) if follow == "revisit" else None, pid),
        )
    by_area: dict[str, list[Any]] = {}
    for row in live:
        by_area.setdefault(row[2] or "", []).append(row)
    pool = list(live)
    rng.shuffle(pool)
    plan: list[tuple[Any, date, str]] = []
    # Last two weeks: done visits (a missed one among them).
    for offset in range(-14, 0):
        day = today + timedelta(days=offset)
        if day.weekday() == planning.SUNDAY:
            continue
        for _ in range(rng.randint(1, 3)):
            if pool:
                plan.append((pool.pop(), day, "done"))
    if len(plan) > 3:
        row, day, _status = plan[3]
        plan[3] = (row, day, "missed")
    # The coming two weeks: planned, one area per day where possible, a lighter second week.
    areas = sorted(by_area, key=lambda a: -len(by_area[a]))
    over_full = today + timedelta(days=(3 - today.weekday()) % 7)  # the next Thursday
    for index in range(14):
        day = today + timedelta(days=index)
        if day.weekday() == planning.SUNDAY:
            continue
        area = areas[index % len(areas)]
        same = [r for r in by_area[area] if r in pool][: rng.randint(1, 3 if index < 7 else 2)]
        if day == over_full:  # one over-full day to show the flag
            same = [r for r in pool if r not in same][:5]
        for row in same:
            pool.remove(row)
            plan.append((row, day, "planned"))
    if parked:
        plan.append(
            (parked[0], today + timedelta(days=2 if today.weekday() != 4 else 1), "planned")
        )
    created = _ts(datetime.combine(today - timedelta(days=20), time(8, 0)))
    for (pid, _status, _area, touched), day, status in plan:
        start = rng.choice((None, "09:00", "09:30", "10:30", "14:00", "15:30", "16:00"))
        cursor = conn.execute(
            "INSERT INTO visit (prospect_id, day, start, minutes, purpose, status, outcome, "
            "uid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pid,
                day.isoformat(),
                start,
                rng.choice((None, 45, 60, 90)),
                rng.choice(_DEMO_PURPOSES),
                status,
                rng.choice(_DEMO_OUTCOMES) if status == "done" else "",
                f"{uuid.uuid4()}@salesdesk",
                created,
            ),
        )
        if status != "done":
            continue
        at = datetime.combine(day, time.fromisoformat(start) if start else time(11, 0))
        outcome = conn.execute(
            "SELECT purpose, outcome FROM visit WHERE id = ?", (cursor.lastrowid,)
        ).fetchone()
        conn.execute(
            "INSERT INTO activity (prospect_id, kind, at, note, outcome, visit_id) "
            "VALUES (?, 'visit', ?, ?, ?, ?)",
            (pid, _ts(at), outcome[0], outcome[1], cursor.lastrowid),
        )
        if touched is None or touched < _ts(at):
            conn.execute("UPDATE prospect SET touched_at = ? WHERE id = ?", (_ts(at), pid))
    return len(plan)
