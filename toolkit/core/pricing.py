"""Price lists (listini): which version is valid on a date, and an item's price in it.

Built once per run as plain dictionaries, so pricing a 200,000-line month costs lookups, not
scans. Unit prices follow the Openbravo seed: the template's price type chooses the list or
the standard price, a line's own price overrides both, the version's discount applies, and
nothing may go below the limit price.

A version may be derived (Openbravo's base list): its prices are another list's version's
three prices plus a percentage, rounded to a step. They are computed here, when the book is
made, so everything downstream sees them as ordinary prices; a price row of the derived version
itself still wins for its item (a correction by hand). A derived version whose base is missing
or derives, through others, from itself has no derived prices: the data check reports it
(`broken`) at its cell.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain, groupby, repeat
from operator import attrgetter, itemgetter

from toolkit.basics.vocab import PriceType
from toolkit.basics.wording import percent, shown
from toolkit.model.memo import per_master, per_master_weakly
from toolkit.model.records import MasterData, Price, PriceVersion, Template, from_columns

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
PRICE_FIELDS = ("list_price", "standard_price", "limit_price")


@dataclass(frozen=True)
class PriceBook:
    versions: dict[str, list[PriceVersion]]
    """Per price list, versions sorted by valid_from."""
    prices: dict[tuple[str, str, str], Price]
    """(price list, version, item) → price."""
    vat_included: frozenset[str] = frozenset()
    """The price lists whose prices include VAT (IVA inclusa)."""

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
    """The price lists of the master data as lookups (the same book for the whole session),
    derived versions' prices included."""
    versions: dict[str, list[PriceVersion]] = defaultdict(list)
    for v in master.price_versions:
        versions[v.price_list].append(v)
    for vs in versions.values():
        vs.sort(key=lambda v: v.valid_from)
    return PriceBook(dict(versions), derived_prices(master)[0],
                     frozenset(p.code for p in master.price_lists if p.vat_included))


Derived = tuple[dict[tuple[str, str, str], Price], dict[tuple[str, str], str]]
"""Every price by (list, version, item), the derived versions' included, and the derived
versions that could not be computed (`derive`)."""


@per_master_weakly
def derived_prices(master: MasterData) -> Derived:
    """`derive` over the master's prices, once per master: the price book and the data check's
    report of broken derived versions both need it, and at L it costs a tenth of a second.

    The data check works them out while calamine still parses the sheets after Prices, from the
    very sequences the master is then made with, and hands them to this memo
    (`derived_prices.remember`, `toolkit.intake.validation.check_file`); the memo holds each
    master weakly, so a workbook's prices go with its master."""
    return prices_of_sheets(master.price_versions, master.prices)


@per_master_weakly
def ruined_derived(master: MasterData) -> dict[tuple[str, str], RuinedPrice]:
    """`ruined_prices` of the master's derived prices, once per master: the data check works it
    out early, with the derived prices, while calamine still parses the sheets after Prices
    (`ruined_derived.remember`, `toolkit.intake.validation.check_file`), where at L it cost a
    twentieth of a second after the last sheet."""
    return ruined_prices(master.price_versions, derived_prices(master)[0])


def prices_of_sheets(versions: Sequence[PriceVersion], prices: Sequence[Price]) -> Derived:
    """`derived_prices` from the two sheets it reads: all it needs, before there is a master."""
    by_key = dict(zip(map(attrgetter("price_list", "version", "item"), prices), prices))
    return derive(versions, by_key) if any(v.derived for v in versions) else (by_key, {})


