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
    """Keep Python's cycle collector off the import's objects, and have it look once a chunk.

    An import allocates millions of short-lived objects (cells, values, rows), which
    reference counting frees; the collector, run every 700 allocations, would walk the
    chunk's live ones (its records, its rows) again and again, and the long-lived ones too
    (the modules, pypinyin's dictionaries of some hundred thousand entries, loaded
    mid-import): measured at half a second of a 100,000-row import even with those frozen.
    So the automatic collector is off while the import runs, and :func:`after_chunk` runs
    it once a chunk, over that chunk's objects only (cyclic garbage, should a row make
    any, lives at most a chunk), then freezes what is alive (never scanned again).
    Everything is handed back to the collector at the end, as it was, so nothing is kept
    longer.
    """
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.unfreeze()


def after_chunk() -> None:
    """Between chunks (inside :func:`collector_aside`): collect the cyclic garbage made
    since the last chunk, then freeze what lives on (caches, pypinyin once it is loaded)."""
    gc.collect(0)
    gc.freeze()
