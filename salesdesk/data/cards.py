"""Reading cards: the board's rows (only the columns a card shows), one card's whole record
and timeline, and the header's counts. Plain values out, never ORM objects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from sqlite3 import Connection
from typing import Any

from salesdesk.data.card_rows import (
    CARD_COLUMNS,
    CARD_FROM,
    CardRow,
    card_from_row,
    clocks,
    urgency_key,
)
from salesdesk.data.complaints import ComplaintCounts, complaint_counts
from salesdesk.data.db import Database
from salesdesk.data.settings import get_setting, pool_target
from salesdesk.data.sql import MAX_ID, fetch_row, like_pattern
from salesdesk.enums import Status
from salesdesk.errors import InputError, NotFound
from salesdesk.rules.fields import FIELD_BY_NAME, MAX_TEXT
from salesdesk.rules.grading import Grade, Urgency
from salesdesk.rules.pipeline import DEFAULT_PROBABILITIES, Pipeline, parse_probabilities


@dataclass(frozen=True)
class ActivityRow:
    """One timeline entry; a recorded change carries its facts (grade, status, stage
    from and to, a win's amount) in typed fields, the note is what the rep reads."""

    id: int
    kind: str
    at: datetime
    note: str
    outcome: str
    from_grade: str | None
    to_grade: str | None
    from_status: str | None = None
    to_status: str | None = None
    amount: float | None = None
    from_stage: str | None = None
    to_stage: str | None = None


@dataclass(frozen=True)
class ProspectDetail:
    """Everything about one card: its fields (stored values), urgency and timeline."""

    id: int
    fields: dict[str, Any]
    urgency: Urgency
    activities: tuple[ActivityRow, ...]

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]


@dataclass(frozen=True)
class BoardSummary:
    """The header strip: counts at a glance."""

    by_grade: dict[str, int]
    due: int
    overdue: int
    live: int
    pool_target: int
    closed: dict[str, int] = field(default_factory=dict)
    complaints: ComplaintCounts = field(default_factory=ComplaintCounts)
    first_contact: tuple[int, int] = (0, 0)  # new leads waiting: (running, missed)
    pipeline: Pipeline | None = None  # the live cards' value by grade and the forecast


# --------------------------------------------------------------------------- reading


#: What the board's filter and ``list --search`` look in; ``pinyin_key`` lets ``wang`` and
#: ``wh`` find 王海燕 (it holds only ASCII, so a Chinese term never matches it by accident).
SEARCH_COLUMNS = (
    "name", "company", "phone", "email", "wechat", "area", "tags", "notes", "pinyin_key",
)


def _fold(value: str | None) -> str:
    return value.casefold() if value else ""


#: SQLite refuses a LIKE pattern over 50,000 bytes (SQLITE_MAX_LIKE_PATTERN_LENGTH).
LIKE_LIMIT = 49_000


def needs_fold(term: str) -> bool:
    """Whether a search word has cased letters beyond ASCII (É, Ö, Я, ß), which SQLite's
    LIKE does not fold: then the word is compared casefolded, through ``sd_fold``."""
    return not term.isascii() and term.casefold() != term.upper()


def search_where(search: str | None) -> tuple[list[str], list[str], bool]:
    """The WHERE clauses (one per word, all must match), their parameters, and whether
    they call ``sd_fold`` (a connection must define it: :func:`define_fold`)."""
    where: list[str] = []
    params: list[str] = []
    fold = False
    if search and len(search) > MAX_TEXT:  # (SQLite's LIKE stops at 50,000 bytes)
        raise InputError(
            f"the search is too long ({len(search):,} characters, at most {MAX_TEXT:,})"
        )
    if search and search.strip():
        for term in search.split():
            # SQLite's LIKE folds only ASCII case; for other cased letters (É, Ö, Я) compare
            # casefolded text through a Python function, only when the term needs it.
            folds = needs_fold(term)
            fold = fold or folds
            col = "sd_fold({})" if folds else "{}"
            pattern = like_pattern(term.casefold() if folds else term)
            if len(pattern.encode("utf-8")) > LIKE_LIMIT:
                raise InputError(
                    f"a search word is too long ({len(term):,} characters): search for "
                    "a shorter part of it"
                )
            where.append(
                "("
                + " OR ".join(f"{col.format(c)} LIKE ? ESCAPE '\\'" for c in SEARCH_COLUMNS)
                + ")"
            )
            params.extend([pattern] * len(SEARCH_COLUMNS))
    return where, params, fold


