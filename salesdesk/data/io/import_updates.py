"""The import's changes to cards that were there before it (``--on-duplicate update``):
the file's values win (notes are appended), a new grade or status has the side effects it
has by hand, and is logged on the card's timeline. The before-image of each card (the
columns the import changed, as they were) is kept in a temporary table, so ``undo`` and
``undo-import`` can put it back.

An update that changes an existing card's grade, status or stage is recorded on its
timeline as ``grade`` / ``status`` / ``stage`` activities, with the side effects of
``card_changes.regrade`` and ``card_changes.set_status``, so the weekly review and the
card detail see it like a change made by hand.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from salesdesk.data.card_changes import change_note
from salesdesk.data.sql import next_id, sql_timestamp, sql_value
from salesdesk.enums import ActivityKind, Stage, Status
from salesdesk.rules.pinyin import pinyin_key
from salesdesk.rules.step_kinds import default_step_kind


class CardUpdates:
    """One import's updates of existing cards, on its connection and in its transaction.

    ``columns`` are the card columns the import writes; ids from ``first_new_id`` on are
    cards this import created (their rows are their creation: nothing is logged). The
    timeline entries get explicit ids from :attr:`first_activity` on, so the undo entry
    can list them (nothing else writes meanwhile).
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        now: datetime,
        note: str,
        table: Sequence[str],
        columns: Collection[str],
        first_new_id: int,
        dry: bool,
    ) -> None:
        self.conn = conn
        self.now = now
        self.note = note
        self.columns = frozenset(columns)
        # A card keeps its kind, and its UUID: a file's names the row it came from.
        self.writable = self.columns - {"kind", "uuid"}
        self.first_new_id = first_new_id
        self.dry = dry
        self.stamp = sql_timestamp(now)
        self.first_activity = self.next_activity = next_id(conn, "activity")
        #: (card, phone | email) -> the main value an update replaced (kept as a contact point)
        self.replaced: dict[tuple[int, str], str] = {}
        self.activities: list[tuple[Any, ...]] = []
        # Before-images: the columns the import changed on each card, as they were (JSON).
        conn.execute(
            "CREATE TEMP TABLE sd_import_before (id INTEGER PRIMARY KEY, before TEXT NOT NULL)"
        )

    @property
    def logged(self) -> bool:
        """Whether the import added timeline entries to existing cards."""
        return self.next_activity > self.first_activity

    def flush(self) -> None:
        """Write the timeline entries gathered so far (once a chunk is enough: they are on
        cards that existed before, so nothing waits for them)."""
        if self.activities:
            self.conn.executemany(
                "INSERT INTO activity (id, prospect_id, kind, at, note, outcome, from_grade, "
                "to_grade, from_status, to_status, amount, from_stage, to_stage, updated_at) "
                "VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?)",
                self.activities,
            )
            self.activities.clear()

    def update(self, pid: int, values: dict[str, Any]) -> bool:
        """File values win over the card's (notes are appended); the first before-image is kept
        so undo and undo-import can put the card back.

        A new grade or status has the side effects of ``regrade`` / ``set_status``
        (graded and reviewed now; closed now or reopened; a win sets the customer stage and
        clears the next step) unless the file gives those columns itself, and is logged on
        the timeline of a card that existed before the import. Returns False when the card
        already holds every value (nothing is written or logged)."""
        conn = self.conn
        changes = {k: sql_value(v) for k, v in values.items() if k in self.writable}
        if "source" not in values:
            changes.pop("source", None)
        columns = sorted({"grade", "status", "stage", "notes", *changes})
        found = conn.execute(
            f"SELECT {', '.join(columns)} FROM prospect WHERE id = ?", (pid,)
        ).fetchone()
        if found is None:  # a dry run: the earlier row was never written
            return True
        current = dict(zip(columns, found, strict=True))
        grade, status, stage, notes = (current[c] for c in ("grade", "status", "stage", "notes"))
        changes = {k: v for k, v in changes.items() if current[k] != v}
        new_notes = values.get("notes")
        if new_notes and notes:
            if new_notes in notes:
                changes.pop("notes", None)
            else:
                changes["notes"] = f"{notes}\n{new_notes}"
        new_grade = changes.get("grade", grade)
        new_status = changes.get("status", status)
        if new_grade != grade and "graded_at" not in values:
            changes["graded_at"] = changes["reviewed_at"] = sql_timestamp(self.now)
        if new_status != status:
            if "closed_at" not in values:
                closed = None if new_status == Status.LIVE else sql_timestamp(self.now)
                changes["closed_at"] = closed
            if new_status == Status.CUSTOMER:
                changes.setdefault("stage", Stage.CUSTOMER.value)
                if "next_date" not in values:
                    changes["next_date"] = None
                if "next_action" not in values:
                    changes["next_action"] = ""
                changes["next_kind"] = ""
        if "next_action" in changes and "next_kind" not in changes and not values.get("next_kind"):
            action = str(changes["next_action"] or "")
            changes["next_kind"] = default_step_kind(action, None) if action else ""
        if not changes:
            return False
        if self.dry:
            return True
        for kind in ("phone", "email"):
            if kind in changes and current.get(kind):
                self.replaced[(pid, kind)] = current[kind]
        if "name" in changes or "company" in changes:  # the search key follows them
            names = conn.execute("SELECT name, company FROM prospect WHERE id = ?", (pid,))
            name, company = names.fetchone()
            changes["pinyin_key"] = pinyin_key(
                (changes.get("name", name), changes.get("company", company))
            )
        if pid < self.first_new_id:
            self._keep_before(pid, list(changes))
            after = (new_grade, new_status, changes.get("stage", stage))
            self._log_changes(pid, (grade, status, stage), after, values.get("value"))
        sets = ", ".join(f"{c} = ?" for c in changes)
        conn.execute(
            f"UPDATE prospect SET {sets}, updated_at = ? WHERE id = ?",
            (*changes.values(), self.stamp, pid),
        )
        return True

    def _log_changes(
        self,
        pid: int,
        before: tuple[str, str, str],
        after: tuple[str, str, str],
        value: float | None,
    ) -> None:
        """The timeline entries the same change by hand writes (card detail, ``grade``,
        ``won``), in the same order, noted as imported. ``before`` and ``after`` are
        (grade, status, stage). Cards created by this import get none: their rows are
        their creation."""
        (old_grade, old_status, old_stage), (new_grade, new_status, new_stage) = before, after
        # (kind, note, from_grade, to_grade, from_status, to_status, amount, from_stage,
        # to_stage): the typed columns the weekly review and the visit plan read.
        entries: list[tuple[Any, ...]] = []
        if new_stage != old_stage:
            note = change_note(old_stage, new_stage, extra=self.note)
            entries.append((ActivityKind.STAGE.value, note, None, None, None, None, None,
                            old_stage, new_stage))
        if new_grade != old_grade:
            entries.append((ActivityKind.GRADE.value, self.note, old_grade, new_grade, None,
                            None, None, None, None))
        if new_status != old_status:
            amount = value if new_status == Status.CUSTOMER else None
            note = change_note(old_status, new_status, amount, self.note)
            entries.append((ActivityKind.STATUS.value, note, None, None, old_status,
                            new_status, amount, None, None))
        for kind, note, *facts in entries:
            self.activities.append(
                (self.next_activity, pid, kind, self.stamp, note, *facts, self.stamp)
            )
            self.next_activity += 1

    def _keep_before(self, pid: int, columns: list[str]) -> None:
        """Keep what the columns the import changes on the card held before it touched
        them (the first value seen of each: a card updated twice by one file keeps the
        value from before the import)."""
        conn = self.conn
        conn.execute(
            "INSERT OR IGNORE INTO temp.sd_import_before (id, before) VALUES (?, '{}')", (pid,)
        )
        # json_insert adds a column only if it is not there yet; ``columns`` are our own
        # column names, never text from the file.
        pairs = ", ".join(f"'$.{c}', p.{c}" for c in columns)
        conn.execute(
            f"UPDATE temp.sd_import_before SET before = (SELECT json_insert(before, {pairs}) "
            "FROM prospect p WHERE p.id = ?) WHERE id = ?",
            (pid, pid),
        )