def round_to_step(value: Decimal, step: Decimal | None) -> Decimal:
    """Half-up to a multiple of the step (None or zero: to the cent).

    >>> round_to_step(Decimal("2.0735"), Decimal("0.05")), round_to_step(Decimal("2.075"), None)
    (Decimal('2.05'), Decimal('2.08'))
    """
    step = step or CENT
    rounded: Decimal = (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    return rounded


def marked_up(base: Decimal, markup: Decimal | None, step: Decimal | None) -> Decimal:
    """A derived price: the base plus `markup` percent (negative: less), rounded to the step.

    >>> marked_up(Decimal("18.50"), Decimal("10"), Decimal("0.05")), marked_up(Decimal("18.50"), Decimal("-8"), None)
    (Decimal('20.35'), Decimal('17.02'))
    """
    return round_to_step(before_rounding(base, markup), step)


def before_rounding(base: Decimal, markup: Decimal | None) -> Decimal:
    """The base plus `markup` percent, exact: what a derived price is before its rounding step."""
    return base * (HUNDRED + (markup or 0)) / HUNDRED


def ruined_by_rounding(exact: Decimal, rounded: Decimal) -> bool:
    """Whether the rounding step turned a positive price into 0 or moved it by more than half of
    it: a step typed for another (5 for 0.05, 999999), and orders would go out at that price.

    >>> ruined_by_rounding(Decimal("1.08"), Decimal("1.10")), ruined_by_rounding(Decimal("1.08"), Decimal("0"))
    (False, True)
    >>> ruined_by_rounding(Decimal("3.2"), Decimal("5")), ruined_by_rounding(Decimal("0"), Decimal("0"))
    (True, False)
    """
    return exact > 0 and (rounded == 0 or abs(rounded - exact) * 2 > exact)


@dataclass(frozen=True, slots=True)
class RuinedPrice:
    """A derived version's first price its rounding step ruins (`ruined_by_rounding`)."""

    item: str
    field: str
    exact: Decimal
    rounded: Decimal


def ruined_prices(versions: Iterable[PriceVersion], prices: dict[tuple[str, str, str], Price]
                  ) -> dict[tuple[str, str], RuinedPrice]:
    """Each derived version's first price its rounding step ruins, among the prices `derive` gave
    (each derived price carries its version's source; the version's own rows do not). Rounding
    moves a price by half a step at most, so only a price of at most one step can lose half of
    itself: the others are passed over without looking at their base."""
    by_source = {v.source: v for v in versions if v.derived}
    found: dict[tuple[str, str], RuinedPrice] = {}
    for (price_list, version, item), price in prices.items():
        v = by_source.get(price.source)
        if v is None or (price_list, version) in found:
            continue
        step = abs(v.rounding or CENT)
        for field in PRICE_FIELDS:
            rounded = getattr(price, field)
            if rounded is None or rounded > step:
                continue
            exact = before_rounding(getattr(prices[(v.base_list or "", v.base_version or "", item)], field), v.markup)
            if ruined_by_rounding(exact, rounded):
                found[(price_list, version)] = RuinedPrice(item, field, exact, rounded)
                break
    return found


MISSING_BASE, CYCLE = "missing-base", "cycle"


def derive(versions: Iterable[PriceVersion], prices: dict[tuple[str, str, str], Price]
           ) -> tuple[dict[tuple[str, str, str], Price], dict[tuple[str, str], str]]:
    """Every price, the derived versions' included, and the derived versions that could not be
    computed (`MISSING_BASE` or `CYCLE`), by (list, version).

    A derived version is computed after its base (a chain of derivations is followed to its
    end); each of its items gets the base's three prices marked up and rounded, and the base's
    discount. Its own rows win over what it derives."""
    by_key = {(v.price_list, v.version): v for v in versions}
    items_of = _items_by_version(prices)
    broken = {key: found for key, v in by_key.items() if v.derived and (found := _chain_problem(by_key, key))}
    out = dict(prices)
    done: set[tuple[str, str]] = set()

    def compute(key: tuple[str, str]) -> None:
        v = by_key[key]
        if key in done or not v.derived:
            return
        done.add(key)
        base = (v.base_list or "", v.base_version or "")
        compute(base)
        made = items_of(key)
        taken = [(item, p) for item, p in items_of(base).items() if item not in made]
        items = [item for item, _ in taken]
        found = _derived_records(v, [p for _, p in taken], items)
        made.update(zip(items, found))
        out.update(zip(zip(repeat(v.price_list), repeat(v.version), items), found))

    for key in by_key:
        if key not in broken:
            compute(key)
    return out, broken


def _items_by_version(prices: dict[tuple[str, str, str], Price]) -> Callable[[tuple[str, str]], dict[str, Price]]:
    """A version's prices by item, in the prices' order: made when first asked for, then the one
    dictionary `derive` adds the version's derived prices to. Only the derived versions and their
    bases are asked for, each from its runs of rows (`_version_runs`), not the 80,000 prices of L
    one by one."""
    runs = _version_runs(prices)
    items = list(map(itemgetter(2), prices))
    records = list(prices.values())
    made: dict[tuple[str, str], dict[str, Price]] = {}

    def items_of(key: tuple[str, str]) -> dict[str, Price]:
        found = made.get(key)
        if found is None:
            found = made[key] = dict(chain.from_iterable(zip(items[start:stop], records[start:stop])
                                                         for start, stop in runs.get(key, ())))
        return found

    return items_of


def _version_runs(prices: dict[tuple[str, str, str], Price]) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """Where each (list, version) stands among the prices' keys, as runs of neighbouring rows
    (start, stop), in order. A sheet lists a version's prices together, so at L six runs for
    80,000 prices, found by one pass of `groupby` in C: asking each version's prices of all the
    rows, one comparison a row, cost four passes for a derived version and its base."""
    runs: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    start = 0
    for key, rows in groupby(map(itemgetter(0, 1), prices)):
        stop = start + len(list(rows))
        runs[key].append((start, stop))
        start = stop
    return runs


def _derived_records(v: PriceVersion, bases: list[Price], items: list[str]) -> list[Price]:
    """The version's price of each item from its base's price, made a column at a time
    (`from_columns`): each distinct base price is marked up once (a derived version of 20,000
    items repeats a few thousand prices), and no record's own constructor runs, which made
    the 40,000 derived prices of L cost twice as much."""
    columns = {field: list(map(attrgetter(field), bases)) for field in PRICE_FIELDS}
    marked = _marked_up(chain.from_iterable(columns.values()), v.markup, v.rounding)
    count = len(bases)
    return from_columns(Price, {
        "price_list": [v.price_list] * count, "version": [v.version] * count, "item": items,
        **{field: list(map(marked.__getitem__, values)) for field, values in columns.items()},
        "discount": list(map(attrgetter("discount"), bases)), "source": [v.source] * count,
    })


def _marked_up(bases: Iterable[Decimal | None], markup: Decimal | None, step: Decimal | None
               ) -> dict[Decimal | None, Decimal | None]:
    """`marked_up` of each distinct base, None for None. Equal bases give the same result
    whatever their exponent (the rounding to the step sets it), so one is worked out for all."""
    done: dict[Decimal | None, Decimal | None] = {None: None}
    for base in dict.fromkeys(bases):
        if base is not None:
            done[base] = marked_up(base, markup, step)
    return done


def _chain_problem(by_key: dict[tuple[str, str], PriceVersion], start: tuple[str, str]) -> str | None:
    """What stops a derivation chain from `start` reaching a version of its own prices, if anything."""
    seen = {start}
    v = by_key[start]
    while v.derived:
        base = (v.base_list or "", v.base_version or "")
        if base not in by_key:
            return MISSING_BASE
        if base in seen:
            return CYCLE
        seen.add(base)
        v = by_key[base]
    return None


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


def in_terms_of(value: Decimal, source: str, target: str, rate: Decimal, book: PriceBook) -> Decimal:
    """A price of list `source` as list `target` states prices: gross of `rate` percent VAT on a
    VAT-included list (IVA inclusa), net on any other, unchanged when both state them alike.
    What a price derived from another list starts from: a net 20.00 is 24.40 on a shelf list at
    22 %, never 20.00 read as gross.

    >>> book = PriceBook({}, {}, frozenset({"BAR"}))
    >>> in_terms_of(Decimal("20"), "BASE", "BAR", Decimal(22), book)
    Decimal('24.4')
    >>> in_terms_of(Decimal("24.40"), "BAR", "BASE", Decimal(22), book), in_terms_of(Decimal("20"), "A", "B", Decimal(22), book)
    (Decimal('20.00'), Decimal('20'))
    """
    gross_source, gross_target = source in book.vat_included, target in book.vat_included
    if gross_source == gross_target:
        return value
    if gross_target:
        return value * (HUNDRED + rate) / HUNDRED
    return value * HUNDRED / (HUNDRED + rate)


def below_limit(price: Price, unit: Decimal) -> bool:
    return price.limit_price is not None and unit < price.limit_price


@dataclass(frozen=True, slots=True)
class ListedPrice:
    """One item's prices in a list on a day, and where they come from (`toolkit prices`)."""

    price: Price
    version: PriceVersion
    derived: bool
    """Computed from the version's base (`derive`), not a row of the Prices sheet."""


def listed_prices(master: MasterData, price_list: str, day: date) -> tuple[PriceVersion | None, list[ListedPrice]]:
    """The version of the list valid on `day` and its items' prices, by item code."""
    book = price_book(master)
    version = book.version_on(price_list, day)
    if version is None:
        return None, []
    found = sorted((p for (pl, v, _), p in book.prices.items() if pl == price_list and v == version.version),
                   key=lambda p: p.item)
    return version, [ListedPrice(p, version, p.source.sheet == version.source.sheet) for p in found]


def derivation(version: PriceVersion, lang: str | None = None) -> str | None:
    """How a derived version is computed, as the listing prints it: the markup and the rounding
    step in the reader's way with `lang` (`-7,5 % (0,05)` on an Italian price list, where
    `0.05` reads as a typo), plain decimals without it (`--json`).

    >>> from toolkit.model.records import Source
    >>> derived = PriceVersion(price_list="I", version="A", valid_from=date(2026, 1, 1), base_list="BASE",
    ...     base_version="2026A", markup=Decimal("-7.5"), rounding=Decimal("0.05"), source=Source("price_versions", 2))
    >>> derivation(derived), derivation(derived, "it"), derivation(derived, "en")
    ('BASE 2026A -7.5 % (0.05)', 'BASE 2026A -7,5 % (0,05)', 'BASE 2026A -7.5 % (0.05)')
    """
    if not version.derived:
        return None
    markup = version.markup or Decimal(0)
    sign = "+" if markup >= 0 else "-"
    step = version.rounding or CENT
    if lang is None:
        return f"{version.base_list} {version.base_version} {sign}{abs(markup)} % ({step})"
    return f"{version.base_list} {version.base_version} {sign}{percent(abs(markup), lang)} ({shown(step, lang)})"
