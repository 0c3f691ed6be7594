"""Orders kept on hold between shipping days ship exactly as when every order is planned again.

Two ledgers live the same days: in one `ship --all` keeps the orders it held whole on hold
(`toolkit.core.holds`), in the other every day plans every order again (`--replan`, the
behaviour before holds were kept). Between the days, what can wake a hold happens at random:
prepayments invoiced and paid, orders closed or voided, goods counted again (a new stock
sheet), credit limits moved, shipping past the limit (`--force`), orders named by number.
Every day must issue the same DDTs, complete the same orders and hold the same orders for the
same reasons and items; the warnings differ only by what a kept order does not repeat.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from older_ledgers import older_ledger
from sqlalchemy import func, insert, select
from test_shipping_setbased import START, ledger_rows, master_of, open_numbers, pay_some, randomized, seen

from benchmarks.measure import stored_on
from toolkit.basics import dates
from toolkit.basics.vocab import DeliveryTerms, DocumentType
from toolkit.core.holds import (
    FREES_ITEMS,
    HELD_AS_BEFORE,
    LEAVES_STOCK,
    NO_STOCK,
    TAKES_ITEMS,
    Changes,
    Hold,
    HoldKind,
    customer_terms,
    customers_key,
    held_whole,
    payment_asked,
    services_moved,
    stock_key,
    woken,
)
from toolkit.core.orders import OrderStatus
from toolkit.core.shipping import (
    AWAITING_PAYMENT,
    CREDIT_FORCED,
    CREDIT_HELD,
    CUSTOMER_GONE,
    LINE_HELD,
    ORDER_HELD,
    PARTIAL_STOCK,
    Held,
    stock_levels,
)
from toolkit.core.workdays import working_calendar
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import document_number, log_event, migrate, reading, writing
from toolkit.ledger.holds import changes_since, last_marks, marks_now
from toolkit.ledger.orders import load_orders
from toolkit.ledger.payments import payments_on, reverse_payment
from toolkit.ledger.shipped_by_day import shipped_since, since_count
from toolkit.ledger.stock_counts import SEEN
from toolkit.model.records import MasterData
from toolkit.services import holds
from toolkit.services.order_status import change_status
from toolkit.services.orders import create
from toolkit.services.returns import no_credit
from toolkit.services.shipping import ship

D = Decimal


def recounted(master: MasterData, rng: random.Random) -> MasterData:
    """Goods counted again: some items' stock moves up or down (a new stock sheet), and at
    times the count date moves too (or goes: the sheet is then the stock as it stands)."""
    if master.stock is None:
        return master
    stock = tuple(replace(level, quantity=level.quantity + D(rng.choice([-5, 2, 10, 40])))
                  if rng.random() < 0.3 else level for level in master.stock)
    settings = master.settings
    if rng.random() < 0.4:
        settings = replace(settings, stock_date=rng.choice([None, START + timedelta(rng.randint(-3, 6))]))
    return master.model_copy(update={"stock": stock, "settings": settings})


def counted_this_morning(master: MasterData, ledger, day: date, rng: random.Random) -> MasterData:
    """The goods counted on the morning of `day` (*Data giacenze* = `day`, today): each item at
    what the ledger has on hand (the sheet less what moved since its count, as `since_count`
    reads it), some found more (goods in) or fewer (a breakage), so that each item's rise is
    the count's alone. The day's ship run notes it (`stock-count-seen`)."""
    if master.stock is None:
        return master
    with reading(ledger) as conn:
        before = moved_since(conn, master.settings.stock_date)
        after = moved_since(conn, day)
    stock = tuple(replace(level, quantity=max(D(0), level.quantity - before.get(level.item, D(0))
                                              + after.get(level.item, D(0)) + D(rng.choice([0, 0, 0, -3, 1, 2, 10]))))
                  for level in master.stock)
    return master.model_copy(update={"stock": stock, "settings": replace(master.settings, stock_date=day)})


def moved_since(conn, counted: date | None) -> dict[str, Decimal]:
    """What the DDTs moved of each item after a count dated `counted` (nothing without one)."""
    moved: dict[str, Decimal] = {}
    for item, quantity in since_count(conn, counted) if counted is not None else ():
        moved[item] = moved.get(item, D(0)) + quantity
    return moved


def relimited(master: MasterData, rng: random.Random) -> MasterData:
    """A few customers' credit limits or delivery terms moved, and at times a new customer."""
    customers = tuple(replace(c, credit_limit=rng.choice([None, D(100), D(5000)])) if rng.random() < 0.1
                      else replace(c, delivery_terms=rng.choice(list(DeliveryTerms))) if rng.random() < 0.05 else c
                      for c in master.customers)
    if rng.random() < 0.3:
        customers += (replace(rng.choice(customers), code=f"NEW{len(customers)}"),)
    return master.model_copy(update={"customers": customers})


def with_returns(master: MasterData, rng: random.Random) -> MasterData:
    """A few templates made returns (resi): their DDTs bring goods back."""
    templates = tuple(replace(t, document_type=DocumentType.RETURN) if rng.random() < 0.08 else t
                      for t in master.templates)
    return master.model_copy(update={"templates": templates})


def held_of(done) -> list:
    return sorted((h.order, h.customer, h.reason, h.items) for h in done.held)


def problems_of(done) -> set:
    return {(p.code, p.message("en")) for p in done.problems if p.code != HELD_AS_BEFORE.code}


def kept_numbers(done) -> set[str]:
    return {h.order for h in done.held if h.since is not None}


def blockers(ledger) -> list[str]:
    """The oldest open orders holding an item that an order kept on hold for stock is short
    of: closing one of them is what can free its stock."""
    with reading(ledger) as conn:
        short = {item for items in conn.execute(select(schema.holds.c["items"]).where(schema.holds.c.kind == "stock"))
                 .scalars() for item in items.split("\n")}
    return [number for number, lines in open_numbers(ledger) if any(item in short for _, item, _ in lines)][:6]


def close_some(ledgers, rng: random.Random) -> None:
    """A few orders closed or voided by hand, alike in both ledgers (what frees their stock),
    mostly among those holding an item an order kept on hold is short of."""
    ahead = blockers(ledgers[0]) if rng.random() < 0.7 else [n for n, _ in open_numbers(ledgers[0])]
    for number in rng.sample(ahead, min(len(ahead), rng.choice([0, 1, 1, 2]))):
        wanted = rng.choice([OrderStatus.CLOSED, OrderStatus.VOIDED])
        outcomes = [change_status(ledger, number, wanted).problems for ledger in ledgers]
        assert [[p.code for p in found] for found in outcomes] == [[p.code for p in outcomes[0]]] * 2


