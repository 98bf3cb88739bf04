"""Duplicates across the whole book and merging two cards into one.

:func:`find_duplicates` applies the import's rule (:mod:`salesdesk.data.io.matching`) to
every pair of cards sharing a key. :func:`merge` folds one card into another in one
undoable change: every activity, visit and contact point moves over, the kept card's
empty fields are filled from the other, notes are joined, the other's phone and email
become contact points, then the other card is deleted (undo puts it all back).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from salesdesk.data.db import Database
from salesdesk.data.io.contacts import point_key
from salesdesk.data.io.matching import LIKELY, Who, card_keys, judge, name_fold
from salesdesk.data.journal import Change
from salesdesk.errors import InputError

#: A key shared by more cards than this (a switchboard, a company's info@) pairs none.
MAX_GROUP = 50
#: Columns a merge never takes from the other card.
_OWN = {"id", "uuid", "updated_at", "import_batch", "previous_id", "kind"}


@dataclass(frozen=True)
class Pair:
    first: int
    second: int
    first_name: str
    second_name: str
    verdict: str  # likely | possible
    reason: str


def find_duplicates(db: Database, region: str) -> list[Pair]:
    """Pairs of cards that are likely (first) or possibly the same contact."""
    with db.connect() as conn:
        cards = {
            r[0]: r[1:]
            for r in conn.execute("SELECT id, name, company, phone, email FROM prospect")
        }
        extra: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for pid, kind, value in conn.execute("SELECT prospect_id, kind, value FROM contact_point"):
            extra[pid].append((kind, value))
    groups: dict[str, list[int]] = defaultdict(list)
    who: dict[int, Who] = {}
    for pid, (name, company, phone, email) in cards.items():
        points = extra.get(pid, [])
        phones = [phone, *(v for k, v in points if k == "phone")]
        emails = [email, *(v for k, v in points if k == "email")]
        who[pid] = Who(name_fold(name), bool(phone or email or points))
        for key in card_keys(name, company, phones, emails, region):
            groups[key].append(pid)
    best: dict[tuple[int, int], tuple[str, str]] = {}
    for key, ids in groups.items():
        if len(ids) < 2 or len(ids) > MAX_GROUP:
            continue
        for i, first in enumerate(ids):
            for second in ids[i + 1 :]:
                verdict, reason = judge(key, who[first], who[second])
                pair = (min(first, second), max(first, second))
                if pair not in best or (verdict == LIKELY and best[pair][0] != LIKELY):
                    best[pair] = (verdict, reason)
    pairs = [
        Pair(a, b, cards[a][0], cards[b][0], verdict, reason)
        for (a, b), (verdict, reason) in best.items()
    ]
    return sorted(pairs, key=lambda p: (p.verdict != LIKELY, p.first, p.second))


def likely_duplicates(
    db: Database, region: str, name: str, phone: str = "", email: str = "", company: str = "",
    exclude: int | None = None,
) -> list[tuple[int, str, str]]:
    """Cards a new card likely duplicates: (id, name, reason); for ``n`` and ``add``. SQL
    narrows the book to cards sharing the email, the last digits of the phone or the name,
    so this stays quick however big the book is."""
    keys = set(card_keys(name, company, (phone,), (email,), region))
    if not keys:
        return []
    me = Who(name_fold(name), bool(phone or email))
    digits = "".join(ch for ch in phone if ch.isdigit())[-7:]
    like = f"%{digits}" if len(digits) >= 7 else ""
    mail = email.strip()
    with db.connect() as conn:
        ids = {
            r[0]
            for r in conn.execute(
                "SELECT id FROM prospect WHERE id != ? AND ("
                "(? != '' AND lower(email) = lower(?)) OR "
                "lower(replace(name, ' ', '')) = lower(replace(?, ' ', '')) OR "
                "(? != '' AND replace(replace(replace(replace(phone, ' ', ''), '-', ''), "
                "'(', ''), ')', '') LIKE ?)) "
                "UNION SELECT prospect_id FROM contact_point WHERE prospect_id != ? AND ("
                "(kind = 'email' AND ? != '' AND lower(value) = lower(?)) OR (kind = 'phone' "
                "AND ? != '' AND replace(replace(value, ' ', ''), '-', '') LIKE ?))",
                (exclude or 0, mail, mail, name.strip(), like, like, exclude or 0, mail, mail,
                 like, like),
            )
        }
        found: list[tuple[int, str, str]] = []
        for pid in sorted(ids):
            other_name, other_company, other_phone, other_email = conn.execute(
                "SELECT name, company, phone, email FROM prospect WHERE id = ?", (pid,)
            ).fetchone()
            extra = conn.execute(
                "SELECT kind, value FROM contact_point WHERE prospect_id = ?", (pid,)
            ).fetchall()
            their = card_keys(
                other_name, other_company,
                [other_phone, *(v for k, v in extra if k == "phone")],
                [other_email, *(v for k, v in extra if k == "email")], region,
            )
            card = Who(name_fold(other_name), bool(other_phone or other_email or extra))
            for key in sorted(keys.intersection(their)):
                verdict, reason = judge(key, me, card)
                if verdict == LIKELY:
                    found.append((pid, other_name, reason))
                    break
    return found


def contact_points(db: Database, prospect_id: int) -> list[tuple[str, str, str]]:
    """A card's further phones and emails: (phone | email, type, value), in order."""
    with db.connect() as conn:
        return [
            (str(k), str(label), str(v))
            for k, label, v in conn.execute(
                "SELECT kind, label, value FROM contact_point WHERE prospect_id = ? "
                "ORDER BY position, id",
                (prospect_id,),
            )
        ]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == 0


