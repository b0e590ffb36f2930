"""The packaging tests build the program as a user receives it (a wheel, a PyInstaller folder)
and run it from outside the checkout. They run in ``scripts/test`` and CI; set
``REVIEWER_SKIP_PACKAGING=1`` to leave them out of a quick local run."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("REVIEWER_SKIP_PACKAGING") not in (None, "", "0"):
        skip = pytest.mark.skip(reason="REVIEWER_SKIP_PACKAGING is set")
        for item in items:
            if "tests/packaging" in str(item.fspath).replace(os.sep, "/"):
                item.add_marker(skip)