def with_proposals(master: MasterData, rng: random.Random) -> MasterData:
    """A few templates made proposals (*previsionali*): drafts that hold their items from the day
    they are made, ahead of the orders that come after them."""
    templates = tuple(replace(t, document_type=DocumentType.PROPOSAL) if rng.random() < 0.15 else t
                      for t in master.templates)
    return master.model_copy(update={"templates": templates})


def turn_down_some(ledgers, rng: random.Random) -> None:
    """A few proposals turned down (they free their items) or, turned down before, back to a
    draft (they hold them again), alike in both ledgers."""
    with reading(ledgers[0]) as conn:
        found = {status: [o.number for o in load_orders(conn, statuses=[status])
                          if o.document_type is DocumentType.PROPOSAL]
                 for status in (OrderStatus.DRAFT, OrderStatus.NOT_ACCEPTED)}
    for status, wanted in ((OrderStatus.DRAFT, OrderStatus.NOT_ACCEPTED), (OrderStatus.NOT_ACCEPTED, OrderStatus.DRAFT)):
        for number in rng.sample(found[status], min(len(found[status]), rng.choice([0, 1, 2]))):
            assert all(change_status(ledger, number, wanted).problems == [] for ledger in ledgers)


def pay_rest(ledger, rng: random.Random) -> None:
    """Some invoices paid in part on an earlier day paid in full now: a payment whose invoice
    was recorded before the holds were last judged."""
    i, p = schema.invoices.c, schema.payments.c
    with writing(ledger) as conn:
        owed = conn.execute(select(i.id, i.total - func.coalesce(func.sum(p.amount), 0))
                            .outerjoin(schema.payments, p.invoice_id == i.id).group_by(i.id, i.total)
                            .having(i.total > func.coalesce(func.sum(p.amount), 0)).order_by(i.id)).all()
        for invoice_id, rest in owed:
            if rng.random() < 0.5:
                conn.execute(insert(schema.payments).values(invoice_id=invoice_id, payment_date=START, amount=rest,
                                                            created_at=datetime(2026, 4, 3), created_by="test"))


def give_no_stock_back(ledgers, rng: random.Random) -> None:
    """Alike in both ledgers, what logs an event that gives no stock back (`MARKS`): a payment
    reversed (its invoice's orders unpaid again, `payments void`), a return closed with no
    credit note (`returns no-credit`), and the marks that move nothing a plan reads (a run's
    folder, a cut line's note, the demo's)."""
    p = schema.payments.c
    reversal = schema.payments.alias("reversal")
    with reading(ledgers[0]) as conn:
        payments = conn.execute(select(p.id, p.invoice_id).where(
            p.reverses.is_(None), p.amount > 0, ~select(reversal.c.id).where(reversal.c.reverses == p.id).exists())
            .order_by(p.id)).all()
        returns = [o.number for o in load_orders(conn, statuses=[OrderStatus.IN_PROGRESS])
                   if o.document_type is DocumentType.RETURN]
        order_id = conn.execute(select(func.min(schema.orders.c.id))).scalar_one()
    voided = rng.sample(payments, min(len(payments), rng.choice([0, 1, 2])))
    closed = rng.sample(returns, min(len(returns), rng.choice([0, 1])))
    for ledger in ledgers:
        with writing(ledger) as conn:
            for payment_id, invoice_id in voided:
                row, = [r for r in payments_on(conn, invoice_id) if r.id == payment_id]
                reverse_payment(conn, invoice_id, f"TT-2026-{invoice_id}", row)
            for action, document, document_id, number, detail in MARKS:
                if action not in ("payment-voided", "no-credit") and rng.random() < 0.5:
                    log_event(conn, action, document, order_id if document == "order" else document_id, number,
                              detail)
        for number in closed:
            assert no_credit(ledger, number, "merce distrutta").problems == []


CUSTOMER_WIDE = {CREDIT_HELD.code, CREDIT_FORCED.code}
"""The credit warnings, one per customer among the orders planned: a customer whose orders are
all kept on hold is not among them."""


def twin_days(master: MasterData, urls: list[str], rng: random.Random, days: int,
              turning: random.Random | None = None, counting: random.Random | None = None,
              noting: random.Random | None = None) -> tuple[int, int]:
    """Live `days` working days in the two ledgers; returns how many orders the kept ledger
    left out of a day's plan, and how many DDTs were issued. With `turning`, proposals are
    turned down and back to drafts too (`turn_down_some`); with `counting`, on some days the
    goods are counted that morning, the day being today (`counted_this_morning`); with `noting`,
    events that give no stock back are logged (`give_no_stock_back`); each drawn apart from
    `rng` so that the other seeds live the days they always did."""
    kept, replanned = (open_ledger(url) for url in urls)
    calendar = working_calendar(master.settings, master.closures)
    day, done, rested, notes, counters = START, 0, 0, 0, [[0], [0]]
    try:
        while done < days:
            if calendar.is_working(day):
                today: contextlib.AbstractContextManager = contextlib.nullcontext()
                if counting is not None and counting.random() < 0.35:
                    master = counted_this_morning(master, kept, day, counting)
                    today = mock.patch.object(dates, "today_rome", lambda day=day: day)
                with today:
                    made = [create(master, ledger, day, with_catch_up=False, lang="it") for ledger in (kept, replanned)]
                    assert [len(m.created) for m in made] == [len(made[0].created)] * 2
                    if rng.random() < 0.4:
                        seed = rng.random()
                        for ledger, counter in zip((kept, replanned), counters):
                            pay_some(ledger, random.Random(seed), counter)
                    if rng.random() < 0.3:
                        seed = rng.random()
                        for ledger in (kept, replanned):
                            pay_rest(ledger, random.Random(seed))
                    close_some((kept, replanned), rng)
                    if turning is not None:
                        turn_down_some((kept, replanned), turning)
                    if noting is not None:
                        give_no_stock_back((kept, replanned), noting)
                    if rng.random() < 0.2:
                        master = recounted(master, rng)
                    if rng.random() < 0.1:
                        master = relimited(master, rng)
                    kwargs: dict = {"force": rng.random() < 0.15, "all_open": True, "list_kept": True}
                    if rng.random() < 0.2 and (still := open_numbers(kept)):
                        kwargs["numbers"] = [n for n, _ in rng.sample(still, min(len(still), 2))]
                        kwargs["all_open"] = rng.random() < 0.5
                    got = ship(master, kept, day, **kwargs, lang="it")
                    want = ship(master, replanned, day, replan=True, **kwargs, lang="it")
                    assert seen(got)[0] == seen(want)[0], day
                    assert got.completed == want.completed, day
                    assert held_of(got) == held_of(want), day
                    assert problems_of(got) <= problems_of(want), day
                    quiet = kept_numbers(got)
                    for code, message in problems_of(want) - problems_of(got):
                        assert any(number in message for number in quiet) or code in CUSTOMER_WIDE, (day, message)
                    assert ledger_rows(kept) == ledger_rows(replanned), day
                    rested += len(quiet)
                    notes += len(got.notes)
                    done += 1
            day += timedelta(1)
    finally:
        kept.engine.dispose()
        replanned.engine.dispose()
    return rested, notes


