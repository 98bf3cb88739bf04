"""Tests for salesdesk.render.cards: fixed-size cards, exact widths, literal user text."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from rich.cells import cell_len
from rich.text import Text

from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.data.store import CardRow
from salesdesk.render.cards import (
    COMPACT_HEIGHT,
    FULL_HEIGHT,
    accent,
    card_height,
    render_card,
)
from salesdesk.rules.fields import short_money as money
from salesdesk.rules.grading import CardFacts, Grade, urgency

from .conftest import NOW, TODAY

WIDTHS = [12, 20, 26, 33, 45, 80]


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def make_card(
    name: str = "Alice Smith",
    company: str = "Northwind Traders",
    *,
    grade: Grade = Grade.B,
    status: str = "live",
    next_date: date | None = None,
    next_action: str = "",
    graded: int = 0,
    looked: int | None = 0,
    touched: int | None = 0,
    created: int = 0,
    value: float = 0.0,
    key_account: bool = False,
    man: str = "MA?",
) -> CardRow:
    """A CardRow with its urgency computed by the real rules."""
    reviewed_on = None if looked is None else ago(looked)
    facts = CardFacts(grade, ago(graded), reviewed_on, None if touched is None else ago(touched),
                      ago(created), next_date, key_account)
    return CardRow(
        id=1, name=name, company=company, grade=grade, status=status, next_date=next_date,
        next_action=next_action, touched_on=facts.touched_on, graded_on=facts.graded_on,
        reviewed_on=reviewed_on, created_on=facts.created_on, man=man, value=value,
        key_account=key_account, area="", urgency=urgency(facts, TODAY),
    )


def render(card: CardRow, width: int, *, compact: bool, selected: bool = False,
           active: bool = False) -> list[Text]:
    return render_card(card, width, TODAY, compact=compact, selected=selected, active=active)


def plain(lines: list[Text]) -> str:
    return "\n".join(line.plain for line in lines)


def assert_exact_width(lines: list[Text], width: int, compact: bool) -> None:
    assert len(lines) == card_height(compact)
    for line in lines:
        assert isinstance(line, Text)
        assert "\n" not in line.plain
        assert cell_len(line.plain) == width, (width, line.plain)
        assert line.cell_len == width


LONG_LATIN = "Bartholomew Maximilian Fitzgerald-Worthington III of Upper Snodsbury"
LONG_CHINESE = "欧阳娜娜欧阳娜娜欧阳娜娜欧阳娜娜欧阳娜娜欧阳娜娜"

CARDS: dict[str, dict[str, Any]] = {
    "plain": {},
    "chinese": {"name": "王伟", "company": "华信科技有限公司", "next_date": ago(-2),
                "next_action": "送样品给采购经理看看"},
    "long-latin": {"name": LONG_LATIN, "company": LONG_LATIN, "next_action": LONG_LATIN,
                   "next_date": ago(-10), "value": 1_234_567.0},
    "long-chinese": {"name": LONG_CHINESE, "company": LONG_CHINESE + "有限公司",
                     "next_date": ago(3), "next_action": LONG_CHINESE, "value": 88_000.0},
    "mixed": {"name": "Li 李娜 Anna", "company": "东方 Trading 公司", "next_date": TODAY,
              "next_action": "call 电话回访", "value": 5_000.0},
    "odd-wide": {"name": "a王b李c张d刘e陈f杨g黄h赵i吴j", "company": "x华y信z" * 6},
    "key-overdue": {"name": "Key 大客户", "key_account": True, "value": 250_000.0,
                    "next_date": ago(4), "next_action": "电话回访", "grade": Grade.A,
                    "graded": 12, "looked": 12, "touched": 50, "created": 60},
    "empty": {"name": "", "company": ""},
    "customer": {"status": "customer", "value": 12_000.0, "key_account": True},
    "parked": {"status": "parked", "name": "停用客户"},
    "dropped": {"status": "dropped"},
    "lost": {"status": "lost", "company": ""},
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("compact", [True, False], ids=["compact", "full"])
@pytest.mark.parametrize("kind", list(CARDS))
@pytest.mark.parametrize(("selected", "active"), [(False, False), (True, False), (True, True)],
                         ids=["plain", "selected", "active"])
def test_every_line_is_exactly_the_width(
    kind: str, compact: bool, width: int, selected: bool, active: bool
) -> None:
    card = make_card(**CARDS[kind])
    lines = render(card, width, compact=compact, selected=selected, active=active)
    assert_exact_width(lines, width, compact)


@pytest.mark.parametrize("width", [20, 21, 26, 27, 45])
@pytest.mark.parametrize("compact", [True, False], ids=["compact", "full"])
def test_chinese_text_at_odd_and_even_widths(width: int, compact: bool) -> None:
    card = make_card("欧阳娜娜", "华信科技有限公司华信科技有限公司", next_date=ago(-1),
                     next_action="拜访拜访拜访拜访拜访拜访")
    lines = render(card, width, compact=compact)
    assert_exact_width(lines, width, compact)
    # No wide character is cut in half: what is shown of a name is a prefix of it.
    text = plain(lines)
    assert "欧阳" in text
    # The ellipsis follows the last whole character, with no gap before it.
    assert " …" not in text


@pytest.mark.parametrize("width", range(0, 12))
def test_cut_puts_the_ellipsis_right_after_a_wide_character(width: int) -> None:
    from rich.cells import cell_len

    from salesdesk.render.cells import cut, fit

    shown = cut("华信科技有限公司", width)
    assert cell_len(shown) == width
    assert " …" not in shown and (width < 1 or "…" in shown)
    assert "华信科技有限公司".startswith(shown.rstrip().removesuffix("…"))
    assert fit(Text("华信科技有限公司", style="red"), width).plain == shown
    assert cut("ab 华信", 4) == "ab …"  # a real space before the cut stays
    assert cut("short", width + 5) == "short"


def test_card_heights() -> None:
    assert card_height(True) == COMPACT_HEIGHT == 4
    assert card_height(False) == FULL_HEIGHT == 6


@pytest.mark.parametrize("compact", [True, False], ids=["compact", "full"])
def test_short_text_is_shown_whole(compact: bool) -> None:
    card = make_card("王伟", "华信科技", next_date=ago(-2), next_action="送样品", value=12_000.0)
    text = plain(render(card, 45, compact=compact))
    assert "王伟" in text
    assert "华信科技" in text
    assert "送样品" in text
    assert "12k" in text
    assert "Fri 20" in text


@pytest.mark.parametrize("compact", [True, False], ids=["compact", "full"])
def test_long_name_is_truncated_with_ellipsis(compact: bool) -> None:
    card = make_card(LONG_LATIN, "")
    lines = render(card, 26, compact=compact)
    assert "…" in plain(lines)
    assert "Bartholomew" in plain(lines)


# --------------------------------------------------------------------------- literal user text

HOSTILE = [
    ("[bold]Ltd[/]", "[bold]Ltd[/]"),
    ("[link=x]click[/link]", "[link=x]click[/link]"),
    ("[red on white]Acme", "[red on white]Acme"),
    (":smile: Co", ":smile: Co"),
    ("Evil\x1b[31mRed", "Evil[31mRed"),
    ("\x1b]8;;http://x\x1b\\Link\x1b]8;;\x1b\\", "]8;;http://x\\Link]8;;\\"),
    ("Bell\x07Co\x9b2J", "BellCo2J"),
    ("Tab\there\nnewline", "Tab here newline"),
]


@pytest.mark.parametrize(("raw", "shown"), HOSTILE)
@pytest.mark.parametrize("compact", [True, False], ids=["compact", "full"])
def test_user_text_is_shown_literally(raw: str, shown: str, compact: bool) -> None:
    card = make_card(name=raw, company=raw, next_date=ago(-2), next_action=raw)
    lines = render(card, 80, compact=compact)
    assert_exact_width(lines, 80, compact)
    text = plain(lines)
    assert shown in text
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert all(ch.isprintable() for ch in text.replace("\n", ""))
    # The name line shows the name exactly once, followed by nothing it did not contain.
    name_line = lines[0].plain if compact else lines[1].plain
    assert shown in name_line
    # No markup was interpreted: no span was styled as a link or from the user's tags.
    for line in lines:
        for span in line.spans:
            assert "link" not in str(span.style)


@pytest.mark.parametrize("width", [20, 26, 45])
@pytest.mark.parametrize("compact", [True, False], ids=["compact", "full"])
def test_hostile_text_keeps_exact_width(width: int, compact: bool) -> None:
    for raw, _ in HOSTILE:
        card = make_card(name=raw * 3, company=raw * 3, next_date=ago(1), next_action=raw)
        assert_exact_width(render(card, width, compact=compact), width, compact)


# --------------------------------------------------------------------------- markers


@pytest.mark.parametrize("compact", [True, False], ids=["compact", "full"])
def test_overdue_marker(db: Database, compact: bool) -> None:
    pid = store.add_prospect(db, NOW, "Late Larry", grade="B",
                             next_date=TODAY - timedelta(days=3), next_action="send quote")
    card = store.get_card(db, pid, TODAY)
    assert card.overdue
    lines = render(card, 45, compact=compact)
    assert_exact_width(lines, 45, compact)
    step = next(line for line in lines if "▸" in line.plain)
    assert "▸15 Nov" in step.plain
    assert "send quote" in step.plain
    start = step.plain.index("▸")
    styles = [str(span.style) for span in step.spans if span.start <= start < span.end]
    assert any("on #c62828" in style for style in styles)  # red background: stands out


@pytest.mark.parametrize("compact", [True, False], ids=["compact", "full"])
def test_not_overdue_has_no_red_marker(db: Database, compact: bool) -> None:
    pid = store.add_prospect(db, NOW, "On Time", grade="B", next_date=TODAY + timedelta(days=2),
                             next_action="demo")
    lines = render(store.get_card(db, pid, TODAY), 45, compact=compact)
    assert "▸Fri 20 demo" in plain(lines)
    assert not any("#c62828" in str(span.style) for line in lines for span in line.spans)


@pytest.mark.parametrize("compact", [True, False], ids=["compact", "full"])
def test_next_step_today_and_none(db: Database, compact: bool) -> None:
    today_id = store.add_prospect(db, NOW, "Today Tom", next_date=TODAY, next_action="visit")
    none_id = store.add_prospect(db, NOW, "No Step")
    assert "▸today visit" in plain(render(store.get_card(db, today_id, TODAY), 45,
                                          compact=compact))
    assert "no next step" in plain(render(store.get_card(db, none_id, TODAY), 45,
                                          compact=compact))


@pytest.mark.parametrize("compact", [True, False], ids=["compact", "full"])
def test_regrade_marker_when_past_window(db: Database, compact: bool) -> None:
    pid = store.add_prospect(db, NOW - timedelta(days=9), "Old A", grade="A")
    card = store.get_card(db, pid, TODAY)
    assert card.urgency.past_window
    text = plain(render(card, 45, compact=compact))
    assert "⟳ regrade" in text
    assert "◆ review" not in text

    store.regrade(db, NOW, pid, "A")
    text = plain(render(store.get_card(db, pid, TODAY), 45, compact=compact))
    assert "⟳ regrade" not in text and "◆ review" not in text


@pytest.mark.parametrize("compact", [True, False], ids=["compact", "full"])
def test_review_marker_when_due(db: Database, compact: bool) -> None:
    pid = store.add_prospect(db, NOW - timedelta(days=8), "Weekly B", grade="B")
    card = store.get_card(db, pid, TODAY)
    assert card.review_due and not card.urgency.past_window
    text = plain(render(card, 45, compact=compact))
    assert "◆ review" in text
    assert "⟳ regrade" not in text


@pytest.mark.parametrize("compact", [True, False], ids=["compact", "full"])
def test_no_markers_on_a_fresh_card(db: Database, compact: bool) -> None:
    pid = store.add_prospect(db, NOW, "Fresh", grade="C")
    text = plain(render(store.get_card(db, pid, TODAY), 45, compact=compact))
    assert "⟳" not in text and "◆" not in text and "▸" not in text


@pytest.mark.parametrize("compact", [True, False], ids=["compact", "full"])
def test_closed_card_shows_status_without_markers(db: Database, compact: bool) -> None:
    pid = store.add_prospect(db, NOW - timedelta(days=100), "Won Wendy", grade="A",
                             next_date=TODAY - timedelta(days=5))
    store.set_status(db, NOW, pid, "parked")
    card = store.get_card(db, pid, TODAY)
    assert not card.overdue and not card.review_due
    lines = render(card, 45, compact=compact)
    assert_exact_width(lines, 45, compact)
    text = plain(lines)
    assert "parked" in text
    assert "⟳" not in text and "◆" not in text and "▸" not in text


def test_full_card_frame_and_grade_label() -> None:
    lines = render(make_card(grade=Grade.A), 26, compact=False)
    assert lines[0].plain.startswith("╭─ A ")
    assert lines[0].plain.endswith("─╮")
    assert lines[-1].plain == "╰" + "─" * 24 + "╯"
    for line in lines[1:-1]:
        assert line.plain.startswith("│ ") and line.plain.endswith(" │")


def test_full_card_key_account_star_and_status_label() -> None:
    lines = render(make_card(status="customer", key_account=True), 26, compact=False)
    assert lines[0].plain.startswith("╭─ customer ")
    assert "★" in lines[0].plain
    assert lines[0].plain.endswith("─╮")


def test_compact_card_layout() -> None:
    card = make_card("王伟", "华信", value=12_000.0, key_account=True, touched=3)
    lines = render(card, 26, compact=True)
    assert all(line.plain.startswith("▌") for line in lines[:3])
    assert lines[0].plain.startswith("▌王伟 · 华信")
    assert lines[0].plain.rstrip().endswith("★12k")
    assert lines[2].plain.startswith("▌3d · MA?")
    assert lines[3].plain == " " * 26
    selected = render(card, 26, compact=True, selected=True)
    assert all(line.plain.startswith("█") for line in selected[:3])


def test_accent_colours() -> None:
    assert accent(make_card(grade=Grade.A)) != accent(make_card(grade=Grade.B))
    assert accent(make_card(grade=Grade.B)) != accent(make_card(grade=Grade.C))
    live = {accent(make_card(grade=g)) for g in Grade}
    for status in ("customer", "parked", "dropped", "lost"):
        assert accent(make_card(status=status)) not in live


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.0, ""), (800.0, "800"), (9_999.0, "9,999"), (12_000.0, "12k"), (250_000.0, "250k"),
     (1_500_000.0, "1.5m")],
)
def test_money(value: float, shown: str) -> None:
    assert money(value) == shown


def test_render_does_not_change_the_card() -> None:
    card = make_card(LONG_CHINESE, LONG_LATIN)
    copy = replace(card)
    render(card, 20, compact=False)
    render(card, 20, compact=True)
    assert card == copy


@pytest.mark.parametrize("compact", [True, False])
def test_selected_card_keeps_the_red_overdue_date(compact: bool) -> None:
    """The selection tint goes under the content, so an overdue date stays white on red."""
    from rich.console import Console
    from rich.style import Style

    card = make_card(next_date=TODAY - timedelta(days=3), next_action="call")
    console = Console(width=80, color_system="truecolor")
    lines = render(card, 30, compact=compact, selected=True, active=True)
    line = next(line for line in lines if "▸" in line.plain)
    style = Style.null()
    for segment in line.render(console):
        if "▸" in segment.text:
            style = segment.style or style
    assert style.bgcolor is not None and style.bgcolor.triplet is not None
    assert style.bgcolor.triplet.hex == "#c62828"
