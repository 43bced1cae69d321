"""Memory: the cyclic garbage collector kept out of bulk loading.

Loading a large state or index makes hundreds of thousands of containers that all live on;
the collector, triggered by the allocations, traverses every one of them again and again
(it took two thirds of the time to load a saved state of 20,000 cables). The data loaded
holds no cycles, so nothing is lost by pausing it there.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, keep: bool = False) -> Iterator[None]:
    """Run the block with the cyclic collector off (as it was after).

    ``keep``: what the block loaded is meant to live on; it is moved out of the collector's
    sight (:func:`gc.freeze`), or every later collection would traverse all of it again.
    Objects frozen are still freed when nothing refers to them."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if was_on:
            gc.enable()
