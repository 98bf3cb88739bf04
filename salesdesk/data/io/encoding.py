"""Which text encoding a file is in: BOMs and strict UTF-8 first (cheap, and most files),
then charset-normalizer over the legacy code pages a rep's files really come in.

A guess is never silent: the preview names the encoding and its confidence, ``--encoding``
overrides, and when two readings are about as likely the import is refused with both named
(a Windows-1252 "Müller" must not become GB18030 "M黮ler").
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from salesdesk.errors import InputError

PIECE = 1 << 20
SAMPLE = 64 * 1024
#: How much of a non-UTF-8 file charset-normalizer looks at (the whole file is then decoded
#: strictly with the winner, so a late bad byte is still found).
DETECT_SAMPLE = 512 * 1024
#: Legacy code pages tried, in the order of preference when readings tie.
CANDIDATES = (
    "gb18030", "big5", "shift_jis", "cp1252", "cp1250", "iso8859_15", "iso8859_2",
)
#: The accented letters of the languages the Western and Central European code pages carry:
#: a reading whose letters all belong to one of them is plausible ("Crème" in Windows-1252),
#: one that mixes alphabets is not ("Crčme Brűlée", the same bytes read as Windows-1250).
ALPHABETS = (
    "äöüß",  # German
    "àâæçéèêëîïôœùûüÿ",  # French
    "áéíñóúü",  # Spanish
    "àáâãçéêíóôõú",  # Portuguese
    "àèéìíîòóùú",  # Italian
    "åäöæøé",  # Nordic
    "äëïöüéèáó",  # Dutch
    "ąćęłńóśźż",  # Polish
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "áéíóöőúüű",  # Hungarian
    "čćđšž",  # Croatian, Slovenian
    "ăâîșțşţ",  # Romanian
)
NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "gb18030": "GBK/GB18030",
    "big5": "Big5",
    "shift_jis": "Shift-JIS",
    "cp1252": "Windows-1252 (Western European)",
    "cp1250": "Windows-1250 (Central European)",
    "iso8859_15": "ISO-8859-15 (Western European)",
    "iso8859_2": "ISO-8859-2 (Central European)",
    "latin_1": "ISO-8859-1 (Western European)",
}
#: Below this confidence, or with a rival this close, the import asks for --encoding.
SURE = 0.80
MARGIN = 0.10


@dataclass(frozen=True)
class Detected:
    """An encoding (a Python codec name), how sure the detection is (0..1) and whether the
    user gave it."""

    encoding: str
    confidence: float = 1.0
    forced: bool = False

    def describe(self) -> str:
        name = NAMES.get(self.encoding, self.encoding)
        if self.forced:
            return f"{name} (--encoding)"
        if self.encoding.startswith("utf"):  # strictly decoded or marked by a BOM: certain
            return name
        return f"{name}, detected {self.confidence:.0%} sure"


def codec_name(text: str) -> str:
    """A user's encoding name as a Python codec; InputError if unknown."""
    wanted = text.strip().lower()
    aliases = {"gbk": "gb18030", "gb2312": "gb18030", "sjis": "shift_jis", "latin1": "latin_1",
               "latin-1": "latin_1", "utf8": "utf-8", "windows-1252": "cp1252",
               "windows-1250": "cp1250", "windows-1251": "cp1251"}
    wanted = aliases.get(wanted, wanted)
    try:
        info = codecs.lookup(wanted)
    except LookupError:
        raise InputError(
            f"unknown encoding {text.strip()!r}: use e.g. utf-8, gbk, big5, shift_jis, cp1252, "
            "cp1250 or latin-1"
        ) from None
    name = info.name.replace("_", "-") if info.name.startswith("utf") else info.name
    return {"iso8859-1": "latin_1", "iso8859-15": "iso8859_15", "iso8859-2": "iso8859_2"}.get(
        name, name
    )


