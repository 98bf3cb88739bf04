"""Command modules: each imports ``app`` from :mod:`salesdesk.cli.main` and adds its commands.

Keep heavy imports inside the command functions: every module here is imported at start.
"""
