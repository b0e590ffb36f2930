"""Database URLs in messages (docs/settings.md, "Passwords"): no password is ever printed.

A URL's userinfo runs from ``scheme://`` to the *last* ``@`` before the host, so a password
holding an unencoded ``@``, ``/`` or ``:`` is still found whole: ``user:***@host``, or
``***@host`` when the userinfo itself holds an ``@`` and cannot be split unambiguously.
Passwords seen in a database URL this run are also masked wherever else they appear (a driver's
error quoting them, a decoded ``%40``).
"""

from __future__ import annotations

import re

_SECRETS: set[str] = set()  # passwords seen in database URLs, masked in every message


def is_url(target: str) -> bool:
    return "://" in target


_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*://)(\S*)")


def userinfo(rest: str) -> tuple[str, str] | None:
    """``(userinfo, after)`` of a URL's part after ``scheme://``: the userinfo runs to the
    *last* ``@`` (a password may hold an unencoded ``@``, ``/`` or ``:``); None without one."""
    if rest.startswith("/") or "@" not in rest:
        return None
    at = rest.rindex("@")
    return rest[:at], rest[at:]


def _mask_userinfo(match: re.Match[str]) -> str:
    scheme, rest = match.groups()
    found = userinfo(rest)
    if found is None:
        return match.group()
    info, after = found
    if "@" in info:                 # ambiguous (an unencoded @): hide the whole userinfo
        return f"{scheme}***{after}"
    if ":" not in info:             # a user name, no password
        return match.group()
    return f"{scheme}{info.split(':', 1)[0]}:***{after}"


def redact(text: str) -> str:
    """``text`` with every password masked (docs/settings.md): ``user:pass@`` in a URL (the
    whole userinfo when it holds an unencoded ``@``), ``password=...`` in a connection string or
    query, and any password seen in a database URL this run."""
    text = _URL.sub(_mask_userinfo, text)
    text = re.sub(r"(?i)(password\s*=\s*)('[^']*'|\"[^\"]*\"|[^\s&;]+)", r"\1***", text)
    for secret in _SECRETS:
        text = text.replace(secret, "***")
    return text


def display_target(target: str) -> str:
    """The path or URL for messages, a URL's password masked."""
    return redact(target)


def remember_secret(target: str) -> None:
    """Keep the password of a database URL (and its decoded form), to mask it anywhere."""
    from urllib.parse import parse_qs, unquote, urlsplit

    found = userinfo(target.split("://", 1)[1]) if is_url(target) else None
    secrets = [found[0].partition(":")[2]] if found else []
    try:
        secrets += parse_qs(urlsplit(target).query).get("password", [])
    except ValueError:
        pass
    for secret in secrets:
        if secret and len(secret) >= 3:
            _SECRETS.update({secret, unquote(secret)})
