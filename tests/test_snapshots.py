"""Snapshot tests pin the look of the board at 80x24 and 140x45.

Each waits until the screen is ready (tests.conftest.ready) before it compares. Update
after an intended change with ``pytest tests/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from datetime import timedelta

from salesdesk.app import make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from tests.conftest import NOW, TODAY, snapshot_after


def _seed(db: Database) -> None:
    day = timedelta(days=1)
    store.add_prospect(
        db,
        NOW,
        "Overdue Ann",
        company="Acme Supplies",
        grade="A",
        next_date=TODAY - 2 * day,
        next_action="send quote",
        value=48000,
    )
    store.add_prospect(
        db,
        NOW,
        "王伟",
        company="华信科技有限公司",
        grade="A",
        next_date=TODAY + day,
        next_action="拜访",
        value=120000,
        key_account=True,
    )
    store.add_prospect(
        db,
        NOW - 12 * day,
        "[bold red]Not bold[/]",
        company="[link=x]Ltd",
        grade="B",
        next_date=TODAY + 6 * day,
        next_action="demo",
    )
    store.add_prospect(
        db, NOW - 100 * day, "Past Window Pat", grade="C", money="yes", authority="no", need="yes"
    )
    store.add_prospect(
        db,
        NOW,
        "李娜",
        company="金桥物流",
        grade="C",
        next_date=TODAY,
        next_action="电话回访",
        value=9000,
    )


def test_board_80x24(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    _seed(db)
    assert snap_compare(make_app(settings, db), terminal_size=(80, 24), run_before=snapshot_after())


def test_board_140x45(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    _seed(db)
    app = make_app(settings, db)
    assert snap_compare(app, terminal_size=(140, 45), run_before=snapshot_after())


def test_empty_board_80x24(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(settings, db), terminal_size=(80, 24), run_before=snapshot_after())


def test_card_detail_140x45(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    _seed(db)
    assert snap_compare(
        make_app(settings, db), terminal_size=(140, 45), run_before=snapshot_after("enter")
    )
