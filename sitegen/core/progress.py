"""Progress of long work on a terminal: a bar with a rate and an ETA (tqdm), shown only
when stderr is a terminal and only once the work has run for a second, so short builds,
pipes and logs stay quiet."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from tqdm import tqdm

T = TypeVar("T")

DELAY = 1.0
"""Seconds before a bar appears: builds that finish sooner never show one."""


def progress(items: Iterable[T], total: int, label: str, unit: str = "cable") -> Iterator[T]:
    """``items``, drawing a bar on stderr while they are consumed (when it is a terminal)."""
    if not sys.stderr.isatty():
        yield from items
        return
    with _bar(total, label, unit=f" {unit}s" if unit else "") as bar:
        for item in items:
            yield item
            bar.update(1)


def _bar(total: int, label: str, **unit: Any) -> tqdm[Any]:
    """A bar on stderr that appears after :data:`DELAY` and is gone when the work ends."""
    return tqdm(
        total=total,
        desc=label,
        delay=DELAY,
        leave=False,
        file=sys.stderr,
        dynamic_ncols=True,
        mininterval=0.2,
        **unit,
    )


@contextmanager
def progress_bytes(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A bar by bytes, for work that streams one large file: the block gets a function to
    call with the position reached (nothing is drawn when stderr is not a terminal)."""
    if not sys.stderr.isatty():
        yield lambda position: None
        return
    with _bar(total, label, unit="B", unit_scale=True, unit_divisor=1024) as bar:

        def moved(position: int) -> None:
            bar.update(position - bar.n)

        yield moved
