"""Printing from the ledger: every order, DDT and invoice it records can be printed again, at
any time, exactly as its first printing wrote it. Orders, DDTs and invoices carry the parties
they were stored with (`toolkit.model.parties`, kept by the ledger when it stored them), so the
master data changed since does not change them; a draft run's invoices too (undo the run and run
it again to take a change). An order keeps its contact person with them; one stored before it
was kept reads *Contatti* at each printing.

The first printing (`orders create --out`, `ship --out`, the invoices' copies) and a reprint
(`toolkit print`) go through `write_and_mark`: the same writer, then the ledger records when
each document was printed, so `toolkit print … --unprinted` finds what never was — a DDT
stored while its file was open in Excel, say. When a file cannot be written after the
documents are stored, `NotPrinted` says what was recorded and the command that prints it.

One box is worked out anew at each printing: the cash a DDT's driver collects, which an order
invoiced at the order and paid since no longer owes (`paid_at_order`), so a DDT printed again
for a second attempt at delivery never asks for the cash twice. And a final invoice or note
printed before is a copy, and says so (*COPIA*, `reprinted_invoices`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Container, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection

from toolkit.basics import codes
from toolkit.basics.labels import label
from toolkit.basics.problems import Problem, define
from toolkit.basics.wording import (
    CREDIT_NOTES,
    DDTS,
    DEBIT_NOTES,
    DOCUMENTS,
    INVOICES,
    ORDERS,
    Agreed,
    Agreeing,
    Noun,
    Numbered,
)
from toolkit.core.delivery_rate import Rest, rests
from toolkit.core.documents import DeliveryNote, cash_to_collect
from toolkit.core.invoicing import DEBIT_NOTE, Invoice, InvoiceKind, InvoiceStatus
from toolkit.core.orders import Order
from toolkit.core.shipping import SERVICES_SERIES
from toolkit.ledger import Ledger
from toolkit.ledger.db import check_writable, reading, writing
from toolkit.ledger.deliveries import (
    ids_of_days,
    invoices_charging,
    load_notes,
    paid_at_order,
    rests_dated,
    stamp_duty_due,
    voided_of,
)
from toolkit.ledger.invoices import load_invoices
from toolkit.ledger.orders import load_orders
from toolkit.ledger.printings import (
    NeverPrinted,
    at_once_never_printed,
    ddts_never_printed,
    document_ids,
    last_printed,
    listed_kinds,
    mark_printed,
    notes_never_printed,
    printed_final,
)
from toolkit.model.parties import party_book
from toolkit.model.records import MasterData
from toolkit.writers.pdf import documents_to_pdf, pdf_paths, refuse_other_pdfs

Document = Order | DeliveryNote | Invoice

KINDS = {"orders": "order", "ddt": "ddt", "invoices": "invoice"}
"""The `toolkit print` kinds, and the name each gives its documents in the ledger."""

UNKNOWN_NUMBER = define(
    "print-unknown-number", "error",
    it="Nel registro non c'è il documento {number}: controlla il numero.",
    en="The ledger has no document {number}: check the number.", usage=True)
SERVICES_NOT_PRINTED = define(
    "print-services-not-a-ddt", "error",
    it="{number} registra servizi resi, non un DDT: non si stampa. La fattura li cita con il loro ordine.",
    en="{number} records services rendered, not a DDT: it is not printed. The invoice cites them by their order.")
AMBIGUOUS_NUMBER = define(
    "print-ambiguous-number", "error",
    it="«{typed}» può essere più di un documento del registro: {numbers}. Scrivi il numero per intero (es. {first}).",
    en="“{typed}” may be more than one document of the ledger: {numbers}. Type the number in full (e.g. {first}).",
    usage=True)
RUN_ONLY_FOR_INVOICES = define(
    "print-run-only-for-invoices", "error",
    it="--run vale solo per le fatture (toolkit print invoices): per ordini e DDT usa --numbers o --date.",
    en="--run is for invoices only (toolkit print invoices): for orders and DDTs use --numbers or --date.",
    usage=True)
NOTHING_TO_PRINT = define(
    "print-nothing", "warning",
    title=("Nessun documento da stampare", "No document to print"),
    it="Nessun documento da stampare con questa scelta.",
    en="No document to print for this choice.")
NOT_PRINTED = define(
    "document-not-printed", "error",
    it="{recorded} nel registro: {documents}. Il file {path} non è stato scritto ({reason}). "
       "Stampa{them} con: {command}",
    en="Recorded in the ledger: {documents}. The file {path} was not written ({reason}). "
       "Print {them} with: {command}")
"""Documents stored whose file was not written (a full disk, a lock, Ctrl+C), named kind by kind
as the to-print lines name them (`filed`): a lone DDT was told *Registrati … Stampali*, a lone
invoice named among *fatture e note di credito*."""

RECORDED = Agreeing(("Registrato", "Registrata", "Registrati", "Registrate"), ("Recorded", "Recorded"))

OUTPUT_HOLDS_DOCUMENTS = define(
    "output-holds-documents", "error",
    it="Il file {path} contiene già documenti del registro, {documents}: scriverci i nuovi {them} toglierebbe dal "
       "file, forse prima della stampa. Nulla è stato registrato. {choose_it}, oppure sposta il file ({reprinted} "
       "con toolkit print {kind} --numbers).",
    en="The file {path} already holds documents of the ledger, {documents}: writing the new ones into it would take "
       "{them} out of the file, perhaps before {they_are} printed. Nothing was recorded. {choose_en}, or move the "
       "file away ({reprinted} with toolkit print {kind} --numbers).")
REPRINTED = Agreeing(("quel documento si ristampa",) * 2 + ("quei documenti si ristampano",) * 2,
                     ("that document prints again", "those documents print again"))
THEY_ARE = Agreeing(("",) * 4, ("it is", "they are"))
"""The words of `output-holds-documents` agreeing with the documents the file holds: one was
told «those documents print again», «perhaps before they are printed» (the Italian says *prima
della stampa*, agreeing with any count)."""
KEPT_FILE = define(
    "print-kept-file", "warning",
    title=("File non sostituito", "File not replaced"),
    it="Il file {path} contiene anche {documents}, che questa stampa non comprende: non lo sostituisco, così {stay}. "
       "{printed} in {written}.",
    en="The file {path} also holds {documents}, which this printing leaves out: the file is not replaced, so {stay}. "
       "Printed to {written}.")
"""The documents a file holds are named kind by kind (`held_named`): a file of two invoices, or
of a lone debit note, was said to hold *fatture e note di credito*."""
STAY = Agreeing(("resta nel suo file",) * 2 + ("restano nel loro file",) * 2,
                ("it stays in its file", "they stay in their file"))
PRINTED = Agreeing(("Stampato", "Stampata", "Stampati", "Stampate"), ("Printed", "Printed"))
"""What the reprint wrote, agreeing with it (`filed`): one DDT reprinted was «Stampati»."""


NEVER_PRINTED = define(
    "documents-never-printed", "warning",
    title=("Documenti registrati e mai stampati", "Documents recorded and never printed"),
    it="{what_it}: {numbers}. {are} da stampare: {issued} senza chiederne il file, oppure da un'operazione fermata "
       "prima di scriverlo; ripeterla non {them} stampa. {how_it}",
    en="{what_en}: {numbers}. {are} printing: issued without asking for {their} file, or by an operation stopped "
       "before writing it; running it again does not print {them}. {how_en}")
"""The ledger records when a document was printed, not whether the run that issued it meant
to print it: a run without `--out` and a run killed before its file leave the same rows (a
document, no printing), so the warning names both readings, the one a desk chose first."""

TO_PRINT = define(
    "issued-to-print", "warning",
    title=("Emessi senza file, da stampare", "Issued without a file, to print"),
    it="Da stampare ({issued} senza --out): {documents}. Stampa{them} con: {command}",
    en="To print (issued without --out): {documents}. Print {them} with: {command}")
"""The line a command that issues documents ends with when it was given no `--out` (`invoice
credit`, `invoice debit`, `ship`): the desk chose not to print now, and is told the documents
wait for their paper and the command that prints them, the same one the next run's
`NEVER_PRINTED` would name."""

ISSUED = Agreeing(("emesso", "emessa", "emessi", "emesse"), ("issued", "issued"))
THEM = Agreeing(("lo", "la", "li", "le"), ("it", "them"))
"""The pronoun of a line telling documents to print (*Stampala con*, *Print it with*): one
credit note was told «Stampali», *Print them*."""


SHOWN = 10
"""The numbers a message naming documents lists before the rest (of each kind, where it names them
kind by kind)."""


def issued_documents(ddts: Sequence[str], invoices: Sequence[Invoice]) -> Numbered:
    """The DDTs and invoices a run issued, as its to-print line names them (`kind_by_kind`)."""
    return kind_by_kind(ddts, [(x.number, x.kind_listed) for x in invoices if x.number])


def kind_by_kind(ddts: Sequence[str], invoices: Sequence[tuple[str, str | None]], most: int = SHOWN) -> Numbered:
    """DDTs and invoices (number, `Invoice.kind_listed`) as a message names them: each invoice by
    its kind, so a credit or debit note is not named among *fatture*, nor a lone invoice among
    *fatture e note di credito*; one of no kind named here (None: a number that may be two
    documents) as a document, counted all the same."""
    return Numbered(((DDTS, tuple(ddts)), *((noun, tuple(number for number, listed in invoices if listed == kind))
                                            for kind, noun in INVOICE_NOUNS.items()),
                     (DOCUMENTS, tuple(number for number, listed in invoices if listed not in INVOICE_NOUNS))),
                    most=most)


INVOICE_NOUNS = {InvoiceKind.INVOICE.value: INVOICES, InvoiceKind.CREDIT_NOTE.value: CREDIT_NOTES,
                 DEBIT_NOTE: DEBIT_NOTES}


def filed(kind: str, documents: Sequence[Document | str], most: int = SHOWN) -> Numbered:
    """The documents of one file of `kind` as a message names them: orders and DDTs by their
    kind's noun (an interrupted run knows its orders by number alone), each invoice by its own
    kind (`kind_by_kind`)."""
    if kind == "invoices":
        return kind_by_kind([], [(d.number, d.kind_listed) for d in documents if isinstance(d, Invoice) and d.number],
                            most)
    return Numbered((((ORDERS if kind == "orders" else DDTS), tuple(_numbers(documents))),), most=most)


def to_print(documents: Numbered, command: str, lang: str) -> str:
    """`TO_PRINT` for these documents issued by one run, printed by `command` (`print_command`,
    several joined by «; »); empty when none was issued."""
    if not documents.total:
        return ""
    return TO_PRINT(None, issued=documents.agreeing(ISSUED), documents=documents, them=documents.agreeing(THEM),
                    command=command).message(lang)


def print_commands(ddts: Sequence[tuple[str, date]], invoices: Sequence[tuple[str, date]], workbook: Path | str
                   ) -> str:
    """The commands that print a run's DDTs and invoices (number, day), each kind into its file
    beside the workbook (`print_command`), joined by «; »."""
    kinds = (("ddt", "ddt-non-stampati", ddts), ("invoices", "fatture-non-stampate", invoices))
    return "; ".join(print_command(kind, found, workbook, file) for kind, file, found in kinds if found)


def print_command(kind: str, issued: Sequence[tuple[str, date]], workbook: Path | str, file: str) -> str:
    """The `toolkit print … --unprinted` that prints these documents of one run (number, day)
    into `file` beside the workbook: by number up to `NUMBERED_AT_MOST`, so that it prints these
    and not another run's of the same days never printed; past them by their days (a command
    line of hundreds of numbers runs to thousands of characters)."""
    numbers = [number for number, _ in issued]
    first, last = min(day for _, day in issued), max(day for _, day in issued)
    chosen = (f"--numbers {','.join(numbers)}" if len(numbers) <= NUMBERED_AT_MOST else
              f"--date {first.isoformat()}" + (f" --to {last.isoformat()}" if last != first else ""))
    out = Path(workbook).with_name(f"{file}.xlsx")
    return f"toolkit print {kind} {quoted(str(workbook))} --unprinted {chosen} --out {quoted(str(out))}"


@dataclass(frozen=True)
class Unprinted:
    """Documents a command issues that a killed earlier run may have left unprinted: how the
    ledger finds them, the `toolkit print` kind, their words, and the file the command advises."""

    found: Callable[[Connection, int], NeverPrinted]
    """How many, and the first so many in number order."""
    kind: str
    what: Noun
    """What they are, the heading of the warning, agreeing with how many they are."""
    file: str

    def them(self, summary: NeverPrinted) -> Agreed:
        """The pronoun of the way out a warning of `summary` gives (*Stampalo con …*)."""
        return THEM.to(summary.total, feminine=self.what.feminine)


UNPRINTED = {
    "ddt": Unprinted(ddts_never_printed, "ddt",
                     Noun(("DDT registrato e mai stampato", "DDT registrati e mai stampati"),
                          ("DDT recorded and never printed", "DDTs recorded and never printed")),
                     "ddt-non-stampati"),
    "at-once": Unprinted(at_once_never_printed, "invoices",
                         Noun(("Fattura emessa con l'ordine o il DDT, registrata e mai stampata",
                               "Fatture emesse con l'ordine o il DDT, registrate e mai stampate"),
                              ("Invoice issued with its order or DDT, recorded and never printed",
                               "Invoices issued with their order or DDT, recorded and never printed"), feminine=True),
                         "fatture-non-stampate"),
    "notes": Unprinted(notes_never_printed, "invoices",
                       Noun(("Nota di credito o di debito registrata e mai stampata",
                             "Note di credito e di debito registrate e mai stampate"),
                            ("Credit or debit note recorded and never printed",
                             "Credit and debit notes recorded and never printed"), feminine=True),
                       "note-non-stampate"),
}
"""What each command issuing documents looks for: `ship` the DDTs (and with `--invoice` the
invoices issued at once), `orders create` both, `invoice credit` and `invoice debit` the notes."""

NUMBERED_AT_MOST = 100
"""Invoices never printed that the advised command names by number; past them it names their
run, or their days (`unprinted_command`)."""


@dataclass(frozen=True)
class Selection:
    """Which documents to print: by number, by date (inclusive), by invoicing run; with
    `unprinted`, only those never printed."""

    numbers: tuple[str, ...] = ()
    first: date | None = None
    last: date | None = None
    run: str | None = None
    unprinted: bool = False


@dataclass(frozen=True)
class Printed:
    numbers: tuple[str, ...]
    written: Path | None
    problems: tuple[Problem, ...]
    pdfs: tuple[Path, ...] = ()
    """With `--pdf`: the PDF, and past `writers.pdf.MOST_IN_A_PDF` documents its further parts."""


class NotPrinted(Exception):
    """Documents were stored but their file could not be written: exit code 4."""

    def __init__(self, kind: str, documents: Sequence[Document | str], out: Path, cause: BaseException,
                 redo: str | None = None, also: Sequence[NotPrinted] = ()):
        numbers = _numbers(documents)
        super().__init__(f"{kind} {', '.join(numbers)} not printed to {out}: {reason_of(cause, 'en')}")
        self.kind, self.documents, self.numbers, self.out, self.cause = kind, documents, tuple(numbers), Path(out), cause
        self.redo = redo
        """The command that writes the file again, `{workbook}` standing for the master workbook;
        by default the `toolkit print` command of these documents."""
        self.also = tuple(also)
        """The other files of documents issued together that were not written either."""

    @classmethod
    def together(cls, failed: Sequence[NotPrinted]) -> NotPrinted:
        """One failure naming every file not written, so the desk is given each command."""
        first, *rest = failed
        return cls(first.kind, first.documents, first.out, first.cause, first.redo, also=rest)

    def problems(self, workbook: Path | None, lang: str) -> list[Problem]:
        """A problem per file not written, each with the command that writes it."""
        return [self.problem(workbook, lang), *(other.problem(workbook, lang) for other in self.also)]

    def problem(self, workbook: Path | None, lang: str) -> Problem:
        again = (self.redo.format(workbook=quoted(str(workbook) if workbook else "anagrafiche.xlsx"))
                 if self.redo else command(self.kind, workbook, self.numbers, self.out))
        named = filed(self.kind, self.documents)
        return NOT_PRINTED(None, recorded=named.agreeing(RECORDED), documents=named, them=named.agreeing(THEM),
                           path=self.out, reason=reason_of(self.cause, lang), command=again)


def beside(out: Path, what: str) -> Path:
    """Where documents issued together with others are printed: `FILE-<what>.xlsx` beside the
    `--out FILE` asked for (the DDTs and invoices of `orders create`, the invoices of `ship
    --invoice`), so that every document issued reaches a file.

    >>> beside(Path("giorno/ordini.xlsx"), "fatture").as_posix()
    'giorno/ordini-fatture.xlsx'
    """
    return out.with_name(f"{out.stem}-{what}.xlsx")


def refuse_replacing(ledger: Ledger, kind: str, out: Path) -> None:
    """Refuse, before anything is stored, to print new documents over a file holding documents
    of the ledger (its tabs are their numbers): the file of an earlier shipment, say, which
    the desk may not have printed yet. A reprint may replace it; new documents go elsewhere,
    asked for in the words of who named `out` (`asked_now`: a button's, else the command line's
    `--out`)."""
    from toolkit.basics.files import asked_now
    from toolkit.basics.problems import UnusableInput

    held = held_documents(ledger, kind, out)
    if held:
        named, choose = held_named(ledger, kind, held), asked_now().named
        raise UnusableInput(OUTPUT_HOLDS_DOCUMENTS(None, path=out, documents=named, them=named.agreeing(THEM),
                                                   they_are=named.agreeing(THEY_ARE),
                                                   reprinted=named.agreeing(REPRINTED), kind=kind,
                                                   choose_it=choose[0], choose_en=choose[1]))


def held_documents(ledger: Ledger, kind: str, out: Path) -> list[str]:
    """The numbers of the ledger's documents of `kind` that the file `out` holds (its tabs are
    their numbers): none when it is missing, not a workbook, or holds none of them."""
    from toolkit.intake.sources import tab_names

    tabs = tab_names(out)
    if not tabs:
        return []
    with reading(ledger) as conn:
        unknown = document_ids(conn, KINDS[kind], numbers=tabs).unknown
    return [t for t in tabs if t not in unknown]


def held_named(ledger: Ledger, kind: str, numbers: Sequence[str]) -> Numbered:
    """Documents of `kind` a file holds (`held_documents`), as a message names them: kind by kind,
    as the to-print lines do (`filed`), each invoice by the kind its ledger row gives
    (`listed_kinds`), the first `HELD_SHOWN` of each. A tab that is no one row (`1`, where the
    ledger has invoice 1 and credit note 1) is held all the same, so named as a document: left
    out, a file of it alone was said to hold nothing."""
    if kind != "invoices":
        return filed(kind, numbers, HELD_SHOWN)
    with reading(ledger) as conn:
        chosen = document_ids(conn, KINDS[kind], numbers=numbers)
        listed = listed_kinds(conn, chosen.ids)
    unresolved = [(typed, None) for typed in [*chosen.ambiguous, *chosen.unknown]]
    return kind_by_kind([], [*listed, *unresolved], HELD_SHOWN)


HELD_SHOWN = 5
"""The numbers of each kind a message about a file's documents names before `…`."""


