"""A debit note adding to one invoice: `toolkit invoice debit WORKBOOK --invoice FT-2026-00012
--amount 150 --reason "…" [--rate 22] [--date D] [--out FILE]`.

One write transaction, as `invoice credit`: find the invoice (final, an invoice and not a credit
note), make the note (`toolkit.core.debit_notes`), check its date keeps the invoices' series in
date order and leaves no order created ahead without its number, store it final in that series,
citing the invoice. A note at N3.5 is kept within the customer's letter of intent as an invoice
is (`toolkit.core.intent_ceiling.debit_within`), when it is the letter the invoice cited.
Refused, nothing is stored and no number is used. With `out` it is printed there, never over a
file holding the ledger's invoices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection

from toolkit.basics.problems import Problem, define, errors
from toolkit.core.credit_notes import AskedIn, as_corrected, creditable
from toolkit.core.debit_notes import (
    BAD_AMOUNT,
    amount_refused,
    credited_in_full,
    debit_note,
    rate_needed,
    rate_of,
    rates_beyond_letter,
    refusals,
    typed_key,
)
from toolkit.core.intent_ceiling import (
    LETTER_OF_INTENT,
    citing_row,
    debit_former,
    debit_past_year,
    debit_within,
    item_rates,
    letter_key,
)
from toolkit.core.invoicing import Invoice, InvoiceStatus, excluded_months, recoded_as
from toolkit.core.letter_cited import DEBIT_NOT_CITED, LETTER_FIELDS, Missing, empty_cell, missing
from toolkit.core.letter_dates import debit_after_end, debit_before_letter
from toolkit.core.payments import of_kind
from toolkit.core.vat import RateKey
from toolkit.ledger import Ledger
from toolkit.ledger.credit_notes import credited_lines
from toolkit.ledger.invoices import load_invoices, store
from toolkit.ledger.payments import invoices_numbered, is_note
from toolkit.ledger.printings import NeverPrinted, unprinted_debit_notes
from toolkit.model.parties import Buyer, Parties, party_book
from toolkit.model.records import Customer, MasterData
from toolkit.services.credit_notes import _not_found, issued_and_printed, note_total
from toolkit.services.intent_letters import letter_ceilings, letter_year, rates_known
from toolkit.services.invoicing import chronology_problems, new_run_id, refused_after_draft_runs, stranded_by

OUT_OF_SEQUENCE = define(
    "debit-date-out-of-sequence", "error",
    it="La nota di debito {number} sarebbe datata {day}, prima della {latest_number} del {latest_day} già emessa: "
       "nella serie {series} {year} i numeri seguono le date, quindi non è stato registrato nulla. Indica con --date "
       "un giorno dal {latest_day} in poi.",
    en="Debit note {number} would be dated {day}, before {latest_number} of {latest_day}, already issued: in "
       "series {series} {year} numbers follow dates, so nothing was stored. Give --date a day from {latest_day} on.")
HELD_BEFORE_NOTE = define(
    "debit-order-invoice-held", "error",
    it="L'ordine {number} del cliente {customer}, creato in anticipo, ha {what_it} ancora in attesa del suo giorno "
       "({day}), prima della data della nota di debito ({run_day}) nella stessa serie: emessa dopo la nota sarebbe "
       "datata prima (nella serie {series} {year} i numeri seguono le date) e ogni «toolkit orders create» e «toolkit "
       "ship» la rifiuterebbe, quindi non è stato registrato nulla. Emetti prima i documenti attesi con «toolkit "
       "orders create {workbook} --date {day}» (per un giorno già creato emette solo quelli), poi di nuovo la nota di "
       "debito; oppure datala {day}.",
    en="Order {number} of customer {customer}, created ahead, still has {what_en} waiting for its day ({day}), "
       "before the debit note's date ({run_day}) in the same series: issued after the note it would be dated "
       "before it (in series {series} {year} numbers follow dates) and every “toolkit orders create” and “toolkit "
       "ship” would refuse it, so nothing was stored. Issue the waiting documents first with “toolkit orders create "
       "{workbook} --date {day}” (for a day already created it issues only those), then the debit note again; or "
       "date it {day}.")

DEBITED_NOT_PRINTED = define(
    "debit-note-repeated-unprinted", "error",
    it="La fattura {invoice} ha già la nota di debito {note} del {day}, registrata e mai stampata (emessa senza "
       "--out, oppure da un comando fermato prima di scriverne il file): una seconda nota addebiterebbe il cliente "
       "due volte. "
       "Nulla è stato registrato. Stampala con: {command} — se serve davvero un'altra nota di debito, ripeti il "
       "comando aggiungendo --again.",
    en="Invoice {invoice} already has debit note {note} of {day}, recorded and never printed (issued without "
       "--out, or by a command stopped before writing its file): a second note would charge the customer twice. "
       "Nothing was stored. Print it with: {command} — if another debit note is really due, run the command again adding "
       "--again.",
    usage=True)


@dataclass(frozen=True)
class Debited:
    """What `debit` did: the debit note stored (None when refused), the file it was printed to,
    and the invoice's full number once found."""

    note: Invoice | None
    problems: list[Problem]
    printed: Path | None = None
    invoice: str | None = None

    def summary(self, lang: str) -> str:
        it = lang == "it"
        if self.note is None:
            return ("Nessuna nota di debito emessa: correggi i problemi indicati." if it
                    else "No debit note was issued: fix the problems listed.")
        total, day = note_total(self.note, lang), f"{self.note.invoice_date:%d/%m/%Y}"
        return (f"Emessa la nota di debito {self.note.number} del {day} su {self.invoice}: {total}."
                if it else f"Issued debit note {self.note.number} of {day} on {self.invoice}: {total}.")


