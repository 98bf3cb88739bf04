"""A board card's row: the columns a card shows, read in one query, and the urgency
scored from them by the pure rules. Shared by the board's windows, the key table's refresh
and every list of cards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from salesdesk.data.db import Database
from salesdesk.data.settings import get_setting
from salesdesk.enums import Stage, Status
from salesdesk.rules import first_contact as first_contact_rules
from salesdesk.rules.complaints import answer_due
from salesdesk.rules.grading import Grade, Urgency, score
from salesdesk.rules.man import Tri, Verdict, man_case, suggest_priority, verdict_of_case

# Columns the board shows; the board never loads more than these.
CARD_COLUMNS = (
    "id, name, company, grade, status, next_date, next_action, "
    "substr(touched_at, 1, 10), substr(graded_at, 1, 10), substr(reviewed_at, 1, 10), "
    "substr(created_at, 1, 10), money, authority, need, value, key_account, area, "
    "pot_growth + pot_plan + pot_revenue + pot_opportunity + pot_fit + pot_competitive"
    " + pot_relationship, priority, inquiries, purchase_history != '', stage, "
    "phone != '' AND (email != '' OR address != ''), product_interest != '', next_kind, "
    "oc.c_open, oc.c_first, first_contact_due, first_contact_at"
)
#: The cards with their open complaints: how many, and when the oldest unanswered one
#: came in (one grouped pass over the open complaints, joined by card).
CARD_FROM = (
    "prospect LEFT JOIN (SELECT prospect_id AS c_pid, count(*) AS c_open, "
    "min(CASE WHEN answered_at IS NULL THEN received_at END) AS c_first "
    "FROM complaint WHERE resolved_at IS NULL GROUP BY prospect_id) oc "
    "ON oc.c_pid = prospect.id"
)


_GRADES = {g.value: g for g in Grade}
_fromiso = date.fromisoformat


@dataclass(slots=True)
class CardRow:
    """What a board card (or a `list` line) needs: plain values plus the urgency."""

    id: int
    name: str
    company: str
    grade: Grade
    status: str
    next_date: date | None
    next_action: str
    touched_on: date | None
    graded_on: date
    reviewed_on: date | None
    created_on: date
    man: str
    value: float
    key_account: bool
    area: str
    urgency: Urgency
    potential: int = 0  # the seven-point potential score, 0-7
    priority: int = 4  # evidence-based priority level 1-4 (set by hand, or suggested)
    priority_set: bool = False  # True when set by hand
    next_kind: str = ""  # the next step's kind: call, visit, meeting... ('' with none)
    complaints_open: int = 0  # open (unresolved) complaints
    complaint_due: datetime | None = None  # the oldest unanswered one's answer deadline
    first_contact_due: datetime | None = None  # a new lead's clock, while not contacted

    @property
    def complaint(self) -> str:
        """"running", "missed" (the answer clock), "open" (answered) or "" (none open)."""
        return self.urgency.complaint

    @property
    def first_contact(self) -> str:
        """"running" or "missed" while a new lead waits for its first contact, else ""."""
        return self.urgency.first_contact

    @property
    def verdict(self) -> Verdict:
        """The MAN verdict (qualified, contact, nurture, drop, incomplete)."""
        return verdict_of_case(self.man)

    @property
    def review_due(self) -> bool:
        return self.status == Status.LIVE and (self.urgency.review_due or self.urgency.past_window)

    @property
    def overdue(self) -> bool:
        return self.status == Status.LIVE and self.urgency.overdue

    @property
    def days_since_touch(self) -> int:
        return self.urgency.days_since_touch


@dataclass(frozen=True, slots=True)
class Clocks:
    """What the complaint and first-contact clocks of a read are judged by."""

    now: datetime
    answer_hours: int


def clocks(db: Database, now: date | datetime) -> Clocks:
    """``now`` (a day alone: its start) and the answer window setting."""
    moment = now if isinstance(now, datetime) else datetime.combine(now, time())
    return Clocks(moment, int(get_setting(db, "complaint_answer_hours")))


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _complaint_state(
    open_count: int | None, first_unanswered: str | None, clock: Clocks
) -> tuple[str, datetime | None]:
    if not open_count:
        return "", None
    if first_unanswered:
        due = answer_due(datetime.fromisoformat(first_unanswered), clock.answer_hours)
        return ("running" if clock.now <= due else "missed"), due
    return "open", None


def _first_contact_state(due: str | None, contacted: str | None, clock: Clocks) -> str:
    if not due or contacted:
        return ""
    return str(first_contact_rules.state(datetime.fromisoformat(due), None, clock.now))


def card_from_row(row: Sequence[Any], clock: Clocks) -> CardRow:
    today = clock.now.date()
    (
        pid,
        name,
        company,
        grade,
        status,
        next_date,
        next_action,
        touched,
        graded,
        reviewed,
        created,
        money,
        authority,
        need,
        value,
        key_account,
        area,
        potential,
        priority,
        inquiries,
        has_ordered,
        stage,
        full_contact,
        has_interest,
        next_kind,
        open_count,
        first_unanswered,
        contact_due,
        contacted,
    ) = row
    complaint, complaint_due = _complaint_state(open_count, first_unanswered, clock)
    first_contact = _first_contact_state(contact_due, contacted, clock)
    grade_ = _GRADES[grade]
    graded_on = _fromiso(graded) if graded else today
    reviewed_on = _fromiso(reviewed) if reviewed else None
    last_looked = max(graded_on, reviewed_on) if reviewed_on else graded_on
    next_on = _fromiso(next_date) if next_date else None
    touched_on = _fromiso(touched) if touched else None
    created_on = _fromiso(created) if created else today
    return CardRow(
        pid,
        name,
        company,
        grade_,
        status,
        next_on,
        next_action,
        touched_on,
        graded_on,
        reviewed_on,
        created_on,
        man_case(money, authority, need),
        float(value or 0),
        bool(key_account),
        area,
        score(
            grade_,
            graded_on,
            last_looked,
            touched_on,
            created_on,
            next_on,
            bool(key_account),
            today,
            complaint=complaint,
            first_contact=first_contact,
        ),
        int(potential or 0),
        int(priority)
        if priority
        else _suggested_priority(
            status,
            bool(has_ordered),
            int(inquiries or 0),
            stage,
            bool(full_contact),
            bool(has_interest),
            need,
            float(value or 0),
        ),
        bool(priority),
        next_kind or "",
        int(open_count or 0),
        complaint_due,
        _dt(contact_due) if first_contact else None,
    )


def _suggested_priority(
    status: str,
    has_ordered: bool,
    inquiries: int,
    stage: str,
    full_contact: bool,
    has_interest: bool,
    need: str,
    value: float,
) -> int:
    """The evidence-based priority level suggested from the card (see README: MAN check)."""
    return int(
        suggest_priority(
            is_customer=status == Status.CUSTOMER,
            has_ordered=has_ordered,
            inquiries=inquiries,
            knows_product_detail=stage in (Stage.INTENTIONAL, Stage.PROSPECTIVE),
            has_full_contact=full_contact,
            has_requirement=has_interest and (value > 0 or need == Tri.YES),
        )
    )


def urgency_key(card: CardRow) -> tuple[float, int]:
    """Sort key for urgency order: highest score first, then the oldest card (lowest id)."""
    return (-card.urgency.score, card.id)
