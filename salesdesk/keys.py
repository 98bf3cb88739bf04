"""Keys are data: every binding lives here, with the description the Footer, the ``?`` help
screen and the command palette all show. Change a key here and every place follows."""

from __future__ import annotations

from textual.binding import Binding, BindingType

#: How a key is named to the rep (the ? screen, the command palette).
KEY_NAMES = {
    "slash": "/", "question_mark": "?", "enter": "enter", "escape": "esc",
    "pageup": "pgup", "pagedown": "pgdn", "left": "←", "right": "→", "up": "↑", "down": "↓",
    "left_square_bracket": "[", "right_square_bracket": "]", "full_stop": ".",
    "less_than_sign": "<", "greater_than_sign": ">", "space": "space",
    "backspace": "backspace", "delete": "delete", "tab": "tab", "exclamation_mark": "!",
}


def key_label(binding: Binding) -> str:
    """``m / M``, ``/``, ``ctrl+s``: the binding's keys as the rep reads them."""
    if binding.key_display:
        return binding.key_display
    return " / ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in binding.key.split(","))


GRADE = Binding.Group("Grade", compact=True)

#: "? Help" first in the Footer of the full screens, so it shows on a narrow terminal too
#: (the app's own ? binding, which works everywhere, is then left out of the Footer).
HELP_FIRST = Binding("question_mark", "app.help", "Help", key_display="?",
                     tooltip="Every key of this screen")

BOARD: list[BindingType] = [
    HELP_FIRST,
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
    # The Footer shows keys in this order, as many as fit: at 80 columns up to Import (and
    # the Today screen's key, which goes right after Import); the rest are on ? and ctrl+p.
    Binding("t", "log_touch", "Log", tooltip="Log a touch (call, visit...) and the next step"),
    Binding("d", "next_date", "Date", tooltip="Set the next-step date and action"),
    Binding("u", "undo", "Undo", tooltip="Undo the last change, repeatedly"),
    Binding("U,ctrl+y", "redo", "Redo", show=False,
            tooltip="Redo what the last undo reversed (until another change)"),
    Binding("m", "man_check", "MAN", tooltip="MAN check: qualify prospects one by one"),
    Binding("v", "visit_plan", "Visits", tooltip="Visit plan: week and month"),
    Binding("w", "weekly_review", "Review", tooltip="Weekly review: due cards and figures"),
    Binding("i", "import_file", "Import", tooltip="Import contacts (CSV, vCard)"),
    Binding("T", "today", "Today", tooltip="Today: what is due today and overdue, one by one"),
    Binding("n", "new_prospect", "New", tooltip="New prospect"),
    # priority: taken as soon as it arrives, so letters typed right after it (in the same
    # burst) go into the filter field instead of acting as the board's keys.
    Binding("slash", "filter", "Filter", tooltip="Filter as you type", priority=True),
    Binding("enter", "open_card", "Open", tooltip="Open the card detail"),
    Binding("f", "verdict_filter", "Verdict", show=False,
            tooltip="Filter by MAN verdict (cycles qualified, contact, nurture, drop, incomplete)"),
    Binding("o", "toggle_closed", "Closed", tooltip="Customers and closed cards / live board"),
    Binding("W", "won", "Won", tooltip="Won: a customer now (asks the deal value)"),
    Binding("p", "park", "Park", tooltip="Park the card (not now; it keeps its grade)"),
    Binding("x", "drop", "Drop", tooltip="Drop the card: stop contact (asks why first)"),
    Binding("X", "lost", "Lost", show=False, tooltip="Lost the deal (asks why first)"),
    Binding("exclamation_mark", "complaint", "Complaint", show=False,
            tooltip="Record a complaint on the card (starts the answer clock)"),
    Binding("K", "complaints", "Complaints", show=False,
            tooltip="Complaints: open ones by deadline, the next step of each"),
    Binding("L", "legend", "Legend", show=False,
            tooltip="Show or hide the line that explains the marks (kept)"),
    Binding("r", "reload", "Reload", show=False),
    Binding("D", "load_demo", "Load demo data", show=False),
    Binding("escape", "clear_filter", "Clear filter", show=False),
    Binding("q", "app.quit", "Quit", show=False),
]

