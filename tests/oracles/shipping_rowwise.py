"""The row-by-row shipping of the first releases: the reference the set-based shipping is compared with.

Every open order up to the day was loaded whole (lines, shipped and invoiced sums) every day,
held ones included; the stock, the reservations (line by line: `reservations_rowwise`), the
exposures and every order's payment were read apart; the first releases' planner planned
(`shipping_plan`); the DDTs were stored and read back one by one from the ledger. Slow at
L, but plain: `tests/test_shipping_setbased.py` asserts that `toolkit.services.shipping` gives
exactly what this gives (DDTs, numbers, held orders, problems, completed orders).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, insert, select, update

from oracles import reservations_rowwise
from oracles.shipping_plan import plan_shipments
from toolkit.basics.problems import Problem, errors
from toolkit.core.delivery_rate import RatedAgain
from toolkit.core.orders import EFFECTS, Order, OrderStatus
from toolkit.core.reservations import NONE
from toolkit.core.shipping import ChosenRow, ShipmentDraft, choose_quantities, missing_stock
from toolkit.ledger import Ledger, schema
from toolkit.ledger.db import log_event, writing
from toolkit.ledger.deliveries import available_stock, load_notes, paid_orders, store_drafts
from toolkit.ledger.exposure import exposures
from toolkit.ledger.orders import cuts_logged, load_orders, order_by_number, set_statuses
from toolkit.model.parties import party_book
from toolkit.model.records import MasterData
from toolkit.services.order_status import UNKNOWN_ORDER
from toolkit.services.shipping import NOTHING_SELECTED, Shipped, _forced_detail, _paid_so_far


def ship(master: MasterData, ledger: Ledger, day: date, *, numbers: Sequence[str] = (), all_open: bool = False,
         chosen: Sequence[ChosenRow] = (), carrier: str | None = None, force: bool = False) -> Shipped:
    """`toolkit.services.shipping.ship` without the date check, the files and `--invoice`."""
    if not numbers and not all_open and not chosen:
        return Shipped((), (), (NOTHING_SELECTED(None),))
    with writing(ledger) as conn:
        selected: dict[int, Order] = {}
        problems: list[Problem] = []
        if all_open:
            for order in load_orders(conn, statuses=[OrderStatus.IN_PROGRESS], occurrence_to=day):
                if EFFECTS[order.document_type].ships:
                    selected[order.id] = order
        named: list[int] = []
        for number in numbers:
            found = order_by_number(conn, number)
            if found is None:
                problems.append(UNKNOWN_ORDER(None, number=number))
            else:
                named.append(found.id)
        for number in dict.fromkeys(str(row.order).strip() for row in chosen):
            if (found := order_by_number(conn, number)) is not None:
                named.append(found.id)
        selected.update((order.id, order) for order in load_orders(conn, ids=named))
        quantities, choice_problems = choose_quantities(chosen, list(selected.values()), cuts_logged(conn, set(selected)))
        problems += choice_problems
        if errors(problems):
            return Shipped((), (), tuple(problems))
        done = ship_in(conn, master, list(selected.values()), day, quantities=quantities, carrier=carrier, force=force,
                       lang="it")
        assumed = missing_stock(master) if done.notes else []
        return Shipped(done.notes, done.held, (*assumed, *problems, *done.problems), done.completed)


def ship_in(conn: Connection, master: MasterData, orders: Sequence[Order], day: date, *,
            quantities: Mapping[int, Decimal] | None = None, paid: Collection[int] | None = None,
            carrier: str | None = None, force: bool = False, accounting_date: date | None = None,
            lang: str) -> Shipped:
    """`lang`: the language the DDTs keep, as `services.shipping.ship_in` stores it."""
    fresh = list(orders)
    if not fresh:
        return Shipped((), (), ())
    customers = sorted({order.customer for order in fresh})
    exposure = exposures(conn, customers)
    if paid is None:
        paid = paid_orders(conn, [order.id for order in fresh], by=day)
    stock = available_stock(conn, master)
    held = reservations_rowwise.reservations(conn) if stock is not None else NONE
    plan = plan_shipments(fresh, master, stock, day, quantities=quantities, paid=paid, carrier=carrier,
                          exposures=exposure, force=force, reservations=held)
    plan = replace(plan, problems=_paid_so_far(conn, master, plan.problems, fresh, day))
    if errors(plan.problems) or not plan.drafts:
        return Shipped((), plan.held, plan.problems)
    limits = {c.code: c.credit_limit for c in master.customers}
    rests = {}
    for again in plan.rated_again:
        if again.kept is not None:
            rests[again.order_line_id] = _cut(conn, again)
            continue
        conn.execute(update(schema.order_lines).where(schema.order_lines.c.id == again.order_line_id).values(
            vat_rate=again.vat_rate, vat_nature=again.vat_nature, unit_price=again.unit_price, amount=again.amount))
    plan, cut = plan.split({order.id: order for order in fresh}, rests)
    fresh = [cut[order.id] for order in fresh]
    ids = store_drafts(conn, plan.drafts, master.settings.ddt_series, party_book(master),
                       forced_detail={c: _forced_detail(exposure[c], limits.get(c)) for c in customers},
                       accounting_date=accounting_date, lang=lang)
    completed = complete_orders(conn, fresh, plan.drafts)
    return Shipped(tuple(load_notes(conn, ids=ids)), plan.held, plan.problems, tuple(completed))


def _cut(conn: Connection, again: RatedAgain) -> tuple[int, int]:
    """The order line shipped in part cut at what shipped, row by row: every column of the
    line copied to a new one after the order's last, the rest at the new rate, nothing shipped; the cut logged."""
    ol = schema.order_lines.c
    line = dict(conn.execute(select(schema.order_lines).where(ol.id == again.order_line_id)).one()._mapping)
    last = max(conn.execute(select(ol.line_no).where(ol.order_id == line["order_id"])).scalars())
    conn.execute(update(schema.order_lines).where(ol.id == line["id"]).values(quantity=again.kept,
                                                                                amount=again.kept_amount))
    rest = {**line, "line_no": last + 1, "quantity": line["quantity"] - again.kept, "unit_price": again.unit_price,
            "amount": again.amount, "vat_rate": again.vat_rate, "vat_nature": again.vat_nature, "shipped": 0}
    del rest["id"]
    new_id = conn.execute(insert(schema.order_lines).values(**rest)).inserted_primary_key[0]
    log_event(conn, "line-cut", "order", line["order_id"], None, f"line {line['line_no']} rest {last + 1}")
    return new_id, last + 1


def complete_orders(conn: Connection, orders: Sequence[Order], drafts: Sequence[ShipmentDraft]) -> list[str]:
    shipping: dict[int, Decimal] = defaultdict(Decimal)
    for draft in drafts:
        for line in draft.lines:
            shipping[line.order_line_id] += line.quantity
    done = [order for order in orders
            if order.status is OrderStatus.IN_PROGRESS and any(line.id in shipping for line in order.lines)
            and all(line.to_ship == shipping.get(line.id, 0) for line in order.lines)]
    set_statuses(conn, done, OrderStatus.COMPLETED, "completed")
    return [order.number for order in done]
