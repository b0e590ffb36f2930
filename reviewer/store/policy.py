"""Per-audit rules of disclosure and retention (table ``audit_policy``, docs/evidence.md) and
the database's own settings for them (``meta``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reviewer.store.db import Database

DEFAULT_RETENTION_YEARS = 6      # MoPI's shortest review period; ``retention default`` changes it


@dataclass(frozen=True)
class Policy:
    require_purpose: bool = False
    retain_until: str | None = None
    disposed_at: str | None = None


def get_policy(db: Database, audit_id: int) -> Policy:
    row = db.one("SELECT require_purpose, retain_until, disposed_at FROM audit_policy "
                 "WHERE audit_id = ?", (audit_id,))
    return Policy() if row is None else Policy(bool(row[0]), row[1], row[2])


def put_policy(db: Database, audit_id: int, policy: Policy) -> None:
    db.execute("DELETE FROM audit_policy WHERE audit_id = ?", (audit_id,))
    db.execute("INSERT INTO audit_policy (audit_id, require_purpose, retain_until, disposed_at) "
               "VALUES (?, ?, ?, ?)", (audit_id, policy.require_purpose, policy.retain_until,
                                       policy.disposed_at))


def meta_value(db: Database, key: str) -> str | None:
    return db.scalar("SELECT value FROM meta WHERE key = ?", (key,))


def put_meta(db: Database, key: str, value: str) -> None:
    db.execute("DELETE FROM meta WHERE key = ?", (key,))
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))


def default_years(db: Database) -> int:
    value = meta_value(db, "retention_years")
    return int(value) if value and value.isdigit() else DEFAULT_RETENTION_YEARS


def review_date(created_at: str, policy: Policy, years: int) -> str:
    """The audit's review date: its own, else the database's default after its creation."""
    if policy.retain_until:
        return policy.retain_until
    made = date.fromisoformat(created_at[:10])
    try:
        return made.replace(year=made.year + years).isoformat()
    except ValueError:                      # 29 February
        return made.replace(year=made.year + years, day=28).isoformat()


def pseudonym_secret(db: Database) -> bytes:
    """The database's pseudonym key: ``REVIEWER_SECRET_FILE`` when set (a file only its owner
    can read), else the secret the database was made with (``meta``)."""
    from pathlib import Path

    from reviewer.errors import ReviewerError
    from reviewer.settings import secret_file

    named = secret_file()
    if named:
        try:
            text = Path(named).expanduser().read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ReviewerError(f"{named}: cannot read the pseudonym secret file "
                                f"({exc.strerror or exc}); nothing was written "
                                "(see docs/evidence.md, Pseudonymised exports)") from None
        if len(text) < 16:
            raise ReviewerError(f"{named}: the pseudonym secret must be at least 16 characters")
        return text.encode("utf-8")
    value = meta_value(db, "pseudonym_secret")
    if not value:
        raise ReviewerError("this database has no pseudonym secret (upgrade it, or set "
                            "REVIEWER_SECRET_FILE)")
    return value.encode("utf-8")


def pseudonym(secret: bytes, ref: str) -> str:
    """``P-`` + the first 16 hex digits of HMAC-SHA-256(secret, ref)."""
    import hashlib
    import hmac

    return "P-" + hmac.new(secret, ref.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
