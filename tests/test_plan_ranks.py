"""The plan's ranking in SQL (``visits.ranks``): every card's rank is the key the rules
sort it by, and the suggestions worked out from the ranking (reading only the cards
shown) are exactly those of the full computation, on the scattered demo data of
``test_plan_prefilter`` across its tricky days, with visits planned, next steps of every
kind, recent sales, and a plan that fills up or never does."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest

from salesdesk.data import store, visits
from salesdesk.data.db import Database
from salesdesk.data.demo import fill_demo
from salesdesk.data.visits.facts import facts_on
from salesdesk.data.visits.ranks import OTHERS_SQL, ranking
from salesdesk.rules import planning
from salesdesk.rules.planning.needs import Days, Need
from salesdesk.rules.planning.placing import _upcoming, _wanted
from salesdesk.rules.planning.ranked import BATCH
from salesdesk.rules.planning.suggestions import firm
from tests.conftest import TODAY
from tests.test_plan_prefilter import DAYS, _scatter

CARDS = 1200


def _more(db: Database, around: date, seed: int) -> None:
    """Next steps of every kind, and visits planned on cards here and there (some on
    days gone by, some coming up: a visit coming up covers a card, or not)."""
    rng = random.Random(seed)
    with db.connect() as conn:
        conn.execute("BEGIN")
        ids = [int(r[0]) for r in conn.execute("SELECT id FROM prospect").fetchall()]
        for pid in ids:
            kind = rng.choice(("", "", "visit", "meeting", "call", "email"))
            conn.execute("UPDATE prospect SET next_kind = ? WHERE id = ?", (kind, pid))
        conn.execute("COMMIT")
    for pid in rng.sample(ids, 40):
        day = around + timedelta(days=rng.randint(0, 50))
        visits.plan_visit(db, datetime.combine(around, time(8)), pid, day)


@pytest.fixture
def demo(db: Database) -> Database:
    fill_demo(db, TODAY, CARDS)
    store.set_setting(db, "season_dates", "01-15,03-20,12-28")
    return db


def _deadline(needs: list[Need]) -> date | None:
    firmest = firm(needs)
    return firmest.due if firmest else None


def _checked(
    db: Database, today: date, late: bool, limit: int | None = None
) -> tuple[planning.Suggestions, int]:
    """The ranked suggestions (a rank that disagrees raises) once they equal the full
    computation's; and how many cards' facts were read for them."""
    span = planning.suggestion_period(today)
    read: list[int] = []
    ranked = visits.ranked_suggestions(db, span, today, after_hours=late, read_ids=read,
                                       limit=limit)
    full = visits.full_suggestions(db, span, today, after_hours=late)
    assert ranked == full
    for week_start in range(0, (span.end - span.start).days, 7):
        week = planning.week_of(span.start + timedelta(days=week_start))
        assert ranked.within(week) == full.within(week)
    return ranked, len(read)


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_every_rank_is_the_rules_key(demo: Database, today: date) -> None:
    _scatter(demo, today, seed=today.toordinal())
    _more(demo, today, seed=today.toordinal() + 1)
    settings = visits.plan_settings(demo)
    span = planning.suggestion_period(today)
    planned = visits.plan_visits(demo, span, today)
    for late in (False, True):
        opens = today + timedelta(days=1) if late else today
        days = Days(max(span.start, opens), span.end, today, settings)
        with demo.connect() as conn:
            ranked = ranking(conn, span, today, settings, after_hours=late)
            others = {f.id for f in facts_on(conn, today, ids_sql=OTHERS_SQL,
                                             params={"today_iso": today.isoformat()})}
        every = [p for p in visits.plan_facts(demo, today) if p.id not in others]
        wanted = _wanted(every, _upcoming(planned, today), days, planning.planning_day(opens))
        expected = [(*item[:3], item[5], _deadline(item[3])) for item in wanted]
        # The visits in the rules' order, then the calls; every due day counted.
        assert ranked.ranks == [r for r in expected if not r[3]] + sorted(
            (r for r in expected if r[3]), key=lambda r: ranked.ranks.index(r))
        assert ranked.backlog == Counter(r[1] for r in expected if not r[3])
        assert ranked.complete
        found = {r[2]: r for r in ranked.ranks}
        assert len(found) > CARDS / 4
        assert {r[3] for r in found.values()} == {False, True}  # calls and visits


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_ranked_plan_is_the_full_plan(demo: Database, today: date) -> None:
    _scatter(demo, today, seed=today.toordinal())
    _more(demo, today, seed=today.toordinal() + 1)
    for late in (False, True):
        found, read = _checked(demo, today, late)
        assert len(found.items) > 10
    # A roomy plan takes more cards before it is full; a small one fewer, and then it
    # reads only what it shows (and the calls, all listed).
    store.set_setting(demo, "day_capacity", "1")
    found, read = _checked(demo, today, False)
    if found.more:
        assert read < len(found.items) + 2 * BATCH
    store.set_setting(demo, "day_capacity", "12")
    _checked(demo, today, False)
    # Ranking fewer cards first than the plan needs: it ranks more, and agrees.
    for limit in (0, 1, 7, 60):
        _checked(demo, today, True, limit=limit)


def test_a_plan_that_never_fills_reads_every_card(db: Database) -> None:
    fill_demo(db, TODAY, 30)
    found, read = _checked(db, TODAY, False)
    assert found.more == 0 and found.items
    # The ranked path works on the database alone: no card is read twice.
    assert read <= 30


def test_a_huge_backlog_is_counted_not_read(demo: Database) -> None:
    """With room for a handful of visits, the cards read are about those shown: the
    others with a reason are counted from their ranks alone."""
    store.set_setting(demo, "day_capacity", "1")
    found, read = _checked(demo, TODAY, False)
    assert found.more > CARDS / 4
    assert read < len(found.items) + 2 * BATCH < found.more


def test_an_empty_database_plans_nothing(db: Database) -> None:
    for late in (False, True):
        found, read = _checked(db, TODAY, late)
        assert found.items == () and found.more == 0 and read == 0


def test_closed_and_given_up_cards_are_never_ranked(demo: Database) -> None:
    """Cards lost, given up or with a planned visit are left out of the ranking; the plan
    still equals the full one, after hours on a span's last day too."""
    with demo.connect() as conn:
        conn.execute("BEGIN")
        conn.execute("UPDATE prospect SET status = 'lost' WHERE id % 5 = 0")
        conn.execute("UPDATE prospect SET follow_up = 'give_up' WHERE id % 7 = 0")
        conn.execute("COMMIT")
        ids = {int(r[0]) for r in conn.execute(
            "SELECT id FROM prospect WHERE status = 'lost' OR follow_up = 'give_up'")}
    span = planning.suggestion_period(TODAY)
    with demo.connect() as conn:
        ranked = ranking(conn, span, TODAY, visits.plan_settings(demo), after_hours=False)
    assert ids and not ids & {r[2] for r in ranked.ranks}
    for late in (False, True):
        _checked(demo, TODAY, late)
    _checked(demo, span.end, True)  # suggestions start after the span: none
    store.set_setting(demo, "day_capacity", "1")
    _checked(demo, span.end, False)
