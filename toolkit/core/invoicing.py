"""Which shipped lines become which invoices: the pure core of month-end invoicing.

The customer's invoice terms (termini di fatturazione, from the Openbravo seed) decide when a
line may be invoiced; the customer's grouping decides which lines share an invoice, and lines
of orders paid differently (a template's own payment method) never share one, since an invoice
states one payment method and one set of dues (the terms are the customer's, but cash on delivery
falls due at delivery, `terms_of`):

- after-delivery (dopo la consegna): whatever has been delivered, at every run;
- after-order-delivered (dopo aver evaso l'ordine): only lines of orders delivered in full;
- customer-schedule (schedulazione del cliente): by the customer's calendar, weekly,
  fortnightly (1–15, 16–end) or monthly, and only periods that have ended;
- do-not-invoice (non fatturare): held until the customer gives the go-ahead (`released`);
- immediate (immediato): at the order, shipped or not, from the order lines themselves.

A deferred invoice (fattura differita) cites the DDTs it covers and may only gather the
deliveries of one calendar month, to be issued by the 15th of the following month: so every
period is cut at the month's end, and a later issue is reported. Returns (negative quantities)
go to a credit note (nota di credito) of their own. Amounts follow `toolkit.core.vat`, dues
`toolkit.core.payment_terms`: counted from the invoice's date, or on each delivery's day for
terms paid at delivery (`CONSEGNA`, and every invoice paid cash on delivery). Nothing here
touches the ledger or files.

Dates, so that numbers follow them (numbering is progressive in time within a series and
year, and the ledger refuses a run that would break it):

- an immediate invoice is issued with its order (`order_invoices`), dated the order's date;
  order lines of immediate customers a run still finds (an older ledger, terms changed since)
  are dated the run's day, never back at the order's;
- a run's deferred invoices and credit notes all carry one date (`deferred_invoice_day`): the
  user's `--date`, else what *Impostazioni › Data fattura differita* says — *fine mese* (the
  default), the last day of the month invoiced, or *emissione*, the day of the run. Either is
  lawful when the run is done by the 15th; month end is the default because it keeps each
  month's deliveries in that month's VAT register, as accountants expect. A run before the
  month's end is dated its own day: no invoice is dated in the future;
- a run's invoices are numbered in date order (`numbering_order`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

from dateutil.relativedelta import relativedelta

from toolkit.basics import labels, tax_regimes
from toolkit.basics.bulk_records import maker
from toolkit.basics.cells import Location
from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import (
    DeferredInvoiceDate,
    InvoiceGrouping,
    InvoiceSchedule,
    InvoiceTerms,
    PaymentMethod,
)
from toolkit.basics.wording import DDTS, Agreed, Counted, Listed, first_numbers, shown
from toolkit.core import payment_terms, stamp_duty
from toolkit.core.intent_ceiling import LETTER_OF_INTENT, Ceiling, item_rates, kept_within
from toolkit.core.letter_cited import Uncited, uncited
from toolkit.core.letter_dates import Early, before_letter
from toolkit.core.lines import DocumentLine
from toolkit.core.shipping import SERVICES_SERIES
from toolkit.core.vat import VatLine, total_with_vat, totals, vat_summary
from toolkit.model.parties import Buyer, Parties, PartyBook
from toolkit.model.records import Customer, MasterData

ZERO = Decimal(0)
Quantity = TypeVar("Quantity", Decimal, int)

DATE_IN_FUTURE = define(
    "invoice-date-in-future", "error",
    it="La data fattura {day} è successiva a oggi ({today}): il Sistema di Interscambio la rifiuterebbe. "
       "Indica una data non futura con --date.",
    en="Invoice date {day} is after today ({today}): the exchange system would reject it. "
       "Give a date that is not in the future with --date.")
DATE_BEFORE_MONTH = define(
    "invoice-date-before-month", "error",
    it="La data fattura {day} è prima del mese da fatturare ({month}): usa una data dal {start} in poi.",
    en="Invoice date {day} is before the month to invoice ({month}): use a date from {start} on.",
    usage=True)
MONTH_NOT_BEGUN = define(
    "invoice-month-not-begun", "error",
    it="Il mese da fatturare, {month}, non è ancora cominciato (oggi è il {today}): le sue consegne non ci sono "
       "ancora, e l'emissione fatturerebbe quelle del mese in corso con la data di oggi, prima del mese che dice. "
       "Nulla è stato registrato: per il mese in corso usa --month {current}.",
    en="The month to invoice, {month}, has not begun (today is {today}): its deliveries are not there yet, and the "
       "run would invoice the current month's with today's date, before the month it names. Nothing was stored: "
       "for the current month use --month {current}.",
    usage=True)
CREDIT_DATE_BEFORE_RUN = define(
    "invoice-credit-date-before-run", "error",
    it="La data delle note di credito {day} è prima della data delle fatture dell'emissione ({run_day}): una nota "
       "di credito per un reso si data dalle fatture in poi. Usa con --credit-date una data dal {run_day} in poi.",
    en="Credit note date {day} is before the run's invoice date ({run_day}): a return's credit note is dated from "
       "the invoices on. Give --credit-date a date from {run_day} on.",
    usage=True)
CREDIT_DATE_IN_FUTURE = define(
    "invoice-credit-date-in-future", "error",
    it="La data delle note di credito {day} è successiva a oggi ({today}): il Sistema di Interscambio la "
       "rifiuterebbe. Indica con --credit-date una data non futura.",
    en="Credit note date {day} is after today ({today}): the exchange system would reject it. Give --credit-date "
       "a date that is not in the future.")
UNKNOWN_CUSTOMER = define(
    "invoice-unknown-customer", "error",
    it="Il cliente {customer}{name} non è più nel foglio Clienti ma ha {waiting} da fatturare ({ddts}): resta fuori da "
       "questa fatturazione, gli altri clienti no.{recoded} Rimetti la sua riga in Clienti finché i suoi DDT non sono "
       "fatturati (la fattura prende da lì termini di pagamento, IVA, codice SDI e raggruppamento), poi fattura di "
       "nuovo il mese: si aggiungono solo le sue fatture.",
    en="Customer {customer}{name} is no longer on the Customers sheet but has {waiting} to invoice ({ddts}): it is left "
       "out of this run, the other customers are not.{recoded} Put its row back on the Customers sheet until its DDTs are "
       "invoiced (the invoice takes payment terms, VAT, SDI code and grouping from it), then invoice the month "
       "again: only its invoices are added.")
UNKNOWN_FILTER = define(
    "invoice-unknown-customer-option", "error",
    it="Il cliente {customer} indicato in {option} non esiste nel foglio Clienti: controlla il codice.",
    en="Customer {customer} given to {option} is not on the Customers sheet: check the code.")
RELEASE_NOT_HELD = define(
    "invoice-release-not-held", "warning",
    title=("Cliente in --release non trattenuto", "Customer in --release not held"),
    it="Il cliente {customer} indicato in --release non è «Non fatturare»: le sue fatture seguono già i suoi termini.",
    en="Customer {customer} given to --release is not “Do not invoice”: it is invoiced by its own terms anyway.")
HELD = define(
    "invoice-held", "warning",
    title=("Cliente “Non fatturare” con consegne da fatturare", "‘Do not invoice’ customer with deliveries to invoice"),
    it="Il cliente {customer} ha {lines} ma è «Non fatturare»: "
       "quando dà il via libera, fattura con toolkit invoice e --release {customer}.",
    en="Customer {customer} has {lines} but is “Do not invoice”: "
       "when they give the go-ahead, invoice with toolkit invoice and --release {customer}.")
WAITING_PAST_DEADLINE = define(
    "order-not-delivered-deferred-deadline", "warning",
    title=("Consegne in attesa dell'ordine evaso, con la scadenza della fattura differita",
           "Deliveries waiting for their order to be complete, with the deferred invoice's deadline"),
    it="Il cliente {customer} si fattura dopo l'evasione completa dell'ordine, e {lines} {wait} "
       "ordini non ancora evasi del tutto ({orders}); ma la fattura differita va emessa entro il 15 del mese dopo il "
       "DDT: per il {ddt} del {day} entro il {deadline}. {then} le righe già spedite con toolkit invoice --orders e "
       "i loro numeri.",
    en="Customer {customer} is invoiced once the order is complete, and {lines} {wait} for orders not "
       "yet complete ({orders}); but the deferred invoice is due by the 15th of the month after the DDT: for "
       "{ddt} of {day} by {deadline}. {then} the shipped lines with toolkit invoice --orders and their numbers.")
LATE = define(
    "late-deferred-invoice", "warning",
    title=("Fattura differita emessa oltre il 15 del mese dopo",
           "Deferred invoice issued after the 15th of the next month"),
    it="Le fatture differite delle consegne di {month} ({customers}) sono emesse il {issued}, oltre il termine "
       "del {deadline} (il 15 del mese successivo).",
    en="The deferred invoices for {month}'s deliveries ({customers}) are issued on {issued}, after the "
       "deadline of {deadline} (the 15th of the following month).")

EARLIER_MONTH = define(
    "invoice-month-takes-previous-month", "warning",
    title=("Il mese da fatturare prende i DDT del mese prima", "The month to invoice takes the previous month's DDTs"),
    it="L'emissione di {month} fattura anche {ddts} di {previous} non ancora fatturati ({numbers}), con la data del "
       "{day} e nel registro di {month}. Se volevi chiudere {previous}, fatturalo con --month {option} entro il "
       "{deadline} (se non era un'anteprima, annulla prima questa emissione: toolkit invoice undo).",
    en="The run of {month} also invoices {ddts} of {previous} not invoiced yet ({numbers}), dated {day} and in "
       "{month}'s register. If you meant to close {previous}, invoice it with --month {option} by {deadline} (unless "
       "this was a preview, undo this run first: toolkit invoice undo).")


VAT_UNDER_REGIME = define(
    "invoice-vat-under-regime", "error",
    it="Il cliente {customer} ha {lines} da fatturare con IVA o con una natura che il regime non usa ({orders}), "
       "ma il Regime fiscale di Impostazioni è {regime}, {name}, che non addebita IVA: le righe hanno l'aliquota "
       "e la natura con cui sono partite (fatturate all'ordine, quelle dell'ordine) e non vengono ricalcolate, "
       "quindi le sue fatture non sono state emesse. Se quelle vendite "
       "sono di prima del cambio di regime, fatturale col regime di allora (correggi il Regime "
       "fiscale, fattura, poi rimettilo); altrimenti annulla quegli ordini («toolkit orders status NUMERO "
       "--to Annullato») e, dopo aver scritto negli articoli aliquota 0 e natura {nature}, rifalli come moduli "
       "d'ordine (toolkit convert --to ordini): il modello non ricrea un ordine annullato.",
    en="Customer {customer} has {lines} to invoice with VAT or a nature the regime does not use ({orders}), but "
       "the Tax regime in Settings is {regime}, {name}, which charges no VAT: the lines keep the rate and nature "
       "they shipped with (invoiced at the order, the order's) and are not rated again, "
       "so its invoices were not issued. If those sales were "
       "made before the regime changed, invoice them under the regime of then (correct the Tax regime, invoice, "
       "then set it back); otherwise void those orders (“toolkit orders status NUMBER --to "
       "voided”) and, after writing 0 VAT rate and nature {nature} on the items, make them again as order forms "
       "(toolkit convert --to orders): the template does not make a voided order again.")


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit-note"


DEBIT_NOTE = "debit-note"
"""A debit note's kind where documents are listed (`Invoice.kind_listed`, the JSON, payments):
stored as an invoice, it is numbered and due as one, but a desk or an accounting program
reading a list tells it from the invoice it adds to."""


def listed_kind(kind: str, reason: str | None) -> str:
    """The kind a list of documents names, `invoice`, `credit-note` or `debit-note`, from what a
    document and its ledger row both hold: a debit note (`toolkit invoice debit`) is stored as an
    invoice, the only one with a reason, its causale (`Invoice.reason`), as otherwise only a
    credit note has. One rule for `Invoice.debit_note` and the payments' rows read without
    their citations (`toolkit.ledger.payments.receivables`).

    >>> listed_kind("invoice", "Trasporto non fatturato"), listed_kind("invoice", None), listed_kind("credit-note", "Reso")
    ('debit-note', 'invoice', 'credit-note')
    """
    return DEBIT_NOTE if kind == InvoiceKind.INVOICE.value and reason is not None else kind


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    """Numbered but still undoable, as long as it is the latest run of its series."""
    FINAL = "final"


def drafts_left_out(numbers: Sequence[str]) -> dict[str, object]:
    """The parameters of a message naming the draft invoices a settlement leaves out (commissions,
    volume discounts): how many, the first five numbers, and the words agreeing with the count
    (*1 fattura … è in bozza e non conta: rendila definitiva*).

    >>> one = drafts_left_out(["FT-2026-00001"])
    >>> [one[k].shown("it") for k in ("count", "are", "finalize")], one["numbers"]
    (['1 fattura', 'è in bozza e non conta', 'rendila definitiva'], 'FT-2026-00001')
    """
    n = len(numbers)
    return {"count": Counted(n, ("fattura", "fatture"), ("invoice", "invoices")),
            "are": Agreed(n, ("è in bozza e non conta", "sono in bozza e non contano"),
                          ("is a draft and does not count", "are drafts and do not count")),
            "finalize": Agreed(n, ("rendila definitiva", "rendile definitive"), ("finalize it", "finalize them")),
            "numbers": first_numbers(numbers)}


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class DeliveryRef:
    """A DDT (documento di trasporto) as an invoice cites it: number and date."""

    id: int
    number: str
    day: date
    accounting_day: date | None = None
    """The DDT's accounting date (data contabile) when the ledger says it; None: its date."""

    @property
    def services(self) -> bool:
        """A record of services rendered (`SERVICES_SERIES`), not a DDT: the invoice bills it
        deferred as a DDT but cites its order, not it (no DatiDDT)."""
        return self.number.startswith(SERVICES_SERIES + "-")


