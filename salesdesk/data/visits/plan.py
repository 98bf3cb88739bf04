"""The plan's inputs and views: the settings it follows, every card as the plain facts the
pure rules in :mod:`salesdesk.rules.planning` need, the planned visits, the suggestions,
and a week or a month of days with their loads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from salesdesk.data.db import Database
from salesdesk.data.settings import get_settings
from salesdesk.data.sql import sql_timestamp
from salesdesk.data.visits.rows import VisitRow, list_visits
from salesdesk.rules import planning


def plan_settings(db: Database) -> planning.PlanSettings:
    """The settings the plan follows (capacity, new-customer day, cadences...)."""
    return planning.PlanSettings.from_strings(get_settings(db))


def after_hours(db: Database, now: datetime) -> bool:
    """Whether today's working hours (the ``working_hours`` setting) are over at ``now``:
    suggestions then start tomorrow."""
    return planning.after_hours(now.time(), plan_settings(db).working_hours)


_LV_JOIN = """
    LEFT JOIN (
        SELECT prospect_id, max(substr(at, 1, 10)) AS last FROM activity
        WHERE kind = 'visit' GROUP BY prospect_id
    ) lv ON lv.prospect_id = p.id"""
_FACTS_SQL = """
    SELECT p.id, p.name, p.company, p.area, p.grade, p.status, p.key_account, p.follow_up,
           p.revisit_days, p.visit_days, p.visit_time, substr(p.next_date, 1, 10),
           p.next_action, substr(p.graded_at, 1, 10), substr(p.created_at, 1, 10),
           substr(p.touched_at, 1, 10), lv.last, substr(p.closed_at, 1, 10), p.value,
           substr(p.birthday, 1, 10), p.next_kind
    FROM prospect p""" + _LV_JOIN + """
    WHERE p.status IN ('live', 'customer')
"""
#: Every card's last visit in one grouped pass; for a few cards, each card's own.
_LAST_VISITS = "lv.last"
_LAST_VISIT_OF_CARD = (
    "(SELECT max(substr(at, 1, 10)) FROM activity a INDEXED BY ix_activity_prospect_id "
    "WHERE a.prospect_id = p.id AND a.kind = 'visit')"
)
_NOT_GIVEN_UP = " AND p.follow_up != 'give_up'"
_SALES_SQL = (
    "SELECT prospect_id, at, amount FROM activity WHERE kind = 'status' AND at >= :start "
    "AND to_status = 'customer' ORDER BY at"
)


def plan_facts(
    db: Database, today: date, *, given_up: bool = False
) -> list[planning.ProspectFacts]:
    """Every card the plan may suggest (live and customers not given up; with
    ``given_up``, those too: their due steps are still on today's list), as plain facts."""
    with db.connect() as conn:
        return facts_on(conn, today, given_up=given_up)


def facts_on(
    conn: Any, today: date, *, given_up: bool = False, ids_sql: str = "",
    params: Mapping[str, Any] | None = None,
) -> list[planning.ProspectFacts]:
    """:func:`plan_facts` on an open connection; ``ids_sql`` (a subquery of card ids, with
    named ``params``) reads only those cards, through the indexes (the board's key
    refresh: a few cards after a keystroke)."""
    start = datetime.combine(today - timedelta(days=planning.THANK_YOU_DAYS), time())
    sql = _FACTS_SQL + ("" if given_up else _NOT_GIVEN_UP)
    sales_sql = _SALES_SQL
    values: dict[str, Any] = {**(params or {}), "start": sql_timestamp(start)}
    if ids_sql:
        sql = (sql.replace(_LV_JOIN, "").replace(_LAST_VISITS, _LAST_VISIT_OF_CARD)
               + f" AND p.id IN {ids_sql}")
        # (SQLite: the card's index, not the one of every win: this runs per keystroke.)
        sales_sql = sales_sql.replace(
            "FROM activity WHERE", "FROM activity INDEXED BY ix_activity_prospect_id WHERE"
        ).replace(" ORDER BY", f" AND prospect_id IN {ids_sql} ORDER BY")
    # Straight to the DB-API cursor: this reads every live card and customer.
    cursor = conn.cursor()
    try:
        rows = cursor.execute(sql, values).fetchall()
        sales = cursor.execute(sales_sql, values).fetchall()
    finally:
        cursor.close()
    bought = _purchases(sales)
    return [_facts(row, bought) for row in rows]


def _purchases(sales: Iterable[Sequence[Any]]) -> dict[int, tuple[date, float | None]]:
    """The last win of each card among ``sales`` (prospect id, at, amount): its day, and
    the amount recorded with it (None: none given)."""
    return {
        int(pid): (date.fromisoformat(at[:10]), None if amount is None else float(amount))
        for pid, at, amount in sales
    }


def _facts(
    row: Sequence[Any], bought: Mapping[int, tuple[date, float | None]]
) -> planning.ProspectFacts:
    """One row of ``_FACTS_SQL`` as the facts the rules read (a win without an amount
    counts the card's value)."""
    (
        pid,
        name,
        company,
        area,
        grade,
        status,
        key,
        follow,
        revisit,
        vdays,
        vtime,
        nxt,
        action,
        graded,
        created,
        touched,
        visited,
        closed,
        value,
        birthday,
        next_kind,
    ) = row
    day = date.fromisoformat
    purchase = None
    if pid in bought:
        on, amount = bought[pid]
        purchase = (on, amount if amount is not None else float(value or 0))
    return planning.ProspectFacts(
        pid,
        name,
        company or "",
        area or "",
        grade,
        status,
        bool(key),
        follow or "keep",
        revisit,
        vdays or "",
        vtime or "",
        day(nxt) if nxt else None,
        action or "",
        day(graded) if graded else None,
        day(created) if created else None,
        day(touched) if touched else None,
        day(visited) if visited else None,
        day(closed) if closed else None,
        float(value or 0),
        day(birthday) if birthday else None,
        purchase,
        next_kind or "",
    )


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


def span_suggestions(
    db: Database, span: planning.Period, today: date, *, after_hours: bool = False
) -> planning.Suggestions:
    """Suggested visits for every day of ``span`` from the database's cards, visits and
    settings (one computation: the shells show slices of it). ``after_hours``: today's
    working hours are over, so suggestions start tomorrow."""
    settings = plan_settings(db)
    return planning.suggest(
        plan_facts(db, today), plan_visits(db, span, today), span, today, settings,
        after_hours=after_hours,
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
