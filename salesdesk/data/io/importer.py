"""The import itself: a file's records into the database in ONE transaction, and undo-import.

Rows are read one by one, validated, checked for duplicates against a temporary key table
(so memory does not grow with the file) and inserted with ``executemany`` in chunks. A
file with errors imports nothing unless ``skip_errors``; Ctrl+C or a crash rolls back.
The whole import is one undo-journal entry (``salesdesk undo`` reverses it) and one
import batch (``salesdesk undo-import BATCH`` removes it later).

An update that changes an existing card's grade, status or stage is recorded on its
timeline as ``grade`` / ``status`` / ``stage`` activities, with the side effects of
``store.regrade`` and ``store.set_status``, so the weekly review and the card detail see it
like a change made by hand; the activities are part of the same undo entry.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from salesdesk.config import expand_path
from salesdesk.data.card_changes import new_card_values
from salesdesk.data.db import Database, open_connection
from salesdesk.data.io.csv_import import Record
from salesdesk.data.io.mapping import IMPORT_FIELDS
from salesdesk.data.io.values import KEY_REASONS, add_extra, card_values, duplicate_keys
from salesdesk.data.sql import sql_timestamp, sql_value
from salesdesk.enums import ActivityKind, Stage, Status
from salesdesk.errors import InputError, SalesDeskError
from salesdesk.rules.fields import MAX_TEXT

DUPLICATE_MODES = ("skip", "update", "new")
CHUNK = 2_000
#: How many errors and duplicates a result keeps to show (the counts are always complete).
MAX_LISTED = 1_000
MAX_NEW_LISTED = 20
DEFAULT_SOURCE = "import"

Progress = Callable[[int, int], None]


class ImportCancelled(SalesDeskError):
    """The user stopped the import: nothing was written."""

    exit_code = 1


class Source(Protocol):
    path: Path
    size: int
    kind: str
    unit: str
    headers: tuple[str, ...]

    def describe(self) -> str: ...
    def label(self, name: str) -> str: ...
    def pairs(self) -> list[tuple[str, str]]: ...
    @property
    def unmapped(self) -> list[str]: ...
    def position(self) -> int: ...
    def records(self) -> Iterator[Record]: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    on_duplicate: str = "skip"
    skip_errors: bool = False
    keep_extra: bool = False
    mapping: Mapping[str, str] = field(default_factory=dict)
    source: str = DEFAULT_SOURCE
    fmt: str | None = None  # csv | vcf | None: from the file name and content


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class DuplicateRow:
    row: int
    name: str
    reason: str  # same phone / same email / same name and company
    existing_id: int | None  # a card already in the database
    existing_row: int | None  # or an earlier row of the same file
    existing_name: str
    action: str  # skipped / updated / created anyway


@dataclass(frozen=True)
class NewRow:
    row: int
    name: str
    company: str
    phone: str
    email: str


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    file: str
    description: str
    unit: str
    options: ImportOptions
    mapping: list[tuple[str, str]]
    unmapped: list[str]
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0  # duplicates to update that already held every value of their row
    past_steps: int = 0  # rows whose next step is already past: kept, shown as overdue
    skipped: int = 0
    error_rows: int = 0
    duplicate_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    duplicates: list[DuplicateRow] = field(default_factory=list)
    new_rows: list[NewRow] = field(default_factory=list)
    batch: str | None = None
    committed: bool = False

    @property
    def blocked(self) -> bool:
        """Errors stop the import (all or nothing) unless errors are skipped."""
        return self.error_rows > 0 and not self.options.skip_errors

    def summary(self) -> str:
        """One line: created, updated, skipped, errors."""
        would = self.options.dry_run or not self.committed
        verb = "would create" if would else "created"
        parts = [
            f"{verb} {self.created:,}",
            f"{'update' if would else 'updated'} {self.updated:,}"
            + (f" ({self.unchanged:,} already up to date)" if self.unchanged else ""),
            f"skip {self.skipped:,} duplicate{'s' if self.skipped != 1 else ''}"
            if would
            else f"skipped {self.skipped:,}",
            f"{self.error_rows:,} {self.unit}{'s' if self.error_rows != 1 else ''} with errors",
        ]
        if self.past_steps:
            parts.append(f"{self.past_steps:,} with a next step already past (kept: overdue)")
        return ", ".join(parts)


# --------------------------------------------------------------------------- sources


def open_source(path: Path, options: ImportOptions) -> Source:
    """Open a CSV or vCard file for reading; InputError with one clear line if unusable."""
    from salesdesk.data.io.csv_import import CsvSource
    from salesdesk.data.io.vcard import VcardSource

    path = expand_path(path)
    if not path.exists():
        raise InputError(f"no file {path}")
    if path.is_dir():
        raise InputError(f"{path} is a folder: give a CSV or vCard file")
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    fmt = (options.fmt or "").lower() or None
    if fmt not in (None, "csv", "vcf"):
        raise InputError(f"invalid format {options.fmt!r}: use csv or vcf")
    if fmt is None:
        vcard_like = b"BEGIN:VCARD" in head.upper().replace(b"\x00", b"")
        fmt = "vcf" if path.suffix.lower() in (".vcf", ".vcard") or vcard_like else "csv"
    try:
        if fmt == "vcf":
            if options.mapping:
                raise InputError("--map applies to CSV files; a vCard's fields are fixed")
            return VcardSource(path, options.keep_extra)
        return CsvSource(path, options.mapping, options.keep_extra)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


# --------------------------------------------------------------------------- writing


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
        self.columns = [c for c in table if c in defaults or c in IMPORT_FIELDS]
        # Row lists start with the id: index i of a column is its place in the row.
        self.index = {c: i + 1 for i, c in enumerate(self.columns)}
        self.template = [None, *(defaults.get(c) for c in self.columns)]
        cols = ", ".join(("id", *self.columns))
        marks = ", ".join("?" * (len(self.columns) + 1))
        self.insert_sql = f"INSERT INTO prospect ({cols}) VALUES ({marks})"
        self.json_sql = "json_object(" + ", ".join(f"'{c}', {c}" for c in table) + ")"
        self.first_id = self.next_id = int(
            conn.execute("SELECT coalesce(max(id), 0) FROM prospect").fetchone()[0]
        ) + 1
        self.pending: list[list[Any]] = []
        self.pending_keys: list[tuple[int, int, int]] = []
        # Grade and status changes of existing cards, inserted with explicit ids: the undo
        # entry lists the ids from first_activity on (nothing else writes meanwhile).
        self.first_activity = self.next_activity = int(
            conn.execute("SELECT coalesce(max(id), 0) FROM activity").fetchone()[0]
        ) + 1
        self.activities: list[tuple[Any, ...]] = []
        self.note = f"import: {source.path.name}"

    # ---------------------------------------------------------------- key table
    def load_keys(self) -> None:
        conn = self.conn
        # Keys are stored as their 64-bit hash (this process's hash(): the table lives only
        # for this run): an integer key is several times faster to insert and look up.
        conn.execute(
            "CREATE TEMP TABLE sd_import_keys (key INTEGER PRIMARY KEY, prospect_id INTEGER NOT "
            "NULL, row INTEGER)"
        )
        conn.execute(
            "CREATE TEMP TABLE sd_import_before (id INTEGER PRIMARY KEY, before TEXT NOT NULL,"
            " fields TEXT NOT NULL)"
        )
        cursor = conn.execute("SELECT id, phone, email, name, company FROM prospect ORDER BY id")
        while rows := cursor.fetchmany(5_000):
            conn.executemany(
                "INSERT OR IGNORE INTO temp.sd_import_keys VALUES (?, ?, NULL)",
                [(hash(k), r[0]) for r in rows for k in duplicate_keys(r[1], r[2], r[3], r[4])],
            )

    def _lookup(self, keys: Iterable[str]) -> dict[str, tuple[int, int | None]]:
        by_hash = {hash(key): key for key in keys}
        hashes = list(by_hash)
        found: dict[str, tuple[int, int | None]] = {}
        for start in range(0, len(hashes), 900):
            part = hashes[start : start + 900]
            marks = ", ".join("?" * len(part))
            for key, pid, row in self.conn.execute(
                f"SELECT key, prospect_id, row FROM temp.sd_import_keys WHERE key IN ({marks})",
                part,
            ):
                found[by_hash[key]] = (pid, row)
        return found

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
        prepared: list[tuple[Record, dict[str, Any], list[str]]] = []
        for record in records:
            if record.problems:
                self.error(record, record.problems, labelled=True)
                continue
            values, problems = card_values(record.values, self.today)
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
            keys = duplicate_keys(
                values.get("phone"), values.get("email"), values["name"], values.get("company")
            )
            prepared.append((record, values, keys))
        found = self._lookup({k for _r, _v, keys in prepared for k in keys})
        mode = self.options.on_duplicate
        for record, values, keys in prepared:
            self.result.records += 1
            hit = None
            for key in keys:
                if key in found:
                    hit = key
                    break
            if hit is not None:
                pid, row = found[hit]
                action = {"skip": "skipped", "update": "updated", "new": "created anyway"}[mode]
                self._report_duplicate(record, values, hit, pid, row, action)
                if mode == "skip":
                    self.result.skipped += 1
                    continue
                if mode == "update":
                    self.flush()
                    if self.update(pid, values):
                        self.result.updated += 1
                    else:
                        self.result.unchanged += 1
                    continue
            pid = self.next_id
            self.next_id += 1
            self.create(pid, record, values)
            for key in keys:
                if key not in found:
                    found[key] = (pid, record.row)
                    self.pending_keys.append((hash(key), pid, record.row))
        self.flush()
        self.flush_activities()

    def _report_duplicate(
        self,
        record: Record,
        values: dict[str, Any],
        key: str,
        pid: int,
        row: int | None,
        action: str,
    ) -> None:
        result = self.result
        result.duplicate_count += 1
        if len(result.duplicates) >= MAX_LISTED:
            return
        existing = ""
        if row is None:
            found = self.conn.execute("SELECT name FROM prospect WHERE id = ?", (pid,)).fetchone()
            existing = found[0] if found else ""
        result.duplicates.append(
            DuplicateRow(
                record.row,
                values["name"],
                KEY_REASONS[key[0]],
                pid if row is None else None,
                row,
                existing,
                action,
            )
        )

    def create(self, pid: int, record: Record, values: dict[str, Any]) -> None:
        row = self.template.copy()
        row[0] = pid
        index = self.index
        for name, value in values.items():
            if name in index:
                row[index[name]] = value if type(value) is str else sql_value(value)
        status = values.get("status", "live")
        if status != "live" and "closed_at" not in values and "closed_at" in index:
            row[index["closed_at"]] = sql_timestamp(self.now)
        if status == Status.CUSTOMER and "stage" not in values:
            row[index["stage"]] = Stage.CUSTOMER.value  # a customer is at the customer stage
        if "graded_at" in values and "created_at" not in values:
            row[index["created_at"]] = row[index["graded_at"]]
        self.pending.append(row)
        self.result.created += 1
        if len(self.result.new_rows) < MAX_NEW_LISTED:
            self.result.new_rows.append(
                NewRow(
                    record.row,
                    values["name"],
                    values.get("company", ""),
                    values.get("phone", ""),
                    values.get("email", ""),
                )
            )

    def flush(self) -> None:
        if self.pending and not self.dry:
            self.conn.executemany(self.insert_sql, self.pending)
        if self.pending_keys:
            self.conn.executemany(
                "INSERT OR IGNORE INTO temp.sd_import_keys VALUES (?, ?, ?)", self.pending_keys
            )
        self.pending.clear()
        self.pending_keys.clear()

    def flush_activities(self) -> None:
        """Once a chunk: they are on cards that existed before, so nothing waits for them."""
        if self.activities:
            self.conn.executemany(
                "INSERT INTO activity (id, prospect_id, kind, at, note, outcome, from_grade, "
                "to_grade) VALUES (?, ?, ?, ?, ?, '', ?, ?)",
                self.activities,
            )
            self.activities.clear()

    def update(self, pid: int, values: dict[str, Any]) -> bool:
        """File values win over the card's (notes are appended); the first before-image is kept
        so undo and undo-import can put the card back.

        A new grade or status has the side effects of ``store.regrade`` / ``store.set_status``
        (graded and reviewed now; closed now or reopened; a win sets the customer stage and
        clears the next step) unless the file gives those columns itself, and is logged on
        the timeline of a card that existed before the import. Returns False when the card
        already holds every value (nothing is written or logged)."""
        conn = self.conn
        changes = {k: sql_value(v) for k, v in values.items() if k in self.index and k != "kind"}
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
        if not changes:
            return False
        if self.dry:
            return True
        if pid < self.first_id:
            self._keep_before(pid, list(changes))
            after = (new_grade, new_status, changes.get("stage", stage))
            self._log_changes(pid, (grade, status, stage), after, values.get("value"))
        sets = ", ".join(f"{c} = ?" for c in changes)
        conn.execute(f"UPDATE prospect SET {sets} WHERE id = ?", (*changes.values(), pid))
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
        entries: list[tuple[str, str, str | None, str | None]] = []
        # Notes start "old → new" (a win: "live → customer (12,000)"): the weekly review
        # and the visit plan read them.
        if new_stage != old_stage:
            note = f"{old_stage} → {new_stage} · {self.note}"
            entries.append((ActivityKind.STAGE.value, note, None, None))
        if new_grade != old_grade:
            entries.append((ActivityKind.GRADE.value, self.note, old_grade, new_grade))
        if new_status != old_status:
            note = f"{old_status} → {new_status}"
            if new_status == Status.CUSTOMER and value is not None:
                note += f" ({value:,.0f})"
            entries.append((ActivityKind.STATUS.value, f"{note} · {self.note}", None, None))
        at = sql_timestamp(self.now)
        for kind, note, from_grade, to_grade in entries:
            self.activities.append((self.next_activity, pid, kind, at, note, from_grade, to_grade))
            self.next_activity += 1

    def _keep_before(self, pid: int, columns: list[str]) -> None:
        conn = self.conn
        known = conn.execute(
            "SELECT fields FROM temp.sd_import_before WHERE id = ?", (pid,)
        ).fetchone()
        if known is None:
            conn.execute(
                f"INSERT INTO temp.sd_import_before SELECT id, {self.json_sql}, ? "
                "FROM prospect WHERE id = ?",
                (json.dumps(columns), pid),
            )
        else:
            merged = list(dict.fromkeys([*json.loads(known[0]), *columns]))
            conn.execute(
                "UPDATE temp.sd_import_before SET fields = ? WHERE id = ?",
                (json.dumps(merged), pid),
            )

    # ---------------------------------------------------------------- the end
    def finish(self) -> None:
        result, conn = self.result, self.conn
        if not (result.created or result.updated):
            return
        self.flush_activities()
        conn.execute(
            "INSERT INTO importbatch (id, at, source, created, updated) VALUES (?, ?, ?, ?, ?)",
            (
                self.batch,
                sql_timestamp(self.now),
                str(self.source.path),
                result.created,
                result.updated,
            ),
        )
        label = f"import {self.source.path.name} (batch {self.batch})"
        # The timeline entries the import added: undo deletes them (null: added).
        activities = ""
        if self.next_activity > self.first_activity:
            activities = f""", 'activity', json((
                    SELECT json_group_object(id, NULL) FROM activity
                    WHERE id >= {self.first_activity:d}))"""
        conn.execute(
            f"""INSERT INTO journal (at, label, data)
            SELECT ?, ?, json_object(
                'rows', json_object('prospect', json((
                    SELECT coalesce(json_group_object(id, json(b)), '{{}}') FROM (
                        SELECT id, 'null' AS b FROM prospect WHERE import_batch = ?
                        UNION ALL SELECT id, before FROM temp.sd_import_before))){activities}),
                'import_batch', ?,
                'import_fields', json((
                    SELECT coalesce(json_group_object(id, json(fields)), '{{}}')
                    FROM temp.sd_import_before)))""",
            (sql_timestamp(self.now), label, self.batch, self.batch),
        )
        result.batch = self.batch


def _batch_id(conn: sqlite3.Connection, now: datetime) -> str:
    base = now.strftime("%Y%m%d-%H%M%S")
    candidate, n = base, 1
    while conn.execute("SELECT 1 FROM importbatch WHERE id = ?", (candidate,)).fetchone():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _chunks(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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
    db_path = db.path if isinstance(db, Database) else Path(db)
    source = open_source(path, options)
    conn = open_connection(db_path, shared=True)  # (the import screen runs in a worker)
    try:
        conn.execute("BEGIN" if options.dry_run else "BEGIN IMMEDIATE")
        try:
            run = _Run(conn, source, now, options, _batch_id(conn, now))
            run.load_keys()
            for chunk in _chunks(source.records(), CHUNK):
                if cancelled is not None and cancelled():
                    raise ImportCancelled("import cancelled: nothing was imported")
                run.chunk(chunk)
                if progress is not None:
                    progress(source.position(), source.size)
            result = run.result
            if result.records == 0 and result.error_rows == 0:
                raise InputError(f"{source.path.name} has no {source.unit}s to import")
            if options.dry_run or result.blocked:
                conn.execute("ROLLBACK")
                return result
            run.finish()
            conn.execute("COMMIT")
            result.committed = True
            return result
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise InputError(
                "the database is busy: another program is writing to it; try again in a moment"
            ) from None
        raise
    finally:
        conn.close()
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