APP: list[BindingType] = [
    Binding("question_mark", "help", "Help", key_display="?"),
    Binding("ctrl+q", "quit", "Quit", show=False),
    Binding("f7", "open_conflicts", "Conflicts", show=False,
            tooltip="Check-in conflicts: rows changed here and on the server"),
]

# The Conflicts screen of a check-out file.
CONFLICTS: list[BindingType] = [
    HELP_FIRST,
    Binding("down,j", "cursor(1)", "Next", show=False),
    Binding("up,k", "cursor(-1)", "Previous", show=False),
    Binding("m", "keep('mine')", "Keep mine", tooltip="Keep this file's version (sent at "
            "the next check-in)"),
    Binding("t", "keep('theirs')", "Keep theirs", tooltip="Keep the server's version"),
    Binding("escape,q", "back", "Back", tooltip="Back to the board"),
]

# priority=True: these work while a text field has focus (which is always, in the detail),
# instead of the field's own ctrl+k line editing. Undo is ctrl+z without priority: a field
# keeps ctrl+u (clear to the start), the notes box keeps ctrl+z for its own text.
DETAIL: list[BindingType] = [
    Binding("escape", "back", "Back"),
    Binding("ctrl+s", "save", "Save", priority=True),
    Binding("ctrl+t", "log_touch", "Log touch", priority=True),
    Binding("ctrl+k", "man_check", "MAN check", tooltip="MAN check of this card", priority=True),
    Binding("ctrl+o", "toggle_side", "Timeline",
            tooltip="Show the urgency and timeline (narrow terminals) / the fields",
            priority=True),
    Binding("ctrl+z", "undo", "Undo", tooltip="Undo the last edit of this card"),
    Binding("ctrl+g", "merge", "Merge", tooltip="Merge a duplicate card into this one",
            priority=True),
    Binding("ctrl+r", "complaint", "Complaint", show=False, priority=True,
            tooltip="Record a complaint on this card (starts the answer clock)"),
]

FORM: list[BindingType] = [
    Binding("escape", "cancel", "Cancel"),
    Binding("ctrl+s", "submit", "Save"),
]

#: A yes/no question (drop, stop contact).
CONFIRM: list[BindingType] = [
    Binding("y", "answer(True)", "Yes"),
    Binding("n,escape", "answer(False)", "No"),
]

#: The ``?`` screen itself.
HELP: list[BindingType] = [Binding("escape,q,question_mark", "dismiss", "Close")]

#: Finding the prospect to visit (the plan's ``n``); choosing whose week the review shows.
PICK: list[BindingType] = [
    Binding("escape", "cancel", "Cancel"),
    Binding("down", "cursor(1)", "Next", show=False),
    Binding("up", "cursor(-1)", "Previous", show=False),
]

#: The kind lines of the ``t`` and ``d`` forms: the letter that picks each kind there.
TOUCH_KINDS: dict[str, str] = {
    "c": "call", "v": "visit", "m": "message", "e": "email", "g": "meeting", "o": "note",
}
STEP_KINDS: dict[str, str] = {
    "c": "call", "v": "visit", "g": "meeting", "m": "message", "e": "email", "o": "other",
}

MAN_CHECK: list[BindingType] = [
    HELP_FIRST,
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
    Binding("u", "undo", "Undo",
            tooltip="Undo the last change to the card on screen (others: u on the board)"),
    Binding("escape", "back", "Back", tooltip="Back to the board"),
]

