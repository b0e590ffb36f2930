"""Roles enforced by PostgreSQL itself (docs/contracts.md §10; docs/evidence.md, "Rights"): three
group roles named per database, GRANTs, row-level security and triggers, so that a login connecting
with any client (psql too) has exactly its role's rights.

``set_up`` is run by the owner login (which holds CREATEROLE, never superuser) whenever it
grants a role, and is idempotent: run it again after an upgrade so new tables get their grants.
Leads get ADMIN OPTION on the three groups, so a lead can grant and revoke them without owning
anything. Against the owner (who could disable triggers) the protection is detection
(``verify --head``).
"""

from __future__ import annotations

import re

from reviewer.store.db import Database
from reviewer.store.migrations import answer_check_9

# ``audit_count`` and ``audit_count_part`` (schema steps 6, 7) are read by all, written only by
# their SECURITY DEFINER triggers on ``record`` (docs/performance.md)
READ_ONLY_FOR_ALL = ("meta", "question_set", "audit", "record", "answer", "undo", "incident",
                     "event", "event_seal", "plan", "plan_item", "audit_policy", "team_member",
                     "transcript", "audit_count", "audit_count_part", "event_bundle_record",
                     "field_slot")
# a reviewer stores machine transcripts (``transcribe``, replacing a record's earlier one); a
# lead's disposal removes them (docs/listening.md, "Removing transcripts")
REVIEWER_WRITES = ("answer", "undo", "transcript")
LEAD_WRITES = ("audit", "question_set", "incident", "record", "plan", "plan_item", "audit_policy",
               "team_member", "meta", "field_slot")
VIEWER_ACTIONS = ("view", "export")
REVIEWER_ACTIONS = (*VIEWER_ACTIONS, "answer", "note", "undo", "import", "link-recordings",
                    "link-transcripts", "transcribe")
RECORD_TABLES = ("answer", "record", "undo", "incident", "transcript")


def group_names(db: Database) -> dict[str, str]:
    """viewer/reviewer/lead -> the group role of this database (``reviewer_<db>_lead``)."""
    base = re.sub(r"[^a-z0-9_]", "_", str(db.scalar("SELECT current_database()")).lower())[:40]
    return {role: f"reviewer_{base}_{role}" for role in ("viewer", "reviewer", "lead")}


