"""Exact decimals in any database: a Decimal stored as a scaled integer.

SQLite has no decimal type (SQLAlchemy's Numeric goes through float there), so amounts are
kept as integers of cents, quantities of thousandths, prices of millionths: exact on SQLite and
PostgreSQL alike, and SQL sums stay exact.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator


class Scaled(TypeDecorator):
    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int):
        super().__init__()
        self.places = places

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        scaled = (value if isinstance(value, Decimal) else Decimal(value)).scaleb(self.places)
        number = int(scaled)
        if number != scaled:
            raise ValueError(f"{value} has more than {self.places} decimals")
        return number

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-self.places)


def Money() -> Scaled:
    return Scaled(2)


def Quantity() -> Scaled:
    return Scaled(3)


def UnitPrice() -> Scaled:
    return Scaled(6)


def Rate() -> Scaled:
    return Scaled(2)
