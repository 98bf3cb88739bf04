"""The plan's pre-filter (``visits.facts.span_filter``) and its kept result: suggestions
worked out from the cards the filter reads are exactly those worked out from every card,
on demo data whose dates are scattered around each day tried, so that many cards sit on
either side of every reason's threshold."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest

from salesdesk.data import store, visits
from salesdesk.data.db import Database
from salesdesk.data.demo import fill_demo
from salesdesk.data.sql import sql_timestamp
from salesdesk.data.visits.facts import MAY_NEED, facts_on, plan_facts, span_filter
from salesdesk.rules import planning
from salesdesk.rules.planning.needs import Days, needs_of
from tests.conftest import TODAY

CARDS = 1500
#: Days tried: the demo's own, a month earlier, a span across New Year, a 29 February
#: (2028), a Sunday, the first day of a month, a span ending on 28 February.
DAYS = (
    TODAY,
    TODAY - timedelta(days=31),
    date(TODAY.year, 12, 20),
    date(2028, 2, 29),
    TODAY + timedelta(days=6 - TODAY.weekday()),
    date(TODAY.year + 1, 3, 1),
    date(2027, 2, 10),  # a span ending on 28 February of a common year
)


def _moment(rng: random.Random, around: date, before: int, after: int) -> str:
    day = around + timedelta(days=rng.randint(-before, after))
    return sql_timestamp(datetime.combine(day, time(rng.randint(8, 18), 30)))


def _scatter(db: Database, around: date, seed: int) -> None:
    """Move every card's dates (and its visits and wins) to random days near ``around``,
    birthdays included, and make some cards key accounts or "revisit" ones."""
    rng = random.Random(seed)
    with db.connect() as conn:
        conn.execute("BEGIN")
        ids = [int(r[0]) for r in conn.execute("SELECT id FROM prospect").fetchall()]
        for pid in ids:
            touched = _moment(rng, around, 150, 10) if rng.random() < 0.9 else None
            closed = _moment(rng, around, 200, 0) if rng.random() < 0.5 else None
            next_day = (around + timedelta(days=rng.randint(-20, 60))).isoformat()
            birthday = date(1970 + rng.randint(0, 30), 1, 1) + timedelta(
                days=(around - date(around.year, 1, 1)).days + rng.randint(-40, 40))
            if rng.random() < 0.02:
                birthday = date(1972, 2, 29)
            conn.execute(
                "UPDATE prospect SET touched_at = ?, closed_at = ?, created_at = ?, "
                "graded_at = ?, next_date = ?, birthday = ?, key_account = ?, "
                "follow_up = ?, revisit_days = ? WHERE id = ?",
                (touched, closed, _moment(rng, around, 200, 0), _moment(rng, around, 30, 0),
                 next_day if rng.random() < 0.4 else None,
                 birthday.isoformat() if rng.random() < 0.5 else None,
                 int(rng.random() < 0.08), rng.choice(("keep", "keep", "keep", "revisit")),
                 rng.choice((None, 10, 40)), pid),
            )
            if rng.random() < 0.4:  # a quiet customer: few reasons apply
                conn.execute(
                    "UPDATE prospect SET status = 'customer', key_account = ?, "
                    "next_date = ?, touched_at = ?, closed_at = ? WHERE id = ?",
                    (int(rng.random() < 0.1), next_day if rng.random() < 0.2 else None,
                     _moment(rng, around, 10, 3), _moment(rng, around, 120, 0), pid),
                )
        for (aid,) in conn.execute("SELECT id FROM activity").fetchall():
            conn.execute("UPDATE activity SET at = ? WHERE id = ?",
                         (_moment(rng, around, 150, 3), aid))
        conn.execute("COMMIT")


@pytest.fixture
def demo(db: Database) -> Database:
    fill_demo(db, TODAY, CARDS)
    store.set_setting(db, "season_dates", "01-15,03-20,12-28")
    return db


def test_every_reason_has_its_condition() -> None:
    """A new reason without a condition in the pre-filter would never be suggested."""
    assert set(MAY_NEED) == {reason.__name__ for reason in planning.REASONS}


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_filter_keeps_every_card_with_a_need(demo: Database, today: date) -> None:
    _scatter(demo, today, seed=today.toordinal())
    settings = visits.plan_settings(demo)
    span = planning.suggestion_period(today)
    where, params = span_filter(span, today, settings)
    with demo.connect() as conn:
        kept = {f.id for f in facts_on(conn, today, where=where, params=params)}
    every = plan_facts(demo, today)
    days = Days(max(span.start, today), span.end, today, settings)
    needed = {p.id for p in every if needs_of(p, days)}
    assert needed <= kept, f"dropped cards with a need: {sorted(needed - kept)[:10]}"
    assert len(kept) < len(every)  # the filter drops cards here: the test can fail
    assert len(needed) > CARDS / 4
    for late in (False, True):
        old = planning.suggest(
            every, visits.plan_visits(demo, span, today), span, today, settings,
            after_hours=late,
        )
        assert visits.span_suggestions(demo, span, today, after_hours=late) == old
        assert len(old.items) > 10


def test_a_kept_result_is_given_while_nothing_changed(demo: Database) -> None:
    span = planning.suggestion_period(TODAY)
    version = demo.data_version()
    first = visits.span_suggestions(demo, span, TODAY, version=version)
    assert visits.span_suggestions(demo, span, TODAY, version=version) is first
    assert visits.span_suggestions(demo, span, TODAY, version=version, after_hours=True) \
        is not first
    chosen = first.items[0]
    visits.plan_visit(demo, datetime.combine(TODAY, time(9)), chosen.prospect_id, TODAY)
    changed = demo.data_version()
    assert changed != version
    again = visits.span_suggestions(demo, span, TODAY, version=changed)
    assert chosen.prospect_id not in {s.prospect_id for s in again}
