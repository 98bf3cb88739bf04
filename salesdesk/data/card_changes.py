"""Commands on one card: add, regrade (or keep), log a touch, set the next step, edit
fields, change the status. Each is one short transaction and one undo-journal entry; grade
and status changes write the timeline entries the weekly review reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from salesdesk.data.cards import typed_fields
from salesdesk.data.db import Database
from salesdesk.data.first_contact import load_rule
from salesdesk.data.journal import Change
from salesdesk.enums import (
    CONTACT_KINDS,
    TOUCH_KINDS,
    ActivityKind,
    CardKind,
    FollowUp,
    Stage,
    Status,
)
from salesdesk.errors import InputError, StaleEdit
from salesdesk.rules.fields import FIELD_BY_NAME, FIELDS, MAX_TEXT, edit_note
from salesdesk.rules.grading import Grade
from salesdesk.rules.man import Tri
from salesdesk.rules.reasons import REASON_LABELS, reason_said
from salesdesk.rules.step_kinds import default_step_kind, parse_step_kind
from salesdesk.text import has_visible

_CONTACT_SQL = "('call', 'visit', 'message', 'email', 'meeting')"


def _name(raw: Mapping[str, Any]) -> str:
    return str(raw["name"])


def _check_lengths(values: Mapping[str, Any]) -> None:
    """Text fields hold at most MAX_TEXT characters, whichever way they arrive."""
    for key, value in values.items():
        if isinstance(value, str) and len(value) > MAX_TEXT and key in FIELD_BY_NAME:
            label = FIELD_BY_NAME[key].label
            raise InputError(
                f"{label} is too long ({len(value):,} characters, at most {MAX_TEXT:,})"
            )


def check_text(label: str, value: str | None) -> None:
    """The one limit (MAX_TEXT characters) for text that is not a card field: a touch's
    note and outcome, a next step's action and topic."""
    if value is not None and len(value) > MAX_TEXT:
        raise InputError(f"{label} is too long ({len(value):,} characters, at most {MAX_TEXT:,})")


def last_touch(db: Database, prospect_id: int) -> str | None:
    """The kind of the card's latest contact (the touch form's default when no step is
    due)."""
    with db.connect() as conn:
        return last_touch_kind(conn, prospect_id)


def last_touch_kind(conn: Any, prospect_id: int) -> str | None:
    """The kind of the card's latest call, visit, message, email or meeting (None: none)."""
    row = conn.execute(
        f"SELECT kind FROM activity WHERE prospect_id = ? AND kind IN {_CONTACT_SQL} "
        "ORDER BY at DESC, id DESC LIMIT 1",
        (prospect_id,),
    ).fetchone()
    return str(row[0]) if row else None


def step_kind(
    before: Mapping[str, Any],
    values: Mapping[str, Any],
    last_touch: Callable[[], str | None],
    kind: str | None = None,
) -> str:
    """The next step's kind after writing ``values`` over ``before`` (raw card columns):
    '' with no next step; the kind chosen (``kind``, or ``values["next_kind"]``); the
    card's own kind while its action is unchanged; else the rule of
    :mod:`salesdesk.rules.step_kinds` (the words, the last touch, a call)."""
    after = {**before, **values}
    if after.get("next_date") is None and not str(after.get("next_action") or "").strip():
        return ""
    chosen = kind or values.get("next_kind")
    if chosen:
        try:
            return parse_step_kind(str(chosen))
        except ValueError as exc:
            raise InputError(str(exc)) from None
    same_action = str(after.get("next_action") or "") == str(before.get("next_action") or "")
    if same_action and before.get("next_kind"):
        return str(before["next_kind"])
    return default_step_kind(str(after.get("next_action") or ""), last_touch())


def _set_kind(values: dict[str, Any], raw: Mapping[str, Any], kind: str) -> None:
    """Write the step's kind only when it changes (undo keeps only what a change wrote)."""
    if kind != raw.get("next_kind"):
        values["next_kind"] = kind


def new_card_values(now: datetime) -> dict[str, Any]:
    """What a new card holds before anything is typed or imported (Python values): a
    person, graded C now, live at the target stage, MAN unknown, empty text, every flag
    off. The one definition: :func:`add_prospect` and the importer both start here."""
    row: dict[str, Any] = {}
    for spec in FIELDS:
        if spec.kind in ("text", "long"):
            row[spec.name] = ""
        elif spec.kind == "bool":
            row[spec.name] = False
    row.update(
        kind=CardKind.PERSON.value,
        grade=Grade.C.value,
        status=Status.LIVE.value,
        stage=Stage.TARGET.value,
        money=Tri.UNKNOWN.value,
        authority=Tri.UNKNOWN.value,
        need=Tri.UNKNOWN.value,
        value=0.0,
        follow_up=FollowUp.KEEP.value,
        next_kind="",
        inquiries=0,
        created_at=now,
        graded_at=now,
        updated_at=now,
        first_contact_due=None,
        first_contact_at=None,
    )
    return row


