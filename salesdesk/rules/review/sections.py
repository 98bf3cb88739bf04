"""The weekly figures as sections of plain data: the one presenter behind every writer.

The screen, ``salesdesk review`` and the Markdown report all draw :func:`present`'s result,
so they say the same sentences. A sentence is a run of spans, each with a *role* (``good``,
``warn``, ``dim``, ``strong``, ``grade-A``...) that a writer turns into a style or ignores.
Card names stay apart from the sentences, as :class:`Named` user text, so each writer can
show them literally (Rich ``Text``; Markdown escaped).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from salesdesk.rules.fields import plural
from salesdesk.rules.reasons import REASON_LABELS
from salesdesk.rules.review.complaints import cause_label, duration_words
from salesdesk.rules.review.results import WeeklyReview
from salesdesk.rules.review.weeks import iso_week, week_label
from salesdesk.rules.review.words import amount, percent

T = TypeVar("T")

#: The trend charts: key and label (the screen mounts one chart each before any data).
TRENDS: tuple[tuple[str, str], ...] = (
    ("touches", "Touches"),
    ("live", "Live pool"),
    ("wins", "Wins"),
    ("complaints", "Complaints"),
)


@dataclass(frozen=True)
class Span:
    """A piece of a sentence and how it stands out (``""``: plain)."""

    text: str
    role: str = ""


@dataclass(frozen=True)
class Sentence:
    """One line of figures, the same words on the screen, the terminal and the report."""

    spans: tuple[Span, ...]

    def __str__(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True)
class Named:
    """A card named in a section: user text, to be shown literally."""

    name: str
    company: str = ""
    detail: str = ""  # our own words: "12,000", "B → A", "40,000 (2 touches)"
    said: str = ""  # user text about the card: why it was lost or dropped


@dataclass(frozen=True)
class Names:
    """The cards of one kind (won, promoted, silent...): the first ``top``, then a count."""

    label: str  # "" when the section says what they are
    cards: tuple[Named, ...]
    more: int = 0

    @property
    def more_text(self) -> str:
        """``… and 55 more won`` (empty when every card is named)."""
        if not self.more:
            return ""
        return f"… and {self.more} more" + (f" {self.label}" if self.label else "")


@dataclass(frozen=True)
class Grid:
    """A small table of figures (no user text): a header and rows of spans."""

    header: tuple[str, ...]
    rows: tuple[tuple[Span, ...], ...]


@dataclass(frozen=True)
class Section:
    """One part of the figures: a title, its sentences, named cards, maybe a table."""

    key: str
    title: str
    short: str  # the screen's row label (at most 9 characters)
    sentences: tuple[Sentence, ...]
    names: tuple[Names, ...] = ()
    grid: Grid | None = None


@dataclass(frozen=True)
class Trend:
    """A 12-week series, oldest first, and what it says about this week."""

    key: str
    label: str
    values: tuple[float, ...]
    summary: Sentence


@dataclass(frozen=True)
class Figures:
    """Everything a writer shows of one week."""

    title: str  # "Weekly review 2026-W47"
    period: str  # "Mon 16 Nov – Sun 22 Nov 2026"
    as_of: Sentence  # the day judged at and the selling weeks left
    sections: tuple[Section, ...]
    trends_title: str
    trends: tuple[Trend, ...]
    weeks: Grid  # the trend weeks one by one (the report's table)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def _say(*parts: str | tuple[str, str]) -> Sentence:
    """A sentence from plain strings and (text, role) pairs."""
    return Sentence(tuple(Span(*p) if isinstance(p, tuple) else Span(p) for p in parts))


def _names(label: str, items: Sequence[T], top: int, named: Callable[[T], Named]) -> Names:
    return Names(label, tuple(named(item) for item in items[:top]), max(0, len(items) - top))


def _n(value: int) -> str:
    return f"{value:,}"


def present(review: WeeklyReview, top: int = 5) -> Figures:
    """The week's figures as sections; lists of cards name the first ``top``."""
    r = review
    day = r.as_of
    as_of = _say(
        f"as of {day:%a} {day.day} {day:%b} {day.year} · ",
        (f"{r.selling_weeks_left:g}", "strong"),
        f" effective selling weeks left in {day.year}",
    )
    sections = (
        _pool(r),
        _outcomes(r, top),
        _visits(r),
        _logged(r),
        _touches(r),
        _time(r),
        _pareto(r, top),
        _retention(r, top),
        _complaints(r, top),
        _first_contact(r),
        _funnel(r),
    )
    span = f"{iso_week(r.trends[0].week_start)[5:]}–{r.iso_week[5:]}"
    return Figures(
        title=f"Weekly review {r.iso_week}",
        period=week_label(r).split(" · ", 1)[1],
        as_of=as_of,
        sections=sections,
        trends_title=f"Trends, last {len(r.trends)} weeks ({span})",
        trends=_trends(r),
        weeks=Grid(
            ("week", "touches", "live pool", "wins", "won value", "complaints", "in time"),
            tuple(
                tuple(Span(cell) for cell in (
                    iso_week(t.week_start), _n(t.touches), _n(t.live), _n(t.wins),
                    amount(t.won_value), _n(t.complaints), _n(t.answered_in_time),
                ))
                for t in r.trends
            ),
        ),
    )


