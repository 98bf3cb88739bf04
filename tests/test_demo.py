"""Tests for salesdesk.data.demo: realistic, varied, reproducible demo data, all-or-nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from salesdesk.data import store
from salesdesk.data.db import Database, open_database
from salesdesk.data.demo import fill_demo
from salesdesk.models import Status

from .conftest import NOW, TODAY

COUNT = 300
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"^[A-Za-z][A-Za-z .'-]*$")
ALL_STATUSES = tuple(s.value for s in Status)


def rows(db: Database, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with db.connect() as conn:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]


def dump(db: Database) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every column but the UUIDs, which are random in every database."""
    def table(name: str) -> list[tuple[Any, ...]]:
        with db.connect() as conn:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({name})") if r[1] != "uuid"]
        return rows(db, f"SELECT {', '.join(cols)} FROM {name} ORDER BY id")

    return table("prospect"), table("activity")


@pytest.fixture
def demo_db(db: Database) -> Database:
    assert fill_demo(db, TODAY, COUNT) == COUNT
    return db


@pytest.fixture
def other_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "other" / "salesdesk.db")
    yield database
    database.close()


def test_fill_adds_the_requested_number(demo_db: Database) -> None:
    assert store.count_prospects(demo_db) == COUNT
    assert rows(demo_db, "SELECT min(id), max(id) FROM prospect") == [(1, COUNT)]


def test_every_grade_and_status_appears(demo_db: Database) -> None:
    cards = store.list_cards(demo_db, TODAY, statuses=ALL_STATUSES)
    assert len(cards) == COUNT
    assert {c.grade.value for c in cards} == {"A", "B", "C"}
    assert {c.status for c in cards} == set(ALL_STATUSES)
    live = [c for c in cards if c.status == "live"]
    assert {c.grade.value for c in live} == {"A", "B", "C"}
    # Most cards are live prospects; a fair number are customers.
    assert len(live) > COUNT // 2
    assert sum(c.status == "customer" for c in cards) >= COUNT // 10


def test_values_are_valid(demo_db: Database) -> None:
    for kind, grade, status, stage, money, authority, need in rows(
        demo_db, "SELECT kind, grade, status, stage, money, authority, need FROM prospect"
    ):
        assert kind in ("person", "company")
        assert grade in ("A", "B", "C")
        assert status in ALL_STATUSES
        assert stage in ("target", "interested", "intentional", "prospective", "customer")
        assert {money, authority, need} <= {"yes", "no", "unknown"}
        if status == "customer":
            assert stage == "customer"
    for (kind,) in rows(demo_db, "SELECT DISTINCT kind FROM activity"):
        assert kind in ("call", "visit", "message", "email", "meeting", "note", "grade", "status")


def test_chinese_and_latin_names(demo_db: Database) -> None:
    names = [n for (n,) in rows(demo_db, "SELECT name FROM prospect")]
    chinese = [n for n in names if CJK.search(n)]
    latin = [n for n in names if LATIN.match(n)]
    assert len(chinese) >= COUNT // 5
    assert len(latin) >= COUNT // 5
    assert len(chinese) + len(latin) == COUNT
    assert all(n.strip() for n in names)
    companies = [c for (c,) in rows(demo_db, "SELECT company FROM prospect")]
    assert any(CJK.search(c) for c in companies)
    assert any(c and LATIN.match(c) for c in companies)
    notes = [n for (n,) in rows(demo_db, "SELECT notes FROM prospect")]
    assert any(CJK.search(n) for n in notes) and any(n.isascii() and n for n in notes)


def test_chinese_search_finds_demo_cards(demo_db: Database) -> None:
    family = next(n for (n,) in rows(demo_db, "SELECT name FROM prospect") if CJK.search(n))[0]
    found = store.list_cards(demo_db, TODAY, statuses=ALL_STATUSES, search=family)
    assert found
    assert all(
        family in " ".join((c.name, c.company)) or family in store.get_prospect(
            demo_db, c.id, TODAY)["notes"]
        for c in found
    )


