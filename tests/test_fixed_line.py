"""A fixed line set to what it already shows is not drawn again (board titles, header and
status line call it on every key), and one set to new text is drawn, without a layout."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static

from salesdesk.widgets.fixed_line import set_line


class OneLine(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Hot (3)", id="title")


async def test_same_text_is_not_drawn_again_and_new_text_is_without_layout() -> None:
    app = OneLine()
    async with app.run_test() as pilot:
        title = app.query_one("#title", Static)
        updates: list[dict[str, Any]] = []
        real = title.update

        def counted(content: Any = "", **options: Any) -> None:
            updates.append(options)
            real(content, **options)

        title.update = counted  # type: ignore[method-assign]
        set_line(title, "Hot (3)")
        assert updates == []
        set_line(title, "Hot (4)")
        set_line(title, Text("[bold]Ltd[/]"))
        await pilot.pause()
        assert updates == [{"layout": False}, {"layout": False}]
        assert str(title.render()) == "[bold]Ltd[/]"  # literally
        set_line(title, Text("[bold]Ltd[/]"))
        assert len(updates) == 2
