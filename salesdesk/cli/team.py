"""``salesdesk team``: set up a team on one PostgreSQL database and manage its reps.

``team init URL`` (as the database's owner) creates the schema, the roles and the
row-level security; ``team add-rep NAME`` / ``team add-lead NAME`` create a login for one
person and print the URL they use; ``team hand-over CARD REP`` gives a customer, with its
whole history, to another rep. The policies live in the server (:mod:`salesdesk.data.team`).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit, urlunsplit

import typer

from salesdesk.cli.common import DbOption, app, handles_errors, open_db
from salesdesk.config import is_server_url
from salesdesk.errors import InputError

team_app = typer.Typer(help="A sales team on one PostgreSQL database (reps and a lead).",
                       no_args_is_help=True, rich_markup_mode=None)
app.add_typer(team_app, name="team")


def _server(url: str) -> str:
    if not is_server_url(url):
        raise InputError(f"{url!r} is not a postgresql:// URL: a team lives on a server")
    return url


def login_url(url: str, name: str, password: str) -> str:
    """``url`` with ``name``:``password`` as its user: what the person puts in their config."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{name}:{password}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@team_app.command("init")
@handles_errors
def init_command(
    url: Annotated[str, typer.Argument(metavar="URL", help="postgresql://OWNER@HOST/DB")],
) -> None:
    """Make URL's database a team database (schema, roles, row-level security)."""
    from salesdesk.data.team import init_team

    cards = init_team(_server(url))
    who = urlsplit(url).username or "you"
    typer.echo(f"team database ready ({cards:,} cards, owned by {who}); add people with: "
               "salesdesk team add-rep NAME --db URL")


def _add(ctx: typer.Context, db: str | None, name: str, lead: bool,
         password: str | None) -> None:
    from salesdesk.data.team import add_member

    with open_db(ctx, db) as database:
        if not database.is_postgres:
            raise InputError("a team lives on a PostgreSQL database: give --db postgresql://...")
        url = database.url  # type: ignore[attr-defined]
    secret = add_member(url, name, lead=lead, password=password)
    typer.echo(f"added {'lead' if lead else 'rep'} {name}; their database URL (keep it "
               f"private):\n{login_url(url, name, secret)}")


PasswordOption = Annotated[
    str | None,
    typer.Option("--password", help="Their password (default: a random one, printed).",
                 show_default=False),
]


@team_app.command("add-rep")
@handles_errors
def add_rep(ctx: typer.Context, name: Annotated[str, typer.Argument(metavar="NAME")],
            password: PasswordOption = None, db: DbOption = None) -> None:
    """Add a rep: a login that sees and changes only their own cards."""
    _add(ctx, db, name, False, password)


@team_app.command("add-lead")
@handles_errors
def add_lead(ctx: typer.Context, name: Annotated[str, typer.Argument(metavar="NAME")],
             password: PasswordOption = None, db: DbOption = None) -> None:
    """Add a lead: a login that sees everyone's cards (salesdesk review --team)."""
    _add(ctx, db, name, True, password)


@team_app.command("list")
@handles_errors
def list_members(ctx: typer.Context, db: DbOption = None) -> None:
    """The team's reps and leads."""
    from salesdesk.data.team import members

    with open_db(ctx, db) as database:
        if not database.is_postgres:
            raise InputError("a team lives on a PostgreSQL database: give --db postgresql://...")
        for member in members(database):  # type: ignore[arg-type]
            typer.echo(f"{member.name}\t{'lead' if member.lead else 'rep'}")


@team_app.command("hand-over")
@handles_errors
def hand_over_command(
    ctx: typer.Context,
    card: Annotated[int, typer.Argument(metavar="ID", help="The card's id.")],
    rep: Annotated[str, typer.Argument(metavar="REP", help="The rep who takes it.")],
    db: DbOption = None,
) -> None:
    """Give a customer to another rep, with its whole history (a lead's command)."""
    from salesdesk.data.team import hand_over

    with open_db(ctx, db) as database:
        if not database.is_postgres:
            raise InputError("a team lives on a PostgreSQL database: give --db postgresql://...")
        moved = hand_over(database, card, rep)  # type: ignore[arg-type]
    typer.echo(f"card {card} now belongs to {rep} ({moved} rows moved with it)")
