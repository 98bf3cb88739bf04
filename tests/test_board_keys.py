"""The board's order in SQL (schema 8): the key table gives the same cards in the same
order as the old ordering function (every card scored in Python, sorted by urgency), and
stays right when cards change by any writer, by the clock, or by a setting."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from salesdesk.data import board_keys, board_view, store
from salesdesk.data.board_keys import CLOSED_KEYS, LIVE_KEYS
from salesdesk.data.card_rows import clocks
from salesdesk.data.db import Database, open_database
from salesdesk.data.demo import fill_demo
from salesdesk.data.today import today_list
from salesdesk.data.visits.changes import plan_visit
from salesdesk.enums import Status

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 9, 30)


@pytest.fixture
def demo(tmp_path: Path) -> Database:
    db = open_database(tmp_path / "demo.db")
    fill_demo(db, TODAY, prospects=1000)
    return db


def old_order(db: Database, now: datetime, closed: bool = False) -> dict[str, list[int]]:
    """The order before schema 8: every card of the view read, scored, sorted."""
    statuses = [s.value for s in Status if s != Status.LIVE] if closed else [Status.LIVE]
    found: dict[str, list[int]] = {}
    for card in store.list_cards(db, now, statuses=statuses):
        found.setdefault(board_keys.column_of(card.grade.value, card.status), []).append(card.id)
    return found


def sql_order(db: Database, now: datetime, keys: tuple[str, ...]) -> dict[str, list[int]]:
    board_view.refresh_keys(db, now)
    clock = clocks(db, now)
    counts: dict[str, int] = {}
    for (col, _status), values in board_keys.tally(db).items():
        counts[col] = counts.get(col, 0) + int(values[0])
    return {
        key: [c.id for c in board_view.KeyColumn(db, clock, key, None, counts[key])]
        for key in keys if counts.get(key)
    }


def test_the_sql_order_is_the_old_order_on_demo_data(demo: Database) -> None:
    assert sql_order(demo, NOW, LIVE_KEYS) == old_order(demo, NOW)
    assert sql_order(demo, NOW, CLOSED_KEYS) == old_order(demo, NOW, closed=True)
    # ... and on later days, when the date-driven parts of every score have moved.
    for days in (1, 8, 40):
        later = NOW + timedelta(days=days)
        assert sql_order(demo, later, LIVE_KEYS) == old_order(demo, later)


def test_a_clock_set_back_rescores_every_card(demo: Database) -> None:
    later = NOW + timedelta(days=30)
    assert sql_order(demo, later, LIVE_KEYS) == old_order(demo, later)
    assert board_view.refresh_keys(demo, NOW) == store.count_prospects(demo)
    assert sql_order(demo, NOW, LIVE_KEYS) == old_order(demo, NOW)


def test_nothing_is_rescored_when_nothing_changed(demo: Database) -> None:
    board_view.refresh_keys(demo, NOW)
    assert board_view.refresh_keys(demo, NOW + timedelta(hours=2)) == 0


def test_a_change_by_another_program_goes_stale_and_is_rescored(demo: Database) -> None:
    board_view.refresh_keys(demo, NOW)
    last = old_order(demo, NOW)["C"][-1]
    raw = sqlite3.connect(demo.path)  # the sqlite3 shell, a script: no SalesDesk code
    with raw:
        raw.execute("UPDATE prospect SET grade = 'A', next_date = ? WHERE id = ?",
                    ((TODAY - timedelta(days=9)).isoformat(), last))
    raw.close()
    assert board_view.refresh_keys(demo, NOW) == 1
    order = sql_order(demo, NOW, LIVE_KEYS)
    assert last in order["A"] and last not in order["C"]
    assert order == old_order(demo, NOW)


def test_a_complaint_puts_its_card_on_top_and_a_removed_card_leaves(demo: Database) -> None:
    board_view.refresh_keys(demo, NOW)
    card = old_order(demo, NOW)["B"][-1]
    store.record_complaint(demo, NOW, card, "the delivery was late")
    order = sql_order(demo, NOW, LIVE_KEYS)
    assert order["B"][0] == card
    raw = sqlite3.connect(demo.path)
    with raw:
        raw.execute("DELETE FROM complaint WHERE prospect_id = ?", (card,))
        raw.execute("DELETE FROM activity WHERE prospect_id = ?", (card,))
        raw.execute("DELETE FROM contact_point WHERE prospect_id = ?", (card,))
        raw.execute("DELETE FROM visit WHERE prospect_id = ?", (card,))
        raw.execute("DELETE FROM prospect WHERE id = ?", (card,))
    raw.close()
    order = sql_order(demo, NOW, LIVE_KEYS)
    assert card not in order["B"]
    assert order == old_order(demo, NOW)


def test_the_keys_count_today_s_list_as_the_list_itself(demo: Database) -> None:
    for day in (TODAY, TODAY + timedelta(days=3), TODAY + timedelta(days=20)):
        assert board_keys.today_count(demo, day) == len(today_list(demo, day))
    # A visit planned for today puts one more item on the list (the visit table's trigger).
    card = old_order(demo, NOW)["C"][-1]  # the least urgent card: nothing due today
    before = board_keys.today_count(demo, TODAY)
    plan_visit(demo, NOW, card, TODAY, start="09:00", purpose="show the samples")
    assert board_keys.today_count(demo, TODAY) == len(today_list(demo, TODAY)) == before + 1


def test_the_thank_you_threshold_setting_rescores_and_others_do_not(demo: Database) -> None:
    board_view.refresh_keys(demo, NOW)
    store.set_setting(demo, "board_legend", "off")
    assert board_view.refresh_keys(demo, NOW) == 0
    store.set_setting(demo, "thank_you_threshold", "1")
    assert board_view.refresh_keys(demo, NOW) == store.count_prospects(demo)
    assert board_keys.today_count(demo, TODAY) == len(today_list(demo, TODAY))


def test_a_page_of_a_column_is_read_by_its_place(demo: Database) -> None:
    board_view.refresh_keys(demo, NOW)
    clock = clocks(demo, NOW)
    expected = old_order(demo, NOW)["C"]
    column = board_view.KeyColumn(demo, clock, "C", None, len(expected))
    assert len(column) == len(expected)
    assert column[len(expected) - 1].id == expected[-1]
    assert [c.id for c in column[100:140]] == expected[100:140]
    assert column.index_of(expected[150]) == 150  # counted: its page was not read
    assert column.index_of(old_order(demo, NOW)["A"][0]) is None  # another column's card
    # Places found in the pages read, counted, and asked again, all as the order says.
    fresh = board_view.KeyColumn(demo, clock, "C", None, len(expected))
    assert fresh[20].id == expected[20]  # reads that page only
    for place in (16, 20, 31, 0, 150, len(expected) - 1, 20, 150):
        assert fresh.index_of(expected[place]) == place
    # Cards of equal urgency come in id order: a counted place counts those ahead too.
    with demo.connect() as conn:
        scores = [row[0] for row in conn.execute(
            "SELECT score FROM board_key WHERE col = 'C' ORDER BY score DESC, prospect_id")]
    tied = [place for place in range(1, len(scores)) if scores[place] == scores[place - 1]]
    assert tied
    for place in tied[:: max(1, len(tied) // 6)]:
        counted = board_view.KeyColumn(demo, clock, "C", None, len(expected))
        assert counted.index_of(expected[place]) == place
    with pytest.raises(IndexError):
        column[len(expected)]


def test_a_server_or_read_only_file_orders_in_python(tmp_path: Path, demo: Database) -> None:
    assert board_view.orders_in_sql(demo)
    reader = Database(demo.path, read_only=True)
    assert not board_view.orders_in_sql(reader)
    assert board_view.prefetch(reader, NOW) is not None


def test_the_kept_counts_follow_each_change_as_a_fresh_count(demo: Database) -> None:
    from salesdesk.screens.board_cards import BoardCards

    view = BoardCards(demo)
    view.load(NOW)
    live = old_order(demo, NOW)
    store.regrade(demo, NOW, live["C"][0], "A")
    store.record_complaint(demo, NOW, live["B"][3], "late again")
    raw = sqlite3.connect(demo.path)  # another program removes a card
    with raw:
        for table in ("complaint", "activity", "contact_point", "visit"):
            raw.execute(f"DELETE FROM {table} WHERE prospect_id = ?", (live["A"][1],))
        raw.execute("DELETE FROM prospect WHERE id = ?", (live["A"][1],))
    raw.close()
    view.load(NOW)  # the same view: counts kept up by the refresh's changes
    fresh = BoardCards(demo)
    fresh.load(NOW)  # a new view: counted from the index
    assert view.pool == fresh.pool
    expected = store.summary(demo, NOW)  # the old way: every live card read and summed
    assert view.pool is not None
    assert (view.pool.by_grade, view.pool.due, view.pool.overdue, view.pool.live,
            view.pool.closed, view.pool.first_contact) == (
        expected.by_grade, expected.due, expected.overdue, expected.live, expected.closed,
        expected.first_contact)
    assert view.pool.pipeline is not None and expected.pipeline is not None
    assert view.pool.pipeline.value_by_grade == pytest.approx(expected.pipeline.value_by_grade)
    assert view.today_left == len(today_list(demo, TODAY))


@pytest.mark.parametrize(
    "search", ["acme", "ACM", "wang", "东方", "华信科", "13", "Wood call", "o'b", '"q'])
def test_the_filter_through_the_trigram_index_finds_what_a_scan_finds(
    demo: Database, search: str
) -> None:
    board_view.refresh_keys(demo, NOW)
    found = board_view.matching_ids(demo, LIVE_KEYS, search)
    scanned = {card.id for card in store.list_cards(demo, NOW, search=search)}
    assert {pid for ids in found.values() for pid, _verdict in ids} == scanned


def test_a_renamed_card_is_found_by_its_new_name_only(demo: Database) -> None:
    board_view.refresh_keys(demo, NOW)
    card = old_order(demo, NOW)["A"][0]
    raw = sqlite3.connect(demo.path)
    with raw:
        raw.execute("UPDATE prospect SET name = 'Zyxwvut Quill' WHERE id = ?", (card,))
    raw.close()
    board_view.refresh_keys(demo, NOW)
    assert board_view.matching_ids(demo, LIVE_KEYS, "wvut qui")["A"] == [
        (card, board_view.cards_by_id(demo, clocks(demo, NOW), [card])[0].verdict)]
    old_name = board_view.matching_ids(demo, LIVE_KEYS, "zyxw")
    assert [pid for pid, _ in old_name["A"]] == [card]


@pytest.mark.parametrize(("statuses", "grade"), [
    (("live",), None), (("live",), "B"), (("customer", "parked"), None), (("lost",), "C")])
def test_the_first_cards_of_a_list_are_the_top_of_the_sql_order(
    demo: Database, statuses: tuple[str, ...], grade: str | None
) -> None:
    whole = store.list_cards(demo, NOW, statuses=statuses, grade=grade)
    top = board_view.top_cards(demo, NOW, statuses, grade, 30)
    assert top is not None
    assert [c.id for c in top] == [c.id for c in whole[:30]]
    assert store.list_cards(demo, NOW, statuses=statuses, grade=grade, limit=30) == top


def test_a_large_rescoring_is_said_before_it_starts(
    demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(board_keys, "BULK", 100)
    said: list[int] = []
    assert board_view.prefetch(demo, NOW, say=said.append) is None
    assert said == [store.count_prospects(demo)]
    assert board_view.prefetch(demo, NOW, say=said.append) is None  # nothing stale now
    assert said == [store.count_prospects(demo)]
    assert sql_order(demo, NOW, LIVE_KEYS) == old_order(demo, NOW)  # the bulk rewrite


def test_the_filter_runs_at_once_only_when_the_index_answers_every_word() -> None:
    from salesdesk.widgets.filter_bar import indexed

    assert indexed("acme") and indexed("acme wood") and indexed("华信科") and indexed("")
    assert not indexed("ac") and not indexed("acme w") and not indexed("王伟")


def test_a_first_import_makes_every_card_s_key_at_its_end(tmp_path: Path) -> None:
    from salesdesk.data.io.importer import ImportOptions, run_import

    db = open_database(tmp_path / "book.db")
    before = sqlite3.connect(db.path).execute(
        "SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    source = tmp_path / "people.csv"
    source.write_text("name,grade\nAnn Wood,A\nBob Stone,C\n王伟,B\n", encoding="utf-8")
    assert run_import(db, source, NOW, ImportOptions()).created == 3
    raw = sqlite3.connect(db.path)
    # The trigger and the key indexes dropped for the bulk insert are back, as they were.
    assert raw.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name"
                       ).fetchall() == before
    assert raw.execute("SELECT count(*) FROM board_key").fetchone() == (3,)
    raw.close()
    assert sql_order(db, NOW, LIVE_KEYS) == old_order(db, NOW)
    assert [pid for pid, _ in board_view.matching_ids(db, LIVE_KEYS, "stone")["C"]]
    card = store.add_prospect(db, NOW, "Cara Lake", grade="B")  # the trigger works again
    assert card in sql_order(db, NOW, LIVE_KEYS)["B"]


def full_keys(db: Database) -> dict[int, tuple[object, ...]]:
    with db.connect() as conn:
        rows = conn.execute("SELECT prospect_id, col, status, value, score, verdict, due, "
                            "overdue, first_contact, today FROM board_key").fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def test_day_after_day_only_the_cards_whose_day_came_are_rescored(
    demo: Database, tmp_path: Path
) -> None:
    """Each day's refresh rescores only the cards a date may have changed, and leaves the
    same keys (so the same order and counts) as rescoring every card, as every start of a
    day did before; across a month of days, then jumps of months and years."""
    board_view.refresh_keys(demo, NOW)
    demo.close()
    every = Database(tmp_path / "every.db")
    every.path.write_bytes(demo.path.read_bytes())
    cards = store.count_prospects(demo)
    rescored = []
    for days in [*range(1, 32), *range(60, 75), 200, 400, 1200]:
        later = NOW + timedelta(days=days)
        rescored.append(board_view.refresh_keys(demo, later))
        with every.begin() as conn:  # the old way: every key stale at each new day
            conn.execute("UPDATE board_key SET until = ''")
        assert board_view.refresh_keys(every, later) == cards
        assert full_keys(demo) == full_keys(every), days
        if days in (1, 7, 30, 400):
            assert sql_order(demo, later, LIVE_KEYS) == old_order(demo, later)
            assert sql_order(demo, later, CLOSED_KEYS) == old_order(demo, later, closed=True)
            assert board_keys.today_count(demo, later.date()) == len(
                today_list(demo, later.date()))
    assert max(rescored[32:46]) < cards / 5, rescored  # two months on: the few still moving
    assert rescored[-1] < cards  # years later, the cards at every cap stay as they were
    every.close()


def test_a_score_does_not_move_before_the_day_its_key_is_valid_until() -> None:
    """The pure rule behind ``until``, against the score itself on every day up to it."""
    import random

    from salesdesk.rules.grading import Grade, score
    from salesdesk.rules.key_days import score_changes

    pick = random.Random(13)
    for _ in range(400):
        grade = pick.choice(list(Grade))
        graded = TODAY - timedelta(days=pick.randint(0, 120))
        looked = pick.choice([None, graded + timedelta(days=pick.randint(0, 5))])
        touched = pick.choice([None, TODAY - timedelta(days=pick.randint(-3, 40))])
        created = TODAY - timedelta(days=pick.randint(0, 400))
        step = pick.choice([None, TODAY + timedelta(days=pick.randint(-30, 30))])
        key = pick.choice([False, True])
        for start in range(0, 60, 7):
            today = TODAY + timedelta(days=start)
            day = score_changes(grade, graded, looked, touched, created, step, today)
            first = score(grade, graded, looked, touched, created, step, key, today)
            for ahead in range(1, ((day - today).days if day else 400)):
                later = score(grade, graded, looked, touched, created, step, key,
                              today + timedelta(days=ahead))
                assert (later.score, later.overdue, later.review_due, later.past_window) == (
                    first.score, first.overdue, first.review_due, first.past_window)


def test_the_early_tally_is_used_when_nothing_was_written(demo: Database) -> None:
    """The start counts the header's counts in a thread while Textual loads; the board's
    first read takes that result (once) when the database is as it was."""
    assert board_view.prefetch(demo, NOW) is None  # refreshes, then starts the count
    fresh = board_keys._count(demo)
    ahead = board_keys.tally_ahead(demo)
    early = ahead.result()
    assert early == fresh
    assert board_keys.tally(demo) is early  # the early count itself, not a second one
    assert board_keys.tally(demo) is not early and board_keys.tally(demo) == fresh


def test_the_early_tally_is_counted_again_after_a_write(demo: Database) -> None:
    """A card changed (by this program, or by another one) between the early count and
    the board's first read: the header shows a fresh count, never the early one."""
    board_view.refresh_keys(demo, NOW)
    live = old_order(demo, NOW)
    before = board_keys._count(demo)
    ahead = board_keys.tally_ahead(demo)
    assert ahead.result() == before  # counted before the change
    store.regrade(demo, NOW, live["C"][0], "A")
    board_view.refresh_keys(demo, NOW)
    after = board_keys.tally(demo)
    assert after == board_keys._count(demo) != before
    board_keys.tally_ahead(demo).result()
    raw = sqlite3.connect(demo.path)  # another program
    with raw:
        raw.execute("UPDATE board_key SET value = value + 1000 WHERE prospect_id = ?",
                    (live["B"][0],))
    raw.close()
    assert board_keys.tally(demo) == board_keys._count(demo) != after


