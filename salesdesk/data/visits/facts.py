"""Every card as the plain facts the plan rules read (:class:`planning.ProspectFacts`),
and the plan's pre-filter: only the cards that can have a reason to be seen in a span.

The facts of every card are two reads: the cards, and each card's last visit in one
grouped pass merged here (a join on that grouped pass cost SQLite an automatic index per
read: about a third of the time at 100,000 cards). The plan's suggestions read fewer
still: :func:`span_filter` drops the cards that no reason in
:data:`salesdesk.rules.planning.REASONS` can pick in the span, with one SQL condition per
reason (:data:`MAY_NEED`, checked against the reasons by the tests), all comparisons of
ISO text with days worked out here, so the SQL is the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from salesdesk.data.db import Database
from salesdesk.data.sql import sql_timestamp
from salesdesk.rules import planning

_COLUMNS = """
    SELECT p.id, p.name, p.company, p.area, p.grade, p.status, p.key_account, p.follow_up,
           p.revisit_days, p.visit_days, p.visit_time, substr(p.next_date, 1, 10),
           p.next_action, substr(p.graded_at, 1, 10), substr(p.created_at, 1, 10),
           substr(p.touched_at, 1, 10), {last_visit}, substr(p.closed_at, 1, 10), p.value,
           substr(p.birthday, 1, 10), p.next_kind
    FROM prospect p
    WHERE p.status IN ('live', 'customer')"""
#: Every card (its last visit comes from :data:`_LAST_VISITS`).
_FACTS_SQL = _COLUMNS.format(last_visit="NULL")
#: A few cards (``ids_sql``): each card's last visit through the card's own index.
_FEW_SQL = _COLUMNS.format(last_visit=(
    "(SELECT max(substr(at, 1, 10)) FROM activity a INDEXED BY ix_activity_prospect_id "
    "WHERE a.prospect_id = p.id AND a.kind = 'visit')"))
_LAST_VISITS = (
    "SELECT prospect_id, max(substr(at, 1, 10)) FROM activity WHERE kind = 'visit' "
    "GROUP BY prospect_id"
)
_NOT_GIVEN_UP = " AND p.follow_up != 'give_up'"
_SALES_SQL = (
    "SELECT prospect_id, at, amount FROM activity WHERE kind = 'status' AND at >= :start "
    "AND to_status = 'customer' ORDER BY at"
)
_SOLD = (
    "SELECT prospect_id FROM activity WHERE kind = 'status' AND at >= :start "
    "AND to_status = 'customer'"
)
#: The last contact, and the bases the customer reasons count from (NULL: today).
_CONTACT = "substr(p.touched_at, 1, 10)"
_CLOSED = "substr(p.closed_at, 1, 10)"
_CREATED = "substr(p.created_at, 1, 10)"
_MD = "substr(p.birthday, 6, 5)"

#: For each reason of :data:`planning.REASONS`, by name: a condition every card it can
#: give a need in the span meets (more cards may meet it: the rules decide). Parameters:
#: see :func:`span_filter`.
MAY_NEED: dict[str, str] = {
    "next_step": "(p.next_date IS NOT NULL AND substr(p.next_date, 1, 10) <= :last)",
    "revisit": "(p.status = 'live' AND p.follow_up = 'revisit')",
    "a_window": "(p.status = 'live' AND p.grade = 'A')",
    "cadence": (
        f"(p.status = 'live' AND (p.grade = 'B' AND coalesce({_CONTACT}, {_CREATED}, :today)"
        f" <= :b_base OR p.grade = 'C' AND coalesce({_CONTACT}, {_CREATED}, :today)"
        " <= :c_base))"
    ),
    "key_account": "p.key_account != 0",
    "seasons": "p.key_account != 0",
    # Based on the last visit when there is one: any visit that old, or no visit and a
    # sale (or the card) that old.
    "customer": (
        f"(p.status = 'customer' AND (coalesce({_CLOSED}, {_CREATED}, :today) <= "
        ":customer_base OR p.id IN (SELECT prospect_id FROM activity WHERE kind = 'visit' "
        "AND substr(at, 1, 10) <= :customer_base)))"
    ),
    "retention": (
        f"(p.status = 'customer' AND coalesce({_CONTACT}, {_CLOSED}, {_CREATED}, :today) "
        "<= :silent_base)"
    ),
    "thank_you": f"p.id IN ({_SOLD})",
    # 29 February is greeted on the 28th in a common year: always read.
    "birthday": (
        f"(p.birthday IS NOT NULL AND ({_MD} = '02-29' OR {{birthday_days}}))"
    ),
}


def _birthday_days(first: date, last: date) -> str:
    """The birthdays (month and day) falling between ``first`` and ``last``."""
    if (last - first).days >= 365:
        return f"{_MD} IS NOT NULL"
    if first.year == last.year:
        return f"{_MD} BETWEEN :bd_from AND :bd_to"
    return f"({_MD} >= :bd_from OR {_MD} <= :bd_to)"  # across New Year


def span_filter(
    span: planning.Period, today: date, settings: planning.PlanSettings
) -> tuple[str, dict[str, Any]]:
    """A condition (and its named parameters) met by every card that may have a reason to
    be seen between ``span.start`` and ``span.end``: the plan reads those alone."""
    last = span.end
    first = span.start

    def base(days: int) -> str:
        return (last - timedelta(days=days)).isoformat()

    cadence = planning.CADENCE_DAYS
    params: dict[str, Any] = {
        "last": last.isoformat(),
        "today": today.isoformat(),
        "b_base": base(cadence["B"]),
        "c_base": base(cadence["C"]),
        "customer_base": base(settings.customer_days),
        "silent_base": (today - timedelta(days=settings.retention_days)).isoformat(),
        "bd_from": f"{first:%m-%d}",
        "bd_to": f"{last:%m-%d}",
    }
    birthday = MAY_NEED["birthday"].format(birthday_days=_birthday_days(first, last))
    conditions = [MAY_NEED[name] for name in MAY_NEED if name != "birthday"] + [birthday]
    return "(" + " OR ".join(dict.fromkeys(conditions)) + ")", params


def plan_facts(
    db: Database, today: date, *, given_up: bool = False
) -> list[planning.ProspectFacts]:
    """Every card the plan may suggest (live and customers not given up; with
    ``given_up``, those too: their due steps are still on today's list), as plain facts."""
    with db.connect() as conn:
        return facts_on(conn, today, given_up=given_up)


def facts_on(
    conn: Any, today: date, *, given_up: bool = False, ids_sql: str = "",
    params: Mapping[str, Any] | None = None, where: str = "",
) -> list[planning.ProspectFacts]:
    """:func:`plan_facts` on an open connection; ``ids_sql`` (a subquery of card ids, with
    named ``params``) reads only those cards, through the indexes (the board's key
    refresh: a few cards after a keystroke); ``where`` (with ``params``) is one more
    condition on the cards read (:func:`span_filter`)."""
    start = datetime.combine(today - timedelta(days=planning.THANK_YOU_DAYS), time())
    values: dict[str, Any] = {**(params or {}), "start": sql_timestamp(start)}
    sql = (_FEW_SQL if ids_sql else _FACTS_SQL) + ("" if given_up else _NOT_GIVEN_UP)
    if where:
        sql += f" AND {where}"
    sales_sql = _SALES_SQL
    if ids_sql and getattr(conn, "is_postgres", False):
        sql = sql.replace(" INDEXED BY ix_activity_prospect_id", "")  # SQLite's own hint
        sql += f" AND p.id IN {ids_sql}"
        sales_sql = sales_sql.replace(" ORDER BY", f" AND prospect_id IN {ids_sql} ORDER BY")
    elif ids_sql:
        sql += f" AND p.id IN {ids_sql}"
        # (SQLite: the card's index, not the one of every win: this runs per keystroke.)
        sales_sql = sales_sql.replace(
            "FROM activity WHERE", "FROM activity INDEXED BY ix_activity_prospect_id WHERE"
        ).replace(" ORDER BY", f" AND prospect_id IN {ids_sql} ORDER BY")
    # Straight to the DB-API cursor: this reads every live card and customer.
    cursor = conn.cursor()
    try:
        rows = cursor.execute(sql, values).fetchall()
        sales = cursor.execute(sales_sql, values).fetchall()
        visited = None if ids_sql else dict(cursor.execute(_LAST_VISITS).fetchall())
    finally:
        cursor.close()
    bought = _purchases(sales)
    if visited is None:
        return [_facts(row, bought, row[16]) for row in rows]
    return [_facts(row, bought, visited.get(row[0])) for row in rows]


def _purchases(sales: Iterable[Sequence[Any]]) -> dict[int, tuple[date, float | None]]:
    """The last win of each card among ``sales`` (prospect id, at, amount): its day, and
    the amount recorded with it (None: none given)."""
    return {
        int(pid): (date.fromisoformat(at[:10]), None if amount is None else float(amount))
        for pid, at, amount in sales
    }


def _facts(
    row: Sequence[Any], bought: Mapping[int, tuple[date, float | None]], visited: str | None
) -> planning.ProspectFacts:
    """One row of ``_COLUMNS`` (and the card's last visit) as the facts the rules read
    (a win without an amount counts the card's value)."""
    (
        pid, name, company, area, grade, status, key, follow, revisit, vdays, vtime, nxt,
        action, graded, created, touched, _visit, closed, value, birthday, next_kind,
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
