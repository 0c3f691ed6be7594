"""What most actions start with: the checked master data and the ledger that goes with it.

A workbook whose check finds errors stops every action that would act on it (`ProblemsFound`,
the problems listed), so nothing is generated, shipped or invoiced from data the check
rejects. The ledger is the one at `ledger_url`, else the one *Impostazioni › Registro* names,
else the SQLite file beside the workbook (`toolkit.services.team_ledger`); it is
opened on first use, so an action that only reads the master data (the calendar) leaves no
ledger behind. A ledger whose documents another seller issued (another partita IVA) is refused
as it is opened, before anything is read or written (`ANOTHER_SELLER`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from toolkit.basics.cells import Location
from toolkit.basics.problems import Problem, ProblemsFound, UnusableInput, define
from toolkit.basics.wording import Agreed, Counted, first_numbers
from toolkit.core.einvoice.names import seller_id
from toolkit.core.einvoice.records import FiscalId
from toolkit.core.invoicing import Invoice
from toolkit.intake.sources import RawWorkbook
from toolkit.intake.validation import Checked
from toolkit.ledger import Ledger, open_ledger, parties
from toolkit.ledger.db import reading
from toolkit.ledger.lock import Patience
from toolkit.model.parties import Seller
from toolkit.model.records import MasterData, Settings, numbers_before
from toolkit.services import check, team_ledger

HISTORY_BESIDE = define(
    "ledger-history-beside", "error",
    it="Il registro del team {ledger} è ancora vuoto, ma accanto alla cartella c'è il suo registro {file} con i "
       "documenti emessi finora. Nel registro del team ordini, DDT, fatture e nomi dei file delle fatture "
       "elettroniche ripartirebbero da 1, ripetendo numeri già inviati: non ho scritto nulla. Sposta prima lo "
       "storico nel registro del team: toolkit ledger move \"{workbook}\" --to {to}. Oppure continua con il "
       "registro SQLite (togli --ledger o TOOLKIT_LEDGER_URL); per iniziare davvero da zero il registro del team, "
       "sposta {file} in un'altra cartella e conservalo per ristampare i documenti emessi.",
    en="The team ledger {ledger} is still empty, but the workbook's own ledger {file} beside it holds the documents "
       "issued so far. In the team ledger orders, DDTs, invoices and e-invoice file names would start from 1 again, "
       "repeating numbers already sent: nothing was written. Move the history into the team ledger first: toolkit "
       "ledger move \"{workbook}\" --to {to}. Or go on with the SQLite ledger (drop --ledger or "
       "TOOLKIT_LEDGER_URL); to start the team ledger from scratch on purpose, move {file} to another folder and "
       "keep it to reprint the documents it issued.")
ANOTHER_SELLER = define(
    "ledger-of-another-seller", "error",
    it="Il registro {ledger} contiene i documenti di {stored} (partita IVA {stored_vat}), ma il foglio Impostazioni "
       "indica {seller} (partita IVA {seller_vat}): i suoi documenti prenderebbero i numeri e i file "
       "FatturaPA dell'altra ditta, quindi non ho fatto nulla. {fix_it}",
    en="The ledger {ledger} holds the documents of {stored} (VAT number {stored_vat}), but the Impostazioni "
       "sheet says {seller} (VAT number {seller_vat}): its documents would take the other company's numbers "
       "and FatturaPA files, so nothing was done. {fix_en}")
HISTORY_BESIDE_SETTING = define(
    "ledger-history-beside-setting", "error",
    it="Il registro del team {ledger} è ancora vuoto, ma accanto alla cartella c'è il suo registro {file} con i "
       "documenti emessi finora. Nel registro del team ordini, DDT, fatture e nomi dei file delle fatture "
       "elettroniche ripartirebbero da 1, ripetendo numeri già inviati: non ho scritto nulla. Sposta prima lo "
       "storico nel registro del team: toolkit ledger move \"{workbook}\"{to}. Oppure, per continuare con "
       "il registro SQLite, svuota la cella Registro (e togli TOOLKIT_LEDGER_URL, se c'è); per iniziare davvero "
       "da zero il registro del team, sposta {file} in un'altra cartella e conservalo per ristampare i documenti "
       "emessi.",
    en="The team ledger {ledger} is still empty, but the workbook's own ledger {file} beside it holds the documents "
       "issued so far. In the team ledger orders, DDTs, invoices and e-invoice file names would start from 1 again, "
       "repeating numbers already sent: nothing was written. Move the history into the team ledger first: toolkit "
       "ledger move \"{workbook}\"{to}. Or, to go on with the SQLite ledger, empty the Ledger cell "
       "(and drop TOOLKIT_LEDGER_URL, if set); to start the team ledger from scratch on purpose, move {file} to "
       "another folder and keep it to reprint the documents it issued.")
LEDGER_ON_NETWORK = define(
    "ledger-in-network-folder", "warning", title=("registro in una cartella di rete", "ledger in a network folder"),
    it="Il registro {file} è in una cartella di rete ({where}): lì SQLite non riesce a bloccare il file in modo "
       "affidabile, e due PC che scrivono insieme possono rovinarlo o dare due volte lo stesso numero. Sposta la "
       "cartella di lavoro e il suo registro in una cartella del disco di questo PC; per lavorare in più persone "
       "scrivete in Impostazioni › Registro l'indirizzo di un registro PostgreSQL del team, su un server.",
    en="The ledger {file} is in a network folder ({where}): there SQLite cannot lock the file reliably, and two "
       "PCs writing at once can damage it or draw the same number twice. Move the workbook and its ledger to a "
       "folder on this PC's disk; to work as a team, write in Impostazioni › Ledger the address of a team "
       "PostgreSQL ledger, on a server.")
LEDGER_IN_SYNCED_FOLDER = define(
    "ledger-in-synced-folder", "warning", title=("registro in una cartella sincronizzata", "ledger in a synced folder"),
    it="Il registro {file} è nella cartella {where}, che un servizio come OneDrive, Dropbox, Google Drive o iCloud "
       "copia fra i PC: se due PC scrivono ognuno la sua copia, i documenti di uno si perdono (o restano in una "
       "«copia in conflitto») e gli stessi numeri vengono dati due volte. Per lavorare in più persone scrivete in "
       "Impostazioni › Registro l'indirizzo di un registro PostgreSQL del team, su un server; per lavorare da soli, "
       "spostate la cartella di lavoro e il suo registro in una cartella che non si sincronizza.",
    en="The ledger {file} is in the folder {where}, which a service such as OneDrive, Dropbox, Google Drive or "
       "iCloud copies between PCs: if two PCs write each their copy, one's documents are lost (or left in a "
       "“conflicted copy”) and the same numbers are given twice. To work as a team, write in Impostazioni › Ledger "
       "the address of a team PostgreSQL ledger, on a server; to work alone, move the workbook and its ledger to a "
       "folder that is not synced.")
FIX_BY_COMMAND = {
    "fix_it": "Indica il registro di questa ditta con --ledger (o TOOLKIT_LEDGER_URL), o correggi la partita IVA in "
              "Impostazioni. Se la partita IVA è davvero cambiata, inizia un registro nuovo: --ledger con un file nuovo.",
    "fix_en": "Point --ledger (or TOOLKIT_LEDGER_URL) at this company's ledger, or fix the VAT number in Impostazioni. "
              "If the VAT number really changed, start a new ledger: --ledger with a new file."}
FIX_BY_BUTTON = {
    "fix_it": "Usa la cartella di lavoro di questa ditta, o correggi la partita IVA in Impostazioni. Se la partita IVA è "
              "davvero cambiata, sposta la cartella in una cartella del disco tutta sua: avrà un registro nuovo.",
    "fix_en": "Use this company's workbook, or fix the VAT number in Impostazioni. If the VAT number really changed, "
              "move the workbook into a folder of its own: it gets a new ledger."}
FIX_SAMPLE_FILE = {
    "fix_it": "{stored} è la ditta dell'esempio di toolkit: questo registro contiene solo le prove fatte "
              "sull'esempio. Per iniziare con la tua ditta sposta il file {file} in un'altra cartella (o "
              "cancellalo, se le prove non ti servono) e {again_it}: il primo ordine crea un registro nuovo, "
              "con i numeri da 1.",
    "fix_en": "{stored} is toolkit's sample company: this ledger holds only what was tried on the sample. To "
              "start with your company, move the file {file} to another folder (or delete it, if you need the "
              "trials no more) and {again_en}: the first order creates a new ledger, numbered from 1."}
AGAIN = {False: {"again_it": "ripeti il comando", "again_en": "run the command again"},
         True: {"again_it": "premi di nuovo il pulsante", "again_en": "press the button again"}}
"""How `FIX_SAMPLE_FILE` says to try again: a button's user has no command to repeat."""
FIX_SAMPLE_SERVER = {
    "fix_it": "{stored} è la ditta dell'esempio di toolkit: questo registro contiene solo le prove fatte "
              "sull'esempio. Per iniziare con la tua ditta indica con --ledger (o TOOLKIT_LEDGER_URL) un "
              "database nuovo e vuoto.",
    "fix_en": "{stored} is toolkit's sample company: this ledger holds only what was tried on the sample. To "
              "start with your company, point --ledger (or TOOLKIT_LEDGER_URL) at a new, empty database."}


