"""What every command shares: the Typer app and its global options, opening the database,
the consoles, and turning a user's mistake into one line and an exit code.

Command modules import from here (never from :mod:`salesdesk.cli.main`, which imports
them), so registration has no cycle.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.text import Text
from typer.core import TyperGroup

from salesdesk.cli.opening import (
    err_console,
    error_of,
    open_command_db,
    print_error,
    reader_gone,
)
from salesdesk.cli.opening import out_console as out_console  # (commands import it here)
from salesdesk.config import (
    DbTarget,
    db_target,
    default_db_path,
    demo_db_path,
    system_clock,
)
from salesdesk.data.db import CREATE_FLAG, Database
from salesdesk.errors import InputError
from salesdesk.text import one_line

DEMO_FLAG = "--demo"


def demo_first(args: list[str], group: TyperGroup) -> list[str]:
    """``args`` with a ``--demo`` given after the command's name moved before it, where the
    root option takes it: ``salesdesk list --demo`` is ``salesdesk --demo list``. A
    ``--demo`` that is the value of one of the command's options (``--note --demo``) or
    comes after ``--`` stays where it is."""
    at = 0
    while at < len(args) and args[at].startswith("-"):  # the root's own options
        at += 2 if args[at] == "--db" else 1
    if at >= len(args) or DEMO_FLAG not in args[at + 1:]:
        return args
    command = group.commands.get(args[at])
    takes_value: set[str] = set()
    for param in command.params if command is not None else ():
        if not getattr(param, "is_flag", True) and not getattr(param, "count", False):
            takes_value.update(getattr(param, "opts", ()))
    rest, demo, index = [], False, at + 1
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest.extend(args[index:])
            break
        if arg == DEMO_FLAG:
            demo = True
        else:
            rest.append(arg)
            if arg in takes_value and index + 1 < len(args):
                index += 1
                rest.append(args[index])
        index += 1
    head = args[: at + 1]
    return [DEMO_FLAG, *head, *rest] if demo else args


#: Options whose value is a file name: any bytes the system allows are fine there.
PATH_OPTIONS = frozenset({"--db", "--out", "--ics", "--markdown"})
#: Commands whose arguments (not options) are file names.
PATH_COMMANDS = frozenset({"import", "restore"})


def undecodable(args: list[str]) -> str | None:
    """The line refusing the first argument that is not valid UTF-8 text (a byte such as
    0xE9 from a Latin-1 terminal arrives as a lone surrogate), or None. File names are
    let through: the system stores them as bytes."""
    command = None
    index = 0
    while index < len(args):
        arg = args[index]
        name = arg.split("=", 1)[0]
        if name in PATH_OPTIONS:
            index += 1 if "=" in arg else 2
            continue
        if command is None and not arg.startswith("-"):
            command = arg
        elif command in PATH_COMMANDS and not arg.startswith("-"):
            index += 1
            continue
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            return (
                f"'{shown}' is not valid UTF-8 text (your terminal sends another encoding?): "
                "set the terminal to UTF-8 and type it again; nothing was changed"
            )
        index += 1
    return None


class DemoAnywhere(TyperGroup):
    """The root command: ``--demo`` works before or after the command's name; an argument
    that is not valid UTF-8 text is refused before any command runs."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        problem = undecodable(list(args))
        if problem is not None:
            raise fail(problem, 2)
        return super().parse_args(ctx, demo_first(list(args), self))