@pytest.mark.parametrize("seed", [1, 4, 5, 8, 11, 21])
def test_kept_holds_ship_as_planning_every_order_again(tmp_path, twin_urls, seed):
    rng = random.Random(seed)
    master = with_returns(randomized(master_of(tmp_path, seed), rng), rng)
    rested, notes = twin_days(master, twin_urls, rng, 9)
    assert rested > 0 and notes > 0


@pytest.mark.parametrize("seed", [7, 13, 22, 40])
def test_goods_counted_on_their_day_keep_holds_as_planning_every_order_again(tmp_path, twin_urls, seed):
    """A desk counting the goods on the morning of some days (*Data giacenze* today, each item
    at what the ledger had on hand give or take a few): each count wakes the holds its rise may
    cover, and the note a ship run leaves of it (`stock-count-seen`) none."""
    rng = random.Random(seed)
    master = with_returns(randomized(master_of(tmp_path, seed), rng), rng)
    rested, notes = twin_days(master, twin_urls, rng, 9, counting=random.Random(seed))
    assert rested > 0 and notes > 0
    assert SEEN in logged_actions(twin_urls[0])


@pytest.mark.parametrize("seed", [5, 17, 31])
def test_events_that_give_no_stock_back_keep_holds_as_planning_every_order_again(tmp_path, twin_urls, seed):
    """Payments reversed, returns closed with no credit note, a run's folder, a cut line's note
    and the demo's mark logged on most days (`give_no_stock_back`) wake no hold for stock, and
    the days ship as planning every order again."""
    rng = random.Random(seed)
    master = with_returns(randomized(master_of(tmp_path, seed), rng), rng)
    rested, notes = twin_days(master, twin_urls, rng, 8, noting=random.Random(seed))
    assert rested > 0 and notes > 0
    assert {"payment-voided", "no-credit", "written", "line-cut", "demo"} <= logged_actions(twin_urls[0])


def logged_actions(url: str) -> set[str]:
    """The actions of the events the ledger at `url` logged."""
    ledger = open_ledger(url)
    try:
        with reading(ledger) as conn:
            return set(conn.execute(select(schema.events.c.action).distinct()).scalars())
    finally:
        ledger.engine.dispose()


@pytest.mark.parametrize("seed", [2, 6, 9, 15, 19])
def test_without_a_count_date_kept_holds_ship_as_planning_every_order_again(tmp_path, twin_urls, seed):
    """Without a count date the stock sheet is the stock as the desk keeps it: a DDT lowers the
    queue ahead of an order on hold, not the stock, so it can free the order."""
    rng = random.Random(seed)
    master = randomized(master_of(tmp_path, seed), rng)
    master = master.model_copy(update={"settings": replace(master.settings, stock_date=None)})
    rested, notes = twin_days(master, twin_urls, rng, 9)
    assert rested > 0 and notes > 0


@pytest.mark.parametrize("seed", [3, 12])
def test_proposals_turned_down_and_reopened_keep_holds_as_planning_every_order_again(tmp_path, twin_urls, seed):
    """Proposals hold their items ahead of the orders after them; turned down they free them,
    back to a draft they hold them again (`TAKES_ITEMS`)."""
    rng = random.Random(seed)
    master = with_proposals(randomized(master_of(tmp_path, seed), rng), rng)
    rested, notes = twin_days(master, twin_urls, rng, 9, random.Random(seed))
    assert rested > 0 and notes > 0
    ledger = open_ledger(twin_urls[0])
    try:
        with reading(ledger) as conn:
            e = schema.events.c
            moved = set(conn.execute(select(e.action).where(e.action.in_(["rejected", "reopened"]))).scalars())
        assert moved == {"rejected", "reopened"}
    finally:
        ledger.engine.dispose()


def test_the_sample_month_keeps_holds_as_planned(tmp_path):
    master = master_of(tmp_path, 2026)
    urls = [f"sqlite:///{tmp_path / f'{name}.sqlite'}" for name in ("kept", "replanned")]
    rested, notes = twin_days(master, urls, random.Random(0), 15)
    assert notes > 0


def test_a_day_reports_kept_holds_in_one_warning(tmp_path):
    """The next day names the orders held whole with the day they were first held, says so in
    one warning, and repeats none of their messages; `--replan` plans them and gives the
    messages again, and they keep the day they were first held."""
    rng = random.Random(7)
    master = randomized(master_of(tmp_path, 7), rng)
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    create(master, ledger, START, with_catch_up=False, lang="it")
    first = ship(master, ledger, START, all_open=True, lang="it")
    whole = {h.order for h in first.held} - {n for note in first.notes for n in note.orders}
    assert whole and all(h.since is None for h in first.held)
    later = START + timedelta(1)
    second = ship(master, ledger, later, all_open=True, list_kept=True, lang="it")
    kept = {h.order for h in second.held if h.since is not None}
    assert whole <= {h.order for h in second.held} and kept and kept <= whole and second.kept == len(kept)
    assert {h.since for h in second.held if h.order in kept} == {START}
    (warning,) = [p for p in second.problems if p.code == HELD_AS_BEFORE.code]
    assert dict(warning.params) == {"count": len(kept), "since": START}
    assert not [p for p in second.problems if any(number in p.message("en") for number in kept)]
    assert f"orders held: {len({h.order for h in second.held})}." in second.summary("en")
    unlisted = ship(master, ledger, later, all_open=True, lang="it")
    assert unlisted.notes == () and all(h.since is None for h in unlisted.held) and unlisted.kept >= len(kept)
    assert len({h.order for h in unlisted.held}) + unlisted.kept == len({h.order for h in second.held})
    assert unlisted.summary("en") == second.summary("en")
    again = ship(master, ledger, later, all_open=True, replan=True, lang="it")
    assert whole <= {h.order for h in again.held} and all(h.since is None for h in again.held)
    assert HELD_AS_BEFORE.code not in {p.code for p in again.problems}
    assert {p.message("en") for p in first.problems if any(n in p.message("en") for n in whole)} <= {
        p.message("en") for p in again.problems}
    with reading(ledger) as conn:
        since = dict(conn.execute(select(schema.orders.c.id, schema.holds.c.since)
                                  .join(schema.holds, schema.holds.c.order_id == schema.orders.c.id)).all())
    assert len(since) >= len(whole) and START in since.values()


HOLD = Hold(1, "OC-2026-00001", "C1", START, DocumentType.STANDARD, HoldKind.STOCK, ORDER_HELD.code, ("A",), START)
QUIET = Changes(frozenset({"shipped", "completed", "paid"}), frozenset(), frozenset(), frozenset())


