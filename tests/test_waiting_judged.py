"""The orders that wait for stock, judged once (`judge_waiting`) and planned from that judgement.

The day's shipping passes the orders that can take nothing by their lines still to ship, and
`judge_waiting` runs the plan's own per-terms step on them once; the plan then takes its held
entries and messages (`Waiting.stands`) instead of walking the order's lines a second time. On
random orders, stock, delivery terms and reservations these tests hold:

- the orders found waiting are those the former judgement found (`tests/oracles/takes_nothing.py`);
- the plan given them as judged is the plan of every order read whole: the same DDTs, held
  orders and problems, in the same order and words in both languages, including orders whose
  short items the run took some of before their turn (the judgement does not stand, and they
  are planned again from their open lines).

`tests/test_shipping_setbased.py` compares the whole day's shipping with the reference that
reads every order whole, on twin ledgers; `tests/test_shipping_ahead.py` checks that its days
meet orders judged waiting and not.
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

import pytest
from oracles.takes_nothing import takes_nothing
from test_shipping import DAY, line, order, shipping_master

from toolkit.basics.problems import LANGUAGES
from toolkit.basics.vocab import DeliveryTerms, DocumentType
from toolkit.core import shipping as core_shipping
from toolkit.core.orders import Order
from toolkit.core.reservations import Reservations, reservations_of
from toolkit.core.shipping import OpenLine, ShippingPlan, judge_waiting, plan_shipments
from toolkit.model.records import MasterData

ITEMS = ("A001", "A002", "A003")


def random_day(rng: random.Random) -> tuple[MasterData, list[Order], dict[str, Decimal]]:
    """A master whose two customers have random delivery terms, 60 orders in progress of random
    lines (some partly shipped, a few returns, a few lines to ship back, some confirming an
    earlier order as if it were a proposal, so sharing its place) and random stock."""
    terms = list(DeliveryTerms)
    base = shipping_master()
    customers = tuple(replace(c, delivery_terms=rng.choice(terms)) for c in base.customers)
    master = base.model_copy(update={"customers": customers})
    orders: list[Order] = []
    for n in range(1, 61):
        lines = []
        for k in range(rng.randint(1, 4)):
            quantity = rng.randint(1, 12)
            shipped = rng.choice([0, 0, 0, rng.randint(0, quantity)])
            if rng.random() < 0.03:
                quantity, shipped = -quantity, 0
            lines.append(line(100 * n + k, rng.choice(ITEMS), str(quantity), str(shipped), line_no=k + 1))
        made = order(n, *lines, customer=rng.choice(["C001", "C002"]), ship_to=None,
                     document_type=DocumentType.RETURN if rng.random() < 0.05 else DocumentType.STANDARD)
        if orders and rng.random() < 0.15:
            earlier = rng.choice(orders)
            made = replace(made, confirms=earlier.number, confirms_type=DocumentType.PROPOSAL)
        orders.append(made)
    stock = {item: Decimal(rng.randint(0, 60)) for item in ITEMS if rng.random() < 0.9}
    return master, orders, stock


def open_of(order: Order) -> tuple[OpenLine, ...]:
    """The order's lines still to ship, as the ledger's `open_lines` gives them."""
    return tuple(OpenLine(ln.id, ln.line_no, ln.item, ln.to_ship) for ln in order.lines if ln.to_ship != 0)


def seen(plan: ShippingPlan) -> tuple:
    return (plan.drafts, plan.held,
            [(p.code, p.location, p.params, *(p.message(lang) for lang in LANGUAGES)) for p in plan.problems])


@pytest.mark.parametrize("seed", range(40))
def test_waiting_orders_are_judged_and_planned_as_when_read_whole(seed, monkeypatch):
    rng = random.Random(seed)
    master, orders, stock = random_day(rng)
    reserved = Reservations(reservations_of(orders))
    terms = {c.code: c.delivery_terms for c in master.customers}

    judged = judge_waiting(((o, open_of(o)) for o in orders), master, stock, reserved)
    assert set(judged) == {o.id for o in orders if takes_nothing(o, open_of(o), terms[o.customer], stock, reserved)}

    stood = {True: 0, False: 0}
    stands = core_shipping.Waiting.stands

    def counted(waiting, run):
        found = stands(waiting, run)
        stood[found] += 1
        return found

    monkeypatch.setattr(core_shipping.Waiting, "stands", counted)
    light = [replace(o, lines=()) if o.id in judged else o for o in orders]
    got = plan_shipments(light, master, stock, DAY, reservations=reserved, waiting=judged)
    want = plan_shipments(orders, master, stock, DAY, reservations=reserved)
    assert seen(got) == seen(want)
    assert stood[True] + stood[False] == sum(1 for o in orders if o.id in judged and open_of(o)
                                             and terms[o.customer] is not DeliveryTerms.AFTER_RECEIPT)


def test_the_random_days_meet_every_case():
    """The days above meet orders judged waiting and not, judgements that stand and that do not,
    and orders waiting with messages on the orders ahead."""
    found = {"waiting": 0, "ships": 0, "reserved-warning": 0, "replanned": 0}
    for seed in range(40):
        master, orders, stock = random_day(random.Random(seed))
        reserved = Reservations(reservations_of(orders))
        judged = judge_waiting(((o, open_of(o)) for o in orders), master, stock, reserved)
        found["waiting"] += len(judged)
        found["ships"] += len(orders) - len(judged)
        found["reserved-warning"] += sum(p.code == "stock-reserved" for w in judged.values() for p in w.problems)
        plan = plan_shipments([replace(o, lines=()) if o.id in judged else o for o in orders], master, stock, DAY,
                              reservations=reserved, waiting=judged)
        taken = {ln.item for d in plan.drafts for ln in d.lines if ln.quantity > 0}
        found["replanned"] += sum(1 for w in judged.values() for h in w.held if set(h.items) & taken)
    assert all(found.values()), found


def test_without_stock_nothing_is_judged_waiting():
    rng = random.Random(1)
    master, orders, _ = random_day(rng)
    reserved = Reservations(reservations_of(orders))
    assert judge_waiting(((o, open_of(o)) for o in orders), master, None, reserved) == {}
