"""Brackets (scaglioni): how a volume discount or a commission rate follows what was reached.

A rule's rows, sorted by where each bracket starts (`threshold`), cut the measure (an amount
or a quantity) into shares. Two ways to read them, both in the Openbravo seed:

- scaled (a scaglioni): each bracket's percentage on the share of the measure that falls in
  it, like income-tax brackets;
- whole (sul totale): the percentage of the highest bracket reached, on everything.

What the percentage is applied to is an amount (`applied`); for amount brackets it is the
measure itself, for quantity brackets the amount of the goods counted. Rounding happens once,
half-up to cents, on the result.

>>> scale = (Bracket(Decimal(0), Decimal(0)), Bracket(Decimal(1000), Decimal(2)), Bracket(Decimal(5000), Decimal(5)))
>>> applied(scale, BracketMode.SCALED, Decimal(6000), Decimal(6000))
Decimal('130.00')
>>> applied(scale, BracketMode.WHOLE, Decimal(6000), Decimal(6000))
Decimal('300.00')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from toolkit.basics.money import cents
from toolkit.basics.vocab import BracketMode

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Bracket:
    threshold: Decimal
    """Where the bracket starts: the measure from which its percentage applies."""
    percent: Decimal


@dataclass(frozen=True, slots=True)
class Share:
    """What of the measure falls in one bracket, and the amount its percentage gives."""

    bracket: Bracket
    measure: Decimal
    amount: Decimal
    """Unrounded."""


def reached(brackets: Sequence[Bracket], measure: Decimal) -> Bracket | None:
    """The highest bracket whose threshold the measure reaches; None below the first."""
    found = None
    for bracket in sorted(brackets, key=lambda b: b.threshold):
        if measure >= bracket.threshold:
            found = bracket
    return found


def shares(brackets: Sequence[Bracket], mode: BracketMode, measure: Decimal, amount: Decimal) -> list[Share]:
    """The brackets that give something, each with its share of the measure and of `amount`.

    >>> scale = (Bracket(Decimal(0), Decimal(1)), Bracket(Decimal(100), Decimal(3)))
    >>> [(s.measure, s.amount) for s in shares(scale, BracketMode.SCALED, Decimal(150), Decimal(300))]
    [(Decimal('100'), Decimal('2')), (Decimal('50'), Decimal('3'))]
    """
    if measure <= 0 or amount <= 0:
        return []
    ordered = sorted(brackets, key=lambda b: b.threshold)
    if mode is BracketMode.WHOLE:
        top = reached(ordered, measure)
        return [Share(top, measure, amount * top.percent / 100)] if top is not None else []
    found = []
    for n, bracket in enumerate(ordered):
        end = ordered[n + 1].threshold if n + 1 < len(ordered) else None
        part = (min(measure, end) if end is not None else measure) - bracket.threshold
        if part > 0:
            found.append(Share(bracket, part, amount * part / measure * bracket.percent / 100))
    return found


def applied(brackets: Sequence[Bracket], mode: BracketMode, measure: Decimal, amount: Decimal) -> Decimal:
    """The discount (or commission) the brackets give on `amount`, rounded half-up to cents."""
    return cents(sum((s.amount for s in shares(brackets, mode, measure, amount)), ZERO))


def split(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`total` in cents across `weights`, in proportion, adding up exactly (largest remainder).

    >>> split(Decimal("10.00"), [Decimal(1), Decimal(1), Decimal(1)])
    [Decimal('3.34'), Decimal('3.33'), Decimal('3.33')]
    """
    whole = sum(weights, ZERO)
    if whole == 0 or not weights:
        return [ZERO for _ in weights]
    cent = Decimal("0.01")
    exact = [total * w / whole for w in weights]
    floors = [(x / cent).to_integral_value(rounding="ROUND_FLOOR") * cent for x in exact]
    left = int(((total - sum(floors, ZERO)) / cent).to_integral_value())
    order = sorted(range(len(weights)), key=lambda k: (-(exact[k] - floors[k]), k))
    for k in order[:left]:
        floors[k] += cent
    return floors
