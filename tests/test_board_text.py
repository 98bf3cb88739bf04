"""The board filter answered from the board's text read once (data/board_text.py): the
same cards in the same order as the SQL filter and ``list --search`` find, for short and
long words, Chinese, pinyin, literal % and _, several words, a verdict, the closed view;
out of date after any write; and the filter field typing without laying the screen out."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widget import Widget
from textual.widgets import Input, Static

from salesdesk.app import SalesDeskApp
from salesdesk.config import Settings
from salesdesk.data import board_view, store
from salesdesk.data.backup import restore_database, stamped_backup
from salesdesk.data.board_keys import CLOSED_KEYS, LIVE_KEYS, column_of
from salesdesk.data.board_text import PATCH_LIMIT, BoardText, ColumnText, needles
from salesdesk.data.db import Database, open_database
from salesdesk.data.demo import fill_demo
from salesdesk.enums import Status
from salesdesk.rules.man import Verdict
from salesdesk.screens.board import BoardScreen
from salesdesk.screens.board_cards import BoardCards
from salesdesk.widgets.card_column import CardColumn
from salesdesk.widgets.filter_bar import FilterBar
from tests.conftest import NOW, TODAY, status, until

SEARCHES = [
    "a", "A", "e", "7", "@", ".", "ac", "Ac", "13", "王", "华", "王伟", "东方", "华信科", "wang",
    "ww", "wa", "bjkj", "acme", "ACM", "5%", "%", "_", "a_", "li ox", "acme w", "a c", "e 王",
    "Wood call", "o'b", '"q', "öz", "zzqx",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Database:
    db = open_database(tmp_path_factory.mktemp("text") / "demo.db")
    fill_demo(db, TODAY, prospects=600)
    for name, extra in {
        "Li Bo": {"company": "Ox Co", "notes": "5% off"},
        "王伟": {"company": "华信", "notes": "下午见"},
        "Özil": {"company": "Gmbh", "tags": "a_b"},
    }.items():
        store.add_prospect(db, NOW, name, grade="B", **extra)
    board_view.refresh_keys(db, NOW)
    return db


def expected(db: Database, search: str, closed: bool) -> dict[str, list[int]]:
    """The cards ``list --search`` finds, in board order, by column."""
    statuses = [s.value for s in Status if s != Status.LIVE] if closed else [Status.LIVE.value]
    found: dict[str, list[int]] = {key: [] for key in (CLOSED_KEYS if closed else LIVE_KEYS)}
    for card in store.list_cards(db, NOW, statuses=statuses, search=search):
        found[column_of(card.grade.value, card.status)].append(card.id)
    return found


@pytest.mark.parametrize("closed", [False, True], ids=["live", "closed"])
def test_the_text_finds_what_the_sql_filter_finds_in_the_same_order(
    demo: Database, closed: bool
) -> None:
    keys = CLOSED_KEYS if closed else LIVE_KEYS
    text = BoardText.read(demo, keys)
    for search in SEARCHES:
        want = expected(demo, search, closed)
        sql = board_view.matching_ids(demo, keys, search)
        assert {key: [pid for pid, _ in ids] for key, ids in sql.items()} == want, search
        found = text.matches(search)
        if needles(search) is None:  # a letter LIKE does not fold: left to SQL
            assert found is None and search == "öz"
            continue
        assert found is not None
        assert {key: len(m) for key, m in found.items()} == {k: len(v) for k, v in want.items()}
        assert {key: m.ids(0, len(m)) for key, m in found.items()} == want, search
        for key, ids in want.items():
            for place in {0, len(ids) // 2, len(ids) - 1} if ids else set():
                assert found[key].index_of(ids[place]) == place, (search, key, place)
            others = [pid for pid in text.columns[key].ids if pid not in set(ids)][:3]
            assert all(found[key].index_of(pid) is None for pid in others), search
        for verdict in Verdict:
            wanted = {key: [pid for pid, v in ids if v == str(verdict)] for key, ids in sql.items()}
            assert {key: m.with_verdict(str(verdict)) for key, m in found.items()} == wanted


def test_a_page_read_deep_in_a_column_is_the_same_as_read_in_order(demo: Database) -> None:
    text = BoardText.read(demo, LIVE_KEYS)
    found = text.matches("e")
    assert found is not None
    whole = {key: m.ids(0, len(m)) for key, m in found.items()}
    again = text.matches("e")
    assert again is not None
    for key, m in again.items():  # the last cards first, then the first ones
        assert m.ids(len(m) - 5, len(m)) == whole[key][-5:]
        assert m.ids(0, 5) == whole[key][:5]


def test_words_the_text_cannot_answer() -> None:
    assert needles("Acme 王") == [b"acme", "王".encode()]
    assert needles("öz") is None and needles("ÉCOLE") is None and needles("a\x00b") is None
    assert needles("  ") == []


def _columns(view: BoardCards, verdict: Verdict | None = None) -> dict[str, list[int]]:
    return {key: [card.id for card in column]
            for key, column in view.buckets(verdict).items()}


class _CountedIds(list[int]):
    """A column's ids that count their scans."""

    scans = 0

    def index(self, *args: Any) -> int:
        type(self).scans += 1
        return super().index(*args)


