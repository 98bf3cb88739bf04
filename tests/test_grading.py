"""Tests for salesdesk.rules.grading: A/B/C windows, the review rhythm and the urgency score.

Every test passes ``today`` explicitly; nothing reads the clock.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from salesdesk.errors import InputError
from salesdesk.rules.grading import (
    CardFacts,
    Grade,
    days_past_window,
    is_past_window,
    parse_grade,
    review_due,
    urgency,
    window_end,
)

from .conftest import TODAY

A, B, C = Grade.A, Grade.B, Grade.C
WINDOWS = {A: 7, B: 30, C: 90}


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def facts(
    grade: Grade = B,
    *,
    graded: int = 0,
    looked: int | None = 0,
    touched: int | None = 0,
    created: int = 0,
    next_in: int | None = None,
    key: bool = False,
) -> CardFacts:
    """Facts with days counted back from TODAY (next_in counts forward)."""
    return CardFacts(
        grade=grade,
        graded_on=ago(graded),
        last_looked=None if looked is None else ago(looked),
        touched_on=None if touched is None else ago(touched),
        created_on=ago(created),
        next_date=None if next_in is None else TODAY + timedelta(days=next_in),
        key_account=key,
    )


def score(f: CardFacts) -> float:
    return urgency(f, TODAY).score


# --------------------------------------------------------------------------- parse_grade


@pytest.mark.parametrize(
    ("text", "expected"),
    [("A", A), ("a", A), (" b ", B), ("C", C), ("c\n", C)],
)
def test_parse_grade_good(text: str, expected: Grade) -> None:
    assert parse_grade(text) is expected


@pytest.mark.parametrize("text", ["", " ", "D", "AB", "hot", "1", "Ａ", "a+"])
def test_parse_grade_bad(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_grade(text)
    assert "A, B or C" in str(info.value)


# --------------------------------------------------------------------------- windows


@pytest.mark.parametrize("grade", [A, B, C])
def test_window_end(grade: Grade) -> None:
    graded = date(2026, 11, 1)
    assert window_end(grade, graded) == graded + timedelta(days=WINDOWS[grade])


@pytest.mark.parametrize("grade", [A, B, C])
def test_window_boundaries(grade: Grade) -> None:
    days = WINDOWS[grade]
    # Graded today, yesterday, exactly `days` ago: still inside the window.
    for age in (0, 1, days - 1, days):
        assert not is_past_window(grade, ago(age), TODAY), age
        assert days_past_window(grade, ago(age), TODAY) == 0
    # One day more and it is past the window.
    assert is_past_window(grade, ago(days + 1), TODAY)
    assert days_past_window(grade, ago(days + 1), TODAY) == 1
    assert days_past_window(grade, ago(days + 10), TODAY) == 10


def test_window_examples_from_the_domain_guide() -> None:
    # "an A graded 9 days ago that has not closed" is overdue for regrading.
    assert is_past_window(A, ago(9), TODAY)
    assert days_past_window(A, ago(9), TODAY) == 2
    assert not is_past_window(A, ago(7), TODAY)
    assert is_past_window(A, ago(8), TODAY)
    assert not is_past_window(B, ago(9), TODAY)
    assert not is_past_window(C, ago(89), TODAY)
    assert is_past_window(C, ago(91), TODAY)


def test_graded_in_the_future_is_not_past() -> None:
    assert days_past_window(A, TODAY + timedelta(days=3), TODAY) == 0
    assert not is_past_window(A, TODAY + timedelta(days=3), TODAY)


# --------------------------------------------------------------------------- review rhythm


@pytest.mark.parametrize(
    ("grade", "every"),
    [(A, 1), (B, 7), (C, 30)],
)
def test_review_due_rhythm(grade: Grade, every: int) -> None:
    assert not review_due(grade, TODAY, TODAY)
    assert not review_due(grade, ago(every - 1), TODAY)
    assert review_due(grade, ago(every), TODAY)
    assert review_due(grade, ago(every + 5), TODAY)


@pytest.mark.parametrize("grade", [A, B, C])
def test_never_looked_at_is_due(grade: Grade) -> None:
    assert review_due(grade, None, TODAY)


def test_review_rhythm_examples() -> None:
    # A daily: looked at yesterday -> due today.
    assert review_due(A, ago(1), TODAY)
    # B weekly: looked at 6 days ago -> not yet.
    assert not review_due(B, ago(6), TODAY)
    # C monthly: looked at 29 days ago -> not yet; 30 -> due.
    assert not review_due(C, ago(29), TODAY)
    assert review_due(C, ago(30), TODAY)


# --------------------------------------------------------------------------- urgency: parts


def test_urgency_flags() -> None:
    u = urgency(facts(A, graded=9, looked=9, touched=3, next_in=-2), TODAY)
    assert u.overdue and u.overdue_days == 2
    assert u.past_window
    assert u.review_due
    assert u.days_since_touch == 3
    assert u.grade is A

    calm = urgency(facts(C, graded=1, looked=1, touched=0, next_in=10), TODAY)
    assert not calm.overdue and calm.overdue_days == 0
    assert not calm.past_window
    assert not calm.review_due
    assert calm.days_since_touch == 0


def test_staleness_counts_from_creation_when_never_touched() -> None:
    u = urgency(facts(B, touched=None, created=12), TODAY)
    assert u.days_since_touch == 12


def test_score_is_sum_of_components() -> None:
    u = urgency(facts(A, graded=12, looked=12, touched=50, next_in=-4, key=True), TODAY)
    assert u.score == pytest.approx(sum(points for _, _, points in u.components))


@pytest.mark.parametrize("grade", [A, B, "C"])
def test_score_and_parts_agree_everywhere(grade: str) -> None:
    """The score is computed without listing its parts; the parts, listed on demand, add
    up to exactly the same score and flags, over a grid of cards."""
    from itertools import product

    from salesdesk.rules.grading import Grade

    for graded, touched, next_in, key in product(
        (0, 1, 6, 8, 29, 31, 91, 200), (None, 0, 3, 15, 40), (None, -9, -1, 0, 2, 3, 4), (0, 1)
    ):
        u = urgency(facts(Grade(grade), graded=graded, looked=graded, touched=touched,
                          next_in=next_in, key=bool(key)), TODAY)
        parts = u.components
        assert u.score == round(sum(points for _, _, points in parts), 2)
        codes = {code for code, _, _ in parts}
        assert u.overdue == ("overdue" in codes) and u.past_window == ("past_window" in codes)
        assert u.review_due == ("review" in codes)


def test_breakdown_labels() -> None:
    u = urgency(facts(A, graded=9, looked=9, touched=5, next_in=-3, key=True), TODAY)
    labels = [label for label, _ in u.breakdown()]
    assert labels == [
        "next step overdue 3d",
        "past A window by 2d",
        "due for review",
        "grade A",
        "5d since last touch",
        "key account",
    ]
    points = dict(u.breakdown())
    assert points["next step overdue 3d"] > points["past A window by 2d"] > 0
    assert sum(points.values()) == pytest.approx(u.score)


@pytest.mark.parametrize(
    ("next_in", "label"),
    [(0, "next step today"), (1, "next step in 1d"), (3, "next step in 3d")],
)
def test_breakdown_next_step_labels(next_in: int, label: str) -> None:
    u = urgency(facts(C, next_in=next_in), TODAY)
    assert label in [lbl for lbl, _ in u.breakdown()]


def test_breakdown_of_a_calm_card() -> None:
    u = urgency(facts(B, graded=1, looked=1, touched=0, next_in=10), TODAY)
    assert [label for label, _ in u.breakdown()] == ["grade B"]


def test_breakdown_past_window_names_the_grade() -> None:
    u = urgency(facts(C, graded=100, looked=100), TODAY)
    assert "past C window by 10d" in [label for label, _ in u.breakdown()]


# --------------------------------------------------------------------------- urgency: ordering


@pytest.mark.parametrize(
    "rival",
    [
        pytest.param(facts(A), id="fresh-A"),
        pytest.param(facts(C, graded=91, looked=91, created=120), id="past-window-same-grade"),
        pytest.param(facts(A, next_in=0), id="A-next-step-today"),
        pytest.param(facts(A, graded=30, looked=30, touched=60, created=90, next_in=1,
                           key=True),
                     id="past-window-A-stale-key"),
    ],
)
def test_overdue_next_step_outranks_everything_else(rival: CardFacts) -> None:
    # The mildest overdue card: grade C, one day overdue, freshly graded and touched.
    overdue = facts(C, next_in=-1)
    assert urgency(overdue, TODAY).overdue
    assert not urgency(rival, TODAY).overdue
    assert score(overdue) > score(rival)


def test_overdue_outranks_same_card_without_it() -> None:
    base = facts(B, graded=3, looked=3, touched=3)
    assert score(replace(base, next_date=ago(1))) > score(base)
    assert score(replace(base, next_date=ago(1))) > score(replace(base, next_date=TODAY))


def test_more_overdue_is_more_urgent_but_capped() -> None:
    scores = [score(facts(B, next_in=-d)) for d in (1, 2, 5, 10)]
    assert scores == sorted(scores) and len(set(scores)) == 4
    assert score(facts(B, next_in=-30)) == score(facts(B, next_in=-300))


@pytest.mark.parametrize("stale", [0, 20, 100])
def test_past_window_outranks_grade(stale: int) -> None:
    # A C card one day past its window against an A card inside its window, otherwise alike.
    past_c = facts(C, graded=91, looked=91, touched=stale, created=120)
    fresh_a = facts(A, graded=2, looked=2, touched=stale, created=120)
    assert score(past_c) > score(fresh_a)


def test_past_window_outranks_grade_and_staleness() -> None:
    # Grade comes before staleness, so a stale in-window A still ranks below a past-window C.
    past_c = facts(C, graded=91, looked=91, touched=0, created=120)
    stale_a = facts(A, graded=2, looked=2, touched=100, created=120)
    assert score(past_c) > score(stale_a)


def test_longer_past_window_is_more_urgent_but_capped() -> None:
    scores = [score(facts(B, graded=30 + d, looked=30 + d)) for d in (1, 5, 10)]
    assert scores == sorted(scores) and len(set(scores)) == 3
    assert score(facts(B, graded=200, looked=200)) == score(facts(B, graded=400, looked=400))


@pytest.mark.parametrize(
    "common",
    [
        {},
        {"touched": 10},
        {"next_in": 0},
        {"next_in": 2},
        {"next_in": 10},
        {"next_in": -2},
        {"key": True},
        {"looked": None},
    ],
)
def test_grade_order_when_otherwise_equal(common: dict) -> None:
    a, b, c = (score(facts(g, **common)) for g in (A, B, C))
    assert a > b > c


def test_staleness_breaks_ties() -> None:
    fresh = facts(B, touched=0, created=100)
    stale = facts(B, touched=10, created=100)
    staler = facts(B, touched=20, created=100)
    assert score(staler) > score(stale) > score(fresh)


def test_staleness_is_capped() -> None:
    assert score(facts(B, touched=60, created=400)) == score(facts(B, touched=365, created=400))
    u = urgency(facts(B, touched=365, created=400), TODAY)
    assert u.days_since_touch == 365  # the day count itself is not capped


@pytest.mark.parametrize(("higher", "lower"), [(A, B), (B, C), (A, C)])
def test_staleness_only_breaks_ties_between_grades(higher: Grade, lower: Grade) -> None:
    # However long a card has gone untouched, it does not jump a higher grade.
    fresh_high = facts(higher, touched=0, created=400)
    stale_low = facts(lower, touched=365, created=400)
    assert score(fresh_high) > score(stale_low)


def test_key_account_adds_a_little() -> None:
    base = facts(B, touched=5)
    assert score(replace(base, key_account=True)) > score(base)
    # ...but not more than a grade step.
    assert score(facts(A, touched=5)) > score(replace(base, key_account=True))


def test_next_step_today_and_soon_raise_urgency() -> None:
    none = score(facts(B))
    later = score(facts(B, next_in=10))
    soon = score(facts(B, next_in=3))
    today = score(facts(B, next_in=0))
    assert today > soon > later == none


def test_review_due_raises_urgency() -> None:
    assert score(facts(B, graded=2, looked=8)) > score(facts(B, graded=2, looked=2))
