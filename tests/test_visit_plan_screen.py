"""The visit plan screen, driven by keys (Pilot); every change is checked in the database.
Snapshots pin the week and month views at 80x24 and 140x45."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from textual.pilot import Pilot

from salesdesk.app import SalesDeskApp, make_app
from salesdesk.config import Settings
from salesdesk.data import store, visits
from salesdesk.data.db import Database
from salesdesk.screens.visit_plan import VisitPlanScreen
from salesdesk.widgets.plan_grid import PlanGrid
from tests.conftest import NOW, TODAY, notes, ready

SIZE = (120, 40)
THU = TODAY + timedelta(days=1)
FRI = TODAY + timedelta(days=2)


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    """Ann: a hot A with a next step on Friday (the suggestion); Bob: a visit on Thursday;
    Pete: parked, with a visit on Thursday too."""
    ann = store.add_prospect(
        db,
        NOW,
        "Ann Hot",
        company="Acme",
        area="浦东",
        grade="A",
        next_date=FRI,
        next_action="send quote",
        next_kind="visit",  # taken there: a visit the plan plans
    )
    bob = store.add_prospect(
        db,
        NOW,
        "Bob Builder",
        company="Bluebird",
        area="徐汇",
        grade="B",
        next_date=THU,
        next_action="demo",
    )
    pete = store.add_prospect(db, NOW, "Parked Pete", area="静安")
    store.set_status(db, NOW, pete, "parked")
    return {
        "ann": ann,
        "bob": bob,
        "pete": pete,
        "bob_visit": visits.plan_visit(db, NOW, bob, THU, start="10:00", purpose="demo"),
        "pete_visit": visits.plan_visit(db, NOW, pete, THU, start="15:00"),
    }


@pytest.fixture
def app(settings: Settings, db: Database) -> Iterator[SalesDeskApp]:
    yield make_app(settings, db)


async def open_plan(pilot: Pilot) -> VisitPlanScreen:
    await pilot.pause()
    await pilot.press("v")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, VisitPlanScreen)
    return screen


async def settle(pilot: Pilot) -> None:
    """Let the suggestions thread finish and its result reach the screen."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def all_visits(db: Database) -> list[visits.VisitRow]:
    return visits.list_visits(db, date(2026, 1, 1), date(2027, 12, 31))


def visits_of(db: Database, prospect_id: int) -> list[visits.VisitRow]:
    return [v for v in all_visits(db) if v.prospect_id == prospect_id]


async def test_opens_on_this_week_with_today_selected(
    app: SalesDeskApp, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plan(pilot)
        assert screen.kind == "week" and screen.day == TODAY
        assert screen.period.start == date(2026, 11, 16)
        assert screen.view is not None
        assert [v.name for v in screen.view.days[THU].visits] == ["Bob Builder", "Parked Pete"]
        assert screen.suggestions is not None
        assert [s.name for s in screen.suggestions] == ["Ann Hot"]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, VisitPlanScreen)


