"""Price rules (regole prezzo, the seed's "adeguamenti di prezzo"): which rule prices a line, and at what.

A rule names a party — a customer, a customer group, or neither — and goods — an item, an item
category, or neither. The most specific rule matching a line wins, in the order of
`SPECIFICITY` (a rule naming both a party and goods beats one naming only one; a customer
beats a group, an item beats a category); between rules equally specific, the higher priority,
then the higher minimum quantity (a quantity break: the rule from 50 pieces beats the rule from
10 at 60). Rules equal on all of these that could price the same line are a data-check problem
(`ties`), so the choice is never left to the order of the rows.

A template line's own price wins over every rule; a line no rule matches is priced by its list.

Made once per master as nested dictionaries — (specificity, party) → goods → rules — so each
order asks, per customer, for the few kinds of rule that exist for it, and each line then costs
a dictionary lookup or two, not a scan of the rules (issue 20: 50,000 lines with 10,000 rules
at most a quarter slower than without).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import compress, repeat
from operator import attrgetter, is_, lt
from typing import NamedTuple

from toolkit.basics.vocab import PriceRuleKind, PriceType
from toolkit.core.pricing import CENT, HUNDRED, PriceBook, RuinedPrice, in_terms_of, round_to_step, ruined_by_rounding
from toolkit.model.memo import per_master
from toolkit.model.records import MasterData, Price, PriceRule

ZERO = Decimal(0)
SPECIFICITY: tuple[tuple[str | None, str | None], ...] = (
    ("customer", "item"),
    ("customer", "category"),
    ("group", "item"),
    ("group", "category"),
    ("customer", None),
    ("group", None),
    (None, "item"),
    (None, "category"),
    (None, None),
)
"""(party, goods) a rule names, most specific first: its rank is its place here."""
RANKS = {named: r for r, named in enumerate(SPECIFICITY)}


def shape(rule: PriceRule) -> tuple[str | None, str | None]:
    """What a rule names: a customer wins over a group, an item over a category, when it names both
    (the data check reports that: `rule-names-both`)."""
    party = "customer" if rule.customer else "group" if rule.group else None
    goods = "item" if rule.item else "category" if rule.category else None
    return party, goods


def rank(rule: PriceRule) -> int:
    return RANKS[shape(rule)]


def party_of(rule: PriceRule) -> str | None:
    return rule.customer or rule.group


def goods_of(rule: PriceRule) -> str | None:
    return rule.item or rule.category


def order_key(rule: PriceRule) -> tuple[int, Decimal]:
    """Among rules equally specific, the first to try: higher priority, then higher minimum quantity."""
    return -rule.priority, -(rule.min_quantity or Decimal(0))


class Indexed(NamedTuple):
    """A rule as the index keeps it: its period and minimum without empties, and the factor its
    kind multiplies by, worked out once rather than on every line it prices (a named tuple: the
    index makes one per rule, and a tuple is made in C)."""

    rule: PriceRule
    start: date
    end: date
    minimum: Decimal
    factor: Decimal
    """A discount's (100 − discount) / 100, a derived price's (100 + markup) / 100; 1 for a special price."""

    def applies(self, day: date, quantity: Decimal) -> bool:
        return self.start <= day <= self.end and abs(quantity) >= self.minimum


def indexed(rule: PriceRule) -> Indexed:
    if rule.kind is PriceRuleKind.DISCOUNT:
        factor = (HUNDRED - (rule.discount or 0)) / HUNDRED
    elif rule.kind is PriceRuleKind.DERIVED:
        factor = (HUNDRED + (rule.markup or 0)) / HUNDRED
    else:
        factor = Decimal(1)
    return Indexed(rule, rule.valid_from or date.min, rule.valid_to or date.max, rule.min_quantity or ZERO, factor)


Goods = dict[str | None, tuple[Indexed, ...]]
"""Goods code (item or category; None: any goods) → rules, in the order to try them."""
Candidates = tuple[tuple[str | None, Goods], ...]


@dataclass(frozen=True)
class RuleIndex:
    """The price rules by (rank, party code) then goods code."""

    by_party: dict[tuple[int, str | None], Goods]

    def for_customer(self, customer: str, group: str | None) -> Candidates:
        """The kinds of rule that exist for this customer, most specific first: (goods kind, goods → rules).
        Asked once per order; empty for a customer no rule concerns."""
        found = []
        for r, (party_kind, goods_kind) in enumerate(SPECIFICITY):
            party = customer if party_kind == "customer" else group if party_kind == "group" else None
            if party_kind is not None and party is None:
                continue
            goods = self.by_party.get((r, party))
            if goods is not None:
                found.append((goods_kind, goods))
        return tuple(found)


def find(candidates: Candidates, item: str, category: str | None, day: date, quantity: Decimal) -> Indexed | None:
    """The rule that prices a line of this item and quantity on `day`, if any."""
    size = abs(quantity)
    for goods_kind, goods in candidates:
        if goods_kind == "item":
            found = goods.get(item)
        elif goods_kind == "category":
            found = goods.get(category) if category is not None else None
        else:
            found = goods.get(None)
        if found:
            for x in found:
                if x.start <= day <= x.end and size >= x.minimum:
                    return x
    return None


def index(rules: Iterable[PriceRule]) -> RuleIndex:
    grouped: dict[tuple[int, str | None], dict[str | None, list[PriceRule]]] = {}
    for rule in rules:
        key = (RANKS[shape(rule)], rule.customer or rule.group)
        grouped.setdefault(key, {}).setdefault(rule.item or rule.category, []).append(rule)
    return RuleIndex({party: {goods: tuple(map(indexed, sorted(found, key=order_key))) for goods, found in by_goods.items()}
                      for party, by_goods in grouped.items()})


@per_master
def rule_index(master: MasterData) -> RuleIndex:
    return index(master.price_rules)


def rule_price(found: Indexed, list_unit: Decimal, book: PriceBook, price: Price, day: date,
               rate: Decimal = ZERO) -> Decimal | None:
    """The unit price a rule gives a line whose list price is `price` and gives `list_unit` (the
    chosen price less the version's discount); None when a derived rule's base list has no price
    for the item that day. A derived rule's base price is taken as the line's list states its
    prices (`in_terms_of`, the item's VAT `rate`): a base list without VAT for a customer on a
    VAT-included list, or the other way round, is marked up and rounded gross, or net, as the
    line's list is.

    >>> from toolkit.model.records import Source
    >>> book = PriceBook({}, {})
    >>> listed = Price(price_list="B", version="1", item="A", list_price=Decimal("20"), standard_price=Decimal("18.5"),
    ...     limit_price=Decimal(16), source=Source("prices", 2))
    >>> def rule(kind, **values):
    ...     return indexed(PriceRule(code="R", kind=kind, source=Source("price_rules", 2), **values))
    >>> rule_price(rule(PriceRuleKind.SPECIAL, price=Decimal("17")), Decimal("18.5"), book, listed, date(2026, 4, 9))
    Decimal('17')
    >>> rule_price(rule(PriceRuleKind.DISCOUNT, discount=Decimal(8)), Decimal("18.5"), book, listed, date(2026, 4, 9))
    Decimal('17.020')
    >>> rule_price(rule(PriceRuleKind.DERIVED, markup=Decimal("-8.3"), rounding=Decimal("0.05")), Decimal("18.5"),
    ...     book, listed, date(2026, 4, 9))
    Decimal('18.35')
    """
    rule = found.rule
    if rule.kind is PriceRuleKind.SPECIAL:
        return rule.price
    if rule.kind is PriceRuleKind.DISCOUNT:
        return list_unit * found.factor
    base = price if rule.base_list in (None, price.price_list) else book.price_on(rule.base_list, price.item, day)
    if base is None:
        return None
    start = base.list_price if rule.base_price is PriceType.LIST else base.standard_price
    start = in_terms_of(start, base.price_list, price.price_list, rate, book)
    return round_to_step(start * found.factor, rule.rounding)


BASE_FIELD = {PriceType.LIST: "list_price", PriceType.STANDARD: "standard_price"}
"""The price a derived rule starts from, by its *Prezzo base*."""


@dataclass(frozen=True)
class CheapestFirst:
    """A price book's positive prices below some amount per (list, price field), cheapest first,
    with the version and item of each: a rounding step can only ruin a price below the step, and
    these are found by bisection rather than by walking every price for every rule."""

    values: dict[tuple[str, str], list[Decimal]]
    where: dict[tuple[str, str], list[tuple[str, str]]]
    """(version, item) of each value, in the same order."""
    periods: dict[tuple[str, str], tuple[date, date]]
    """(list, version) → its first and last day."""

    @classmethod
    def of(cls, book: PriceBook, below: Decimal) -> CheapestFirst:
        """The prices below `below` (the largest any rule's step can ruin): a handful, where
        sorting all of a large book's prices took a second."""
        rows: dict[tuple[str, str], list[tuple[Decimal, str, str]]] = defaultdict(list)
        for field in BASE_FIELD.values():
            for value, (price_list, version, item) in _below(book.prices, field, below):
                rows[(price_list, field)].append((value, version, item))
        for found in rows.values():
            found.sort()
        return cls({key: [value for value, _, _ in found] for key, found in rows.items()},
                   {key: [(version, item) for _, version, item in found] for key, found in rows.items()},
                   {(v.price_list, v.version): (v.valid_from, v.valid_to or date.max)
                    for versions in book.versions.values() for v in versions})


def _below(prices: dict[tuple[str, str, str], Price], field: str, below: Decimal
           ) -> Iterator[tuple[Decimal, tuple[str, str, str]]]:
    """Each price's `field` above zero and below `below`, with its key, in the book's order.

    A pass in C over the book's values picks the few below (`below` is a rounding step's
    reach, cents at most), and only those are compared with zero: at L 160,000 prices, which
    a step in Python each took about 50 ms to sift."""
    values = list(map(attrgetter(field), prices.values()))
    if any(map(is_, values, repeat(None))):  # `None in` would ask each Decimal to compare itself with None
        return ((v, key) for v, key in zip(values, prices) if v is not None and 0 < v < below)
    return ((v, key) for v, key in compress(zip(values, prices), map(lt, values, repeat(below))) if 0 < v)


def ruinable_below(rule: PriceRule) -> Decimal:
    """The base price below which `rule`'s rounding step may ruin its price (0 for a rule no step
    ruins): rounding moves a price by half a step at most, so only a price below the step, a
    base below step ÷ (100 + markup) %, can lose half of itself."""
    factor, step = indexed(rule).factor, rule.rounding or CENT
    if rule.kind is not PriceRuleKind.DERIVED or factor <= 0 or step < 0:
        return ZERO
    return step / factor


def ruined_by_step(rule: PriceRule, lists: Iterable[str], cheapest: CheapestFirst,
                   sells: Callable[[str], bool]) -> tuple[str, RuinedPrice] | None:
    """The first price a derived-price rule's rounding step ruins (`pricing.ruined_by_rounding`,
    the rule price versions' steps answer to), and the list it starts from: its base list, else
    each of `lists` (those its customers' lines are priced by), in the versions valid in its
    period, for the items it `sells`; `cheapest` must hold the prices below `ruinable_below`."""
    below = ruinable_below(rule)
    if not below:
        return None
    found, field = indexed(rule), BASE_FIELD[rule.base_price]
    for price_list in sorted({rule.base_list} if rule.base_list else set(lists)):
        values = cheapest.values.get((price_list, field), [])
        for i in range(bisect_left(values, below)):
            version, item = cheapest.where[(price_list, field)][i]
            start, end = cheapest.periods[(price_list, version)]
            if not (sells(item) and start <= found.end and found.start <= end):
                continue
            exact = values[i] * found.factor
            rounded = round_to_step(exact, rule.rounding)
            if ruined_by_rounding(exact, rounded):
                return price_list, RuinedPrice(item, field, exact, rounded)
    return None


NEEDS: dict[PriceRuleKind, str] = {
    PriceRuleKind.SPECIAL: "price", PriceRuleKind.DISCOUNT: "discount", PriceRuleKind.DERIVED: "markup"}
"""The column each kind of rule needs filled; the derived kind's markup may be 0 but not empty."""


def ties(rules: Iterable[PriceRule]) -> Iterator[tuple[PriceRule, PriceRule]]:
    """Pairs of rules equal in specificity, party, goods, priority and minimum quantity whose
    periods overlap: either could price the same line, and nothing says which."""
    same: dict[tuple[object, ...], list[PriceRule]] = defaultdict(list)
    for rule in rules:
        same[rank(rule), party_of(rule), goods_of(rule), rule.priority, rule.min_quantity or Decimal(0)].append(rule)
    for group in same.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda r: (r.valid_from or date.min))
        for i, first in enumerate(group):
            for second in group[i + 1:]:
                if _overlap(first, second):
                    yield first, second


def _overlap(a: PriceRule, b: PriceRule) -> bool:
    return ((a.valid_from or date.min) <= (b.valid_to or date.max)
            and (b.valid_from or date.min) <= (a.valid_to or date.max))