def reprint_target(ledger: Ledger, kind: str, out: Path, documents: Sequence[Document],
                   pdf: bool) -> tuple[Path, list[Problem]]:
    """Where a reprint goes: `out`, unless it holds documents the reprint leaves out (a day's
    shipment of five DDTs, reprinting one of them), which replacing it would take out of their
    file, perhaps before they are printed; then the next free name beside it, `out-2.xlsx`, …
    (`unused_path`, as a second `orders create --out` does), with a warning naming both files."""
    from toolkit.basics.files import unused_path

    numbers = {d.number for d in documents if d.number}
    left_out = [n for n in held_documents(ledger, kind, out) if n not in numbers]
    if not left_out:
        return out, []
    target = unused_path(out, lambda path: (path.with_suffix(".pdf"),) if pdf else ())
    named = held_named(ledger, kind, left_out)
    return target, [KEPT_FILE(None, path=out, written=target, documents=named, stay=named.agreeing(STAY),
                              printed=filed(kind, documents).agreeing(PRINTED))]


def never_printed(ledger: Ledger, which: Sequence[str], workbook: Path | str, out: Path) -> list[Problem]:
    """A warning per kind of `UNPRINTED` with documents recorded lately and never printed: kill -9
    between storing documents and writing their file cannot be caught, so the next run of a
    command that prints says so, with the `toolkit print … --unprinted` command that prints
    exactly those, into a file beside its own `out`. Only a command that prints asks: a desk that
    prints another way would be told the same every day."""
    def how(kind: Unprinted, summary: NeverPrinted) -> tuple[str, str]:
        command, them = unprinted_command(kind, summary, workbook, beside(out, kind.file)), kind.them(summary)
        return f"Stampa{them.shown('it')} con: {command}", f"Print {them.shown('en')} with: {command}"

    return [never_printed_warning(kind, summary, *how(kind, summary)) for kind, summary in unprinted(ledger, which)]