#: The weekly review (``w`` on the board): walk-through keys, then the figures' keys.
REVIEW: list[BindingType] = [
    HELP_FIRST,
    Binding("a", "regrade('A')", "A", tooltip="Keep or regrade A (marks reviewed)", group=GRADE),
    Binding("b", "regrade('B')", "B", tooltip="Keep or regrade B (marks reviewed)", group=GRADE),
    Binding("c", "regrade('C')", "C", tooltip="Keep or regrade C (marks reviewed)", group=GRADE),
    Binding("r", "reviewed", "Seen", show=False,
            tooltip="Reviewed, no change (past-window cards need a/b/c)"),
    Binding("t", "log_touch", "Log", tooltip="Log a touch (call, visit...) and the next step"),
    Binding("d", "next_date", "Date", tooltip="Set the next-step date and action"),
    Binding("m", "man_check", "MAN", tooltip="MAN check of this card"),
    Binding("p", "park", "Park", tooltip="Park the card (it leaves the queue)"),
    Binding("x", "drop", "Drop", tooltip="Drop: stop contact (asks why first)"),
    Binding("s", "skip", "Skip", tooltip="Skip to the next card (this one stays due)"),
    Binding("u", "undo", "Undo", tooltip="Undo the last change, repeatedly"),
    Binding("U,ctrl+y", "redo", "Redo", show=False,
            tooltip="Redo what the last undo reversed (until another change)"),
    Binding("f", "show('figures')", "Figures", tooltip="The week's figures and trends"),
    Binding("f", "show('walk')", "Walk-through", tooltip="Back to the walk-through"),
    Binding("left_square_bracket,left", "week(-1)", "Prev wk", key_display="[",
            tooltip="The previous week's figures"),
    Binding("right_square_bracket,right", "week(1)", "Next wk", key_display="]",
            tooltip="The next week's figures"),
    Binding("e", "export", "Report", tooltip="Write the week's Markdown report"),
    Binding("w", "choose_rep", "Whose", tooltip="Whose week: the team's or one rep's "
            "(a team server; a rep sees only their own)"),
    Binding("down,j", "scroll(1)", "Scroll down", show=False),
    Binding("up,k", "scroll(-1)", "Scroll up", show=False),
    Binding("pagedown", "scroll(10)", "Page down", show=False),
    Binding("pageup", "scroll(-10)", "Page up", show=False),
    Binding("escape,q", "back", "Back", tooltip="Back to the board"),
]

TODAY: list[BindingType] = [
    HELP_FIRST,
    Binding("l,t", "log", "Log it", tooltip="Log it done (the kind comes from the item)"),
    Binding("m", "move", "Move it", tooltip="Move it to another day (a step or a visit)"),
    Binding("s,space", "skip", "Skip", tooltip="Skip it: on to the next (it stays due)"),
    Binding("a", "regrade('A')", "A", tooltip="Regrade A (marks reviewed)", group=GRADE),
    Binding("b", "regrade('B')", "B", tooltip="Regrade B (marks reviewed)", group=GRADE),
    Binding("c", "regrade('C')", "C", tooltip="Regrade C (marks reviewed)", group=GRADE),
    Binding("u", "undo", "Undo", tooltip="Undo the last change, repeatedly"),
    Binding("enter", "open_card", "Open", tooltip="Open the card detail"),
    Binding("escape,q", "back", "Back", tooltip="Back to the board"),
]

PLAN_GROUP = Binding.Group("Period", compact=True)

