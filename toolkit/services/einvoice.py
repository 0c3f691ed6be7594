"""Electronic invoices: the FatturaPA file of each final invoice and credit note of a run or a
month, checked as SDI will check it, named with a progressive the ledger keeps (`toolkit
einvoice`, the *Fatture elettroniche* button, and the demo).

Only final documents are written: the invoices of finalized runs and those issued at once
when their order was created. A file sent to SDI is an invoice issued, while a draft run can
still be undone; so a draft run is refused with what to do, and a month's drafts are left out
and named.

Progressives are drawn first, in one short write transaction, for every document about to be
written (one the checks refuse keeps its number for when it is fixed): the writing itself,
tens of thousands of files for a large month, then holds no lock, and a file on disk always
has its progressive in the ledger. The invoices are read back a few hundred at a time and
written one by one, so memory stays flat however large the month. An invoice that fails a check
is not written, and its problems name it and the field.

The files and zips are made in a temporary folder inside the output folder and placed together
(`_place`, `toolkit.basics.files.staged_output`): a disk that fills up half-way leaves the folder
as it was, never some files of the run that the ledger's zips do not account for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import Connection

from toolkit.basics import dates, wording
from toolkit.basics.codes import document_number
from toolkit.basics.files import Staged, staged_output
from toolkit.basics.problems import Problem, ProblemsFound, UnusableInput, define
from toolkit.basics.wording import Agreed, Counted, count, first_numbers
from toolkit.core.credit_notes import as_corrected
from toolkit.core.einvoice import Context, Options, RelatedDocument, credited_invoices
from toolkit.core.einvoice.deadline import late_immediate
from toolkit.core.einvoice.names import file_name, seller_id
from toolkit.core.einvoice.records import FiscalId
from toolkit.core.invoicing import Invoice, InvoiceKind, InvoiceStatus, Period, deadline_for
from toolkit.core.shipping import service_items
from toolkit.ledger import Ledger
from toolkit.ledger.db import reading, writing
from toolkit.ledger.einvoices import (
    Exportable,
    archive_progressive,
    assign,
    citing,
    dated_after,
    exportable,
    final_invoices_of,
    first_written,
    kept_archive,
    kept_archives,
    next_progressive,
    progressives,
    redraw,
    zipped,
)
from toolkit.ledger.invoices import reissue_parties
from toolkit.ledger.invoices_bulk import load_invoices_in_bulk
from toolkit.model.parties import Parties, PartyBook, party_book
from toolkit.model.records import MasterData, Settings
from toolkit.services.invoicing import missing_run
from toolkit.writers.fatturapa import Written, pack_archives, write_invoices

CHUNK = 500
"""Invoices read back from the ledger at a time."""

DRAFT_RUN = define(
    "einvoice-draft-run", "error",
    it="L'emissione {run_id} è in bozza ({documents}): le fatture elettroniche si scrivono solo per le "
       "fatture definitive. Controllala, rendila definitiva con «toolkit invoice finalize» e riprova.",
    en="Run {run_id} is a draft ({documents}): e-invoices are written for final invoices only. "
       "Check it, make it final with “toolkit invoice finalize” and try again.")
ALREADY_ZIPPED = define(
    "einvoice-already-zipped", "warning",
    title=("Fatture elettroniche già in uno zip", "E-invoices already in a zip"),
    it="Già in uno zip per lo SDI ({zips}), quindi lasciati fuori da questo: {numbers} — {count} in tutto. "
       "Inviarli di nuovo li farebbe ricevere due volte allo SDI; per reinviarli di proposito aggiungi --resend.",
    en="Already in a zip for SDI ({zips}), so left out of this one: {numbers} — {count} in all. Sending them "
       "again would deliver them to SDI twice; to send them again on purpose add --resend.")
NOT_EXPORTED = define(
    "einvoice-rejected-not-exported", "error",
    it="--rejected: {number} non è fra le fatture e note di credito definitive di questa esportazione (--run o "
       "--month): controlla il numero (es. FT-2026-00012 o 12/2026) e il mese; nessun file è stato scritto.",
    en="--rejected: {number} is not among the final invoices and credit notes of this export (--run or --month): "
       "check the number (e.g. FT-2026-00012 or 12/2026) and the month; no file was written.", usage=True)
REJECTED_AMBIGUOUS = define(
    "einvoice-rejected-ambiguous", "error",
    it="--rejected: «{typed}» può essere più di un documento di questa esportazione: {numbers}. Scrivi il numero "
       "per intero (es. {first}); nessun file è stato scritto.",
    en="--rejected: “{typed}” may be more than one document of this export: {numbers}. Type the number in full "
       "(e.g. {first}); no file was written.", usage=True)
ZIPPED_MEANWHILE = define(
    "einvoice-zipped-meanwhile", "error",
    it="Mentre preparavo gli zip per lo SDI, un'altra esportazione (un collega, o un altro comando) ha messo in "
       "uno zip alcune di queste fatture: {numbers} (zip {zips}). Inviarle anche in questo zip le farebbe ricevere "
       "due volte allo SDI, quindi non ho scritto nulla. Ripeti il comando: le lascerà fuori e dirà in quale zip "
       "sono.",
    en="While the zips for SDI were being made, another export (a colleague's, or another command) put some of "
       "these invoices in a zip: {numbers} (zip {zips}). Sending them in this zip too would deliver them to SDI "
       "twice, so nothing was written. Run the command again: it leaves them out and says which zip holds them.")
DATED_AFTER_THE_MONTH = define(
    "einvoice-month-deliveries-dated-after", "warning",
    title=("Fatture delle consegne del mese datate dopo il mese", "Invoices of the month's deliveries dated after it"),
    it="Le consegne dal {first} al {last} hanno anche {documents} con la data del {day} (emissione {run_id}: "
       "{numbers}): non sono fra questi file, perché le fatture elettroniche di un mese sono quelle con la data del "
       "mese. Scrivi i loro file con toolkit einvoice --run {run_id} e inviali allo SDI entro il {deadline}.",
    en="The deliveries from {first} to {last} also have {documents} dated {day} (run {run_id}: {numbers}): they "
       "are not among these files, as a month's e-invoices are those dated in it. Write their files with toolkit "
       "einvoice --run {run_id} and send them to SDI by {deadline}.")
DATED_AFTER_TODAY = define(
    "einvoice-dated-after-today", "warning",
    title=("Fatture elettroniche datate dopo oggi", "E-invoices dated after today"),
    it="{documents} con la data dopo oggi ({today}), {issued}: {numbers}. {written}, ma lo SDI scarta un documento "
       "datato dopo il giorno in cui lo riceve (00403): {send} allo SDI, {when}.",
    en="{documents} dated after today ({today}), {issued}: {numbers}. {written}, but SDI rejects a document dated "
       "after the day it receives it (00403): send {send} to SDI, {when}.")

NEEDS_CLEAN_WORKBOOK = define(
    "einvoice-issues-despite-errors", "error",
    it="Questa esportazione {why}: è qualcosa di nuovo per lo SDI e, come ogni comando che emette o registra, si fa "
       "solo da una cartella di lavoro senza errori (va avanti nonostante gli errori solo chi riscrive i file già "
       "scritti, una copia dal registro); correggi gli errori elencati e ripeti l'esportazione.",
    en="This export {why}: that is something new for SDI and, as every command that issues or records, is done only "
       "from a workbook without errors (only writing again files written before, a copy from the ledger, goes on "
       "despite errors); fix the errors listed and export again.")
_WHY_CLEAN = {
    "drawn": ("scriverebbe per la prima volta {files} {numbers}, assegnando ora il nome con cui lo SDI riceve ogni "
              "file", "would write for the first time {files} {numbers}, drawing now the name SDI receives each file by"),
    "zipped": ("metterebbe {numbers}, mai in uno zip finora, in uno zip per lo SDI con un nome nuovo",
               "would put {numbers}, in no zip so far, into a zip for SDI under a new name"),
    "new-zip": ("raccoglierebbe i file in uno zip che nessuno zip precedente conteneva così, con un nome nuovo per lo "
                "SDI", "would gather the files into a zip no earlier zip held as it is, under a new name for SDI"),
    "rejected": ("riscriverebbe corretti, con un nome nuovo, i file che lo SDI ha scartato ({numbers})",
                 "would write anew, corrected and under new names, the files SDI rejected ({numbers})"),
    "corrected": ("scriverebbe di nuovo {files} {numbers}, che i controlli rifiutano, con le anagrafiche di oggi del "
                  "foglio Clienti, registrandole nel registro",
                  "would write anew {files} {numbers}, which the checks refuse, with today's parties from the Clienti "
                  "sheet, recording them in the ledger"),
}


@dataclass(frozen=True, slots=True)
class WhyClean:
    """Why an export despite the workbook's errors is refused: what it would issue (`_WHY_CLEAN`'s
    key) and of which documents; the errors alone told the desk what to fix, not why a copy of
    files sent before went on despite them and this did not."""

    kind: str
    numbers: tuple[str, ...] = ()

    def shown(self, lang: str) -> str:
        files = Agreed(len(self.numbers), ("il file di", "i file di"), ("the file of", "the files of")).shown(lang)
        return _WHY_CLEAN[self.kind][0 if lang == "it" else 1].format(numbers=first_numbers(self.numbers), files=files)


def _needs_clean(set_aside: Sequence[Problem], kind: str, numbers: Iterable[str] = ()) -> ProblemsFound:
    """The refusal of an export that would issue something (`WhyClean`) despite the workbook's
    errors `set_aside`: why, then the errors at their cells."""
    return ProblemsFound([NEEDS_CLEAN_WORKBOOK(None, why=WhyClean(kind, tuple(numbers))), *set_aside])


@dataclass(frozen=True, slots=True)
class SendFrom:
    """When the documents dated after today may go to SDI: from their day, the `first` to the
    `last`. Each goes from its own: an immediate invoice is due at SDI within twelve days of
    its date, and one of the 4th held for a document of the 27th in the same zip would be late."""

    first: date
    last: date

    def shown(self, lang: str) -> str:
        first, last = wording.shown(self.first, lang), wording.shown(self.last, lang)
        if self.first == self.last:
            return f"in a zip too, not before {last}" if lang == "en" else f"anche dentro uno zip, non prima del {last}"
        return (f"each not before its own date, from {first} to {last}, and a zip holding them all not before {last}"
                if lang == "en" else
                f"ciascuno non prima della sua data, dal {first} al {last}, e uno zip che li raccoglie tutti non prima "
                f"del {last}")
SENT_UNCITED = define(
    "einvoice-letter-of-intent-not-cited", "warning",
    title=("Fatture senza IVA che non citano la dichiarazione d'intento",
           "Invoices without VAT citing no letter of intent"),
    it="Fra i file scritti, {documents} {numbers} {sell} senza IVA con dichiarazione d'intento (N3.5) ma non ne "
       "citano protocollo e data (AltriDatiGestionali INTENTO). {were} prima che la fatturazione li chiedesse, e il "
       "file li riporta come emessi: lo SDI lo accetta, ma la norma (art. 1 c. 1 lett. c DL 746/83) vuole la "
       "dichiarazione citata in fattura, e l'Agenzia non può abbinare la vendita alla dichiarazione. Correggi "
       "ciascuno con un documento di rettifica, come indica il tuo commercialista: una nota di credito (toolkit "
       "invoice credit) e una nuova fattura che citi protocollo e data della dichiarazione.",
    en="Among the files written, {documents} {numbers} {sell} without VAT on a letter of intent (N3.5) but cite no "
       "protocol and date of it (AltriDatiGestionali INTENTO). {were} before invoicing asked for them, and the file "
       "bears them as issued: SDI takes it, but the rule (art. 1 c. 1 lett. c DL 746/83) wants the letter cited on "
       "the invoice, and the Agenzia cannot match the sale to the letter. Correct each with a correcting document, as "
       "your accountant advises: a credit note (toolkit invoice credit) and a new invoice citing the letter's "
       "protocol and date.")
NOTHING_TO_WRITE = define(
    "einvoice-nothing-to-write", "warning",
    title=("Nessuna fattura elettronica da scrivere", "No e-invoice to write"),
    it="Nessuna fattura o nota di credito definitiva dal {first} al {last}: nessun file scritto.",
    en="No final invoice or credit note from {first} to {last}: no file written.")


@dataclass(frozen=True)
class Exported:
    """What an export wrote and what it refused."""

    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    """Invoice number → its XML file, in date and number order."""
    refused: dict[str, list[Problem]] = field(default_factory=dict)
    """Invoice number → the problems that kept its file from being written."""
    archives: list[Path] = field(default_factory=list)
    """The zips for SDI (with `zip`): one, or several when the files pass SDI's 5 MB."""
    problems: list[Problem] = field(default_factory=list)
    """Every problem: the refused invoices', draft runs left out, nothing to write."""
    left_out: dict[str, str] = field(default_factory=dict)
    """Invoice number → the zip that already held its file, for the files left out of the zips."""

    def summary(self, lang: str) -> str:
        """One line for both front ends: how many files, where, and what was refused."""
        it = lang == "it"
        written, refused = len(self.files), len(self.refused)
        if written:
            text = (f"{'Scritto' if written == 1 else 'Scritti'} {written} file XML (fatture elettroniche) in "
                    f"{self.folder}" if it else f"Wrote {count(written, 'XML file', 'XML files')} (e-invoices) to "
                    f"{self.folder}")
            if self.archives:
                text += self._zipped(lang)
            text += "."
        else:
            text = "Nessun file XML scritto." if it else "No XML file written."
        if refused:
            text += (f" {count(refused, 'documento non scritto', 'documenti non scritti')}: correggi i problemi "
                     "indicati e ripeti l'esportazione." if it else
                     f" {count(refused, 'document', 'documents')} not written: fix the problems listed and export again.")
        return text

    def _zipped(self, lang: str) -> str:
        """What the zips hold: the files written but those an earlier zip held (`left_out`), which
        a second `--zip` writes again and leaves out, its zip holding the new ones alone."""
        zipped, zips = len(self.files) - len(self.left_out), len(self.archives)
        if lang == "it":
            held = f", {zipped} dei quali" if self.left_out else ","
            return f"{held} {'raccolto' if zipped == 1 else 'raccolti'} in {zips} zip per lo SDI"
        return f"{f', {zipped} of them' if self.left_out else ','} gathered in {zips} zip for SDI"