def define_fold(conn: Connection) -> None:
    """Define ``sd_fold`` (casefolding beyond ASCII) on a connection that needs it."""
    conn.create_function("sd_fold", 1, _fold, deterministic=True)


def list_cards(
    db: Database,
    today: date | datetime,
    *,
    statuses: Iterable[str] = (Status.LIVE,),
    grade: str | None = None,
    search: str | None = None,
    due_only: bool = False,
    ids: Iterable[int] | None = None,
    limit: int | None = None,
) -> list[CardRow]:
    """Cards in urgency order, filtered. Search matches name, company, phone, email, WeChat,
    area, tags and notes (substring; case-insensitive for Latin letters, Chinese as typed),
    and the pinyin of a Chinese name or company (full syllables or initials). ``today``
    may be the moment (the board's): the complaint and first-contact clocks are judged by
    it; a day alone judges them at its start. ``limit``: only the first so many (on an
    SQLite file without a search, read from the top of the board's order in SQL)."""
    if limit is not None and ids is None and not due_only and not (search and search.strip()):
        from salesdesk.data.board_view import top_cards

        top = top_cards(db, today, [str(s) for s in statuses], grade, limit)
        if top is not None:
            return top
    clock = clocks(db, today)
    statuses = [str(s) for s in statuses]
    where = [f"status IN ({', '.join('?' for _ in statuses)})"]
    params: list[Any] = list(statuses)
    if ids is not None:
        id_list = [int(i) for i in ids]
        if not id_list:
            return []
        where.append(f"id IN ({', '.join('?' for _ in id_list)})")
        params.extend(id_list)
    if grade:
        where.append("grade = ?")
        params.append(str(grade))
    clauses, terms, fold = search_where(search)
    where.extend(clauses)
    params.extend(terms)
    sql = f"SELECT {CARD_COLUMNS} FROM {CARD_FROM} WHERE {' AND '.join(where)}"
    with db.connect() as conn:
        # The board's hot path: straight to the DB-API cursor, no result-processing layer.
        raw = conn
        if fold:
            define_fold(raw)
        cursor = raw.cursor()
        try:
            rows = cursor.execute(sql, tuple(params)).fetchall()
        finally:
            cursor.close()
    cards = [card_from_row(row, clock) for row in rows]
    if due_only:
        cards = [c for c in cards if c.review_due or c.overdue]
    cards.sort(key=urgency_key)
    return cards if limit is None else cards[:limit]


@dataclass(frozen=True)
class NameMatch:
    """A card a typed name may mean (``salesdesk grade wang A``)."""

    id: int
    name: str
    company: str
    status: str


def find_by_name(db: Database, text: str, limit: int = 10) -> list[NameMatch]:
    """The cards ``text`` names: the one whose whole name it is (any case), else every
    card with it in its name or its name's pinyin (``wang``, ``wh``), live cards first;
    at most ``limit`` + 1, so a caller can say there are more."""
    term = text.strip()
    if not term:
        return []
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT id, name, company, status FROM prospect WHERE name = ? COLLATE NOCASE "
            "ORDER BY status != 'live', id LIMIT 2",
            (term,),
        ).fetchall()
        if len(rows) != 1:
            pattern = like_pattern(term)
            rows = conn.execute(
                "SELECT id, name, company, status FROM prospect "
                "WHERE name LIKE ? ESCAPE '\\' OR pinyin_key LIKE ? ESCAPE '\\' "
                "ORDER BY status != 'live', id LIMIT ?",
                (pattern, pattern, limit + 1),
            ).fetchall()
    return [NameMatch(*row) for row in rows]


def card_exists(db: Database, prospect_id: int) -> bool:
    """Whether a card has this id (an indexed look)."""
    if not 0 < prospect_id <= MAX_ID:
        return False
    with db.connect() as conn:
        found = conn.execute("SELECT 1 FROM prospect WHERE id = ?", (prospect_id,))
        return found.fetchone() is not None


def get_card(db: Database, prospect_id: int, today: date | datetime) -> CardRow:
    """One card as the board shows it; NotFound if the id is unknown."""
    if not 0 < prospect_id <= MAX_ID:
        raise NotFound(f"no prospect with id {prospect_id}")
    clock = clocks(db, today)
    with db.connect() as conn:
        row = conn.execute(
            f"SELECT {CARD_COLUMNS} FROM {CARD_FROM} WHERE id = ?", (prospect_id,)
        ).fetchone()
    if row is None:
        raise NotFound(f"no prospect with id {prospect_id}")
    return card_from_row(row, clock)


