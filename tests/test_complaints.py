"""Complaints in the data layer: recording, each step with its timeline entry and undo,
the board's urgency and header, and the first-contact clock of new inbound leads."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.errors import InputError
from salesdesk.rules.complaints import Step

from .conftest import NOW


def _timeline(db: Database, pid: int) -> list[str]:
    return [a.note for a in store.get_prospect(db, pid, NOW).activities if a.kind == "complaint"]


def test_every_step_is_a_column_a_timeline_entry_and_undoable(db: Database) -> None:
    pid = store.add_prospect(db, NOW, "Lin Hua", grade="B")
    received = NOW - timedelta(hours=3)
    cid = store.record_complaint(db, NOW, pid, "The screen flickers", expected="a fixed unit",
                                 channel="phone", received_at=received)
    row = store.get_complaint(db, cid)
    assert (row.received_at, row.channel, row.expected) == (received, "phone", "a fixed unit")
    steps = [
        (Step.ANSWERED, "called back", {}),
        (Step.CAUSE, "a bad batch", {"cause_kind": "quality"}),
        (Step.RESOLVED, "replaced the unit", {"compensation": "one month free"}),
    ]
    for step, text, extra in steps:
        store.take_step(db, NOW, cid, step, text, **extra)  # type: ignore[arg-type]
    row = store.get_complaint(db, cid)
    assert (row.answered_at, row.cause_kind, row.cause) == (NOW, "quality", "a bad batch")
    assert (row.resolution, row.compensation, row.resolved_at) == (
        "replaced the unit", "one month free", NOW)
    card = store.get_prospect(db, pid, NOW)
    # Resolving sets the follow-up a few days later (complaint_follow_up_days, 3).
    assert card["next_date"] == date(2026, 11, 21)
    assert card["next_action"] == "follow up the complaint"
    assert _timeline(db, pid) == [
        "complaint resolved: replaced the unit · compensation: one month free",
        "complaint cause: product quality · a bad batch",
        "complaint answered: called back",
        "complaint received (phone): The screen flickers · expected: a fixed unit",
    ]
    later = NOW + timedelta(days=3)
    store.take_step(db, later, cid, Step.FOLLOWED_UP, "happy now")
    store.take_step(db, later, cid, Step.LESSON, "check batches before delivery")
    card = store.get_prospect(db, pid, later)
    assert (card["next_date"], card["next_action"]) == (None, "")  # the follow-up is done
    assert store.last_change(db) == "complaint of Lin Hua: lesson"
    # Undo, step by step, back to nothing.
    for _ in range(6):
        assert store.undo(db) is not None
    assert store.list_complaints(db) == []
    assert _timeline(db, pid) == []
    assert store.get_prospect(db, pid, NOW)["next_date"] is None


def test_bad_steps_are_refused_and_change_nothing(db: Database) -> None:
    pid = store.add_prospect(db, NOW, "Bo")
    with pytest.raises(InputError, match="cannot be empty"):
        store.record_complaint(db, NOW, pid, "   ")
    with pytest.raises(InputError, match="later than now"):
        store.record_complaint(db, NOW, pid, "x", received_at=NOW + timedelta(hours=2))
    cid = store.record_complaint(db, NOW, pid, "rude on the phone")
    with pytest.raises(InputError, match="resolve the complaint first"):
        store.take_step(db, NOW, cid, Step.FOLLOWED_UP)
    with pytest.raises(InputError, match="invalid cause"):
        store.take_step(db, NOW, cid, Step.CAUSE, cause_kind="weather")
    with pytest.raises(InputError, match="before the complaint came in"):
        store.take_step(db, NOW, cid, Step.ANSWERED, at=NOW - timedelta(days=1))
    store.take_step(db, NOW, cid, Step.ANSWERED)
    with pytest.raises(InputError, match="already answered"):
        store.take_step(db, NOW, cid, Step.ANSWERED)
    assert store.last_change(db) == "complaint of Bo: answered"


def test_the_answer_clock_puts_the_card_first_and_the_header_counts_it(db: Database) -> None:
    overdue = store.add_prospect(db, NOW, "Overdue", grade="A", next_date=date(2026, 11, 10))
    calm = store.add_prospect(db, NOW, "Calm", grade="C")
    cid = store.record_complaint(db, NOW, calm, "broken", received_at=NOW - timedelta(hours=2))
    cards = store.list_cards(db, NOW)
    assert [c.id for c in cards] == [calm, overdue]
    first = cards[0]
    assert (first.complaint, first.complaint_due) == ("running", NOW + timedelta(hours=22))
    assert ("complaint: answer clock running", 200.0) in first.urgency.breakdown()
    later = NOW + timedelta(hours=23)
    assert store.get_card(db, calm, later).complaint == "missed"
    summary = store.summary(db, NOW)
    assert (summary.complaints.open, summary.complaints.next_due) == (1, NOW + timedelta(hours=22))
    store.take_step(db, NOW, cid, Step.ANSWERED)
    card = store.get_card(db, calm, NOW)
    assert card.complaint == "open"
    assert [c.id for c in store.list_cards(db, NOW)] == [overdue, calm]
    assert store.summary(db, NOW).complaints.next_due is None
    store.take_step(db, NOW, cid, Step.RESOLVED, "fixed")
    assert store.get_card(db, calm, NOW).complaint == ""
    assert store.summary(db, NOW).complaints.open == 0


def test_a_customers_complaint_counts_in_the_header(db: Database) -> None:
    pid = store.add_prospect(db, NOW, "Won already")
    store.set_status(db, NOW, pid, "customer", value=5000)
    store.record_complaint(db, NOW, pid, "invoice wrong")
    assert store.summary(db, NOW).complaints.open == 1
    assert store.list_cards(db, NOW, statuses=["customer"])[0].complaint == "running"


def test_the_header_says_how_many_complaints_are_late_not_just_the_nearest(db: Database) -> None:
    from salesdesk.render.board_header import clock_counts

    first = store.add_prospect(db, NOW, "First")
    second = store.add_prospect(db, NOW, "Second")
    store.record_complaint(db, NOW, first, "late", received_at=NOW - timedelta(hours=30))
    store.record_complaint(db, NOW, second, "fresh", received_at=NOW - timedelta(hours=2))
    summary = store.summary(db, NOW)
    assert summary.complaints.late(NOW) == 1
    assert "⚑ 2 (1 late)" in clock_counts(summary, NOW).plain
    later = NOW + timedelta(hours=23)
    assert "⚑ 2 (2 late)" in clock_counts(summary, later).plain
    assert "⚑ 2 by" in clock_counts(summary, NOW - timedelta(hours=10)).plain


# --------------------------------------------------------------------------- first contact

WED_5PM = datetime(2026, 11, 18, 17, 30)  # Wednesday 17:30: due 09:30 Thursday


def test_an_inbound_card_gets_a_first_contact_clock_a_touch_stops_it(db: Database) -> None:
    web = store.add_prospect(db, WED_5PM, "Web lead", source="Web")
    cold = store.add_prospect(db, WED_5PM, "Cold", source="cold call")
    assert store.get_prospect(db, web, WED_5PM)["first_contact_due"] == datetime(
        2026, 11, 19, 9, 30)
    assert store.get_prospect(db, cold, WED_5PM)["first_contact_due"] is None
    card = store.get_card(db, web, WED_5PM)
    assert (card.first_contact, card.first_contact_due) == (
        "running", datetime(2026, 11, 19, 9, 30))
    assert store.get_card(db, web, datetime(2026, 11, 19, 10)).first_contact == "missed"
    assert store.summary(db, datetime(2026, 11, 19, 10)).first_contact == (0, 1)
    store.log_touch(db, datetime(2026, 11, 19, 9, 0), web, "note", "just a note")
    assert store.get_card(db, web, datetime(2026, 11, 19, 9, 5)).first_contact == "running"
    store.log_touch(db, datetime(2026, 11, 19, 9, 10), web, "call")
    assert store.get_prospect(db, web, NOW)["first_contact_at"] == datetime(2026, 11, 19, 9, 10)
    assert store.get_card(db, web, datetime(2026, 11, 19, 12)).first_contact == ""
    store.undo(db)
    assert store.get_card(db, web, datetime(2026, 11, 19, 12)).first_contact == "missed"


def test_the_sources_and_hours_are_settings(db: Database) -> None:
    store.set_setting(db, "first_contact_sources", "trade fair")
    store.set_setting(db, "working_hours", "08:00-12:00")
    pid = store.add_prospect(db, WED_5PM, "Fair", source="Trade Fair")
    assert store.get_prospect(db, pid, NOW)["first_contact_due"] == datetime(2026, 11, 19, 9, 0)
    assert store.get_prospect(db, store.add_prospect(db, WED_5PM, "W", source="web"),
                              NOW)["first_contact_due"] is None
    with pytest.raises(InputError, match="working hours"):
        store.set_setting(db, "working_hours", "18:00-09:00")


def test_the_json_export_carries_complaints(db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from salesdesk.data.io.export import export_to_file

    pid = store.add_prospect(db, NOW, "Lin")
    cid = store.record_complaint(db, NOW, pid, "送货晚了", channel="微信")
    store.take_step(db, NOW, cid, Step.CAUSE, "truck broke down", cause_kind="other")
    path = tmp_path / "all.json"
    export_to_file(db.path, "json", path)
    (card,) = json.loads(path.read_text(encoding="utf-8"))
    (complaint,) = card["complaints"]
    assert (complaint["said"], complaint["channel"], complaint["cause_kind"]) == (
        "送货晚了", "微信", "other")
    assert complaint["received_at"] == "2026-11-18T09:00:00"
    assert complaint["answered_at"] is None and complaint["uuid"]
    assert card["first_contact_due"] is None


def test_an_import_starts_the_clock_of_new_inbound_leads_only(db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from salesdesk.data.io.importer import ImportOptions, run_import

    path = tmp_path / "leads.csv"
    path.write_text(
        "name,source,created_at\n"
        "Web One,web,\n"
        "Fair Two,Exhibition,\n"
        "Cold Three,cold list,\n"
        "Old Four,web,2025-03-01\n",
        encoding="utf-8",
    )
    friday_evening = datetime(2026, 11, 20, 19, 0)
    result = run_import(db, path, friday_evening, ImportOptions())
    assert result.created == 4
    due = {c.name: c.first_contact_due for c in store.list_cards(db, friday_evening)}
    monday_ten = datetime(2026, 11, 23, 10, 0)
    assert due == {"Web One": monday_ten, "Fair Two": monday_ten, "Cold Three": None,
                   "Old Four": None}
    other = tmp_path / "walkins.csv"
    other.write_text("name\nWalk In Five\n", encoding="utf-8")
    run_import(db, other, friday_evening, ImportOptions(source="walk-in"))
    (five,) = [c for c in store.list_cards(db, friday_evening) if c.name == "Walk In Five"]
    assert five.first_contact == "running"
