"""A cold start imports only what the board needs: heavy, rarely used modules stay out."""

from __future__ import annotations

import json
import subprocess
import sys

RARELY_USED = ("icalendar", "vobject", "salesdesk.demo", "rich.progress", "sqlite_utils")


def test_cold_start_does_not_import_rarely_used_modules() -> None:
    code = (
        "import sys, json\n"
        "import salesdesk.cli, salesdesk.app, salesdesk.screens.board\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    loaded = set(json.loads(result.stdout))
    assert "salesdesk.screens.board" in loaded  # the probe itself worked
    for module in RARELY_USED:
        assert module not in loaded, f"{module} is imported at start"
