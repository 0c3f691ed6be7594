"""An internal error as the front ends show it: its class and a short reason, in one line.

A user's mistakes are problems with a cell (`toolkit.basics.problems`); what is left is a bug or
a failing system (a database down, a disk full), and the user can only pass it on. The message
of a database library's exception embeds the SQL statement and its parameters: customer data,
long, and nothing a user can act on. So an SQLAlchemy exception shows its own class and the
driver's first line (`orig`), never its statement; `TOOLKIT_DEBUG=1` still gives the traceback.

>>> class DataError(Exception):
...     __module__ = "sqlalchemy.exc"
...     def __init__(self, orig):
...         self.orig = orig
...     def __str__(self):
...         return f"({self.orig!r}) {self.orig}\\n[SQL: INSERT INTO t VALUES (%(x)s)]\\n[parameters: {{'x': 1}}]"
>>> described(DataError(OverflowError("bigint out of range")))
'DataError (OverflowError): bigint out of range'
>>> described(ValueError("1.2345 has more than 3 decimals"))
'ValueError: 1.2345 has more than 3 decimals'
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

from toolkit.basics.problems import Problem, define

LONGEST = 200
"""Characters of the reason shown; the rest is in the traceback."""


def described(exc: BaseException) -> str:
    name = type(exc).__name__
    if not type(exc).__module__.startswith("sqlalchemy"):
        return f"{name}: {_first_line(str(exc))}"
    orig = getattr(exc, "orig", None)
    if orig is None:
        return f"{name}: {_first_line(str(exc).split('[SQL:', 1)[0])}"
    return f"{name} ({type(orig).__name__}): {_first_line(str(orig))}"


LEDGER_DAMAGE_NOTED = define(
    "ledger-damage-noted", "warning",
    title=("Registro danneggiato, ma non è la causa", "Ledger damaged, though not the cause"),
    it="Nota: il registro ha anche un danno, che non spiega questo errore interno: {damage_it}",
    en="Note: the ledger is damaged too, in a way that does not explain this internal error: {damage_en}")
_DAMAGE = "toolkit_damage_noted"
"""The attribute `note_damage` sets on an internal error: the damage found in the ledger after it."""


def note_damage(exc: BaseException, damage: Problem) -> None:
    """Keep with `exc`, a bug, the damage the ledger was found to have once it was raised, which
    cannot explain it (`toolkit.ledger.db._damage_told`): the bug stays the internal error it is,
    to report, and the damage is told beside it (`damage_noted`), to restore the ledger for."""
    setattr(exc, _DAMAGE, damage)


def damage_noted(exc: BaseException) -> list[Problem]:
    """The note an internal error gets of the damage kept with it (`note_damage`), or none."""
    damage = getattr(exc, _DAMAGE, None)
    if not isinstance(damage, Problem):
        return []
    return [LEDGER_DAMAGE_NOTED(None, damage_it=damage.message("it"), damage_en=damage.message("en"))]


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    first = lines[0].strip() if lines else ""
    return first if len(first) <= LONGEST else first[:LONGEST - 1] + "…"


DISK_FULL = define(
    "disk-full", "error",
    it="Il disco è pieno{where_it}: l'operazione si è fermata senza lasciare nulla a metà, né file né documenti nel "
       "registro. Libera spazio sul disco (o nella cartella di rete) e ripetila.",
    en="The disk is full{where_en}: the action stopped and left nothing half-done, neither a file nor documents in "
       "the ledger. Free some space on the disk (or the network folder) and run it again.")
FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
"""What a write to a full disk, or past the user's quota, fails with."""


def disk_full(exc: BaseException) -> bool:
    """Whether `exc`, or an error it came from, is a disk that filled up: the operating
    system's ENOSPC (or a quota's EDQUOT), or SQLite's "database or disk is full". Not a bug
    to report but a system to tend, and every write is atomic, so nothing was left half-done.

    >>> disk_full(OSError(errno.ENOSPC, "No space left on device"))
    True
    >>> try:
    ...     raise RuntimeError("writing failed") from OSError(errno.ENOSPC, "No space left on device")
    ... except RuntimeError as failed:
    ...     disk_full(failed)
    True
    >>> import sqlite3
    >>> disk_full(sqlite3.OperationalError("database or disk is full"))
    True
    >>> disk_full(OSError(errno.EACCES, "Permission denied")), disk_full(ValueError("no"))
    (False, False)
    """
    for found in _chain(exc):
        if isinstance(found, OSError) and found.errno in FULL:
            return True
        if "database or disk is full" in str(getattr(found, "orig", None) or found):
            return True
    return False


