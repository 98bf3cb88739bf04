"""The board's order kept in SQL: one ``board_key`` row per card with its column, its
urgency score and the flags the header counts, so the board reads only what it shows.

The score is the pure rule's (:func:`salesdesk.rules.grading.score`), computed in Python;
SQLite's triggers only mark a card's key stale when the card or one of its complaints
changes (whoever writes: this program, a ``salesdesk`` command, the sqlite3 shell). A key
also goes stale by the clock (``until``): at the start of the first day a date-driven part
of it may change (:mod:`salesdesk.rules.key_days`: a step coming due, a window running
out, points still growing towards their cap...; most old cards: never), or when a new
lead's first-contact clock runs out, whichever comes first; and when it was computed for
a later moment than the one asked about (``since``: a clock set back). :func:`refresh`
recomputes the stale keys: a handful after a keystroke, the cards whose day has come at
the first start of a day (every card only when the keys were made, or the clock went
back). The table is derived data, local to an SQLite file: never synced, exported or undone
(a PostgreSQL server orders its cards in Python, :mod:`salesdesk.data.board_view`).

The SQLite-specific SQL of the board's order (the table, its triggers, the upsert, the
FTS5 table) is here; :mod:`salesdesk.data.board_view` reads it (only on SQLite files) and
:mod:`salesdesk.data.io.bulk_indexes` sets its trigger aside for a first import.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from salesdesk.data.card_rows import CARD_COLUMNS, CARD_FROM, CardRow, Clocks, card_from_row, clocks
from salesdesk.data.card_text import refresh_text
from salesdesk.data.cards import SEARCH_COLUMNS, needs_fold
from salesdesk.data.db import Database
from salesdesk.data.sql import FEW_IDS, id_list
from salesdesk.enums import Status

#: A ``setting`` row counting the refreshes that redid keys, by any program: the board's
#: filter text follows changes through the ids its own refresh redid, and a refresh by
#: another program (``salesdesk list``, a second window) takes some of them.
REFRESHES = "board_key_refreshes"

#: The columns of the live board (a grade) and of the closed view (a status group).
LIVE_KEYS = ("A", "B", "C")
CLOSED_KEYS = ("customer", "parked", "closed")

DDL = (
    """CREATE TABLE board_key (
        prospect_id INTEGER NOT NULL PRIMARY KEY,
        col VARCHAR NOT NULL DEFAULT '',
        status VARCHAR NOT NULL DEFAULT '',
        value FLOAT NOT NULL DEFAULT 0,
        score FLOAT NOT NULL DEFAULT 0,
        verdict VARCHAR NOT NULL DEFAULT '',
        due INTEGER NOT NULL DEFAULT 0,
        overdue INTEGER NOT NULL DEFAULT 0,
        first_contact VARCHAR NOT NULL DEFAULT '',
        today INTEGER NOT NULL DEFAULT 0,
        text_stale INTEGER NOT NULL DEFAULT 1,
        since VARCHAR NOT NULL DEFAULT '',
        until VARCHAR NOT NULL DEFAULT ''
    )""",
    # The board's order within a column, and within a column of one MAN verdict.
    "CREATE INDEX ix_board_key_order ON board_key (col, score DESC, prospect_id)",
    "CREATE INDEX ix_board_key_verdict ON board_key (col, verdict, score DESC, prospect_id)",
    # The header's counts by column and status, read from the index alone.
    "CREATE INDEX ix_board_key_counts ON board_key "
    "(col, status, due, overdue, first_contact, today, value)",
    "CREATE INDEX ix_board_key_until ON board_key (until)",
    "CREATE INDEX ix_board_key_text_stale ON board_key (prospect_id) WHERE text_stale",
    "CREATE INDEX ix_board_key_since ON board_key (since)",
    """CREATE TRIGGER board_key_card_added AFTER INSERT ON prospect BEGIN
        INSERT INTO board_key (prospect_id) VALUES (new.id)
        ON CONFLICT (prospect_id) DO UPDATE SET until = '', since = '', text_stale = 1;
    END""",
    """CREATE TRIGGER board_key_card_changed AFTER UPDATE ON prospect BEGIN
        INSERT INTO board_key (prospect_id) VALUES (new.id)
        ON CONFLICT (prospect_id) DO UPDATE SET until = '', since = '', text_stale = 1;
    END""",
    # The filter's words: the searched columns in an FTS5 trigram index (any substring of
    # three characters or more, Chinese too), brought up to date by the refresh.
    f"CREATE VIRTUAL TABLE card_text USING fts5({', '.join(SEARCH_COLUMNS)}, "
    "tokenize = 'trigram')",
    # A removed card's key stays, stale, until a refresh takes it out of the counts.
    """CREATE TRIGGER board_key_card_removed AFTER DELETE ON prospect BEGIN
        UPDATE board_key SET until = '', since = '', text_stale = 1 WHERE prospect_id = old.id;
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