def export(master: MasterData, ledger: Ledger, *, out: Path, run_id: str | None = None, month: Period | None = None,
           zip: bool = False, resend: bool = False, options: Options = Options(),
           rejected: Collection[str] = (), set_aside: Sequence[Problem] = ()) -> Exported:
    """Write the e-invoice of every final document of run `run_id`, or dated in `month` (its
    first and last day), into `out`; with `zip`, the files written also go into zips for SDI,
    but those an earlier zip held only with `resend` (`_zip`). The documents numbered in
    `rejected`, whose files SDI rejected, are written corrected (`_corrected`) under new names
    (`redraw`): SDI takes no name twice.
    `options.transmitter` is an intermediary's id (IdTrasmittente); files keep the seller's name.
    The workbook's errors `set_aside` (`session.start_reprint`) let files be written again
    (`_written_again`), never drawn, nor one the checks refuse written anew (`_corrected`)."""
    if (run_id is None) == (month is None):
        raise ValueError("export a run or a month, one of the two")
    out = Path(out).resolve()
    with reading(ledger) as conn:
        chosen = exportable(conn, run_id=run_id, first=month.start if month else None,
                            last=month.end if month else None)
        later = dated_after(conn, month.start, month.end) if month else []
        if run_id is not None and not chosen:
            return Exported(out, problems=[missing_run(conn, run_id)])
    drafts = Counter(d.run_id for d in chosen if d.status is InvoiceStatus.DRAFT)
    problems = [DRAFT_RUN(None, run_id=run, documents=Counted(n, ("documento", "documenti"), ("document", "documents")))
                for run, n in sorted(drafts.items())]
    if month is not None:
        problems += [DATED_AFTER_THE_MONTH(None, first=month.start, last=month.end, run_id=run, day=day,
                                           documents=Counted(len(numbers), ("documento", "documenti"),
                                                             ("document", "documents")),
                                           numbers=first_numbers(numbers), deadline=deadline_for(month.end))
                     for run, day, numbers in later]
    finals = [d for d in chosen if d.status is InvoiceStatus.FINAL]
    named = {typed: _named(typed, finals) for typed in rejected}
    if wrong := [typed for typed, found in named.items() if len(found) != 1]:
        return Exported(out, problems=[
            REJECTED_AMBIGUOUS(None, typed=typed, numbers=", ".join(named[typed]), first=named[typed][0])
            if named[typed] else NOT_EXPORTED(None, number=typed) for typed in wrong])
    problems = [*_written_again(ledger, set_aside, finals, zip, [found[0] for found in named.values()]), *problems]
    if not finals:
        if month is not None and not drafts:
            problems.append(NOTHING_TO_WRITE(None, first=month.start, last=month.end))
        return Exported(out, problems=problems)
    again = {found[0] for found in named.values()}
    with writing(ledger) as conn:
        renamed = redraw(conn, [d for d in finals if d.number in again])
        kept = {**assign(conn, finals), **renamed}
    context = Context(master.settings, {c.code: c for c in master.customers},
                      {d.number: kept[d.id] for d in finals}, linked=_credited(master, ledger, finals),
                      services=service_items(master), options=options)
    ids = {d.number: d.id for d in finals}
    with staged_output(out) as staged:
        written = write_invoices(_invoices(ledger, [d for d in finals if d.number not in again]), context,
                                 staged.folder)
        reissued: dict[int, Parties] = {}
        if written.refused or again:
            if set_aside:  # a file written anew from today's Clienti, its parties kept: an issue
                raise _needs_clean(set_aside, "corrected", written.refused)
            written, reissued = _corrected(master, ledger, finals, written, context, staged.folder, again)
        left_out: dict[str, str] = {}
        packed: list[tuple[Path, tuple[str, ...]]] = []
        if zip and written.files:
            packed, left_out = _zip(master, ledger, ids, written.files, staged.folder, resend)
            _no_new_zip(ledger, packed, set_aside)
        files, archives, first = _place(master, ledger, staged, written.files, packed, ids, reissued, resend)
    problems += _ahead([d for d in finals if d.number in files])
    problems += late_immediate({d.number: written.immediate[d.number] for d in finals
                                if d.number in written.immediate and d.id in first},
                               dates.today_rome(), written=True)
    if uncited := [number for number in written.uncited if number in files]:
        problems.append(SENT_UNCITED(None, numbers=first_numbers(uncited),
                                    documents=Counted(len(uncited), ("il documento", "i documenti"),
                                                      ("document", "documents")),
                                    sell=Agreed(len(uncited), ("vende", "vendono"), ("sells", "sell")),
                                    were=Agreed(len(uncited), ("È stato emesso", "Sono stati emessi"),
                                                ("It was issued", "They were issued"))))
    refused: dict[str, list[Problem]] = {number: [] for number in written.refused}
    for problem in written.problems:
        owner = dict(problem.params).get("invoice")
        if owner in refused:
            refused[owner].append(problem)
    if left_out:
        problems.append(ALREADY_ZIPPED(None, count=len(left_out), numbers=list(left_out),
                                       zips=sorted(set(left_out.values()))))
    return Exported(out, files, refused, archives, problems + written.problems, left_out)


