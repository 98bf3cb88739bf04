"""Visit-plan rules (pure): who to visit in a week or a month, on which day, and why.

No database, no clock: the store loads plain rows (:class:`ProspectFacts`,
:class:`PlannedVisit`) and passes ``today`` explicitly, so every rule is tested with fixed
dates. The shells show :class:`Suggestion` rows; each one says why it is there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache

from salesdesk.errors import InputError

#: Days between contacts by grade: an A inside its 7-day window, B twice and C three times
#: inside theirs (B 30 days, C 90).
CADENCE_DAYS: dict[str, int] = {"A": 7, "B": 14, "C": 30}
A_WINDOW_DAYS = 7
THANK_YOU_DAYS = 7  # a thank-you within a week of a large purchase
SEASON_LEAD_DAYS = 14  # call key accounts in the two weeks before a new season
SUNDAY = 6
WAITING_LIMIT = 30  # suggestions without room that are still listed
DEFAULT_MINUTES = 60

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

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAY_WORDS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("mon", "monday", "mo", "一", "周一", "星期一", "礼拜一"),
        ("tue", "tues", "tuesday", "tu", "二", "周二", "星期二", "礼拜二"),
        ("wed", "wednesday", "we", "三", "周三", "星期三", "礼拜三"),
        ("thu", "thur", "thurs", "thursday", "th", "四", "周四", "星期四", "礼拜四"),
        ("fri", "friday", "fr", "五", "周五", "星期五", "礼拜五"),
        ("sat", "saturday", "sa", "六", "周六", "星期六", "礼拜六"),
        ("sun", "sunday", "su", "日", "天", "周日", "周天", "星期日", "星期天", "礼拜天"),
    )
):
    for _name in _names:
        _WEEKDAY_WORDS[_name] = _index


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class PlanSettings:
    """The settings the plan follows (see ``salesdesk config``)."""

    day_capacity: int = 4
    new_customer_day: str = "2-fri"
    key_account_days: int = 30
    customer_days: int = 90
    thank_you_threshold: float = 10_000.0
    season_dates: tuple[tuple[int, int], ...] = ()
    retention_days: int = 60

    @classmethod
    def from_strings(cls, values: Mapping[str, str]) -> PlanSettings:
        """Build from stored setting strings (missing keys keep their defaults)."""
        base = cls()
        seasons = tuple(
            (int(item[:2]), int(item[3:5]))
            for item in values.get("season_dates", "").split(",")
            if len(item.strip()) == 5
        )
        return cls(
            day_capacity=int(values.get("day_capacity", base.day_capacity)),
            new_customer_day=values.get("new_customer_day", base.new_customer_day),
            key_account_days=int(values.get("key_account_days", base.key_account_days)),
            customer_days=int(values.get("customer_days", base.customer_days)),
            thank_you_threshold=float(values.get("thank_you_threshold", base.thank_you_threshold)),
            season_dates=seasons,
            retention_days=int(values.get("retention_days", base.retention_days)),
        )


@dataclass(slots=True)
class ProspectFacts:
    """What the rules need to know about one card (plain values loaded by the store)."""

    id: int
    name: str
    company: str = ""
    area: str = ""
    grade: str = "C"
    status: str = "live"
    key_account: bool = False
    follow_up: str = "keep"
    revisit_days: int | None = None
    visit_days: str = ""
    visit_time: str = ""
    next_date: date | None = None
    next_action: str = ""
    graded_on: date | None = None
    created_on: date | None = None
    last_contact: date | None = None  # last touch of any kind (call, visit, message...)
    last_visit: date | None = None  # last visit done
    closed_on: date | None = None
    value: float = 0.0
    birthday: date | None = None
    purchase: tuple[date, float] | None = None  # the latest won deal: day and amount


@dataclass(frozen=True)
class PlannedVisit:
    """A visit already in the plan (any status; planned and done ones fill their day)."""

    id: int
    prospect_id: int
    day: date
    start: str | None = None
    status: str = "planned"
    area: str = ""


@dataclass(frozen=True)
class Period:
    """The days a plan covers: a Monday-to-Sunday week or a calendar month."""

    kind: str  # "week" | "month" | "span" (the days suggestions are worked out for)
    start: date
    end: date

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def shifted(self, steps: int) -> Period:
        """The period ``steps`` weeks or months later (earlier when negative)."""
        if self.kind == "week":
            return week_of(self.start + timedelta(weeks=steps))
        month = self.start.month - 1 + steps
        return month_of(date(self.start.year + month // 12, month % 12 + 1, 1))

    @property
    def title(self) -> str:
        if self.kind == "month":
            return self.start.strftime("%B %Y")
        week = self.start.isocalendar().week
        last = self.end - timedelta(days=1)  # Saturday: the working week
        if self.start.month == last.month:
            span = f"{self.start.day}–{last.day} {last:%b %Y}"
        else:
            span = f"{self.start.day} {self.start:%b} – {last.day} {last:%b %Y}"
        return f"Week {week} · {span}"


def planning_day(today: date) -> date:
    """The day a plan opens on: today, or on a Sunday (no working day left in the week)
    the Monday after, so the rep plans the coming week."""
    return today + timedelta(days=1) if today.weekday() == SUNDAY else today


def suggestion_period(day: date) -> Period:
    """The days suggestions are worked out for while ``day`` is selected, in the week view
    and the month view alike: the calendar month holding ``day``, in whole weeks (from the
    Monday of its first week to the Sunday of its last). Both views, and both shells, show
    slices of that one computation (:meth:`Suggestions.within`), so switching views never
    changes where a suggestion goes or whether it has room."""
    month = month_of(day)
    return Period("span", week_of(month.start).start, week_of(month.end).end)


def selected_day(period: Period, today: date) -> date:
    """The day a shown period is planned from when none is selected (the command line):
    the planning day when the period holds it, else the period's first day."""
    day = planning_day(today)
    return day if day in period else period.start


