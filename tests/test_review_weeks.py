"""The weekly review's small rules: review weeks from text, selling weeks left,
next-step slips, text bars."""

from __future__ import annotations

from datetime import date

import pytest

from salesdesk.errors import InputError
from salesdesk.rules.review import (
    NextStepEdit,
    Slip,
    bars,
    next_step_slips,
    parse_week,
    selling_weeks_left,
    week_start,
)
from tests.conftest import TODAY

MON = date(2026, 11, 16)  # the week of the suite's fixed today (Wed 18 Nov 2026)
D = date


# --------------------------------------------------------------------------- small rules


def test_selling_weeks_left() -> None:
    assert selling_weeks_left(D(2026, 12, 31)) == 0
    assert selling_weeks_left(D(2026, 1, 1)) == 34.9  # 35 * 364 / 365
    assert selling_weeks_left(D(2028, 7, 1)) == 17.5  # leap year: 35 * 183 / 366


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        (None, MON),
        ("this", MON),
        ("last", D(2026, 11, 9)),
        ("-2w", D(2026, 11, 2)),
        ("next", D(2026, 11, 23)),
        ("2026-11-22", MON),  # a Sunday belongs to the week before it
        ("2026-12-31", D(2026, 12, 28)),
        ("fri", MON),
    ],
)
def test_parse_week(text: str | None, monday: date) -> None:
    assert parse_week(text, TODAY) == monday


def test_a_review_week_looks_back() -> None:
    """On a Sunday, `--week fri` is the Friday just gone, and a week that has not begun
    cannot be reviewed; an ISO week name (as the report prints) is understood."""
    sunday = D(2026, 11, 22)
    assert parse_week("fri", sunday, past=True) == D(2026, 11, 16)
    assert parse_week("sun", sunday, past=True) == D(2026, 11, 16)
    assert parse_week("fri", sunday) == D(2026, 11, 23)  # the visit plan looks ahead
    assert parse_week("2026-W47", sunday, past=True) == D(2026, 11, 16)
    assert parse_week("2026w46", sunday) == D(2026, 11, 9)
    for future in ("next", "2026-11-30", "+1w"):
        with pytest.raises(InputError, match="has not begun"):
            parse_week(future, sunday, past=True)
    with pytest.raises(InputError, match="invalid week"):
        parse_week("2026-W60", sunday)


def test_parse_week_rejects_nonsense() -> None:
    with pytest.raises(InputError, match="invalid week 'soon'"):
        parse_week("soon", TODAY)
    with pytest.raises(InputError):
        parse_week("2026-02-30", TODAY)


def test_week_start() -> None:
    assert week_start(D(2027, 1, 3)) == D(2026, 12, 28)
    assert week_start(MON) == MON


def test_next_step_slips() -> None:
    edits = [
        NextStepEdit(D(2026, 11, 10), D(2026, 11, 10), touched=False),  # → 14 Nov: a slip
        NextStepEdit(D(2026, 11, 14), D(2026, 11, 14), touched=True),  # call, → 20 Nov: fine
        NextStepEdit(D(2026, 11, 15), D(2026, 11, 20), touched=False),  # regrade: no change
        NextStepEdit(D(2026, 11, 16), D(2026, 11, 20), touched=False),  # cleared: a slip
    ]
    assert next_step_slips(edits, None) == [
        Slip(D(2026, 11, 10), D(2026, 11, 10), D(2026, 11, 14)),
        Slip(D(2026, 11, 16), D(2026, 11, 20), None),
    ]
    assert next_step_slips([], D(2026, 11, 20)) == []
    # Brought forward is not a slip.
    assert next_step_slips([NextStepEdit(MON, D(2026, 11, 30), False)], D(2026, 11, 20)) == []


def test_bars() -> None:
    assert bars([0, 7]) == "▁█"
    assert bars([3, 3, 3]) == "▁▁▁"
    assert bars([]) == ""
    assert len(bars(list(range(12)))) == 12
