"""Today's list from the database: the cards' facts, the planned visits and the clocks
(unanswered complaints, new leads waiting for a first contact), handed to the pure rule
:mod:`salesdesk.rules.today`. Reads every live card and customer, so the Today screen and
the board's count call it from a worker thread."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from salesdesk.data.complaints import answer_hours
from salesdesk.data.db import Database
from salesdesk.data.visits.facts import facts_on, plan_facts
from salesdesk.data.visits.plan import plan_settings
from salesdesk.rules.complaints import answer_due
from salesdesk.rules.key_days import list_changes
from salesdesk.rules.planning import PlanSettings, ProspectFacts
from salesdesk.rules.today import TodayClock, TodayItem, TodayVisit, card_items, today_items

_VISITS_SQL = (
    "SELECT id, prospect_id, substr(day, 1, 10), start, purpose FROM visit "
    "WHERE status = 'planned' AND day <= ? ORDER BY day, start, id"
)
_COMPLAINTS_SQL = (
    "SELECT id, prospect_id, received_at, said FROM complaint "
    "WHERE resolved_at IS NULL AND answered_at IS NULL ORDER BY received_at, id"
)
_NEW_LEADS_SQL = (
    "SELECT id, first_contact_due FROM prospect WHERE {among}status = 'live' "
    "AND first_contact_at IS NULL AND first_contact_due IS NOT NULL "
    "AND first_contact_due <= :end ORDER BY first_contact_due, id"
)


def planned_visits(db: Database, today: date) -> list[TodayVisit]:
    """Visits planned for today or an earlier day and not yet marked."""
    with db.connect() as conn:
        rows = conn.execute(_VISITS_SQL, (today.isoformat() + "~",)).fetchall()
    return [TodayVisit(int(r[0]), int(r[1]), date.fromisoformat(r[2]), r[3], r[4] or "")
            for r in rows]


def running_clocks(
    db: Database, today: date, among: tuple[str, Mapping[str, Any]] | None = None
) -> list[TodayClock]:
    """Every unanswered complaint (its answer deadline), and the new leads whose first
    contact is due by the end of ``today``; ``among`` (a subquery of card ids and its
    named parameters) holds every such lead: only those cards are looked at (there is no
    index on the clock: the board's keys know which cards have one)."""
    hours = answer_hours(db)
    ids_sql, params = among or ("", {})
    leads_sql = _NEW_LEADS_SQL.format(among=f"id IN {ids_sql} AND " if ids_sql else "")
    params = {**params, "end": today.isoformat() + "~"}
    with db.connect() as conn:
        complaints = conn.execute(_COMPLAINTS_SQL).fetchall()
        leads = conn.execute(leads_sql, params).fetchall()
    clocks = [TodayClock(int(pid), answer_due(_at(received), hours), int(cid), said or "")
              for cid, pid, received, said in complaints]
    clocks += [TodayClock(int(pid), _at(due)) for pid, due in leads]
    return clocks


def _at(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def today_list(db: Database, when: date | datetime) -> list[TodayItem]:
    """Everything due today or overdue, in the order of :func:`rules.today.ordered`;
    ``when`` is the day, or the moment the clocks are judged at (the CLI and the screens
    pass the time)."""
    now = when if isinstance(when, datetime) else None
    today = when.date() if isinstance(when, datetime) else when
    return today_items(
        _facts(db, today, now), planned_visits(db, today), today,
        plan_settings(db), running_clocks(db, today), now,
    )


def _facts(db: Database, today: date, now: datetime | None) -> list[ProspectFacts]:
    """The cards that may put an item on the list: on an SQLite file, those whose board
    key counts one or is stale (a read of those cards alone, through their index);
    elsewhere, or for a day without its moment, every live card and customer."""
    from salesdesk.data import key_queues

    if now is None or not key_queues.usable(db, today, now):
        return plan_facts(db, today, given_up=True)
    ids_sql, params = key_queues.today_ids(now)
    with db.connect() as conn:
        return facts_on(conn, today, given_up=True, ids_sql=ids_sql, params=params)


def item_counts(
    conn: Any, today: date, settings: PlanSettings, hours: int, ids_sql: str,
    params: Mapping[str, Any],
) -> dict[int, tuple[int, date | None]]:
    """How many items each card of ``ids_sql`` (a subquery of card ids, with named
    ``params``; "" : every card) puts on today's list, and the first later day that may
    change (:func:`salesdesk.rules.key_days.list_changes`): the board's key table keeps
    both per card, so the header's count is a sum, never a read of every card."""
    of_cards = f" AND prospect_id IN {ids_sql}" if ids_sql else ""
    end = {"end": today.isoformat() + "~", **params}
    facts = facts_on(conn, today, given_up=True, ids_sql=ids_sql, params=params)
    visits: dict[int, list[TodayVisit]] = {}
    for r in conn.execute(
        "SELECT id, prospect_id, substr(day, 1, 10), start, purpose FROM visit "
        f"WHERE status = 'planned' AND day <= :end{of_cards}", end
    ).fetchall():
        visits.setdefault(int(r[1]), []).append(
            TodayVisit(int(r[0]), int(r[1]), date.fromisoformat(r[2]), r[3], r[4] or ""))
    next_visit = {
        int(pid): date.fromisoformat(day) for pid, day in conn.execute(
            "SELECT prospect_id, min(substr(day, 1, 10)) FROM visit "
            f"WHERE status = 'planned' AND day > :end{of_cards} GROUP BY prospect_id", end
        ).fetchall()
    }
    clocks: dict[int, list[TodayClock]] = {}
    for cid, pid, received, said in conn.execute(
        "SELECT id, prospect_id, received_at, said FROM complaint WHERE resolved_at IS NULL "
        f"AND answered_at IS NULL{of_cards}", params
    ).fetchall():
        clocks.setdefault(int(pid), []).append(
            TodayClock(int(pid), answer_due(_at(received), hours), int(cid), said or ""))
    for pid, due in conn.execute(
        "SELECT id, first_contact_due FROM prospect WHERE status = 'live' "
        "AND first_contact_at IS NULL AND first_contact_due IS NOT NULL "
        # (Not of_cards with its column renamed: the subquery's own prospect_id would
        # become the outer id, a correlated scan of every key for each card.)
        f"AND first_contact_due <= :end{f' AND id IN {ids_sql}' if ids_sql else ''}", end
    ).fetchall():
        clocks.setdefault(int(pid), []).append(TodayClock(int(pid), _at(due)))
    return {
        p.id: (
            len(card_items(p, visits.get(p.id, []), today, settings, clocks.get(p.id, ()))),
            list_changes(p, today, next_visit.get(p.id)),
        )
        for p in facts
    }