def test_stock_holds_wake_only_on_what_can_free_stock(tmp_path):
    master = master_of(tmp_path, 1)
    hold = replace(HOLD, customer=master.customers[0].code)
    rule = dict(exposures={}, paid=set(), force=False)
    assert woken([hold], QUIET, master, **rule) == []
    assert woken([hold], replace(QUIET, freed=frozenset({"B"})), master, **rule) == []
    assert woken([hold], replace(QUIET, freed=frozenset({"B", "A"})), master, **rule) == [hold]
    for action in ("closed", "voided", "reopened", "rejected"):
        moved = replace(QUIET, actions=QUIET.actions | {action})
        assert woken([hold], moved, master, **rule) == []
        assert woken([hold], replace(moved, freed=frozenset({"A"})), master, **rule) == [hold]
    assert "reopened" in TAKES_ITEMS and "reopened" not in FREES_ITEMS
    assert woken([hold], replace(QUIET, taken=frozenset({"B"}), drained=frozenset({1})), master, **rule) == [hold]
    assert woken([hold], replace(QUIET, actions=QUIET.actions | {"something-new"}), master, **rule) == [hold]
    assert {"shipped", "completed", "generated", "invoiced"} <= LEAVES_STOCK and "closed" not in LEAVES_STOCK
    assert woken([hold], replace(QUIET, orders=frozenset({1})), master, **rule) == [hold]


def test_payment_and_credit_holds_wake_on_their_own_figures(tmp_path):
    master = master_of(tmp_path, 1)
    customer = master.customers[0]
    limited = master.model_copy(update={"customers": (replace(customer, credit_limit=D(100)),
                                                      *master.customers[1:])})
    payment = replace(HOLD, kind=HoldKind.PAYMENT, reason=AWAITING_PAYMENT.code, customer=customer.code)
    credit = replace(HOLD, order_id=2, kind=HoldKind.CREDIT, reason=CREDIT_HELD.code, customer=customer.code)
    from toolkit.core.exposure import Exposure

    over = {customer.code: Exposure(customer.code, outstanding=D(80), unshipped=D(30))}
    under = {customer.code: Exposure(customer.code, outstanding=D(60), unshipped=D(30))}
    stock = replace(HOLD, order_id=3, customer=customer.code)
    rule = dict(paid=set(), force=False)
    assert woken([payment, credit, stock], QUIET, limited, exposures=under, **rule) == [credit]
    assert woken([payment, credit, stock], QUIET, limited, exposures=under, paid={1}, force=False) == [payment,
                                                                                                     credit]
    assert woken([payment, credit, stock], QUIET, limited, exposures=over, **rule) == [payment, stock]
    assert woken([credit], QUIET, limited, exposures=over, **rule) == []
    assert woken([payment, credit, stock], QUIET, limited, exposures=over, paid=set(), force=True) == [credit]
    assert woken([payment], QUIET, limited, exposures=under, paid=None, force=False) == []


def test_a_stock_hold_of_an_order_paid_first_wakes_for_its_stock_or_its_payment(tmp_path):
    master = master_of(tmp_path, 1)
    customer = master.customers[0]
    prepaid = replace(HOLD, customer=customer.code, document_type=DocumentType.PREPAY)
    rule = dict(exposures={}, force=False)
    freed = replace(QUIET, freed=frozenset({"A"}), billed=frozenset({prepaid.order_id}))
    assert woken([prepaid], QUIET, master, paid=None, **rule) == []
    assert woken([prepaid], QUIET, master, paid={prepaid.order_id}, **rule) == []
    assert woken([prepaid], QUIET, master, paid=set(), **rule) == [prepaid]
    assert woken([prepaid], freed, master, paid={prepaid.order_id}, **rule) == [prepaid]
    assert woken([prepaid], QUIET, master, paid=set(), asked=[prepaid.order_id], **rule) == [prepaid]
    assert woken([prepaid], QUIET, master, paid=set(), asked=[], **rule) == []


def test_only_the_orders_billed_since_are_asked_whether_paid(tmp_path):
    master = master_of(tmp_path, 1)
    customer = master.customers[0]
    payment = replace(HOLD, kind=HoldKind.PAYMENT, reason=AWAITING_PAYMENT.code, customer=customer.code)
    prepaid = replace(HOLD, order_id=2, customer=customer.code, document_type=DocumentType.PREPAY)
    stock = replace(HOLD, order_id=3, customer=customer.code)
    holds = [payment, prepaid, stock]
    assert payment_asked(holds, master, None) == [1, 2]
    assert payment_asked(holds, master, frozenset({2, 3, 9})) == [2]
    assert payment_asked(holds, master, frozenset()) == []


def test_the_orders_billed_since_the_marks(tmp_path, twin_urls):
    """An invoice recorded, a payment of an older invoice, an event naming an invoice: their
    orders' payment may have moved. An invoice undone takes its lines along: any order's may."""
    master = master_of(tmp_path, 1)
    ledger = open_ledger(twin_urls[0])
    try:
        create(master, ledger, START, lang="it")

        def billed_since(marks):
            with writing(ledger) as conn:
                now = marks_now(conn, "key", "stock", None)
                return changes_since(conn, marks, now, FREES_ITEMS).billed, now

        def orders_of(invoice_id):
            with reading(ledger) as conn:
                return {o for o, in conn.execute(
                    select(schema.order_lines.c.order_id).join(schema.invoice_lines,
                                                              schema.invoice_lines.c.order_line_id == schema.order_lines.c.id)
                    .where(schema.invoice_lines.c.invoice_id == invoice_id))}

        with reading(ledger) as conn:
            start = marks_now(conn, "key", "stock", None)
        pay_some(ledger, random.Random(2), [0])
        billed, after_invoices = billed_since(start)
        with reading(ledger) as conn:
            invoices = list(conn.execute(select(schema.invoices.c.id).where(schema.invoices.c.id > start.invoice_id))
                            .scalars())
        assert invoices and billed == set().union(*(orders_of(x) for x in invoices))
        assert billed_since(after_invoices)[0] == frozenset()
        with writing(ledger) as conn:
            conn.execute(insert(schema.payments).values(invoice_id=invoices[0], payment_date=START, amount=D(1),
                                                        created_at=datetime(2026, 4, 3), created_by="test"))
        billed, after_payment = billed_since(after_invoices)
        assert billed == orders_of(invoices[0])
        with writing(ledger) as conn:
            log_event(conn, "finalized", "invoice", invoices[-1], "TT-2026-9")
        billed, after_event = billed_since(after_payment)
        assert billed == orders_of(invoices[-1])
        with writing(ledger) as conn:
            log_event(conn, "undone", "invoice", None, "TT-2026-9")
        assert billed_since(after_event)[0] is None
    finally:
        ledger.engine.dispose()


