"""Settings kept in the database (so backups carry them): names, defaults, validation."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from salesdesk.errors import InputError


def _whole(low: int, high: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip()
        if not value.isdecimal() or not low <= int(value) <= high:
            raise InputError(
                f"invalid value {text.strip()!r}: use a whole number from {low} to {high}"
            )
        return str(int(value))

    return parse


def _money(text: str) -> str:
    from salesdesk.rules.fields import parse_money

    return f"{parse_money(text):g}"


_NTH_DAY = re.compile(r"^([1-5])-(mon|tue|wed|thu|fri|sat|sun)$")


def _nth_weekday(text: str) -> str:
    value = text.strip().lower()
    if value in ("none", "off", ""):
        return "none"
    if not _NTH_DAY.match(value):
        raise InputError("use N-ddd, e.g. 2-fri for the Friday of the second week, or none")
    return value


_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def _month_days(text: str) -> str:
    days = [d.strip() for d in text.split(",") if d.strip()]
    for day in days:
        if not _MONTH_DAY.match(day):
            raise InputError(f"{day!r} is not MM-DD: use MM-DD, comma separated (03-01,09-01)")
    return ",".join(days)


def _one_of(*choices: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in choices:
            raise InputError(f"invalid value {text.strip()!r}: use {' or '.join(choices)}")
        return value

    return parse


def _working_hours(text: str) -> str:
    from salesdesk.rules.first_contact import parse_working_hours

    start, end = parse_working_hours(text)
    return f"{start:%H:%M}-{'24:00' if end.hour == end.minute == 0 else f'{end:%H:%M}'}"


def _working_days(text: str) -> str:
    from salesdesk.rules.first_contact import DAY_NAMES, parse_working_days

    return ",".join(DAY_NAMES[d] for d in sorted(parse_working_days(text)))


def _sources(text: str) -> str:
    return ",".join(s.strip() for s in text.split(",") if s.strip())


def _region(text: str) -> str:
    value = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise InputError("use a two-letter country code (CN, DE, US, GB ...)")
    return value


def _chances(text: str) -> str:
    from salesdesk.rules.pipeline import format_probabilities, parse_probabilities

    return format_probabilities(parse_probabilities(text))


@dataclass(frozen=True)
class SettingSpec:
    default: str
    parse: Callable[[str], str]
    help: str


SETTINGS: dict[str, SettingSpec] = {
    "pool_target": SettingSpec("50", _whole(1, 100_000), "live prospects to keep in the pool"),
    "day_capacity": SettingSpec("4", _whole(1, 20), "visits a day can hold"),
    "new_customer_day": SettingSpec(
        "2-fri", _nth_weekday, "day kept for new prospects: N-ddd (2-fri) or none"
    ),
    "key_account_days": SettingSpec("30", _whole(1, 365), "days between key-account visits"),
    "customer_days": SettingSpec("90", _whole(1, 730), "days between visits to other customers"),
    "thank_you_threshold": SettingSpec(
        "10000", _money, "a purchase at least this large earns a thank-you within a week"
    ),
    "season_dates": SettingSpec(
        "", _month_days, "new seasons or launches (MM-DD,...): call key accounts before"
    ),
    "retention_days": SettingSpec(
        "60", _whole(1, 3650), "a customer silent this long is a retention warning"
    ),
    "backups_keep": SettingSpec("14", _whole(1, 365), "daily automatic backups to keep"),
    "journal_keep_days": SettingSpec(
        "90", _whole(1, 3650), "days of changes the undo journal keeps (older ones: no undo)"
    ),
    "after_regrade": SettingSpec(
        "stay", _one_of("stay", "follow"),
        "after a b c on the board: stay in the column (stay) or follow the card (follow)",
    ),
    "phone_region": SettingSpec(
        "CN", _region, "country of phone numbers written without +: CN, DE, US ... (import)"
    ),
    "amount_locale": SettingSpec(
        "auto", _one_of("auto", "en", "eu"),
        "how imported amounts are written: auto, en (1,234.56) or eu (1.234,56)",
    ),
    "visit_alarm_minutes": SettingSpec(
        "0", _whole(0, 1440), "calendar reminder this many minutes before a visit (0: none)"
    ),
    "forecast_probability": SettingSpec(
        "A=0.6,B=0.3,C=0.1", _chances,
        "chance a card of each grade closes: the weighted forecast (A=0.6,B=0.3,C=0.1)",
    ),
    "board_legend": SettingSpec(
        "off", _one_of("on", "off"), "the board's line explaining the marks (L toggles it)"
    ),
    "complaint_answer_hours": SettingSpec(
        "24", _whole(1, 168), "hours to answer a complaint (the answer clock)"
    ),
    "complaint_follow_up_days": SettingSpec(
        "3", _whole(1, 60), "days after resolving a complaint the follow-up contact is due"
    ),
    "working_hours": SettingSpec(
        "09:00-18:00", _working_hours,
        "the working day (HH:MM-HH:MM): the first-contact clock runs in it; after its end,"
        " visits are suggested from tomorrow",
    ),
    "working_days": SettingSpec(
        "mon,tue,wed,thu,fri", _working_days, "working days: mon-fri or mon,tue,..."
    ),
    "first_contact_hours": SettingSpec(
        "1", _whole(1, 40), "working hours to contact a new inbound lead"
    ),
    "first_contact_sources": SettingSpec(
        "web,phone-in,walk-in,exhibition,referral", _sources,
        "sources that start the first-contact clock (comma separated)",
    ),
}


def parse_setting(key: str, value: str) -> str:
    spec = SETTINGS.get(key)
    if spec is None:
        raise InputError(f"unknown setting {key!r}: known are {', '.join(SETTINGS)}")
    try:
        return spec.parse(value)
    except InputError as exc:
        reason = exc.message.split(": ", 1)[-1]
        raise InputError(f"invalid {key.replace('_', ' ')} {value.strip()!r}: {reason}") from None
