"""The rows of the cards an import creates, and the INSERT that writes them.

Every row starts as a copy of one template (a new card's values,
:func:`~salesdesk.data.card_changes.new_card_values`) and the file fills in what it has.
A chunk is written with ``executemany`` binding only the columns some row of it set; the
others (most of the prospect table's 60-odd columns: flags, empty texts, the template's
timestamps) are SQL literals in the statement, the same values, without binding each of
them 100,000 times (a third of the insert's cost). On SQLite each statement inserts
:data:`PER_STATEMENT` rows (``VALUES (...), (...)``): what SQLite does once a statement
(the AUTOINCREMENT counter read and written back, the statement's start and end) is then
done a fiftieth as often. PostgreSQL binds every column, one row a statement, as its
driver converts the values to its types.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable, Mapping
from itertools import chain
from operator import itemgetter
from typing import Any

from salesdesk.data.sql import UUID_DEFAULT, sql_value

#: Columns the importer works out per card (beside the file's): always bound.
COMPUTED = frozenset(
    ("uuid", "pinyin_key", "first_contact_due", "closed_at", "stage", "created_at", "next_kind")
)


#: Rows an INSERT writes at most, and the values it binds at most (SQLite's oldest limit).
PER_STATEMENT = 50
MAX_BOUND = 999
#: What picks a row's bound values out of it.
_Pick = Callable[[list[Any]], tuple[Any, ...]]


def _literal(value: Any) -> str | None:
    """``value`` as an SQL literal that stores exactly what binding it would, or None."""
    if value is None:
        return "NULL"
    if type(value) is int:
        return str(value)
    if type(value) is float and math.isfinite(value):
        return repr(value)
    if type(value) is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


class CardRows:
    """The new cards of one import waiting to be written (a chunk at a time)."""

    def __init__(
        self, conn: sqlite3.Connection, columns: list[str], defaults: Mapping[str, Any]
    ) -> None:
        self.conn = conn
        self.columns = columns
        # Row lists start with the id: index i of a column is its place in the row.
        self.index = {c: i + 1 for i, c in enumerate(columns)}
        self.template = [None, *(defaults.get(c) for c in columns)]
        self.pending: list[list[Any]] = []
        self.named: set[str] = set()  # the fields some pending row has from its file
        self.postgres = bool(getattr(conn, "is_postgres", False))
        self._fixed = {
            c: text for c, value in zip(columns, self.template[1:], strict=True)
            if c not in COMPUTED and (text := _literal(value)) is not None
        }
        self._statements: dict[frozenset[str], tuple[str, str, int, _Pick]] = {}

    def new(self, pid: int, values: Mapping[str, Any]) -> list[Any]:
        """A new card's row, filled from ``values`` (queue it with :meth:`add`)."""
        row = self.template.copy()
        row[0] = pid
        place = self.index.get
        for name, value in values.items():
            at = place(name)
            if at is not None:
                row[at] = value if type(value) is str else sql_value(value)
        self.named.update(values)
        return row

    def add(self, row: list[Any]) -> None:
        self.pending.append(row)

    def _statement(self, bound: frozenset[str]) -> tuple[str, str, int, _Pick]:
        """The INSERT of one row binding the id and ``bound`` (the rest as literals), the
        INSERT of several such rows, how many, and what picks the bound values out of a
        row."""
        found = self._statements.get(bound)
        if found is None:
            places, marks = [0], ["?"]
            for place, column in enumerate(self.columns, 1):
                if column in bound or column not in self._fixed:
                    places.append(place)
                    marks.append(f"coalesce(?, {UUID_DEFAULT})" if column == "uuid" else "?")
                else:
                    marks.append(self._fixed[column])
            head = f"INSERT INTO prospect ({', '.join(('id', *self.columns))}) VALUES "
            one = f"({', '.join(marks)})"
            per = max(1, min(PER_STATEMENT, MAX_BOUND // len(places)))
            pick: _Pick = itemgetter(*places) if len(places) > 1 else lambda row: (row[0],)
            found = self._statements[bound] = (head + one, head + ", ".join([one] * per), per,
                                               pick)
        return found

    def flush(self, write: bool = True) -> None:
        """Write the rows waiting (unless ``write`` is false: a dry run)."""
        pending = self.pending
        if pending and write:
            bound = frozenset(self.columns if self.postgres else self.named & self.index.keys())
            one, many, per, pick = self._statement(bound)
            whole = 0 if self.postgres else len(pending) // per * per
            if whole:
                flat = chain.from_iterable
                self.conn.executemany(many, (
                    list(flat(map(pick, pending[start : start + per])))
                    for start in range(0, whole, per)
                ))
            if whole < len(pending):
                self.conn.executemany(one, map(pick, pending[whole:]))
        pending.clear()
        self.named.clear()