@dataclass(frozen=True, slots=True)
class Billable(DocumentLine):
    """Something that may be invoiced: a DDT line not invoiced yet, or, for immediate
    invoicing, what of an order line is not invoiced yet (then `delivery` is None). Its
    quantity and amount are what the invoice line will say."""

    order_line_id: int
    delivery_line_id: int | None
    delivery: DeliveryRef | None
    order_id: int
    order_number: str
    order_date: date
    customer: str
    ship_to: str | None
    project: str | None
    payment_method: PaymentMethod | None = None
    """The order's own payment method; None: the customer's."""
    customer_reference: str | None = None
    """The order's customer reference (their purchase-order number)."""

    @property
    def day(self) -> date:
        """The day that decides the period: the DDT's date, or the order's."""
        return self.delivery.day if self.delivery else self.order_date


BillableGoods = tuple[str, str, str, Decimal, Decimal, Decimal, Decimal, "str | None", int, "int | None"]
"""One line of a `Shipment`: item, description, unit, quantity, unit price, amount, VAT rate,
nature, order line id, DDT line id (None for an order line invoiced at the order)."""


@dataclass(frozen=True, slots=True)
class Shipment:
    """The billable lines of one order on one DDT (or, for immediate invoicing, of one order):
    what a month-end run places as one, since every rule that decides where a line goes (its
    customer's terms, its day, its order, project, destination and payment method) is the same
    for all of them. A month has a million lines but a few hundred thousand of these, and the
    lines stay plain tuples (`BillableGoods`) until they become invoice lines."""

    delivery: DeliveryRef | None
    order_id: int
    order_number: str
    order_date: date
    customer: str
    ship_to: str | None
    project: str | None
    payment_method: PaymentMethod | None
    customer_reference: str | None
    lines: tuple[BillableGoods, ...]

    @property
    def day(self) -> date:
        """The day that decides the period: the DDT's date, or the order's."""
        return self.delivery.day if self.delivery else self.order_date


def shipments_of(billables: Iterable[Billable]) -> list[Shipment]:
    """Billable records as one-line shipments, in their order: `plan` over records is
    `plan_invoices` over these."""
    return [Shipment(b.delivery, b.order_id, b.order_number, b.order_date, b.customer, b.ship_to, b.project,
                     b.payment_method, b.customer_reference,
                     ((b.item, b.description, b.unit, b.quantity, b.unit_price, b.amount, b.vat_rate, b.vat_nature,
                       b.order_line_id, b.delivery_line_id),))
            for b in billables]


@dataclass(frozen=True, slots=True)
class InvoiceLine(DocumentLine):
    """A line of an invoice or credit note (its quantity and amount negative, as in the ledger).

    A line with no order line is the stamp duty charged to the customer (`toolkit.core.stamp_duty`),
    a volume discount's line, or a credit note's line taking back an invoice's line
    (`credits_line_id`; `toolkit.core.volume_discounts.is_goods` and `is_rebate` tell them
    apart); its order number is empty."""

    line_no: int
    order_line_id: int | None
    delivery_line_id: int | None
    delivery: DeliveryRef | None
    order_number: str
    customer_reference: str | None = None
    """The order's customer reference (their purchase-order number): DatiOrdineAcquisto."""
    credits_line_id: int | None = None
    """The invoice line a credit note's line takes back (`toolkit invoice credit`): such a line
    cites no order or DDT line, so its goods stay invoiced once."""

    @property
    def charged_stamp_duty(self) -> bool:
        return self.order_line_id is None and self.credits_line_id is None


_invoice_line = maker(InvoiceLine)
"""`InvoiceLine(...)` with every field given, made through its slots (`basics.bulk_records`):
a month's run makes hundreds of thousands."""


@dataclass(frozen=True, slots=True)
class Instalment:
    """One due date (scadenza) and the amount due then."""

    due_date: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class CitedInvoice:
    """An invoice a credit note reduces (DatiFattureCollegate), as the ledger records it: a
    volume discount's credit note cites each invoice its discount was counted on, with the base
    taken from it."""

    id: int
    number: str
    day: date
    base: Decimal


@dataclass(frozen=True, slots=True)
class Invoice:
    """A sales invoice (fattura) or credit note (nota di credito).

    Planned invoices have no id, number, status or run; the ledger fills them in when it
    stores them. Amounts of credit notes are negative, so sums over a register net out.
    """

    kind: InvoiceKind
    customer: str
    group_key: str | None
    period: Period
    invoice_date: date
    lines: tuple[InvoiceLine, ...]
    summary: tuple[VatLine, ...]
    taxable: Decimal
    vat: Decimal
    total: Decimal
    payment_method: PaymentMethod
    payment_terms: str
    dues: tuple[Instalment, ...]
    id: int | None = None
    number: str | None = None
    status: InvoiceStatus | None = None
    run_id: str | None = None
    cites: tuple[CitedInvoice, ...] = ()
    """The invoices a credit note reduces, when the ledger records them (volume discounts,
    `toolkit invoice credit`, returns of goods an invoice sold)."""
    parties: Parties | None = None
    """The seller, buyer and destination as the invoice printed them, kept by the ledger when
    it stores it; None for a planned invoice and one of a ledger made before they were kept."""
    reason: str | None = None
    """Why a credit note issued against an invoice was issued (`toolkit invoice credit --reason`),
    or a debit note (`toolkit invoice debit --reason`): the one invoice with a reason (`listed_kind`)."""
    split_payment: bool = False
    """Split payment (*scissione dei pagamenti*, art. 17-ter DPR 633/72): the customer, a public
    administration, pays the VAT to the State, so the dues are the total less the VAT. The
    ledger reads it back from the buyer the invoice printed (`Buyer.split_payment`)."""
    lang: str | None = None
    """The language it was issued in, which its reprints speak (`Order.lang`); None for a planned
    invoice and one stored before the ledger kept it (schema 46)."""

    @property
    def payable(self) -> Decimal:
        """What the customer pays: the total, less the VAT under split payment."""
        return self.total - self.vat if self.split_payment else self.total

    @property
    def ship_to(self) -> str | None:
        """The destination the invoice gathers, when it is grouped by shipping address."""
        kind, _, value = (self.group_key or "").partition(":")
        return value or None if kind == "ship-to" else None

    def parties_in(self, book: PartyBook) -> Parties:
        """The parties as issued, else (an invoice of an older ledger) as the master says today."""
        return self.parties or book.parties(self.customer, self.ship_to)

    @property
    def deliveries(self) -> tuple[DeliveryRef, ...]:
        """Every DDT the invoice covers, in date and number order."""
        found = {line.delivery for line in self.lines if line.delivery is not None}
        return tuple(sorted(found, key=lambda d: (d.day, d.number)))

    @property
    def debit_note(self) -> bool:
        """A nota di debito (TD05, `toolkit invoice debit`): an invoice with a reason, which also
        cites the invoice it adds to (`toolkit.core.debit_notes`, `listed_kind`)."""
        return self.kind_listed == DEBIT_NOTE

    @property
    def kind_listed(self) -> str:
        """The kind a list of documents names: `invoice`, `credit-note`, or `debit-note` (`listed_kind`)."""
        return listed_kind(self.kind.value, self.reason)

    @property
    def deferred(self) -> bool:
        """A fattura differita (art. 21 c. 4 lett. a DPR 633/72): an invoice dated after a DDT,
        or services rendered, that it bills, as month end's is. One dated as every delivery it
        bills (`ship --invoice`) travels with the goods: an immediate invoice, citing its DDT."""
        return self.kind is InvoiceKind.INVOICE and any(d.day < self.invoice_date for d in self.deliveries)

    @property
    def deadline(self) -> date | None:
        """The 15th of the month after the deliveries, for a deferred invoice."""
        if self.kind is not InvoiceKind.INVOICE:
            return None
        last = max((line.delivery.day for line in self.lines if line.delivery is not None), default=None)
        return None if last is None else deadline_for(last)


