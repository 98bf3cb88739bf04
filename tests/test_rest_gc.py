"""The collector's full passes wait for a pause (salesdesk.widgets.rest_gc): none while
keys come, one once they stop, a thaw once the frozen set has grown by half; the app
holds the automatic full pass back only while it runs."""

from __future__ import annotations

import gc

import pytest

from salesdesk.app import make_app
from salesdesk.config import Settings
from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.widgets.rest_gc import FULL_PASS_THRESHOLD, REST_SECONDS, RestCollector
from tests.conftest import NOW, burst


class FakeGc:
    """The gc functions the collector calls, recorded, with a frozen count to set."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.frozen_count = 1000
        self.now = 100.0

    def collector(self) -> RestCollector:
        return RestCollector(
            clock=lambda: self.now, collect=lambda: self.calls.append("collect"),
            freeze=lambda: self.calls.append("freeze"),
            unfreeze=lambda: self.calls.append("unfreeze"), frozen=lambda: self.frozen_count,
        )


def test_no_pass_while_keys_come_and_one_when_they_stop() -> None:
    fake = FakeGc()
    rest = fake.collector()
    assert rest.tick() is None  # the app just started: that counts as a key
    for _ in range(20):  # a key every half second: never a pause
        fake.now += REST_SECONDS / 2
        rest.input_seen()
        assert rest.tick() is None
    assert fake.calls == []
    fake.now += REST_SECONDS
    assert rest.tick() == "freeze"
    assert fake.calls == ["collect", "freeze"]
    fake.now += 10 * REST_SECONDS  # a long pause after nothing happened: nothing to do
    assert rest.tick() is None
    assert fake.calls == ["collect", "freeze"]


def test_a_thaw_once_the_frozen_set_has_grown_by_half() -> None:
    fake = FakeGc()
    rest = fake.collector()
    fake.now += REST_SECONDS
    assert rest.tick() == "freeze"  # frozen: 1000, the size to grow from
    fake.frozen_count = 1400
    rest.input_seen()
    fake.now += REST_SECONDS
    assert rest.tick() == "freeze"
    fake.frozen_count = 1600
    rest.input_seen()
    fake.now += REST_SECONDS
    fake.calls.clear()
    assert rest.tick() == "thaw"
    assert fake.calls == ["unfreeze", "collect", "freeze"]
    assert rest.thawed_at == 1600
    assert (rest.passes, rest.thaws) == (2, 1)


async def test_the_app_holds_the_full_pass_back_while_it_runs(
    settings: Settings, db: Database
) -> None:
    store.add_prospect(db, NOW, "Ann", company="Acme", grade="A")
    before = gc.get_threshold()
    app = make_app(settings, db)
    clock = [1000.0]
    app.rest_gc.clock = lambda: clock[0]
    app.rest_gc.last_input = clock[0]
    app._warm_up = lambda: None  # type: ignore[method-assign]  # its thread freezes too
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert gc.get_threshold()[2] == FULL_PASS_THRESHOLD
        await burst(pilot, "j", "k", "j", "k")
        await pilot.pause(0.3)  # ticks come, but keys came less than a pause ago
        assert app.rest_gc.passes == 0
        clock[0] += REST_SECONDS
        await pilot.pause(0.4)  # the next tick sees the pause
        assert app.rest_gc.passes == 1
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0  # what the app froze is the collector's again


def test_the_launcher_holds_the_collector_through_the_start(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`salesdesk` opens the board with the collector off (the app turns it on after the
    first frame), and it is on again when the board returns, whatever happened."""
    import sys

    import salesdesk.app
    from salesdesk import launch

    seen: list[bool] = []

    def run_app(*_args: object, **_kwargs: object) -> None:
        seen.append(gc.isenabled())

    monkeypatch.setattr(salesdesk.app, "run_app", run_app)
    monkeypatch.setattr(sys, "argv", ["salesdesk", "--db", str(db.path)])
    launch.main()
    assert seen == [False]
    assert gc.isenabled()

    def fails(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the board broke")

    monkeypatch.setattr(salesdesk.app, "run_app", fails)
    with pytest.raises(RuntimeError):
        launch.main()
    assert gc.isenabled()


async def test_the_first_frame_turns_the_collector_on_with_the_start_frozen(
    settings: Settings, db: Database
) -> None:
    store.add_prospect(db, NOW, "Ann", company="Acme", grade="A")
    app = make_app(settings, db)
    app._warm_up = lambda: None  # type: ignore[method-assign]  # its thread freezes too
    gc.disable()  # as the launcher leaves it
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # what the start made: out of the passes
    finally:
        gc.enable()
    assert gc.get_freeze_count() == 0
