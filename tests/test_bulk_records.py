"""`basics.bulk_records.maker` makes the very record the dataclass's own `__init__` makes, and
refuses a class whose `__init__` does more than store its fields."""

from __future__ import annotations

import random
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

import pytest

from toolkit.basics.bulk_records import maker
from toolkit.core.invoicing import DeliveryRef, InvoiceLine


def _field_values(rng: random.Random) -> tuple:
    delivery = rng.choice([None, DeliveryRef(rng.randrange(99), "DDT-2026-00007", date(2026, 4, rng.randint(1, 30)))])
    return (rng.choice(["A1", "B2", ""]), "desc", "pz", Decimal(rng.randint(-5, 9)).scaleb(-rng.randint(0, 3)),
            Decimal(rng.randint(0, 10**6)).scaleb(-6), Decimal(rng.randint(-999, 999)).scaleb(-2),
            rng.choice([Decimal(22), Decimal(0), Decimal("4.00")]), rng.choice([None, "N1"]), rng.randint(1, 99),
            rng.choice([None, 5]), rng.choice([None, 7]), delivery, "OV-2026-00001", rng.choice([None, "PO-9"]),
            rng.choice([None, 11]))


def test_an_invoice_line_made_through_its_slots_is_the_one_its_init_makes():
    make = maker(InvoiceLine)
    rng = random.Random(7)
    for _ in range(200):
        values = _field_values(rng)
        made, built = make(*values), InvoiceLine(*values)
        assert type(made) is InvoiceLine and made == built and hash(made) == hash(built) and repr(made) == repr(built)
        assert [getattr(made, f.name) for f in fields(InvoiceLine)] == list(values)
    with pytest.raises(TypeError):
        make(*_field_values(rng)[:-1])


def test_a_class_whose_init_does_more_is_refused():
    @dataclass(frozen=True)
    class NoSlots:
        x: int

    @dataclass(slots=True)
    class NotFrozen:
        x: int

    @dataclass(frozen=True, slots=True)
    class Checked:
        x: int

        def __post_init__(self) -> None:
            assert self.x > 0

    for cls in (NoSlots, NotFrozen, Checked, int):
        with pytest.raises(TypeError):
            maker(cls)