LEDGER_READ_ONLY = define(
    "ledger-read-only", "error",
    it="Il registro non si può scrivere: il file del registro, la sua cartella o il disco sono di sola lettura "
       "(permessi, un file bloccato, una cartella condivisa in sola lettura). Non è stato registrato nulla e nessun "
       "file è stato scritto. Rendi scrivibili il file del registro e la sua cartella, poi ripeti il comando.",
    en="The ledger cannot be written: the ledger file, its folder or the disk is read-only (permissions, a locked "
       "file, a shared folder open read-only). Nothing was stored and no file was written. Make the ledger file "
       "and its folder writable, then run the command again.")
_READ_ONLY_SQLITE = {8, 14}
"""SQLite's SQLITE_READONLY (the file cannot be written) and SQLITE_CANTOPEN (met at the first
write when the folder cannot take the journal beside the ledger)."""
_READ_ONLY_SQLSTATE = "25006"
"""PostgreSQL's read_only_sql_transaction: a server or database set read-only."""


def ledger_read_only(exc: BaseException) -> bool:
    """Whether `exc`, or an error it came from, is a ledger that cannot be written: a machine's
    state to tend, not a bug, as a full disk is (`disk_full`).

    >>> import sqlite3
    >>> failed = sqlite3.OperationalError("attempt to write a readonly database")
    >>> failed.sqlite_errorcode = 8
    >>> ledger_read_only(failed), ledger_read_only(sqlite3.OperationalError("no such table: x"))
    (True, False)
    """
    for found in _chain(exc):
        if (getattr(found, "sqlite_errorcode", -1) & 0xFF) in _READ_ONLY_SQLITE:
            return True
        if getattr(found, "sqlstate", None) == _READ_ONLY_SQLSTATE:
            return True
    return False


LEDGER_CONNECTION_LOST = define(
    "ledger-connection-lost", "error",
    it="Il collegamento con il registro si è interrotto durante il comando (il server PostgreSQL si è fermato o "
       "riavviato, o la rete è caduta): l'operazione in corso è stata annullata dal server, nulla è rimasto a metà. "
       "Quando il server risponde di nuovo ripeti lo stesso comando: ciò che era già registrato non viene ripetuto.",
    en="The connection to the ledger was lost during the command (the PostgreSQL server stopped or restarted, or "
       "the network dropped): the server rolled back the action under way, nothing was left half-done. When the "
       "server answers again, run the same command again: what was already stored is not repeated.")
_CONNECTION_LOST_SQLSTATES = ("57P01", "57P02", "57P03")
"""PostgreSQL's admin_shutdown, crash_shutdown and cannot_connect_now (a server restarting)."""


def ledger_connection_lost(exc: BaseException) -> bool:
    """Whether `exc`, or an error it came from, is a ledger server gone mid-command: SQLAlchemy
    marks a connection it found dead (`connection_invalidated`), PostgreSQL says class 08 or a
    shutdown. A machine's state, as a full disk: the transaction died with the connection.

    >>> class Gone(Exception):
    ...     sqlstate = "57P01"
    >>> ledger_connection_lost(Gone()), ledger_connection_lost(ValueError("no"))
    (True, False)
    """
    for found in _chain(exc):
        state = getattr(found, "sqlstate", None) or ""
        if getattr(found, "connection_invalidated", False) or state.startswith("08") \
                or state in _CONNECTION_LOST_SQLSTATES:
            return True
    return False


LEDGER_NO_RIGHTS = define(
    "ledger-no-rights", "error",
    it="L'utente del registro PostgreSQL non ha i permessi necessari ({reason}): non è stato registrato nulla e "
       "nessun file è stato scritto. Chiedi all'amministratore del database di dare a questo utente i permessi "
       "sul database del registro (la prima volta crea le tabelle: GRANT CREATE ON SCHEMA public; poi lettura e "
       "scrittura di tutte le tabelle), oppure usa in --ledger l'utente che ha creato il registro.",
    en="The PostgreSQL ledger's user lacks the rights it needs ({reason}): nothing was stored and no file was "
       "written. Ask the database administrator to grant this user rights on the ledger's database (the first "
       "time it creates the tables: GRANT CREATE ON SCHEMA public; then reading and writing every table), or "
       "put in --ledger the user that created the ledger.")
_NO_RIGHTS_SQLSTATE = "42501"
"""PostgreSQL's insufficient_privilege: no CREATE on the schema, no rights on a table, not its owner."""


def ledger_no_rights(exc: BaseException) -> str | None:
    """The server's reason when `exc`, or an error it came from, is a PostgreSQL role without
    the rights the ledger needs: the database administrator's to grant, not a bug.

    >>> class Denied(Exception):
    ...     sqlstate = "42501"
    >>> ledger_no_rights(Denied("permission denied for schema public")), ledger_no_rights(ValueError())
    ('permission denied for schema public', None)
    """
    for found in _chain(exc):
        if getattr(found, "sqlstate", None) == _NO_RIGHTS_SQLSTATE:
            return _first_line(str(found))
    return None


