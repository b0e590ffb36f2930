"""User-facing errors: each carries the lines a person should read (never a traceback).

``exit_status`` is what the ``reviewer`` command exits with: 1 for a problem with the data, the
files or the database, 2 for a usage error (a command asked for something it cannot do, such as
an output file whose extension names no format it writes)."""

from __future__ import annotations

from collections.abc import Callable

from reviewer.urls import redact

Progress = Callable[[int, int], None]     # progress(done, total) for long work


class ReviewerError(Exception):
    exit_status = 1

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class NotFound(ReviewerError):
    pass


class DatabaseError(ReviewerError):
    """A database that cannot be opened or written, with a user-facing message."""


class UsageError(ReviewerError):
    """The command was asked for something it cannot do (exit status 2, nothing written)."""

    exit_status = 2


def describe_error(exc: BaseException) -> str:
    """One line for an error nobody planned for (a file, the database, or something else),
    passwords masked."""
    if isinstance(exc, ReviewerError):
        return redact(" ".join(exc.problems))
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        return redact(f"{where}{exc.strerror or one_line(exc)}")
    module = type(exc).__module__.split(".")[0]
    if module in ("sqlite3", "psycopg", "sqlalchemy"):
        return f"database error: {one_line(exc)}"
    return f"unexpected error ({type(exc).__name__}): {one_line(exc)}"


def one_line(exc: BaseException) -> str:
    """An exception's message on one line, passwords masked (psycopg adds hint lines)."""
    return redact(" ".join(str(exc).split()) or type(exc).__name__)
