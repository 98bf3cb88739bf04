"""PostgreSQL for the tests: the ``backend`` fixture that runs chosen test modules against
both SQLite and PostgreSQL, and one fresh database per test on a throwaway cluster.

The cluster is CI's (``$SALESDESK_TEST_PG``, started by ``.ci/run``) or, on a developer's
machine without it, one this session starts itself (``tests/pg_cluster.py``) when
PostgreSQL is installed. Where CI says PostgreSQL must be there (``$CI`` or the URL set),
a test that needs it FAILS if it cannot be had; only a local run without PostgreSQL skips.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests import pg_cluster

PG_ENV = "SALESDESK_TEST_PG"
#: Test modules whose tests of the database run on both backends (the data layer, the
#: command line, and a set of Pilot flows).
BOTH_BACKENDS = {
    "test_data_layer", "test_store", "test_journal", "test_man", "test_cli",
    "test_board", "test_triage", "test_review_data", "test_merge", "test_plan_prefilter",
    "test_today_pages",
}


def _required() -> bool:
    return bool(os.environ.get(PG_ENV) or os.environ.get("CI"))


def with_database(url: str, name: str) -> str:
    """``url`` naming database ``name`` instead (the socket and user kept)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a cluster's maintenance database that tests may create databases on."""
    url = os.environ.get(PG_ENV)
    if url:
        yield url
        return
    if pg_cluster.pg_bin("initdb") is None:
        if _required():
            pytest.fail("PostgreSQL is required here (CI) but initdb is not installed")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    folder, url = pg_cluster.start()
    try:
        yield url
    finally:
        pg_cluster.stop(folder)


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A new, empty database on the test cluster for one test; dropped afterwards."""
    name = "t_" + uuid.uuid4().hex[:16]
    try:
        _admin(pg_server, f"CREATE DATABASE {name}")
    except Exception as exc:  # noqa: BLE001 - any failure to get a database fails the test
        pytest.fail(f"cannot create a test database on {pg_server}: {exc}")
    yield with_database(pg_server, name)
    _admin(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
    if "backend" in metafunc.fixturenames and module in BOTH_BACKENDS and not sqlite_only:
        metafunc.parametrize("backend", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """"sqlite", or "postgres" for the modules in BOTH_BACKENDS (each test runs twice)."""
    return str(getattr(request, "param", "sqlite"))


def book_target(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where the test's database lives on ``backend``: a file path or a server URL."""
    if backend == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return tmp_path / "data" / "salesdesk.db"


def query_any(target: Path | str, sql: str, params: tuple[object, ...] = ()) -> list[tuple]:
    """Rows of ``sql`` (SQLite's spelling) read straight from a test database, either kind:
    through the same dialect seam the app uses on PostgreSQL."""
    if isinstance(target, str) and target.startswith("postgresql://"):
        import psycopg

        from salesdesk.data.pg import PgConnection

        with psycopg.connect(target, autocommit=True) as raw:
            return list(PgConnection(raw).execute(sql, params).fetchall())
    import sqlite3

    conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def write_any(target: Path | str, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Run ``statements`` (SQLite's spelling) in one committed transaction, as another
    program would: a second connection of its own, either kind of database."""
    if isinstance(target, str) and target.startswith("postgresql://"):
        import psycopg

        from salesdesk.data.pg import PgConnection

        with psycopg.connect(target, autocommit=True) as raw:
            conn = PgConnection(raw)
            conn.execute("BEGIN IMMEDIATE")
            for sql, params in statements:
                conn.execute(sql, params)
            conn.commit()
        return
    import sqlite3

    other = sqlite3.connect(target)
    try:
        with other:
            for sql, params in statements:
                other.execute(sql, params)
    finally:
        other.close()
