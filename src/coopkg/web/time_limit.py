"""Bound every query in time, and really stop the work of one that overruns.

pyoxigraph evaluates a query in Rust with the GIL released and cannot be interrupted:
SIGALRM never reaches it, and there is no cancellation handle. What does keep running is
another Python thread of the same process. So each request thread hands its query to a
helper thread of its own and waits on a lock with a timeout:

- in time: the answer comes back (the hand-off costs two thread switches, measured in
  benchmarks/);
- late: the request thread answers **503** at the deadline and abandons the helper, which
  is still computing. The only way to stop that computation is to end its process, so the
  worker then asks its server to replace it, gracefully (``SIGTERM`` to itself: requests in
  flight finish, new ones go to the other workers). gunicorn forks the replacement from its
  preloaded master (the store is shared copy-on-write, so it answers at once); granian
  respawns it when run with ``--respawn-failed-workers`` (a worker younger than 6 s waits
  until then, since granian stops altogether when one worker fails twice within 5.5 s).
  Under the development server nothing can replace the process: the overrun is logged.
"""

from __future__ import annotations

import _thread
import logging
import os
import signal
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from ..query_errors import QueryTimeout

log = logging.getLogger(__name__)

#: granian treats a worker failing twice within 5.5 s as a crash loop and exits altogether
_GRANIAN_MIN_WORKER_AGE = 6.0


class _Helper:
    """One helper thread, fed one job at a time through a pair of locks.

    The thread holds no reference to this object, only to the locks and a slot, so when the
    request thread that owns the helper ends (servers that use a thread per request), the
    helper is collected and its thread told to stop.
    """

    def __init__(self) -> None:
        self._go = _thread.allocate_lock()
        self._go.acquire()
        self._done = _thread.allocate_lock()
        self._done.acquire()
        #: [job, result, failed, stop]
        self._slot: list[Any] = [None, None, False, False]
        threading.Thread(target=_serve, args=(self._go, self._done, self._slot), name="coopkg-query",
                         daemon=True).start()
        weakref.finalize(self, _stop, self._go, self._slot)

    def call(self, seconds: float, function: Callable[..., Any], arguments: tuple) -> tuple[bool, Any]:
        """Returns (finished, result); raises what ``function`` raised."""
        slot = self._slot
        slot[0] = (function, arguments)
        self._go.release()
        if not self._done.acquire(True, seconds):
            slot[3] = True  # abandoned: the thread ends after this job, if it ever ends
            return False, None
        result, failed = slot[1], slot[2]
        slot[1] = None
        if failed:
            raise result
        return True, result


def _serve(go, done, slot: list[Any]) -> None:
    while True:
        go.acquire()
        job = slot[0]
        if job is None:
            return
        function, arguments = job
        try:
            slot[1], slot[2] = function(*arguments), False
        except BaseException as error:  # handed back to the request thread as is
            slot[1], slot[2] = error, True
        slot[0] = None
        if slot[3]:
            return
        done.release()


def _stop(go, slot: list[Any]) -> None:
    slot[0] = None
    slot[3] = True
    go.release()


class TimeLimit:
    """Run query work with a deadline; ``seconds`` of 0 or less runs it inline, unbounded."""

    def __init__(self, seconds: float, *, recycle: bool = True) -> None:
        self.seconds = seconds
        self.recycle = recycle
        self._local = threading.local()
        self._born = time.monotonic()
        self._recycling = False

    def run(self, function: Callable[..., Any], *arguments: Any, server: str = "") -> Any:
        if self.seconds <= 0:
            return function(*arguments)
        helper = getattr(self._local, "helper", None)
        if helper is None:
            helper = self._local.helper = _Helper()
        started = time.monotonic()
        finished, result = helper.call(self.seconds, function, arguments)
        if finished:
            return result
        self._local.helper = None
        self._overran(server, time.monotonic() - started)
        raise QueryTimeout(f"query stopped after {self.seconds:g} s, the time limit of this endpoint: "
                           "narrow it (more constants, a LIMIT, fewer OPTIONALs) or download the dumps "
                           "and run it locally")

    def _overran(self, server: str, elapsed: float) -> None:
        software = server.lower()
        if not self.recycle or not software.startswith(("gunicorn", "granian")):
            log.warning("query overran its %.1f s limit (%.2f s); its thread keeps running: this server cannot "
                        "replace the process", self.seconds, elapsed)
            return
        if self._recycling:
            return
        self._recycling = True
        delay = 0.0
        if software.startswith("granian"):
            delay = max(0.0, self._born + _GRANIAN_MIN_WORKER_AGE - time.monotonic())
        log.warning("query overran its %.1f s limit; replacing worker %d in %.1f s", self.seconds, os.getpid(), delay)
        timer = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGTERM))
        timer.daemon = True
        timer.start()