def test_a_cards_row_is_remembered_per_column_and_not_carried_to_a_changed_one() -> None:
    def made() -> ColumnText:
        return ColumnText([7, 3, 9], ["qualified"] * 3, [3.0, 2.0, 1.0], [b"a", b"b", b"c"])

    counted = made()
    counted.ids = _CountedIds(counted.ids)  # type: ignore[assignment]
    assert [counted.row_of(9), counted.row_of(4), counted.row_of(9), counted.row_of(4)] \
        == [2, None, 2, None]
    assert _CountedIds.scans == 2  # (the selected card, asked for at every key)
    column = made()
    assert column.row_of(9) == 2 and column.row_of(7) == 0
    shorter = column.without(0)
    assert shorter.row_of(9) == 1 and shorter.row_of(7) is None
    longer = shorter.with_card(4, "contact", 1.5, b"d")
    assert [longer.row_of(pid) for pid in (3, 4, 9)] == [0, 1, 2] and column.row_of(9) == 2


def test_the_board_filters_from_the_text_once_read_for_each_view(tmp_path: Path) -> None:
    db = open_database(tmp_path / "demo.db")
    fill_demo(db, TODAY, prospects=300)
    view = BoardCards(db)
    view.load(NOW)
    view.prepare_filter()
    assert view._text_ahead is not None and view._text_ahead.wait() is not None
    for search in ("a", "ac", "acm", "王", "wang"):
        view.filter_text = search
        view.load(NOW)
        assert view._found is not None  # answered from the text
        assert _columns(view) == expected(db, search, closed=False)
        assert view.matches() == sum(len(ids) for ids in expected(db, search, False).values())
        by_sql = board_view.matching_ids(db, LIVE_KEYS, search)
        for verdict in (Verdict.QUALIFIED, Verdict.CONTACT):
            assert _columns(view, verdict) == {
                key: [pid for pid, v in ids if v == str(verdict)] for key, ids in by_sql.items()}
    view.closed_view = True  # another view: its own text, SQL answering meanwhile
    view.load(NOW)
    assert view._found is None and _columns(view) == expected(db, "wang", closed=True)
    assert view._text_ahead is not None and view._text_ahead.wait() is not None
    view.load(NOW)
    assert view._found is not None
    assert _columns(view) == expected(db, "wang", closed=True)


def raw_sql(db: Database, statement: str, *args: object) -> None:
    """Another program's write, in plain SQL."""
    conn = sqlite3.connect(db.path)
    with conn:
        conn.execute(statement, args)
    conn.close()


