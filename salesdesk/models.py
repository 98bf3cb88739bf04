"""SQLModel tables and enums: the one schema of SalesDesk.

Enum-like columns are stored as their plain string values (readable with the sqlite3
shell, stable across renames); the store validates them on the way in.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from salesdesk.data.sql import NOW_DEFAULT, UUID_DEFAULT
from salesdesk.enums import (
    CLOSED_STATUSES,
    LIVE_STATUSES,
    ActivityKind,
    CardKind,
    FollowUp,
    Stage,
    Status,
    VisitStatus,
)
from salesdesk.rules.grading import Grade
from salesdesk.rules.man import Tri

__all__ = [
    "Activity",
    "ActivityKind",
    "Complaint",
    "CardKind",
    "ContactPoint",
    "FollowUp",
    "Grade",
    "ImportBatch",
    "Journal",
    "JournalRow",
    "Prospect",
    "Redo",
    "RedoRow",
    "Setting",
    "Stage",
    "Status",
    "Tri",
    "Visit",
    "VisitStatus",
    "LIVE_STATUSES",
    "CLOSED_STATUSES",
]


def _uuid() -> Any:
    """A stable UUID (text; version 7 for new rows, 4 for rows from before schema 3), made
    by SQLite when a row is inserted without one, so every writer (bulk ones included)
    gives every row its UUID; unique in its table."""
    return Field(unique=True, index=True, sa_column_kwargs={"server_default": text(UUID_DEFAULT)})


def _updated_at() -> Any:
    """When the row was last written (local time, as the other timestamps). The commands
    set it; the default only covers rows written by hand with the sqlite3 shell."""
    return Field(sa_column_kwargs={"server_default": text(NOW_DEFAULT)})


#: Ids are never reused: a card removed by undo and a new one never share an id, so an id
#: printed in a plan or a calendar always names the same row.
_NO_REUSE = {"sqlite_autoincrement": True}


class Prospect(SQLModel, table=True):
    """One prospect card: one opportunity with a person or a company."""

    # The pipeline's sums by grade read this index, never the cards.
    __table_args__ = (Index("ix_prospect_pipeline", "status", "grade", "value"), _NO_REUSE)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default=CardKind.PERSON)
    # Identity
    name: str = Field(index=True)
    company: str = ""
    title: str = ""
    phone: str = ""
    email: str = ""
    wechat: str = Field(default="", sa_column_kwargs={"server_default": ""})  # 微信 ID
    address: str = ""
    area: str = Field(default="", index=True)
    source: str = ""
    tags: str = ""
    # Hard profile
    product_interest: str = ""
    value: float = 0.0
    purchase_history: str = ""
    size: str = ""
    # Soft profile
    work: str = ""
    family: str = ""
    personality: str = ""
    habits: str = ""
    hobbies: str = ""
    contact_style: str = ""
    contact_times: str = ""
    promotions: str = ""
    values_note: str = ""
    birthday: date | None = None
    notes: str = ""
    # Grade and status
    grade: str = Field(default=Grade.C, index=True)
    status: str = Field(default=Status.LIVE, index=True)
    stage: str = Field(default=Stage.TARGET)
    # MAN qualification
    money: str = Field(default=Tri.UNKNOWN)
    authority: str = Field(default=Tri.UNKNOWN)
    need: str = Field(default=Tri.UNKNOWN)
    decider: str = Field(
        default="", sa_column_kwargs={"server_default": ""}
    )  # who has the authority, when it is not this person
    priority: int | None = None  # evidence-based level 1-4 set by hand (None: suggested)
    inquiries: int = Field(
        default=0, sa_column_kwargs={"server_default": "0"}
    )  # how many times they asked about the product
    # Next step
    next_date: date | None = Field(default=None, index=True)
    next_action: str = ""
    next_topic: str = ""
    key_account: bool = False
    # Potential score: seven yes/no criteria
    pot_growth: bool = False
    pot_plan: bool = False
    pot_revenue: bool = False
    pot_opportunity: bool = False
    pot_fit: bool = False
    pot_competitive: bool = False
    pot_relationship: bool = False
    # Visit planning: follow-up category and the rhythm of the key person
    follow_up: str = Field(default="keep", sa_column_kwargs={"server_default": "keep"})
    revisit_days: int | None = None  # with follow_up "revisit": days between visits
    visit_days: str = Field(default="", sa_column_kwargs={"server_default": ""})  # "tue,thu"
    visit_time: str = Field(default="", sa_column_kwargs={"server_default": ""})  # "14:00-17:00"
    # Import
    import_batch: str | None = Field(default=None, index=True)
    # Search: the pinyin of a Chinese name and company, full syllables and initials
    # ("wanghaiyan why"), kept at write time so `wang` and `wh` find 王海燕.
    pinyin_key: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # Links and timestamps
    previous_id: int | None = Field(default=None, foreign_key="prospect.id", index=True)
    created_at: datetime
    graded_at: datetime
    reviewed_at: datetime | None = None
    touched_at: datetime | None = None
    closed_at: datetime | None = None
    # Identity across databases (exports, a later sync) and the last write
    uuid: str = _uuid()
    updated_at: datetime = _updated_at()
    # The next step's kind (call, visit, meeting, message, email, other; '' with no next
    # step): schema 5, after the others so an upgraded table matches a fresh one.
    next_kind: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # First-contact clock of a new inbound lead (schema 6): when the first contact is due
    # (None: no clock) and when the first logged touch came.
    first_contact_due: datetime | None = None
    first_contact_at: datetime | None = None


class Activity(SQLModel, table=True):
    """The touch log: calls, visits, messages, notes, and recorded changes.

    A change is recorded as facts in typed columns: a grade change in ``from_grade`` /
    ``to_grade``, a status change in ``from_status`` / ``to_status`` (a win's amount, when
    given, in ``amount``), a stage change in ``from_stage`` / ``to_stage``. ``note`` is what
    the timeline says to the rep; nothing reads facts back out of it."""

    __table_args__ = _NO_REUSE
    id: int | None = Field(default=None, primary_key=True)
    prospect_id: int = Field(foreign_key="prospect.id", index=True)
    kind: str = Field(index=True)
    at: datetime = Field(index=True)
    note: str = ""
    outcome: str = ""
    from_grade: str | None = None
    to_grade: str | None = None
    visit_id: int | None = Field(default=None, foreign_key="visit.id", index=True)
    from_status: str | None = None
    to_status: str | None = None
    amount: float | None = None  # a win's amount, when one was given
    from_stage: str | None = None
    to_stage: str | None = None
    # Why a card was dropped or lost: one of the reasons (rules.reasons), and free text.
    reason: str | None = None
    reason_note: str = Field(default="", sa_column_kwargs={"server_default": ""})
    uuid: str = _uuid()
    updated_at: datetime = _updated_at()


class Visit(SQLModel, table=True):
    """A planned (or done, missed, moved) visit to a prospect.

    Its ``uuid`` is the one inside its calendar ``uid`` (``<uuid>@salesdesk``): one
    identity, written the way each reader wants it."""

    __table_args__ = _NO_REUSE
    id: int | None = Field(default=None, primary_key=True)
    prospect_id: int = Field(foreign_key="prospect.id", index=True)
    day: date = Field(index=True)
    start: str | None = None  # "HH:MM", local time
    minutes: int | None = None
    purpose: str = ""
    status: str = Field(default=VisitStatus.PLANNED, index=True)
    outcome: str = ""
    uid: str = Field(index=True)  # stable iCalendar UID
    created_at: datetime
    uuid: str = _uuid()
    updated_at: datetime = _updated_at()


class Complaint(SQLModel, table=True):
    """A customer's complaint and its steps (schema 5): received, answered (stops the
    answer clock), cause found, resolved, followed up, lesson. Each step is a typed column
    (a timestamp, a kind, a text); the card's timeline has an entry per step. What the
    answer said and how the follow-up went are columns too (schema 9, last: a migrated
    table adds them at its end)."""

    __table_args__ = _NO_REUSE
    id: int | None = Field(default=None, primary_key=True)
    prospect_id: int = Field(foreign_key="prospect.id", index=True)
    received_at: datetime = Field(index=True)
    channel: str = ""
    said: str = ""
    expected: str = ""
    answered_at: datetime | None = None
    cause_kind: str | None = None  # expectation, quality, service, other
    cause: str = ""
    cause_at: datetime | None = None
    resolved_at: datetime | None = Field(default=None, index=True)
    resolution: str = ""  # what was done
    compensation: str = ""
    followed_up_at: datetime | None = None
    lesson: str = ""
    lesson_at: datetime | None = None
    uuid: str = _uuid()
    updated_at: datetime = _updated_at()
    answer: str = Field(default="", sa_column_kwargs={"server_default": ""})  # what was said
    follow_up_outcome: str = Field(default="", sa_column_kwargs={"server_default": ""})


class ContactPoint(SQLModel, table=True):
    """A card's further phones and emails (schema 7): the card's own ``phone`` and ``email``
    are its main ones; every other number or address a file or a merge brought is a row
    here, with its type (mobile, work, home, fax, other), so nothing is dropped or parsed
    back out of the notes."""

    __tablename__ = "contact_point"
    __table_args__ = _NO_REUSE
    id: int | None = Field(default=None, primary_key=True)
    prospect_id: int = Field(foreign_key="prospect.id", index=True)
    kind: str  # phone | email
    value: str  # as written
    label: str = ""  # mobile | work | home | fax | other | ""
    position: int = 0  # order on the card
    updated_at: datetime = _updated_at()


class ImportBatch(SQLModel, table=True):
    """One run of ``salesdesk import``: what it created, so it can be undone."""

    id: str = Field(primary_key=True)
    at: datetime
    source: str  # file name
    created: int = 0
    updated: int = 0


class Setting(SQLModel, table=True):
    """Key/value settings kept in the database, so backups carry them."""

    key: str = Field(primary_key=True)
    value: str


class Journal(SQLModel, table=True):
    """The undo journal: one row per change (a command, an import); what it changed is in
    :class:`JournalRow`."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    label: str
    import_batch: str | None = Field(default=None, index=True)  # a whole import: its batch


