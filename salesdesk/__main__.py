"""``python -m salesdesk``."""

from salesdesk.launch import main

main()
