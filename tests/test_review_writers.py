"""The weekly figures' one presenter and its three writers: the screen's grid, the
terminal's sections and the Markdown report say the same sentences, and show user text
literally (Rich) or escaped (Markdown)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from rich.console import Console, RenderableType
from rich.text import Text

from salesdesk.render.markdown import markdown_report, md
from salesdesk.render.review_figures import (
    ROLE_STYLES,
    figures_grid,
    figures_report,
    sentence_text,
)
from salesdesk.rules.review import (
    CardFact,
    ChangeFact,
    Figures,
    ReviewData,
    TouchFact,
    VisitFact,
    WeeklyReview,
    present,
    weekly_review,
)

MON = date(2026, 11, 16)
TODAY = date(2026, 11, 18)
D = date
TOP = 5


def _review() -> WeeklyReview:
    """Seven wins (two past the top five), a loss, a promotion, a silent customer, and a
    touch on a dropped card; names full of markup and Markdown."""
    cards = [
        CardFact(1, "[bold]Ltd[/]", "Pipe | *Co*", "A", "customer", "customer", 12000,
                 created_on=D(2026, 10, 1), closed_on=D(2026, 11, 17)),
        *(CardFact(n, f"Winner {n}", "", "B", "customer", "customer", 1000 * n,
                   created_on=D(2026, 10, 1), closed_on=D(2026, 11, 17)) for n in range(2, 8)),
        CardFact(8, "Lost `tick`", "", "C", "lost", "target", created_on=D(2026, 9, 1)),
        CardFact(9, "Ann_Up", "Acme", "A", "live", "interested", 3000, created_on=D(2026, 9, 1)),
        CardFact(10, "Eve", "", "C", "dropped", "target", created_on=D(2026, 9, 1)),
        CardFact(11, "Old <b>", "", "C", "customer", "customer", 40000,
                 created_on=D(2025, 1, 1), closed_on=D(2025, 3, 1), last_contact=D(2026, 5, 2)),
    ]
    changes = [
        ChangeFact(11, "status", D(2025, 3, 1), "live", "customer", 40_000.0),
        ChangeFact(8, "status", D(2026, 11, 16), "live", "lost"),
        ChangeFact(9, "grade", D(2026, 11, 16), old="C", new="A"),
        *(ChangeFact(n, "status", D(2026, 11, 17), "live", "customer", 1000.0 * n)
          for n in range(2, 8)),
        ChangeFact(1, "status", D(2026, 11, 17), "live", "customer", 12_000.0),
    ]
    touches = [
        TouchFact(9, "call", D(2026, 11, 16)),
        TouchFact(10, "call", D(2026, 11, 17)),
        TouchFact(9, "note", D(2026, 11, 17)),
    ]
    visits = [VisitFact(9, D(2026, 11, 16), "done"), VisitFact(10, D(2026, 11, 19), "planned")]
    daily = {D(2026, 11, 16): 1, D(2026, 11, 17): 1, D(2026, 11, 10): 4}
    return weekly_review(
        ReviewData(MON, TODAY, 10, 60, cards, changes, touches, visits, daily)
    )


def _plain(renderable: RenderableType) -> str:
    console = Console(width=400, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


@pytest.fixture(scope="module")
def review() -> WeeklyReview:
    return _review()


@pytest.fixture(scope="module")
def figures(review: WeeklyReview) -> Figures:
    return present(review, TOP)


def test_the_presenter_words_each_section(figures: Figures) -> None:
    said = {section.key: [str(s) for s in section.sentences] for section in figures.sections}
    assert said == {
        "pool": ["A 1 · B 0 · C 0 = 1 live, target 10 · add 9 · 0 new this week",
                 "pipeline A 3,000 · B 0 · C 0 = 3,000 · forecast 1,800 (A 60% · B 30% · "
                 "C 10%)"],
        "outcomes": ["won 7 (39,000) · lost 1 · dropped 0 · parked 0 · reopened 0",
                     "promoted 1 · demoted 0", "why lost or dropped: not said 1"],
        "visits": ["2 planned · 1 done · 0 missed · 1 open · moved 0 · cancelled 0"],
        "logged": ["call 2 · visit 0 · message 0 · email 0 · meeting 0 · note 1"],
        "touches": ["2 touches: A 1 · B 0 · C 0 · customer 0 · closed 1",
                    "0 on key accounts"],
        "time": ["1 touch went to prospects with no intention: the guidance is 0%"],
        # Old's win is more than 12 months back: seven customers, the top two 12k + 7k.
        "pareto": ["Top 20% of customers (2 of 7): 49% of 12-month revenue (19,000 of "
                   "39,000), 0% of this week's touches (0 of 2)"],
        "retention": ["1 customer not contacted for more than 60 days (value 40,000)"],
        "complaints": ["No complaint this week"],
        "first_contact": ["No new inbound lead this week"],
        "funnel": ["target 0 → interested 1 → intentional 0 → prospective 0 → customer 8"],
    }
    assert str(figures.as_of) == "as of Wed 18 Nov 2026 · 4.1 effective selling weeks left in 2026"
    assert figures.title == "Weekly review 2026-W47"
    assert figures.period == "Mon 16 Nov – Sun 22 Nov 2026"
    assert figures.trends_title == "Trends, last 12 weeks (W36–W47)"
    assert [str(t.summary) for t in figures.trends] == [
        "2 this week · max 4", "1 live · target 10", "7 this week (39,000) · max 7",
        "0 this week · 0 answered in 24h · max 0",
    ]


def test_named_cards_are_the_first_few_then_counted(figures: Figures) -> None:
    won = figures.section("outcomes").names[0]
    assert won.label == "won" and len(won.cards) == TOP and won.more == 2
    assert won.more_text == "… and 2 more won"
    assert (won.cards[0].name, won.cards[0].company, won.cards[0].detail) == (
        "[bold]Ltd[/]", "Pipe | *Co*", "12,000")
    labels = [n.label for n in figures.section("outcomes").names]
    assert labels == ["won", "lost", "promoted"]  # empty lists are left out
    assert figures.section("outcomes").names[2].cards[0].detail == "C → A"
    silent = figures.section("retention").names[0].cards[0]
    assert silent.detail == "40,000 (200 days, last contact 2026-05-02)"


def test_the_three_writers_say_the_same_sentences(review: WeeklyReview, figures: Figures) -> None:
    screen = _plain(figures_grid(figures))
    terminal = _plain(figures_report(figures))
    report = markdown_report(review, TOP)
    sentences = [
        figures.as_of,
        *(s for section in figures.sections for s in section.sentences),
        *(t.summary for t in figures.trends),
    ]
    for sentence in sentences[1:-len(figures.trends)]:  # the screen draws the head and
        # the trends as widgets
        assert str(sentence) in screen, sentence
    for sentence in sentences:
        assert str(sentence) in terminal, sentence
        assert str(sentence) in report, sentence
    for writer in (screen, terminal, report):
        assert "… and 2 more won" in writer


def test_user_text_is_literal_in_rich_and_escaped_in_markdown(
    review: WeeklyReview, figures: Figures
) -> None:
    screen = _plain(figures_grid(figures))
    terminal = _plain(figures_report(figures))
    assert "won: [bold]Ltd[/] 12,000" in screen  # the screen leaves companies out
    assert "  won      [bold]Ltd[/] · Pipe | *Co*  12,000" in terminal
    assert "  lost     Lost `tick`" in terminal
    assert "Old <b>  40,000 (200 days, last contact 2026-05-02)" in terminal
    report = markdown_report(review, TOP)
    assert r"- Won: \[bold\]Ltd\[/\] (Pipe \| \*Co\*) · 12,000" in report
    assert r"- Lost: Lost \`tick\`" in report
    assert r"- Promoted: Ann\_Up (Acme) · C → A" in report
    assert r"- Old \<b\> · 40,000 (200 days, last contact 2026-05-02)" in report


def test_roles_become_styles(figures: Figures) -> None:
    pool = sentence_text(figures.section("pool").sentences[0])
    styles = {pool.plain[span.start:span.end]: str(span.style) for span in pool.spans}
    assert styles["A"] == ROLE_STYLES["grade-A"]
    assert styles["add 9"] == ROLE_STYLES["warn"]
    won = sentence_text(figures.section("outcomes").sentences[0])
    assert isinstance(won, Text) and won.spans[0].style == ROLE_STYLES["good"]


def test_an_empty_week_says_what_is_missing() -> None:
    review = weekly_review(ReviewData(MON, TODAY))
    figures = present(review)
    said = {s.key: [str(x) for x in s.sentences] for s in figures.sections}
    assert said["pareto"] == ["No revenue recorded in the last 12 months"]
    assert said["retention"] == ["No customers yet"]
    assert said["time"] == []  # nothing went astray: only the table
    assert said["outcomes"][0] == "won 0 · lost 0 · dropped 0 · parked 0 · reopened 0"
    assert figures.section("outcomes").names == ()
    report = markdown_report(review)
    assert "No revenue recorded in the last 12 months" in report


def test_every_customer_contacted() -> None:
    cards = [CardFact(1, "Cy", "", "B", "customer", "customer", 5000,
                      created_on=D(2026, 1, 1), closed_on=D(2026, 11, 1),
                      last_contact=D(2026, 11, 10))]
    figures = present(weekly_review(ReviewData(MON, TODAY, cards=cards)))
    assert [str(s) for s in figures.section("retention").sentences] == [
        "Every customer was contacted within 60 days"]


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("A | B", r"A \| B"),
        ("*bold*", r"\*bold\*"),
        ("[link](x)", r"\[link\]\(x\)"),
        ("`code`", r"\`code\`"),
        ("line\nbreak", "line break"),
        ("王伟_Ltd", r"王伟\_Ltd"),
        ("<b>", r"\<b\>"),
    ],
)
def test_markdown_escape(name: str, escaped: str) -> None:
    assert md(name) == escaped
