"""Check-in of contact points (a card's further phones and emails) both ways.

A contact point has no UUID, so it is known by its card's UUID, its kind and its value:
the same phone on the same card is the same point on either side. The check-out keeps, per
point, its ``updated_at`` as it was (``sd_checkout_base``, table ``contact_point``, the
key as JSON in the ``uuid`` column), and check-in compares each side with that base:

- on one side only and not in the base: added there, so it is added to the other side
  (both sides' additions are kept);
- on one side only and in the base: removed on the other side, so it is removed here too,
  unless it was changed since on this side (then it is put back where it went);
- on both sides: the side that changed it since gives its type and place to the other;
  changed on both sides, the server's is kept (a point has no UUID to hold a conflict by).

Each point checked in becomes the new base, so running check-in again changes nothing.
Points are settled before the deletions of cards, so a card removed offline whose points
were only the ones checked out is removed on the server too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

TABLE = "contact_point"
_COPIED = ("label", "position", "updated_at")  # what one side gives the other

Key = tuple[str, str, str]  # (card UUID, kind, value)


@dataclass
class PointsResult:
    """What a check-in did to contact points: on the server and in this file."""

    added: int = 0  # sent to the server
    removed: int = 0  # removed on the server
    sent: int = 0  # changed on the server
    taken: int = 0  # brought into this file (added, changed or removed here)


def _key_text(key: Key) -> str:
    return json.dumps(list(key), ensure_ascii=False)


def _points(conn: Any) -> dict[Key, dict[str, Any]]:
    """Every point of the book, by key (duplicates on one card: the first kept)."""
    found: dict[Key, dict[str, Any]] = {}
    for card, kind, value, label, position, updated, card_id in conn.execute(
        "SELECT p.uuid, c.kind, c.value, c.label, c.position, c.updated_at, c.prospect_id "
        "FROM contact_point c JOIN prospect p ON p.id = c.prospect_id ORDER BY c.id"
    ):
        found.setdefault(
            (str(card), str(kind), str(value)),
            {
                "label": label,
                "position": position,
                "updated_at": str(updated),
                "prospect_id": int(card_id),
            },
        )
    return found


def base_rows(conn: Any) -> list[tuple[str, str, str]]:
    """The check-out's base rows for the points of ``conn`` (a fresh check-out file)."""
    return [(TABLE, _key_text(key), point["updated_at"]) for key, point in _points(conn).items()]


def _card_ids(conn: Any) -> dict[str, int]:
    return {str(u): int(i) for u, i in conn.execute("SELECT uuid, id FROM prospect")}


def _add(conn: Any, card_id: int, key: Key, point: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO contact_point (prospect_id, kind, value, label, position, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (card_id, key[1], key[2], point["label"], point["position"], point["updated_at"]),
    )


def _set(conn: Any, card_id: int, key: Key, point: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE contact_point SET label = ?, position = ?, updated_at = ? "
        "WHERE prospect_id = ? AND kind = ? AND value = ?",
        (*(point[c] for c in _COPIED), card_id, key[1], key[2]),
    )


def _remove(conn: Any, card_id: int, key: Key) -> None:
    conn.execute(
        "DELETE FROM contact_point WHERE prospect_id = ? AND kind = ? AND value = ?",
        (card_id, key[1], key[2]),
    )


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(a[c] == b[c] for c in _COPIED)


def sync_points(mine: Any, theirs: Any, base: dict[tuple[str, str], str]) -> PointsResult:
    """Check the points in both ways (see the module), inside the check-in's transactions;
    ``base`` is the check-out's base (table, key) -> ``updated_at``."""
    result = PointsResult()
    here, there = _points(mine), _points(theirs)
    known = {tuple(json.loads(k)): at for (t, k), at in base.items() if t == TABLE}
    cards_here, cards_there = _card_ids(mine), _card_ids(theirs)
    kept: dict[Key, str] = {}  # the new base
    for key in sorted({*here, *there, *known}):
        h, t, b = here.get(key), there.get(key), known.get(key)
        card_here, card_there = cards_here.get(key[0]), cards_there.get(key[0])
        if h is not None and t is not None:
            if not _same(h, t):
                if t["updated_at"] == b:  # changed here only: the server takes it
                    _set(theirs, t["prospect_id"], key, h)
                    result.sent += 1
                    t = h
                else:  # changed there (or on both sides): this file takes the server's
                    _set(mine, h["prospect_id"], key, t)
                    result.taken += 1
            kept[key] = t["updated_at"]
        elif h is not None:
            if card_there is None:  # the card is gone there: its own conflict says so
                if b is not None:
                    kept[key] = b
            elif b is None or h["updated_at"] != b:  # added here, or changed here since
                _add(theirs, card_there, key, h)
                result.added += 1
                kept[key] = h["updated_at"]
            else:  # removed on the server, untouched here
                _remove(mine, h["prospect_id"], key)
                result.taken += 1
        elif t is not None:
            if b is None or t["updated_at"] != b:  # added there, or changed there since
                if card_here is not None:
                    _add(mine, card_here, key, t)
                    result.taken += 1
                    kept[key] = t["updated_at"]
            else:  # removed here, untouched on the server
                _remove(theirs, t["prospect_id"], key)
                result.removed += 1
    mine.execute("DELETE FROM sd_checkout_base WHERE table_name = ?", (TABLE,))
    mine.executemany(
        "INSERT INTO sd_checkout_base VALUES (?, ?, ?)",
        [(TABLE, _key_text(k), at) for k, at in kept.items()],
    )
    return result
