"""Writers of one SQLite file queue for it, first come first served (docs/performance.md).

SQLite's own busy handler retries ``BEGIN IMMEDIATE`` after growing sleeps (up to 100 ms each),
so a writer that has waited a while keeps losing to newcomers. Here each writer first queues on
a file beside the database (``FILE-writer``, mode 0600, holding nothing but a ticket counter),
sleeping in the kernel until every writer that came before it is done, and only then begins its
transaction. Programs that do not queue (an older reviewer, the sqlite3 shell) are still kept
out by SQLite's own lock, which ``BEGIN IMMEDIATE`` waits for as before.

The queue is a ticket line of byte-range locks, which the kernel frees when their holder ends,
however it ends (open-file-description locks, ``F_OFD_SETLKW``: per open file, not per process,
so closing another descriptor of the file cannot drop them):

- under a short lock on byte 0 (the desk), a writer takes ticket ``t`` from the counter stored
  in the file, locks byte ``t + 1`` (its place: held while it waits and while it writes) and
  lets the desk go;
- it then sleeps on byte ``t`` (its predecessor's place, so a release wakes one waiter only), and
  then on bytes ``1 .. t`` (every earlier place: a predecessor that gave up has let its byte go,
  but whoever is ahead of it still holds theirs);
- when its transaction ends it lets its place go, which wakes the writer behind it.

A writer that gives up after its patience (or is interrupted) just lets its place go: the one
behind it still waits for everyone ahead. The wait is reported every second (``on_wait``). In
the main thread the writer sleeps in the lock call itself, which an alarm interrupts each second
(so the writer's release wakes the next writer directly); elsewhere the blocking call runs in a
helper thread on a descriptor of its own, which lets go once granted, whenever that is. Without
open-file-description locks (not Linux) writers queue on an exclusive ``flock`` instead, which
wakes every waiter at once; where the file cannot be made or locked (a read-only folder, a
network drive), writers fall back to SQLite's wait alone.
"""

from __future__ import annotations

import os
import signal
import struct
import threading
import time
from collections.abc import Callable

try:
    import fcntl
except ImportError:             # Windows: SQLite's own wait only
    fcntl = None  # type: ignore[assignment]

OFD = fcntl is not None and hasattr(fcntl, "F_OFD_SETLKW")
TICKETS = 1 << 62               # the counter starts again here (never reached in practice)
OnWait = Callable[[float], None] | None


def _range_lock(fd: int, wait: bool, kind: int, start: int, length: int) -> None:
    """An open-file-description lock of ``kind`` (``F_RDLCK``, ``F_WRLCK``, ``F_UNLCK``) on
    ``length`` bytes from ``start`` (Linux's ``struct flock``; ``l_pid`` must be 0)."""
    arg = struct.pack("@hhqqi", kind, os.SEEK_SET, start, length, 0).ljust(32, b"\0")
    fcntl.fcntl(fd, fcntl.F_OFD_SETLKW if wait else fcntl.F_OFD_SETLK, arg)


def _blocked(call: Callable[[], None], patience: float, on_wait: OnWait) -> bool:
    """Run the blocking ``call`` in a helper thread; True once it returns within ``patience``
    seconds, reporting the wait every second, else False (the thread is left to finish)."""
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


class _GaveUp(Exception):
    """Raised by the alarm into a wait that has run out of patience."""


def _alarm_usable() -> bool:
    """Whether this thread can wait with an alarm: the main thread, SIGALRM and the timer
    unused by anyone else."""
    return (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))


