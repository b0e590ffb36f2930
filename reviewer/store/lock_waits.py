"""Waiting for a lock in the kernel while reporting the wait each second and giving up after a
patience (``store.writer_lock``'s waits; docs/performance.md, "A team of scorers at once").

A blocking lock call either runs in the main thread itself, which an alarm (``SIGALRM``, only
when nothing else uses it) interrupts to report, to give up, or to end a wait for a writer's
turn (:func:`waited_here`), or elsewhere in a helper thread (:func:`blocked`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

OnWait = Callable[[float], None] | None


def blocked(call: Callable[[], None], patience: float, on_wait: OnWait) -> bool:
    """Run the blocking ``call`` in a helper thread; True once it returns within ``patience``
    seconds, reporting the wait every second, else False (the thread is left to finish)."""
    import threading  # signal and threading load only for a wait: readers start faster

    done = threading.Event()

    def run() -> None:
        try:
            call()
        except OSError:
            pass
        done.set()

    threading.Thread(target=run, name="reviewer-writer-queue", daemon=True).start()
    start = time.monotonic()
    while True:
        left = patience - (time.monotonic() - start)
        if done.wait(max(0.0, min(1.0, left))):
            return True
        if left <= 1.0:
            return done.is_set()
        if on_wait is not None:
            on_wait(time.monotonic() - start)


class GaveUp(Exception):
    """Raised by the alarm into a wait that has run out of patience."""


def alarm_usable() -> bool:
    """Whether this thread can wait with an alarm: the main thread, SIGALRM and the timer
    unused by anyone else."""
    import signal
    import threading

    return (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))


class TurnOver(Exception):
    """Raised by the alarm into a wait for ``TURN`` that has lasted past the turn's grace."""


def waited_here(call: Callable[[Callable[[float | None], None]], None], patience: float,
                 on_wait: OnWait) -> bool:
    """Run the blocking ``call`` in this (the main) thread, so the lock wakes the waiter itself
    (one wake-up, not a helper thread's and then this one's). An alarm interrupts the call every
    second to report the wait (Python then resumes it) and, after ``patience`` seconds, raises
    into it to give up. ``call`` is given ``until(when)``: the alarm then also raises
    :class:`TurnOver` into it at ``when`` (``time.monotonic``; None: not), once. True if the call
    returned in time."""
    import signal

    start = time.monotonic()
    st: dict = {"armed": True, "report": start + 1.0, "until": None}

    def arm(now: float) -> None:
        due = min(start + patience, st["report"], st["until"] or st["report"])
        signal.setitimer(signal.ITIMER_REAL, max(0.0001, due - now))

    def until(when: float | None) -> None:
        st["until"] = when
        arm(time.monotonic())

    def tick(_signum: int, _frame: object) -> None:
        if not st["armed"]:
            return
        now = time.monotonic()
        if now - start >= patience - 0.001:
            raise GaveUp                   # never re-armed: at most one is ever raised
        if now >= st["report"] - 0.001:
            st["report"] = now + 1.0
            if on_wait is not None:
                on_wait(now - start)
        if st["until"] and now >= st["until"]:
            st["until"] = None
            arm(now)
            raise TurnOver
        arm(now)

    old = signal.signal(signal.SIGALRM, tick)
    try:
        try:
            arm(start)
            call(until)
            return True
        except GaveUp:
            return False
        finally:
            st["armed"] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
    except GaveUp:                         # landed just after the call had returned
        return False
    finally:
        signal.signal(signal.SIGALRM, old)