def add_prospect(db: Database, now: datetime, name: str, **values: Any) -> int:
    """Create a card and return its id. ``values`` are field names with parsed values."""
    if not name or not has_visible(name):
        raise InputError("a prospect needs a name (one with visible characters)")
    unknown = [key for key in values if key not in FIELD_BY_NAME]
    if unknown:
        raise InputError(f"unknown field(s): {', '.join(unknown)}")
    row = new_card_values(now)
    row["name"] = name.strip()
    row.update({k: v for k, v in values.items() if v is not None})
    _check_lengths(row)
    if row["grade"] not in Grade.__members__:
        raise InputError(f"invalid grade {row['grade']!r}: use A, B or C")
    row["next_kind"] = step_kind({}, row, lambda: None)
    with db.begin() as conn:
        if row["status"] == Status.LIVE and row.get("touched_at") is None:
            row["first_contact_due"] = load_rule(conn).due(str(row.get("source", "")), now)
        change = Change(conn, now, f"add {row['name']}")
        prospect_id = change.insert("prospect", row)
        change.record()
    return prospect_id


def regrade(db: Database, now: datetime, prospect_id: int, grade: str) -> str:
    """Set the grade (A/B/C). Same grade counts as a review ("keep"). Returns the old grade.

    A closed card (customer, parked...) that is graded becomes live again.
    """
    with db.begin() as conn:
        change = Change(conn, now)
        raw = change.snapshot(prospect_id)
        change.label = _apply_grade(change, raw, prospect_id, Grade(grade), now)
        change.record()
    return str(raw["grade"])


def _apply_grade(
    change: Change, raw: Mapping[str, Any], prospect_id: int, new: Grade, now: datetime
) -> str:
    """Grade a card inside ``change`` (reopening a closed one); returns the undo label."""
    old = str(raw["grade"])
    reopened = raw["status"] != Status.LIVE
    values: dict[str, Any] = {"grade": new.value, "graded_at": now, "reviewed_at": now}
    if reopened:
        values.update(status=Status.LIVE.value, closed_at=None)
    change.update(prospect_id, values)
    if reopened:
        _status_changed(change, prospect_id, str(raw["status"]), Status.LIVE.value, now)
        change.activity(prospect_id, ActivityKind.GRADE, now, from_grade=old, to_grade=new)
        return f"reopen {_name(raw)} ({raw['status']}) as {new}"
    if old != new:
        change.activity(prospect_id, ActivityKind.GRADE, now, from_grade=old, to_grade=new)
        return f"regrade {_name(raw)} {old}→{new}"
    return f"review {_name(raw)} (kept {new})"


def next_step_values(
    next_date: date | None,
    next_action: str | None,
    next_topic: str | None,
    *,
    clear_next: bool = False,
) -> dict[str, Any]:
    """The card columns a logged touch or a done visit sets for the next step: ``clear_next``
    empties it first; None leaves a part as it is."""
    values: dict[str, Any] = {}
    if clear_next:
        values.update(next_date=None, next_action="")
    if next_date is not None:
        values["next_date"] = next_date
    if next_action is not None:
        values["next_action"] = next_action
    if next_topic is not None:
        values["next_topic"] = next_topic
    return values


def log_touch(
    db: Database,
    now: datetime,
    prospect_id: int,
    kind: str,
    note: str = "",
    *,
    outcome: str = "",
    next_date: date | None = None,
    next_action: str | None = None,
    next_topic: str | None = None,
    clear_next: bool = False,
    next_kind: str | None = None,
) -> int:
    """Log a call/visit/message/...; optionally set the next step (of ``next_kind``, else
    the kind its words or this touch give). Returns the activity id.

    A touch is a look at the card too: it counts as a review (the review queue and the
    board's count drop at once)."""
    try:
        kind_ = ActivityKind(kind.strip().lower())
        if kind_ not in TOUCH_KINDS:
            raise ValueError(kind)
    except ValueError:
        raise InputError(
            f"invalid kind {kind!r}: use call, visit, message, email, meeting or note"
        ) from None
    for label, text in (("the note", note), ("the outcome", outcome),
                        ("the next action", next_action), ("the topic", next_topic)):
        check_text(label, text)
    with db.begin() as conn:
        change = Change(conn, now)
        raw = change.snapshot(prospect_id)
        activity_id = change.activity(prospect_id, kind_, now, note=note, outcome=outcome)
        values: dict[str, Any] = {"touched_at": now, "reviewed_at": now}
        values.update(first_contact_stop(raw, kind_, now))
        values.update(next_step_values(next_date, next_action, next_topic, clear_next=clear_next))
        _set_kind(values, raw, step_kind(raw, values, lambda: str(kind_), next_kind))
        change.update(prospect_id, values)
        change.label = f"log {kind_} with {_name(raw)}"
        change.record()
    return activity_id


