"""The import itself: a file's records into the database in ONE transaction, and undo-import.

Rows are read one by one, validated, checked for duplicates against a temporary key table
(:mod:`~salesdesk.data.io.import_keys`, so memory does not grow with the file) and
inserted with ``executemany`` in chunks. A file with errors imports nothing unless
``skip_errors``; Ctrl+C or a crash rolls back. The whole import is one undo-journal change
(``salesdesk undo`` reverses it; one journal row per card it touched) and one import
batch (``salesdesk undo-import BATCH`` removes it later). Updates of cards that were
there before are :mod:`~salesdesk.data.io.import_updates`; what an import is asked and
reports is :mod:`~salesdesk.data.io.import_result`, re-exported here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

from salesdesk.data.card_changes import new_card_values
from salesdesk.data.db import Database, busy_message, own_connection
from salesdesk.data.first_contact import load_rule
from salesdesk.data.io.batches import record_batch
from salesdesk.data.io.bulk_indexes import drop_for_bulk, rebuild
from salesdesk.data.io.csv_import import Record
from salesdesk.data.io.import_children import Children
from salesdesk.data.io.import_keys import DuplicateKeys
from salesdesk.data.io.import_result import (
    DEFAULT_SOURCE,
    DUPLICATE_MODES,
    MAX_LISTED,
    MAX_NEW_LISTED,
    DuplicateRow,
    ImportCancelled,
    ImportOptions,
    ImportResult,
    NewRow,
    RowError,
)
from salesdesk.data.io.import_rows import CardRows
from salesdesk.data.io.import_updates import CardUpdates
from salesdesk.data.io.mapping import IMPORT_FIELDS
from salesdesk.data.io.matching import LIKELY, Who, card_keys, judge, name_fold
from salesdesk.data.io.sources import Source, open_source
from salesdesk.data.io.streaming import after_chunk, chunks, collector_aside
from salesdesk.data.io.values import add_extra, card_values
from salesdesk.data.sql import next_id, sql_timestamp, sql_value
from salesdesk.enums import Stage, Status
from salesdesk.errors import InputError
from salesdesk.rules.fields import MAX_TEXT
from salesdesk.rules.pinyin import pinyin_key
from salesdesk.rules.step_kinds import default_step_kind

CHUNK = 2_000
#: A card with one of these from the file carries its history: no first-contact clock.
_CARRIED = frozenset(("created_at", "graded_at", "touched_at", "first_contact_due"))

Progress = Callable[[int, int], None]


def _defaults(now: datetime, batch: str, source: str) -> dict[str, Any]:
    """A new card's stored values (:func:`new_card_values`), from this import."""
    row = {name: sql_value(value) for name, value in new_card_values(now).items()}
    row.update(source=source, import_batch=batch)
    return row


