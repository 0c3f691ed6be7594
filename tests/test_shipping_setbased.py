"""Set-based shipping gives exactly what the row-by-row shipping gave (`tests/oracles/shipping_rowwise.py`).

Two ledgers live the same days side by side: orders created alike in both, then shipped by the
product in one and by the reference in the other (order creation's immediate shipping too), and
every step must give the same DDTs (numbers, dates, customers, destinations, carriers, weights,
lines, quantities, amounts), the same held orders with their reasons, the same problems and the
same completed orders. The ledgers are randomized over several seeds: the sample's generator
for templates and quantities, then random delivery terms, credit limits, short stock, prepaid
orders paid or not, partial shipments from a quantities list, orders named by number, force.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from oracles import reservations_rowwise, shipping_rowwise
from sqlalchemy import insert, select

from toolkit.basics.vocab import DeliveryTerms
from toolkit.core.orders import OrderStatus
from toolkit.core.reservations import NONE
from toolkit.core.shipping import ChosenRow, OpenLine, ShipmentDraft, ShipmentLine
from toolkit.core.workdays import working_calendar
from toolkit.intake.sample import Scale, sample_rows
from toolkit.intake.validation import check_file
from toolkit.ledger import deliveries, exposure, open_ledger, schema, uninvoiced
from toolkit.ledger import orders as ledger_orders
from toolkit.ledger.db import reading, writing
from toolkit.ledger.deliveries import OverShipment
from toolkit.ledger.exposure import exposures
from toolkit.ledger.orders import load_orders, reservations
from toolkit.ledger.shipments import due_orders, open_lines, with_lines
from toolkit.model.records import MasterData
from toolkit.services import shipping_days
from toolkit.services.orders import create
from toolkit.services.shipping import ship
from toolkit.writers.master_workbook import write_master

D = Decimal
START = date(2026, 4, 1)


def master_of(folder: Path, seed: int) -> MasterData:
    path = write_master(folder / f"seed-{seed}.xlsx", sample_rows(Scale.SAMPLE, seed=seed))
    checked = check_file(path)
    assert checked.master is not None
    return checked.master


def randomized(master: MasterData, rng: random.Random) -> MasterData:
    """Delivery terms, credit limits and stock drawn again, so that every rule gets its turn."""
    terms = list(DeliveryTerms)
    customers = tuple(replace(c, delivery_terms=rng.choice(terms),
                              credit_limit=rng.choice([None, None, D(50), D(400), D(3000)]))
                      if rng.random() < 0.7 else c for c in master.customers)
    stock = None if master.stock is None else tuple(
        replace(level, quantity=D(rng.choice([0, 1, 3, 8, 20, 60, 500]))) if rng.random() < 0.6 else level
        for level in master.stock)
    return master.model_copy(update={"customers": customers, "stock": stock})


def seen(done) -> tuple:
    """What a shipping action did, as values both ledgers can be compared on. The held orders
    are compared without what each lacks (`Held.lacks`), which the row-wise oracle's planner
    does not work out: the kept holds' twin tests (`test_holds_kept.py`) check it, as a hold
    lacking too much would sleep through a day that ships it."""
    notes = tuple((n.number, n.day, n.customer, n.ship_to, n.carrier, n.reason, n.packages, n.weight, n.forced,
                   n.accounting_date,
                   tuple((ln.item, ln.description, ln.unit, ln.quantity, ln.unit_price, ln.amount, ln.vat_rate,
                          ln.vat_nature, ln.order_line_id, ln.order_id, ln.order_number, ln.line_no,
                          ln.customer_reference, ln.payment_method) for ln in n.lines))
                  for n in done.notes)
    problems = tuple((p.code, p.sheet, p.cell, tuple(sorted(dict(p.params).items())),
                      p.message("it"), p.message("en"))
                     for p in done.problems)
    return repr(notes), tuple(replace(h, lacks=()) for h in done.held), problems, tuple(done.completed)


def ledger_rows(ledger) -> tuple:
    """The DDT rows, their lines and the orders' statuses as stored."""
    with reading(ledger) as conn:
        out = []
        for table in (schema.deliveries, schema.delivery_lines):
            rows = conn.execute(select(table).order_by(table.c.id)).all()
            out.append([tuple(v for k, v in r._mapping.items() if k not in ("created_at",)) for r in rows])
        c = schema.orders.c
        out.append(conn.execute(select(c.id, c.status).order_by(c.id)).all())
        e = schema.events.c
        out.append(conn.execute(select(e.action, e.document, e.document_id, e.number, e.detail)
                                .where(e.action.in_(["shipped", "completed"])).order_by(e.id)).all())
    return tuple(out)


