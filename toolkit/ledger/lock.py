"""Waiting for the ledger's write lock, and saying who holds it.

One action writes at a time (see `toolkit.ledger.db`). A colleague's month-end can hold the lock
for a minute; whoever comes next should not wait in silence or for ever. So a writer tries the
lock, and while it is taken says once who holds it — the ledger's user (the PostgreSQL role, or
on SQLite the OS login), the action, since when — and gives up after `Ledger.wait` seconds with a
clear message (exit 2) that nothing was written.

Who holds the lock is known differently per database. PostgreSQL shows it: each connection
carries its holder in `application_name`, and `pg_locks` says which connection has the
advisory lock. SQLite cannot tell, so the holder writes a small file beside the ledger while it
holds the lock (`<ledger>.holder`); a file left by a killed process is harmless, because it is
read only while someone actually holds the lock.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, OperationalError

from toolkit.basics.problems import Problem, UnusableInput, define

LEDGER_WAITING = define(
    "ledger-waiting", "warning",
    title=("Registro occupato: in attesa", "Ledger busy: waiting"),
    it="Il registro è occupato da {holder}: aspetto fino a {wait} secondi…",
    en="The ledger is busy with {holder}: waiting up to {wait} seconds…")
LEDGER_BUSY = define(
    "ledger-busy", "error",
    it="Il registro è ancora occupato da {holder} dopo {wait} secondi: non ho scritto nulla. Riprova più tardi "
       "o aspetta di più con --wait.",
    en="The ledger is still busy with {holder} after {wait} seconds: nothing was written. Try again later "
       "or wait longer with --wait.")

POLL = 0.2
"""Seconds between two tries of a taken lock."""

ADVISORY_KEY = 0x0D0C_2026
"""The PostgreSQL advisory lock every writer takes (any fixed number the toolkit owns)."""

Notify = Callable[[Problem], None]


@dataclass(frozen=True)
class Holder:
    """Who holds the write lock: an OS user running an action, since a time (local), and on
    PostgreSQL the role its connection logged in as (`role`). A holder the toolkit cannot name
    (another program's connection, no holder file) has no `user`, and no `action` when that is
    unknown too: the message words them in the reader's language. A `queued` holder holds
    nothing yet: its own request waits behind another session's, and PostgreSQL queues a writer
    behind it all the same."""

    user: str | None
    action: str | None
    since: datetime | None = None
    role: str | None = None
    queued: bool = False

    def shown(self, lang: str) -> str:
        """The holder as a colleague knows them: on PostgreSQL by the ledger's user, the role
        they connect as (`anna`, as their address names it), where the PC's login is often a
        shared `Utente` or `ufficio`; that login beside it when it differs, which tells apart
        colleagues sharing one role. On SQLite the login is the only name there is.

        >>> Holder("anna", "toolkit ship").shown("it")
        'anna (toolkit ship)'
        >>> Holder("Utente", "toolkit ship", role="anna").shown("it")
        'anna (Utente sul PC: toolkit ship)'
        >>> Holder("Utente", "toolkit ship", role="anna").shown("en")
        'anna (Utente on the PC: toolkit ship)'
        >>> Holder(None, "psql", role="postgres").shown("en")
        'postgres (psql)'
        >>> UNKNOWN.shown("it"), UNKNOWN.shown("en")
        ('un altro utente (sconosciuto)', 'another user (unknown)')
        >>> Holder(None, "psql", role="postgres", queued=True).shown("en")
        'postgres (psql, itself waiting for another session)'
        """
        it = lang == "it"
        user = self.role or self.user or ("un altro utente" if it else "another user")
        login = f"{self.user} {'sul PC' if it else 'on the PC'}: " if self.role and self.user not in (
            None, self.role) else ""
        action = self.action or ("sconosciuto" if it else "unknown")
        when = f", {self.since:%d/%m %H:%M:%S}" if self.since else ""
        queued = (", a sua volta in attesa di un'altra sessione" if it else ", itself waiting for another session"
                  ) if self.queued else ""
        return f"{user} ({login}{action}{when}{queued})"

    def tag(self) -> str:
        """The holder as PostgreSQL keeps it in `application_name` (63 characters at most).

        >>> Holder("anna", "toolkit invoice").tag()
        'toolkit|anna|toolkit invoice'
        """
        return f"toolkit|{self.user}|{self.action}"[:63]

    @classmethod
    def from_tag(cls, tag: str | None, since: datetime | None, role: str | None = None,
                 queued: bool = False) -> Holder:
        """
        >>> Holder.from_tag("toolkit|anna|toolkit ship", None).shown("en")
        'anna (toolkit ship)'
        >>> Holder.from_tag("psql", None).shown("it"), Holder.from_tag(None, None).shown("it")
        ('un altro utente (psql)', 'un altro utente (sconosciuto)')
        """
        parts = (tag or "").split("|", 2)
        if len(parts) == 3 and parts[0] == "toolkit":
            return cls(parts[1], parts[2], since, role, queued)
        return cls(None, tag or None, since, role, queued)


UNKNOWN = Holder(None, None)


@dataclass(frozen=True)
class Patience:
    """How long a writer waits for the lock, and whom it tells that it is waiting."""

    wait: float = 30.0
    notify: Notify | None = None


class Waiting:
    """One writer's wait: tells once, gives up at the deadline."""

    def __init__(self, patience: Patience):
        self.patience = patience
        self.deadline = time.monotonic() + patience.wait
        self.told = False

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def taken(self, holder: Callable[[], Holder]) -> None:
        """The lock is taken: give up when the time is over, else say so once and pause. The
        seconds go to the message as a number, which it writes as the reader does (2,5 secondi)."""
        wait = self.patience.wait
        if self.remaining() <= 0:
            raise UnusableInput(LEDGER_BUSY(None, holder=holder(), wait=wait))
        if not self.told and self.patience.notify is not None:
            self.patience.notify(LEDGER_WAITING(None, holder=holder(), wait=wait))
        self.told = True
        time.sleep(min(POLL, self.remaining()))


def try_advisory(conn: Connection) -> bool:
    return bool(conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY}).scalar())