def debit(ledger: Ledger, master: MasterData, number: str, amount: Decimal, rate: str | None, reason: str, day: date,
          today: date, *, out: Path | None = None, lang: str, workbook: Path | str = "WORKBOOK",
          again: bool = False, asked_in: AskedIn = AskedIn()) -> Debited:
    """Issue the debit note adding `amount` (without VAT) to invoice `number`, at its VAT rate
    (`rate` naming one when it has several), dated `day`, final; with `out`, print it there,
    unless `again` refused when a debit note on the invoice was recorded and never printed: a
    command killed after its commit leaves one, and the desk seeing no file runs it again.
    `asked_in` says where the invoice was named, the option or the panel's cell."""
    if amount_refused(amount):
        from toolkit.basics.limits import AMOUNT

        return Debited(None, [BAD_AMOUNT(None, typed=amount, **AMOUNT.params(amount))])
    return issued_and_printed(
        ledger, master, out, lang,
        lambda conn: _issue(conn, master, number, amount, rate, reason, day, today, str(workbook),
                            out if not again else None, asked_in, lang),
        lambda problems: Debited(None, problems))


def _issue(conn: Connection, master: MasterData, number: str, amount: Decimal, rate: str | None, reason: str,
           day: date, today: date, workbook: str, out: Path | None, asked_in: AskedIn, lang: str) -> Debited:
    found = of_kind(invoices_numbered(conn, number), is_note, False)
    if len(found) != 1:
        return Debited(None, [_not_found(number, found, asked_in)])
    [invoice] = load_invoices(conn, ids=[found[0].id])
    refused = refusals(invoice, day, today, workbook, asked_in.invoice)
    if not refused:
        line_ids, credited, notes, _ = credited_lines(conn, found[0].id)
        refused += filter(None, [credited_in_full(invoice, creditable(invoice, line_ids, credited), notes,
                                                  asked_in.invoice)])
    key = rate_of(invoice, rate)
    letters = letter_ceilings(conn, master)
    ceiling = letters.get(invoice.customer)
    customer = next((c for c in master.customers if c.code == (_recoded(master, invoice) or invoice.customer)), None)
    issued_to = invoice.parties.buyer if invoice.parties else None
    stands_in = _standing_in(issued_to, customer)
    cited = stands_in.intent_protocol if stands_in else issued_to.intent_protocol if issued_to else None
    if cited and (ceiling is None or letter_key(cited) != ceiling.letter):
        ceiling = next((x for x in letters.values() if x.letter == letter_key(cited)), None)
    protocol = cited or (ceiling.protocol if ceiling else None)
    goods, unrated, sold = _goods_rates(conn, master, invoice) if protocol else ([], [], [])
    chosen = typed_key(goods, rate) if goods and rate else None
    unknown = key if isinstance(key, Problem) else None
    if chosen is not None and unknown is not None:
        key = (Decimal(0), LETTER_OF_INTENT)
    if rate is None and unknown is not None and protocol:
        key = _revoked_rates(master, invoice, protocol, day, amount, goods, unrated) or key
    if isinstance(key, Problem):
        refused.append(key)
    if refused or isinstance(key, Problem):
        return Debited(None, refused, invoice=invoice.number)
    from toolkit.services.printing import UNPRINTED, quoted, unprinted_command

    assert invoice.id is not None
    earlier = unprinted_debit_notes(conn, invoice.id) if out is not None else []
    if earlier:
        kept = earlier[-1]
        command = unprinted_command(UNPRINTED["notes"], NeverPrinted(1, [kept], (kept.day, kept.day)), workbook,
                                    out or Path())
        return Debited(None, [DEBITED_NOT_PRINTED(None, invoice=invoice.number, note=kept.number,
                                                  day=f"{kept.day:%d/%m/%Y}", command=command)], invoice=invoice.number)
    within: list[Problem] = []
    if key[1] == LETTER_OF_INTENT and protocol:
        year = (ceiling.year if ceiling is not None and ceiling.year is not None
                else letter_year(conn, invoice.customer, protocol)) or invoice.invoice_date.year
        letter = _letter_date(master, invoice, protocol)
        year = max(year, letter.year) if letter is not None else year
        recoded = _recoded(master, invoice)
        beyond, told = (debit_before_letter(master, invoice.customer, protocol, letter, invoice.number or "?", amount,
                                            sold, chosen) if letter is not None else (None, None))
        if told is None:
            beyond, told = debit_past_year(master, invoice.customer, protocol, year, day, amount, goods,
                                           invoice.number or "?", chosen, unrated, recoded)
        if told is None:
            beyond, told = debit_after_end(master, invoice.customer, protocol, day, amount, goods,
                                           invoice.number or "?", chosen, unrated, recoded)
        if told is None:
            beyond, told = debit_former(master, invoice.customer, protocol, amount, goods, invoice.number or "?",
                                        chosen, unrated, recoded)
        if told is None and ceiling is not None:
            beyond, told = debit_within(master, ceiling, amount, goods, invoice.number or "?", chosen, unrated)
        refusal = told if told is not None and told.is_error else unknown if beyond is None else None
        if refusal is not None:
            return Debited(None, [refusal], invoice=invoice.number)
        key, within = beyond or key, [told] if told else []
    bore = ((issued_to.intent_protocol, issued_to.intent_date) if issued_to
            else (customer.intent_protocol, customer.intent_date) if customer else (None, None))
    if key[1] == LETTER_OF_INTENT and not all(bore) and stands_in is None:
        return Debited(None, [DEBIT_NOT_CITED(empty_cell(master, customer) if customer else None, invoice=invoice.number,
                                              customer=invoice.customer,
                                              missing=Missing(missing(customer) if customer else LETTER_FIELDS))],
                       invoice=invoice.number)
    made = debit_note(invoice, amount, key, day, reason, charge_stamp_duty=bool(master.settings.stamp_duty_customer),
                      excluded=excluded_months(customer))
    if key[1] == LETTER_OF_INTENT and stands_in is not None:
        made = replace(made, parties=_citing(master, made, invoice, stands_in))
    drafts = refused_after_draft_runs(conn, master.settings, [made], workbook, "la nota di debito", "the debit note")
    if drafts:
        return Debited(None, drafts, invoice=invoice.number)

    problems = within + (chronology_problems(conn, master.settings, [made], OUT_OF_SEQUENCE)
                + [HELD_BEFORE_NOTE(None, **x.stranding, workbook=quoted(workbook))
                   for x in stranded_by(conn, master, [made])])
    if errors(problems):
        return Debited(None, problems, invoice=invoice.number)
    [note] = store(conn, master, [made], InvoiceStatus.FINAL, new_run_id(day), lang=lang)
    return Debited(note, problems, invoice=invoice.number)


