"""Exact decimals in any database: a Decimal stored as a scaled integer.

SQLite has no decimal type (SQLAlchemy's Numeric goes through float there), so amounts are
kept as integers of cents, quantities of thousandths, prices of millionths: exact on SQLite and
PostgreSQL alike, and SQL sums stay exact.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Dialect, type_coerce
from sqlalchemy.types import TypeDecorator


class Scaled(TypeDecorator[Decimal]):
    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int):
        super().__init__()
        self.places = places

    def bind_processor(self, dialect: Dialect) -> Callable[[Decimal | int | str | None], int | None]:
        places = self.places

        def process(value: Decimal | int | str | None) -> int | None:
            if value is None:
                return None
            scaled = (value if isinstance(value, Decimal) else Decimal(value)).scaleb(places)
            number = int(scaled)
            if number != scaled:
                raise ValueError(f"{value} has more than {places} decimals")
            return number

        return process

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Decimal | None]:
        """A closure rather than `process_result_value`: a month's shipping reads millions of
        these values, and the extra call per value was a tenth of its time."""
        exponent = -self.places

        def process(value: Any) -> Decimal | None:
            return None if value is None else Decimal(value).scaleb(exponent)

        return process


def as_stored(value: Decimal, places: int) -> Decimal:
    """A decimal as a `Scaled` column of `places` gives it back: `7` → `7.000`.

    >>> as_stored(Decimal("7"), 3), as_stored(Decimal("2.50"), 3)
    (Decimal('7.000'), Decimal('2.500'))
    """
    return Decimal(int(value.scaleb(places))).scaleb(-places)


def stored_integer(column: Any) -> Any:
    """A `Scaled` column as the integer it stores, in SQL: sums and comparisons of quantities
    and prices stay exact integers, and a bulk reader makes each distinct value a `Decimal`
    once (`ScaledValues`) instead of every row's."""
    return type_coerce(column, BigInteger)


def places_of(column: Any) -> int:
    """How many decimals a `Scaled` column's stored integer carries."""
    kind = column.type
    if not isinstance(kind, Scaled):
        raise TypeError(f"{column} is not stored as a scaled integer")
    return kind.places


def Money() -> Scaled:
    return Scaled(2)


def Quantity() -> Scaled:
    return Scaled(3)


def UnitPrice() -> Scaled:
    return Scaled(6)


def Rate() -> Scaled:
    return Scaled(2)


class ScaledValues(dict[int, Decimal]):
    """Scaled integer → its `Decimal`, exactly as `Scaled` gives it (same digits, same
    exponent), made once per distinct integer: bulk readers fetch the raw integers of a month's
    lines, where most values repeat, and convert each distinct one once."""

    def __init__(self, places: int):
        super().__init__()
        self.exponent = -places

    def __missing__(self, value: int) -> Decimal:
        number = self[value] = Decimal(value).scaleb(self.exponent)
        return number

    @classmethod
    def of(cls, column: Any) -> ScaledValues:
        """The values of a `Scaled` column, read through `stored_integer`."""
        return cls(places_of(column))


class ScaledBinds(dict[Any, Any]):
    """A value → what its `Scaled` column hands the driver, made by the column's own bind
    processor once per distinct value: a day's order lines repeat a few quantities and prices
    thousands of times, and converting each one again was a third of storing them. Equal values
    give equal integers whatever their form (`1.0`, `1.00`, `1`), so the cache cannot change what
    is stored; a value the column refuses raises on every row that carries it, and None stays
    None (a NULL)."""

    def __init__(self, convert: Callable[[Any], Any]):
        super().__init__({None: None})
        self.convert = convert

    def __missing__(self, value: Any) -> Any:
        number = self[value] = self.convert(value)
        return number
