"""A ledger's address: what a desk types (`--ledger`, TOOLKIT_LEDGER_URL, *Impostazioni ›
Registro*), which database it names, and how a message shows it.

An address is typed by people and carries a password: the same PostgreSQL database is named by
each colleague's address with their own user, a SQLite ledger by a path, and a password holding a
character an address reserves moves its tail into the server's name. Every message shows an
address through `shown_url`, whose password never appears, by whatever way it was given.
"""

from __future__ import annotations

import getpass
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from toolkit.ledger.service_file import service_settings

PATH_SUFFIXES = (".sqlite", ".sqlite3", ".db")
"""A `--ledger` with no `://` ending so is taken for a SQLite file's path."""
LOOPBACK = frozenset({"", "localhost", "127.0.0.1", "::1", "[::1]"})
"""The names of this PC's own server (none: libpq's default, this PC's)."""


def sqlite_url(file: Path) -> str:
    """The URL of a SQLite file, its path escaped: a folder named `a?b` made the ledger `a`,
    beside that folder, as the URL's query began at `?` (`%`, `#` alike).

    >>> sqlite_url(Path("/desk/a?b/50% #1.sqlite"))
    'sqlite:////desk/a%3Fb/50%25 %231.sqlite'
    """
    return URL.create("sqlite", database=str(file)).render_as_string()


def as_url(given: str) -> str:
    """`--ledger` as a URL: a path to a SQLite file (`anagrafiche.xlsx.ledger.sqlite`, as the
    refusals name it) is taken as that file; anything else stays as typed."""
    if "://" not in given and given.lower().endswith(PATH_SUFFIXES):
        return sqlite_url(Path(given).expanduser().resolve())
    return given


def typed_scheme(url: str) -> str | None:
    """The scheme `url` was typed with, or None for a path.

    >>> typed_scheme("postgres://anna@db/ordini"), typed_scheme("anagrafiche.xlsx.ledger.sqlite")
    ('postgres', None)
    """
    return url.split("://", 1)[0] if "://" in url else None


def server_database(url: str) -> tuple[str, int, str] | None:
    """Which PostgreSQL database `url` names, as (host, port, database): who logs in and with
    what password do not change the ledger, so two colleagues' addresses, each with their own
    user, name the same one. None for a SQLite file or an address that is no PostgreSQL one.

    >>> server_database("postgres://anna:x@DB/ordini") == server_database("postgresql+psycopg://bruno@db:5432/ordini")
    True
    >>> server_database("anagrafiche.xlsx.ledger.sqlite") is None
    True

    This PC's server by any of its names is one server: `localhost`, `127.0.0.1`, `::1`, a
    socket's folder, or no host at all, as libpq reads it.

    >>> server_database("postgresql://localhost/ordini") == server_database("postgresql://127.0.0.1:5432/ordini")
    True

    The scheme in any case, and the host, port and database given as libpq's parameters after
    `?` (which win over the ones before it, as libpq reads them), name the same database.

    >>> server_database("POSTGRESQL:///?host=db&port=5432&dbname=ordini") == server_database("postgresql://db/ordini")
    True
    """
    try:
        parsed = make_url(as_url(url))
    except ArgumentError:
        return None
    except ValueError:  # a port that is no number: a PostgreSQL address naming no database it can reach
        return ("", -1, url) if url.lower().startswith("postgres") else None
    if not parsed.drivername.lower().startswith("postgres"):
        return None
    host = (_last(parsed.query.get("host")) or parsed.host or "").lower()
    port = _last(parsed.query.get("port")) or parsed.port or 5432
    database = _last(parsed.query.get("dbname")) or parsed.database or ""
    number = int(port) if str(port).isdigit() else -1
    return "localhost" if host in LOOPBACK or host.startswith("/") else host, number, database


def _last(value: str | tuple[str, ...] | None) -> str | None:
    """A URL parameter's value, the last one where it is given twice (libpq keeps the last)."""
    return value[-1] if isinstance(value, tuple) else value


def shown_url(url: str) -> str:
    """A ledger's address as a message shows it: its password hidden, a path as typed."""
    if url.lower().startswith("postgres") and (shown := reserved_in_credentials(url)) is not None:
        return shown  # the password's part past a reserved character would show as the server's
    try:
        return query_password_hidden(make_url(url).render_as_string(hide_password=True))
    except (ArgumentError, ValueError):  # a port that is no number: the password hidden all the same
        parts = urlsplit(url)
        if parts.password is None:
            return query_password_hidden(url)
        return query_password_hidden(
            urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1))))


_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&]*", re.IGNORECASE)


def query_password_hidden(shown: str) -> str:
    """`shown` with a password given as libpq's `?password=` parameter hidden too, which
    SQLAlchemy's `hide_password` leaves as written: a refusal of the address printed it.

    >>> query_password_hidden("postgresql://anna@db/ordini?password=s3greto&sslmode=require")
    'postgresql://anna@db/ordini?password=***&sslmode=require'
    """
    return _QUERY_PASSWORD.sub(r"\1***", shown)