def unprinted(ledger: Ledger, which: Sequence[str]) -> list[tuple[Unprinted, NeverPrinted]]:
    """The kinds of `UNPRINTED` named in `which` that have documents recorded lately and never
    printed, with those documents: what `never_printed` warns of, for a front end that words
    the way out its own way (a button has no command line)."""
    with reading(ledger) as conn:
        found = [(UNPRINTED[name], UNPRINTED[name].found(conn, NUMBERED_AT_MOST + 1)) for name in which]
    return [(kind, summary) for kind, summary in found if summary.total]


def never_printed_warning(kind: Unprinted, summary: NeverPrinted, how_it: str, how_en: str) -> Problem:
    """`NEVER_PRINTED` for these documents, ending with how to print them (`how_it`, `how_en`)."""
    n, feminine = summary.total, kind.what.feminine
    return NEVER_PRINTED(None, what_it=kind.what.named(n, "it"), what_en=kind.what.named(n, "en"), numbers=shown(summary),
                         are=Agreed(n, ("È", "Sono"), ("It still needs", "They still need")),
                         issued=ISSUED.to(n, feminine=feminine), their=Agreed(n, ("suo", "loro"), ("its", "their")),
                         them=kind.them(summary), how_it=how_it, how_en=how_en)


def unprinted_days(summary: NeverPrinted) -> list[date]:
    """The days of these documents never printed, for a front end that prints a day at a time
    (*Ristampa DDT*): those of the documents read when all were read, else every day from the
    first to the last."""
    if summary.total <= len(summary.first) or summary.days is None:
        return sorted({r.day for r in summary.first})
    first, last = summary.days
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def shown(summary: NeverPrinted) -> str:
    """The first numbers, and how many in all past them."""
    numbers = ", ".join(r.number for r in summary.first[:SHOWN])
    return numbers if summary.total <= SHOWN else f"{numbers} … ({summary.total})"