UNSTAMPED = {"created_at", "created_by", "at", "by", "opened_at", "opened_by", "closed_at", "closed_by",
             "printed_at", "printed_by"}
"""The columns that say when and by whom (the clock, the OS user): all others of two ledgers
that lived the same days must be equal, but for the invoicing runs' random ids (`RUN_ID`)."""
RUN_ID = re.compile(r"\b\d{8}-[0-9a-f]{8}\b")


KEPT_PLANS = {"holds", "hold_items", "hold_marks", "hold_customers", "hold_stock"}
"""The tables that keep a plan's outcome between days (the orders on hold and their items, the
marks, the customers' terms and the stock sheet they were judged by), which only the product
writes."""


def table_digests(ledger) -> dict[str, str]:
    """Each table's rows, in key order, but for the `UNSTAMPED` columns and the run ids, hashed
    (not the `KEPT_PLANS`)."""
    out = {}
    with reading(ledger) as conn:
        for table in schema.metadata.sorted_tables:
            if table.name in KEPT_PLANS:
                continue
            kept = [c for c in table.c if c.name not in UNSTAMPED]
            rows = conn.execute(select(*kept).order_by(*table.primary_key.columns)).all()
            shown = RUN_ID.sub("RUN", repr([tuple(r) for r in rows]))
            out[table.name] = hashlib.sha256(shown.encode()).hexdigest()
    return out


def pay_some(ledger, rng: random.Random, counter: list[int]) -> None:
    """A final invoice for some orders still waiting to ship, paid in full or in part (the
    prepayments the after-receipt terms wait for), taken out of the kept figures still to ship
    and to invoice as `ledger.invoices.store` takes a final invoice's."""
    with writing(ledger) as conn:
        waiting = [o for o in load_orders(conn, statuses=[OrderStatus.IN_PROGRESS]) if o.lines]
        il = schema.invoice_lines.c
        for order in waiting:
            if rng.random() >= 0.3 or conn.execute(select(il.id).where(
                    il.order_line_id.in_([line.id for line in order.lines])).limit(1)).first():
                continue  # an order invoiced once is not again: a return's line is credited at the order once
            total = sum((line.amount for line in order.lines), D(0))
            counter[0] += 1
            invoice_id = conn.execute(insert(schema.invoices).values(
                kind="invoice", series="TT", year=2026, number=counter[0], invoice_date=START,
                customer=order.customer, status="final", run_id="test", taxable=total, vat=D(0), total=total,
                payment_method="bank-transfer", payment_terms="0", created_at=datetime(2026, 4, 1),
                created_by="test").returning(schema.invoices.c.id)).scalar_one()
            for n, line in enumerate(order.lines, 1):
                conn.execute(insert(schema.invoice_lines).values(
                    invoice_id=invoice_id, line_no=n, order_line_id=line.id, item=line.item,
                    description=line.description, unit=line.unit, quantity=line.quantity,
                    unit_price=line.unit_price, amount=line.amount, vat_rate=line.vat_rate))
            uninvoiced.invoiced(conn, [invoice_id])
            paid = total if rng.random() < 0.7 else (total / 2).quantize(D("0.01"))
            conn.execute(insert(schema.payments).values(invoice_id=invoice_id, payment_date=START, amount=paid,
                                                        created_at=datetime(2026, 4, 2), created_by="test"))


def open_numbers(ledger) -> list:
    with reading(ledger) as conn:
        return [(o.number, [(ln.line_no, ln.item, ln.to_ship) for ln in o.lines if ln.to_ship])
                for o in load_orders(conn, statuses=[OrderStatus.IN_PROGRESS])]


