"""SQLite writers queue first come, first served (reviewer/store/writer_lock.py): real processes
take their turns in the order they came, one at a time; one that gives up or is killed while
waiting does not let those behind it in early; a writer killed while writing lets the next in
and its write is gone."""

from __future__ import annotations

import itertools
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reviewer.store import writer_lock
from reviewer.store.db import Database

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 60.0

pytestmark = pytest.mark.skipif(not writer_lock.OFD, reason="needs open-file-description locks")

# A writer: queue (with PATIENCE seconds of patience), log "got", wait for its go file, log
# "done" and let go. Logging goes to one file opened for appending (one write per line).
QUEUER = r"""
import os, sys, time
from reviewer.store.writer_lock import WriterQueue
path, name, patience, log = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
queue = WriterQueue.for_file(path)
def say(what):
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.write(fd, f"{name} {what}\n".encode())
    os.close(fd)
if not queue.acquire(patience, None):
    say("gave-up")
    sys.exit(3)
say("got")
while not os.path.exists(f"{log}.{name}.go"):
    time.sleep(0.005)
say("done")
queue.release()
"""

# A writer through Database: it adds its name to the turns taken so far; HOLD: it then waits
# for its go file inside the transaction.
WRITER = r"""
import os, sys, time
from reviewer.store.db import Database
path, name, hold = sys.argv[1], sys.argv[2], sys.argv[3]
db = Database(path, migrate=False)
with db.transaction():
    n = db.scalar("SELECT COUNT(*) FROM meta WHERE key LIKE 'turn-%'")
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (f"turn-{n:03d}", name))
    if hold == "hold":
        open(path + ".held", "w").close()
        while True:
            time.sleep(1)
"""


