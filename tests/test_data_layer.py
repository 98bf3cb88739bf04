"""The data layer's shape: the public facades stay light, and modules use each other's
public names only."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import salesdesk.data

DATA = Path(salesdesk.data.__file__).parent
HEAVY = (
    "sqlmodel",
    "sqlalchemy",
    "rich",
    "textual",
    "typer",
    "vobject",
    "icalendar",
    "salesdesk.data.demo",
    "salesdesk.data.demo_visits",
    "salesdesk.data.io.importer",
)


def _imports(path: Path) -> list[ast.ImportFrom | ast.Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]


def test_the_facades_load_nothing_heavy() -> None:
    code = (
        "import sys, json\n"
        "import salesdesk.data.store, salesdesk.data.visits, salesdesk.data.backup\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout))
    assert {"salesdesk.data.cards", "salesdesk.data.visits.changes"} <= loaded
    assert not {m for m in loaded for heavy in HEAVY if m == heavy or m.startswith(heavy + ".")}


def test_no_module_imports_another_modules_private_names() -> None:
    found = []
    for path in sorted(DATA.rglob("*.py")):
        for node in _imports(path):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("salesdesk"):
                found += [
                    f"{path.relative_to(DATA)}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert found == []


def test_data_modules_import_the_homes_not_the_store_facade() -> None:
    found = []
    for path in sorted(DATA.rglob("*.py")):
        if path.name == "store.py":
            continue
        for node in _imports(path):
            names = (
                [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
            )
            if "salesdesk.data.store" in names:
                found.append(str(path.relative_to(DATA)))
    assert found == []


def test_the_store_facade_names_only_what_its_modules_define() -> None:
    """Every public name is re-exported from its home, so ``store.X is cards.X``."""
    from salesdesk.data import store

    for name in store.__all__:
        value = getattr(store, name)
        home = getattr(value, "__module__", None)
        if home is not None and home.startswith("salesdesk.data"):
            assert home != "salesdesk.data.store", name


def test_the_store_facade_imports_each_name_from_its_home_when_first_asked() -> None:
    """Importing the store loads none of its homes (a board start pays only for what it
    reads); each name, once asked for, is its home's own object."""
    import importlib

    code = (
        "import sys, json\n"
        "import salesdesk.data.store as store\n"
        "before = sorted(sys.modules)\n"
        "store.regrade, store.CardRow\n"
        "print(json.dumps([before, sorted(sys.modules)]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    before, after = (set(names) for names in json.loads(result.stdout))
    homes = {"salesdesk.data.card_changes", "salesdesk.data.cards", "salesdesk.data.complaints",
             "salesdesk.data.journal_undo", "salesdesk.data.man", "salesdesk.data.redo"}
    assert not homes & before
    assert {"salesdesk.data.card_changes", "salesdesk.data.card_rows"} <= after
    assert "salesdesk.data.redo" not in after

    from salesdesk.data import store

    assert sorted(store.__all__) == sorted(n for names in store._HOMES.values() for n in names)
    for module, names in store._HOMES.items():
        for name in names:
            assert getattr(store, name) is getattr(importlib.import_module(module), name), name
    assert set(store.__all__) <= set(dir(store))
    with pytest.raises(AttributeError):
        store.no_such_name  # noqa: B018
