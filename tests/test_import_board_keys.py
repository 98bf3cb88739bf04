"""An import into a book that holds cards sets the board's new-card trigger aside and adds
the new cards' key rows in one statement at the end: the key table is then what the
trigger, card by card, would have left, and what a fresh refresh of every card gives."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from salesdesk.data import board_keys
from salesdesk.data.db import open_database
from salesdesk.data.io import importer
from salesdesk.data.io.importer import ImportOptions, run_import

from .conftest import NOW

FIRST = "Name,Company,Mobile,Email,Grade,Amount,Next date\n" + "".join(
    f"Card {i},Firm {i % 7},1380013{i:04d},card{i}@example.com,{'ABC'[i % 3]},{i}k,"
    f"{'2026-11-2' + str(i % 9) if i % 2 else ''}\n"
    for i in range(60)
)
SECOND = (
    "Name,Company,Mobile,Email,Grade,Amount,Next date,Status\n"
    # a likely duplicate of a card there before (same email): updated
    "Card 3,Firm 3,13800130003,card3@example.com,A,99k,2026-11-20,\n"
    # a likely duplicate of a card of this file (same email): updated too
    "王伟,华信科技,13900139000,wang@example.cn,B,12k,,\n"
    "王伟,华信科技,13900139000,wang@example.cn,A,15k,2026-11-25,\n"
    "Lost Lead,,13700137000,,C,,,lost\n"
    "New One,Acme,,new@example.com,B,5000,2026-12-01,\n"
    "Customer Co,Customer Co,,buyer@customer.com,A,80k,,customer\n"
)


def _keys(path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM board_key ORDER BY prospect_id").fetchall()
    finally:
        conn.close()


def _schema(path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'index') "
            "ORDER BY name"
        ).fetchall()
    finally:
        conn.close()


def _import(path: Path, csv: Path) -> None:
    db = open_database(path)
    try:
        result = run_import(db, csv, NOW + timedelta(hours=1), ImportOptions(on_duplicate="update"))
        assert (result.created, result.updated) == (4, 2)
        assert result.committed
    finally:
        db.close()


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A book of 60 cards, its keys scored, and one card removed (its key stays stale)."""
    (tmp_path / "first.csv").write_text(FIRST, encoding="utf-8")
    (tmp_path / "second.csv").write_text(SECOND, encoding="utf-8")
    db = open_database(tmp_path / "book.db")
    try:
        assert run_import(db, tmp_path / "first.csv", NOW).created == 60
        board_keys.refresh(db, NOW)
        with db.begin() as conn:
            conn.execute("DELETE FROM prospect WHERE name = 'Card 7'")
    finally:
        db.close()
    return tmp_path / "book.db"


def test_keys_after_an_import_into_a_full_book_are_the_trigger_s(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(book, tmp_path / "trigger.db")
    schema = _schema(book)
    assert ("trigger", "board_key_card_added") in {(t, n) for t, n, _s in schema}
    _import(book, tmp_path / "second.csv")
    with monkeypatch.context() as patch:  # card by card, through the trigger, as before
        patch.setattr(importer, "drop_for_bulk", lambda _conn, _first=0: [])
        _import(tmp_path / "trigger.db", tmp_path / "second.csv")
    assert _keys(book) == _keys(tmp_path / "trigger.db")
    assert _schema(book) == schema  # the trigger is back, as it was
    stale = [k for k in _keys(book) if k[-2:] == ("", "")]
    assert len(stale) >= 6  # the 4 new cards, the 2 updated ones (and the removed card's)


def test_keys_after_an_import_into_a_full_book_refresh_as_fresh_keys(
    book: Path, tmp_path: Path
) -> None:
    _import(book, tmp_path / "second.csv")
    later = NOW + timedelta(hours=2)
    db = open_database(book)
    try:
        board_keys.refresh(db, later)
        kept = _keys(book)
        with db.begin() as conn:  # every key made again from nothing
            conn.execute("DELETE FROM board_key")
            conn.execute("INSERT INTO board_key (prospect_id) SELECT id FROM prospect")
        board_keys.refresh(db, later)
    finally:
        db.close()
    fresh = _keys(book)
    since = -2  # (when a key was worked out: the first refresh, for the untouched cards)
    assert [k[:since] + k[since + 1 :] for k in kept] == [k[:since] + k[since + 1 :] for k in fresh]
    assert len(fresh) == 59 + 4


def test_a_dry_run_or_a_blocked_import_keeps_the_trigger(book: Path, tmp_path: Path) -> None:
    schema = _schema(book)
    db = open_database(book)
    try:
        run_import(db, tmp_path / "second.csv", NOW, ImportOptions(dry_run=True))
        (tmp_path / "bad.csv").write_text(
            "Name,Email,Next date\nX,x@y.com,2026-13-45\n", encoding="utf-8"
        )
        assert not run_import(db, tmp_path / "bad.csv", NOW).committed
    finally:
        db.close()
    assert _schema(book) == schema


@pytest.mark.parametrize("emptied", [False, True])
def test_keys_after_a_first_import_are_the_trigger_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emptied: bool
) -> None:
    """An import into an empty book (new, or emptied: its removed cards' keys stay) keeps
    the key table's indexes as its rows go in, and leaves what the trigger would have."""
    (tmp_path / "first.csv").write_text(FIRST, encoding="utf-8")
    db = open_database(tmp_path / "bulk.db")
    try:
        if emptied:
            assert run_import(db, tmp_path / "first.csv", NOW).created == 60
            board_keys.refresh(db, NOW)
            with db.begin() as conn:
                conn.execute("DELETE FROM prospect")
    finally:
        db.close()
    shutil.copy(tmp_path / "bulk.db", tmp_path / "trigger.db")
    schema = _schema(tmp_path / "bulk.db")
    for name in ("bulk.db", "trigger.db"):
        with monkeypatch.context() as patch:
            if name == "trigger.db":  # card by card, through the trigger
                patch.setattr(importer, "drop_for_bulk", lambda _conn, _first=0: [])
            db = open_database(tmp_path / name)
            try:
                assert run_import(db, tmp_path / "first.csv", NOW).created == 60
            finally:
                db.close()
    assert _keys(tmp_path / "bulk.db") == _keys(tmp_path / "trigger.db")
    assert len(_keys(tmp_path / "bulk.db")) == (120 if emptied else 60)
    assert _schema(tmp_path / "bulk.db") == schema
    conn = sqlite3.connect(tmp_path / "bulk.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        plan = " ".join(str(r) for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT prospect_id FROM board_key WHERE until = ''"))
        assert "ix_board_key_until" in plan
    finally:
        conn.close()