def unprinted_command(kind: Unprinted, summary: NeverPrinted, workbook: Path | str, out: Path) -> str:
    """`toolkit print … --unprinted` choosing these documents: DDTs by their days (every DDT
    never printed in them is one of these); invoices and credit notes by number, since a month
    end's invoices never printed share their days, up to `NUMBERED_AT_MOST` (a command line
    holds a few thousand characters); past them by the run that issued them all (a run killed
    before its file, the case this warns of), else by their days, which may print others of
    those days never printed too."""
    if kind.kind != "ddt" and summary.total <= NUMBERED_AT_MOST:
        chosen = f"--numbers {','.join(r.number for r in summary.first)}"
    elif kind.kind != "ddt" and summary.run is not None:
        chosen = f"--run {quoted(summary.run)}"
    else:
        assert summary.days is not None
        first, last = summary.days
        chosen = f"--date {first.isoformat()}" + (f" --to {last.isoformat()}" if last != first else "")
    return f"toolkit print {kind.kind} {quoted(str(workbook))} --unprinted {chosen} --out {quoted(str(out))}"


def reason_of(exc: BaseException, lang: str) -> str:
    """Why a file was not written, in a line."""
    from toolkit.basics.failures import os_reason
    from toolkit.basics.problems import UnusableInput

    return exc.problem.message(lang) if isinstance(exc, UnusableInput) else os_reason(exc, lang)


