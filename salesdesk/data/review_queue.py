"""The review walk-through's store side: the queue, "reviewed", and what changed on a card.

- The queue: every live card due for a look (A daily, B weekly, C monthly) or past its
  grade's window, plus cards whose next step is overdue unless they were already reviewed
  today, in the board's urgency order. Reviewing (a/b/c, or ``mark_reviewed``) therefore
  takes a card out of the queue until it is due again.
- What changed since the last look (the later of the last review and the last grading;
  a regrade is a look, so the grade move that made the last look is shown with it):
  grade moves, touches, status changes and edits from the activity log, and next-step
  slips from the undo journal (a next date pushed later, or cleared, by a change that
  logged no touch), plus a next step that is overdue now. The journal only knows changes
  made in SalesDesk, and undone changes leave no trace.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from salesdesk.data.cards import CardRow, list_cards
from salesdesk.data.db import Database
from salesdesk.data.journal import Change
from salesdesk.enums import CONTACT_KINDS, Status
from salesdesk.errors import NotFound
from salesdesk.rules.review import NextStepEdit, Slip, next_step_slips


def in_queue(card: CardRow, today: date) -> bool:
    """Whether a card belongs in the review walk-through (see the module docstring)."""
    if card.status != Status.LIVE:
        return False
    if card.urgency.review_due or card.urgency.past_window:
        return True
    return card.overdue and (card.reviewed_on is None or card.reviewed_on < today)


def review_queue(db: Database, today: date) -> list[CardRow]:
    """The walk-through queue, most urgent first."""
    return [c for c in list_cards(db, today, due_only=True) if in_queue(c, today)]


def review_queue_ids(db: Database, today: date, now: datetime | None = None) -> list[int]:
    """The ids of :func:`review_queue`; given the moment ``now`` (on ``today``), an
    SQLite file answers from the board's keys (:mod:`salesdesk.data.key_queues`)."""
    from salesdesk.data import key_queues

    if now is not None and key_queues.usable(db, today, now):
        found = key_queues.review_queue_ids(db, today, now, lambda c: in_queue(c, today))
        if found is not None:
            return found
    return [card.id for card in review_queue(db, today)]


def mark_reviewed(db: Database, now: datetime, prospect_id: int) -> None:
    """Record a look at the card without regrading it (undoable)."""
    with db.begin() as conn:
        change = Change(conn, now)
        raw = change.snapshot(prospect_id)
        change.update(prospect_id, {"reviewed_at": now})
        change.label = f"reviewed {raw['name']}"
        change.record()


@dataclass(frozen=True)
class Logged:
    """One activity since the last look."""

    at: datetime
    kind: str
    note: str
    from_grade: str | None = None
    to_grade: str | None = None


@dataclass(frozen=True)
class CardChanges:
    """What happened to a card since its last look."""

    since: datetime
    reviewed: bool  # False: never reviewed, ``since`` is the last grading
    grade_moves: list[Logged] = field(default_factory=list)
    touches: list[Logged] = field(default_factory=list)  # newest first
    status_changes: list[Logged] = field(default_factory=list)
    edits: list[Logged] = field(default_factory=list)
    slips: list[Slip] = field(default_factory=list)
    next_date: date | None = None
    overdue_days: int = 0

    @property
    def nothing(self) -> bool:
        return not (
            self.grade_moves
            or self.touches
            or self.status_changes
            or self.edits
            or self.slips
            or self.overdue_days
        )


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def changes_since(db: Database, prospect_id: int, today: date) -> CardChanges:
    """What changed on the card since its last look (NotFound for an unknown id)."""
    with db.connect() as conn:
        row = conn.execute(
            "SELECT reviewed_at, graded_at, next_date FROM prospect WHERE id = ?",
            (prospect_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no prospect with id {prospect_id}")
        reviewed_at, graded_at, next_text = row
        since_text = max(t for t in (reviewed_at, graded_at) if t)
        acts = conn.execute(
            "SELECT kind, at, note, from_grade, to_grade FROM activity "
            "WHERE prospect_id = ? AND at >= ? ORDER BY at, id",
            (prospect_id, since_text),
        ).fetchall()
        edits = _journal_edits(conn, prospect_id, since_text)
    next_date = date.fromisoformat(next_text) if next_text else None
    changes = CardChanges(
        since=_moment(since_text),
        reviewed=bool(reviewed_at) and reviewed_at >= graded_at,
        slips=next_step_slips(edits, next_date),
        next_date=next_date,
        overdue_days=max(0, (today - next_date).days) if next_date else 0,
    )
    for kind, at, note, old, new in acts:
        logged = Logged(_moment(at), kind, note or "", old, new)
        if kind == "grade":
            changes.grade_moves.append(logged)
        elif kind == "status":
            changes.status_changes.append(logged)
        elif kind == "edit":
            changes.edits.append(logged)
        elif kind == "stage":
            changes.edits.append(replace(logged, note=f"stage {logged.note}"))
        elif kind == "man":  # a MAN answer, potential or priority: a change, not a touch
            changes.edits.append(logged)
        else:
            changes.touches.append(logged)
    changes.touches.reverse()
    return changes


#: The card's changes that wrote its next date: the date before, and whether the same
#: change logged a contact touch with the card. Reads only the card's journal rows.
_NEXT_DATE_EDITS = f"""
    SELECT j.at, json_extract(r."before", '$.next_date'), EXISTS (
        SELECT 1 FROM journal_row a JOIN activity t ON t.id = a.row_id
        WHERE a.prospect_id = r.prospect_id AND a.journal_id = r.journal_id
          AND a.table_name = 'activity' AND a."before" IS NULL
          AND t.kind IN ({", ".join(f"'{k.value}'" for k in CONTACT_KINDS)}))
    FROM journal_row r JOIN journal j ON j.id = r.journal_id
    WHERE r.prospect_id = ? AND r.table_name = 'prospect' AND r."before" IS NOT NULL
      AND json_type(r."before", '$.next_date') IS NOT NULL AND j.at > ?
    ORDER BY r.journal_id
"""


def _journal_edits(conn: Any, prospect_id: int, since: str) -> list[NextStepEdit]:
    """The card's next date before each recorded change of it since ``since``, and
    whether that change logged a contact touch with the card."""
    return [
        NextStepEdit(
            _moment(at).date(), date.fromisoformat(before) if before else None, bool(touched)
        )
        for at, before, touched in conn.execute(_NEXT_DATE_EDITS, (prospect_id, since))
    ]
