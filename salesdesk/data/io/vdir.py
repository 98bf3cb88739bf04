"""The ``vdir`` export: a folder that khard, khal and vdirsyncer read as they are.

``FOLDER/contacts/<UID>.vcf`` holds one vCard 3.0 per card (its UID the card's UUID) and
``FOLDER/calendar/<UID>.ics`` one calendar per visit (its UID the visit's). A re-export
rewrites only the files whose content changed (DTSTAMP and SEQUENCE aside), so vdirsyncer
uploads only real changes; it removes the files of cards and visits that are gone, but
only files SalesDesk wrote (by their PRODID): what a phone synced in stays.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from salesdesk.config import expand_path
from salesdesk.errors import InputError
from salesdesk.files import write_private

_VOLATILE = re.compile(rb"^(DTSTAMP|SEQUENCE)[:;].*$", re.MULTILINE)
_SAFE = re.compile(r"[^A-Za-z0-9@._-]")


@dataclass(frozen=True)
class VdirResult:
    folder: Path
    cards: int
    visits: int
    written: int  # files new or changed
    removed: int  # files of cards or visits that are gone


def _name(uid: str) -> str:
    return _SAFE.sub("_", uid) or "unnamed"


def _same(path: Path, data: bytes) -> bool:
    try:
        old = path.read_bytes()
    except OSError:
        return False
    return _VOLATILE.sub(b"", old) == _VOLATILE.sub(b"", data)


def _sync(folder: Path, suffix: str, files: dict[str, bytes], marker: bytes) -> tuple[int, int]:
    """Write ``files`` (name -> content) into ``folder``; remove our other ``suffix`` files."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = removed = 0
    for name, data in files.items():
        path = folder / name
        if not _same(path, data):
            write_private(path, data)
            written += 1
    for path in folder.glob(f"*{suffix}"):
        if path.name in files:
            continue
        try:
            ours = marker in path.read_bytes()[:4096]
        except OSError:
            continue
        if ours:
            path.unlink(missing_ok=True)
            removed += 1
    return written, removed


def export_vdir(db_path: Path, folder: Path, now: datetime, alarm_minutes: int = 0) -> VdirResult:
    """Write (or bring up to date) the vdir at ``folder``."""
    from salesdesk.data.db import Database
    from salesdesk.data.io.export import export
    from salesdesk.data.io.ics import PRODID as ICS_PRODID
    from salesdesk.data.io.ics import build_calendar
    from salesdesk.data.io.vcard_out import PRODID as VCF_PRODID
    from salesdesk.data.visits import list_visits

    folder = expand_path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is a file: give a folder for the vdir export")
    out = io.StringIO()
    export(db_path, "vcf", out)
    cards: dict[str, bytes] = {}
    for block in re.findall(r"BEGIN:VCARD\r\n.*?END:VCARD\r\n", out.getvalue(), re.DOTALL):
        uid = re.search(r"^UID:(.+?)\r$", block, re.MULTILINE)
        if uid:
            cards[_name(uid.group(1)) + ".vcf"] = block.encode("utf-8")
    db = Database(db_path)
    try:
        rows = list_visits(db, date.min, date.max)
    finally:
        db.close()
    events = {_name(v.uid) + ".ics": build_calendar([v], now, "system", alarm_minutes)
              for v in rows}
    wrote_cards, gone_cards = _sync(folder / "contacts", ".vcf", cards, VCF_PRODID.encode())
    wrote_events, gone_events = _sync(folder / "calendar", ".ics", events, ICS_PRODID.encode())
    return VdirResult(folder, len(cards), len(events), wrote_cards + wrote_events,
                      gone_cards + gone_events)