def _reads_each_day(*args, on_hand=None, read_here=False, **options):
    """The reference ships each day from what it reads itself, not from what creation keeps or
    has just stored (`read_here`)."""
    return shipping_rowwise.ship_in(*args, **options)


def twin_days(master: MasterData, folder: Path, rng: random.Random, days: int, *, monkeypatch,
              actions: bool = True, urls: tuple[str, str] | None = None, ships_with: MasterData | None = None) -> int:
    """Live `days` working days in two ledgers, product and reference (SQLite files in `folder`,
    else the two `urls`); returns the DDTs issued. Every day's tables must hash alike. The
    product plans every due order every day (`replan`), as the reference does: orders kept on
    hold between days are compared with this plan in `tests/test_holds_kept.py`. `ships_with`:
    the master the desk ships with, when it changed after the orders were made (a rate typed
    over by hand)."""
    shipper = ships_with or master
    product_url, reference_url = urls or (f"sqlite:///{folder / 'product.sqlite'}",
                                          f"sqlite:///{folder / 'reference.sqlite'}")
    product = open_ledger(product_url)
    reference = open_ledger(reference_url)
    calendar = working_calendar(master.settings, master.closures)
    day, done, notes, counter = START, 0, 0, [[0], [0]]
    while done < days:
        if calendar.is_working(day):
            made = []
            for ledger, ship_in in ((product, shipping_days.ship_in), (reference, _reads_each_day)):
                with monkeypatch.context() as m:
                    m.setattr(shipping_days, "ship_in", ship_in)
                    created = create(master, ledger, day, with_catch_up=False, lang="it")
                made.append(([r["number"] for r in created.created], seen_created(created)))
            assert made[0] == made[1]
            seed = rng.random()
            pay_some(product, random.Random(seed), counter[0])
            pay_some(reference, random.Random(seed), counter[1])
            action = rng.choice(["all", "all", "all", "chosen", "numbers"]) if actions else "all"
            force = actions and rng.random() < 0.25
            kwargs: dict = {"force": force}
            if action == "all":
                kwargs["all_open"] = True
            else:
                still = open_numbers(product)
                picked = rng.sample(still, min(len(still), rng.randint(1, 6)))
                if action == "numbers":
                    kwargs["numbers"] = [n for n, _ in picked] + (["OC-2026-99999"] if rng.random() < 0.2 else [])
                else:
                    kwargs["chosen"] = [ChosenRow(n, rng.choice([str(no), item]), str(rng.choice(
                        [q, max(q / 2, D("0.001")).quantize(D("0.001")), D(1), q + 1])))
                        for n, lines in picked for no, item, q in lines[:rng.randint(1, 3)] if q > 0]
                    kwargs["all_open"] = rng.random() < 0.3
            got = seen(ship(shipper, product, day, replan=True, **kwargs, lang="it"))
            want = seen(shipping_rowwise.ship(shipper, reference, day, **kwargs))
            assert got == want, (day, action)
            assert ledger_rows(product) == ledger_rows(reference)
            assert table_digests(product) == table_digests(reference)
            same_reservations(product, rng, monkeypatch)
            same_open_check(product, random.Random(seed))
            same_lines(product, day)
            notes += len(got[0])
            done += 1
        day += timedelta(1)
    same_exposures(master, product, monkeypatch)
    product.engine.dispose()
    reference.engine.dispose()
    return notes


def same_exposures(master: MasterData, ledger, monkeypatch) -> None:
    """The customers' exposures summed for all customers at once (as for thousands of them)
    are those summed for the customers asked."""
    codes = [c.code for c in master.customers]
    with reading(ledger) as conn:
        asked = exposures(conn, codes)
        monkeypatch.setattr(exposure, "BATCH", 3)
        assert exposures(conn, codes) == asked
        assert exposures(conn, codes[:2]) == {c: asked[c] for c in codes[:2]}


def queues(held) -> dict:
    """Every item's queue of a `Reservations`: (ranks, holders, sums before each) per item,
    however the index keeps the sums."""
    return {item: (q.keys, held._named(q.holders), tuple(q.sum_before(i) for i in range(len(q.before))))
            for item, q in held._items.items()}


