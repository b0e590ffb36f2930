"""Who is at work (docs/contracts.md §10): the server's login on PostgreSQL, the operating-system
user on a SQLite desk file; the team's roles and display names (table ``team_member``)."""

from __future__ import annotations

from typing import NamedTuple

from reviewer.store.db import Database

ROLES = ("viewer", "reviewer", "lead")
DESK_NOTE = "(desk file: names not verified)"


class Member(NamedTuple):        # not a dataclass: see store.audits.AuditInfo
    login: str
    role: str
    display_name: str | None
    granted_by: str
    granted_at: str

    def to_dict(self) -> dict:
        return {"login": self.login, "role": self.role, "display_name": self.display_name,
                "granted_by": self.granted_by, "granted_at": self.granted_at}


def session_login(db: Database) -> str:
    if db.dialect == "sqlite":
        from reviewer.paths import os_user

        return os_user()
    return str(db.scalar("SELECT session_user"))


def members(db: Database) -> list[Member]:
    return [Member(*row) for row in db.all(
        "SELECT login, role, display_name, granted_by, granted_at FROM team_member "
        "ORDER BY login")]


def member(db: Database, login: str) -> Member | None:
    row = db.one("SELECT login, role, display_name, granted_by, granted_at FROM team_member "
                 "WHERE login = ?", (login,))
    return Member(*row) if row else None


def put_member(db: Database, m: Member) -> None:
    db.execute("DELETE FROM team_member WHERE login = ?", (m.login,))
    db.execute("INSERT INTO team_member (login, role, display_name, granted_by, granted_at) "
               "VALUES (?, ?, ?, ?, ?)",
               (m.login, m.role, m.display_name, m.granted_by, m.granted_at))


def remove_member(db: Database, login: str) -> None:
    db.execute("DELETE FROM team_member WHERE login = ?", (login,))


def known_names(db: Database) -> dict[str, str]:
    """Display names and logins of the team -> the login they belong to."""
    out: dict[str, str] = {}
    for m in members(db):
        out[m.login] = m.login
        if m.display_name:
            out[m.display_name] = m.login
    return out


RANK = {"viewer": 1, "reviewer": 2, "lead": 3, "owner": 4}


def role_of(db: Database, login: str) -> str | None:
    """The login's role: "owner" for the owner login of the tables (or a superuser: every
    right, docs/contracts.md §10), on a SQLite desk file for the operating-system user who opens
    it; else its team role, or None."""
    if db.dialect == "sqlite":
        return "owner"
    return db.scalar(ROLE_SQL, (login,))


# One statement for a login's role on PostgreSQL: "owner" for the tables' owner or a superuser,
# else its team role (None: none); also read with the write lock (store.prefetch).
ROLE_SQL = """SELECT CASE WHEN r.rolsuper OR t.tableowner = r.rolname THEN 'owner'
            ELSE m.role END
FROM (SELECT CAST(? AS text) AS login) w
LEFT JOIN pg_roles r ON r.rolname = w.login
LEFT JOIN pg_tables t ON t.tablename = 'event' AND t.schemaname = current_schema()
LEFT JOIN team_member m ON m.login = w.login"""


def display_name(db: Database, login: str, given: str | None) -> str:
    """The name shown for ``login`` (docs/contracts.md §10). On a desk file: the name given (not
    verified). On PostgreSQL: the display name a lead attached (whatever name is given), else the
    name given or the login; naming another known person is refused."""
    from reviewer.errors import ReviewerError
    from reviewer.paths import os_user

    if db.dialect == "sqlite":
        return given or login
    mine = member(db, login)
    attached = mine.display_name if mine and mine.display_name else None
    if not given or given in (login, attached) or given == os_user():
        return attached or login
    owner = known_names(db).get(given)
    if owner is not None and owner != login:
        raise ReviewerError(f"'{given}' is another person of this team ({owner}): you are "
                            f"{login}; a name can only be your own")
    return attached or given          # a lead's name for the login wins over any other
