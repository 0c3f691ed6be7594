"""The virtual stamp duty (imposta di bollo, DPR 642/72) of invoices without VAT, and who pays it.

An invoice whose amounts without VAT exceed 77.47 € owes a 2.00 € stamp duty, paid virtually
(bollo virtuale) by the seller, who says so in the e-invoice (DatiBollo). Most sellers charge
it to the customer, as *Impostazioni › Bollo a carico del cliente* says by default: the
invoice then gains a line of 2.00 € excluded from VAT (Natura N1, art. 15 DPR 633/72: an
amount the seller recovers on the buyer's behalf), which counts in its total and its dues.

The line is made once, with the invoice (`toolkit.core.invoicing.build_invoice`), and stored
with its other lines: the ledger's lines are the invoice, so the printed copy, the
accountants' workbook and the XML all show it without deciding anything again. It has no
order line behind it. A credit note never gains one (nothing is charged to a customer being
refunded); its file still carries DatiBollo when it owes the duty.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

STAMP_DUTY = Decimal("2.00")
STAMP_DUTY_THRESHOLD = Decimal("77.47")
"""The duty is due when the amounts without VAT are *more* than this."""

STAMP_DUTY_NATURES = frozenset({"N1", "N2.1", "N2.2", "N3.4", "N3.5", "N3.6", "N4"})
"""Amounts without VAT that count towards the stamp duty. Exports, intra-EU supplies and goods
sold to San Marino (N3.1–N3.3, the last non-taxable as exports are: art. 71 DPR 633/72, art. 5
DM 21 June 2021), the margin scheme (N5), reverse charge (N6.x, the buyer pays the VAT) and VAT
paid in another EU state (N7) do not."""

CHARGE_NATURE = "N1"
"""The nature of the line that charges the duty to the customer: excluded from VAT (art. 15)."""
CHARGE_WORDS = "Imposta di bollo assolta in modo virtuale"
"""How the charged line begins, on every invoice that has one, older ones included."""
CHARGE_DESCRIPTION = f"{CHARGE_WORDS} ai sensi del DM 17/06/2014"
"""What the charged line says, on every copy of the invoice: the duty and the decree under
which it is paid virtually on electronic invoices (art. 6 DM 17/06/2014), since the settings
carry no authorisation of the seller's own."""


def is_charge(description: str) -> bool:
    """Whether a line without an order is the charged duty: invoices issued before the line
    cited its decree say `CHARGE_WORDS` alone.

    >>> is_charge("Imposta di bollo assolta in modo virtuale"), is_charge(CHARGE_DESCRIPTION), is_charge("Sconto")
    (True, True, False)
    """
    return description.startswith(CHARGE_WORDS)


def due(summary: Iterable[tuple[Decimal, Decimal, str | None]]) -> bool:
    """Whether the amounts without VAT that count for the duty exceed 77.47 €; `summary` is
    (rate, taxable, nature) per VAT summary line. A credit note's negative amounts count by size.

    >>> D = Decimal
    >>> due([(D(0), D("77.47"), "N4")]), due([(D(0), D("77.48"), "N4"), (D(22), D(500), None)])
    (False, True)
    >>> due([(D(0), D("500"), "N3.1")])
    False
    """
    exempt = sum((taxable for rate, taxable, nature in summary if not rate and nature in STAMP_DUTY_NATURES),
                 Decimal(0))
    return abs(exempt) > STAMP_DUTY_THRESHOLD