@dataclass(frozen=True)
class Session:
    workbook: Path
    master: MasterData
    warnings: list[Problem]
    """The check's warnings (a usable workbook has no errors)."""
    ledger_url: str | None = None
    wait: float = 30.0
    """Seconds a write waits for a colleague's before giving up."""
    notify: Callable[[Problem], None] | None = None
    """Told once when a write has to wait (who holds the ledger)."""
    action: str = "toolkit"
    """What the user is doing, as a colleague waiting for the ledger is told."""
    by_button: bool = False
    """Pressed in Excel: a refusal speaks of the workbook, not of `--ledger`."""
    set_aside: tuple[Problem, ...] = ()
    """The workbook's errors a reprint of issued documents went on despite, its master as read
    (`start_reprint`): the reprint refuses them if it reads their part (`reprint_reads`)."""

    @cached_property
    def ledger(self) -> Ledger:
        """Opened (upgraded as needed) on first use; `UnusableInput` when it cannot be. A ledger
        that does not exist yet is created by the first write, never by reading. *Registro*
        may name it, or refuse the one named (`team_ledger.chosen`)."""
        url = team_ledger.chosen(self.ledger_url, self.master)
        ledger = open_ledger(url, self.workbook, patience=Patience(self.wait, self.notify),
                             action=self.action, by_button=self.by_button,
                             numbers_before=numbers_before(self.master.settings))
        if ledger.exists:
            with reading(ledger) as conn:
                stored = parties.owner(conn)
            if stored is not None and seller_id(stored) != seller_id(self.master.settings):
                ledger.engine.dispose()
                raise UnusableInput(_another_seller(ledger, stored, self.master.settings, self.by_button))
            if stored is None and ledger.file is None:
                _refuse_history_beside(ledger, self.workbook, team_ledger.setting_cell(self.master),
                                       team_ledger.setting_address(self.master) is not None)
        return ledger

    def network_warning(self) -> Problem | None:
        """Once the ledger is open, whether it is a SQLite file in a network folder, which is
        not supported (docs/excel.md) but was never told: a shared drive's file locks do not
        hold, so two PCs can damage it or number a document twice (`toolkit.ledger.network`); or
        in a folder OneDrive, Dropbox, Google Drive or iCloud copies between PCs, where two PCs'
        copies lose one's documents."""
        from toolkit.ledger.network import network_folder, synced_folder

        file = self.ledger.file if "ledger" in self.__dict__ else None
        if file is None:
            return None
        if where := network_folder(file):
            return LEDGER_ON_NETWORK(None, file=file, where=where)
        if where := synced_folder(file):
            return LEDGER_IN_SYNCED_FOLDER(None, file=file, where=where)
        return None


