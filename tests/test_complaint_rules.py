"""The complaint rules with explicit moments: the answer clock, the steps, their order."""

from __future__ import annotations

from datetime import datetime

import pytest

from salesdesk.errors import InputError
from salesdesk.rules.complaints import (
    CauseKind,
    Clock,
    ComplaintFacts,
    Step,
    answer_due,
    answered_in_time,
    check_step,
    clock,
    left_text,
    next_step,
    parse_cause,
    steps_done,
    steps_missing,
)

IN = datetime(2026, 12, 4, 16, 30)  # a Friday afternoon


def test_the_answer_clock_runs_round_the_clock() -> None:
    assert answer_due(IN, 24) == datetime(2026, 12, 5, 16, 30)  # Saturday: no working hours
    fresh = ComplaintFacts(IN)
    assert clock(fresh, 24, datetime(2026, 12, 5, 16, 30)) == Clock.RUNNING
    assert clock(fresh, 24, datetime(2026, 12, 5, 16, 31)) == Clock.MISSED
    answered = ComplaintFacts(IN, answered_at=datetime(2026, 12, 5, 9, 0))
    assert clock(answered, 24, datetime(2026, 12, 9)) == Clock.MET
    assert answered_in_time(answered, 24)
    assert not answered_in_time(answered, 12)
    assert clock(answered, 12, datetime(2026, 12, 9)) == Clock.LATE
    assert not answered_in_time(fresh, 24)


def test_steps_done_and_missing() -> None:
    fresh = ComplaintFacts(IN)
    assert steps_done(fresh) == (Step.RECEIVED,)
    assert next_step(fresh) == Step.ANSWERED
    full = ComplaintFacts(IN, IN, "quality", IN, IN, "check the batch")
    assert steps_missing(full) == ()
    assert next_step(full) is None
    assert not full.is_open
    skipped = ComplaintFacts(IN, answered_at=IN, resolved_at=IN)
    assert steps_missing(skipped) == (Step.CAUSE, Step.FOLLOWED_UP, Step.LESSON)


def test_a_step_is_refused_twice_early_or_out_of_order() -> None:
    answered = ComplaintFacts(IN, answered_at=IN)
    with pytest.raises(InputError, match="already answered"):
        check_step(answered, Step.ANSWERED, IN)
    with pytest.raises(InputError, match="before the complaint came in"):
        check_step(ComplaintFacts(IN), Step.ANSWERED, datetime(2026, 12, 4, 9))
    with pytest.raises(InputError, match="resolve the complaint first"):
        check_step(answered, Step.FOLLOWED_UP, IN)
    check_step(answered, Step.RESOLVED, IN)  # resolving without a cause is allowed


def test_causes_and_durations() -> None:
    assert parse_cause("Q") == CauseKind.QUALITY
    assert parse_cause("expectation gap") == CauseKind.EXPECTATION
    assert parse_cause("serv") == CauseKind.SERVICE
    with pytest.raises(InputError, match="invalid cause"):
        parse_cause("weather")
    now = datetime(2026, 12, 4, 12, 0)
    assert left_text(datetime(2026, 12, 4, 17, 30), now) == "5h"
    assert left_text(datetime(2026, 12, 4, 12, 40), now) == "40m"
    assert left_text(datetime(2026, 12, 7, 12, 0), now) == "3d"
    assert left_text(datetime(2026, 12, 4, 9, 0), now) == "3h"


def test_the_urgency_rule_puts_the_answer_clock_first() -> None:
    from datetime import date

    from salesdesk.rules.grading import CardFacts, Grade, urgency

    today = date(2026, 12, 4)
    overdue = CardFacts(Grade.A, today, today, today, today, date(2026, 11, 20), True)
    waiting = CardFacts(Grade.C, today, today, today, today, None, complaint="running")
    missed = CardFacts(Grade.C, today, today, today, today, None, complaint="missed")
    answered = CardFacts(Grade.C, today, today, today, today, None, complaint="open")
    lead = CardFacts(Grade.C, today, today, None, today, None, first_contact="running")
    late_lead = CardFacts(Grade.C, today, today, None, today, None, first_contact="missed")
    scores = {name: urgency(facts, today).score for name, facts in (
        ("overdue", overdue), ("waiting", waiting), ("missed", missed),
        ("answered", answered), ("lead", lead), ("late_lead", late_lead))}
    assert scores["waiting"] > scores["lead"] > scores["late_lead"] > scores["overdue"]
    assert scores["missed"] > scores["overdue"] > scores["answered"]
    assert ("complaint: answer clock missed", 200.0) in urgency(missed, today).breakdown()
    assert urgency(lead, today).first_contact == "running"
    assert urgency(answered, today).complaint == "open"
