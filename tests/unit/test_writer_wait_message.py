"""The line of a writer that gave up waiting says how long it waited, also under a second
(docs/settings.md, REVIEWER_LOCK_TIMEOUT takes fractions: ``0.3`` is not "busy for 0 s")."""

from __future__ import annotations

import re

import pytest

from reviewer.store.db import Database, LockTimeout


@pytest.mark.parametrize(("patience", "shown"), [(0.3, r"0\.[3-9]"), (1.5, r"1\.[5-9]|2\.0")])
def test_a_short_wait_that_runs_out_says_how_long_it_was(tmp_path, patience, shown):
    path = str(tmp_path / "w.db")
    holder, waiter = Database(path), Database(path, lock_timeout=patience)
    try:
        with holder.transaction(), pytest.raises(LockTimeout) as caught:
            with waiter.transaction():
                pass
        assert re.search(rf"busy for ({shown}) s;", str(caught.value)), str(caught.value)
    finally:
        holder.close()
        waiter.close()
