"""Shared fixtures. Every test runs with a fake HOME and data folders: the real home
directory is never touched, and the clock is fixed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from salesdesk.config import Settings
from salesdesk.data.db import Database, open_database

#: Wednesday 18 November 2026, 09:00: the fixed "now" of the test suite.
NOW = datetime(2026, 11, 18, 9, 0)
TODAY: date = NOW.date()


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("SALESDESK_DB", raising=False)
    monkeypatch.setenv("SALESDESK_NOW", NOW.isoformat())
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "salesdesk.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return Settings(db_path=db_path, clock=lambda: NOW)
