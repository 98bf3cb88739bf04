"""The reasons to see a card in a period, and one suggestion made of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from salesdesk.rules.planning.periods import SUNDAY
from salesdesk.rules.planning.rows import PlanSettings, ProspectFacts, Suggestion
from salesdesk.rules.planning.words import _ago, _amount, when

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
class _Need:
    kind: str
    due: date
    reason: str
    weight: float
    purpose: str = ""
    earliest: date | None = None  # not before this day (None: any day of the period)
    fixed: date | None = None
    warning: str = ""
    late: bool = False  # its day has passed (overdue, window ended): as soon as possible


#: What a suggestion with a firm last day says when no day up to it has room: it waits in
#: the list, unplaced, instead of going on a later day.
NO_ROOM_BY_KIND: dict[str, str] = {
    "a_window": "no room before its window ends: regrade or make room",
    "next_step": "no room by its next-step date: move the step or make room",
    "thank_you": "no room within a week of the purchase: send a card or make room",
    "season": "no room before the season: call or make room",
    "birthday": "no room by the birthday: send a greeting or make room",
}
NO_ROOM = "no room left"  # the others: no free day in the period

#: Reasons with a firm last day (their ``due``), never placed after it; the others ("every
#: N days") fit any day of the period, which leaves room to group visits by area. A firm
#: reason whose day has already passed (``late``) has no last day left: as soon as possible.
FIRM_KINDS = frozenset(NO_ROOM_BY_KIND)


def _firm(needs: Iterable[_Need]) -> _Need | None:
    """The reason whose firm last day comes first (None: no firm last day)."""
    firm = [n for n in needs if n.kind in FIRM_KINDS and not n.late]
    return min(firm, key=lambda n: n.due) if firm else None


def _no_room_note(needs: Iterable[_Need]) -> str:
    firm = _firm(needs)
    return NO_ROOM_BY_KIND[firm.kind] if firm else NO_ROOM


def _cadence_purpose(p: ProspectFacts) -> str:
    if p.next_action:
        return p.next_action
    return "first visit" if p.last_visit is None else "follow-up visit"


def _birthday_in(birthday: date, first: date, last: date) -> date | None:
    for year in range(first.year, last.year + 1):
        try:
            day = birthday.replace(year=year)
        except ValueError:  # 29 February in a common year
            day = date(year, 2, 28)
        if first <= day <= last:
            return day
    return None


def _needs(
    p: ProspectFacts, first: date, last: date, today: date, settings: PlanSettings
) -> list[_Need]:
    """Every reason to see ``p`` between ``first`` (not before today) and ``last``."""
    needs: list[_Need] = []
    live = p.status == "live"
    customer = p.status == "customer"
    created = p.created_on or today
    # Next step dates in the period (or overdue).
    if p.next_date is not None and p.next_date <= last and (live or customer):
        action = p.next_action or "next step"
        if p.next_date < today:
            late = (today - p.next_date).days
            needs.append(
                _Need(
                    "next_step",
                    today,
                    f"next step overdue {late}d: {action}",
                    W_NEXT_OVERDUE + min(5.0, late / 2),
                    action,
                    late=True,
                )
            )
        else:
            needs.append(
                _Need(
                    "next_step",
                    p.next_date,
                    f"next step {when(p.next_date, today)}: {action}",
                    W_NEXT_STEP,
                    action,
                    fixed=p.next_date,
                )
            )
    if live and p.follow_up == "revisit" and p.revisit_days:
        base = p.last_visit or p.last_contact or created
        due = base + timedelta(days=p.revisit_days)
        if due <= last:
            since = (
                f"last visit {_ago((today - p.last_visit).days)}"
                if p.last_visit
                else "not visited yet"
            )
            needs.append(
                _Need(
                    "revisit",
                    max(due, today),
                    f"revisit every {p.revisit_days} days, {since}",
                    W_REVISIT,
                    _cadence_purpose(p),
                    earliest=max(due, today),
                )
            )
    elif live and p.grade == "A":
        graded = p.graded_on or created
        contacted = p.last_contact is not None and p.last_contact > graded
        window_end = graded + timedelta(days=A_WINDOW_DAYS)
        if not contacted:
            if window_end < today:
                needs.append(
                    _Need(
                        "a_window",
                        today,
                        f"A, window ended {when(window_end, today)}: visit or regrade",
                        W_A_PAST,
                        _cadence_purpose(p),
                        late=True,
                    )
                )
            else:
                needs.append(
                    _Need(
                        "a_window",
                        window_end,
                        f"A, window ends {when(window_end, today)}",
                        W_A_WINDOW,
                        _cadence_purpose(p),
                    )
                )
    elif live and p.grade in ("B", "C"):
        base = p.last_contact or created
        due = base + timedelta(days=CADENCE_DAYS[p.grade])
        if due <= last:
            since = (
                f"last contact {_ago((today - p.last_contact).days)}"
                if p.last_contact
                else f"no contact since added {_ago((today - created).days)}"
            )
            needs.append(
                _Need(
                    "cadence",
                    max(due, today),
                    f"{p.grade}, {since}",
                    W_B if p.grade == "B" else W_C,
                    _cadence_purpose(p),
                    earliest=max(due, today),
                )
            )
    # Key accounts: a visit roughly every key_account_days.
    if p.key_account and (live or customer):
        base = p.last_visit or p.closed_on or created
        due = base + timedelta(days=settings.key_account_days)
        if due <= last:
            since = (
                f"last visit {_ago((today - p.last_visit).days)}"
                if p.last_visit
                else "no visit yet"
            )
            needs.append(
                _Need(
                    "key_account",
                    max(due, today),
                    f"key account, {since}",
                    W_KEY_ACCOUNT,
                    "key-account visit",
                    earliest=max(due, today),
                )
            )
        for month, day_of_month in settings.season_dates:
            for year in (first.year, first.year + 1):
                try:
                    season = date(year, month, day_of_month)
                except ValueError:
                    continue
                lead = season - timedelta(days=SEASON_LEAD_DAYS)
                called = p.last_contact is not None and p.last_contact >= lead
                if lead <= last and season > first and not called:
                    needs.append(
                        _Need(
                            "season",
                            season - timedelta(days=1),
                            f"call before the season on {season.day} {season:%b}",
                            W_SEASON,
                            "call before the new season",
                            earliest=lead,
                        )
                    )
    if customer and not p.key_account:
        base = p.last_visit or p.closed_on or created
        due = base + timedelta(days=settings.customer_days)
        if due <= last:
            since = (
                f"last visit {_ago((today - p.last_visit).days)}"
                if p.last_visit
                else "not visited since the sale"
            )
            importance = min(9.0, p.value / max(1.0, settings.thank_you_threshold))
            needs.append(
                _Need(
                    "customer",
                    max(due, today),
                    f"customer, {since}",
                    W_CUSTOMER + importance,
                    "customer visit",
                    earliest=max(due, today),
                )
            )
    if customer:
        silent_since = p.last_contact or p.closed_on or created
        silent = (today - silent_since).days
        if silent >= settings.retention_days:
            needs.append(
                _Need(
                    "retention",
                    today,
                    f"customer silent {silent} days: keep in touch",
                    W_RETENTION,
                    "keep-in-touch call",
                    warning=f"no contact for {silent} days",
                )
            )
    # A thank-you within a week of a large purchase.
    if p.purchase is not None and (live or customer):
        bought_on, amount = p.purchase
        thanked = p.last_contact is not None and p.last_contact > bought_on
        due = bought_on + timedelta(days=THANK_YOU_DAYS)
        if amount >= settings.thank_you_threshold and not thanked and due >= first:
            needs.append(
                _Need(
                    "thank_you",
                    due,
                    f"thank-you: bought {_amount(amount)} {when(bought_on, today)}",
                    W_THANK_YOU,
                    "thank-you visit or card",
                    earliest=bought_on,
                )
            )
    if p.birthday is not None and (live or customer):
        day = _birthday_in(p.birthday, first, last)
        if day is not None:
            greet = day - timedelta(days=1) if day.weekday() == SUNDAY else day
            greet = max(greet, first)
            needs.append(
                _Need(
                    "birthday",
                    day,
                    f"birthday {when(day, today)}",
                    W_BIRTHDAY,
                    "birthday greeting",
                    fixed=greet,
                )
            )
    return needs


def _merge(p: ProspectFacts, needs: list[_Need], first: date) -> Suggestion:
    needs.sort(key=lambda n: -n.weight)
    lead = needs[0]
    due = min(n.due for n in needs)
    firm = _firm(needs)
    deadline = firm.due if firm else None
    fixed = lead.fixed
    if fixed is None:
        fixed = next((n.fixed for n in needs if n.fixed and n.fixed <= due), None)
    if fixed is not None and deadline is not None and fixed > deadline:
        fixed = None  # a firmer last day comes first (a season call before the next step)
    reason = lead.reason
    if len(needs) > 1:
        reason += " · " + needs[1].reason
    warning = next((n.warning for n in needs if n.warning), "")
    purpose = lead.purpose or _cadence_purpose(p)
    earliest = min((n.earliest or first) for n in needs)
    return Suggestion(
        prospect_id=p.id,
        name=p.name,
        company=p.company,
        area=p.area,
        day=fixed,
        due=max(due, first),
        reason=reason,
        kind=lead.kind,
        purpose=purpose,
        priority=lead.weight,
        warning=warning,
        new_prospect=p.status == "live" and p.last_visit is None,
        earliest=max(earliest, first),
        deadline=deadline,
        urgent=any(n.late for n in needs),
    )
