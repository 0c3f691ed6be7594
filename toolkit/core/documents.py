"""The documents the ledger issues, as the core and the writers see them.

Records only, with no storage behind them: the ledger reads its rows into these, the writers
print them, and the core computes over them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from toolkit.basics.vocab import InvoiceGrouping, PaymentMethod
from toolkit.core.ddt_void import Voided
from toolkit.core.lines import DocumentLine
from toolkit.core.shipping import SERVICES_SERIES, Reason
from toolkit.core.vat import total_with_vat
from toolkit.model.parties import Parties, PartyBook


@dataclass(frozen=True, slots=True)
class DeliveryNoteLine(DocumentLine):
    """A stored DDT line: the quantity shipped (negative on a return), priced as the order line,
    which is what invoicing will charge."""

    id: int
    order_line_id: int
    order_id: int
    order_number: str
    line_no: int
    """The order line's number."""
    customer_reference: str | None = None
    """The order's customer reference (their purchase-order number)."""
    payment_method: PaymentMethod | None = None
    """The order's own payment method; None: the customer's."""
    note: str | None = None
    """The order line's note (read from the order line, not stored on the DDT line)."""
    project: str | None = None
    """The order's project, which keeps its invoice apart when the customer's invoices are one
    per project."""


@dataclass(frozen=True, slots=True)
class DeliveryNote:
    """A stored DDT (documento di trasporto)."""

    id: int
    number: str
    series: str
    year: int
    sequence: int
    day: date
    customer: str
    ship_to: str | None
    carrier: str | None
    """None: the seller delivers (mittente)."""
    reason: Reason
    packages: int | None
    weight: Decimal | None
    forced: bool
    lines: tuple[DeliveryNoteLine, ...]
    accounting_date: date | None = None
    """The day the DDT counts from in the accounts (data contabile); None: the DDT's date."""
    parties: Parties | None = None
    """The seller, buyer, destination and carrier as the DDT printed them, kept by the ledger
    when it stores it; None for a DDT of a ledger made before they were kept."""
    voided: Voided | None = None
    """Why, when and by whom the DDT was voided (`toolkit ddt void`); its lines are then those it
    carried, printed under ANNULLATO, and it ships and collects nothing. None: in force."""
    lang: str | None = None
    """The language it was issued in, which its reprints speak (`Order.lang`)."""

    def parties_in(self, book: PartyBook) -> Parties:
        """The parties as issued, else (a DDT of an older ledger) as the master says today."""
        return self.parties or book.parties(self.customer, self.ship_to, self.carrier)

    def customer_method(self, book: PartyBook) -> PaymentMethod | None:
        """How the customer paid when the DDT was issued, as its buyer was kept with it: a DDT
        printed again for a second delivery asks the cash its first paper asked, whatever
        *Clienti* says since. A DDT whose kept buyer says nothing of it (an earlier toolkit's, or
        of a ledger that kept no parties) can only read the master of today (`book`)."""
        stated = self.parties.buyer.payment_method if self.parties and self.parties.buyer else None
        return PaymentMethod(stated) if stated else book.payment_method(self.customer)

    def invoice_grouping(self, book: PartyBook) -> InvoiceGrouping | None:
        """The customer's *Raggruppamento fatture* when the DDT was issued, as `customer_method`."""
        stated = self.parties.buyer.invoice_grouping if self.parties and self.parties.buyer else None
        return InvoiceGrouping(stated) if stated else book.invoice_grouping(self.customer)

    @property
    def orders(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(line.order_number for line in self.lines))

    @property
    def is_ddt(self) -> bool:
        """A DDT, not a record of services rendered (`SERVICES_SERIES`), which prints nothing."""
        return self.series != SERVICES_SERIES

    @property
    def accounting_day(self) -> date:
        return self.accounting_date or self.day

    @property
    def customer_references(self) -> tuple[str, ...]:
        """The customer's references of the orders shipped, once each, in the lines' order."""
        return tuple(dict.fromkeys(line.customer_reference for line in self.lines if line.customer_reference))

    @property
    def payment_methods(self) -> tuple[PaymentMethod, ...]:
        """The orders' own payment methods (cash on delivery tells the driver to collect)."""
        return tuple(dict.fromkeys(line.payment_method for line in self.lines if line.payment_method))

    def paid_by(self, customer_method: PaymentMethod | None) -> tuple[PaymentMethod, ...]:
        """How the DDT's orders are paid, once each: an order's own method, else the customer's
        (`customer_method`; None for a customer the master no longer lists), as invoicing
        reads it (`toolkit.core.invoicing.payment_method`)."""
        return tuple(dict.fromkeys(m for line in self.lines if (m := line.payment_method or customer_method)))

    def to_collect(self, customer_method: PaymentMethod | None, paid_orders: Container[int],
                   rendered: Sequence[DeliveryNoteLine] = ()) -> Decimal | None:
        """What the driver collects on delivery, VAT included, when this DDT is its customer's
        only one of the day (`cash_to_collect` shares a day among its DDTs): the lines of the
        orders paid cash on delivery (contrassegno), the order's own method or the customer's,
        at their order prices; None when none is paid so, or on a return, whose goods come back.

        Rounded as the invoice rounds its due for the delivery (`total_with_vat`: VAT per rate
        on the rate's sum), and with the services of its orders rendered that day (`rendered`,
        from `services_collected`; on a DDT of an older ledger, the services it carries but does
        not print as goods), which that due includes too: the cash collected settles the due,
        so the customer pays the whole delivery, not its goods only. An order invoiced at the
        order and paid already (`paid_orders`, from the ledger) adds nothing: 0 when that
        leaves nothing to collect."""
        collected = self.collected(customer_method, rendered)
        if collected is None:
            return None
        return total_with_vat(line for line in collected if line.order_id not in paid_orders)

    def collected(self, customer_method: PaymentMethod | None, rendered: Sequence[DeliveryNoteLine] = ()
                  ) -> list[DeliveryNoteLine] | None:
        """The lines whose cash the driver collects (`to_collect`), paid or not; None when none
        is paid cash on delivery."""
        cash = self.cash_lines(customer_method)
        if not cash:
            return None
        orders = {line.order_id for line in cash}
        return [*cash, *(line for line in rendered if line.order_id in orders)]

    def cash_lines(self, customer_method: PaymentMethod | None) -> list[DeliveryNoteLine]:
        """The lines of the orders paid cash on delivery, none on a return or a voided DDT (`to_collect`)."""
        if self.reason is Reason.RETURN or self.voided is not None:
            return []
        return [line for line in self.lines
                if (line.payment_method or customer_method) is PaymentMethod.CASH_ON_DELIVERY]