def _written_again(ledger: Ledger, set_aside: Sequence[Problem], finals: Sequence[Exportable], zip: bool,
                   rejected: Sequence[str]) -> list[Problem]:
    """The workbook's errors an export goes on despite, as warnings, when it writes again only
    files named before (`zip`: into a zip again, `--resend`): a copy of what SDI was sent, for an
    auditor, takes its invoices and parties from the ledger, as a reprint does (`reprint_reads`;
    a credit or debit note reads *Clienti* for the invoices it cites, `_credited`). A file drawn now, or
    corrected (`rejected`), issues something: refused, as any such command is."""
    from toolkit.ledger.parties import kept_by_invoices
    from toolkit.services.reprint_reads import PARTIES, gone_on_despite

    if not set_aside:
        return []
    ids = [d.id for d in finals]
    with reading(ledger) as conn:
        named, in_zips = progressives(conn, ids), zipped(conn, ids) if zip else {}
        parties_kept = kept_by_invoices(conn, ids)
        cites = any(d.kind is InvoiceKind.CREDIT_NOTE for d in finals) or bool(citing(conn, ids))
    if rejected:
        raise _needs_clean(set_aside, "rejected", rejected)
    if drawn := [d.number for d in finals if d.id not in named]:
        raise _needs_clean(set_aside, "drawn", drawn)
    if zip and (unzipped := [d.number for d in finals if d.id not in in_zips]):
        raise _needs_clean(set_aside, "zipped", unzipped)
    read = {"items", *(("customers",) if cites else ()), *(PARTIES if not parties_kept else ())}
    return gone_on_despite(set_aside, (), also=read)


