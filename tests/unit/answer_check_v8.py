"""The team answer check as schema 8's ``store.roles_pg`` set it up (a deferred constraint trigger
on ``answer`` for each row), put back in place of today's: to make a team database as schema 8
left it (tests/unit/test_answer_check_pg.py) and to measure the old check against the new
(benchmarks/bench_team_check.py). Run as the owner or a superuser, with psycopg."""

from __future__ import annotations

SCHEMA_8_CHECK = (
    "CREATE OR REPLACE FUNCTION reviewer_answer_evented() RETURNS trigger AS $$ "
    "DECLARE a INTEGER; BEGIN "
    "IF TG_OP = 'DELETE' THEN a := OLD.audit_id; ELSE a := NEW.audit_id; END IF; "
    "IF NOT EXISTS (SELECT 1 FROM (SELECT xmin FROM event WHERE audit_id = a "
    "ORDER BY seq DESC LIMIT 1) e WHERE e.xmin::text = (txid_current() % 4294967296)::text)"
    " THEN RAISE EXCEPTION 'a change to an answer needs its history event (audit %)', a; "
    "END IF; RETURN NULL; END $$ LANGUAGE plpgsql")


def drop_check(conn) -> None:
    """Today's check gone (schema 9's statement triggers and ``answer_touched``'s trigger)."""
    for op in ("insert", "update", "delete"):
        conn.execute(f"DROP TRIGGER IF EXISTS answer_touched_{op} ON answer")
    conn.execute("DROP TRIGGER IF EXISTS answer_evented ON answer_touched")


def put_back_schema_8_check(conn) -> None:
    """Today's check replaced by schema 8's row trigger on ``answer``."""
    drop_check(conn)
    conn.execute(SCHEMA_8_CHECK)
    conn.execute("CREATE CONSTRAINT TRIGGER answer_evented AFTER INSERT OR UPDATE OR DELETE "
                 "ON answer DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                 "EXECUTE FUNCTION reviewer_answer_evented()")
