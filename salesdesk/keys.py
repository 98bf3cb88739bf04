"""Keys are data: every binding lives here, with the description the Footer, the ``?`` help
screen and the command palette all show. Change a key here and every place follows."""

from __future__ import annotations

from textual.binding import Binding

GRADE = Binding.Group("Grade", compact=True)

BOARD: list[Binding] = [
    Binding("left,h", "column(-1)", "Column left", show=False),
    Binding("right,l", "column(1)", "Column right", show=False),
    Binding("up,k", "move(-1)", "Previous card", show=False),
    Binding("down,j", "move(1)", "Next card", show=False),
    Binding("pageup", "page(-1)", "Page up", show=False),
    Binding("pagedown", "page(1)", "Page down", show=False),
    Binding("home,g", "jump('top')", "First card", show=False),
    Binding("end,G", "jump('bottom')", "Last card", show=False),
    Binding("a", "regrade('A')", "Grade A", tooltip="Grade A (same grade: reviewed)", group=GRADE),
    Binding("b", "regrade('B')", "Grade B", tooltip="Grade B (same grade: reviewed)", group=GRADE),
    Binding("c", "regrade('C')", "Grade C", tooltip="Grade C (same grade: reviewed)", group=GRADE),
    Binding("enter", "open_card", "Open", tooltip="Open the card detail"),
    Binding("t", "log_touch", "Log", tooltip="Log a touch (call, visit...) and the next step"),
    Binding("d", "next_date", "Date", tooltip="Set the next-step date and action"),
    Binding("n", "new_prospect", "New", tooltip="New prospect"),
    Binding("slash", "filter", "Filter", tooltip="Filter as you type"),
    Binding("u", "undo", "Undo", tooltip="Undo the last change, repeatedly"),
    Binding("m", "man_check", "MAN", tooltip="MAN check: qualify prospects one by one"),
    Binding("v", "visit_plan", "Visits", tooltip="Visit plan: week and month"),
    Binding("w", "weekly_review", "Review", tooltip="Weekly review: due cards and figures"),
    Binding("f", "verdict_filter", "Verdict", show=False,
            tooltip="Filter by MAN verdict (cycles qualified, contact, nurture, drop, incomplete)"),
    Binding("i", "import_file", "Import", show=False, tooltip="Import contacts (CSV, vCard)"),
    Binding("o", "toggle_closed", "Closed", tooltip="Customers and closed cards / live board",
            show=False),
    Binding("p", "park", "Park", show=False),
    Binding("x", "drop", "Drop", show=False),
    Binding("W", "won", "Won", show=False),
    Binding("r", "reload", "Reload", show=False),
    Binding("D", "load_demo", "Load demo data", show=False),
    Binding("escape", "clear_filter", "Clear filter", show=False),
    Binding("q", "app.quit", "Quit", show=False),
]

APP: list[Binding] = [
    Binding("question_mark", "help", "Help", key_display="?"),
    Binding("ctrl+q", "quit", "Quit", show=False),
]

DETAIL: list[Binding] = [
    Binding("escape", "back", "Back"),
    Binding("ctrl+s", "save", "Save"),
    Binding("ctrl+t", "log_touch", "Log touch"),
    Binding("ctrl+k", "man_check", "MAN check", tooltip="MAN check of this card"),
    Binding("ctrl+o", "toggle_side", "Timeline",
            tooltip="Show the urgency and timeline (narrow terminals) / the fields"),
    Binding("ctrl+u", "undo", "Undo"),
]

FORM: list[Binding] = [
    Binding("escape", "cancel", "Cancel"),
    Binding("ctrl+s", "submit", "Save"),
]

TOUCH_KINDS: dict[str, str] = {
    "c": "call", "v": "visit", "m": "message", "e": "email", "g": "meeting", "o": "note",
}

MAN_CHECK: list[Binding] = [
    Binding("m,M", "cycle('money')", "Money", tooltip="Money: cycle yes → no → unknown"),
    Binding("a,A", "cycle('authority')", "Authority",
            tooltip="Authority: cycle yes → no → unknown"),
    Binding("n,N", "cycle('need')", "Need", tooltip="Need: cycle yes → no → unknown"),
    Binding("space,enter", "step(1)", "Next", tooltip="Next prospect in the queue"),
    Binding("backspace", "step(-1)", "Prev", tooltip="Previous prospect"),
    Binding("d", "decider", "Decider", tooltip="Type the decision-maker's name"),
    Binding("1,2,3,4,5,6,7", "potential", "Potential 1-7", show=False,
            tooltip="Toggle potential criteria 1-7 (one key each)"),
    Binding("p", "priority", "Priority", show=False,
            tooltip="Priority: cycle suggested → 1 → 2 → 3 → 4"),
    Binding("x", "stop_contact", "Stop contact",
            tooltip="Stop contact: drop the prospect (m a n only; asks to confirm)"),
    Binding("e", "open_card", "Open", show=False, tooltip="Open the card detail"),
    Binding("u", "undo", "Undo", tooltip="Undo the last change"),
    Binding("escape", "back", "Back", tooltip="Back to the board"),
]
