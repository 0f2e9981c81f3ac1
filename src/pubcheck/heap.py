"""The cyclic garbage collector, paused while pubcheck builds the run's long-lived objects.

Extraction and the table rules allocate a few objects per table cell (a figure, its interval
and place, a tidy cell): a 50,000-row table makes millions. CPython's cyclic collector runs
every 700 allocations and, as the heap grows, rescans the older objects too: on such a table
it took about 40 per cent of `check` (7 s of 17), and a second more after them. Those objects
live until the run ends (frozen dataclasses of numbers, strings and tuples; the one cycle is a
document and the tidy tables cached on it, whose cells name the document), so there is nothing
for the collector to free while they are built; reference counting frees the short-lived ones
as usual. `rarely_collecting()` turns the collector off for such a phase and back
on after it (nested phases: the outermost restores it). The readers of untrusted files
(BeautifulSoup's trees are cyclic) run in worker processes with the collector on, and no
reader runs inside a paused phase (with `--workers 0` they run in this process, but before
extraction, not within it).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def rarely_collecting() -> Iterator[None]:
    """The cyclic collector off within the block (if it was on), back on after it.

    On the way out the objects the block made are moved to the oldest generation without a scan
    (`gc.freeze()` then `gc.unfreeze()`): left in the youngest, the first collections after the
    block would traverse all of them (about a second for a 50,000-row table), and they are
    long-lived (the run's figures and tables). Garbage cycles among them are still found by the
    next full collection. Skipped when something else has frozen objects (we would thaw them)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


__all__ = ["rarely_collecting"]