def command(kind: str, workbook: Path | None, numbers: Sequence[str], out: Path) -> str:
    """The `toolkit print` command that prints these documents to `out`."""
    return (f"toolkit print {kind} {quoted(str(workbook) if workbook else 'anagrafiche.xlsx')} "
            f"--numbers {','.join(numbers)} --out {quoted(str(out))}")


def quoted(text: str) -> str:
    return f'"{text}"' if any(c.isspace() or c in "'\"&;|<>()$`" for c in text) else text


def select(ledger: Ledger, kind: str, selection: Selection) -> tuple[list[Document], list[Problem]]:
    """The documents of `kind` the selection names, in number order, and the numbers not found;
    a run holding none was undone, or never stored (`missing_run`), as `invoice export` says."""
    document = KINDS[kind]
    if selection.run is not None and kind != "invoices":
        return [], [RUN_ONLY_FOR_INVOICES(None)]
    with reading(ledger) as conn:
        ids, unknown, ambiguous = document_ids(conn, document, numbers=selection.numbers or None,
                                               first=selection.first, last=selection.last, run=selection.run)
        if selection.run is not None and not ids:
            from toolkit.services.invoicing import missing_run

            return [], [missing_run(conn, selection.run)]
        if selection.unprinted:
            printed = printed_final(conn, ids) if document == "invoice" else set(last_printed(conn, document, ids))
            if document == "ddt":
                printed |= set(voided_of(conn, ids))
            ids = [i for i in ids if i not in printed]
        found = load(conn, kind, ids)
    return found, [*(_unknown(kind, n) for n in unknown),
                   *(AMBIGUOUS_NUMBER(None, typed=typed, numbers=", ".join(named), first=named[0])
                     for typed, named in ambiguous.items())]


