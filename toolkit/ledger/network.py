"""Whether a SQLite ledger file lies in a network folder, where SQLite's file locks do not hold.

SQLite locks its file through the operating system; over SMB or NFS those locks are not
reliable, so two PCs writing one ledger on a shared drive can damage it or draw one number
twice. The toolkit supports it nowhere (docs/excel.md), and here it is told where it can be
known cheaply and for sure: a Windows UNC path (`\\\\server\\share\\…`) or a drive Windows
reports as remote (a mapped `Z:`), and on Linux the file system the folder is mounted from
(`/proc/self/mountinfo`: nfs, cifs, …). Elsewhere (macOS, a synced folder such as OneDrive,
which is a local disk) nothing is said rather than guessed.
"""

from __future__ import annotations

import os
from pathlib import Path, PureWindowsPath

REMOTE_FILE_SYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "ceph", "glusterfs", "lustre", "gpfs", "davfs",
    "fuse.sshfs", "fuse.rclone", "fuse.glusterfs", "fuse.davfs2", "fuse.s3fs"})
"""Linux file systems served by another machine. Not 9p: WSL mounts the PC's own disks with it."""
MOUNTS = Path("/proc/self/mountinfo")
"""Linux's list of what is mounted where, and from which file system."""
DRIVE_REMOTE = 4
"""What Windows' `GetDriveTypeW` answers for a network drive."""


def network_folder(file: Path) -> str | None:
    """How `file`'s folder is reached over the network (`\\\\server\\share`, `nfs4`), or None
    when it is local or cannot be told. A relative `--ledger` is where the command runs: on
    Windows its drive, a mapped `Z:` too, is the working folder's."""
    if os.name == "nt":
        return _windows(str(file.absolute()))
    try:
        mounts = MOUNTS.read_text(errors="replace")
    except OSError:
        return None
    return remote_mount(mounts, file.resolve().parent)


def unc_share(path: str) -> str | None:
    r"""The `\\server\share` a Windows path lies on, or None for a local or drive path.

    >>> unc_share(r"\\nas\ordini\anagrafiche.xlsx.ledger.sqlite"), unc_share(r"C:\Ordini\a.sqlite")
    ('\\\\nas\\ordini', None)
    >>> unc_share(r"\\?\UNC\nas\ordini\a.sqlite"), unc_share(r"\\?\C:\Ordini\a.sqlite")
    ('\\\\nas\\ordini', None)
    """
    if path.startswith(("\\\\?\\UNC\\", "\\\\?\\unc\\")):
        path = "\\\\" + path[8:]
    elif path.startswith(("\\\\?\\", "\\\\.\\")):
        return None
    drive = PureWindowsPath(path).drive
    return drive if drive.startswith("\\\\") else None


def _windows(path: str) -> str | None:
    share = unc_share(path)
    if share is not None:
        return share
    drive = PureWindowsPath(path).drive
    if not drive:
        return None
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    return drive if kernel32.GetDriveTypeW(f"{drive}\\") == DRIVE_REMOTE else None


def remote_mount(mountinfo: str, folder: Path) -> str | None:
    r"""The remote file system `folder` is mounted from, by the mount point that holds it (the
    longest that is its prefix; of two on one point, the later, mounted over the other, as an
    NFS share over its autofs trigger) in `mountinfo`'s lines; None when that one is local.

    >>> info = "22 1 0:21 / / rw - ext4 /dev/sda1 rw\n30 22 0:40 / /mnt/nas\\040ordini rw - cifs //nas/o rw"
    >>> remote_mount(info, Path("/mnt/nas ordini/2026")), remote_mount(info, Path("/mnt/nasx"))
    ('cifs', None)
    """
    best, kind = -1, None
    for line in mountinfo.splitlines():
        fields, _, rest = line.partition(" - ")
        parts = fields.split()
        if len(parts) < 5 or not rest:
            continue
        point = Path(_unescaped(parts[4]))
        if (folder == point or point in folder.parents) and len(point.parts) >= best:
            best, kind = len(point.parts), rest.split()[0]
    return kind if kind in REMOTE_FILE_SYSTEMS else None


def _unescaped(field: str) -> str:
    """A mountinfo path: space, tab, newline and backslash are written as octal escapes."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field
