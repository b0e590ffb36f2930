"""What the store's code needs of an open database (``store.db.Database`` is one): the
statements, the dialect, and the write transaction. Modules that ``store.db`` itself uses (the
migrations) type their connection with this, so no import runs back to ``store.db``."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol


class Connection(Protocol):
    target: str
    dialect: str
    sqlite_file: str | None
    conn: Any

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...

    def executemany(self, sql: str, rows: Any) -> None: ...

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]: ...

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None: ...

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any: ...

    def transaction(self) -> AbstractContextManager[Any]: ...
