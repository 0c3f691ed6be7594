"""The printable DDT (documento di trasporto): one A4 sheet per DDT, one workbook per shipping run.

What DPR 472/1996 asks of a DDT is all on the sheet: the progressive number of the year, the
date, the seller (cedente, the company header), the buyer (cessionario), the destination, who
carries the goods (the seller — mittente — or a carrier, vettore), the reason for transport
(causale), and the goods by description and quantity; packages, weight and the start of
transport are printed when known and left as boxes to fill in otherwise, followed by the
driver's and the recipient's signature boxes.

A return (reso) is stored with negative quantities; the paper shows the goods that travel,
so it prints them as positive quantities under the reason "Reso", from the customer, the
sender, at its place (*Luogo di ritiro*) to the seller (*Luogo di destinazione*): printed as
a sale, it sent the driver collecting them to deliver to the customer's address. Services (an insurance, a
course) are not goods: shipping records them apart, as services rendered, so a DDT carries
goods only and prints every line it stored, whatever the items have become since (an item
marked *Servizio* later left 5 cartons of beer off the reprint of the DDT that carried them).
An order line's note is printed under its description, for the driver.

A voided DDT (`toolkit ddt void`) prints again with its number and the goods it carried, and
under its number ANNULLATO, when, by whom and why; it collects no cash.

Goods paid cash on delivery (contrassegno: the customer's method or the order's own) put a
framed box on the DDT with the cash the driver collects, VAT included
(`toolkit.core.documents.cash_to_collect`): the goods and the services of the same orders
rendered that day, as the invoice's due for the day charges both, a second DDT of the
customer's day what it adds to that due, so that the day's boxes add up to it; or it says there is nothing to collect when
the order was invoiced at the order and paid.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from toolkit.basics.files import write_atomic
from toolkit.basics.labels import define, labeller
from toolkit.basics.vocab import PaymentMethod
from toolkit.basics.vocab import label as vocab_label
from toolkit.core.documents import DeliveryNote
from toolkit.core.shipping import Reason, reason_label
from toolkit.model.parties import Parties, party_book
from toolkit.model.records import MasterData
from toolkit.writers.printable import (
    MONEY_FORMAT,
    a4,
    address_lines,
    company_header,
    document_on_every_page,
    figure,
    formats,
    headings,
    line_cells,
    new_workbook,
    party_lines,
    seller_lines,
    set_widths,
    sheet_name,
    side_by_side,
    text,
)
from toolkit.writers.row_heights import fit_row

define({
    "ddt.title": ("DOCUMENTO DI TRASPORTO", "DELIVERY NOTE"),
    "ddt.law": ("D.d.T. – D.P.R. 472/1996", "DDT – Italian D.P.R. 472/1996"),
    "ddt.number": ("DDT n.", "DDT no."),
    "ddt.kind": ("DDT", "Delivery note"),
    "ddt.seller": ("Cedente", "Seller"),
    "ddt.buyer": ("Cessionario", "Buyer"),
    "ddt.destination": ("Luogo di destinazione", "Destination"),
    "ddt.return_sender": ("Mittente (cliente che rende la merce)", "Sender (customer returning the goods)"),
    "ddt.pickup": ("Luogo di ritiro", "Pickup place"),
    "ddt.recipient": ("Destinatario", "Recipient"),
    "ddt.transport_by": ("Trasporto a cura del", "Transport by"),
    "ddt.carrier": ("Vettore", "Carrier"),
    "ddt.reason": ("Causale del trasporto", "Reason for transport"),
    "ddt.packages": ("Colli", "Packages"),
    "ddt.weight": ("Peso (kg)", "Weight (kg)"),
    "ddt.appearance": ("Aspetto esteriore dei beni", "Appearance of goods"),
    "ddt.start": ("Data e ora inizio trasporto", "Transport start (date, time)"),
    "ddt.order": ("Rif. ordine", "Order ref."),
    "ddt.accounting_date": ("Data contabile", "Accounting date"),
    "ddt.driver_signature": ("Firma del conducente", "Driver's signature"),
    "ddt.recipient_signature": ("Firma del destinatario", "Recipient's signature"),
    "ddt.none": ("Nessun DDT emesso.", "No delivery note issued."),
    "ddt.sheet": ("DDT", "DDT"),
    "ddt.to_collect": ("Contrassegno: da incassare alla consegna (IVA inclusa)",
                       "Cash on delivery: to collect on delivery (VAT included)"),
    "ddt.nothing_to_collect": ("Nulla da incassare: già pagato", "Nothing to collect: already paid"),
})

_WIDTHS = (14, 38, 7, 12, 26)
WEIGHT_FORMAT = "#,##0.0##"
"""A weight in kilos with up to three decimals and never a bare decimal point: `#,##0.###`
showed 36 kg as "36." in Excel."""
_BOX_SPANS = ((0, 0), (1, 2), (3, 4))
"""The three framed fields of a row of transport data: columns A, B–C, D–E."""


def write_delivery_notes(target: Path, master: MasterData, notes: Sequence[DeliveryNote], lang: str = "it", *,
                         paid_orders: Container[int] = frozenset(),
                         to_collect: Mapping[int, Decimal] | None = None) -> Path:
    """One workbook, one printable sheet per DDT named by its number, in the language it was
    issued in (`DeliveryNote.lang`; `lang` for one that kept none). `paid_orders`: the orders
    invoiced at the order and paid, whose cash on delivery the driver no longer collects
    (`toolkit.ledger.deliveries.paid_at_order`); `to_collect`: by DDT id, the cash it
    collects, with the services of its orders rendered that day, as its share of the day's due
    (`toolkit.core.documents.cash_to_collect`); a DDT it does not name collects as if alone
    (`DeliveryNote.to_collect`). A record of services rendered is no DDT
    (`DeliveryNote.is_ddt`) and gets no sheet."""
    to_collect = to_collect or {}
    notes = [note for note in notes if note.is_ddt]

    def write(tmp: Path) -> None:
        book = new_workbook(tmp, "ddt")
        fmt = formats(book)
        extra = _Extra(book)
        master_parties = party_book(master)
        taken: set[str] = set()
        for note in notes:
            payment = _Payment.of(note, note.customer_method(master_parties), paid_orders,
                                  to_collect)
            _note_sheet(book.add_worksheet(sheet_name(note.number, taken)), fmt, extra, note.parties_in(master_parties),
                        note, payment, note.lang or lang)
        if not notes:
            sheet = book.add_worksheet(labeller(lang)("ddt.sheet"))
            text(sheet, 0, 0, labeller(lang)("ddt.none"))
        book.close()

    return write_atomic(target, write)


class _Extra:
    """The DDT's own formats: framed boxes for the transport data and the signatures."""

    def __init__(self, book) -> None:
        self.box_label = book.add_format({"bold": True, "font_size": 8, "top": 1, "left": 1, "right": 1,
                                          "valign": "top"})
        self.box = book.add_format({"bottom": 1, "left": 1, "right": 1, "valign": "top", "text_wrap": True})
        self.box_number = book.add_format({"bottom": 1, "left": 1, "right": 1, "valign": "top",
                                           "num_format": WEIGHT_FORMAT, "align": "left"})
        self.box_money = book.add_format({"bottom": 1, "left": 1, "right": 1, "valign": "top", "bold": True,
                                          "font_size": 12, "num_format": figure(MONEY_FORMAT), "align": "left"})
        self.signature = book.add_format({"border": 1, "valign": "top", "font_size": 8, "bold": True})


