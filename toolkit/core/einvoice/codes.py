"""The FatturaPA's codes the toolkit uses, and why each applies.

Document types (TipoDocumento):

- **TD01** fattura: an immediate invoice, issued when the goods leave or the order is paid
  (the toolkit's POS, on-credit and prepay orders, customers invoiced immediately, and
  `ship --invoice`: dated as its DDTs, it may cite them in DatiDDT and is still immediate);
- **TD24** fattura differita (art. 21, comma 4, lett. a, DPR 633/72): an invoice dated after
  a delivery it bills, as the month-end invoice is, for goods that travelled with a DDT or
  services rendered documented by their order; it must cite those DDTs (DatiDDT), or the
  orders (DatiOrdineAcquisto), and is due by the 15th of the following month;
- **TD04** nota di credito: a credit note, here for returned goods; it cites the invoice it
  corrects (DatiFattureCollegate) and carries positive amounts.

Transmission formats: **FPA12** to a public administration (its recipient code is the
6-character office code of the IPA index), **FPR12** to everyone else (7 characters).

Payment methods (ModalitaPagamento) map from the toolkit's vocabulary; natures (Natura) of
lines without VAT carry a default legal reference (RiferimentoNormativo) the user may
override, and decide whether the invoice owes the stamp duty (imposta di bollo, DPR 642/72:
2.00 € on invoices whose amounts without VAT exceed 77.47 €, paid virtually).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from toolkit.basics import tax_regimes
from toolkit.basics.vocab import PaymentMethod
from toolkit.core import stamp_duty

IMMEDIATE = "TD01"
DEFERRED = "TD24"
CREDIT_NOTE = "TD04"
DEBIT_NOTE = "TD05"

TO_ANOTHER = frozenset({IMMEDIATE, DEFERRED})
"""The types the toolkit issues whose buyer SDI requires to be another than the seller (00471):
a credit note (TD04) is not among them."""

TO_PRIVATE = "FPR12"
TO_PUBLIC_ADMINISTRATION = "FPA12"
SPLIT_PAYMENT = "S"
"""EsigibilitaIVA under split payment (*scissione dei pagamenti*, art. 17-ter DPR 633/72)."""
LETTER_OF_INTENT = "N3.5"
"""The nature of sales without VAT on a letter of intent (art. 8 c. 1 lett. c DPR 633/72): their
invoice cites the letter (AltriDatiGestionali INTENTO)."""

NO_CHANNEL = "0000000"
"""CodiceDestinatario when the buyer has no channel code: SDI delivers to the PEC address
given, or to the buyer's reserved area on the Agenzia's portal."""
ABROAD = "XXXXXXX"
"""CodiceDestinatario for a buyer without an Italian channel (a foreign customer)."""
SAN_MARINO = "SM"
SAN_MARINO_HUB = "2R4GTO8"
"""CodiceDestinatario of a buyer in San Marino: SDI hands its e-invoices to the San Marino tax
office's hub (DM 21 June 2021, provvedimento Agenzia Entrate 5 August 2021 n. 211273), which
delivers them to the operator; since 1 July 2022 the only way to invoice goods sold there."""

CIG_SHAPE = "[A-Z0-9]{10}"
"""CodiceCIG: the public contract's code (ANAC), ten capitals and digits. The schema takes any
text of up to 15 characters, so the shape is the toolkit's to check, at the sheet and in the file."""
CUP_SHAPE = "[A-Z0-9]{15}"
"""CodiceCUP: the public work's code (CIPE), fifteen capitals and digits."""

SINGLE_PAYMENT = "TP02"
INSTALMENTS = "TP01"

PAYMENT_METHODS: MappingProxyType[PaymentMethod, str] = MappingProxyType({
    PaymentMethod.CASH: "MP01",              # contanti
    PaymentMethod.CASH_ON_DELIVERY: "MP01",  # contrassegno: the carrier collects cash
    PaymentMethod.CHEQUE: "MP02",            # assegno
    PaymentMethod.BANK_TRANSFER: "MP05",     # bonifico
    PaymentMethod.CARD: "MP08",              # carta di pagamento
    PaymentMethod.RID: "MP09",               # RID
    PaymentMethod.RIBA: "MP12",              # Ri.Ba.
    PaymentMethod.DIRECT_DEBIT: "MP19",      # SEPA Direct Debit
})
"""ModalitaPagamento of each payment method of the vocabulary: the one place it is said.
FatturaPA has no code for cash on delivery; the carrier collects cash, so it is MP01."""

IBAN_METHODS = frozenset({"MP05"})
"""Methods where the buyer pays into the seller's account, so the file gives its IBAN."""


def pays_into_account(method: PaymentMethod) -> bool:
    """Whether the buyer pays by transferring to the seller's account (bonifico): the only way
    of paying for which an invoice, printed or electronic, gives the seller's IBAN. Ri.Ba.,
    direct debits, cards and cash are collected by the seller, who needs no IBAN from its buyer.

    >>> pays_into_account(PaymentMethod.BANK_TRANSFER), pays_into_account(PaymentMethod.RIBA)
    (True, False)
    """
    return PAYMENT_METHODS[method] in IBAN_METHODS