def test_the_text_follows_every_write_by_any_program_without_reading_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a change the text is brought up to date from the cards whose keys the
    refresh redid (any program's writes mark them): the same cards in the same order as
    SQL, no scan and no new read; many cards changed, or a restore, and it is read again."""
    db = open_database(tmp_path / "demo.db")
    fill_demo(db, TODAY, prospects=300)
    view = BoardCards(db)
    view.load(NOW)
    view.prepare_filter()
    assert view._text_ahead is not None and view._text_ahead.wait() is not None
    view.filter_text = "a"
    view.load(NOW)
    reads: list[object] = []
    read = BoardText.read
    monkeypatch.setattr(BoardText, "read", lambda *a: reads.append(a) or read(*a))
    scans: list[str] = []
    matching = board_view.matching_ids
    monkeypatch.setattr(board_view, "matching_ids",
                        lambda *a: scans.append(a[2]) or matching(*a))
    first, second = view.buckets(None)["A"][:2]
    other = next(c for c in view.buckets(None)["B"] if "zq" not in c.name.lower())
    gone = store.add_prospect(db, NOW, "Aaron Gone", grade="B")
    writes = [
        lambda: store.regrade(db, NOW, first.id, "C"),  # moves to another column
        lambda: store.update_fields(db, NOW, second.id, {
            "name": "Zzq", "company": "Q", "email": "", "wechat": "", "area": "", "tags": "",
            "notes": ""}),  # (no longer matches)
        lambda: store.update_fields(db, NOW, other.id, {"notes": "a note"}),  # now matches
        lambda: store.set_status(db, NOW, first.id, Status.PARKED.value),  # leaves the view
        lambda: store.add_prospect(db, NOW, "Ada New", grade="A"),
        lambda: store.undo(db, now=NOW),  # (the new card taken out again)
        lambda: store.undo(db, now=NOW),  # (first is live again)
        lambda: raw_sql(db, "UPDATE prospect SET company = 'Acme Raw' WHERE id = ?", gone),
    ]
    for search in ("a", "ac", "王", "acme w"):
        view.filter_text = search
        view.load(NOW)
    view.filter_text = "a"
    view.load(NOW)
    for write in writes:
        write()
        view.load(NOW)
        assert view._found is not None and not scans and not reads
        assert _columns(view) == expected(db, "a", closed=False)
        for search in ("ac", "zzq", "王"):
            view.filter_text = search
            view.load(NOW)
            assert _columns(view) == expected(db, search, closed=False), search
        view.filter_text = "a"
    view.filter_text = ""  # the filter closed: the text is still followed, not read again
    store.regrade(db, NOW, second.id, "B")
    view.load(NOW)
    store.update_fields(db, NOW, second.id, {"name": "Zzq Back"})
    view.load(NOW)
    view.filter_text = "zzq"  # (the filter opened again: answered at once)
    view.prepare_filter()
    view.load(NOW)
    assert view._text_ahead is None and not reads and not scans
    assert view._found is not None and _columns(view) == expected(db, "zzq", closed=False)
    view.filter_text = ""
    view.closed_view = True  # another view, nothing typed there: the live text goes
    view.load(NOW)
    assert view._text is None


def text_read(tmp_path: Path, search: str) -> tuple[Database, BoardCards]:
    """A demo book's board filtered by ``search``, answered from its text once read."""
    db = open_database(tmp_path / "demo.db")
    fill_demo(db, TODAY, prospects=300)
    view = BoardCards(db)
    view.filter_text = search
    view.load(NOW)
    assert view._text_ahead is not None and view._text_ahead.wait() is not None
    view.load(NOW)
    assert view._found is not None
    return db, view


def test_a_refresh_by_another_program_has_the_text_read_again(tmp_path: Path) -> None:
    """Another program that refreshes the keys (``salesdesk list``, a second window)
    takes the stale marks of the cards written: the board cannot know them, and reads the
    text again, its cards the right ones meanwhile."""
    db, view = text_read(tmp_path, "qqxw")
    assert view.matches() == 0
    target = store.list_cards(db, NOW)[0].id
    raw_sql(db, "UPDATE prospect SET name = 'Qqxw Renamed' WHERE id = ?", target)
    board_view.refresh_keys(open_database(db.path), NOW)  # (the other program)
    view.load(NOW)
    assert view.matches() == 1 and _columns(view) == expected(db, "qqxw", closed=False)
    assert view._text_ahead is not None and view._text_ahead.wait() is not None
    view.load(NOW)
    assert view._found is not None and view.matches() == 1


def test_the_text_is_read_again_after_many_changes_or_a_restore(tmp_path: Path) -> None:
    """A restore puts another book in the file (no key of it is marked stale) and an
    import changes more cards than are worth reading one by one: the text is read again,
    SQL answering meanwhile, the cards always the right ones."""
    db, view = text_read(tmp_path, "a")
    many = [c.id for c in store.list_cards(db, NOW) if c.grade.value != "A"][:PATCH_LIMIT + 1]
    assert len(many) == PATCH_LIMIT + 1
    for pid in many:
        store.regrade(db, NOW, pid, "A")
    view.load(NOW)
    assert view._found is None and _columns(view) == expected(db, "a", closed=False)
    assert view._text_ahead is not None and view._text_ahead.wait() is not None
    view.load(NOW)
    assert view._found is not None and _columns(view) == expected(db, "a", closed=False)
    saved = stamped_backup(db.path, "test", NOW)
    store.update_fields(db, NOW, many[0], {"name": "Qqx Renamed"})  # (same counts)
    view.filter_text = "qqx"
    view.load(NOW)
    assert view._found is not None and view.matches() == 1
    restore_database(db.path, saved, NOW)  # (another program: the earlier book is back)
    view.forget_counts()  # (as the board does after another program's change)
    view.load(NOW)
    assert view._found is None and view.matches() == 0
    assert view._text_ahead is not None and view._text_ahead.wait() is not None
    for search in ("qqx", "a"):
        view.filter_text = search
        view.load(NOW)
        assert view._found is not None and _columns(view) == expected(db, search, closed=False)
async def board_up(pilot: Any) -> BoardScreen:
    """The board, once the app is up."""
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, BoardScreen)
    return screen


