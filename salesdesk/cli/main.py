"""The Typer command line: the app with every command registered.

Command modules are imported explicitly here; each adds its commands to the app in
:mod:`salesdesk.cli.common`. Bare ``salesdesk`` (the board) never comes here: see
:mod:`salesdesk.launch`.
"""

from __future__ import annotations

import gc

import typer

# The command modules register their commands on import (explicitly, in help order).
from salesdesk.cli import (  # noqa: F401
    cards,
    complaints,
    history,
    io,
    man,
    merge,
    plan,
    review,
    serve,
    sync,
    team,
    today,
)
from salesdesk.cli.common import app, err_console, fail, reader_gone

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point. A usage mistake (an id that is not a number, an unknown
    option) is one line on stderr with exit code 2, like every other mistake."""
    try:  # this Typer bundles its own copy of click's exceptions
        from typer._click.exceptions import ClickException
    except ImportError:  # pragma: no cover - a Typer that uses click itself
        from click.exceptions import ClickException  # type: ignore[assignment]
    try:
        code = app(standalone_mode=False)
    except ClickException as exc:
        raise SystemExit(fail(exc.format_message(), exc.exit_code).exit_code) from None
    except (typer.Abort, KeyboardInterrupt):
        err_console().print("salesdesk: aborted")
        raise SystemExit(1) from None
    except BrokenPipeError:
        reader_gone()
    # The process ends now: its exit need not have the cycle collector walk every object
    # once more (an import's pypinyin dictionaries: a tenth of a second, or more).
    gc.freeze()
    raise SystemExit(code if isinstance(code, int) else 0)
