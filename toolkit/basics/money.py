"""Money as Decimal, from the cell to the invoice.

Cells read by a spreadsheet library arrive as float, int or text; `to_decimal` is the one
place where they become `Decimal`. Rounding happens only through `cents` (half-up, the rule
the Italian exchange system checks invoices against).

>>> to_decimal(0.1) + to_decimal(0.2)
Decimal('0.3')
>>> to_decimal("1.234,56"), to_decimal("1234.56"), to_decimal("€ 12,5")
(Decimal('1234.56'), Decimal('1234.56'), Decimal('12.5'))
>>> cents(Decimal("399.364")), cents(Decimal("0.005")), cents(Decimal("-0.005"))
(Decimal('399.36'), Decimal('0.01'), Decimal('-0.01'))
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
_INF = float("inf")
ZERO = Decimal("0")


class NotANumber(ValueError):
    """The cell holds something that is not a number (text like "abc", a date, a bool)."""


def to_decimal(value: object) -> Decimal:
    if value.__class__ is float:
        if value != value or value in (_INF, -_INF):
            raise NotANumber(value)
        return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, bool):
        raise NotANumber(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NotANumber(value)
        return Decimal(repr(value)).normalize() if value != int(value) else Decimal(int(value))
    if isinstance(value, str):
        return _parse_text(value)
    raise NotANumber(value)


def _parse_text(text: str) -> Decimal:
    cleaned = text.strip().replace("€", "").replace("\u00a0", "").replace(" ", "").replace("'", "")
    if not cleaned:
        raise NotANumber(text)
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise NotANumber(text) from None
    if not number.is_finite():
        raise NotANumber(text)
    return number


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
