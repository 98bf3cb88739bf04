"""The weekly review's complaint and first-contact figures against a week computed by
hand (Mon 16 – Sun 22 Nov 2026, answer window 24 hours), then the same week through the
database, the presenter and the Markdown report."""

from __future__ import annotations

from datetime import date, datetime

from salesdesk.data import store
from salesdesk.data.db import Database
from salesdesk.data.review import load_weekly_review
from salesdesk.render.markdown import markdown_report
from salesdesk.rules.complaints import Step
from salesdesk.rules.review import ReviewData, present, weekly_review
from salesdesk.rules.review.complaints import complaint_figures, first_contact_figures
from salesdesk.rules.review.facts import CardFact, ComplaintFact, FirstContactFact

MON, SUN = date(2026, 11, 16), date(2026, 11, 22)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute)


COMPLAINTS = [
    # in time (5h), cause and resolution and follow-up and lesson all this week
    ComplaintFact(1, at(16, 10), at(16, 15), "quality", at(17, 9), at(18, 11), at(21, 10),
                  "check stock", at(21, 10), "Ann"),
    # answered after 25 hours: late; cause found this week; still open
    ComplaintFact(2, at(19, 9), at(20, 10), "service", at(20, 10)),
    # Sunday evening, not answered yet: counted as received, not as in time
    ComplaintFact(3, at(22, 20)),
    # last week's, resolved on Monday: the resolution counts this week, its cause does not
    ComplaintFact(4, at(13, 9), at(13, 12), "expectation", at(13, 12), at(16, 9)),
    # next week's: not in this week at all
    ComplaintFact(5, at(23, 9)),
]
CLOCKS = [
    FirstContactFact(11, at(16, 10), at(16, 11), at(16, 10, 30)),  # 30 min, in time
    FirstContactFact(12, at(17, 17, 30), at(18, 9, 30), at(18, 11, 30)),  # 18 h, late
    FirstContactFact(13, at(20, 20), at(23, 10)),  # still running on Sunday: not ended
    FirstContactFact(14, at(18, 12), at(18, 13)),  # never contacted: missed
    FirstContactFact(15, at(13, 10), at(13, 11), at(13, 10, 5)),  # last week's
]


def test_complaint_figures_of_a_hand_computed_week() -> None:
    figures = complaint_figures(COMPLAINTS, MON, SUN, 24)
    assert (figures.received, figures.answered_in_time) == (3, 1)
    assert round(figures.answered_share, 4) == round(1 / 3, 4)
    assert (figures.resolved, figures.followed_up, figures.open_at_end) == (2, 1, 2)
    assert figures.by_cause == {"expectation": 0, "quality": 1, "service": 1, "other": 0}
    assert [(lesson.name, lesson.text) for lesson in figures.lessons] == [("Ann", "check stock")]
    # A 48-hour window: the second one is answered in time too.
    assert complaint_figures(COMPLAINTS, MON, SUN, 48).answered_in_time == 2


def test_first_contact_figures_of_a_hand_computed_week() -> None:
    figures = first_contact_figures(CLOCKS, MON, SUN, SUN)
    assert (figures.new_leads, figures.contacted, figures.ended, figures.within) == (4, 2, 3, 1)
    assert figures.median_minutes == (30 + 18 * 60) / 2
    assert round(figures.within_share, 4) == round(1 / 3, 4)
    # Judged on Wednesday, the Friday lead does not exist yet and Thursday's is still running.
    early = first_contact_figures(CLOCKS, MON, SUN, date(2026, 11, 18))
    assert early.ended == 3


def _data() -> ReviewData:
    cards = [
        CardFact(1, "Ann", status="customer", created_on=date(2026, 1, 5)),
        CardFact(7, "Recent Complainer", status="customer", created_on=date(2026, 1, 5),
                 value=9000.0),
        CardFact(8, "Old Complainer", status="customer", created_on=date(2026, 1, 5)),
    ]
    complaints = [*COMPLAINTS,
                  ComplaintFact(7, datetime(2026, 8, 25, 9)),  # day 90 before Sunday: flagged
                  ComplaintFact(8, datetime(2026, 8, 24, 9))]  # day 91: not flagged
    return ReviewData(MON, date(2026, 11, 25), cards=cards, complaints=complaints,
                      first_contacts=CLOCKS, answer_hours=24)


