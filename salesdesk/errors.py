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


def busy_message(exc: BaseException) -> str | None:
    """One line for a locked or busy database (another program is writing), else None."""
    import sqlite3

    inner = getattr(exc, "orig", None) or exc
    if isinstance(inner, sqlite3.OperationalError) and (
        "locked" in str(inner) or "busy" in str(inner)
    ):
        return "the database is busy: another program is writing to it; try again in a moment"
    return None
