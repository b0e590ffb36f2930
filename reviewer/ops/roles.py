"""The team of a database (docs/contracts.md §10): ``team grant LOGIN --role ROLE [--name NAME]``,
``team revoke LOGIN``, ``team list``. Granting and revoking are for a lead or the owner login,
and are events in the database's own history (chain 0). On PostgreSQL the grant is a membership
of the database's group role (``store.roles_pg``); the owner's first grant also sets the groups,
grants, row-level security and triggers up."""

from __future__ import annotations

from reviewer.errors import ReviewerError, UsageError
from reviewer.ops.core import META, OpResult, require_role, write
from reviewer.ops.disclose import checked_text
from reviewer.store import identity
from reviewer.store.history import Action
from reviewer.workspace import Workspace


def _login(ws: Workspace, login: str) -> str:
    login = login.strip()
    if not login:
        raise UsageError("give the login to grant a role to")
    if login == ws.login:
        raise ReviewerError(f"you cannot grant or revoke a role of your own login ({login}): "
                            "ask another lead or the owner")
    if ws.db.dialect != "sqlite":
        from reviewer.store.roles_pg import login_exists

        if not login_exists(ws.db, login):
            raise ReviewerError(f"unknown login '{login}': the server's administrator makes "
                                "logins (CREATE ROLE ... LOGIN); then grant it a role")
    return login


def grant_role(ws: Workspace, login: str, role: str,
               name: str | None = None) -> OpResult[identity.Member]:
    if role not in identity.ROLES:
        raise UsageError(f"unknown role '{role}': give viewer, reviewer or lead")
    mine = require_role(ws, "lead", "granting roles")
    login = _login(ws, login)
    name = checked_text(name, "display name")
    with write(ws, None, META) as tx:
        taken = identity.known_names(tx.db)
        if name and taken.get(name, login) != login:
            raise ReviewerError(f"the display name '{name}' belongs to {taken[name]} already")
        old = identity.member(tx.db, login)
        if tx.db.dialect != "sqlite":
            from reviewer.store import roles_pg

            if mine == "owner":
                roles_pg.set_up(tx.db)
            roles_pg.grant(tx.db, login, role)
        done = identity.Member(login, role, name or (old.display_name if old else None),
                               tx.login, tx.now)
        identity.put_member(tx.db, done)
        tx.event(Action.GRANT, login, None, old.role if old else None, role,
                 f"display name: {done.display_name}" if done.display_name else "")
    shown = f" ({done.display_name})" if done.display_name else ""
    return OpResult(done, tx.changes, f"{login}{shown} is now a {role}")


def revoke_role(ws: Workspace, login: str) -> OpResult[str]:
    require_role(ws, "lead", "revoking roles")
    login = _login(ws, login)
    with write(ws, None, META) as tx:
        old = identity.member(tx.db, login)
        if old is None:
            raise ReviewerError(f"{login} has no role in this database")
        if tx.db.dialect != "sqlite":
            from reviewer.store import roles_pg

            roles_pg.revoke(tx.db, login)
        identity.remove_member(tx.db, login)
        tx.event(Action.REVOKE, login, None, old.role, None, "")
    return OpResult(login, tx.changes, f"{login} no longer has a role ({old.role} revoked)")
