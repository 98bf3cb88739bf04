"""Numbers of the weekly review as words: amounts, shares, one-line sparkline bars."""

from __future__ import annotations

from collections.abc import Sequence

BARS = "▁▂▃▄▅▆▇█"


def bars(values: Sequence[float]) -> str:
    """A one-line text sparkline (lowest value ▁, highest █; all equal: ▁)."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = high - low
    return "".join(
        BARS[int((v - low) / span * (len(BARS) - 1))] if span else BARS[0] for v in values
    )


def amount(value: float) -> str:
    """``12,000`` (whole units)."""
    return f"{value:,.0f}"


def compact_amount(value: float) -> str:
    """``950``, ``8,400``, ``48k``, ``1.2m``: short enough for a card line (``0`` for none)."""
    from salesdesk.rules.fields import short_money

    return short_money(value) or "0"


def percent(share: float) -> str:
    """``0.771`` → ``77%``."""
    return f"{share * 100:.0f}%"
