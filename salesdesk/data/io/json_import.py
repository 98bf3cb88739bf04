"""SalesDesk's own JSON export read back in full: each card with its further phones and
emails, activities, visits and complaints, so export then import into an empty database
keeps all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from salesdesk.data.io.csv_import import Record
from salesdesk.data.io.mapping import IMPORT_FIELDS, POINT_COLUMNS
from salesdesk.errors import InputError

_SKIP = {"id", "import_batch", "updated_at", "activities", "visits", "contact_points",
         "complaints", *POINT_COLUMNS}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class JsonSource:
    """An open SalesDesk JSON export: its cards as records (numbered from 1)."""

    kind = "json"
    unit = "card"
    headers: tuple[str, ...] = ()

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size
        try:
            with path.open("r", encoding="utf-8-sig") as handle:
                self.items = json.load(handle)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{path.name} is not readable JSON ({exc})") from None
        if not isinstance(self.items, list) or not all(
            isinstance(item, dict) and "name" in item for item in self.items
        ):
            raise InputError(
                f"{path.name} is JSON but not a SalesDesk export (a list of cards with a "
                "name): export CSV from the other program instead"
            )
        self._done = 0
        #: What the preview and the result say besides the cards.
        self.hints: list[str] = []

    def describe(self) -> str:
        return "SalesDesk JSON export (cards, phones, emails, activities, visits, complaints)"

    def label(self, name: str) -> str:
        return name

    def pairs(self) -> list[tuple[str, str]]:
        return []

    @property
    def unmapped(self) -> list[str]:
        return []

    def position(self) -> int:
        return self.size * self._done // max(1, len(self.items))

    def records(self) -> Iterator[Record]:
        for number, item in enumerate(self.items, start=1):
            self._done = number
            texts = {
                name: _text(value)
                for name, value in item.items()
                if name not in _SKIP and name in IMPORT_FIELDS and value is not None
            }
            points = [
                (str(p.get("kind")) + "*", str(p.get("label") or ""), str(p.get("value") or ""))
                for p in item.get("contact_points") or ()
                if p.get("kind") in ("phone", "email") and p.get("value")
            ]
            history = {"activities": item.get("activities") or [],
                       "visits": item.get("visits") or [],
                       "complaints": item.get("complaints") or []}
            yield Record(number, texts, [], [], points, history=history)

    def close(self) -> None:
        self.items = []
