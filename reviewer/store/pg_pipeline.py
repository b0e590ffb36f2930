"""PostgreSQL pipelines for a one-record operation: the write lock sent with the reads the
operation makes first, then its writes with the commit, each group one round trip
(docs/performance.md, "One-record operations in two round trips (PostgreSQL)")."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

Query = tuple[str, tuple, bool]    # a statement, its parameters, whether planned afresh


class Failure:
    error: BaseException | None = None


@contextmanager
def first_error() -> Iterator[Failure]:
    """Around a psycopg pipeline whose block keeps the error it meets (``.error``) instead of
    raising it there. The pipeline then ends without a second error being logged ("error
    ignored terminating", which would reach the user's terminal), and the error met first is
    raised once it has ended; the end's own error (a write or the commit refused) when the
    block met none."""
    first = Failure()
    try:
        yield first
    except Exception:
        if first.error is None:
            raise
    if first.error is not None:
        raise first.error


def send_with_lock(conn: Any, statements: list[str], reads: list[Query]) -> list[list[tuple]]:
    """``statements`` (the transaction's start and its locks: no parameters), then ``reads``
    (placeholders already psycopg's), in one pipeline; the reads' rows. The statements are
    never prepared, the reads as psycopg prepares any statement but the ``fresh`` ones."""
    curs = []
    with first_error() as first, conn.pipeline():
        try:
            for statement in statements:
                conn.cursor().execute(statement, prepare=False)
            for sql, params, fresh in reads:
                curs.append(conn.cursor())
                curs[-1].execute(sql, params, prepare=False if fresh else None)
        except Exception as exc:     # a lock not had: raised once the pipeline has ended
            first.error = exc
    return [cur.fetchall() for cur in curs]