def refreshes(conn: Any) -> int:
    """How many refreshes have redone keys in this file (see :data:`REFRESHES`)."""
    row = conn.execute("SELECT value FROM setting WHERE key = ?", (REFRESHES,)).fetchone()
    return int(row[0]) if row is not None and str(row[0]).isdigit() else 0


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


#: The ``until`` of a key no date can change (every part at its cap, nothing ahead).
NEVER = "9999-12-31 00:00:00.000000"


def valid_until(
    now: datetime, first_contact: str, first_contact_due: datetime | None,
    day: date | None = None,
) -> str:
    """When a key computed at ``now`` may next change by the clock alone: the start of
    ``day`` (the first day a part of the key may change, :mod:`salesdesk.rules.key_days`;
    None: none will), or a running first-contact clock's deadline (the score) or the
    start of its day (today's list), whichever comes first."""
    until = datetime.combine(day, time()) if day is not None else None
    if first_contact == "running" and first_contact_due is not None:
        ends = [first_contact_due + timedelta(microseconds=1)]
        if first_contact_due.date() > now.date():
            ends.append(datetime.combine(first_contact_due.date(), time()))
        until = min([*ends, *([until] if until is not None else [])])
    return NEVER if until is None else stamp(until)


#: The ids of the cards whose keys are stale at ``:now``.
STALE_IDS = (
    "(SELECT prospect_id FROM board_key WHERE until <= :now "
    "UNION SELECT prospect_id FROM board_key WHERE since > :now)"
)
STALE_WHERE = f"prospect.id IN {STALE_IDS}"

UPDATE_SQL = (
    "UPDATE board_key SET col = ?, status = ?, value = ?, score = ?, verdict = ?, due = ?, "
    "overdue = ?, first_contact = ?, today = ?, since = ?, until = ? WHERE prospect_id = ?"
)
#: What the header counts of a key, in the order of a tally's values after the cards.
_COUNTED = "due, overdue, first_contact = 'running', first_contact = 'missed', today, value"
#: The counts of each (col, status) in one row: a JSON array of [col, status, cards, the
#: sums of :data:`_COUNTED`], the value with 17 digits so that it reads back as the same
#: float. One row is one step of SQLite, so the thread of :func:`tally_ahead` takes the
#: GIL back once, not once a row (each time, on a loaded machine, the main thread stood
#: still until the OS ran the other: slower than counting without a thread).
TALLY_SQL = (
    "SELECT json_group_array(json_array(col, status, n, due, overdue, running, missed, "
    "today, printf('%!.17g', value))) FROM (SELECT col, status, count(*) AS n, "
    "total(due) AS due, total(overdue) AS overdue, total(first_contact = 'running') AS "
    "running, total(first_contact = 'missed') AS missed, total(today) AS today, "
    "total(value) AS value FROM board_key GROUP BY col, status)"
)

#: The header's counts by (column, status): [cards, due, overdue, first contact
#: running, missed, items on today's list, value].
Tally = dict[tuple[str, str], list[float]]


def tally(db: Database) -> Tally:
    """Every count the board's header shows, in one pass over the counts index (the one
    :func:`tally_ahead` read, if it is for ``db`` and nothing was written since)."""
    ahead = _take_ahead(db)
    if ahead is not None:
        early = ahead.result()
        if early is not None:
            return early
    return _count(db)


