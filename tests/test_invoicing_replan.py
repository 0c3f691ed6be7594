"""Month end planning again only the customers whose shipments it took out (a refused return:
`services.invoicing.returns_left_out`) gives exactly the plan of every shipment planned again
(`core.invoicing.plan_again` against `plan_invoices`): the same invoices in the same numbering
order, the same problems in the same order, the same lines waiting and customers left out. On
randomized ledgers (`test_invoicing_setwise.fill`), shipments taken out at random, one customer
dropped from the master so that some DDTs are left out, some customers held."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest
from test_invoicing import AFTER_APRIL, APRIL
from test_invoicing_setwise import fill, random_master

from toolkit.core.invoicing import Request, plan_again
from toolkit.ledger import open_ledger
from toolkit.ledger.db import reading
from toolkit.services.invoicing import billables_for


def planned(plan):
    return (plan.invoices, [(p.code, str(p.message("en")), p.is_error) for p in plan.problems], plan.pending,
            plan.left_out, [(c, p.code, str(p.message("en"))) for c, p in plan.waiting_past_deadline])


@pytest.mark.parametrize("seed", range(6))
def test_planning_again_the_changed_customers_is_planning_everything_again(tmp_path, seed):
    rng = random.Random(seed)
    master = random_master(rng)
    ledger = open_ledger(f"sqlite:///{tmp_path / f'replan-{seed}.sqlite'}")
    fill(ledger, master, rng)
    gone = master.customers[seed % len(master.customers)].code
    master = master.model_copy(update={"customers": tuple(c for c in master.customers if c.code != gone)})
    request = Request(APRIL, date(2026, 4, 20)) if seed % 3 == 2 else Request(APRIL, AFTER_APRIL)
    with reading(ledger) as conn:
        billables = billables_for(conn, master, request)
    first = billables.plan(master, request)
    assert first.invoices
    compared = 0
    for _ in range(25):
        out = {(s.delivery, s.order_number) for s in billables.shipments if rng.random() < rng.choice([0.05, 0.3])}
        kept = replace(billables, shipments=[s for s in billables.shipments
                                             if (s.delivery, s.order_number) not in out])
        changed = {s.customer for s in billables.shipments if (s.delivery, s.order_number) in out}
        expected = kept.plan(master, request)
        got = plan_again(master, first, kept.shipments, changed, request, kept.complete, kept.held_lines,
                         kept.issued_names)
        assert planned(got) == planned(expected)
        compared += len(expected.invoices)
    assert compared > 0
    ledger.engine.dispose()