class _Run:
    """One import: the connection, the key table and the counts."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        source: Source,
        now: datetime,
        options: ImportOptions,
        batch: str,
    ) -> None:
        self.conn = conn
        self.source = source
        self.now = now
        self.today = now.date()
        self.options = options
        self.dry = options.dry_run
        self.batch = batch
        self.result = ImportResult(
            file=source.path.name,
            description=source.describe(),
            unit=source.unit,
            options=options,
            mapping=source.pairs(),
            unmapped=source.unmapped,
        )
        table = [r[1] for r in conn.execute("PRAGMA table_info(prospect)")]
        defaults = _defaults(now, batch, options.source.strip() or DEFAULT_SOURCE)
        self.columns = [
            c for c in table if c in defaults or c in IMPORT_FIELDS or c == "pinyin_key"
        ]
        self.rows = CardRows(conn, self.columns, defaults)
        self.index = self.rows.index
        #: where a row holds its pinyin key and first-contact deadline (0: the table has none)
        self.pinyin_at = self.index.get("pinyin_key", 0)
        self.due_at = self.index.get("first_contact_due", 0)
        self.pending_uuids: set[str] = set()
        self.first_contact = load_rule(conn)
        self.due: dict[str, Any] = {}  # source -> a new card's first-contact deadline
        self.default_source = options.source.strip() or DEFAULT_SOURCE
        self.first_id = self.next_id = next_id(conn, "prospect")
        self.keys = DuplicateKeys(conn, options.region)
        self.first_point = next_id(conn, "contact_point")
        self.children = Children(conn, self.dry)
        self.updates = CardUpdates(
            conn,
            now,
            f"import: {source.path.name}",
            table,
            self.columns,
            self.first_id,
            self.dry,
        )

    # ---------------------------------------------------------------- rows
    def error(self, record: Record, problems: list[tuple[str, str]], labelled: bool) -> None:
        result = self.result
        result.error_rows += 1
        for column, reason in problems:
            if len(result.errors) >= MAX_LISTED:
                break
            label = column if labelled else self.source.label(column)
            result.errors.append(RowError(record.row, label, reason))

    def chunk(self, records: list[Record]) -> None:
        prepared: list[tuple[Record, dict[str, Any], list[str], Who]] = []
        region = self.options.region
        for record in records:
            if record.warnings and len(self.result.hints) < MAX_LISTED:
                self.result.hints.extend(record.warnings)
            if record.problems:
                self.error(record, record.problems, labelled=True)
                continue
            values, problems = card_values(
                record.values, self.today, self.options.locale, record.points
            )
            if problems:
                self.error(record, problems, labelled=False)
                continue
            step = values.get("next_date")
            if step is not None and step < self.today:  # kept (it is the file's data)
                self.result.past_steps += 1
            if record.extra:
                add_extra(values, record.extra)
                if len(values["notes"]) > MAX_TEXT:
                    self.error(record, [("notes", "too long with the extra columns")], False)
                    continue
            phone, email = values.get("phone"), values.get("email")
            points = values.get("contact_points")
            if points:
                phones = [phone, *(v for k, _l, v in points if k == "phone")]
                emails = [email, *(v for k, _l, v in points if k == "email")]
            else:
                phones, emails = [phone], [email]
            folded = name_fold(values["name"])
            keys = card_keys(values["name"], values.get("company"), phones, emails, region,
                             folded)
            who = Who(folded, bool(phone or email))
            prepared.append((record, values, keys, who))
        found = self.keys.lookup({k for _r, _v, keys, _w in prepared for k in keys})
        mode = self.options.on_duplicate
        self.result.records += len(prepared)
        add_keys = self.keys.add
        for record, values, keys, who in prepared:
            likely: tuple[str, str] | None = None
            possible: tuple[str, str] | None = None
            known = False  # (whether a key is known: most rows of a file of new contacts not)
            for key in keys:
                if key in found:
                    known = True
                    verdict, reason = judge(key, who, found[key][2])
                    if verdict == LIKELY:
                        likely = (key, reason)
                        break
                    possible = possible or (key, reason)
            if likely is not None:
                key, reason = likely
                pid, row, _who = found[key]
                action = {"skip": "skipped", "update": "updated", "new": "created anyway"}[mode]
                self._report_duplicate(record, values, reason, pid, row, action, possible=False)
                if mode == "skip":
                    self.result.skipped += 1
                    continue
                if mode == "update":
                    self.flush()
                    points = values.pop("contact_points", [])
                    changed = self.updates.update(pid, values)
                    changed = self.children.add_to_card(pid, points, self.updates.replaced) \
                        or changed
                    if changed:
                        self.result.updated += 1
                    else:
                        self.result.unchanged += 1
                    continue
            elif possible is not None:
                key, reason = possible
                pid, row, _who = found[key]
                self._report_duplicate(record, values, reason, pid, row, "imported",
                                       possible=True)
            pid = self.next_id
            self.next_id = pid + 1
            self.create(pid, record, values)
            fresh = [key for key in keys if key not in found] if known else keys
            if fresh:
                hit = (pid, record.row, who)
                for key in fresh:
                    found[key] = hit
                add_keys(pid, record.row, who, fresh)
        self.flush()
        self.updates.flush()

    def _report_duplicate(
        self,
        record: Record,
        values: dict[str, Any],
        reason: str,
        pid: int,
        row: int | None,
        action: str,
        possible: bool,
    ) -> None:
        result = self.result
        if possible:
            result.possible_count += 1
            listed = result.possible
        else:
            result.duplicate_count += 1
            listed = result.duplicates
        if len(listed) >= MAX_LISTED:
            return
        existing = ""
        if row is None:
            found = self.conn.execute("SELECT name FROM prospect WHERE id = ?", (pid,)).fetchone()
            existing = found[0] if found else ""
        listed.append(
            DuplicateRow(
                record.row,
                values["name"],
                reason,
                pid if row is None else None,
                row,
                existing,
                action,
            )
        )

    def _free_uuid(self, values: dict[str, Any]) -> None:
        """Keep the file's UUID (a SalesDesk export's) unless a card holds it already, or an
        earlier row of the file: then the new card gets a UUID of its own."""
        wanted = values.get("uuid")
        if wanted is None:
            return
        taken = wanted in self.pending_uuids or self.conn.execute(
            "SELECT 1 FROM prospect WHERE uuid = ?", (wanted,)
        ).fetchone()
        if taken:
            del values["uuid"]
        else:
            self.pending_uuids.add(wanted)

    def create(self, pid: int, record: Record, values: dict[str, Any]) -> None:
        if "uuid" in values:
            self._free_uuid(values)
        points = values.pop("contact_points", ())
        if points or record.history:
            self.children.add(pid, points, record.history)
        row = self.rows.new(pid, values)
        index = self.index
        status = values.get("status", "live")
        if status != "live":
            if "closed_at" not in values and "closed_at" in index:
                row[index["closed_at"]] = sql_timestamp(self.now)
            if status == Status.CUSTOMER and "stage" not in values:
                row[index["stage"]] = Stage.CUSTOMER.value  # a customer: the customer stage
        if "graded_at" in values and "created_at" not in values:
            row[index["created_at"]] = row[index["graded_at"]]
        if not values.get("next_kind") and (values.get("next_date") or values.get("next_action")):
            # the kind its words name, else a call (a new card has no touch yet)
            row[index["next_kind"]] = default_step_kind(str(values.get("next_action") or ""), None)
        if self.pinyin_at:
            row[self.pinyin_at] = pinyin_key((values["name"], values.get("company")))
        if status == "live" and self.due_at and values.keys().isdisjoint(_CARRIED):
            # A new inbound lead (not a card carried over with its history): its clock.
            source = values.get("source") or self.default_source
            due = self.due.get(source, False)
            if due is False:  # (the same for every card of a source: worked out once)
                due = self.due[source] = sql_value(self.first_contact.due(source, self.now))
            row[self.due_at] = due
        self.rows.add(row)
        result = self.result
        result.created += 1
        if len(result.new_rows) < MAX_NEW_LISTED:
            result.new_rows.append(
                NewRow(
                    record.row,
                    values["name"],
                    values.get("company", ""),
                    values.get("phone", ""),
                    values.get("email", ""),
                )
            )

    def flush(self) -> None:
        """Write the new cards waiting, then their keys."""
        self.rows.flush(write=not self.dry)
        self.children.flush()
        self.keys.flush()
        if not self.dry:  # (a dry run forgets nothing: its rows never reach the table)
            self.pending_uuids.clear()

    # ---------------------------------------------------------------- the end
    def finish(self) -> None:
        """The batch and the one undo entry (:func:`~salesdesk.data.io.batches.record`)."""
        result = self.result
        if not (result.created or result.updated):
            return
        self.updates.flush()
        record_batch(self.conn, self.batch, self.now, self.source.path, result.created,
                     result.updated, self.updates.first_activity if self.updates.logged
                     else None, self.first_point, self.first_id)
        result.batch = self.batch


def _batch_id(conn: sqlite3.Connection, now: datetime) -> str:
    base = now.strftime("%Y%m%d-%H%M%S")
    candidate, n = base, 1
    while conn.execute("SELECT 1 FROM importbatch WHERE id = ?", (candidate,)).fetchone():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def run_import(
    db: Database | Path,
    path: Path,
    now: datetime,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Import ``path`` (CSV or vCard). Row problems are reported in the result, never raised;
    a file that cannot be read at all raises InputError. Writes only if there are no errors
    (or ``skip_errors``) and this is not a dry run; all in one transaction."""
    options = options or ImportOptions()
    if options.on_duplicate not in DUPLICATE_MODES:
        raise InputError(
            f"invalid --on-duplicate {options.on_duplicate!r}: use skip, update or new"
        )
    source = open_source(path, options)
    if isinstance(db, Database) and not options.dry_run:
        db.refuse_writes()  # (a damaged or read-only database)
    # (the import screen runs in a worker: the connection may move between threads)
    stack = ExitStack()
    conn = stack.enter_context(own_connection(db))
    if isinstance(db, Database):
        conn.recorded = db.recorded  # type: ignore[attr-defined]
    try:
        conn.execute("BEGIN" if options.dry_run else "BEGIN IMMEDIATE")
        try:
            run = _Run(conn, source, now, options, _batch_id(conn, now))
            run.keys.load()
            rebuilt = [] if options.dry_run else drop_for_bulk(conn, run.first_id)
            with collector_aside():
                for chunk in chunks(source.records(), CHUNK):
                    if cancelled is not None and cancelled():
                        raise ImportCancelled("import cancelled: nothing was imported")
                    run.chunk(chunk)
                    chunk.clear()  # (its records are done with: none is left to collect)
                    after_chunk()
                    if progress is not None:
                        progress(source.position(), source.size)
            result = run.result
            result.hints.extend(getattr(source, "skipped", ()))
            result.hints.extend(getattr(source, "hints", ()))
            if result.records == 0 and result.error_rows == 0:
                raise InputError(f"{source.path.name} has no {source.unit}s to import")
            if options.dry_run or result.blocked:
                conn.execute("ROLLBACK")
                return result
            rebuild(conn, rebuilt)
            run.finish()
            conn.execute("COMMIT")
            result.committed = True
            return result
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except sqlite3.OperationalError as exc:
        message = busy_message(exc)
        if message:
            raise InputError(message) from None
        raise
    finally:
        stack.close()
        source.close()


__all__ = [
    "DUPLICATE_MODES",
    "DuplicateRow",
    "ImportCancelled",
    "ImportOptions",
    "ImportResult",
    "NewRow",
    "RowError",
    "run_import",
]
