"""Visits in the store: plan, move, time, done (outcome on the card), missed, cancel, delete,
each undoable; the facts the planning rules read; the demo visits."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import pytest

from salesdesk.data import store, visits
from salesdesk.data.db import Database
from salesdesk.data.demo_visits import fill_demo_visits
from salesdesk.errors import InputError, NotFound
from salesdesk.rules.planning import week_of
from tests.conftest import NOW, TODAY

THU = TODAY + timedelta(days=1)
FRI = TODAY + timedelta(days=2)


@pytest.fixture
def ann(db: Database) -> int:
    return store.add_prospect(
        db,
        NOW - timedelta(days=30),
        "Ann Lee",
        company="Acme",
        area="浦东",
        phone="555-1",
        address="1 Bund Rd",
        grade="A",
        next_date=FRI,
        next_action="send quote",
        next_kind="visit",  # taken there: a visit the plan plans
    )


def rows(db: Database, sql: str, *params: object) -> list[tuple]:
    with db.connect() as conn:
        return list(conn.execute(sql, params).fetchall())


def test_plan_visit_returns_id_and_lists_it(db: Database, ann: int) -> None:
    vid = visits.plan_visit(db, NOW, ann, THU, start="9:30", minutes=45, purpose="  demo  ")
    found = visits.list_visits(db, TODAY, FRI)
    assert [v.id for v in found] == [vid]
    visit = found[0]
    assert (visit.day, visit.start, visit.minutes, visit.purpose, visit.status) == (
        THU,
        "09:30",
        45,
        "demo",
        "planned",
    )
    assert (visit.name, visit.area, visit.address, visit.phone) == (
        "Ann Lee",
        "浦东",
        "1 Bund Rd",
        "555-1",
    )
    assert visit.uid.endswith("@salesdesk") and len(visit.uid) > 30
    assert visit.new_prospect
    assert store.last_change(db) == "plan visit to Ann Lee on Thu 19 Nov"
    store.undo(db)
    assert visits.list_visits(db, TODAY, FRI) == []


def test_each_visit_gets_its_own_uid(db: Database, ann: int) -> None:
    uids = {visits.get_visit(db, visits.plan_visit(db, NOW, ann, THU)).uid for _ in range(3)}
    assert len(uids) == 3


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"day": TODAY - timedelta(days=1)}, InputError, "past"),
        ({"start": "25:00"}, InputError, "invalid time"),
        ({"minutes": 0}, InputError, "invalid length"),
        ({"prospect_id": 999}, NotFound, "no prospect"),
        ({"prospect_id": 2**70}, NotFound, "no prospect"),
    ],
)
def test_plan_visit_rejects_bad_input(
    db: Database, ann: int, kwargs: dict, error: type, words: str
) -> None:
    args = {"prospect_id": ann, "day": THU, **kwargs}
    with pytest.raises(error, match=words):
        visits.plan_visit(db, NOW, args.pop("prospect_id"), args.pop("day"), **args)
    assert rows(db, "SELECT count(*) FROM visit") == [(0,)]
    assert rows(db, "SELECT count(*) FROM journal WHERE label LIKE 'plan%'") == [(0,)]


def test_move_keeps_id_and_uid_and_undoes(db: Database, ann: int) -> None:
    vid = visits.plan_visit(db, NOW, ann, THU, start="10:00")
    uid = visits.get_visit(db, vid).uid
    visits.move_visit(db, NOW, vid, FRI, start="14:00")
    moved = visits.get_visit(db, vid)
    assert (moved.day, moved.start, moved.uid) == (FRI, "14:00", uid)
    with pytest.raises(InputError, match="past"):
        visits.move_visit(db, NOW, vid, TODAY - timedelta(days=1))
    store.undo(db)
    back = visits.get_visit(db, vid)
    assert (back.day, back.start) == (THU, "10:00")


def test_shift_skips_sunday(db: Database, ann: int) -> None:
    saturday = date(2026, 11, 21)
    vid = visits.plan_visit(db, NOW, ann, saturday)
    assert visits.shift_visit(db, NOW, vid, 1) == date(2026, 11, 23)
    assert visits.shift_visit(db, NOW, vid, -1) == saturday
    assert visits.step_day(date(2026, 11, 23), -1) == saturday


def test_set_time_and_purpose(db: Database, ann: int) -> None:
    vid = visits.plan_visit(db, NOW, ann, THU, minutes=30)
    visits.set_time(db, NOW, vid, "2pm")
    assert (visits.get_visit(db, vid).start, visits.get_visit(db, vid).minutes) == ("14:00", 30)
    visits.set_time(db, NOW, vid, None, 90, "bring samples")
    visit = visits.get_visit(db, vid)
    assert (visit.start, visit.minutes, visit.purpose) == (None, 90, "bring samples")
    store.undo(db)
    assert visits.get_visit(db, vid).start == "14:00"


def test_mark_done_puts_the_outcome_on_the_card(db: Database, ann: int) -> None:
    vid = visits.plan_visit(db, NOW, ann, TODAY, start="09:00", purpose="demo")
    later = NOW + timedelta(hours=2)
    act = visits.mark_done(
        db,
        later,
        vid,
        "They want a trial",
        next_date=date(2026, 11, 25),
        next_action="deliver trial unit",
        next_topic="their new office",
    )
    visit = visits.get_visit(db, vid)
    assert (visit.status, visit.outcome) == ("done", "They want a trial")
    detail = store.get_prospect(db, ann, TODAY)
    first = detail.activities[0]
    assert (first.id, first.kind, first.note, first.outcome) == (
        act,
        "visit",
        "demo",
        "They want a trial",
    )
    assert rows(db, "SELECT visit_id FROM activity WHERE id = ?", act) == [(vid,)]
    assert detail["next_date"] == date(2026, 11, 25)
    assert detail["next_action"] == "deliver trial unit"
    assert detail["next_topic"] == "their new office"
    assert detail["touched_at"] == later
    # Its own visit keeps it "new" for that visit; a later visit is to a visited prospect.
    assert visits.get_visit(db, vid).new_prospect
    assert not visits.get_visit(db, visits.plan_visit(db, later, ann, FRI)).new_prospect
    store.undo(db)
    with pytest.raises(InputError, match="already done"):
        visits.mark_done(db, later, vid, "again")
    # Undo takes it all back: the activity, the card's next step, the visit's status.
    store.undo(db)
    detail = store.get_prospect(db, ann, TODAY)
    assert detail.activities == ()
    assert (detail["next_date"], detail["next_action"], detail["touched_at"]) == (
        FRI,
        "send quote",
        None,
    )
    assert visits.get_visit(db, vid).status == "planned"


def test_done_keeps_next_step_unless_told(db: Database, ann: int) -> None:
    vid = visits.plan_visit(db, NOW, ann, TODAY)
    visits.mark_done(db, NOW, vid, "ok")
    assert store.get_prospect(db, ann, TODAY)["next_date"] == FRI
    vid2 = visits.plan_visit(db, NOW, ann, THU)
    visits.mark_done(db, NOW, vid2, "ok", clear_next=True)
    assert store.get_prospect(db, ann, TODAY)["next_date"] is None


def test_done_for_a_past_or_future_day(db: Database, ann: int) -> None:
    past = visits.plan_visit(
        db, NOW - timedelta(days=2), ann, TODAY - timedelta(days=1), start="15:00"
    )
    visits.mark_done(db, NOW, past, "late entry")
    assert rows(db, "SELECT at FROM activity WHERE visit_id = ?", past)[0][0].startswith(
        "2026-11-17 15:00"
    )
    future = visits.plan_visit(db, NOW, ann, FRI)
    visits.mark_done(db, NOW, future, "went early")
    assert visits.get_visit(db, future).day == TODAY
    # A visit logged earlier does not move touched_at back.
    assert store.get_prospect(db, ann, TODAY)["touched_at"] == NOW


def test_missed_cancel_and_replan(db: Database, ann: int) -> None:
    vid = visits.plan_visit(db, NOW, ann, TODAY)
    visits.mark_missed(db, NOW, vid)
    assert visits.get_visit(db, vid).status == "missed"
    visits.move_visit(db, NOW, vid, FRI)
    assert visits.get_visit(db, vid).status == "planned"
    visits.cancel_visit(db, NOW, vid)
    assert visits.get_visit(db, vid).status == "cancelled"
    store.undo(db)
    assert visits.get_visit(db, vid).status == "planned"
    visits.mark_done(db, NOW, vid, "ok")
    with pytest.raises(InputError, match="done"):
        visits.mark_missed(db, NOW, vid)
    with pytest.raises(InputError, match="done"):
        visits.move_visit(db, NOW, vid, FRI)


def test_delete_and_undo_even_a_done_visit(db: Database, ann: int) -> None:
    vid = visits.plan_visit(db, NOW, ann, TODAY, purpose="demo")
    act = visits.mark_done(db, NOW, vid, "good talk")
    uid = visits.get_visit(db, vid).uid
    visits.delete_visit(db, NOW, vid)
    with pytest.raises(NotFound):
        visits.get_visit(db, vid)
    # The timeline keeps the visit; only the link to the plan goes.
    assert rows(db, "SELECT kind, visit_id FROM activity WHERE id = ?", act) == [("visit", None)]
    store.undo(db)
    assert visits.get_visit(db, vid).uid == uid
    assert rows(db, "SELECT visit_id FROM activity WHERE id = ?", act) == [(vid,)]


def test_unknown_visit(db: Database) -> None:
    for func in (visits.mark_missed, visits.cancel_visit, visits.delete_visit):
        with pytest.raises(NotFound, match="no visit with id 42"):
            func(db, NOW, 42)
    with pytest.raises(NotFound):
        visits.mark_done(db, NOW, 42, "x")
    with pytest.raises(NotFound):
        visits.get_visit(db, 2**70)


def test_undoing_a_new_prospect_removes_its_visits(db: Database) -> None:
    pid = store.add_prospect(db, NOW, "Temp")
    vid = visits.plan_visit(db, NOW, pid, THU)
    store.undo(db)  # the visit
    store.undo(db)  # the card
    assert rows(db, "SELECT count(*) FROM visit WHERE id = ?", vid) == [(0,)]


def test_plan_view_days_flags_and_capacity(db: Database, ann: int) -> None:
    parked = store.add_prospect(db, NOW, "Parked Pete", area="徐汇")
    store.set_status(db, NOW, parked, "parked")
    for _ in range(4):
        visits.plan_visit(db, NOW, ann, THU)
    pete = visits.plan_visit(db, NOW, parked, THU)
    view = visits.plan_view(db, week_of(TODAY))
    assert list(view.days) == [date(2026, 11, 16) + timedelta(days=n) for n in range(7)]
    thursday = view.days[THU]
    assert thursday.info.count == 5 and thursday.info.over_capacity
    flagged = {v.id: view.flags(v).messages for v in thursday.visits}
    assert flagged[pete] == ("prospect is parked",)
    store.set_setting(db, "day_capacity", "6")
    assert not visits.plan_view(db, week_of(TODAY)).days[THU].info.over_capacity


def test_plan_facts(db: Database, ann: int) -> None:
    big = store.add_prospect(
        db,
        NOW - timedelta(days=90),
        "Big Buyer",
        key_account=True,
        value=5000,
        birthday=date(1970, 5, 4),
    )
    store.set_status(db, NOW - timedelta(days=2), big, "customer", value=48_000)
    vid = visits.plan_visit(db, NOW - timedelta(days=9), big, TODAY - timedelta(days=8))
    visits.mark_done(db, NOW - timedelta(days=1), vid, "fine")
    gave_up = store.add_prospect(db, NOW, "Gone")
    store.update_fields(db, NOW, gave_up, {"follow_up": "give_up"})
    found = {f.id: f for f in visits.plan_facts(db, TODAY)}
    assert set(found) == {ann, big}
    assert found[big].purchase == (TODAY - timedelta(days=2), 48_000.0)
    assert found[big].last_visit == TODAY - timedelta(days=8)
    assert found[big].last_contact == TODAY - timedelta(days=8)
    assert found[big].key_account and found[big].status == "customer"
    assert found[big].birthday == date(1970, 5, 4)
    assert found[ann].grade == "A" and found[ann].next_date == FRI
    assert found[ann].last_visit is None


def test_won_without_value_uses_the_card_value(db: Database) -> None:
    pid = store.add_prospect(db, NOW, "Quiet Win", value=20_000)
    store.set_status(db, NOW, pid, "customer")
    assert visits.plan_facts(db, TODAY)[0].purchase == (TODAY, 20_000.0)


def test_suggestions_from_the_database(db: Database, ann: int) -> None:
    found = visits.suggestions(db, week_of(TODAY), TODAY)
    assert [s.prospect_id for s in found] == [ann]
    first = found.items[0]
    assert first.reason == "A, window ended 26 Oct: visit or regrade · next step Fri: send quote"
    assert first.day == TODAY  # past its window: as soon as possible
    visits.plan_visit(db, NOW, ann, FRI)
    assert visits.suggestions(db, week_of(TODAY), TODAY).items == ()


def test_search_prospects(db: Database, ann: int) -> None:
    store.add_prospect(db, NOW, "王伟", company="华信科技", area="静安")
    lost = store.add_prospect(db, NOW, "Ann Old")
    store.set_status(db, NOW, lost, "lost")
    assert [p.name for p in visits.search_prospects(db, "ann")] == ["Ann Lee", "Ann Old"]
    assert [p.name for p in visits.search_prospects(db, "华信")] == ["王伟"]
    assert [p.name for p in visits.search_prospects(db, "100%")] == []
    assert [p.name for p in visits.search_prospects(db, "")][0] == "Ann Lee"  # next step first


def test_fill_demo_visits(db: Database) -> None:
    from salesdesk.data.demo import fill_demo

    fill_demo(db, TODAY, 120, visits=False)
    added = fill_demo_visits(db, TODAY, 7)
    assert added > 20
    statuses = dict(rows(db, "SELECT status, count(*) FROM visit GROUP BY status"))
    assert statuses["done"] > 5 and statuses["planned"] > 5 and statuses["missed"] == 1
    assert rows(db, "SELECT count(DISTINCT uid) = count(*) FROM visit") == [(1,)]
    done_without_activity = rows(
        db,
        "SELECT count(*) FROM visit v WHERE status = 'done' AND NOT EXISTS "
        "(SELECT 1 FROM activity a WHERE a.visit_id = v.id AND a.kind = 'visit')",
    )
    assert done_without_activity == [(0,)]
    assert rows(
        db, "SELECT min(day) >= ? FROM visit WHERE status = 'planned'", TODAY.isoformat()
    ) == [(1,)]
    view = visits.plan_view(db, week_of(TODAY))
    assert any(p.info.over_capacity for p in view.days.values())
    assert any(view.flags(v).closed_status == "parked" for v in view.visits)
    assert visits.suggestions(db, week_of(TODAY), TODAY).items


def test_fill_demo_visits_on_an_empty_database(db: Database) -> None:
    assert fill_demo_visits(db, TODAY) == 0


def test_demo_includes_visits_and_force_replaces_them(db: Database) -> None:
    from salesdesk.data.demo import fill_demo

    fill_demo(db, TODAY, 120)
    first = rows(db, "SELECT count(*) FROM visit")[0][0]
    assert first > 20
    fill_demo(db, TODAY, 120, replace=True)  # used to fail: visits point at old cards
    assert rows(db, "SELECT count(*) FROM visit") == [(first,)]


def test_visit_times_are_stored_as_text(db: Database, ann: int) -> None:
    vid = visits.plan_visit(db, datetime(2026, 11, 18, 9, 0), ann, THU, start="7:05")
    conn = sqlite3.connect(db.path)
    try:
        assert conn.execute("SELECT start, day FROM visit WHERE id = ?", (vid,)).fetchone() == (
            "07:05",
            "2026-11-19",
        )
    finally:
        conn.close()


def test_week_and_month_suggestions_agree(db: Database) -> None:
    """Both views show slices of one computation: a suggestion without room this week that
    the month puts on Monday is on Monday in the week view too, and the other way round."""
    from salesdesk.rules.planning import month_of

    for n in range(16):  # Wednesday to Saturday full
        filler = store.add_prospect(db, NOW, f"Filler {n}", area="徐汇")
        visits.plan_visit(db, NOW, filler, TODAY + timedelta(days=n // 4))
    b_card = store.add_prospect(db, NOW - timedelta(days=20), "Bea Due", grade="B")
    a_card = store.add_prospect(db, NOW - timedelta(days=5), "Al Window", grade="A")
    week = {s.prospect_id: s for s in visits.suggestions(db, week_of(TODAY), TODAY)}
    month = {s.prospect_id: s for s in visits.suggestions(db, month_of(TODAY), TODAY)}
    assert week[b_card].day == month[b_card].day == date(2026, 11, 23)
    assert week[a_card].day is None and month[a_card].day is None
    assert week[a_card].note == "no room before its window ends: regrade or make room"
    for pid in week.keys() & month.keys():
        assert (week[pid].day, week[pid].note) == (month[pid].day, month[pid].note)


def test_a_week_of_visits_reads_each_card_through_its_own_index(db: Database) -> None:
    """Whether a visit's card is a new prospect is asked of that card's activities (its
    index), never by scanning every visit of the book for each visit shown."""
    from salesdesk.data.visits.rows import _ORDER, _VISIT_COLUMNS

    sql = (f"EXPLAIN QUERY PLAN SELECT {_VISIT_COLUMNS} FROM visit v JOIN prospect p "
           f"ON p.id = v.prospect_id WHERE v.day BETWEEN ? AND ? {_ORDER}")
    plan = " ".join(str(r[-1]) for r in rows(db, sql, "2026-11-16", "2026-11-22"))
    assert "ix_activity_prospect_id" in plan and "ix_activity_kind" not in plan