VISITS: list[BindingType] = [
    HELP_FIRST,
    Binding("escape,q", "back", "Back", tooltip="Back to the board"),
    Binding("left,h", "day(-1)", "Previous day", show=False),
    Binding("right,l", "day(1)", "Next day", show=False),
    Binding("up,k", "vertical(-1)", "Previous visit", show=False,
            tooltip="Previous visit of the day (month view: a week up)"),
    Binding("down,j", "vertical(1)", "Next visit", show=False,
            tooltip="Next visit of the day (month view: a week down)"),
    Binding("left_square_bracket,pageup", "period(-1)", "Earlier", group=PLAN_GROUP,
            tooltip="Previous week or month (also pgup)", key_display="["),
    Binding("right_square_bracket,pagedown", "period(1)", "Later", group=PLAN_GROUP,
            tooltip="Next week or month (also pgdn)", key_display="]"),
    Binding("full_stop,home", "today", "Today", show=False, tooltip="Go to today",
            key_display=". / home"),
    Binding("v", "toggle_view", "Week/Month", tooltip="Switch between the week and the month"),
    Binding("tab", "switch_focus", "Suggestions", show=False,
            tooltip="Move between the plan and the suggestions"),
    Binding("a", "accept", "Accept", tooltip="Accept the suggestion onto its proposed day"),
    Binding("A", "accept_here", "Accept here", show=False,
            tooltip="Accept the suggestion onto the selected day"),
    Binding("n", "add_visit", "Add", tooltip="Add a visit on the selected day (find the prospect)"),
    Binding("less_than_sign,shift+left", "move(-1)", "Earlier day", show=False,
            tooltip="Move the visit a day earlier", key_display="<"),
    Binding("greater_than_sign,shift+right", "move(1)", "Later day", show=False,
            tooltip="Move the visit a day later", key_display=">"),
    Binding("t", "edit_time", "Time", tooltip="Change the visit's time, length and purpose"),
    Binding("d", "done", "Done", tooltip="Mark the visit done: outcome, next step, topic"),
    Binding("x", "missed", "Missed", show=False, tooltip="Mark the visit missed"),
    Binding("c", "cancel_visit", "Cancel visit", show=False,
            tooltip="Cancel the visit (kept: the calendar export removes it)"),
    # Not backspace: a reflex key must not delete (and delete asks first).
    Binding("delete", "delete_visit", "Delete", show=False,
            tooltip="Delete the visit (asks first; u undoes)"),
    Binding("u", "undo", "Undo", tooltip="Undo the last change, repeatedly"),
    Binding("U,ctrl+y", "redo", "Redo", show=False,
            tooltip="Redo what the last undo reversed (until another change)"),
    Binding("e", "export", "Export", show=False, tooltip="Export the shown period to an .ics file"),
    Binding("enter", "open", "Open", show=False,
            tooltip="Open the visit's card (month view: open the day's week)"),
    Binding("r", "reload", "Reload", show=False),
]

#: The Complaints screen (``K`` on the board).
COMPLAINTS: list[BindingType] = [
    HELP_FIRST,
    Binding("down,j", "cursor(1)", "Next", show=False),
    Binding("up,k", "cursor(-1)", "Previous", show=False),
    Binding("enter,space", "next_step", "Next step", tooltip="Take the complaint's next step"),
    Binding("a", "step('answered')", "Answer", tooltip="Answered (stops the clock)"),
    Binding("c", "step('cause')", "Cause", tooltip="Cause found: expectation, quality, service"),
    Binding("s", "step('resolved')", "Resolve", tooltip="Resolved: what was done, compensation"),
    Binding("f", "step('followed_up')", "Follow-up", tooltip="Followed up after resolving"),
    Binding("l", "step('lesson')", "Lesson", tooltip="The lesson to keep"),
    Binding("o", "open_card", "Card", tooltip="Open the card detail"),
    Binding("u", "undo", "Undo", tooltip="Undo the last change, repeatedly"),
    Binding("escape,q", "back", "Back", tooltip="Back to the board"),
]

# Import screen (issue 6): enter in the path field also previews.
IMPORT: list[BindingType] = [
    Binding("escape", "back", "Back", tooltip="Back to the board (stops a running import)"),
    Binding("ctrl+r", "preview", "Preview",
            tooltip="Dry run: what would be created, duplicates, errors"),
    Binding("ctrl+s", "run_import", "Import", tooltip="Import the previewed file"),
]
