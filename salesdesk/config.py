"""Where data lives and the settings the app is started with. Nothing happens on import."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

APP_NAME = "salesdesk"
DB_ENV = "SALESDESK_DB"
#: Pretend it is this moment (ISO date or datetime): for demos, screenshots and tests.
NOW_ENV = "SALESDESK_NOW"

Clock = Callable[[], datetime]
#: What a database is named by: an SQLite file's path, or a ``postgresql://`` URL (kept as
#: text: a Path would fold its ``//``).
DbTarget = Path | str


def is_server_url(text: object) -> bool:
    """``postgresql://...`` or ``postgres://...``: a database server, not a file."""
    return isinstance(text, str) and text.lower().startswith(("postgresql://", "postgres://"))


def db_target(text: str) -> DbTarget:
    """A ``--db`` value or ``$SALESDESK_DB``: a server URL as typed, else a file path."""
    return text if is_server_url(text) else expand_path(text)


def expand_path(path: str | os.PathLike[str]) -> Path:
    """``~`` and ``~user`` expanded; an unknown user is a clear InputError, not a crash."""
    try:
        return Path(path).expanduser()
    except RuntimeError:
        from salesdesk.errors import InputError

        raise InputError(f"unknown home folder in {os.fspath(path)!r}") from None


def default_db_path() -> DbTarget:
    """``$SALESDESK_DB`` if set, else ``url`` under ``[database]`` in the config file, else
    ``salesdesk.db`` in the platform's user data folder."""
    env = os.environ.get(DB_ENV)
    if env:
        return db_target(env)
    url = file_setting("database", "url")
    if url:
        return db_target(url)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "salesdesk.db"


def system_clock() -> datetime:
    """Local wall-clock time, naive (the rep's own day); ``$SALESDESK_NOW`` fixes it."""
    fixed = os.environ.get(NOW_ENV)
    if fixed:
        try:
            return datetime.fromisoformat(fixed)
        except ValueError:
            from salesdesk.errors import InputError

            raise InputError(
                f"invalid {NOW_ENV} {fixed!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM"
            ) from None
    return datetime.now().replace(microsecond=0)


#: The config file's location can be moved (tests, a second profile).
CONFIG_ENV = "SALESDESK_CONFIG"


def config_file() -> Path:
    """``$SALESDESK_CONFIG``, else ``config.toml`` in the platform's user config folder."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return expand_path(env)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def file_setting(section: str, key: str) -> str | None:
    """``[section] key`` from the config file, or None if the file or the key is absent.

    Settings that must be known before a database is open (which database, the web
    password) live here; the rest live in the database (``salesdesk config``). A file that
    is not valid TOML is an InputError naming it."""
    path = config_file()
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8", errors="replace"))
    except tomllib.TOMLDecodeError as exc:
        from salesdesk.errors import InputError

        raise InputError(f"{path} is not valid TOML: {exc}") from None
    value = data.get(section, {}).get(key) if isinstance(data.get(section), dict) else None
    return str(value) if value not in (None, "") else None


def demo_db_path() -> Path:
    """The separate database ``salesdesk --demo`` opens, so demo data never mixes with real."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "demo.db"


@dataclass
class Settings:
    """How one run of SalesDesk is set up: which database, which clock."""

    db_path: DbTarget = field(default_factory=default_db_path)
    clock: Clock = system_clock
