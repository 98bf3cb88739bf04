"""Reading a CSV file as a stream of records: encoding, delimiter, header, rows.

The file is never loaded whole: one pass checks the encoding in 1 MB pieces, then rows are
read one by one, so memory stays flat however long the file is.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from salesdesk.data.io.encoding import detect_encoding
from salesdesk.data.io.mapping import EXTRA, ColumnMap, map_columns
from salesdesk.data.io.values import unneutralise
from salesdesk.errors import InputError

SAMPLE = 64 * 1024
#: A single cell larger than this is a broken file (an unclosed quote swallowing the rest).
MAX_CELL = 1 << 20
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(slots=True)
class Record:
    """One data row: its number as a spreadsheet shows it (the header is row 1)."""

    row: int
    values: dict[str, str]
    extra: list[tuple[str, str]]
    problems: list[tuple[str, str]]  # (column, reason) found while reading
    #: every phone and email of the record: (phone | email, type, value as written)
    points: list[tuple[str, str, str]] = field(default_factory=list)
    #: what was left out of it, said in the result (a vCard property that is not readable)
    warnings: list[str] = field(default_factory=list)
    #: a SalesDesk JSON export's card: its activities and visits
    history: dict[str, Any] | None = None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_sample(path: Path, encoding: str) -> str:
    """The first 64 KB as text; InputError if it looks like a binary file."""
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        sample = handle.read(SAMPLE)
    # A binary file (without NUL bytes, which were caught already) is full of control
    # characters; a small text export may carry a few (escape codes, FileMaker's \x0b).
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 10):
        raise InputError(f"{path.name} is a binary file, not CSV or vCard text")
    return sample


def sniff_delimiter(sample: str) -> str:
    """Comma, semicolon or tab: the one giving the most columns, consistently, in the sample."""
    best, best_score = ",", (0.0, 0)
    complete = sample if len(sample) < SAMPLE else sample[: sample.rfind("\n") + 1]
    for delimiter in DELIMITERS:
        try:
            reader = csv.reader(io.StringIO(complete), delimiter=delimiter)
            rows = list(itertools.islice(reader, 50))
        except csv.Error:
            continue
        rows = [r for r in rows if any(cell.strip() for cell in r)]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        same = sum(1 for r in rows if len(r) == width) / len(rows)
        score = (same, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


#: How many rows the header is looked for in, and how many rows the columns are checked on.
HEADER_SEARCH = 30
SAMPLE_ROWS = 200
_NOT_HEADER = re.compile(r"[@\d]")


def _header_cells(cells: Sequence[str]) -> tuple[str, ...]:
    return tuple(
        " ".join(cell.replace("\ufeff", "").split()) or f"Column {index}"
        for index, cell in enumerate(cells, start=1)
    )


def _looks_like_header(cells: Sequence[str]) -> bool:
    """Cheap test before mapping: several short cells, no digits or @ (data has them)."""
    filled = [c for c in cells if c.strip()]
    return len(filled) >= 3 and all(len(c) < 40 and not _NOT_HEADER.search(c) for c in filled)


class CsvSource:
    """An open CSV file: its encoding, delimiter and header, and its rows as records."""

    kind = "csv"
    unit = "row"

    def __init__(
        self,
        path: Path,
        overrides: Mapping[str, str] | None = None,
        keep_extra: bool = False,
        encoding: str | None = None,
    ) -> None:
        self.path = path
        self.size = path.stat().st_size
        self.detected = detect_encoding(path, encoding)
        self.encoding = self.detected.encoding
        self.delimiter = sniff_delimiter(read_sample(path, self.encoding))
        self.keep_extra = keep_extra
        self._raw: BinaryIO = path.open("rb")
        self._text = io.TextIOWrapper(self._raw, encoding=self.encoding, newline="")
        if csv.field_size_limit() < MAX_CELL:
            csv.field_size_limit(MAX_CELL)
        self._reader = csv.reader(self._text, delimiter=self.delimiter)
        self._start(overrides)

    def _start(self, overrides: Mapping[str, str] | None) -> None:
        """Find the header row, map the columns and check them against a sample of rows."""
        self.hints: list[str] = []
        self._pending: list[list[str]] = []
        self._overrides = dict(overrides or {})
        try:
            self.headers, self.columns, self._header_row = self._find_header()
            self._check_sample()
        except BaseException:
            self.close()
            raise
        if not self.columns.has_name():
            shown = ", ".join(self.headers[:8]) + (" ..." if len(self.headers) > 8 else "")
            self.close()
            raise InputError(
                f"{self.path.name}: no column for the name in the first row ({shown}); the first "
                "row must name the columns, or map one with --map COLUMN=name"
            )

    def label(self, name: str) -> str:
        return self.columns.label(name)

    def pairs(self) -> list[tuple[str, str]]:
        return self.columns.pairs()

    @property
    def unmapped(self) -> list[str]:
        return self.columns.unmapped_names

    def describe(self) -> str:
        return (
            f"CSV, {self.detected.describe()}, "
            f"{DELIMITER_NAMES[self.delimiter]}-separated"
        )

    def position(self) -> int:
        """Bytes read so far (for the progress bar)."""
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return 0

    def _next(self) -> list[str] | None:
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise self._unreadable(exc) from None

    def _unreadable(self, exc: csv.Error) -> InputError:
        row = self._reader.line_num
        if "field larger" in str(exc):
            return InputError(
                f"{self.path.name}, line {row}: a cell is larger than {MAX_CELL >> 20} MB "
                "(an unclosed quote?)"
            )
        return InputError(f"{self.path.name}, line {row}: not readable as CSV ({exc})")

    def _rows(self) -> Iterator[list[str]]:
        """The rows after the header: the ones read ahead first, then the file's."""
        while self._pending:
            yield self._pending.pop(0)
        try:
            yield from self._reader
        except csv.Error as exc:
            raise self._unreadable(exc) from None

    def _find_header(self) -> tuple[tuple[str, ...], ColumnMap, int]:
        """The header: the first of the first rows that names a name column (LinkedIn's
        Connections.csv starts with a "Notes:" paragraph); else the first non-empty row."""
        seen: list[list[str]] = []
        while len(seen) < HEADER_SEARCH and (cells := self._next()) is not None:
            seen.append(cells)
        first: int | None = None
        for index, cells in enumerate(seen):
            if not any(cell.strip() for cell in cells):
                continue
            first = index if first is None else first
            headers = _header_cells(cells)
            try:
                columns = map_columns(headers, self._overrides)
            except InputError:
                continue
            if columns.has_name() and len(columns.pairs()) >= min(2, len(headers)):
                self._pending = seen[index + 1 :]
                if index > first:
                    self.hints.append(
                        f"the header is row {index + 1}: the {index} line"
                        f"{'s' if index != 1 else ''} before it (notes, a title) were skipped"
                    )
                return headers, columns, index + 1
        if first is None:
            raise InputError(f"{self.path.name} is empty: nothing to import")
        self._pending = seen[first + 1 :]
        headers = _header_cells(seen[first])
        return headers, map_columns(headers, self._overrides), first + 1

    def _check_sample(self) -> None:
        """A grade column is taken only when its values are grades: a CRM's Rating ("Hot",
        "Active"), of which no value is a grade, is kept as extra data instead, with the way
        to choose."""
        from salesdesk.rules.grading import parse_grade

        while len(self._pending) < SAMPLE_ROWS and (cells := self._next()) is not None:
            self._pending.append(cells)
        for index in self.columns.sources.get("grade", ()):
            if index in self.columns.overridden:
                continue
            values = {c[index].strip() for c in self._pending
                      if index < len(c) and c[index].strip()}
            bad = []
            for value in sorted(values):
                try:
                    parse_grade(value.rstrip("级类等 "))
                except InputError:
                    bad.append(value)
            if bad and len(bad) == len(values):  # (a typo among grades is an error instead)
                header = self.headers[index]
                self._overrides[header] = EXTRA
                self.columns = map_columns(self.headers, self._overrides)
                shown = ", ".join(bad[:4]) + (" ..." if len(bad) > 4 else "")
                kept = "kept in the notes" if self.keep_extra else "--keep-extra keeps it"
                self.hints.append(
                    f"column {header!r} holds {shown}, not grades A/B/C: not taken as the "
                    f"grade ({kept}; --map {header}=ignore leaves it out, --map {header}=grade "
                    "takes it anyway)"
                )

    def records(self) -> Iterator[Record]:
        columns, keep_extra = self.columns, self.keep_extra
        width = len(self.headers)
        row = self._header_row
        header = list(self.headers)
        for cells in self._rows():
            row += 1
            joined = "".join(cells)
            if not joined.strip():  # (an empty row: every cell blank)
                continue
            if "'" in joined:
                cells = [unneutralise(cell) for cell in cells]
            if _NOT_HEADER.search(joined):  # (digits or an @: a data row, the common case)
                pass
            elif _header_cells(cells) == tuple(header):
                self.hints.append(f"row {row} repeats the header: skipped")
                continue
            elif _looks_like_header(cells):
                headers = _header_cells(cells)
                try:
                    found = map_columns(headers, self._overrides)
                except InputError:
                    found = None
                if found is not None and found.has_name():
                    self.hints.append(f"row {row} starts a second block with its own header: "
                                      "its rows are read by it")
                    columns, header, width = found, list(headers), len(headers)
                    self.headers, self.columns = headers, found
                    continue
            problems: list[tuple[str, str]] = []
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                problems.append(
                    (
                        f"Column {width + 1}",
                        f"{len(cells)} cells but the header has {width} "
                        "(a stray delimiter or quote?)",
                    )
                )
            values, extra, points = columns.split(cells, keep_extra)
            yield Record(row, values, extra, problems, points)

    def close(self) -> None:
        self._text.close()
