"""The Complaints screen (``K`` on the board): open complaints by deadline (the answer
clock first), then those resolved in the last 30 days; the selected one in full below,
with the steps done and missing. One key per step; enter takes the next one.

The list is one Static redrawn from plain rows (complaints are few: no widget per row).
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from salesdesk import keys
from salesdesk.data import store
from salesdesk.data.store import ComplaintBoard, ComplaintRow
from salesdesk.render import palette
from salesdesk.render.complaints import complaint_line, detail_lines, steps_legend
from salesdesk.rules.complaints import Step, next_step
from salesdesk.screens.base import SalesDeskScreen
from salesdesk.widgets.fitting_footer import FittingFooter


class ComplaintsScreen(SalesDeskScreen[None]):
    """Every complaint that needs something, and the recently closed ones."""

    BINDINGS = keys.COMPLAINTS
    HELP_TITLE = "complaints"
    AUTO_FOCUS = ""

    def __init__(self) -> None:
        super().__init__()
        self.board: ComplaintBoard | None = None
        self.index = 0

    def compose(self) -> ComposeResult:
        yield Static(id="complaints-title")
        with VerticalScroll(id="complaints-body", can_focus=False):
            yield Static(id="complaints-list")
            yield Static(id="complaints-detail")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.load()

    def on_resize(self) -> None:
        if self.board is not None:
            self.show()

    @property
    def rows(self) -> list[ComplaintRow]:
        board = self.board
        return [*board.open, *board.closed] if board is not None else []

    @property
    def current(self) -> ComplaintRow | None:
        rows = self.rows
        return rows[self.index] if 0 <= self.index < len(rows) else None

    def load(self, keep_id: int | None = None) -> None:
        self.board = store.complaint_board(self.sd_app.db, self.sd_app.now())
        ids = [r.id for r in self.rows]
        if keep_id in ids:
            self.index = ids.index(keep_id)
        self.index = max(0, min(self.index, len(ids) - 1))
        self.show()

    def show(self) -> None:
        board = self.board
        assert board is not None
        now = self.sd_app.now()
        width = max(20, self.app.size.width - 4)
        title = Text("Complaints", style="bold")
        title.append(f"  open {len(board.open)}", style=palette.ALERT if board.open else "")
        title.append(f" · answer within {board.hours}h · resolved in 30 days "
                     f"{len(board.closed)}", style="dim")
        self.query_one("#complaints-title", Static).update(title)
        lines: list[Text] = [Text(f"Open ({len(board.open)})", style="bold")]
        if not board.open:
            lines.append(Text("  No open complaint. ! on the board records one.", style="dim"))
        position = 0
        for section, rows in ((None, board.open), ("closed", board.closed)):
            if section == "closed":
                lines.append(Text(""))
                lines.append(Text(f"Resolved in the last 30 days ({len(rows)})", style="bold"))
                if not rows:
                    lines.append(Text("  None.", style="dim"))
            for row in rows:
                selected = position == self.index
                line = Text("▶ " if selected else "  ", style="bold")
                line.append_text(complaint_line(row, board.hours, now, width - 2))
                if selected:
                    line.stylize(f"on {palette.SELECTED_ACTIVE_BG}")
                lines.append(line)
                position += 1
        lines.append(steps_legend(width))
        self.query_one("#complaints-list", Static).update(Text("\n").join(lines))
        current = self.current
        detail: RenderableType = Text("")
        if current is not None:
            detail = Group(Text(""), detail_lines(current, board.hours, now))
        self.query_one("#complaints-detail", Static).update(detail)

    # ------------------------------------------------------------------ keys
    def action_cursor(self, delta: int) -> None:
        if self.rows:
            self.index = max(0, min(len(self.rows) - 1, self.index + delta))
            self.show()

    def action_next_step(self) -> None:
        row = self.current
        if row is None:
            return
        step = next_step(row.facts)
        if step is None:
            self.notify("Every step of this complaint is done", timeout=3)
            return
        self.action_step(step.value)

    def action_step(self, step: str) -> None:
        row = self.current
        if row is None:
            self.notify("No complaint here: ! on the board records one", severity="warning")
            return
        from salesdesk.screens.complaint_form import ComplaintStepScreen, StepValues

        app = self.sd_app
        chosen = Step(step)

        def done(result: StepValues | None) -> None:
            if result is None:
                return
            ok, _ = self.run_change(
                lambda: store.take_step(
                    app.db, app.now(), row.id, result.step, result.text, at=result.at,
                    cause_kind=result.cause_kind, compensation=result.compensation),
                f"Complaint #{row.id} of {row.name}: {step.replace('_', ' ')}",
            )
            if ok:
                self.load(keep_id=row.id)

        # A step already taken (or out of order) is refused before the form opens.
        from salesdesk.rules.complaints import check_step

        ok, _ = self.run_change(lambda: check_step(row.facts, chosen, row.received_at))
        if ok:
            self.app.push_screen(
                ComplaintStepScreen(row.id, row.name, chosen, app.now(), row.facts), done)

    def action_open_card(self) -> None:
        row = self.current
        if row is not None:
            self.sd_app.open_card(row.prospect_id, on_close=lambda: self.load(keep_id=row.id))

    def action_undo(self) -> None:
        if self.undo_last() is not None:
            self.load(keep_id=self.current.id if self.current else None)

    def action_back(self) -> None:
        self.dismiss(None)