def test_only_orders_held_for_a_kept_reason_are_kept():
    held = [Held("A", "C", ORDER_HELD.code, ("X",)), Held("B", "C", LINE_HELD.code, ("Y",)),
            Held("C", "C", PARTIAL_STOCK.code, ("Z",)), Held("D", "C", "order-does-not-ship"),
            Held("E", "C", AWAITING_PAYMENT.code), Held("F", "C", CREDIT_HELD.code),
            Held("G", "C", AWAITING_PAYMENT.code), Held("H", "C", PARTIAL_STOCK.code, ("Z",)),
            Held("H", "C", "order-does-not-ship")]
    asked = {"A", "B", "C", "D", "E", "G", "H"}
    assert set(held_whole(held, shipping={"B", "G", "H"}, asked=asked)) == {"A", "B", "C", "E"}


def test_an_order_shipped_in_part_stays_held_until_its_stock_comes_in(tmp_path):
    """An order whose DDT took what stock it could, the rest held for stock, is kept on hold
    as one held whole: the next day does not plan it again nor repeat its messages, and it
    wakes, and ships, once more of an item it is short of is on hand; the others stay kept."""
    rng = random.Random(6)
    master = randomized(master_of(tmp_path, 6), rng)
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    try:
        create(master, ledger, START, with_catch_up=False, lang="it")
        first = ship(master, ledger, START, all_open=True, lang="it")
        shipping = {n for note in first.notes for n in note.orders}
        part = {h.order: h for h in first.held if h.order in shipping and h.reason in (LINE_HELD.code,
                                                                                       PARTIAL_STOCK.code)}
        assert part
        second = ship(master, ledger, START + timedelta(1), all_open=True, list_kept=True, lang="it")
        kept = {h.order: h.since for h in second.held if h.since is not None}
        assert {kept.get(number) for number in part} == {START} and second.notes == ()
        assert not [p for p in second.problems if any(number in p.message("en") for number in part)]
        number, hold = min(part.items())
        more = master.model_copy(update={"stock": tuple(
            replace(level, quantity=level.quantity + D(10_000)) if level.item in hold.items else level
            for level in master.stock or ())})
        third = ship(more, ledger, START + timedelta(2), all_open=True, list_kept=True, lang="it")
        assert number in {n for note in third.notes for n in note.orders}
        still = {h.order for h in third.held if h.since is not None}
        assert {n for n, h in part.items() if not set(h.items) & set(hold.items)} <= still
    finally:
        ledger.engine.dispose()


def test_the_keys_move_with_what_decides_a_hold(tmp_path):
    master = master_of(tmp_path, 1)
    same = master.model_copy()
    assert (customers_key(same), stock_key(same)) == (customers_key(master), stock_key(master))
    limits = relimited(master, random.Random(3))
    assert customers_key(limits) != customers_key(master) and stock_key(limits) == stock_key(master)
    assert stock_key(master.model_copy(update={"stock": None})) == NO_STOCK != stock_key(master)
    recount = recounted(master, random.Random(1))
    later = master.model_copy(update={"settings": replace(master.settings, stock_date=date(2026, 5, 1))})
    for sheet in (recount, later):
        assert customers_key(sheet) == customers_key(master) and stock_key(sheet) != stock_key(master)
        assert not services_moved(stock_key(master), stock_key(sheet))
    first = master.items[0]
    service = master.model_copy(update={"items": (replace(first, service=not first.service), *master.items[1:])})
    assert stock_key(service) != stock_key(master) and services_moved(stock_key(master), stock_key(service))
    assert not services_moved(NO_STOCK, stock_key(service))


def woken_by(ledger, master: MasterData) -> set[int]:
    """The orders kept on hold that `holds.wake` would plan again with this master, in a
    transaction rolled back."""
    with ledger.engine.connect() as conn, conn.begin() as transaction:
        on_hold = holds.wake(conn, master, force=False, paid=set())
        transaction.rollback()
    return set(on_hold.since)


def days_kept(folder, seed: int, days: int):
    """A randomized master and a SQLite ledger that lived its first `days` calendar days from
    `START` (orders created, `ship --all`), keeping the orders it held whole on hold; each day's
    DDTs stored on that day, as a desk stores them (a count dated later takes off the DDTs
    stored after it, whatever their date)."""
    master = randomized(master_of(folder, seed), random.Random(seed))
    ledger = open_ledger(f"sqlite:///{folder / 'ledger.sqlite'}")
    calendar = working_calendar(master.settings, master.closures)
    for day in [START + timedelta(n) for n in range(days) if calendar.is_working(START + timedelta(n))]:
        with stored_on(day):
            create(master, ledger, day, with_catch_up=False, lang="it")
            ship(master, ledger, day, all_open=True, lang="it")
    return master, ledger


def test_a_new_stock_sheet_wakes_only_the_holds_of_the_items_it_raises(tmp_path):
    """Goods in for one item: only the orders kept on hold short of it are planned again; the
    same item counted lower, or a sheet counted again on a later date with what shipped in
    between taken off, wakes none."""
    master, ledger = days_kept(tmp_path, 3, 6)
    with reading(ledger) as conn:
        kept = conn.execute(select(schema.holds.c.order_id, schema.holds.c.kind, schema.holds.c["items"])).all()
        shipped = {item: quantity for item, quantity in shipped_since(conn, master.settings.stock_date)}
    short = {order_id: set(items.split("\n")) for order_id, kind, items in kept if kind == HoldKind.STOCK}
    item = sorted(set.union(*short.values()))[0]
    assert len(short) > 2 and len([o for o, items in short.items() if item in items]) < len(short)

    def moved(change, stock_date=master.settings.stock_date) -> MasterData:
        stock = tuple(replace(level, quantity=change(level)) for level in master.stock or ())
        return master.model_copy(update={"stock": stock, "settings": replace(master.settings, stock_date=stock_date)})

    others = woken_by(ledger, master)
    assert not others & set(short)
    raised = moved(lambda level: level.quantity + (100 if level.item == item else 0))
    assert woken_by(ledger, raised) - others == {o for o, items in short.items() if item in items}
    lowered = moved(lambda level: level.quantity - (1 if level.item == item else 0))
    assert woken_by(ledger, lowered) == others
    counted = moved(lambda level: level.quantity - shipped.get(level.item, 0), START + timedelta(30))
    assert woken_by(ledger, counted) == others


MARKS = (("written", "invoice-run", None, "20260409-1", "/desk/fatture"),
         ("written", "month-register", None, "2026-04", None),
         ("payment-voided", "invoice", 1, "FT-2026-00001", "payment 1: 10.00 on 2026-04-09 reversed by payment 2"),
         ("no-credit", "order", None, "OC-2026-00001", "merce distrutta"),
         ("line-cut", "order", None, None, "line 1 rest 3"),
         ("demo", "ledger", None, None, None))