def week_of(day: date) -> Period:
    """The week (Monday to Sunday) holding ``day``."""
    start = day - timedelta(days=day.weekday())
    return Period("week", start, start + timedelta(days=6))


def month_of(day: date) -> Period:
    """The calendar month holding ``day``."""
    start = day.replace(day=1)
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return Period("month", start, following - timedelta(days=1))


@dataclass(frozen=True)
class Suggestion:
    """One proposed visit (or call, card, greeting) and why."""

    prospect_id: int
    name: str
    company: str
    area: str
    day: date | None  # None: no room left in the period
    due: date  # when it is due: a firm last day, or the day "every N days" comes round
    reason: str
    kind: str
    purpose: str
    start: str | None = None
    priority: float = 0.0
    warning: str = ""
    new_prospect: bool = False
    note: str = ""  # about the placement: "prefers Tue, Thu: none free"
    # Not before this day: an "every N days" reason from its due day, a season call in the
    # 14 days before the season.
    earliest: date | None = None
    deadline: date | None = None  # a firm last day (window, next step...); None: any day
    urgent: bool = False  # overdue or past its window: the first free day


@dataclass(frozen=True)
class Suggestions:
    """The suggestions of a period: placed ones by day, then those without room."""

    items: tuple[Suggestion, ...]
    more: int = 0  # suggestions without room left out of ``items``
    left_out: tuple[date, ...] = ()  # the due day of each one left out (for ``within``)

    def __iter__(self) -> Iterator[Suggestion]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def within(self, period: Period) -> Suggestions:
        """What a view of ``period`` shows of these: the ones placed on its days, then the
        ones due by its end that went to a later day or found no room. The week and the
        month views show slices of one result, so they never contradict each other."""

        def shown(s: Suggestion) -> bool:
            if s.day is not None and s.day in period:
                return True
            return s.due <= period.end and (s.day is None or s.day > period.end)

        more = self.more
        if len(self.left_out) == self.more:
            more = sum(1 for due in self.left_out if due <= period.end)
        return Suggestions(tuple(s for s in self.items if shown(s)), more)


@dataclass(frozen=True)
class DayInfo:
    """One day of the plan: its load against capacity and its marks."""

    day: date
    count: int
    capacity: int
    new_customer_day: bool
    visit_ids: tuple[int, ...] = ()

    @property
    def over_capacity(self) -> bool:
        return self.count > self.capacity


# --------------------------------------------------------------------------- parsing


_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?$")


def parse_time(text: str) -> str:
    """``9``, ``9:30``, ``0930``, ``2pm``, ``14h`` -> ``HH:MM``; InputError otherwise."""
    value = text.strip().lower().replace(" ", "")
    if value.endswith("h"):
        value = value[:-1]
    if value.isdigit() and len(value) in (3, 4):
        value = f"{value[:-2]}:{value[-2:]}"
    match = _TIME.match(value)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        suffix = match.group(3)
        if suffix and not 1 <= hour <= 12:
            hour = 99
        elif suffix == "pm" and hour != 12:
            hour += 12
        elif suffix == "am" and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            return f"{hour:02d}:{minute:02d}"
    raise InputError(f"invalid time {text.strip()!r}: use HH:MM, e.g. 09:30 or 14:00")


