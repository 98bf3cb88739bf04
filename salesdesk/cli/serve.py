"""``salesdesk serve``: the board in a web browser (textual-serve), for a phone or a tablet.

Each browser tab runs its own board process, the same command a terminal runs, on the same
database (``--db``/``--demo`` are passed on). Served on localhost unless told otherwise; any
other address needs a password (``--token``, ``$SALESDESK_SERVE_TOKEN`` or ``[serve] token``
in the config file), since whoever reaches the page can change every card.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from salesdesk.cli.common import DbOption, app, err_console, handles_errors, root_db, wants_demo
from salesdesk.config import file_setting
from salesdesk.errors import InputError

TOKEN_ENV = "SALESDESK_SERVE_TOKEN"
#: Shorter than this, a password on a network is guessed too easily.
MIN_TOKEN = 8


def is_loopback(host: str) -> bool:
    """``localhost`` or an address of this machine only (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve_token(given: str | None) -> str | None:
    """The password: ``--token``, else ``$SALESDESK_SERVE_TOKEN``, else ``[serve] token``."""
    token = given or os.environ.get(TOKEN_ENV) or file_setting("serve", "token")
    if token is not None and len(token) < MIN_TOKEN:
        raise InputError(f"the serve token is too short: use at least {MIN_TOKEN} characters")
    return token


def board_command(db: str | None, demo: bool) -> str:
    """The shell command each browser tab runs: this Python's ``salesdesk`` board on the
    same database as the command line would use."""
    parts = [sys.executable, "-m", "salesdesk"]
    if db is not None:
        is_url = "://" in db
        parts += ["--db", db if is_url else str(Path(db).expanduser().resolve())]
    if demo:
        parts.append("--demo")
    return shlex.join(parts)


@app.command("serve")
@handles_errors
def serve_command(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; any but localhost needs "
                          "--token. 0.0.0.0: every network of this machine.")
    ] = "localhost",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1,
                                      max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option("--token", help=f"Password the browser must give (?token=...); also "
                     f"${TOKEN_ENV} or [serve] token in the config file.",
                     show_default=False),
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option("--public-url", help="The address browsers use, behind a proxy.",
                     show_default=False),
    ] = None,
    db: DbOption = None,
) -> None:
    """Serve the board in a web browser (one board per tab) until Ctrl+C."""
    secret = serve_token(token)
    if secret is None and not is_loopback(host):
        raise InputError(
            f"serving on {host} lets anyone on that network change your cards: give a "
            f"password with --token (or ${TOKEN_ENV}, or [serve] token in the config file)"
        )
    command = board_command(root_db(ctx, db), wants_demo(ctx))
    from salesdesk.cli.web import DeskServer

    shown = "localhost" if host in ("0.0.0.0", "::") else host
    address = f"http://{shown}:{port}/" + ("?token=…" if secret else "")

    def banner() -> None:
        err_console().print(f"salesdesk: serving the board on {address} (Ctrl+C stops)",
                            markup=False)

    try:
        DeskServer(command, host=host, port=port, token=secret, public_url=public_url,
                   banner=banner).serve()
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
