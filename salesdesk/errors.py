"""Errors a user can cause: each carries one clear line and an exit code."""

from __future__ import annotations


class SalesDeskError(Exception):
    """A problem the user can fix; shown as one line, never as a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(SalesDeskError):
    """A value the user typed is not valid (bad date, grade, amount...)."""

    exit_code = 2


class NotFound(SalesDeskError):
    """An id that does not exist."""

    exit_code = 1


class DatabaseError(SalesDeskError):
    """The database file cannot be used: not SQLite, too new, unwritable."""

    exit_code = 2


class DiskFull(DatabaseError):
    """No room on the disk for the write (or for SQLite's ``-shm``/``-wal`` files)."""


class DamagedDatabase(DatabaseError):
    """The file is SQLite but a page is damaged: writes are refused, reads go on."""


class StaleEdit(InputError):
    """A field was changed by another program since the screen read it: the save is
    refused so that change is not overwritten unseen. ``current`` is what is stored now."""

    def __init__(self, message: str, field: str, current: object) -> None:
        super().__init__(message)
        self.field = field
        self.current = current