def parse_minutes(text: str) -> int | None:
    """A visit length in minutes (``45``, ``1h``, ``1h30``, ``90m``); empty means none."""
    value = text.strip().lower().replace(" ", "")
    if not value:
        return None
    match = re.match(r"^(?:(\d{1,2})h)?(?:(\d{1,4})(?:m|min)?)?$", value)
    if match and (match.group(1) or match.group(2)):
        total = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
        if 1 <= total <= 24 * 60:
            return total
    raise InputError(f"invalid length {text.strip()!r}: use minutes (45) or hours (1h30)")


def parse_visit_days(text: str) -> frozenset[int]:
    """Preferred weekdays from free text: ``tue,thu``, ``Mon-Wed``, ``weekdays``, ``周二 周四``.

    Words it does not know are ignored (the field is free text); empty means any day.
    """
    value = text.strip().lower()
    if not value:
        return frozenset()
    if value in ("weekdays", "workdays", "工作日"):
        return frozenset(range(5))
    days: set[int] = set()
    for part in re.split(r"[,;/\s、，]+", value):
        if not part:
            continue
        ends = re.split(r"[-–~至到]", part)
        if len(ends) == 2 and ends[0] in _WEEKDAY_WORDS and ends[1] in _WEEKDAY_WORDS:
            first, last = _WEEKDAY_WORDS[ends[0]], _WEEKDAY_WORDS[ends[1]]
            days.update(range(first, last + 1) if first <= last else ())
        elif part.rstrip("s") in _WEEKDAY_WORDS:
            days.add(_WEEKDAY_WORDS[part.rstrip("s")])
        elif part in _WEEKDAY_WORDS:
            days.add(_WEEKDAY_WORDS[part])
    return frozenset(days)


_TIME_WORDS: dict[str, tuple[str, str | None]] = {
    "morning": ("09:00", "12:00"),
    "mornings": ("09:00", "12:00"),
    "am": ("09:00", "12:00"),
    "上午": ("09:00", "12:00"),
    "早上": ("09:00", "12:00"),
    "noon": ("12:00", "13:30"),
    "lunch": ("12:00", "13:30"),
    "中午": ("12:00", "13:30"),
    "afternoon": ("14:00", "17:00"),
    "afternoons": ("14:00", "17:00"),
    "pm": ("14:00", "17:00"),
    "下午": ("14:00", "17:00"),
    "evening": ("18:00", "20:00"),
    "evenings": ("18:00", "20:00"),
    "晚上": ("18:00", "20:00"),
}


def parse_visit_time(text: str) -> tuple[str, str | None] | None:
    """Preferred time from free text: ``14:00-17:00``, ``morning``, ``after 3pm``, ``下午``.

    Returns (first, last) as ``HH:MM`` (last may be None), or None when not understood.
    """
    value = text.strip().lower()
    if not value:
        return None
    for word, span in _TIME_WORDS.items():
        if value == word or value.startswith(word + " ") or value.endswith(" " + word):
            return span
    after = re.match(r"^(?:after|from|since)\s+(.+)$", value)
    if after:
        try:
            return parse_time(after.group(1)), None
        except InputError:
            return None
    parts = re.split(r"\s*[-–~至到]\s*", value)
    try:
        if len(parts) == 2:
            return parse_time(parts[0]), parse_time(parts[1])
        if len(parts) == 1:
            return parse_time(parts[0]), None
    except InputError:
        return None
    return None


def _nth_weekday(year: int, month: int, nth: int, weekday: int) -> date | None:
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    return day if day.month == month else None


def new_customer_days(setting: str, start: date, end: date) -> set[date]:
    """The new-customer days (``2-fri``: the Friday of the second week) from start to end."""
    match = re.match(r"^([1-5])-(\w{3})$", setting.strip().lower())
    if not match or match.group(2) not in _WEEKDAY_WORDS:
        return set()
    nth, weekday = int(match.group(1)), _WEEKDAY_WORDS[match.group(2)]
    found: set[date] = set()
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        day = _nth_weekday(year, month, nth, weekday)
        if day is not None and start <= day <= end:
            found.add(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:5])


def _hhmm(total: int) -> str:
    return f"{total // 60:02d}:{total % 60:02d}"


# --------------------------------------------------------------------------- words


