"""The first-contact clock in working time, with explicit moments: inside the hours, at
the edges, overnight, across a weekend."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from salesdesk.errors import InputError
from salesdesk.rules.first_contact import (
    FirstContact,
    WorkingTime,
    due_at,
    is_inbound,
    parse_working_days,
    parse_working_hours,
    state,
    working_time,
)

WORK = WorkingTime(time(9), time(18), frozenset(range(5)))  # Mon-Fri 09:00-18:00
# 2026-11-30 is a Monday; 2026-12-04 a Friday, 12-05 Saturday, 12-07 Monday.


@pytest.mark.parametrize(
    ("created", "due"),
    [
        ("2026-12-01 10:15", "2026-12-01 11:15"),  # Tuesday morning: one hour later
        ("2026-12-01 17:00", "2026-12-01 18:00"),  # the last full hour: due at closing
        ("2026-12-01 17:30", "2026-12-02 09:30"),  # half an hour left carries to the morning
        ("2026-12-01 18:00", "2026-12-02 10:00"),  # at closing: the next working morning
        ("2026-12-01 08:59", "2026-12-01 10:00"),  # before opening: counts from 09:00
        ("2026-12-01 09:00", "2026-12-01 10:00"),
        ("2026-12-01 23:40", "2026-12-02 10:00"),
        ("2026-12-04 17:45", "2026-12-07 09:45"),  # Friday evening crosses the weekend
        ("2026-12-04 20:00", "2026-12-07 10:00"),
        ("2026-12-05 11:00", "2026-12-07 10:00"),  # Saturday: Monday morning
        ("2026-12-06 23:59", "2026-12-07 10:00"),
    ],
)
def test_due_in_one_working_hour(created: str, due: str) -> None:
    assert due_at(datetime.fromisoformat(created), WORK) == datetime.fromisoformat(due)


def test_longer_targets_span_days() -> None:
    friday = datetime(2026, 12, 4, 16, 0)
    assert due_at(friday, WORK, hours=3) == datetime(2026, 12, 7, 10, 0)
    assert due_at(friday, WORK, hours=11) == datetime(2026, 12, 7, 18, 0)  # 2h + 9h
    assert due_at(friday, WORK, hours=12) == datetime(2026, 12, 8, 10, 0)


def test_weekend_workers_and_a_day_to_midnight() -> None:
    seven = working_time("10:00-24:00", "mon-sun")
    assert due_at(datetime(2026, 12, 5, 23, 30), seven) == datetime(2026, 12, 6, 10, 30)
    assert due_at(datetime(2026, 12, 5, 22, 0), seven) == datetime(2026, 12, 5, 23, 0)


def test_state_of_the_clock() -> None:
    due = datetime(2026, 12, 1, 11, 15)
    assert state(due, None, datetime(2026, 12, 1, 11, 15)) == FirstContact.RUNNING
    assert state(due, None, datetime(2026, 12, 1, 11, 16)) == FirstContact.MISSED
    assert state(due, datetime(2026, 12, 1, 11, 0), datetime(2026, 12, 9)) == FirstContact.MET
    assert state(due, datetime(2026, 12, 1, 12, 0), datetime(2026, 12, 9)) == FirstContact.LATE


def test_inbound_sources() -> None:
    inbound = "web,phone-in,walk-in,exhibition,referral"
    assert is_inbound("Web", inbound)
    assert is_inbound(" phone in ", inbound)
    assert is_inbound("Walk_In", inbound)
    assert not is_inbound("cold call", inbound)
    assert not is_inbound("", inbound)
    assert not is_inbound("website", inbound)


def test_parsing_the_settings() -> None:
    assert parse_working_hours("8:30-17:15") == (time(8, 30), time(17, 15))
    assert parse_working_days("mon-fri") == frozenset(range(5))
    assert parse_working_days("sat,sun") == frozenset({5, 6})
    assert parse_working_days("fri-mon") == frozenset({4, 5, 6, 0})
    for bad in ("18:00-09:00", "9-18", "09:00-25:00", ""):
        with pytest.raises(InputError):
            parse_working_hours(bad)
    for bad in ("funday", "", "mon-xyz"):
        with pytest.raises(InputError):
            parse_working_days(bad)
