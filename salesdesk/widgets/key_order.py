"""Typed keys reach the widget that has the focus *when it is their turn*, in order.

Textual hands each key to the widget focused when the key arrives. Keys typed in one
burst (a fast typist, a paste without bracketed paste) all arrive before the first one
has done its work, so they follow a focus that is already stale: ``abc`` Tab ``+3d`` put
``+3d`` into the note, because Tab moves the focus only once it has bubbled up to the
app's bindings, after the next three keys were already given to the note; and the keys
typed right after ``m`` went to the board while the MAN check was still mounting.

:class:`KeysInOrder` (mixed into the app) hands over one key or paste at a time and holds
the rest until the app has settled: every message the key caused is handled (it is followed
up the widget tree to the app's bindings, then every message queue is empty: a focus
change, a form's submit), and the current screen is mounted
(a key that opened a screen: the keys after it go to that screen once it is up). A busy
app never swallows keys: after :data:`BUSY_LIMIT` seconds (:data:`STUCK_LIMIT` while a
key is still on its way or a screen mounts) the next key goes anyway.
"""

from __future__ import annotations

import asyncio
from collections import deque
from time import monotonic

from textual import events
from textual.app import App
from textual.message_pump import MessagePump

#: How long the next key waits, once a key has been handled, for the messages it caused.
BUSY_LIMIT = 0.5
#: How long the next key waits for a key still on its way up, or a screen being mounted.
STUCK_LIMIT = 5.0

Typed = events.Key | events.Paste


def escape_then_key(event: Typed) -> list[Typed]:
    """Escape and a letter or digit typed right after it, as the two keys they were.

    A terminal sends Escape as one byte; when the next key's byte comes in the same read
    (a fast typist over SSH, tmux's ``send-keys Escape k``), Textual reads the pair as
    alt+k, and a text field typed the ``k`` into the card instead of closing it. This app
    binds no alt key, so the pair is taken as what the rep pressed."""
    if not isinstance(event, events.Key) or not event.key.startswith("alt+"):
        return [event]
    char = event.character
    if char is None or len(char) != 1 or not char.isalnum():
        return [event]
    return [events.Key("escape", "\x1b"), events.Key(char, char)]


class KeysInOrder(App[None]):
    """An app that hands typed keys and pastes over one at a time (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        self._typed: deque[Typed] = deque()
        self._key_busy = False
        self._key_since = 0.0
        #: Where the key being handled is now (None: it has reached the app, or stopped).
        self._trail: MessagePump | None = None
        self._trail_done = False

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            for typed in escape_then_key(event):
                if self._key_busy:
                    self._typed.append(typed)
                else:
                    await self._hand_over(typed)
            return
        await super().on_event(event)

    async def _hand_over(self, event: Typed) -> None:
        self._key_busy = True
        self._key_since = monotonic()
        self._trail_done = False
        target = self.focused or self.screen
        await super().on_event(event)  # priority bindings, else the focused widget
        self._follow(target)
        self._check_soon()

    def _follow(self, node: MessagePump) -> None:
        """Queue a step behind the key at ``node``: it runs once ``node`` has handled the
        key (and everything queued before it), then follows the key to the parent, where
        an unhandled key bubbles, up to the app and its bindings."""
        self._trail = node
        if not node.call_later(self._followed, node):
            self._trail = None  # closing (the key dismissed its screen): nothing to follow

    def _followed(self, node: MessagePump) -> None:
        parent = getattr(node, "parent", None) if node is not self else None
        if parent is None or self._trail is not node:
            self._trail = None
            return
        self._follow(parent)

    def _check_soon(self) -> None:
        # After the other message pumps had a turn: they are separate asyncio tasks.
        asyncio.get_running_loop().call_soon(self.call_later, self._next_key)

    @property
    def keys_waiting(self) -> int:
        """Keys typed but not handed over yet (and the one being handled)."""
        return len(self._typed) + self._key_busy

    def keys_settled(self) -> bool:
        """Every message of the app and of the current screen handled, the screen mounted."""
        if self.message_queue_size:
            return False
        screen = self.screen
        if not screen.is_mounted:
            return False
        return all(node.message_queue_size == 0 for node in screen.walk_children(with_self=True))

    async def _next_key(self) -> None:
        now = monotonic()
        trail = self._trail
        if trail is not None and not trail.is_attached:
            self._trail = trail = None  # its screen closed: the key went with it
        if trail is None and not self._trail_done:
            self._trail_done, self._key_since = True, now  # the busy limit starts now
        waiting = trail is not None or not self.keys_settled()
        limit = BUSY_LIMIT if self._trail_done and self.screen.is_mounted else STUCK_LIMIT
        if waiting and now - self._key_since < limit and not self._exit:
            self._check_soon()
            return
        self._key_busy = False
        self._trail = None
        if self._exit:
            self._typed.clear()  # keys after quit go nowhere
            return
        if self._typed:
            await self._hand_over(self._typed.popleft())
