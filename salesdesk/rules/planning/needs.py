"""The reasons to see a card in a period: one small function per reason, over a table.

Each reason looks at one card and the days being planned and gives the needs it finds (none,
one, or a season call per season). :func:`needs_of` runs the table in its order; the order
matters only for ties between equal weights, where the earlier reason leads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from salesdesk.rules.planning.periods import SUNDAY
from salesdesk.rules.planning.rows import PlanSettings, ProspectFacts
from salesdesk.rules.planning.words import ago, amount, when
from salesdesk.rules.step_kinds import VISIT_KINDS

#: Days between contacts by grade: an A inside its 7-day window, B twice and C three times
#: inside theirs (B 30 days, C 90).
CADENCE_DAYS: dict[str, int] = {"A": 7, "B": 14, "C": 30}
A_WINDOW_DAYS = 7
THANK_YOU_DAYS = 7  # a thank-you within a week of a large purchase
SEASON_LEAD_DAYS = 14  # call key accounts in the two weeks before a new season

# Priority of each reason: the most pressing reason leads and is placed first.
W_NEXT_OVERDUE = 100.0
W_A_PAST = 95.0
W_A_WINDOW = 90.0
W_THANK_YOU = 85.0
W_NEXT_STEP = 70.0
W_KEY_ACCOUNT = 60.0
W_RETENTION = 55.0
W_SEASON = 50.0
W_REVISIT = 45.0
W_B = 40.0
W_CUSTOMER = 30.0
W_C = 20.0
W_BIRTHDAY = 15.0


@dataclass
class Need:
    """One reason to see a card: when it is due, why, and how pressing it is."""

    kind: str
    due: date
    reason: str
    weight: float
    purpose: str = ""
    earliest: date | None = None  # not before this day (None: any day of the period)
    fixed: date | None = None
    warning: str = ""
    late: bool = False  # its day has passed (overdue, window ended): as soon as possible


@dataclass(frozen=True, slots=True)
class Days:
    """The days being planned: ``first`` (not before today) to ``last``, and the settings."""

    first: date
    last: date
    today: date
    settings: PlanSettings


Reason = Callable[[ProspectFacts, Days], Sequence[Need]]
NONE: tuple[Need, ...] = ()


def _open(p: ProspectFacts) -> bool:
    """Live or customer: the cards any reason applies to."""
    return p.status in ("live", "customer")


def _revisits(p: ProspectFacts) -> bool:
    """A live card followed up "every N days": that rhythm replaces the grade's."""
    return p.status == "live" and p.follow_up == "revisit" and bool(p.revisit_days)


def cadence_purpose(p: ProspectFacts) -> str:
    if p.next_action:
        return p.next_action
    return "first visit" if p.last_visit is None else "follow-up visit"


def _since_visit(p: ProspectFacts, today: date, never: str) -> str:
    return f"last visit {ago((today - p.last_visit).days)}" if p.last_visit else never


def _birthday_in(birthday: date, first: date, last: date) -> date | None:
    return day_in(birthday.month, birthday.day, first, last)


@lru_cache(maxsize=4096)  # a birthday per card: the same few hundred days of the year
def day_in(month: int, day_of_month: int, first: date, last: date) -> date | None:
    """The first day between ``first`` and ``last`` on that day of the year (29 February:
    the 28th in a common year)."""
    for year in range(first.year, last.year + 1):
        try:
            day = date(year, month, day_of_month)
        except ValueError:  # 29 February in a common year
            day = date(year, 2, 28)
        if first <= day <= last:
            return day
    return None


def next_step(p: ProspectFacts, d: Days) -> Sequence[Need]:
    """The next-step date in the period, on its day; an overdue one as soon as possible."""
    if p.next_date is None or p.next_date > d.last or not _open(p):
        return NONE
    if p.next_kind and p.next_kind not in VISIT_KINDS:
        return NONE  # a call, message or email is done from the desk (the Today list)
    action = p.next_action or "next step"
    if p.next_date < d.today:
        late = (d.today - p.next_date).days
        reason = f"next step overdue {late}d: {action}"
        weight = W_NEXT_OVERDUE + min(5.0, late / 2)
        return (Need("next_step", d.today, reason, weight, action, late=True),)
    reason = f"next step {when(p.next_date, d.today)}: {action}"
    return (Need("next_step", p.next_date, reason, W_NEXT_STEP, action, fixed=p.next_date),)


def revisit(p: ProspectFacts, d: Days) -> Sequence[Need]:
    """Follow-up "revisit": every *revisit after days* since the last visit."""
    if not _revisits(p):
        return NONE
    assert p.revisit_days is not None
    base = p.last_visit or p.last_contact or p.created_on or d.today
    due = base + timedelta(days=p.revisit_days)
    if due > d.last:
        return NONE
    since = _since_visit(p, d.today, "not visited yet")
    reason = f"revisit every {p.revisit_days} days, {since}"
    due = max(due, d.today)
    return (Need("revisit", due, reason, W_REVISIT, cadence_purpose(p), earliest=due),)


def a_window(p: ProspectFacts, d: Days) -> Sequence[Need]:
    """A live A card with no contact since it was graded: before its 7-day window ends."""
    if p.status != "live" or p.grade != "A" or _revisits(p):
        return NONE
    graded = p.graded_on or p.created_on or d.today
    if p.last_contact is not None and p.last_contact > graded:
        return NONE
    end = graded + timedelta(days=A_WINDOW_DAYS)
    if end < d.today:
        reason = f"A, window ended {when(end, d.today)}: visit or regrade"
        return (Need("a_window", d.today, reason, W_A_PAST, cadence_purpose(p), late=True),)
    reason = f"A, window ends {when(end, d.today)}"
    return (Need("a_window", end, reason, W_A_WINDOW, cadence_purpose(p)),)


