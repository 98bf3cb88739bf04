"""Planning order and honesty (issue 12): every date a suggestion shows comes from a reason
it lists; an A card's own next-step day is kept before lower grades' overdue items take it;
after working hours suggestions start tomorrow; calls, messages and emails are not visits.
Calendar as in ``test_planning.py``: today is Wednesday 18 November 2026."""

from __future__ import annotations

from datetime import date, time, timedelta

from salesdesk.rules.planning import after_hours, suggest
from salesdesk.rules.planning.needs import Need
from salesdesk.rules.planning.suggestions import merge
from tests.plan_helpers import SETTINGS, TODAY, WEEK, facts, full_day, only, run

FRI = date(2026, 11, 20)


def test_every_deadline_and_due_day_names_its_reason() -> None:
    """Three reasons; the third (a birthday on Thursday) is the earliest and the firmest:
    it is listed, so the suggestion's due day and last day have a reason on screen."""
    card = facts(grade="A", key_account=True)
    needs = [
        Need("next_step", TODAY, "next step overdue 3d: send quote", 101.0, late=True),
        Need("key_account", TODAY, "key account, last visit 41 days ago", 60.0),
        Need("birthday", date(2026, 11, 19), "birthday Thu", 15.0,
             fixed=date(2026, 11, 19)),
        Need("cadence", date(2026, 11, 18), "C, last contact 31 days ago", 20.0),
    ]
    found = merge(card, needs, TODAY)
    parts = found.reason.split(" · ")
    assert found.deadline == date(2026, 11, 19) and any("birthday" in p for p in parts)
    listed_dues = {n.due for n in needs if n.reason in parts}
    assert found.due in listed_dues
    assert found.day is None or found.day in {n.fixed for n in needs if n.reason in parts}
    assert "C, last contact" not in found.reason  # not listed, so it sets no date


def test_an_unlisted_reason_never_sets_the_day() -> None:
    # The lead and the next reason have no day of their own; the third one's day (a
    # revisit, not listed) used to become the suggestion's day.
    card = facts(grade="B")
    needs = [
        Need("a_window", date(2026, 11, 25), "A, window ends Wed", 90.0),
        Need("key_account", TODAY, "key account, no visit yet", 60.0),
        Need("revisit", TODAY, "revisit every 10 days", 45.0, fixed=FRI),
    ]
    found = merge(card, needs, TODAY)
    assert "revisit" not in found.reason and found.day is None


def test_the_a_cards_own_step_day_is_kept_before_lower_grades_overdue_items() -> None:
    """Friday has one place left; six B and C cards are overdue (they take the first free
    days, most pressing first) and an A card asked for Friday: the A card gets Friday."""
    taken = full_day(TODAY, 4) + full_day(TODAY + timedelta(days=1), 4, start_id=2000)
    taken += full_day(FRI, 3, start_id=3000) + full_day(date(2026, 11, 21), 4, start_id=4000)
    late = [facts(10 + n, grade="B", next_date=TODAY - timedelta(days=5 + n),
                  next_action="visit") for n in range(6)]
    hot = facts(1, grade="A", next_date=FRI, next_action="visit with samples",
                last_contact=TODAY)
    found = run(*late, hot, visits=taken)
    by_id = {s.prospect_id: s for s in found}
    assert by_id[1].day == FRI
    assert all(by_id[10 + n].day is None for n in range(6))  # no room left for them


def test_after_working_hours_suggestions_start_tomorrow() -> None:
    assert not after_hours(time(17, 59), "09:00-18:00")
    assert after_hours(time(18, 0), "09:00-18:00")
    assert after_hours(time(21, 30), "08:30-17:30")
    assert not after_hours(time(23, 0), "nonsense")  # a bad value: no limit
    overdue = facts(grade="B", next_date=TODAY - timedelta(days=2), next_action="visit")
    assert only(run(overdue)).day == TODAY
    late = only(suggest([overdue], [], WEEK, TODAY, SETTINGS, after_hours=True))
    assert late.day == TODAY + timedelta(days=1)
    assert "overdue" in late.reason  # still overdue, just not for tonight


def test_calls_messages_and_emails_are_not_visits() -> None:
    for kind in ("call", "message", "email", "other"):
        step = facts(next_date=FRI, next_action="follow up", next_kind=kind)
        assert run(step).items == (), kind
    for kind in ("visit", "meeting"):
        step = facts(next_date=FRI, next_action="follow up", next_kind=kind)
        assert only(run(step)).day == FRI
