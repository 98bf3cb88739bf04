"""Emoji sequences never break a card's or a grid's border: what is drawn is folded to
characters every terminal draws at the width Rich measures (👩‍👩‍👧 → 👩👩👧, 👍🏽 → 👍, the
flag 🇨🇳 → CN), while the stored name keeps every character."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from rich.cells import cell_len
from textual.app import App

from salesdesk.app import make_app
from salesdesk.config import Settings
from salesdesk.data import store, visits
from salesdesk.data.db import Database
from salesdesk.render.cards import render_card
from salesdesk.text import for_cells
from tests.conftest import NOW, TODAY, burst, ready

NAMES = ["👩‍👩‍👧 Family Shop", "🏳️‍🌈 Pride Ltd", "🇨🇳🇬🇧 Trade", "👍🏽 Thumbs", "1️⃣ First",
         "🏴󠁧󠁢󠁳󠁣󠁴󠁿 Scots", "王伟👨‍💻"]
#: What a terminal may draw at another width than Rich measures.
SEQUENCE = re.compile("[\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
                      "\u20e3\U0001f1e6-\U0001f1ff]")


def test_folding_keeps_the_words_and_drops_only_the_joining_marks() -> None:
    assert for_cells("👩‍👩‍👧 Family") == "👩👩👧 Family"
    assert for_cells("🇨🇳 王伟") == "CN 王伟"
    assert for_cells("plain 王伟") == "plain 王伟"
    for name in NAMES:
        assert not SEQUENCE.search(for_cells(name))


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize("width", [18, 25, 33, 40])
def test_card_lines_are_exactly_the_width(db: Database, compact: bool, width: int) -> None:
    for name in NAMES:
        store.add_prospect(db, NOW, name, company=name, grade="A", next_action=name)
    for card in store.list_cards(db, TODAY):
        for line in render_card(card, width, TODAY, compact=compact, selected=False,
                                active=True):
            assert cell_len(line.plain) == width
            assert not SEQUENCE.search(line.plain), line.plain


def screen_lines(app: App[Any]) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def check_screen(app: App[Any], width: int) -> None:
    for line in screen_lines(app):
        assert not SEQUENCE.search(line), line
        assert cell_len(line) == width


@pytest.mark.parametrize("size", [(80, 24), (140, 45)])
async def test_board_plan_and_man_check_keep_their_borders(
    settings: Settings, db: Database, size: tuple[int, int]
) -> None:
    for index, name in enumerate(NAMES):
        pid = store.add_prospect(db, NOW, name, company=name, grade="ABC"[index % 3],
                                 area=name)
        visits.plan_visit(db, NOW, pid, TODAY + timedelta(days=index % 3), purpose=name)
    app = make_app(settings, db)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        check_screen(app, size[0])
        await burst(pilot, "v")
        await ready(pilot)
        check_screen(app, size[0])
        await burst(pilot, "v")  # the month
        await pilot.pause(0.3)
        check_screen(app, size[0])
        await burst(pilot, "escape", "m")
        check_screen(app, size[0])
    assert store.get_prospect(db, 1, TODAY).fields["name"] == NAMES[0]  # stored as typed