def same_reservations(ledger, rng: random.Random, monkeypatch) -> None:
    """The reservations the ledger sums per order and item are those the line-by-line read
    summed (`tests/oracles/reservations_rowwise.py`): every item's, a few items', the
    many items' path (past `FEW_ITEMS`) taken for a handful, and only the items a random stock
    does not cover (`short_of`), none when it covers them all (yet not `NONE`)."""
    with reading(ledger) as conn:
        every = queues(reservations_rowwise.reservations(conn))
        assert queues(reservations(conn)) == every
        known = sorted(every) + ["NO-SUCH-ITEM"]
        some = set(rng.sample(known, min(len(known), rng.randint(1, 5))))
        want = {i: q for i, q in every.items() if i in some}
        assert queues(reservations(conn, some)) == want
        with monkeypatch.context() as m:
            m.setattr(ledger_orders, "FEW_ITEMS", 1)
            got = reservations(conn, some)
        assert {i: q for i, q in queues(got).items() if i in some} == want
        pick = random.Random(len(every))
        stock = {item: pick.choice([D(0), D(1), q[2][-1], q[2][-1] - D("0.001"), q[2][-1] + 1])
                 for item, q in every.items() if pick.random() < 0.9}
        short = {i: q for i, q in every.items() if q[2][-1] > stock.get(i, D(0))}
        assert queues(reservations(conn, short_of=stock)) == short
        covered = reservations(conn, short_of={i: q[2][-1] for i, q in every.items()})
        assert queues(covered) == {} and (covered is NONE) == (not every)
        for item in some:
            for number in rng.sample(sorted({o for q in every.values() for o in q[1]}) or ["OC-2026-00001"], 1):
                assert got.ahead(item, number) == reservations_rowwise.reservations(conn).ahead(item, number)


def same_lines(ledger, day: date) -> None:
    """The due orders with their lines read in bulk (`with_lines`) are those `load_orders`
    reads, digits and exponents alike (the reference reads orders whole), but for the parties
    they printed and their language, which shipping never reads; and their lines still to ship read alone
    (`open_lines`) are those of the whole lines."""
    with reading(ledger) as conn:
        due, _, _ = due_orders(conn, day)
        whole = {o.id: replace(o, parties=None, lang=None) for o in load_orders(conn, ids=[o.id for o in due])}
        assert repr(with_lines(conn, due)) == repr([whole[o.id] for o in due])
        still = {o.id: tuple(OpenLine(ln.id, ln.line_no, ln.item, ln.to_ship) for ln in whole[o.id].lines
                             if ln.to_ship != 0) for o in due}
        assert repr(open_lines(conn, due)) == repr(still)


def same_open_check(ledger, rng: random.Random) -> None:
    """`store_drafts` refuses exactly the drafts the line-by-line check refused: drafts of
    random order lines for what is open, a little more, a little less, the wrong sign, twice
    over two drafts, or a line that does not exist."""
    with reading(ledger) as conn:
        lines = [(o, ln) for o in load_orders(conn) for ln in o.lines]
        for _ in range(6):
            picked = rng.sample(lines, min(len(lines), rng.randint(1, 8)))
            drafts = []
            for o, ln in picked:
                quantity = rng.choice([ln.to_ship, ln.to_ship + D("0.001"), ln.to_ship - D("0.001"), -ln.to_ship,
                                       ln.quantity, D("0.001")])
                line_id = ln.id if rng.random() < 0.95 else 10 ** 9
                shipped = ShipmentLine(ln.item, ln.description, ln.unit, quantity, ln.unit_price, D(0), ln.vat_rate,
                                       ln.vat_nature, o.id, o.number, line_id, ln.line_no)
                drafts.append(ShipmentDraft(START, o.customer, None, None, "sale", (shipped,) * rng.choice([1, 1, 2])))
            outcomes = []
            for check in (reservations_rowwise.check_open, deliveries._check_open):
                try:
                    check(conn, drafts)
                    outcomes.append(None)
                except OverShipment as refused:
                    outcomes.append(str(refused))
            assert outcomes[0] == outcomes[1]


