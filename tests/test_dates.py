"""Tests for salesdesk.rules.dates: friendly date parsing and the compact date form."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from salesdesk.errors import InputError
from salesdesk.rules.dates import (
    day_name,
    parse_date,
    parse_next_date,
    parse_optional_date,
    short_date,
)

from .conftest import TODAY

WED = TODAY  # 2026-11-18 is a Wednesday
assert WED.weekday() == 2


# --------------------------------------------------------------------------- parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("  2027-01-05  ", date(2027, 1, 5)),
        ("2024-02-29", date(2024, 2, 29)),
        ("today", TODAY),
        ("TODAY", TODAY),
        (" Today ", TODAY),
        ("tomorrow", date(2026, 11, 19)),
        ("Tomorrow", date(2026, 11, 19)),
        ("yesterday", date(2026, 11, 17)),
    ],
)
def test_parse_date_iso_and_words(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thu", date(2026, 11, 19)),
        ("thursday", date(2026, 11, 19)),
        ("fri", date(2026, 11, 20)),
        ("Friday", date(2026, 11, 20)),
        ("sat", date(2026, 11, 21)),
        ("sun", date(2026, 11, 22)),
        ("mon", date(2026, 11, 23)),
        ("MONDAY", date(2026, 11, 23)),
        ("tue", date(2026, 11, 24)),
        ("tuesday", date(2026, 11, 24)),
        # Strictly after today: "wed" on a Wednesday is a week on.
        ("wed", date(2026, 11, 25)),
        ("wednesday", date(2026, 11, 25)),
    ],
)
def test_weekday_is_next_occurrence_strictly_after_today(text: str, expected: date) -> None:
    assert parse_date(text, WED) == expected


@pytest.mark.parametrize("offset", range(7))
def test_weekday_is_always_one_to_seven_days_ahead(offset: int) -> None:
    today = WED + timedelta(days=offset)
    for name in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        result = parse_date(name, today)
        assert 1 <= (result - today).days <= 7
        assert result.strftime("%a").lower() == name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+3d", date(2026, 11, 21)),
        ("3d", date(2026, 11, 21)),
        ("0d", TODAY),
        ("+14d", date(2026, 12, 2)),
        ("45d", date(2027, 1, 2)),
        ("2w", date(2026, 12, 2)),
        ("+1w", date(2026, 11, 25)),
        ("1m", date(2026, 12, 18)),
        ("+2m", date(2027, 1, 18)),
        ("12m", date(2027, 11, 18)),
        ("3D", date(2026, 11, 21)),
    ],
)
def test_parse_date_offsets(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (date(2026, 1, 31), "1m", date(2026, 2, 28)),
        (date(2028, 1, 31), "1m", date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), "1m", date(2026, 4, 30)),
        (date(2026, 1, 30), "1m", date(2026, 2, 28)),
        (date(2026, 1, 31), "2m", date(2026, 3, 31)),
        (date(2026, 8, 31), "1m", date(2026, 9, 30)),
        (date(2026, 12, 31), "2m", date(2027, 2, 28)),
        (date(2026, 12, 15), "1m", date(2027, 1, 15)),
        (date(2026, 11, 30), "3m", date(2027, 2, 28)),
    ],
)
def test_month_offsets_clamp_to_month_end(today: date, text: str, expected: date) -> None:
    assert parse_date(text, today) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "soon", "next week", "2026-13-01", "2026-02-30", "3x", "-3d", "+d", "d",
     "1y", "fri!", "32/11/2026", "tomorow"],
)
def test_bad_dates_raise_input_error_with_help(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_date(text, TODAY)
    message = str(info.value)
    assert "YYYY-MM-DD" in message
    assert "tomorrow" in message
    if text.strip():
        assert repr(text.strip()) in message


def test_parse_date_does_not_look_at_the_clock() -> None:
    assert parse_date("today", date(2001, 5, 6)) == date(2001, 5, 6)
    assert parse_date("tomorrow", date(2001, 12, 31)) == date(2002, 1, 1)
    assert parse_date("yesterday", date(2001, 1, 1)) == date(2000, 12, 31)


# --------------------------------------------------------------------------- parse_optional_date


@pytest.mark.parametrize("text", [None, "", "   ", "none", "None", "NONE", "-", " - ", "clear"])
def test_parse_optional_date_clears(text: str | None) -> None:
    assert parse_optional_date(text, TODAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("fri", date(2026, 11, 20)), ("2026-12-24", date(2026, 12, 24)), ("+1d", date(2026, 11, 19))],
)
def test_parse_optional_date_parses_dates(text: str, expected: date) -> None:
    assert parse_optional_date(text, TODAY) == expected


def test_parse_optional_date_rejects_garbage() -> None:
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        parse_optional_date("whenever", TODAY)


# --------------------------------------------------------------------------- short_date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (None, ""),
        (TODAY, "today"),
        (date(2026, 11, 19), "tmrw"),
        (date(2026, 11, 17), "yday"),
        (date(2026, 11, 20), "Fri 20"),
        (date(2026, 11, 24), "Tue 24"),
        (date(2026, 11, 25), "25 Nov"),  # a week on: no longer "this week"
        (date(2026, 11, 10), "10 Nov"),
        (date(2026, 12, 3), "3 Dec"),
        (date(2026, 1, 2), "2 Jan"),
        (date(2027, 1, 2), "2027-01-02"),
        (date(2025, 11, 18), "2025-11-18"),
    ],
)
def test_short_date_forms(day: date | None, expected: str) -> None:
    assert short_date(day, TODAY) == expected


def test_short_date_weekday_form_has_no_leading_zero() -> None:
    today = date(2026, 11, 28)  # Saturday
    assert short_date(date(2026, 12, 1), today) == "Tue 1"
    assert short_date(date(2026, 12, 4), today) == "Fri 4"


def test_short_date_near_year_end() -> None:
    today = date(2026, 12, 30)
    assert short_date(date(2026, 12, 31), today) == "tmrw"
    assert short_date(date(2027, 1, 2), today) == "Sat 2"
    assert short_date(date(2027, 1, 10), today) == "2027-01-10"


# --------------------------------------------------------------------------- more forms (issue 12)

WED = date(2026, 11, 18)  # a Wednesday
SAT = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # fri: the next Friday after today; next fri: the Friday of next week
        ("fri", WED, date(2026, 11, 20)),
        ("next fri", WED, date(2026, 11, 27)),
        ("Next  Friday", WED, date(2026, 11, 27)),
        ("this fri", WED, date(2026, 11, 20)),
        ("this mon", WED, date(2026, 11, 16)),  # this week's, even when passed
        ("last fri", WED, date(2026, 11, 13)),
        ("fri", SAT, date(2026, 11, 27)),
        ("next fri", SAT, date(2026, 11, 27)),
        ("next mon", SAT, date(2026, 11, 23)),
        ("fri", date(2026, 11, 20), date(2026, 11, 27)),  # on a Friday: a week on
        ("next fri", date(2026, 11, 20), date(2026, 11, 27)),
        # Chinese
        ("今天", WED, WED),
        ("明天", WED, date(2026, 11, 19)),
        ("后天", WED, date(2026, 11, 20)),
        ("大后天", WED, date(2026, 11, 21)),
        ("昨天", WED, date(2026, 11, 17)),
        ("周五", WED, date(2026, 11, 20)),
        ("星期五", WED, date(2026, 11, 20)),
        ("礼拜五", WED, date(2026, 11, 20)),
        ("下周五", WED, date(2026, 11, 27)),
        ("下星期一", WED, date(2026, 11, 23)),
        ("下周一", WED, date(2026, 11, 23)),
        ("本周五", WED, date(2026, 11, 20)),
        ("这周一", WED, date(2026, 11, 16)),
        ("上周五", WED, date(2026, 11, 13)),
        ("周日", WED, date(2026, 11, 22)),
        ("周天", WED, date(2026, 11, 22)),
        ("12月5日", WED, date(2026, 12, 5)),
        ("12月5号", WED, date(2026, 12, 5)),
        ("11月18日", WED, WED),  # today counts
        ("11月17日", WED, date(2027, 11, 17)),  # passed: next year's
        ("2026年12月5日", WED, date(2026, 12, 5)),
        ("2025年12月5日", WED, date(2025, 12, 5)),
        # English days of a month
        ("dec 5", WED, date(2026, 12, 5)),
        ("Dec 5", WED, date(2026, 12, 5)),
        ("5 dec", WED, date(2026, 12, 5)),
        ("december 5th", WED, date(2026, 12, 5)),
        ("5th december", WED, date(2026, 12, 5)),
        ("jan 3", WED, date(2027, 1, 3)),
        ("dec 5 2027", WED, date(2027, 12, 5)),
        ("dec 5, 2027", WED, date(2027, 12, 5)),
        ("5 dec 2025", WED, date(2025, 12, 5)),
        ("may 1", WED, date(2027, 5, 1)),
        ("feb 29", WED, date(2028, 2, 29)),  # the next leap year
        # looser ISO
        ("2026-12-5", WED, date(2026, 12, 5)),
        ("2026/12/05", WED, date(2026, 12, 5)),
    ],
)
def test_more_date_forms(text: str, today: date, expected: date) -> None:
    assert parse_date(text, today) == expected


@pytest.mark.parametrize(
    "text", ["13月5日", "2月30日", "dec 32", "32 dec", "next", "next week", "周八", "smarch 5",
             "2026年13月1日", "下周"],
)
def test_bad_new_forms_say_what_works(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_date(text, WED)
    assert "下周五" in str(info.value) and "dec 5" in str(info.value)


def test_chinese_none_clears_and_a_past_next_step_names_its_day() -> None:
    assert parse_optional_date("无", WED) is None
    with pytest.raises(InputError) as info:
        parse_next_date("上周五", WED)
    assert "Fri 13 Nov" in str(info.value)


def test_day_name_says_the_weekday_and_the_year_when_not_this_one() -> None:
    assert day_name(date(2026, 12, 4), WED) == "Fri 4 Dec"
    assert day_name(date(2027, 1, 3), WED) == "Sun 3 Jan 2027"
