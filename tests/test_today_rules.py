"""Today's list, the pure rule (explicit ``today``): what is on it and in which order."""

from __future__ import annotations

from datetime import date, timedelta

from salesdesk.rules.planning import PlanSettings, ProspectFacts
from salesdesk.rules.today import TodayVisit, ordered, today_items

TODAY = date(2026, 11, 18)  # Wednesday
DAY = timedelta(days=1)
SETTINGS = PlanSettings()


def card(pid: int, **values: object) -> ProspectFacts:
    base: dict[str, object] = {"name": f"P{pid}", "grade": "B", "graded_on": TODAY - 3 * DAY,
                               "created_on": date(2026, 1, 5), "last_contact": TODAY - DAY}
    base.update(values)
    return ProspectFacts(id=pid, **base)  # type: ignore[arg-type]


def groups(items: list) -> list[tuple[int, str]]:  # type: ignore[type-arg]
    return [(i.prospect_id, i.group) for i in items]


def test_every_source_in_the_documented_order() -> None:
    cards = [
        card(1, next_date=TODAY, next_action="send quote", next_kind="email"),
        card(2, next_date=TODAY - 2 * DAY, next_action="call back", next_kind="call"),
        card(3),  # a planned visit at 14:00
        card(4),  # a planned visit at 09:30
        card(5, next_date=TODAY, next_action="发微信", next_kind="message"),
        card(6, birthday=date(1980, 11, 18)),
        card(7, status="customer", purchase=(TODAY - 2 * DAY, 50_000.0),
             last_contact=TODAY - 3 * DAY, closed_on=TODAY - 2 * DAY),
        card(8, grade="A", graded_on=TODAY - 9 * DAY),  # past its 7-day window
        card(9, next_date=TODAY + DAY, next_action="later", next_kind="call"),  # not today
        card(10, status="parked", next_date=TODAY, next_kind="call"),  # closed: not on it
        card(11, next_date=TODAY, next_action="meet the board", next_kind="meeting"),
    ]
    visits = [TodayVisit(31, 3, TODAY, "14:00", "demo"), TodayVisit(32, 4, TODAY, "09:30"),
              TodayVisit(33, 9, TODAY + DAY, "10:00")]
    found = today_items(cards, visits, TODAY, SETTINGS)
    assert groups(found) == [
        (2, "call"), (4, "visit"), (3, "visit"), (11, "meeting"), (5, "message"),
        (1, "email"), (6, "birthday"), (7, "thank_you"), (8, "regrade"),
    ]
    by_id = {i.prospect_id: i for i in found}
    assert by_id[2].overdue_days == 2 and by_id[4].start == "09:30" and by_id[3].visit_id == 31
    assert by_id[8].overdue_days == 2 and "past its window" in by_id[8].what
    assert (by_id[2].log_kind, by_id[6].log_kind, by_id[3].log_kind) == ("call", "message",
                                                                        "visit")
    assert not by_id[6].movable and by_id[1].movable


def test_a_planned_visit_is_the_visit_step_but_not_a_call() -> None:
    visit = [TodayVisit(1, 1, TODAY, "10:00", "visit")]
    step = card(1, next_date=TODAY, next_action="visit with samples", next_kind="visit")
    assert groups(today_items([step], visit, TODAY, SETTINGS)) == [(1, "visit")]
    call = card(1, next_date=TODAY, next_action="confirm by phone", next_kind="call")
    assert groups(today_items([call], visit, TODAY, SETTINGS)) == [(1, "call"), (1, "visit")]


def test_an_earlier_visit_not_marked_is_still_due() -> None:
    found = today_items([card(1)], [TodayVisit(1, 1, TODAY - 3 * DAY)], TODAY, SETTINGS)
    assert groups(found) == [(1, "visit")] and found[0].overdue_days == 3


def test_within_a_group_most_overdue_then_grade_then_name() -> None:
    cards = [card(1, grade="C", next_date=TODAY, next_kind="call", name="Zed"),
             card(2, grade="A", next_date=TODAY, next_kind="call", name="Yan"),
             card(3, grade="C", next_date=TODAY - 5 * DAY, next_kind="call"),
             card(4, grade="A", next_date=TODAY, next_kind="call", name="Amy")]
    assert [i.prospect_id for i in today_items(cards, [], TODAY, SETTINGS)] == [3, 4, 2, 1]
    assert ordered([]) == []


def test_a_leap_day_birthday_is_greeted_on_the_28th() -> None:
    born = card(1, birthday=date(1992, 2, 29), status="customer")
    assert groups(today_items([born], [], date(2027, 2, 28), SETTINGS)) == [(1, "birthday")]
    assert today_items([born], [], date(2028, 2, 28), SETTINGS) == []  # 2028 has a 29th


def test_a_step_without_a_kind_is_a_call_and_a_customer_step_counts() -> None:
    found = today_items([card(1, status="customer", next_date=TODAY)], [], TODAY, SETTINGS)
    assert groups(found) == [(1, "call")] and found[0].what == "next step"


def test_complaints_and_new_leads_come_first_by_their_deadline() -> None:
    from datetime import datetime

    from salesdesk.rules.today import TodayClock

    now = datetime(2026, 11, 18, 11, 0)
    cards = [card(1, next_date=TODAY, next_action="call back", next_kind="call"),
             card(2, status="customer"), card(3), card(4)]
    clocks = [
        TodayClock(2, datetime(2026, 11, 19, 9, 30), complaint_id=7, said="wrong colour"),
        TodayClock(3, datetime(2026, 11, 18, 10, 0)),  # a new lead, its hour already gone
        TodayClock(4, datetime(2026, 11, 18, 15, 0), complaint_id=8),
    ]
    found = today_items(cards, [], TODAY, SETTINGS, clocks, now)
    assert groups(found) == [(3, "first_contact"), (4, "complaint"), (2, "complaint"),
                             (1, "call")]
    lead, today_one, tomorrow = found[:3]
    assert (lead.late, lead.start, lead.label, lead.log_kind) == (True, "10:00", "new lead",
                                                                  "call")
    assert (today_one.late, today_one.start, today_one.complaint_id) == (False, "15:00", 8)
    assert (tomorrow.start, tomorrow.what, tomorrow.due) == ("Thu 09:30",
                                                             "answer: wrong colour",
                                                             TODAY + DAY)
    assert not any(i.movable for i in found[:3])
    # A closed card's clock is not on the list; without `now`, the start of the day judges.
    assert today_items([card(5, status="dropped")], [], TODAY, SETTINGS,
                       [TodayClock(5, now, complaint_id=9)], now) == []
    assert not today_items(cards, [], TODAY, SETTINGS, clocks)[0].late