def prospect_row(conn: Connection, prospect_id: int) -> dict[str, Any] | None:
    """A card's every column as stored (None if there is no such card)."""
    return fetch_row(conn, "prospect", prospect_id)


def typed_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Stored raw values -> Python values (dates, datetimes, bools)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        spec = FIELD_BY_NAME.get(key)
        if value is not None and key.endswith(("_at", "_due")):
            value = datetime.fromisoformat(value)
        elif spec and spec.kind == "date" and value is not None:
            value = date.fromisoformat(value[:10])
        elif spec and spec.kind == "bool":
            value = bool(value)
        out[key] = value
    return out


def get_prospect(db: Database, prospect_id: int, today: date | datetime) -> ProspectDetail:
    """The whole card with its timeline (newest first); NotFound if the id is unknown."""
    with db.connect() as conn:
        raw = prospect_row(conn, prospect_id)
        if raw is None:
            raise NotFound(f"no prospect with id {prospect_id}")
        acts = conn.execute(
            "SELECT id, kind, at, note, outcome, from_grade, to_grade, from_status, "
            "to_status, amount, from_stage, to_stage FROM activity "
            "WHERE prospect_id = ? ORDER BY at DESC, id DESC",
            (prospect_id,),
        ).fetchall()
    card = get_card(db, prospect_id, today)
    activities = tuple(
        ActivityRow(a[0], a[1], datetime.fromisoformat(a[2]), *a[3:]) for a in acts
    )
    return ProspectDetail(prospect_id, typed_fields(raw), card.urgency, activities)


def summary(db: Database, today: date | datetime) -> BoardSummary:
    """Counts for the header strip: by grade, due for review, overdue, pool vs target."""
    cards = list_cards(db, today)
    return summarise(cards, pool_target(db), closed_counts(db), pipeline(db),
                     complaint_counts(db))


def pipeline(db: Database, values: dict[str, float] | None = None) -> Pipeline:
    """The live cards' estimated value by grade, summed by SQLite (one pass of the index on
    status, grade and value, not of the cards), with the forecast's chances. ``values``:
    the sums already known (the board's key table keeps them)."""
    if values is None:
        with db.connect() as conn:
            rows = conn.execute(
                "SELECT grade, total(value) FROM prospect WHERE status = 'live' GROUP BY grade"
            ).fetchall()
        values = dict.fromkeys(("A", "B", "C"), 0.0)
        values.update({grade: float(total) for grade, total in rows if grade in values})
    try:
        chances = parse_probabilities(get_setting(db, "forecast_probability"))
    except InputError:  # written by hand with the sqlite3 shell: the defaults
        chances = parse_probabilities(DEFAULT_PROBABILITIES)
    return Pipeline(values, chances)


def summarise(
    cards: Sequence[CardRow],
    target: int,
    closed: dict[str, int],
    pipe: Pipeline | None = None,
    complaints: ComplaintCounts | None = None,
) -> BoardSummary:
    """The header's counts from cards already read (the board keeps its list in memory)."""
    by_grade = {g.value: 0 for g in Grade}
    for card in cards:
        by_grade[card.grade.value] += 1
    return BoardSummary(
        by_grade=by_grade,
        due=sum(1 for c in cards if c.review_due),
        overdue=sum(1 for c in cards if c.overdue),
        live=len(cards),
        pool_target=target,
        closed=closed,
        complaints=complaints or ComplaintCounts(),
        first_contact=(
            sum(1 for c in cards if c.first_contact == "running"),
            sum(1 for c in cards if c.first_contact == "missed"),
        ),
        pipeline=pipe,
    )


def closed_counts(db: Database) -> dict[str, int]:
    """How many cards are closed, by status (customer, parked, dropped, lost)."""
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT status, count(*) FROM prospect WHERE status != 'live' GROUP BY status"
        ).fetchall()
    return {status: count for status, count in rows}


def count_prospects(db: Database) -> int:
    """Every card, live or closed."""
    with db.connect() as conn:
        return int(conn.execute("SELECT count(*) FROM prospect").fetchone()[0])
