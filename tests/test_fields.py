"""The card's editable fields: parsing what the rep types (explicit ``today``)."""

from __future__ import annotations

from datetime import date

import pytest

from salesdesk.errors import InputError
from salesdesk.rules.fields import format_field, parse_field

TODAY = date(2026, 11, 18)  # a Wednesday


@pytest.mark.parametrize(
    ("name", "typed", "stored"),
    [
        ("status", "customer", "customer"),
        ("status", " Customer ", "customer"),
        ("status", "c", "customer"),
        ("status", "pa", "parked"),
        ("stage", "pro", "prospective"),
        ("stage", "int", None),  # interested or intentional
        ("grade", "b", "B"),
        ("need", "y", "yes"),
        ("status", "l", None),  # live or lost
        ("status", "x", None),
    ],
)
def test_a_choice_may_be_a_unique_beginning_in_the_card_detail(
    name: str, typed: str, stored: str | None
) -> None:
    if stored is None:
        with pytest.raises(InputError) as info:
            parse_field(name, typed, TODAY, typed=True)
        assert typed.strip() in info.value.message
        if typed == "l":
            assert "live or lost" in info.value.message
    else:
        assert parse_field(name, typed, TODAY, typed=True) == stored


def test_without_prefixes_a_choice_must_be_whole() -> None:
    """Imports and scripts stay strict: a cut-off value in a file is an error, not a guess."""
    assert parse_field("status", "Customer", TODAY) == "customer"
    with pytest.raises(InputError, match="use one of live, customer"):
        parse_field("status", "c", TODAY)


def test_stored_values_format_back_to_what_the_detail_shows() -> None:
    assert format_field("next_date", parse_field("next_date", "fri", TODAY)) == "2026-11-20"
    assert parse_field("value", "12k", TODAY) == 12000
    assert parse_field("key_account", "YES", TODAY) is True


def test_a_typed_next_step_is_never_in_the_past_but_a_file_may_hold_one() -> None:
    with pytest.raises(InputError, match="cannot be in the past"):
        parse_field("next_date", "2025-01-01", TODAY, typed=True)
    assert parse_field("next_date", "today", TODAY, typed=True) == TODAY
    assert parse_field("next_date", "", TODAY, typed=True) is None
    # An export read back keeps an overdue step exactly (it is a copy of the data).
    assert parse_field("next_date", "2025-01-01", TODAY) == date(2025, 1, 1)
    # Other dates may be in the past when typed (a birthday, say).
    assert parse_field("birthday", "1990-05-01", TODAY, typed=True) == date(1990, 5, 1)


@pytest.mark.parametrize(
    ("typed", "says"),
    [("-5", "zero or more"), ("1e400", "too large"), ("2e12", "too large"),
     ("nan", "use a number"), ("lots", "use a number")],
)
def test_bad_amounts_say_what_is_wrong(typed: str, says: str) -> None:
    from salesdesk.rules.fields import parse_money

    with pytest.raises(InputError, match=says):
        parse_money(typed)
