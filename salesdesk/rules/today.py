"""Today's list (pure): everything due today or overdue, one ordered list the rep works
through one item at a time (the Today screen, ``salesdesk today``).

What is on it, per card (plain rows in: :class:`~salesdesk.rules.planning.ProspectFacts`,
:class:`TodayVisit` and :class:`TodayClock`; ``today`` and ``now`` passed in):

- a **complaint** not answered yet, whatever its deadline: the answer clock (24 hours by
  default) is the tightest promise the rep has made;
- a **new lead** whose first-contact clock runs out today or has run out;
- a **next step** due today or overdue (live cards and customers), under its kind: a call,
  a message... A visit or meeting step is left out when a visit is planned for the card
  today or earlier (the visit is that step);
- a **visit** planned for today (or an earlier day and not yet marked), with its time;
- a **birthday** today (29 February: the 28th in other years): a greeting;
- a **thank-you** owed for a large purchase (the visit plan's rule: within a week, at
  least ``thank_you_threshold``, unless contacted since);
- a live card **past its grade's window**: regrade it.

The order (:func:`ordered`), as a morning goes: complaints and new leads first, by their
deadline (nothing else has a clock in hours), then calls (quick, and people are in),
then visits and meetings by their time, messages, emails, other steps, birthdays,
thank-you notes, and past-window cards last. Within a group: the most overdue first, then
grade A, B, C, then the name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from salesdesk.rules.grading import Grade, days_past_window
from salesdesk.rules.planning.needs import Days, thank_you
from salesdesk.rules.planning.rows import PlanSettings, ProspectFacts
from salesdesk.rules.step_kinds import DEFAULT_KIND, VISIT_KINDS, touch_kind_of_step

#: The groups of the list, in order.
GROUPS: tuple[str, ...] = (
    "complaint", "first_contact", "call", "visit", "meeting", "message", "email", "other",
    "birthday", "thank_you", "regrade",
)
#: How an item of each group is logged when done (``l`` on the Today screen).
#: A complaint is done by answering it (a complaint step, not a touch).
LOG_KIND: dict[str, str] = {"complaint": "answer", "first_contact": "call",
                            "birthday": "message", "thank_you": "message", "regrade": "call"}
LABELS: dict[str, str] = {"thank_you": "thank-you", "regrade": "regrade",
                          "first_contact": "new lead"}
#: The groups whose items have a deadline in hours (a clock), not a day.
CLOCK_GROUPS = ("complaint", "first_contact")


@dataclass(frozen=True)
class TodayVisit:
    """A planned visit on or before today, not yet marked done, missed or cancelled."""

    id: int
    prospect_id: int
    day: date
    start: str | None = None
    purpose: str = ""


@dataclass(frozen=True)
class TodayClock:
    """A deadline in hours on a card: an unanswered complaint's answer (``complaint_id``
    set) or a new lead's first contact (``complaint_id`` None)."""

    prospect_id: int
    due: datetime
    complaint_id: int | None = None
    said: str = ""  # what the customer said (a complaint)


@dataclass(frozen=True)
class TodayItem:
    """One thing to do today: who, what, when it was due, how it is logged."""

    prospect_id: int
    name: str
    company: str
    grade: str
    group: str  # one of GROUPS
    what: str
    due: date
    start: str | None = None
    visit_id: int | None = None
    overdue_days: int = 0
    complaint_id: int | None = None
    deadline: datetime | None = None  # a clock's (complaints and new leads)
    late: bool = False  # a clock that has run out


    @property
    def label(self) -> str:
        return LABELS.get(self.group, self.group)

    @property
    def log_kind(self) -> str:
        """The touch kind that doing it logs: the step's kind (an ``other`` step is a
        note), a greeting or a thank-you is a message, a regrade a call."""
        return LOG_KIND.get(self.group) or touch_kind_of_step(self.group)

    @property
    def movable(self) -> bool:
        """A step or a visit has a date to move; a birthday, a window or a clock has not."""
        return self.group not in ("birthday", "thank_you", "regrade", *CLOCK_GROUPS)


def _birthday_today(birthday: date | None, today: date) -> bool:
    if birthday is None:
        return False
    if (birthday.month, birthday.day) == (today.month, today.day):
        return True
    leap_day = (birthday.month, birthday.day) == (2, 29)
    return leap_day and (today.month, today.day) == (2, 28) and not _is_leap(today.year)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def clock_item(p: ProspectFacts, clock: TodayClock, now: datetime) -> TodayItem:
    """A complaint to answer or a new lead to contact, with its deadline."""
    today = now.date()
    if clock.complaint_id is not None:
        group, what = "complaint", f"answer: {clock.said}" if clock.said else "answer it"
    else:
        group, what = "first_contact", "first contact"
    start = f"{clock.due:%H:%M}" if clock.due.date() == today else f"{clock.due:%a %H:%M}"
    return TodayItem(p.id, p.name, p.company, p.grade, group, what, clock.due.date(),
                     start=start, overdue_days=max(0, (today - clock.due.date()).days),
                     complaint_id=clock.complaint_id, deadline=clock.due,
                     late=clock.due < now)