def test_the_presenter_says_the_figures_and_flags_recent_complainers() -> None:
    review = weekly_review(_data())
    assert [c.name for c in review.retention.complained] == ["Recent Complainer", "Ann"]
    figures = present(review)
    said = {s.key: [str(x) for x in s.sentences] for s in figures.sections}
    assert said["complaints"] == [
        "3 received · answered within 24h 1 (33%) · resolved 2 · followed up 1 · 4 open at "
        "the week's end",
        "cause found: expectation gap 0 · product quality 1 · service 1 · other 0",
    ]
    lessons = figures.section("complaints").names[0]
    assert [(n.name, n.detail) for n in lessons.cards] == [("Ann", "check stock")]
    assert said["first_contact"] == [
        "4 new inbound leads · contacted 2 · median time to first contact 9.2 h · within the "
        "target 1 of 3 (33%)"]
    assert "⚑ 2 customers complained in the last 90 days: keep in touch" in said["retention"]
    trend = next(t for t in figures.trends if t.key == "complaints")
    assert trend.values[-2:] == (1, 3)  # last week's one, this week's three
    assert str(trend.summary) == "3 this week · 1 answered in 24h · max 3"


def test_the_same_week_from_the_database_and_in_the_report(db: Database) -> None:
    pid = store.add_prospect(db, at(16, 9), "Ann")
    first = store.record_complaint(db, at(16, 10), pid, "late", received_at=at(16, 10))
    store.take_step(db, at(16, 15), first, Step.ANSWERED)
    store.take_step(db, at(17, 9), first, Step.CAUSE, "stock out", cause_kind="quality")
    store.take_step(db, at(18, 11), first, Step.RESOLVED, "sent the rest")
    store.take_step(db, at(21, 10), first, Step.FOLLOWED_UP)
    store.take_step(db, at(21, 10), first, Step.LESSON, "check stock")
    second = store.record_complaint(db, at(19, 9), pid, "rude", received_at=at(19, 9))
    store.take_step(db, at(20, 10), second, Step.ANSWERED)
    web = store.add_prospect(db, at(16, 10), "Web lead", source="web")
    store.log_touch(db, at(16, 10, 30), web, "call")
    review = load_weekly_review(db, MON, date(2026, 11, 25))
    c = review.complaints
    assert (c.received, c.answered_in_time, c.resolved, c.followed_up) == (2, 1, 1, 1)
    assert review.first_contact.median_minutes == 30
    report = markdown_report(review)
    assert "2 received · answered within 24h 1 (50%)" in report
    assert "check stock" in report
    assert "median time to first contact 30 min" in report
    assert "| won value | complaints | in time |" in report


def test_a_clock_still_running_at_the_moment_judged_has_not_ended() -> None:
    # Judged on Wednesday 18 at 12:30, the lead created at 12:00 (due 13:00) still runs.
    noon = first_contact_figures(CLOCKS, MON, SUN, date(2026, 11, 18), at(18, 12, 30))
    assert (noon.ended, noon.within) == (2, 1)
    evening = first_contact_figures(CLOCKS, MON, SUN, date(2026, 11, 18), at(18, 13, 30))
    assert evening.ended == 3


def test_the_walk_keeps_a_space_after_a_long_kind() -> None:
    from datetime import date, datetime

    from salesdesk.data.review_queue import CardChanges, Logged
    from salesdesk.render.review_walk import changes_text

    at = datetime(2026, 11, 18, 9, 0)
    changes = CardChanges(since=at, reviewed=True,
                          touches=[Logged(at, "complaint", "complaint received: late"),
                                   Logged(at, "call", "rang")])
    shown = changes_text(changes, date(2026, 11, 18)).plain
    assert "complaint complaint received: late" in shown
    assert "call    rang" in shown  # the short kinds keep their column
