"""Writers of one SQLite file queue for it, first come first served, in turns of up to 2 ms
(docs/performance.md, "A team of scorers at once").

SQLite's own busy handler retries ``BEGIN IMMEDIATE`` after growing sleeps (up to 100 ms each),
so a writer that has waited a while keeps losing to newcomers. Here writers first lock a file
beside the database (``FILE-writer``, mode 0600: a ticket counter and when the current turn
began), sleeping in the kernel while others go first, then begin their transaction. Programs
that do not queue (the sqlite3 shell) are still kept out by SQLite's own lock.

Everything is a byte-range lock, which the kernel frees when its holder ends, however it ends
(open-file-description locks, ``F_OFD_SETLKW``: per open file, not per process):

- the writer at work holds byte ``LOCK`` while it writes; the writer whose turn it is holds
  ``TURN``, from its first write until its turn is over: ``GRACE`` after it began, or sooner
  if nobody is in line when it lets ``LOCK`` go. Within its turn it takes ``LOCK`` again
  straight away (a scorer's next answer: no sleeping writer is woken to take it instead, one
  wake-up per turn and not per answer);
- a newcomer that finds nobody in line and ``TURN`` free begins a turn at once. Otherwise it
  queues: under a short lock on byte 0 (the desk) it takes ticket ``t`` from the counter,
  locks byte ``t + 1`` (its place) and lets the desk go; it sleeps on byte ``t`` (its
  predecessor's place: a release wakes one waiter only), then on bytes ``1 .. t`` (a writer
  ahead that gave up has let its place go, but whoever is ahead of it still holds theirs);
- first in line, it sleeps on ``TURN`` until the turn at work ends, though no longer than that
  turn's ``GRACE`` (its writer may have stopped writing: it then goes on without ``TURN``, for
  one transaction), then on ``LOCK``; it then lets its place go (the next is first in line).

A writer that gives up (or is interrupted) lets all it holds go; those behind still wait for
everyone ahead. Waits are reported each second (``on_wait``, ``store.lock_waits``). Without
open-file-description locks (not Linux) writers queue on an exclusive ``flock``; where the file
cannot be made or locked (a read-only folder, a network drive), SQLite's wait alone is left.
"""

from __future__ import annotations

import os
import struct
import time
from collections.abc import Callable

from reviewer.store.lock_waits import OnWait, TurnOver, alarm_usable, blocked, waited_here

try:
    import fcntl
except ImportError:             # Windows: SQLite's own wait only
    fcntl = None  # type: ignore[assignment]

OFD = fcntl is not None and hasattr(fcntl, "F_OFD_SETLKW")
TICKETS = 1 << 62               # the counter starts again here (never reached in practice)
LOCK = TICKETS + 1              # held by the writer at work, while it writes
TURN = TICKETS + 2              # held by the writer whose turn it is, between its writes too
GRACE = 0.005                   # seconds a turn lasts at most (docs/performance.md: why) ...
SHARE = 0.05                    # ... and those in line share at most this many between them


def _range_lock(fd: int, wait: bool, kind: int, start: int, length: int = 1) -> None:
    """An open-file-description lock of ``kind`` (``F_RDLCK``, ``F_WRLCK``, ``F_UNLCK``) on
    ``length`` bytes from ``start`` (Linux's ``struct flock``; ``l_pid`` must be 0)."""
    arg = struct.pack("@hhqqi", kind, os.SEEK_SET, start, length, 0).ljust(32, b"\0")
    fcntl.fcntl(fd, fcntl.F_OFD_SETLKW if wait else fcntl.F_OFD_SETLK, arg)


def _took(fd: int, kind: int, start: int, length: int = 1) -> bool:
    """Whether a lock taken without waiting was granted."""
    try:
        _range_lock(fd, False, kind, start, length)
    except OSError:
        return False
    return True