def _pool(r: WeeklyReview) -> Section:
    pool = r.pool
    parts: list[str | tuple[str, str]] = []
    for grade in ("A", "B", "C"):
        parts += [(grade, f"grade-{grade}"), f" {_n(pool.by_grade[grade])}"]
        parts.append(" · " if grade != "C" else " = ")
    parts.append(f"{_n(pool.live)} live, target {_n(pool.target)}")
    if pool.to_add:
        parts += [" · ", (f"add {_n(pool.to_add)}", "warn")]
    parts.append((f" · {_n(pool.new)} new this week", "dim"))
    return Section("pool", "Pool", "Pool", (_say(*parts), _pipeline(r)))


def _pipeline(r: WeeklyReview) -> Sentence:
    """``pipeline A 120,000 · B 300,000 · C 80,000 = 500,000 · forecast 170,000 (A 60% ·
    B 30% · C 10%)``: the live cards' value at the week's end, and the weighted forecast."""
    pool = r.pool
    parts: list[str | tuple[str, str]] = ["pipeline "]
    for grade in ("A", "B", "C"):
        parts += [(grade, f"grade-{grade}"), f" {amount(pool.value_by_grade.get(grade, 0.0))}"]
        parts.append(" · " if grade != "C" else " = ")
    parts += [amount(pool.value), " · ", (f"forecast {amount(pool.forecast)}", "strong")]
    chances = " · ".join(f"{g} {pool.chances.get(g, 0.0):.0%}" for g in ("A", "B", "C"))
    parts.append((f" ({chances})", "dim"))
    return _say(*parts)


def _outcomes(r: WeeklyReview, top: int) -> Section:
    out = r.outcomes
    won: list[str | tuple[str, str]] = [(f"won {_n(len(out.won))}", "good" if out.won else "")]
    if out.won:
        won.append(f" ({amount(out.won_value)})")
    counts = (
        ("lost", out.lost), ("dropped", out.dropped), ("parked", out.parked),
        ("reopened", out.reopened), ("promoted", out.promoted), ("demoted", out.demoted),
    )
    closed = _say(*won, *(f" · {label} {_n(len(items))}" for label, items in counts[:4]))
    moved = _say(f"promoted {_n(len(out.promoted))} · demoted {_n(len(out.demoted))}")
    sentences = [closed, moved]
    if out.reasons:
        why = " · ".join(f"{REASON_LABELS.get(key, 'not said')} {_n(count)}"
                         for key, count in out.reasons.items())
        sentences.append(_say(("why lost or dropped: ", "dim"), why))
    names = [
        _names("won", out.won, top,
               lambda c: Named(c.name, c.company, amount(c.value) if c.value else "")),
        *(_names(label, refs, top, lambda c: Named(c.name, c.company, said=out.why.get(c.id, "")))
          for label, refs in counts[:4]),
        *(_names(label, moves, top,
                 lambda m: Named(m.name, m.company, f"{m.from_grade} → {m.to_grade}"))
          for label, moves in (("promoted", out.promoted), ("demoted", out.demoted))),
    ]
    return Section("outcomes", "Outcomes", "Outcomes", tuple(sentences),
                   tuple(n for n in names if n.cards))