def cash_to_collect(notes: Iterable[DeliveryNote], book: PartyBook,
                    paid_orders: Container[int] = frozenset(), invoiced: Mapping[int, int] | None = None,
                    stamp_duty: Mapping[int, tuple[date, Decimal]] | None = None) -> dict[int, Decimal]:
    """By DDT id, the cash each DDT collecting cash on delivery among `notes` asks (the
    customers' every DDT and record of services rendered of the days printed), as `to_collect`
    says of a DDT alone: its goods and the services rendered with them (`services_collected`),
    but for the orders invoiced at the order and paid (`paid_orders`). How each DDT's customer
    pays and groups its invoices is as the DDT was issued (`DeliveryNote.customer_method`;
    `book`, the master's parties, for a DDT issued before the ledger kept them).

    An invoice charges a customer's day as one due, its VAT rounded on the day's sum: so the
    day's DDTs, in the order they were stored, each collect what they add to the due of the
    invoice that charges their lines, the due with them less the due without, and the boxes
    add up to it to the cent; a DDT stored later never changes what an earlier one asked. The
    invoice is the one issued already (`invoiced`: by DDT line id, the invoice charging it:
    `ship --invoice`, at the order, a month end run), else the one a month end run will make,
    one per customer, destination or project (*Raggruppamento fatture*, `group_key`). An issued
    invoice charging the stamp duty (`stamp_duty`: by invoice id, its last due's day and the
    duty) has it collected with that day's first DDT on it, as its due asks: `ship --invoice` of
    80.00 € of exempt goods is due 82.00 € that day, and its driver collected 80.00 €."""
    notes = sorted(notes, key=lambda note: note.id)
    rendered = services_collected(notes)
    invoiced = invoiced or {}
    earlier: dict[tuple[object, ...], list[DeliveryNoteLine]] = defaultdict(list)
    found: dict[int, Decimal] = {}
    for note in notes:
        collected = (note.collected(note.customer_method(book), rendered.get(note.id, ()))
                     if note.is_ddt else None)
        if collected is None:
            continue
        grouping = note.invoice_grouping(book)
        mine: dict[tuple[object, ...], list[DeliveryNoteLine]] = defaultdict(list)
        for line in collected:
            if line.order_id not in paid_orders:
                mine[_charged_by(note, line, grouping, invoiced)].append(line)
        found[note.id] = sum((total_with_vat([*earlier[due], *lines]) - total_with_vat(earlier[due])
                              + (_duty(due, stamp_duty) if not earlier[due] else Decimal(0))
                              for due, lines in mine.items()), Decimal(0))
        for due, lines in mine.items():
            earlier[due] += lines
    return found


