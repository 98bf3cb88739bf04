"""The pinyin search key of Chinese text: full syllables and initials, so a rep who types
``wang`` or ``wh`` on an English keyboard finds 王海燕 (kept in ``prospect.pinyin_key``
when a card is written; see :mod:`salesdesk.data.card_changes`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

#: A character of the CJK blocks the gate below looks for.
_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
#: A run of characters pypinyin reads as Chinese (its own ranges: 〇, the unified
#: ideographs and their extensions, the compatibility ideographs). Anything else between
#: runs pypinyin splits at anyway, so a text's syllables are its runs' syllables.
_HAN_RUN = re.compile(
    "[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+"
)


def has_han(text: str) -> bool:
    """Whether ``text`` holds a Chinese character (the CJK blocks pypinyin knows). An
    ASCII text (most Latin names and companies) is told by one C-level check."""
    return not text.isascii() and _HAN.search(text) is not None


def pinyin_key(texts: Iterable[str | None]) -> str:
    """``wanghaiyan why`` for 王海燕: per text with Chinese in it, its syllables joined,
    then their initials; other characters are left out (they are searched as typed).
    Empty when no text has Chinese, so most cards of a Latin book cost nothing."""
    parts = []
    for text in texts:  # (has_han, inline: this runs for every card written)
        if text and not text.isascii() and _HAN.search(text) is not None:
            part = _runs_key(tuple(_HAN_RUN.findall(text)))
            if part:
                parts.append(part)
    return " ".join(parts)


@lru_cache(maxsize=16384)
def _runs_key(runs: tuple[str, ...]) -> str:
    """The key of a text holding these runs of Chinese (remembered: 王伟 123 and 王伟 124
    are the same runs)."""
    syllables = [s for run in runs for s in _run_syllables(run)]
    if not syllables:
        return ""
    return "".join(syllables) + " " + "".join(s[0] for s in syllables)


@lru_cache(maxsize=16384)
def _run_syllables(run: str) -> tuple[str, ...]:
    """One run of Chinese characters' syllables, cached: the runs repeat far more than
    whole texts do (an import's ``王伟 123``, ``王伟 124``... are one run, 王伟), and
    pypinyin costs about 30 µs a run."""
    from pypinyin import lazy_pinyin  # loaded only when there is Chinese to read

    return tuple(s.lower() for s in lazy_pinyin(run, errors="ignore") if s.isascii() and s)


#: The card fields the key is made from.
PINYIN_SOURCES = ("name", "company")