def seen_created(created) -> tuple:
    return (tuple(sorted(str(r) for r in created.created)), tuple(p.code for p in created.problems),
            tuple(n.number for n in getattr(created, "notes", ()) or ()))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_randomized_ledgers_ship_as_the_reference(tmp_path, seed, monkeypatch):
    rng = random.Random(seed)
    master = randomized(master_of(tmp_path, seed), rng)
    assert twin_days(master, tmp_path, rng, 7, monkeypatch=monkeypatch) > 0


def rates_changing(master: MasterData, rng: random.Random, day: date | None) -> MasterData:
    """Half the items taxed go from their rate to another: on `day`, written ahead (*Nuova
    aliquota IVA* from *Dal*), or at once, typed over *Aliquota IVA* (`day` None)."""
    def changed(item):
        rate = D(10) if item.vat_rate == 22 else D(22)
        return replace(item, new_vat_rate=rate, vat_from=day) if day else replace(item, vat_rate=rate)

    items = tuple(changed(i) if i.vat_rate and rng.random() < 0.5 else i for i in master.items)
    return master.model_copy(update={"items": items})


@pytest.mark.parametrize("seed, ahead", [(4, True), (5, False)])
def test_a_rate_change_ships_as_the_reference(tmp_path, seed, ahead, monkeypatch):
    """Orders made before the change, shipped after it: their lines rated again, or cut at what
    shipped in part before, the rest a new line at the new rate, alike on both paths, a
    VAT-included list's too."""
    rng = random.Random(seed)
    made = randomized(master_of(tmp_path, seed), rng)
    made = made.model_copy(update={"price_lists": tuple(replace(p, vat_included=rng.random() < 0.5)
                                                        for p in made.price_lists)})
    ships = rates_changing(made, rng, START + timedelta(1) if ahead else None)
    assert twin_days(made, tmp_path, rng, 6, monkeypatch=monkeypatch, ships_with=ships) > 0


@pytest.mark.parametrize("seed", [6, 7])
def test_lines_shipped_in_part_before_a_rate_change_are_cut_alike_on_both_paths(tmp_path, seed, monkeypatch):
    """Half of every open line ships on 1 April, the rest on 2 April, after half the items
    changed rate on a VAT-included list or not: each path cuts the lines shipped in part at what
    shipped and ships the rest as a new line at the new rate, the same lines, DDTs and tables."""
    rng = random.Random(seed)
    made = randomized(master_of(tmp_path, seed), rng)
    made = made.model_copy(update={"stock": None, "price_lists": tuple(
        replace(p, vat_included=rng.random() < 0.5) for p in made.price_lists)})
    change = START + timedelta(1)
    ships = rates_changing(made, rng, change)
    product, reference = (open_ledger(f"sqlite:///{tmp_path / name}.sqlite") for name in ("product", "reference"))
    for ledger, ship_in in ((product, shipping_days.ship_in), (reference, _reads_each_day)):
        with monkeypatch.context() as m:
            m.setattr(shipping_days, "ship_in", ship_in)
            create(made, ledger, START, with_catch_up=False, lang="it")
    half = [ChosenRow(n, str(no), (q / 2).quantize(D("0.001"))) for n, lines in open_numbers(product)
            for no, _, q in lines if q > 1]
    lines = []
    for day, kwargs in ((START, {"chosen": half, "force": True}), (change, {"all_open": True, "force": True})):
        got = seen(ship(ships, product, day, replan=True, **kwargs, lang="it"))
        want = seen(shipping_rowwise.ship(ships, reference, day, **kwargs))
        assert got == want, day
        assert table_digests(product) == table_digests(reference)
        with reading(product) as conn:
            lines.append(len(conn.execute(select(schema.order_lines.c.id)).all()))
    assert half and lines[1] > lines[0], lines
    product.engine.dispose()
    reference.engine.dispose()


def test_the_sample_month_ships_as_the_reference(tmp_path, monkeypatch):
    master = master_of(tmp_path, 2026)
    assert twin_days(master, tmp_path, random.Random(0), 21, monkeypatch=monkeypatch, actions=False) > 0
