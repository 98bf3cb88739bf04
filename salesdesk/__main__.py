"""``python -m salesdesk``."""

from .cli import main

main()