@dataclass(frozen=True)
class MergeResult:
    kept: int
    removed: int
    moved: int  # activities, visits and contact points moved
    filled: tuple[str, ...]  # fields of the kept card filled from the other


def merge(db: Database, now: datetime, keep: int, other: int) -> MergeResult:
    """Fold card ``other`` into card ``keep`` (one undoable change)."""
    if keep == other:
        raise InputError("a card cannot be merged with itself: give two different ids")
    with db.begin() as conn:
        change = Change(conn, now, f"merge #{other} into #{keep}")
        kept, gone = change.snapshot(keep), change.snapshot(other)
        updates: dict[str, Any] = {}
        for column, value in gone.items():
            if column in _OWN or column in ("phone", "email", "notes") or _empty(value):
                continue
            mine = kept.get(column)
            if column == "created_at":
                if mine is None or str(value) < str(mine):
                    updates[column] = value
            elif column == "inquiries":
                updates[column] = int(mine or 0) + int(value)
            elif column == "value":
                if float(value) > float(mine or 0):
                    updates[column] = value
            elif _empty(mine) or (kept.get(column) in ("unknown", "keep", "target")
                                  and value not in ("unknown", "keep", "target")):
                updates[column] = value
        if gone["notes"] and gone["notes"] not in (kept["notes"] or ""):
            updates["notes"] = "\n".join(n for n in (kept["notes"], gone["notes"]) if n)
        have = {point_key("phone", kept["phone"]), point_key("email", kept["email"])}
        have |= {point_key(k, v) for k, v in conn.execute(
            "SELECT kind, value FROM contact_point WHERE prospect_id = ?", (keep,))}
        moved = 0
        for kind in ("phone", "email"):
            value = gone[kind]
            if value and point_key(kind, value) not in have:
                if not kept[kind]:
                    updates[kind] = value
                else:
                    change.insert("contact_point", {"prospect_id": keep, "kind": kind,
                                                    "value": value, "label": "",
                                                    "position": len(have)})
                have.add(point_key(kind, value))
        for point_id, kind, value in conn.execute(
            "SELECT id, kind, value FROM contact_point WHERE prospect_id = ?", (other,)
        ).fetchall():
            if point_key(kind, value) in have:
                change.delete_row("contact_point", point_id)
            else:
                have.add(point_key(kind, value))
                change.update_row("contact_point", point_id, {"prospect_id": keep})
                moved += 1
        for table in ("activity", "visit"):
            for (row_id,) in conn.execute(
                f"SELECT id FROM {table} WHERE prospect_id = ?", (other,)
            ).fetchall():
                change.update_row(table, row_id, {"prospect_id": keep})
                moved += 1
        for (row_id,) in conn.execute(
            "SELECT id FROM prospect WHERE previous_id = ?", (other,)
        ).fetchall():
            change.update(row_id, {"previous_id": keep})
        change.update(keep, updates)
        change.activity(keep, "note", now, f"merged #{other} {gone['name']} into this card")
        change.delete_row("prospect", other)
        change.record()
    return MergeResult(keep, other, moved, tuple(sorted(updates)))
