"""Reading a CSV file as a stream of records: encoding, delimiter, header, rows.

The file is never loaded whole: one pass checks the encoding in 1 MB pieces, then rows are
read one by one, so memory stays flat however long the file is.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from salesdesk.data.io.encoding import detect_encoding
from salesdesk.data.io.mapping import map_columns
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
        try:
            self.headers = self._read_header()
            self.columns = map_columns(self.headers, overrides)
        except BaseException:
            self.close()
            raise
        if not self.columns.has_name():
            shown = ", ".join(self.headers[:8]) + (" ..." if len(self.headers) > 8 else "")
            self.close()
            raise InputError(
                f"{path.name}: no column for the name in the first row ({shown}); the first "
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
            row = self._reader.line_num
            if "field larger" in str(exc):
                raise InputError(
                    f"{self.path.name}, line {row}: a cell is larger than {MAX_CELL >> 20} MB "
                    "(an unclosed quote?)"
                ) from None
            raise InputError(f"{self.path.name}, line {row}: not readable as CSV ({exc})") from None

    def _read_header(self) -> tuple[str, ...]:
        while True:
            cells = self._next()
            if cells is None:
                raise InputError(f"{self.path.name} is empty: nothing to import")
            if any(cell.strip() for cell in cells):
                break
        headers = []
        for index, cell in enumerate(cells, start=1):
            text = " ".join(cell.replace("\ufeff", "").split())
            headers.append(text or f"Column {index}")
        return tuple(headers)

    def records(self) -> Iterator[Record]:
        columns, keep_extra = self.columns, self.keep_extra
        width = len(self.headers)
        row = 1
        while (cells := self._next()) is not None:
            row += 1
            if not any(cell.strip() for cell in cells):
                continue
            if "'" in "".join(cells):
                cells = [unneutralise(cell) for cell in cells]
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
