"""``salesdesk serve``: the password rules, the guard in front of the board, and the board
itself in headless Chromium (Debian's chromium, driven by Playwright over CDP): it shows,
and a regrade typed in the browser lands in the database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from salesdesk.cli.serve import board_command, is_loopback, serve_token
from salesdesk.data import store
from salesdesk.data.db import open_database
from salesdesk.data.demo import fill_demo
from salesdesk.errors import InputError
from tests.conftest import TODAY

CHROMIUM = os.environ.get("SALESDESK_CHROMIUM", "/usr/bin/chromium")
#: The flags this machine's Chromium needs as root with no network (see .ci/run).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TOKEN = "s3cret-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "salesdesk", *args], capture_output=True,
                          text=True, timeout=60)


def test_loopback_addresses() -> None:
    assert is_loopback("localhost") and is_loopback("127.0.0.1") and is_loopback("::1")
    assert is_loopback("127.8.0.1") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert not is_loopback("my-laptop.local")


def test_token_sources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert serve_token(None) is None
    config = tmp_path / "config.toml"
    config.write_text('[serve]\ntoken = "from-the-file"\n')
    monkeypatch.setenv("SALESDESK_CONFIG", str(config))
    assert serve_token(None) == "from-the-file"
    monkeypatch.setenv("SALESDESK_SERVE_TOKEN", "from-the-env")
    assert serve_token(None) == "from-the-env"
    assert serve_token("from-the-flag") == "from-the-flag"
    with pytest.raises(InputError, match="too short"):
        serve_token("abc")


def test_served_command_keeps_the_database(tmp_path: Path) -> None:
    db = tmp_path / "my book.db"
    command = board_command(str(db), demo=False)
    assert command.endswith(f"-m salesdesk --db '{db}'")
    assert board_command(None, demo=True).endswith("-m salesdesk --demo")
    url = "postgresql://rep@db.example/sales"
    assert board_command(url, demo=False).endswith(f"--db {url}")


def test_other_address_without_password_is_refused() -> None:
    result = run_cli("serve", "--host", "0.0.0.0")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--token" in lines[0], result.stderr


@pytest.fixture
def demo_book(db_path: Path) -> Path:
    database = open_database(db_path)
    try:
        fill_demo(database, TODAY, prospects=30, visits=False)
    finally:
        database.close()
    return db_path


@pytest.fixture
def served(demo_book: Path) -> Iterator[str]:
    """``salesdesk --db BOOK serve --token ...`` on a free local port; its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "salesdesk", "--db", str(demo_book), "serve", "--port",
         str(port), "--token", TOKEN],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                urllib.request.urlopen(f"{base}/static/css/xterm.css", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read() if proc.stderr else ""
                    raise AssertionError(f"serve did not start: {err}") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def status_of(url: str, headers: dict[str, str] | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                    timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_guard_asks_for_the_token(served: str) -> None:
    assert status_of(f"{served}/") == 401
    assert status_of(f"{served}/?token=wrong-token") == 401
    assert status_of(f"{served}/?token={TOKEN}") == 200
    assert status_of(f"{served}/ws", {"Cookie": "salesdesk_token=nope"}) == 401
    # A page from another site cannot open the board's websocket, token or not.
    assert status_of(f"{served}/ws?token={TOKEN}", {"Origin": "http://evil.example"}) == 403


def _need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must install Chromium ({CHROMIUM}): see .ci/run")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")


def test_board_in_chromium_regrades_a_card(served: str, demo_book: Path) -> None:
    """The served board opens in a real browser, shows the cards, and `b` typed there
    regrades the selected card (the top of column A) in the database."""
    _need_chromium()
    from playwright.sync_api import sync_playwright

    database = open_database(demo_book)
    try:
        top = store.list_cards(database, TODAY, grade="A")[0]
        before = {c.id: c.grade for c in store.list_cards(database, TODAY)}
    finally:
        database.close()
    frames: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.route("**/fonts.googleapis.com/**", lambda route: route.abort())
            page.on("websocket", lambda ws: ws.on(
                "framereceived",
                lambda data: frames.append(data if isinstance(data, str)
                                           else data.decode("utf-8", "replace"))))
            page.goto(f"{served}/?token={TOKEN}")
            page.wait_for_selector("body.-first-byte", timeout=30_000)
            # The board's frames carry the top card's name and the column headings.
            deadline = time.monotonic() + 30
            while top.name not in "".join(frames):
                assert time.monotonic() < deadline, "the board never showed its cards"
                page.wait_for_timeout(100)
            page.wait_for_timeout(500)  # the board takes keys once it is drawn
            # Focus the terminal without a click (a click selects the card under it).
            page.locator("textarea.xterm-helper-textarea").focus()
            page.keyboard.press("b")
            deadline = time.monotonic() + 20
            while True:
                database = open_database(demo_book)
                try:
                    after = {c.id: c.grade for c in store.list_cards(database, TODAY)}
                finally:
                    database.close()
                if after[top.id] == "B" or time.monotonic() > deadline:
                    break
                page.wait_for_timeout(200)
            page.wait_for_timeout(700)
            shot = os.environ.get("SALESDESK_SHOT", str(demo_book.parent / "board.png"))
            page.screenshot(path=shot)
        finally:
            browser.close()
    assert after[top.id] == "B"
    assert {k: v for k, v in after.items() if k != top.id} == {
        k: v for k, v in before.items() if k != top.id}