_SQLALCHEMY_CREDENTIALS = re.compile(r"[^:/]*(?::[^@]*)?@")
"""What SQLAlchemy reads as a user and password at an address's start, up to the first `@` wherever it is."""


def reserved_in_credentials(url: str) -> str | None:
    """The address as a refusal may show it, when the user name or password of a PostgreSQL
    address holds a character an address reserves: a password `p@ss#1` or `pa/ss` typed as it is
    moved the server to `ss#1@db` or the port to `pa`, and the refusal then printed that part of
    the password. None for an address read as written.

    >>> reserved_in_credentials("postgresql://anna:p@ss#1@db/ordini")
    'postgresql://…@db/ordini'
    >>> reserved_in_credentials("postgresql://anna:pa/ss@db/ordini")
    'postgresql://…@db/ordini'
    >>> reserved_in_credentials("postgresql://anna:p%40ss@db/ordini?user=bruno@ditta") is None
    True

    A `#` in a parameter's value (`?password=p#ss`) is read whole, as the driver reads it; an `@`
    there is read as the end of a user and password where the address gives none before the
    server and a port follows it (`db:5432/ordini?password=p@ss` went to the server `ss`).

    >>> reserved_in_credentials("postgresql://anna@db/ordini?password=p#ss") is None
    True
    >>> reserved_in_credentials("postgresql://db:5432/ordini?user=anna&password=p@ss")
    'postgresql://db:5432/ordini'
    """
    parts = urlsplit(url)
    query_before_at = parts.query.split("@", 1)[0]
    if ("@" not in parts.netloc + parts.path and "@" in parts.query and "=" in query_before_at
            and _SQLALCHEMY_CREDENTIALS.match(url.partition("://")[2])):
        return f"{parts.scheme}://{parts.netloc}{parts.path}"  # the first `@` a parameter's
    hash_in_a_value = "=" in parts.query.rsplit("&", 1)[-1]
    if not (parts.netloc.count("@") > 1 or "@" in parts.path or (parts.fragment and not hash_in_a_value)
            or ("@" in parts.query and "=" not in query_before_at)):
        return None
    host_on = url.rsplit("@", 1)[1] if "@" in url else url.split("://", 1)[-1].split("#", 1)[0]
    return query_password_hidden(f"{parts.scheme}://…@{host_on}")


def through_socket(address: URL) -> bool:
    """Whether libpq reaches the server through this PC's own socket, where PostgreSQL's usual
    rule matches the PC's login against the user (peer): no server in the address, its
    `?host=`, the service it names or PGHOST, or a folder given as the server
    (`/var/run/postgresql`). A `hostaddr` (the address's, the service's, else PGHOSTADDR, each
    filled apart) connects over the network whatever the host; and psycopg reads PGHOST itself,
    not the service, handing libpq the address a server's name resolves to, so a PGHOST naming
    a server wins over a service's folder. «Ident authentication failed» comes over the network
    too."""
    service = service_settings(address.query)
    host = address.host or _last(address.query.get("host"))
    if _last(address.query.get("hostaddr")) or service.get("hostaddr") or os.environ.get("PGHOSTADDR"):
        return False
    named = os.environ.get("PGHOST")
    if not host and named and not _folders(named):
        return False
    return _folders(host or service.get("host") or named or _default_host())


def _default_host() -> str:
    """Where libpq goes given no server at all: on Windows `localhost`, over the network (its
    `DefaultHost`: no socket folder is built in there), elsewhere the socket folder it was built
    with (`/var/run/postgresql`, `/tmp`), this PC's own socket. Asked of the platform each time,
    as `service_file.system_folder` is."""
    return "localhost" if _windows() else "/var/run/postgresql"


def _windows() -> bool:
    """Whether libpq here is Windows', which takes a drive's path (`C:\\sockets`) for a socket's
    folder too, and goes to `localhost` when no server is given."""
    return sys.platform == "win32"


def _folders(hosts: str) -> bool:
    """Whether every server of a `host` list (`db1,db2`) is a socket, as libpq tells one
    (`is_unixsock_path`): an absolute path, on Windows a drive's too (`C:\\sockets`, `C:/sockets`)
    or one starting with a backslash, or a name in Linux's abstract namespace (`@ordini`)."""
    return all(_socket(part) for part in hosts.split(","))


def _socket(host: str) -> bool:
    if host.startswith(("/", "@")):
        return True
    return _windows() and (host.startswith("\\") or re.match(r"[A-Za-z]:[\\/]", host) is not None)


def connecting_user(address: URL) -> str:
    """The user libpq connects as: `?user=` (which the driver lays over the name before the `@`),
    that name, the `user=` of the service the address names (`pg_service.conf`), PGUSER, or this
    PC's login, in that order: the one a server matching logins against users compares."""
    return (_last(address.query.get("user")) or address.username or service_settings(address.query).get("user")
            or os.environ.get("PGUSER") or getpass.getuser())
