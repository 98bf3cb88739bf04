"""The filter's full-text index holds exactly the cards' searched text after any change,
and a change that leaves the text alone (a regrade) does not write it."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from salesdesk.data import board_view, store
from salesdesk.data.cards import SEARCH_COLUMNS
from salesdesk.data.db import Database, open_database
from salesdesk.data.demo import fill_demo
from salesdesk.data.sql import FEW_IDS as FEW

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 9, 30)
COLUMNS = ", ".join(SEARCH_COLUMNS)


@pytest.fixture
def demo(tmp_path: Path) -> Database:
    db = open_database(tmp_path / "demo.db")
    fill_demo(db, TODAY, prospects=FEW + 200)
    board_view.refresh_keys(db, NOW)
    return db


def indexed(db: Database) -> dict[int, tuple[object, ...]]:
    with db.connect() as conn:
        return {row[0]: tuple(row[1:]) for row in conn.execute(
            f"SELECT rowid, {COLUMNS} FROM card_text")}


def cards(db: Database) -> dict[int, tuple[object, ...]]:
    with db.connect() as conn:
        return {row[0]: tuple(row[1:]) for row in conn.execute(
            f"SELECT id, {COLUMNS} FROM prospect")}


def segments(db: Database) -> list[tuple[object, ...]]:
    """FTS5's own storage: any write to the index changes it."""
    with db.connect() as conn:
        return conn.execute("SELECT id, block FROM card_text_data ORDER BY id").fetchall()


def raw(db: Database, sql: str, *args: object) -> None:
    """A change by another program (the triggers mark the keys stale)."""
    conn = sqlite3.connect(db.path)
    with conn:
        conn.execute(sql, args)
    conn.close()


def test_after_renames_notes_removals_and_additions_the_index_is_the_cards(
    demo: Database,
) -> None:
    ids = sorted(cards(demo))
    raw(demo, "UPDATE prospect SET name = 'Zyxwvut Quill' WHERE id = ?", ids[0])
    raw(demo, "UPDATE prospect SET notes = '王伟 [bold]x[/]' WHERE id = ?", ids[1])
    raw(demo, "UPDATE prospect SET grade = 'C' WHERE id = ?", ids[2])
    raw(demo, "DELETE FROM prospect WHERE id = ?", ids[3])
    store.add_prospect(demo, NOW, "Olga Newcard", company="Neu GmbH")
    board_view.refresh_keys(demo, NOW)
    assert indexed(demo) == cards(demo)
    assert board_view.matching_ids(demo, ("A", "B", "C"), "zyxwvut") != {}


def test_many_changed_cards_at_once_are_rewritten_in_bulk_and_right(demo: Database) -> None:
    raw(demo, "UPDATE prospect SET tags = 'bulk ' || id")
    board_view.refresh_keys(demo, NOW)
    held = indexed(demo)
    assert len(held) > FEW
    assert held == cards(demo)


def test_a_regrade_leaves_the_index_unwritten(demo: Database) -> None:
    before = segments(demo)
    card = sorted(cards(demo))[5]
    store.regrade(demo, NOW, card, "C")
    board_view.refresh_keys(demo, NOW)
    assert segments(demo) == before
    assert indexed(demo) == cards(demo)
