"""The plan's ranking in SQL: each card's place in the wanted order
(:data:`~salesdesk.rules.planning.ranked.Rank`), worked out by the database from the
card's columns, so the plan reads the facts of the few hundred cards it shows instead of
every card's.

One statement, one condition per reason of :data:`salesdesk.rules.planning.REASONS`
(:func:`_reasons`), each the reason's own test in day numbers
(ISO-text thresholds worked out here; day numbers,
:func:`~salesdesk.data.dialect.day_number`, only for due days): the lead reason (the heaviest, by
:data:`LEAD_WEIGHTS`), the earliest due day, whether a non-call reason
applies and whether the card's A next step has its own day. Cards with a visit planned
from today on or a sale in the last week are left to the rules (:data:`OTHERS_SQL`):
whether the visit covers them, and the thank-you, need their facts. Every card whose
facts are read is checked against its rank (:func:`suggest_ranked`),
and the tests compare the whole result with the full computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from salesdesk.data.dialect import day_number, smallest
from salesdesk.data.sql import sql_timestamp
from salesdesk.rules import planning
from salesdesk.rules.planning.needs import day_in
from salesdesk.rules.planning.ranked import (
    LEAD_WEIGHTS,
    Rank,
    first_day,
    lead_weight,
    starts_now,
)
from salesdesk.rules.step_kinds import VISIT_KINDS

NEVER = 99_999_999  # a day number no reason has (for the smallest of those that apply)

#: The cards the ranking leaves to the rules: a visit planned from today on, a sale in
#: the last week (named parameters ``today_iso`` and ``start``).
OTHERS_SQL = (
    "(SELECT prospect_id FROM visit WHERE status = 'planned' AND substr(day, 1, 10) >= "
    ":today_iso UNION SELECT prospect_id FROM activity WHERE kind = 'status' AND at >= "
    ":start AND to_status = 'customer')"
)


def _columns(postgres: bool) -> str:
    """Each card's columns the reasons read, days as ISO text (``YYYY-MM-DD``)."""
    # (SQLite: through the card's index, not the one of every visit of every card.)
    hint = "" if postgres else " INDEXED BY ix_activity_prospect_id"
    return f"""
        SELECT p.id, p.grade AS g, p.status AS s, coalesce(p.key_account, 0) AS k,
               p.follow_up AS fu, p.revisit_days AS rd, p.next_kind AS nk, p.value AS v,
               substr(p.birthday, 6, 5) AS md, substr(p.next_date, 1, 10) AS nd,
               substr(p.graded_at, 1, 10) AS gr, substr(p.created_at, 1, 10) AS cr,
               substr(p.touched_at, 1, 10) AS ct, substr(p.closed_at, 1, 10) AS cl,
               CASE WHEN p.key_account != 0 OR p.status = 'customer'
                    OR p.follow_up = 'revisit' THEN
                   (SELECT max(substr(a.at, 1, 10)) FROM activity a{hint}
                    WHERE a.prospect_id = p.id AND a.kind = 'visit') END AS lv
        FROM prospect p
        WHERE p.status IN ('live', 'customer') AND p.follow_up != 'give_up'
          AND p.id NOT IN {OTHERS_SQL}"""


class _Days:
    """Day arithmetic for the reasons' SQL: a threshold worked out here (a named ISO-text
    parameter) wherever the days added are fixed, day numbers only for a due day."""

    def __init__(self, today: date, postgres: bool) -> None:
        self.today = today
        self.postgres = postgres
        self.params: dict[str, Any] = {"t": today.toordinal(), "t_iso": today.isoformat()}

    def param(self, day: date) -> str:
        name = f"d{day.toordinal()}"
        self.params[name] = day.isoformat()
        return f":{name}"

    def number(self, expr: str) -> str:
        return day_number(expr, self.postgres)

    def due_after(self, base: str, days: int) -> str:
        """``base`` plus ``days``, but not before today (``max(due, today)``)."""
        soon = self.param(self.today - timedelta(days=days))
        return f"(CASE WHEN {base} <= {soon} THEN :t ELSE {self.number(base)} + {days} END)"


