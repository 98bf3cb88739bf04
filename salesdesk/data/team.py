"""A team on one PostgreSQL database: each rep a login role, every row an owner, and
row-level security so a rep reads and changes only their own book while a lead sees all.

``init_team`` is idempotent (run it again after an upgrade): the schema, two group roles
(``salesdesk_rep``, ``salesdesk_lead``), an ``owner`` column (default: the role writing)
on every card, activity, visit and undo-journal row, the policies and the grants. The
policies are checked by the server on every statement, so they hold for raw SQL through
the app's own connection too. A lead reviews one rep by ``SET ROLE`` to that rep
(:func:`rep_database`): the same queries, the same policies, that rep's rows.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from salesdesk.data.pg import PgDatabase, raw_connect, safe_url
from salesdesk.data.pg_schema import prepare
from salesdesk.errors import DatabaseError, InputError, NotFound

REP_GROUP = "salesdesk_rep"
LEAD_GROUP = "salesdesk_lead"
#: Every table whose rows belong to a rep (the journal holds rows' before-images).
OWNED = ("prospect", "activity", "complaint", "visit", "contact_point", "journal",
         "journal_row", "importbatch", "redo", "redo_row")
#: Shared by the team: readable by all, the settings writable (the pool target...).
SHARED = ("setting", "sd_schema", "sd_team")
_NAME = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


@dataclass(frozen=True)
class Member:
    name: str
    lead: bool


def check_name(name: str) -> str:
    """A rep's role name: lower-case letters, digits and _, starting with a letter."""
    if not _NAME.match(name) or name.startswith(("pg_", "salesdesk_")):
        raise InputError(
            f"invalid rep name {name!r}: use 2-41 lower-case letters, digits or _, "
            "starting with a letter (e.g. anna or li_wei)"
        )
    return name


def _ident(name: str) -> sql.Identifier:
    return sql.Identifier(name)


def _run(conn: psycopg.Connection[Any], statement: str, *names: str) -> None:
    conn.execute(sql.SQL(statement).format(*(_ident(n) for n in names)))


def _role_exists(conn: psycopg.Connection[Any], name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def init_team(url: str) -> int:
    """Make the database at ``url`` a team database; returns how many cards it holds (they
    belong to the role that ran this). Needs a role that may create roles."""
    prepare(url)
    conn = raw_connect(url)
    try:
        may = conn.execute(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        if not may or not may[0]:
            raise DatabaseError(
                f"{safe_url(url)}: team init needs a user that may create roles (the "
                "database's owner with CREATEROLE, or a superuser)"
            )
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (0x5A1E7EA3,))
            for group in (REP_GROUP, LEAD_GROUP):
                if not _role_exists(conn, group):
                    _run(conn, "CREATE ROLE {} NOLOGIN", group)
            # Who is in this team (roles are the server's, shared by its databases).
            conn.execute("CREATE TABLE IF NOT EXISTS sd_team (name text PRIMARY KEY, "
                         "lead boolean NOT NULL)")
            database = conn.execute("SELECT current_database()").fetchone()
            assert database is not None
            for group in (REP_GROUP, LEAD_GROUP):
                _run(conn, "GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}", database[0], group)
                _run(conn, "GRANT USAGE ON SCHEMA public TO {}", group)
                _run(conn, "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "
                     "public TO {}", group)
                _run(conn, "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public "
                     "TO {}", group)
                _run(conn, "REVOKE INSERT, UPDATE, DELETE ON sd_schema, sd_team FROM {}",
                     group)
            for table in OWNED:
                _run(conn, "ALTER TABLE {} ADD COLUMN IF NOT EXISTS owner text NOT NULL "
                     "DEFAULT current_user", table)
                _run(conn, "CREATE INDEX IF NOT EXISTS {} ON {} (owner)", f"ix_{table}_owner",
                     table)
                _run(conn, "ALTER TABLE {} ENABLE ROW LEVEL SECURITY", table)
                _run(conn, "DROP POLICY IF EXISTS sd_own ON {}", table)
                _run(conn, "CREATE POLICY sd_own ON {} TO {} USING (owner = current_user) "
                     "WITH CHECK (owner = current_user)", table, REP_GROUP)
                _run(conn, "DROP POLICY IF EXISTS sd_lead ON {}", table)
                _run(conn, "CREATE POLICY sd_lead ON {} TO {} USING (true) WITH CHECK (true)",
                     table, LEAD_GROUP)
            count = conn.execute("SELECT count(*) FROM prospect").fetchone()
        return int(count[0]) if count else 0
    except psycopg.Error as exc:
        raise DatabaseError(f"team init on {safe_url(url)} failed: {exc}".split("\n")[0]) \
            from None
    finally:
        conn.close()


def add_member(url: str, name: str, *, lead: bool = False, password: str | None = None) -> str:
    """Create the login role ``name`` (a rep, or a lead); returns its password (made up
    when not given: 20 URL-safe characters)."""
    check_name(name)
    secret = password or secrets.token_urlsafe(15)
    conn = raw_connect(url)
    try:
        if not _is_team(conn):
            raise InputError(f"{safe_url(url)} is not a team database: run salesdesk team "
                             "init URL first")
        if _role_exists(conn, name):
            raise InputError(f"there is already a user {name!r} on this server")
        with conn.transaction():
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                _ident(name), sql.Literal(secret)))
            _run(conn, "GRANT {} TO {}", REP_GROUP, name)
            conn.execute("INSERT INTO sd_team VALUES (%s, %s)", (name, lead))
            if lead:
                _run(conn, "GRANT {} TO {}", LEAD_GROUP, name)
            else:  # a lead may act as this rep (SET ROLE) to review their week alone
                _run(conn, "GRANT {} TO {}", name, LEAD_GROUP)
        return secret
    except psycopg.Error as exc:
        raise DatabaseError(f"could not add {name}: {exc}".split("\n")[0]) from None
    finally:
        conn.close()