def _bad_byte(path: Path, encoding: str) -> int | None:
    """The offset of the first byte that does not decode, None when the whole file does."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    try:
        with path.open("rb") as handle:
            while piece := handle.read(PIECE):
                try:
                    decoder.decode(piece)
                except UnicodeDecodeError as exc:
                    return offset + exc.start
                offset += len(piece)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return offset
    return None


def _read_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(DETECT_SAMPLE)


def _common_cjk(encoding: str, ch: str) -> bool:
    """Whether a character is in the frequent part of its CJK code page (GB2312 level 1,
    Big5's common characters, JIS level 1 and kana): random bytes read as GBK are mostly
    rare characters ("M黮ler"), real Chinese text mostly common ones."""
    try:
        raw = ch.encode("gb2312" if encoding == "gb18030" else encoding)
    except UnicodeEncodeError:
        return False
    lead = raw[0]
    if encoding == "gb18030":
        return 0xA1 <= lead <= 0xA9 or 0xB0 <= lead <= 0xD7
    if encoding == "big5":
        return 0xA1 <= lead <= 0xC6
    return len(raw) == 1 or 0x81 <= lead <= 0x84 or 0x88 <= lead <= 0x98  # shift_jis


def plausibility(encoding: str, text: str) -> float:
    """How much a reading looks like real text (0..1), beyond charset-normalizer's mess
    ratio, which rates most readings of a short file as clean."""
    wide = [ch for ch in text if ord(ch) > 127]
    if not wide:
        return 1.0
    if any(0x80 <= ord(ch) <= 0x9F for ch in wide):  # C1 controls: never in real text
        return 0.0
    if encoding in ("gb18030", "big5", "shift_jis"):
        return sum(1 for ch in wide if _common_cjk(encoding, ch)) / len(wide)
    letters = {ch.lower() for ch in wide if ch.isalpha()}
    if not letters:
        return 1.0
    if any(ord(ch) >= 0x2E80 for ch in letters):  # CJK from a Western code page: no
        return 0.0
    return max(len(letters & set(alphabet)) for alphabet in ALPHABETS) / len(letters)


def _legacy(path: Path, head: bytes) -> Detected:
    """The best reading among :data:`CANDIDATES`, when it is clearly the best."""
    from charset_normalizer import from_bytes

    # A cut in the middle of a multi-byte character would count against the right one.
    cut = head[: head.rfind(b"\n") + 1] or head
    # Candidates that read the same text are one reading, named by the most common one.
    readings: dict[str, tuple[float, str]] = {}
    for match in from_bytes(cut, cp_isolation=list(CANDIDATES), explain=False):
        encoding = codec_name(match.encoding)
        text = str(match)
        encoding = _preferred(cut, text, encoding)
        confidence = max(0.0, 1.0 - match.chaos) * plausibility(encoding, text)
        known = readings.get(text)
        if known is None or _rank(encoding) < _rank(known[1]):
            readings[text] = (max(confidence, known[0] if known else 0.0), encoding)
    ranked = sorted(
        ((conf, enc, text) for text, (conf, enc) in readings.items()
         if _bad_byte(path, enc) is None),
        key=lambda r: (-r[0], _rank(r[1])),
    )
    if not ranked:
        raise InputError(
            f"{path.name} is not text in any encoding SalesDesk knows (UTF-8, GBK, Big5, "
            "Shift-JIS, Windows or ISO Western/Central European): save it as UTF-8 CSV, or "
            "give one with --encoding"
        )
    best = ranked[0]
    rival = ranked[1] if len(ranked) > 1 else None
    if best[0] < SURE or (rival is not None and best[0] - rival[0] < MARGIN):
        named = "; ".join(
            f"{NAMES.get(enc, enc)} ({conf:.0%}, {_snippet(text)!r})"
            for conf, enc, text in ranked[:3]
        )
        raise InputError(
            f"{path.name}: cannot tell its encoding for sure: {named}: give the right one "
            f"with --encoding {ranked[0][1]} (or another)"
        )
    return Detected(best[1], best[0])


def _preferred(data: bytes, text: str, encoding: str) -> str:
    """The most common code page that reads ``data`` as ``text`` (a German file reads the
    same in Windows-1252 and 1250: it is named Windows-1252)."""
    for other in CANDIDATES[: _rank(encoding)]:
        try:
            if data.decode(other) == text:
                return other
        except UnicodeDecodeError:
            continue
    return encoding


def _rank(encoding: str) -> int:
    return CANDIDATES.index(encoding) if encoding in CANDIDATES else len(CANDIDATES)


def _snippet(text: str) -> str:
    """The first line with a non-ASCII letter: where readings differ."""
    for line in text.splitlines():
        if any(ord(ch) > 127 for ch in line):
            return line.strip()[:40]
    return text[:40]


def detect_encoding(path: Path, forced: str | None = None) -> Detected:
    """The file's encoding; InputError if empty, binary, undecodable or unclear."""
    head = _read_head(path)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError(f"{path.name} is empty: nothing to import")
    if forced:
        encoding = codec_name(forced)
        bad = _bad_byte(path, encoding)
        if bad is not None:
            raise InputError(
                f"{path.name} is not {NAMES.get(encoding, encoding)}: the byte at offset "
                f"{bad:,} does not decode"
            )
        return Detected(encoding, 1.0, forced=True)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Detected("utf-16")
    if b"\x00" in head[:SAMPLE]:
        raise InputError(f"{path.name} is a binary file, not CSV or vCard text")
    if head.startswith(codecs.BOM_UTF8):
        if _bad_byte(path, "utf-8-sig") is not None:
            raise InputError(f"{path.name} starts as UTF-8 but has bytes that are not UTF-8")
        return Detected("utf-8-sig")
    if _bad_byte(path, "utf-8") is None:
        return Detected("utf-8")
    return _legacy(path, head)