def splits_payment(issued: Parties | None) -> bool:
    """Whether an invoice the ledger kept bore split payment: as its buyer was printed (an
    invoice of a ledger made before the setting never did)."""
    return issued is not None and issued.buyer is not None and issued.buyer.split_payment


def as_stated(invoice: Invoice) -> Invoice:
    """The invoice as the documents the customer receives state it: a credit note's quantities,
    amounts and totals positive under its title, as Italian practice and the FatturaPA's TD04
    want. The ledger, the register and the sums over them keep them negative, so they net out;
    only what is printed or sent turns them round, here and nowhere else."""
    if invoice.kind is not InvoiceKind.CREDIT_NOTE:
        return invoice
    return replace(
        invoice,
        lines=tuple(replace(line, quantity=-line.quantity, amount=-line.amount) for line in invoice.lines),
        summary=tuple(replace(s, taxable=-s.taxable, vat=-s.vat) for s in invoice.summary),
        taxable=-invoice.taxable, vat=-invoice.vat, total=-invoice.total,
        dues=tuple(replace(due, amount=-due.amount) for due in invoice.dues))


@dataclass(frozen=True, slots=True)
class Request:
    """What the user asked to invoice: `toolkit invoice … --month --date --customer --release`."""

    month: Period
    today: date
    invoice_date: date | None = None
    """`--date`; None: the date `deferred_invoice_day` gives."""
    customer: str | None = None
    released: frozenset[str] = frozenset()
    deferred_date: DeferredInvoiceDate | None = None
    """None: as the settings say (*Impostazioni › Data fattura differita*)."""
    credit_date: date | None = None
    """`--credit-date`: the date of the run's credit notes for returns, on or after its invoices'
    (a note may be issued any day after the goods came back); None: the invoices' date."""
    orders: frozenset[int] | None = None
    """`--orders`: only these orders' shipped lines, invoiced now whatever the customer's
    calendar (the period open, the order not delivered in full): the user asked for them.
    None: every order, each line when its customer's terms say."""
    with_goods: bool = False
    """The invoices travel with the DDTs (`ship --invoice`), issued by the time they are printed:
    what they add beyond the goods (the stamp duty) goes on the DDTs' day's due, which the DDT
    asks. False: a run after the DDTs left, which states it as a due of its own
    (`payment_terms.at_delivery`), even when dated the day of its last DDT."""

    @property
    def limit(self) -> date:
        """Periods ending after this day have not ended yet."""
        return self.invoice_date or self.today

    @property
    def cutoff(self) -> date:
        """The last delivery (or order) day a run looks at."""
        return min(self.month.end, self.limit)


