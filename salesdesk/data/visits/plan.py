"""The plan's inputs and views: the settings it follows, the planned visits, the
suggestions (from the cards' facts, read by :mod:`salesdesk.data.visits.facts`), and a
week or a month of days with their loads."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from salesdesk.data.db import Database
from salesdesk.data.settings import get_settings
from salesdesk.data.sql import id_list
from salesdesk.data.visits.facts import facts_on, plan_facts, span_filter
from salesdesk.data.visits.ranks import OTHERS_SQL, ranking

__all__ = [
    "DayPlan", "PlanView", "after_hours", "full_suggestions", "plan_facts", "plan_settings",
    "plan_view", "plan_visits", "ranked_suggestions", "span_suggestions", "suggest_ahead",
    "suggestions",
]
from salesdesk.data.visits.rows import VisitRow, list_visits
from salesdesk.rules import planning


def plan_settings(db: Database) -> planning.PlanSettings:
    """The settings the plan follows (capacity, new-customer day, cadences...)."""
    return planning.PlanSettings.from_strings(get_settings(db))


def after_hours(db: Database, now: datetime) -> bool:
    """Whether today's working hours (the ``working_hours`` setting) are over at ``now``:
    suggestions then start tomorrow."""
    return planning.after_hours(now.time(), plan_settings(db).working_hours)


def plan_visits(db: Database, period: planning.Period, today: date) -> list[planning.PlannedVisit]:
    """The period's visits and every planned visit from today on (as the rules see them)."""
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT v.id, v.prospect_id, v.day, v.start, v.status, p.area FROM visit v "
            "JOIN prospect p ON p.id = v.prospect_id "
            "WHERE v.day BETWEEN ? AND ? OR (v.status = 'planned' AND v.day >= ?)",
            (period.start.isoformat(), period.end.isoformat(), today.isoformat()),
        ).fetchall()
    return [
        planning.PlannedVisit(
            int(r[0]), int(r[1]), date.fromisoformat(r[2][:10]), r[3], r[4], r[5] or ""
        )
        for r in rows
    ]


#: The last suggestions worked out from each database, with what they were worked out
#: for (its data version, the span, the day, after hours): the plan opened again on
#: unchanged data shows them at once.
_LAST: weakref.WeakKeyDictionary[Database, tuple[tuple[Any, ...], planning.Suggestions]] = (
    weakref.WeakKeyDictionary()
)
#: Per database, held while suggestions are worked out for a data version.
_LOCKS: weakref.WeakKeyDictionary[Database, threading.Lock] = weakref.WeakKeyDictionary()
_LOCKS_LOCK = threading.Lock()


def span_suggestions(
    db: Database, span: planning.Period, today: date, *, after_hours: bool = False,
    version: int | None = None, stop: threading.Event | None = None,
) -> planning.Suggestions:
    """Suggested visits for every day of ``span`` from the database's cards, visits and
    settings (one computation: the shells show slices of it). ``after_hours``: today's
    working hours are over, so suggestions start tomorrow. The database ranks the cards
    (:mod:`salesdesk.data.visits.ranks`) and only those shown are read and worked out
    (:func:`planning.ranked.suggest_ranked`; :func:`full_suggestions` reads every card
    with a reason, and gives the same). With ``version`` (the
    database's :meth:`~Database.data_version`, read before), the result is kept, and
    given again while the version and the arguments are the same. ``stop`` set: the
    ranking statement ends early (SQLite), raising ``sqlite3.OperationalError``."""
    key = (version, span, today, after_hours)
    if version is None:
        return _work_out(db, span, today, after_hours, stop)
    with _working(db):  # one at a time: the plan opened while suggest_ahead works waits
        kept = _LAST.get(db)  # for it and takes its answer
        if kept is not None and kept[0] == key:
            return kept[1]
        found = _work_out(db, span, today, after_hours, stop)
        _LAST[db] = (key, found)
    return found


def suggest_ahead(
    db: Database, today: date, now: datetime, version: int, *,
    stop: threading.Event | None = None,
) -> None:
    """Work out (and keep) the suggestions the plan opens with, the planning day's month,
    for ``version`` of the data: the board calls this in a thread while the rep pauses,
    so the plan opens at once (nothing is worked out if they are kept already), unless
    ``stop`` is set meanwhile (another screen opened: its work comes first)."""
    span = planning.suggestion_period(planning.planning_day(today))
    span_suggestions(db, span, today, after_hours=after_hours(db, now), version=version,
                     stop=stop)


def _work_out(
    db: Database, span: planning.Period, today: date, after_hours: bool,
    stop: threading.Event | None,
) -> planning.Suggestions:
    try:
        return ranked_suggestions(db, span, today, after_hours=after_hours, stop=stop)
    except planning.RankMismatch:  # never seen: the tests compare both on tricky days
        return full_suggestions(db, span, today, after_hours=after_hours)