async def test_each_character_filters_at_once_and_the_field_lays_nothing_out(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = {name: store.add_prospect(db, NOW, name, grade="B") for name in ("Ann", "Bob", "王伟")}
    app = SalesDeskApp(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await board_up(pilot)
        await pilot.press("slash")
        # The filter's text, read in a thread from ``/``, answers each character at once
        # (a short word typed before it is read waits for it: the test further down).
        ahead = screen.view._text_ahead
        await until(pilot, lambda: ahead is None or ahead.done)
        layouts: list[Widget] = []
        refresh = Widget.refresh

        def counting(self: Widget, *regions: object, **flags: bool) -> Widget:
            if flags.get("layout"):
                layouts.append(self)
            return refresh(self, *regions, **flags)  # type: ignore[arg-type]

        monkeypatch.setattr(Widget, "refresh", counting)
        await pilot.press("b")  # one character: no debounce on a file
        await pilot.pause(0.05)
        assert screen.filter_text == "b" and [c.id for c in screen.cards] == [ids["Bob"]]
        await pilot.press("o")
        await pilot.pause(0.05)
        assert screen.filter_text == "bo"
        # (A column whose scrollbar comes or goes still lays out: here one went from 3
        # cards to 1.) The field itself never does.
        # (the detail, composed ahead meanwhile, lays its own fields out: not counted)
        bar = screen.query_one(FilterBar)
        assert not [w for w in layouts if w is bar or w in bar.query(Input)]
        monkeypatch.setattr(Widget, "refresh", refresh)
        field = screen.query_one("#filter-input", Input)
        await pilot.press(*("x" * 150))  # longer than the field: its text scrolls
        await until(pilot, lambda: screen.filter_text == "bo" + "x" * 150)
        region = field.content_region  # the end of the text in view, the cursor after it
        assert field.scroll_x == len(field.value) - region.width + 1  # (as Textual's Input)
        assert field.cursor_screen_offset.x == region.right
        # A filter posted for text since typed over (or cleared) is dropped.
        await pilot.press("escape")
        await pilot.pause()
        screen.query_one(FilterBar).post_message(FilterBar.Changed("Ann"))
        await pilot.pause()
        assert screen.filter_text == "" and len(screen.cards) == 3


async def test_a_character_and_the_cards_it_finds_are_drawn_in_one_frame(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The field answers the board inside the key (FilterBar.typed_now): after a message
    hop the field was drawn in a frame of its own, the board's cards in the next."""
    for n in range(12):
        store.add_prospect(db, NOW, f"Ann {n}", grade="B")
        store.add_prospect(db, NOW, f"Bob {n}", grade="B")
    app = SalesDeskApp(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await board_up(pilot)
        await pilot.press("slash", "b")
        bobs = {f"Bob {n}" for n in range(12)}
        # (answered once the filter's text is read: see the test after this one)
        await until(pilot, lambda: {c.name for c in screen.cards} == bobs)
        await pilot.pause(0.3)
        frames: list[str] = []
        display = SalesDeskApp._display

        def counting(self: SalesDeskApp, *args: object) -> None:
            frames.append(screen.filter_text)
            display(self, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(SalesDeskApp, "_display", counting)
        for typed, text in (("o", "bo"), ("b", "bob"), ("backspace", "bo")):
            frames.clear()
            await pilot.press(typed)
            await pilot.pause(0.2)
            assert screen.filter_text == text
            assert frames == [text]  # one frame: the field's text and its cards
        assert {c.name for c in screen.cards} == bobs


async def test_a_slow_header_or_column_does_not_split_the_frame(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The filter's answer hands the header's and the columns' repaints to the screen
    inside the key (BoardScreen._filter_typed, salesdesk.widgets.repaint): told by their
    own queues, as Textual does, a queue that
    ran late on a loaded machine came after the field's frame, and the header or the
    cards were drawn a frame later (a flaky CI failure of the test before this one).
    Here their queues run 80 ms late, every time."""
    for n in range(8):
        for name in ("Ann", "Bob", "Bea"):
            store.add_prospect(db, NOW, f"{name} {n}", grade="B")
    app = SalesDeskApp(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await board_up(pilot)
        await pilot.press("slash", "b")
        names = {f"{name} {n}" for n in range(8) for name in ("Bob", "Bea")}
        await until(pilot, lambda: {c.name for c in screen.cards} == names)
        screen.query_one("#filter-input", Input).cursor_blink = False  # (a frame of its own)
        await pilot.pause(0.3)
        loop = asyncio.get_running_loop()
        columns = list(screen.query(CardColumn))
        late = [screen.query_one("#summary"), *screen.query(".column-title"), *columns,
                *(column.vertical_scrollbar for column in columns)]
        for widget in late:
            check = widget._check_refresh
            monkeypatch.setattr(widget, "_check_refresh",
                                lambda check=check: loop.call_later(0.08, check))
        frames: list[tuple[str, frozenset[str]]] = []
        display = SalesDeskApp._display

        def counting(self: SalesDeskApp, *args: object) -> None:
            frames.append((screen.filter_text, frozenset(c.name for c in screen.cards)))
            display(self, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(SalesDeskApp, "_display", counting)
        bobs = {f"Bob {n}" for n in range(8)}
        for typed, text, found in (("o", "bo", bobs), ("b", "bob", bobs),
                                   ("backspace", "bo", bobs),
                                   ("backspace", "b", names)):
            frames.clear()
            await pilot.press(typed)
            await pilot.pause(0.3)
            assert screen.filter_text == text
            assert frames == [(text, frozenset(found))]  # one frame, the header and cards in it
            header = str(screen.query_one("#summary", Static).render())
            assert f"filter: {text}" in header


async def test_a_short_word_waits_for_the_text_being_read_with_the_keys_live(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Right after a change the text is read again; a character typed meanwhile would be
    answered by SQL's plain scan, inside the key (a second at 100,000 cards): the board
    says it is searching and answers once the text is read, the field taking keys."""
    ids = {name: store.add_prospect(db, NOW, name, grade="B") for name in ("Ann", "Bob", "Cy")}
    reading = threading.Event()
    read = BoardText.read

    def held(*args: Any) -> BoardText:
        reading.wait(10)
        return read(*args)

    monkeypatch.setattr(BoardText, "read", held)
    scans: list[str] = []
    monkeypatch.setattr(board_view, "matching_ids",
                        lambda db, keys, search: scans.append(search) or {})
    app = SalesDeskApp(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await board_up(pilot)
        await pilot.press("slash", "b")
        await pilot.pause(0.1)
        summary = str(screen.query_one("#summary").render())
        assert screen.filter_text == "b" and "searching…" in summary
        assert len(screen.cards) == 3 and not scans  # nothing scanned, the board as it was
        await pilot.press("o")  # the field keeps taking keys
        await pilot.pause(0.1)
        assert screen.query_one("#filter-input", Input).value == "bo" and not scans
        reading.set()
        await until(pilot, lambda: [c.id for c in screen.cards] == [ids["Bob"]])
        assert "bo 1 match" in str(screen.query_one("#summary").render()) and not scans


async def test_a_change_with_a_short_word_filter_on_scans_nothing(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A regrade while a word too short for the trigram index filters the board: the
    filter's text follows the change (its card read again), where SQL's plain scan took
    a second at 100,000 cards inside the key, then the text was read all over again."""
    ids = {name: store.add_prospect(db, NOW, name, grade="B") for name in ("Ann", "Bob", "Cy")}
    app = SalesDeskApp(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await board_up(pilot)
        await pilot.press("slash", "b")
        await until(pilot, lambda: [c.id for c in screen.cards] == [ids["Bob"]])
        await pilot.press("enter")  # (the filter kept, the board's keys again)
        scans: list[str] = []
        monkeypatch.setattr(board_view, "matching_ids",
                            lambda db, keys, search: scans.append(search) or {})
        reads: list[object] = []
        monkeypatch.setattr(BoardText, "read", lambda *a: reads.append(a))
        await pilot.press("a")
        await until(pilot, lambda: "Bob" in status(app))
        assert store.get_prospect(db, ids["Bob"], NOW)["grade"] == "A"
        assert [card.id for card in screen.view.buckets(None)["A"]] == [ids["Bob"]]
        assert not screen.view.buckets(None)["B"] and not scans and not reads
        assert "b 1 match" in str(screen.query_one("#summary").render())
