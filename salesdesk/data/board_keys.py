"""The board's order kept in SQL: one ``board_key`` row per card with its column, its
urgency score and the flags the header counts, so the board reads only what it shows.

The score is the pure rule's (:func:`salesdesk.rules.grading.score`), computed in Python;
SQLite's triggers only mark a card's key stale when the card or one of its complaints
changes (whoever writes: this program, a ``salesdesk`` command, the sqlite3 shell). A key
also goes stale by the clock: at the next midnight (the date-driven parts), or when a new
lead's first-contact clock runs out, whichever comes first (``until``); and when it was
computed for a later moment than the one asked about (``since``: a clock set back).
:func:`refresh` recomputes the stale keys, a handful after a keystroke, every card once a
day. The table is derived data, local to an SQLite file: never synced, exported or undone
(a PostgreSQL server orders its cards in Python, :mod:`salesdesk.data.board_view`).

All of the SQLite-specific SQL of the board's order (the table, its triggers, the upsert)
is here.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time, timedelta
from typing import Any

from salesdesk.data.card_rows import CARD_COLUMNS, CARD_FROM, CardRow, Clocks, card_from_row, clocks
from salesdesk.data.db import Database
from salesdesk.enums import Status

#: The columns of the live board (a grade) and of the closed view (a status group).
LIVE_KEYS = ("A", "B", "C")
CLOSED_KEYS = ("customer", "parked", "closed")

DDL = (
    """CREATE TABLE board_key (
        prospect_id INTEGER NOT NULL PRIMARY KEY,
        col VARCHAR NOT NULL DEFAULT '',
        score FLOAT NOT NULL DEFAULT 0,
        verdict VARCHAR NOT NULL DEFAULT '',
        due INTEGER NOT NULL DEFAULT 0,
        overdue INTEGER NOT NULL DEFAULT 0,
        first_contact VARCHAR NOT NULL DEFAULT '',
        today INTEGER NOT NULL DEFAULT 0,
        since VARCHAR NOT NULL DEFAULT '',
        until VARCHAR NOT NULL DEFAULT ''
    )""",
    # The board's order within a column, and within a column of one MAN verdict.
    "CREATE INDEX ix_board_key_order ON board_key (col, score DESC, prospect_id)",
    "CREATE INDEX ix_board_key_verdict ON board_key (col, verdict, score DESC, prospect_id)",
    # The header's counts by column, read from the index alone.
    "CREATE INDEX ix_board_key_counts ON board_key (col, due, overdue, first_contact, today)",
    "CREATE INDEX ix_board_key_until ON board_key (until)",
    "CREATE INDEX ix_board_key_since ON board_key (since)",
    """CREATE TRIGGER board_key_card_added AFTER INSERT ON prospect BEGIN
        INSERT INTO board_key (prospect_id) VALUES (new.id)
        ON CONFLICT (prospect_id) DO UPDATE SET until = '', since = '';
    END""",
    """CREATE TRIGGER board_key_card_changed AFTER UPDATE ON prospect BEGIN
        INSERT INTO board_key (prospect_id) VALUES (new.id)
        ON CONFLICT (prospect_id) DO UPDATE SET until = '', since = '';
    END""",
    """CREATE TRIGGER board_key_card_removed AFTER DELETE ON prospect BEGIN
        DELETE FROM board_key WHERE prospect_id = old.id;
    END""",
    *(
        f"""CREATE TRIGGER board_key_{table}_{event.lower()} AFTER {event} ON {table} BEGIN
            UPDATE board_key SET until = '', since = '' WHERE prospect_id IN ({rows});
        END"""
        # Today's list counts a card's planned visits, and a win's thank-you (activities).
        for table in ("visit", "activity")
        for event, rows in (("INSERT", "new.prospect_id"), ("DELETE", "old.prospect_id"),
                            ("UPDATE", "new.prospect_id, old.prospect_id"))
    ),
    # The thank-you threshold moves today's list: every key is redone (other settings,
    # the board's legend say, leave the keys alone).
    *(
        f"""CREATE TRIGGER board_key_setting_{event.lower()} AFTER {event} ON setting
        WHEN {row}.key = 'thank_you_threshold' BEGIN
            UPDATE board_key SET until = '', since = '';
        END"""
        for event, row in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old"))
    ),
    """CREATE TRIGGER board_key_complaint_added AFTER INSERT ON complaint BEGIN
        UPDATE board_key SET until = '', since = '' WHERE prospect_id = new.prospect_id;
    END""",
    """CREATE TRIGGER board_key_complaint_changed AFTER UPDATE ON complaint BEGIN
        UPDATE board_key SET until = '', since = ''
        WHERE prospect_id IN (new.prospect_id, old.prospect_id);
    END""",
    """CREATE TRIGGER board_key_complaint_removed AFTER DELETE ON complaint BEGIN
        UPDATE board_key SET until = '', since = '' WHERE prospect_id = old.prospect_id;
    END""",
)


def install(conn: sqlite3.Connection) -> None:
    """Create the table, its indexes and triggers, with a stale key for every card (a new
    database, or the upgrade to schema 8)."""
    for statement in DDL:
        conn.execute(statement)
    conn.execute("INSERT INTO board_key (prospect_id) SELECT id FROM prospect")


def has_keys(conn: Any) -> bool:
    """Whether this database keeps the board's order in SQL (an SQLite file does; a
    PostgreSQL server does not)."""
    if getattr(conn, "is_postgres", False):
        return False
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'board_key'"
    ).fetchone()
    return found is not None


def stamp(moment: datetime) -> str:
    """A moment as the key table stores it (ISO text, so comparisons are by time)."""
    return moment.isoformat(sep=" ", timespec="microseconds")


def column_of(grade: str, status: str) -> str:
    """Which board column a card is in: its grade when live, else its status group."""
    if status == Status.LIVE:
        return grade
    if status in (Status.DROPPED, Status.LOST):
        return "closed"
    return status


def valid_until(now: datetime, first_contact: str, first_contact_due: datetime | None) -> str:
    """When a key computed at ``now`` may next change by the clock alone."""
    until = datetime.combine(now.date() + timedelta(days=1), time())
    if first_contact == "running" and first_contact_due is not None:
        until = min(until, first_contact_due + timedelta(microseconds=1))
    return stamp(until)


#: The ids of the cards whose keys are stale at ``:now``.
STALE_IDS = (
    "(SELECT prospect_id FROM board_key WHERE until <= :now "
    "UNION SELECT prospect_id FROM board_key WHERE since > :now)"
)
STALE_WHERE = f"prospect.id IN {STALE_IDS}"

UPDATE_SQL = (
    "UPDATE board_key SET col = ?, score = ?, verdict = ?, due = ?, overdue = ?, "
    "first_contact = ?, today = ?, since = ?, until = ? WHERE prospect_id = ?"
)


def _key_values(card: CardRow, clock: Clocks, today_items: int) -> tuple[Any, ...]:
    return (
        column_of(card.grade.value, card.status),
        card.urgency.score,
        str(card.verdict),
        int(card.review_due),
        int(card.overdue),
        card.first_contact,
        today_items,
        stamp(clock.now),
        valid_until(clock.now, card.first_contact, card.first_contact_due),
        card.id,
    )


def refresh(db: Database, now: date | datetime) -> int:
    """Recompute the keys that are stale at ``now`` (how many there were). A quick read
    first: most calls find none and take no write lock."""
    clock = clocks(db, now)
    moment = {"now": stamp(clock.now)}
    with db.connect() as conn:
        if conn.execute(f"SELECT 1 FROM prospect WHERE {STALE_WHERE} LIMIT 1", moment
                        ).fetchone() is None:
            return 0
    from salesdesk.data.today import item_counts
    from salesdesk.data.visits.plan import plan_settings

    settings = plan_settings(db)
    with db.begin() as conn:
        rows = conn.execute(
            f"SELECT {CARD_COLUMNS} FROM {CARD_FROM} WHERE {STALE_WHERE}", moment
        ).fetchall()
        items = item_counts(conn, clock.now.date(), settings, clock.answer_hours, STALE_IDS,
                            moment)
        conn.executemany(UPDATE_SQL, [
            _key_values(card, clock, items.get(card.id, 0))
            for card in (card_from_row(r, clock) for r in rows)
        ])
    return len(rows)


def today_count(db: Database, now: date | datetime) -> int:
    """How many items today's list holds (the keys refreshed first): a sum over the
    index, equal to ``len(today_list(db, now))``."""
    refresh(db, now)
    return summed_today(db)


def summed_today(db: Database) -> int:
    """The items on today's list, from keys already refreshed."""
    with db.connect() as conn:
        return int(conn.execute("SELECT total(today) FROM board_key").fetchone()[0])
