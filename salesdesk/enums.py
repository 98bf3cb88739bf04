"""The enums of SalesDesk's data (statuses, stages, kinds).

Kept apart from :mod:`salesdesk.models` so the board and the rules can use them without
loading SQLModel and the table classes, which only creating a database needs.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a card stands: live (graded A/B/C) or closed one way or another."""

    LIVE = "live"
    CUSTOMER = "customer"
    PARKED = "parked"
    DROPPED = "dropped"
    LOST = "lost"


LIVE_STATUSES = (Status.LIVE,)
CLOSED_STATUSES = (Status.CUSTOMER, Status.PARKED, Status.DROPPED, Status.LOST)


class Stage(StrEnum):
    """Position in the customer structure."""

    TARGET = "target"
    INTERESTED = "interested"
    INTENTIONAL = "intentional"
    PROSPECTIVE = "prospective"
    CUSTOMER = "customer"


class CardKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"


class ActivityKind(StrEnum):
    """Touches the rep logs, plus changes the app records for the weekly review."""

    CALL = "call"
    VISIT = "visit"
    MESSAGE = "message"
    EMAIL = "email"
    MEETING = "meeting"
    NOTE = "note"
    GRADE = "grade"  # a grade change (from_grade -> to_grade)
    STATUS = "status"  # won, parked, dropped, lost, reopened
    STAGE = "stage"  # a stage change ("target → interested"): the review's funnel
    EDIT = "edit"  # fields changed in the card detail
    MAN = "man"  # MAN check answers, potential score or priority changed
    COMPLAINT = "complaint"  # a complaint's step (the facts are in the complaint table)


#: Contact with the customer: what counts as a touch for staleness, rhythms and the
#: review's time figures. A note is logged like a touch but is not contact.
CONTACT_KINDS: tuple[ActivityKind, ...] = (
    ActivityKind.CALL,
    ActivityKind.VISIT,
    ActivityKind.MESSAGE,
    ActivityKind.EMAIL,
    ActivityKind.MEETING,
)
#: What the rep can log by hand (`t` on the board, `salesdesk log --kind`).
TOUCH_KINDS: tuple[ActivityKind, ...] = (*CONTACT_KINDS, ActivityKind.NOTE)


class VisitStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    MISSED = "missed"
    MOVED = "moved"
    CANCELLED = "cancelled"


class FollowUp(StrEnum):
    """How a prospect is followed up in the visit plan."""

    KEEP = "keep"  # keep following up by the grade's rhythm
    REVISIT = "revisit"  # visit again after revisit_days
    GIVE_UP = "give_up"  # never suggested
