"""Pure rules behind issue 12's rep features: the forecast's chances, the pipeline, drop
and loss reasons, the pinyin key; and the weekly review's figures for them (explicit
days, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from salesdesk.errors import InputError
from salesdesk.rules.pinyin import has_han, pinyin_key
from salesdesk.rules.pipeline import Pipeline, format_probabilities, parse_probabilities
from salesdesk.rules.reasons import parse_reason, reason_said
from salesdesk.rules.review import CardFact, ChangeFact, ReviewData, present, weekly_review

MONDAY = date(2026, 11, 16)
TODAY = date(2026, 11, 18)


@pytest.mark.parametrize("text, chances", [
    ("A=0.6,B=0.3,C=0.1", {"A": 0.6, "B": 0.3, "C": 0.1}),
    ("a=60%; b = 30 %, c:5%", {"A": 0.6, "B": 0.3, "C": 0.05}),
    ("C=0,B=1,A=.5", {"A": 0.5, "B": 1.0, "C": 0.0}),
])
def test_chances_are_read_in_every_usual_form(text: str, chances: dict[str, float]) -> None:
    assert parse_probabilities(text) == chances
    assert parse_probabilities(format_probabilities(chances)) == chances


@pytest.mark.parametrize("text", ["A=0.6,B=0.3", "A=1.5,B=0,C=0", "A=x,B=0,C=0", "", "D=1"])
def test_bad_chances_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        parse_probabilities(text)


def test_the_forecast_is_value_times_chance() -> None:
    pipe = Pipeline({"A": 20_000.0, "B": 8_000.0, "C": 5_000.0},
                    parse_probabilities("A=0.6,B=0.3,C=0.1"))
    assert (pipe.total, pipe.forecast) == (33_000.0, 14_900.0)
    assert pipe.weighted("B", 1000.0) == 300.0


@pytest.mark.parametrize("typed, key", [
    ("1", "price"), ("2", "budget"), ("3", "competitor"), ("6", "other"), ("comp", "competitor"),
    ("No Budget", "budget"), ("resp", "silent"), ("竞品", "competitor"), ("太贵", "price"),
    ("", None), ("  ", None),
])
def test_a_reason_is_typed_as_a_number_a_word_or_in_chinese(typed: str, key: str | None) -> None:
    assert parse_reason(typed) == key


@pytest.mark.parametrize("typed", ["0", "7", "no", "zzz"])
def test_an_unclear_reason_is_refused_with_the_list(typed: str) -> None:
    with pytest.raises(InputError, match="use 1 price · 2 no budget"):
        parse_reason(typed)


def test_what_a_reason_says() -> None:
    assert reason_said("competitor", "went  with\\nAcme") == "chose a competitor: went with\\nAcme"
    assert reason_said(None, "moved away") == "moved away"
    assert reason_said("price") == "price"
    assert reason_said(None) == ""


def test_the_pinyin_key_has_syllables_and_initials() -> None:
    assert pinyin_key(("王海燕", "北京科技")) == "wanghaiyan why beijingkeji bjkj"
    assert pinyin_key(("Ann 李", "")) == "li l"
    assert pinyin_key(("Ann Lee", "Acme")) == ""
    assert has_han("李") and not has_han("Ann")
    # Read run by run (a run's syllables are cached): a phrase's reading of a character
    # that has several stays (重庆 chong, 银行 hang, 行长 zhang), 〇 counts as Chinese, and
    # what lies between runs only separates them.
    assert pinyin_key(("重庆银行 12 行长", "二〇二四年")) == (
        "chongqingyinhanghangzhang cqyhhz erlingersinian elesn")
    assert pinyin_key(("Ann 王·伟 3", None)) == "wangwei ww"


def test_the_review_counts_why_cards_went_and_the_pipeline() -> None:
    cards = [
        CardFact(1, "Ann", grade="A", status="lost", value=10_000),
        CardFact(2, "Bob", grade="B", status="dropped"),
        CardFact(3, "Cy", grade="C", status="dropped"),
        CardFact(4, "Di", grade="A", value=20_000),
        CardFact(5, "Ed", grade="B", value=8_000),
        CardFact(6, "Old", grade="C", status="lost"),  # lost before the week
    ]
    changes = [
        ChangeFact(6, "status", date(2026, 11, 2), "live", "lost", reason="price"),
        ChangeFact(1, "status", TODAY, "live", "lost", reason="competitor",
                   reason_note="Acme"),
        ChangeFact(2, "status", MONDAY, "live", "dropped", reason="silent"),
        ChangeFact(3, "status", TODAY, "live", "dropped"),
        ChangeFact(5, "grade", TODAY, "C", "B"),
    ]
    data = ReviewData(MONDAY, TODAY, cards=cards, changes=changes,
                      chances={"A": 0.5, "B": 0.25, "C": 0.0})
    review = weekly_review(data)
    assert review.outcomes.reasons == {"competitor": 1, "silent": 1, "": 1}
    assert review.outcomes.why == {1: "chose a competitor: Acme", 2: "no response"}
    assert review.pool.value_by_grade == {"A": 20_000, "B": 8_000, "C": 0}
    assert review.pool.forecast == 12_000
    figures = present(review)
    pool = [str(s) for s in figures.section("pool").sentences]
    assert pool[1] == "pipeline A 20,000 · B 8,000 · C 0 = 28,000 · forecast 12,000 " \
        "(A 50% · B 25% · C 0%)"
    outcomes = figures.section("outcomes")
    assert str(outcomes.sentences[-1]) == \
        "why lost or dropped: chose a competitor 1 · no response 1 · not said 1"
    lost = next(n for n in outcomes.names if n.label == "lost")
    assert [(c.name, c.said) for c in lost.cards] == [("Ann", "chose a competitor: Acme")]


def test_a_past_week_counts_the_pipeline_by_the_grades_of_then() -> None:
    cards = [CardFact(1, "Ann", grade="A", value=10_000)]
    changes = [ChangeFact(1, "grade", date(2026, 11, 25), "C", "A")]
    review = weekly_review(ReviewData(MONDAY, date(2026, 11, 30), cards=cards, changes=changes))
    assert review.pool.value_by_grade == {"A": 0, "B": 0, "C": 10_000}
    assert review.pool.forecast == 1_000