def advisory_holder(conn: Connection) -> Holder:
    """The PostgreSQL session holding the advisory lock of this ledger's database, as its
    `application_name` tells, and the role it logged in as: the lock's key is the same in every
    ledger on the server, and `pg_locks` lists them all."""
    row = conn.execute(text(
        "SELECT a.application_name, a.xact_start, a.usename FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :k AND l.objsubid = 1 "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) LIMIT 1"),
        {"k": ADVISORY_KEY}).first()
    if row is None:
        return UNKNOWN
    since = row[1].astimezone().replace(tzinfo=None) if row[1] is not None else None
    return Holder.from_tag(row[0], since, row[2])


LOCK_NOT_AVAILABLE = "55P03"
"""PostgreSQL's lock_not_available: a NOWAIT lock refused, or a wait past `lock_timeout`."""
UNDEFINED_TABLE = "42P01"
"""PostgreSQL's undefined_table: a table the ledger does not have yet."""


def try_tables(conn: Connection, tables: Sequence[str]) -> bool:
    """Whether this transaction could lock the ledger's `tables` for writing (ROW EXCLUSIVE, what
    its inserts and updates take) without waiting. The advisory lock keeps the toolkit's writers
    apart; a session outside the toolkit (psql's `LOCK TABLE counters IN EXCLUSIVE MODE`, a
    restore, a maintenance script) holds a table the advisory lock knows nothing of, and the
    write waited on it in silence for ever. Tried in a savepoint, so that a refusal leaves the
    transaction usable for the next try. A ledger whose tables are still to be made (its first
    write, an upgrade adding one) has none an outsider can hold: nothing is locked then."""
    try:
        with conn.begin_nested():
            conn.exec_driver_sql(f"LOCK TABLE {', '.join(tables)} IN ROW EXCLUSIVE MODE NOWAIT")
    except DBAPIError as exc:
        state = getattr(exc.orig, "sqlstate", None)
        if state not in (LOCK_NOT_AVAILABLE, UNDEFINED_TABLE):
            raise
        return state == UNDEFINED_TABLE
    return True


def bound_lock_waits(conn: Connection, seconds: float) -> None:
    """Let no statement of this transaction wait longer than `seconds` for a lock (PostgreSQL's
    `lock_timeout`, for this transaction only): a row an outside session keeps updated in an
    open transaction (`UPDATE counters …` in psql) is no table lock `try_tables` sees. Only waits
    are bounded, never a statement's work: the toolkit's own long writes run as long as they need."""
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, int(seconds * 1000))}")