class Line:
    """Processes queueing for one database file, started one after another."""

    def __init__(self, tmp: Path):
        self.db = str(tmp / "q.db")
        self.log = tmp / "turns.log"
        self.procs: dict[str, subprocess.Popen] = {}

    def lock_held(self) -> bool:
        """Whether a writer holds the lock (byte ``LOCK`` of the queue's file)."""
        try:
            fd = os.open(self.db + "-writer", os.O_RDWR)
        except FileNotFoundError:
            return False
        try:
            return not writer_lock._free(fd, writer_lock.LOCK, 1)
        finally:
            os.close(fd)

    def tickets(self) -> int:
        try:
            return int.from_bytes(Path(self.db + "-writer").read_bytes()[:8], "little")
        except FileNotFoundError:
            return 0

    def join(self, name: str, patience: float = LIMIT, go: bool = True,
             code: str = QUEUER) -> subprocess.Popen:
        """Start ``name`` and return once it has taken its ticket (it is then in the line), or
        the lock straight away (nobody was in line or at work)."""
        if go:
            Path(f"{self.log}.{name}.go").touch()
        before, free = self.tickets(), not self.lock_held()
        args = [self.db, name, str(patience), str(self.log)] if code == QUEUER \
            else [self.db, name, "hold" if not go else "-"]
        proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.procs[name] = proc
        wait_until(lambda: self.tickets() > before or (free and self.lock_held()),
                   f"{name} took no ticket")
        return proc

    def lines(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def go(self, name: str) -> None:
        Path(f"{self.log}.{name}.go").touch()

    def finish(self) -> dict[str, int]:
        return {name: p.wait(LIMIT) for name, p in self.procs.items()}

    def kill_all(self) -> None:
        for p in self.procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()


def wait_until(condition, why: str) -> None:
    end = time.monotonic() + LIMIT
    while not condition():
        assert time.monotonic() < end, why
        time.sleep(0.005)


@pytest.fixture
def line(tmp_path):
    made = Line(tmp_path)
    yield made
    made.kill_all()


def turns(lines: list[str], killed: str = "") -> list[str]:
    """The names in the order they got the lock, checking no two ever held it at once (the
    ``killed`` writer never says it is done)."""
    order, holder = [], None
    for entry in lines:
        name, what = entry.split()
        if what == "got":
            holder = None if holder == killed else holder
            assert holder is None, f"{name} got the lock while {holder} held it: {lines}"
            holder = name
            order.append(name)
        elif what == "done":
            assert holder == name, lines
            holder = None
    return order


def test_writers_take_their_turns_in_the_order_they_came(line):
    line.join("first", go=False)
    wait_until(lambda: "first got" in line.lines(), "the first writer never got the lock")
    waiting = [f"w{i}" for i in range(1, 8)]
    for name in waiting:
        line.join(name)
    time.sleep(0.2)
    assert line.lines() == ["first got"]                # everyone else is still waiting
    line.go("first")
    assert set(line.finish().values()) == {0}
    assert turns(line.lines()) == ["first", *waiting]
    assert Path(line.db + "-writer").stat().st_mode & 0o777 == 0o600


def test_one_that_gives_up_or_dies_waiting_lets_nobody_in_early(line):
    line.join("first", go=False)
    wait_until(lambda: "first got" in line.lines(), "the first writer never got the lock")
    line.join("w1")
    impatient = line.join("w2", patience=1.0)
    line.join("w3")
    killed = line.join("w4")
    line.join("w5")
    assert impatient.wait(LIMIT) == 3                    # gave up, its place let go
    killed.kill()                                        # dies waiting, its place let go
    killed.wait()
    del line.procs["w4"]
    time.sleep(0.3)
    assert line.lines() == ["first got", "w2 gave-up"]  # the others still wait for "first"
    line.procs["first"].kill()                          # the holder dies: the kernel lets go
    line.procs["first"].wait()
    del line.procs["first"]
    assert set(line.finish().values()) == {0, 3}
    assert turns(line.lines(), killed="first") == ["first", "w1", "w3", "w5"]


def test_a_writer_killed_while_writing_lets_the_next_in_and_its_write_is_gone(line):
    Database(line.db).close()                            # the schema, before anyone queues
    holder = line.join("holder", go=False, code=WRITER)
    wait_until(lambda: os.path.exists(line.db + ".held"), "the holder never began")
    for name in ("a", "b", "c"):
        line.join(name, code=WRITER)
    holder.kill()
    holder.wait()
    del line.procs["holder"]
    assert set(line.finish().values()) == {0}, [p.stderr.read() for p in line.procs.values()]
    db = Database(line.db)
    try:
        names = db.all("SELECT value FROM meta WHERE key LIKE 'turn-%' ORDER BY key")
    finally:
        db.close()
    assert [n for (n,) in names] == ["a", "b", "c"]


@pytest.mark.parametrize("queue", ["tickets", "flock"])
@pytest.mark.parametrize("where", ["main thread", "other thread"])
def test_a_waiter_reports_each_second_and_gives_up_after_its_patience(tmp_path, monkeypatch,
                                                                      where, queue):
    """In the main thread the wait is interrupted by an alarm (SIGALRM, put back afterwards);
    elsewhere a helper thread waits: either way the wait is reported every second, and the
    writer gives up after its patience having written nothing. The same on the ``flock``
    queue kept where open-file-description locks are missing."""
    import signal
    import threading

    from reviewer.store.db import LockTimeout

    monkeypatch.setattr(writer_lock, "OFD", queue == "tickets")
    path = str(tmp_path / "q.db")
    holder, impatient = Database(path), Database(path, lock_timeout=2.5)
    assert isinstance(impatient._queue, writer_lock.TicketQueue) == (queue == "tickets")
    reports: list[float] = []
    impatient.on_wait = reports.append
    outcome: list[object] = []

    def try_to_write() -> None:
        start = time.monotonic()
        try:
            with impatient.transaction():
                impatient.execute("INSERT INTO meta (key, value) VALUES ('never', 'x')")
        except LockTimeout as exc:
            outcome.append((exc, time.monotonic() - start))

    with holder.transaction():
        holder.execute("INSERT INTO meta (key, value) VALUES ('holder', 'x')")
        if where == "main thread":
            try_to_write()
            assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
            assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        else:
            thread = threading.Thread(target=try_to_write)
            thread.start()
            thread.join(LIMIT)
    (exc, waited), = outcome
    assert 2.4 < waited < 4, waited
    assert [round(r) for r in reports] == [1, 2], reports
    assert holder.scalar("SELECT COUNT(*) FROM meta WHERE key = 'never'") == 0
    with impatient.transaction():                # its place was let go: it can write now
        impatient.execute("INSERT INTO meta (key, value) VALUES ('later', 'x')")
    for db in (holder, impatient):
        db.close()


@pytest.mark.parametrize("where", ["main thread", "other thread"])
def test_a_waiter_interrupted_while_waiting_keeps_no_place(tmp_path, where):
    """Ctrl-C (here: raised from the wait report) while waiting: the writer's place is let go,
    so the writer after it gets in as soon as the one at work is done."""
    import threading

    path = str(tmp_path / "q.db")
    holder, interrupted, after = (Database(path), Database(path), Database(path, lock_timeout=3))
    caught: list[BaseException] = []

    def stop(_waited: float) -> None:
        raise KeyboardInterrupt

    interrupted.on_wait = stop

    def try_to_write() -> None:
        try:
            with interrupted.transaction():
                pass
        except KeyboardInterrupt as exc:
            caught.append(exc)

    with holder.transaction():
        if where == "main thread":
            try_to_write()
        else:
            thread = threading.Thread(target=try_to_write)
            thread.start()
            thread.join(LIMIT)
    assert len(caught) == 1
    start = time.monotonic()
    with after.transaction():
        after.execute("INSERT INTO meta (key, value) VALUES ('after', 'x')")
    assert time.monotonic() - start < 0.5
    for db in (holder, interrupted, after):
        db.close()


def test_the_writer_at_work_goes_on_for_its_grace_then_queues(tmp_path):
    """Until its turn is over (``GRACE``) the writer at work keeps its turn while others
    are in line, and takes the lock again without queueing; after it, and for a newcomer, it
    queues behind them."""
    path = str(tmp_path / "q.db-writer")
    at_work, newcomer = writer_lock.TicketQueue(path), writer_lock.TicketQueue(path)
    in_line = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)   # a writer in line, never moving
    try:
        assert at_work.acquire(LIMIT, None)                 # nobody in line: its turn begins
        writer_lock.TicketQueue._take_ticket(in_line)       # ticket 0: its place is held
        at_work.release()                                   # its turn goes on
        assert at_work.acquire(1.0, None)                   # within its grace: straight in
        at_work.release()
        assert Line(tmp_path).tickets() == 1                # ... without taking a ticket
        at_work._ends = time.monotonic()                    # its turn is over
        assert not at_work.acquire(0.3, None)               # it queued behind, and gave up
        assert not newcomer.acquire(0.3, None)              # a newcomer queues too
        assert Line(tmp_path).tickets() == 3
    finally:
        os.close(in_line)
        at_work.close()
        newcomer.close()


