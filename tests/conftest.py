"""Shared fixtures. Every test runs with a fake HOME and data folders: the real home
directory is never touched, and the clock is fixed."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.app import App
from textual.geometry import Region
from textual.keys import KEY_NAME_REPLACEMENTS
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from salesdesk.config import Settings
from salesdesk.data.db import Database, open_database
from salesdesk.widgets.status_line import StatusLine

#: Wednesday 18 November 2026, 09:00: the fixed "now" of the test suite.
NOW = datetime(2026, 11, 18, 9, 0)
TODAY: date = NOW.date()


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("SALESDESK_DB", raising=False)
    monkeypatch.setenv("SALESDESK_NOW", NOW.isoformat())
    return home


# PostgreSQL: the backend parameter and the test cluster (see tests/pg_fixtures.py).
from tests.pg_fixtures import backend, pg_server, pg_url, pytest_generate_tests  # noqa: E402,F401


@pytest.fixture
def db_path(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Path:  # noqa: F811
    """The test's database: a file, or (the modules run on both, see tests.pg_fixtures)
    a fresh database on the test PostgreSQL server, as its URL."""
    from tests.pg_fixtures import book_target

    return book_target(backend, request, tmp_path)  # type: ignore[return-value]


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return Settings(db_path=db_path, clock=lambda: NOW)


# --------------------------------------------------------------------------- what is on screen


async def ready(pilot: Pilot[Any], timeout: float = 10.0) -> None:
    """Wait until the screen shows what it will keep showing: background workers done,
    their results drawn, the screen's own ``ready`` (see ``screens.base``) true, animations
    over; then text cursors stop blinking (shown steadily), so a snapshot never catches one
    mid-blink. Snapshot tests call this before they compare."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        if getattr(app.screen, "ready", True):
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"{app.screen!r} never became ready")
    for field in app.screen.query("Input, TextArea"):
        if isinstance(field, Input | TextArea):
            field.cursor_blink = False
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


def snapshot_after(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A snapshot's ``run_before``: press ``keys`` (as fast as a person types), then wait
    until the screen is :func:`ready`."""

    async def run(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        for key in keys:
            await pilot.press(key)
        await ready(pilot)

    return run


def notes(app: App[Any]) -> list[str]:
    """The notifications on screen now (the toasts), as the rep reads them. The app must
    run with ``run_test(notifications=True)``, as a real terminal shows them."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


def status(app: App[Any]) -> str:
    """What the screen's status line says now, as the rep reads it ("" when it is blank or
    the screen has none). The board says there what its keys did, instead of a toast
    (see ``widgets/status_line.py``)."""
    for line in app.screen.query_children(StatusLine):
        drawn = line.render_lines(Region(0, 0, line.outer_size.width, 1))
        return "".join(strip.text for strip in drawn).strip()
    return ""


def said(app: App[Any]) -> list[str]:
    """Everything the screen says now: its status line (when not blank), then its toasts.
    For messages that may be either: a warning or an error too wide for the status line
    is a toast, so it is read whole."""
    line = status(app)
    return ([line] if line else []) + notes(app)


# --------------------------------------------------------------------------- typing fast

#: Named keys a burst may hold, with the character the terminal sends for them.
NAMED_KEYS = {"tab": "\t", "enter": "\r", "escape": "\x1b", "backspace": "\x7f",
              "space": " ", "shift+tab": None, "delete": None, "left": None, "right": None,
              "up": None, "down": None, "ctrl+u": "\x15", "ctrl+s": "\x13",
              "ctrl+r": "\x12", "ctrl+z": "\x1a", "f7": None}


def _key_event(key: str) -> events.Key:
    """The event a terminal gives for ``key``: a named key, or a typed character (named
    as Textual names it: ``+`` is ``plus``, ``/`` is ``slash``)."""
    if key in NAMED_KEYS:
        return events.Key(key, NAMED_KEYS[key])
    if key == "slash":
        return events.Key("slash", "/")
    if len(key) != 1:
        raise ValueError(f"not a key: {key!r} (spread typed text: *'text')")
    if key.isalnum():
        return events.Key(key, key)
    name = unicodedata.name(key, key).lower().replace("-", "_").replace(" ", "_")
    return events.Key(KEY_NAME_REPLACEMENTS.get(name, name), key)


async def until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until ``condition()`` holds (a debounce or a worker has done its work), at most
    ``timeout`` seconds: a loaded machine is slower, never a reason for a test to fail."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("waited in vain for the screen to show it")
        await pilot.pause(0.02)
    await pilot.pause()


async def burst(pilot: Pilot[Any], *keys: str, timeout: float = 10.0) -> None:
    """Type ``keys`` as one burst, as a fast typist or a paste does: every key is queued at
    once, none waits for the one before it (``pilot.press`` waits between keys, which
    hides the races a real terminal has). Then wait until every key has been handled."""
    app = pilot.app
    for key in keys:
        app.post_message(_key_event(key))
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        if not getattr(app, "keys_waiting", 0) and getattr(app, "keys_settled", lambda: True)():
            break
        if time.monotonic() > deadline:
            raise AssertionError("the keys were never all handled")
    await pilot.pause()
