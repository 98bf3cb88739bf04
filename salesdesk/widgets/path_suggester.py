"""Completes file and folder names as the rep types a path (``→`` accepts)."""

from __future__ import annotations

import os

from textual.suggester import Suggester


class PathSuggester(Suggester):
    """Completes file and folder names as you type (→ accepts)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value or "\n" in value:
            return None
        folder, prefix = os.path.split(os.path.expanduser(value))
        try:
            names = sorted(os.listdir(folder or "."))
        except OSError:
            return None
        for name in names:
            if name.startswith(prefix) and name != prefix:
                if name.startswith(".") and not prefix.startswith("."):
                    continue
                rest = name[len(prefix) :]
                is_dir = os.path.isdir(os.path.join(folder or ".", name))
                return value + rest + ("/" if is_dir else "")
        return None
