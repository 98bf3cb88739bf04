"""A next step's kind: the rule (words, last touch, a call), where it is stored, and the
command line (``next --kind``, ``log --next-kind``, ``list --json``)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.rules.step_kinds import (
    default_step_kind,
    default_touch_kind,
    kind_from_words,
    parse_step_kind,
    touch_kind_of_step,
)

from .conftest import NOW, TODAY
from .test_cli import assert_clean_failure, ok, sd


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("call back", "call"), ("Rang, no answer", "call"), ("电话回访", "call"),
        ("打电话问报价", "call"), ("visit with samples", "visit"), ("去拜访王总", "visit"),
        ("meet the decider", "meeting"), ("Met them", "meeting"), ("周五开会", "meeting"),
        ("demo", "meeting"), ("send a WeChat", "message"), ("发微信", "message"),
        ("短信提醒", "message"), ("email the quote, then call", "email"),
        ("发邮件", "email"), ("send quote", None), ("recall the order", None),
        ("context", None), ("", None),
    ],
)
def test_the_words_name_a_kind(words: str, kind: str | None) -> None:
    assert kind_from_words(words) == kind


def _kind_word_by_word(text: str) -> str | None:
    """The rule as written: each word's first place; the leftmost, then the longest word
    there, then the kind first by name."""
    import re

    from salesdesk.rules.step_kinds import WORDS

    low, best = text.casefold(), None
    for kind, words in WORDS.items():
        for word in words:
            latin = re.search("[a-z]", word)
            found = re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])" if latin
                              else re.escape(word), low)
            if found and (best is None or (found.start(), -len(word), kind) < best):
                best = (found.start(), -len(word), kind)
    return best[2] if best else None


@pytest.mark.parametrize("extra", [{}, {"visit": ("demo day", "电话会议室"), "call": ("lunch",)}],
                         ids=["the words", "a longer word of another kind"])
def test_one_pattern_finds_what_each_word_alone_finds(
    monkeypatch: pytest.MonkeyPatch, extra: dict[str, tuple[str, ...]]
) -> None:
    """Words run together, inside others, overlapping (``e-mail``/``mail``, ``site visit``
    /``visit``, ``发邮件``/``邮件``, ``text``/``texted``; a word that starts with another
    kind's word): the kind is the rule's, as patterns word by word find it."""
    import random

    from salesdesk.rules import step_kinds

    words = {kind: step_kinds.WORDS[kind] + extra.get(kind, ()) for kind in step_kinds.WORDS}
    monkeypatch.setattr(step_kinds, "WORDS", words)
    monkeypatch.setattr(step_kinds, "_FINDS", step_kinds._finds(words))
    pieces = [word for group in words.values() for word in group]
    pieces += ["x", " ", "-", "re", "ing", "e", "发", "去", "s", ",", "Call", "MAIL"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        assert kind_from_words(text) == _kind_word_by_word(text), text


def test_the_default_is_the_words_then_the_last_touch_then_a_call() -> None:
    assert default_step_kind("visit with samples", "email") == "visit"
    assert default_step_kind("send quote", "email") == "email"
    assert default_step_kind("send quote", "note") == "call"  # a note is no kind
    assert default_step_kind("send quote", None) == "call"
    assert touch_kind_of_step("other") == "note"
    assert default_touch_kind("visit", True, "email") == "visit"  # this touch is the step
    assert default_touch_kind("visit", False, "email") == "email"
    assert default_touch_kind("", False, None) == "call"
    assert parse_step_kind("V") == "visit"
    with pytest.raises(ValueError, match="use call, visit, meeting"):
        parse_step_kind("m")  # meeting or message


def test_every_write_of_a_next_step_sets_its_kind(db: Database) -> None:
    pid = store.add_prospect(db, NOW, "Wang", next_date=TODAY, next_action="拜访")
    assert store.get_card(db, pid, TODAY).next_kind == "visit"
    store.log_touch(db, NOW, pid, "email", "sent", next_date=TODAY + timedelta(days=2),
                    next_action="chase the reply")
    assert store.get_card(db, pid, TODAY).next_kind == "email"  # no words: this touch
    store.set_next_step(db, NOW, pid, TODAY + timedelta(days=3))  # same action: kept
    assert store.get_card(db, pid, TODAY).next_kind == "email"
    store.set_next_step(db, NOW, pid, TODAY + timedelta(days=3), "go see them", "meeting")
    assert store.get_card(db, pid, TODAY).next_kind == "meeting"  # chosen beats words
    store.update_fields(db, NOW, pid, {"next_action": "phone them"})
    assert store.get_card(db, pid, TODAY).next_kind == "call"
    store.set_next_step(db, NOW, pid, None, "")
    assert store.get_card(db, pid, TODAY).next_kind == ""  # no step, no kind
    store.undo(db)
    assert store.get_card(db, pid, TODAY).next_kind == "call"


def test_the_command_line_sets_and_shows_the_kind(db_path: Path) -> None:
    pid = ok(sd(db_path, "add", "Li", "--next", "fri", "--action", "send quote")).strip()
    assert json.loads(ok(sd(db_path, "list", "--json")))[0]["next_kind"] == "call"
    out = ok(sd(db_path, "next", pid, "fri", "--kind", "visit"))
    assert out.strip().endswith("· visit")
    assert json.loads(ok(sd(db_path, "list", "--json")))[0]["next_kind"] == "visit"
    ok(sd(db_path, "log", pid, "--note", "rang", "--next", "+3d", "--next-kind", "email"))
    assert json.loads(ok(sd(db_path, "list", "--json")))[0]["next_kind"] == "email"
    message = assert_clean_failure(sd(db_path, "next", pid, "fri", "--kind", "fax"), 2)
    assert "invalid kind 'fax'" in message
