"""A document line: what a line of an order, DDT, invoice or credit note says, and its amount.

Every document prints the same goods the same way, so one record holds what they share; each
document's line extends it with what is its own (an order line's shipped quantity, an invoice
line's DDT). Extending rather than wrapping keeps `line.item` one attribute away and one object
per line, which matters at a month's million invoice lines.

The line amount is the one rounding a line knows: quantity × net unit price, half-up to cents,
the rule the Italian exchange system checks invoices against. A line made here (a priced
order line, a DDT line, what is left to invoice) takes its amount from `line_amount`; a line
read back from the ledger takes the amount stored with it.

>>> line_amount(Decimal("3"), Decimal("0.333333")), line_amount(Decimal("-2"), Decimal("1.005"))
(Decimal('1.00'), Decimal('-2.01'))
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from toolkit.basics.limits import UNIT_PRICE_PLACES as UNIT_PRICE_PLACES
from toolkit.basics.money import cents


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """The goods, their price and VAT: what every document's line says (riga del documento)."""

    item: str
    """The item's code."""
    description: str
    unit: str
    quantity: Decimal
    """Negative on a return and on a credit note."""
    unit_price: Decimal
    """Net of the price list's discount, six decimals at most (`toolkit.core.drafts.net_unit_price`)."""
    amount: Decimal
    """`line_amount(quantity, unit_price)`."""
    vat_rate: Decimal
    """Percent; 0 for an exempt line."""
    vat_nature: str | None
    """The exemption's nature code (N1–N7) of an exempt line."""


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """Line amount = quantity × net unit price, rounded half-up to cents (DESIGN invariant)."""
    return cents(quantity * unit_price)


def priced_from(quantity: Decimal, amount: Decimal) -> Decimal:
    """The unit price (six decimals) that `amount` makes of `quantity`: for a line whose amount
    is not its quantity × price, a part of a line whose cents were rounded on the other part
    (a credit note's rest of a line, a line split across a letter of intent's ceiling), so that
    its quantity × this price rounds to its amount again, up to 10,000 units (SDI's 00423, the
    workbook's `ROUND(qty*price,2)`).

    >>> priced_from(Decimal(2), Decimal("36.66")), line_amount(Decimal(2), Decimal("18.333333"))
    (Decimal('18.330000'), Decimal('36.67'))
    """
    return (amount / quantity).quantize(UNIT_PRICE_PLACES, ROUND_HALF_UP)
