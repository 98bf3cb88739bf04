"""SQLite's own SQL, in one place: the triggers that keep the board's keys and the search
index following the prospect table, and the search index itself (FTS5).

Everything else in the data layer is portable SQL. A PostgreSQL backend supplies its own
versions of what is here (triggers in PL/pgSQL, ``pg_trgm`` for the search), behind the
same names: :func:`install` on a new or upgraded database, :data:`SEARCH_MATCH` for a
query.
"""

from __future__ import annotations

import sqlite3

#: A card's key is marked stale (so recomputed before the next read) whenever its row is
#: written: whatever input the urgency rule gains, a write of it makes the key stale. The
#: counts follow the keys: one row per (column, flags, verdict) holds how many there are.
BOARD_KEY_TRIGGERS = (
    """CREATE TRIGGER tr_board_key_insert AFTER INSERT ON prospect BEGIN
        INSERT OR IGNORE INTO board_key (prospect_id) VALUES (NEW.id); END""",
    """CREATE TRIGGER tr_board_key_update AFTER UPDATE ON prospect BEGIN
        UPDATE board_key SET day = NULL WHERE prospect_id = NEW.id; END""",
    """CREATE TRIGGER tr_board_key_delete AFTER DELETE ON prospect BEGIN
        DELETE FROM board_key WHERE prospect_id = OLD.id; END""",
    """CREATE TRIGGER tr_board_count_add AFTER UPDATE OF col, flags, verdict ON board_key
        WHEN NEW.col IS NOT NULL AND (OLD.col IS NOT NEW.col OR OLD.flags IS NOT NEW.flags
            OR OLD.verdict IS NOT NEW.verdict) BEGIN
        INSERT INTO board_count (col, flags, verdict, n) VALUES (NEW.col, NEW.flags,
            NEW.verdict, 1) ON CONFLICT (col, flags, verdict) DO UPDATE SET n = n + 1; END""",
    """CREATE TRIGGER tr_board_count_move AFTER UPDATE OF col, flags, verdict ON board_key
        WHEN OLD.col IS NOT NULL AND (OLD.col IS NOT NEW.col OR OLD.flags IS NOT NEW.flags
            OR OLD.verdict IS NOT NEW.verdict) BEGIN
        UPDATE board_count SET n = n - 1
        WHERE col = OLD.col AND flags = OLD.flags AND verdict = OLD.verdict; END""",
    """CREATE TRIGGER tr_board_count_delete AFTER DELETE ON board_key
        WHEN OLD.col IS NOT NULL BEGIN
        UPDATE board_count SET n = n - 1
        WHERE col = OLD.col AND flags = OLD.flags AND verdict = OLD.verdict; END""",
)

#: Writes of derived data (the keys) need not wait for the disk: a key lost in a power
#: cut is only stale, and recomputed. WAL mode stays consistent with NORMAL.
RELAXED_SYNC = "PRAGMA synchronous=NORMAL"
FULL_SYNC = "PRAGMA synchronous=FULL"


#: The columns the filter (``/``, ``list --search``) looks in; ``pinyin_key`` lets ``wang``
#: and ``wh`` find 王海燕 (it holds only ASCII, so a Chinese term never matches it by accident).
SEARCH_COLUMNS = (
    "name", "company", "phone", "email", "wechat", "area", "tags", "notes", "pinyin_key",
)
#: Shorter words than this are searched by a plain scan (a trigram index needs three).
SEARCH_INDEX_MIN = 3

_COLS = ", ".join(SEARCH_COLUMNS)
_NEW = ", ".join(f"NEW.{c}" for c in SEARCH_COLUMNS)
_OLD = ", ".join(f"OLD.{c}" for c in SEARCH_COLUMNS)

#: The search index: FTS5 with the trigram tokenizer, so any substring of three or more
#: characters is found through the index, Chinese included (no word boundaries needed),
#: case-insensitively. External content: the text stays in ``prospect`` only.
SEARCH_INDEX = (
    f"""CREATE VIRTUAL TABLE prospect_fts USING fts5({_COLS}, content='prospect',
        content_rowid='id', tokenize='trigram')""",
    f"""CREATE TRIGGER tr_prospect_fts_insert AFTER INSERT ON prospect BEGIN
        INSERT INTO prospect_fts (rowid, {_COLS}) VALUES (NEW.id, {_NEW}); END""",
    f"""CREATE TRIGGER tr_prospect_fts_delete AFTER DELETE ON prospect BEGIN
        INSERT INTO prospect_fts (prospect_fts, rowid, {_COLS})
        VALUES ('delete', OLD.id, {_OLD}); END""",
    f"""CREATE TRIGGER tr_prospect_fts_update AFTER UPDATE OF {_COLS} ON prospect BEGIN
        INSERT INTO prospect_fts (prospect_fts, rowid, {_COLS})
        VALUES ('delete', OLD.id, {_OLD});
        INSERT INTO prospect_fts (rowid, {_COLS}) VALUES (NEW.id, {_NEW}); END""",
)
#: Fill the index from the table (the upgrade that introduces it).
SEARCH_REBUILD = "INSERT INTO prospect_fts (prospect_fts) VALUES ('rebuild')"
#: The ids (``rowid``) of the cards whose text holds every phrase of the query.
SEARCH_ROWS = "SELECT rowid FROM prospect_fts WHERE prospect_fts MATCH ?"


def search_term(word: str) -> str:
    """A word as an FTS5 phrase: quoted, so operators and punctuation are plain text;
    phrases side by side must all be there (each in any column)."""
    return '"' + word.replace('"', '""') + '"'


def install(conn: sqlite3.Connection) -> None:
    """Create the triggers and the search index (a new database, or the upgrade that
    introduces them)."""
    for statement in (*BOARD_KEY_TRIGGERS, *SEARCH_INDEX):
        conn.execute(statement)