def _no_new_zip(ledger: Ledger, packed: Sequence[tuple[Path, tuple[str, ...]]], set_aside: Sequence[Problem]) -> None:
    """Refuse, with the workbook's errors `set_aside`, a resend whose files are packed into a
    zip no earlier one held exactly (a month's files zipped by two runs, resent as one): its
    name is drawn and recorded now, a new file for SDI, which only a workbook without errors
    issues (`_written_again` saw every file zipped, not how they are packed again)."""
    if not set_aside or not packed:
        return
    with reading(ledger) as conn:
        if any(kept_archive(conn, members) is None for _, members in packed):
            raise _needs_clean(set_aside, "new-zip")


def _ahead(written: Sequence[Exportable]) -> list[Problem]:
    """The warning naming the documents dated after today (an invoice issued with an order
    created ahead, `orders create --future`) whose files were `written`, which SDI would reject
    if sent today, each to be sent from its own day (`SendFrom`). One whose file a check
    refused is named by its refusal alone: no file of it was written to send."""
    today = dates.today_rome()
    ahead = [d for d in written if d.day > today]
    if not ahead:
        return []
    n = len(ahead)
    return [DATED_AFTER_TODAY(None, today=today, when=SendFrom(min(d.day for d in ahead), max(d.day for d in ahead)),
                              documents=Counted(n, ("documento", "documenti"), ("document", "documents")),
                              numbers=first_numbers([d.number for d in ahead]),
                              issued=Agreed(n, ("emesso in anticipo", "emessi in anticipo"), ("issued ahead",) * 2),
                              written=Agreed(n, ("Il suo file è scritto", "I loro file sono scritti"),
                                             ("Its file is written", "Their files are written")),
                              send=Agreed(n, ("invialo", "inviali"), ("it", "them")))]


