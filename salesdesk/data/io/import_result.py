"""What an import is asked to do (:class:`ImportOptions`) and what it reports
(:class:`ImportResult`: counts, and the rows with errors, duplicates and new cards), shared
by the importer, the CLI and the import screen. Plain values only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from salesdesk.errors import SalesDeskError

DUPLICATE_MODES = ("skip", "update", "new")
#: How many errors and duplicates a result keeps to show (the counts are always complete).
MAX_LISTED = 1_000
MAX_NEW_LISTED = 20
DEFAULT_SOURCE = "import"


class ImportCancelled(SalesDeskError):
    """The user stopped the import: nothing was written."""

    exit_code = 1


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    on_duplicate: str = "skip"
    skip_errors: bool = False
    keep_extra: bool = False
    mapping: Mapping[str, str] = field(default_factory=dict)
    source: str = DEFAULT_SOURCE
    fmt: str | None = None  # csv | vcf | None: from the file name and content
    encoding: str | None = None  # None: detected
    locale: str = "auto"  # how amounts are written: auto | en (1,234.56) | eu (1.234,56)
    region: str = "CN"  # the country of phone numbers written without +


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class DuplicateRow:
    row: int
    name: str
    reason: str  # same email / same phone and a similar name / same name and company ...
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
    possible_count: int = 0  # possible duplicates: imported, listed for a look
    errors: list[RowError] = field(default_factory=list)
    duplicates: list[DuplicateRow] = field(default_factory=list)
    possible: list[DuplicateRow] = field(default_factory=list)
    #: What the file held that was left out or read with a guess, with the way to change it
    hints: list[str] = field(default_factory=list)
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
        if self.possible_count:
            parts.append(
                f"{self.possible_count:,} possible duplicate"
                f"{'s' if self.possible_count != 1 else ''} {'to import' if would else 'imported'}"
                " (listed)"
            )
        if self.past_steps:
            parts.append(f"{self.past_steps:,} with a next step already past (kept: overdue)")
        return ", ".join(parts)
