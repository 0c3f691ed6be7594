"""What a customer owes and has on order: the figures a sales assistant checks before confirming
an order or loading a van (the Openbravo seed's CRM and credit-limit points).

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
    """Value of what is ordered and not yet shipped, VAT excluded."""
    outstanding: Decimal = ZERO
    """Final invoices not yet paid, VAT included."""

    @property
    def total(self) -> Decimal:
        return self.unshipped + self.outstanding

    def headroom(self, credit_limit: Decimal | None) -> Decimal | None:
        return None if credit_limit is None else credit_limit - self.total