def test_a_turn_whose_writer_stopped_keeps_no_one_waiting(line):
    """The writer at work lets the lock go, keeping its turn (someone is in line), and writes
    no more: the first in line gets the lock once the turn's grace is over, not when that
    writer comes back."""
    at_work = writer_lock.TicketQueue(line.db + "-writer")
    try:
        assert at_work.acquire(LIMIT, None)
        line.join("w1")
        at_work._ends = time.monotonic() + 0.05             # as if its turn had just begun
        os.pwrite(at_work._turn_fd, struct.pack("@d", at_work._ends), 8)
        at_work.release()
        assert at_work._turn                                # kept: w1 is in line
        wait_until(lambda: "w1 got" in line.lines(), "w1 waited for the idle writer")
        assert line.finish() == {"w1": 0}
    finally:
        at_work.close()


# A writer through Database that writes TURNS rows in a loop, each its own transaction, adding
# its name to the turns taken so far; "newcomer": one row, once the others have written ARRIVE.
# Each starts writing only once all WRITERS have started (a "ready-NAME" row each): on a busy
# machine one process can be up a whole second before the others, which is start-up, not turns.
HAMMER = r"""
import sys
from reviewer.store.db import Database
path, name, count, arrive = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
db = Database(path, migrate=False)
with db.transaction():
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (f"ready-{name}", name))
while db.scalar("SELECT COUNT(*) FROM meta WHERE key LIKE 'ready-%'") < int(sys.argv[5]):
    pass
while db.scalar("SELECT COUNT(*) FROM meta WHERE key LIKE 'turn-%'") < arrive:
    pass
for _ in range(count):
    with db.transaction():
        n = db.scalar("SELECT COUNT(*) FROM meta WHERE key LIKE 'turn-%'")
        db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (f"turn-{n:05d}", name))
"""


def test_writers_at_work_take_turns_and_a_newcomer_waits_only_a_few(tmp_path):
    """Three processes writing as fast as they can, and one more arriving meanwhile: nothing
    is lost or doubled (every transaction saw all those before it), the writer at work goes on
    only for its grace (never for all of its writes while others wait), and the newcomer's turn
    comes after a few of the others' turns, not after all of their writes."""
    path = str(tmp_path / "q.db")
    Database(path).close()
    count, arrive = 300, 60
    writers = [("a", count, 0), ("b", count, 0), ("c", count, 0), ("new", 1, arrive)]
    procs = [subprocess.Popen([sys.executable, "-c", HAMMER, path, name, str(n), str(a),
                               str(len(writers))],
                              cwd=ROOT, stderr=subprocess.PIPE, text=True)
             for name, n, a in writers]
    try:
        assert [p.wait(LIMIT) for p in procs] == [0] * 4, [p.stderr.read() for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    db = Database(path)
    try:
        rows = db.all("SELECT key, value FROM meta WHERE key LIKE 'turn-%' ORDER BY key")
    finally:
        db.close()
    assert [k for k, _ in rows] == [f"turn-{n:05d}" for n in range(3 * count + 1)]
    order = [name for _, name in rows]
    runs = [len(list(run)) for _, run in itertools.groupby(order[:order.index("new")])]
    assert max(runs) < count // 2, runs                 # nobody kept the lock for all 300
    assert order.index("new") - arrive < count, order.index("new")   # not after all 900
