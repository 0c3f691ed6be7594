"""Money as Decimal, from the cell to the invoice.

Cells read by a spreadsheet library arrive as float, int or text; `to_decimal` is the one
place where they become `Decimal`. Rounding happens only through `cents` (half-up, the rule
the Italian exchange system checks invoices against).

>>> to_decimal(0.1) + to_decimal(0.2)
Decimal('0.3')
>>> to_decimal("1.234,56"), to_decimal("1234.56"), to_decimal("€ 12,5"), to_decimal("1,234.56")
(Decimal('1234.56'), Decimal('1234.56'), Decimal('12.5'), Decimal('1234.56'))
>>> cents(Decimal("399.364")), cents(Decimal("0.005")), cents(Decimal("-0.005")), cents(Decimal("-0.004"))
(Decimal('399.36'), Decimal('0.01'), Decimal('-0.01'), Decimal('0.00'))
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
_INF = float("inf")
ZERO = Decimal("0")


class NotANumber(ValueError):
    """The cell holds something that is not a number (text like "abc", a date, a bool)."""


class AmbiguousNumber(NotANumber):
    """Text like "1.500": 1500 to an Italian reader, 1.5 to an English one."""


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


_GROUPING = str.maketrans("", "", "€ '\u00a0\u202f\u2009\u2007\u2019")
"""What a number typed or pasted as text may carry beside its digits: the euro sign and the
thousands marks of every locale a desk copies from, the space, no-break space (Italian
Excel), narrow no-break and thin space (French, ISO), figure space, and the apostrophe,
straight or typographic (Swiss, `1’234.50`)."""


def _parse_text(text: str) -> Decimal:
    """A number written as text, in either convention, never guessed between the two.

    With both separators the last one marks the decimals and the other groups thousands by
    three ("1.234,56", "1,234.56"); a lone comma marks decimals (Italian), as does a lone dot
    ("12.50"), except before exactly three digits after 1 to 3 others ("1.500"), which an
    Italian desk writes for fifteen hundred: that one raises `AmbiguousNumber`."""
    cleaned = text.strip().translate(_GROUPING)
    if not cleaned:
        raise NotANumber(text)
    comma, dot = cleaned.rfind(","), cleaned.rfind(".")
    if comma >= 0 and dot >= 0:
        decimal_mark, grouping = (",", ".") if comma > dot else (".", ",")
        whole, _, fraction = cleaned.rpartition(decimal_mark)
        cleaned = _ungrouped(whole, grouping, text) + "." + fraction
    elif comma >= 0:
        cleaned = cleaned.replace(",", ".")
    elif cleaned.count(".") > 1:
        cleaned = _ungrouped(cleaned, ".", text)
    elif _THOUSANDS_OR_DECIMALS.fullmatch(cleaned):
        raise AmbiguousNumber(text)
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise NotANumber(text) from None
    if not number.is_finite():
        raise NotANumber(text)
    return number


def with_exponent(text: str) -> bool:
    """Whether typed text writes its number with an exponent (1e3, 2E-1): `Decimal` reads it,
    but no desk types money so; an option taking an amount refuses it as a slip (`1e3` for
    1,000 €), as `--lines` refuses it in a quantity.

    >>> with_exponent("1e3"), with_exponent(" 2,5E-1 "), with_exponent("1.000,50 €"), with_exponent("10 euro")
    (True, True, False, False)
    """
    return _EXPONENT.fullmatch(text.strip()) is not None


_EXPONENT = re.compile(r"[+-]?[\d.,]*\d[eE][+-]?\d+")

_LEADING_GROUP = re.compile(r"[+-]?\d{1,3}")
_THOUSANDS_OR_DECIMALS = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")


def _ungrouped(whole: str, grouping: str, text: str) -> str:
    """The whole part without its thousands marks, which must group the digits by three."""
    head, *groups = whole.split(grouping)
    if not _LEADING_GROUP.fullmatch(head) or any(len(g) != 3 or not g.isdigit() for g in groups):
        raise NotANumber(text)
    return head + "".join(groups)


def cents(amount: Decimal) -> Decimal:
    """Half-up to cents, and zero without a sign: a credit note's line at 0 % (-15.86 × 0) or a
    cent's fraction below zero would round to Decimal('-0.00'), which a CSV prints «-0,00»."""
    rounded = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded if rounded else rounded.copy_abs()
