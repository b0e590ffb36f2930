"""The program's own check of the rights table (docs/contracts.md §10; docs/evidence.md, "Rights"):
one clear line when a login's role does not allow an action. On PostgreSQL the server enforces the
same table (``store.roles_pg``); on a SQLite desk file the operating-system user has every right."""

from __future__ import annotations

from reviewer.ops.core import Refused
from reviewer.store import identity
from reviewer.workspace import Workspace


def require_role(ws: Workspace, needed: str, what: str) -> str:
    """The login's role, if it ranks at least ``needed``; else one clear refusal."""
    role = identity.role_of(ws.db, ws.login)
    if role is None:
        raise Refused(f"{ws.login} has no role in this database: {what} is refused (a lead "
                      "grants roles: reviewer team grant LOGIN --role ROLE)")
    if identity.RANK[role] < identity.RANK[needed]:
        raise Refused(f"{ws.login} is a {role}: {what} needs a {needed}; nothing was written")
    return role
