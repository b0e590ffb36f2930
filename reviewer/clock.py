"""The time stamps the program stores: UTC, to the second, ``2026-11-23T10:15:02Z``."""

from __future__ import annotations

from datetime import UTC, datetime


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
