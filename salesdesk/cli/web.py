"""The web server behind ``salesdesk serve``: textual-serve's server with a password.

textual-serve runs one board process per browser tab and streams it over a websocket; it
has no access control of its own. This adds two checks in front of every page but the
static files: the token (from ``?token=`` once, then an HttpOnly cookie) when one is set,
and the Origin of a websocket, so a web page from elsewhere cannot drive the board through
the rep's browser. Imported only by the ``serve`` command (aiohttp is not light).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

COOKIE = "salesdesk_token"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _same_origin(request: web.Request) -> bool:
    """No Origin header (not a browser page), or one naming this very host and port."""
    origin = request.headers.get("Origin")
    if not origin:
        return True
    return urlsplit(origin).netloc.lower() == request.host.lower()


class DeskServer(Server):
    """A textual-serve server that asks for ``token`` (None: no password, loopback only)."""

    def __init__(self, command: str, *, host: str, port: int, token: str | None,
                 public_url: str | None = None, banner: Callable[[], None] | None = None
                 ) -> None:
        super().__init__(command, host=host, port=port, title="SalesDesk",
                         public_url=public_url)
        self.token = token
        self._fixed_url = public_url is not None
        self._banner = banner

    def _allowed(self, request: web.Request) -> bool:
        if self.token is None:
            return True
        given = request.query.get("token") or request.cookies.get(COOKIE) or ""
        return hmac.compare_digest(given.encode(), self.token.encode())

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith("/static/"):
            return await handler(request)
        if not _same_origin(request):
            return web.Response(status=403, text="SalesDesk: not from this page\n")
        if not self._allowed(request):
            return web.Response(
                status=401,
                text="SalesDesk: this board needs its password: open the address with "
                "?token=YOUR_TOKEN at the end\n",
            )
        response = await handler(request)
        if self.token is not None and request.query.get("token") and request.path == "/":
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict")
        return response

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard)
        return app

    async def handle_index(self, request: web.Request) -> Any:
        # The page tells the browser where its websocket is. Bound to 0.0.0.0 the server
        # has no one address to name, so the address the browser used is the one to give.
        if not self._fixed_url:
            self.public_url = f"{request.scheme}://{request.host}"
        return await super().handle_index(request)

    async def on_startup(self, app: web.Application) -> None:
        if self._banner is not None:
            self._banner()
