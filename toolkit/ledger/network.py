"""Whether a SQLite ledger file lies in a network folder, where SQLite's file locks do not hold.

SQLite locks its file through the operating system; over SMB or NFS those locks are not
reliable, so two PCs writing one ledger on a shared drive can damage it or draw one number
twice. The toolkit supports it nowhere (docs/excel.md), and here it is told where it can be
known cheaply and for sure: a Windows UNC path (`\\\\server\\share\\…`) or a drive Windows
reports as remote (a mapped `Z:`), and on Linux the file system the folder is mounted from
(`/proc/self/mountinfo`: nfs, cifs, …), on macOS what `mount` says of the volume (`/Volumes/…`
served by smbfs, afpfs, nfs, webdav; a USB disk there is local).

A folder that OneDrive, Dropbox, Google Drive or iCloud synchronise is a local disk to the
system, but the file is copied between PCs: two PCs writing their copies lose one's documents
(or leave a «conflicted copy»). It is told by the folder the sync tool makes, by its name
(`synced_folder`), on Windows also where the `OneDrive` variables say it is.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

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
    if sys.platform == "darwin":
        return _mac(file.resolve().parent)
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


MAC_REMOTE = frozenset({"smbfs", "afpfs", "nfs", "webdav", "cifs", "ftp"})
"""macOS file systems served by another machine, as `mount` names them."""
MAC_MOUNT = re.compile(r"^.* on (?P<point>/.*?) \((?P<kind>[^,)]+)")


def _mac(folder: Path) -> str | None:
    try:
        said = subprocess.run(["/sbin/mount"], capture_output=True, text=True, timeout=5, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return remote_mac_mount(said, folder)


def remote_mac_mount(mount_output: str, folder: Path) -> str | None:
    r"""The remote file system `folder` lies on by macOS's `mount` lines (the longest mount
    point holding it), or None when it is local.

    >>> said = ("/dev/disk3s1s1 on / (apfs, sealed, local, read-only)\n"
    ...         "//anna@nas._smb._tcp.local/ordini on /Volumes/ordini (smbfs, nodev, nosuid, mounted by anna)\n"
    ...         "/dev/disk4s1 on /Volumes/CHIAVETTA (msdos, local, nodev, nosuid, noowners)")
    >>> remote_mac_mount(said, Path("/Volumes/ordini/2026")), remote_mac_mount(said, Path("/Volumes/CHIAVETTA"))
    ('smbfs', None)
    """
    best, kind = -1, None
    for line in mount_output.splitlines():
        if (found := MAC_MOUNT.match(line)) is None:
            continue
        point = Path(found["point"])
        if (folder == point or point in folder.parents) and len(point.parts) >= best:
            best, kind = len(point.parts), found["kind"]
    return kind if kind in MAC_REMOTE else None


SYNCED = re.compile(r"(?i)^(onedrive|onedrive - .+|onedrive for business|dropbox|dropbox \(.+\)|google ?drive|"
                    r"googledrive-.+@.+|my drive|il mio drive|shared drives|drive condivisi|icloud ?drive|"
                    r"com~apple~clouddocs)$")
"""The folders OneDrive, Dropbox, Google Drive and iCloud synchronise, by the names their tools
give them on Windows and macOS (`OneDrive - Ditta S.r.l.`, `Dropbox (Ditta)`, Google Drive's `Il
mio Drive`, iCloud's `com~apple~CloudDocs`); on macOS every folder of `~/Library/CloudStorage` is one.
Only those exact shapes: a folder of the user's own such as `Dropbox-old` or `OneDrive backup`
(an archive copied off the service) is no synced folder, and was warned as one."""
ONEDRIVE_VARIABLES = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")
"""Where Windows says the OneDrive folders are, whatever they were renamed to."""


def synced_folder(file: Path, environ: Mapping[str, str] = os.environ) -> str | None:
    """The folder a sync tool copies between PCs that holds `file`, or None."""
    if os.name == "nt":
        return synced_in(PureWindowsPath(str(file.absolute())), environ)
    return synced_in(PurePosixPath(file.resolve()), environ)


def synced_in(path: PurePath, environ: Mapping[str, str]) -> str | None:
    r"""The synced folder `path` lies in: OneDrive's by its variables, else the first folder on the
    way named as a sync tool names its own.

    >>> win = PureWindowsPath(r"C:\Users\anna\OneDrive - Ditta S.r.l\Ordini\a.xlsx.ledger.sqlite")
    >>> synced_in(win, {}), synced_in(PureWindowsPath(r"D:\Ordini\a.sqlite"), {})
    ('C:\\Users\\anna\\OneDrive - Ditta S.r.l', None)
    >>> synced_in(PureWindowsPath(r"C:\Users\anna\Lavoro\a.sqlite"), {"OneDrive": r"C:\Users\anna\Lavoro"})
    'C:\\Users\\anna\\Lavoro'
    >>> mac = PurePosixPath("/Users/anna/Library/CloudStorage/GoogleDrive-anna@ditta.it/Il mio Drive/a.sqlite")
    >>> synced_in(mac, {})
    '/Users/anna/Library/CloudStorage/GoogleDrive-anna@ditta.it'
    """
    for name in ONEDRIVE_VARIABLES:
        if (value := environ.get(name)) and type(path)(value) in path.parents:
            return str(type(path)(value))
    for folder in reversed(path.parents):
        if SYNCED.match(folder.name) or (folder.parent.name, folder.parent.parent.name) == ("CloudStorage", "Library"):
            return str(folder)
    return None
