"""Redo in the data layer: every kind of row an undo puts back or removes is written back
as it was (ids, UUIDs, the pinyin key), imports included, and redo is itself undoable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.data.io.importer import ImportOptions, run_import
from salesdesk.data.undo_next import next_undo
from salesdesk.data.visits import plan_visit

from .conftest import NOW, TODAY


def rows(db: Database, table: str) -> dict[int, dict[str, Any]]:
    with db.connect() as conn:
        cursor = conn.execute(f"SELECT * FROM {table}")
        names = [c[0] for c in cursor.description]
        return {r[0]: {n: v for n, v in zip(names, r, strict=True) if n != "updated_at"}
                for r in cursor.fetchall()}


def everything(db: Database) -> dict[str, Any]:
    return {t: rows(db, t)
            for t in ("prospect", "activity", "visit", "importbatch", "contact_point")}


def test_a_rename_undone_and_redone_keeps_the_pinyin_key(db: Database) -> None:
    pid = store.add_prospect(db, NOW, "王伟")
    store.update_fields(db, NOW, pid, {"name": "李娜", "company": "华信"})
    assert rows(db, "prospect")[pid]["pinyin_key"] == "lina ln huaxin hx"
    store.undo(db, now=NOW)
    assert rows(db, "prospect")[pid]["pinyin_key"] == "wangwei ww"
    store.redo(db, now=NOW)
    assert rows(db, "prospect")[pid]["pinyin_key"] == "lina ln huaxin hx"
    assert [c.name for c in store.list_cards(db, TODAY, search="hx")] == ["李娜"]


def test_undo_then_redo_of_every_change_gives_the_same_rows(db: Database) -> None:
    first = store.add_prospect(db, NOW, "Ann", grade="A", value=5000)
    store.log_touch(db, NOW, first, "call", "rang", next_date=TODAY)
    plan_visit(db, NOW, first, TODAY)
    store.set_status(db, NOW, first, "lost", reason="price", reason_note="too dear")
    states = [everything(db)]
    labels = []
    while (undone := store.undo(db, now=NOW)) is not None:
        labels.append(undone.label)
        states.append(everything(db))
    assert len(labels) == 4 and rows(db, "prospect") == {}
    for index, label in enumerate(reversed(labels)):
        redone = store.redo(db, now=NOW)
        assert redone is not None and redone.label == label
        assert everything(db) == states[len(labels) - 1 - index]
    assert store.redo(db, now=NOW) is None
    assert store.undo(db, now=NOW) is not None  # a redo is undone like any change
    assert rows(db, "prospect")[first]["status"] == "live"


def test_redo_of_an_import_brings_its_batch_back(db: Database, tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    source.write_text("姓名,微信,金额,手机,电话\n王海燕,why_1,20000,13800138000,021-5555-0101\n"
                      "Ann,ann_2,3000,,\n", encoding="utf-8")
    result = run_import(db, source, NOW, ImportOptions())
    imported = everything(db)
    assert len(imported["contact_point"]) == 1  # 王海燕's office phone
    assert next_undo(db).ours  # type: ignore[union-attr]  # the board's own: no question
    store.undo(db, now=NOW)
    assert rows(db, "prospect") == {} and rows(db, "importbatch") == {}
    store.redo(db, now=NOW)
    assert everything(db) == imported
    assert store.last_change(db) is not None
    with db.connect() as conn:
        (batch,) = conn.execute("SELECT import_batch FROM journal ORDER BY id DESC").fetchone()
    assert batch == result.batch
    from salesdesk.data.io.batches import undo_import

    assert undo_import(db, result.batch, NOW).removed == 2
