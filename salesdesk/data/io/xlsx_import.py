"""An Excel workbook (.xlsx) read directly with openpyxl (imported only here, when a
workbook is imported): its first sheet with data, row by row in read-only mode, through
the same header finding, mapping and checks as a CSV file."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from salesdesk.data.io.csv_import import CsvSource
from salesdesk.errors import InputError


def _cell(value: Any) -> str:
    """A cell's value as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # (a phone number Excel holds as a number)
    return str(value)


class XlsxSource(CsvSource):
    """An open .xlsx workbook: the rows of its first sheet that has any."""

    kind = "xlsx"

    def __init__(
        self, path: Path, overrides: Mapping[str, str] | None = None, keep_extra: bool = False
    ) -> None:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        self.path = path
        self.size = path.stat().st_size
        self.keep_extra = keep_extra
        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
            raise InputError(f"{path.name} is not a readable Excel workbook ({exc})") from None
        sheets = [s for s in self._book.worksheets if s.max_row and s.max_row > 0]
        if not sheets:
            self._book.close()
            raise InputError(f"{path.name} has no sheet with data: nothing to import")
        self.sheet = sheets[0]
        self._iter = self._rows()
        self._done = 0
        self._start(overrides)

    def _rows(self) -> Iterator[list[str]]:
        for values in self.sheet.iter_rows(values_only=True):
            self._done += 1
            yield [_cell(v) for v in values]

    def _next(self) -> list[str] | None:
        return next(self._iter, None)

    def describe(self) -> str:
        return f"Excel workbook, sheet {self.sheet.title!r}"

    def position(self) -> int:
        total = max(1, self.sheet.max_row or 1)
        return self.size * min(self._done, total) // total

    def close(self) -> None:
        self._book.close()
