"""``salesdesk list`` without Typer: the fast path :mod:`salesdesk.launch` takes for it.

``list`` is what a script or a rep in a hurry runs; loading Typer and every command module
to parse its few options cost several times Python's own start. Only an argument list
made of ``list``'s own options (and the root's ``--db``, ``--demo``, ``--create``) comes
here; anything else (``--help``, an unknown option, a value that looks like an option, a
repeated option, text that is not UTF-8) goes to the Typer command, which says what is
wrong exactly as before. Both run :func:`salesdesk.cli.listing.list_cards_command`.

This module imports nothing heavy: :func:`list_request` decides for every command line.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

#: ``list``'s options that take a value, by the ListOptions field they fill.
VALUE_OPTIONS = {"--grade": "grade", "--status": "status", "--search": "search",
                 "--man": "man", "--limit": "limit", "--db": "db"}
#: ``list``'s flags, by field (``--demo`` is the root's, accepted after the command too).
FLAG_OPTIONS = {"--due": "due", "--json": "as_json", "--totals": "totals", "--all": "show_all",
                "--demo": "demo"}


@dataclass(frozen=True)
class ListRequest:
    """A ``salesdesk list`` command line, taken apart."""

    root_db: str | None = None
    db: str | None = None
    demo: bool = False
    create: bool = False
    options: dict[str, object] = field(default_factory=dict)


def list_request(argv: list[str]) -> ListRequest | None:
    """The request when ``argv`` is a plain ``list`` command line, else None (Typer's)."""
    try:
        for arg in argv:
            arg.encode("utf-8")
    except UnicodeEncodeError:
        return None
    root_db: str | None = None
    demo = create = False
    at = 0
    while at < len(argv) and argv[at].startswith("-"):
        arg = argv[at]
        if arg == "--demo":
            demo = True
        elif arg == "--create":
            create = True
        elif arg == "--db" and at + 1 < len(argv) and root_db is None:
            at += 1
            root_db = argv[at]
        elif arg.startswith("--db=") and root_db is None:
            root_db = arg.removeprefix("--db=")
        else:
            return None
        at += 1
    if argv[at:at + 1] != ["list"]:
        return None
    values: dict[str, object] = {}
    rest = argv[at + 1:]
    index = 0
    while index < len(rest):
        name, equals, value = rest[index].partition("=")
        if name in VALUE_OPTIONS:
            if not equals:
                if index + 1 >= len(rest) or rest[index + 1].startswith("-"):
                    return None
                index += 1
                value = rest[index]
            key = VALUE_OPTIONS[name]
            if key in values:
                return None
            values[key] = value
        elif rest[index] in FLAG_OPTIONS:
            values[FLAG_OPTIONS[rest[index]]] = True
        else:
            return None
        index += 1
    db = values.pop("db", None)
    demo = bool(values.pop("demo", False)) or demo
    return ListRequest(root_db, db if isinstance(db, str) else None, demo, create, values)


def piped() -> bool:
    """Standard output is not a terminal and nothing makes Rich treat it as one, so the
    list is plain text and Rich need not be loaded."""
    environ = os.environ
    if "TTY_COMPATIBLE" in environ or "FORCE_COLOR" in environ:
        return False
    try:
        return not sys.stdout.isatty()
    except ValueError:
        return True


def run_list(request: ListRequest) -> None:
    """Print the list (as ``salesdesk list`` does); a mistake is one line and an exit code."""
    from salesdesk.cli.listing import ListOptions, ListOutput, list_cards_command
    from salesdesk.cli.opening import (
        error_of,
        open_command_db,
        out_console,
        print_error,
        reader_gone,
    )
    from salesdesk.config import db_target, default_db_path, demo_db_path, system_clock

    try:
        named = request.db if request.db is not None else request.root_db
        path = (db_target(named) if named is not None
                else demo_db_path() if request.demo else default_db_path())
        output = (ListOutput.plain(sys.stdout) if piped()
                  else ListOutput.rich(out_console()))
        list_cards_command(
            ListOptions(**request.options),  # type: ignore[arg-type]
            lambda: open_command_db(path, demo=request.demo, asked=request.create,
                                    read_only=True, fill_demo=request.demo),
            output, system_clock())
        sys.stdout.flush()
    except BrokenPipeError:
        reader_gone()
    except KeyboardInterrupt:
        print_error("aborted")
        raise SystemExit(1) from None
    except Exception as exc:
        error = error_of(exc)
        if error is None:
            raise
        print_error(error.message)
        raise SystemExit(error.exit_code) from None