async def test_accept_suggestion_onto_its_day(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plan(pilot)
        await pilot.press("a")
        await settle(pilot)
        (planned,) = visits_of(db, ids["ann"])
        assert (planned.day, planned.purpose, planned.status) == (FRI, "send quote", "planned")
        assert screen.day == FRI and screen.visit is not None
        assert screen.visit.id == planned.id
        assert screen.suggestions is not None and screen.suggestions.items == ()
        await pilot.press("u")
        await settle(pilot)
        assert visits_of(db, ids["ann"]) == []


async def test_accept_onto_the_selected_day(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        await pilot.press("l", "A")
        await settle(pilot)
        assert [v.day for v in visits_of(db, ids["ann"])] == [THU]
        # A past day refuses, with a message; nothing is planned.
        await pilot.press("h", "h", "A")
        await settle(pilot)
        assert len(visits_of(db, ids["ann"])) == 1


async def test_move_a_visit_a_day_later_and_earlier(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plan(pilot)
        await pilot.press("l")  # Thursday: Bob's visit is selected
        assert screen.visit is not None and screen.visit.id == ids["bob_visit"]
        uid = screen.visit.uid
        await pilot.press("greater_than_sign")
        await pilot.pause()
        moved = visits.get_visit(db, ids["bob_visit"])
        assert (moved.day, moved.uid) == (FRI, uid)
        assert screen.day == FRI and screen.visit is not None
        assert screen.visit.id == ids["bob_visit"]  # the selection follows the visit
        await pilot.press("less_than_sign", "less_than_sign")
        await pilot.pause()
        assert visits.get_visit(db, ids["bob_visit"]).day == TODAY
        await pilot.press("less_than_sign")  # yesterday: refused
        await pilot.pause()
        assert visits.get_visit(db, ids["bob_visit"]).day == TODAY


async def test_done_with_outcome_creates_activity_and_next_step_then_undo(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_plan(pilot)
        await pilot.press("l", "d")
        await pilot.pause()
        await pilot.press("enter")  # an empty note is refused inline
        await pilot.pause()
        assert "what was learned" in str(app.screen.query_one("#e-note").render())
        await pilot.press(*"Wants a trial")
        app.screen.query_one("#f-next_date").value = "2026-11-27"  # type: ignore[attr-defined]
        app.screen.query_one("#f-next_action").value = "deliver trial"  # type: ignore[attr-defined]
        app.screen.query_one("#f-next_topic").value = "his new office"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        visit = visits.get_visit(db, ids["bob_visit"])
        assert (visit.status, visit.outcome) == ("done", "Wants a trial")
        # Thursday's visit, done on Wednesday: it is dated today, and the message says so.
        assert visit.day == TODAY
        said = notes(app)
        assert any("dated today, Wed 18 Nov" in m for m in said), said
        detail = store.get_prospect(db, ids["bob"], TODAY)
        act = detail.activities[0]
        assert (act.kind, act.note, act.outcome) == ("visit", "demo", "Wants a trial")
        assert (detail["next_date"], detail["next_action"], detail["next_topic"]) == (
            date(2026, 11, 27),
            "deliver trial",
            "his new office",
        )
        assert detail["touched_at"] == NOW
        await pilot.press("u")
        await settle(pilot)
        assert visits.get_visit(db, ids["bob_visit"]).status == "planned"
        detail = store.get_prospect(db, ids["bob"], TODAY)
        assert [a.kind for a in detail.activities] == []
        assert detail["next_date"] == THU


async def test_add_a_visit_with_search(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        await pilot.press("l", "l", "n")
        await pilot.pause()
        await pilot.press(*"ann")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#f-purpose").value == "send quote"  # type: ignore[attr-defined]
        await pilot.press(*"25:00", "enter")  # a bad time stays, with a message
        await pilot.pause()
        assert "invalid time" in str(form.query_one("#e-start").render())
        form.query_one("#f-start").value = "11:00"  # type: ignore[attr-defined]
        form.query_one("#f-minutes").value = "45"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        (planned,) = visits_of(db, ids["ann"])
        assert (planned.day, planned.start, planned.minutes, planned.purpose) == (
            FRI,
            "11:00",
            45,
            "send quote",
        )


async def test_change_time_missed_cancel_delete_and_undo(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    vid = ids["bob_visit"]
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        await pilot.press("l", "t")
        await pilot.pause()
        app.screen.query_one("#f-start").value = "16:30"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert visits.get_visit(db, vid).start == "16:30"
        screen = app.screen
        assert isinstance(screen, VisitPlanScreen)
        # Now 15:00 Pete comes first on Thursday; Bob's visit is still selected.
        assert screen.visit is not None and screen.visit.id == vid
        await pilot.press("x")  # Thursday is still ahead: it cannot be missed yet
        await settle(pilot)
        assert visits.get_visit(db, vid).status == "planned"
        await pilot.press("c")
        await settle(pilot)
        assert visits.get_visit(db, vid).status == "cancelled"
        await pilot.press("backspace")  # a reflex key never deletes
        await settle(pilot)
        assert len(all_visits(db)) == 2
        await pilot.press("delete", "n")  # it asks first: no
        await settle(pilot)
        assert len(all_visits(db)) == 2
        await pilot.press("delete", "y")
        await settle(pilot)
        assert [v.id for v in all_visits(db)] == [ids["pete_visit"]]
        for _ in range(2):
            await pilot.press("u")
            await settle(pilot)
        assert visits.get_visit(db, vid).status == "planned"


async def test_parked_prospect_visit_is_flagged(app: SalesDeskApp, ids: dict[str, int]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plan(pilot)
        await pilot.press("l", "j")
        assert screen.visit is not None and screen.visit.id == ids["pete_visit"]
        detail = str(screen.query_one("#plan-detail").render())
        assert "⚠ prospect is parked" in detail
        assert "⚠ 1 to check" in str(screen.query_one("#plan-title").render())


async def test_over_capacity_day_is_flagged(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    for _ in range(3):
        visits.plan_visit(db, NOW, ids["ann"], THU)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plan(pilot)
        assert "1 over capacity" in str(screen.query_one("#plan-title").render())
        grid = str(screen.query_one(PlanGrid).render())
        assert "5/4!" in grid


async def test_month_view_and_moving_between_periods(
    app: SalesDeskApp, ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plan(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.period.start == date(2026, 11, 23)
        await pilot.press("full_stop", "v")
        await settle(pilot)
        assert screen.kind == "month" and screen.period.start == date(2026, 11, 1)
        title = str(screen.query_one("#plan-title").render())
        assert "November 2026" in title and "★ Fri 13 new-customer day" in title
        await pilot.press("j")  # a week down
        assert screen.day == TODAY + timedelta(days=7)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.period.start == date(2026, 12, 1) and screen.day == date(2026, 12, 1)
        await pilot.press("left_square_bracket", "full_stop", "l", "enter")
        await settle(pilot)
        assert screen.kind == "week" and screen.day == THU
        assert screen.visit is not None and screen.visit.id == ids["bob_visit"]


async def test_export_ics(app: SalesDeskApp, ids: dict[str, int], tmp_path: Path) -> None:
    target = tmp_path / "week.ics"
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(pilot)
        await pilot.press("e")
        await pilot.pause()
        field = app.screen.query_one("#f-path")
        assert field.value.endswith("salesdesk-visits.ics")  # type: ignore[attr-defined]
        field.value = str(tmp_path / "missing" / "x.ics")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert "does not exist" in str(app.screen.query_one("#e-path").render())
        field.value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, VisitPlanScreen)
    events = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert len(events) == 2


async def test_empty_plan_says_what_to_do(app: SalesDeskApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plan(pilot)
        detail = str(screen.query_one("#plan-detail").render())
        assert "n adds one for a prospect" in detail
        # An empty database: the side panel says where prospects come from.
        side = str(screen.query_one("#side-empty").render())
        assert "No prospects yet" in side and "import" in side
        await pilot.press("d")  # no visit: a message, no crash
        await pilot.pause()
        assert isinstance(app.screen, VisitPlanScreen)


# --------------------------------------------------------------------------- snapshots


async def _open(pilot: Pilot) -> None:
    await ready(pilot)
    await pilot.press("v")
    await ready(pilot)


async def _open_month(pilot: Pilot) -> None:
    await _open(pilot)
    await pilot.press("v")
    await ready(pilot)


def _snapshot_data(db: Database) -> None:
    ids = {
        name: store.add_prospect(
            db,
            NOW - timedelta(days=40),
            name,
            company=company,
            area=area,
            grade=grade,
            next_date=nxt,
            next_action=action,
        )
        for name, company, area, grade, nxt, action in (
            ("王伟", "华信科技有限公司", "浦东", "A", FRI, "送样品"),
            ("Ann Lee", "Acme Supplies", "浦东", "B", None, ""),
            ("[bold]Not bold[/]", "[link=x]Ltd", "徐汇", "B", None, ""),
            ("李娜", "金桥物流", "静安", "C", THU, "电话回访"),
            ("Carl Old", "Harbor Foods", "Downtown", "C", None, ""),
        )
    }
    store.set_status(db, NOW, ids["Carl Old"], "dropped")
    visits.plan_visit(db, NOW, ids["Ann Lee"], TODAY, start="09:30", purpose="demo")
    visits.plan_visit(db, NOW, ids["[bold]Not bold[/]"], TODAY, start="14:00", purpose="quote")
    visits.plan_visit(db, NOW, ids["Carl Old"], THU, purpose="pick up samples")
    done = visits.plan_visit(
        db,
        NOW - timedelta(days=3),
        ids["Ann Lee"],
        TODAY - timedelta(days=2),
        start="10:00",
        purpose="intro",
    )
    visits.mark_done(db, NOW - timedelta(days=1), done, "liked the demo")
    for n in range(5):
        visits.plan_visit(db, NOW, ids["李娜"], date(2026, 11, 20), start=f"{9 + n}:00")


def test_week_80x24(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    _snapshot_data(db)
    assert snap_compare(make_app(settings, db), terminal_size=(80, 24), run_before=_open)


def test_week_140x45(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    _snapshot_data(db)
    assert snap_compare(make_app(settings, db), terminal_size=(140, 45), run_before=_open)


def test_month_80x24(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    _snapshot_data(db)
    assert snap_compare(make_app(settings, db), terminal_size=(80, 24), run_before=_open_month)


def test_month_140x45(snap_compare, settings: Settings, db: Database) -> None:  # type: ignore[no-untyped-def]
    _snapshot_data(db)
    assert snap_compare(make_app(settings, db), terminal_size=(140, 45), run_before=_open_month)


async def test_click_selects_a_day_and_a_visit(app: SalesDeskApp, ids: dict[str, int]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plan(pilot)
        grid = screen.query_one(PlanGrid)
        box = next(b for b in grid.boxes if b.day == THU)
        await pilot.click(PlanGrid, offset=(box.x + 1 + 2, box.y + 3))  # +1: the grid's padding
        await pilot.pause()
        assert screen.day == THU
        assert screen.visit is not None and screen.visit.id == ids["pete_visit"]


# --------------------------------------------------------------------------- fixes


def _full_week_and_two_cards(db: Database) -> tuple[int, int]:
    """Wednesday to Saturday and next Monday full; a B card due now (room from Tuesday 24)
    and an A card whose window ends on Friday (no room before it)."""
    for n in range(20):
        filler = store.add_prospect(db, NOW, f"Filler {n}", area="徐汇")
        day = TODAY + timedelta(days=n // 4)
        visits.plan_visit(db, NOW, filler, day if n < 16 else date(2026, 11, 23))
    b_card = store.add_prospect(db, NOW - timedelta(days=20), "Bea Due", grade="B")
    a_card = store.add_prospect(db, NOW - timedelta(days=5), "Al Window", grade="A")
    return b_card, a_card


async def test_week_and_month_views_agree_on_suggestions(app: SalesDeskApp, db: Database) -> None:
    b_card, a_card = _full_week_and_two_cards(db)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_plan(pilot)
        assert screen.suggestions is not None
        week = {s.prospect_id: s for s in screen.suggestions}
        await pilot.press("v")
        await settle(pilot)
        assert screen.kind == "month" and screen.suggestions is not None
        month = {s.prospect_id: s for s in screen.suggestions}
    assert week[a_card].day is None and month[a_card].day is None
    assert week[b_card].day == month[b_card].day == date(2026, 11, 24)
    for pid in week.keys() & month.keys():
        assert week[pid] == month[pid]


async def test_today_on_a_sunday_goes_to_the_coming_week_like_opening(
    settings: Settings, db: Database
) -> None:
    from dataclasses import replace
    from datetime import datetime

    sunday = replace(settings, clock=lambda: datetime(2026, 11, 22, 9, 0))
    monday = date(2026, 11, 23)
    async with make_app(sunday, db).run_test(size=SIZE) as pilot:
        screen = await open_plan(pilot)
        assert (screen.day, screen.period.start) == (monday, monday)
        for keys in (["right_square_bracket"], ["left_square_bracket", "left_square_bracket"]):
            await pilot.press(*keys)
            await settle(pilot)
            assert screen.period.start != monday
            await pilot.press("full_stop")
            await settle(pilot)
            assert (screen.day, screen.period.start) == (monday, monday)
        await pilot.press("v", "home")  # the month view: the same day
        await settle(pilot)
        assert screen.kind == "month" and screen.day == monday


async def test_week_names_are_readable_at_140_columns(settings: Settings, db: Database) -> None:
    names = ["Henry Whitfield", "Olivia Baker", "Quinn Taylor", "王海燕"]
    for n, name in enumerate(names):
        pid = store.add_prospect(db, NOW, name, area="Northgate")
        visits.plan_visit(db, NOW, pid, TODAY + timedelta(days=n % 2), start="14:00")
    for size in ((140, 45), (80, 24)):
        async with make_app(settings, db).run_test(size=size) as pilot:
            screen = await open_plan(pilot)
            grid = str(screen.query_one(PlanGrid).render())
            for name in names:
                assert name in grid, (size, name, grid)
            assert "14:00" in grid


async def test_a_suggestion_for_a_later_week_is_accepted_and_shown_there(
    app: SalesDeskApp, db: Database
) -> None:
    b_card, a_card = _full_week_and_two_cards(db)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_plan(pilot)
        assert screen.suggestions is not None
        order = [s.prospect_id for s in screen.suggestions]
        options = screen.query_one("#suggestions")
        text = str(options.get_option_at_index(order.index(b_card)).prompt)  # type: ignore[attr-defined]
        assert text.startswith("Tue 24 Nov Bea Due")
        waiting = str(options.get_option_at_index(order.index(a_card)).prompt)  # type: ignore[attr-defined]
        assert "no room before its window ends: regrade or make room" in waiting
        await pilot.press("tab")
        for _ in range(order.index(b_card)):
            await pilot.press("down")
        await pilot.press("a")
        await settle(pilot)
        (planned,) = visits_of(db, b_card)
        assert planned.day == date(2026, 11, 24)
        assert screen.period.start == date(2026, 11, 23)
        assert screen.visit is not None and screen.visit.id == planned.id


async def test_month_names_are_readable_and_the_grid_uses_the_width(
    settings: Settings, db: Database
) -> None:
    """At 140 columns the month grid shows whole names (each on its own line) and its
    lines reach the right edge; at 80 columns it still fills the width."""
    names = ["Henry Whitfield", "Olivia Baker", "Quinn Taylor", "王海燕"]
    for n, name in enumerate(names):
        pid = store.add_prospect(db, NOW, name, area="Northgate")
        visits.plan_visit(db, NOW, pid, TODAY + timedelta(days=n % 3), start="14:00")
    for size in ((140, 45), (80, 24)):
        async with make_app(settings, db).run_test(size=size) as pilot:
            screen = await open_plan(pilot)
            await pilot.press("v")
            await settle(pilot)
            assert screen.kind == "month"
            grid = screen.query_one(PlanGrid)
            width = grid.content_size.width
            lines = grid.render().split("\n")
            assert all(line.cell_len == width for line in lines), (size, width, lines)
            if size == (140, 45):
                text = str(grid.render())
                for name in names:
                    assert name in text, (name, text)
            # The boxes a click finds cover the width too (the last column ends at the edge).
            right = max(box.x + box.width for box in grid.boxes)
            assert right == width


async def test_a_suggestion_without_room_says_when_it_is_due(
    app: SalesDeskApp, db: Database
) -> None:
    _b_card, a_card = _full_week_and_two_cards(db)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_plan(pilot)
        assert screen.suggestions is not None
        order = [s.prospect_id for s in screen.suggestions]
        options = screen.query_one("#suggestions")
        waiting = str(options.get_option_at_index(order.index(a_card)).prompt)  # type: ignore[attr-defined]
        assert "due by Fri" in waiting, waiting


async def test_suggestion_lines_are_all_shown_after_switching_views(
    settings: Settings, db: Database
) -> None:
    """Enough suggestions for a scrollbar: the list keeps the room for it, so the wrapped
    reasons measured before it appears are not cut when the options are listed again."""
    from textual.widgets import OptionList

    for n in range(14):
        store.add_prospect(
            db,
            NOW - timedelta(days=30),
            f"Card {n} 王海燕",
            area="徐汇",
            grade="B",
            next_date=TODAY + timedelta(days=n % 3),
            next_action="送样品 then a long talk about the price",
        )
    async with make_app(settings, db).run_test(size=(140, 45)) as pilot:
        screen = await open_plan(pilot)
        options = screen.query_one("#suggestions", OptionList)
        for _ in range(2):
            await pilot.press("v")
            await settle(pilot)
            width = options.scrollable_content_region.width
            console = pilot.app.console
            wanted = sum(
                len(console.render_lines(o.prompt, console.options.update_width(width), pad=False))
                for o in options.options
            )
            assert options.virtual_size.height == wanted


async def test_the_suggestion_count_is_what_the_panel_lists(
    app: SalesDeskApp, db: Database, ids: dict[str, int]
) -> None:
    """The title counted only the suggestions placed in the week; the panel also lists
    those placed later and those without room. Now both say the same number."""
    for n in range(12):  # more overdue visits than the week holds
        store.add_prospect(db, NOW, f"Late {n}", grade="B", next_date=TODAY,
                           next_action="visit them", area="静安")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_plan(pilot)
        from textual.widgets import OptionList, Static

        listed = screen.query_one("#suggestions", OptionList).option_count
        title = str(screen.query_one("#side-title", Static).render())
        assert listed > 1 and title.split()[-1] == str(listed), (title, listed)
