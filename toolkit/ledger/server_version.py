"""The oldest PostgreSQL server a ledger may be on, and the check that refuses an older one.

The ledger's statements need PostgreSQL 11: `SET LOCAL jit` (the unwritten e-invoices' query,
`toolkit.ledger.einvoices`) and `ANALYZE` of several tables in one statement
(`toolkit.ledger.copy_in`) are 11's; `ON CONFLICT` (9.5), `lock_timeout` (9.3) and the rest are
older. On a 10 a command failed midway with the server's words, after the ledger's tables were
made; the version is read as the ledger is opened, before anything is written.
"""

from __future__ import annotations

from sqlalchemy import Connection

from toolkit.basics.problems import UnusableInput, define

MINIMUM = 110000
"""PostgreSQL 11, as `server_version_num` says it."""

SERVER_TOO_OLD = define(
    "ledger-server-too-old", "error",
    it="Il server del registro {url} è PostgreSQL {found}: il toolkit vuole PostgreSQL {minimum} o più recente (usa "
       "comandi che le versioni precedenti non conoscono). Non ho scritto nulla. Fai aggiornare il server a chi lo "
       "gestisce, o usa un registro su un server più recente.",
    en="The ledger's server {url} is PostgreSQL {found}: the toolkit needs PostgreSQL {minimum} or newer (it uses "
       "statements earlier versions do not know). Nothing was written. Have whoever looks after the server upgrade "
       "it, or use a ledger on a newer server.")


def server_version_num(conn: Connection) -> int:
    """The server's `server_version_num` (110022 for 11.22, 90624 for 9.6.24), as libpq was
    told it when the connection was opened: no statement sent for it. libpq says 0 when what it
    was told was no version it reads (a pooler or proxy in front of the server may send none):
    then the server is asked, where a server of any version was refused as *PostgreSQL 0.0.0*."""
    told = _told_by_libpq(conn)
    if told:
        return told
    return int(conn.exec_driver_sql("SHOW server_version_num").scalar_one())


def _told_by_libpq(conn: Connection) -> int:
    return int(conn.connection.dbapi_connection.info.server_version)  # type: ignore[union-attr]


def shown(number: int) -> str:
    """A `server_version_num` as PostgreSQL names its releases: 10.23, 9.6.24."""
    major = number // 10000
    if major >= 10:
        return f"{major}.{number % 10000}"
    return f"{major}.{number // 100 % 100}.{number % 100}"


def refuse_older(conn: Connection, url: str) -> None:
    """Refuse (exit 2) a server older than `MINIMUM`, naming its version and the one needed."""
    found = server_version_num(conn)
    if found < MINIMUM:
        raise UnusableInput(SERVER_TOO_OLD(None, url=url, found=shown(found), minimum=MINIMUM // 10000))