LEGAL_REFERENCES: MappingProxyType[str, str] = MappingProxyType({
    "N1": "Escluse ex art. 15 DPR 633/72",
    "N2.1": "Non soggette ad IVA ex artt. da 7 a 7-septies DPR 633/72",
    "N2.2": "Non soggette ad IVA - altri casi",
    "N3.1": "Non imponibili - esportazioni, art. 8 DPR 633/72",
    "N3.2": "Non imponibili - cessioni intracomunitarie, art. 41 DL 331/93",
    "N3.3": "Non imponibili - cessioni verso San Marino, art. 71 DPR 633/72",
    "N3.4": "Non imponibili - operazioni assimilate alle esportazioni, art. 8-bis DPR 633/72",
    "N3.5": "Non imponibili - a seguito di dichiarazioni d'intento, art. 8 c. 1 lett. c DPR 633/72",
    "N3.6": "Non imponibili - altre operazioni che non concorrono al plafond",
    "N4": "Esenti ex art. 10 DPR 633/72",
    "N5": "Regime del margine, art. 36 DL 41/95",
    "N6.1": "Inversione contabile - cessione di rottami, art. 74 c. 7 e 8 DPR 633/72",
    "N6.2": "Inversione contabile - cessione di oro e argento, art. 17 c. 5 DPR 633/72",
    "N6.3": "Inversione contabile - subappalto nel settore edile, art. 17 c. 6 lett. a DPR 633/72",
    "N6.4": "Inversione contabile - cessione di fabbricati, art. 17 c. 6 lett. a-bis DPR 633/72",
    "N6.5": "Inversione contabile - cessione di telefoni cellulari, art. 17 c. 6 lett. b DPR 633/72",
    "N6.6": "Inversione contabile - cessione di prodotti elettronici, art. 17 c. 6 lett. c DPR 633/72",
    "N6.7": "Inversione contabile - prestazioni comparto edile, art. 17 c. 6 lett. a-ter DPR 633/72",
    "N6.8": "Inversione contabile - settore energetico, art. 17 c. 6 lett. d-bis/d-ter DPR 633/72",
    "N6.9": "Inversione contabile - altri casi, art. 17 DPR 633/72",
    "N7": "IVA assolta in altro Stato UE, art. 7-bis/7-octies DPR 633/72",
})
"""RiferimentoNormativo of each nature (Natura) in use since 2021."""

REGIME_REFERENCES: MappingProxyType[str, str] = MappingProxyType({
    "RF19": "Operazione in franchigia da IVA, art. 1 c. 54-89 L. 190/2014 - regime forfettario",
    "RF02": "Operazione senza IVA, art. 1 c. 100 L. 244/2007 e art. 27 c. 1-2 DL 98/2011 - contribuenti minimi",
})
"""RiferimentoNormativo of the lines a seller under a regime without VAT sells at its nature
(`tax_regimes.WITHOUT_VAT`, N2.2): the law that exempts them is the regime's, which its invoices
must cite, not N2.2's general "other cases"."""


def legal_reference(nature: str, regime: str = tax_regimes.ORDINARY,
                    references: Mapping[str, str] = LEGAL_REFERENCES) -> str | None:
    """The law a nature's amounts cite on an invoice its seller issued under `regime`.

    >>> legal_reference("N2.2"), legal_reference("N2.2", "RF19")[:30], legal_reference("N1", "RF19")
    ('Non soggette ad IVA - altri casi', 'Operazione in franchigia da IV', 'Escluse ex art. 15 DPR 633/72')
    """
    if regime in REGIME_REFERENCES and nature == tax_regimes.WITHOUT_VAT[regime]:
        return REGIME_REFERENCES[regime]
    return references.get(nature)


RETIRED_NATURES = frozenset({"N2", "N3", "N6"})
"""Natures SDI refuses on invoices dated from 1 January 2021: use their sub-codes."""

STAMP_DUTY_NATURES = stamp_duty.STAMP_DUTY_NATURES
"""Amounts without VAT that count towards the stamp duty (`toolkit.core.stamp_duty`)."""

STAMP_DUTY = stamp_duty.STAMP_DUTY
STAMP_DUTY_THRESHOLD = stamp_duty.STAMP_DUTY_THRESHOLD
"""The duty is due when the amounts without VAT are *more* than this."""


def document_kind(credit_note: bool, deferred: bool, debit_note: bool = False) -> str:
    """TD04 for a credit note, TD05 for a debit note (`Invoice.debit_note`), TD24 for a deferred
    invoice (`Invoice.deferred`: dated after a DDT, or services rendered, that it bills), TD01
    otherwise, so an invoice issued the day its goods leave is immediate even when it cites the
    DDT travelling with them.

    >>> document_kind(False, True), document_kind(False, False), document_kind(True, False)
    ('TD24', 'TD01', 'TD04')
    >>> document_kind(False, False, debit_note=True)
    'TD05'
    """
    if credit_note:
        return CREDIT_NOTE
    if debit_note:
        return DEBIT_NOTE
    return DEFERRED if deferred else IMMEDIATE


def abroad_code(country: str) -> str:
    """CodiceDestinatario of a buyer abroad, in `country` (ISO): San Marino's hub there, else
    XXXXXXX; what an empty *Codice SDI* stands for, and the only code such a buyer may have.

    >>> abroad_code("SM"), abroad_code("DE")
    ('2R4GTO8', 'XXXXXXX')
    """
    return SAN_MARINO_HUB if country == SAN_MARINO else ABROAD


def transmission_format(recipient_code: str) -> str:
    """FPA12 when the recipient is a public administration's 6-character office code.

    >>> transmission_format("UFXYZ1"), transmission_format("QN2Y2GA")
    ('FPA12', 'FPR12')
    """
    return TO_PUBLIC_ADMINISTRATION if len(recipient_code) == 6 else TO_PRIVATE