def _without_password(ledger: Ledger) -> str:
    """The ledger's address as a command to copy gives it: no password, which pgpass or
    PGPASSWORD supply (`ledger move` says so when the server asks), rather than the `***` a
    message shows in its place, which the server would take for the password and refuse."""
    address = ledger.engine.url.difference_update_query(["password"])  # ?password= too
    return ledger.as_typed(address._replace(password=None), hide_password=False)


def _refuse_history_beside(ledger: Ledger, workbook: Path, setting: Location | None, address: bool = False) -> None:
    """A team's new, empty PostgreSQL ledger while the workbook's own SQLite ledger beside it
    holds the documents issued so far: the team database would number orders, DDTs, invoices
    and e-invoice file names from 1 again, repeating numbers already sent. Refused, saying how
    to go on: first `toolkit ledger move`, after which the file is no longer beside it; at
    *Registro*'s cell (`setting`) when it is filled, as emptying it is then the way back. The
    command names `--to` unless *Registro* holds the `address` the move reads by itself (the
    ledger's address, as shown, hides its password)."""
    from toolkit.ledger.counts import document_counts
    from toolkit.ledger.db import default_file, documents_in_file

    own = default_file(workbook)
    if not documents_in_file(own):
        return
    with reading(ledger) as conn:
        if any(document_counts(conn)):
            return
    ledger.engine.dispose()
    if setting is not None:
        raise UnusableInput(HISTORY_BESIDE_SETTING(setting, ledger=ledger.url, file=own, workbook=workbook,
                                                   to="" if address else f" --to {_without_password(ledger)}"))
    raise UnusableInput(HISTORY_BESIDE(None, ledger=ledger.url, file=own, workbook=workbook,
                                       to=_without_password(ledger)))