def _standing_in(kept: Buyer | None, row: Customer | None) -> Customer | None:
    """The *Clienti* row whose letter of intent a note at N3.5 cites in place of its invoice's:
    an invoice issued without its letter's protocol or date (a toolkit before the refusal,
    `core.letter_cited`), once the row gives both. A note follows its invoice's letter
    (`core.credit_notes.as_corrected`), but one that cites none is a sale without VAT the
    Agenzia cannot match; the row's letter is the one the desk says covered it, and the letter's
    rules (its date, its year, its amount) then decide as for any note under it."""
    if kept is None or (kept.intent_protocol and kept.intent_date) or row is None or missing(row):
        return None
    return row


def _revoked_rates(master: MasterData, invoice: Invoice, protocol: str, day: date, amount: Decimal,
                   goods: Sequence[RateKey], unrated: Sequence[str]) -> RateKey | Problem | None:
    """What a note without --rate dated from the letter's revocation on takes, on an invoice of
    several rates, N3.5 among them, which such a note can no longer take: N3.5, to go the
    letter's way to its goods' VAT with the warning (`debit_after_end`), when that VAT leaves the
    invoice one rate; else the refusal asking --rate among the rates it can take
    (`rates_beyond_letter`), or the one refusing the goods' rates. None before the revocation."""
    beyond, told = debit_after_end(master, invoice.customer, protocol, day, amount, goods, invoice.number or "?",
                                   None, unrated, _recoded(master, invoice))
    if beyond is None:
        return told if told is not None and told.is_error else None
    keys = rates_beyond_letter(invoice, beyond)
    return (Decimal(0), LETTER_OF_INTENT) if len(keys) == 1 else rate_needed(invoice, keys)


