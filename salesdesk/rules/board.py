"""Which board column a card belongs in. Pure: the live view has a column per grade, the
closed view one for customers, one for parked cards and one for dropped and lost."""

from __future__ import annotations

from salesdesk.enums import Status

LIVE_KEYS = ("A", "B", "C")
CLOSED_KEYS = ("customer", "parked", "closed")


def board_column(grade: str, status: str) -> str:
    """A live card's grade, else ``customer``, ``parked`` or ``closed`` (dropped, lost)."""
    if status == Status.LIVE:
        return str(grade)
    if status in (Status.DROPPED, Status.LOST):
        return "closed"
    return str(status)