def _visits(r: WeeklyReview) -> Section:
    v = r.activity.visits
    sentence = _say(
        f"{_n(v.planned)} planned · {_n(v.done)} done · {_n(v.missed)} missed · "
        f"{_n(v.open)} open",
        (f" · moved {_n(v.moved)} · cancelled {_n(v.cancelled)}", "dim"),
    )
    return Section("visits", "Visits", "Visits", (sentence,))


def _logged(r: WeeklyReview) -> Section:
    kinds = " · ".join(f"{kind} {_n(n)}" for kind, n in r.activity.by_kind.items())
    return Section("logged", "Logged", "Logged", (_say(kinds),))


def _touches(r: WeeklyReview) -> Section:
    act = r.activity
    grades = " · ".join(f"{key} {_n(n)}" for key, n in act.by_grade.items())
    sentence = _say((plural(act.touches, "touch", "touches"), "strong"), f": {grades}")
    keys = _say(f"{_n(act.key_accounts)} on key accounts")
    return Section("touches", "Touches (notes not counted)", "Touches", (sentence, keys))


def _time(r: WeeklyReview) -> Section:
    rows = []
    sentences = []
    for share in r.activity.time:
        off = share.key == "no_intention" and share.touches > 0
        rows.append((
            Span(share.label), Span(_n(share.touches)),
            Span(percent(share.share), "warn" if off else ""), Span(f"{share.guidance}%"),
        ))
        if off:
            went = plural(share.touches, "touch", "touches")
            sentences.append(_say((f"{went} went to {share.label}", "warn"),
                                  f": the guidance is {share.guidance}%"))
    grid = Grid(("class", "touches", "share", "guidance"), tuple(rows))
    return Section("time", "Where the time went", "Time", tuple(sentences), grid=grid)


def _pareto(r: WeeklyReview, top: int) -> Section:
    p = r.pareto
    if not p.customers:
        return Section("pareto", "80/20", "80/20",
                       (_say(("No revenue recorded in the last 12 months", "dim")),))
    sentence = _say(
        f"Top 20% of customers ({_n(p.top_count)} of {_n(p.customers)}): ",
        (percent(p.top_share), "strong"),
        f" of 12-month revenue ({amount(p.top_revenue)} of {amount(p.revenue)}), ",
        (percent(p.top_touch_share), "strong"),
        f" of this week's touches ({_n(p.top_touches)} of {_n(p.touches)})",
    )
    names = _names("", p.top, top, lambda c: Named(
        c.name, c.company, f"{amount(c.revenue)} ({plural(c.touches, 'touch', 'touches')})"))
    return Section("pareto", "80/20", "80/20", (sentence,), (names,))


def _retention(r: WeeklyReview, top: int) -> Section:
    ret = r.retention
    flagged = _complained(r, top)
    if not ret.customers:
        words = (f"Every customer was contacted within {ret.days} days"
                 if r.funnel["customer"] else "No customers yet")
        return Section("retention", "Retention", "Retention",
                       (_say((words, "dim")), *flagged[0]), flagged[1])
    sentence = _say(
        (f"{plural(ret.count, 'customer')} not contacted for more than {ret.days} days", "warn"),
        f" (value {amount(ret.value)})",
    )
    names = _names("", ret.customers, top, lambda c: Named(
        c.name, c.company,
        f"{amount(c.value)} ({c.days} days, last contact {c.last_contact.isoformat()})"
        + (" ⚑ complaint" if c.complaint else "")))
    return Section("retention", "Retention", "Retention", (sentence, *flagged[0]),
                   (names, *flagged[1]))


