"""A credit note against one invoice: `toolkit invoice credit WORKBOOK --invoice FT-2026-00012
--reason "…" [--lines 1,3:2] [--date D] [--out FILE]`.

One write transaction: find the invoice (final, an invoice and not a credit note), read what
earlier credit notes took back of its lines, make the note (`toolkit.core.credit_notes`),
refuse it when with the earlier notes, the returns and the volume discounts' shares of the
invoice it would credit more taxable than the invoice has (`discount_problems`),
check its date keeps the credit-note series in date order (the rule every run keeps), store
it final with its number, citing the invoice, and settle the orders behind it. Refused, nothing
is stored and no number is used.

The orders: a credit note that takes back goods billed at the order and not shipped yet (an
immediate, prepay or POS invoice) gives them up, so their order is closed (*chiuso*) and never
ships them. An order is closed only whole, so the note must leave none of its goods still to
ship billed: when it takes back some lines of an order and others, billed and unshipped, stay
due, it is refused, naming them (credit them too, or ship the order and credit what comes
back). Goods already shipped, and the lines of a deferred invoice (shipped by definition),
leave their order as it is.

With `out`, the note is printed there (`toolkit.services.printing.write_and_mark`), as any
stored document is printed again with `toolkit print invoices --numbers`; never over a file
holding the ledger's invoices or notes (an earlier note's), which is refused first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

from sqlalchemy import Connection

from toolkit.basics.problems import Problem, ProblemsFound, define, errors
from toolkit.basics.wording import euro
from toolkit.core.credit_notes import (
    AMBIGUOUS_INVOICE,
    DRAFT_INVOICE,
    NOT_AN_INVOICE,
    OPTIONS,
    UNKNOWN_INVOICE,
    Asked,
    AskedIn,
    credit_note,
    creditable,
    date_problems,
    discount_problems,
    stamp_duty_left,
)
from toolkit.core.invoicing import Invoice, InvoiceKind, InvoiceStatus
from toolkit.core.orders import OrderStatus
from toolkit.core.payments import of_kind
from toolkit.ledger import Ledger
from toolkit.ledger.credit_notes import StillBilled, billed_to_ship, credited_lines, discount_shares, lines_credited
from toolkit.ledger.db import document_number, writing
from toolkit.ledger.invoices import load_invoices, store
from toolkit.ledger.orders import load_orders, set_statuses
from toolkit.ledger.payments import InvoiceRow, invoices_numbered, is_note
from toolkit.ledger.printings import NeverPrinted, unprinted_credit_notes
from toolkit.model.records import MasterData
from toolkit.services.invoicing import chronology_problems, new_run_id, refused_after_draft_runs, stranded_by

STILL_BILLED = define(
    "credit-leaves-order-billed", "error",
    it="La nota di credito toglie merce non ancora spedita dell'ordine {order}, che così si chiude e non parte più; "
       "ma l'ordine ha ancora da spedire merce fatturata che la nota non accredita ({lines}): nulla è stato "
       "registrato. Accredita anche quelle righe ({asked_in}), oppure spedisci l'ordine e accredita poi ciò che "
       "torna.",
    en="The credit note takes back goods of order {order} not shipped yet, which closes it so that it never ships; "
       "but the order still has invoiced goods to ship that the note does not credit ({lines}): nothing was "
       "stored. Credit those lines too ({asked_in}), or ship the order and credit what comes back afterwards.")
OUT_OF_SEQUENCE = define(
    "credit-date-out-of-sequence", "error",
    it="La nota di credito {number} sarebbe datata {day}, prima della {latest_number} del {latest_day} già emessa: "
       "nella serie {series} {year} i numeri seguono le date, quindi non è stato registrato nulla. Indica con --date "
       "un giorno dal {latest_day} in poi.",
    en="Credit note {number} would be dated {day}, before {latest_number} of {latest_day}, already issued: in "
       "series {series} {year} numbers follow dates, so nothing was stored. Give --date a day from {latest_day} on.")

CREDITED_NOT_PRINTED = define(
    "credit-note-repeated-unprinted", "error",
    it="La fattura {invoice} ha già la nota di credito {note} del {day} per le stesse righe ({lines}), "
       "registrata e mai stampata (emessa senza --out, oppure da un comando fermato prima di scriverne il file): "
       "una seconda nota accrediterebbe il cliente due volte. Nulla è stato registrato. Stampala con: {command} — se "
       "serve davvero un'altra nota per quelle righe, {again_it}.",
    en="Invoice {invoice} already has credit note {note} of {day} for the same lines ({lines}), recorded "
       "and never printed (issued without --out, or by a command stopped before writing its file): a second note "
       "would credit the customer twice. Nothing was stored. Print it with: {command} — if another note for those lines "
       "is really due, {again_en}.",
    usage=True)

HELD_BEFORE_NOTE = define(
    "credit-order-invoice-held", "error",
    it="L'ordine {number} del cliente {customer}, creato in anticipo, ha {what_it} ancora in attesa del suo giorno "
       "({day}), prima della data della nota di credito ({run_day}) nella stessa serie: emessa dopo la nota sarebbe "
       "datata prima (nella serie {series} {year} i numeri seguono le date) e ogni «toolkit orders create» e «toolkit "
       "ship» la rifiuterebbe, quindi non è stato registrato nulla. Emetti prima i documenti attesi con «toolkit "
       "orders create {workbook} --date {day}» (per un giorno già creato emette solo quelli), poi di nuovo la nota di "
       "credito; oppure datala {day}.",
    en="Order {number} of customer {customer}, created ahead, still has {what_en} waiting for its day ({day}), "
       "before the credit note's date ({run_day}) in the same series: issued after the note it would be dated "
       "before it (in series {series} {year} numbers follow dates) and every “toolkit orders create” and “toolkit "
       "ship” would refuse it, so nothing was stored. Issue the waiting documents first with “toolkit orders create "
       "{workbook} --date {day}” (for a day already created it issues only those), then the credit note again; or "
       "date it {day}.")


def note_total(note: Invoice, lang: str) -> str:
    """A credit or debit note's total as its answer says it: *IVA inclusa*, or *senza IVA* for a
    note with none (a letter of intent's N3.5, an export), which was said VAT included too."""
    total = euro(abs(note.total), lang)
    if note.vat:
        return f"{total} IVA inclusa" if lang == "it" else f"{total} VAT included"
    return f"{total} senza IVA" if lang == "it" else f"{total} without VAT"


class IssuedNote(Protocol):
    """What a note's service answers (`Credited`, `Debited`): a record with the note stored (None
    when refused) and the file it was printed to (`printed`)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def note(self) -> Invoice | None: ...


Issued = TypeVar("Issued", bound=IssuedNote)


def issued_and_printed(ledger: Ledger, master: MasterData, out: Path | None, lang: str,
                       issue: Callable[[Connection], Issued], refused: Callable[[list[Problem]], Issued]) -> Issued:
    """A credit or debit note issued (`issue`, in one write transaction) and, with `out`, printed
    there: an `out` holding documents of the ledger refused before anything is stored
    (`printing.refuse_replacing`), the note stored before its file is written and named with the
    command that prints it if that file is not (`printing.stored_before_printing`); the refusal
    an error stopping the transaction raises answered as `refused` says it."""
    if out is not None:
        from toolkit.services.printing import refuse_replacing

        refuse_replacing(ledger, "invoices", out)
    try:
        with writing(ledger) as conn:
            done = issue(conn)
    except ProblemsFound as stopped:
        return refused(list(stopped.problems))
    if out is None or done.note is None:
        return done
    from toolkit.services.printing import stored_before_printing, write_and_mark

    with stored_before_printing([("invoices", [done.note], out)]):
        return replace(done, printed=write_and_mark(ledger, master, "invoices", [done.note], out, lang))


@dataclass(frozen=True)
class Credited:
    """What `credit` did: the credit note stored (None when refused), the orders it closed, the
    file it was printed to, and the invoice's full number once found (`ft-2026-5` is
    FT-2026-00005), which the answer names rather than what was typed."""

    note: Invoice | None
    problems: list[Problem]
    closed: list[str] = field(default_factory=list)
    printed: Path | None = None
    invoice: str | None = None

    def summary(self, lang: str) -> str:
        it = lang == "it"
        if self.note is None:
            return ("Nessuna nota di credito emessa: correggi i problemi indicati." if it
                    else "No credit note was issued: fix the problems listed.")
        cited, total = ", ".join(c.number for c in self.note.cites), note_total(self.note, lang)
        said = (f"Emessa la nota di credito {self.note.number} del {self.note.invoice_date:%d/%m/%Y} su {cited}: "
                f"{total}." if it else
                f"Issued credit note {self.note.number} of {self.note.invoice_date:%d/%m/%Y} on {cited}: {total}.")
        if self.closed:
            orders = ", ".join(self.closed)
            said += (f" Ordini chiusi, non partiranno: {orders}." if it else
                     f" Orders closed, they will not ship: {orders}.")
        return said


def credit(ledger: Ledger, master: MasterData, number: str, asked: Asked, reason: str, day: date, today: date, *,
           out: Path | None = None, lang: str, workbook: Path | str = "WORKBOOK",
           asked_in: AskedIn = OPTIONS, again: bool = False) -> Credited:
    """Issue the credit note taking back `asked` of invoice `number` (all that is left of it
    when nothing is asked), dated `day`, final; with `out`, print it there. `workbook` is the
    master as the desk named it, for the commands a refusal advises; a refusal names the invoice
    and the lines where the user gave them (`asked_in`: the command's options, the panel's cells).
    An `out` holding invoices or credit notes of the ledger, not printed yet perhaps, is refused
    before anything is stored (`UnusableInput`), as `ship --out` refuses an earlier shipment's,
    asking for another in the words of who named it (`asked_now`; by default `--out`). With `out`,
    a note for the same lines of the invoice recorded and never printed refuses it unless `again`
    (`repeated_unprinted`)."""
    return issued_and_printed(
        ledger, master, out, lang,
        lambda conn: _issue(conn, master, number, asked, reason, day, today, str(workbook), asked_in, out, again, lang),
        lambda problems: Credited(None, problems))


def _issue(conn: Connection, master: MasterData, number: str, asked: Asked, reason: str, day: date,
           today: date, workbook: str, asked_in: AskedIn, out: Path | None, again: bool, lang: str) -> Credited:
    """`credit` inside its write transaction: the note stored and the orders closed, or why not;
    printing to `out`, unless `again`, refused when a note for the same lines was recorded and
    never printed."""
    found = of_kind(invoices_numbered(conn, number), is_note, False)
    if len(found) != 1:
        return Credited(None, [_not_found(number, found, asked_in)])
    [row] = found
    [invoice] = load_invoices(conn, ids=[row.id])
    refused = _not_creditable(invoice, workbook, asked_in)
    if refused:
        return Credited(None, refused, invoice=invoice.number)
    line_ids, credited, notes, by_line = credited_lines(conn, row.id)
    lines = creditable(invoice, line_ids, credited, by_line)
    made = credit_note(invoice, lines, asked, day, reason, notes, asked_in)
    if isinstance(made, list):
        return Credited(None, made, invoice=invoice.number)
    repeated = [] if again or out is None else repeated_unprinted(conn, invoice, line_ids, made, workbook, out,
                                                                  asked_in)
    if repeated:
        return Credited(None, repeated, invoice=invoice.number)
    problems = (discount_problems(invoice, lines, made, discount_shares(conn, row.id), asked_in)
                + date_problems(invoice, day, today)
                + chronology_problems(conn, master.settings, [made], OUT_OF_SEQUENCE)
                + refused_after_draft_runs(conn, master.settings, [made], workbook, "la nota di credito",
                                           "the credit note")
                + _strands_held(conn, master, made, workbook)
                + stamp_duty_left(invoice, lines, asked, asked_in))
    if errors(problems):
        return Credited(None, problems, invoice=invoice.number)
    [note] = store(conn, master, [made], InvoiceStatus.FINAL, new_run_id(day), lang=lang)
    return Credited(note, problems, _close_orders(conn, note, asked_in), invoice=invoice.number)


def repeated_unprinted(conn: Connection, invoice: Invoice, line_ids: dict[int, int], made: Invoice, workbook: str,
                       out: Path, asked_in: AskedIn) -> list[Problem]:
    """A note on the same lines of the invoice recorded and never printed: the kill -9 of a
    `credit --out` after its commit leaves one, and the desk, seeing no file, runs the command
    again, crediting the customer twice. Refused, naming it and how to print it; `--again`
    issues the second one when it is meant. Only a note that prints (`out`) asks: a desk that
    never prints its notes with the toolkit has every one unprinted, and credits a line in parts
    by repeating the command (docs/credit-notes.md, *The notes add up to the invoice*)."""
    from toolkit.services.printing import UNPRINTED, unprinted_command

    assert invoice.id is not None
    asked = frozenset(line.credits_line_id for line in made.lines if line.credits_line_id is not None)
    earlier = unprinted_credit_notes(conn, invoice.id)
    credited = lines_credited(conn, [note.id for note in earlier])
    numbered = {line_id: line_no for line_no, line_id in line_ids.items()}
    return [CREDITED_NOT_PRINTED(None, invoice=invoice.number, note=note.number, day=f"{note.day:%d/%m/%Y}",
                                 lines=", ".join(str(numbered[i]) for i in sorted(asked, key=numbered.__getitem__)),
                                 command=unprinted_command(UNPRINTED["notes"],
                                                           NeverPrinted(1, [note], (note.day, note.day)), workbook, out),
                                 again_it=asked_in.again[0], again_en=asked_in.again[1])
            for note in earlier if credited.get(note.id) == asked]


def _not_found(typed: str, found: list[InvoiceRow], asked_in: AskedIn) -> Problem:
    """No invoice has the number typed, or more than one has it: `7/2026` when the invoice
    series was changed in the year (FT-2026-00007, FA-2026-00007), never a credit note beside
    an invoice, which `of_kind` leaves out."""
    if not found:
        return UNKNOWN_INVOICE(None, number=typed, asked_in=asked_in.invoice)
    numbers = [document_number(r.series, r.year, r.number) for r in found]
    return AMBIGUOUS_INVOICE(None, typed=typed.strip(), asked_in=asked_in.invoice, numbers=", ".join(numbers),
                             first=numbers[0])


def _strands_held(conn: Connection, master: MasterData, note: Invoice, workbook: str) -> list[Problem]:
    """A note dated after the day of an order created ahead whose document issued at once waits,
    in the note's series, would leave that document no number in date order and lock the desk
    (`stranded_by`): refused, as month end refuses such a run."""
    from toolkit.services.printing import quoted

    return [HELD_BEFORE_NOTE(None, **x.stranding, workbook=quoted(workbook)) for x in stranded_by(conn, master, [note])]


def _not_creditable(invoice: Invoice, workbook: str, asked_in: AskedIn) -> list[Problem]:
    """A credit note corrects a final invoice; a draft is undone instead."""
    if invoice.kind is InvoiceKind.CREDIT_NOTE:
        return [NOT_AN_INVOICE(None, number=invoice.number, asked_in=asked_in.invoice)]
    if invoice.status is not InvoiceStatus.FINAL:
        return [DRAFT_INVOICE(None, number=invoice.number, run_id=invoice.run_id, workbook=workbook)]
    return []


def _close_orders(conn: Connection, note: Invoice, asked_in: AskedIn) -> list[str]:
    """Close the orders whose unshipped goods, billed at the order, the stored note gives up;
    `ProblemsFound` (the transaction rolls back) when one would still owe goods to ship."""
    assert note.id is not None
    found = billed_to_ship(conn, note.id)
    if found.still_billed:
        by_order: dict[str, list[StillBilled]] = {}
        for line in found.still_billed:
            by_order.setdefault(line.order, []).append(line)
        raise ProblemsFound([STILL_BILLED(None, order=order, lines=tuple(items), asked_in=asked_in.lines)
                             for order, items in by_order.items()])
    orders = load_orders(conn, ids=list(found.orders))
    set_statuses(conn, orders, OrderStatus.CLOSED, "closed")
    return [order.number for order in orders]
