"""Sales orders as the ledger keeps them: statuses, transitions, and what each document type does.

The document types and statuses are those of the Openbravo seed. A type's effects decide what
happens right after the order is created: a warehouse order ships at once, a POS or on-credit
order ships and is invoiced at once, a prepay order is invoiced first and ships after payment,
a quotation reserves nothing and never ships.

The seed's statuses of a sales order, and the status that holds each here (the names stay those
the ledger has kept since its first version):

- draft (*bozza*): `draft`, made by creating a quotation or proposal;
- booked (*prenotato*) and in progress (*in corso*): `in-progress`, made by creating any other
  order, by confirming a quotation (`orders confirm`), or by hand from a draft; a booked order
  is in progress until all of it has shipped;
- shipped (*spedito*): `completed`, set by shipping when the last line has left, never by hand
  while something is still to ship;
- invoiced (*fatturato*): not a status; each line's invoiced quantity is read from the invoices;
- closed (*chiuso*): `closed`, by hand (what was not shipped is given up) or by confirming a
  quotation;
- voided (*annullato*): `voided`, by hand while nothing has shipped.

`not-accepted` (*non accettato*) is the seed's other example: a draft the customer turned down,
which may be reopened as a draft or voided. Only the steps of `TRANSITIONS` are allowed, and
every change is logged in the ledger's events with who and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from toolkit.basics import labels
from toolkit.basics.problems import define
from toolkit.basics.vocab import Choice, Choices, DocumentType, PaymentMethod
from toolkit.basics.wording import count
from toolkit.core.lines import DocumentLine
from toolkit.model.parties import Parties, PartyBook, Person


class OrderStatus(StrEnum):
    DRAFT = "draft"
    NOT_ACCEPTED = "not-accepted"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    CLOSED = "closed"
    VOIDED = "voided"


STATUS_LABELS = {
    OrderStatus.DRAFT: ("Bozza", "Draft"),
    OrderStatus.NOT_ACCEPTED: ("Non accettato", "Not accepted"),
    OrderStatus.IN_PROGRESS: ("In corso", "In progress"),
    OrderStatus.COMPLETED: ("Completato", "Completed"),
    OrderStatus.CLOSED: ("Chiuso", "Closed"),
    OrderStatus.VOIDED: ("Annullato", "Voided"),
}



STATUSES = Choices(tuple(Choice(status, (it,), (en,)) for status, (it, en) in STATUS_LABELS.items()))
"""The statuses as a person writes them: the Italian label the documents and the panel print,
the English one, or the code the ledger keeps."""


def parse_status(text: str) -> OrderStatus:
    """The status a person wrote, in any case (`In corso`, `in progress`, `in-progress`);
    `ValueError` when none.

    >>> parse_status("in corso"), parse_status("CHIUSO"), parse_status("not-accepted")
    (<OrderStatus.IN_PROGRESS: 'in-progress'>, <OrderStatus.CLOSED: 'closed'>, <OrderStatus.NOT_ACCEPTED: 'not-accepted'>)
    """
    return STATUSES.pick(text)


def status_words() -> str:
    """The statuses as a person may write them, for a help line or a refusal: the Italian labels,
    then the English codes.

    >>> status_words()
    'Bozza, Non accettato, In corso, Completato, Chiuso, Annullato / draft, not-accepted, in-progress, completed, closed, voided'
    """
    return STATUSES.words()


TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.DRAFT: frozenset({OrderStatus.IN_PROGRESS, OrderStatus.NOT_ACCEPTED, OrderStatus.VOIDED}),
    OrderStatus.NOT_ACCEPTED: frozenset({OrderStatus.DRAFT, OrderStatus.VOIDED}),
    OrderStatus.IN_PROGRESS: frozenset({OrderStatus.COMPLETED, OrderStatus.CLOSED, OrderStatus.VOIDED}),
    OrderStatus.COMPLETED: frozenset({OrderStatus.CLOSED}),
    OrderStatus.CLOSED: frozenset(),
    OrderStatus.VOIDED: frozenset(),
}

AMBIGUOUS_ORDER = define(
    "ambiguous-order-number", "error",
    it="«{typed}» può essere più di un ordine: {numbers}. Scrivi il numero per intero (es. {first}).",
    en="“{typed}” may be more than one order: {numbers}. Type the number in full (e.g. {first}).", usage=True)
BAD_TRANSITION = define(
    "bad-status-transition", "error",
    it="L'ordine {number} è «{current_it}» e non può passare a «{wanted_it}».",
    en="Order {number} is “{current_en}” and cannot become “{wanted_en}”.")
NOT_ALL_SHIPPED = define(
    "order-not-all-shipped", "error",
    it="L'ordine {number} ha ancora {to_ship} da spedire: diventa «Completato» quando la spedizione lo evade "
       "(per rinunciare al resto, chiudilo).",
    en="Order {number} still has {to_ship} to ship: it becomes “Completed” when shipping fulfils it "
       "(to give up the rest, close it).")
VOID_SHIPPED = define(
    "void-shipped-order", "error",
    it="L'ordine {number} ha già merce spedita: non si può annullare, chiudilo invece.",
    en="Order {number} already has goods shipped: it cannot be voided, close it instead.")
VOID_INVOICED = define(
    "void-invoiced-order", "error",
    it="L'ordine {number} è già fatturato ({invoices}) e non è stato annullato: la fattura resterebbe da incassare "
       "per merce che non partirà. Se l'ordine non si farà, emetti una nota di credito per {invoices} "
       "(toolkit invoice credit), che chiude anche l'ordine; se la merce partirà, spediscilo.",
    en="Order {number} is already invoiced ({invoices}) and was not voided: the invoice would stay due for goods "
       "that will not leave. If the order is off, issue a credit note for {invoices} (toolkit invoice credit), "
       "which closes the order too; if the goods will leave, ship it.")
CLOSE_INVOICED = define(
    "close-invoiced-order", "error",
    it="L'ordine {number} è già fatturato ({invoices}) per merce non ancora spedita ({lines}) e non è stato chiuso: "
       "la fattura resterebbe da incassare per merce che non partirà. Se l'ordine non si farà, emetti una nota di "
       "credito per {invoices} (toolkit invoice credit), che chiude anche l'ordine; se la merce partirà, spediscilo.",
    en="Order {number} is already invoiced ({invoices}) for goods not shipped yet ({lines}) and was not closed: the "
       "invoice would stay due for goods that will not leave. If the order is off, issue a credit note for "
       "{invoices} (toolkit invoice credit), which closes the order too; if the goods will leave, ship it.")
VOID_RETURN_CREDITED = define(
    "void-credited-return", "error",
    it="Il reso {number} è già accreditato al cliente ({notes}) e non è stato annullato: la nota di credito resta "
       "valida anche annullando il reso. Se la merce rientrerà, spediscilo (il suo DDT); se non rientrerà, l'accredito "
       "va ripreso con una nota di debito sulla fattura che la nota di credito corregge (toolkit invoice debit "
       "--invoice … --amount … --reason …), e il reso si chiude (--to chiuso).",
    en="Return {number} is credited to the customer already ({notes}) and was not voided: the credit note stands "
       "even if the return is voided. If the goods come back, ship it (its DDT); if they will not, the credit must be "
       "taken back with a debit note on the invoice the credit note corrects (toolkit invoice debit --invoice … "
       "--amount … --reason …), and the return closed (--to closed).")
VOID_CREDITED = define(
    "void-credited-order", "error",
    it="L'ordine {number} è stato fatturato ({invoices}) e le note di credito ne hanno già ripreso la merce: "
       "non si annulla, chiudilo (--to chiuso).",
    en="Order {number} was invoiced ({invoices}) and credit notes took its goods back already: it is not voided, "
       "close it (--to closed).")


def can_change(current: OrderStatus, wanted: OrderStatus) -> bool:
    """Whether a status may follow another.

    >>> can_change(OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED), can_change(OrderStatus.CLOSED, OrderStatus.DRAFT)
    (True, False)
    """
    return wanted in TRANSITIONS[current]


@dataclass(frozen=True, slots=True)
class Effects:
    """What creating an order of a document type sets in motion."""

    status: OrderStatus
    ships: bool
    """Goes on distribution and production lists and can be shipped."""
    ship_at_once: bool = False
    invoice_at_once: bool = False
    ship_after_payment: bool = False
    reserves: bool = True
    """Holds its quantities in stock from creation until shipped or closed (`toolkit.core.reservations`);
    a return brings goods back and a quotation is only a potential sale: neither reserves."""


EFFECTS: dict[DocumentType, Effects] = {
    DocumentType.STANDARD: Effects(OrderStatus.IN_PROGRESS, ships=True),
    DocumentType.POS: Effects(OrderStatus.IN_PROGRESS, ships=True, ship_at_once=True, invoice_at_once=True),
    DocumentType.WAREHOUSE: Effects(OrderStatus.IN_PROGRESS, ships=True, ship_at_once=True),
    DocumentType.RETURN: Effects(OrderStatus.IN_PROGRESS, ships=True, reserves=False),
    DocumentType.QUOTATION: Effects(OrderStatus.DRAFT, ships=False, reserves=False),
    DocumentType.PROPOSAL: Effects(OrderStatus.DRAFT, ships=False, reserves=True),
    DocumentType.PREPAY: Effects(OrderStatus.IN_PROGRESS, ships=True, invoice_at_once=True, ship_after_payment=True),
    DocumentType.ON_CREDIT: Effects(OrderStatus.IN_PROGRESS, ships=True, ship_at_once=True, invoice_at_once=True),
}


@dataclass(frozen=True, slots=True)
class AtOnce:
    """The documents an order issues the moment it is made, dated with its own day: a DDT
    (warehouse, POS and on-credit orders), an invoice (POS, on-credit and prepay orders, and
    every order that ships of a customer invoiced *Immediato*).

    >>> AtOnce.of(EFFECTS[DocumentType.POS], invoiced_immediately=False).stored
    'ddt,invoice'
    >>> AtOnce.read("invoice"), bool(AtOnce.of(EFFECTS[DocumentType.STANDARD], invoiced_immediately=False))
    (AtOnce(ddt=False, invoice=True), False)
    """

    ddt: bool = False
    invoice: bool = False

    @classmethod
    def of(cls, effects: Effects, *, invoiced_immediately: bool) -> AtOnce:
        return cls(effects.ship_at_once, effects.invoice_at_once or (effects.ships and invoiced_immediately))

    def __bool__(self) -> bool:
        return self.ddt or self.invoice

    @property
    def stored(self) -> str:
        """As the ledger keeps it (`orders.documents_held`)."""
        return ",".join(kind for kind, wanted in (("ddt", self.ddt), ("invoice", self.invoice)) if wanted)

    @classmethod
    def read(cls, stored: str) -> AtOnce:
        kinds = set(stored.split(","))
        return cls("ddt" in kinds, "invoice" in kinds)


def held_until_its_day(day: date, today: date, future: bool) -> bool:
    """Whether an order's documents issued at once wait for the order's day rather than being
    issued as it is made: an invoice or a DDT dated after today cannot go to SDI, nor with the
    goods, today, and invoice numbers follow dates, so one dated tomorrow would refuse every
    invoice of today issued after it. `future` (`--future`) issues them now all the same, dated
    ahead on purpose.

    >>> held_until_its_day(date(2026, 10, 2), date(2026, 10, 1), future=False)
    True
    >>> held_until_its_day(date(2026, 10, 1), date(2026, 10, 1), future=False)
    False
    """
    return day > today and not future


def due_until(day: date, today: date, future: bool) -> date:
    """The last day whose held documents an action on `day` issues (`orders create`, `ship`):
    its own day, but never after today unless `future` says a date ahead is meant.

    >>> today = date(2026, 10, 1)
    >>> due_until(date(2026, 10, 2), today, future=False), due_until(date(2026, 9, 30), today, future=False)
    (datetime.date(2026, 10, 1), datetime.date(2026, 9, 30))
    """
    return day if future else min(day, today)


labels.define({"order.documents_on": ("documenti il {day:%d/%m/%Y}", "documents on {day:%d/%m/%Y}")})


def documents_on(day: date, lang: str) -> str:
    """How an order whose documents wait for its day is shown: *documenti il 02/10/2026*."""
    return labels.label("order.documents_on", lang).format(day=day)


def issued_on_their_day(orders: int, lang: str) -> str:
    """The sentence an action adds when it issued the held documents of `orders` orders.

    >>> issued_on_their_day(1, "en"), issued_on_their_day(0, "it")
    (' Issued the waiting documents of 1 order created ahead.', '')
    >>> issued_on_their_day(1, "it"), issued_on_their_day(2, "it")
    (' Emessi i documenti attesi di 1 ordine creato in anticipo.', ' Emessi i documenti attesi di 2 ordini creati in anticipo.')
    """
    if not orders:
        return ""
    if lang == "it":
        return f" Emessi i documenti attesi di {count(orders, 'ordine creato', 'ordini creati')} in anticipo."
    return f" Issued the waiting documents of {count(orders, 'order', 'orders')} created ahead."


@dataclass(frozen=True, slots=True)
class OrderLine(DocumentLine):
    """A stored order line, with what its DDTs shipped and its invoices invoiced so far, and what
    credit notes took back of those invoices."""

    id: int
    line_no: int
    note: str | None
    shipped: Decimal = Decimal(0)
    invoiced: Decimal = Decimal(0)
    price_rule: str | None = None
    """The code of the price rule that set the unit price (None: the list or the line's own price)."""
    credited: Decimal = Decimal(0)
    """What credit notes took back of the invoices of this line, by their lines (`toolkit invoice
    credit`) or as returns: the invoices stay, so `invoiced` stays, and the desk reads beside it
    what no longer counts (*accreditata*). Read only for the views that show it
    (`ledger.orders.load_orders(credits=True)`); shipping never looks at it."""

    @property
    def to_ship(self) -> Decimal:
        """What is still to ship; returns count in absolute quantities."""
        return self.quantity - self.shipped


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an order comes from: the template that made it (`template:T001`), the quotation or
    proposal it confirms (`quotation:OF-2026-00003`, `proposal:…`), or the customer's order form
    it was imported from (`form:ordine 12.xlsx`, `toolkit convert --to orders`). Shown where a
    template's code is shown: the code, *Conferma di* and the number, or *Modulo* and the file."""

    kind: str
    """"template", "form", or the confirmed document's type ("quotation", "proposal")."""
    reference: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.reference}"

    def shown(self, lang: str) -> str:
        """`T001`; `Conferma di OF-2026-00003` / `Confirms OF-2026-00003`."""
        if self.kind == "template":
            return self.reference
        if self.kind == "form":
            return f"{'Modulo' if lang == 'it' else 'Form'} {self.reference}"
        return f"{'Conferma di' if lang == 'it' else 'Confirms'} {self.reference}"