def _named(typed: str, finals: Sequence[Exportable]) -> list[str]:
    """The numbers of `finals` a number typed after `--rejected` names, as every verb takes one
    (`toolkit.basics.codes`: `ft-2026-12`, `FT 2026 12`, `12/2026`, which may be FT and NC)."""
    wanted = typed.strip().upper()
    parsed = document_number(wanted)
    found = []
    for d in finals:
        own = document_number(d.number)
        if d.number.upper() == wanted or (parsed is not None and own is not None and own[1:] == parsed[1:]
                                          and parsed[0] in (None, own[0])):
            found.append(d.number)
    return found


def _place(master: MasterData, ledger: Ledger, staged: Staged, files: Mapping[str, Path],
           packed: Sequence[tuple[Path, tuple[str, ...]]], ids: Mapping[str, int],
           reissued: Mapping[int, Parties], resend: bool = False) -> tuple[dict[str, Path], list[Path], set[int]]:
    """Every file made, the XML files then the zips, given its name in the output folder, the
    zips in the write transaction that records them, the files as written (`first_written`: the
    invoices whose file is the first, returned) and the parties of the invoices written
    again (`_corrected`): the folder gets the whole export or, if anything fails, the commit
    included, none of it (`staged_output`), and a zip is on disk exactly when the ledger
    records it. A disk that fills up half-way through the files leaves no file for the desk to
    send though the run failed. Renames only, which take no room on the disk; the XML files'
    (1.1 s for a month of 36,000, 1.9 s over an earlier export's) before the transaction, so
    its lock is held for the zips alone. Which files an earlier zip held was read before the
    zips were made (`_zip`), without the lock: a colleague's export zipping some of them since
    is refused here, under it, before the zips take their names, or each desk's zip would hold
    them and SDI would receive them twice."""
    if not files:
        return {}, [], set()
    seller = seller_id(master.settings)
    by_name = {path.name: ids[n] for n, path in files.items()}
    placed = {n: staged.place(path, path.name) for n, path in files.items()}
    with writing(ledger) as conn:
        if packed and not resend:
            _refuse_zipped_meanwhile(conn, seller, packed, by_name, {ids[n]: n for n in files})
        if reissued:
            reissue_parties(conn, dict(reissued))
        first = first_written(conn, by_name.values())
        archives = [staged.place(tmp, file_name(seller, archive_progressive(conn, members,
                                                                            [by_name[m] for m in members]), "zip"))
                    for tmp, members in packed]
    return placed, archives, first


