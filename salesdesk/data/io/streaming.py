"""How an import walks its file: in chunks of records, with Python's cycle collector kept
off the objects that live through it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from salesdesk.data.io.csv_import import Record


def chunks(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    """``records`` in lists of ``size`` (each written with one ``executemany``)."""
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextmanager
def collector_aside() -> Iterator[None]:
    """Keep Python's cycle collector off the import's long-lived objects.

    An import allocates millions of short-lived objects (cells, values, rows), which
    reference counting frees; the collector, run every 700 allocations, would also walk the
    long-lived ones again and again (the modules, pypinyin's dictionaries of some hundred
    thousand entries, loaded mid-import): measured at a fifth of a 100,000-row import.
    What is alive now, and after each chunk (the importer calls :func:`gc.freeze` then),
    is frozen: never scanned again. Everything is handed back to the collector at the end,
    so nothing is kept longer.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