def _duty(due: tuple[object, ...], stamp_duty: Mapping[int, tuple[date, Decimal]] | None) -> Decimal:
    """The stamp duty an issued invoice's due of a day (`_charged_by`) takes: its last due's."""
    invoice, day = due[0], due[1]
    if not stamp_duty or not isinstance(invoice, int) or invoice not in stamp_duty:
        return Decimal(0)
    last, duty = stamp_duty[invoice]
    return duty if day == last else Decimal(0)


def _charged_by(note: DeliveryNote, line: DeliveryNoteLine, grouping: InvoiceGrouping | None,
                invoiced: Mapping[int, int]) -> tuple[object, ...]:
    """The due that charges a line collected on delivery: its invoice's for the DDT's day, the
    invoice issued already, else the month end's invoice for its customer and grouping."""
    issued = invoiced.get(line.id)
    if issued is not None:
        return (issued, note.day)
    return (None, note.day, note.customer, note.ship_to if grouping is InvoiceGrouping.SHIPPING_ADDRESS else None,
            line.project if grouping is InvoiceGrouping.PROJECT else None)


def services_collected(notes: Iterable[DeliveryNote]) -> dict[int, tuple[DeliveryNoteLine, ...]]:
    """The services rendered (records of `SERVICES_SERIES`, which print nothing) whose cash each
    DDT's driver collects, by the DDT's id: a service line goes with the first DDT, in the
    order given (the ledger's: by number), of its day and customer carrying goods of the same
    order, as the invoice's due for that day charges it with them. A service of an order that
    ships no goods that day travels with no driver, and none collects it."""
    carrying: dict[tuple[date, str, int], int] = {}
    rendered: list[DeliveryNote] = []
    for note in notes:
        if not note.is_ddt:
            rendered.append(note)
        elif note.reason is not Reason.RETURN:
            for line in note.lines:
                carrying.setdefault((note.day, note.customer, line.order_id), note.id)
    found: dict[int, list[DeliveryNoteLine]] = defaultdict(list)
    for note in rendered:
        for line in note.lines:
            ddt = carrying.get((note.day, note.customer, line.order_id))
            if ddt is not None:
                found[ddt].append(line)
    return {ddt: tuple(lines) for ddt, lines in found.items()}