@lru_cache(maxsize=4096)  # a reason per card: the same few days over and over
def when(day: date, today: date) -> str:
    """``today``, ``tomorrow``, ``Thu`` (within the coming week), else ``12 Dec``."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    if 1 < delta < 7:
        return WEEKDAY_NAMES[day.weekday()]
    if -7 < delta < 0:
        return f"{WEEKDAY_NAMES[day.weekday()]} {day.day}"
    text = f"{day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def due_words(s: Suggestion, today: date) -> str:
    """When a suggestion is due, for one listed without a day: its firm last day when it has
    one (``due by 28 Nov``; a cadence due now does not make it "due today"), ``overdue``
    when that day has passed, else the day its "every N days" reason comes due (``due 24
    Nov``, ``due now`` once reached)."""
    if s.deadline is not None:
        return "due today" if s.deadline <= today else f"due by {when(s.deadline, today)}"
    if s.urgent:
        return "overdue"
    return "due now" if s.due <= today else f"due {when(s.due, today)}"


def _ago(days: int) -> str:
    return "today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"


def _amount(value: float) -> str:
    return f"{value:,.0f}"


# --------------------------------------------------------------------------- rules


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


def _start_time(pref: tuple[str, str | None] | None, taken: set[str]) -> str | None:
    if pref is None:
        return None
    first, last = pref
    start = _minutes(first)
    limit = _minutes(last) if last else start + 4 * 60
    moment = start
    while _hhmm(moment) in taken and moment + DEFAULT_MINUTES <= limit:
        moment += DEFAULT_MINUTES
    return _hhmm(moment)


def suggest(
    prospects: Iterable[ProspectFacts],
    visits: Sequence[PlannedVisit],
    period: Period,
    today: date,
    settings: PlanSettings,
    *,
    waiting_limit: int = WAITING_LIMIT,
) -> Suggestions:
    """Suggest visits for ``period`` (only its days from ``today`` on).

    ``visits`` are the visits already in the plan (the period's, and any later planned
    ones: a prospect with a planned visit coming up is not suggested again).
    """
    first = max(period.start, today)
    last = period.end
    if first > last:
        return Suggestions(())
    upcoming: dict[int, date] = {}
    load: dict[date, int] = {}
    areas: dict[date, set[str]] = {}
    times: dict[date, set[str]] = {}
    for visit in visits:
        if visit.status == "planned" and visit.day >= today:
            old = upcoming.get(visit.prospect_id)
            upcoming[visit.prospect_id] = min(old, visit.day) if old else visit.day
        if visit.status in ("planned", "done") and visit.day in period:
            load[visit.day] = load.get(visit.day, 0) + 1
            if visit.area:
                areas.setdefault(visit.day, set()).add(visit.area.casefold())
            if visit.start:
                times.setdefault(visit.day, set()).add(visit.start)

    # (-priority, due, id, needs, card): sorted by the first three; merged into a Suggestion
    # only when placed or listed, so a huge database costs one cheap pass.
    wanted: list[tuple[float, date, int, list[_Need], ProspectFacts]] = []
    # An overdue step or an ended window is for the days from now: a later period (next
    # month, browsed ahead) does not list it again, "overdue 4d" on a day months away.
    starts_now = first <= planning_day(today)
    for p in prospects:
        if p.follow_up == "give_up" or p.status not in ("live", "customer"):
            continue
        needs = _needs(p, first, last, today, settings)
        if not starts_now:
            needs = [n for n in needs if not n.late]
        if not needs:
            continue
        due = max(min(n.due for n in needs), first)
        planned = upcoming.get(p.id)
        if planned is not None:
            # A visit coming up covers the card, but not one after a firm last day.
            firm = _firm(needs)
            if planned <= (firm.due if firm else max(last, due)):
                continue
        wanted.append((-max(n.weight for n in needs), due, p.id, needs, p))
    wanted.sort()  # ids are unique: the comparison never reaches the needs
    return _place(wanted, period, first, today, settings, load, areas, times, waiting_limit)


def _place(
    wanted: list[tuple[float, date, int, list[_Need], ProspectFacts]],
    period: Period,
    first: date,
    today: date,
    settings: PlanSettings,
    load: dict[date, int],
    areas: dict[date, set[str]],
    times: dict[date, set[str]],
    waiting_limit: int,
) -> Suggestions:
    """Put each suggestion on a day: capacity, firm last days, preferred days, area,
    new-customer day.

    - Never before its ``earliest`` day (an "every N days" reason before it is due, a season
      call before its two weeks) nor after its firm last day (``deadline``): with no room
      between the two, it waits unplaced with a note saying what to do.
    - A reason with a day of its own (a next step, a birthday: ``Suggestion.day``) goes on
      that day, or else on the nearest free day before it (the latest one), or else the
      nearest after it when its deadline allows: the rep wants it as close to its day as
      possible, so the area grouping does not pull it further away.
    - The others go on the first free day with visits in their area, else an empty one,
      else the first free day; overdue ones (``urgent``) on the first free day of all.
    """
    days = [d for d in period.days() if d >= first and d.weekday() != SUNDAY]
    reserved = new_customer_days(settings.new_customer_day, period.start, period.end)
    capacity = settings.day_capacity
    free = [d for d in days if load.get(d, 0) < capacity]
    placed: list[Suggestion] = []
    waiting: list[Suggestion] = []
    more = 0
    left_out: list[date] = []
    for _priority, due, _id, needs, p in wanted:
        if not free:
            if len(waiting) < waiting_limit:
                waiting.append(
                    replace(_merge(p, needs, first), day=None, note=_no_room_note(needs))
                )
            else:
                more += 1
                left_out.append(due)
            continue
        suggestion = _merge(p, needs, first)
        deadline = suggestion.deadline
        earliest = suggestion.earliest or first
        allowed = [
            d
            for d in free
            if (d not in reserved or suggestion.new_prospect)
            and earliest <= d
            and (deadline is None or d <= deadline)
        ]
        note = ""
        preferred = parse_visit_days(p.visit_days)
        if preferred:
            liked = [d for d in allowed if d.weekday() in preferred]
            if liked:
                allowed = liked
            else:
                names = ", ".join(WEEKDAY_NAMES[i] for i in sorted(preferred))
                note = f"prefers {names}: none free"
        if not allowed:
            if len(waiting) < waiting_limit:
                waiting.append(replace(suggestion, day=None, note=_no_room_note(needs)))
            else:
                more += 1
                left_out.append(due)
            continue
        area = p.area.casefold()
        target = suggestion.day
        if target is not None:
            before = [d for d in allowed if d <= target]
            day = max(before) if before else min(allowed)
        else:

            def cost(d: date, s: Suggestion = suggestion, a: str = area) -> tuple[int, ...]:
                soon = (d - first).days if s.urgent else 0
                on_day = areas.get(d, set())
                area_cost = 0 if a and a in on_day else (1 if not on_day else 2)
                reserved_cost = 0 if (s.new_prospect and d in reserved) else 1
                return (soon, reserved_cost, area_cost, (d - first).days)

            day = min(allowed, key=cost)
        taken = times.setdefault(day, set())
        start = _start_time(parse_visit_time(p.visit_time), taken)
        if start:
            taken.add(start)
        load[day] = load.get(day, 0) + 1
        if area:
            areas.setdefault(day, set()).add(area)
        if load[day] >= capacity:
            free.remove(day)
        placed.append(replace(suggestion, day=day, start=start, note=note))
    placed.sort(key=lambda s: (s.day or today, s.start or "99", -s.priority))
    return Suggestions(tuple(placed + waiting), more, tuple(left_out))


# --------------------------------------------------------------------------- days


def day_infos(
    visits: Iterable[PlannedVisit], period: Period, settings: PlanSettings
) -> dict[date, DayInfo]:
    """Each day of the period with its load (planned and done visits) and marks."""
    reserved = new_customer_days(settings.new_customer_day, period.start, period.end)
    counts: dict[date, list[int]] = {d: [] for d in period.days()}
    for visit in visits:
        if visit.day in counts and visit.status in ("planned", "done"):
            counts[visit.day].append(visit.id)
    return {
        d: DayInfo(d, len(ids), settings.day_capacity, d in reserved, tuple(ids))
        for d, ids in counts.items()
    }


@dataclass(frozen=True)
class VisitFlags:
    """Why a planned visit deserves a second look."""

    closed_status: str = ""  # parked, dropped or lost prospect
    gave_up: bool = False
    reserved_day: bool = False  # an old prospect on the new-customer day
    messages: tuple[str, ...] = field(default=())


def visit_flags(
    status: str, follow_up: str, on_new_customer_day: bool, new_prospect: bool
) -> VisitFlags:
    """Flags for one visit: closed prospects, given-up ones, the reserved new-customer day."""
    messages: list[str] = []
    closed = status if status in ("parked", "dropped", "lost") else ""
    if closed:
        messages.append(f"prospect is {closed}")
    gave_up = follow_up == "give_up"
    if gave_up:
        messages.append("follow-up: give up")
    reserved = on_new_customer_day and not new_prospect
    if reserved:
        messages.append("new-customer day is for new prospects")
    return VisitFlags(closed, gave_up, reserved, tuple(messages))
