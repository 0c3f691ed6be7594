"""Which ledger a workbook's command opens, when its *Impostazioni* say it is the team's.

A team shares one PostgreSQL ledger, named by `--ledger` or `TOOLKIT_LEDGER_URL`. A desk whose
shell or Excel lacks both (a new PC, a colleague's login, a script run from cron) silently got a
new SQLite ledger beside the workbook, numbered from 1: FT-2026-00001 issued a second time, DDT
numbers repeated, e-invoice file names SDI had already received. *Registro* ties the workbook
to the team's ledger: `condiviso` refuses any SQLite ledger; an address is used by itself when
nothing else is named, and refuses a `--ledger` or `TOOLKIT_LEDGER_URL` naming another, as two
ledgers for one company would number its documents twice. Each refusal is at the setting's
cell, before any ledger is opened, so nothing is created or written.
"""

from __future__ import annotations

from toolkit.basics.cells import Location
from toolkit.basics.problems import UnusableInput, define
from toolkit.ledger.address import server_database, shown_url
from toolkit.model.cells import SHARED_LEDGER
from toolkit.model.records import MasterData

TEAM_LEDGER_NOT_NAMED = define(
    "ledger-team-not-named", "error",
    it="Il foglio Impostazioni dice che il registro di questa cartella di lavoro è quello del team (Registro "
       "«{setting}»), ma nessun registro è indicato: il toolkit ne userebbe uno nuovo accanto alla cartella, con "
       "ordini, DDT e fatture numerati di nuovo da 1. Non ho scritto nulla. Indica il registro del team con "
       "--ledger postgresql://server/database o con la variabile TOOLKIT_LEDGER_URL, oppure scrivi il suo "
       "indirizzo, senza password, in Registro.",
    en="The Impostazioni sheet says this workbook's ledger is the team's (Ledger “shared”), but no ledger is "
       "named: the toolkit would use a new one beside the workbook, numbering orders, DDTs and invoices from 1 "
       "again. Nothing was written. Name the team's ledger with --ledger postgresql://server/database or the "
       "TOOLKIT_LEDGER_URL variable, or write its address, without a password, in Ledger.")
NOT_THE_TEAMS = define(
    "ledger-not-the-teams", "error",
    it="Il registro indicato, {given}, è un file SQLite, ma il foglio Impostazioni dice che il registro di questa "
       "cartella di lavoro è quello PostgreSQL del team (Registro «{setting}»): ordini, DDT e fatture "
       "prenderebbero numeri già dati nel registro del team. Non ho scritto nulla. Indica il registro del team "
       "con --ledger postgresql://server/database o con la variabile TOOLKIT_LEDGER_URL; se questa cartella "
       "lavora davvero da sola, svuota la cella Registro.",
    en="The ledger named, {given}, is a SQLite file, but the Impostazioni sheet says this workbook's ledger is "
       "the team's PostgreSQL one (Ledger “shared”): orders, DDTs and invoices would take numbers the team "
       "ledger already gave. Nothing was written. Name the team's ledger with --ledger "
       "postgresql://server/database or the TOOLKIT_LEDGER_URL variable; if this workbook really works alone, "
       "empty the Ledger cell.")
NOT_THE_WORKBOOKS = define(
    "ledger-not-the-workbooks", "error",
    it="Il registro indicato con --ledger o TOOLKIT_LEDGER_URL, {given}, non è quello di questa cartella di "
       "lavoro: il foglio Impostazioni indica in Registro {setting}. Due registri per la stessa ditta darebbero "
       "due volte gli stessi numeri a ordini, DDT e fatture, quindi non ho scritto nulla. Togli --ledger e "
       "TOOLKIT_LEDGER_URL (vale Registro) o indica lo stesso database; se il registro del team è davvero "
       "cambiato, correggi Registro.",
    en="The ledger named by --ledger or TOOLKIT_LEDGER_URL, {given}, is not this workbook's: the Impostazioni "
       "sheet gives {setting} in Ledger. Two ledgers for one company would give orders, DDTs and invoices the "
       "same numbers twice, so nothing was written. Drop --ledger and TOOLKIT_LEDGER_URL (Ledger is used) or "
       "name the same database; if the team's ledger really moved, correct Ledger.")