@dataclass(frozen=True, slots=True)
class Pending:
    """Lines a run left for later, and why: the period is still open, the order is not
    delivered in full, or the customer is on hold."""

    customer: str
    reason: str
    lines: int


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A customer no longer on the Customers sheet whose DDTs wait to be invoiced. The run
    invoices everyone else and leaves these for a run after the row is back: an invoice takes
    its payment terms, VAT treatment, SDI code and grouping from the row, which the DDTs' kept
    parties (`model.parties`) do not hold. `name` is the customer's as its latest DDT printed
    it; None for DDTs of a ledger from before they kept their parties."""

    customer: str
    name: str | None
    deliveries: tuple[DeliveryRef, ...]
    """In date and number order."""
    lines: int
    recoded: Recoded | None = None
    """Its partita IVA now under another code on the sheet, if so."""

    @property
    def problem(self) -> Problem:
        """The error that names the customer, its DDTs and the fix."""
        return UNKNOWN_CUSTOMER(None, customer=self.customer, name=f" ({self.name})" if self.name else "",
                                waiting=_Waiting(any(d.services for d in self.deliveries)),
                                ddts=tuple(d.number for d in self.deliveries),
                                recoded=self.recoded or Recoded("", "", ""))


@dataclass(frozen=True, slots=True)
class Recoded:
    """A customer taken off the sheet whose partita IVA (or codice fiscale) is on it again under
    another code: put back as C102, its DDTs still C002's wait for a row C002, and the run's
    message named only C002, so the desk, seeing the customer on the sheet, was lost.

    >>> Recoded("C002", "C102", "01234560157").shown("it")
    ' La sua partita IVA 01234560157 ora è nel foglio come cliente C102: i DDT restano di C002, e C102 non li fattura.'
    >>> Recoded("C002", "C102", "RSSMRA80A01H501U", tax_code=True).shown("en")[:59]
    ' Its codice fiscale RSSMRA80A01H501U is now on the sheet as'
    >>> Recoded("", "", "").shown("it")
    ''
    """

    former: str
    code: str
    vat: str
    tax_code: bool = False
    """`vat` is its codice fiscale: it has no partita IVA (a private person)."""

    def shown(self, lang: str) -> str:
        if not self.code:
            return ""
        if lang == "en":
            return (f" Its {'codice fiscale' if self.tax_code else 'partita IVA'} {self.vat} is now on the sheet as "
                    f"customer {self.code}: the DDTs stay {self.former}'s, and {self.code} does not invoice them.")
        return (f" {'Il suo codice fiscale' if self.tax_code else 'La sua partita IVA'} {self.vat} ora è nel foglio "
                f"come cliente {self.code}: i DDT restano di {self.former}, e {self.code} non li fattura.")


def recoded_as(master: MasterData, former: Mapping[str, Buyer]) -> dict[str, Recoded]:
    """The customers no longer on the sheet (`former`, as their DDTs printed them) whose partita
    IVA, or codice fiscale without one, one row of the sheet alone has under another code. Rows
    may share a partita IVA on purpose (a company's two destinations, the companies of a Gruppo
    IVA): then none of them is named, as any might be the wrong one, unless one alone states the
    codice fiscale the DDTs printed; and a row stating another is another company of the group."""
    if not former:
        return {}
    by_id: dict[str, dict[str, Customer]] = defaultdict(dict)
    for customer in master.customers:
        for found in (customer.vat_number, customer.tax_code):
            if found:
                by_id[_id_key(found)][customer.code] = customer
    recoded: dict[str, Recoded] = {}
    for code, buyer in former.items():
        said = buyer.vat_number or buyer.tax_code
        if not said:
            continue
        tax = _id_key(buyer.tax_code) if buyer.tax_code else None
        rows = [c for c in by_id.get(_id_key(said), {}).values()
                if tax is None or c.tax_code is None or _id_key(c.tax_code) == tax]
        rows = [c for c in rows if c.tax_code is not None and _id_key(c.tax_code) == tax] or rows
        if len(rows) == 1 and rows[0].code != code:
            recoded[code] = Recoded(code, rows[0].code, said, tax_code=not buyer.vat_number)
    return recoded


def _id_key(number: str) -> str:
    """A partita IVA or codice fiscale as two rows would match it: no blanks, capitals."""
    return "".join(number.split()).upper()


@dataclass(frozen=True, slots=True)
class ChargedVat:
    """A customer whose invoices would charge VAT under a regime that charges none
    (`tax_regimes.WITHOUT_VAT`: RF19, RF02). Order lines take their VAT rate when the order is
    created, so orders made while the items had 22 % and invoiced after the desk switched regime
    would be invoiced with VAT, and the e-invoice would declare RF19 beside it: a contradiction
    SDI does not catch and the law forbids. The lines are not rated again (whether they were
    sold before the switch is the desk's to say): the customer is left out as a `LeftOut` one
    is, everyone else invoiced. Credit notes are not checked: one taking back goods invoiced
    with VAT before the switch credits that VAT."""

    customer: str
    regime: str
    orders: tuple[str, ...]
    """The orders whose lines charge VAT, in number order."""
    lines: int

    @property
    def problem(self) -> Problem:
        return VAT_UNDER_REGIME(None, customer=self.customer, regime=self.regime,
                                name=tax_regimes.REGIMES[self.regime], nature=tax_regimes.WITHOUT_VAT[self.regime],
                                lines=Counted(self.lines, ("riga", "righe"), ("line", "lines")),
                                orders=_Orders(self.orders))


@dataclass(frozen=True, slots=True)
class _Orders:
    """The orders a message names: how many, and the first five numbers.

    >>> _Orders(("OC-1", "OC-2")).shown("it"), _Orders(("OC-1",)).shown("en")
    ('2 ordini: OC-1, OC-2', '1 order: OC-1')
    """

    numbers: tuple[str, ...]

    def shown(self, lang: str) -> str:
        n = len(self.numbers)
        return f"{Counted(n, ('ordine', 'ordini'), ('order', 'orders')).shown(lang)}: {first_numbers(self.numbers)}"


def charging_vat(regime: str, invoices: Iterable[Invoice]) -> tuple[list[Invoice], list[ChargedVat]]:
    """The invoices a run may issue under `regime`, and the customers left out because one of
    their invoices charges VAT that the regime does not (`ChargedVat`): all of such a customer's
    documents wait, as a `LeftOut` customer's do, so its returns are not credited apart from the
    invoices they follow. Under any other regime, every invoice."""
    invoices = list(invoices)
    if regime not in tax_regimes.WITHOUT_VAT:
        return invoices, []
    allowed = tax_regimes.natures_under(regime)
    charged: dict[str, list[InvoiceLine]] = defaultdict(list)
    for x in invoices:
        if x.kind is InvoiceKind.INVOICE:
            charged[x.customer] += [line for line in x.lines
                                    if line.vat_rate or (line.vat_nature or "").upper() not in allowed]
    found = [ChargedVat(code, regime, tuple(sorted({line.order_number for line in lines})), len(lines))
             for code, lines in sorted(charged.items()) if lines]
    out = {x.customer for x in found}
    return [x for x in invoices if x.customer not in out], found


def citing_letters(master: MasterData, invoices: Iterable[Invoice]) -> tuple[list[Invoice], list[Uncited]]:
    """The invoices a run may issue, and the customers left out because one of their invoices
    sells N3.5 while their *Clienti* row lacks the letter's protocol or date, which it must cite
    (`toolkit.core.letter_cited`): all of such a customer's documents wait, as a `ChargedVat`
    customer's do."""
    invoices = list(invoices)
    found = uncited(master, [(x.customer, line.vat_nature, line.order_number) for x in invoices
                             if x.kind is InvoiceKind.INVOICE for line in x.lines if line.quantity])
    out = {x.customer for x in found}
    return [x for x in invoices if x.customer not in out], found


@dataclass(frozen=True, slots=True)
class _Waiting:
    """What a customer taken off the sheet has waiting, as its message names it: DDTs, or DDTs
    and records of services rendered (`SERVICES_SERIES`), which are no DDT.

    >>> _Waiting(False).shown("it"), _Waiting(True).shown("it"), _Waiting(True).shown("en")
    ('DDT', 'DDT o servizi resi', 'DDTs or services rendered')
    """

    services: bool

    def shown(self, lang: str) -> str:
        if lang == "en":
            return "DDTs or services rendered" if self.services else "DDTs"
        return "DDT o servizi resi" if self.services else "DDT"


HELD_INVOICE = define(
    "invoice-order-invoice-held", "warning",
    title=("Fattura immediata in attesa del giorno dell'ordine", "Immediate invoice waiting for its order's day"),
    it="L'ordine {number} del cliente {customer}, creato in anticipo, ha la fattura immediata in attesa del suo giorno "
       "({day}): questa fatturazione non la comprende. La emette, datata {day} e numerata dopo le fatture già emesse, "
       "il primo «toolkit orders create» o «toolkit ship» (anche dai pulsanti) da quel giorno in poi.",
    en="Order {number} of customer {customer}, created ahead, has its immediate invoice waiting for its day ({day}): "
       "this run does not include it. The first “toolkit orders create” or “toolkit ship” (the buttons too) from that "
       "day on issues it, dated {day} and numbered after the invoices already issued.")
HELD_DDT = define(
    "invoice-order-ddt-held", "warning",
    title=("DDT in attesa del giorno dell'ordine", "DDT waiting for its order's day"),
    it="L'ordine {number} del cliente {customer}, creato in anticipo, ha il DDT in attesa del suo giorno ({day}): la "
       "merce non risulta spedita e questa fatturazione non la comprende. Se è partita, il DDT lo emette, datato {day}, "
       "il primo «toolkit orders create» o «toolkit ship» (anche dai pulsanti) da quel giorno in poi; poi fattura di "
       "nuovo il mese (le righe già fatturate non si ripetono).",
    en="Order {number} of customer {customer}, created ahead, has its DDT waiting for its day ({day}): its goods are "
       "not shipped on record and this run does not include them. If they left, the first “toolkit orders create” or "
       "“toolkit ship” (the buttons too) from that day on issues the DDT, dated {day}; then invoice the month again "
       "(lines already invoiced are not repeated).")
HELD_INVOICE_BEFORE_RUN = define(
    "invoice-order-invoice-held-before-run", "error",
    it="L'ordine {number} del cliente {customer}, creato in anticipo, ha {what_it} ancora in attesa del suo giorno "
       "({day}), prima della data dei documenti di questa fatturazione ({run_day}): emessa dopo di loro sarebbe datata "
       "prima (nella serie {series} {year} i numeri seguono le date) e ogni «toolkit orders create» e «toolkit ship» la "
       "rifiuterebbe, quindi non è stato registrato nulla. Emetti prima i documenti attesi con «toolkit orders create "
       "anagrafiche.xlsx --date {day}» (per un giorno già creato emette solo quelli), poi fattura di nuovo il mese; oppure "
       "fattura con --date {day}.",
    en="Order {number} of customer {customer}, created ahead, still has {what_en} waiting for its day ({day}), "
       "before the date of this run's documents ({run_day}): issued after them it would be dated before them (in series "
       "{series} {year} numbers follow dates) and every “toolkit orders create” and “toolkit ship” would refuse it, "
       "so nothing was stored. Issue the waiting documents first with “toolkit orders create anagrafiche.xlsx --date {day}” "
       "(for a day already created it issues only those), then invoice the month again; or invoice with --date {day}.")


HELD_WHAT = {InvoiceKind.INVOICE: ("la fattura immediata", "its immediate invoice"),
             InvoiceKind.CREDIT_NOTE: ("la nota di credito immediata", "its immediate credit note")}
"""The held document a refusal names: an order's invoice issued at once, or the credit note
issued beside it for negative lines, each in its own series."""


@dataclass(frozen=True, slots=True)
class HeldInvoice:
    """An order created ahead whose invoice issued at once (or the credit note beside it) still
    waits for its day (`toolkit.core.orders.held_until_its_day`). A month-end run never invoices
    it: it is issued on that day, dated with it. So the run names it rather than leave it out
    without a word: a warning, as the run did all it should, unless the run would date documents
    of the held one's series after that day (`run_day`), which would leave it no number in date
    order: then an error. A warehouse order whose DDT alone waits (`ddt_only`) is named too,
    never an error."""

    order_id: int
    number: str
    customer: str
    day: date
    run_day: date | None = None
    """The latest date of the documents about to be issued (a run's, a credit note's) after `day`
    in the held document's series and year; None: none after."""
    series: str = ""
    kind: InvoiceKind = InvoiceKind.INVOICE
    """The held document `run_day` strands: the invoice, or the credit note issued beside it for
    negative lines (`order_invoices`), numbered in the credit notes' series."""
    ddt_only: bool = False
    """A warehouse order's DDT waits, and no invoice: its goods are not shipped on record, so a
    run has nothing of it to invoice, but the desk may have forgotten to ship it; never blocks."""

    @property
    def problem(self) -> Problem:
        if self.ddt_only:
            return HELD_DDT(None, number=self.number, customer=self.customer, day=self.day)
        if self.run_day is None:
            return HELD_INVOICE(None, number=self.number, customer=self.customer, day=self.day)
        return HELD_INVOICE_BEFORE_RUN(None, **self.stranding)

    @property
    def stranding(self) -> dict[str, object]:
        """What a refusal says of a held document stranded by documents dated `run_day`: the
        order, its day, the document (Italian and English) and its series and year; month end,
        `invoice credit` and `discounts settle` word the rest."""
        what_it, what_en = HELD_WHAT[self.kind]
        return dict(number=self.number, customer=self.customer, day=self.day, run_day=self.run_day,
                    series=self.series, year=str(self.day.year), what_it=what_it, what_en=what_en)


def held_at_run(held: Iterable[HeldInvoice], request: Request, stranded: Mapping[str, HeldInvoice]
                ) -> list[HeldInvoice]:
    """The held documents a run names: those its documents would strand, whoever the customer
    (`stranded`, by order number, as `toolkit.services.invoicing.stranded_by` decides it per
    series and year: issued later, they would break the numbering), and those of the customers
    and orders the run asked for up to the month's end (the run leaves them out), among them the
    warehouse orders whose DDT alone waits (`ddt_only`), which never block.

    >>> from datetime import date
    >>> month = Period(date(2026, 10, 1), date(2026, 10, 31))
    >>> held = [HeldInvoice(1, "OC-1", "C1", date(2026, 10, 30)), HeldInvoice(2, "OC-2", "C2", date(2026, 10, 31)),
    ...         HeldInvoice(3, "OC-3", "C1", date(2026, 11, 2))]
    >>> note = HeldInvoice(1, "OC-1", "C1", date(2026, 10, 30), date(2026, 10, 31), "NC", InvoiceKind.CREDIT_NOTE)
    >>> [(x.number, x.run_day, x.series) for x in held_at_run(held, Request(month, date(2026, 11, 2)), {"OC-1": note})]
    [('OC-1', datetime.date(2026, 10, 31), 'NC'), ('OC-2', None, '')]
    >>> [x.number for x in held_at_run(held, Request(month, date(2026, 11, 2), customer="C2"), {})]
    ['OC-2']
    >>> ddts = [HeldInvoice(4, "OC-4", "C1", date(2026, 10, 30), ddt_only=True),
    ...         HeldInvoice(5, "OC-5", "C1", date(2026, 11, 2), ddt_only=True)]
    >>> [(x.number, x.run_day) for x in held_at_run(ddts, Request(month, date(2026, 11, 2)), {})]
    [('OC-4', None)]
    """
    return [stranded[x.number] if x.number in stranded else x for x in held
            if x.number in stranded or (x.day <= request.month.end and request.customer in (None, x.customer)
                                        and (request.orders is None or x.order_id in request.orders))]


@dataclass(frozen=True)
class Plan:
    invoices: tuple[Invoice, ...]
    problems: tuple[Problem, ...]
    pending: tuple[Pending, ...] = field(default=())
    left_out: tuple[LeftOut, ...] = field(default=())
    """Customers no longer in the master whose DDTs wait: their errors are among `problems`."""
    charged_vat: tuple[ChargedVat, ...] = field(default=())
    """Customers whose invoices would charge VAT under a regime without it: left out likewise."""
    waiting_past_deadline: tuple[tuple[str, Problem], ...] = field(default=())
    """(customer, its warning) for each customer whose shipped lines wait for orders not yet
    complete (`_waiting_past_deadline`), by customer: among `problems` too, kept apart so that a
    plan made again for some customers (`plan_again`) keeps the others'."""
    letters_crossed: tuple[tuple[str, Problem], ...] = field(default=())
    """(customer, its warning) for each customer whose letter of intent's ceiling the run
    reaches (`toolkit.core.intent_ceiling`), kept apart as `waiting_past_deadline` is."""
    uncited: tuple[Uncited, ...] = field(default=())
    """Customers whose N3.5 sales could not cite their letter of intent: left out likewise."""

    @property
    def stopping(self) -> list[Problem]:
        """The errors that stop the run: all but those of the customers `left_out`,
        `charged_vat` and `uncited`, which the run reports while it invoices everyone else."""
        left = ({x.problem for x in self.left_out} | {x.problem for x in self.charged_vat}
                | {x.problem for x in self.uncited})
        return [p for p in self.problems if p.is_error and p not in left]


def deferred_invoice_day(request: Request, rule: DeferredInvoiceDate) -> date:
    """The one date of a run's deferred invoices and credit notes: `--date` when given; else
    the last day of the month invoiced (the run's day when that comes first) or, by the
    setting, the run's day.

    >>> april = Request(Period(date(2026, 4, 1), date(2026, 4, 30)), today=date(2026, 5, 4))
    >>> deferred_invoice_day(april, DeferredInvoiceDate.MONTH_END), deferred_invoice_day(april, DeferredInvoiceDate.ISSUE)
    (datetime.date(2026, 4, 30), datetime.date(2026, 5, 4))
    >>> deferred_invoice_day(Request(april.month, today=date(2026, 4, 20)), DeferredInvoiceDate.MONTH_END)
    datetime.date(2026, 4, 20)
    """
    if request.invoice_date is not None:
        return request.invoice_date
    return request.today if rule is DeferredInvoiceDate.ISSUE else request.cutoff


@lru_cache(maxsize=4096)
def month_of(day: date) -> Period:
    """The calendar month holding `day`. Remembered per day: a month-end run asks it for each
    of a million lines, which share a few dozen days."""
    return Period(day.replace(day=1), day + relativedelta(day=31))


@lru_cache(maxsize=4096)
def deadline_for(delivery_day: date) -> date:
    """The fattura differita's legal deadline: the 15th of the month after the delivery.
    Remembered per day, as `month_of` is: a month-end run asks it for each of its 9,500
    invoices at L, and `relativedelta` took 0.2 s of CPU for them.

    >>> deadline_for(date(2026, 12, 3))
    datetime.date(2027, 1, 15)
    """
    deadline: date = delivery_day + relativedelta(months=1, day=15)
    return deadline


@lru_cache(maxsize=4096)
def schedule_period(schedule: InvoiceSchedule, day: date) -> Period:
    """The invoicing period of the customer's calendar that holds `day`.

    Weeks run Monday to Sunday and fortnights 1–15 and 16–end; both are cut at the month's
    end, because one deferred invoice may not gather two months' deliveries. Remembered, as
    `month_of` is.

    >>> schedule_period(InvoiceSchedule.WEEKLY, date(2026, 4, 1))
    Period(start=datetime.date(2026, 4, 1), end=datetime.date(2026, 4, 5))
    >>> schedule_period(InvoiceSchedule.BIWEEKLY, date(2026, 2, 20))
    Period(start=datetime.date(2026, 2, 16), end=datetime.date(2026, 2, 28))
    """
    month = month_of(day)
    if schedule is InvoiceSchedule.MONTHLY:
        return month
    if schedule is InvoiceSchedule.BIWEEKLY:
        middle = day.replace(day=15)
        return Period(month.start, middle) if day <= middle else Period(middle + timedelta(days=1), month.end)
    monday = day - timedelta(days=day.weekday())
    return Period(max(monday, month.start), min(monday + timedelta(days=6), month.end))


def group_key(grouping: InvoiceGrouping, line: Billable | Shipment) -> str | None:
    """Which lines of one customer may share an invoice: all, those of one project (the
    order's), or those shipped to one address (the DDT's destination)."""
    if grouping is InvoiceGrouping.PROJECT:
        return f"project:{line.project or ''}"
    if grouping is InvoiceGrouping.SHIPPING_ADDRESS:
        return f"ship-to:{line.ship_to or ''}"
    return None


labels.define({
    "group.project": ("Progetto {value}", "Project {value}"),
    "group.no_project": ("Senza progetto", "No project"),
    "group.ship_to": ("Destinazione {value}", "Ship to {value}"),
    "group.own_address": ("Sede del cliente", "Customer's address"),
})


def group_label(key: str | None, lang: str = "it") -> str | None:
    """An invoice's grouping as a person reads it: `project:PRJ-B` is "Progetto PRJ-B",
    `ship-to:D019` "Destinazione D019"; the key itself is for the ledger only.

    >>> group_label("project:PRJ-B"), group_label("ship-to:D019", "en"), group_label(None)
    ('Progetto PRJ-B', 'Ship to D019', None)
    """
    if not key:
        return None
    kind, _, value = key.partition(":")
    if kind == "project":
        return labels.label("group.project", lang).format(value=value) if value else labels.label("group.no_project", lang)
    if kind == "ship-to":
        return labels.label("group.ship_to", lang).format(value=value) if value else labels.label("group.own_address", lang)
    return value or kind


def is_fully_delivered(lines: Iterable[tuple[Quantity, Quantity]]) -> bool:
    """Whether every (ordered, shipped) pair of an order is shipped in full (returns count by size).
    Quantities of one scale: decimals, or the integers the ledger stores them as.

    >>> is_fully_delivered([(Decimal(10), Decimal(10)), (Decimal(-2), Decimal(-2))])
    True
    >>> is_fully_delivered([(Decimal(10), Decimal(7))])
    False
    """
    return all(abs(shipped) >= abs(ordered) for ordered, shipped in lines)


def build_invoice(customer: Customer, kind: InvoiceKind, key: str | None, period: Period, invoice_date: date,
                  billables: Sequence[Billable], *, charge_stamp_duty: bool = False,
                  with_goods: bool = False) -> Invoice:
    """One invoice from its lines: amounts per line, the VAT summary per rate, and the dues.

    The lines share one payment method (`payment_method`), the order's own or the customer's;
    the terms are the customer's (`terms_of`: cash on delivery falls due at delivery). With
    `charge_stamp_duty` (*Bollo a carico del cliente*) an invoice that owes the stamp duty gains
    the line that charges it (`stamp_duty_line`) before its totals and dues are made; `with_goods`:
    issued with the order or its DDTs (`Request.with_goods`). A credit note has no due dates: it is
    money owed to the customer.
    """
    shipments = shipments_of(billables)
    method = payment_method(customer, billables[0]) if billables else customer.payment_method
    return invoice_of(customer, kind, key, period, invoice_date, [(x, x.lines[0]) for x in shipments], method,
                      charge_stamp_duty=charge_stamp_duty, with_goods=with_goods)


def invoice_of(customer: Customer, kind: InvoiceKind, key: str | None, period: Period, invoice_date: date,
               goods: Sequence[tuple[Shipment, BillableGoods]], method: PaymentMethod, *,
               charge_stamp_duty: bool = False, with_goods: bool = False) -> Invoice:
    """`build_invoice` over (shipment, line) pairs, paid by `method`: the lines in DDT date,
    DDT number, order number and order line order; `with_goods`: issued with the DDTs or the
    order, by the time the goods leave (`Request.with_goods`)."""
    ordered = sorted(goods, key=line_order)
    lines = tuple(
        _invoice_line(item, description, unit, quantity, unit_price, amount, rate, nature, n, order_line_id,
                      delivery_line_id, shipment.delivery, shipment.order_number, shipment.customer_reference,
                      None)
        for n, (shipment, (item, description, unit, quantity, unit_price, amount, rate, nature, order_line_id,
                           delivery_line_id)) in enumerate(ordered, start=1)
    )
    summary = tuple(vat_summary((line.amount, line.vat_rate, line.vat_nature) for line in lines))
    if (charge_stamp_duty and kind is InvoiceKind.INVOICE
            and stamp_duty.due((s.rate, s.taxable, s.nature) for s in summary)):
        lines += (stamp_duty_line(len(lines) + 1),)
        summary = tuple(vat_summary((line.amount, line.vat_rate, line.vat_nature) for line in lines))
    taxable, vat, total = totals(summary)
    code = terms_of(customer, method)
    split = customer.splits_payment
    payable = total - vat if split else total
    dues: tuple[Instalment, ...] = ()
    if kind is InvoiceKind.INVOICE:
        terms = _terms(code)
        found = (payment_terms.at_delivery(delivered_by_day(lines, [g[0].day for g in ordered], split=split),
                                           invoice_date, payable, with_goods=with_goods)
                 if terms.on_delivery else payment_terms.instalments(terms, invoice_date, payable, excluded_months(customer)))
        dues = tuple(Instalment(d, a) for d, a in found)
    return Invoice(kind, customer.code, key, period, invoice_date, lines, summary, taxable, vat, total,
                   method, code, dues, split_payment=split)


def line_order(goods: tuple[Shipment, BillableGoods]) -> tuple[date, str, str, int | None]:
    """An invoice's lines in DDT date, DDT number, order number and order line order."""
    shipment, line = goods
    return shipment.day, shipment.delivery.number if shipment.delivery else "", shipment.order_number, line[8]


LINES_PER_INVOICE = 9998
"""The most lines an invoice takes: FatturaPA numbers lines 1 to 9999 (NumeroLinea), and one more
may be the stamp duty charged. A month of a large customer's deliveries (fifty shops' DDTs on one
invoice) can pass it: issued whole, the invoice could never be sent to SDI."""


def invoice_parts(goods: Sequence[tuple[Shipment, BillableGoods]]) -> list[Sequence[tuple[Shipment, BillableGoods]]]:
    """The lines of one invoice as the invoices they make (`in_invoices`): one, or past
    `LINES_PER_INVOICE` several, each of whole lines in the invoice's own order (DDT date, DDT,
    order, line), each with its own number, totals, stamp duty and dues. The two parts of a line
    split at a letter of intent's ceiling (`intent_ceiling.split_at`, next to each other) cite one
    order line and DDT line (none when invoiced at the order), and stay on one invoice."""
    if len(goods) <= LINES_PER_INVOICE:
        return [goods]
    return in_invoices(sorted(goods, key=line_order), lambda g: g[1][8:10])


Line = TypeVar("Line")


def in_invoices(lines: Sequence[Line], line_of: Callable[[Line], object]) -> list[Sequence[Line]]:
    """A document's lines, in its order, as the documents they make: one, or past
    `LINES_PER_INVOICE` several, in that order. Two lines next to each other of one `line_of`
    (not None) are the two parts of one line, split at a letter of intent's ceiling (an invoice's)
    or crediting both sides of it (a return's note, `credit_notes.sides`): a document whose last
    place would take the first ends a line early, and both open the next, so a DDT line is never
    invoiced or credited half on one document and half on another. The one rule for invoices
    (`invoice_parts`) and for a return's note the matching made longer (`credit_notes.Placed`).

    >>> lines = range(LINES_PER_INVOICE + 1)
    >>> [len(x) for x in in_invoices(lines, lambda n: None)], [len(x) for x in in_invoices(lines, lambda n: (n + 1) // 2)]
    ([9998, 1], [9997, 2])
    """
    if len(lines) <= LINES_PER_INVOICE:
        return [lines]
    parts: list[Sequence[Line]] = []
    start = 0
    while start < len(lines):
        end = min(start + LINES_PER_INVOICE, len(lines))
        if end < len(lines) and end - 1 > start and (key := line_of(lines[end - 1])) is not None \
                and key == line_of(lines[end]):
            end -= 1
        parts.append(lines[start:end])
        start = end
    return parts


def terms_of(customer: Customer, method: PaymentMethod) -> str:
    """The terms an invoice states and falls due by: the customer's, except that cash on delivery
    is paid when the goods arrive (the driver collects), so whatever days or month's end the
    customer's terms count, its invoices are due at delivery (`CONSEGNA`). A template paid cash
    on delivery leaves the customer's terms to their other orders; the data check warns of a
    customer paying so whose terms count days."""
    if method is PaymentMethod.CASH_ON_DELIVERY and not _terms(customer.payment_terms).on_delivery:
        return payment_terms.AT_DELIVERY
    return customer.payment_terms


def excluded_months(customer: Customer | None) -> payment_terms.ExcludedMonths | None:
    """The customer's *mesi esclusi* as its dues move by them; None without them (the data check
    refuses months without the day they move to)."""
    if customer is None or not customer.excluded_months or customer.excluded_months_day is None:
        return None
    return payment_terms.ExcludedMonths(customer.excluded_months, customer.excluded_months_day)


def delivered_by_day(lines: Sequence[InvoiceLine], days: Sequence[date], *, split: bool = False
                     ) -> dict[date, Decimal]:
    """What each day's deliveries cost with their VAT (without it under split payment: the
    customer pays the VAT to the State), `days[n]` being the day of `lines[n]` (its DDT's, or
    its order's for an invoice made at the order); lines beyond `days` (the stamp duty charged)
    belong to no delivery."""
    by_day: dict[date, list[InvoiceLine]] = defaultdict(list)
    for line, day in zip(lines, days):
        by_day[day].append(line)
    if split:
        return {day: sum((line.amount for line in mine), ZERO) for day, mine in by_day.items()}
    return {day: total_with_vat(mine) for day, mine in by_day.items()}


@lru_cache(maxsize=1024)
def _terms(code: str) -> payment_terms.PaymentTerms:
    """A customer's payment terms, read once per code: a day's or a month's thousands of
    invoices share a few codes, and reading one takes a few regular expressions."""
    return payment_terms.parse(code)


def payment_method(customer: Customer, line: Billable | Shipment) -> PaymentMethod:
    """How a line is paid: its order's own method, else the customer's. An invoice gathers only
    lines paid the same way, since it states one method for all its dues."""
    return line.payment_method or customer.payment_method


def stamp_duty_line(line_no: int) -> InvoiceLine:
    """The line that charges the 2.00 € stamp duty to the customer: excluded from VAT (N1)."""
    return InvoiceLine("", stamp_duty.CHARGE_DESCRIPTION, "", Decimal(1), stamp_duty.STAMP_DUTY,
                       stamp_duty.STAMP_DUTY, ZERO, stamp_duty.CHARGE_NATURE, line_no, None, None, None, "")


def plan(master: MasterData, billables: Iterable[Billable], request: Request,
         delivered_orders: Collection[int] = frozenset()) -> Plan:
    """The invoices a run would issue, the problems it finds, and what it leaves for later.

    `billables` are what the ledger has not invoiced yet, up to `request.cutoff`;
    `delivered_orders` are the orders delivered in full by then (for after-order-delivered).
    """
    return plan_invoices(master, shipments_of(billables), request, delivered_orders)


def plan_invoices(master: MasterData, shipments: Iterable[Shipment], request: Request,
                  delivered_orders: Collection[int] = frozenset(),
                  held_lines: Mapping[str, int] | None = None,
                  issued_names: Mapping[str, str] | None = None,
                  ceilings: Mapping[str, Ceiling] | None = None, *,
                  recoded: Mapping[str, Recoded] | None = None,
                  known_rates: Mapping[tuple[str, date], Decimal] | None = None) -> Plan:
    """`plan` over shipments: each is placed once (customer's terms, period, order, grouping,
    payment method), then its lines go to the invoice or to the credit note of its place.
    `held_lines`: how many lines with a quantity each of the `held_customers` has, counted
    rather than given as shipments; they wait as those shipments' lines would. A shipment of a
    customer no longer in the master is left out (`LeftOut`), named as `issued_names` says
    (the names its DDTs printed), and the rest is planned. A customer with a letter of intent's
    `ceilings` has its N3.5 lines beyond it invoiced with VAT (`within_ceilings`); one whose
    letter has a date, its lines sold before it (`before_letters`), an item gone from *Articoli*
    at the rate the ledger knew (`known_rates`, for letters without a ceiling to carry it)."""
    customers = {c.code: c for c in master.customers}
    problems = _request_problems(master, request, customers)
    if any(p.is_error for p in problems):
        return Plan((), tuple(problems))
    buckets: dict[tuple[str, str | None, Period, InvoiceKind, int | None, PaymentMethod],
                  list[tuple[Shipment, BillableGoods]]] = defaultdict(list)
    waiting: dict[tuple[str, str], int] = defaultdict(int)
    undelivered: dict[str, list[Shipment]] = defaultdict(list)
    unknown: dict[str, list[Shipment]] = defaultdict(list)
    cutoff = request.cutoff
    for shipment in shipments:
        if request.customer and shipment.customer != request.customer:
            continue
        if shipment.day > cutoff:
            continue
        goods = [g for g in shipment.lines if g[3]]
        if not goods:
            continue
        customer = customers.get(shipment.customer)
        if customer is None:
            unknown[shipment.customer].append(shipment)
            continue
        placed = _place(customer, shipment, request, delivered_orders)
        if isinstance(placed, str):
            waiting[(customer.code, placed)] += len(goods)
            if placed == "order-not-delivered":
                undelivered[customer.code].append(shipment)
        elif placed is not None:
            period, split = placed
            key, method = group_key(customer.invoice_grouping, shipment), payment_method(customer, shipment)
            sold = [(shipment, g) for g in goods if g[3] > 0]
            returned = [(shipment, g) for g in goods if g[3] < 0]
            kinds = ((InvoiceKind.INVOICE, sold), (InvoiceKind.CREDIT_NOTE, returned))
            for kind, some in (kinds if goods[0][3] > 0 else kinds[::-1]):
                if some:
                    buckets[(customer.code, key, period, kind, split, method)].extend(some)
    for code, lines in (held_lines or {}).items():
        if lines:
            waiting[(code, "held")] += lines
    left_out = tuple(left_out_of(code, unknown[code], (issued_names or {}).get(code), (recoded or {}).get(code))
                     for code in sorted(unknown))
    crossed = before_letters(master, buckets, ceilings or {}, known_rates)
    crossed += within_ceilings(master, buckets, ceilings) if ceilings else []
    crossed.sort(key=lambda w: w[0])
    deferred_day = deferred_invoice_day(request, request.deferred_date or master.settings.deferred_invoice_date)
    invoices = []
    charge = master.settings.stamp_duty_customer
    credit_day = max(request.credit_date or deferred_day, deferred_day)
    for (code, key, period, kind, split, method), goods_of in buckets.items():
        day = request.limit if split is not None else credit_day if kind is InvoiceKind.CREDIT_NOTE else deferred_day
        invoices += [invoice_of(customers[code], kind, key, period, day, part, method, charge_stamp_duty=charge,
                                with_goods=request.with_goods) for part in invoice_parts(goods_of)]
    pending = [Pending(c, r, n) for (c, r), n in waiting.items()]
    invoices, charged = charging_vat(master.settings.tax_regime, invoices)
    invoices, unlettered = citing_letters(master, invoices)
    crossed = [w for w in crossed if w[0] not in {x.customer for x in unlettered}]
    waits = [(code, _waiting_past_deadline(master, customers[code], undelivered[code], request.today))
             for code in sorted(undelivered)]
    problems += [warning for _, warning in waits]
    return _assembled(master, request, customers, problems, invoices, pending, left_out, charged, waits, crossed,
                      unlettered)


def before_letters(master: MasterData, buckets: dict[Any, list[tuple[Shipment, BillableGoods]]],
                   ceilings: Mapping[str, Ceiling], known_rates: Mapping[tuple[str, date], Decimal] | None = None
                   ) -> list[tuple[str, Problem]]:
    """The invoices' lines (`buckets`, keyed customer first and kind fourth, changed in place)
    of each customer whose letter of intent has a date, its N3.5 lines sold before the letter
    (or in a year before the one its `ceilings` covers), or from its revocation on, rated at their
    item's VAT (`letter_dates.before_letter`); a warning per customer that has any of either. Done before the
    ceiling is kept (`within_ceilings`): such a line uses nothing of the letter, nor makes its year."""
    letters = {c.code: c for c in master.customers if c.intent_date is not None}
    rate = item_rates(master, {**_known_rates(ceilings), **(known_rates or {})})
    found: list[tuple[str, Early]] = []
    for key, goods in buckets.items():
        customer = letters.get(key[0])
        if customer is None or key[3] is not InvoiceKind.INVOICE:
            continue
        assert customer.intent_date is not None
        ceiling = ceilings.get(customer.code)
        buckets[key], early = before_letter(goods, customer.code, customer.intent_protocol, customer.intent_date,
                                            ceiling.year if ceiling else None, rate, customer.intent_revoked)
        found += [(customer.code, each) for each in early]
    return [(code, problem) for code, early in _joined(found) for problem in early.problems(master)]


def _joined(found: Sequence[tuple[str, Early]]) -> list[tuple[str, Early]]:
    """A customer's `Early` lines of its several invoices as one, told once: those before its
    letter apart from those after its revocation."""
    one: dict[tuple[str, bool], Early] = {}
    for code, early in found:
        was = one.get((code, early.revoked is not None))
        one[(code, early.revoked is not None)] = early if was is None else replace(
            was, days=was.days + early.days, amount=was.amount + early.amount, unrated=was.unrated + early.unrated,
            ordered=was.ordered + early.ordered)
    return [(code, early) for (code, _), early in sorted(one.items())]


def _known_rates(ceilings: Mapping[str, Ceiling]) -> dict[tuple[str, date], Decimal]:
    """The rates the ledger's DDTs told for items gone from *Articoli*, which all ceilings share."""
    known: dict[tuple[str, date], Decimal] = {}
    for rates in {id(x.known_rates): x.known_rates for x in ceilings.values()}.values():
        known.update(rates)
    return known


def within_ceilings(master: MasterData, buckets: dict[Any, list[tuple[Shipment, BillableGoods]]],
                    ceilings: Mapping[str, Ceiling]) -> list[tuple[str, Problem]]:
    """The invoices' lines (`buckets`, keyed customer first and kind fourth, changed in place)
    of each customer with a letter's ceiling kept within it, in delivery order across all its
    invoices of the run (`intent_ceiling.kept_within`); a warning per customer that reaches it.
    Credit notes of the run give nothing back here: they count from the next run on, since
    which letter a return gives back to, and at which rate, is known only once it is matched
    to the invoices that sold its goods, after this plan (`services.invoicing.returns_left_out`). Customers
    sharing one letter (two *Clienti* rows citing its protocol) share its ceiling: each one's
    lines take what those before it in the run left, and the year the letter covers is that of
    the first of all their lines when no invoice has cited it yet."""
    mine: dict[str, list[Any]] = defaultdict(list)
    for key in buckets:
        if key[0] in ceilings and key[3] is InvoiceKind.INVOICE:
            mine[key[0]].append(key)
    found: list[tuple[str, Problem]] = []
    rate = item_rates(master, _known_rates(ceilings))
    spent: dict[str, Decimal] = defaultdict(Decimal)
    first_year: dict[str, int] = {}
    for code, keys in mine.items():
        protocol = ceilings[code].letter
        for key in keys:
            for shipment, line in buckets[key]:
                if line[7] == LETTER_OF_INTENT:
                    first_year[protocol] = min(shipment.day.year, first_year.get(protocol, shipment.day.year))
    for code, keys in sorted(mine.items()):
        places = sorted(((key, n) for key in keys for n in range(len(buckets[key]))),
                        key=lambda place: line_order(buckets[place[0]][place[1]]))
        ceiling = ceilings[code]
        ceiling = replace(ceiling, used=ceiling.used + spent[ceiling.letter],
                          year=ceiling.year or first_year.get(ceiling.letter))
        kept, crossed = kept_within([buckets[key][n] for key, n in places], ceiling, rate)
        spent[ceiling.letter] += sum((line[5] for _, line in kept if line[7] == LETTER_OF_INTENT), ZERO)
        split = crossed.split if crossed is not None else None
        made = iter(kept)
        parts = {place: [next(made), *([next(made)] if n == split else [])] for n, place in enumerate(places)}
        for key in keys:
            buckets[key] = [goods for n in range(len(buckets[key])) for goods in parts[(key, n)]]
        if crossed is not None:
            found += [(code, problem) for problem in crossed.problems(master)]
    return found


@dataclass(frozen=True, slots=True)
class _Deadline:
    """The deferred invoice's deadline as the warning names it, and what to do by then: a run made
    after it (December's on 18 January) said *entro il 15/01/2027 … Se quegli ordini non saranno
    evasi in tempo*, when the time was up already."""

    day: date
    today: date

    @property
    def passed(self) -> bool:
        return self.today > self.day

    def shown(self, lang: str) -> str:
        said = shown(self.day, lang)
        return said + ((", already past" if lang == "en" else ", già passato") if self.passed else "")

    @property
    def then(self) -> Agreed:
        return Agreed(0 if self.passed else 1, ("Se quegli ordini non saranno evasi in tempo, fattura", "Fattura ora"),
                      ("If those orders are not complete in time, invoice", "Without waiting, invoice"))


def _waiting_past_deadline(master: MasterData, customer: Customer, shipments: Sequence[Shipment],
                          today: date) -> Problem:
    """A customer invoiced *after the order is delivered* whose shipped lines wait for orders not
    yet complete: the law still wants each DDT's deferred invoice by the 15th of the next month
    (art. 21 c. 4 DPR 633/72), so December's back orders completed in late January made a
    December DDT's invoice late without a word until it was. Told at every run while they
    wait, with the oldest DDT's deadline and the way out (`invoice --orders`)."""
    oldest = min((s.delivery for s in shipments if s.delivery is not None), key=lambda d: (d.day, d.number))
    return waiting_warning(master.locate(customer.source, "invoice_terms"), customer.code,
                           sum(1 for s in shipments for g in s.lines if g[3]),
                           sorted({s.order_number for s in shipments}), oldest.number, oldest.day, today)


def waiting_warning(location: Location | None, customer: str, lines: int, orders: Sequence[str], ddt: str,
                    day: date, today: date) -> Problem:
    """`order-not-delivered-deferred-deadline` from its figures, for the run and its row-by-row twin alike."""
    due = _Deadline(deadline_for(day), today)
    return WAITING_PAST_DEADLINE(location, customer=customer,
                                 lines=Counted(lines, ("riga già spedita", "righe già spedite"),
                                               ("shipped line", "shipped lines")),
                                 wait=Agreed(lines, ("aspetta", "aspettano"), ("waits", "wait")),
                                 orders=first_numbers(orders), ddt=ddt, day=day, deadline=due, then=due.then)


def held_warning(location: Location | None, customer: str, lines: int) -> Problem:
    """`invoice-held` from its count, for the run and its row-by-row twin alike."""
    return HELD(location, customer=customer,
                lines=Counted(lines, ("riga consegnata non fatturata", "righe consegnate non fatturate"),
                              ("delivered line not invoiced", "delivered lines not invoiced")))


def _assembled(master: MasterData, request: Request, customers: Mapping[str, Customer], problems: list[Problem],
               invoices: list[Invoice], pending: list[Pending], left_out: Sequence[LeftOut],
               charged: Sequence[ChargedVat] = (), waits: Sequence[tuple[str, Problem]] = (),
               crossed: Sequence[tuple[str, Problem]] = (), unlettered: Sequence[Uncited] = ()) -> Plan:
    """A plan from what its customers' shipments made: the invoices in numbering order, what
    waits by customer and reason, the problems in the order a run reports them (the request's,
    the customers left out, those charging VAT under a regime without it, those whose letter of
    intent could not be cited, those held, the late months)."""
    invoices.sort(key=numbering_order)
    pending.sort(key=lambda p: (p.customer, p.reason))
    left_out = sorted(left_out, key=lambda x: x.customer)
    charged = sorted(charged, key=lambda x: x.customer)
    unlettered = sorted(unlettered, key=lambda x: x.customer)
    problems = [*problems, *(x.problem for x in left_out), *(x.problem for x in charged),
                *(x.problem for x in unlettered)]
    for p in pending:
        if p.reason == "held":
            problems.append(held_warning(master.locate(customers[p.customer].source, "invoice_terms"), p.customer,
                                         p.lines))
    problems += late_problems(invoices, request.today)
    problems += previous_month_problems(invoices, request)
    problems += [warning for _, warning in crossed]
    return Plan(tuple(invoices), tuple(problems), tuple(pending), tuple(left_out), tuple(charged), tuple(waits),
                tuple(crossed), tuple(unlettered))


def plan_again(master: MasterData, first: Plan, shipments: Sequence[Shipment], changed: Collection[str],
               request: Request, delivered_orders: Collection[int] = frozenset(),
               held_lines: Mapping[str, int] | None = None,
               issued_names: Mapping[str, str] | None = None,
               ceilings: Mapping[str, Ceiling] | None = None, *,
               recoded: Mapping[str, Recoded] | None = None,
               known_rates: Mapping[tuple[str, date], Decimal] | None = None) -> Plan:
    """`plan_invoices` over `shipments`, knowing `first`, the plan of the same run over shipments
    that differ from them only in the customers `changed` (month end taking out the returns it
    refused, `services.invoicing.returns_left_out`): only those customers are planned again,
    everyone else's invoices, waiting lines and left-out DDTs kept from `first`. The same plan as
    planning every shipment again, numbering order and problems included
    (`tests/test_invoicing_replan.py` compares them): a customer's invoices and waiting lines
    come from its own shipments alone, and what spans customers (the numbering order, the held,
    the late months) is assembled again as `plan_invoices` assembles it (`_assembled`).

    Why: a refused return at month end had the whole month planned twice (the two plans 2.6 s
    of month-end invoicing's 12.9 s at L, profiled, 4 December); the customers with a refused
    return are a handful of 10,000. At M, alternated with the full plan again, medians of 3:
    month-end invoicing 1.81 → 1.01 s. Customers sharing a letter of intent's ceiling
    (`within_ceilings`) are planned again together: one's lines take what another's left."""
    customers = {c.code: c for c in master.customers}
    problems = _request_problems(master, request, customers)
    if any(p.is_error for p in problems):
        return Plan((), tuple(problems))
    letters = {x.letter for code, x in (ceilings or {}).items() if code in changed}
    changed = {*changed, *(code for code, x in (ceilings or {}).items() if x.letter in letters)}
    again = plan_invoices(master, [s for s in shipments if s.customer in changed], request, delivered_orders,
                          {c: n for c, n in (held_lines or {}).items() if c in changed},
                          {c: n for c, n in (issued_names or {}).items() if c in changed},
                          {c: x for c, x in (ceilings or {}).items() if c in changed}, recoded=recoded,
                          known_rates=known_rates)
    waits = sorted([w for w in first.waiting_past_deadline if w[0] not in changed] + list(again.waiting_past_deadline),
                   key=lambda w: w[0])
    problems += [warning for _, warning in waits]
    invoices = [x for x in first.invoices if x.customer not in changed] + list(again.invoices)
    pending = [p for p in first.pending if p.customer not in changed] + list(again.pending)
    left_out = [x for x in first.left_out if x.customer not in changed] + list(again.left_out)
    charged = [x for x in first.charged_vat if x.customer not in changed] + list(again.charged_vat)
    crossed = sorted([w for w in first.letters_crossed if w[0] not in changed] + list(again.letters_crossed),
                     key=lambda w: w[0])
    unlettered = [x for x in first.uncited if x.customer not in changed] + list(again.uncited)
    return _assembled(master, request, customers, problems, invoices, pending, left_out, charged, waits, crossed,
                      unlettered)


def left_out_of(customer: str, shipments: Sequence[Shipment], name: str | None,
                recoded: Recoded | None = None) -> LeftOut:
    """A customer no longer in the master, with the DDTs of its shipments still to invoice and
    how many lines with a quantity they have."""
    deliveries = {s.delivery for s in shipments if s.delivery is not None}
    return LeftOut(customer, name, tuple(sorted(deliveries, key=lambda d: (d.day, d.number))),
                   sum(1 for s in shipments for g in s.lines if g[3]), recoded)


def _place(customer: Customer, line: Billable | Shipment, request: Request,
           delivered_orders: Collection[int]) -> tuple[Period, int | None] | str | None:
    """The period (and, for immediate invoices, the order) a line goes to; a reason when it
    must wait; None when another path invoices it. A DDT line of a customer invoiced
    *Immediato* comes here only when its order was never invoiced at the order (made before the
    customer turned *Immediato*): it is deferred as any, citing its DDT."""
    terms = customer.invoice_terms
    if request.orders is not None and line.order_id not in request.orders:
        return None
    if terms is InvoiceTerms.IMMEDIATE and line.delivery is None:
        return Period(line.order_date, line.order_date), line.order_id
    if line.delivery is None:
        return None
    if on_hold(customer, request):
        return "held"
    if request.orders is not None:
        period = (schedule_period(customer.invoice_schedule, line.day)
                  if terms is InvoiceTerms.CUSTOMER_SCHEDULE else month_of(line.day))
        return Period(period.start, min(period.end, request.cutoff)), None
    if terms is InvoiceTerms.AFTER_ORDER_DELIVERED and line.order_id not in delivered_orders:
        return "order-not-delivered"
    if terms is InvoiceTerms.CUSTOMER_SCHEDULE:
        period = schedule_period(customer.invoice_schedule, line.day)
        if period.end > request.limit:
            return "period-open"
        return period, None
    month = month_of(line.day)
    return Period(month.start, min(month.end, request.cutoff)), None


def on_hold(customer: Customer, request: Request) -> bool:
    """Whether a run holds every line shipped to `customer`: "do not invoice", not released."""
    return customer.invoice_terms is InvoiceTerms.DO_NOT_INVOICE and customer.code not in request.released


def held_customers(master: MasterData, request: Request) -> frozenset[str]:
    """The customers whose shipped lines a run leaves waiting whatever they are (`on_hold`),
    unless it is asked for named orders: `plan_invoices` needs only how many of their lines
    have a quantity (`held_lines`), which the ledger counts instead of making them shipments."""
    if request.orders is not None:
        return frozenset()
    return frozenset(c.code for c in master.customers
                     if on_hold(c, request) and (not request.customer or c.code == request.customer))


def _request_problems(master: MasterData, request: Request, customers: Mapping[str, Customer]) -> list[Problem]:
    problems: list[Problem] = []
    day = request.invoice_date
    if day is not None and day > request.today:
        problems.append(DATE_IN_FUTURE(None, day=day, today=request.today))
    if day is None and request.orders is None and request.month.start > request.today:
        problems.append(MONTH_NOT_BEGUN(None, month=f"{request.month.start:%m/%Y}", today=request.today,
                                        current=f"{request.today:%Y-%m}"))
    if day is not None and day < request.month.start:
        problems.append(DATE_BEFORE_MONTH(None, day=day, month=f"{request.month.start:%m/%Y}",
                                          start=request.month.start))
    if (credit := request.credit_date) is not None:
        run_day = deferred_invoice_day(request, request.deferred_date or master.settings.deferred_invoice_date)
        if credit > request.today:
            problems.append(CREDIT_DATE_IN_FUTURE(None, day=credit, today=request.today))
        elif credit < run_day:
            problems.append(CREDIT_DATE_BEFORE_RUN(None, day=credit, run_day=run_day))
    if request.customer and request.customer not in customers:
        problems.append(UNKNOWN_FILTER(None, customer=request.customer, option="--customer"))
    for code in sorted(request.released):
        if code not in customers:
            problems.append(UNKNOWN_FILTER(None, customer=code, option="--release"))
        elif customers[code].invoice_terms is not InvoiceTerms.DO_NOT_INVOICE:
            problems.append(RELEASE_NOT_HELD(master.locate(customers[code].source, "invoice_terms"), customer=code))
    return problems


def late_problems(invoices: Iterable[Invoice], today: date) -> list[Problem]:
    """One warning per month of deliveries whose deferred invoices are issued after the
    deadline; issuing happens on the invoice date, or today when that is later (an invoice is
    sent when it is made)."""
    late: dict[tuple[date, date], set[str]] = defaultdict(set)
    for invoice in invoices:
        deadline = invoice.deadline
        issued = max(invoice.invoice_date, today)
        if deadline is not None and issued > deadline:
            late[(deadline, issued)].add(invoice.customer)
    return [LATE(None, month=f"{(deadline - relativedelta(months=1)):%m/%Y}", customers=sorted(customers),
                 issued=issued, deadline=deadline)
            for (deadline, issued), customers in sorted(late.items())]



def previous_month_problems(invoices: Iterable[Invoice], request: Request) -> list[Problem]:
    """A month's run that takes DDTs of the month before while that month's own run can still
    be on time (by the 15th): «Fatturazione fine mese» on 5 January with today's date in *Data
    ordini* invoiced December's leftovers dated 05/01/2027, in January's register, where the
    desk meant to close December. Told, not refused: a January run may mean it (a customer
    released in January)."""
    previous = month_of(request.month.start - timedelta(days=1))
    deadline = deadline_for(previous.end)
    if request.orders is not None or request.today > deadline:
        return []
    found = {line.delivery: invoice.invoice_date for invoice in invoices for line in invoice.lines
             if line.delivery is not None and previous.start <= line.delivery.day <= previous.end}
    if not found:
        return []
    ddts = sorted(found, key=lambda d: (d.day, d.number))
    return [EARLIER_MONTH(None, month=f"{request.month.start:%m/%Y}", previous=f"{previous.start:%m/%Y}",
                          ddts=Counted(len(ddts), ("DDT", "DDT"), ("DDT", "DDTs")),
                          numbers=Listed(tuple(d.number for d in ddts[:5]), len(ddts), DDTS), day=min(found.values()),
                          deadline=deadline, option=f"{previous.start:%Y-%m}")]

def numbering_order(invoice: Invoice) -> tuple[date, str, str, date, bool, str, tuple[date, str, str]]:
    """Numbers follow dates, then customers: a register read top to bottom is in date order,
    as the law asks of numbers within a series and year. A customer's invoices alike in all
    that go by payment method, then by their first line's place in the lines' order (DDT date,
    DDT, order), so the parts of an invoice too long for one (`invoice_parts`) take consecutive
    numbers, in the order of their lines."""
    first = invoice.lines[0] if invoice.lines else None
    place = ((first.delivery.day, first.delivery.number) if first and first.delivery else (date.min, ""))
    return (invoice.invoice_date, invoice.customer, invoice.group_key or "", invoice.period.start,
            invoice.kind is InvoiceKind.CREDIT_NOTE, invoice.payment_method,
            (*place, first.order_number if first else ""))


def order_invoices(master: MasterData, billables: Iterable[Billable], day: date) -> list[Invoice]:
    """`invoices_at_order` over billable records of orders (no DDT)."""
    return invoices_at_order(master, order_shipments(billables), day)


def order_shipments(billables: Iterable[Billable]) -> list[Shipment]:
    """Billable lines of orders invoiced at the order (no DDT) as one shipment per order, in the
    order of their first lines: every field a shipment carries is the order's own."""
    orders: dict[int, tuple[Billable, list[BillableGoods]]] = {}
    for b in billables:
        found = orders.get(b.order_id)
        if found is None:
            found = orders[b.order_id] = (b, [])
        found[1].append((b.item, b.description, b.unit, b.quantity, b.unit_price, b.amount, b.vat_rate,
                         b.vat_nature, b.order_line_id, b.delivery_line_id))
    return [Shipment(b.delivery, b.order_id, b.order_number, b.order_date, b.customer, b.ship_to, b.project,
                     b.payment_method, b.customer_reference, tuple(lines)) for b, lines in orders.values()]


def invoices_at_order(master: MasterData, shipments: Iterable[Shipment], day: date) -> list[Invoice]:
    """Invoices at the order (POS, on-credit and prepay orders whatever the customer's terms,
    and every order of a customer invoiced immediately): one per order (`shipments`, one per
    order; several for an order of more lines than one takes, `invoice_parts`), a credit note
    beside it for negative lines, dated `day`, the order's date. Lines of no quantity bill nothing."""
    return _at_order(master, shipments, day, {})[0]


class AtOrder(NamedTuple):
    """The invoices at the order of some orders (`invoices_at_order_within`), what they warn of,
    and the customers left out, their letter of intent not citable (`citing_letters`)."""

    invoices: list[Invoice]
    warned: list[Problem]
    """The warnings of the letters' ceilings and dates, and the errors of lines no rate is known for."""
    uncited: list[Uncited]


def invoices_at_order_within(master: MasterData, shipments: Iterable[Shipment], day: date,
                             ceilings: Mapping[str, Ceiling],
                             known_rates: Mapping[tuple[str, date], Decimal] | None = None) -> AtOrder:
    """`invoices_at_order`, the N3.5 lines of customers whose letter of intent has a date rated
    at their item's VAT when sold before it (`before_letters`), and those of customers with a
    letter's `ceilings` kept within it as month end keeps them (`within_ceilings`), with its warnings;
    `known_rates` as `plan_invoices` takes them. A customer whose N3.5 sales could not cite its
    letter is left out (`citing_letters`): its orders stay, their lines waiting to be invoiced."""
    invoices, crossed = _at_order(master, shipments, day, ceilings, known_rates)
    invoices, unlettered = citing_letters(master, invoices)
    out = {x.customer for x in unlettered}
    return AtOrder(invoices, [warning for code, warning in crossed if code not in out], unlettered)


def _at_order(master: MasterData, shipments: Iterable[Shipment], day: date, ceilings: Mapping[str, Ceiling],
              known_rates: Mapping[tuple[str, date], Decimal] | None = None
              ) -> tuple[list[Invoice], list[tuple[str, Problem]]]:
    """`invoices_at_order_within` before a customer is left out: the invoices in numbering order,
    and each customer's warnings. `invoices_at_order` plans them all, as their days will issue them."""
    crossed: list[tuple[str, Problem]] = []
    lettered = {*ceilings, *(c.code for c in master.customers if c.intent_date is not None)}
    shipments = list(shipments)
    if any(s.customer in lettered for s in shipments):
        shipments, crossed = _shipments_within(master, shipments, ceilings, lettered, known_rates)
    customers = {c.code: c for c in master.customers}
    charge = master.settings.stamp_duty_customer
    invoices = []
    for shipment in shipments:
        kinds: dict[InvoiceKind, list[tuple[Shipment, BillableGoods]]] = {}
        for line in shipment.lines:
            if line[3]:
                kinds.setdefault(InvoiceKind.CREDIT_NOTE if line[3] < 0 else InvoiceKind.INVOICE, []).append(
                    (shipment, line))
        if not kinds:
            continue
        customer = customers[shipment.customer]
        key, method = group_key(customer.invoice_grouping, shipment), payment_method(customer, shipment)
        invoices += [invoice_of(customer, kind, key, Period(day, day), day, part, method, charge_stamp_duty=charge,
                                with_goods=True) for kind, goods in kinds.items() for part in invoice_parts(goods)]
    return sorted(invoices, key=numbering_order), crossed


def _shipments_within(master: MasterData, shipments: list[Shipment], ceilings: Mapping[str, Ceiling],
                      lettered: Collection[str], known_rates: Mapping[tuple[str, date], Decimal] | None = None
                      ) -> tuple[list[Shipment], list[tuple[str, Problem]]]:
    """The shipments with their sold lines of the `lettered` customers rated for their letter's
    date (`before_letters`) and kept within their customers' `ceilings` (`within_ceilings`),
    each shipment's lines in their own order."""
    buckets: dict[Any, list[tuple[Shipment, BillableGoods]]] = {
        (s.customer, n, m, InvoiceKind.INVOICE): [(s, line)]
        for n, s in enumerate(shipments) if s.customer in lettered for m, line in enumerate(s.lines) if line[3] > 0}
    crossed = before_letters(master, buckets, ceilings, known_rates)
    crossed += within_ceilings(master, buckets, ceilings) if ceilings else []
    crossed.sort(key=lambda w: w[0])
    made = {(n, m): tuple(line for _, line in goods) for (_, n, m, _), goods in buckets.items()}
    for n in {n for n, _ in made}:
        shipments[n] = replace(shipments[n], lines=tuple(
            line for m, was in enumerate(shipments[n].lines) for line in made.get((n, m), (was,))))
    return shipments, crossed
