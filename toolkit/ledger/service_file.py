"""libpq's connection service file: what a `pg_service.conf` entry the address names sets.

A team's IT may keep the server's settings in a service file (`?service=ordini`, or the
`PGSERVICE` variable) rather than in every desk's address: its `connect_timeout=60` for a slow
VPN is the desk's choice as `?connect_timeout=60` in the address is, and a parameter the toolkit
hands libpq overrides it. libpq reads the entry when it connects; the toolkit reads it only to
know which of its own defaults to leave out, the file looked for where libpq looks.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

SYSCONFDIRS = {"linux": "/etc/postgresql-common", "darwin": "/etc/postgresql-common"}
"""The folder of the system's `pg_service.conf` libpq reads without PGSYSCONFDIR, by platform:
the one it was built with, `/etc/postgresql-common` for psycopg's own libpq on Linux and on
macOS (its wheels' build gives both that folder) and for Debian's and Ubuntu's. On Windows no
build's folder is known, psycopg's libpq being no installer's: only PGSYSCONFDIR is read there."""


def system_folder() -> str | None:
    """Where libpq looks for the system's `pg_service.conf` on this platform: PGSYSCONFDIR,
    else the folder it was built with (`SYSCONFDIRS`), else none. PGSYSCONFDIR set and empty is
    set to libpq, which reads `/pg_service.conf`, the root's (psycopg's libpq 18 here): it was
    taken for unset, and the built folder's service read where libpq reads none."""
    platform = "linux" if sys.platform.startswith("linux") else sys.platform
    given = os.environ.get("PGSYSCONFDIR")
    return SYSCONFDIRS.get(platform) if given is None else given


def service_name(query: Mapping[str, str | tuple[str, ...]]) -> str | None:
    """The service an address names, `?service=ordini` (the last, as libpq takes it), else
    PGSERVICE's: set to nothing, libpq looks for the service "" (a `[]` entry; none, and it
    refuses the connection), where it was taken for unset.

    >>> service_name({"service": "ordini"})
    'ordini'
    """
    given = query.get("service")
    named = given[-1] if isinstance(given, tuple) and given else given
    return str(named) if named else os.environ.get("PGSERVICE")


def service_files() -> list[Path]:
    """Where libpq looks for a service, in its order: PGSERVICEFILE, else the user's own
    (`~/.pg_service.conf`, on Windows `%APPDATA%\\postgresql\\.pg_service.conf`); then the
    system's (`system_folder`). No own file when no home is known (`home`, `app_data`), nor when
    PGSERVICEFILE is set and empty, which names no file to libpq (18 refuses the connection, *service
    file "" not found*) where it was taken for unset and `~/.pg_service.conf` read."""
    named = os.environ.get("PGSERVICEFILE")
    if named is not None:
        own = [Path(named)] if named else []
    elif sys.platform == "win32":
        own = [] if (folder := app_data()) is None else [folder / "postgresql" / ".pg_service.conf"]
    else:
        own = [] if (found := home()) is None else [found / ".pg_service.conf"]
    system = system_folder()
    return [*own, *([Path(system or "/") / "pg_service.conf"] if system is not None else [])]


def app_data() -> Path | None:
    """The Windows user's roaming application data folder, where libpq keeps the user's files
    (`%APPDATA%\\postgresql`): libpq asks Windows for it (SHGetFolderPath, CSIDL_APPDATA), not the
    variable, so a desk started without APPDATA (a scheduled task, a service's account) still has
    it; the variable only when Windows cannot be asked. None when Windows answers it has none
    (libpq then reads no own file, whatever APPDATA says) or when neither knows it: no own file,
    where `Path("")` made a relative `postgresql\\.pg_service.conf`, read in whatever folder the
    command ran in."""
    import ctypes

    windll = getattr(ctypes, "windll", None)
    found = ctypes.create_unicode_buffer(260)
    try:
        if windll is not None:
            answered = windll.shell32.SHGetFolderPathW(None, 0x1A, None, 0, found) == 0 and found.value
            return Path(found.value) if answered else None
    except OSError:
        pass
    given = os.environ.get("APPDATA")
    return Path(given) if given else None


def home() -> Path | None:
    """The home folder libpq finds `~/.pg_service.conf` and `~/.pgpass` in on Unix (PostgreSQL 15
    on, psycopg's own libpq among them): HOME, unless unset or empty, else the password
    database's folder of the effective user. `Path.home()` takes an empty HOME for `/` and asks
    the database for the real user: a desk's `sudo -u` or `HOME=` launch was looked up elsewhere.
    None when the database has no entry for that user (a container's bare uid): libpq then
    reads no file of the user's, the system's only."""
    import pwd

    if given := os.environ.get("HOME"):
        return Path(given)
    try:
        return Path(pwd.getpwuid(os.geteuid()).pw_dir)
    except KeyError:
        return None


def service_keys(query: Mapping[str, str | tuple[str, ...]]) -> frozenset[str]:
    """The parameters the service the address names sets (`connect_timeout`, `host`…)."""
    return frozenset(service_settings(query))


def service_settings(query: Mapping[str, str | tuple[str, ...]]) -> Mapping[str, str]:
    """What the service the address names sets, each parameter with its value: the first file
    holding the service is the one libpq reads, as it does. None for an address naming no
    service, or one no file holds (libpq then refuses it, told as the address to check)."""
    name = service_name(query)
    if name is None:
        return {}
    for path in service_files():
        entries = _entries(path)
        if name in entries:
            return entries[name]
    return {}


def _entries(path: Path) -> dict[str, dict[str, str]]:
    """Each service of the file at `path` with the parameters it sets and their values; none
    when it cannot be read. libpq's format: a line opening with `[name]` (whatever follows the
    bracket), then `key=value` lines, the key as written (libpq refuses `connect_timeout = 60`,
    the file and the connection with it); `#` comments. A service written twice is its first
    entry: libpq stops reading at the end of it.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     file = Path(folder) / "pg_service.conf"
    ...     _ = file.write_text("# team\\n[ordini] # VPN\\nhost=db\\n connect_timeout=60\\n[prove]\\nhost=db2\\n"
    ...                         "[ordini]\\nport=5433\\n")
    ...     _entries(file)["ordini"], _entries(file)["prove"]
    ({'host': 'db', 'connect_timeout': '60'}, {'host': 'db2'})
    """
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return {}
    entries: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in (raw.strip() for raw in lines):
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            name, closed, _ = line[1:].partition("]")
            current = entries.setdefault(name, {}) if closed and name not in entries else None
        elif current is not None and "=" in line:
            key, _, value = line.partition("=")
            current.setdefault(key, value)
    return entries
