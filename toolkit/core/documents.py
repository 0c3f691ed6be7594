"""The documents the ledger issues, as the core and the writers see them.

Records only, with no storage behind them: the ledger reads its rows into these, the writers
print them, and the core computes over them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from toolkit.core.lines import DocumentLine
from toolkit.core.shipping import Reason


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

    @property
    def orders(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(line.order_number for line in self.lines))
