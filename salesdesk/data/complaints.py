"""Complaints: recording one, each step after it (answered, cause found, resolved,
followed up, lesson), and reading them for the board, the Complaints screen, the CLI and
the weekly review.

Every command is one transaction and one undo-journal entry, and writes a timeline entry
(kind ``complaint``) on the card; the facts are the complaint row's typed columns, never
read back from the entry's note. Resolving sets the card's next step: the contact after
the resolution, ``complaint_follow_up_days`` later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from salesdesk.data.db import Database
from salesdesk.data.settings import get_setting
from salesdesk.data.sql import MAX_ID, sql_timestamp
from salesdesk.enums import ActivityKind
from salesdesk.errors import InputError, NotFound
from salesdesk.rules import complaints as rules
from salesdesk.rules.complaints import ComplaintFacts, Step
from salesdesk.rules.fields import MAX_TEXT
from salesdesk.text import has_visible, one_line

#: The next step resolving sets on the card (and following up clears, if still there).
FOLLOW_UP_ACTION = "follow up the complaint"
#: How long a resolved complaint stays in the Complaints screen's "recently closed" list.
RECENT_DAYS = 30

_COLUMNS = (
    "c.id, c.prospect_id, p.name, p.company, c.received_at, c.channel, c.said, c.expected, "
    "c.answered_at, c.cause_kind, c.cause, c.cause_at, c.resolved_at, c.resolution, "
    "c.compensation, c.followed_up_at, c.lesson, c.lesson_at, c.answer, c.follow_up_outcome"
)


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True, slots=True)
class ComplaintRow:
    """One complaint as the shells show it (plain values), with its card's name."""

    id: int
    prospect_id: int
    name: str
    company: str
    received_at: datetime
    channel: str
    said: str
    expected: str
    answered_at: datetime | None
    cause_kind: str | None
    cause: str
    cause_at: datetime | None
    resolved_at: datetime | None
    resolution: str
    compensation: str
    followed_up_at: datetime | None
    lesson: str
    lesson_at: datetime | None
    answer: str = ""  # what the answer said
    follow_up_outcome: str = ""  # how the follow-up went

    @property
    def facts(self) -> ComplaintFacts:
        return ComplaintFacts(
            self.received_at, self.answered_at, self.cause_kind, self.resolved_at,
            self.followed_up_at, self.lesson,
        )

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def as_dict(self) -> dict[str, Any]:
        """For ``--json``: every field, timestamps in ISO form."""
        out: dict[str, Any] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            out[name] = value.isoformat() if isinstance(value, datetime) else value
        return out


def _row(raw: Sequence[Any]) -> ComplaintRow:
    (cid, pid, name, company, received, channel, said, expected, answered, cause_kind,
     cause, cause_at, resolved, resolution, compensation, followed, lesson, lesson_at,
     answer, outcome) = raw
    return ComplaintRow(
        cid, pid, name, company, datetime.fromisoformat(received), channel, said, expected,
        _at(answered), cause_kind, cause, _at(cause_at), _at(resolved), resolution,
        compensation, _at(followed), lesson, _at(lesson_at), answer, outcome,
    )


def answer_hours(db: Database) -> int:
    return int(get_setting(db, "complaint_answer_hours"))


# --------------------------------------------------------------------------- reading


def get_complaint(db: Database, complaint_id: int) -> ComplaintRow:
    if not 0 < complaint_id <= MAX_ID:
        raise NotFound(f"no complaint with id {complaint_id}")
    with db.connect() as conn:
        raw = conn.execute(
            f"SELECT {_COLUMNS} FROM complaint c JOIN prospect p ON p.id = c.prospect_id "
            "WHERE c.id = ?", (complaint_id,),
        ).fetchone()
    if raw is None:
        raise NotFound(f"no complaint with id {complaint_id}")
    return _row(raw)


def list_complaints(
    db: Database,
    *,
    open_only: bool = False,
    prospect_id: int | None = None,
    resolved_since: datetime | None = None,
) -> list[ComplaintRow]:
    """Complaints, oldest first: all, only open ones, one card's, or (``resolved_since``)
    the open ones and those resolved since then."""
    where: list[str] = []
    params: list[Any] = []
    if open_only:
        where.append("c.resolved_at IS NULL")
    if prospect_id is not None:
        where.append("c.prospect_id = ?")
        params.append(prospect_id)
    if resolved_since is not None:
        where.append("(c.resolved_at IS NULL OR c.resolved_at >= ?)")
        params.append(sql_timestamp(resolved_since))
    sql = f"SELECT {_COLUMNS} FROM complaint c JOIN prospect p ON p.id = c.prospect_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    with db.connect() as conn:
        rows = conn.execute(sql + " ORDER BY c.received_at, c.id", tuple(params)).fetchall()
    return [_row(r) for r in rows]