def _unknown(kind: str, typed: str) -> Problem:
    """A number that names no document to print; for DDTs, one of services rendered says why."""
    parsed = codes.document_number(typed)
    if kind == "ddt" and parsed is not None and parsed[0] == SERVICES_SERIES:
        return SERVICES_NOT_PRINTED(None, number=typed)
    return UNKNOWN_NUMBER(None, number=typed)


def spoken_in(documents: Sequence[Document], lang: str) -> list[Document]:
    """The documents as printed in `lang` whatever language each was issued in: a user who
    types `--lang en` gets English, as an auditor reading Italian invoices asks."""
    return [replace(d, lang=lang) for d in documents]


def load(conn: Connection, kind: str, ids: Sequence[int]) -> list[Document]:
    if not ids:
        return []
    if kind == "orders":
        return list(load_orders(conn, ids=ids))
    if kind == "ddt":
        return list(load_notes(conn, ids=ids))
    return list(load_invoices(conn, ids=ids))


def write(kind: str, out: Path, master: MasterData, documents: Sequence[Document], lang: str,
          cash: Cash | None = None, rests: Mapping[int, Rest] | None = None, reprinted: Collection[int] = ()
          ) -> Path:
    """The printable documents, by the writer of their first printing; `cash`: what the DDTs'
    drivers collect (`cash_for`); `rests`: the orders' lines that are the rest of a line cut at
    a VAT rate change (`rests_for`); `reprinted`: the invoices printed before, each a copy
    (`reprinted_invoices`)."""
    if kind == "orders":
        from toolkit.writers.orders_book import write_order_documents

        return write_order_documents(out, master, documents, lang, rests)  # type: ignore[arg-type]
    if kind == "ddt":
        from toolkit.writers.ddt import write_delivery_notes

        cash = cash or Cash()
        return write_delivery_notes(out, master, documents, lang, paid_orders=cash.paid,  # type: ignore[arg-type]
                                    to_collect=cash.to_collect)
    from toolkit.writers.accountants import write_copies

    return write_copies(out, master, documents, lang, reprinted)  # type: ignore[arg-type]


def reprinted_invoices(ledger: Ledger, kind: str, documents: Sequence[Document]) -> set[int]:
    """The final invoices and notes among `documents` printed before, as final (`printed_final`:
    a run's copy marked BOZZA is not one): printed again they are copies, and say so (*COPIA*).
    None for orders and DDTs, which a desk prints in several copies as a matter of course."""
    final = [d.id for d in documents if isinstance(d, Invoice) and d.id is not None
             and d.status is InvoiceStatus.FINAL]
    if kind != "invoices" or not final:
        return set()
    with reading(ledger) as conn:
        return printed_final(conn, final)