def _reasons(
    first: date, last: date, days: _Days, settings: planning.PlanSettings, overdue: bool
) -> dict[str, tuple[str, str]]:
    """Each reason's (condition, due day number) over the columns of :func:`_columns`, as
    the reason in :mod:`salesdesk.rules.planning.needs` decides; ``overdue``: the overdue
    ones count (the days from now)."""
    today = days.today

    def by(day_count: int) -> str:  # base + day_count <= last
        return days.param(last - timedelta(days=day_count))

    kinds = ", ".join(f"'{k}'" for k in sorted(VISIT_KINDS))
    revisits = "(c.s = 'live' AND c.fu = 'revisit' AND c.rd IS NOT NULL AND c.rd != 0)"
    step = (f"(c.nd IS NOT NULL AND c.nd <= {days.param(last)} AND (c.nk IS NULL "
            f"OR c.nk = '' OR c.nk IN ({kinds})))")
    graded = "coalesce(c.gr, c.cr, :t_iso)"
    window = (f"(c.s = 'live' AND c.g = 'A' AND NOT {revisits} AND NOT "
              f"(c.ct IS NOT NULL AND c.ct > {graded}))")
    ended = days.param(today - timedelta(days=planning.A_WINDOW_DAYS))
    b, c = planning.CADENCE_DAYS["B"], planning.CADENCE_DAYS["C"]
    contact = "coalesce(c.ct, c.cr, :t_iso)"
    revisit_base = "coalesce(c.lv, c.ct, c.cr, :t_iso)"
    revisit_due = f"({days.number(revisit_base)} + c.rd)"
    visited = "coalesce(c.lv, c.cl, c.cr, :t_iso)"
    ka, cu = settings.key_account_days, settings.customer_days
    silent = days.param(today - timedelta(days=settings.retention_days))
    never = "(0 = 1)"
    reasons = {
        "step_late": (f"({step} AND c.nd < :t_iso)" if overdue else never, ":t"),
        "window_late": (f"({window} AND {graded} < {ended})" if overdue else never, ":t"),
        "window": (f"({window} AND {graded} >= {ended})",
                   f"({days.number(graded)} + {planning.A_WINDOW_DAYS})"),
        "step": (f"({step} AND c.nd >= :t_iso)", days.number("c.nd")),
        "key_account": (f"(c.k != 0 AND {visited} <= {by(ka)})", days.due_after(visited, ka)),
        "retention": (f"(c.s = 'customer' AND coalesce(c.ct, c.cl, c.cr, :t_iso) <= {silent})",
                      ":t"),
        "revisit": (f"({revisits} AND {revisit_due} <= :l)",
                    f"(CASE WHEN {revisit_due} < :t THEN :t ELSE {revisit_due} END)"),
        "cadence": (f"(c.s = 'live' AND NOT {revisits} AND (c.g = 'B' AND {contact} <= {by(b)}"
                    f" OR c.g = 'C' AND {contact} <= {by(c)}))",
                    f"(CASE WHEN c.g = 'B' THEN {days.due_after(contact, b)} "
                    f"ELSE {days.due_after(contact, c)} END)"),
        "customer": (f"(c.s = 'customer' AND c.k = 0 AND {visited} <= {by(cu)})",
                     days.due_after(visited, cu)),
    }
    seasons = _seasons(first, last, settings)
    if seasons:
        def uncalled(lead: int) -> str:
            return f"(c.ct IS NULL OR c.ct < {days.param(date.fromordinal(lead))})"

        called = " WHEN ".join(f"{uncalled(lead)} THEN {due}" for lead, due in seasons)
        condition = " OR ".join(uncalled(lead) for lead, _due in seasons)
        reasons["season"] = (f"(c.k != 0 AND ({condition}))", f"(CASE WHEN {called} END)")
    else:
        reasons["season"] = (never, ":t")
    birthdays = _birthdays(first, last)
    if birthdays:
        listed = ", ".join(f"'{md}'" for md in birthdays)
        cases = " ".join(f"WHEN '{md}' THEN {day}" for md, day in birthdays.items())
        reasons["birthday"] = (f"(c.md IS NOT NULL AND c.md IN ({listed}))",
                               f"(CASE c.md {cases} END)")
    else:
        reasons["birthday"] = (never, ":t")
    return reasons


