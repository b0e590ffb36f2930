"""Network drives (docs/contracts.md §11): a SQLite file on a network file system is refused
before it is opened, judged by an allow-list of local types read from the mount table; with
``--allow-network-drive`` it opens without WAL, with an exclusive lock, and says so."""

from __future__ import annotations

import sqlite3

import pytest

from reviewer.store import netfs
from tests.unit.helpers import run_cli

MOUNTINFO = r"""22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
30 27 0:40 / /mnt/share rw,relatime - {kind} //server/share rw,vers=3.0
31 30 8:2 / /mnt/share/local rw,relatime - xfs /dev/sdb1 rw
32 27 0:41 / /mnt/with\040space rw - {kind} srv:/x rw
"""


@pytest.mark.parametrize("kind", ["cifs", "smb3", "smbfs", "nfs", "nfs4", "fuse.sshfs",
                                  "fuse.gvfsd-fuse", "9p", "afs", "ceph", "fuse.rclone",
                                  "davfs", "glusterfs", "something-new"])
def test_network_types_are_refused(kind):
    text = MOUNTINFO.format(kind=kind)
    assert netfs.fs_type("/mnt/share/team/reviewer.db", text) == kind
    assert not netfs.is_local_type(kind)
    assert netfs.fs_type("/mnt/with space/r.db", text) == kind      # octal escapes decoded
    assert netfs.fs_type("/mnt/share/local/r.db", text) == "xfs"    # a local mount inside
    assert netfs.fs_type("/mnt/sharex/r.db", text) == "ext4"        # a prefix is not a parent


@pytest.mark.parametrize("kind", ["ext4", "xfs", "btrfs", "tmpfs", "zfs", "overlay", "f2fs",
                                  "vfat", "exfat", "ntfs3", "fuseblk"])
def test_local_types_are_allowed(kind):
    text = MOUNTINFO.format(kind=kind)
    assert netfs.fs_type("/mnt/share/r.db", text) == kind and netfs.is_local_type(kind)


def fake_network(monkeypatch, kind="cifs"):
    monkeypatch.setattr(netfs, "network_reason", lambda path: f"file system {kind}")


def test_the_command_refuses_a_network_file_with_one_line(capsys, tmp_path, monkeypatch):
    fake_network(monkeypatch)
    db = tmp_path / "team.db"
    code, out, err = run_cli(capsys, "--db", str(db), "audit", "list")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "network drive (file system cifs)" in err
    assert "local disk" in err and "PostgreSQL" in err and "--allow-network-drive" in err
    assert not db.exists()


def test_allowed_it_opens_without_wal_and_exclusive(capsys, tmp_path, monkeypatch):
    fake_network(monkeypatch, "nfs4")
    db = tmp_path / "team.db"
    from reviewer.store.db import Database

    opened = Database(str(db), allow_network=True)
    try:
        assert opened.scalar("PRAGMA journal_mode") == "delete"
        assert opened.scalar("PRAGMA locking_mode") == "exclusive"
        with opened.transaction():
            opened.execute("INSERT INTO meta (key, value) VALUES ('probe', '1')")
        other = sqlite3.connect(db, timeout=0.1)         # exclusive: nobody else meanwhile
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("SELECT * FROM meta").fetchall()
        other.close()
    finally:
        opened.close()
    assert not (tmp_path / "team.db-wal").exists()
    code, _, err = run_cli(capsys, "--db", str(db), "--allow-network-drive", "audit", "list")
    assert code == 0 and "one person at a time" in err


def test_this_machines_temp_folder_is_local(tmp_path):
    assert netfs.network_reason(tmp_path / "x.db") is None
