"""Fixtures shared by the unit tests: the throwaway PostgreSQL cluster (``tests/unit/pg.py``),
registered once so that every module uses the same cluster."""

from tests.unit.pg import pg_db, pg_port, pg_url  # noqa: F401 - fixtures
