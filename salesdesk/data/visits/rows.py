"""Visits as plain rows: one visit with what the plan shows about its card, the visits of a
span of days, and the cards a search offers when a visit is added."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from salesdesk.data.db import Database
from salesdesk.data.sql import MAX_ID, like_pattern
from salesdesk.enums import VisitStatus
from salesdesk.errors import NotFound
from salesdesk.rules import planning

#: Statuses that take a place in the day (count against the day's capacity).
ACTIVE = (VisitStatus.PLANNED.value, VisitStatus.DONE.value)

#: The last column: a new prospect (live, no other visit). ``a.kind || ''`` keeps SQLite
#: on the card's own index (the index of every visit's kind scanned all the visits of the
#: book for each visit shown: most of a second for a week at 100,000 cards).
_VISIT_COLUMNS = """
    v.id, v.prospect_id, v.day, v.start, v.minutes, v.purpose, v.status, v.outcome, v.uid,
    p.name, p.company, p.area, p.address, p.phone, p.status, p.grade, p.follow_up,
    p.next_date, p.next_action,
    p.status = 'live' AND NOT EXISTS (
        SELECT 1 FROM activity a WHERE a.prospect_id = p.id AND a.kind || '' = 'visit'
        AND (a.visit_id IS NULL OR a.visit_id != v.id)
    )
"""
_ORDER = "ORDER BY v.day, v.start IS NULL, v.start, v.id"


@dataclass(frozen=True)
class VisitRow:
    """One visit with what the plan shows about its prospect."""

    id: int
    prospect_id: int
    day: date
    start: str | None
    minutes: int | None
    purpose: str
    status: str
    outcome: str
    uid: str
    name: str
    company: str
    area: str
    address: str
    phone: str
    prospect_status: str
    grade: str
    follow_up: str
    next_date: date | None
    next_action: str
    new_prospect: bool  # a live card never visited before (fits the new-customer day)

    @property
    def active(self) -> bool:
        """Planned or done: it takes a place in its day."""
        return self.status in ACTIVE

    def as_planned(self) -> planning.PlannedVisit:
        return planning.PlannedVisit(
            self.id, self.prospect_id, self.day, self.start, self.status, self.area
        )


def _row(raw: Sequence[Any]) -> VisitRow:
    return VisitRow(
        int(raw[0]),
        int(raw[1]),
        date.fromisoformat(raw[2][:10]),
        raw[3],
        raw[4],
        raw[5] or "",
        raw[6],
        raw[7] or "",
        raw[8],
        raw[9],
        raw[10] or "",
        raw[11] or "",
        raw[12] or "",
        raw[13] or "",
        raw[14],
        raw[15],
        raw[16] or "keep",
        date.fromisoformat(raw[17][:10]) if raw[17] else None,
        raw[18] or "",
        bool(raw[19]),
    )



def list_visits(
    db: Database, start: date, end: date, *, statuses: Sequence[str] | None = None
) -> list[VisitRow]:
    """Visits from ``start`` to ``end`` (inclusive), by day and time (untimed last)."""
    where = "v.day BETWEEN ? AND ?"
    params: list[Any] = [start.isoformat(), end.isoformat()]
    if statuses:
        where += f" AND v.status IN ({', '.join('?' for _ in statuses)})"
        params.extend(statuses)
    sql = (
        f"SELECT {_VISIT_COLUMNS} FROM visit v JOIN prospect p ON p.id = v.prospect_id "
        f"WHERE {where} {_ORDER}"
    )
    with db.connect() as conn:
        rows = conn.execute(sql, tuple(params)).fetchall()
    return [_row(r) for r in rows]


def get_visit(db: Database, visit_id: int) -> VisitRow:
    """One visit; NotFound if the id is unknown."""
    if not 0 < visit_id <= MAX_ID:
        raise NotFound(f"no visit with id {visit_id}")
    with db.connect() as conn:
        raw = conn.execute(
            f"SELECT {_VISIT_COLUMNS} FROM visit v JOIN prospect p ON p.id = v.prospect_id "
            "WHERE v.id = ?",
            (visit_id,),
        ).fetchone()
    if raw is None:
        raise NotFound(f"no visit with id {visit_id}")
    return _row(raw)


@dataclass(frozen=True)
class ProspectPick:
    """A search result when adding a visit."""

    id: int
    name: str
    company: str
    area: str
    status: str
    grade: str
    next_date: date | None
    next_action: str


def search_prospects(db: Database, text: str, limit: int = 30) -> list[ProspectPick]:
    """Cards whose name, company, phone or area holds every word of ``text``: live ones
    first, then customers, then the rest. Empty text lists the next steps coming up."""
    where: list[str] = []
    params: list[Any] = []
    for term in text.split():
        where.append(
            "("
            + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in ("name", "company", "phone", "area"))
            + ")"
        )
        params.extend([like_pattern(term)] * 4)
    if not where:
        where.append("status IN ('live', 'customer')")
        order = "next_date IS NULL, next_date, id"
    else:
        order = (
            "CASE status WHEN 'live' THEN 0 WHEN 'customer' THEN 1 ELSE 2 END, "
            "length(name), name, id"
        )
    sql = (
        "SELECT id, name, company, area, status, grade, next_date, next_action FROM prospect "
        f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?"
    )
    with db.connect() as conn:
        rows = conn.execute(sql, (*params, limit)).fetchall()
    return [
        ProspectPick(
            int(r[0]),
            r[1],
            r[2] or "",
            r[3] or "",
            r[4],
            r[5],
            date.fromisoformat(r[6][:10]) if r[6] else None,
            r[7] or "",
        )
        for r in rows
    ]