def test_activities_span_about_ten_weeks(demo_db: Database) -> None:
    times = [datetime.fromisoformat(at) for (at,) in rows(demo_db, "SELECT at FROM activity")]
    assert len(times) >= COUNT  # a few per card on average
    first, last = min(times).date(), max(times).date()
    assert first >= TODAY - timedelta(weeks=10)
    assert first <= TODAY - timedelta(weeks=9)
    assert last <= TODAY
    assert last >= TODAY - timedelta(days=3)
    # Spread over the weeks, not bunched up: every one of the ten weeks has activity.
    weeks = {(TODAY - t.date()).days // 7 for t in times}
    assert weeks >= set(range(10))


def test_some_cards_past_window_some_overdue(demo_db: Database) -> None:
    live = store.list_cards(demo_db, TODAY)
    assert sum(c.urgency.past_window for c in live) >= 5
    assert sum(c.overdue for c in live) >= 5
    assert sum(c.review_due for c in live) >= 5
    assert sum(c.next_date is None for c in live) >= 1
    assert sum(c.next_date is not None and c.next_date > TODAY for c in live) >= 5
    # ...but not everything is on fire.
    assert sum(not c.overdue and not c.review_due for c in live) >= 5
    summary = store.summary(demo_db, TODAY)
    assert summary.live == len(live)
    assert summary.overdue == sum(c.overdue for c in live)


def test_key_accounts_exist(demo_db: Database) -> None:
    cards = store.list_cards(demo_db, TODAY, statuses=ALL_STATUSES)
    keys = [c for c in cards if c.key_account]
    assert len(keys) >= 3
    assert any(c.status == "customer" for c in keys)


def test_closed_cards_have_no_next_step_and_a_closing_date(demo_db: Database) -> None:
    for status, next_date, closed_at in rows(
        demo_db, "SELECT status, next_date, closed_at FROM prospect"
    ):
        if status == "live":
            assert closed_at is None
        else:
            assert next_date is None
            assert closed_at is not None


def test_timeline_is_consistent(demo_db: Database) -> None:
    """Nothing happens to a card before it was created, or in the future."""
    for pid, created, graded, reviewed, touched, closed in rows(
        demo_db,
        "SELECT id, created_at, graded_at, reviewed_at, touched_at, closed_at FROM prospect",
    ):
        born = datetime.fromisoformat(created).date()
        assert born <= TODAY
        for stamp in (graded, reviewed, touched, closed):
            if stamp is not None:
                assert born <= datetime.fromisoformat(stamp).date() <= TODAY, pid
    bad = rows(
        demo_db,
        "SELECT a.prospect_id, a.kind, a.at, p.created_at FROM activity a "
        "JOIN prospect p ON p.id = a.prospect_id "
        "WHERE substr(a.at, 1, 10) < substr(p.created_at, 1, 10)",
    )
    assert bad == []


def test_grade_activities_end_at_the_current_grade(demo_db: Database) -> None:
    for grade, from_grade, to_grade in rows(
        demo_db,
        "SELECT p.grade, a.from_grade, a.to_grade FROM activity a "
        "JOIN prospect p ON p.id = a.prospect_id WHERE a.kind = 'grade'",
    ):
        assert to_grade == grade
        assert from_grade in ("A", "B", "C") and from_grade != to_grade


def test_cards_open_in_detail(demo_db: Database) -> None:
    for pid in (1, COUNT // 2, COUNT):
        detail = store.get_prospect(demo_db, pid, TODAY)
        assert detail["name"]
        assert all(a.at.date() <= TODAY for a in detail.activities)


# --------------------------------------------------------------------------- reproducibility


def test_same_seed_same_data(db: Database, other_db: Database) -> None:
    fill_demo(db, TODAY, 120, seed=3)
    fill_demo(other_db, TODAY, 120, seed=3)
    assert dump(db) == dump(other_db)


def test_default_seed_is_reproducible(db: Database, other_db: Database) -> None:
    fill_demo(db, TODAY, 50)
    fill_demo(other_db, TODAY, 50)
    assert dump(db) == dump(other_db)


def test_different_seed_different_data(db: Database, other_db: Database) -> None:
    fill_demo(db, TODAY, 50, seed=1)
    fill_demo(other_db, TODAY, 50, seed=2)
    assert dump(db)[0] != dump(other_db)[0]


def test_dates_follow_today(db: Database, other_db: Database) -> None:
    later = TODAY + timedelta(days=10)
    fill_demo(db, TODAY, 40)
    fill_demo(other_db, later, 40)
    a = rows(db, "SELECT max(created_at) FROM prospect")[0][0]
    b = rows(other_db, "SELECT max(created_at) FROM prospect")[0][0]
    assert datetime.fromisoformat(b) - datetime.fromisoformat(a) == timedelta(days=10)


# --------------------------------------------------------------------------- appending, replacing


def test_fill_appends_after_existing_cards(db: Database) -> None:
    mine = store.add_prospect(db, NOW, "My Own Card", grade="A")
    fill_demo(db, TODAY, 20)
    assert store.count_prospects(db) == 21
    assert store.get_prospect(db, mine, TODAY)["name"] == "My Own Card"
    fill_demo(db, TODAY, 20)
    assert store.count_prospects(db) == 41
    assert rows(db, "SELECT count(DISTINCT id) FROM prospect") == [(41,)]


def test_fill_replace_starts_over(db: Database) -> None:
    store.add_prospect(db, NOW, "My Own Card")
    fill_demo(db, TODAY, 20)
    fill_demo(db, TODAY, 15, replace=True)
    assert store.count_prospects(db) == 15
    assert rows(db, "SELECT count(*) FROM prospect WHERE name = 'My Own Card'") == [(0,)]
    assert store.undo(db) is None  # the journal of replaced cards is gone
    orphans = rows(db, "SELECT count(*) FROM activity WHERE prospect_id NOT IN "
                       "(SELECT id FROM prospect)")
    assert orphans == [(0,)]


def test_progress_reports_every_card(db: Database) -> None:
    seen: list[int] = []
    fill_demo(db, TODAY, 30, progress=seen.append)
    assert sum(seen) == 30


def test_fill_is_all_or_nothing(db: Database) -> None:
    store.add_prospect(db, NOW, "Keep Me")
    before = dump(db)

    def boom(_done: int) -> None:
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        fill_demo(db, TODAY, 30, progress=boom)
    assert dump(db) == before
    with pytest.raises(RuntimeError):
        fill_demo(db, TODAY, 30, replace=True, progress=boom)
    assert dump(db) == before
    # The database is still usable afterwards.
    fill_demo(db, TODAY, 5)
    assert store.count_prospects(db) == 6


def test_fill_zero(db: Database) -> None:
    assert fill_demo(db, TODAY, 0) == 0
    assert store.count_prospects(db) == 0


def test_demo_respects_given_today_not_the_clock(db: Database) -> None:
    past = date(2020, 3, 4)
    fill_demo(db, past, 30)
    latest = max(datetime.fromisoformat(at).date()
                 for (at,) in rows(db, "SELECT created_at FROM prospect"))
    assert latest <= past
