"""The pinyin search key of Chinese text: full syllables and initials, so a rep who types
``wang`` or ``wh`` on an English keyboard finds 王海燕 (kept in ``prospect.pinyin_key``
when a card is written; see :mod:`salesdesk.data.card_changes`)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache


def has_han(text: str) -> bool:
    """Whether ``text`` holds a Chinese character (the CJK blocks pypinyin knows)."""
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def pinyin_key(texts: Iterable[str | None]) -> str:
    """``wanghaiyan why`` for 王海燕: per text with Chinese in it, its syllables joined,
    then their initials; other characters are left out (they are searched as typed).
    Empty when no text has Chinese, so most cards of a Latin book cost nothing."""
    parts = [_text_key(text) for text in texts if text and has_han(text)]
    return " ".join(part for part in parts if part)


@lru_cache(maxsize=8192)
def _text_key(text: str) -> str:
    """One text's key (cached: an import repeats its companies; about 30 µs per name)."""
    from pypinyin import lazy_pinyin  # loaded only when there is Chinese to read

    syllables = [s.lower() for s in lazy_pinyin(text, errors="ignore") if s.isascii() and s]
    if not syllables:
        return ""
    return "".join(syllables) + " " + "".join(s[0] for s in syllables)


#: The card fields the key is made from.
PINYIN_SOURCES = ("name", "company")
