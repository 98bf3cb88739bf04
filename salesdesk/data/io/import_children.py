"""What an import writes beside the cards: their further phones and emails (contact
points), and, from SalesDesk's own JSON export, their activities, visits and complaints,
so a round trip keeps everything. Queued per chunk and written with ``executemany`` after the cards
they belong to."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from salesdesk.data.io.contacts import Point, point_key
from salesdesk.data.sql import UUID_DEFAULT

_VISIT = ("day", "start", "minutes", "purpose", "status", "outcome", "uid", "created_at",
          "updated_at")
_ACTIVITY = ("kind", "at", "note", "outcome", "from_grade", "to_grade", "from_status",
             "to_status", "amount", "from_stage", "to_stage", "updated_at")
_COMPLAINT = ("received_at", "channel", "said", "expected", "answered_at", "cause_kind",
              "cause", "cause_at", "resolved_at", "resolution", "compensation",
              "followed_up_at", "lesson", "lesson_at", "answer", "follow_up_outcome",
              "updated_at")
#: A complaint's text columns: never NULL (an older export may leave one out).
_COMPLAINT_TEXT = ("channel", "said", "expected", "cause", "resolution", "compensation",
                   "lesson", "answer", "follow_up_outcome")
_POINT_SQL = ("INSERT INTO contact_point (prospect_id, kind, value, label, position) "
              "VALUES (?, ?, ?, ?, ?)")


def _stamp(value: Any) -> Any:
    return value.replace("T", " ") if isinstance(value, str) and "T" in value[:11] else value


class Children:
    """The child rows of one import run."""

    def __init__(self, conn: sqlite3.Connection, dry: bool) -> None:
        self.conn = conn
        self.dry = dry
        self.points: list[tuple[Any, ...]] = []
        self.histories: list[tuple[int, Mapping[str, Any]]] = []

    def add(self, pid: int, points: Sequence[Point], history: Mapping[str, Any] | None) -> None:
        """Queue a new card's contact points and (from a JSON export) its history."""
        for position, (kind, label, value) in enumerate(points, 1):
            self.points.append((pid, kind, value, label, position))
        if history:
            self.histories.append((pid, history))

    def flush(self) -> None:
        """Write what is queued (the cards are written already)."""
        if not self.dry:
            if self.points:
                self.conn.executemany(_POINT_SQL, self.points)
            for pid, history in self.histories:
                self._history(pid, history)
        self.points.clear()
        self.histories.clear()

    def _free(self, table: str, uuid: Any) -> Any:
        if not uuid:
            return None
        taken = self.conn.execute(f"SELECT 1 FROM {table} WHERE uuid = ?", (uuid,)).fetchone()
        return None if taken else uuid

    def _history(self, pid: int, history: Mapping[str, Any]) -> None:
        """A card's visits, then its activities (their visit ids mapped to the new ones)."""
        conn = self.conn
        visit_ids: dict[Any, int] = {}
        for visit in history.get("visits") or ():
            visit = {**visit, "purpose": visit.get("purpose") or "",
                     "outcome": visit.get("outcome") or ""}
            cursor = conn.execute(
                f"INSERT INTO visit (prospect_id, uuid, {', '.join(_VISIT)}) VALUES "
                f"(?, coalesce(?, {UUID_DEFAULT}), {', '.join('?' for _ in _VISIT)})",
                (pid, self._free("visit", visit.get("uuid")),
                 *(_stamp(visit.get(c)) for c in _VISIT)),
            )
            visit_ids[visit.get("id")] = int(cursor.lastrowid or 0)
        for entry in history.get("activities") or ():
            row = {c: _stamp(entry.get(c)) for c in _ACTIVITY}
            row["note"], row["outcome"] = row["note"] or "", row["outcome"] or ""
            row["updated_at"] = row["updated_at"] or row["at"]
            conn.execute(
                f"INSERT INTO activity (prospect_id, uuid, visit_id, {', '.join(_ACTIVITY)}) "
                f"VALUES (?, coalesce(?, {UUID_DEFAULT}), ?, "
                f"{', '.join('?' for _ in _ACTIVITY)})",
                (pid, self._free("activity", entry.get("uuid")),
                 visit_ids.get(entry.get("visit_id")), *row.values()),
            )
        for complaint in history.get("complaints") or ():
            row = {c: _stamp(complaint.get(c)) for c in _COMPLAINT}
            for column in _COMPLAINT_TEXT:
                row[column] = row[column] or ""
            row["updated_at"] = row["updated_at"] or row["received_at"]
            conn.execute(
                f"INSERT INTO complaint (prospect_id, uuid, {', '.join(_COMPLAINT)}) "
                f"VALUES (?, coalesce(?, {UUID_DEFAULT}), {', '.join('?' for _ in _COMPLAINT)})",
                (pid, self._free("complaint", complaint.get("uuid")), *row.values()),
            )

    def add_to_card(
        self, pid: int, points: Sequence[Point], replaced: Mapping[tuple[int, str], str]
    ) -> bool:
        """An update keeps every phone and email: the file's further ones, and a main one
        the file replaced, become contact points of the card (those it has are skipped)."""
        if self.dry:
            return bool(points)
        conn = self.conn
        have = {
            point_key(kind, value)
            for kind, value in conn.execute(
                "SELECT kind, value FROM contact_point WHERE prospect_id = ?", (pid,)
            )
        }
        card = conn.execute("SELECT phone, email FROM prospect WHERE id = ?", (pid,)).fetchone()
        have |= {point_key("phone", card[0]), point_key("email", card[1])}
        rows = []
        for kind, label, value in points:
            key = point_key(kind, value)
            if key not in have:
                have.add(key)
                rows.append((pid, kind, value, label, len(have)))
        for kind in ("phone", "email"):  # (the card's own, replaced just now: still known)
            old = replaced.get((pid, kind))
            if old and point_key(kind, old) not in have:
                have.add(point_key(kind, old))
                rows.append((pid, kind, old, "", len(have)))
        if rows:
            conn.executemany(_POINT_SQL, rows)
        return bool(rows)
