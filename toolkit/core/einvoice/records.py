"""What a FatturaPA says, as a tree of frozen records: one record per block of the format.

The tree is the boundary between the rules and the file. `toolkit.core.einvoice.build` fills
it from an invoice of the ledger, `toolkit.core.einvoice.checks` runs SDI's checks on it (on
what the file will say, as SDI does), and `toolkit.writers.fatturapa` turns it into XML in the
schema's order. Each record names the block it stands for (its XML element) in its docstring.

Values are kept as the file will carry them: amounts are `Decimal` (a credit note's are
positive, as TD04 expects), dates are `date`, texts are already folded to the characters the
schema accepts. Nothing here is formatted: the writer decides how a number is spelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class FiscalId:
    """IdFiscaleIVA / IdTrasmittente: a country and a VAT number (partita IVA) without the prefix."""

    country: str
    code: str


@dataclass(frozen=True, slots=True)
class Address:
    """Sede: street, postcode (CAP), town (Comune), province (Provincia) and country (Nazione)."""

    street: str
    postcode: str
    city: str
    province: str | None
    country: str


@dataclass(frozen=True, slots=True)
class Registration:
    """IscrizioneREA: the company's entry in the REA (Ufficio, NumeroREA), its share capital,
    one shareholder (SU) or several (SM), and whether it is in liquidation (LS) or not (LN)."""

    office: str
    number: str
    share_capital: Decimal | None
    shareholders: str | None
    liquidation: str


@dataclass(frozen=True, slots=True)
class Party:
    """CedentePrestatore (the seller) or CessionarioCommittente (the buyer).

    The seller always has a VAT id and a tax regime (RegimeFiscale); a buyer has a VAT id, a
    tax code (codice fiscale), or both, and no regime."""

    name: str
    address: Address
    vat_id: FiscalId | None = None
    tax_code: str | None = None
    tax_regime: str | None = None
    registration: Registration | None = None
    """The seller's IscrizioneREA, when it gives one."""


@dataclass(frozen=True, slots=True)
class Transmission:
    """DatiTrasmissione: who sends the file, its progressive, its format and where SDI delivers it.

    `recipient_code` is CodiceDestinatario: the buyer's 7-character channel code, a public
    administration's 6-character office code (FPA12), `0000000` when SDI delivers to a PEC
    address or to the buyer's reserved area, `XXXXXXX` for a buyer abroad, `2R4GTO8` (San
    Marino's hub) for a buyer in San Marino."""

    transmitter: FiscalId
    progressive: str
    format: str
    recipient_code: str
    pec: str | None = None


@dataclass(frozen=True, slots=True)
class RelatedDocument:
    """DatiOrdineAcquisto or DatiFattureCollegate: a document the invoice refers to, and which
    of its lines (RiferimentoNumeroLinea) it concerns; no lines means the whole invoice."""

    reference: str
    day: date | None = None
    lines: tuple[int, ...] = ()
    cup: str | None = None
    """CodiceCUP: the public work the order belongs to (DatiOrdineAcquisto only)."""
    cig: str | None = None
    """CodiceCIG: the public contract the order is placed under (DatiOrdineAcquisto only)."""
    intent: LetterOfIntent | None = None
    """The letter of intent the corrected invoice was issued under (DatiFattureCollegate only,
    not written there: the credit note's N3.5 line cites it)."""


@dataclass(frozen=True, slots=True)
class DeliveryNote:
    """DatiDDT: a DDT the invoice covers, with the invoice lines that ship under it."""

    number: str
    day: date
    lines: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Line:
    """DettaglioLinee: one line. `quantity` is never negative (the schema has no sign for it):
    a negative line carries the sign on its unit price, so quantity × unit price = total."""

    number: int
    item: str | None
    description: str
    quantity: Decimal
    unit: str | None
    unit_price: Decimal
    total: Decimal
    rate: Decimal
    nature: str | None = None
    intents: tuple[LetterOfIntent, ...] = ()
    """The letters of intent the document is under, on its first line under them (N3.5): the
    buyer's, or a credit note's correcting invoices of several letters, one block each."""


@dataclass(frozen=True, slots=True)
class LetterOfIntent:
    """AltriDatiGestionali of type INTENTO: the protocol of the buyer's letter of intent
    (dichiarazione d'intento) and its date, which an invoice without VAT under it must cite."""

    protocol: str
    day: date | None = None


@dataclass(frozen=True, slots=True)
class VatSummary:
    """DatiRiepilogo: per VAT rate, and per nature (Natura) for lines without VAT, the taxable
    amount and the VAT; a nature comes with the law that exempts it (RiferimentoNormativo)."""

    rate: Decimal
    taxable: Decimal
    vat: Decimal
    nature: str | None = None
    legal_reference: str | None = None
    payability: str | None = None
    """EsigibilitaIVA: `S` under split payment (the public administration pays the VAT to the
    State); None leaves it out, which SDI reads as `I` (VAT due at once)."""


@dataclass(frozen=True, slots=True)
class Instalment:
    """DettaglioPagamento: how (ModalitaPagamento, an MP code), when and how much."""

    method: str
    due: date
    amount: Decimal
    iban: str | None = None


@dataclass(frozen=True, slots=True)
class Payment:
    """DatiPagamento: TP02 for a single payment, TP01 for instalments, and each instalment."""

    terms: str
    instalments: tuple[Instalment, ...]


@dataclass(frozen=True, slots=True)
class Body:
    """FatturaElettronicaBody: DatiGenerali (the document, its references), DatiBeniServizi
    (lines and VAT summary) and DatiPagamento."""

    kind: str
    """TipoDocumento: TD01, TD24 or TD04 (see `toolkit.core.einvoice.codes`)."""
    currency: str
    day: date
    number: str
    total: Decimal
    """ImportoTotaleDocumento: taxable plus VAT."""
    lines: tuple[Line, ...]
    summary: tuple[VatSummary, ...]
    stamp_duty: Decimal | None = None
    """DatiBollo: the virtual stamp duty (bollo virtuale) when the invoice owes it."""
    reason: str | None = None
    """Causale: why a credit note was issued against an invoice (`toolkit invoice credit`)."""
    purchase_orders: tuple[RelatedDocument, ...] = ()
    linked_invoices: tuple[RelatedDocument, ...] = ()
    delivery_notes: tuple[DeliveryNote, ...] = ()
    payment: Payment | None = None


@dataclass(frozen=True, slots=True)
class FatturaPA:
    """FatturaElettronica: one file, one invoice (the format allows a batch; we send one each,
    so a rejection stops one invoice and not the month)."""

    transmission: Transmission
    seller: Party
    buyer: Party
    body: Body

    @property
    def version(self) -> str:
        """The `versione` attribute: the same as FormatoTrasmissione."""
        return self.transmission.format
