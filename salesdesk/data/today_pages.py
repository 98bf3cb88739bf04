"""Today's list read as the rep walks it (the Today screen): the items in the order of
:func:`salesdesk.rules.today.ordered`, read a part at a time, and how many there are
counted from the board's keys, so opening the list does not read every card.

:func:`salesdesk.data.today.today_list` reads the facts of every card that may put an
item on the list and makes every item (at 100,000 demo cards: 21,500 cards, 23,400 items,
about 0.9 s), though the screen shows one item and the eight after it. The order is by
group first (clocks, calls, visits, meetings, messages, emails, other steps, birthdays,
thank-yous, past-window cards), and most items are next steps, so the list is read in
the same order from three sources, each making its items with the rule's own functions:

1. the cards with a running clock or a visit planned by today (few): every fact read
   and every item of the card made by :func:`~salesdesk.rules.today.card_items`;
2. the other cards' due next steps, one due day at a time, oldest first, through the
   next-step index (a step's key is its group, then its day, then grade and name): only
   the columns a step's item shows are read;
3. once the walk gets past the steps: birthdays and past-window cards from one read of
   the cards that may have them, and the thank-yous owed for the week's wins.

A card of source 1 is in no other source; the others share no group, so no two sources
hold items of equal keys and merging them by key gives the old order exactly
(``tests/test_today_pages.py`` compares them on demo books over tricky days, on SQLite and
PostgreSQL). The count is the keys' sum (the board's header count) with the stale keys'
cards counted in Python; where there are no keys (a server, a read-only file) or too many
are stale, :meth:`TodayPages.count` is None until the walk has read everything.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from salesdesk.data import board_keys, key_queues
from salesdesk.data.complaints import answer_hours
from salesdesk.data.db import Database
from salesdesk.data.sql import id_list, sql_timestamp
from salesdesk.data.today import item_counts, planned_visits, running_clocks
from salesdesk.data.visits.facts import facts_on
from salesdesk.data.visits.plan import plan_settings
from salesdesk.rules.grading import WINDOW_DAYS
from salesdesk.rules.planning import THANK_YOU_DAYS, ProspectFacts
from salesdesk.rules.today import (
    GROUPS,
    TodayClock,
    TodayItem,
    TodayVisit,
    birthday_items,
    card_items,
    ordered,
    regrade_items,
    sort_key,
    step_item,
    thank_you_items,
)

#: The groups a next step can be in, in the list's order.
STEP_GROUPS = GROUPS[GROUPS.index("call"):GROUPS.index("birthday")]

#: The columns of a card its step, birthday and past-window items show (the status too:
#: closed cards put nothing on the list, and are dropped in Python so that the step read
#: goes through the next-step index alone).
_LINE = (
    "SELECT p.id, p.name, p.company, p.grade, p.status, substr(p.next_date, 1, 10), "
    "p.next_action, p.next_kind, substr(p.birthday, 1, 10), substr(p.graded_at, 1, 10) "
    "FROM prospect p"
)
_STEP_DAYS = (
    "SELECT DISTINCT substr(next_date, 1, 10) FROM prospect WHERE next_date <= :end "
    "ORDER BY 1"
)
_STEPS_ON = f"{_LINE} WHERE p.next_date >= :day AND p.next_date <= :day_end"
#: The cards of source 3, besides the week's wins: a birthday on this month and day (or
#: 29 February, greeted on the 28th in a common year), or graded before their window.
_TAIL = (
    f"{_LINE} WHERE p.status IN ('live', 'customer') AND ("
    "substr(p.birthday, 6, 5) IN (:month_day, '02-29') OR (p.status = 'live' AND "
    "p.graded_at IS NOT NULL AND (p.grade NOT IN ({grades}) OR {windows})))"
)
_WINS = (
    "(SELECT prospect_id FROM activity WHERE kind = 'status' AND at >= :start "
    "AND to_status = 'customer')"
)
_OPEN = ("live", "customer")
#: The cards that may have a new lead's clock running or run out, from the keys (those
#: with a first-contact state, and the stale ones).
_LEADS = (
    "(SELECT prospect_id FROM board_key WHERE first_contact != '' "
    f"UNION SELECT prospect_id FROM {board_keys.STALE_IDS})"
)


def _line(row: Sequence[Any]) -> ProspectFacts:
    """A row of :data:`_LINE` as the facts its items read (as ``facts_on`` makes them)."""
    pid, name, company, grade, status, nxt, action, kind, birthday, graded = row
    day = date.fromisoformat
    return ProspectFacts(
        pid, name, company or "", grade=grade, status=status,
        next_date=day(nxt) if nxt else None, next_action=action or "",
        graded_on=day(graded) if graded else None,
        birthday=day(birthday) if birthday else None, next_kind=kind or "",
    )


class TodayPages:
    """Today's list at ``now``, read as far as asked (:meth:`read`); ``items`` holds what
    was read so far, in order. Reads are made by whoever calls :meth:`read` (the screen:
    a worker), one at a time; ``items`` may be looked at meanwhile."""

    def __init__(self, db: Database, now: datetime) -> None:
        self.db, self.now, self.today = db, now, now.date()
        self.items: list[TodayItem] = []
        self.complete = False
        self._version = db.data_version()
        self.settings = plan_settings(db)
        keys = key_queues.usable(db, self.today, now)
        moment = {"now": board_keys.stamp(now)}
        self.visits = planned_visits(db, self.today)
        self.clocks = running_clocks(db, self.today, (_LEADS, moment) if keys else None)
        self._visits: dict[int, list[TodayVisit]] = {}
        for visit in self.visits:
            self._visits.setdefault(visit.prospect_id, []).append(visit)
        self._clocks: dict[int, list[TodayClock]] = {}
        for clock in self.clocks:
            self._clocks.setdefault(clock.prospect_id, []).append(clock)
        self._whole = set(self._visits) | set(self._clocks)
        self._counted = self._keys_count(moment) if keys else None
        self._walk = self._merged()

    # ------------------------------------------------------------------ reading
    @property
    def count(self) -> int | None:
        """How many items the list holds (None: not known before it is all read)."""
        return len(self.items) if self.complete else self._counted

    def changed(self) -> bool:
        """Whether the database was written since the list was started (what is read
        later would not fit what was read before: start again)."""
        return self.db.data_version() != self._version

    def read(self, wanted: Callable[[TodayItem], bool] | None = None, n: int = 0) -> None:
        """Read on until ``n`` of the items read are ``wanted`` (not skipped), or the end
        (``wanted`` None: read everything)."""
        found = 0 if wanted is None else sum(1 for item in self.items if wanted(item))
        while not self.complete and (wanted is None or found < n):
            item = next(self._walk, None)
            if item is None:
                self.complete = True
                break
            self.items.append(item)
            found += wanted is not None and wanted(item)

    def items_of(self, ids: Iterable[int]) -> list[TodayItem]:
        """Every item the cards ``ids`` put on the list (whether a card skipped further
        up is on it still, read or not)."""
        wanted = sorted({int(pid) for pid in ids})
        if not wanted:
            return []
        with self.db.connect() as conn:
            facts = self._facts_of(conn, id_list(wanted), {})
        return [item for p in facts for item in self._card_items(p)]

    def _merged(self) -> Iterator[TodayItem]:
        """Source 1 merged by key into sources 2 and 3 (these two in turn: 3 is read only
        once the walk gets to it)."""
        whole = deque(self._whole_items())
        for source in (self._steps, self._tail):
            for item in source():
                key = sort_key(item)
                while whole and sort_key(whole[0]) < key:
                    yield whole.popleft()
                yield item
        yield from whole

    def _facts_of(self, conn: Any, ids_sql: str, params: dict[str, Any]) -> list[ProspectFacts]:
        """Every fact of the cards of ``ids_sql`` (on SQLite through their own indexes)."""
        if getattr(conn, "is_postgres", False):
            return facts_on(conn, self.today, given_up=True, where=f"p.id IN {ids_sql}",
                            params=params)
        return facts_on(conn, self.today, given_up=True, ids_sql=ids_sql, params=params)

    def _whole_items(self) -> list[TodayItem]:
        """Source 1: every item of the cards with a clock or a planned visit."""
        return ordered(self.items_of(self._whole))

    def _card_items(self, p: ProspectFacts) -> list[TodayItem]:
        """Every item of card ``p``, its planned visits and clocks included."""
        return card_items(p, self._visits.get(p.id, []), self.today, self.settings,
                          self._clocks.get(p.id, ()), self.now)

    def _steps(self) -> Iterator[TodayItem]:
        """Source 2: each step group in turn, its items a due day at a time (a day's
        cards read once, for every group)."""
        end = self.today.isoformat() + "~"
        with self.db.connect() as conn:
            days = [row[0] for row in conn.execute(_STEP_DAYS, {"end": end}).fetchall()]
        read: dict[str, dict[str, list[TodayItem]]] = {}
        for group in STEP_GROUPS:
            for day in days:
                if day not in read:
                    read[day] = self._steps_on(day)
                yield from read[day].get(group, ())

    def _steps_on(self, day: str) -> dict[str, list[TodayItem]]:
        """The due steps of ``day`` by group, each in order."""
        with self.db.connect() as conn:
            rows = conn.execute(_STEPS_ON, {"day": day, "day_end": day + "~"}).fetchall()
        groups: dict[str, list[TodayItem]] = {}
        for row in rows:
            if row[4] not in _OPEN or row[0] in self._whole:
                continue
            item = step_item(_line(row), False, self.today)
            if item is not None:
                groups.setdefault(item.group, []).append(item)
        return {group: ordered(items) for group, items in groups.items()}

    def _tail(self) -> Iterator[TodayItem]:
        """Source 3: the birthdays, the thank-yous and the past-window cards."""
        grades = ", ".join(f"'{grade.value}'" for grade in WINDOW_DAYS)
        windows = " OR ".join(
            f"(p.grade = '{grade.value}' AND substr(p.graded_at, 1, 10) < :before_{grade.value})"
            for grade in WINDOW_DAYS
        )
        params: dict[str, Any] = {"month_day": f"{self.today:%m-%d}"}
        params |= {f"before_{grade.value}": (self.today - timedelta(days=days)).isoformat()
                   for grade, days in WINDOW_DAYS.items()}
        start = datetime.combine(self.today - timedelta(days=THANK_YOU_DAYS), time())
        with self.db.connect() as conn:
            rows = conn.execute(_TAIL.format(grades=grades, windows=windows), params).fetchall()
            won = self._facts_of(conn, _WINS, {"start": sql_timestamp(start)})
        birthdays: list[TodayItem] = []
        regrades: list[TodayItem] = []
        for row in rows:
            if row[0] not in self._whole:
                p = _line(row)
                birthdays += birthday_items(p, self.today)
                regrades += regrade_items(p, self.today)
        thanks: list[TodayItem] = []
        for p in won:
            if p.id not in self._whole:
                thanks += thank_you_items(p, self.today, self.settings)
        yield from ordered(birthdays)
        yield from ordered(thanks)
        yield from ordered(regrades)

    # ------------------------------------------------------------------ counting
    def _keys_count(self, moment: dict[str, str]) -> int | None:
        """The board's keys' count of the list: their sum, less the stale keys' counts,
        plus those cards' items counted in Python. None: too many stale."""
        with self.db.connect() as conn:
            stale = [int(row[0]) for row in conn.execute(
                f"SELECT prospect_id FROM {board_keys.STALE_IDS} LIMIT {key_queues.FEW + 1}",
                moment,
            ).fetchall()]
            if len(stale) > key_queues.FEW:
                return None
            every = conn.execute("SELECT total(today) FROM board_key").fetchone()[0]
            if not stale:
                return int(every)
            ids = id_list(stale)
            old = conn.execute(
                f"SELECT total(today) FROM board_key WHERE prospect_id IN {ids}"
            ).fetchone()[0]
            now = item_counts(conn, self.today, self.settings, answer_hours(self.db), ids, {})
        return int(every - old) + sum(count for count, _day in now.values())
