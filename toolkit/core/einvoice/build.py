"""From an invoice of the ledger, its seller and its buyer to the FatturaPA tree.

Everything the file says comes from three places: the invoice (lines, DDTs, VAT summary,
dues, as the ledger stored them: never recomputed here, so SDI's checks test the numbers the
customer is charged), the seller's settings (*Impostazioni*) and the buyer (*Clienti*). What
the workbook does not say yet comes in as arguments: the customers' order references
(DatiOrdineAcquisto), the invoices a credit note corrects (DatiFattureCollegate), the file's
progressive, and `Options` (transmitter, legal references).

A credit note is stored with negative amounts, so sums over a register net out; the file
carries them positive (`as_stated`, as the printed copy does), as TD04 means "to be taken
off". A line's quantity is never negative in the format: a negative line moves its sign to the
unit price.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from toolkit.basics.vat_ids import country_code, id_country
from toolkit.basics.vocab import Liquidation, PaymentMethod
from toolkit.core import stamp_duty
from toolkit.core.einvoice import codes
from toolkit.core.einvoice.deadline import document_type
from toolkit.core.einvoice.fields import fold
from toolkit.core.einvoice.names import seller_id, vat_code
from toolkit.core.einvoice.records import (
    Address,
    Body,
    DeliveryNote,
    FatturaPA,
    FiscalId,
    Instalment,
    LetterOfIntent,
    Line,
    Party,
    Payment,
    Registration,
    RelatedDocument,
    Transmission,
    VatSummary,
)
from toolkit.core.intent_ceiling import letter_key
from toolkit.core.invoicing import DeliveryRef, Invoice, InvoiceKind, InvoiceLine, as_stated
from toolkit.core.vat import INTRA_EU_GOODS
from toolkit.model.parties import Buyer, Seller, seller_of
from toolkit.model.records import Customer, Settings

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Options:
    """What the FatturaPA needs that the master workbook does not say (yet)."""

    transmitter: FiscalId | None = None
    """IdTrasmittente: who sends the files to SDI; None: the seller itself (through the
    Agenzia's portal). An intermediary gives its own tax id here."""
    legal_references: Mapping[str, str] = field(default_factory=lambda: codes.LEGAL_REFERENCES)
    """RiferimentoNormativo of each nature (Natura)."""
    currency: str = "EUR"


def build(invoice: Invoice, seller: Settings | Seller, buyer: Customer | Buyer, progressive: str, *,
          purchase_orders: Mapping[str, str] | None = None, linked: Sequence[RelatedDocument] = (),
          services: Collection[str] = (), options: Options = Options()) -> FatturaPA:
    """The FatturaPA of one invoice or credit note.

    `purchase_orders` maps an order number to the customer's reference for it (their
    purchase order number), beside the references the invoice's lines carry from their orders;
    `linked` are the invoices a credit note corrects, each bearing the CUP and CIG that invoice
    bore (`toolkit.core.einvoice.links`), not the buyer's of today: a public body matches the
    note to the contract of the invoice it corrects. `services` are the items that are services:
    their lines invoiced at the order cite it, as those of services rendered do.
    """
    credit_note = invoice.kind is InvoiceKind.CREDIT_NOTE
    invoice = as_stated(invoice)
    public = _public_codes(buyer)
    lines = _citing_intent(tuple(_line(line) for line in invoice.lines), buyer,
                           linked if credit_note or invoice.debit_note else ())
    summary = tuple(
        VatSummary(s.rate, s.taxable, s.vat, s.nature,
                   codes.legal_reference(s.nature, seller.tax_regime, options.legal_references) if s.nature else None,
                   codes.SPLIT_PAYMENT if invoice.split_payment and not s.nature else None)
        for s in invoice.summary)
    delivery_notes = _delivery_notes(invoice)
    body = Body(
        kind=document_type(invoice),
        currency=options.currency,
        day=invoice.invoice_date,
        number=invoice.number or "",
        total=invoice.total,
        lines=lines,
        summary=summary,
        stamp_duty=codes.STAMP_DUTY if stamp_duty_due(summary) else None,
        reason=(fold(invoice.reason) or "")[:200] or None,
        purchase_orders=_purchase_orders(invoice, purchase_orders or {}, public, services),
        linked_invoices=tuple(replace(x, cup=_capitals(x.cup), cig=_capitals(x.cig)) for x in linked),
        delivery_notes=delivery_notes,
        payment=_payment(invoice, seller),
    )
    seller_vat = seller_id(seller)
    return FatturaPA(_transmission(buyer, progressive, options.transmitter or seller_vat),
                     _seller(seller, seller_vat), _buyer(buyer, goods=of_goods(invoice, services)), body)


def of_goods(invoice: Invoice, services: Collection[str]) -> bool:
    """Whether the document sells (or credits) goods: a line of an item that is no service, or a
    line of the intra-EU goods nature (a volume discount on them). The stamp duty and services
    are not goods. The e-invoice and the printed copy name a Northern Ireland buyer by it."""
    return any((line.item and line.item not in services) or line.vat_nature == INTRA_EU_GOODS
               for line in invoice.lines)


def _delivery_notes(invoice: Invoice) -> tuple[DeliveryNote, ...]:
    """One DatiDDT per DDT the lines cite, in date and number order, with the lines it covers."""
    lines: dict[DeliveryRef, list[int]] = defaultdict(list)
    for line in invoice.lines:
        if line.delivery is not None and not line.delivery.services:
            lines[line.delivery].append(line.line_no)
    return tuple(DeliveryNote(ref.number, ddt_day(ref), tuple(numbers))
                 for ref, numbers in sorted(lines.items(), key=lambda kv: (ddt_day(kv[0]), kv[0].number)))


def ddt_day(ref: DeliveryRef) -> date:
    """The DDT's date: the one place that reads it from the invoice's record."""
    return ref.day


def stamp_duty_due(summary: Iterable[VatSummary]) -> bool:
    """Whether the amounts without VAT that count for the stamp duty exceed 77.47 €.

    >>> D = Decimal
    >>> stamp_duty_due([VatSummary(D(0), D("77.47"), D(0), "N4")])
    False
    >>> stamp_duty_due([VatSummary(D(0), D("77.48"), D(0), "N4"), VatSummary(D(22), D(500), D(110))])
    True
    >>> stamp_duty_due([VatSummary(D(0), D("500"), D(0), "N3.1")])
    False
    """
    return stamp_duty.due((s.rate, s.taxable, s.nature) for s in summary)


def _citing_intent(lines: tuple[Line, ...], buyer: Customer | Buyer,
                   linked: Sequence[RelatedDocument] = ()) -> tuple[Line, ...]:
    """The lines with the letter of intent on the first one sold under it (N3.5), as the Agenzia
    asks (AltriDatiGestionali INTENTO): the invoice must cite the letter's protocol. A credit
    note cites the letters of the invoices it corrects, one block each, as a variation follows
    the operations it corrects: a return taking back goods of invoices under two letters (the
    customer's letter of last year and this year's), or of one under a letter and one before
    it, cited none. One protocol typed with a dash on some invoices and a slash on others is one
    letter (`letter_key`), cited once as the first corrected invoice typed it, as the note's
    buyer and its print name it (`toolkit.core.credit_notes.as_corrected`): the letter the
    Agenzia matched those invoices to, whatever *Clienti* says today, so a note printed again
    reads as issued. The buyer's letter stands in when no corrected invoice kept one."""
    first = next((n for n, line in enumerate(lines) if line.nature == codes.LETTER_OF_INTENT), None)
    if first is None:
        return lines
    by_key: dict[tuple[str, date | None], LetterOfIntent] = {}
    for x in linked:
        if x.intent is not None:
            by_key.setdefault((letter_key(x.intent.protocol), x.intent.day), x.intent)
    letters = tuple(by_key.values())
    if not letters:
        letters = tuple(x for x in (letter_of(buyer.intent_protocol, buyer.intent_date),) if x is not None)
    if not letters:
        return lines
    return (*lines[:first], replace(lines[first], intents=letters), *lines[first + 1:])


def letter_of(protocol: str | None, day: date | str | None) -> LetterOfIntent | None:
    """The letter a buyer's protocol and date name (its date ISO text as the ledger keeps it);
    None without a protocol."""
    protocol = (protocol or "").strip()
    if not protocol:
        return None
    return LetterOfIntent(protocol, date.fromisoformat(day) if isinstance(day, str) else day)


def _line(line: InvoiceLine) -> Line:
    quantity, price = line.quantity, line.unit_price
    if quantity < 0:
        quantity, price = -quantity, -price
    item = fold(line.item)
    return Line(line.line_no, item, clip(fold(line.description) or item or "", DESCRIPTION),
                quantity, clip(fold(line.unit, ascii_only=True) or "", UNIT) or None, price, line.amount, line.vat_rate,
                line.vat_nature or None)


def _purchase_orders(invoice: Invoice, given: Mapping[str, str], public: tuple[str | None, str | None],
                     services: Collection[str] = ()) -> tuple[RelatedDocument, ...]:
    """One DatiOrdineAcquisto per order with a customer reference, with its invoice lines.

    Services travel on no DDT, so their order is what documents them: their lines cite it by
    its reference, else by its own number, rendered (`DeliveryRef.services`) or invoiced at the
    order, before anything is rendered (no delivery, an item of `services`). A buyer with a
    CUP or CIG (`public`) has every order cited, each block bearing them: a public body pays only
    what names its contract (art. 25 DL 66/2014)."""
    references = {line.order_number: line.customer_reference for line in invoice.lines if line.customer_reference}
    references.update(given)
    every_order = any(public)
    cited: dict[str, str] = {}
    lines: dict[str, list[int]] = defaultdict(list)
    for line in invoice.lines:
        own = line.order_number if every_order else None
        if reference := references.get(line.order_number) or _rendered_order(line, services) or own:
            cited.setdefault(line.order_number, reference)
            lines[line.order_number].append(line.line_no)
    cup, cig = public
    return tuple(RelatedDocument(clip(fold(cited[order], ascii_only=True) or "", REFERENCE), None, tuple(numbers), cup,
                                 cig)
                 for order, numbers in lines.items())


def _public_codes(buyer: Customer | Buyer) -> tuple[str | None, str | None]:
    """The buyer's CUP and CIG, as the e-invoice writes them (letters and digits, capitals)."""
    return _capitals(buyer.cup), _capitals(buyer.cig)


def _capitals(code: str | None) -> str | None:
    folded = fold(code, ascii_only=True)
    return folded.upper() if folded else None


def _rendered_order(line: InvoiceLine, services: Collection[str]) -> str | None:
    """The order number of a line of services, which no DDT documents: rendered, or invoiced at
    its order (no delivery yet); else None."""
    if line.delivery is not None:
        return line.order_number if line.delivery.services else None
    return line.order_number if line.order_line_id is not None and line.item in services else None


def _payment(invoice: Invoice, seller: Settings | Seller) -> Payment | None:
    if not invoice.dues:
        return None
    method = payment_code(invoice.payment_method)
    iban = ("".join(seller.iban.split()).upper() if seller.iban and codes.pays_into_account(invoice.payment_method)
            else None)
    instalments = tuple(Instalment(method, due.due_date, due.amount, iban) for due in invoice.dues)
    return Payment(codes.INSTALMENTS if len(instalments) > 1 else codes.SINGLE_PAYMENT, instalments)


def payment_code(method: PaymentMethod) -> str:
    """ModalitaPagamento (MP01 …) of a payment method.

    >>> payment_code(PaymentMethod.RIBA), payment_code(PaymentMethod.BANK_TRANSFER)
    ('MP12', 'MP05')
    """
    return codes.PAYMENT_METHODS[method]


def _transmission(buyer: Customer | Buyer, progressive: str, transmitter: FiscalId) -> Transmission:
    country = country_code(buyer.country)
    code = (fold(buyer.sdi_code, ascii_only=True) or "").upper()
    if not code:
        code = codes.NO_CHANNEL if country == "IT" or _private_with_tax_code(buyer) else codes.abroad_code(country)
    pec = (fold(buyer.pec, ascii_only=True) or None) if code == codes.NO_CHANNEL else None
    return Transmission(transmitter, progressive, codes.transmission_format(code), code, pec)


def _seller(settings: Settings | Seller, vat_id: FiscalId) -> Party:
    """CedentePrestatore, under the regime it issued the invoice in (`Seller.tax_regime`), with
    the REA registration it printed."""
    seller = seller_of(settings) if isinstance(settings, Settings) else settings
    return Party(
        name=clip(fold(settings.company_name) or "", NAME),
        address=_address(settings.address, settings.postcode, settings.city, settings.province, vat_id.country),
        vat_id=vat_id,
        tax_code=_tax_code(settings.tax_code),
        tax_regime=settings.tax_regime,
        registration=_registration(seller),
    )


def _registration(seller: Seller) -> Registration | None:
    """IscrizioneREA from the seller the document printed; None without an office and number."""
    if not (seller.rea_office and seller.rea_number):
        return None
    capital = seller.share_capital
    return Registration(seller.rea_office.strip().upper(), fold(seller.rea_number.strip()) or "",
                        None if capital is None else Decimal(capital), seller.shareholders,
                        seller.liquidation or Liquidation.NOT.value)


def _buyer(customer: Customer | Buyer, *, goods: bool = True) -> Party:
    """CessionarioCommittente. A Northern Ireland buyer is named by its XI number for goods only
    (Windsor Framework: XI stands for the EU in trade in goods); for services Northern Ireland is
    the United Kingdom, outside the EU, so a document of services alone names it GB, as an
    out-of-scope service to a British business (N2.1, art. 7-ter), never an intra-EU one."""
    country = country_code(customer.country)
    id_paese = id_country(customer.vat_number, country, goods=goods) if customer.vat_number else country
    return Party(
        name=clip(fold(customer.name) or "", NAME),
        address=_address(customer.address, customer.postcode, customer.city, customer.province, country),
        vat_id=(FiscalId(id_paese, vat_code(customer.vat_number, country)) if customer.vat_number
                else FiscalId(country, CONSUMER_ABROAD) if country != "IT" else None),
        tax_code=_tax_code(customer.tax_code) if country == "IT" or _private_with_tax_code(customer) else None,
    )


def _private_with_tax_code(buyer: Customer | Buyer) -> bool:
    """A private person abroad with an Italian codice fiscale (an Italian living abroad): its
    e-invoice carries the codice fiscale beside IdFiscaleIVA's `CONSUMER_ABROAD` and goes to
    0000000, as to a non-resident identified in Italy (the Agenzia's FAQ), so that SDI leaves it
    in the buyer's reserved area, which that code opens. XXXXXXX written on the sheet is kept, and
    the codice fiscale left out: SDI discards XXXXXXX beside an Italian codice fiscale (00313)."""
    typed = (fold(buyer.sdi_code, ascii_only=True) or "").upper()
    return (bool(buyer.tax_code) and not buyer.vat_number and typed != codes.ABROAD
            and country_code(buyer.country) not in ("IT", codes.SAN_MARINO))


CONSUMER_ABROAD = "99999999999"
"""IdCodice of a buyer abroad without a VAT number (a private person), beside IdPaese its country:
the Agenzia's FAQ on e-invoices to foreign consumers. Without it the file had neither IdFiscaleIVA
nor CodiceFiscale, which SDI rejects (00417), and an Italian codice fiscale a foreigner lacks."""


def _address(street: str, postcode: str | None, city: str, province: str | None, country: str) -> Address:
    """Sede. Abroad there is no Italian postcode: the format asks for 00000, and no province.
    San Marino's postcodes are Italian CAPs (47890 to 47899), and SDI wants the real one: its
    CAP is written as the customer's (the data check refuses one outside those), with no
    province."""
    street, city = clip(fold(street) or "", PLACE), clip(fold(city) or "", PLACE)
    if country == "SM":
        return Address(street, "".join((postcode or "").split()), city, None, country)
    if country != "IT":
        return Address(street, "00000", city, None, country)
    return Address(street, "".join((postcode or "").split()), city, (province or "").strip().upper() or None, country)


NAME, PLACE, DESCRIPTION, UNIT, REFERENCE = 80, 60, 1000, 10, 20
"""The most characters the schema takes in Denominazione (String80Latin), Indirizzo and Comune
(String60Latin), Descrizione (String1000Latin), UnitaMisura (String10) and IdDocumento
(String20: a customer's order reference, up to 60 characters on an order form, where € folds to
EUR)."""


def clip(text: str, limit: int) -> str:
    """`text` cut to the schema's `limit`, as every e-invoicing program sends a long name.

    A company's legal name of 90 characters, an address with its locality or an item's long
    description pass the data check and are printed whole; refused here, the invoice, already
    issued and numbered, could not be sent until the customer's name was shortened on the sheet.
    The partita IVA, not the name, tells SDI who the buyer is, and no amount depends on a text.
    Cut after folding (`fold`), whose texts count one character per letter, as the schema does.

    >>> clip("Bar " + "x" * 80, 80)[-3:], len(clip("Bar " + "x" * 80, 80)), clip("Caffè  Bar", 6), clip("Bar", 80)
    ('xxx', 80, 'Caffè', 'Bar')
    """
    if len(text) <= limit:
        return text
    return text[:limit].rstrip()


def _tax_code(code: str | None) -> str | None:
    return "".join(code.split()).upper() or None if code else None
