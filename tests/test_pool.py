"""The fork pool the parse and render stages share: results in order, the task's errors
raised in the caller, a dead worker reported instead of a build that waits forever."""

from __future__ import annotations

import os
import signal

import pytest

from sitegen.content.pool import ForkPool, can_fork
from sitegen.core.errors import BuildError

pytestmark = pytest.mark.skipif(not can_fork(), reason="workers are forked")


def test_results_come_in_order_and_the_task_sees_this_process_memory() -> None:
    shared = {n: n * n for n in range(200)}  # inherited by the workers, never sent

    def square(n: int) -> tuple[int, int]:
        return shared[n], os.getpid()

    with ForkPool(2, square) as pool:
        results = list(pool.map(range(200)))
    assert [value for value, _ in results] == [n * n for n in range(200)]
    assert os.getpid() not in {pid for _, pid in results}


def test_unordered_results_are_the_same_set() -> None:
    def plus_one(n: int) -> int:
        return n + 1

    with ForkPool(2, plus_one) as pool:
        assert sorted(pool.map(range(50), ordered=False)) == list(range(1, 51))


def test_an_error_in_the_task_is_raised_in_the_caller() -> None:
    def fails(n: int) -> int:
        if n == 7:
            raise BuildError("template error in item 7")
        return n

    with ForkPool(2, fails) as pool, pytest.raises(BuildError, match="item 7"):
        list(pool.map(range(20)))


def test_a_worker_killed_fails_the_stage_instead_of_hanging() -> None:
    def dies(n: int) -> int:
        if n == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return n

    with ForkPool(2, dies) as pool, pytest.raises(BuildError, match="killed by signal 9"):
        list(pool.map(range(10)))


def test_closing_leaves_no_worker_running() -> None:
    def same(n: int) -> int:
        return n

    pool = ForkPool(2, same)
    workers = [w.process for w in pool._workers]
    assert list(pool.map(range(5))) == [0, 1, 2, 3, 4]
    pool.close()
    assert not any(p.is_alive() for p in workers)