def _citing(master: MasterData, note: Invoice, invoice: Invoice, row: Customer) -> Parties:
    """The note's parties as its invoice's corrected ones are kept (`as_corrected`), citing the
    letter of `row` (`_standing_in`)."""
    issued = as_corrected(note.parties_in(party_book(master)), [(invoice.number or "", invoice.parties)]
                          if invoice.parties else [])
    assert issued.buyer is not None and row.intent_date is not None
    return replace(issued, buyer=replace(issued.buyer, intent_protocol=row.intent_protocol,
                                         intent_date=row.intent_date.isoformat(), intent_letters=None))


def _goods_sold(conn: Connection, invoice: Invoice, depth: int = 0) -> list[tuple[str, date, bool]]:
    """(item, day, invoiced at the order) of the invoice's N3.5 goods, by their delivery's day
    (the invoice's, for goods invoiced at the order); a debit note names no item, so its goods
    are those of the invoice it adds to (`Invoice.cites`), which a note on it adds to as well."""
    sold = [(x.item, x.delivery.day if x.delivery else invoice.invoice_date, x.delivery_line_id is None)
            for x in invoice.lines if x.vat_nature == LETTER_OF_INTENT and x.item]
    if sold or not invoice.cites or depth > 10:
        return sold
    return [good for x in load_invoices(conn, ids=[c.id for c in invoice.cites])
            for good in _goods_sold(conn, x, depth + 1)]


def _recoded(master: MasterData, invoice: Invoice) -> str | None:
    """The code the invoice's customer has on *Clienti* now, when its own left the sheet and its
    partita IVA is there under another (`recoded_as`): the row whose letter the desk corrects,
    and whose *Mesi esclusi* the note falls due by."""
    buyer = invoice.parties.buyer if invoice.parties else None
    if buyer is None or any(c.code == invoice.customer for c in master.customers):
        return None
    found = recoded_as(master, {invoice.customer: buyer}).get(invoice.customer)
    return found.code if found else None


def _letter_date(master: MasterData, invoice: Invoice, protocol: str) -> date | None:
    """The date of the letter the invoice cites: the one on *Clienti* while a row cites that
    protocol (a mistyped date corrected there since; the customer's own, or its re-coded row's),
    else the one the invoice kept."""
    row = citing_row(master, invoice.customer, protocol)
    if row is not None and letter_key(row.intent_protocol or "") == letter_key(protocol) and row.intent_date is not None:
        return row.intent_date
    kept = invoice.parties.buyer.intent_date if invoice.parties and invoice.parties.buyer else None
    return date.fromisoformat(kept) if kept else None


def _goods_rates(conn: Connection, master: MasterData, invoice: Invoice
                 ) -> tuple[list[RateKey], list[str], list[tuple[date, RateKey | None, str, bool]]]:
    """The rates of the invoice's N3.5 goods, at their item's VAT of their delivery's day (the
    invoice's, for goods invoiced at the order), as an invoice's line beyond the letter takes it
    (`item_rates`): by *Articoli*, else as the ledger's DDTs carried it (`rates_known`); the
    items neither gives a rate for; and each good's (day, rate, item, invoiced at the order). A
    variation follows the rate of the sale it corrects."""
    sold = _goods_sold(conn, invoice)
    rate = item_rates(master, rates_known(conn, master, ((item, day) for item, day, _ in sold)))
    keys = [(item, day, rate(item, day), at_order) for item, day, at_order in sold]
    return ([key for _, _, key, _ in keys if key is not None], [item for item, _, key, _ in keys if key is None],
            [(day, key, item, at_order) for item, day, key, at_order in keys])