@dataclass(frozen=True)
class Cash:
    """What the DDTs printed say their drivers collect, worked out anew at each printing."""

    paid: Container[int] = frozenset()
    """The orders invoiced at the order and paid (`paid_at_order`): their drivers collect nothing."""
    to_collect: Mapping[int, Decimal] = field(default_factory=dict)
    """By DDT id, the cash it collects (`cash_to_collect`)."""


def rests_for(ledger: Ledger, documents: Sequence[Document]) -> dict[int, Rest]:
    """The lines of the orders among `documents` that are the rest of a line cut at a VAT rate
    change, dated by their first DDT: the order printed again shows the line twice, and says
    which is the rest. The ledger is asked only when an order has one."""
    found = rests([order for order in documents if isinstance(order, Order)])
    if not found:
        return found
    with reading(ledger) as conn:
        return rests_dated(conn, found)


def cash_for(ledger: Ledger, master: MasterData, documents: Sequence[Document]) -> Cash:
    """What the DDTs among `documents` that collect cash on delivery collect: their customers'
    other DDTs and services rendered of their days are read (those printed are in hand), since
    a day's due is shared among its DDTs and a service goes with one of them, whichever is
    printed; then which of their orders were invoiced at the order and paid, and which lines
    an invoice charges already. The ledger is asked only when a DDT collects cash."""
    book = party_book(master)
    notes = [note for note in documents if isinstance(note, DeliveryNote)]
    collect = [note for note in notes if note.is_ddt and note.cash_lines(note.customer_method(book))]
    if not collect:
        return Cash()
    held = {note.id for note in notes}
    days = {(note.day, note.customer) for note in collect}
    with reading(ledger) as conn:
        others = [i for i in ids_of_days(conn, {day for day, _ in days}, {customer for _, customer in days})
                  if i not in held]
        day = [note for note in [*notes, *(load_notes(conn, ids=others) if others else ())]
               if (note.day, note.customer) in days and note.voided is None]
        asked = {line.order_id for note in day for line in note.cash_lines(note.customer_method(book))}
        paid = paid_at_order(conn, asked)
        invoiced = invoices_charging(conn, [line for note in day for line in note.lines])
        duty = stamp_duty_due(conn, set(invoiced.values())) if invoiced else {}
    return Cash(paid, cash_to_collect(day, book, paid, invoiced, duty))


def mark(ledger: Ledger, kind: str, documents: Sequence[Document]) -> None:
    """Record that these documents were printed now."""
    ids = [d.id for d in documents if d.id is not None]
    if ids:
        with writing(ledger) as conn:
            mark_printed(conn, KINDS[kind], ids)


def _runs_printed(kind: str, selection: Selection, documents: Sequence[Document]) -> list[str]:
    """The runs whose undo must remove a print of `documents`: the run `--run` named, and the
    run of every draft among them however chosen (`--numbers`, `--date`), whose file was left by
    the undo, drafts numbered as the next run's documents will be, as if still valid."""
    if kind != "invoices":
        return []
    drafts = {d.run_id for d in documents if isinstance(d, Invoice) and d.status is InvoiceStatus.DRAFT and d.run_id}
    return sorted({*drafts, *([selection.run] if selection.run is not None else [])})


def noted_for_undo(ledger: Ledger, run_id: str, files: Sequence[Path]) -> None:
    """Note the files `print invoices` writes of a run's invoices (`_runs_printed`), as the run
    notes its own copies' folder: `invoice undo` of a draft run removes them with those, where
    they stayed, invoices with numbers the next run gives to other documents, as if still valid.
    Noted before they are written: a print stopped half-way (Ctrl+C in the minutes its PDFs take,
    LibreOffice failing) left its workbook unnoted; one never written is simply not found."""
    from toolkit.ledger.invoices import RUN_PRINTS, wrote_in

    with writing(ledger) as conn:
        for path in files:
            wrote_in(conn, RUN_PRINTS, run_id, path)


def write_and_mark(ledger: Ledger, master: MasterData, kind: str, documents: Sequence[Document], out: Path,
                   lang: str) -> Path:
    """Print documents already stored: write them, then record the printing. A failure to write
    becomes `NotPrinted`, naming the documents and the command that prints them."""
    out = _still_free(ledger, kind, documents, out)
    try:
        written = write(kind, out, master, documents, lang, cash_for(ledger, master, documents),
                        rests_for(ledger, documents))
    except (Exception, KeyboardInterrupt) as exc:
        raise NotPrinted(kind, documents, out, exc) from exc
    try:
        mark(ledger, kind, documents)
    except KeyboardInterrupt as exc:
        raise InterruptedWhenWritten from exc
    return written


def _still_free(ledger: Ledger, kind: str, documents: Sequence[Document], out: Path) -> Path:
    """`out`, unless it holds other documents of the ledger by now: a colleague's action that
    chose the same name (two desks pressing *Spedisci* on one shared folder, each finding the
    day's `ddt-DATE.xlsx` free before storing) printed there first, and replacing that file
    would take its documents out of it, perhaps before they are printed. Then the next free
    name beside it, which the answer names (`refuse_replacing` checked before storing; this
    is the check after)."""
    from toolkit.basics.files import unused_path

    ours = set(_numbers(documents))
    if not [n for n in held_documents(ledger, kind, out) if n not in ours]:
        return out
    return unused_path(out)


