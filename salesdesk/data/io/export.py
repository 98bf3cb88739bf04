"""Getting everything out: CSV (safe to open in a spreadsheet), JSON (with activities,
visits and complaints) and vCard. Streamed from one read transaction, so a big database exports in
constant memory and the copy is consistent even while the app is writing."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from salesdesk.config import expand_path
from salesdesk.data.db import Database, own_connection
from salesdesk.data.io.mapping import POINT_COLUMNS, TIMESTAMPS, point_cell
from salesdesk.data.io.values import neutralise
from salesdesk.errors import InputError
from salesdesk.files import write_error
from salesdesk.rules.fields import FIELD_BY_NAME, FIELDS

FORMATS = ("csv", "json", "vcf", "vcf4")
#: ``uuid`` is the card's stable identity (``id`` is this database's number for it).
CSV_COLUMNS: tuple[str, ...] = (
    "id", "uuid", *(spec.name for spec in FIELDS), *TIMESTAMPS, *POINT_COLUMNS
)
_POINT = ("kind", "label", "value")
_ACTIVITY = (
    "id", "uuid", "kind", "at", "note", "outcome", "from_grade", "to_grade", "from_status",
    "to_status", "amount", "from_stage", "to_stage", "visit_id", "updated_at",
)
_VISIT = (
    "id", "uuid", "day", "start", "minutes", "purpose", "status", "outcome", "uid",
    "created_at", "updated_at",
)


_COMPLAINT = (
    "id", "uuid", "received_at", "channel", "said", "expected", "answered_at", "cause_kind",
    "cause", "cause_at", "resolved_at", "resolution", "compensation", "followed_up_at",
    "lesson", "lesson_at", "answer", "follow_up_outcome", "updated_at",
)


def _stamp(value: str | None) -> str:
    """A stored timestamp, without empty microseconds."""
    return value.removesuffix(".000000") if value else ""


def _number(value: Any) -> str:
    amount = float(value or 0)
    return str(int(amount)) if amount.is_integer() else repr(amount)


def csv_cell(name: str, value: Any) -> str:
    """The text a CSV cell gets for a stored value (neutralised against formulas)."""
    spec = FIELD_BY_NAME.get(name)
    if value is None:
        text = ""
    elif spec is not None and spec.kind == "bool":
        text = "yes" if value else "no"
    elif spec is not None and spec.kind == "money":
        text = _number(value)
    elif name in TIMESTAMPS:
        text = _stamp(value)
    else:
        text = str(value)
    return neutralise(text)


def _json_value(name: str, value: Any) -> Any:
    spec = FIELD_BY_NAME.get(name)
    if spec is not None and spec.kind == "bool":
        return bool(value)
    if name in TIMESTAMPS or name == "at" or name.endswith("_at"):
        return _stamp(value).replace(" ", "T") or None
    return value


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {name: _json_value(name, value) for name, value in row.items()}


class _Reader:
    """One read transaction over the prospects (all, or the given ids) and their children."""

    def __init__(self, db: Database | Path, ids: Sequence[int] | None) -> None:
        self._stack = ExitStack()
        self.conn = self._stack.enter_context(own_connection(db, read_only=True))
        self.conn.execute("BEGIN DEFERRED")
        self.where = ""
        if ids is not None:
            self.conn.execute("CREATE TEMP TABLE sd_export_ids (id INTEGER PRIMARY KEY)")
            self.conn.executemany(
                "INSERT OR IGNORE INTO temp.sd_export_ids VALUES (?)", ((i,) for i in ids)
            )
            self.where = " WHERE {col} IN (SELECT id FROM temp.sd_export_ids)"

    def prospects(self) -> Iterator[dict[str, Any]]:
        cursor = self.conn.execute(
            "SELECT * FROM prospect" + self.where.format(col="id") + " ORDER BY id"
        )
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def children(self, table: str, columns: Sequence[str]) -> Iterator[tuple[int, dict]]:
        cursor = self.conn.execute(
            f"SELECT prospect_id, {', '.join(columns)} FROM {table}"
            + self.where.format(col="prospect_id")
            + " ORDER BY prospect_id, id"
        )
        for row in cursor:
            yield row[0], dict(zip(columns, row[1:], strict=True))

    def close(self) -> None:
        self._stack.close()


def _grouped(rows: Iterator[tuple[int, dict]]) -> Iterator[tuple[int, list[dict]]]:
    current = 0
    group: list[dict] = []
    for pid, row in rows:
        if pid != current and group:
            yield current, group
            group = []
        current = pid
        group.append(row)
    if group:
        yield current, group


class _Merge:
    """Children of prospects in id order, taken as the prospects stream by."""

    def __init__(self, rows: Iterator[tuple[int, dict]]) -> None:
        self.groups = _grouped(rows)
        self.head = next(self.groups, None)

    def take(self, pid: int) -> list[dict]:
        while self.head is not None and self.head[0] < pid:
            self.head = next(self.groups, None)
        if self.head is not None and self.head[0] == pid:
            found = self.head[1]
            self.head = next(self.groups, None)
            return found
        return []


def _with_points(row: dict[str, Any], points: list[dict]) -> dict[str, Any]:
    """The card's further phones and emails as its ``other_phones`` / ``other_emails``."""
    for column, kind in zip(POINT_COLUMNS, ("phone", "email"), strict=True):
        row[column] = point_cell([(p["label"], p["value"]) for p in points if p["kind"] == kind])
    return row


