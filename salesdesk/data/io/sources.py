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
            return VcardSource(path, options.keep_extra, options.encoding)
        return CsvSource(path, options.mapping, options.keep_extra, options.encoding)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
