"""Files that hold personal data: created readable by their owner only, written whole or not at
all (docs/contracts.md §5).

Every file the program writes goes through :func:`private_output`: the content is written to a
temporary file (mode 0600) beside the target and moved into place only when complete, so a
failed export leaves nothing behind and an existing file is never left half-written. Folders the
program creates get mode 0700 (:func:`private_dir`). The output's extension picks its format
(:func:`check_extension`): any other is a usage error, raised before anything is written."""

from __future__ import annotations

import os
import tempfile
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
    leaves no file behind."""
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ReviewerError(f"{target}: cannot write: {exc.strerror or exc}") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        os.chmod(tmp_path, FILE_MODE)
        yield tmp_path
        os.chmod(tmp_path, FILE_MODE)
        os.replace(tmp_path, target)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        raise ReviewerError(f"{target}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_private_bytes(path: str | Path, data: bytes) -> Path:
    with private_output(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)