@dataclass(frozen=True)
class ComplaintBoard:
    """What the Complaints screen and ``salesdesk complaints`` list: open complaints by
    deadline, then those resolved in the last :data:`RECENT_DAYS` days, newest first."""

    open: list[ComplaintRow]
    closed: list[ComplaintRow]
    hours: int

    def due(self, row: ComplaintRow) -> datetime:
        return rules.answer_due(row.received_at, self.hours)


def open_key(row: ComplaintRow, hours: int) -> tuple[int, datetime, int]:
    """Open complaints by deadline: unanswered ones by their answer deadline first, then
    answered ones by when they came in."""
    if row.answered_at is None:
        return (0, rules.answer_due(row.received_at, hours), row.id)
    return (1, row.received_at, row.id)


def complaint_board(db: Database, now: datetime) -> ComplaintBoard:
    hours = answer_hours(db)
    rows = list_complaints(db, resolved_since=now - timedelta(days=RECENT_DAYS))
    open_ = sorted((r for r in rows if r.is_open), key=lambda r: open_key(r, hours))
    closed = sorted((r for r in rows if not r.is_open),
                    key=lambda r: (r.resolved_at or r.received_at, r.id), reverse=True)
    return ComplaintBoard(open_, closed, hours)


@dataclass(frozen=True)
class ComplaintCounts:
    """The board header's part: open complaints and the answer deadlines of the unanswered
    ones, nearest first (the header says how many of them have passed)."""

    open: int = 0
    dues: tuple[datetime, ...] = ()

    @property
    def next_due(self) -> datetime | None:
        """The nearest deadline of an unanswered complaint."""
        return self.dues[0] if self.dues else None

    def late(self, now: datetime) -> int:
        """How many unanswered complaints are past their deadline at ``now``."""
        return sum(1 for due in self.dues if due < now)


def complaint_counts(db: Database) -> ComplaintCounts:
    hours = answer_hours(db)
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT received_at, answered_at FROM complaint WHERE resolved_at IS NULL"
        ).fetchall()
    dues = sorted(rules.answer_due(datetime.fromisoformat(str(received)), hours)
                  for received, answered in rows if answered is None)
    return ComplaintCounts(len(rows), tuple(dues))


# --------------------------------------------------------------------------- commands


def _text(label: str, value: str, *, required: bool = False) -> str:
    value = value.strip()
    if required and not has_visible(value):
        raise InputError(f"{label} cannot be empty")
    if len(value) > MAX_TEXT:
        raise InputError(f"{label} is too long ({len(value):,} characters, at most {MAX_TEXT:,})")
    return value


def record_complaint(
    db: Database,
    now: datetime,
    prospect_id: int,
    said: str,
    *,
    expected: str = "",
    channel: str = "",
    received_at: datetime | None = None,
) -> int:
    """Record a complaint on a card (it came in at ``received_at``, default now): the
    answer clock starts. Returns the complaint's id."""
    said = _text("what the customer said", said, required=True)
    expected = _text("what they expected", expected)
    channel = _text("the channel", channel)
    received = received_at or now
    if received > now + timedelta(minutes=1):
        raise InputError(f"the complaint cannot come in later than now ({received:%Y-%m-%d %H:%M})")
    if not 0 < prospect_id <= MAX_ID:
        raise NotFound(f"no prospect with id {prospect_id}")
    from salesdesk.data.journal import Change  # (a write: the board's start needs none)

    with db.begin() as conn:
        change = Change(conn, now)
        name = str(change.snapshot(prospect_id)["name"])
        complaint_id = change.insert("complaint", {
            "prospect_id": prospect_id, "received_at": received, "channel": channel,
            "said": said, "expected": expected, "cause": "", "resolution": "",
            "compensation": "", "lesson": "", "answer": "", "follow_up_outcome": "",
        })
        via = f" ({one_line(channel)})" if channel else ""
        note = f"complaint received{via}: {one_line(said)}"
        if expected:
            note += f" · expected: {one_line(expected)}"
        change.activity(prospect_id, ActivityKind.COMPLAINT, received, note=note)
        change.label = f"complaint from {name}"
        change.record()
    return complaint_id