def test_the_boards_first_counts_equal_a_fresh_count_when_changed_meanwhile(
    demo: Database,
) -> None:
    """The start's early count, a card won and a complaint recorded before the board's
    first read: the header's counts are those of a board that counted afresh."""
    from salesdesk.screens.board_cards import BoardCards

    assert board_view.prefetch(demo, NOW) is None
    live = old_order(demo, NOW)
    store.set_status(demo, NOW, live["A"][0], Status.CUSTOMER)
    store.record_complaint(demo, NOW, live["B"][3], "late again")
    view = BoardCards(demo)
    view.load(NOW)
    fresh = BoardCards(demo)
    fresh.load(NOW)
    assert view.pool == fresh.pool and view.today_left == fresh.today_left
    assert view.pool is not None and view.pool.live == len(store.list_cards(demo, NOW))


def test_the_one_row_tally_reads_back_the_exact_sums(demo: Database) -> None:
    """The counts come in one JSON row (one step for the early count's thread): each sum,
    values with many digits too, is the float the plain GROUP BY gives."""
    board_view.refresh_keys(demo, NOW)
    raw = sqlite3.connect(demo.path)
    with raw:
        raw.execute("UPDATE board_key SET value = value + 0.1 + prospect_id / 7.0")
    plain = {(col, status): list(values) for col, status, *values in raw.execute(
        "SELECT col, status, count(*), total(due), total(overdue), "
        "total(first_contact = 'running'), total(first_contact = 'missed'), total(today), "
        "total(value) FROM board_key GROUP BY col, status")}
    raw.close()
    assert board_keys._count(demo) == plain
    assert any(values[6] != round(values[6], 6) for values in plain.values())
