"""Keys are data (salesdesk.keys): every binding must name an action its screen (or the
app) really has, so no key in the Footer, the help or the palette silently does nothing."""

from __future__ import annotations

from typing import Any

import pytest
from textual.actions import parse
from textual.app import App
from textual.binding import Binding

from salesdesk import keys
from salesdesk.app import SalesDeskApp
from salesdesk.config import Settings
from salesdesk.data.db import Database
from salesdesk.screens.board import BoardScreen
from salesdesk.screens.complaints import ComplaintsScreen
from salesdesk.screens.confirm import ConfirmScreen
from salesdesk.screens.conflicts import ConflictsScreen
from salesdesk.screens.form import FormScreen
from salesdesk.screens.help import HelpScreen
from salesdesk.screens.import_file import ImportScreen
from salesdesk.screens.man_check import ManCheckScreen
from salesdesk.screens.prospect import ProspectScreen
from salesdesk.screens.today import TodayScreen
from salesdesk.screens.touch import TouchScreen
from salesdesk.screens.visit_pick import ProspectPickScreen
from salesdesk.screens.visit_plan import VisitPlanScreen
from salesdesk.screens.weekly_review import WeeklyReviewScreen

#: Each list of keys.py and the class that takes it as its BINDINGS.
KEY_LISTS: dict[str, tuple[list[Any], type[Any]]] = {
    "BOARD": (keys.BOARD, BoardScreen),
    "APP": (keys.APP, SalesDeskApp),
    "DETAIL": (keys.DETAIL, ProspectScreen),
    "FORM": (keys.FORM, FormScreen),
    "MAN_CHECK": (keys.MAN_CHECK, ManCheckScreen),
    "REVIEW": (keys.REVIEW, WeeklyReviewScreen),
    "TODAY": (keys.TODAY, TodayScreen),
    "VISITS": (keys.VISITS, VisitPlanScreen),
    "IMPORT": (keys.IMPORT, ImportScreen),
    "CONFIRM": (keys.CONFIRM, ConfirmScreen),
    "HELP": (keys.HELP, HelpScreen),
    "PICK": (keys.PICK, ProspectPickScreen),
    "COMPLAINTS": (keys.COMPLAINTS, ComplaintsScreen),
    "CONFLICTS": (keys.CONFLICTS, ConflictsScreen),
}


def test_every_list_of_keys_is_checked_here() -> None:
    lists = {name for name, value in vars(keys).items()
             if isinstance(value, list) and value and isinstance(value[0], Binding)}
    assert lists == set(KEY_LISTS)


@pytest.mark.parametrize("name", sorted(KEY_LISTS))
def test_the_screen_uses_its_list(name: str) -> None:
    bindings, owner = KEY_LISTS[name]
    assert list(owner.BINDINGS) == bindings


@pytest.mark.parametrize("name", sorted(KEY_LISTS))
def test_every_binding_names_an_action_that_exists(name: str) -> None:
    bindings, owner = KEY_LISTS[name]
    for binding in bindings:
        assert isinstance(binding, Binding)
        namespace, action, _params = parse(binding.action)
        target: type[Any] = SalesDeskApp if namespace == "app" else owner
        assert namespace in ("", "app"), binding
        assert callable(getattr(target, f"action_{action}", None)), (
            f"{name}: {binding.key!r} → {binding.action!r}: no action_{action} on "
            f"{target.__name__}"
        )


def test_the_forms_keep_the_form_keys() -> None:
    """Every small form (t, d, n, W, the plan's) answers escape and ctrl+s."""
    assert TouchScreen.BINDINGS == keys.FORM
    assert callable(TouchScreen.action_submit) and callable(TouchScreen.action_cancel)


def test_a_missing_action_would_be_found() -> None:
    """The check itself can fail: a binding to an action nobody has is caught."""
    _namespace, action, _params = parse("no_such_thing(1)")
    assert getattr(BoardScreen, f"action_{action}", None) is None
    assert getattr(App, "action_quit", None) is not None  # what app.quit resolves to


async def test_the_palette_lists_each_action_once_with_readable_keys(
    settings: Settings, db: Database
) -> None:
    """No second Quit, no Textual commands that are not SalesDesk's, keys as ? names them."""
    from salesdesk.app import make_app

    app = make_app(settings, db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        commands = list(app.get_system_commands(app.screen))
        titles = [c.title for c in commands]
        assert len(titles) == len(set(titles))
        assert sum("quit" in t.lower() for t in titles) == 1
        for textual_own in ("Theme", "Screenshot", "Maximize", "Keys", "Quit the application"):
            assert not any(t.startswith(textual_own) for t in titles), titles
        helps = {c.title: c.help for c in commands}
        assert helps["Filter as you type"] == "key: /"
        assert helps["Every key of this screen"] == "key: ?"
        assert all("_" not in help for help in helps.values()), helps