class InterruptedWhenWritten(KeyboardInterrupt):
    """Ctrl+C once the file is written, before the ledger records the printing: the file is
    there, so it ends as any interrupt does, not as a file not written."""


def _numbers(documents: Sequence[Document | str]) -> list[str]:
    return [d if isinstance(d, str) else d.number or "?" for d in documents]


@contextmanager
def stored_before_printing(files: Sequence[tuple[str, Sequence[Document | str], Path]]) -> Iterator[None]:
    """Ctrl+C between storing documents and writing their files ends as a file not written does
    (`NotPrinted`, exit 4), naming each file's documents and the command that prints them: the
    ledger has them, and a desk told only «interrotto» would run the command again and find
    nothing new to print."""
    try:
        yield
    except InterruptedWhenWritten:
        raise
    except KeyboardInterrupt as exc:
        left = [NotPrinted(kind, documents, out, exc) for kind, documents, out in files if documents]
        if not left:
            raise
        raise NotPrinted.together(left) from exc


def write_and_mark_each(ledger: Ledger, master: MasterData, files: Sequence[tuple[str, Sequence[Document], Path]],
                        lang: str) -> list[Path]:
    """Print documents issued together (the orders, DDTs and invoices of `orders create --out`,
    the DDTs and invoices of `ship --invoice --out`), each kind into its file. A file that
    cannot be written does not keep the next from being tried, and `NotPrinted` then names
    every file not written with the command that prints it: every document stored either
    reaches a file or is named with its command."""
    written: list[Path] = []
    failed: list[NotPrinted] = []
    for at, (kind, documents, out) in enumerate(files):
        try:
            written.append(write_and_mark(ledger, master, kind, documents, out, lang))
        except NotPrinted as exc:
            failed.append(exc)
            if isinstance(exc.cause, KeyboardInterrupt):
                failed += [NotPrinted(k, d, o, exc.cause) for k, d, o in files[at + 1:]]
                break
    if failed:
        raise NotPrinted.together(failed)
    return written


def print_documents(master: MasterData, ledger: Ledger, kind: str, selection: Selection, out: Path, lang: str, *,
                    pdf: bool = False, progress: Callable[[int, int], None] | None = None,
                    own_file: bool = False, set_aside: Sequence[Problem] = (), lang_asked: bool = False) -> Printed:
    """`toolkit print`: the chosen documents written again from the ledger, and marked printed;
    each in the language it was issued in (`lang`, the run's, for one stored before the ledger
    kept it), or all in `lang` when the user asked for it (`lang_asked`: `--lang` typed, `spoken_in`);
    with `pdf`, printed to PDF too, `progress(done, total)` told of the documents printed. A
    file holding other documents is not replaced (`reprint_target`) unless it is the caller's
    `own_file`, which each printing replaces whole (the panel's *Ristampa DDT*). The workbook's
    errors `set_aside` (`session.start_reprint`) are told as warnings, or refuse the printing
    when it reads their part (`reprint_reads.gone_on_despite`)."""
    from toolkit.services.reprint_reads import gone_on_despite

    documents, problems = select(ledger, kind, selection)
    if any(p.is_error for p in problems):
        return Printed((), None, tuple(problems))
    problems = [*gone_on_despite(set_aside, documents), *problems]
    if lang_asked:
        documents = spoken_in(documents, lang)
    if not documents:
        return Printed((), None, (*problems, NOTHING_TO_PRINT(None)))
    if not own_file:
        out, kept = reprint_target(ledger, kind, out, documents, pdf)
        problems = [*problems, *kept]
    if pdf:
        refuse_other_pdfs(out.with_suffix(".pdf"), len(documents), label("doc.file_part", lang))
    cash, rested = cash_for(ledger, master, documents), rests_for(ledger, documents)
    copies = reprinted_invoices(ledger, kind, documents)
    check_writable(ledger)
    if runs := _runs_printed(kind, selection, documents):
        pdfs_of = pdf_paths(out.with_suffix(".pdf"), len(documents), label("doc.file_part", lang)) if pdf else []
        for run_id in runs:
            noted_for_undo(ledger, run_id, [out, *pdfs_of])
    written = write(kind, out, master, documents, lang, cash, rested, copies)
    mark(ledger, kind, documents)
    pdfs = documents_to_pdf(written.with_suffix(".pdf"), documents,
                            lambda path, one: write(kind, path, master, one, lang, cash, rested, copies),
                            part=label("doc.file_part", lang), progress=progress) if pdf else []
    return Printed(tuple(d.number or "?" for d in documents), written, tuple(problems), tuple(pdfs))
