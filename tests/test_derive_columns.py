"""The derived prices made a column at a time (`core.pricing.prices_of_sheets`) against the
record-by-record code they replaced (`tests/oracles/derive_rowwise.py`), on random price lists:
chains of derived versions, cycles, missing bases, a version's own rows over what it derives,
prices written with different exponents, limits and discounts left empty, keys repeated."""

from __future__ import annotations

import gc
import random
import weakref
from dataclasses import fields
from datetime import date
from decimal import Decimal

import pytest
from oracles import derive_rowwise as oracle

from toolkit.core import pricing
from toolkit.model.records import Price, PriceVersion, Source

LISTS = ("BASE", "RIV", "GDO", "HORECA")
VERSIONS = ("A", "B")
ITEMS = [f"A{n:03}" for n in range(40)]
STEPS = (None, Decimal(0), Decimal("0.01"), Decimal("0.05"), Decimal("0.1"), Decimal("1"), Decimal("0.25"))
MARKUPS = (None, Decimal(0), Decimal(10), Decimal("-8"), Decimal("12.5"), Decimal("-33.3"), Decimal("150"))


def _amount(rng: random.Random) -> Decimal:
    cents = rng.choice((0, 1, 5, 99, 100, 250, 1234, 1850, 99999, rng.randrange(1, 10**6)))
    value = Decimal(cents).scaleb(-2)
    return value.quantize(Decimal(1).scaleb(-rng.choice((0, 2, 3, 4)))) if rng.random() < 0.4 and cents % 100 == 0 \
        else (value if rng.random() < 0.7 else Decimal(str(value) + "0"))


def _versions(rng: random.Random) -> list[PriceVersion]:
    keys = [(pl, v) for pl in LISTS for v in VERSIONS]
    chosen = rng.sample(keys, rng.randint(1, len(keys)))
    made = []
    for row, (pl, v) in enumerate(chosen, 2):
        derived = rng.random() < 0.6
        base = rng.choice(keys + [("NONE", "X")]) if derived else (None, None)
        made.append(PriceVersion(
            price_list=pl, version=v, valid_from=date(2026, 1, 1),
            base_list=base[0], base_version=base[1],
            markup=rng.choice(MARKUPS) if derived else None, rounding=rng.choice(STEPS) if derived else None,
            source=Source("price_versions", row)))
    return made


def _prices(rng: random.Random, versions: list[PriceVersion]) -> list[Price]:
    made = []
    for v in versions:
        share = rng.choice((0.0, 0.1, 0.5, 1.0)) if v.derived else rng.choice((0.3, 0.8, 1.0))
        for item in rng.sample(ITEMS, int(len(ITEMS) * share)):
            standard = _amount(rng)
            made.append(Price(
                price_list=v.price_list, version=v.version, item=item, list_price=_amount(rng),
                standard_price=standard, limit_price=rng.choice((None, standard, _amount(rng))),
                discount=rng.choice((None, Decimal(0), Decimal(5), Decimal("7.5"))),
                source=Source("prices", len(made) + 2)))
    for _ in range(rng.randint(0, 3)):
        if made:
            again = rng.choice(made)
            made.append(Price(**{f.name: getattr(again, f.name) for f in fields(Price)} | {
                "list_price": _amount(rng), "source": Source("prices", len(made) + 2)}))
    rng.shuffle(made)
    return made


def _exact(price: Price) -> tuple:
    """Every field, each Decimal by its digits and exponent (equal Decimals may differ in form)."""
    return tuple((v.as_tuple() if isinstance(v, Decimal) else v) for v in (getattr(price, f.name) for f in fields(Price)))


@pytest.mark.parametrize("seed", range(60))
def test_the_same_prices_in_the_same_order_as_one_by_one(seed):
    rng = random.Random(seed)
    versions = _versions(rng)
    prices = _prices(rng, versions)
    found, broken = pricing.prices_of_sheets(tuple(versions), tuple(prices))
    expected, expected_broken = oracle.prices_of_sheets(tuple(versions), tuple(prices))
    assert broken == expected_broken
    assert list(found) == list(expected)
    assert [_exact(p) for p in found.values()] == [_exact(p) for p in expected.values()]


def test_the_random_lists_derive_and_break():
    """The seeds above reach what they are for: derived prices made, broken versions of both kinds."""
    made = broken = 0
    kinds = set()
    for seed in range(60):
        rng = random.Random(seed)
        versions = _versions(rng)
        prices = _prices(rng, versions)
        found, bad = pricing.prices_of_sheets(tuple(versions), tuple(prices))
        made += len(found) - len({(p.price_list, p.version, p.item) for p in prices})
        broken += len(bad)
        kinds |= set(bad.values())
    assert made > 500 and broken > 10 and kinds == {pricing.MISSING_BASE, pricing.CYCLE}


class _Master:
    """What `derived_prices` reads of a master."""

    def __init__(self, versions: tuple, prices: tuple):
        self.price_versions, self.prices = versions, prices


def test_the_memo_holds_the_master_weakly():
    rng = random.Random(7)
    versions = _versions(rng)
    master = _Master(tuple(versions), tuple(_prices(rng, versions)))
    gc.collect()  # the masters of earlier tests no one holds any more leave the memo now
    before = len(pricing.derived_prices)
    found = pricing.derived_prices(master)
    assert pricing.derived_prices(master) is found and len(pricing.derived_prices) == before + 1
    gone = weakref.ref(master)
    del master
    gc.collect()
    assert gone() is None and len(pricing.derived_prices) == before


def test_remembered_prices_are_the_masters_own():
    rng = random.Random(8)
    versions = _versions(rng)
    master = _Master(tuple(versions), tuple(_prices(rng, versions)))
    other = _Master(master.price_versions, master.prices)
    early = pricing.prices_of_sheets(master.price_versions, master.prices)
    pricing.derived_prices.remember(master, early)
    assert pricing.derived_prices(master) is early
    assert pricing.derived_prices(other) is not early and pricing.derived_prices(other) == early