def _count(db: Database) -> Tally:
    import json

    with db.connect() as conn:
        found = conn.execute(TALLY_SQL).fetchone()[0]
    return {(col, status): [n, *counted, float(value)]
            for col, status, n, *counted, value in json.loads(found)}


class TallyAhead:
    """The header's counts read in a thread while the start imports Textual: the query
    (tens of milliseconds at 100,000 cards) runs in SQLite, which lets go of the GIL, so
    it overlaps the import instead of following it."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # Any commit after this (by this program's pool or another program) changes the
        # watching connection's data_version: then the early counts may be out of date.
        self.version = db.data_version()
        self._counts: Tally | None = None
        self._thread = threading.Thread(target=self._run, name="tally-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._counts = _count(self.db)
        except Exception:  # (counted again where the board can say what went wrong)
            self._counts = None

    def result(self) -> Tally | None:
        """The early counts, or None when they failed or the database was written since
        (the caller counts again)."""
        self._thread.join()
        if self._counts is None or self.db.data_version() != self.version:
            return None
        return self._counts


_ahead: TallyAhead | None = None
_ahead_lock = threading.Lock()


def tally_ahead(db: Database) -> TallyAhead:
    """Start counting the header's counts in a thread; the next :func:`tally` of ``db``
    uses the result (or counts again if the database was written meanwhile)."""
    global _ahead
    ahead = TallyAhead(db)
    with _ahead_lock:
        _ahead = ahead
    return ahead


def _take_ahead(db: Database) -> TallyAhead | None:
    """The early count of ``db``, once (a later tally counts afresh)."""
    global _ahead
    with _ahead_lock:
        ahead = _ahead
        if ahead is None or ahead.db is not db:
            return None
        _ahead = None
    return ahead


def add_to(counts: Tally, change: Tally) -> None:
    """Apply a refresh's change of the counts (see :func:`refresh`)."""
    for group, values in change.items():
        total = counts.setdefault(group, [0.0] * 7)
        for i, value in enumerate(values):
            total[i] += value


#: More stale keys than this: rewrite the table's indexes once instead of per row.
BULK = 5_000
#: The order and count indexes (dropped and made again around a bulk rewrite).
_INDEXES = tuple(statement for statement in DDL if statement.startswith("CREATE INDEX"))


def _key_rows(
    cards: list[CardRow], clock: Clocks, items: dict[int, tuple[int, date | None]]
) -> list[tuple[Any, ...]]:
    """The UPDATE_SQL parameters of each card: its key, valid until the first moment a
    part of it may change (most cards: a day weeks ahead, or never)."""
    # (Imported here: the day rules bring the visit plan's, which a start whose keys are
    # all valid never needs.)
    from salesdesk.rules.key_days import score_changes

    since = stamp(clock.now)
    today = clock.now.date()
    rows = []
    for card in cards:
        fc = card.first_contact
        count, list_day = items.get(card.id, (0, None))
        grade, graded_on, last_looked, touched_on, created_on, next_date = (
            card.urgency.inputs[:6])
        day = score_changes(grade, graded_on, last_looked, touched_on, created_on, next_date,
                            today)
        if list_day is not None and (day is None or list_day < day):
            day = list_day
        rows.append((
            column_of(card.grade.value, card.status), card.status, card.value,
            card.urgency.score, str(card.verdict),
            int(card.review_due), int(card.overdue), fc, count, since,
            valid_until(clock.now, fc, card.first_contact_due, day), card.id,
        ))
    return rows