"""The events that give no stock back, each as the command that logs it writes it (`written`:
an invoice run's or a month register's folder; a payment reversed; a return closed with no
credit note; an order line cut at a VAT rate change; the demo's mark), the invoice named one
the ledger has, the order (None here) one not kept on hold: a hold of the order named wakes."""


def test_an_event_that_gives_no_stock_back_wakes_no_hold_for_stock(tmp_path):
    """None of `MARKS` frees stock: what each moves that a hold waits for is read apart (a
    reversed payment is a payment row, so its invoice's orders are asked whether they are still
    paid; a cut line keeps its order's quantities; the demo's mark is logged on an empty
    ledger), so the orders kept on hold for stock stay asleep across it, where each woke them
    all as an event not known to leave stock."""
    master, ledger = days_kept(tmp_path, 3, 6)
    with reading(ledger) as conn:
        short = set(conn.execute(select(schema.holds.c.order_id).where(schema.holds.c.kind == HoldKind.STOCK)).scalars())
        free = conn.execute(select(func.min(schema.orders.c.id)).where(
            schema.orders.c.id.not_in(select(schema.holds.c.order_id)))).scalar_one()
    others = woken_by(ledger, master)
    assert short - others
    for action, document, document_id, number, detail in MARKS:
        with ledger.engine.connect() as conn, conn.begin() as transaction:
            log_event(conn, action, document, free if document == "order" else document_id, number, detail)
            woke = set(holds.wake(conn, master, force=False, paid=set()).since)
            transaction.rollback()
        assert woke == others, action


def complete_orders_kept(ledger) -> tuple[dict[int, set[str]], dict[str, set[int]], dict[int, str]]:
    """The orders kept on hold as complete orders with the items each is short of, the orders
    among them holding each item (short of it or not), and their numbers."""
    h, r, o = schema.holds.c, schema.reserved.c, schema.orders.c
    with reading(ledger) as conn:
        complete = {order_id: set(items.split("\n")) for order_id, items in conn.execute(
            select(h.order_id, h["items"]).where(h.reason == ORDER_HELD.code))}
        holding: dict[str, set[int]] = {}
        for order_id, item in conn.execute(select(r.order_id, r.item).where(r.order_id.in_(complete))):
            holding.setdefault(item, set()).add(order_id)
        numbers = {order_id: document_number(*number) for order_id, *number in conn.execute(
            select(o.id, o.series, o.year, o.number).where(o.id.in_(complete)))}
    return complete, holding, numbers


def test_a_sheet_with_less_of_an_item_wakes_the_complete_orders_kept_holding_it(tmp_path):
    """A complete order kept on hold for one item holds its other items too: a new stock sheet
    with less of one of them may leave it short of that one as well. It wakes, as every complete
    order kept that holds the item does (and no other hold), and the day names both items, as
    planning every order again does."""
    master, ledger = days_kept(tmp_path, 3, 6)
    complete, holding, numbers = complete_orders_kept(ledger)
    item = min(i for i, orders in holding.items() if any(i not in complete[o] for o in orders))
    holders = holding[item]
    assert holders < set(complete)
    others = woken_by(ledger, master)
    none_left = master.model_copy(update={"stock": tuple(
        replace(level, quantity=D(0)) if level.item == item else level for level in master.stock or ())})
    assert woken_by(ledger, none_left) - others == holders - others and holders - others
    row_deleted = master.model_copy(update={"stock": tuple(level for level in master.stock or () if level.item != item)})
    assert woken_by(ledger, row_deleted) == woken_by(ledger, none_left)
    planned_again = {x.order: x.items for x in ship(none_left, ledger, START + timedelta(6), all_open=True,
                                                    list_kept=True, lang="it").held}
    assert all(item in planned_again[numbers[o]] for o in holders)


def test_an_order_reopened_wakes_the_complete_orders_kept_holding_its_items(tmp_path):
    """An order turned down and reopened holds its items again: it frees none (no hold short of
    them wakes for it), and a complete order kept behind it that holds one may now be short of
    it."""
    master, ledger = days_kept(tmp_path, 3, 6)
    complete, holding, _ = complete_orders_kept(ledger)
    item = min(i for i, orders in holding.items() if any(i not in complete[o] for o in orders))
    others = woken_by(ledger, master)
    ol = schema.order_lines.c
    with writing(ledger) as conn:
        (reopened,) = conn.execute(select(ol.order_id, ol.item).where(
            ol.item == item, ol.order_id.not_in(select(schema.holds.c.order_id))).order_by(ol.order_id).limit(1)).all()
        items = set(conn.execute(select(ol.item).where(ol.order_id == reopened.order_id)).scalars())
        log_event(conn, "reopened", "order", reopened.order_id, "OC-2026-00000", "not-accepted -> draft")
    expected = {o for i in items for o in holding.get(i, ())}
    assert woken_by(ledger, master) - others == expected - others and expected - others


def test_an_item_made_goods_again_wakes_the_complete_orders_kept_holding_it(tmp_path):
    """An item marked a service is never short, so a complete order kept on hold for another
    item holds it without waiting for it. Marked goods again (*Servizio* `no`) with none on
    hand, the order is short of it too: it wakes, and the day names it, as planning every
    order again does."""
    master, ledger = days_kept(tmp_path, 3, 6)
    complete, holding, numbers = complete_orders_kept(ledger)
    item = min(i for i, orders in holding.items() if any(i not in complete[o] for o in orders))

    def with_item(service: bool) -> MasterData:
        return master.model_copy(update={
            "items": tuple(replace(i, service=service) if i.code == item else i for i in master.items),
            "stock": tuple(replace(level, quantity=D(0)) if level.item == item else level
                           for level in master.stock or ())})

    ship(with_item(True), ledger, START + timedelta(6), all_open=True, lang="it")
    complete, holding, numbers = complete_orders_kept(ledger)
    holders = {o for o in holding.get(item, ()) if item not in complete[o]}
    assert holders
    goods = with_item(False)
    day = START + timedelta(7)
    kept = {x.order: x.items for x in ship(goods, ledger, day, all_open=True, list_kept=True, lang="it").held}
    again = {x.order: x.items for x in ship(goods, ledger, day, all_open=True, replan=True, lang="it").held}
    assert all(item in kept[numbers[o]] and item in again[numbers[o]] for o in holders)