def cadence(p: ProspectFacts, d: Days) -> Sequence[Need]:
    """Live B and C cards: a contact every 14 (B) or 30 (C) days."""
    if p.status != "live" or p.grade not in ("B", "C") or _revisits(p):
        return NONE
    created = p.created_on or d.today
    due = (p.last_contact or created) + timedelta(days=CADENCE_DAYS[p.grade])
    if due > d.last:
        return NONE
    if p.last_contact:
        since = f"last contact {ago((d.today - p.last_contact).days)}"
    else:
        since = f"no contact since added {ago((d.today - created).days)}"
    weight = W_B if p.grade == "B" else W_C
    due = max(due, d.today)
    need = Need("cadence", due, f"{p.grade}, {since}", weight, cadence_purpose(p), earliest=due)
    return (need,)


def key_account(p: ProspectFacts, d: Days) -> Sequence[Need]:
    """Key accounts: a visit roughly every ``key_account_days``."""
    if not p.key_account or not _open(p):
        return NONE
    base = p.last_visit or p.closed_on or p.created_on or d.today
    due = base + timedelta(days=d.settings.key_account_days)
    if due > d.last:
        return NONE
    reason = f"key account, {_since_visit(p, d.today, 'no visit yet')}"
    due = max(due, d.today)
    return (Need("key_account", due, reason, W_KEY_ACCOUNT, "key-account visit", earliest=due),)


def seasons(p: ProspectFacts, d: Days) -> Sequence[Need]:
    """Key accounts: a call in the 14 days before each season day, unless already called."""
    if not p.key_account or not _open(p):
        return NONE
    found: list[Need] = []
    for month, day_of_month in d.settings.season_dates:
        for year in (d.first.year, d.first.year + 1):
            try:
                season = date(year, month, day_of_month)
            except ValueError:
                continue
            lead = season - timedelta(days=SEASON_LEAD_DAYS)
            called = p.last_contact is not None and p.last_contact >= lead
            if lead <= d.last and season > d.first and not called:
                reason = f"call before the season on {season.day} {season:%b}"
                last_day = season - timedelta(days=1)
                purpose = "call before the new season"
                found.append(Need("season", last_day, reason, W_SEASON, purpose, earliest=lead))
    return tuple(found)


def customer(p: ProspectFacts, d: Days) -> Sequence[Need]:
    """Other customers: a visit every ``customer_days``; bigger customers rank higher."""
    if p.status != "customer" or p.key_account:
        return NONE
    base = p.last_visit or p.closed_on or p.created_on or d.today
    due = base + timedelta(days=d.settings.customer_days)
    if due > d.last:
        return NONE
    reason = f"customer, {_since_visit(p, d.today, 'not visited since the sale')}"
    weight = W_CUSTOMER + min(9.0, p.value / max(1.0, d.settings.thank_you_threshold))
    due = max(due, d.today)
    return (Need("customer", due, reason, weight, "customer visit", earliest=due),)


def retention(p: ProspectFacts, d: Days) -> Sequence[Need]:
    """Customers with no contact for ``retention_days``: a keep-in-touch call, flagged."""
    if p.status != "customer":
        return NONE
    silent = (d.today - (p.last_contact or p.closed_on or p.created_on or d.today)).days
    if silent < d.settings.retention_days:
        return NONE
    reason = f"customer silent {silent} days: keep in touch"
    warning = f"no contact for {silent} days"
    return (Need("retention", d.today, reason, W_RETENTION, "keep-in-touch call",
                 warning=warning),)


def thank_you(p: ProspectFacts, d: Days) -> Sequence[Need]:
    """A large purchase: a thank-you visit or card within a week, unless contacted since."""
    if p.purchase is None or not _open(p):
        return NONE
    bought_on, value = p.purchase
    thanked = p.last_contact is not None and p.last_contact > bought_on
    due = bought_on + timedelta(days=THANK_YOU_DAYS)
    if value < d.settings.thank_you_threshold or thanked or due < d.first:
        return NONE
    reason = f"thank-you: bought {amount(value)} {when(bought_on, d.today)}"
    purpose = "thank-you visit or card"
    return (Need("thank_you", due, reason, W_THANK_YOU, purpose, earliest=bought_on),)


def birthday(p: ProspectFacts, d: Days) -> Sequence[Need]:
    """A birthday in the period: a greeting on the day (a Sunday one: the Saturday before)."""
    if p.birthday is None or not _open(p):
        return NONE
    day = _birthday_in(p.birthday, d.first, d.last)
    if day is None:
        return NONE
    greet = day - timedelta(days=1) if day.weekday() == SUNDAY else day
    reason = f"birthday {when(day, d.today)}"
    greeting = "birthday greeting"
    return (Need("birthday", day, reason, W_BIRTHDAY, greeting, fixed=max(greet, d.first)),)


#: Every reason, in the order their needs are listed (ties between equal weights: the
#: earlier one leads). A card followed up "revisit" gets that rhythm instead of its grade's.
REASONS: tuple[Reason, ...] = (
    next_step,
    revisit,
    a_window,
    cadence,
    key_account,
    seasons,
    customer,
    retention,
    thank_you,
    birthday,
)


def needs_of(p: ProspectFacts, days: Days) -> list[Need]:
    """Every reason to see ``p`` between ``days.first`` (not before today) and ``days.last``."""
    found: list[Need] = []
    for reason in REASONS:
        needs = reason(p, days)
        if needs:
            found += needs
    return found
