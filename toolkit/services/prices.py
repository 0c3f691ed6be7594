"""`toolkit prices`: a price list's prices valid on a day, derived versions computed.

It reads only the master data: the ledger is not needed to list prices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from toolkit.basics.files import check_output
from toolkit.basics.problems import Problem, define
from toolkit.core.pricing import ListedPrice, listed_prices
from toolkit.model.records import MasterData, PriceVersion

UNKNOWN_LIST = define(
    "unknown-price-list", "error",
    it="Il listino «{code}» non è nel foglio Listini: scegli uno di {known}.",
    en="Price list “{code}” is not in the Price lists sheet: choose one of {known}.")
NO_VERSION_ON = define(
    "no-price-version-on-date", "error",
    it="Il listino {code} non ha una versione valida il {day}: scegli un'altra data o aggiungi una versione.",
    en="Price list {code} has no version valid on {day}: choose another date or add a version.")


@dataclass(frozen=True)
class Listing:
    price_list: str
    day: date
    version: PriceVersion | None
    prices: list[ListedPrice] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    file: Path | None = None


def prices(master: MasterData, price_list: str, day: date, *, out: Path | None = None, lang: str,
           workbook: Path | None = None) -> Listing:
    """The listing, and its printable workbook at `out` when asked (nothing is written on a problem)."""
    known = [p.code for p in master.price_lists]
    if price_list not in known:
        return Listing(price_list, day, None, problems=[UNKNOWN_LIST(None, code=price_list, known=", ".join(known))])
    version, found = listed_prices(master, price_list, day)
    if version is None:
        return Listing(price_list, day, None, problems=[NO_VERSION_ON(None, code=price_list, day=day)])
    if out is None:
        return Listing(price_list, day, version, found)
    check_output(out, kind="prices", inputs=(workbook,))
    from toolkit.writers.price_list import write_price_list

    return Listing(price_list, day, version, found, file=write_price_list(out, master, price_list, day, version,
                                                                           found, lang))
