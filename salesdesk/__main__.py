"""``python -m salesdesk``."""

from .launch import main

main()
