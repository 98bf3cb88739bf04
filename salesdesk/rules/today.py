"""Today's list (pure): everything due today or overdue, one ordered list the rep works
through one item at a time (the Today screen, ``salesdesk today``).

What is on it, per card (plain rows in: :class:`~salesdesk.rules.planning.ProspectFacts`
and :class:`TodayVisit`; ``today`` passed in):

- a **next step** due today or overdue (live cards and customers), under its kind: a call,
  a message... A visit or meeting step is left out when a visit is planned for the card
  today or earlier (the visit is that step);
- a **visit** planned for today (or an earlier day and not yet marked), with its time;
- a **birthday** today (29 February: the 28th in other years): a greeting;
- a **thank-you** owed for a large purchase (the visit plan's rule: within a week, at
  least ``thank_you_threshold``, unless contacted since);
- a live card **past its grade's window**: regrade it.

The order (:func:`ordered`), as a morning goes: calls first (quick, and people are in),
then visits and meetings by their time, messages, emails, other steps, birthdays,
thank-you notes, and past-window cards last. Within a group: the most overdue first, then
grade A, B, C, then the name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from salesdesk.rules.grading import Grade, days_past_window
from salesdesk.rules.planning.needs import Days, thank_you
from salesdesk.rules.planning.rows import PlanSettings, ProspectFacts
from salesdesk.rules.step_kinds import DEFAULT_KIND, VISIT_KINDS, touch_kind_of_step

#: The groups of the list, in order.
GROUPS: tuple[str, ...] = (
    "call", "visit", "meeting", "message", "email", "other", "birthday", "thank_you",
    "regrade",
)
#: How an item of each group is logged when done (``l`` on the Today screen).
LOG_KIND: dict[str, str] = {"birthday": "message", "thank_you": "message", "regrade": "call"}
LABELS: dict[str, str] = {"thank_you": "thank-you", "regrade": "regrade"}


@dataclass(frozen=True)
class TodayVisit:
    """A planned visit on or before today, not yet marked done, missed or cancelled."""

    id: int
    prospect_id: int
    day: date
    start: str | None = None
    purpose: str = ""


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
        """A step or a visit has a date to move; a birthday or a window has not."""
        return self.group not in ("birthday", "thank_you", "regrade")


def _birthday_today(birthday: date | None, today: date) -> bool:
    if birthday is None:
        return False
    if (birthday.month, birthday.day) == (today.month, today.day):
        return True
    leap_day = (birthday.month, birthday.day) == (2, 29)
    return leap_day and (today.month, today.day) == (2, 28) and not _is_leap(today.year)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def card_items(
    p: ProspectFacts, visits: list[TodayVisit], today: date, settings: PlanSettings
) -> list[TodayItem]:
    """The items one card puts on today's list."""
    if p.status not in ("live", "customer"):
        return []

    def item(group: str, what: str, due: date, **more: object) -> TodayItem:
        return TodayItem(p.id, p.name, p.company, p.grade, group, what, due,
                         **more)  # type: ignore[arg-type]

    found: list[TodayItem] = []
    for visit in visits:
        late = (today - visit.day).days
        found.append(item("visit", visit.purpose or "visit", visit.day, start=visit.start,
                          visit_id=visit.id, overdue_days=late))
    if p.next_date is not None and p.next_date <= today:
        kind = p.next_kind or DEFAULT_KIND
        if not (visits and kind in VISIT_KINDS):
            found.append(item(kind, p.next_action or "next step", p.next_date,
                              overdue_days=(today - p.next_date).days))
    if _birthday_today(p.birthday, today):
        found.append(item("birthday", "birthday greeting", today))
    for need in thank_you(p, Days(today, today, today, settings)):
        if need.earliest is None or need.earliest <= today:
            found.append(item("thank_you", need.reason, need.due))
    if p.status == "live" and p.graded_on is not None:
        past = days_past_window(Grade(p.grade), p.graded_on, today)
        if past > 0:
            found.append(item("regrade", f"{p.grade}, past its window {past}d: regrade",
                              today - timedelta(days=past), overdue_days=past))
    return found


def _key(item: TodayItem) -> tuple[int, str, int, str, str, int]:
    timed = item.group in VISIT_KINDS
    return (GROUPS.index(item.group), (item.start or "99:99") if timed else "",
            -item.overdue_days, item.grade, item.name.casefold(), item.prospect_id)


def ordered(items: Iterable[TodayItem]) -> list[TodayItem]:
    """Today's items in the order of the module docstring."""
    return sorted(items, key=_key)


def today_items(
    cards: Iterable[ProspectFacts],
    visits: Iterable[TodayVisit],
    today: date,
    settings: PlanSettings,
) -> list[TodayItem]:
    """Everything due today or overdue, in order."""
    by_card: dict[int, list[TodayVisit]] = {}
    for visit in visits:
        if visit.day <= today:
            by_card.setdefault(visit.prospect_id, []).append(visit)
    found: list[TodayItem] = []
    for p in cards:
        found += card_items(p, by_card.get(p.id, []), today, settings)
    return ordered(found)