def _waited_here(call: Callable[[], None], patience: float, on_wait: OnWait) -> bool:
    """Run the blocking ``call`` in this (the main) thread, so the lock wakes the waiter itself
    (one wake-up, not a helper thread's and then this one's). An alarm interrupts the call every
    second to report the wait (Python then resumes it) and, after ``patience`` seconds, raises
    into it to give up. True if the call returned in time."""
    start = time.monotonic()
    armed = [True]

    def tick(_signum: int, _frame: object) -> None:
        waited = time.monotonic() - start
        if not armed[0]:
            return
        if waited >= patience - 0.001:
            raise _GaveUp                   # never re-armed: at most one is ever raised
        if on_wait is not None:
            on_wait(waited)
        signal.setitimer(signal.ITIMER_REAL, max(0.001, min(1.0, patience - waited)))

    old = signal.signal(signal.SIGALRM, tick)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, max(0.001, min(1.0, patience)))
            call()
            return True
        except _GaveUp:
            return False
        finally:
            armed[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _GaveUp:                         # landed just after the call had returned
        return False
    finally:
        signal.signal(signal.SIGALRM, old)


class WriterQueue:
    """The queue of writers of one SQLite file; ``None`` from :func:`for_file` when there is
    none to be had."""

    def __init__(self, path: str):
        self.path = path
        self._held: int | None = None

    @staticmethod
    def for_file(db_path: str) -> WriterQueue | None:
        if fcntl is None or db_path == ":memory:":
            return None
        queue = (TicketQueue if OFD else WriterQueue)(os.path.expanduser(db_path) + "-writer")
        try:
            os.close(queue._open())
        except OSError:
            return None
        return queue

    def _open(self) -> int:
        return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self, patience: float, on_wait: OnWait) -> bool:
        """Take the lock within ``patience`` seconds (True), or give up (False). An OSError
        from ``flock`` itself (no locking on this drive) counts as taken: SQLite still guards."""
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return self._wait(patience, on_wait)
        except OSError:
            os.close(fd)
            return True
        self._held = fd
        return True

    def _wait(self, patience: float, on_wait: OnWait) -> bool:
        guard = threading.Lock()
        state = {"gave_up": False, "fd": -1}

        def block() -> None:
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:
                pass
            with guard:
                if state["gave_up"]:
                    os.close(fd)            # closing lets the lock go
                else:
                    state["fd"] = fd

        try:
            _blocked(block, patience, on_wait)
        except BaseException:               # e.g. Ctrl-C while waiting: nothing kept
            with guard:
                state["gave_up"] = True
                if state["fd"] >= 0:
                    os.close(state["fd"])
            raise
        with guard:
            if state["fd"] < 0:             # not granted in time (it may be, later)
                state["gave_up"] = True
                return False
        self._held = state["fd"]
        return True

    def release(self) -> None:
        if self._held is not None:
            fd, self._held = self._held, None
            os.close(fd)                    # closing lets the lock (or the place) go


class TicketQueue(WriterQueue):
    """First come, first served: the ticket line described above."""

    def acquire(self, patience: float, on_wait: OnWait) -> bool:
        fd = self._open()
        try:
            t = self._take_ticket(fd)
        except OSError:
            os.close(fd)
            return True                     # no locking on this drive: SQLite still guards
        self._held = fd
        try:
            got = t == 0 or self._ahead_done(fd, t) or self._wait_turn(t, patience, on_wait)
        except BaseException:               # e.g. Ctrl-C while waiting
            self.release()
            raise
        if not got:
            self.release()                  # those behind still wait for those ahead of us
        return got

    def _wait_turn(self, t: int, patience: float, on_wait: OnWait) -> bool:
        try:
            mine = os.open(self.path, os.O_RDWR)     # the waits' own descriptor
        except OSError:
            return True
        if not _alarm_usable():
            return _blocked(lambda: _behind(mine, t, close=True), patience, on_wait)
        try:
            return _waited_here(lambda: _behind(mine, t), patience, on_wait)
        except OSError:
            return True                     # no waiting on this drive: SQLite still guards
        finally:
            os.close(mine)

    @staticmethod
    def _take_ticket(fd: int) -> int:
        _range_lock(fd, True, fcntl.F_WRLCK, 0, 1)                  # the desk
        try:
            t = int.from_bytes(os.pread(fd, 8, 0).ljust(8, b"\0"), "little")
            t = t if t < TICKETS else 0
            os.pwrite(fd, (t + 1).to_bytes(8, "little"), 0)
            _range_lock(fd, False, fcntl.F_WRLCK, t + 1, 1)         # my place in the line
        finally:
            _range_lock(fd, False, fcntl.F_UNLCK, 0, 1)
        return t

    @staticmethod
    def _ahead_done(fd: int, t: int) -> bool:
        """Whether every place ahead of ticket ``t`` is free now (without waiting)."""
        try:
            _range_lock(fd, False, fcntl.F_RDLCK, 1, t)
        except OSError:
            return False
        _range_lock(fd, False, fcntl.F_UNLCK, 1, t)
        return True


def _behind(fd: int, t: int, close: bool = False) -> None:
    """Sleep until ticket ``t``'s turn: the place just ahead is let go (which wakes this waiter
    only), then every place ahead (one ahead that gave up let go of its place early)."""
    try:
        _range_lock(fd, True, fcntl.F_RDLCK, t, 1)
        _range_lock(fd, True, fcntl.F_RDLCK, 1, t)
    finally:
        if close:
            os.close(fd)                    # lets go of the read locks just granted
