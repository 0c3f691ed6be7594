"""`toolkit ledger move`: a desk's SQLite ledger into the team's PostgreSQL ledger, once.

The history moves whole (`toolkit.ledger.move`), then the file is renamed
(`toolkit.ledger.db.moved_file`), kept to reprint what it issued: the workbook's commands no
longer find a ledger beside it, and refuse rather than start a new one numbered from 1
(`LEDGER_MOVED`), until told the team's (`--ledger`, `TOOLKIT_LEDGER_URL`). A SQLite ledger
of an older schema is upgraded first, as any command would upgrade it; one of a newer schema
is refused as every command refuses it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toolkit.basics.problems import Problem, UnusableInput, define
from toolkit.ledger import open_ledger
from toolkit.ledger.address import sqlite_url
from toolkit.ledger.db import LEDGER_MOVED, default_file, moved_file, rename_probe, rename_probe_undone
from toolkit.ledger.lock import Patience
from toolkit.ledger.move import Moved, move, server
from toolkit.services import session, team_ledger

NOTHING_TO_MOVE = define(
    "ledger-move-nothing-to-move", "error",
    it="Non c'è un registro SQLite da spostare: {file} non esiste. Se il registro della cartella è in un altro "
       "file, indicalo con --from.",
    en="There is no SQLite ledger to move: {file} does not exist. If the workbook's ledger is another file, "
       "name it with --from.")
MOVED_NAME_TAKEN = define(
    "ledger-move-name-taken", "error",
    it="Dopo lo spostamento il file {file} prenderebbe il nome {moved}, che esiste già (uno spostamento di "
       "prima?): non ho scritto nulla. Sposta {moved} in un'altra cartella, poi ripeti.",
    en="After the move the file {file} would be renamed {moved}, which exists already (an earlier move?): "
       "nothing was written. Move {moved} to another folder, then try again.")
CANNOT_RENAME = define(
    "ledger-move-cannot-rename", "error",
    it="Non riesco a rinominare {file} in {moved} ({reason}), come devo fare dopo lo spostamento perché la cartella "
       "non continui sul file: non ho scritto nulla. Chiudi ogni programma che usa il file (Excel con i pulsanti, "
       "un visualizzatore di database, un backup) e controlla di poter scrivere nella sua cartella, poi ripeti.",
    en="Cannot rename {file} to {moved} ({reason}), as the move must afterwards so that the workbook does not go "
       "on in the file: nothing was written. Close every program using the file (Excel with the buttons, a "
       "database viewer, a backup) and check that its folder can be written, then try again.")
NOT_RENAMED = define(
    "ledger-move-not-renamed", "error",
    it="Lo storico è nel registro del team, ma non ho potuto rinominare {file} in {moved} ({reason}): rinominalo "
       "tu, chiuso ogni programma che lo usa, perché nessuno continui per sbaglio sul file.",
    en="The history is in the team ledger, but {file} could not be renamed {moved} ({reason}): rename it "
       "yourself, with every program using it closed, so that nobody goes on in the file by mistake.")
TABLES_LEFT = define(
    "ledger-move-tables-left", "warning", title=("tabelle non del toolkit", "tables not the toolkit's"),
    it="Nel file {file} ci sono tabelle che il registro del toolkit non ha ({tables}: di chi cura il file o di un "
       "altro programma): non le ho spostate nel registro del team. Restano nel file {moved}, conservato; se "
       "servono anche sul server, copiale lì a parte.",
    en="The file {file} holds tables the toolkit's ledger has not ({tables}: whoever looks after the file's, or "
       "another program's): they were not moved into the team ledger. They stay in the file {moved}, kept; if "
       "they are needed on the server too, copy them there separately.")


@dataclass(frozen=True)
class LedgerMoved:
    moved: Moved
    source: Path
    kept_as: Path
    """What the SQLite file is called now."""
    target: str
    """The team ledger's address, password hidden."""
    problems: list[Problem]
    by_setting: bool = False
    """Whether *Impostazioni › Registro* names the team ledger, so the workbook finds it by itself."""


def move_ledger(workbook: Path, to: str | None, source: Path | None = None, *, wait: float = 30.0,
                notify: Callable[[Problem], None] | None = None, action: str = "toolkit ledger move") -> LedgerMoved:
    """Move the SQLite ledger beside `workbook` (or `source`) into the PostgreSQL ledger `to`,
    else the one *Impostazioni › Registro* names (`team_ledger.move_target`)."""
    file = (source or default_file(workbook)).expanduser().resolve()
    kept_as = moved_file(file)
    rename_probe_undone(file)
    if not file.is_file() and kept_as.is_file():
        raise UnusableInput(LEDGER_MOVED(None, ledger=file, moved=kept_as))
    if not file.is_file():
        raise UnusableInput(NOTHING_TO_MOVE(None, file=file))
    if kept_as.exists():
        raise UnusableInput(MOVED_NAME_TAKEN(None, file=file, moved=kept_as))
    _refuse_unless_renamable(file, kept_as)
    master = session.open_session(workbook).master
    to = team_ledger.move_target(to, master)
    patience = Patience(wait, notify)
    target = server(to, patience, action)
    try:
        old = open_ledger(sqlite_url(file), patience=patience, action=action)
        try:
            moved = move(old, target, then=lambda: _rename(file, kept_as))
        finally:
            old.engine.dispose()
    finally:
        target.engine.dispose()
    problems: list[Problem] = []
    if moved.left:
        problems.append(TABLES_LEFT(None, file=file, moved=kept_as, tables=", ".join(moved.left)))
    if file.exists():
        try:
            file.rename(kept_as)
        except OSError as exc:
            problems.append(NOT_RENAMED(None, file=file, moved=kept_as, reason=exc.strerror or str(exc)))
    by_setting = team_ledger.setting_address(master) is not None
    return LedgerMoved(moved, file, kept_as, target.url, problems, by_setting)


def _refuse_unless_renamable(file: Path, kept_as: Path) -> None:
    """The file renamed and back before anything is copied: a folder that cannot be written,
    or (on Windows) a program holding the file open, would otherwise let the history reach the
    team ledger and leave the file under its name, where the workbook's commands go on
    numbering in it as if nothing had moved. Renamed to its `rename_probe`, not to `kept_as`:
    a kill between must not leave the folder looking moved while the team ledger is empty,
    where every command would send the desk to number from 1 again."""
    probe = rename_probe(file)
    try:
        file.rename(probe)
    except OSError as exc:
        raise UnusableInput(CANNOT_RENAME(None, file=file, moved=kept_as, reason=exc.strerror or str(exc))) from None
    rename_probe_undone(file)


def _rename(file: Path, kept_as: Path) -> None:
    """The file renamed while its write lock is held, where the system allows it: a colleague
    who waited for the lock then finds it moved (`toolkit.ledger.db._sqlite_locked`). Windows
    renames no open file: there it is renamed as soon as it is closed, a moment later."""
    try:
        file.rename(kept_as)
    except OSError:
        pass
