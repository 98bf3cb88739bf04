"""Tests for salesdesk.data.store: the commands and queries shared by the TUI and the CLI.

All times are explicit; the database is a fresh file per test (the ``db`` fixture).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.errors import InputError, NotFound
from salesdesk.models import Status
from salesdesk.rules.grading import Grade

from .conftest import NOW, TODAY

ALL_STATUSES = tuple(s.value for s in Status)


def days_ago(days: int, hour: int = 10) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days), datetime.min.time()).replace(hour=hour)


def add(db: Database, name: str, *, at: datetime = NOW, **values: Any) -> int:
    return store.add_prospect(db, at, name, **values)


def names(cards: list[store.CardRow]) -> list[str]:
    return [c.name for c in cards]


def state(db: Database, pid: int) -> tuple[dict[str, Any], tuple[store.ActivityRow, ...]]:
    """The card and its timeline, without ``updated_at``: undo is a write too, so it
    stamps what it puts back with its own time."""
    detail = store.get_prospect(db, pid, TODAY)
    return {k: v for k, v in detail.fields.items() if k != "updated_at"}, detail.activities


def journal_size(db: Database) -> int:
    with db.connect() as conn:
        return int(conn.execute("SELECT count(*) FROM journal").fetchone()[0])


def activity_count(db: Database) -> int:
    with db.connect() as conn:
        return int(conn.execute("SELECT count(*) FROM activity").fetchone()[0])


# --------------------------------------------------------------------------- add_prospect


def test_add_prospect_defaults(db: Database) -> None:
    pid = add(db, "  Alice Smith  ")
    p = store.get_prospect(db, pid, TODAY)
    assert p["name"] == "Alice Smith"
    assert p["grade"] == "C"
    assert p["status"] == "live"
    assert p["stage"] == "target"
    assert p["money"] == p["authority"] == p["need"] == "unknown"
    assert p["created_at"] == NOW
    assert p["graded_at"] == NOW
    assert p["reviewed_at"] is None and p["touched_at"] is None
    assert p["next_date"] is None
    assert p["key_account"] is False
    assert p["company"] == "" and p["notes"] == ""
    assert store.count_prospects(db) == 1
    assert store.last_change(db) == "add Alice Smith"


def test_add_prospect_with_values(db: Database) -> None:
    pid = add(db, "王伟", company="华信科技有限公司", grade="A", value=12000.0,
              next_date=date(2026, 11, 20), key_account=True, phone="13812345678")
    p = store.get_prospect(db, pid, TODAY)
    assert p["name"] == "王伟"
    assert p["company"] == "华信科技有限公司"
    assert p["grade"] == "A"
    assert p["value"] == 12000.0
    assert p["next_date"] == date(2026, 11, 20)
    assert p["key_account"] is True
    assert p["phone"] == "13812345678"


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_add_prospect_needs_a_name(db: Database, name: str) -> None:
    with pytest.raises(InputError, match="name"):
        add(db, name)
    assert store.count_prospects(db) == 0
    assert journal_size(db) == 0


def test_add_prospect_rejects_unknown_fields(db: Database) -> None:
    with pytest.raises(InputError, match="colour"):
        add(db, "Bob", colour="red")
    assert store.count_prospects(db) == 0


@pytest.mark.parametrize("grade", ["D", "a", "", "AB"])
def test_add_prospect_rejects_bad_grade(db: Database, grade: str) -> None:
    with pytest.raises(InputError, match="grade"):
        add(db, "Bob", grade=grade)
    assert store.count_prospects(db) == 0


# --------------------------------------------------------------------------- list_cards


def test_list_cards_urgency_order(db: Database) -> None:
    calm_c = add(db, "Calm C", grade="C")
    calm_a = add(db, "Calm A", grade="A")
    calm_b = add(db, "Calm B", grade="B")
    overdue = add(db, "Overdue", grade="A", next_date=TODAY - timedelta(days=3))
    past = add(db, "Past window", grade="C", at=days_ago(95))
    cards = store.list_cards(db, TODAY)
    assert [c.id for c in cards] == [overdue, past, calm_a, calm_b, calm_c]
    scores = [c.urgency.score for c in cards]
    assert scores == sorted(scores, reverse=True)
    assert cards[0].overdue and cards[0].urgency.overdue_days == 3
    assert cards[1].urgency.past_window and cards[1].review_due


def test_list_cards_ties_keep_the_oldest_card_first(db: Database) -> None:
    first = add(db, "bravo", grade="B")
    second = add(db, "Alpha", grade="B")
    third = add(db, "alpha", grade="B")
    cards = store.list_cards(db, TODAY)
    assert len({c.urgency.score for c in cards}) == 1
    assert [c.id for c in cards] == [first, second, third]


def test_list_cards_grade_and_status_filters(db: Database) -> None:
    a = add(db, "Ann", grade="A")
    b = add(db, "Bea", grade="B")
    c = add(db, "Cat", grade="C")
    won = add(db, "Won", grade="A")
    parked = add(db, "Parked", grade="B")
    store.set_status(db, NOW, won, "customer", value=5000.0)
    store.set_status(db, NOW, parked, "parked")

    assert {x.id for x in store.list_cards(db, TODAY)} == {a, b, c}
    assert [x.id for x in store.list_cards(db, TODAY, grade="A")] == [a]
    assert [x.id for x in store.list_cards(db, TODAY, grade="B")] == [b]
    assert [x.id for x in store.list_cards(db, TODAY, statuses=["customer"])] == [won]
    assert {x.id for x in store.list_cards(db, TODAY, statuses=["customer", "parked"])} == {
        won, parked}
    assert {x.id for x in store.list_cards(db, TODAY, statuses=ALL_STATUSES)} == {
        a, b, c, won, parked}
    assert [x.id for x in store.list_cards(db, TODAY, statuses=ALL_STATUSES, grade="A")] in (
        [a, won], [won, a])
    assert store.list_cards(db, TODAY, statuses=["lost"]) == []
    assert [x.id for x in store.list_cards(db, TODAY, ids=[b, c, 999])] == [b, c]
    assert store.list_cards(db, TODAY, ids=[]) == []


@pytest.fixture
def searchable(db: Database) -> dict[str, int]:
    return {
        "wang": add(db, "王伟", company="华信科技有限公司", phone="13812345678"),
        "li": add(db, "李娜", company="东方贸易公司", notes="喜欢下午联系，王总介绍的。"),
        "alice": add(db, "Alice Smith", company="Northwind Traders", phone="+44 20 7946 0000"),
        "bob": add(db, "Bob Jones", company="Acme Supplies", notes="Prefers calls after 3pm."),
        "pct": add(db, "100% Cotton Ltd"),
        "no_pct": add(db, "100 Cotton Ltd"),
        "under": add(db, "Dept a_b"),
        "no_under": add(db, "Dept axb"),
        "slash": add(db, "Back\\slash"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("王", {"wang", "li"}),  # name of one card, note of the other
        ("王伟", {"wang"}),
        ("华信", {"wang"}),
        ("下午", {"li"}),
        ("alice", {"alice"}),
        ("ALICE", {"alice"}),
        ("sMiTh", {"alice"}),
        ("northwind", {"alice"}),
        ("ACME", {"bob"}),
        ("3PM", {"bob"}),
        ("1381234", {"wang"}),
        ("7946", {"alice"}),
        ("alice northwind", {"alice"}),  # every term must match
        ("alice acme", set()),
        ("  bob   jones ", {"bob"}),
        ("100%", {"pct"}),
        ("%", {"pct"}),
        ("a_b", {"under"}),
        ("_", {"under"}),
        ("\\", {"slash"}),
        ("nobody", set()),
    ],
)
def test_list_cards_search(
    db: Database, searchable: dict[str, int], query: str, expected: set[str]
) -> None:
    by_id = {pid: key for key, pid in searchable.items()}
    found = {by_id[c.id] for c in store.list_cards(db, TODAY, search=query)}
    assert found == expected


@pytest.mark.parametrize("query", [None, "", "   "])
def test_list_cards_empty_search_matches_all(
    db: Database, searchable: dict[str, int], query: str | None
) -> None:
    assert len(store.list_cards(db, TODAY, search=query)) == len(searchable)


def test_list_cards_search_accented_latin_is_case_insensitive(db: Database) -> None:
    pid = add(db, "Émile Zoë Dupré")
    assert [c.id for c in store.list_cards(db, TODAY, search="émile")] == [pid]
    assert [c.id for c in store.list_cards(db, TODAY, search="ZOË")] == [pid]


def test_list_cards_due_only(db: Database) -> None:
    fresh = add(db, "Fresh", grade="B")
    overdue = add(db, "Overdue", grade="B", next_date=TODAY - timedelta(days=1))
    review = add(db, "Review", grade="A", at=days_ago(2))  # A: looked at daily
    past = add(db, "Past", grade="C", at=days_ago(100))
    won = add(db, "Won", grade="A", at=days_ago(100))
    store.set_status(db, NOW, won, "customer")
    due = {c.id for c in store.list_cards(db, TODAY, due_only=True)}
    assert due == {overdue, review, past}
    assert fresh not in due
    everything = store.list_cards(db, TODAY, statuses=ALL_STATUSES, due_only=True)
    assert won not in {c.id for c in everything}  # closed cards are never due


def test_get_card_and_prospect_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        store.get_card(db, 42, TODAY)
    with pytest.raises(NotFound):
        store.get_prospect(db, 42, TODAY)


# --------------------------------------------------------------------------- regrade


def test_regrade_records_activity(db: Database) -> None:
    pid = add(db, "Carla", grade="C", at=days_ago(20))
    when = NOW - timedelta(hours=1)
    assert store.regrade(db, when, pid, "A") == "C"
    p = store.get_prospect(db, pid, TODAY)
    assert p["grade"] == "A"
    assert p["graded_at"] == when
    assert p["reviewed_at"] == when
    assert len(p.activities) == 1
    act = p.activities[0]
    assert act.kind == "grade"
    assert (act.from_grade, act.to_grade) == ("C", "A")
    assert act.at == when
    assert "Carla" in (store.last_change(db) or "")


def test_regrade_same_grade_is_a_review(db: Database) -> None:
    pid = add(db, "Keep", grade="B", at=days_ago(10))
    assert store.get_card(db, pid, TODAY).review_due
    assert store.regrade(db, NOW, pid, "B") == "B"
    p = store.get_prospect(db, pid, TODAY)
    assert p["grade"] == "B"
    assert p["reviewed_at"] == NOW
    assert p.activities == ()
    assert not store.get_card(db, pid, TODAY).review_due
    assert "review" in (store.last_change(db) or "")


def test_regrade_closed_card_becomes_live(db: Database) -> None:
    pid = add(db, "Parked", grade="B", at=days_ago(5))
    store.set_status(db, days_ago(2), pid, "parked")
    assert store.get_prospect(db, pid, TODAY)["closed_at"] is not None
    store.regrade(db, NOW, pid, "B")
    p = store.get_prospect(db, pid, TODAY)
    assert p["status"] == "live"
    assert p["closed_at"] is None
    assert p["grade"] == "B"
    assert p.activities[0].kind == "grade"
    assert pid in {c.id for c in store.list_cards(db, TODAY)}


def test_regrade_unknown_id(db: Database) -> None:
    with pytest.raises(NotFound):
        store.regrade(db, NOW, 99, "A")
    assert journal_size(db) == 0


# --------------------------------------------------------------------------- log_touch


def test_log_touch_records_activity_and_next_step(db: Database) -> None:
    pid = add(db, "Dave", at=days_ago(30))
    aid = store.log_touch(db, NOW, pid, " Call ", "talked prices", outcome="good",
                          next_date=date(2026, 11, 20), next_action="send quote",
                          next_topic="delivery terms")
    p = store.get_prospect(db, pid, TODAY)
    assert p["touched_at"] == NOW
    assert p["next_date"] == date(2026, 11, 20)
    assert p["next_action"] == "send quote"
    assert p["next_topic"] == "delivery terms"
    assert [a.id for a in p.activities] == [aid]
    act = p.activities[0]
    assert (act.kind, act.note, act.outcome, act.at) == ("call", "talked prices", "good", NOW)
    assert store.get_card(db, pid, TODAY).days_since_touch == 0


def test_log_touch_keeps_next_step_unless_told(db: Database) -> None:
    pid = add(db, "Eve", next_date=date(2026, 11, 25), next_action="demo")
    store.log_touch(db, NOW, pid, "message", "sent brochure")
    p = store.get_prospect(db, pid, TODAY)
    assert p["next_date"] == date(2026, 11, 25) and p["next_action"] == "demo"

    store.log_touch(db, NOW + timedelta(minutes=5), pid, "visit", clear_next=True)
    p = store.get_prospect(db, pid, TODAY)
    assert p["next_date"] is None and p["next_action"] == ""
    assert [a.kind for a in p.activities] == ["visit", "message"]  # newest first


def test_log_touch_clear_and_set_together(db: Database) -> None:
    pid = add(db, "Finn", next_date=date(2026, 11, 25), next_action="demo")
    store.log_touch(db, NOW, pid, "call", clear_next=True, next_date=date(2026, 12, 1))
    p = store.get_prospect(db, pid, TODAY)
    assert p["next_date"] == date(2026, 12, 1)
    assert p["next_action"] == ""


@pytest.mark.parametrize("kind", ["phone", "", "calls", "grade", "status", "edit"])
def test_log_touch_bad_kind(db: Database, kind: str) -> None:
    pid = add(db, "Gus")
    before = state(db, pid)
    with pytest.raises(InputError, match="call, visit"):
        store.log_touch(db, NOW, pid, kind, "x")
    assert state(db, pid) == before


def test_log_touch_unknown_id(db: Database) -> None:
    with pytest.raises(NotFound):
        store.log_touch(db, NOW, 7, "call")
    assert activity_count(db) == 0


# --------------------------------------------------------------------------- set_next_step


def test_set_next_step(db: Database) -> None:
    pid = add(db, "Hana", next_action="old action")
    store.set_next_step(db, NOW, pid, date(2026, 11, 16))
    p = store.get_prospect(db, pid, TODAY)
    assert p["next_date"] == date(2026, 11, 16)
    assert p["next_action"] == "old action"
    assert store.get_card(db, pid, TODAY).overdue

    store.set_next_step(db, NOW, pid, date(2026, 11, 19), "visit with samples")
    p = store.get_prospect(db, pid, TODAY)
    assert (p["next_date"], p["next_action"]) == (date(2026, 11, 19), "visit with samples")
    assert not store.get_card(db, pid, TODAY).overdue

    store.set_next_step(db, NOW, pid, None)
    assert store.get_prospect(db, pid, TODAY)["next_date"] is None
    with pytest.raises(NotFound):
        store.set_next_step(db, NOW, 99, TODAY)


# --------------------------------------------------------------------------- update_fields


def test_update_fields_edit(db: Database) -> None:
    pid = add(db, "Ivy", at=days_ago(3))
    changed = store.update_fields(db, NOW, pid, {"company": "Acme", "phone": "123",
                                                 "key_account": True, "value": 5000.0})
    assert sorted(changed) == ["company", "key_account", "phone", "value"]
    p = store.get_prospect(db, pid, TODAY)
    assert (p["company"], p["phone"], p["key_account"], p["value"]) == ("Acme", "123", True, 5000.0)
    assert [a.kind for a in p.activities] == ["edit"]
    assert "company" in p.activities[0].note
    assert p["graded_at"] == days_ago(3)  # untouched by a plain edit


def test_update_fields_grade_change_recorded(db: Database) -> None:
    pid = add(db, "Jack", grade="C", at=days_ago(3))
    assert store.update_fields(db, NOW, pid, {"grade": "A"}) == ["grade"]
    p = store.get_prospect(db, pid, TODAY)
    assert p["grade"] == "A"
    assert p["graded_at"] == NOW and p["reviewed_at"] == NOW
    assert [(a.kind, a.from_grade, a.to_grade) for a in p.activities] == [("grade", "C", "A")]


def test_update_fields_status_change(db: Database) -> None:
    pid = add(db, "Kim", at=days_ago(3))
    store.update_fields(db, NOW, pid, {"status": "dropped"})
    p = store.get_prospect(db, pid, TODAY)
    assert p["status"] == "dropped"
    assert p["closed_at"] == NOW
    assert [a.kind for a in p.activities] == ["status"]
    assert "dropped" in p.activities[0].note

    store.update_fields(db, NOW + timedelta(minutes=1), pid, {"status": "live"})
    p = store.get_prospect(db, pid, TODAY)
    assert p["status"] == "live" and p["closed_at"] is None


def test_update_fields_mixed_records_each_kind(db: Database) -> None:
    pid = add(db, "Lee", grade="B")
    store.update_fields(db, NOW, pid, {"grade": "C", "status": "parked", "notes": "later"})
    kinds = sorted(a.kind for a in store.get_prospect(db, pid, TODAY).activities)
    assert kinds == ["edit", "grade", "status"]


def test_update_fields_status_and_grade_follow_the_board_rules(db: Database) -> None:
    """Editing Status or Grade in the card detail does what W, p/x and a/b/c do."""
    pid = add(db, "Pia", grade="A", next_date=date(2026, 11, 25), next_action="send quote",
              stage="intentional")
    store.update_fields(db, NOW, pid, {"status": "customer"})
    p = store.get_prospect(db, pid, TODAY)
    assert (p["status"], p["stage"], p["next_date"]) == ("customer", "customer", None)
    assert p["closed_at"] == NOW

    # Grading a closed card puts it back on the board, as `b` on the closed view does.
    later = NOW + timedelta(minutes=5)
    store.update_fields(db, later, pid, {"grade": "B"})
    p = store.get_prospect(db, pid, TODAY)
    assert (p["status"], p["grade"], p["closed_at"], p["graded_at"]) == ("live", "B", None, later)
    kinds = [(a.kind, a.from_grade, a.to_grade) for a in p.activities]
    assert ("grade", "A", "B") in kinds and [k for k, _, _ in kinds].count("status") == 2

    # The same regrade from the board gives the same row (apart from ids and times).
    twin = add(db, "Pia twin", grade="A", next_date=date(2026, 11, 25),
               next_action="send quote", stage="intentional")
    store.set_status(db, NOW, twin, "customer")
    store.regrade(db, later, twin, "B")
    ignore = {"id", "uuid", "name", "created_at", "touched_at"}
    edited, boarded = (
        {k: v for k, v in store.get_prospect(db, i, TODAY).fields.items() if k not in ignore}
        for i in (pid, twin)
    )
    assert edited == boarded
    for _ in range(3):  # the twin's regrade, win and creation
        store.undo(db)
    assert store.undo(db) is not None  # the edit of the grade, as one change
    p = store.get_prospect(db, pid, TODAY)
    assert (p["status"], p["grade"], p["stage"]) == ("customer", "A", "customer")


def test_update_fields_grade_and_live_status_reopen_once(db: Database) -> None:
    pid = add(db, "Quin", grade="C")
    store.set_status(db, NOW, pid, "parked")
    store.update_fields(db, NOW + timedelta(minutes=1), pid, {"grade": "A", "status": "live"})
    p = store.get_prospect(db, pid, TODAY)
    assert (p["status"], p["grade"]) == ("live", "A")
    notes = [a.note for a in p.activities if a.kind == "status"]
    assert notes == ["parked → live", "live → parked"]  # no "live → live"


def test_update_fields_no_op_when_unchanged(db: Database) -> None:
    pid = add(db, "Mia", company="Acme", grade="B", value=100.0,
              next_date=date(2026, 12, 1), key_account=False)
    before = state(db, pid)
    journal = journal_size(db)
    changed = store.update_fields(db, NOW, pid, {
        "name": "Mia", "company": "Acme", "grade": "B", "value": 100.0,
        "next_date": date(2026, 12, 1), "key_account": False,
    })
    assert changed == []
    assert state(db, pid) == before
    assert journal_size(db) == journal
    assert store.last_change(db) == "add Mia"


def test_text_longer_than_a_field_holds_is_refused_everywhere(db: Database) -> None:
    from salesdesk.rules.fields import MAX_TEXT

    with pytest.raises(InputError, match="Name is too long"):
        store.add_prospect(db, NOW, "x" * (MAX_TEXT + 1))
    with pytest.raises(InputError, match="Company is too long"):
        store.add_prospect(db, NOW, "Ok", company="y" * (MAX_TEXT + 1))
    assert store.count_prospects(db) == 0
    pid = add(db, "Fine", notes="n" * MAX_TEXT)  # exactly the limit is fine
    with pytest.raises(InputError, match="too long"):
        store.update_fields(db, NOW, pid, {"notes": "n" * (MAX_TEXT + 1)})


@pytest.mark.parametrize("name", ["\x07\x1b", "\u200b", " \u200d\t", "\u202e"])
def test_a_name_must_show_something(db: Database, name: str) -> None:
    with pytest.raises(InputError, match="needs a name"):
        store.add_prospect(db, NOW, name)
    pid = add(db, "Visible")
    with pytest.raises(InputError, match="Name cannot be empty"):
        store.update_fields(db, NOW, pid, {"name": name})
    assert store.add_prospect(db, NOW, "\u200b王\u200b") > 0  # something shows: fine


@pytest.mark.parametrize("name", ["", "   "])
def test_update_fields_rejects_empty_name(db: Database, name: str) -> None:
    pid = add(db, "Noah")
    with pytest.raises(InputError, match="(?i)name"):
        store.update_fields(db, NOW, pid, {"name": name})
    assert store.get_prospect(db, pid, TODAY)["name"] == "Noah"


def test_update_fields_rejects_unknown_field_and_id(db: Database) -> None:
    pid = add(db, "Olga")
    with pytest.raises(InputError, match="shoe_size"):
        store.update_fields(db, NOW, pid, {"shoe_size": "42"})
    with pytest.raises(NotFound):
        store.update_fields(db, NOW, 99, {"company": "x"})


# --------------------------------------------------------------------------- set_status


def test_set_status_customer_with_value(db: Database) -> None:
    pid = add(db, "Paul", grade="A", next_date=date(2026, 11, 20), next_action="send quote")
    assert store.set_status(db, NOW, pid, "customer", value=12000.0) == "live"
    p = store.get_prospect(db, pid, TODAY)
    assert p["status"] == "customer"
    assert p["stage"] == "customer"
    assert p["value"] == 12000.0
    assert p["closed_at"] == NOW
    assert p["next_date"] is None and p["next_action"] == ""  # no next step left at all
    assert p.activities[0].kind == "status"
    assert "customer" in p.activities[0].note and "12,000" in p.activities[0].note
    assert store.last_change(db) == "won Paul"
    assert pid not in {c.id for c in store.list_cards(db, TODAY)}


@pytest.mark.parametrize("status", ["live", "customer", "parked", "dropped", "lost"])
def test_setting_the_status_a_card_has_is_refused_and_records_nothing(
    db: Database, status: str
) -> None:
    pid = add(db, "Rae")
    if status != "live":
        store.set_status(db, NOW, pid, status, value=500.0)
    before = state(db, pid), journal_size(db)
    with pytest.raises(InputError, match="Rae is already"):
        store.set_status(db, NOW, pid, status, value=5000.0)
    assert (state(db, pid), journal_size(db)) == before


@pytest.mark.parametrize("status", ["parked", "dropped", "lost"])
def test_set_status_closed(db: Database, status: str) -> None:
    pid = add(db, "Quinn", value=300.0, next_date=date(2026, 11, 20))
    store.set_status(db, NOW, pid, status)
    p = store.get_prospect(db, pid, TODAY)
    assert p["status"] == status
    assert p["closed_at"] == NOW
    assert p["value"] == 300.0
    assert p["stage"] == "target"
    assert store.closed_counts(db) == {status: 1}


def test_set_status_reopen(db: Database) -> None:
    pid = add(db, "Rosa")
    store.set_status(db, NOW, pid, "parked")
    assert store.set_status(db, NOW + timedelta(minutes=1), pid, "live") == "parked"
    p = store.get_prospect(db, pid, TODAY)
    assert p["status"] == "live" and p["closed_at"] is None
    with pytest.raises(NotFound):
        store.set_status(db, NOW, 99, "parked")


# --------------------------------------------------------------------------- undo


def test_undo_nothing(db: Database) -> None:
    assert store.undo(db) is None
    assert store.last_change(db) is None


def test_undo_add_prospect_deletes_card(db: Database) -> None:
    pid = add(db, "Sam")
    result = store.undo(db)
    assert result is not None
    assert result.label == "add Sam"
    assert result.prospect_ids == (pid,)
    assert store.count_prospects(db) == 0
    with pytest.raises(NotFound):
        store.get_prospect(db, pid, TODAY)
    assert store.undo(db) is None


def test_undo_each_change_exactly_in_reverse_order(db: Database) -> None:
    other = add(db, "Bystander", grade="B", at=days_ago(50), company="Acme")
    pid = add(db, "Tara", grade="C", at=days_ago(40), company="Old Co",
              next_date=date(2026, 11, 10), next_action="call back", value=100.0)
    bystander = state(db, other)
    steps: list[tuple[str, tuple[dict[str, Any], tuple[store.ActivityRow, ...]]]] = []

    def step(label: str, action: Any) -> None:
        steps.append((label, state(db, pid)))
        action()
        assert store.last_change(db) is not None

    t = NOW - timedelta(hours=5)
    step("regrade", lambda: store.regrade(db, t, pid, "B"))
    step("keep", lambda: store.regrade(db, t + timedelta(minutes=1), pid, "B"))
    step("log", lambda: store.log_touch(db, t + timedelta(minutes=2), pid, "visit", "met",
                                        next_date=date(2026, 11, 21), next_action="quote",
                                        next_topic="kids"))
    step("clear", lambda: store.log_touch(db, t + timedelta(minutes=3), pid, "call",
                                          clear_next=True))
    step("next", lambda: store.set_next_step(db, t + timedelta(minutes=4), pid,
                                             date(2026, 11, 30), "demo"))
    step("edit", lambda: store.update_fields(db, t + timedelta(minutes=5), pid, {
        "company": "新公司", "key_account": True, "birthday": date(1980, 5, 6),
        "grade": "A", "money": "yes"}))
    step("won", lambda: store.set_status(db, t + timedelta(minutes=6), pid, "customer",
                                         value=9999.5))
    step("reopen", lambda: store.regrade(db, t + timedelta(minutes=7), pid, "A"))
    step("drop", lambda: store.set_status(db, t + timedelta(minutes=8), pid, "dropped"))

    assert state(db, pid) != steps[-1][1]
    for label, before in reversed(steps):
        result = store.undo(db)
        assert result is not None, label
        assert result.prospect_ids == (pid,), label
        assert state(db, pid) == before, label
        assert state(db, other) == bystander, label
    assert store.last_change(db) == "add Tara"
    assert activity_count(db) == 0

    store.undo(db)
    store.undo(db)
    assert store.count_prospects(db) == 0
    assert store.undo(db) is None


def test_undo_restores_the_board(db: Database) -> None:
    a = add(db, "Uma", grade="A")
    b = add(db, "Vic", grade="B", next_date=TODAY - timedelta(days=2))
    before = [(c.id, c.urgency) for c in store.list_cards(db, TODAY)]
    store.regrade(db, NOW, a, "C")
    store.set_status(db, NOW, b, "lost")
    store.undo(db)
    store.undo(db)
    assert [(c.id, c.urgency) for c in store.list_cards(db, TODAY)] == before


def test_undo_after_partial_undo_and_new_change(db: Database) -> None:
    pid = add(db, "Will", grade="C")
    store.log_touch(db, NOW, pid, "call", "one")
    store.log_touch(db, NOW + timedelta(minutes=1), pid, "call", "two")
    store.undo(db)  # drops "two"
    store.log_touch(db, NOW + timedelta(minutes=2), pid, "note", "three")
    assert [a.note for a in store.get_prospect(db, pid, TODAY).activities] == ["three", "one"]
    store.undo(db)
    assert [a.note for a in store.get_prospect(db, pid, TODAY).activities] == ["one"]
    store.undo(db)
    assert store.get_prospect(db, pid, TODAY).activities == ()
    assert store.get_prospect(db, pid, TODAY)["touched_at"] is None


def test_no_op_edit_is_not_undone(db: Database) -> None:
    pid = add(db, "Xia", company="Acme")
    store.regrade(db, NOW, pid, "A")
    store.update_fields(db, NOW, pid, {"company": "Acme"})
    result = store.undo(db)
    assert result is not None and "regrade" in result.label
    assert store.get_prospect(db, pid, TODAY)["grade"] == "C"


def test_failed_command_writes_no_journal(db: Database) -> None:
    pid = add(db, "Yan")
    for bad in (
        lambda: store.log_touch(db, NOW, pid, "phone"),
        lambda: store.regrade(db, NOW, 99, "A"),
        lambda: store.update_fields(db, NOW, pid, {"name": ""}),
    ):
        with pytest.raises((InputError, NotFound)):
            bad()
    assert journal_size(db) == 1


# --------------------------------------------------------------------------- summary


def test_summary_empty(db: Database) -> None:
    s = store.summary(db, TODAY)
    assert s.by_grade == {"A": 0, "B": 0, "C": 0}
    assert (s.due, s.overdue, s.live, s.pool_target) == (0, 0, 0, 50)
    assert s.closed == {}


def test_summary_counts(db: Database) -> None:
    add(db, "A fresh", grade="A")
    add(db, "A due", grade="A", at=days_ago(1))  # looked at yesterday: due
    add(db, "B overdue", grade="B", next_date=TODAY - timedelta(days=1))
    add(db, "B past", grade="B", at=days_ago(31), next_date=TODAY - timedelta(days=5))
    add(db, "C fresh", grade="C", next_date=TODAY)
    won = add(db, "Won", grade="A")
    lost = add(db, "Lost", grade="B", next_date=TODAY - timedelta(days=9))
    store.set_status(db, NOW, won, "customer", value=10.0)
    store.set_status(db, NOW, lost, "lost")

    s = store.summary(db, TODAY)
    assert s.by_grade == {"A": 2, "B": 2, "C": 1}
    assert s.live == 5
    assert s.due == 2  # "A due" and "B past"
    assert s.overdue == 2  # both B cards; the lost card does not count
    assert s.pool_target == 50
    assert s.closed == {"customer": 1, "lost": 1}

    again = store.summarise(store.list_cards(db, TODAY), 50, store.closed_counts(db),
                            store.pipeline(db), store.complaint_counts(db))
    assert again == s
    assert s.pipeline is not None and s.pipeline.total == 0  # the won card's 10 is revenue


def test_summarise_counts_given_cards(db: Database) -> None:
    add(db, "One", grade="A", at=days_ago(20))
    add(db, "Two", grade="A", next_date=TODAY - timedelta(days=1))
    cards = store.list_cards(db, TODAY)
    s = store.summarise(cards, 7, {"parked": 3})
    assert s.by_grade == {"A": 2, "B": 0, "C": 0}
    assert (s.live, s.due, s.overdue, s.pool_target) == (2, 1, 1, 7)
    assert s.closed == {"parked": 3}


# --------------------------------------------------------------------------- settings


def test_pool_target_default_and_set(db: Database) -> None:
    assert store.pool_target(db) == store.DEFAULT_POOL_TARGET == 50
    assert store.get_setting(db, "pool_target") == "50"
    store.set_setting(db, "pool_target", "80")
    assert store.pool_target(db) == 80
    assert store.summary(db, TODAY).pool_target == 80
    store.set_setting(db, "pool_target", " 007 ")
    assert store.pool_target(db) == 7
    assert store.get_setting(db, "pool_target") == "7"


@pytest.mark.parametrize(
    "value", ["", "0", "-5", "abc", "1.5", "100001", "1e3", "²", "五十"],
)
def test_set_setting_rejects_bad_pool_target(db: Database, value: str) -> None:
    store.set_setting(db, "pool_target", "60")
    with pytest.raises(InputError, match="pool target"):
        store.set_setting(db, "pool_target", value)
    assert store.pool_target(db) == 60


def test_set_setting_rejects_unknown_key(db: Database) -> None:
    with pytest.raises(InputError, match="pool_target"):
        store.set_setting(db, "colour", "red")


def test_settings_are_not_in_the_undo_journal(db: Database) -> None:
    store.set_setting(db, "pool_target", "60")
    assert store.undo(db) is None
    assert store.pool_target(db) == 60


# --------------------------------------------------------------------------- CardRow


def test_card_row_values(db: Database) -> None:
    pid = add(db, "Zed", company="Acme", grade=Grade.B.value, value=2500.0, key_account=True,
              money="yes", authority="no", need="unknown", area="Downtown",
              next_date=date(2026, 11, 20), next_action="demo", at=days_ago(3))
    card = store.get_card(db, pid, TODAY)
    assert (card.id, card.name, card.company, card.grade, card.status) == (
        pid, "Zed", "Acme", Grade.B, "live")
    assert card.man == "Ma?"
    assert card.value == 2500.0 and card.key_account and card.area == "Downtown"
    assert card.next_date == date(2026, 11, 20) and card.next_action == "demo"
    assert card.graded_on == card.created_on == TODAY - timedelta(days=3)
    assert card.touched_on is None and card.reviewed_on is None
    assert card.days_since_touch == 3
    assert not card.overdue and not card.review_due
