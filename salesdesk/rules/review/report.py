"""The weekly review as text: numbers, sparkline bars, and the Markdown report."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from salesdesk.rules.fields import plural
from salesdesk.rules.review.results import (
    CardRef,
    CustomerRevenue,
    GradeMove,
    SilentCustomer,
    WeeklyReview,
)
from salesdesk.rules.review.weeks import iso_week, week_label

BARS = "▁▂▃▄▅▆▇█"


def bars(values: Sequence[float]) -> str:
    """A one-line text sparkline (lowest value ▁, highest █; all equal: ▁)."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = high - low
    return "".join(
        BARS[int((v - low) / span * (len(BARS) - 1))] if span else BARS[0] for v in values
    )


def amount(value: float) -> str:
    """``12,000`` (whole units)."""
    return f"{value:,.0f}"


def compact_amount(value: float) -> str:
    """``950``, ``8,400``, ``48k``, ``1.2m``: short enough for a card line (``0`` for none)."""
    from salesdesk.rules.fields import short_money

    return short_money(value) or "0"


def percent(share: float) -> str:
    return f"{share * 100:.0f}%"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def md(text: object) -> str:
    """User text made safe for Markdown, in a table cell too: one line, every character
    Markdown could read as syntax (``| * _ [ ] ` < #`` ...) backslash-escaped."""
    line = " ".join(_CONTROL.sub(" ", str(text or "")).split())
    return _MD_SPECIAL.sub(r"\\\1", line)


def _md_who(ref: CardRef | GradeMove | CustomerRevenue | SilentCustomer) -> str:
    who = md(ref.name)
    return f"{who} ({md(ref.company)})" if ref.company else who


def _md_table(header: Sequence[str], rows: Iterable[Sequence[object]], right: int = 1) -> list[str]:
    """A GFM table; columns from index ``right`` on are right-aligned."""
    lines = ["| " + " | ".join(header) + " |"]
    lines.append(
        "|" + "|".join("---:" if i >= right else "---" for i in range(len(header))) + "|"
    )
    lines.extend("| " + " | ".join(str(c) for c in row) + " |" for row in rows)
    return lines


def markdown_report(review: WeeklyReview, top: int = 20) -> str:
    """The week's figures as a Markdown report for a manager (user text escaped)."""
    r = review
    pool, out, act = r.pool, r.outcomes, r.activity
    lines = [
        f"# Weekly review {r.iso_week}",
        "",
        f"{week_label(r).split(' · ', 1)[1]} · as of {r.as_of:%a} {r.as_of.day} {r.as_of:%b}"
        f" {r.as_of.year} · {r.selling_weeks_left:g} effective selling weeks left in"
        f" {r.as_of.year}",
        "",
        "## Pool",
        "",
        *_md_table(
            ("", "A", "B", "C", "live", "target", "to add", "new this week"),
            [("live prospects", pool.by_grade["A"], pool.by_grade["B"], pool.by_grade["C"],
              pool.live, pool.target, pool.to_add, pool.new)],
        ),
        "",
        "## Outcomes",
        "",
        *_md_table(
            ("", "cards", "value"),
            [
                ("won", len(out.won), amount(out.won_value)),
                ("lost", len(out.lost), ""),
                ("dropped", len(out.dropped), ""),
                ("parked", len(out.parked), ""),
                ("reopened", len(out.reopened), ""),
                ("promoted", len(out.promoted), ""),
                ("demoted", len(out.demoted), ""),
            ],
        ),
        "",
    ]
    for title, refs in (("Won", out.won), ("Lost", out.lost), ("Dropped", out.dropped),
                        ("Parked", out.parked), ("Reopened", out.reopened)):
        for ref in refs[:top]:
            value = f" · {amount(ref.value)}" if title == "Won" and ref.value else ""
            lines.append(f"- {title}: {_md_who(ref)}{value}")
        if len(refs) > top:
            lines.append(f"- … and {len(refs) - top} more {title.lower()}")
    for title, moves in (("Promoted", out.promoted), ("Demoted", out.demoted)):
        for move in moves[:top]:
            lines.append(f"- {title}: {_md_who(move)} {move.from_grade} → {move.to_grade}")
        if len(moves) > top:
            lines.append(f"- … and {len(moves) - top} more {title.lower()}")
    visits = act.visits
    lines += [
        "",
        "## Activity",
        "",
        f"Visits: {visits.planned} planned, {visits.done} done, {visits.missed} missed,"
        f" {visits.open} still open (moved {visits.moved}, cancelled {visits.cancelled}).",
        "",
        *_md_table(("kind", "count"), [(k, n) for k, n in act.by_kind.items()]),
        "",
        f"{plural(act.touches, 'touch', 'touches')} (notes not counted): "
        + ", ".join(f"{k} {n}" for k, n in act.by_grade.items())
        + f"; {act.key_accounts} on key accounts.",
        "",
        "### Where the time went",
        "",
        *_md_table(
            ("class", "touches", "share", "guidance"),
            [(t.label, t.touches, percent(t.share), f"{t.guidance}%") for t in act.time],
        ),
        "",
        "## 80/20",
        "",
    ]
    p = r.pareto
    if p.customers:
        lines += [
            f"The top 20% of customers ({p.top_count} of {p.customers}) brought"
            f" {percent(p.top_share)} of the last 12 months' revenue"
            f" ({amount(p.top_revenue)} of {amount(p.revenue)}) and got"
            f" {percent(p.top_touch_share)} of this week's touches"
            f" ({p.top_touches} of {p.touches}).",
            "",
            *_md_table(
                ("customer", "revenue", "touches"),
                [(_md_who(c), amount(c.revenue), c.touches) for c in p.top[:top]],
            ),
        ]
    else:
        lines.append("No revenue recorded in the last 12 months.")
    ret = r.retention
    lines += ["", "## Retention", ""]
    if ret.customers:
        lines += [
            f"{ret.count} customers not contacted for more than {ret.days} days"
            f" (value {amount(ret.value)}).",
            "",
            *_md_table(
                ("customer", "value", "last contact", "days"),
                [
                    (_md_who(c), amount(c.value), c.last_contact.isoformat(), c.days)
                    for c in ret.customers[:top]
                ],
            ),
        ]
        if ret.count > top:
            lines.append(f"\n… and {ret.count - top} more.")
    else:
        lines.append(
            f"Every customer was contacted within {ret.days} days." if r.funnel["customer"]
            else "No customers yet."
        )
    lines += [
        "",
        "## Stage funnel",
        "",
        " → ".join(f"{stage} {count}" for stage, count in r.funnel.items()),
        "",
        "## Trends, last 12 weeks",
        "",
        f"- touches {bars([t.touches for t in r.trends])}",
        f"- live pool {bars([t.live for t in r.trends])}",
        f"- wins {bars([t.wins for t in r.trends])}",
        "",
        *_md_table(
            ("week", "touches", "live pool", "wins", "won value"),
            [
                (iso_week(t.week_start), t.touches, t.live, t.wins, amount(t.won_value))
                for t in r.trends
            ],
        ),
        "",
    ]
    return "\n".join(lines)
