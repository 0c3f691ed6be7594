"""`convert --to orders` makes exactly the orders the one-form-at-a-time reference makes
(tests/oracles/form_orders.py): random folders of forms (copies, unknown items, prices of their
own) on the bundled sample, on two processes."""

from __future__ import annotations

import random
import shutil
from datetime import date
from pathlib import Path

import pytest
from oracles.form_orders import expected_orders
from sqlalchemy import select

from tests.foreign_inputs import order_form
from toolkit.intake.mapping import NO_MAPPING
from toolkit.ledger import schema
from toolkit.ledger.db import reading
from toolkit.services.convert import convert
from toolkit.services.session import open_session

o, ol = schema.orders.c, schema.order_lines.c


def random_forms(folder: Path, master, rng: random.Random) -> list[Path]:
    customers = [c.code for c in master.customers]
    items = [i.code for i in master.items] + ["NOPE"]
    made = []
    for n in range(rng.randint(12, 24)):
        lines = [(rng.choice(items), rng.choice((1, 2, 5, 12, 40))) for _ in range(rng.randint(1, 4))]
        path = order_form(folder / f"ordine-{n:03d}.xlsx", rng.choice(customers),
                          date(2026, 4, rng.randint(7, 10)), lines, reference=rng.choice(("", f"ODA {n}")))
        made.append(path)
        if rng.random() < 0.15:
            made.append(Path(shutil.copy(path, folder / f"copia-{n:03d}.xlsx")))
    return made


@pytest.mark.parametrize("seed", range(3))
def test_convert_makes_the_orders_of_the_one_at_a_time_reference(seed, sample_workbook, tmp_path):
    desk = Path(shutil.copy(sample_workbook, tmp_path / sample_workbook.name))
    session = open_session(desk)
    forms = random_forms(tmp_path / "moduli", session.master, random.Random(seed))
    wanted = expected_orders(forms, session.master, NO_MAPPING.orders)
    result = convert([tmp_path / "moduli"], tmp_path / "out", "orders", jobs=2, session=session, lang="it")
    with reading(session.ledger) as conn:
        orders = conn.execute(select(o.id, o.origin, o.number, o.template, o.customer, o.occurrence,
                                     o.customer_reference).order_by(o.number)).all()
        lines = conn.execute(select(ol.order_id, ol.item, ol.quantity, ol.unit_price, ol.amount, ol.vat_rate,
                                    ol.price_rule).order_by(ol.order_id, ol.line_no)).all()
    session.ledger.engine.dispose()
    stored = {r.origin.removeprefix("form:"): (r.customer, r.occurrence, r.customer_reference,
                                                tuple(tuple(x[1:]) for x in lines if x.order_id == r.id))
              for r in orders}
    assert stored == {name: made for name, made in wanted.items() if made is not None}
    assert [r.origin.removeprefix("form:") for r in orders] == sorted(stored), "numbered in the files' order"
    assert all(r.template is None for r in orders)
    failed = {f.file.name for f in result.files if f.status == "failed"}
    assert failed == {name for name, made in wanted.items() if made is None}
