"""SalesDesk: a keyboard-driven morning desk for an individual salesperson."""

__version__ = "0.1.0"
