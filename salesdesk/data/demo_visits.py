"""Demo visits around a day: done ones with their timeline entries, a missed one, planned
ones grouped by area (one day over capacity, one visit to a parked card), and some
follow-up categories and preferred visit days and times. Used by the demo data only."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from salesdesk.data.db import Database
from salesdesk.data.sql import new_uuid, sql_timestamp
from salesdesk.rules import planning

_DEMO_PURPOSES = (
    "demo the new model",
    "bring samples",
    "discuss the quote",
    "meet the decider",
    "service check",
    "送样品",
    "谈报价",
    "回访",
)
_DEMO_OUTCOMES = (
    "Liked the demo; wants a trial next month.",
    "Price is the sticking point: compare with their supplier.",
    "Met the owner; budget approved in Q1.",
    "对样品很满意，下周给答复。",
    "客户在忙，聊了十分钟，留了资料。",
)
_DEMO_PREFS = (
    ("tue,thu", "14:00-17:00"),
    ("mon,wed,fri", "morning"),
    ("", "after 3pm"),
    ("周二 周四", "上午"),
)


def fill_demo_visits(db: Database, today: date, rng_seed: int = 7) -> int:
    """Add demo visits around ``today``: done ones (with their timeline entries) and a missed
    one in the last two weeks, planned ones this week and next (grouped by area, one day
    over capacity, one visit to a parked card), and a few follow-up categories and preferred
    visit days and times. Not undoable (like the rest of the demo data). Returns how many
    visits were added; 0 when there are no cards."""
    import random

    with db.bulk() as conn:
        return add_demo_visits(conn, random.Random(rng_seed), today)


#: A card as the demo picks it: (id, status, area, touched_at).
_Card = tuple[int, str, str | None, str | None]
#: A visit to add: the card, the day, the status.
_Visit = tuple[_Card, date, str]


def add_demo_visits(conn: Any, rng: Any, today: date) -> int:
    """:func:`fill_demo_visits` inside a transaction the caller holds (used by the demo)."""
    rows = conn.execute(
        "SELECT id, status, area, touched_at FROM prospect WHERE status IN "
        "('live', 'customer', 'parked') ORDER BY id LIMIT 400"
    ).fetchall()
    live = [r for r in rows if r[1] in ("live", "customer")]
    parked = [r for r in rows if r[1] == "parked"]
    if not live:
        return 0
    _set_preferences(conn, rng, live)
    by_area: dict[str, list[_Card]] = {}
    for row in live:
        by_area.setdefault(row[2] or "", []).append(row)
    pool = list(live)
    rng.shuffle(pool)
    plan = _past_visits(rng, pool, today) + _coming_visits(rng, pool, by_area, today)
    if parked:
        plan.append(
            (parked[0], today + timedelta(days=2 if today.weekday() != 4 else 1), "planned")
        )
    _insert_visits(conn, rng, plan, today)
    return len(plan)


def _set_preferences(conn: Any, rng: Any, live: list[_Card]) -> None:
    """Preferred visit days and times and a follow-up category on about a sixth of them."""
    for pid, *_rest in rng.sample(live, min(len(live), max(3, len(live) // 6))):
        days, hours = rng.choice(_DEMO_PREFS)
        follow = rng.choices(("keep", "revisit", "give_up"), weights=(6, 3, 1))[0]
        conn.execute(
            "UPDATE prospect SET visit_days = ?, visit_time = ?, follow_up = ?, "
            "revisit_days = ? WHERE id = ?",
            (days, hours, follow, rng.choice((14, 21, 28)) if follow == "revisit" else None, pid),
        )


def _past_visits(rng: Any, pool: list[_Card], today: date) -> list[_Visit]:
    """The last two weeks: done visits, a missed one among them (taken from ``pool``)."""
    plan: list[_Visit] = []
    for offset in range(-14, 0):
        day = today + timedelta(days=offset)
        if day.weekday() == planning.SUNDAY:
            continue
        for _ in range(rng.randint(1, 3)):
            if pool:
                plan.append((pool.pop(), day, "done"))
    if len(plan) > 3:
        row, day, _status = plan[3]
        plan[3] = (row, day, "missed")
    return plan


def _coming_visits(
    rng: Any, pool: list[_Card], by_area: dict[str, list[_Card]], today: date
) -> list[_Visit]:
    """The coming two weeks: planned, one area per day where possible, a lighter second
    week, and one over-full day to show the flag (taken from ``pool``)."""
    plan: list[_Visit] = []
    areas = sorted(by_area, key=lambda a: -len(by_area[a]))
    over_full = today + timedelta(days=(3 - today.weekday()) % 7)  # the next Thursday
    for index in range(14):
        day = today + timedelta(days=index)
        if day.weekday() == planning.SUNDAY:
            continue
        area = areas[index % len(areas)]
        same = [r for r in by_area[area] if r in pool][: rng.randint(1, 3 if index < 7 else 2)]
        if day == over_full:
            same = [r for r in pool if r not in same][:5]
        for row in same:
            pool.remove(row)
            plan.append((row, day, "planned"))
    return plan


def _insert_visits(conn: Any, rng: Any, plan: list[_Visit], today: date) -> None:
    """Write the visits; a done one also gets its timeline entry and touches its card."""
    created = sql_timestamp(datetime.combine(today - timedelta(days=20), time(8, 0)))
    for (pid, _status, _area, touched), day, status in plan:
        start = rng.choice((None, "09:00", "09:30", "10:30", "14:00", "15:30", "16:00"))
        visit_uuid = new_uuid()
        cursor = conn.execute(
            "INSERT INTO visit (prospect_id, day, start, minutes, purpose, status, outcome, "
            "uid, created_at, uuid, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pid,
                day.isoformat(),
                start,
                rng.choice((None, 45, 60, 90)),
                rng.choice(_DEMO_PURPOSES),
                status,
                rng.choice(_DEMO_OUTCOMES) if status == "done" else "",
                f"{visit_uuid}@salesdesk",
                created,
                visit_uuid,
                created,
            ),
        )
        if status != "done":
            continue
        at = datetime.combine(day, time.fromisoformat(start) if start else time(11, 0))
        outcome = conn.execute(
            "SELECT purpose, outcome FROM visit WHERE id = ?", (cursor.lastrowid,)
        ).fetchone()
        stamp = sql_timestamp(at)
        conn.execute(
            "INSERT INTO activity (prospect_id, kind, at, note, outcome, visit_id, updated_at) "
            "VALUES (?, 'visit', ?, ?, ?, ?, ?)",
            (pid, stamp, outcome[0], outcome[1], cursor.lastrowid, stamp),
        )
        if touched is None or touched < stamp:
            conn.execute(
                "UPDATE prospect SET touched_at = ?, updated_at = max(updated_at, ?) "
                "WHERE id = ?",
                (stamp, stamp, pid),
            )
