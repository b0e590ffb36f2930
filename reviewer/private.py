"""Files that hold personal data: created readable by their owner only, written whole or not at
all (docs/contracts.md §5).

Every file the program writes goes through :func:`private_output`: the content is written to a
temporary file (mode 0600) beside the target and moved into place only when complete, so a
failed export leaves nothing behind and an existing file is never left half-written. Folders the
program creates get mode 0700 (:func:`private_dir`). The output's extension picks its format
(:func:`check_extension`): any other is a usage error, raised before anything is written."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from reviewer.errors import ReviewerError, UsageError

FILE_MODE = 0o600
DIR_MODE = 0o700


def check_extension(path: str | Path, allowed: Sequence[str], what: str) -> str:
    """The lower-cased extension of ``path`` if it is one of ``allowed`` (``.csv`` ...), else a
    UsageError naming the ones that are."""
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        names = " or ".join(allowed)
        raise UsageError(f"{path}: {what} must be a {names} file"
                         + (f" (not '{suffix}')" if suffix else " (the name has no extension)"))
    return suffix


def private_dir(path: str | Path) -> Path:
    """Make ``path`` and any missing parents; the folders created here get mode 0700."""
    path = Path(path).expanduser()
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        except OSError as exc:
            raise ReviewerError(f"{folder}: cannot create the folder: "
                                f"{exc.strerror or exc}") from None
        os.chmod(folder, DIR_MODE)
    return path


@contextmanager
def private_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write ``path``'s content to; on success it replaces ``path``
    with mode 0600. An OSError (unwritable folder, full disk) becomes one ReviewerError line and
    leaves no file behind (:func:`staged_output`)."""
    with staged_output(path) as tmp:
        yield tmp


def write_private_bytes(path: str | Path, data: bytes) -> Path:
    with private_output(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


# -- outputs that never destroy (docs/safe-files.md, "Outputs") --------------------------------
@contextmanager
def staged_output(path: str | Path, what: str = "") -> Iterator[Path]:
    """Yield a temporary file (0600) in ``path``'s folder, with ``path``'s extension, to write
    the whole output to; once the body is done it is renamed over ``path`` (``os.replace``).
    If anything fails — the writer, or the disclosure the body records after it — the
    temporary file is removed and ``path`` is untouched. Errors name ``path`` (``what`` it is,
    e.g. "the report"), never the temporary file."""
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    cannot = f"{target}: cannot write{f' {what}' if what else ''}"
    import tempfile  # here: `reviewer tally` need not load it (docs/performance.md)

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".part{target.suffix}",
                                   dir=folder)
    except OSError as exc:
        raise ReviewerError(f"{cannot}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        os.chmod(tmp_path, FILE_MODE)
        yield tmp_path
        os.chmod(tmp_path, FILE_MODE)         # a writer may have made the file anew
        os.replace(tmp_path, target)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        raise ReviewerError(f"{cannot}: {exc.strerror or exc}") from None
    except ReviewerError as exc:
        tmp_path.unlink(missing_ok=True)
        exc.problems = [p.replace(str(tmp_path), str(target)) for p in exc.problems]
        exc.args = ("\n".join(exc.problems),)
        raise
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def _identity(path: str | Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def open_files() -> list[str]:
    """The files this process has open (Linux: ``/proc/self/fd``; elsewhere none known)."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return []
    found = []
    for fd in fds.iterdir():
        try:
            found.append(os.readlink(fd))
        except OSError:
            continue
    return [f for f in found if f.startswith("/")]


def refuse_own_file(path: str | Path, database: str | None) -> None:
    """Refuse (one line, nothing written) an output ``path`` that is the SQLite ``database``,
    its ``-wal``, ``-shm`` or ``-journal``, or any file the program has open: the same file by
    device and inode (a link or another spelling of the name is caught), or by name when it
    does not exist yet. A folder is refused too (the rename would fail after the disclosure
    was recorded)."""
    target = Path(path).expanduser()
    own = []
    if database:
        db = Path(database).expanduser()
        own = [db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal"))]
        folder, here = _identity(db.parent), _identity(target.parent if str(target.parent)
                                                        else ".")
        if folder is not None and folder == here and target.name in [p.name for p in own]:
            raise _own_database(target)
    wanted = _identity(target)
    if wanted is None:
        return
    if target.is_dir():                 # checked now: the rename comes after the disclosure
        raise ReviewerError(f"{target}: cannot write: it is a folder; give a file name "
                            "(nothing was written)")
    if any(_identity(p) == wanted for p in own):
        raise _own_database(target)
    if any(_identity(f) == wanted for f in open_files()):
        raise ReviewerError(f"{target}: reviewer has this file open (a database or a file it "
                            "is reading); choose another output file (nothing was written)")


def _own_database(target: Path) -> ReviewerError:
    return ReviewerError(f"{target}: this is the database (or its WAL/journal); choose another "
                         "output file (nothing was written)")