def refresh(
    db: Database, now: date | datetime, say: Callable[[int], None] | None = None,
    rescored: list[int] | None = None,
) -> tuple[int, Tally | None]:
    """Recompute the keys that are stale at ``now``: how many there were, and how the
    header's counts changed (None after a bulk rewrite: count again). A quick read
    first: most calls find none and take no write lock. The first start of a day finds
    every key stale (the date-driven parts): then the whole book is read in single passes
    and the indexes are made again after the rows, not kept up row by row. ``rescored``
    gets the ids of the cards whose keys were redone (removed cards too), unless the
    change is None: every card written since the last refresh, by any program, is one."""
    clock = clocks(db, now)
    moment = {"now": stamp(clock.now)}
    with db.connect() as conn:
        if conn.execute(f"SELECT 1 FROM prospect WHERE {STALE_WHERE} LIMIT 1", moment
                        ).fetchone() is None:
            return 0, {}
        stale = int(conn.execute(f"SELECT count(*) FROM {STALE_IDS}", moment).fetchone()[0])
        # (A key's few stale cards are read by their ids whatever the book's size: the
        # book is not counted for them, half a millisecond a key at 100,000 cards.)
        every = stale > FEW_IDS and stale >= int(
            conn.execute("SELECT count(*) FROM prospect").fetchone()[0])
    if say is not None and stale > BULK:
        say(stale)  # (seconds at 100,000 cards: the start says so before it waits)
    from salesdesk.data.today import item_counts
    from salesdesk.data.visits.plan import plan_settings

    settings = plan_settings(db)
    with db.begin(derived=True) as conn:  # (before the start's page check: derived data)
        conn.execute("INSERT INTO setting (key, value) VALUES (?, '1') ON CONFLICT(key) "
                     "DO UPDATE SET value = CAST(CAST(setting.value AS INTEGER) + 1 AS TEXT)",
                     (REFRESHES,))
        where = "" if every else f" WHERE {STALE_WHERE}"
        rows = conn.execute(f"SELECT {CARD_COLUMNS} FROM {CARD_FROM}{where}", moment).fetchall()
        # A few cards (a keystroke): their ids written out, so every read is by its
        # index on the card; many: the subquery.
        few = len(rows) <= FEW_IDS
        ids_sql = "" if every else (
            id_list(r[0] for r in rows) if few and rows else STALE_IDS)
        items = item_counts(conn, clock.now.date(), settings, clock.answer_hours, ids_sql,
                            moment)
        values = _key_rows([card_from_row(r, clock) for r in rows], clock, items)
        refresh_text(conn)
        if len(values) > BULK:
            conn.execute("DELETE FROM board_key WHERE prospect_id NOT IN (SELECT id FROM prospect)")
            for statement in _INDEXES:
                conn.execute("DROP INDEX " + statement.split()[2])
            conn.executemany(UPDATE_SQL, values)
            for statement in _INDEXES:
                conn.execute(statement)
            return len(values), None
        if rescored is not None:
            rescored.extend(pid for pid, in conn.execute(
                f"SELECT prospect_id FROM {STALE_IDS}", moment))
        change: Tally = {}
        for col, status, *old in conn.execute(
            f"SELECT col, status, {_COUNTED} FROM board_key WHERE prospect_id IN {STALE_IDS}",
            moment,
        ).fetchall():
            add_to(change, {(col, status): [-1.0, *(-float(v) for v in old)]})
        conn.execute(f"DELETE FROM board_key WHERE prospect_id IN {STALE_IDS} "
                     "AND prospect_id NOT IN (SELECT id FROM prospect)", moment)
        conn.executemany(UPDATE_SQL, values)
        for col, status, value, _score, _verdict, due, overdue, fc, today, *_rest in values:
            add_to(change, {(col, status): [1.0, due, overdue, fc == "running", fc == "missed",
                                            today, value]})
    return len(values), change


def text_terms(search: str) -> list[str]:
    """The words of a filter the trigram index can answer (three characters or more, and
    no letters whose case folding changes their length, like ß): as FTS5 phrases. The
    others are answered by the plain scan alone."""
    phrases = []
    for term in search.split():
        if len(term) >= 3 and not needs_fold(term):
            phrases.append('"' + term.replace('"', '""') + '"')
    return phrases


def today_count(db: Database, now: date | datetime) -> int:
    """How many items today's list holds (the keys refreshed first): a sum over the
    index, equal to ``len(today_list(db, now))``."""
    refresh(db, now)
    return summed_today(db)


def summed_today(db: Database) -> int:
    """The items on today's list, from keys already refreshed."""
    return int(sum(values[5] for values in tally(db).values()))
