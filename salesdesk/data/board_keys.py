"""Keeping the board's keys (``board_key``) right: a card's column, urgency rank, header
flags and MAN verdict, computed by the same code that builds a board card
(:func:`salesdesk.data.cards.card_from_row`, i.e. the pure urgency rule), so whatever
the rule comes to weigh, the stored order follows it.

A key is valid for one ``day``. A trigger clears it when its card's row is written (see
:mod:`salesdesk.data.dialect`); :func:`ensure_keys`, called before every board read,
recomputes the cleared ones and, on the first read of a day, every key (the date-driven
parts: overdue days, windows, staleness)."""

from __future__ import annotations

import sqlite3
from datetime import date
from sqlite3 import Connection

from salesdesk.data import dialect
from salesdesk.data.cards import CARD_COLUMNS, CARD_WIDTH, CardRow, card_from_row
from salesdesk.data.db import Database, busy_message
from salesdesk.rules.board import board_column

FLAG_DUE = 1  # due for a look, or past its window
FLAG_OVERDUE = 2  # the next step's date has passed
_CHUNK = 5000

_STALE = "day IS NULL OR day < ? OR day > ?"


def key_of(card: CardRow) -> tuple[str, float, int, str]:
    """(column, rank, flags, verdict) of a card: rank is minus the urgency score, so the
    ascending (rank, id) order is the board's (highest score first, then the oldest)."""
    flags = (FLAG_DUE if card.review_due else 0) | (FLAG_OVERDUE if card.overdue else 0)
    return (board_column(card.grade.value, card.status), -card.urgency.score, flags,
            card.verdict.value)


def ensure_keys(db: Database, today: date) -> int:
    """Recompute every key not computed for ``today``; returns how many were, or -1 when
    another program holds the write lock (the keys stay stale: a reader then orders the
    cards itself, as :func:`salesdesk.data.cards.list_cards` does)."""
    with db.connect() as conn:
        day = today.isoformat()
        stale = conn.execute(
            f"SELECT 1 FROM board_key WHERE {_STALE} LIMIT 1", (day, day)
        ).fetchone()
    if stale is None:
        return 0
    with db.connect() as conn:
        conn.execute(dialect.RELAXED_SYNC)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                done = refresh_keys(conn, today)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        except sqlite3.OperationalError as exc:
            if busy_message(exc) is None:
                raise
            return -1
        finally:
            conn.execute(dialect.FULL_SYNC)
    return done


def refresh_keys(conn: Connection, today: date) -> int:
    """Inside a write transaction: recompute the stale keys, in chunks (a recomputed key
    is no longer stale, so each chunk reads the next ones)."""
    day = today.isoformat()
    done = 0
    width = CARD_WIDTH
    while True:
        rows = conn.execute(
            f"SELECT {CARD_COLUMNS}, k.col, k.rank, k.flags, k.verdict FROM board_key k "
            f"JOIN prospect ON prospect.id = k.prospect_id "
            f"WHERE {_STALE.replace('day', 'k.day')} LIMIT ?",
            (day, day, _CHUNK),
        ).fetchall()
        changed, same = [], []
        for row in rows:
            key = key_of(card_from_row(row[:width], today))
            if key == row[width:]:
                same.append((day, row[0]))  # only the day: no index or count moves
            else:
                changed.append((*key, day, row[0]))
        conn.executemany("UPDATE board_key SET col = ?, rank = ?, flags = ?, verdict = ?, "
                         "day = ? WHERE prospect_id = ?", changed)
        conn.executemany("UPDATE board_key SET day = ? WHERE prospect_id = ?", same)
        done += len(rows)
        if len(rows) < _CHUNK:
            return done
