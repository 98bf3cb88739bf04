"""The visit plan's suggestions are worked out ahead, in a thread, while the board rests
(SalesDeskApp._plan_ahead, visits.suggest_ahead): `v` then shows the kept ones with no
second computation, unless the data changed since; a plan opened while the work is under
way waits for it instead of doing it twice."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from salesdesk.app import PLAN_AGAIN_AFTER, PLAN_AHEAD_AFTER, SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import visits
from salesdesk.data.db import Database
from salesdesk.data.demo import fill_demo
from salesdesk.data.visits import plan
from salesdesk.rules import planning
from salesdesk.screens.visit_plan import VisitPlanScreen
from tests.conftest import NOW, TODAY, until

SIZE = (120, 40)


@pytest.fixture
def worked(monkeypatch: pytest.MonkeyPatch, db: Database) -> Iterator[list[int]]:
    """Each computation of suggestions from the cards (its data version), in order."""
    done: list[int] = []
    original = plan.ranked_suggestions

    def counted(*args: Any, **kwargs: Any) -> Any:
        done.append(db.data_version())
        return original(*args, **kwargs)

    monkeypatch.setattr(plan, "ranked_suggestions", counted)
    fill_demo(db, TODAY)
    yield done


@pytest.fixture
def go(monkeypatch: pytest.MonkeyPatch, worked: list[int]) -> threading.Event:
    """The work ahead is held at its start until this is set (the computations are still
    counted in ``worked``)."""
    go = threading.Event()
    counted = plan.ranked_suggestions

    def held(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == "plan-ahead":
            go.wait(10)
        return counted(*args, **kwargs)

    monkeypatch.setattr(plan, "ranked_suggestions", held)
    return go


def rest(app: SalesDeskApp, seconds: float = PLAN_AHEAD_AFTER) -> None:
    """No key for ``seconds`` as far as the app can tell."""
    app.rest_gc.last_input -= seconds


def planned(app: SalesDeskApp, after: threading.Thread | None = None) -> bool:
    """Whether a work ahead (another than ``after``) has started and ended."""
    thread = app._planning
    return thread is not None and thread is not after and not thread.is_alive()


async def test_the_plan_opens_with_what_the_rest_worked_out(
    settings: Settings, db: Database, worked: list[int]
) -> None:
    app = make_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert worked == []  # nothing before a rest
        rest(app)
        await until(pilot, lambda: planned(app))
        assert worked == [db.data_version()]
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, VisitPlanScreen) and app.screen.ready)
        assert len(worked) == 1  # shown from what was kept
        span = planning.suggestion_period(planning.planning_day(TODAY))
        shown = app.screen.query_one("SuggestionPanel").found
        assert shown == visits.span_suggestions(  # the same answer as worked out now
            db, span, TODAY, after_hours=visits.after_hours(db, NOW)).within(app.screen.period)


async def test_a_change_after_the_rest_is_worked_out_again(
    settings: Settings, db: Database, worked: list[int]
) -> None:
    app = make_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rest(app)
        await until(pilot, lambda: planned(app))
        first = app._planning
        await pilot.press("b")  # a regrade: the kept suggestions are for older data
        await pilot.pause()
        assert len(worked) == 1
        rest(app)  # a short pause in a busy triage: not yet
        await pilot.pause(0.6)
        assert app._planning is first and len(worked) == 1
        rest(app, PLAN_AGAIN_AFTER)
        await until(pilot, lambda: planned(app, after=first))
        assert worked == [worked[0], db.data_version()] and worked[1] != worked[0]
        rest(app, PLAN_AGAIN_AFTER)  # resting on, nothing changed: nothing worked out again
        await pilot.pause(0.6)
        assert len(worked) == 2


async def test_the_plan_opened_while_the_work_runs_waits_for_it(
    settings: Settings, db: Database, worked: list[int], go: threading.Event
) -> None:
    """The work ahead is held at its start; `v` comes meanwhile; once it is let go, the
    plan shows its answer, worked out once."""
    app = make_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rest(app)
        await until(pilot, lambda: app._planning is not None)
        await pilot.press("v")
        await pilot.pause(0.3)
        assert isinstance(app.screen, VisitPlanScreen) and not app.screen.ready  # waiting
        go.set()
        await until(pilot, lambda: app.screen.ready)
        assert len(worked) == 1


def test_the_work_ahead_stops_when_asked_and_keeps_nothing(db: Database) -> None:
    fill_demo(db, TODAY)
    stop = threading.Event()
    stop.set()
    version = db.data_version()
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        visits.suggest_ahead(db, TODAY, NOW, version, stop=stop)
    span = planning.suggestion_period(planning.planning_day(TODAY))
    kept = visits.span_suggestions(db, span, TODAY, after_hours=visits.after_hours(db, NOW),
                                   version=version)  # worked out now: nothing half kept
    assert kept == visits.span_suggestions(db, span, TODAY,
                                           after_hours=visits.after_hours(db, NOW))


async def test_another_screen_opened_stops_the_work_ahead_for_the_next_pause(
    settings: Settings, db: Database, worked: list[int], go: threading.Event
) -> None:
    """The MAN check opened while the plan is worked out ahead: that work stops (the
    screen's own work comes first) and is done again at the next pause."""
    app = make_app(settings, db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rest(app)
        await until(pilot, lambda: app._planning is not None)
        first = app._planning
        await pilot.press("m")  # the MAN check
        go.set()
        await until(pilot, lambda: not first.is_alive())
        assert app._planned_ahead is None  # stopped: nothing kept, again later
        await pilot.press("escape")
        await pilot.pause()
        rest(app)
        await until(pilot, lambda: planned(app, after=first))
        assert app._planned_ahead == (db.data_version(), TODAY)