@dataclass(frozen=True, slots=True)
class _Payment:
    """What the DDT says of payment: how its orders are paid, printed when an order has a
    method of its own or is paid cash on delivery, and the cash to collect (None: nothing is
    paid cash on delivery)."""

    methods: tuple[PaymentMethod, ...]
    to_collect: Decimal | None
    paid: bool
    """Nothing to collect because the orders were invoiced at the order and paid (not goods
    given away at 0.00)."""

    @classmethod
    def of(cls, note: DeliveryNote, customer_method: PaymentMethod | None, paid_orders: Container[int],
           collected: Mapping[int, Decimal]) -> _Payment:
        to_collect = (collected[note.id] if note.id in collected
                      else note.to_collect(customer_method, paid_orders))
        shown = note.payment_methods or to_collect is not None
        paid = to_collect == 0 and any(line.order_id in paid_orders for line in note.cash_lines(customer_method))
        return cls(note.paid_by(customer_method) if shown else (), to_collect, paid)


def _note_sheet(sheet, fmt, extra: _Extra, parties: Parties, note: DeliveryNote, payment: _Payment,
                lang: str) -> None:
    """One DDT, its parties and goods as it was issued with them (`DeliveryNote.parties_in`)."""
    t = labeller(lang)
    widths = set_widths(sheet, _WIDTHS)
    customer = parties.buyer
    row = company_header(sheet, fmt, parties.seller, lang)
    text(sheet, row, 0, t("ddt.title"), fmt.title)
    text(sheet, row, 3, t("ddt.law"))
    row += 1
    text(sheet, row, 0, t("ddt.number"), fmt.bold)
    text(sheet, row, 1, note.number, fmt.bold)
    text(sheet, row, 3, t("doc.date"), fmt.bold)
    text(sheet, row, 4, note.day, fmt.date)
    if note.voided is not None:
        row += 1
        text(sheet, row, 0, note.voided.shown(lang), fmt.title)
    row = _order_terms(sheet, fmt, note, payment.methods, row, lang, widths)
    row += 2
    returned = note.reason is Reason.RETURN
    text(sheet, row, 0, t("ddt.return_sender" if returned else "ddt.buyer"), fmt.bold)
    text(sheet, row, 3, t("ddt.pickup" if returned else "ddt.destination"), fmt.bold)
    buyer = party_lines(customer, lang) if customer else [note.customer]
    place = address_lines(parties.destination, customer) if customer else []
    row = side_by_side(sheet, row + 1, buyer, place, fmt, widths)
    if returned:
        text(sheet, row, 3, t("ddt.destination"), fmt.bold)
        row = side_by_side(sheet, row + 1, [], seller_lines(parties.seller), fmt, widths)
    row += 1

    carrier = parties.carrier
    if note.carrier is None:
        by, who = t("ddt.recipient" if returned else "ddt.sender"), parties.seller.company_name
    else:
        vat = f" – P. IVA {carrier.vat_number}" if carrier and carrier.vat_number else ""
        by, who = t("ddt.carrier"), (carrier.name if carrier else note.carrier) + vat
    boxes: list[list[tuple[str, object]]] = [
        [("ddt.transport_by", by), ("ddt.carrier", who if note.carrier else None),
         ("ddt.reason", reason_label(note.reason, lang))],
        [("ddt.packages", note.packages), ("ddt.weight", note.weight), ("ddt.start", None)],
    ]
    for group in boxes:
        for (first, last), (key, value) in zip(_BOX_SPANS, group):
            _box(sheet, extra, row, first, last, t(key), value)
        fit_row(sheet, row + 1, [(value, sum(widths[first:last + 1])) for (first, last), (_, value)
                                 in zip(_BOX_SPANS, group)])
        row += 3
    if payment.to_collect is not None:
        collect = t("ddt.nothing_to_collect") if payment.paid else payment.to_collect
        _box(sheet, extra, row, 0, 4, t("ddt.to_collect"), collect, None if payment.paid else extra.box_money)
        row += 3
    _box(sheet, extra, row, 0, 4, t("ddt.appearance"), None)
    row += 3

    heads = ("doc.item", "doc.description", "doc.unit", "doc.quantity", "ddt.order")
    headings(sheet, row, 0, [t(h) for h in heads], fmt, widths)
    header_row = row
    for line in note.lines:
        row += 1
        description = f"{line.description}\n{line.note}" if line.note else line.description
        col = line_cells(sheet, row, 0, line, fmt, price=False, description=description, quantity=abs(line.quantity))
        fit_row(sheet, row, [(description, widths[1])])
        text(sheet, row, col, line.order_number)
    row += 3
    sheet.merge_range(row, 0, row + 3, 1, t("ddt.driver_signature"), extra.signature)
    sheet.merge_range(row, 3, row + 3, 4, t("ddt.recipient_signature"), extra.signature)
    a4(sheet, repeat_rows=(header_row, header_row))
    document_on_every_page(sheet, t("ddt.kind"), note.number, note.day, customer.name if customer else note.customer,
                           lang=lang)


