"""The Typer command line. :mod:`salesdesk.cli.common` holds the app and what every
command shares; each command module adds its commands; :mod:`salesdesk.cli.main` imports
them all, explicitly.

Keep heavy imports inside the command functions: every module here is imported at start.
"""
