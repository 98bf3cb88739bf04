"""The ``n`` form: the few fields a new card starts with (the rest come later)."""

from __future__ import annotations

from datetime import date
from typing import Any

from salesdesk.rules.dates import parse_next_date
from salesdesk.rules.fields import parse_field, parse_money
from salesdesk.rules.grading import Grade, parse_grade
from salesdesk.screens.form import FormField, FormScreen


class NewProspectScreen(FormScreen[dict[str, Any]]):
    """Returns the parsed values for :func:`store.add_prospect`."""

    title_text = "New prospect"

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today

    def form_fields(self) -> list[FormField]:
        return [
            FormField("name", "Name (required)", placeholder="person or company"),
            FormField("company", "Company"),
            FormField("phone", "Phone"),
            FormField("grade", "Grade A/B/C", "", "C (if left empty)"),
            FormField("value", "Estimated value", placeholder="12000 or 12k"),
            FormField("next_date", "Next step date", "", "tomorrow, fri, +3d", date=True),
            FormField("next_action", "Next action", "", "call, send quote..."),
            FormField("area", "Area / district"),
            FormField("email", "Email"),
            FormField("wechat", "WeChat 微信"),
            FormField("source", "Source", placeholder="web, phone-in, referral... (clock)"),
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#f-name").focus()

    def parse(self) -> dict[str, Any]:
        """Every bad field is reported at once (not one per enter)."""
        name = self.value("name").strip()
        if not name:
            self.invalid("name", "a prospect needs a name")
        else:
            self.check("name", parse_field, "name", name, self.today, fallback=None)
        grade = self.check("grade", parse_grade, self.value("grade") or "C", fallback=Grade.C)
        return {
            "name": name,
            "company": self.value("company").strip(),
            "phone": self.value("phone").strip(),
            "email": self.value("email").strip(),
            "wechat": self.value("wechat").strip(),
            "grade": grade.value,
            "value": self.check("value", parse_money, self.value("value"), fallback=0.0),
            "next_date": self.check(
                "next_date", parse_next_date, self.value("next_date"), self.today,
                fallback=None,
            ),
            "next_action": self.value("next_action").strip(),
            "area": self.value("area").strip(),
            "source": self.value("source").strip(),
        }
