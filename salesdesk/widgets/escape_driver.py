"""A terminal driver that reports a lone Escape as soon as its wait is over.

A terminal sends Escape as the byte that also starts every arrow or function key's
sequence, so Textual's parser waits :data:`textual.constants.ESCAPE_DELAY` (``$ESCDELAY``
ms) for more bytes before it calls it Escape. Its Linux driver only asks the parser
whether that wait is over when ``select`` wakes, which it does every 100 ms when no key
comes: Escape (close a card, cancel a form) took 100 ms to arrive whatever ``$ESCDELAY``
said. This driver's input loop wakes again just after the wait once bytes came in, so an
Escape arrives after ``$ESCDELAY`` ms; idle, it wakes as seldom as Textual's.

The board sets ``$ESCDELAY`` to 10 ms when the rep has not (:func:`salesdesk.launch.
open_board`): an arrow key's bytes come in one write, so a short wait does not split one
(bubbletea and crossterm wait none at all); Textual's own default is 100 ms.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from time import monotonic

from textual import constants
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

#: How often the loop wakes with no key pending (the exit check), as Textual's does.
IDLE_WAIT = 0.1


def escape_wait() -> float:
    """Seconds after the last bytes read at which the parser's Escape wait is over."""
    return constants.ESCAPE_DELAY + 0.002


class PromptEscapeDriver(LinuxDriver):
    """Textual's Linux driver, with an input loop that wakes for a pending Escape."""

    def run_input_thread(self) -> None:
        """Read the terminal and hand Textual its keys until the app exits."""
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        pending = escape_wait()
        last_read = float("-inf")
        with selectors.SelectSelector() as selector:
            selector.register(self.fileno, selectors.EVENT_READ)
            while not self.exit_event.is_set():
                # Soon after bytes came, the parser may hold an Escape whose wait ends.
                wait = pending if monotonic() - last_read < 2 * pending else IDLE_WAIT
                if selector.select(wait):
                    raw = os.read(self.fileno, 4096)
                    if not raw:  # input closed (a pipe): nothing more will come
                        self.exit_event.wait(IDLE_WAIT)
                        continue
                    last_read = monotonic()
                    for message in parser.feed(decode(raw)):
                        self.process_message(message)
                for message in parser.tick():
                    self.process_message(message)
        try:
            for _message in parser.feed(""):
                pass
        except (EOFError, ParseError):
            pass
