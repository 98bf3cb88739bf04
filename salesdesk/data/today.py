"""Today's list from the database: the cards' facts and the planned visits, handed to the
pure rule :mod:`salesdesk.rules.today`. Reads every live card and customer, so the Today
screen and the board's count call it from a worker thread."""

from __future__ import annotations

from datetime import date

from salesdesk.data.db import Database
from salesdesk.data.visits.plan import plan_facts, plan_settings
from salesdesk.rules.today import TodayItem, TodayVisit, today_items

_VISITS_SQL = (
    "SELECT id, prospect_id, substr(day, 1, 10), start, purpose FROM visit "
    "WHERE status = 'planned' AND day <= ? ORDER BY day, start, id"
)


def planned_visits(db: Database, today: date) -> list[TodayVisit]:
    """Visits planned for today or an earlier day and not yet marked."""
    with db.connect() as conn:
        rows = conn.execute(_VISITS_SQL, (today.isoformat() + "~",)).fetchall()
    return [TodayVisit(int(r[0]), int(r[1]), date.fromisoformat(r[2]), r[3], r[4] or "")
            for r in rows]


def today_list(db: Database, today: date) -> list[TodayItem]:
    """Everything due today or overdue, in the order of :func:`rules.today.ordered`."""
    return today_items(
        plan_facts(db, today, given_up=True), planned_visits(db, today), today, plan_settings(db)
    )