def _seasons(first: date, last: date, settings: planning.PlanSettings) -> list[tuple[int, int]]:
    """Each season call the span may hold: (its first day, its last day) as day numbers,
    by last day (as the ``seasons`` reason finds them)."""
    found = []
    for month, day_of_month in settings.season_dates:
        for year in (first.year, first.year + 1):
            try:
                season = date(year, month, day_of_month)
            except ValueError:
                continue
            lead = season - timedelta(days=planning.SEASON_LEAD_DAYS)
            if lead <= last and season > first:
                found.append((lead.toordinal(), season.toordinal() - 1))
    return sorted(found, key=lambda pair: pair[1])


def _birthdays(first: date, last: date) -> dict[str, int]:
    """Each birthday (``MM-DD``) the span greets, and its day number."""
    shapes = {f"{first + timedelta(days=n):%m-%d}" for n in range((last - first).days + 1)}
    found = {}
    for md in sorted(shapes | {"02-29"}):
        day = day_in(int(md[:2]), int(md[3:]), first, last)
        if day is not None:
            found[md] = day.toordinal()
    return found


#: The lead reasons by weight, heaviest first, and their number in ``LEAD_WEIGHTS``
#: (the thank-you, 4, is left to the rules: see :data:`OTHERS_SQL`).
_LEADS = (
    ("step_late", 1), ("window_late", 2), ("window", 3), ("step", 5), ("key_account", 6),
    ("retention", 7), ("season", 8), ("revisit", 9), ("cadence_b", 10), ("customer", 11),
    ("cadence", 12), ("birthday", 13),
)
_CALLS = ("retention", "season")
#: The reasons with a firm last day (``planning.FIRM_KINDS``) when not overdue.
_FIRM = ("window", "step", "season", "birthday")


