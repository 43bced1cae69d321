"""A pool of forked worker processes that run one task over many items.

The parse and render stages hand their workers large read-only data (the archive, the
planner, the templates). Forked workers inherit it from this process's memory: the task is
given to each worker as it starts, never pickled, and nothing is kept in a module global
for them to find. Only the items and the results cross the pipes.

A worker that dies (killed, out of memory) fails the stage with an error that says so,
instead of leaving the build waiting for an answer that never comes.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

from sitegen.core.errors import BuildError

T = TypeVar("T")
R = TypeVar("R")

IN_FLIGHT = 2
"""Items sent ahead to each worker, so it starts the next while its result travels back."""


def can_fork() -> bool:
    """Workers can start as copies of this process (not on Windows): without that, the
    stages run in this process alone."""
    return "fork" in multiprocessing.get_all_start_methods()


def _serve(task: Callable[[Any], Any], connection: Connection, inherited: list[Connection]) -> None:
    """A worker's loop: an item in, its result (or its exception) out, until told to stop
    or until the pool's end of the pipe is gone (the build was killed)."""
    for other in inherited:  # the pool's ends of the pipes: a dead pool must mean EOF here
        other.close()
    gc.enable()  # (a worker collects garbage as usual, even when forked while paused)
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        number, item = message
        try:
            reply: tuple[int, bool, Any] = (number, True, task(item))
        except BaseException as exc:  # sent back and raised by the pool, as it was
            reply = (number, False, exc)
        try:
            connection.send(reply)
        except (OSError, EOFError):
            return
        except Exception as exc:  # a result or an exception that cannot be pickled
            connection.send((number, False, BuildError(f"a worker's answer was lost: {exc!r}")))


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    connection: Connection
    sent: list[int]
    """The numbers of the items it holds, oldest first."""


class ForkPool(Generic[T, R]):
    """``workers`` forked processes running ``task``; use as a context manager."""

    def __init__(self, workers: int, task: Callable[[T], R]) -> None:
        context = multiprocessing.get_context("fork")
        self._workers: list[_Worker] = []
        ours: list[Connection] = []
        for _ in range(workers):
            mine, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(task, theirs, [*ours, mine]))
            process.daemon = True
            process.start()
            theirs.close()
            ours.append(mine)
            self._workers.append(_Worker(process, mine, []))

    def __enter__(self) -> ForkPool[T, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers: those idle are told to, the others (an error stopped the
        stage) are ended."""
        for worker in self._workers:
            try:
                if worker.sent:
                    worker.process.terminate()
                else:
                    worker.connection.send(None)
            except (OSError, ValueError):
                pass
        for worker in self._workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.connection.close()
        self._workers = []

    def map(self, items: Iterable[T], *, ordered: bool = True) -> Iterator[R]:
        """The task's result for each item: in the items' order, or (``ordered`` false) as
        they come. An exception raised by the task is raised here."""
        todo = enumerate(items)
        done: dict[int, R] = {}
        following = 0
        for worker in self._workers:
            for _ in range(IN_FLIGHT):
                self._send(worker, todo)
        while any(worker.sent for worker in self._workers):
            for number, result in self._receive(todo):
                if not ordered:
                    yield result
                    continue
                done[number] = result
                while following in done:
                    yield done.pop(following)
                    following += 1

    def _send(self, worker: _Worker, todo: Iterator[tuple[int, T]]) -> None:
        item = next(todo, None)
        if item is not None:
            worker.sent.append(item[0])
            try:
                worker.connection.send(item)
            except OSError:  # the worker is gone
                self._died(worker)

    def _receive(self, todo: Iterator[tuple[int, T]]) -> Iterator[tuple[int, R]]:
        """The results that are ready (waiting for one at least), each worker given its
        next item as it answers."""
        busy = [w for w in self._workers if w.sent]
        waited: list[Any] = [w.connection for w in busy] + [w.process.sentinel for w in busy]
        ready = set(wait(waited))
        for worker in busy:
            if worker.connection in ready or worker.connection.poll():
                try:
                    number, ok, value = worker.connection.recv()
                except (EOFError, OSError):
                    self._died(worker)
                worker.sent.remove(number)
                if not ok:
                    raise value
                self._send(worker, todo)
                yield number, value
            elif worker.process.sentinel in ready:
                self._died(worker)

    def _died(self, worker: _Worker) -> None:
        worker.process.join(timeout=1)
        code = worker.process.exitcode
        how = f"was killed by signal {-code}" if code is not None and code < 0 else "exited"
        raise BuildError(
            f"a worker process {how} (out of memory?) while it held {len(worker.sent)} "
            "items of work; the build stopped and the previous site is intact"
        )