def _order_terms(sheet, fmt, note: DeliveryNote, methods: Sequence[PaymentMethod], row: int, lang: str,
                 widths) -> int:
    """Below the number, what the DDT's orders say beyond the goods: the customer's references
    (their purchase orders), how the orders are paid (`_Payment.methods`) and an accounting
    date other than the DDT's own. Returns the last row used."""
    t = labeller(lang)
    if note.customer_references:
        row += 1
        text(sheet, row, 0, t("doc.customer_reference"), fmt.bold)
        references = "; ".join(note.customer_references)
        text(sheet, row, 1, references, fmt.wrap)
        fit_row(sheet, row, [(references, widths[1])])
    if note.accounting_day != note.day:
        if not note.customer_references:
            row += 1
        text(sheet, row, 3, t("ddt.accounting_date"), fmt.bold)
        text(sheet, row, 4, note.accounting_day, fmt.date)
    if methods:
        row += 1
        text(sheet, row, 0, t("doc.payment_method"), fmt.bold)
        text(sheet, row, 1, ", ".join(vocab_label(m, lang) for m in methods))
    return row


def _box(sheet, extra: _Extra, row: int, first: int, last: int, caption: str, value, value_format=None) -> None:
    """A framed field: caption on top, value (or room to write it by hand) below, in
    `value_format` if given, else as a number or text."""
    value_format = value_format or (extra.box_number if _is_number(value) else extra.box)
    if first == last:
        text(sheet, row, first, caption, extra.box_label)
        text(sheet, row + 1, first, value, value_format)
        return
    sheet.merge_range(row, first, row, last, caption, extra.box_label)
    sheet.merge_range(row + 1, first, row + 1, last, "", value_format)
    text(sheet, row + 1, first, value, value_format)


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