def _refuse_zipped_meanwhile(conn: Connection, seller: FiscalId, packed: Sequence[tuple[Path, tuple[str, ...]]],
                             ids: Mapping[str, int], numbers: Mapping[int, str]) -> None:
    """Refuse the zips about to be recorded when another export zipped some of their files
    since `_zip` looked (file name → invoice id in `ids`, invoice id → number in `numbers`): a
    colleague's zip of exactly the same files is this one, under the same name, and passes."""
    taken: dict[int, str] = {}
    for _, members in packed:
        same = kept_archive(conn, members)
        taken.update((i, z) for i, z in zipped(conn, [ids[m] for m in members]).items() if z != same)
    if taken:
        raise UnusableInput(ZIPPED_MEANWHILE(None, numbers=[numbers[i] for i in sorted(taken)],
                                             zips=sorted({file_name(seller, z, "zip") for z in taken.values()})))


def _zip(master: MasterData, ledger: Ledger, ids: Mapping[str, int], files: Mapping[str, Path], folder: Path,
         resend: bool) -> tuple[list[tuple[Path, tuple[str, ...]]], dict[str, str]]:
    """The zips for SDI of these files (invoice number → file), made in `folder` under
    temporary names, each with the files it holds (`_place` names them and records them), and
    the files left out because an earlier zip held them (invoice number → that zip's name). A
    zip is what is sent: the same invoice in two zips reaches SDI twice, as when a run's zip
    and its month's are both sent; so only `resend`, a deliberate choice, zips a file again."""
    seller = seller_id(master.settings)
    with reading(ledger) as conn:
        earlier = zipped(conn, [ids[n] for n in files])
        coming = next_progressive(conn)
        kept = kept_archives(conn) if resend else lambda members: None
    left_out = {} if resend else {n: file_name(seller, earlier[ids[n]], "zip") for n in files if ids[n] in earlier}
    paths = [path for n, path in files.items() if n not in left_out]
    first_zip = {files[n].name: earlier[ids[n]] for n in files if ids[n] in earlier}

    def named(done: Sequence[tuple[str, ...]], under_way: tuple[str, ...], whole: bool) -> str | None:
        """The zip under way's name once in place, as `_place` draws it: an earlier zip's of
        exactly its files (`--resend`), else the next progressive past the new zips before it.
        A resent zip a full disk stopped before all its files were known, every file so far
        zipped before, has no certain name: it may be an earlier zip made again or hold others
        too and draw a progressive (None). A file never zipped is in no earlier zip: a new one."""
        if resend and not whole and all(member in first_zip for member in under_way):
            return None
        again = kept(under_way) if whole else None
        return file_name(seller, again or coming(sum(kept(members) is None for members in done)), "zip")

    return (pack_archives(paths, folder, named=named) if paths else []), left_out