def ranking_sql(
    span: planning.Period, today: date, settings: planning.PlanSettings, *,
    after_hours: bool, postgres: bool, limit: int,
) -> tuple[str, dict[str, Any]]:
    """The statement giving (part, id, A next step of its own, lead, next-step day,
    value, due day number, a reason not a call, firm last day number) for the first
    ``limit`` cards with a visit to suggest in rank order (part 0) and every card with
    only calls (1); then (2) for each due day how many cards have a visit to suggest
    (in the ``visit`` column). And its named parameters."""
    first = first_day(span, today, after_hours)
    days = _Days(today, postgres)
    reasons = _reasons(first, span.end, days, settings, starts_now(span, today, after_hours))
    # Each reason's due day or NULL, worked out once per card (MATERIALIZED: the card's
    # columns, then these, are not worked out again wherever they are named).
    dues = ", ".join(
        f"CASE WHEN {cond} THEN {day} END AS d_{name}" for name, (cond, day) in reasons.items()
    )

    def applies(name: str) -> str:
        return f"d_{name} IS NOT NULL"

    lead = " ".join(
        f"WHEN {applies('cadence')} AND g = 'B' THEN {number}" if name == "cadence_b"
        else f"WHEN {applies(name)} THEN {number}" for name, number in _LEADS
    )
    due = smallest([f"coalesce(d_{name}, {NEVER})" for name in reasons], postgres)
    visit = " OR ".join(applies(name) for name in reasons if name not in _CALLS)
    deadline = smallest([f"coalesce(d_{name}, {NEVER})" for name in _FIRM], postgres)
    # Within a lead reason of a weight of its own, heavier first, as lead_weight works it
    # out: days overdue (up to 10), the customer's value (the same float arithmetic).
    late = f"(:t - {days.number('nd')})"
    share = "(coalesce(v, 0) / :share)"
    weight = (f"(CASE WHEN lead = 1 THEN -(CASE WHEN {late} > 10 THEN 10 ELSE {late} END) "
              f"WHEN lead = 11 THEN -({planning.W_CUSTOMER} + (CASE WHEN {share} > 9.0 "
              f"THEN 9.0 ELSE {share} END)) ELSE 0 END)")
    columns = "id, own, lead, nd, v, due, visit, deadline"
    sql = f"""
        WITH c AS MATERIALIZED ({_columns(postgres)}),
        d AS MATERIALIZED (SELECT c.id, c.g, c.s, c.nd, c.v, {dues} FROM c),
        r AS MATERIALIZED (
            SELECT id, CASE WHEN {applies('step')} AND g = 'A' AND s = 'live' THEN 0 ELSE 1
                   END AS own, CASE {lead} END AS lead, nd, v,
                   CASE WHEN {due} < :f THEN :f ELSE {due} END AS due,
                   CASE WHEN {visit} THEN 1 ELSE 0 END AS visit, {deadline} AS deadline
            FROM d WHERE {" OR ".join(applies(name) for name in reasons)})
        SELECT * FROM (
            SELECT 0 AS part, {columns} FROM r WHERE visit = 1
            ORDER BY own, lead, {weight}, due, id LIMIT :limit) visits
        UNION ALL SELECT 1, {columns} FROM r WHERE visit = 0
        UNION ALL SELECT 2, NULL, NULL, NULL, NULL, NULL, due, count(*), NULL FROM r
            WHERE visit = 1 GROUP BY due"""
    start = datetime.combine(today - timedelta(days=planning.THANK_YOU_DAYS), time())
    params = {
        **days.params, "l": span.end.toordinal(), "f": first.toordinal(),
        "today_iso": today.isoformat(), "start": sql_timestamp(start), "limit": limit,
        "share": max(1.0, settings.thank_you_threshold),
    }
    return sql, params


@dataclass(frozen=True)
class Ranking:
    """The ranking's answer: the first cards with a visit to suggest in rank order, then
    every card with only calls; how many cards with a visit are due each day (all of
    them); whether the first ones are all of them."""

    ranks: list[Rank]
    backlog: dict[date, int]
    complete: bool


def ranking(
    conn: Any, span: planning.Period, today: date, settings: planning.PlanSettings, *,
    after_hours: bool, limit: int = 1_000_000_000,
) -> Ranking:
    """Every card with a reason to be seen in ``span`` (but :data:`OTHERS_SQL`'s):
    ranked (the first ``limit`` with a visit, every one with only calls), and counted."""
    postgres = bool(getattr(conn, "is_postgres", False))
    sql, params = ranking_sql(span, today, settings, after_hours=after_hours,
                              postgres=postgres, limit=limit)
    cursor = conn.cursor()
    try:
        rows = cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()
    fixed = {number: weight for number, weight in LEAD_WEIGHTS.items()
             if weight is not None}
    day = date.fromordinal
    found: list[Rank] = []
    backlog: dict[date, int] = {}
    visits = 0
    for part, pid, own, lead, nd, value, due, visit, deadline in rows:
        if part == 2:
            backlog[day(due)] = int(visit)
            continue
        visits += part == 0
        weight = fixed.get(lead)
        if weight is None:
            step_day = date.fromisoformat(nd) if nd else None
            weight = lead_weight(lead, step_day, float(value or 0), today, settings)
        last = day(deadline) if deadline != NEVER else None
        found.append(((own, -weight), day(due), pid, not visit, last))
    return Ranking(found, backlog, visits == sum(backlog.values()))
