"""Settings kept in the database (table ``setting``): read with their defaults, validated on
the way in. What each setting means and accepts is the pure :mod:`salesdesk.rules.settings`."""

from __future__ import annotations

from salesdesk.data.db import Database
from salesdesk.errors import InputError
from salesdesk.rules.settings import SETTINGS, parse_setting

DEFAULT_POOL_TARGET = 50
SETTINGS_DEFAULTS: dict[str, str] = {key: spec.default for key, spec in SETTINGS.items()}


def get_setting(db: Database, key: str) -> str:
    """A setting's stored value, or its default."""
    if key not in SETTINGS:
        raise InputError(f"unknown setting {key!r}: known are {', '.join(SETTINGS)}")
    with db.connect() as conn:
        row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row is not None else SETTINGS[key].default


def get_settings(db: Database) -> dict[str, str]:
    """Every setting, stored or default."""
    with db.connect() as conn:
        stored: dict[str, str] = dict(
            conn.execute("SELECT key, value FROM setting").fetchall()
        )
    return {key: str(stored.get(key, spec.default)) for key, spec in SETTINGS.items()}


def set_setting(db: Database, key: str, value: str) -> None:
    """Validate and store a setting (InputError with a clear message if invalid)."""
    value = parse_setting(key, value)
    with db.begin() as conn:
        conn.execute(
            "INSERT INTO setting (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def pool_target(db: Database) -> int:
    """How many live prospects the rep keeps in the pool (the header shows live / target)."""
    return int(get_setting(db, "pool_target"))