app = typer.Typer(
    cls=DemoAnywhere,
    name="salesdesk",
    help="SalesDesk: triage your prospects every morning. No command opens the board.",
    add_completion=False,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database file or postgresql:// URL (default: your data folder, or "
        "$SALESDESK_DB, or [database] url in the config file).",
        show_default=False,
    ),
]
#: A card argument: its id, or its name (or part of one) when that names exactly one card.
CardArg = Annotated[
    str,
    typer.Argument(
        metavar="CARD", help="Card id, or its name (or part of one).", show_default=False
    ),
]
#: A visit argument: the visit's id (``salesdesk plan`` lists them).
VisitArg = Annotated[str, typer.Argument(metavar="VISIT_ID", show_default=False)]
#: How many cards a name that names several lists.
LISTED_MATCHES = 10
F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one clear line to stderr and return the Exit to raise."""
    print_error(message)
    return typer.Exit(code)


def handles_errors(func: F) -> F:
    """Turn a user's mistake (SalesDeskError) into one line on stderr and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BrokenPipeError:
            reader_gone()
        except Exception as exc:
            # the user's mistake; a full disk, a damaged file, a busy database; a server
            # unreachable or gone mid-session
            error = error_of(exc)
            if error is None:
                raise
            raise fail(error.message, error.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _root_options(ctx: typer.Context) -> dict[str, Any]:
    parent = ctx.find_root().obj
    return parent if isinstance(parent, dict) else {}


def wants_demo(ctx: typer.Context) -> bool:
    """``--demo`` was given (before or after the command)."""
    return bool(_root_options(ctx).get("demo"))


def db_path(ctx: typer.Context, db: str | Path | None) -> DbTarget:
    """The database a command works on: ``--db`` (after or before the command), else the
    demo database with ``--demo``, else ``$SALESDESK_DB`` or the default location."""
    if db is not None:
        return db_target(str(db))
    root = _root_options(ctx)
    if root.get("db") is not None:
        return db_target(str(root["db"]))
    if root.get("demo"):
        return demo_db_path()
    return default_db_path()


def root_db(ctx: typer.Context, db: Path | str | None) -> str | None:
    """What ``--db`` named (after or before the command), as typed; None if not given."""
    if db is not None:
        return str(db)
    named = _root_options(ctx).get("db")
    return str(named) if named is not None else None


@contextmanager
def open_db(
    ctx: typer.Context, db: str | Path | None, *, create: bool = False, read_only: bool = False
) -> Iterator[Database]:
    """Open the database for a command (see :func:`salesdesk.cli.opening.open_command_db`):
    ``--db`` or the root's options name it; ``--demo`` fills an empty one first."""
    demo = wants_demo(ctx)
    with open_command_db(
        db_path(ctx, db), demo=demo, asked=bool(_root_options(ctx).get("create")),
        create=create, read_only=read_only, fill_demo=demo and ctx.info_name != "demo",
    ) as database:
        yield database


def card_id(database: Database, text: str) -> int:
    """The card ``text`` names: an id (``12`` or ``#12``), or a name or part of one that
    names exactly one card. Several: one line, then the matches (id, name, company), exit
    2; none: one line, exit 2. Never a parser's message."""
    from salesdesk.data import store

    value = text.strip()
    number = value.removeprefix("#")
    if number.isdecimal() and number.isascii():
        if not store.card_exists(database, int(number)):
            raise InputError(
                f"no card with id {int(number)}: salesdesk list shows the ids (--status all "
                "for closed cards too)"
            )
        return int(number)
    if not value:
        raise InputError("name a card: its id, or its name (or part of one)")
    matches = store.find_by_name(database, value, LISTED_MATCHES)
    if len(matches) == 1:
        return matches[0].id
    if not matches:
        raise InputError(
            f"no card with id or name {value!r}: salesdesk list --search TEXT finds cards "
            "by any field"
        )
    more = len(matches) > LISTED_MATCHES
    many = f"more than {LISTED_MATCHES}" if more else str(len(matches))
    exit_ = fail(f"{value!r} names {many} cards: give the id of the one you mean")
    console = err_console()
    for match in matches[:LISTED_MATCHES]:
        line = Text(f"  {match.id:>6}  ")
        line.append_text(Text(one_line(match.name)))
        if match.company:
            line.append(" · ", style="dim")
            line.append_text(Text(one_line(match.company), style="dim"))
        if match.status != "live":
            line.append(f"  ({match.status})", style="dim")
        console.print(line)
    raise exit_


def visit_number(text: str) -> int:
    """A visit id as typed (``7`` or ``#7``); one clear line when it is not a number."""
    value = text.strip().removeprefix("#")
    if not (value.isdecimal() and value.isascii()):
        raise InputError(
            f"{text.strip()!r} is not a visit id: use the number salesdesk plan shows"
        )
    return int(value)


def cli_now() -> datetime:
    """Now, from the clock ($SALESDESK_NOW fixes it)."""
    return system_clock()


def cli_today() -> date:
    return cli_now().date()


@app.callback(invoke_without_command=True)
@handles_errors
def main_callback(
    ctx: typer.Context,
    db: DbOption = None,
    demo: Annotated[
        bool,
        typer.Option(
            DEMO_FLAG,
            help="Use the separate demo database (filled if empty); before or after the "
            "command. With --db: that file, filled with demo data if empty.",
        ),
    ] = False,
    create: Annotated[
        bool,
        typer.Option(
            CREATE_FLAG,
            help="Make a new database at --db even if the file is missing or empty "
            "(0 bytes); without it an empty file is refused.",
        ),
    ] = False,
) -> None:
    """SalesDesk: triage your prospects every morning. No command opens the board."""
    ctx.obj = {"db": db, "demo": demo, "create": create}
    if ctx.invoked_subcommand is None:
        # `salesdesk`, `salesdesk --db PATH` and `salesdesk --demo` open the board in
        # salesdesk.launch before the command line is even imported; the CLI never opens
        # the TUI. Called without a command anyway (from Python), it lists the commands.
        typer.echo(ctx.get_help())
        typer.echo("\nRun salesdesk with no command (or only --db PATH, --demo) to open the board.")

