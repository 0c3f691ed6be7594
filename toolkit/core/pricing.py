"""Price lists (listini): which version is valid on a date, and an item's price in it.

Built once per run as plain dictionaries, so pricing a 200,000-line month costs lookups, not
scans. Unit prices follow the Openbravo seed: the template's price type chooses the list or
the standard price, a line's own price overrides both, the version's discount applies, and
nothing may go below the limit price.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from toolkit.basics.vocab import PriceType
from toolkit.model.memo import per_master
from toolkit.model.records import MasterData, Price, PriceVersion, Template

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PriceBook:
    versions: dict[str, list[PriceVersion]]
    """Per price list, versions sorted by valid_from."""
    prices: dict[tuple[str, str, str], Price]
    """(price list, version, item) → price."""

    def version_on(self, price_list: str, day: date) -> PriceVersion | None:
        versions = self.versions.get(price_list, [])
        i = bisect_right([v.valid_from for v in versions], day)
        if i == 0:
            return None
        version = versions[i - 1]
        if version.valid_to is not None and version.valid_to < day:
            return None
        return version

    def price_on(self, price_list: str, item: str, day: date) -> Price | None:
        version = self.version_on(price_list, day)
        if version is None:
            return None
        return self.prices.get((price_list, version.version, item))


@per_master
def price_book(master: MasterData) -> PriceBook:
    """The price lists of the master data as lookups (the same book for the whole session)."""
    versions: dict[str, list[PriceVersion]] = defaultdict(list)
    for v in master.price_versions:
        versions[v.price_list].append(v)
    for vs in versions.values():
        vs.sort(key=lambda v: v.valid_from)
    prices = {(p.price_list, p.version, p.item): p for p in master.prices}
    return PriceBook(dict(versions), prices)


def template_price_list(template: Template, customer_price_list: str) -> str:
    return template.price_list or customer_price_list


def unit_price(price: Price, price_type: PriceType, override: Decimal | None = None) -> Decimal:
    """The net unit price: the override, or the chosen price less the version's discount.

    >>> from toolkit.model.records import Source
    >>> p = Price(price_list="B", version="1", item="A", list_price=Decimal("20"),
    ...     standard_price=Decimal("18"), limit_price=Decimal("15"), discount=Decimal("10"),
    ...     source=Source(sheet="prices", row=2))
    >>> unit_price(p, PriceType.LIST), unit_price(p, PriceType.STANDARD), unit_price(p, PriceType.STANDARD, Decimal("16.5"))
    (Decimal('18'), Decimal('16.2'), Decimal('16.5'))
    """
    if override is not None:
        return override
    base = price.list_price if price_type is PriceType.LIST else price.standard_price
    if price.discount:
        return base * (HUNDRED - price.discount) / HUNDRED
    return base


def below_limit(price: Price, unit: Decimal) -> bool:
    return price.limit_price is not None and unit < price.limit_price