@contextmanager
def _stoppable(conn: Any, stop: threading.Event | None) -> Iterator[None]:
    """While inside, a statement on ``conn`` (SQLite's) ends early once ``stop`` is set
    (a server's work is not this machine's: it runs on)."""
    handler = getattr(conn, "set_progress_handler", None)
    if stop is None or handler is None:
        yield
        return
    handler(lambda: int(stop.is_set()), 5_000)
    try:
        yield
    finally:
        handler(None, 0)  # (the connection goes back to the pool)


def _working(db: Database) -> threading.Lock:
    with _LOCKS_LOCK:
        lock = _LOCKS.get(db)
        if lock is None:
            lock = _LOCKS[db] = threading.Lock()
    return lock


def ranked_suggestions(
    db: Database, span: planning.Period, today: date, *, after_hours: bool = False,
    read_ids: list[int] | None = None, limit: int | None = None,
    stop: threading.Event | None = None,
) -> planning.Suggestions:
    """:func:`span_suggestions` from the database's ranking: the facts read are those of
    the cards the plan places, lists or calls (and the cards with a visit planned or a
    recent sale); raises :class:`planning.RankMismatch` if a card read disagrees with its
    rank. ``read_ids`` collects the ids whose facts were read, ``limit`` is how many
    cards with a visit are ranked first (for the tests); ``stop``: see
    :func:`span_suggestions`."""
    settings = plan_settings(db)
    planned = plan_visits(db, span, today)
    # About what a plan shows (a month of days' visits, the waiting list) and the cards
    # that cannot be placed before their firm last day; more on the rare plan that
    # needs them.
    if limit is None:
        limit = 40 * settings.day_capacity * len(span.days()) + 1000
    with db.connect() as conn, _stoppable(conn, stop):
        params = {"today_iso": today.isoformat()}
        others = facts_on(conn, today, ids_sql=OTHERS_SQL, params=params)

        def read(ids: list[int]) -> list[planning.ProspectFacts]:
            if read_ids is not None:
                read_ids.extend(ids)
            listed = id_list(ids)
            return facts_on(conn, today, ids_sql=listed) if ids else []

        while True:
            found = ranking(conn, span, today, settings, after_hours=after_hours, limit=limit)
            try:
                return planning.suggest_ranked(
                    found.ranks, found.backlog, found.complete, read, others, planned, span,
                    today, settings, after_hours=after_hours,
                )
            except planning.RankShort:
                limit = limit * 10 + 1


def full_suggestions(
    db: Database, span: planning.Period, today: date, *, after_hours: bool = False
) -> planning.Suggestions:
    """:func:`span_suggestions` from the facts of every card that may have a reason to be
    seen (:func:`span_filter`) through every reason: what the ranking must equal."""
    settings = plan_settings(db)
    where, params = span_filter(span, today, settings)
    with db.connect() as conn:
        facts = facts_on(conn, today, where=where, params=params)
    return planning.suggest(
        facts, plan_visits(db, span, today), span, today, settings, after_hours=after_hours,
    )


def suggestions(
    db: Database, period: planning.Period, today: date, day: date | None = None,
    *, after_hours: bool = False,
) -> planning.Suggestions:
    """What the week or month ``period`` shows of the suggestions worked out for the month
    of the selected ``day`` (default: :func:`planning.selected_day`), so the week and the
    month views of the same day never contradict each other."""
    span = planning.suggestion_period(day or planning.selected_day(period, today))
    return span_suggestions(db, span, today, after_hours=after_hours).within(period)


@dataclass(frozen=True)
class DayPlan:
    """One day of the plan: its load and marks, and its visits (every status)."""

    info: planning.DayInfo
    visits: tuple[VisitRow, ...]


@dataclass(frozen=True)
class PlanView:
    """What both shells show for a week or a month."""

    period: planning.Period
    settings: planning.PlanSettings
    days: dict[date, DayPlan]

    def flags(self, visit: VisitRow) -> planning.VisitFlags:
        """Why a visit deserves a second look (closed card, given up, reserved day)."""
        plan = self.days.get(visit.day)
        reserved = plan is not None and plan.info.new_customer_day
        return planning.visit_flags(
            visit.prospect_status, visit.follow_up, reserved, visit.new_prospect
        )

    @property
    def visits(self) -> list[VisitRow]:
        return [v for plan in self.days.values() for v in plan.visits]


def plan_view(db: Database, period: planning.Period) -> PlanView:
    """The period's days with their visits, loads and new-customer-day marks."""
    settings = plan_settings(db)
    rows = list_visits(db, period.start, period.end)
    infos = planning.day_infos((v.as_planned() for v in rows), period, settings)
    grouped: dict[date, list[VisitRow]] = {d: [] for d in infos}
    for row in rows:
        grouped[row.day].append(row)
    days = {d: DayPlan(info, tuple(grouped[d])) for d, info in infos.items()}
    return PlanView(period, settings, days)