def _ddl(db: Database, sql: str) -> None:
    """A statement without parameters (plpgsql bodies hold ``%``, which a driver would take
    for a placeholder)."""
    db.conn.cursor().execute(sql)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _in(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def set_up(db: Database) -> dict[str, str]:
    """Create or refresh the groups, grants, policies and triggers (as the owner)."""
    g = group_names(db)
    v, r, lead = (_quote(g[k]) for k in ("viewer", "reviewer", "lead"))
    existing = {row[0] for row in db.all("SELECT rolname FROM pg_roles WHERE rolname IN "
                                         f"({_in(tuple(g.values()))})")}
    for name in g.values():
        if name not in existing:
            _ddl(db, f"CREATE ROLE {_quote(name)} NOLOGIN")
    db.execute(f"GRANT {v} TO {r}")
    db.execute(f"GRANT {r} TO {lead}")
    schema = _quote(str(db.scalar("SELECT current_schema()")))
    tables = [t for t in READ_ONLY_FOR_ALL if db.scalar(
        "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?", (t,))]
    every = ", ".join(tables)
    db.execute(f"REVOKE ALL ON {every} FROM PUBLIC")
    db.execute(f"GRANT USAGE ON SCHEMA {schema} TO {v}")
    db.execute(f"GRANT SELECT ON {every} TO {v}")
    db.execute(f"GRANT INSERT ON event TO {v}")
    db.execute(f"GRANT INSERT ON event_bundle_record TO {r}")    # packed history (schema 8)
    db.execute(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(REVIEWER_WRITES)} TO {r}")
    # records: a reviewer adds them (imports) and sets fields and completeness, never who they
    # are assigned to nor their ref
    db.execute(f"GRANT INSERT, UPDATE (fields, complete) ON record TO {r}")
    db.execute(f"GRANT INSERT ON field_slot TO {r}")      # a record field's name (schema 13)
    db.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {r}")
    db.execute(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(LEAD_WRITES)} TO {lead}")
    db.execute(f"GRANT UPDATE ON event TO {lead}")          # disposal only (event trigger)
    db.execute(f"GRANT INSERT ON event_seal TO {lead}")
    _policies(db, v, r, lead)
    _triggers(db, g["lead"])
    return g


def _policies(db: Database, v: str, r: str, lead: str) -> None:
    for table in ("event", "meta"):
        db.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        for name in ("read", "viewer_insert", "reviewer_insert", "lead_insert", "lead_update",
                     "lead_write"):
            db.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
        db.execute(f"CREATE POLICY read ON {table} FOR SELECT USING (true)")
    mine = "login = session_user"
    db.execute(f"CREATE POLICY viewer_insert ON event FOR INSERT TO {v} WITH CHECK ("
               f"action IN ({_in(VIEWER_ACTIONS)}) AND {mine})")
    db.execute(f"CREATE POLICY reviewer_insert ON event FOR INSERT TO {r} WITH CHECK ("
               f"action IN ({_in(REVIEWER_ACTIONS)}) AND {mine})")
    db.execute(f"CREATE POLICY lead_insert ON event FOR INSERT TO {lead} WITH CHECK ({mine})")
    db.execute(f"CREATE POLICY lead_update ON event FOR UPDATE TO {lead} USING (true)")
    db.execute(f"CREATE POLICY lead_write ON meta FOR ALL TO {lead} "
               "USING (key = 'retention_years') WITH CHECK (key = 'retention_years')")


def _triggers(db: Database, lead: str) -> None:
    # A signed-off audit's records and answers change for no one but a lead disposing of it.
    _ddl(
        db,
        "CREATE OR REPLACE FUNCTION reviewer_signed_off_guard() RETURNS trigger AS $$ "
        "DECLARE a INTEGER; BEGIN "
        "IF TG_OP = 'DELETE' THEN a := OLD.audit_id; ELSE a := NEW.audit_id; END IF; "
        "IF EXISTS (SELECT 1 FROM audit WHERE id = a AND signed_off_by IS NOT NULL) "
        f"AND NOT (pg_has_role(session_user, {_literal(lead)}, 'MEMBER') AND EXISTS ("
        "SELECT 1 FROM event WHERE audit_id = a AND action = 'dispose')) THEN "
        "RAISE EXCEPTION 'audit % is signed off: its records and answers are read-only', a; "
        "END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$ "
        "LANGUAGE plpgsql")
    for table in RECORD_TABLES:
        if not db.scalar("SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND "
                         "tablename = ?", (table,)):
            continue
        db.execute(f"DROP TRIGGER IF EXISTS {table}_signed_off ON {table}")
        db.execute(f"CREATE TRIGGER {table}_signed_off BEFORE INSERT OR UPDATE OR DELETE ON "
                   f"{table} FOR EACH ROW EXECUTE FUNCTION reviewer_signed_off_guard()")
    # A change to an answer leaves its history event in the same transaction, or is refused:
    # checked at commit once per statement and audit (schema step 9, docs/evidence.md)
    answer_check_9(db)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def login_exists(db: Database, login: str) -> bool:
    return bool(db.scalar("SELECT 1 FROM pg_roles WHERE rolname = ? AND rolcanlogin",
                          (login,)))


def grant(db: Database, login: str, role: str) -> None:
    """Make ``login`` a member of exactly the group of ``role`` (leads with ADMIN OPTION)."""
    g = group_names(db)
    revoke(db, login)
    admin = " WITH ADMIN OPTION" if role == "lead" else ""
    db.execute(f"GRANT {_quote(g[role])} TO {_quote(login)}{admin}")
    if role == "lead":
        for other in ("viewer", "reviewer"):
            db.execute(f"GRANT {_quote(g[other])} TO {_quote(login)} WITH ADMIN OPTION")


def revoke(db: Database, login: str) -> None:
    g = group_names(db)
    held = {row[0] for row in db.all(
        "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ?", (login,))}
    for name in g.values():
        if name in held:
            db.execute(f"REVOKE {_quote(name)} FROM {_quote(login)}")