def first_contact_stop(raw: Mapping[str, Any], kind: str, at: datetime) -> dict[str, Any]:
    """The first contact with a new lead (a call, visit, message, email or meeting; not a
    note) stops its first-contact clock: the column to set, if any."""
    if kind in CONTACT_KINDS and raw.get("first_contact_due") and not raw.get("first_contact_at"):
        return {"first_contact_at": at}
    return {}


def set_next_step(
    db: Database,
    now: datetime,
    prospect_id: int,
    next_date: date | None,
    action: str | None = None,
    kind: str | None = None,
) -> None:
    """Set (or clear, with None) the next-step date, and optionally the action and its
    kind (None: as :func:`step_kind` works it out)."""
    check_text("the next action", action)
    with db.begin() as conn:
        change = Change(conn, now)
        raw = change.snapshot(prospect_id)
        values: dict[str, Any] = {"next_date": next_date}
        if action is not None:
            values["next_action"] = action
        _set_kind(values, raw,
                  step_kind(raw, values, lambda: last_touch_kind(conn, prospect_id), kind))
        typed = typed_fields(raw)
        moved = {k: (typed.get(k), v) for k, v in values.items() if typed.get(k) != v}
        if moved:  # on the timeline, as the same edit in the card detail is
            change.activity(prospect_id, ActivityKind.EDIT, now, note=edit_note(moved))
        change.update(prospect_id, values)
        when = next_date.isoformat() if next_date else "none"
        change.label = f"next step of {_name(raw)} → {when}"
        change.record()


def update_fields(
    db: Database,
    now: datetime,
    prospect_id: int,
    values: Mapping[str, Any],
    *,
    expected: Mapping[str, Any] | None = None,
) -> list[str]:
    """Edit fields (already parsed with :func:`fields.parse_field`). Returns the changed names.

    Grade and status changes go through the same bookkeeping as regrade and won/drop.
    ``expected``: what the editing screen read; a field stored differently now (another
    program wrote it meanwhile) is refused with :class:`StaleEdit`, nothing written.
    """
    for key in values:
        if key not in FIELD_BY_NAME:
            raise InputError(f"unknown field {key!r}")
    if "name" in values and not has_visible(str(values["name"])):
        raise InputError("Name cannot be empty (or only invisible characters)")
    _check_lengths(values)
    with db.begin() as conn:
        change = Change(conn, now)
        raw = change.snapshot(prospect_id)
        typed = typed_fields(raw)
        for key, seen in (expected or {}).items():
            if typed.get(key) != seen and typed.get(key) != values.get(key, seen):
                label = FIELD_BY_NAME[key].label
                raise StaleEdit(
                    f"{label} was changed by another program meanwhile: your text is kept, "
                    "the stored one is shown below; save again to replace it",
                    key, typed.get(key),
                )
        asked = dict(values)
        if {"next_date", "next_action", "next_kind"} & set(asked):
            asked["next_kind"] = step_kind(
                raw, asked, lambda: last_touch_kind(conn, prospect_id)
            )
        changed = {k: v for k, v in asked.items() if typed.get(k) != v}
        if not changed:
            return []
        others = {k: v for k, v in changed.items() if k not in ("grade", "status")}
        edited = {k: (typed.get(k), v) for k, v in others.items() if k != "stage"}
        if edited:
            change.activity(prospect_id, ActivityKind.EDIT, now, note=edit_note(edited))
        if "stage" in others:
            _stage_moved(change, prospect_id, str(raw["stage"]), str(others["stage"]), now)
        if others:
            change.update(prospect_id, others)
            raw = {**raw, **others}
        # Grade and status follow the same rules as `a`/`b`/`c`, W, p and x on the board:
        # grading a closed card reopens it; winning one sets the customer stage.
        if "grade" in changed:
            _apply_grade(change, raw, prospect_id, Grade(changed["grade"]), now)
            raw = {**raw, "status": Status.LIVE.value}
        if "status" in changed and changed["status"] != raw["status"]:  # (not reopened above)
            _apply_status(change, raw, prospect_id, Status(changed["status"]), now)
        labels = ", ".join(FIELD_BY_NAME[k].label.lower() for k in changed)
        change.label = f"edit {_name(raw)}: {labels}"
        change.record()
    return list(changed)