def _complained(r: WeeklyReview, top: int) -> tuple[tuple[Sentence, ...], tuple[Names, ...]]:
    """Customers with a complaint in the last 90 days: a warning for retention."""
    who = r.retention.complained
    if not who:
        return (), ()
    sentence = _say((f"⚑ {plural(len(who), 'customer')} complained in the last 90 days",
                     "warn"), ": keep in touch")
    return (sentence,), (_names("complained", who, top, lambda c: Named(c.name, c.company)),)


def _complaints(r: WeeklyReview, top: int) -> Section:
    c = r.complaints
    hours = r.answer_hours
    if not c.received and not c.resolved and not c.followed_up and not c.lessons:
        words = "No complaint this week" + (f" · {_n(c.open_at_end)} still open"
                                             if c.open_at_end else "")
        return Section("complaints", "Complaints", "Complaint",
                       (_say((words, "warn" if c.open_at_end else "dim")),))
    late = c.received - c.answered_in_time
    received = _say(
        (f"{_n(c.received)} received", "strong"),
        " · answered within ",
        f"{hours}h ",
        (f"{_n(c.answered_in_time)} ({percent(c.answered_share)})",
         "good" if c.received and not late else ("warn" if late else "")),
        f" · resolved {_n(c.resolved)} · followed up {_n(c.followed_up)}",
        (f" · {_n(c.open_at_end)} open at the week's end", "warn" if c.open_at_end else "dim"),
    )
    causes = c.by_cause or {}
    found = " · ".join(f"{cause_label(k)} {_n(n)}" for k, n in causes.items())
    sentences = [received, _say("cause found: ", found)]
    names = _names("lessons", list(c.lessons), top,
                   lambda lesson: Named(lesson.name, lesson.company, lesson.text))
    return Section("complaints", "Complaints", "Complaint", tuple(sentences),
                   (names,) if names.cards else ())


def _first_contact(r: WeeklyReview) -> Section:
    f = r.first_contact
    if not f.new_leads:
        return Section("first_contact", "First contact of new leads", "1st cont.",
                       (_say(("No new inbound lead this week", "dim")),))
    sentence = _say(
        (f"{plural(f.new_leads, 'new inbound lead')}", "strong"),
        f" · contacted {_n(f.contacted)} · median time to first contact ",
        (duration_words(f.median_minutes), "strong"),
        " · within the target ",
        (f"{_n(f.within)} of {_n(f.ended)} ({percent(f.within_share)})",
         "good" if f.ended and f.within == f.ended else ("warn" if f.ended else "")),
    )
    return Section("first_contact", "First contact of new leads", "1st cont.", (sentence,))


def _funnel(r: WeeklyReview) -> Section:
    stages = " → ".join(f"{stage} {_n(count)}" for stage, count in r.funnel.items())
    return Section("funnel", "Stage funnel", "Funnel", (_say(stages),))


def _trends(r: WeeklyReview) -> tuple[Trend, ...]:
    now = r.trends[-1]
    series = {
        "touches": tuple(t.touches for t in r.trends),
        "live": tuple(t.live for t in r.trends),
        "wins": tuple(t.wins for t in r.trends),
        "complaints": tuple(t.complaints for t in r.trends),
    }
    summaries = {
        "touches": f"{_n(now.touches)} this week · max {_n(max(series['touches']))}",
        "live": f"{_n(now.live)} live · target {_n(r.pool.target)}",
        "wins": f"{_n(now.wins)} this week ({amount(now.won_value)})"
        f" · max {_n(max(series['wins']))}",
        "complaints": f"{_n(now.complaints)} this week · {_n(now.answered_in_time)} answered "
        f"in {r.answer_hours}h · max {_n(max(series['complaints']))}",
    }
    return tuple(Trend(key, label, series[key], _say(summaries[key])) for key, label in TRENDS)