WRITING = "toolkit_writing"
"""The attribute `files.atomic_path` sets on the error a write fails with: the file it was
making, which the system's error names by its temporary name, or not at all (a full disk
fails the write of an open file, which carries no name)."""


WRITING_IN = "toolkit_writing_in"
"""The attribute set instead of `WRITING` when only the folder of the file being made is known
(`files.noted_writing_in`): a zip whose name depends on files it never got to."""


def writing(exc: BaseException) -> Path | None:
    """The file being written when `exc` was raised: the target `files.atomic_path` noted on
    it, else the file or folder the system's error names."""
    if isinstance(noted := getattr(exc, WRITING, None), Path):
        return noted
    if isinstance(exc, OSError) and isinstance(exc.filename, str | Path):
        return Path(exc.filename)
    return None


def full_at(exc: BaseException) -> dict[str, str]:
    """Where a full disk stopped `exc`'s write, for a message's `where_it` and `where_en`: the
    file and its folder (`writing`), the folder alone when the file's name was not certain
    (`WRITING_IN`), empty when unknown (the ledger's own database full)."""
    for found in _chain(exc):
        folder = getattr(found, WRITING_IN, None)
        if isinstance(folder, Path) and not isinstance(getattr(found, WRITING, None), Path):
            return {"where_it": f" scrivendo nella cartella {folder}", "where_en": f" writing in the folder {folder}"}
        if (written := writing(found)) is not None:
            return {"where_it": f" scrivendo {written.name} nella cartella {written.parent}",
                    "where_en": f" writing {written.name} in the folder {written.parent}"}
    return {"where_it": "", "where_en": ""}


def machine_state(exc: BaseException) -> Problem | None:
    """The problem both front ends show for a failure that is the machine's to tend, not a bug:
    a full disk, a ledger that cannot be written, a ledger server gone, a role without rights."""
    if disk_full(exc):
        return DISK_FULL(None, **full_at(exc))
    if ledger_read_only(exc):
        return LEDGER_READ_ONLY(None)
    if ledger_connection_lost(exc):
        return LEDGER_CONNECTION_LOST(None)
    if (denied := ledger_no_rights(exc)) is not None:
        return LEDGER_NO_RIGHTS(None, reason=denied)
    return None


_WHY_NOT_WRITTEN = {
    **dict.fromkeys(FULL, "il disco è pieno"),
    errno.EACCES: "permesso negato: il file è aperto in un altro programma o la cartella non si può scrivere",
    errno.EPERM: "permesso negato: il file è aperto in un altro programma o la cartella non si può scrivere",
    errno.EROFS: "il disco è di sola lettura",
}


def os_reason(exc: BaseException, lang: str) -> str:
    """Why a write failed, in a line: the operating system's own words are English, so an
    Italian sentence carries an Italian reason for the common cases (a full disk, a file or
    folder not writable, a read-only disk) and the English one keeps the system's text.

    >>> full = OSError(errno.ENOSPC, "No space left on device")
    >>> os_reason(full, "it"), os_reason(full, "en")
    ('il disco è pieno', 'OSError: [Errno 28] No space left on device')
    >>> os_reason(PermissionError(errno.EACCES, "Permission denied"), "it")[:16]
    'permesso negato:'
    >>> os_reason(ValueError("odd"), "it")
    'ValueError: odd'
    >>> os_reason(KeyboardInterrupt(), "it")
    'interrotto con Ctrl+C prima di scriverlo'
    """
    if isinstance(exc, KeyboardInterrupt):
        return "interrotto con Ctrl+C prima di scriverlo" if lang == "it" else "interrupted with Ctrl+C before it was written"
    cause = _os_error(exc)
    found = _WHY_NOT_WRITTEN.get(cause.errno or 0) if cause is not None else None
    return found if found is not None and lang == "it" else f"{type(exc).__name__}: {exc}"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and the errors it came from, each once: the driver's error a SQLAlchemy one wraps
    (`orig`), else the cause or the context; a cycle ends the walk."""
    seen: set[int] = set()
    found: BaseException | None = exc
    while found is not None and id(found) not in seen:
        seen.add(id(found))
        yield found
        found = getattr(found, "orig", None) or found.__cause__ or found.__context__


def _os_error(exc: BaseException) -> OSError | None:
    """The operating system's error behind `exc`: itself, what it came from, or what it wraps
    (xlsxwriter's FileCreateError holds the OSError as its argument)."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        found = todo.pop()
        if not isinstance(found, BaseException) or id(found) in seen:
            continue
        seen.add(id(found))
        if isinstance(found, OSError) and found.errno is not None:
            return found
        todo += [found.__cause__, found.__context__, *found.args]
    return None
