"""One limiter shared by every request of a run: how many are in flight, when to resume after a 429,
and whether the run was interrupted.

Every engine of a run (the chunks of one meeting, the meetings of `coach analyze a b c` or of
`coach eval`) takes its request slots from the same object, so `--concurrency N` bounds the whole
run, and a 429 that one worker receives pauses all of them instead of each finding out on its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class Cancelled(Exception):
    """The run was interrupted: no request starts any more, and an answer that arrives is dropped."""

    def __init__(self) -> None:
        super().__init__("interrupted")


class Limiter:
    """A bound on requests in flight, a shared pause after a 429, and cancellation, for one run."""

    def __init__(self, concurrency: int = 4) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.concurrency = concurrency
        self._cond = threading.Condition()
        self._in_flight = 0
        self._resume_at = 0.0  # time.monotonic() before which no request starts
        self._cancelled = False
        self.max_in_flight = 0  # the most requests that were ever in flight at once
        self.pauses = 0  # how many times a worker asked everyone to slow down

    # --- state -------------------------------------------------------------------------------

    @property
    def cancelled(self) -> bool:
        """True once `cancel` was called."""
        return self._cancelled

    @property
    def resume_at(self) -> float:
        """The `time.monotonic()` value before which no new request starts (0.0: no pause)."""
        return self._resume_at

    def check(self) -> None:
        """Raise Cancelled when the run was interrupted."""
        if self._cancelled:
            raise Cancelled()

    # --- what workers call -------------------------------------------------------------------

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one request slot, taken after any shared pause; Cancelled once the run is interrupted."""
        with self._cond:
            while True:
                if self._cancelled:
                    raise Cancelled()
                wait = self._resume_at - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                elif self._in_flight >= self.concurrency:
                    self._cond.wait()
                else:
                    break
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            yield
        finally:
            with self._cond:
                self._in_flight -= 1
                self._cond.notify_all()

    def pause(self, seconds: float) -> None:
        """No worker starts a request for `seconds` from now (a longer pause already set stays)."""
        with self._cond:
            self._resume_at = max(self._resume_at, time.monotonic() + max(seconds, 0.0))
            self.pauses += 1
            self._cond.notify_all()

    def sleep(self, seconds: float) -> None:
        """Sleep like time.sleep, but wake at once with Cancelled when the run is interrupted."""
        deadline = time.monotonic() + seconds
        with self._cond:
            while not self._cancelled:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._cond.wait(left)
        raise Cancelled()

    # --- what the interrupted caller calls ---------------------------------------------------

    def cancel(self) -> None:
        """Stop the run: waiting workers raise Cancelled now, requests in flight are abandoned."""
        with self._cond:
            self._cancelled = True
            self._cond.notify_all()
