"""The board's terminal driver hands over a lone Escape once its wait is over, not at the
next idle wake-up, and still reads arrow keys and Escape-then-letter as they were typed."""

from __future__ import annotations

import asyncio
import os
import pty
import queue
import threading
import tty
from collections.abc import Iterator
from pathlib import Path
from time import monotonic

import pytest
from textual import constants, events
from textual.app import App
from textual.drivers.headless_driver import HeadlessDriver
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from salesdesk.app import make_app
from salesdesk.config import Settings
from salesdesk.widgets import escape_driver
from salesdesk.widgets.escape_driver import PromptEscapeDriver

#: Long enough that a key waiting for an idle wake-up cannot pass for a prompt one.
SLOW_IDLE = 3.0


class Recording(PromptEscapeDriver):
    """The driver, keeping the keys it would post to the app."""

    def __init__(self, app: App[None], fileno: int) -> None:
        super().__init__(app)
        self.fileno = fileno
        self.keys: queue.Queue[tuple[float, str]] = queue.Queue()

    def process_message(self, message: Message) -> None:
        if isinstance(message, events.Key):
            self.keys.put((monotonic(), message.key))


@pytest.fixture
def reading(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Recording, int]]:
    """A driver reading a pseudo-terminal (its other end returned), idle wake-ups slow."""
    monkeypatch.setattr(escape_driver, "IDLE_WAIT", SLOW_IDLE)
    monkeypatch.setattr(constants, "ESCAPE_DELAY", 0.02)
    typing_end, reading_end = pty.openpty()
    tty.setraw(reading_end)  # as the driver sets the real terminal: bytes as they come

    async def built() -> Recording:  # a driver is made inside a running event loop
        return Recording(App(), reading_end)

    driver = asyncio.run(built())
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    thread.start()
    try:
        yield driver, typing_end
    finally:
        driver.exit_event.set()
        os.write(typing_end, b" ")  # wakes the loop so it sees the exit
        thread.join(timeout=SLOW_IDLE * 2)
        os.close(typing_end)
        os.close(reading_end)
        assert not thread.is_alive()


def next_key(driver: Recording) -> tuple[float, str]:
    return driver.keys.get(timeout=SLOW_IDLE * 2)


def test_a_lone_escape_arrives_after_its_delay_not_the_idle_wake_up(
    reading: tuple[Recording, int],
) -> None:
    driver, typing_end = reading
    sent = monotonic()
    os.write(typing_end, b"\x1b")
    arrived, key = next_key(driver)
    assert key == "escape"
    assert arrived - sent < SLOW_IDLE / 2


def test_arrow_keys_and_escape_then_a_letter_stay_what_was_typed(
    reading: tuple[Recording, int],
) -> None:
    driver, typing_end = reading
    os.write(typing_end, b"\x1b[B")
    assert next_key(driver)[1] == "down"
    os.write(typing_end, b"\x1b")
    assert next_key(driver)[1] == "escape"
    os.write(typing_end, b"j")
    assert next_key(driver)[1] == "j"


def test_the_app_uses_it_only_where_textual_would_use_its_linux_driver(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    app = make_app(Settings(db_path=tmp_path / "desk.db"))
    try:
        monkeypatch.setattr(constants, "DRIVER", None)
        assert App.get_driver_class(app) is LinuxDriver
        assert app.get_driver_class() is PromptEscapeDriver
        # textual-serve names its own driver: that one is kept.
        monkeypatch.setattr(constants, "DRIVER", "textual.drivers.headless_driver:HeadlessDriver")
        assert app.get_driver_class() is HeadlessDriver
    finally:
        app.db.close()
