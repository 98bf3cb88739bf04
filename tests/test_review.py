"""The weekly review's figures, against hand-built fixtures with known answers (the loader
and the walk-through's store side: ``test_review_data.py``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from salesdesk.render.markdown import markdown_report
from salesdesk.rules.review import (
    CardFact,
    ChangeFact,
    ReviewData,
    TouchFact,
    VisitFact,
    week_label,
    weekly_review,
)
from tests.conftest import TODAY

MON = date(2026, 11, 16)  # the week of the suite's fixed today (Wed 18 Nov 2026)
D = date


def _fixture() -> ReviewData:
    """Twelve cards and a week of activity; every answer below is worked out by hand."""
    cards = [
        CardFact(1, "Ann", "Acme", "A", "live", "prospective", 5000, False, "yes", "yes", "yes",
                 D(2026, 10, 1)),
        CardFact(2, "Bob", "Bluebird", "A", "live", "intentional", 9000,
                 created_on=D(2026, 9, 1)),
        CardFact(3, "Cat", "", "B", "customer", "customer", 12000, created_on=D(2026, 8, 1),
                 closed_on=D(2026, 11, 18), last_contact=D(2026, 11, 17)),
        CardFact(4, "Dan", "", "B", "lost", "target", 3000, created_on=D(2026, 9, 15),
                 closed_on=D(2026, 11, 17)),
        CardFact(5, "Eve", "", "C", "dropped", "target", 1000, False, "no", "no", "no",
                 D(2026, 7, 1), D(2026, 11, 16)),
        CardFact(6, "Fay", "", "C", "live", "target", created_on=D(2026, 11, 17)),
        CardFact(7, "Gus", "Big Co", "A", "customer", "customer", 50000, True,
                 created_on=D(2025, 1, 1), closed_on=D(2025, 6, 1), last_contact=D(2026, 8, 1)),
        CardFact(8, "Hal", "", "B", "customer", "customer", 30000, True,
                 created_on=D(2026, 1, 1), closed_on=D(2026, 3, 10),
                 last_contact=D(2026, 11, 18)),
        CardFact(9, "Ivy", "Imported", "C", "customer", "customer", 8000,
                 created_on=D(2026, 5, 1), closed_on=D(2026, 5, 1)),
        CardFact(10, "Jon", "", "C", "live", "target", 2000, False, "yes", "no", "no",
                 D(2026, 6, 1)),
        CardFact(11, "Kim", "", "C", "parked", "target", created_on=D(2026, 9, 1),
                 closed_on=D(2026, 10, 1)),
        CardFact(12, "Lee", "", "A", "live", "interested", 4000, created_on=D(2026, 11, 1),
                 previous_id=8),
        CardFact(13, "Max", "", "C", "customer", "customer", 5000, created_on=D(2024, 10, 1),
                 closed_on=D(2025, 1, 10), last_contact=D(2026, 11, 17)),
    ]
    changes = [
        ChangeFact(13, "status", D(2025, 1, 10), "live", "customer", 5_000.0),
        ChangeFact(7, "status", D(2025, 6, 1), "live", "customer", 50_000.0),
        ChangeFact(8, "status", D(2026, 3, 10), "live", "customer", 30_000.0),
        ChangeFact(11, "status", D(2026, 10, 1), "live", "parked"),
        ChangeFact(10, "grade", D(2026, 11, 16), old="A", new="C"),
        ChangeFact(5, "status", D(2026, 11, 16), "live", "dropped"),
        ChangeFact(2, "grade", D(2026, 11, 17), old="B", new="A"),
        ChangeFact(4, "status", D(2026, 11, 17), "live", "lost"),
        ChangeFact(3, "status", D(2026, 11, 18), "live", "customer", 12_000.0),
    ]
    touches = [
        TouchFact(1, "call", D(2026, 11, 16)),
        TouchFact(2, "call", D(2026, 11, 16)),
        TouchFact(10, "message", D(2026, 11, 16)),
        TouchFact(2, "visit", D(2026, 11, 17)),
        TouchFact(3, "email", D(2026, 11, 17)),
        TouchFact(5, "call", D(2026, 11, 17)),
        TouchFact(12, "call", D(2026, 11, 17)),
        TouchFact(13, "call", D(2026, 11, 17)),
        TouchFact(1, "note", D(2026, 11, 17)),
        TouchFact(8, "meeting", D(2026, 11, 18)),
    ]
    visits = [
        VisitFact(1, D(2026, 11, 16), "done"),
        VisitFact(2, D(2026, 11, 17), "done"),
        VisitFact(3, D(2026, 11, 17), "missed"),
        VisitFact(4, D(2026, 11, 19), "planned"),
        VisitFact(5, D(2026, 11, 20), "moved"),
        VisitFact(6, D(2026, 11, 20), "cancelled"),
    ]
    daily = {
        D(2026, 8, 24): 7,  # before the 12 trend weeks
        D(2026, 8, 31): 2,  # first trend week
        D(2026, 11, 10): 3,
        D(2026, 11, 16): 3,
        D(2026, 11, 17): 5,
        D(2026, 11, 18): 1,
    }
    return ReviewData(MON, TODAY, 10, 60, cards, changes, touches, visits, daily)


@pytest.fixture
def review():  # type: ignore[no-untyped-def]
    return weekly_review(_fixture())


# --------------------------------------------------------------------------- figures


def test_week_and_as_of(review) -> None:  # type: ignore[no-untyped-def]
    assert (review.week_start, review.week_end) == (MON, D(2026, 11, 22))
    assert review.as_of == TODAY  # the week is still running: judged today
    assert review.iso_week == "2026-W47"
    assert week_label(review) == "2026-W47 · Mon 16 Nov – Sun 22 Nov 2026"


def test_pool_health(review) -> None:  # type: ignore[no-untyped-def]
    pool = review.pool
    # Live at Sunday's end: Ann A, Bob A (promoted), Lee A, Fay C, Jon C (demoted).
    assert pool.by_grade == {"A": 3, "B": 0, "C": 2}
    assert (pool.live, pool.target, pool.to_add) == (5, 10, 5)
    assert pool.new == 1  # Fay


def test_outcomes(review) -> None:  # type: ignore[no-untyped-def]
    out = review.outcomes
    assert [(c.name, c.value) for c in out.won] == [("Cat", 12000)]
    assert out.won_value == 12000
    assert [c.name for c in out.lost] == ["Dan"]
    assert [c.name for c in out.dropped] == ["Eve"]
    assert out.parked == [] and out.reopened == []  # Kim was parked before the week
    assert [(m.name, m.from_grade, m.to_grade) for m in out.promoted] == [("Bob", "B", "A")]
    assert [(m.name, m.from_grade, m.to_grade) for m in out.demoted] == [("Jon", "A", "C")]


def test_activity_counts(review) -> None:  # type: ignore[no-untyped-def]
    act = review.activity
    v = act.visits
    assert (v.planned, v.done, v.missed, v.open, v.moved, v.cancelled) == (4, 2, 1, 1, 1, 1)
    assert act.by_kind == {
        "call": 5, "visit": 1, "message": 1, "email": 1, "meeting": 1, "note": 1,
    }
    assert act.touches == 9  # the note is not a touch
    # Bob's call on Monday was as a B; his visit on Tuesday, after the promotion, as an A.
    # Cat was still live (B) when emailed; Jon was demoted to C on Monday.
    assert act.by_grade == {"A": 3, "B": 2, "C": 1, "customer": 2, "closed": 1}
    assert act.key_accounts == 1  # Hal


def test_time_guidance(review) -> None:  # type: ignore[no-untyped-def]
    time = {t.key: (t.touches, round(t.share, 4), t.guidance) for t in review.activity.time}
    assert time == {
        "big": (2, round(2 / 9, 4), 35),  # Hal (top customer, key account), Lee (Hal's group)
        "long_term": (1, round(1 / 9, 4), 20),  # Max, a customer since January 2025
        "small": (4, round(4 / 9, 4), 50),  # Ann, Bob twice, Cat
        "no_intention": (2, round(2 / 9, 4), 0),  # Eve (dropped), Jon (M a n)
    }


def test_pareto(review) -> None:  # type: ignore[no-untyped-def]
    p = review.pareto
    # 12-month revenue: Hal 30,000 (Lee's card is his), Cat 12,000, Ivy 8,000 (imported);
    # Gus and Max won more than a year ago.
    assert (p.customers, p.top_count) == (3, 1)
    assert (p.revenue, p.top_revenue, p.top_share) == (50000, 30000, 0.6)
    assert [(c.name, c.revenue, c.touches) for c in p.top] == [("Hal", 30000, 2)]
    assert (p.touches, p.top_touches) == (9, 2)
    assert p.top_touch_share == pytest.approx(2 / 9)


def test_retention(review) -> None:  # type: ignore[no-untyped-def]
    ret = review.retention
    assert ret.days == 60
    assert [(c.name, c.value, c.last_contact, c.days) for c in ret.customers] == [
        ("Gus", 50000, D(2026, 8, 1), 109),
        ("Ivy", 8000, D(2026, 5, 1), 201),  # imported: silent since it became a customer
    ]
    assert (ret.count, ret.value) == (2, 58000)


def test_selling_weeks_and_funnel(review) -> None:  # type: ignore[no-untyped-def]
    assert review.selling_weeks_left == 4.1  # 35 * 43 / 365
    assert review.funnel == {
        "target": 2, "interested": 1, "intentional": 1, "prospective": 1, "customer": 5,
    }


def test_trends(review) -> None:  # type: ignore[no-untyped-def]
    trends = review.trends
    assert len(trends) == 12
    assert trends[0].week_start == D(2026, 8, 31) and trends[-1].week_start == MON
    assert [t.touches for t in trends] == [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 9]
    # Live at the end of the first week: Bob, Cat, Eve, Jon, Kim.
    assert trends[0].live == 5
    # Kim parked on 1 Oct; Ann, Dan, Lee joined: Ann Bob Cat Dan Eve Jon Lee.
    assert trends[-2].live == 7
    assert trends[-1].live == review.pool.live == 5
    assert [t.wins for t in trends] == [0] * 11 + [1]
    assert trends[-1].won_value == 12000


def test_to_json_is_plain(review) -> None:  # type: ignore[no-untyped-def]
    import json

    data = json.loads(json.dumps(review.to_json()))
    assert data["week_start"] == "2026-11-16" and data["iso_week"] == "2026-W47"
    assert data["pool"]["to_add"] == 5
    assert data["outcomes"]["won_value"] == 12000
    assert data["retention"]["count"] == 2
    assert data["retention"]["customers"][0]["last_contact"] == "2026-08-01"
    assert len(data["trends"]) == 12


def test_empty_week_gives_zeros_not_errors() -> None:
    review = weekly_review(ReviewData(MON, TODAY))
    assert review.pool.by_grade == {"A": 0, "B": 0, "C": 0}
    assert (review.pool.live, review.pool.to_add, review.pool.new) == (0, 50, 0)
    assert review.outcomes.won == [] and review.outcomes.won_value == 0
    assert review.activity.touches == 0
    assert all(t.share == 0 for t in review.activity.time)
    assert review.pareto.customers == 0 and review.pareto.top_share == 0
    assert review.retention.count == 0
    assert set(review.funnel.values()) == {0}
    assert [(t.touches, t.live, t.wins) for t in review.trends] == [(0, 0, 0)] * 12
    assert "No revenue recorded" in markdown_report(review)


def test_week_must_start_on_a_monday() -> None:
    with pytest.raises(ValueError, match="Monday"):
        ReviewData(D(2026, 11, 18), TODAY)


def test_year_end_week() -> None:
    mon = D(2026, 12, 28)
    data = ReviewData(
        mon,
        D(2027, 1, 5),
        cards=[
            CardFact(1, "Nora", created_on=D(2026, 12, 30), status="customer", value=1000),
            CardFact(2, "Otto", created_on=D(2026, 6, 1), grade="B"),
        ],
        changes=[
            ChangeFact(1, "status", D(2027, 1, 2), "live", "customer", 1_000.0),
            ChangeFact(2, "grade", D(2026, 12, 31), old="C", new="B"),
        ],
        touches=[TouchFact(2, "call", D(2026, 12, 31)), TouchFact(1, "visit", D(2027, 1, 2))],
        daily_touches={D(2026, 12, 31): 1, D(2027, 1, 2): 1, D(2027, 1, 4): 5},
    )
    review = weekly_review(data)
    assert review.week_end == D(2027, 1, 3)
    assert review.as_of == D(2027, 1, 3)
    assert review.iso_week == "2026-W53"
    assert week_label(review) == "2026-W53 · Mon 28 Dec 2026 – Sun 3 Jan 2027"
    assert review.selling_weeks_left == 34.7  # 35 * 362 / 365, of 2027
    assert review.pool.new == 1 and review.pool.by_grade == {"A": 0, "B": 1, "C": 0}
    assert [c.name for c in review.outcomes.won] == ["Nora"]
    assert [m.name for m in review.outcomes.promoted] == ["Otto"]
    assert review.activity.touches == 2
    assert review.trends[-1].touches == 2  # the 5 touches on 4 Jan are next week's
    assert review.trends[-1].wins == 1
    assert review.trends[-2].week_start == D(2026, 12, 21)


def test_won_and_reopened_in_the_same_week_is_no_win() -> None:
    data = ReviewData(
        MON,
        TODAY,
        cards=[CardFact(1, "Pat", created_on=D(2026, 1, 1), value=500)],
        changes=[
            ChangeFact(1, "status", D(2026, 11, 16), "live", "customer", 500.0),
            ChangeFact(1, "status", D(2026, 11, 17), "customer", "live"),
        ],
    )
    review = weekly_review(data)
    assert review.outcomes.won == [] and review.outcomes.reopened == []
    assert review.pool.live == 1


def test_win_without_value_in_note_uses_card_value() -> None:
    data = ReviewData(
        MON,
        TODAY,
        cards=[CardFact(1, "Quy", status="customer", value=700, created_on=D(2026, 1, 1))],
        changes=[ChangeFact(1, "status", D(2026, 11, 17), "live", "customer")],
    )
    assert weekly_review(data).outcomes.won_value == 700


def test_a_past_week_is_rebuilt_from_the_changes() -> None:
    """A card won after the week was live in it, as the grade it had then."""
    data = ReviewData(
        MON - timedelta(days=14),
        TODAY,
        cards=[CardFact(1, "Rae", grade="A", status="customer", created_on=D(2026, 1, 1))],
        changes=[
            ChangeFact(1, "grade", D(2026, 11, 12), old="C", new="A"),
            ChangeFact(1, "status", D(2026, 11, 17), "live", "customer"),
        ],
    )
    review = weekly_review(data)
    assert review.pool.by_grade == {"A": 0, "B": 0, "C": 1}
    assert review.funnel["customer"] == 0 and review.funnel["target"] == 1


def test_the_funnel_of_a_past_week_uses_the_stages_of_that_week() -> None:
    card = CardFact(1, "Sam", grade="A", stage="prospective", created_on=D(2026, 10, 1))
    changes = [
        ChangeFact(1, "stage", D(2026, 11, 4), "target", "interested"),
        ChangeFact(1, "stage", D(2026, 11, 17), "interested", "prospective"),
    ]

    def funnel_of(monday: date) -> dict[str, int]:
        return weekly_review(ReviewData(monday, TODAY, cards=[card], changes=changes)).funnel

    assert funnel_of(MON - timedelta(days=21))["target"] == 1  # 26 Oct - 1 Nov
    assert funnel_of(MON - timedelta(days=14))["interested"] == 1  # 2 - 8 Nov
    assert funnel_of(MON - timedelta(days=7))["interested"] == 1
    assert funnel_of(MON)["prospective"] == 1
    # No recorded change: the current stage (databases from before stages were recorded).
    plain = CardFact(2, "Old", stage="intentional", created_on=D(2026, 1, 1))
    old_week = ReviewData(MON - timedelta(days=28), TODAY, cards=[plain])
    assert weekly_review(old_week).funnel["intentional"] == 1


def test_markdown_report_keeps_tables_whole() -> None:
    data = _fixture()
    cards = [
        CardFact(7, "Gus | `x` *y* [z]", "Pipe | Co", "A", "customer", "customer", 50000, True,
                 created_on=D(2025, 1, 1), closed_on=D(2025, 6, 1), last_contact=D(2026, 8, 1))
        if card.id == 7 else card
        for card in data.cards
    ]
    report = markdown_report(weekly_review(ReviewData(
        data.week_start, data.today, 10, 60, cards, data.changes, data.touches, data.visits,
        data.daily_touches,
    )))
    assert report.startswith("# Weekly review 2026-W47\n")
    assert (
        r"- Gus \| \`x\` \*y\* \[z\] (Pipe \| Co) · 50,000 (109 days, last contact 2026-08-01)"
        in report
    )
    # Every row of a table has as many unescaped cell separators as its header.
    tables: list[list[int]] = []
    previous = ""
    for line in report.splitlines():
        if line.startswith("|"):
            if not previous.startswith("|"):
                tables.append([])
            tables[-1].append(line.replace(r"\|", "").count("|"))
        previous = line
    assert len(tables) == 2  # where the time went, the trend weeks
    assert all(len(set(widths)) == 1 for widths in tables), tables
    assert "- Hal · 30,000 (2 touches)" in report  # with the touch on Lee, his new card
    assert "- Won: Cat · 12,000" in report
    assert "target 2 → interested 1 → intentional 1 → prospective 1 → customer 5" in report
