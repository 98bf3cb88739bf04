"""A column draws a card through Rich only when it looks different: an update that asks for
every line of the column looks each card up once, and a card whose clock ticks (a running
complaint, a new lead's first contact) is drawn again when the moment the column was given
moves, not at every frame (CardColumn._strips_for / _content_lines)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

import pytest
from textual.geometry import Region

from salesdesk.app import make_app
from salesdesk.config import Settings
from salesdesk.data.board_view import ListColumn
from salesdesk.data.db import Database
from salesdesk.data.demo import fill_demo
from salesdesk.widgets import card_column
from salesdesk.widgets.card_column import CardColumn
from tests.conftest import TODAY, ready


async def test_a_card_is_drawn_once_per_look_and_a_clock_once_per_moment(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_demo(db, TODAY)
    app = make_app(settings, db)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        column = max(app.screen.query(CardColumn), key=lambda c: len(c.cards))
        cards = list(column.cards)[:12]
        moment = datetime.combine(TODAY, datetime.min.time()) + timedelta(hours=10)
        clock = dataclasses.replace(cards[1], first_contact_due=moment + timedelta(hours=3),
                                    complaint_due=None)
        plain = [dataclasses.replace(c, first_contact_due=None, complaint_due=None)
                 for c in (cards[0], *cards[2:])]
        shown = [plain[0], clock, *plain[1:]]
        drawn: list[tuple[int, Any]] = []
        real = card_column.render_card

        def counting(card: Any, width: int, today: Any, **kwargs: Any) -> Any:
            drawn.append((card.id, today))
            return real(card, width, today, **kwargs)

        monkeypatch.setattr(card_column, "render_card", counting)
        column.set_cards(ListColumn(shown), moment)
        column.select(0)
        column._cache.clear()  # (the board drew some of these cards already)
        whole = Region(0, 0, *column.outer_size)
        lines = column.render_lines(whole)
        on_screen = -(-column.size.height // column.card_lines)
        assert len(lines) == column.outer_size.height
        ids = [card_id for card_id, _ in drawn]
        assert sorted(ids) == sorted({c.id for c in shown[:on_screen]})  # each card once
        drawn.clear()
        column.render_lines(whole)  # another frame, the same moment: nothing drawn
        column.render_lines(Region(0, 2, whole.width, 3))
        assert drawn == []
        later = moment + timedelta(minutes=5)
        column.set_cards(ListColumn(shown), later)
        column.render_lines(whole)
        assert drawn == [(clock.id, later)]  # only the card with a clock, for the new moment