def card_items(
    p: ProspectFacts, visits: list[TodayVisit], today: date, settings: PlanSettings,
    clocks: Iterable[TodayClock] = (), now: datetime | None = None,
) -> list[TodayItem]:
    """The items one card puts on today's list (the parts below, in this order: equal
    keys keep it)."""
    if p.status not in ("live", "customer"):
        return []
    moment = now or datetime.combine(today, datetime.min.time())
    found: list[TodayItem] = [clock_item(p, clock, moment) for clock in clocks]
    found += [visit_item(p, visit, today) for visit in visits]
    step = step_item(p, bool(visits), today)
    found += [step] if step is not None else []
    found += birthday_items(p, today)
    found += thank_you_items(p, today, settings)
    found += regrade_items(p, today)
    return found


def _item(p: ProspectFacts, group: str, what: str, due: date, **more: object) -> TodayItem:
    return TodayItem(p.id, p.name, p.company, p.grade, group, what, due,
                     **more)  # type: ignore[arg-type]


def visit_item(p: ProspectFacts, visit: TodayVisit, today: date) -> TodayItem:
    """A planned visit of a live card or a customer."""
    return _item(p, "visit", visit.purpose or "visit", visit.day, start=visit.start,
                 visit_id=visit.id, overdue_days=(today - visit.day).days)


def step_item(p: ProspectFacts, has_visits: bool, today: date) -> TodayItem | None:
    """The card's next step when due (a visit or meeting step: unless ``has_visits``, a
    visit planned for the card by today, which is that step)."""
    if p.next_date is None or p.next_date > today:
        return None
    kind = p.next_kind or DEFAULT_KIND
    if has_visits and kind in VISIT_KINDS:
        return None
    return _item(p, kind, p.next_action or "next step", p.next_date,
                 overdue_days=(today - p.next_date).days)


def birthday_items(p: ProspectFacts, today: date) -> list[TodayItem]:
    """A greeting on the card's birthday."""
    if not _birthday_today(p.birthday, today):
        return []
    return [_item(p, "birthday", "birthday greeting", today)]


def thank_you_items(p: ProspectFacts, today: date, settings: PlanSettings) -> list[TodayItem]:
    """A thank-you owed for a large purchase (the visit plan's rule)."""
    return [_item(p, "thank_you", need.reason, need.due)
            for need in thank_you(p, Days(today, today, today, settings))
            if need.earliest is None or need.earliest <= today]


def regrade_items(p: ProspectFacts, today: date) -> list[TodayItem]:
    """A live card past its grade's window."""
    if p.status != "live" or p.graded_on is None:
        return []
    past = days_past_window(Grade(p.grade), p.graded_on, today)
    if past <= 0:
        return []
    return [_item(p, "regrade", f"{p.grade}, past its window {past}d: regrade",
                  today - timedelta(days=past), overdue_days=past)]


#: An item's place in the order (see :func:`sort_key`).
SortKey = tuple[int, str, int, str, str, int]


def sort_key(item: TodayItem) -> SortKey:
    """Where ``item`` goes on the list (items of equal keys, one card's, keep the order
    :func:`card_items` gives them)."""
    if item.deadline is not None:  # complaints and new leads: the nearest deadline first
        return (0, item.deadline.isoformat(), 0, item.grade, item.name.casefold(),
                item.prospect_id)
    timed = item.group in VISIT_KINDS
    return (GROUPS.index(item.group), (item.start or "99:99") if timed else "",
            -item.overdue_days, item.grade, item.name.casefold(), item.prospect_id)


def ordered(items: Iterable[TodayItem]) -> list[TodayItem]:
    """Today's items in the order of the module docstring."""
    return sorted(items, key=sort_key)


def today_items(
    cards: Iterable[ProspectFacts],
    visits: Iterable[TodayVisit],
    today: date,
    settings: PlanSettings,
    clocks: Iterable[TodayClock] = (),
    now: datetime | None = None,
) -> list[TodayItem]:
    """Everything due today or overdue, in order (``now``: when the clocks are judged;
    the start of ``today`` when not given)."""
    by_card: dict[int, list[TodayVisit]] = {}
    for visit in visits:
        if visit.day <= today:
            by_card.setdefault(visit.prospect_id, []).append(visit)
    clocks_by_card: dict[int, list[TodayClock]] = {}
    for clock in clocks:
        clocks_by_card.setdefault(clock.prospect_id, []).append(clock)
    found: list[TodayItem] = []
    for p in cards:
        found += card_items(p, by_card.get(p.id, []), today, settings,
                            clocks_by_card.get(p.id, ()), now)
    return ordered(found)
