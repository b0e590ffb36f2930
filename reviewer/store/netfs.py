"""Is a SQLite file on a network drive? (docs/contracts.md §11; docs/evidence.md, "Network drives")

SQLite documents WAL mode as unsafe on a network file system, and its locks as unreliable over
one. Before a file is opened, its folder's file system is judged by an ALLOW-list of local
types (anything not on it — SMB/CIFS, NFS, sshfs and other FUSE mounts, 9p, unknown — counts
as a network one): on Linux from ``/proc/self/mountinfo``; on Windows from the path (a UNC
path ``\\\\server\\share``) and ``GetDriveTypeW`` (``DRIVE_REMOTE``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from reviewer.errors import ReviewerError

LOCAL_TYPES = frozenset({
    "ext2", "ext3", "ext4", "xfs", "btrfs", "bcachefs", "f2fs", "jfs", "reiserfs", "zfs",
    "tmpfs", "ramfs", "overlay", "vfat", "msdos", "exfat", "ntfs", "ntfs3", "fuseblk", "hfs",
    "hfsplus", "apfs", "udf", "iso9660", "squashfs", "nilfs2", "ecryptfs", "devtmpfs",
})
DRIVE_REMOTE = 4


class NetworkDrive(ReviewerError):
    exit_status = 2


def parse_mountinfo(text: str) -> list[tuple[str, str]]:
    """(mount point, file-system type) of each line of ``/proc/self/mountinfo``."""
    mounts = []
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5 or not right.split():
            continue
        point = fields[4].encode().decode("unicode_escape") if "\\" in fields[4] else fields[4]
        mounts.append((point, right.split()[0]))
    return mounts


def fs_type(path: str | Path, mountinfo: str) -> str | None:
    """The type of the file system holding ``path`` (the longest mount point above it)."""
    target = str(path)
    best, kind = -1, None
    for point, fstype in parse_mountinfo(mountinfo):
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > best:
            best, kind = len(point), fstype
    return kind


def is_local_type(fstype: str | None) -> bool:
    return fstype in LOCAL_TYPES


def network_reason(path: str | Path) -> str | None:
    """Why ``path`` is on a network drive (e.g. "file system cifs"), or None when local."""
    where = Path(os.path.abspath(os.path.expanduser(str(path))))
    if sys.platform == "win32":
        return _windows_reason(str(where))
    folder = where if where.is_dir() else where.parent
    folder = Path(os.path.realpath(folder))
    try:
        text = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None                      # macOS and others: no mount table to read
    kind = fs_type(folder, text)
    if kind is None or is_local_type(kind):
        return None
    return f"file system {kind}"


def _windows_reason(path: str) -> str | None:
    if path.startswith(("\\\\", "//")):
        return "a UNC path"
    import ctypes

    root = os.path.splitdrive(path)[0] + "\\"
    if ctypes.windll.kernel32.GetDriveTypeW(root) == DRIVE_REMOTE:  # type: ignore[attr-defined]
        return f"drive {root} is a network drive"
    return None


def refuse(path: str | Path, reason: str) -> NetworkDrive:
    return NetworkDrive(
        f"{path}: refused to open a SQLite database on a network drive ({reason}): SQLite is "
        "not safe to share there. Use a file on a local disk, or a PostgreSQL database for a "
        "team (--db postgresql+psycopg://...); or give --allow-network-drive to open it for "
        "one person at a time")