def _invoices(ledger: Ledger, documents: Sequence[Exportable]) -> Iterator[Invoice]:
    """The documents with their lines, read a chunk at a time, each read in a connection of
    its own that is closed before the writer gets the invoices (`load_invoices_in_bulk`: the
    records `load_invoices` gives, read fast enough for a month)."""
    for start in range(0, len(documents), CHUNK):
        with reading(ledger) as conn:
            batch = load_invoices_in_bulk(conn, [d.id for d in documents[start:start + CHUNK]])
        yield from batch


def _corrected(master: MasterData, ledger: Ledger, finals: Sequence[Exportable], written: Written, context: Context,
               out: Path, rejected: Collection[str] = ()) -> tuple[Written, dict[int, Parties]]:
    """The refused invoices, and those SDI `rejected`, tried again with their parties as the
    master says them today, and those then written with the parties they are to keep in the
    ledger (`reissue_parties`, when the files are placed: `_place`): a file the checks refuse
    was never sent, so fixing the customer in the workbook (a postcode left out, say) and
    writing again corrects it, as SDI lets an invoice it discarded be sent again corrected, and
    reprints follow; so does a file SDI rejected for what no check here can see (an SDI code
    the customer mistyped: 00311). Other files already written never change: their parties
    passed the checks."""
    refused = set(written.refused) | set(rejected)
    book = party_book(master)
    retaken = [replace(x, parties=_retaken(book, x)) for x in _invoices(ledger, [d for d in finals if d.number in refused])]
    again = write_invoices(retaken, context, out)
    reissued = {x.id: x.parties for x in retaken if x.number in again.files and x.id is not None and x.parties is not None}
    files = {**written.files, **again.files}
    return Written({d.number: files[d.number] for d in finals if d.number in files},
                   [p for p in written.problems if dict(p.params).get("invoice") not in refused] + again.problems,
                   list(again.refused),
                   uncited=[n for n in written.uncited if n not in refused] + again.uncited,
                   immediate={**{n: day for n, day in written.immediate.items() if n not in refused},
                              **again.immediate}), reissued