def test_orders_of_last_year_made_late_wake_the_complete_orders_kept_holding_their_items(tmp_path):
    """Orders of 30 December made (or imported) in the new year are numbered in the old one and
    queue ahead of every order of the new year: a complete order kept on hold may be short of one
    of their items too. It wakes, and the day names the item, as planning every order again does;
    the day's own orders, numbered last, wake none."""
    master, ledger = days_kept(tmp_path, 3, 6)
    day = START + timedelta(6)
    create(master, ledger, day, with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        last = last_marks(conn)
        assert last is not None
        now = marks_now(conn, last.customers_key, last.stock_key, last.stock_date)
        assert changes_since(conn, last, now, FREES_ITEMS, TAKES_ITEMS).taken == frozenset()
    complete, _, numbers = complete_orders_kept(ledger)
    december = date(2025, 12, 1)
    late = master.model_copy(update={
        "templates": tuple(replace(t, valid_from=december) for t in master.templates),
        "price_versions": tuple(replace(v, valid_from=min(v.valid_from, december)) for v in master.price_versions)})
    assert all(x["number"].startswith("OC-2025-") for x in create(late, ledger, date(2025, 12, 30), lang="it").created)
    ledger.engine.dispose()
    (tmp_path / "ledger.sqlite").rename(tmp_path / "kept.sqlite")
    (tmp_path / "replanned.sqlite").write_bytes((tmp_path / "kept.sqlite").read_bytes())
    kept, replanned = (open_ledger(f"sqlite:///{tmp_path / f'{name}.sqlite'}") for name in ("kept", "replanned"))
    got = ship(master, kept, day, all_open=True, list_kept=True, lang="it")
    want = ship(master, replanned, day, all_open=True, list_kept=True, replan=True, lang="it")
    assert held_of(got) == held_of(want)
    named = {x.order: set(x.items) for x in want.held}
    assert any(named[numbers[o]] > items for o, items in complete.items() if numbers[o] in named)


def test_a_customer_moved_wakes_only_the_holds_of_that_customer(tmp_path):
    """A customer's delivery terms or credit limit changed: only its orders kept on hold are
    planned again. A customer added wakes none."""
    master, ledger = days_kept(tmp_path, 5, 4)
    with reading(ledger) as conn:
        kept = conn.execute(select(schema.holds.c.order_id, schema.orders.c.customer)
                            .join(schema.orders, schema.orders.c.id == schema.holds.c.order_id)).all()
    customers = sorted({customer for _, customer in kept})
    assert len(customers) > 2
    others = woken_by(ledger, master)
    terms_of = {c.code: c.delivery_terms for c in master.customers}
    moved = customers[1]
    theirs = {order_id for order_id, customer in kept if customer == moved}
    for change in ([{"delivery_terms": t} for t in DeliveryTerms if t is not terms_of[moved]]
                   + [{"credit_limit": D(1)}]):
        changed = master.model_copy(update={"customers": tuple(
            replace(c, **change) if c.code == moved else c for c in master.customers)})
        assert woken_by(ledger, changed) - others == theirs - others and theirs - others
    added = master.model_copy(update={"customers": (*master.customers, replace(master.customers[0], code="NEW"))})
    assert woken_by(ledger, added) == others


def test_a_customer_taken_off_the_sheet_holds_its_orders_with_a_warning(tmp_path):
    """Its orders kept on hold and its orders due are held with a warning that names the
    order and says what to do; the others ship as before. Put back, it is planned again."""
    master, ledger = days_kept(tmp_path, 5, 4)
    with reading(ledger) as conn:
        kept = conn.execute(select(schema.orders.c.customer).join(
            schema.holds, schema.holds.c.order_id == schema.orders.c.id)).scalars().all()
    gone = max(set(kept), key=kept.count)
    without = master.model_copy(update={"customers": tuple(c for c in master.customers if c.code != gone)})
    day = START + timedelta(6)
    done = ship(without, ledger, day, all_open=True, lang="it")
    theirs = {h.order for h in done.held if h.customer == gone}
    assert len(theirs) >= kept.count(gone) and {h.reason for h in done.held if h.customer == gone} == {
        CUSTOMER_GONE.code}
    assert {p.message("en") for p in done.problems if p.code == CUSTOMER_GONE.code} == {
        CUSTOMER_GONE(None, number=n, customer=gone).message("en") for n in theirs}
    assert all(note.customer != gone for note in done.notes)
    back = ship(master, ledger, day, all_open=True, lang="it")
    assert not {h.order for h in back.held if h.reason == CUSTOMER_GONE.code}
    assert theirs <= {h.order for h in back.held} | {n for note in back.notes for n in note.orders}


def test_a_ledger_of_schema_16_keeps_holds_from_its_next_day(tmp_path):
    """Migration 17 adds the holds' tables empty: the first `ship --all` after it plans every
    order, as before, and keeps those it holds whole."""
    master = randomized(master_of(tmp_path, 7), random.Random(7))
    url = older_ledger(tmp_path, master, 16, tables=["hold_items", "holds", "hold_marks"])
    ledger = open_ledger(url)
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    with reading(ledger) as conn:
        assert conn.execute(select(schema.holds)).all() == [] and conn.execute(select(schema.hold_marks)).all() == []
    first = ship(master, ledger, date(2026, 4, 9), all_open=True, lang="it")
    assert first.held and all(h.since is None for h in first.held)
    with reading(ledger) as conn:
        assert conn.execute(select(schema.holds)).all() and len(conn.execute(select(schema.hold_marks)).all()) == 1


def test_a_ledger_of_schema_21_judges_its_holds_again_then_keeps_what_it_judged_by(tmp_path):
    """Migration 22 makes the marks again empty, with the keys of the customers' terms and of
    the stock sheet and its date, beside the terms kept per customer and the sheet per item: the
    next `ship --all` plans every order, as after any change of the master data, and keeps what
    it judged by."""
    master = randomized(master_of(tmp_path, 7), random.Random(7))
    url = older_ledger(tmp_path, master, 21, columns={"hold_marks": ["stock_key", "stock_date"]}, tables=["hold_stock"],
                       shipped=True)
    ledger = open_ledger(url)
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    with reading(ledger) as conn:
        assert conn.execute(select(schema.hold_marks)).all() == [] and conn.execute(select(schema.hold_stock)).all() == []
        assert conn.execute(select(schema.holds)).all() == []  # migration 23 after it
    again = ship(master, ledger, date(2026, 4, 10), all_open=True, lang="it")
    assert again.held and all(h.since is None or h.since == date(2026, 4, 9) for h in again.held)
    assert HELD_AS_BEFORE.code not in {p.code for p in again.problems}
    with reading(ledger) as conn:
        (marks,) = conn.execute(select(schema.hold_marks.c.stock_key, schema.hold_marks.c.stock_date)).all()
        sheet = dict(conn.execute(select(schema.hold_stock.c.item, schema.hold_stock.c.quantity)).all())
        terms = dict(conn.execute(select(schema.hold_customers.c.customer, schema.hold_customers.c.terms)).all())
    assert tuple(marks) == (stock_key(master), master.settings.stock_date)
    assert sheet == stock_levels(master) and sheet
    assert terms == customer_terms(master) and len(terms) == len(master.customers)


def test_a_ledger_of_schema_22_keeps_its_holds_by_customer_and_item_from_its_next_day(tmp_path):
    """Migration 23 makes the holds again, keeping each one's customer and date and its items
    one per row, empty with their marks: the next `ship --all` plans every order, as on a
    ledger's first day, keeps what it holds whole in the new shape, and the day after reports
    them kept."""
    master = randomized(master_of(tmp_path, 7), random.Random(7))
    url = older_ledger(tmp_path, master, 22, columns={"holds": ["customer", "occurrence"]}, tables=["hold_items"],
                       shipped=True)
    with sqlite3.connect(url.removeprefix("sqlite:///")) as raw:
        assert raw.execute("SELECT count(*) FROM holds").fetchone()[0] > 0
    ledger = open_ledger(url)
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    with reading(ledger) as conn:
        assert conn.execute(select(schema.holds)).all() == [] and conn.execute(select(schema.hold_marks)).all() == []
    again = ship(master, ledger, date(2026, 4, 10), all_open=True, lang="it")
    assert again.held and again.kept == 0 and HELD_AS_BEFORE.code not in {p.code for p in again.problems}
    h, o, i = schema.holds.c, schema.orders.c, schema.hold_items.c
    with reading(ledger) as conn:
        kept = conn.execute(select(h.order_id, h.customer, h.occurrence, o.customer, o.occurrence, h.kind, h["items"])
                            .join(schema.orders, o.id == h.order_id)).all()
        short = {(order_id, item) for order_id, item in conn.execute(select(i.order_id, i.item))}
    assert kept and all(row[1:3] == row[3:5] for row in kept)
    assert short == {(row[0], item) for row in kept if row[5] == "stock" for item in row[6].split("\n")} and short
    after = ship(master, ledger, date(2026, 4, 13), all_open=True, lang="it")
    assert after.kept > 0 and HELD_AS_BEFORE.code in {p.code for p in after.problems}


def random_holds(master: MasterData, rng: random.Random, count: int) -> list[Hold]:
    """Holds of every kind, of a few customers (one taken off the sheet since: its holds are
    among the customers moved), short of a few items."""
    codes = [c.code for c in master.customers[:6]] + ["GONE"]
    kinds = {HoldKind.PAYMENT: AWAITING_PAYMENT.code, HoldKind.CREDIT: CREDIT_HELD.code, HoldKind.STOCK: ORDER_HELD.code}
    holds = []
    for order_id in range(1, count + 1):
        kind = rng.choice(list(kinds))
        items = tuple(rng.sample("ABCDEF", rng.randint(1, 3))) if kind is HoldKind.STOCK else ()
        holds.append(Hold(order_id, f"OC-2026-{order_id:05d}", rng.choice(codes), START,
                          rng.choice([DocumentType.STANDARD, DocumentType.PREPAY]), kind, kinds[kind], items, START))
    return holds


@pytest.mark.parametrize("seed", range(40))
def test_the_holds_that_may_wake_hold_every_one_that_wakes(tmp_path, seed):
    """`may_wake` selects by order, customer and item what `woken` decides hold by hold: on
    random holds and random changes every hold woken is selected, whatever the credit figures,
    payments asked and paid, `--force`."""
    from toolkit.core.exposure import Exposure
    from toolkit.core.holds import may_wake

    rng = random.Random(seed)
    master = master_of(tmp_path, 1)
    customers = tuple(replace(c, credit_limit=rng.choice([None, D(100)])) for c in master.customers)
    master = master.model_copy(update={"customers": customers})
    holds = random_holds(master, rng, 60)
    ids = [h.order_id for h in holds]
    changes = Changes(frozenset(rng.sample(sorted(LEAVES_STOCK | FREES_ITEMS | {"something-new"}), 3)),
                      frozenset(rng.sample(ids, rng.randint(0, 3))), frozenset(rng.sample("ABCDEFG", rng.randint(0, 2))),
                      None, frozenset(["GONE", *rng.sample([c.code for c in customers[:8]], rng.randint(0, 1))]),
                      drained=frozenset(rng.sample(ids, rng.randint(0, 3))))
    exposures = {c.code: Exposure(c.code, outstanding=D(rng.choice([0, 60, 90])), unshipped=D(30))
                 for c in customers[:6] if c.credit_limit is not None}
    asked = rng.choice([None, rng.sample(ids, 10)])
    paid = rng.choice([None, set(rng.sample(ids, 8)) & set(asked or ids)])
    force = rng.random() < 0.2
    kinds: dict[str, set[HoldKind]] = {}
    for hold in holds:
        kinds.setdefault(hold.customer, set()).add(hold.kind)
    rule = dict(exposures=exposures, paid=paid, force=force, asked=asked)
    may = may_wake(changes, master, kinds, **rule)
    up = woken(holds, changes, master, **rule)
    assert all(may.covers(hold) for hold in up)
    assert woken([hold for hold in holds if may.covers(hold)], changes, master, **rule) == up
    assert len([hold for hold in holds if may.covers(hold)]) < len(holds) or may.stock or force


def test_the_ledger_reads_the_holds_a_selection_covers(tmp_path, twin_urls):
    """`waking` reads, by index, exactly the kept holds `Waking.covers` selects, with what each
    lacks of the items asked (the only ones a day compares)."""
    from toolkit.core.holds import Waking
    from toolkit.ledger import holds as kept

    rng = random.Random(3)
    master = randomized(master_of(tmp_path, 3), rng)
    ledger = open_ledger(twin_urls[0])
    try:
        calendar = working_calendar(master.settings, master.closures)
        for day in [START + timedelta(n) for n in range(6) if calendar.is_working(START + timedelta(n))]:
            create(master, ledger, day, with_catch_up=False, lang="it")
            ship(master, ledger, day, all_open=True, lang="it")
        with reading(ledger) as conn:
            every = kept.kept_holds(conn)
            customers = sorted({h.customer for h in every})
            items = sorted({item for h in every for item in h.items})
            assert every and {h.kind for h in every} >= {HoldKind.STOCK}
            for _ in range(30):
                may = Waking(orders=frozenset(rng.sample([h.order_id for h in every], rng.randint(0, 5))),
                             customers=frozenset(rng.sample(customers, rng.randint(0, 1))),
                             credit_of=frozenset(rng.sample(customers, rng.randint(0, 2))),
                             others_of=frozenset(rng.sample(customers, rng.randint(0, 2))),
                             items=frozenset(rng.sample(items, min(len(items), rng.randint(0, 3)))),
                             stock=rng.random() < 0.1)
                read = kept.waking(conn, may)
                assert [replace(h, lacks=()) for h in read] == [h for h in every if may.covers(h)]
                assert all((h.lack(item) is not None) == (item in may.items) for h in read for item in h.items)
            assert kept.held_kinds(conn) == {c: frozenset(h.kind for h in every if h.customer == c) for c in customers}
    finally:
        ledger.engine.dispose()