def _another_seller(ledger: Ledger, stored: Seller, settings: Settings, by_button: bool) -> Problem:
    """Refusing a ledger another seller's documents are in: the workbook's seller would take
    that company's numbering, correct its invoices, and continue its e-invoices' file names
    under its own partita IVA. The ledger's seller is the one of the first parties it kept
    (`parties.owner`), so the question costs one read however large the ledger."""
    stored_id, seller = seller_id(stored), seller_id(settings)
    return ANOTHER_SELLER(None, ledger=ledger.file or ledger.url, stored=stored.company_name,
                          stored_vat=f"{stored_id.country}{stored_id.code}", seller=settings.company_name,
                          seller_vat=f"{seller.country}{seller.code}", **_fix(ledger, stored, by_button))


def _fix(ledger: Ledger, stored: Seller, by_button: bool) -> dict[str, str]:
    """The way out, in both languages. A ledger of the sample company is a new desk's first
    day: it tried the README's commands on the sample, then typed its own company into the
    same workbook, whose ledger beside it is the sample's; it has no ledger of its own to point
    at, so it is told to set the trials aside and start one."""
    from toolkit.intake.sample import SELLER_VAT

    if seller_id(stored) != FiscalId("IT", SELLER_VAT) or (by_button and ledger.file is None):
        return FIX_BY_BUTTON if by_button else FIX_BY_COMMAND
    fix = FIX_SAMPLE_FILE if ledger.file is not None else FIX_SAMPLE_SERVER
    return {key: text.format(stored=stored.company_name, file=ledger.file, **AGAIN[by_button])
            for key, text in fix.items()}


