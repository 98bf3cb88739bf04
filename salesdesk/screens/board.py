"""The morning board: three columns of cards (A, B, C) in urgency order.

Cards are plain rows from the store; each column is one line-API widget, so opening a
board of 100,000 prospects mounts the same dozen widgets as a board of ten.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable, Iterable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from salesdesk import keys
from salesdesk.data import store
from salesdesk.data.store import CardRow, urgency_key
from salesdesk.enums import Status
from salesdesk.render import palette
from salesdesk.render.palette import GRADE_COLOURS, STATUS_COLOURS, VERDICT_STYLE
from salesdesk.rules.man import Verdict
from salesdesk.screens.common import attempt, sd_app, undo_last
from salesdesk.text import one_line
from salesdesk.widgets.card_column import CardColumn

LIVE_COLUMNS = (("A", "A · this week"), ("B", "B · this month"), ("C", "C · 3 months"))
CLOSED_COLUMNS = (("customer", "Customers"), ("parked", "Parked"), ("closed", "Dropped & lost"))
COMPACT_BELOW_HEIGHT = 32
FILTER_DELAY = 0.15
REFRESH_LIMIT = 500  # more changed cards than this: reload the board instead
WATCH_EVERY = 2.0  # seconds between checks for changes by other programs

EMPTY_TEXT = (
    "No prospects yet.\n\n"
    "Press  n  to add your first prospect,\n"
    "i  to import your contacts (CSV, vCard),\n"
    "or  D  to load demo data and look around.\n\n"
    'From the shell:  salesdesk add "Name" --grade A --next fri\n'
    "Press  ?  for every key."
)


def _column_key(card: CardRow, closed_view: bool) -> str:
    if not closed_view:
        return card.grade.value
    if card.status in (Status.DROPPED, Status.LOST):
        return "closed"
    return card.status


class BoardScreen(Screen[None]):
    """Home screen: triage by keyboard (or mouse)."""

    BINDINGS = keys.BOARD
    HELP_TITLE = "the board"
    AUTO_FOCUS = ""  # keys go to the board, not the (hidden) filter field

    def __init__(self) -> None:
        super().__init__()
        self.closed_view = False
        self.filter_text = ""
        self.verdict_filter: Verdict | None = None
        self.col = 0
        self.cards: list[CardRow] = []
        self._filter_timer: Timer | None = None
        self._pool: store.BoardSummary | None = None
        self._live_all: list[CardRow] | None = None  # every live card: the header's counts
        self._seen_version: int | None = None  # the database's data_version when last read

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        with Horizontal(id="columns"):
            for index, (key, _title) in enumerate(LIVE_COLUMNS):
                with Vertical(classes="board-column"):
                    yield Static(id=f"title-{index}", classes="column-title")
                    yield CardColumn(key, id=f"col-{index}")
        yield Static(Text(EMPTY_TEXT), id="empty")
        with Vertical(id="filter-bar"):
            yield Input(
                placeholder="filter: name, company, phone, notes… (enter keeps, escape clears)",
                id="filter-input",
            )
        yield Footer()

    @property
    def columns(self) -> list[CardColumn]:
        return [self.query_one(f"#col-{i}", CardColumn) for i in range(3)]

    @property
    def column(self) -> CardColumn:
        return self.query_one(f"#col-{self.col}", CardColumn)

    @property
    def current(self) -> CardRow | None:
        return self.column.current

    def on_mount(self) -> None:
        self._apply_compact()
        self.load()
        self.set_interval(WATCH_EVERY, self._watch)

    # ------------------------------------------------------------------ other programs
    def _mark_seen(self) -> None:
        self._seen_version = self.app.db.data_version()  # type: ignore[attr-defined]

    def _changed_elsewhere(self) -> bool:
        """True when the database changed since the board last read it (a command, a
        restore, another screen), so the cards on screen may be out of date."""
        return self.app.db.data_version() != self._seen_version  # type: ignore[attr-defined]

    def on_screen_resume(self) -> None:
        """Back from another screen (which may have changed cards): catch up quietly."""
        if self._seen_version is not None and self._changed_elsewhere():
            self._reload_everything()

    def _watch(self) -> None:
        """Every few seconds: follow changes made by other programs while the board shows."""
        if self.is_current and self._changed_elsewhere():
            self._reload_everything()

    def _reload_everything(self) -> None:
        """Read the shown cards and the header's counts again (a filter keeps its own list,
        so the counts of every live card are read afresh too)."""
        self._live_all = None
        self.load(keep_id=self.current.id if self.current else None)

    def _card_to_change(self) -> CardRow | None:
        """The selected card, if the board is up to date. After a change by another program
        (a card restored away, its id reused), the board reloads first and says so, so a
        key never acts on a card that is no longer what it shows."""
        if self._changed_elsewhere():
            self._reload_everything()
            self.notify(
                "The database was changed by another program: the board is up to date "
                "again. Check the card and press the key again.",
                severity="warning", timeout=6,
            )
            return None
        return self.current

    def on_resize(self) -> None:
        self._apply_compact()

    def _apply_compact(self) -> None:
        compact = self.app.size.height < COMPACT_BELOW_HEIGHT
        for column in self.columns:
            column.set_compact(compact)

    # ------------------------------------------------------------------ data
    @property
    def statuses(self) -> tuple[str, ...]:
        if self.closed_view:
            return tuple(s.value for s in Status if s != Status.LIVE)
        return (Status.LIVE.value,)

    def load(self, keep_id: int | None = None) -> None:
        """Reload every card of the view from the database."""
        today = self.app.today()  # type: ignore[attr-defined]
        db = self.app.db  # type: ignore[attr-defined]
        first = self.app.take_prefetched()  # type: ignore[attr-defined]
        if first is not None and not self.filter_text and not self.closed_view:
            self.cards = first
        else:
            self.cards = store.list_cards(
                db, today, statuses=self.statuses, search=self.filter_text
            )
        if not self.filter_text and not self.closed_view:
            self._live_all = self.cards
        elif self._live_all is None:
            self._live_all = store.list_cards(db, today)
        self._pool = store.summarise(self._live_all, store.pool_target(db), store.closed_counts(db))
        self._distribute(keep_id)
        self._mark_seen()

    def refresh_cards(self, ids: Iterable[int], keep_id: int | None = None) -> None:
        """Re-read only the given cards (fast on a huge board), then redraw."""
        ids = set(ids)
        if len(ids) > REFRESH_LIMIT:  # e.g. undoing an import: read everything once
            self.load(keep_id=keep_id)
            return
        today = self.app.today()  # type: ignore[attr-defined]
        db = self.app.db  # type: ignore[attr-defined]
        self.cards = self._replaced(self.cards, ids, store.list_cards(
            db, today, statuses=self.statuses, search=self.filter_text, ids=ids))
        if not self.filter_text and not self.closed_view:
            self._live_all = self.cards
        elif self._live_all is not None:  # keep the header's pool counts right, cheaply
            self._live_all = self._replaced(
                self._live_all, ids, store.list_cards(db, today, ids=ids))
        if self._live_all is not None:
            self._pool = store.summarise(
                self._live_all, store.pool_target(db), store.closed_counts(db))
        self._distribute(keep_id)
        self._mark_seen()

    @staticmethod
    def _replaced(cards: list[CardRow], ids: set[int], fresh: list[CardRow]) -> list[CardRow]:
        """``cards`` without ``ids``, with the ``fresh`` rows put in urgency order."""
        kept = [c for c in cards if c.id not in ids]
        for card in fresh:
            insort(kept, card, key=urgency_key)
        return kept

    def _distribute(self, keep_id: int | None) -> None:
        today = self.app.today()  # type: ignore[attr-defined]
        spec = CLOSED_COLUMNS if self.closed_view else LIVE_COLUMNS
        buckets: dict[str, list[CardRow]] = {key: [] for key, _ in spec}
        verdict = self.verdict_filter
        for card in self.cards:
            if verdict is None or card.verdict == verdict:
                buckets[_column_key(card, self.closed_view)].append(card)
        found = False
        if keep_id is not None:
            for index, (key, _title) in enumerate(spec):
                if any(c.id == keep_id for c in buckets[key]):
                    self.col, found = index, True
                    break
        if not found and not buckets[spec[self.col][0]]:
            # The selected card left the view (filtered out, dropped): go where cards are.
            for index, (key, _title) in enumerate(spec):
                if buckets[key]:
                    self.col = index
                    break
        for index, ((key, title), column) in enumerate(zip(spec, self.columns, strict=True)):
            column.set_cards(buckets[key], today, keep_id=keep_id)
            column.set_active(index == self.col)
            colour = (
                STATUS_COLOURS.get(Status(key), palette.GREY)
                if key in Status._value2member_map_
                else GRADE_COLOURS.get(key, palette.GREY)
            )
            label = Text(f"{title} ", style=f"bold {colour}")
            label.append(f"({len(buckets[key])})", style="dim")
            if index == self.col:
                label.append(" ◀", style="bold")
            self.query_one(f"#title-{index}", Static).update(label)
        self._update_summary()

    def _update_summary(self) -> None:
        db = self.app.db  # type: ignore[attr-defined]
        total = len(self.cards)
        empty = total == 0 and not self.filter_text and store.count_prospects(db) == 0
        self.query_one("#empty").display = empty
        self.query_one("#columns").display = not empty
        line = Text()
        pool = self._pool
        if self.closed_view:
            line.append("Customers and closed cards", style="bold")
            line.append("  · o: back to the live board", style="dim")
        elif pool is not None:
            for grade in "ABC":
                line.append(f"{grade} ", style=f"bold {GRADE_COLOURS[grade]}")
                line.append(f"{pool.by_grade[grade]}  ")
            line.append("│ ", style="dim")
            line.append(f"due {pool.due}", style=palette.WARNING if pool.due else "")
            line.append("  │ ", style="dim")
            line.append(f"overdue {pool.overdue}", style=palette.ALERT if pool.overdue else "")
            line.append("  │ ", style="dim")
            short = pool.pool_target - pool.live
            line.append(
                f"pool {pool.live}/{pool.pool_target}",
                style=palette.ALERT if short > 0 else palette.GOOD,
            )
            if short > 0:
                line.append(f" (add {short})", style=palette.ALERT_TEXT)
        if self.verdict_filter is not None:
            shown = sum(1 for c in self.cards if c.verdict == self.verdict_filter)
            line.append("  │ MAN: ", style="dim")
            line.append(self.verdict_filter.label, style=VERDICT_STYLE[self.verdict_filter])
            line.append(f" {shown} (f: next)", style="dim")
        if self.filter_text:
            line.append("  │ filter: ", style="dim")
            line.append(one_line(self.filter_text), style="bold reverse")
            line.append(f" {total} match{'es' if total != 1 else ''}", style="dim")
        self.query_one("#summary", Static).update(line)

    # ------------------------------------------------------------------ moving
    def _set_col(self, index: int) -> None:
        self.col = max(0, min(2, index))
        self._distribute(self.current.id if self.current else None)

    def action_column(self, delta: int) -> None:
        target = self.col + delta
        if 0 <= target <= 2:
            old = self.column
            self.col = target
            for index, column in enumerate(self.columns):
                column.set_active(index == self.col)
            self._distribute(None)
            del old

    def action_move(self, delta: int) -> None:
        self.column.move(delta)

    def action_page(self, delta: int) -> None:
        self.column.move(delta * self.column.page_cards)

    def action_jump(self, where: str) -> None:
        self.column.select(0 if where == "top" else len(self.column.cards) - 1)

    @on(CardColumn.Clicked)
    def _clicked(self, event: CardColumn.Clicked) -> None:
        self.col = self.columns.index(event.column)
        event.column.select(event.index)
        self._distribute(event.column.current.id if event.column.current else None)
        if event.chain >= 2:
            self.action_open_card()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        needs_card = {"regrade", "open_card", "log_touch", "next_date", "park", "drop", "won"}
        if action in needs_card and self.is_mounted:
            try:
                return True if self.current is not None else None
            except Exception:
                return True
        if action == "clear_filter":
            return bool(self.filter_text) or self.query_one("#filter-bar").has_class("visible")
        return True

    # ------------------------------------------------------------------ changes
    def _do(
        self,
        change: Callable[[], object],
        ids: Iterable[int],
        message: str,
        keep_id: int | None = None,
    ) -> None:
        """Run a store command; show errors inline instead of raising."""
        ok, _ = attempt(self, change)
        if not ok:
            return
        self.refresh_cards(ids, keep_id)
        if message:
            self.notify(one_line(message), markup=False, timeout=3)

    def action_regrade(self, grade: str) -> None:
        card = self._card_to_change()
        if card is None:
            return
        app = sd_app(self)
        same = card.grade.value == grade and card.status == Status.LIVE
        message = (
            f"{card.name}: kept {grade} (reviewed)"
            if same
            else f"{card.name}: {card.grade.value} → {grade}"
        )
        if self.closed_view and card.status != Status.LIVE:
            message = f"{card.name}: back on the board as {grade}"
        self._do(
            lambda: store.regrade(app.db, app.now(), card.id, grade),  # type: ignore[attr-defined]
            [card.id],
            message,
            keep_id=card.id,
        )

    def action_open_card(self) -> None:
        card = self._card_to_change()
        if card is None:
            return
        from salesdesk.screens.prospect import ProspectScreen

        def back(_: object = None) -> None:
            self.load(keep_id=card.id)

        ok, _ = attempt(
            self, lambda: store.get_card(sd_app(self).db, card.id, sd_app(self).today())
        )
        if not ok:  # removed meanwhile (another terminal's undo, an undo-import)
            self.load()
            return
        self.app.push_screen(ProspectScreen(card.id), back)

    def action_log_touch(self) -> None:
        card = self._card_to_change()
        if card is None:
            return
        from salesdesk.screens.touch import TouchResult, TouchScreen

        app = sd_app(self)

        def done(result: TouchResult | None) -> None:
            if result is not None and attempt(
                self, lambda: result.log(app.db, app.now(), card.id)
            )[0]:
                self.refresh_cards([card.id], keep_id=card.id)
                self.notify(
                    f"Logged {result.kind} with {one_line(card.name)}", markup=False, timeout=3
                )

        self.app.push_screen(TouchScreen(card, app.today()), done)  # type: ignore[attr-defined]

    def action_next_date(self) -> None:
        card = self._card_to_change()
        if card is None:
            return
        from salesdesk.screens.next_step import NextStep, NextStepScreen

        app = sd_app(self)

        def done(result: NextStep | None) -> None:
            if result is None:
                return
            when = result.next_date.isoformat() if result.next_date else "none"
            self._do(
                lambda: store.set_next_step(
                    app.db,
                    app.now(),
                    card.id,  # type: ignore[attr-defined]
                    result.next_date,
                    result.action,
                ),
                [card.id],
                f"{card.name}: next step {when}",
                keep_id=card.id,
            )

        self.app.push_screen(NextStepScreen(card, app.today()), done)  # type: ignore[attr-defined]

    def action_new_prospect(self) -> None:
        from salesdesk.screens.new_prospect import NewProspectScreen

        app = sd_app(self)

        def done(values: dict[str, object] | None) -> None:
            if values is None:
                return
            fields = dict(values)
            name = str(fields.pop("name"))
            ok, new_id = attempt(
                self, lambda: store.add_prospect(app.db, app.now(), name, **fields)
            )
            if not ok or new_id is None:
                return
            if self.closed_view:
                self.closed_view = False
                self.load(keep_id=new_id)
            else:
                self.refresh_cards([new_id], keep_id=new_id)
            self.notify(f"Added {one_line(name)}", markup=False, timeout=3)

        self.app.push_screen(NewProspectScreen(app.today()), done)  # type: ignore[attr-defined]

    def _close(self, status: Status, verb: str, confirm: bool) -> None:
        card = self._card_to_change()
        if card is None:
            return
        app = sd_app(self)

        def apply(ok: bool | None = True) -> None:
            if ok:
                self._do(
                    lambda: store.set_status(app.db, app.now(), card.id, status),  # type: ignore[attr-defined]
                    [card.id],
                    f"{card.name}: {verb} (u undoes)",
                )

        if confirm:
            from salesdesk.screens.confirm import ConfirmScreen

            question = Text("Drop ")
            question.append(one_line(card.name), style="bold")
            question.append(" and stop contact?")
            self.app.push_screen(ConfirmScreen(question), apply)
        else:
            apply()

    def action_park(self) -> None:
        self._close(Status.PARKED, "parked", confirm=False)

    def action_drop(self) -> None:
        self._close(Status.DROPPED, "dropped", confirm=True)

    def action_won(self) -> None:
        card = self._card_to_change()
        if card is None:
            return
        from salesdesk.screens.won import Won, WonScreen

        app = sd_app(self)

        def done(result: Won | None) -> None:
            if result is None:
                return
            self._do(
                lambda: store.set_status(
                    app.db, app.now(), card.id, Status.CUSTOMER, value=result.value
                ),
                [card.id],
                f"Won {card.name}!",
            )

        self.app.push_screen(WonScreen(card), done)

    def action_undo(self) -> None:
        result = undo_last(self)
        if result is not None:
            keep = result.prospect_ids[0] if result.prospect_ids else None
            self.refresh_cards(result.prospect_ids, keep_id=keep)

    def _push(self, screen: Screen[Any]) -> None:
        """Open another screen; reload the board when it closes (it may have changed cards)."""
        keep = self.current.id if self.current else None
        self.app.push_screen(screen, lambda _result: self.load(keep_id=keep))

    def action_man_check(self) -> None:
        from salesdesk.screens.man_check import ManCheckScreen

        self._push(ManCheckScreen())

    def action_visit_plan(self) -> None:
        from salesdesk.screens.visit_plan import VisitPlanScreen

        self._push(VisitPlanScreen())

    def action_weekly_review(self) -> None:
        from salesdesk.screens.weekly_review import WeeklyReviewScreen

        self._push(WeeklyReviewScreen())

    def action_import_file(self) -> None:
        from salesdesk.screens.import_file import ImportScreen

        self._push(ImportScreen())

    def action_verdict_filter(self) -> None:
        """Cycle the MAN verdict filter: all → qualified → contact → nurture → drop → incomplete."""
        order: list[Verdict | None] = [None, *Verdict]
        self.verdict_filter = order[(order.index(self.verdict_filter) + 1) % len(order)]
        self._distribute(self.current.id if self.current else None)

    def action_toggle_closed(self) -> None:
        self.closed_view = not self.closed_view
        self.col = 0
        for column in self.columns:
            column.selected = 0
        self.load()

    def action_reload(self) -> None:
        self.load(keep_id=self.current.id if self.current else None)

    def action_load_demo(self) -> None:
        db = self.app.db  # type: ignore[attr-defined]
        if store.count_prospects(db):
            self.notify("Demo data only loads into an empty database", severity="warning")
            return
        from salesdesk.data.demo import fill_demo

        fill_demo(db, self.app.today())  # type: ignore[attr-defined]
        self.load()
        self.notify("Demo data loaded: 120 prospects")

    # ------------------------------------------------------------------ filter
    def action_filter(self) -> None:
        bar = self.query_one("#filter-bar")
        bar.add_class("visible")
        field = self.query_one("#filter-input", Input)
        field.value = self.filter_text
        field.focus()

    @on(Input.Changed, "#filter-input")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, lambda: self._apply_filter(event.value))

    def _apply_filter(self, text: str) -> None:
        if text == self.filter_text:
            return
        self.filter_text = text
        keep = self.current.id if self.current else None
        self.load(keep_id=keep)

    @on(Input.Submitted, "#filter-input")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._apply_filter(event.value)
        if not event.value:
            self.query_one("#filter-bar").remove_class("visible")
        self.set_focus(None)

    def action_clear_filter(self) -> None:
        self.query_one("#filter-bar").remove_class("visible")
        self.query_one("#filter-input", Input).value = ""
        self.set_focus(None)
        if self.filter_text:
            self._apply_filter("")
