"""The visit-plan commands: plan (text, JSON, suggestions, .ics), visit, visited, missed,
reschedule, unplan. Bad input: one line on stderr, a non-zero exit, nothing changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import icalendar
import pytest

from salesdesk.cli.main import app
from tests.test_cli import add, assert_clean_failure, ok, plain_terminal, query, sd  # noqa: F401

WIDE = {"COLUMNS": "200"}


def plan_json(db: Path, *args: str) -> dict[str, Any]:
    data = json.loads(ok(sd(db, "plan", "--json", *args)))
    assert isinstance(data, dict)
    return data


def visit(db: Path, pid: int, day: str, *args: str) -> int:
    return int(ok(sd(db, "visit", str(pid), day, *args)).strip())


def test_visit_prints_the_id_and_plan_shows_it(db_path: Path) -> None:
    pid = add(db_path, "王伟", "--company", "华信科技", "--area", "浦东")
    vid = visit(db_path, pid, "fri", "--time", "2pm", "--minutes", "1h30", "--purpose", "送样品")
    assert vid == 1
    out = ok(sd(db_path, "plan", env=WIDE))
    assert "Week 47 · 16–21 Nov 2026" in out
    assert "Fri 20 Nov  1/4" in out
    assert "#1" in out and "14:00" in out and "王伟 (华信科技) · 浦东 · 送样品" in out
    data = plan_json(db_path)
    assert (data["period"], data["start"], data["end"], data["capacity"]) == (
        "week",
        "2026-11-16",
        "2026-11-22",
        4,
    )
    friday = next(d for d in data["days"] if d["date"] == "2026-11-20")
    assert friday["count"] == 1 and not friday["over_capacity"]
    shown = friday["visits"][0]
    assert {
        k: shown[k] for k in ("id", "prospect_id", "start", "minutes", "purpose", "status")
    } == {
        "id": 1,
        "prospect_id": pid,
        "start": "14:00",
        "minutes": 90,
        "purpose": "送样品",
        "status": "planned",
    }
    assert shown["uid"].endswith("@salesdesk") and shown["flags"] == []


@pytest.mark.usefixtures("db")  # a named --db must exist for this command
def test_plan_empty_week_says_what_to_do(db_path: Path) -> None:
    out = ok(sd(db_path, "plan"))
    assert "No visits planned" in out and "salesdesk visit ID DATE" in out


@pytest.mark.usefixtures("db")  # a named --db must exist for this command
def test_plan_month_and_new_customer_day(db_path: Path) -> None:
    data = plan_json(db_path, "--month", "2026-12-05")
    assert (data["period"], data["start"], data["end"]) == ("month", "2026-12-01", "2026-12-31")
    assert [d["date"] for d in data["days"] if d["new_customer_day"]] == ["2026-12-11"]
    out = ok(sd(db_path, "plan", "--month", "2026-12-05", env=WIDE))
    assert "December 2026" in out and "Fri 11 Dec" in out and "new-customer day" in out


def test_plan_suggest_text_and_json(db_path: Path) -> None:
    pid = add(db_path, "Ann Hot", "--grade", "A", "--next", "fri", "--action", "send quote")
    out = ok(sd(db_path, "plan", "--suggest", env=WIDE))
    assert "Suggestions" in out and "Ann Hot" in out and "A, window ends" in out
    data = plan_json(db_path, "--suggest")
    assert data["suggestions_left_out"] == 0
    (first,) = data["suggestions"]
    assert first["prospect_id"] == pid
    assert first["reason"] == "A, window ends 25 Nov · next step Fri: send quote"
    assert first["date"] == "2026-11-20" and first["purpose"] == "send quote"
    # Accepting it (planning the visit) takes it off the list.
    visit(db_path, pid, first["date"])
    assert plan_json(db_path, "--suggest")["suggestions"] == []
    assert "suggestions" not in plan_json(db_path)


def test_plan_writes_ics(db_path: Path, tmp_path: Path) -> None:
    pid = add(db_path, "Ann", "--area", "浦东")
    vid = visit(db_path, pid, "thu", "--time", "09:30")
    target = tmp_path / "out.ics"
    out = ok(sd(db_path, "plan", "--ics", str(target)))
    assert f"wrote 1 visit to {target}" in out
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    (event,) = cal.walk("VEVENT")
    uid = str(event["UID"])
    ok(sd(db_path, "reschedule", str(vid), "fri", "--time", "11:00"))
    ok(sd(db_path, "plan", "--json", "--ics", str(target)))
    (moved,) = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert str(moved["UID"]) == uid
    assert moved.decoded("DTSTART").strftime("%Y-%m-%d %H:%M") == "2026-11-20 11:00"
    ok(sd(db_path, "unplan", str(vid)))
    ok(sd(db_path, "plan", "--ics", str(target)))
    (cancelled,) = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_visited_records_the_outcome(db_path: Path) -> None:
    pid = add(db_path, "Ann", "--next", "fri", "--action", "call")
    vid = visit(db_path, pid, "today", "--purpose", "demo")
    out = ok(
        sd(
            db_path,
            "visited",
            str(vid),
            "--note",
            "wants a trial",
            "--next",
            "+7d",
            "--action",
            "deliver trial",
            "--topic",
            "their expansion",
        )
    )
    assert out.strip() == f"{vid}: done, logged on Ann (#{pid})"
    assert query(db_path, "SELECT kind, note, outcome, visit_id FROM activity") == [
        ("visit", "demo", "wants a trial", vid)
    ]
    assert query(
        db_path, f"SELECT next_date, next_action, next_topic FROM prospect WHERE id = {pid}"
    ) == [("2026-11-25", "deliver trial", "their expansion")]
    assert query(db_path, "SELECT status, outcome FROM visit") == [("done", "wants a trial")]
    ok(sd(db_path, "undo"))
    assert query(db_path, "SELECT count(*) FROM activity") == [(0,)]
    assert query(db_path, "SELECT status FROM visit") == [("planned",)]


def test_missed_and_unplan_delete(db_path: Path) -> None:
    pid = add(db_path, "Ann")
    vid = visit(db_path, pid, "today")
    assert ok(sd(db_path, "missed", str(vid))).strip() == f"{vid}: missed"
    assert query(db_path, "SELECT status FROM visit") == [("missed",)]
    assert ok(sd(db_path, "unplan", str(vid), "--delete")).strip() == f"{vid}: deleted"
    assert query(db_path, "SELECT count(*) FROM visit") == [(0,)]
    ok(sd(db_path, "undo"))
    assert query(db_path, "SELECT status FROM visit") == [("missed",)]


def test_visit_warns_about_parked_cards_and_full_days(db_path: Path) -> None:
    pid = add(db_path, "Pete")
    ok(sd(db_path, "park", str(pid)))
    for _ in range(4):
        visit(db_path, pid, "fri")
    result = sd(db_path, "visit", str(pid), "fri")
    assert result.exit_code == 0 and result.stdout.strip() == "5"
    assert "warning: prospect is parked" in result.stderr
    assert "has 5 visits, over the capacity of 4" in result.stderr


@pytest.mark.parametrize(
    ("args", "words", "code"),
    [
        (["visit", "1", "blah"], "invalid date", 2),
        (["visit", "1", "yesterday"], "past", 2),
        (["visit", "1", "fri", "--time", "25:00"], "invalid time", 2),
        (["visit", "1", "fri", "--minutes", "zero"], "invalid length", 2),
        (["visit", "99", "fri"], "no card with id 99", 2),
        (["visit", "99999999999999999999", "fri"], "no card with id", 2),
        (["visited", "99", "--note", "x"], "no visit with id 99", 1),
        (["visited", "1", "--note", "   "], "needs a note", 2),
        (["visited", "1", "--note", "x", "--next", "31/02"], "invalid date", 2),
        (["missed", "99"], "no visit", 1),
        (["unplan", "99"], "no visit", 1),
        (["reschedule", "1", "2020-01-01"], "past", 2),
        (["reschedule", "1", "fri", "--time", "noonish"], "invalid time", 2),
        (["plan", "--week", "someday"], "invalid week", 2),
        (["plan", "--week", "fri", "--month", "fri"], "either --week or --month", 2),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_bad_input(db_path: Path, args: list[str], words: str, code: int) -> None:
    pid = add(db_path, "Ann")
    visit(db_path, pid, "fri")
    before = query(db_path, "SELECT * FROM visit"), query(db_path, "SELECT count(*) FROM journal")
    line = assert_clean_failure(sd(db_path, *args), code)
    assert words in line
    after = query(db_path, "SELECT * FROM visit"), query(db_path, "SELECT count(*) FROM journal")
    assert after == before


@pytest.mark.usefixtures("db")  # a named --db must exist for this command
def test_plan_ics_to_a_missing_folder(db_path: Path, tmp_path: Path) -> None:
    line = assert_clean_failure(sd(db_path, "plan", "--ics", str(tmp_path / "no" / "x.ics")), 2)
    assert "does not exist" in line


def test_user_text_is_printed_literally(db_path: Path) -> None:
    pid = add(db_path, "[bold red]Not bold[/]")
    visit(db_path, pid, "fri", "--purpose", "[link=x]click[/link]")
    out = ok(sd(db_path, "plan", env=WIDE))
    assert "[bold red]Not bold[/]" in out and "[link=x]click[/link]" in out


def test_commands_are_registered() -> None:
    names = {c.name or c.callback.__name__ for c in app.registered_commands if c.callback}
    assert {"plan", "visit", "visited", "missed", "unplan", "reschedule"} <= names


def test_plan_week_and_month_suggestions_agree(db: Any, db_path: Path) -> None:
    """`plan --suggest` and `plan --month ... --suggest` show slices of one computation."""
    from datetime import timedelta

    from salesdesk.data import store, visits
    from tests.conftest import NOW, TODAY

    for n in range(16):  # Wednesday to Saturday full
        filler = store.add_prospect(db, NOW, f"Filler {n}")
        visits.plan_visit(db, NOW, filler, TODAY + timedelta(days=n // 4))
    b_card = store.add_prospect(db, NOW - timedelta(days=20), "Bea Due", grade="B")
    a_card = store.add_prospect(db, NOW - timedelta(days=5), "Al Window", grade="A")
    week = {s["prospect_id"]: s for s in plan_json(db_path, "--suggest")["suggestions"]}
    month = {
        s["prospect_id"]: s
        for s in plan_json(db_path, "--month", "2026-11-18", "--suggest")["suggestions"]
    }
    assert week[b_card]["date"] == month[b_card]["date"] == "2026-11-23"
    assert week[a_card]["date"] is None and month[a_card]["date"] is None
    for pid in week.keys() & month.keys():
        assert week[pid] == month[pid]
    out = ok(sd(db_path, "plan", "--suggest", env=WIDE))
    assert "no room before its window ends: regrade or make room" in out
    assert "Mon 2026-11-23" in out and "Bea Due" in out


def test_plan_suggest_shows_the_full_date_of_a_later_day(db: Any, db_path: Path) -> None:
    """A suggestion that found room only next week (or next month) says which day exactly:
    the weekday and the date the `visit` command takes."""
    from datetime import timedelta

    from salesdesk.data import store, visits
    from tests.conftest import NOW, TODAY

    for n in range(16):  # Wednesday to Saturday full
        filler = store.add_prospect(db, NOW, f"Filler {n}")
        visits.plan_visit(db, NOW, filler, TODAY + timedelta(days=n // 4))
    store.add_prospect(db, NOW - timedelta(days=20), "Bea Due", grade="B")
    out = ok(sd(db_path, "plan", "--suggest", env=WIDE))
    line = next(line for line in out.splitlines() if "Bea Due" in line)
    assert line.split()[:2] == ["Mon", "2026-11-23"], line


def test_plan_suggest_says_the_deadline_of_one_without_room(db: Any, db_path: Path) -> None:
    """A B card overdue for a contact with a next step on Saturday 28: no room up to it.
    It is due by the 28th, not "today"."""
    from datetime import date, timedelta

    from salesdesk.data import store, visits
    from tests.conftest import NOW, TODAY

    ok(sd(db_path, "config", "day_capacity", "1"))
    filler = store.add_prospect(db, NOW, "Filler")
    for n in range(11):  # Wednesday 18 to Saturday 28, Sunday 22 aside
        if (TODAY + timedelta(days=n)).weekday() != 6:
            visits.plan_visit(db, NOW, filler, TODAY + timedelta(days=n))
    store.add_prospect(
        db,
        NOW - timedelta(days=30),
        "Bea Both",
        grade="B",
        next_date=date(2026, 11, 28),
        next_action="demo",
    )
    out = ok(sd(db_path, "plan", "--suggest", env=WIDE))
    line = next(line for line in out.splitlines() if "Bea Both" in line)
    assert "no room" in line and "(due by 28 Nov)" in line and "due today" not in line, line
    assert "no room by its next-step date: move the step or make room" in line