MOVE_TARGET_NOT_NAMED = define(
    "ledger-move-target-not-named", "error",
    it="Non so in quale registro del team spostare lo storico: non ho spostato nulla. Indicalo con --to "
       "postgresql://utente@server/database (o con la variabile TOOLKIT_LEDGER_URL), oppure scrivi il suo "
       "indirizzo, senza password, in Impostazioni › Registro: lo spostamento lo legge da lì.",
    en="Which team ledger to move the history into is not said: nothing was moved. Name it with --to "
       "postgresql://user@server/database (or the TOOLKIT_LEDGER_URL variable), or write its address, without a "
       "password, in Impostazioni › Ledger: the move reads it there.")
MOVE_TARGET_NOT_THE_WORKBOOKS = define(
    "ledger-move-target-not-the-workbooks", "error",
    it="--to {given} non è il registro di questa cartella di lavoro: il foglio Impostazioni indica in Registro "
       "{setting}, e la cartella rifiuterebbe poi il database in cui avrei spostato lo storico. Non ho spostato "
       "nulla. Togli --to (e TOOLKIT_LEDGER_URL): lo spostamento usa Registro; se il registro del team è davvero "
       "{given}, correggi prima Registro.",
    en="--to {given} is not this workbook's ledger: the Impostazioni sheet gives {setting} in Ledger, and the "
       "workbook would then refuse the database the history had moved into. Nothing was moved. Drop --to (and "
       "TOOLKIT_LEDGER_URL): the move uses Ledger; if the team's ledger really is {given}, correct Ledger first.")


def chosen(given: str | None, master: MasterData) -> str | None:
    """The ledger to open: `given` (`--ledger`, `TOOLKIT_LEDGER_URL`), else *Registro*'s
    address, else None (the SQLite file beside the workbook); `UnusableInput` where *Registro*
    and `given` disagree, or *Registro* says `condiviso` and nothing names the team's."""
    setting = master.settings.ledger
    if setting is None:
        return given
    where = master.locate_setting("ledger")
    if not given:
        if setting == SHARED_LEDGER:
            raise UnusableInput(TEAM_LEDGER_NOT_NAMED(where, setting=setting))
        return setting
    if setting == SHARED_LEDGER:
        if server_database(given) is None:
            raise UnusableInput(NOT_THE_TEAMS(where, given=shown_url(given), setting=setting))
        return given
    if server_database(given) != server_database(setting):
        raise UnusableInput(NOT_THE_WORKBOOKS(where, given=shown_url(given), setting=setting))
    return given


def move_target(given: str | None, master: MasterData) -> str:
    """The team ledger `toolkit ledger move` fills: `given` (`--to`, `TOOLKIT_LEDGER_URL`), else
    *Registro*'s address. A `given` naming another database than *Registro* is refused at the
    cell: the history would go where every command of the workbook then refuses to look."""
    address = setting_address(master)
    where = setting_cell(master)
    if not given:
        if address is None:
            raise UnusableInput(MOVE_TARGET_NOT_NAMED(where))
        return address
    if address is not None and server_database(given) != server_database(address):
        raise UnusableInput(MOVE_TARGET_NOT_THE_WORKBOOKS(where, given=shown_url(given), setting=address))
    return given


def setting_address(master: MasterData) -> str | None:
    """The team ledger's address *Registro* holds, else None (empty, or `condiviso`, which names
    none): the address the workbook finds by itself, which `ledger move` reads without `--to`."""
    setting = master.settings.ledger
    return setting if setting not in (None, SHARED_LEDGER) else None


def setting_cell(master: MasterData) -> Location | None:
    """*Registro*'s cell when it is filled (the workbook is tied to the team's ledger), else None."""
    return master.locate_setting("ledger") if master.settings.ledger is not None else None

