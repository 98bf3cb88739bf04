"""Filter words shorter than three characters: a trigram index cannot answer them, so
PostgreSQL scans (ILIKE) as SQLite does (LIKE); either way a card matches the same words,
Latin and Chinese, by pinyin and initials, with % and _ taken literally."""

from __future__ import annotations

import pytest

from salesdesk.app import SalesDeskApp
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.screens.board import BoardScreen
from tests.conftest import NOW, TODAY, until

BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)

CARDS = {
    "Li Bo": {"company": "Ox Co", "notes": "5% off"},
    "王伟": {"company": "华信", "notes": "下午见"},
    "Özil": {"company": "Gmbh", "tags": "a_b"},
    "Sam Lee": {"company": "", "notes": ""},
}

#: A short search and the cards it finds (every word must match, any column).
EXPECTED = {
    "li": {"Li Bo"},
    "LI": {"Li Bo"},  # ASCII case folded on both
    "o": {"Li Bo"},  # one letter (Özil's Ö is another letter)
    "ox": {"Li Bo"},
    "li ox": {"Li Bo"},
    "li 王": set(),  # both words must match
    "王": {"王伟"},  # one Chinese character
    "王伟": {"王伟"},
    "华": {"王伟"},
    "下午": {"王伟"},
    "ww": {"王伟"},  # the initials of the pinyin key
    "wa": {"王伟"},  # the start of its syllables
    "öz": {"Özil"},  # beyond ASCII, folded on both
    "ÖZ": {"Özil"},
    "5%": {"Li Bo"},  # % is a character, not a wildcard
    "%": {"Li Bo"},
    "_": {"Özil"},  # _ too
    "a_": {"Özil"},
    "zz": set(),
}


def _fill(db: Database) -> dict[str, int]:
    return {
        name: store.add_prospect(db, NOW, name, grade="B", **extra) for name, extra in CARDS.items()
    }


@BOTH
def test_short_words_find_the_same_cards_on_either_database(db: Database) -> None:
    _fill(db)
    found = {
        search: {c.name for c in store.list_cards(db, TODAY, search=search)} for search in EXPECTED
    }
    assert found == EXPECTED


@BOTH
async def test_the_board_filter_takes_a_short_chinese_word_and_initials(
    db: Database, settings: Settings
) -> None:
    ids = _fill(db)
    app = SalesDeskApp(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        for typed, name in (("王", "王伟"), ("ww", "王伟"), ("ox", "Li Bo")):
            await pilot.press("slash", *typed)
            want = [ids[name]]

            def shown(typed: str = typed, want: list[int] = want) -> bool:
                return screen.filter_text == typed and [c.id for c in screen.cards] == want

            await until(pilot, shown)
            await pilot.press("escape")
            await pilot.pause()
            assert len(screen.cards) == len(CARDS)