def _is_team(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = 'prospect' AND column_name = 'owner'"
    ).fetchone()
    return bool(row and row[0])


def members(db: PgDatabase) -> list[Member]:
    """The team's reps and leads, by name."""
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT t.name, t.lead FROM sd_team t JOIN pg_roles r ON r.rolname = t.name "
            "ORDER BY t.name"
        ).fetchall()
    return [Member(str(name), bool(lead)) for name, lead in rows]


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a team database, and whose weeks they may review: a lead every
    rep's, a rep only their own (the server's policies would hide the others' rows anyway)."""

    name: str
    lead: bool
    reps: tuple[str, ...]


def viewer(db: PgDatabase) -> Viewer | None:
    """The person behind ``db``'s connections, None on a database that is not a team's
    (no ``sd_team``). One query, then the members."""
    with db.connect() as conn:
        row = conn.raw.execute(
            "SELECT current_user::text, to_regclass('sd_team') IS NOT NULL, "
            "CASE WHEN to_regrole(%s) IS NULL THEN false "
            "ELSE pg_has_role(current_user, %s, 'MEMBER') END",
            (LEAD_GROUP, LEAD_GROUP),
        ).fetchone()
    assert row is not None
    name, is_team, lead = str(row[0]), bool(row[1]), bool(row[2])
    if not is_team:
        return None
    reps = tuple(m.name for m in members(db) if not m.lead)
    return Viewer(name, lead, reps if lead else tuple(r for r in reps if r == name))


def review_as(db: PgDatabase, rep: str) -> PgDatabase:
    """The database as ``rep`` sees it, for a review of their week; InputError with one
    line for a name not in the team, or for a rep asking for another rep's week."""
    check_name(rep)
    seen = viewer(db)
    if seen is None:
        raise InputError("--rep needs a team database (salesdesk team init)")
    if rep not in seen.reps:
        if not seen.lead and rep != seen.name:
            raise InputError(f"only a lead may review another rep's week (you are "
                             f"{seen.name})")
        raise InputError(f"no rep {rep!r} in this team (salesdesk team list shows them)")
    return rep_database(db, rep)


def rep_database(db: PgDatabase, rep: str) -> PgDatabase:
    """The same database as seen by ``rep`` (the lead's connection acting as that rep)."""
    return PgDatabase(db.url, role=check_name(rep))


def hand_over(db: PgDatabase, prospect_id: int, rep: str) -> int:
    """Give a card, with its whole history (activities, visits, undo rows), to ``rep``;
    returns how many rows moved. A lead's command: a rep's policies refuse it."""
    check_name(rep)
    names = {m.name for m in members(db)}
    if rep not in names:
        raise InputError(f"no rep {rep!r} in this team: add them with salesdesk team add-rep")
    with db.begin() as conn:
        moved = conn.execute("UPDATE prospect SET owner = ? WHERE id = ?",
                             (rep, prospect_id)).rowcount
        if not moved:
            raise NotFound(f"no prospect with id {prospect_id}")
        for table in ("activity", "visit"):
            moved += conn.execute(f"UPDATE {table} SET owner = ? WHERE prospect_id = ?",
                                  (rep, prospect_id)).rowcount
        moved += conn.execute("UPDATE journal_row SET owner = ? WHERE prospect_id = ?",
                              (rep, prospect_id)).rowcount
    return moved
