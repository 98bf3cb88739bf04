"""Visit commands: plan, move, retime, done (the outcome goes on the card), missed, cancel,
delete. Every command is one short transaction and one undo-journal entry, so the board's
``u``, the plan screen's ``u`` and ``salesdesk undo`` reverse it alike."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from salesdesk.data.card_changes import first_contact_stop, next_step_values, step_kind
from salesdesk.data.db import Database
from salesdesk.data.journal import Change
from salesdesk.data.sql import MAX_ID, new_uuid
from salesdesk.data.visits.rows import get_visit
from salesdesk.enums import ActivityKind, VisitStatus
from salesdesk.errors import InputError, NotFound
from salesdesk.rules import planning
from salesdesk.rules.fields import MAX_TEXT


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
    raw = change.raw("visit", visit_id)
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
    """Plan a visit (today or later) and return its id. Its UUID, and the calendar UID
    that carries it (``<uuid>@salesdesk``), are made here, once."""
    _not_past(day, now.date(), "plan")
    start = planning.parse_time(start) if start else None
    visit_uuid = new_uuid()
    values = {
        "prospect_id": prospect_id,
        "day": day,
        "start": start,
        "minutes": _check_minutes(minutes),
        "purpose": _clean_purpose(purpose),
        "status": VisitStatus.PLANNED.value,
        "outcome": "",
        "uid": f"{visit_uuid}@salesdesk",
        "created_at": now,
        "uuid": visit_uuid,
    }
    with db.begin() as conn:
        change = Change(conn, now)
        if not 0 < prospect_id <= MAX_ID or change.raw("prospect", prospect_id) is None:
            raise NotFound(f"no prospect with id {prospect_id}")
        visit_id = change.insert("visit", values)
        change.label = f"plan visit to {_prospect_name(change, prospect_id)} on {_label_day(day)}"
        change.record()
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
        change = Change(conn, now)
        raw = _visit(change, visit_id)
        if raw["status"] == VisitStatus.DONE:
            raise InputError(f"visit {visit_id} is done: it cannot be moved")
        change.update_row("visit", visit_id, values)
        name = _prospect_name(change, int(raw["prospect_id"]))
        change.label = f"move visit to {name} to {_label_day(day)}"
        change.record()
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
        change = Change(conn, now)
        raw = _visit(change, visit_id)
        change.update_row("visit", visit_id, values)
        name = _prospect_name(change, int(raw["prospect_id"]))
        change.label = f"visit to {name}: {values['start'] or 'no time'}"
        change.record()


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
        change = Change(conn, now)
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
        values.update(first_contact_stop(prospect, ActivityKind.VISIT, at))
        values.update(next_step_values(next_date, next_action, next_topic, clear_next=clear_next))
        kind = step_kind(prospect, values, lambda: "visit")
        if kind != prospect.get("next_kind"):
            values["next_kind"] = kind
        values["reviewed_at"] = now  # a visit is a look at the card too
        change.update(prospect_id, values)
        change.label = f"visit to {prospect['name']} done"
        change.record()
    return activity_id


def _set_status(db: Database, now: datetime, visit_id: int, status: VisitStatus) -> None:
    with db.begin() as conn:
        change = Change(conn, now)
        raw = _visit(change, visit_id)
        if raw["status"] == VisitStatus.DONE:
            raise InputError(f"visit {visit_id} is done: undo it first to change it")
        change.update_row("visit", visit_id, {"status": status.value})
        name = _prospect_name(change, int(raw["prospect_id"]))
        change.label = f"visit to {name} {status.value}"
        change.record()


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
        change = Change(conn, now)
        raw = _visit(change, visit_id)
        for (activity_id,) in conn.execute(
            "SELECT id FROM activity WHERE visit_id = ?", (visit_id,)
        ).fetchall():
            change.update_row("activity", int(activity_id), {"visit_id": None})
        change.delete_row("visit", visit_id)
        name = _prospect_name(change, int(raw["prospect_id"]))
        day = date.fromisoformat(str(raw["day"])[:10])
        change.label = f"delete visit to {name} on {_label_day(day)}"
        change.record()