def take_step(
    db: Database,
    now: datetime,
    complaint_id: int,
    step: Step,
    text: str = "",
    *,
    at: datetime | None = None,
    cause_kind: str | None = None,
    compensation: str = "",
) -> ComplaintRow:
    """Take one step of a complaint at ``at`` (default now): answered (``text``: what was
    said, optional), cause (``cause_kind`` + ``text``), resolved (``text``: what was done,
    ``compensation``), followed up (``text``: how it went), lesson (``text``). Refused
    (InputError) when the step is already taken or out of order. Returns the complaint."""
    when = at or now
    if when > now + timedelta(minutes=1):
        raise InputError(f"a step cannot be dated later than now ({when:%Y-%m-%d %H:%M})")
    row = get_complaint(db, complaint_id)
    rules.check_step(row.facts, step, when)
    text = _text("the text", text, required=step == Step.LESSON)
    compensation = _text("the compensation", compensation)
    values: dict[str, Any]
    if step == Step.ANSWERED:
        values = {"answered_at": when, "answer": text}
        note = "complaint answered" + (f": {one_line(text)}" if text else "")
    elif step == Step.CAUSE:
        kind = rules.parse_cause(cause_kind or "")
        values = {"cause_kind": kind.value, "cause": text, "cause_at": when}
        note = f"complaint cause: {rules.CAUSE_LABELS[kind]}" + (
            f" · {one_line(text)}" if text else "")
    elif step == Step.RESOLVED:
        values = {"resolved_at": when, "resolution": text, "compensation": compensation}
        if row.answered_at is None:  # a resolution is a reply too: the clock stops
            values["answered_at"] = when
        note = "complaint resolved" + (f": {one_line(text)}" if text else "")
        if compensation:
            note += f" · compensation: {one_line(compensation)}"
    elif step == Step.FOLLOWED_UP:
        values = {"followed_up_at": when, "follow_up_outcome": text}
        note = "complaint followed up" + (f": {one_line(text)}" if text else "")
    else:
        values = {"lesson": text, "lesson_at": when}
        note = f"complaint lesson: {one_line(text)}"
    from salesdesk.data.journal import Change

    with db.begin() as conn:
        change = Change(conn, now)
        card = change.snapshot(row.prospect_id)
        current = change.raw("complaint", complaint_id)
        if current is None:
            raise NotFound(f"no complaint with id {complaint_id}")
        change.update_row("complaint", complaint_id, values)
        change.activity(row.prospect_id, ActivityKind.COMPLAINT, when, note=note)
        card_values = _card_values(db, card, step, when)
        if card_values:
            change.update(row.prospect_id, card_values)
        change.label = f"complaint of {card['name']}: {rules.STEP_LABELS[step]}"
        change.record()
    return get_complaint(db, complaint_id)


def _card_values(db: Database, card: dict[str, Any], step: Step, when: datetime) -> dict[str, Any]:
    """What a step changes on the card: answering and following up are contact with the
    customer (touched); resolving sets the follow-up as the next step; following up
    clears that next step if it is still the one set."""
    if step == Step.ANSWERED:
        return {"touched_at": max(when, _at(card["touched_at"]) or when)}
    if step == Step.RESOLVED:
        days = int(get_setting(db, "complaint_follow_up_days"))
        return {"next_date": rules.follow_up_day(when, days).date(),
                "next_action": FOLLOW_UP_ACTION}
    if step == Step.FOLLOWED_UP:
        values: dict[str, Any] = {"touched_at": max(when, _at(card["touched_at"]) or when)}
        if card["next_action"] == FOLLOW_UP_ACTION:
            values.update(next_date=None, next_action="")
        return values
    return {}


def complaint_ids_of(db: Database, prospect_id: int) -> list[int]:
    """A card's complaints, newest first (the card detail's key picks the first open one)."""
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT id FROM complaint WHERE prospect_id = ? "
            "ORDER BY resolved_at IS NOT NULL, received_at DESC, id DESC", (prospect_id,),
        ).fetchall()
    return [int(r[0]) for r in rows]