def set_status(
    db: Database,
    now: datetime,
    prospect_id: int,
    status: str,
    *,
    value: float | None = None,
    reason: str | None = None,
    reason_note: str = "",
) -> str:
    """Mark a card won (customer), parked, dropped, lost, or live again. Returns the old
    status. A drop or a loss keeps its ``reason`` (a key of :data:`REASONS`) and the rep's
    ``reason_note`` on the status change, for the weekly review."""
    new = Status(status)
    if (reason is not None or reason_note.strip()) and new not in (Status.DROPPED, Status.LOST):
        raise InputError("a reason goes with a drop or a loss only")
    if reason is not None and reason not in REASON_LABELS:
        raise InputError(f"unknown reason {reason!r}: use {', '.join(REASON_LABELS)}")
    note = " ".join(reason_note.split())
    if len(note) > MAX_TEXT:
        raise InputError(f"the reason is too long ({len(note):,} characters, at most {MAX_TEXT:,})")
    with db.begin() as conn:
        change = Change(conn, now)
        raw = change.snapshot(prospect_id)
        if raw["status"] == new:  # nothing to record (and no second "win")
            already = "a customer" if status == Status.CUSTOMER else status
            raise InputError(f"{_name(raw)} is already {already}")
        change.label = _apply_status(
            change, raw, prospect_id, new, now, value, reason=reason, reason_note=note
        )
        change.record()
    return str(raw["status"])


def _apply_status(
    change: Change,
    raw: Mapping[str, Any],
    prospect_id: int,
    new: Status,
    now: datetime,
    value: float | None = None,
    *,
    reason: str | None = None,
    reason_note: str = "",
) -> str:
    """Change a card's status inside ``change``; returns the undo label.

    Winning a card makes it a customer at the customer stage with no pending next step.
    """
    old = str(raw["status"])
    values: dict[str, Any] = {
        "status": new.value,
        "closed_at": None if new == Status.LIVE else now,
    }
    if new == Status.CUSTOMER:
        values["stage"] = Stage.CUSTOMER.value
        values["next_date"] = None
        values["next_action"] = ""  # no next step: neither a date nor an action left
        values["next_kind"] = ""
    if value is not None:
        values["value"] = value
    change.update(prospect_id, values)
    if new == Status.CUSTOMER:  # (recorded first: the timeline shows the win on top)
        _stage_moved(change, prospect_id, str(raw["stage"]), Stage.CUSTOMER.value, now)
    amount = value if new == Status.CUSTOMER else None
    _status_changed(change, prospect_id, old, new.value, now, amount, reason, reason_note)
    verb = {Status.CUSTOMER: "won", Status.LIVE: "reopen"}.get(new, new.value)
    return f"{verb} {_name(raw)}"


def change_note(old: str, new: str, amount: float | None = None, extra: str = "") -> str:
    """What the timeline says about a status or stage change (``live → customer
    (12,000)``, then `` · extra``). For the rep only: the facts are the entry's columns."""
    note = f"{old} → {new}"
    if amount is not None:
        note += f" ({amount:,.0f})"
    return f"{note} · {extra}" if extra else note


def _status_changed(
    change: Change,
    prospect_id: int,
    old: str,
    new: str,
    now: datetime,
    amount: float | None = None,
    reason: str | None = None,
    reason_note: str = "",
) -> None:
    """Record a status change on the timeline (a win with its amount, a drop or loss with
    its reason, when given), so the weekly review and the visit plan can tell a card's
    status and sales on any past day, and why cards went."""
    facts: dict[str, Any] = {}
    if reason is not None or reason_note:
        facts.update(reason=reason, reason_note=reason_note)
    change.activity(
        prospect_id,
        ActivityKind.STATUS,
        now,
        note=change_note(old, new, amount, reason_said(reason, reason_note)),
        from_status=old,
        to_status=new,
        amount=amount,
        **facts,
    )


def _stage_moved(change: Change, prospect_id: int, old: str, new: str, now: datetime) -> None:
    """Record a stage change on the timeline, so the weekly review's funnel can tell a
    card's stage at the end of any past week."""
    if old != new:
        change.activity(
            prospect_id,
            ActivityKind.STAGE,
            now,
            note=change_note(old, new),
            from_stage=old,
            to_stage=new,
        )