def _free(fd: int, start: int, length: int) -> bool:
    """Whether nobody else holds any of ``length`` bytes from ``start`` (without locking)."""
    arg = struct.pack("@hhqqi", fcntl.F_WRLCK, os.SEEK_SET, start, length, 0).ljust(32, b"\0")
    return struct.unpack_from("@h", fcntl.fcntl(fd, fcntl.F_OFD_GETLK, arg))[0] == fcntl.F_UNLCK


class WriterQueue:
    """The queue of writers of one SQLite file; ``None`` from :func:`for_file` when there is
    none to be had. This one is an exclusive ``flock`` (no open-file-description locks)."""

    def __init__(self, path: str):
        self.path = path
        self._held: list[int] = []      # descriptors whose locks are let go by release()

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
            return self._wait(lambda mine: fcntl.flock(mine, fcntl.LOCK_EX), patience, on_wait)
        except OSError:
            os.close(fd)
            return True
        self._held = [fd]
        return True

    def _wait(self, block: Callable[[int], None], patience: float, on_wait: OnWait) -> bool:
        """``block`` on a descriptor of its own, in a helper thread: True if it returned within
        ``patience`` (the descriptor is then held); if not, it lets go whenever it returns."""
        import threading

        guard = threading.Lock()
        state = {"gave_up": False, "fd": -1}

        def run() -> None:
            fd = self._open()
            try:
                block(fd)
            except OSError:
                pass                        # no locking on this drive: SQLite still guards
            with guard:
                if state["gave_up"]:
                    os.close(fd)            # closing lets the lock go
                else:
                    state["fd"] = fd

        try:
            blocked(run, patience, on_wait)
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
        self._held.append(state["fd"])
        return True

    def close(self) -> None:
        """Let everything go (the database is closed)."""

    def release(self) -> None:
        held, self._held = self._held, []
        for fd in held:
            os.close(fd)                    # closing lets the locks (or the place) go