def start(checked: Checked, workbook: Path | Callable[[], Path], ledger_url: str | None = None) -> Session:
    """A session on checked master data, or `ProblemsFound` when the data is unusable.

    `workbook` may be a function giving the path: it is asked only when the data is usable
    (on a live Excel book every question is a round trip)."""
    if checked.master is None:
        raise ProblemsFound(checked.problems)
    where = workbook() if callable(workbook) else workbook
    return Session(Path(where), checked.master, checked.problems, ledger_url)


def start_reprint(checked: Checked, workbook: Path | Callable[[], Path], ledger_url: str | None = None) -> Session:
    """A session for printing again documents the ledger records, which issues and changes
    nothing: a workbook in error still gives its master as read, its errors set aside for the
    reprint to weigh once it knows its documents (`toolkit.services.reprint_reads`). An error in
    the seller's settings, which every printing reads, or a workbook that makes no master,
    refuses it as `start` does."""
    from toolkit.services.reprint_reads import ALWAYS, in_parts_read

    if checked.master is not None or checked.read is None or in_parts_read(checked.problems, ALWAYS):
        return start(checked, workbook, ledger_url)
    where = workbook() if callable(workbook) else workbook
    return Session(Path(where), checked.read, [p for p in checked.problems if not p.is_error], ledger_url,
                   set_aside=tuple(p for p in checked.problems if p.is_error))


def open_session(workbook: Path, ledger_url: str | None = None) -> Session:
    """Check a master workbook on disk and start a session on it."""
    return start(check.check_file(workbook), workbook, ledger_url)


def open_book(raw: RawWorkbook, workbook: Callable[[], Path], ledger_url: str | None = None) -> Session:
    """Check a live book's master sheets and start a session on them; the ledger sits beside
    the book unless `ledger_url` names the team's."""
    return start(check.check_book(raw).checked, workbook, ledger_url)


def customers_on_record(ledger: Ledger) -> set[str]:
    """The customers the ledger holds orders or invoices of: one taken off *Clienti* may still
    owe or be owed, so its report and its payments' status may still be asked for by code."""
    from toolkit.ledger.reports import customers_on_record as on_record

    with reading(ledger) as conn:
        return on_record(conn)


def names_off_the_sheet(ledger: Ledger, master: MasterData, customers: Iterable[object]) -> dict[str, str]:
    """The names the ledger's documents printed for those of `customers` that *Clienti* no
    longer lists (`toolkit.ledger.reports.printed_names`): a report or a payments' status names
    them still. None missing, no query."""
    from toolkit.ledger.reports import printed_names

    missing = off_the_sheet(master, customers)
    if not missing:
        return {}
    with reading(ledger) as conn:
        return printed_names(conn, missing)


def off_the_sheet(master: MasterData, customers: Iterable[object]) -> set[str]:
    """Those of `customers` that *Clienti* no longer lists: taken off the sheet, their documents
    stay in the ledger, and what reads them names them apart."""
    return {str(c) for c in customers} - {c.code for c in master.customers}


def documents_off_the_sheet(master: MasterData, documents: Sequence[Invoice]) -> dict[str, Any]:
    """What a warning says of `documents` whose customer *Clienti* no longer lists, as the
    commissions and the volume discounts both warn: how many (`count`, `are`), whose
    (`customers`) and the first few numbers (`numbers`); empty when there are none."""
    gone = off_the_sheet(master, {d.customer for d in documents})
    orphans = sorted({(d.customer, d.number or "") for d in documents if d.customer in gone}, key=lambda x: x[1])
    if not orphans:
        return {}
    n = len(orphans)
    return {"count": Counted(n, ("documento", "documenti"), ("document", "documents")),
            "are": Agreed(n, ("è", "sono"), ("is", "are")),
            "customers": ", ".join(sorted({c for c, _ in orphans})),
            "numbers": first_numbers([x for _, x in orphans])}
