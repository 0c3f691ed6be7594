"""Confirming a quotation or proposal: it becomes a standard order that cites it, once.

The seed's quotation (*preventivo*) and proposal (*previsionale*) record a potential sale; when
the customer accepts, the desk makes the order from it. The order is a new document with its
own number, the quotation's lines and prices, due on the quotation's date and dated the day of
the confirmation; the quotation is closed, so it is never confirmed again (the ledger's unique
index on the citation guards that too, against two colleagues pressing at once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import IntegrityError

from toolkit.basics import dates
from toolkit.basics.problems import Problem, ProblemsFound, define
from toolkit.basics.vocab import DocumentType, InvoiceTerms
from toolkit.basics.vocab import label as vocab_label
from toolkit.core.einvoice.deadline import late_at_issue
from toolkit.core.invoicing import Invoice
from toolkit.core.letter_cited import uncited_sentence
from toolkit.core.orders import EFFECTS, STATUS_LABELS, OrderStatus
from toolkit.core.shipping import apart_told
from toolkit.ledger import Ledger
from toolkit.ledger.db import writing
from toolkit.ledger.orders import confirmation_of, insert_confirmation, set_status
from toolkit.model.parties import party_book
from toolkit.model.records import MasterData
from toolkit.services.copies_apart import apart
from toolkit.services.invoicing import ORDER_OUT_OF_SEQUENCE, invoice_orders_in, returns_refused_sentence
from toolkit.services.order_status import order_named

CONFIRMABLE = (DocumentType.QUOTATION, DocumentType.PROPOSAL)
OPEN = (OrderStatus.DRAFT, OrderStatus.IN_PROGRESS)
"""A quotation waiting for the customer: a draft, or one the desk set in progress."""

NOT_A_QUOTATION = define(
    "not-a-quotation", "error",
    it="L'ordine {number} è di tipo «{type_it}»: si confermano solo preventivi e previsionali.",
    en="Order {number} is of type “{type_en}”: only quotations and proposals are confirmed.")
ALREADY_CONFIRMED = define(
    "quotation-already-confirmed", "error",
    it="Il documento {number} è già stato confermato con l'ordine {order}: non si conferma due volte.",
    en="Document {number} was already confirmed as order {order}: it is not confirmed twice.")
QUOTATION_NOT_OPEN = define(
    "quotation-not-open", "error",
    it="Il documento {number} è «{status_it}»: non si può confermare.",
    en="Document {number} is “{status_en}”: it cannot be confirmed.")

QUOTATION_TURNED_DOWN = define(
    "quotation-not-accepted", "error",
    it="Il documento {number} è «Non accettato»: il cliente l'aveva rifiutato, quindi non è stato confermato. Se ora "
       "lo accetta, riportalo in «Bozza» (toolkit orders status {number} --to bozza) e confermalo.",
    en="Document {number} is “Not accepted”: the customer had turned it down, so it was not confirmed. If they accept "
       "it now, set it back to “Draft” (toolkit orders status {number} --to draft) and confirm it.")
CONFIRM_CUSTOMER_GONE = define(
    "confirm-customer-not-in-workbook", "error",
    it="Il documento {number} è del cliente {customer}, che non è più nel foglio Clienti: l'ordine si farebbe senza "
       "le sue condizioni (termini di fatturazione, pagamento, fido), quindi non è stato confermato e nulla è stato "
       "registrato. Rimetti il cliente nel foglio e conferma di nuovo, oppure annulla il documento.",
    en="Document {number} is of customer {customer}, who is no longer on the Customers sheet: the order would be "
       "made without their terms (invoicing, payment, credit limit), so it was not confirmed and nothing was "
       "stored. Put the customer back on the sheet and confirm again, or void the document.")
CONFIRM_ANOTHER_COMPANY = define(
    "confirm-customer-another-company", "error",
    title=("Cliente diverso da quello del preventivo: non confermato",
           "Another company than the quotation's: not confirmed"),
    it="Il documento {number} è stato fatto per il cliente {customer} {printed} (partita IVA o codice fiscale "
       "{printed_id}), ma in questa cartella di lavoro {customer} è {now} ({now_id}): un'altra ditta, quindi non è "
       "stato confermato (l'ordine, e la fattura immediata di un cliente Immediato, sarebbero andati a {now}) e nulla è "
       "stato registrato. Se la copia di un collega usa {customer} per un altro cliente, allineate le copie (ogni "
       "cliente con il suo codice in tutte) e conferma di nuovo. Se invece il cliente ha cambiato davvero partita IVA "
       "(una fusione, una nuova società) e questa copia ha già la nuova, il documento è della ditta di prima: fai un "
       "nuovo preventivo per la nuova ditta, oppure rimetti qui la partita IVA e la ragione sociale di prima per "
       "confermarlo a lei.",
    en="Document {number} was made for customer {customer} {printed} (VAT number or tax code {printed_id}), but in this "
       "workbook {customer} is {now} ({now_id}): another company, so it was not confirmed (the order, and an Immediato "
       "customer's immediate invoice, would have gone to {now}) and nothing was stored. If a colleague's copy uses "
       "{customer} for another customer, align the copies (each customer with its own code in all of them) and confirm "
       "again. If instead the customer really changed its VAT number (a merger, a new company) and this copy has the "
       "new one already, the document is the former company's: make a new quotation for the new company, or put the "
       "former VAT number and name back here to confirm it to the former one.")
CONFIRM_IN_FUTURE = define(
    "confirm-date-in-future", "error",
    it="La conferma di {number} sarebbe datata {day}, dopo oggi ({today}): un documento si conferma il giorno in cui "
       "il cliente accetta, e una fattura immediata datata nel futuro non si può inviare allo SDI né lascerebbe "
       "emettere le fatture di oggi. Nulla è stato registrato: indica con --date un giorno fino a oggi, oppure "
       "omettilo (oggi).",
    en="The confirmation of {number} would be dated {day}, after today ({today}): a document is confirmed on the day "
       "the customer accepts, and an immediate invoice dated in the future cannot go to SDI nor let today's invoices "
       "be issued. Nothing was stored: give --date a day up to today, or leave it out (today).")
CONFIRM_OUT_OF_SEQUENCE = define(
    "confirm-invoice-out-of-sequence", "error",
    it="La conferma di {quotation} del {day} emetterebbe la fattura immediata {number} del cliente {customer} datata "
       "prima della {latest_number} del {latest_day} già emessa (serie {series} {year}, dove i numeri seguono le "
       "date): nulla è stato registrato. Conferma con --date dal {latest_day} in poi.",
    en="Confirming {quotation} on {day} would issue immediate invoice {number} of customer {customer} dated before "
       "{latest_number} of {latest_day}, already issued (series {series} {year}, where numbers follow dates): "
       "nothing was stored. Confirm with --date from {latest_day} on.")


@dataclass(frozen=True, slots=True)
class Confirmed:
    quotation: str
    order: str | None
    """The standard order made, None when nothing was."""
    invoices: list[Invoice] = field(default_factory=list)
    """The immediate invoice of a customer invoiced at once (*Immediato*), as `orders create` issues."""
    problems: list[Problem] = field(default_factory=list)
    """Why nothing was made; beside an order made, a return left out of what it credits at once
    (`invoice_orders_in`: its goods credited already, or beyond a volume discount's share) and
    month end's warnings, and the lines its invoice rated again for its day."""

    def summary(self, lang: str) -> str:
        """The closing sentence of a confirmation that left a return out, in `orders create`'s
        words (`returns_refused_sentence`); empty otherwise."""
        said = returns_refused_sentence(self.problems, lang) + uncited_sentence(self.problems, lang)
        return said.strip() if self.order is not None else ""


def confirm(master: MasterData, ledger: Ledger, number: str, day: date, *, lang: str) -> Confirmed:
    """Make the standard order of a quotation or proposal on `day` and close the quotation; the
    order and an invoice issued with it keep `lang`, the run's language.

    A return among what a customer invoiced at once (*Immediato*) would credit is left out as
    `orders create` leaves it (`invoice_orders_in`): the order is made and the quotation closed,
    the return's credit note is not issued and its error is among the problems. Refusing would
    leave the desk with no fix, since a quotation's lines cannot be changed: made, the order's
    returned lines wait, named again at month end, until the desk closes them
    (`toolkit returns no-credit`) or something is left to credit."""
    try:
        try:
            return _confirm(master, ledger, number, day, lang)
        except IntegrityError:
            return _confirm(master, ledger, number, day, lang)
    except ProblemsFound as refused:
        return Confirmed(number, None, problems=[_in_confirmation_words(p) for p in refused.problems])


def _in_confirmation_words(problem: Problem) -> Problem:
    """Invoicing at once words a date out of sequence for `orders create` (a template to leave
    out with --exclude); a confirmation has no template, only its date to move."""
    if problem.code != ORDER_OUT_OF_SEQUENCE.code:
        return problem
    params = dict(problem.params)
    params.pop("templates", None)
    params.pop("these", None)
    params.pop("draft", None)
    return CONFIRM_OUT_OF_SEQUENCE(None, quotation=params.pop("template"), **params)


def _confirm(master: MasterData, ledger: Ledger, number: str, day: date, lang: str) -> Confirmed:
    with writing(ledger) as conn:
        quotation = order_named(conn, number)
        if isinstance(quotation, Problem):
            return Confirmed(number, None, problems=[quotation])
        if day > (today := dates.today_rome()):
            return Confirmed(quotation.number, None, problems=[CONFIRM_IN_FUTURE(None, number=quotation.number,
                                                                                  day=day, today=today)])
        if quotation.document_type not in CONFIRMABLE:
            return Confirmed(quotation.number, None, problems=[NOT_A_QUOTATION(
                None, number=quotation.number, type_it=vocab_label(quotation.document_type, "it"),
                type_en=vocab_label(quotation.document_type, "en"))])
        made = confirmation_of(conn, quotation)
        if made is not None:
            return Confirmed(quotation.number, None, problems=[ALREADY_CONFIRMED(None, number=quotation.number,
                                                                                  order=made)])
        if quotation.status is OrderStatus.NOT_ACCEPTED:
            return Confirmed(quotation.number, None, problems=[QUOTATION_TURNED_DOWN(None, number=quotation.number)])
        if quotation.status not in OPEN:
            it, en = STATUS_LABELS[quotation.status]
            return Confirmed(quotation.number, None, problems=[QUOTATION_NOT_OPEN(
                None, number=quotation.number, status_it=it, status_en=en)])
        if not any(c.code == quotation.customer for c in master.customers):
            return Confirmed(quotation.number, None, problems=[CONFIRM_CUSTOMER_GONE(
                None, number=quotation.number, customer=quotation.customer)])
        book = party_book(master)
        if (both := apart(quotation.parties, book)) is not None:
            return Confirmed(quotation.number, None, problems=[apart_told(
                CONFIRM_ANOTHER_COMPANY, master, *both, number=quotation.number)])
        standard = EFFECTS[DocumentType.STANDARD]
        order_id, order = insert_confirmation(conn, quotation, day, master.settings.order_series, standard.status,
                                              DocumentType.STANDARD, book, lang=lang)
        set_status(conn, quotation, OrderStatus.CLOSED, "closed")
        immediate = {c.code for c in master.customers if c.invoice_terms is InvoiceTerms.IMMEDIATE}
        invoices, left_out, rated = invoice_orders_in(conn, master, [order_id], day, lang=lang) \
            if quotation.customer in immediate else ([], [], [])
    return Confirmed(quotation.number, order, invoices, [*rated, *left_out, *late_at_issue(invoices, today)])