def write_csv(reader: _Reader, out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    points = _Merge(reader.children("contact_point", _POINT))
    count = 0
    for row in reader.prospects():
        row = _with_points(row, points.take(row["id"]))
        writer.writerow([csv_cell(name, row.get(name)) for name in CSV_COLUMNS])
        count += 1
    return count


def write_json(reader: _Reader, out: IO[str]) -> int:
    activities = _Merge(reader.children("activity", _ACTIVITY))
    visits = _Merge(reader.children("visit", _VISIT))
    points = _Merge(reader.children("contact_point", _POINT))
    complaints = _Merge(reader.children("complaint", _COMPLAINT))
    out.write("[")
    count = 0
    for row in reader.prospects():
        card_points = points.take(row["id"])
        item = {name: _json_value(name, row.get(name)) for name in CSV_COLUMNS
                if name not in POINT_COLUMNS}
        item["contact_points"] = card_points
        item["updated_at"] = _json_value("updated_at", row.get("updated_at"))
        item["import_batch"] = row.get("import_batch")
        item["activities"] = [_json_row(a) for a in activities.take(row["id"])]
        item["visits"] = [_json_row(v) for v in visits.take(row["id"])]
        item["complaints"] = [_json_row(c) for c in complaints.take(row["id"])]
        out.write(",\n " if count else "\n ")
        out.write(json.dumps(item, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_vcf(reader: _Reader, out: IO[str], version: str = "3.0") -> int:
    from salesdesk.data.io.vcard_out import card_to_vcard

    points = _Merge(reader.children("contact_point", _POINT))
    count = 0
    for row in reader.prospects():
        fields = {k: v for k, v in row.items() if k != "id"}
        out.write(card_to_vcard(fields, points.take(row["id"]), version))
        count += 1
    return count


def write_vcf4(reader: _Reader, out: IO[str]) -> int:
    return write_vcf(reader, out, "4.0")


_WRITERS = {"csv": write_csv, "json": write_json, "vcf": write_vcf, "vcf4": write_vcf4}


def export(
    db_path: Database | Path, fmt: str, out: IO[str], ids: Sequence[int] | None = None
) -> int:
    """Write the prospects (all, or ``ids``) to ``out``; returns how many."""
    fmt = fmt.lower()
    if fmt not in _WRITERS:
        raise InputError(f"invalid format {fmt!r}: use csv, json or vcf")
    reader = _Reader(db_path, ids)
    try:
        return _WRITERS[fmt](reader, out)
    finally:
        reader.close()


def export_to_file(
    db_path: Database | Path, fmt: str, target: Path, ids: Sequence[int] | None = None
) -> int:
    """Export to ``target`` (mode 0600) through a temporary name, so a failed export never
    leaves half a file. CSV files get a UTF-8 BOM so spreadsheets read Chinese correctly."""
    target = expand_path(target)
    if target.is_dir():
        raise InputError(f"{target} is a folder: give a file name")
    if not target.parent.is_dir():
        raise InputError(f"no folder {target.parent}")
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise write_error(target, exc) from None
    encoding = "utf-8-sig" if fmt.lower() == "csv" else "utf-8"
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            count = export(db_path, fmt, handle, ids)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise write_error(target, exc) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return count