class JournalRow(SQLModel, table=True):
    """One row a change touched: what undo needs to put it back, indexed by card."""

    __tablename__ = "journal_row"
    # By card, then change: a card's rows, and its rows in one change, without a scan of
    # a large change (an import lists every card it touched).
    __table_args__ = (Index("ix_journal_row_prospect_id", "prospect_id", "journal_id"),)
    id: int | None = Field(default=None, primary_key=True)
    journal_id: int = Field(foreign_key="journal.id", index=True)
    table_name: str  # prospect, activity or visit
    row_id: int
    # The card the row belongs to (the row itself for a prospect; None: no longer known).
    prospect_id: int | None = None
    # JSON: the columns the change wrote, as they were before (a deleted row: all of
    # them); NULL: the change added the row, undo deletes it.
    before: str | None = None


class Redo(SQLModel, table=True):
    """What the undos since the last change reversed, newest last: redo puts the newest
    back. Any new change empties it (a redo on top of it would mix two histories)."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime  # when it was undone
    label: str
    # The import batch row undo removed (JSON), so a redone import can be undone by batch.
    import_batch: str | None = None


class RedoRow(SQLModel, table=True):
    """One row an undo wrote: what redo writes back."""

    __tablename__ = "redo_row"
    id: int | None = Field(default=None, primary_key=True)
    redo_id: int = Field(foreign_key="redo.id", index=True)
    table_name: str  # prospect, activity or visit
    row_id: int
    prospect_id: int | None = None
    # JSON: the columns as undo found them (a row undo deleted: all of them); NULL: the
    # row was not there (undo put back a deleted row), redo deletes it again.
    after: str | None = None
