"""``salesdesk complaint`` and ``salesdesk complaints``: every step from the shell, checked
in the database; bad input is one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from salesdesk.data import store
from salesdesk.data.db import open_database

from .conftest import NOW
from .test_cli import WIDE, add, assert_clean_failure, ok, sd


@pytest.fixture
def card(db_path: Path) -> int:
    return add(db_path, "Zhou Min", "--grade", "B")


def test_record_and_take_every_step(db_path: Path, card: int) -> None:
    out = ok(sd(db_path, "complaint", str(card), "The delivery was two weeks late",
                "--expected", "delivery on the agreed day", "--channel", "phone", "--at", "07:30"))
    assert out == f"{card}: complaint 1 recorded · answer by Thu 19 Nov 07:30\n"
    ok(sd(db_path, "complaint", str(card), "--answer", "--note", "called, apologised"))
    ok(sd(db_path, "complaint", str(card), "--cause", "expectation", "--note", "promised 3 days"))
    out = ok(sd(db_path, "complaint", str(card), "--resolve", "express shipping on the rest",
                "--compensation", "5% off"))
    assert "follow-up set as the next step" in out
    ok(sd(db_path, "complaint", str(card), "--follow-up"))
    ok(sd(db_path, "complaint", str(card), "--lesson", "promise what logistics can do"))
    database = open_database(db_path)
    try:
        (row,) = store.list_complaints(database)
        assert row.received_at == NOW.replace(hour=7, minute=30)
        assert (row.channel, row.cause_kind, row.compensation) == ("phone", "expectation", "5% off")
        assert row.answered_at == row.resolved_at == row.followed_up_at == NOW
        assert row.lesson == "promise what logistics can do"
    finally:
        database.close()
    listed = json.loads(ok(sd(db_path, "complaints", "--json")))
    assert [(c["id"], c["steps_missing"], c["answer_due"]) for c in listed] == [
        (1, [], "2026-11-19T07:30:00")]
    assert json.loads(ok(sd(db_path, "complaints", "--open", "--json"))) == []
    ok(sd(db_path, "undo"))
    assert json.loads(ok(sd(db_path, "complaints", "--json")))[0]["lesson"] == ""


def test_the_list_shows_open_ones_by_deadline(db_path: Path, card: int) -> None:
    other = add(db_path, "Second card")
    ok(sd(db_path, "complaint", str(card), "late", "--at", "08:00"))
    ok(sd(db_path, "complaint", str(other), "[bold]rude[/]", "--at", "yesterday 08:00"))
    out = ok(sd(db_path, "complaints", env=WIDE))
    lines = out.splitlines()
    assert lines[0] == "Open (2)"
    assert "#2" in lines[1] and "answer late" in lines[1] and "[bold]rude[/]" in lines[1]
    assert "#1" in lines[2] and "answer in 23h" in lines[2]
    assert "steps: R received" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["complaint", "{card}"], "say what the customer said"),
        (["complaint", "{card}", "  "], "cannot be empty"),
        (["complaint", "{card}", "x", "--at", "soonish"], "invalid time"),
        (["complaint", "{card}", "x", "--at", "23:59"], "later than now"),
        (["complaint", "{card}", "--answer"], "has no complaint"),
        (["complaint", "{card}", "--answer", "--follow-up"], "one step at a time"),
        (["complaint", "{card}", "x", "--answer"], "either what the customer said"),
        (["complaint", "{card}", "--lesson", " "], "has no complaint"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    db_path: Path, card: int, args: list[str], message: str
) -> None:
    result = sd(db_path, *(a.format(card=card) for a in args))
    assert message in assert_clean_failure(result, 2)


def test_bad_steps_after_a_record(db_path: Path, card: int) -> None:
    ok(sd(db_path, "complaint", str(card), "late"))
    for args, message in (
        (["--cause", "weather"], "invalid cause"),
        (["--follow-up"], "waiting to be followed up"),
        (["--answer", "--complaint", "9"], "not one of card"),
        (["--lesson", " "], "cannot be empty"),
        (["--compensation", "5%"], "goes with --resolve"),
    ):
        result = sd(db_path, "complaint", str(card), *args)
        assert message in assert_clean_failure(result, 2)
    result = sd(db_path, "complaint", "999", "late")
    assert "no card with id 999" in assert_clean_failure(result, 2)
    # A card named by its name works as its id does.
    ok(sd(db_path, "complaint", "Zhou", "--answer"))


def test_add_with_an_inbound_source_starts_the_first_contact_clock(db_path: Path) -> None:
    pid = add(db_path, "Web lead", "--source", "web")
    database = open_database(db_path)
    try:
        assert store.get_card(database, pid, NOW).first_contact == "running"
    finally:
        database.close()
    ok(sd(db_path, "log", str(pid), "--kind", "call"))
    database = open_database(db_path)
    try:
        assert store.get_prospect(database, pid, NOW)["first_contact_at"] == NOW
    finally:
        database.close()
