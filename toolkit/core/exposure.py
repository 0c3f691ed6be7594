"""What a customer owes and has on order: the figures a sales assistant checks before confirming
an order or loading a van (the Openbravo seed's CRM and credit-limit points).

The exposure is everything the customer owes or will owe, each euro once: ordered and not
shipped, shipped and not on a final invoice, invoiced and not paid. The invoices count with
VAT, as the customer owes them; the rest without, because its VAT is known only when it is
invoiced (per rate on the invoice's sum, or none for an exempt nature or split payment), and
a figure half estimated would move when nothing happened but the invoicing.

The record only; `toolkit.ledger.exposure` sums the figures in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Exposure:
    customer: str
    last_order_date: date | None = None
    last_order_amount: Decimal = ZERO
    unshipped: Decimal = ZERO
    """Value of what is ordered and not yet shipped nor invoiced at the order, VAT excluded."""
    outstanding: Decimal = ZERO
    """Final invoices not yet paid, VAT included."""
    uninvoiced: Decimal = ZERO
    """Value of what is shipped and not yet on a final invoice (DDTs waiting for the month's
    deferred invoice, or on a draft run), VAT excluded."""

    @property
    def total(self) -> Decimal:
        return self.unshipped + self.uninvoiced + self.outstanding

    def headroom(self, credit_limit: Decimal | None) -> Decimal | None:
        return None if credit_limit is None else credit_limit - self.total
