"""The small forms of a complaint: recording one (``!`` on the board, ctrl+r in the card
detail) and taking a step of it (the Complaints screen's keys). Each returns the parsed
values; the caller runs the store command, so a mistake is a notification and nothing
typed is lost (the form keeps a draft on escape)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from salesdesk.errors import InputError
from salesdesk.rules.complaints import (
    CAUSE_LABELS,
    STEP_LABELS,
    ComplaintFacts,
    Step,
    check_step,
    parse_cause,
)
from salesdesk.rules.dates import parse_moment
from salesdesk.screens.form import FieldError, FormField, FormScreen
from salesdesk.text import has_visible, one_line


@dataclass(frozen=True)
class NewComplaint:
    said: str
    expected: str
    channel: str
    received_at: datetime


@dataclass(frozen=True)
class StepValues:
    step: Step
    text: str
    at: datetime
    cause_kind: str | None = None
    compensation: str = ""


def _moment(text: str, now: datetime) -> datetime:
    return parse_moment(text or "now", now)


class ComplaintScreen(FormScreen[NewComplaint]):
    """Record a complaint: what they said (required), what they expected, the channel and
    when it came in (now, unless typed: 14:30, yesterday 16:30, -2h)."""

    def __init__(self, name: str, now: datetime) -> None:
        super().__init__()
        self.now = now
        self.title_text = f"Complaint from {one_line(name)}"

    def form_fields(self) -> list[FormField]:
        return [
            FormField("said", "They said", placeholder="what the customer said (required)"),
            FormField("expected", "They expected", placeholder="what they expected"),
            FormField("channel", "Channel", placeholder="phone, email, visit, wechat..."),
            FormField("received", "Came in", placeholder="now (or 14:30, yesterday 16:30, -2h)"),
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-said").focus()

    def parse(self) -> NewComplaint:
        said = self.value("said").strip()
        if not has_visible(said):
            self.invalid("said", "say what the customer said")
        received = self.check("received", _moment, self.value("received").strip(), self.now,
                              fallback=self.now)
        if received > self.now:
            self.invalid("received", "it cannot come in later than now")
        return NewComplaint(said, self.value("expected").strip(),
                            self.value("channel").strip(), received)


_STEP_FIELDS: dict[Step, tuple[tuple[str, str, str], ...]] = {
    Step.ANSWERED: (("text", "Answer", "what you told them (optional)"),),
    Step.CAUSE: (("cause", "Cause", "e expectation · q quality · s service · o other"),
                 ("text", "What it was", "the real cause, in a few words")),
    Step.RESOLVED: (("text", "Done", "what was done to resolve it"),
                    ("compensation", "Compensation", "optional")),
    Step.FOLLOWED_UP: (("text", "How it went", "optional"),),
    Step.LESSON: (("text", "Lesson", "what to do differently (required)"),),
}
_CAUSE_LETTERS = {"e": "expectation", "q": "quality", "s": "service", "o": "other"}


class ComplaintStepScreen(FormScreen[StepValues]):
    """Take one step of a complaint (answered, cause, resolved, followed up, lesson). With
    the complaint's ``facts``, a time the step cannot have (before the complaint came in)
    is refused under the When field, the form staying open."""

    def __init__(self, complaint_id: int, name: str, step: Step, now: datetime,
                 facts: ComplaintFacts | None = None) -> None:
        super().__init__()
        self.step = step
        self.now = now
        self.facts = facts
        self.title_text = f"Complaint #{complaint_id} of {one_line(name)}: {STEP_LABELS[step]}"

    def form_fields(self) -> list[FormField]:
        fields = [FormField(name, label, placeholder=hint)
                  for name, label, hint in _STEP_FIELDS[self.step]]
        if self.step != Step.LESSON:
            fields.append(FormField("at", "When", placeholder="now (or 14:30, -2h)"))
        return fields

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(f"#f-{self.form_fields()[0].name}").focus()

    def parse(self) -> StepValues:
        names = {spec.name for spec in self.form_fields()}
        text = self.value("text").strip()
        if self.step == Step.LESSON and not has_visible(text):
            raise FieldError("text", "type the lesson")
        kind = None
        if "cause" in names:
            typed = self.value("cause").strip().lower()
            typed = _CAUSE_LETTERS.get(typed, typed)
            kind = self.check("cause", parse_cause, typed, fallback=None)
            kind = kind.value if kind is not None else None
        at = self.now
        if "at" in names:
            at = self.check("at", _moment, self.value("at").strip(), self.now, fallback=self.now)
            if at > self.now:
                self.invalid("at", "a step cannot be later than now")
            elif self.facts is not None and at < self.facts.received_at:
                try:
                    check_step(self.facts, self.step, at)
                except InputError as exc:
                    self.invalid("at", exc.message)
        compensation = self.value("compensation").strip() if "compensation" in names else ""
        return StepValues(self.step, text, at, kind, compensation)


CAUSE_HELP = ", ".join(f"{letter} {CAUSE_LABELS[parse_cause(word)]}"
                       for letter, word in _CAUSE_LETTERS.items())