def still_of(rest: Decimal, ended: bool) -> Decimal:
    """What the desk is to ship of a line or order whose rest (`to_ship`) is `rest`: the rest,
    nothing once its order has `ended` (a zero of the rest's scale, `0.000` as the ledger's
    quantities read). `Order.line_still_to_ship` of a line, for the loops over every line of
    tens of thousands of orders (the panel's lines, the lists' rows) that have the rest and
    whether the order ended at hand already: the rest is a subtraction each time it is read."""
    return 0 * abs(rest) if ended else rest


@dataclass(frozen=True, slots=True)
class Order:
    id: int
    number: str
    template: str | None
    """The template that made the order; None for an order that confirms a quotation or proposal,
    or that was imported from an order form."""
    occurrence: date
    order_date: date
    customer: str
    ship_to: str | None
    contact: str | None
    document_type: DocumentType
    status: OrderStatus
    price_list: str
    price_version: str
    project: str | None
    delivery_option: str | None
    lines: tuple[OrderLine, ...]
    customer_reference: str | None = None
    """The customer's own purchase-order number (riferimento ordine cliente)."""
    payment_method: PaymentMethod | None = None
    """The order's own payment method; None: the customer's."""
    confirms: str | None = None
    """The number of the quotation or proposal this order confirms (`toolkit orders confirm`)."""
    confirms_type: DocumentType | None = None
    """The type of the document it confirms: a proposal reserved stock, a quotation did not."""
    form: str | None = None
    """The file name of the customer's order form it was imported from; its `template` is then None."""
    documents_held: AtOnce = AtOnce()
    """The documents issued at once that wait for the order's day (`held_until_its_day`)."""
    parties: Parties | None = None
    """The seller, customer, destination and contact person as the order printed them, kept by
    the ledger when it stores it; None for an order of a ledger made before they were kept
    (schema 34). Parties kept before the contact was have none (`contact_in`)."""
    lang: str | None = None
    """The language it was issued in (`it`, `en`), which its reprints speak; None for an order
    stored before the ledger kept it (schema 46), reprinted in the run's."""

    def parties_in(self, book: PartyBook) -> Parties:
        """The parties as printed, else (an order of an older ledger) as the master says today."""
        return self.parties or book.parties(self.customer, self.ship_to, contact=self.contact)

    def contact_in(self, book: PartyBook) -> Person | None:
        """The contact person as printed; for an order whose kept parties hold none (stored
        before the contact was kept) its *Contatti* row as the master says today."""
        kept = self.parties_in(book).contact
        if kept is None and self.contact and self.parties is not None:
            return book.parties(self.customer, self.ship_to, contact=self.contact).contact
        return kept

    @property
    def quantity(self) -> Decimal:
        return sum((line.quantity for line in self.lines), Decimal(0))

    @property
    def to_ship(self) -> Decimal:
        return sum((line.to_ship for line in self.lines), Decimal(0))

    @property
    def ended(self) -> bool:
        """Closed or voided: no `ship` takes what its lines have left, nor the goods a DDT voided
        since gave back (`toolkit ddt void` keeps a closed order closed)."""
        return self.status in (OrderStatus.CLOSED, OrderStatus.VOIDED)

    @property
    def still_to_ship(self) -> Decimal:
        """What the desk is to ship of the order, as the panel, `orders list` and the complete list
        show it: its lines' rest (`to_ship`), nothing once it has `ended` (a zero of the rest's
        scale, `0.000` as the ledger's quantities read)."""
        return still_of(self.to_ship, self.ended)

    def line_still_to_ship(self, line: OrderLine) -> Decimal:
        """`still_to_ship` of one of its lines."""
        return still_of(line.to_ship, self.ended)

    @property
    def invoiced(self) -> Decimal:
        return sum((line.invoiced for line in self.lines), Decimal(0))

    @property
    def credited(self) -> Decimal:
        """What credit notes took back of its invoices (`OrderLine.credited`)."""
        return sum((line.credited for line in self.lines), Decimal(0))

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def key(self) -> tuple[str | None, date]:
        return self.template, self.occurrence

    @property
    def origin(self) -> Origin:
        if self.form is not None:
            return Origin("form", self.form)
        if self.confirms is not None:
            kind = self.confirms_type.value if self.confirms_type is not None else DocumentType.QUOTATION.value
            return Origin(kind, self.confirms)
        return Origin("template", self.template or "")

    @property
    def documents_on(self) -> date | None:
        """The day its documents issued at once will be issued, while they wait for it; None
        when none wait (issued, never due, or the order voided or closed before its day)."""
        waiting = self.documents_held and self.status is OrderStatus.IN_PROGRESS
        return self.occurrence if waiting else None

    @property
    def place(self) -> str:
        """The number whose place this order keeps in the queue for stock (`place_of`)."""
        return place_of(self.number, self.confirms, self.confirms_type)


def place_of(number: str, confirms: str | None, confirms_type: DocumentType | None) -> str:
    """The number whose place an order keeps in the queue for stock (`toolkit.core.reservations`):
    the proposal it confirms, which held the goods since it was made, else its own. A quotation
    held nothing, so its order queues as new.

    >>> place_of("OC-2026-00009", "OC-2026-00002", DocumentType.PROPOSAL)
    'OC-2026-00002'
    >>> place_of("OC-2026-00009", "OC-2026-00002", DocumentType.QUOTATION)
    'OC-2026-00009'
    """
    if confirms is not None and confirms_type is DocumentType.PROPOSAL:
        return confirms
    return number
