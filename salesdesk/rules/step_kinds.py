"""What kind of contact a next step is (call, visit, meeting, message, email, other), and
which kind a touch is logged as. Pure: the words and the last touch come in as strings.

The rule, the same everywhere a next step or a touch gets a kind nobody chose:

1. the words: the action (``call back``, ``send quote by email``, ``拜访``, ``发微信``) or
   the note being typed name a kind (:data:`WORDS`; the first word found, from the left);
2. else the last touch's kind (a rep who phones a card keeps phoning it); a note is no kind;
3. else ``call``, the most common next step.

A kind chosen by hand (the kind line of the ``t`` and ``d`` forms, ``--kind``) always wins.
"""

from __future__ import annotations

#: The kinds a next step can have, in the order the forms show them.
STEP_KINDS: tuple[str, ...] = ("call", "visit", "meeting", "message", "email", "other")
#: The kinds the visit planner plans: you go there. Calls, messages and emails are done
#: from the desk (the Today list), so they never wait for a free day in the plan.
VISIT_KINDS: frozenset[str] = frozenset({"visit", "meeting"})
#: The touch kinds the rep logs (``t``), in the order the touch form shows them.
TOUCH_KINDS: tuple[str, ...] = ("call", "visit", "message", "email", "meeting", "note")
DEFAULT_KIND = "call"

#: Words naming a kind, English and Chinese. English words match whole words (with their
#: usual endings); Chinese ones anywhere (Chinese has no spaces between words).
WORDS: dict[str, tuple[str, ...]] = {
    "call": ("call", "called", "calling", "calls", "phone", "phoned", "ring", "rang",
             "spoke", "speak", "talked", "打电话", "电话", "致电", "通话", "回电"),
    "visit": ("visit", "visited", "visiting", "drop by", "stop by", "go see", "went to see",
              "site visit", "拜访", "上门", "走访", "登门", "去见"),
    "meeting": ("meeting", "meet", "met", "meetings", "demo", "presentation", "lunch",
                "dinner", "coffee", "会议", "开会", "会面", "见面", "面谈", "饭局", "演示"),
    "message": ("message", "messaged", "text", "texted", "sms", "wechat", "whatsapp",
                "微信", "短信", "留言", "发消息"),
    "email": ("email", "emailed", "e-mail", "mail", "mailed", "邮件", "电邮", "发邮件"),
}


def _is_latin(char: str) -> bool:
    return "a" <= char <= "z"


def _finds(words: dict[str, tuple[str, ...]]) -> tuple[tuple[str, str, bool], ...]:
    """(word, kind, whether it is a whole English word): the words ``kind_from_words``
    looks for, each with ``str.find`` (compiling a pattern per word cost ~5 ms of every
    start)."""
    return tuple((word, kind, any(map(_is_latin, word)))
                 for kind, group in words.items() for word in group)


_FINDS = _finds(WORDS)


def _first_place(low: str, word: str, whole: bool) -> int:
    """Where ``word`` first stands in ``low``; a whole word when ``whole`` (no letter a-z
    just before or after it); -1 when nowhere."""
    start = low.find(word)
    while whole and start >= 0 and (
        (start > 0 and _is_latin(low[start - 1]))
        or (start + len(word) < len(low) and _is_latin(low[start + len(word)]))
    ):
        start = low.find(word, start + 1)
    return start


def kind_from_words(text: str) -> str | None:
    """The kind the words name, the leftmost one (``email the quote, then call`` is an
    email); None when they name none. Two words at the same place: the longer one."""
    low = text.casefold()
    best: tuple[int, int, str] | None = None
    for word, kind, whole in _FINDS:
        start = _first_place(low, word, whole)
        if start >= 0:
            key = (start, -len(word), kind)
            if best is None or key < best:
                best = key
    return best[2] if best else None


def step_kind_of_touch(touch_kind: str | None) -> str | None:
    """A touch kind as a next step's kind (a note names none)."""
    return touch_kind if touch_kind in STEP_KINDS and touch_kind != "other" else None


def default_step_kind(action: str, last_touch: str | None) -> str:
    """The kind of a next step nobody chose: its words, else the last touch, else a call."""
    return kind_from_words(action) or step_kind_of_touch(last_touch) or DEFAULT_KIND


def touch_kind_of_step(step_kind: str) -> str:
    """How doing a step is logged: its own kind; an ``other`` step is a note."""
    return step_kind if step_kind in TOUCH_KINDS else "note"


def default_touch_kind(step_kind: str, step_is_due: bool, last_touch: str | None) -> str:
    """The kind the touch form starts with: the next step's when this touch is that step
    (due today or overdue), else the last touch's, else a call."""
    if step_is_due and step_kind:
        return touch_kind_of_step(step_kind)
    return step_kind_of_touch(last_touch) or DEFAULT_KIND


def parse_step_kind(text: str) -> str:
    """A kind typed on the command line or in the card detail: a kind or its unique
    beginning (``v`` visit, ``me`` is ambiguous). Raises ValueError with the choices."""
    value = text.strip().casefold()
    if value in STEP_KINDS:
        return value
    matches = [k for k in STEP_KINDS if value and k.startswith(value)]
    if len(matches) == 1:
        return matches[0]
    raise ValueError(f"invalid kind {text.strip()!r}: use {', '.join(STEP_KINDS)}")
