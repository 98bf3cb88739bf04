"""A file opened for import: the :class:`Source` every reader offers (CSV, vCard) and
:func:`open_source`, which picks the reader from the name and the first bytes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from salesdesk.config import expand_path
from salesdesk.data.io.csv_import import Record
from salesdesk.data.io.import_result import ImportOptions
from salesdesk.errors import InputError


class Source(Protocol):
    """A file read as a stream of records, with what the preview shows about it."""

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


FORMATS = ("csv", "vcf", "xlsx", "json")


def _sniff(path: Path, head: bytes) -> str:
    """The reader a file needs, from its name and first bytes; InputError for the files
    people try that are not contact lists (a calendar, an old .xls, a PDF...)."""
    suffix = path.suffix.lower()
    upper = head.upper().replace(b"\x00", b"")
    if b"BEGIN:VCALENDAR" in upper[:1024] or suffix in (".ics", ".ical"):
        raise InputError(
            f"{path.name} is a calendar (.ics), not a contact list: SalesDesk imports "
            "contacts (CSV, Excel .xlsx, vCard .vcf, its own JSON export); it writes "
            "calendars (salesdesk plan --ics, salesdesk export --format vdir)"
        )
    if head.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
        raise InputError(
            f"{path.name} is an old Excel 97-2003 workbook (.xls): save it as .xlsx or CSV "
            "in Excel, then import that"
        )
    if head.startswith(b"%PDF"):
        raise InputError(f"{path.name} is a PDF, not a contact list: export CSV instead")
    if head.startswith(b"PK\x03\x04"):
        if suffix in (".xlsx", ".xlsm") or b"xl/" in head:
            return "xlsx"
        raise InputError(f"{path.name} is a zip archive: unzip it and import the file inside")
    if suffix in (".vcf", ".vcard") or b"BEGIN:VCARD" in upper:
        return "vcf"
    if suffix == ".json" or head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"[":
        return "json"
    return "csv"


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
    if fmt not in (None, *FORMATS):
        raise InputError(f"invalid format {options.fmt!r}: use csv, vcf, xlsx or json")
    if fmt is None:
        fmt = _sniff(path, head)
    try:
        if fmt == "vcf":
            if options.mapping:
                raise InputError("--map applies to CSV files; a vCard's fields are fixed")
            return VcardSource(path, options.keep_extra, options.encoding)
        if fmt == "json":
            from salesdesk.data.io.json_import import JsonSource

            return JsonSource(path)
        if fmt == "xlsx":
            from salesdesk.data.io.xlsx_import import XlsxSource

            return XlsxSource(path, options.mapping, options.keep_extra)
        return CsvSource(path, options.mapping, options.keep_extra, options.encoding)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