def unbound_lock_waits(conn: Connection) -> None:
    """Let the rest of this transaction wait for its locks as long as it takes (`bound_lock_waits`
    undone): the toolkit's own steps that wait on its readers, not on an outsider — an upgrade's
    ALTER TABLE waits for every colleague's report or panel reading the table, an ANALYZE for a
    vacuum — and end when they end. Bounded, an upgrade was rolled back after --wait naming nobody."""
    conn.exec_driver_sql("SET LOCAL lock_timeout = 0")


def lock_refused(exc: BaseException) -> bool:
    """Whether `exc` is a statement that gave up waiting for a lock (`bound_lock_waits`)."""
    return isinstance(exc, OperationalError) and getattr(exc.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE


STOPS_WRITERS = ("ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock")
"""The table lock modes that conflict with ROW EXCLUSIVE, what `try_tables` takes: the others
(a reader's ACCESS SHARE, a `SELECT … FOR UPDATE`'s ROW SHARE, another writer's ROW EXCLUSIVE, a
vacuum's SHARE UPDATE EXCLUSIVE) refuse no writer."""
HOLDS_ROWS = (*STOPS_WRITERS, "RowShareLock", "RowExclusiveLock")
"""The table lock modes of a session that may hold rows a statement waits for: those that stop
a writer, a `SELECT … FOR UPDATE`'s and another writer's."""


def table_holder(conn: Connection, tables: Sequence[str], *, rows: bool = False) -> Holder:
    """The session holding one of the ledger's `tables` with a lock that refused `try_tables`
    (`STOPS_WRITERS`), or with `rows`, after a statement gave up waiting for a row, one that may
    hold rows (`HOLDS_ROWS`): as its `application_name` tells (`psql`), with the role it logged
    in as. Not this session, and not one whose lock stops nobody, open since before it (a
    `SELECT … FOR UPDATE` in pgAdmin, a vacuum), which was named after a refused NOWAIT as the
    earliest of every lock but a reader's; no toolkit writer holds a table while this one holds
    the advisory lock. When no session holds such a lock, one that asks for it and waits (an
    `ALTER TABLE` behind a colleague's report) is named, `queued`: PostgreSQL serves lock
    requests in turn, so it stops the writer as a holder would, and naming nobody left the desk
    no one to ask. Of several queued, the first in the queue: the one no other queued request
    is ahead of (`pg_blocking_pids`), which the others wait for; the earliest transaction was
    named, which may have asked after it and wait behind it."""
    row = conn.execute(text(
        "WITH held AS (SELECT l.pid, a.application_name, a.xact_start, a.usename, NOT l.granted AS queued "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'relation' AND l.pid <> pg_backend_pid() "
        "AND l.mode = ANY(CAST(:modes AS text[])) "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND l.relation = ANY(CAST(:tables AS regclass[]))) "
        "SELECT h.application_name, h.xact_start, h.usename, h.queued FROM held h "
        "ORDER BY h.queued, EXISTS (SELECT 1 FROM held o WHERE o.queued AND o.pid <> h.pid "
        "AND o.pid = ANY(pg_blocking_pids(h.pid))), h.xact_start LIMIT 1"),
        {"tables": list(tables), "modes": list(HOLDS_ROWS if rows else STOPS_WRITERS)}).first()
    if row is None:
        return UNKNOWN
    since = row[1].astimezone().replace(tzinfo=None) if row[1] is not None else None
    return Holder.from_tag(row[0], since, row[2], queued=row[3])


def holder_file(database: Path) -> Path:
    return database.with_name(database.name + ".holder")


def write_holder(database: Path, holder: Holder) -> None:
    """Best effort: a ledger in a read-only folder still works, only without the name."""
    try:
        holder_file(database).write_text(json.dumps(
            {"user": holder.user, "action": holder.action, "since": f"{holder.since:%Y-%m-%dT%H:%M:%S}",
             "pid": os.getpid()}), encoding="utf-8")
    except OSError:
        pass


def clear_holder(database: Path) -> None:
    try:
        holder_file(database).unlink(missing_ok=True)
    except OSError:
        pass


def read_holder(database: Path) -> Holder:
    try:
        data = json.loads(holder_file(database).read_text(encoding="utf-8"))
        return Holder(str(data["user"]), str(data["action"]), datetime.fromisoformat(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return UNKNOWN
