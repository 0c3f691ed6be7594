"""The derived prices as `core.pricing` worked them out before they were made a column at a
time: every price keyed by a comprehension, each derived price made by the record's own
constructor, one base item after another (the code as it was, unchanged)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from toolkit.core.pricing import CYCLE, MISSING_BASE, marked_up
from toolkit.model.records import Price, PriceVersion


def prices_of_sheets(versions: Sequence[PriceVersion], prices: Sequence[Price]):
    by_key = {(p.price_list, p.version, p.item): p for p in prices}
    return derive(versions, by_key) if any(v.derived for v in versions) else (by_key, {})


def derive(versions: Iterable[PriceVersion], prices: dict[tuple[str, str, str], Price]
           ) -> tuple[dict[tuple[str, str, str], Price], dict[tuple[str, str], str]]:
    by_key = {(v.price_list, v.version): v for v in versions}
    by_version: dict[tuple[str, str], dict[str, Price]] = defaultdict(dict)
    for (pl, ver, item), p in prices.items():
        by_version[pl, ver][item] = p
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
        made = by_version[key]
        up = _marking_up(v.markup, v.rounding)
        for item, p in list(by_version.get(base, {}).items()):
            if (v.price_list, v.version, item) in prices:
                continue
            made[item] = out[v.price_list, v.version, item] = Price(
                price_list=v.price_list, version=v.version, item=item,
                list_price=up(p.list_price), standard_price=up(p.standard_price),
                limit_price=up(p.limit_price) if p.limit_price is not None else None,
                discount=p.discount, source=v.source)

    for key in by_key:
        if key not in broken:
            compute(key)
    return out, broken


def _marking_up(markup: Decimal | None, step: Decimal | None) -> Callable[[Decimal], Decimal]:
    done: dict[Decimal, Decimal] = {}

    def up(base: Decimal) -> Decimal:
        found = done.get(base)
        if found is None:
            found = done[base] = marked_up(base, markup, step)
        return found

    return up


def _chain_problem(by_key: dict[tuple[str, str], PriceVersion], start: tuple[str, str]) -> str | None:
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