class TicketQueue(WriterQueue):
    """First come, first served, in turns of up to ``GRACE`` (less with many in line): as
    described above."""

    def __init__(self, path: str):
        super().__init__(path)
        self._turn_fd: int | None = None    # the descriptor TURN is taken with
        self._turn = False                  # TURN held: this writer's turn lasts
        self._ends = 0.0                    # when it is over (time.monotonic)

    def acquire(self, patience: float, on_wait: OnWait) -> bool:
        fd = self._open()
        try:
            if self._go_on(fd) or self._new_turn(fd):
                self._held = [fd]
                return True
            t = self._take_ticket(fd)
        except OSError:
            os.close(fd)
            return True                     # no locking on this drive: SQLite still guards
        self._held = [fd]
        try:
            got = self._wait_turn(fd, t, patience, on_wait)
        except BaseException:               # e.g. Ctrl-C while waiting
            self._end_turn()
            WriterQueue.release(self)
            raise
        if not got:
            self._end_turn()
            WriterQueue.release(self)       # those behind still wait for those ahead of us
            return False
        _range_lock(fd, False, fcntl.F_UNLCK, t + 1)    # the one behind is first in line now
        return True

    def release(self) -> None:
        """Let ``LOCK`` go; keep ``TURN`` while the turn lasts and someone is in line (else a
        newcomer may begin a turn of its own)."""
        if self._turn and self._held and (
                time.monotonic() >= self._ends or _free(self._held[0], 1, TICKETS)):
            self._end_turn()
        super().release()

    def close(self) -> None:
        self._end_turn()
        if self._turn_fd is not None:
            fd, self._turn_fd = self._turn_fd, None
            os.close(fd)

    def _go_on(self, fd: int) -> bool:
        """Within this writer's turn: take ``LOCK`` again (nobody else may); after it, let the
        turn go (waking the first in line) and queue."""
        if not self._turn:
            return False
        if time.monotonic() < self._ends and _took(fd, fcntl.F_WRLCK, LOCK):
            return True
        self._end_turn()
        return False

    def _new_turn(self, fd: int) -> bool:
        """With nobody in line and nobody's turn: begin one (``TURN``, then ``LOCK``)."""
        if not _free(fd, 1, TICKETS) or not self._took_turn():
            return False
        if _took(fd, fcntl.F_WRLCK, LOCK):
            return True
        self._end_turn()
        return False

    def _took_turn(self, wait: bool = False, t: int | None = None) -> bool:
        """Take ``TURN`` (``wait``: sleeping for it), and say when the turn ends: ``GRACE``
        from now, less if many are in line behind ticket ``t``: ``SHARE`` between them."""
        if self._turn_fd is None:
            self._turn_fd = os.open(self.path, os.O_RDWR)
        if wait:
            _range_lock(self._turn_fd, True, fcntl.F_WRLCK, TURN)
        elif not _took(self._turn_fd, fcntl.F_WRLCK, TURN):
            return False
        self._turn = True
        behind = 0 if t is None else int.from_bytes(os.pread(self._turn_fd, 8, 0), "little") - t
        self._ends = time.monotonic() + min(GRACE, SHARE / max(1, behind))
        os.pwrite(self._turn_fd, struct.pack("@d", self._ends), 8)      # for the first in line
        return True

    def _end_turn(self) -> None:
        """Let ``TURN`` go (waking the first in line), held or not (an alarm may have landed
        just after it was granted)."""
        self._turn = False
        if self._turn_fd is not None:
            _range_lock(self._turn_fd, False, fcntl.F_UNLCK, TURN)

    def _wait_turn(self, fd: int, t: int, patience: float, on_wait: OnWait) -> bool:
        if not alarm_usable():             # first in line, it waits on LOCK alone
            return self._wait(lambda mine: (_first(mine, t),
                                            _range_lock(mine, True, fcntl.F_WRLCK, LOCK)),
                              patience, on_wait)
        try:
            mine = os.open(self.path, os.O_RDWR)     # the waits' own descriptor
        except OSError:
            return True
        try:
            return waited_here(lambda until: self._first_in_line(mine, t, fd, until),
                                patience, on_wait)
        except OSError:
            return True                     # no waiting on this drive: SQLite still guards
        finally:
            os.close(mine)

    def _first_in_line(self, mine: int, t: int, fd: int,
                       until: Callable[[float], None]) -> None:
        """Wait for everyone ahead in line, then for the turn at work to end (at most till
        its grace is over, as it began: a writer that has stopped writing keeps no one
        waiting), then for ``LOCK``; the turn is this writer's if it got ``TURN``."""
        _first(mine, t)
        ends = struct.unpack("@d", os.pread(mine, 8, 8).ljust(8, b"\0"))[0]
        if not self._took_turn(t=t) and time.monotonic() < ends:
            try:
                until(ends)
                self._took_turn(wait=True, t=t)
                until(None)
            except TurnOver:
                self._end_turn()            # one transaction, then the next in line
        _range_lock(fd, True, fcntl.F_WRLCK, LOCK)

    @staticmethod
    def _take_ticket(fd: int) -> int:
        _range_lock(fd, True, fcntl.F_WRLCK, 0)                     # the desk
        try:
            t = int.from_bytes(os.pread(fd, 8, 0).ljust(8, b"\0"), "little")
            t = t if t < TICKETS else 0
            os.pwrite(fd, (t + 1).to_bytes(8, "little"), 0)
            _range_lock(fd, False, fcntl.F_WRLCK, t + 1)            # my place in the line
        finally:
            _range_lock(fd, False, fcntl.F_UNLCK, 0)
        return t


def _first(mine: int, t: int) -> None:
    """Sleep (on ``mine``) until ticket ``t`` is first in line: the place just ahead is let go
    (which wakes this waiter only), then every place ahead (one ahead that gave up let go of
    its place early)."""
    if t > 0:                               # (length 0 would mean: to the end)
        _range_lock(mine, True, fcntl.F_RDLCK, t)
        _range_lock(mine, True, fcntl.F_RDLCK, 1, t)
        _range_lock(mine, False, fcntl.F_UNLCK, 1, t)
