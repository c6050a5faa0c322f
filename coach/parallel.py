"""Run a function over items on a few daemon threads and hand the results back in input order.

Not concurrent.futures: its worker threads are joined when the interpreter exits, so Ctrl-C
would wait for every HTTP request in flight. These threads are daemons, and an interrupted or
failed run simply stops handing out work and leaves the requests in flight behind.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class _Pool(Generic[T, R]):
    """The shared state of one `ordered` call: what is next, what is done, what failed."""

    def __init__(self, fn: Callable[[T], R], items: Sequence[T], workers: int) -> None:
        self.fn = fn
        self.items = items
        self.cond = threading.Condition()
        self.next = 0
        self.stopped = False
        self.results: dict[int, R] = {}
        self.errors: dict[int, BaseException] = {}
        self.running = 0
        for _ in range(min(workers, len(items))):
            threading.Thread(target=self._work, daemon=True, name="coach-worker").start()

    def _work(self) -> None:
        while True:
            with self.cond:
                if self.stopped or self.next >= len(self.items):
                    return
                i = self.next
                self.next += 1
                self.running += 1
            try:
                result = self.fn(self.items[i])
            except BaseException as exc:  # handed to the caller, who decides
                with self.cond:
                    self.errors[i] = exc
                    self.stopped = True  # a failed run starts nothing new
                    self.running -= 1
                    self.cond.notify_all()
                continue
            with self.cond:
                self.results[i] = result
                self.running -= 1
                self.cond.notify_all()

    def result(self, i: int) -> R:
        """Item i's result once it is done; its error, or the run's first error if it never ran."""
        with self.cond:
            while i not in self.results and i not in self.errors:
                if self.stopped and i >= self.next:
                    # Never started because another item failed: report that failure here.
                    if self.errors:
                        raise self.errors[min(self.errors)]
                    raise RuntimeError("the run was stopped before this item started")
                self.cond.wait()
            if i in self.errors:
                raise self.errors[i]
            return self.results.pop(i)

    def stop(self) -> None:
        """Hand out no more items; those running finish (or are abandoned) on their own."""
        with self.cond:
            self.stopped = True
            self.cond.notify_all()


def ordered(
    fn: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    *,
    on_interrupt: Callable[[], None] | None = None,
) -> Iterator[R]:
    """`fn` over `items` on at most `workers` daemon threads, yielding the results in input order.

    An item that raised raises at its place in the order, and nothing new starts after a failure.
    A KeyboardInterrupt while waiting calls `on_interrupt` (to cancel requests) and propagates
    at once, without waiting for the items still running.
    """
    items = list(items)
    if not items:
        return
    pool = _Pool(fn, items, max(1, workers))
    try:
        for i in range(len(items)):
            yield pool.result(i)
    except KeyboardInterrupt:
        pool.stop()
        if on_interrupt is not None:
            on_interrupt()
        raise
    finally:
        pool.stop()