def _retaken(book: PartyBook, x: Invoice) -> Parties:
    """The parties a refused document is written again with: today's, but a credit note keeps the
    split payment, CIG and CUP it was issued with, those of the invoices it corrects
    (`as_corrected`), whatever *Clienti* says of them now."""
    today = book.parties(x.customer, x.ship_to)
    if (x.kind is InvoiceKind.CREDIT_NOTE or x.debit_note) and x.parties is not None:
        return as_corrected(today, [(x.number or "", x.parties)])
    return today


def _credited(master: MasterData, ledger: Ledger, documents: Sequence[Exportable]
              ) -> dict[str, tuple[RelatedDocument, ...]]:
    """Credit or debit note number → the invoices it corrects: those the ledger recorded with it, else
    (a return's credit note stored before schema 28) the customer's latest final invoice
    selling a returned item (`credited_invoices`); each with the CUP and CIG it bore."""
    with reading(ledger) as conn:
        notes = {d.id for d in documents if d.kind is InvoiceKind.CREDIT_NOTE} | citing(conn, [d.id for d in documents])
        if not notes:
            return {}
        candidates = final_invoices_of(conn, {d.customer for d in documents if d.id in notes})
    by_customer: dict[str, list[Invoice]] = {}
    for invoice in candidates:
        by_customer.setdefault(invoice.customer, []).append(invoice)
    buyers = {c.code: c for c in master.customers}
    return {note.number or "": credited_invoices(note, by_customer[note.customer], buyers)
            for note in candidates if note.id in notes}


def xml_names(conn: Connection, settings: Settings, invoices: Iterable[Invoice]) -> dict[str, str]:
    """Invoice number → the name of its XML file, for the invoices that have one: what the
    accountants' workbook shows beside each invoice. Files are named after the seller, whoever
    transmits them (`Options.transmitter`), so the name does not depend on who sends it."""
    listed = [x for x in invoices if x.id is not None and x.number]
    found = progressives(conn, [x.id for x in listed if x.id is not None])
    seller = seller_id(settings)
    return {x.number or "": file_name(seller, found[x.id]) for x in listed if x.id in found}
