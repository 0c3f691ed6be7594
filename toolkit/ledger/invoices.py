"""Invoices in the ledger: what is still to invoice, storing a run, reading it back, and the
rows that finalizing or undoing a run changes.

The invoicing action itself (one write transaction: read what is billable, plan, store) is
`toolkit.services.invoicing`. Numbers are drawn in the caller's transaction (`draw_numbers`),
so a failed run leaves no gap. `invoice_lines` (`delivery_line_id`, `part`) is unique: a shipped
line can never be invoiced twice, whatever the code above does; it is invoiced as one line, or
as two parts when it crosses a letter of intent's ceiling (`parts`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Row,
    Select,
    String,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    select,
    update,
)

from toolkit.basics.money import cents
from toolkit.basics.problems import ProblemsFound
from toolkit.basics.vocab import PaymentMethod
from toolkit.core.credit_notes import MixedSplit, Placed, ReturnsMatched, TakenBack, a_return, as_corrected, returns_matched
from toolkit.core.documents import DeliveryNote
from toolkit.core.intent_ceiling import LETTER_OF_INTENT
from toolkit.core.invoicing import (
    Billable,
    BillableGoods,
    CitedInvoice,
    DeliveryRef,
    Instalment,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Period,
    Shipment,
    is_fully_delivered,
    splits_payment,
)
from toolkit.core.lines import line_amount
from toolkit.core.vat import VatLine, as_stored, rate_key, totals, vat_summary
from toolkit.ledger import copy_in, parties, schema, uninvoiced
from toolkit.ledger.batches import among, bound_among, id_lists, in_batches, one_array
from toolkit.ledger.credit_notes import sold_for
from toolkit.ledger.db import (
    document_number,
    draw_numbers,
    driver_rows,
    insert_in_blocks,
    insert_numbered,
    insert_rows,
    log_batch,
    log_event,
    now,
    user,
)
from toolkit.ledger.types import ScaledValues, stored_integer
from toolkit.model.parties import Parties, party_book
from toolkit.model.records import MasterData, Settings

o, ol = schema.orders.c, schema.order_lines.c
d, dl = schema.deliveries.c, schema.delivery_lines.c
i, il, due = schema.invoices.c, schema.invoice_lines.c, schema.invoice_dues.c

INVOICEABLE_ORDER_STATUSES = ("in-progress", "completed", "closed")
DONE_ORDER_STATUSES = ("completed", "closed")


@dataclass(frozen=True, slots=True)
class RunSummary:
    run_id: str
    status: InvoiceStatus
    first_date: date
    last_date: date
    invoices: int
    ranges: tuple[tuple[str, str], ...]
    """First and last number per series and year: (`FT-2026-00001`, `FT-2026-00045`)."""
    total: Decimal

    @property
    def numbers(self) -> str:
        """The ranges as a person reads them: `FT-2026-00001 … FT-2026-00045`."""
        return ", ".join(first if first == last else f"{first} … {last}" for first, last in self.ranges)


def series_for(settings: Settings, kind: InvoiceKind) -> str:
    """Credit notes use their own series, or the invoices' when the settings give the same one."""
    return settings.credit_note_series if kind is InvoiceKind.CREDIT_NOTE else settings.invoice_series


# ---- what is still to invoice


def _invoiced_at_order():
    """Order lines invoiced at the order: their DDT lines are never invoiced again."""
    at_order = schema.invoice_lines.alias("at_order")
    return exists().where(at_order.c.order_line_id == ol.id, at_order.c.delivery_line_id.is_(None))


def _waiting_for_invoice() -> tuple[Any, ...]:
    """The conditions of a DDT line still to invoice: no invoice line cites it, its order line
    was not invoiced at the order, and its order is no return closed with no credit note. What
    month end bills up to its day (`_not_invoiced`) and what `--orders` names after it
    (`shipped_after`) both ask them."""
    return ~exists().where(il.delivery_line_id == dl.id), ~_invoiced_at_order(), ~schema.no_credit_given(ol.order_id)


def shipments_not_invoiced(conn: Connection, cutoff: date, *, customer: str | None = None) -> list[Shipment]:
    """DDT lines dated up to `cutoff` that no invoice covers yet, in DDT and line order, as one
    `Shipment` per order on each DDT (`shipments_counting`, every customer's read)."""
    return shipments_counting(conn, cutoff, frozenset(), customer=customer)[0]


def shipments_counting(conn: Connection, cutoff: date, counted: Collection[str], *,
                       customer: str | None = None) -> tuple[list[Shipment], dict[str, int]]:
    """`shipments_not_invoiced`, but the lines of the `counted` customers only counted, those
    with a quantity, per customer: the shipments of everyone else, and those counts.

    A month's run reads a million of these lines: quantities, prices and rates come as the
    scaled integers the ledger keeps and become `Decimal` once per distinct value, each line's
    amount is `line_amount` once per distinct quantity and price, and each DDT's and order's
    own fields are read once, not joined onto every line (`_OrderFields`, `_delivery_refs`).
    The lines, DDTs and orders are read at the driver level (`driver_rows`, `_not_invoiced`).
    A run counts the lines of the customers it holds whatever they are (`core.invoicing.
    held_customers`): 149,600 of the 579,500 lines of April with goods coming in at L."""
    params: dict[str, Any] = {"cutoff": cutoff}
    if customer is not None:
        params["customer"] = customer
    return _shipments(conn, driver_rows(conn, _not_invoiced(customer is not None), params), counted)


def shipments_on(conn: Connection, delivery_ids: Collection[int], cutoff: date) -> list[Shipment]:
    """`shipments_not_invoiced`, but of the DDTs `delivery_ids` only: what `toolkit ship
    --invoice` invoices of the DDTs it has just stored, without reading the rest of the month's
    lines still waiting for its end. On April's final ledger at L (301,800 DDT lines not
    invoiced), invoicing the DDT of one order took 1.32 s of CPU reading them all and keeping
    its own, 0.014 s so (fresh processes, alternated, medians of 3).

    Their lines are read by DDT id in the lists `id_lists` makes (one id per parameter, within
    the 999 of a SQLite before 3.32), each in `shipments_not_invoiced`' order; several lists
    (only on SQLite, whose strings sort as Python's do) are merged back into that order."""
    statement = _not_invoiced_on(one_array(conn))
    lists = [list(driver_rows(conn, statement, {"cutoff": cutoff, "ids": asked}))
             for asked in id_lists(conn, sorted(set(delivery_ids)))]
    rows = lists[0] if len(lists) == 1 else sorted(chain(*lists), key=lambda r: (*r[12:16], r[1], r[16]))
    return _shipments(conn, [r[:12] for r in rows], frozenset())[0]


def _shipments(conn: Connection, rows: Iterable[tuple[Any, ...]], counted: Collection[str]
               ) -> tuple[list[Shipment], dict[str, int]]:
    """`shipments_counting`' records of the rows of `_not_invoiced`, in their order: a `Shipment`
    per order on each DDT but for the `counted` customers, whose lines with a quantity are counted.

    The rows are taken as the cursor gives them, never listed: each becomes a line of its
    order's group on its DDT as it comes, its item, description and unit one string per distinct
    text (the driver makes a new one for every row, which the lines, then the invoice lines, kept
    to the end of the run); the orders' fields are read after, once per order, and the groups of
    the `counted` customers, known by them, are counted and let go. At L the month end's 400,000
    rows listed whole were 130 MiB of the run's peak, and their texts 60 MiB held under it."""
    quantities, prices, rates = map(ScaledValues.of, (dl.quantity, ol.unit_price, ol.vat_rate))
    amounts: dict[tuple[int, int], Decimal] = {}
    texts: dict[str, str] = {}
    same = texts.setdefault
    groups: list[tuple[Any, Any, str | None, list[BillableGoods]]] = []
    goods: list[BillableGoods] = []
    on_ddt, of_order = None, None
    for delivery_id, order_id, ship_to, item, description, unit, quantity, unit_price, vat_rate, nature, \
            order_line_id, delivery_line_id in rows:
        if delivery_id != on_ddt or order_id != of_order:
            on_ddt, of_order, goods = delivery_id, order_id, []
            groups.append((delivery_id, order_id, ship_to, goods))
        amount = amounts.get((quantity, unit_price))
        if amount is None:
            amount = amounts[quantity, unit_price] = line_amount(quantities[quantity], prices[unit_price])
        goods.append((same(item, item), same(description, description), same(unit, unit), quantities[quantity],
                      prices[unit_price], amount, rates[vat_rate], nature, order_line_id, delivery_line_id))
    orders = _OrderFields(conn, {g[1] for g in groups})
    held: dict[str, int] = defaultdict(int)
    kept = []
    for group in groups:
        who = orders[group[1]][2]
        if who in counted:
            if lines := sum(1 for line in group[3] if line[3]):
                held[who] += lines
        else:
            kept.append(group)
    del groups
    deliveries = _DeliveryRefs(conn, {k[0] for k in kept})
    return [_shipment(deliveries, orders, *k) for k in kept], dict(held)


def _shipment(deliveries: _DeliveryRefs, orders: _OrderFields, delivery_id: Any, order_id: Any,
              ship_to: str | None, goods: list[BillableGoods]) -> Shipment:
    """The lines of one order on one DDT as a `Shipment`, with the DDT's and the order's fields."""
    number, day, code, own_ship_to, project, method, reference = orders[order_id]
    return Shipment(deliveries[delivery_id], order_id, number, day, code, ship_to or own_ship_to, project,
                    method, reference, tuple(goods))


@cache
def _not_invoiced(by_customer: bool) -> Select[Any]:
    """`shipments_not_invoiced`' statement, built once, the last day bound as `cutoff` (and the
    customer as `customer`): its 395,000 lines at the end of April at L (`benchmarks.invoice_month
    L`) came through SQLAlchemy's rows in 3.1 s of CPU, from the driver's cursor in 1.6 s. The
    orders are joined only to ask for a customer's (each line has its order): on April with goods
    coming in at L, 791,000 DDT lines, that seek cost 0.2 s of SQLite's CPU. The lines of a
    return closed with no credit note (`schema.no_credit_given`) wait for nothing."""
    lines = (schema.delivery_lines.join(schema.deliveries, d.id == dl.delivery_id)
             .join(schema.order_lines, ol.id == dl.order_line_id))
    query = (
        select(dl.delivery_id, ol.order_id, d.ship_to, ol.item, ol.description, ol.unit,
               stored_integer(dl.quantity), stored_integer(ol.unit_price), stored_integer(ol.vat_rate),
               ol.vat_nature, ol.id, dl.id)
        .select_from(lines.join(schema.orders, o.id == ol.order_id) if by_customer else lines)
        .where(d.delivery_date <= bindparam("cutoff", type_=Date), *_waiting_for_invoice())
        .order_by(d.delivery_date, d.series, d.year, d.number, ol.order_id, ol.line_no)
    )
    return query.where(o.customer == bindparam("customer", type_=String)) if by_customer else query


def shipped_after(conn: Connection, order_ids: Collection[int], cutoff: date) -> list[tuple[str, str, date]]:
    """The DDTs of these orders dated after `cutoff` whose lines no invoice covers yet, as
    (order number, DDT number, DDT date), in date order: what an invoice of named orders dated
    `cutoff` cannot cite, and does not read (`shipments_counting` stops at it)."""
    found: set[tuple[str, str, date]] = set()
    lines = (schema.delivery_lines.join(schema.deliveries, d.id == dl.delivery_id)
             .join(schema.order_lines, ol.id == dl.order_line_id).join(schema.orders, o.id == ol.order_id))
    for condition in among(conn, ol.order_id, sorted(set(order_ids))):
        found.update((document_number(r.o_series, r.o_year, r.o_number), document_number(r.series, r.year, r.number),
                      r.delivery_date)
                     for r in conn.execute(
                         select(o.series.label("o_series"), o.year.label("o_year"), o.number.label("o_number"),
                                d.series, d.year, d.number, d.delivery_date).distinct().select_from(lines)
                         .where(condition, d.delivery_date > cutoff, *_waiting_for_invoice())))
    return sorted(found, key=lambda x: (x[2], x[1], x[0]))


@cache
def _not_invoiced_on(as_array: bool) -> Select[Any]:
    """`shipments_on`' statement, built once: `_not_invoiced`'s for the DDTs bound as `ids`
    (`bound_among`), each line with its DDT's date, series, year and number and its line number,
    by which the lists' lines are put back in order. A seek per DDT, then per line."""
    return (_not_invoiced(False).add_columns(d.delivery_date, d.series, d.year, d.number, ol.line_no)
            .where(bound_among(d.id, "ids", as_array=as_array)))


class _DeliveryRefs(dict[int, DeliveryRef]):
    """The DDTs a set of billable lines cite, as `DeliveryRef`, read once each in lists of ids
    (`id_lists`) at the driver level."""

    def __init__(self, conn: Connection, delivery_ids: Collection[int]):
        super().__init__()
        statement = _delivery_refs(one_array(conn))
        for asked in id_lists(conn, sorted(delivery_ids)):
            self.update(
                (delivery_id, DeliveryRef(delivery_id, document_number(series, year, number), day, accounting_day))
                for delivery_id, series, year, number, day, accounting_day
                in driver_rows(conn, statement, {"ids": asked}))


@cache
def _delivery_refs(as_array: bool) -> Select[Any]:
    """`_DeliveryRefs`' statement, their ids bound as `ids` (`bound_among`), built once."""
    return select(d.id, d.series, d.year, d.number, d.delivery_date, d.accounting_date).where(
        bound_among(d.id, "ids", as_array=as_array))


def ordered_not_invoiced(conn: Connection, *, customers: Collection[str] | None = None,
                         order_ids: Collection[int] | None = None, cutoff: date | None = None,
                         shipped_apart: bool = False) -> list[Billable]:
    """What of each order line no invoice covers yet, shipped or not (immediate invoicing).

    With `shipped_apart`, a line never invoiced at the order that has shipped is left to its
    DDTs (month end), the rest of it with them: an order made before its customer turned
    *Immediato* was not invoiced when made, and its goods that left with a DDT owe a deferred
    invoice citing it, not one at the order dated the run's day. A DDT of it invoiced already
    does not make the line one invoiced at the order: its next DDT, which `_not_invoiced`
    gives, bills the rest, and the order line billed too would bill it twice.

    Creating a day's orders at L invoices thousands of them at once: each asked line's invoiced
    quantity is summed through the index on `invoice_lines.order_line_id` (not every invoice
    line of the ledger grouped first, nor the asked orders' list bound twice),
    quantities and prices come as the ledger's scaled integers made `Decimal` once per distinct
    value, each amount is `line_amount` once per distinct quantity and price, and each order's
    number and payment method are made once (`_OrderFields`).

    The customers asked are bound in lists of at most `IN_LIST`, the orders as `among` gives
    them (`_asked_lists`), each read apart and the lines put back in order: at L a month-end run
    asks for 1,947 customers invoiced immediately, past the 999 parameters of a SQLite before
    3.32."""
    if (customers is not None and not customers) or (order_ids is not None and not order_ids):
        return []
    done = func.coalesce(select(func.sum(stored_integer(il.quantity))).where(il.order_line_id == ol.id)
                         .scalar_subquery(), 0)
    in_order = (o.order_date, o.series, o.year, o.number, ol.line_no)
    rows: list[Any] = []
    for asked in _asked_lists(conn, customers, order_ids):
        if cutoff is not None:
            asked.append(o.order_date <= cutoff)
        asked.append(o.document_type.notin_(("quotation", "proposal")))
        rows += conn.execute(
            select(stored_integer(ol.quantity), done, stored_integer(ol.unit_price), stored_integer(ol.vat_rate),
                   ol.id, o.id, ol.item, ol.description, ol.unit, ol.vat_nature, *in_order,
                   stored_integer(ol.shipped), _invoiced_at_order())
            .select_from(schema.order_lines.join(schema.orders, o.id == ol.order_id))
            .where(stored_integer(ol.quantity) != done, ~schema.no_credit_given(o.id), *asked)).all()
    rows.sort(key=lambda r: r[10:15])
    orders = _OrderFields(conn, {r[5] for r in rows})
    quantities, prices, rates = map(ScaledValues.of, (ol.quantity, ol.unit_price, ol.vat_rate))
    amounts: dict[tuple[int, int], Decimal] = {}
    found = []
    for quantity, invoiced_quantity, unit_price, vat_rate, order_line_id, order_id, item, description, unit, nature, \
            *_, shipped, at_order in rows:
        if shipped_apart and shipped and not at_order:
            continue
        left = quantity - invoiced_quantity
        amount = amounts.get((left, unit_price))
        if amount is None:
            amount = amounts[left, unit_price] = line_amount(quantities[left], prices[unit_price])
        number, day, customer, ship_to, project, method, reference = orders[order_id]
        found.append(Billable(item, description, unit, quantities[left], prices[unit_price], amount,
                              rates[vat_rate], nature, order_line_id, None, None, order_id, number, day, customer,
                              ship_to, project, method, reference))
    return found


def _asked_lists(conn: Connection, customers: Collection[str] | None, order_ids: Collection[int] | None
                 ) -> Iterator[list[ColumnElement[bool]]]:
    """The conditions of `ordered_not_invoiced`'s statements: the customers (whose orders may
    be invoiced, but not those whose invoice issued at once waits for their day: that is issued
    on the day, dated with the order, never by a month-end run) in slices of `in_batches`, and
    the orders (not voided) as `among` asks for them, every slice of one with every slice of
    the other."""
    by_customer = ([[o.customer.in_(chunk), o.status.in_(INVOICEABLE_ORDER_STATUSES), o.documents_held.is_(None)]
                    for chunk in in_batches(sorted(customers))] if customers is not None else [[]])
    by_order = ([[listed, o.status != "voided"] for listed in among(conn, o.id, sorted(order_ids))]
                if order_ids is not None else [[]])
    for first in by_customer:
        for second in by_order:
            yield [*first, *second]


class _OrderFields(dict[int, tuple]):
    """The orders' own fields a `Billable` cites, read once per order in lists of ids
    (`id_lists`) at the driver level: number, date, customer, ship-to, project, payment method,
    customer reference."""

    def __init__(self, conn: Connection, order_ids: Collection[int]):
        super().__init__()
        statement = _order_fields(one_array(conn))
        for asked in id_lists(conn, sorted(order_ids)):
            self.update(
                (order_id, (document_number(series, year, number), day, customer, ship_to, project,
                            PaymentMethod(method) if method else None, reference))
                for order_id, series, year, number, day, customer, ship_to, project, method, reference
                in driver_rows(conn, statement, {"ids": asked}))


@cache
def _order_fields(as_array: bool) -> Select[Any]:
    """`_OrderFields`' statement, the orders' ids bound as `ids` (`bound_among`), built once."""
    return select(o.id, o.series, o.year, o.number, o.order_date, o.customer, o.ship_to, o.project,
                  o.payment_method, o.customer_reference).where(bound_among(o.id, "ids", as_array=as_array))


def delivered_orders(conn: Connection, order_ids: Collection[int], cutoff: date) -> frozenset[int]:
    """The orders delivered in full by `cutoff` (or completed or closed: nothing more will ship).

    Each list of orders (`id_lists`) sums only its own orders' DDT lines (the sum reached
    through the order lines), rather than every DDT line of the ledger once per list. Read at
    the driver level (`driver_rows`), ordered and shipped quantities as the stored integers,
    compared as they are (one scale for both): the 17,600 orders of the end of April at L
    took 0.71 and 0.94 s of CPU through SQLAlchemy, 0.51 and 0.61 s so (alternated)."""
    wanted = sorted(set(order_ids))
    statement = _order_deliveries(one_array(conn))
    found: set[int] = set()
    for asked in id_lists(conn, wanted):
        lines: dict[int, list[tuple[int, int]]] = defaultdict(list)
        statuses: dict[int, str] = {}
        for order_id, status, quantity, done in driver_rows(conn, statement, {"cutoff": cutoff, "ids": asked}):
            lines[order_id].append((quantity, done))
            statuses[order_id] = status
        found |= {k for k, v in lines.items() if statuses[k] in DONE_ORDER_STATUSES or is_fully_delivered(v)}
    return frozenset(found)


@cache
def _order_deliveries(as_array: bool) -> Select[Any]:
    """`delivered_orders`' statement, built once: each line of the orders bound as `ids` with
    its status, its quantity and what DDTs up to `cutoff` shipped of it, as stored integers.

    The ids are bound once: the lines' DDT lines are joined to the asked lines and summed by
    line, so a list of `IN_LIST` ids stays within the 999 parameters of a SQLite before 3.32
    (summed apart, as a subquery of its own list, it bound the list twice: 1,801 parameters).
    Not slower: 23,421 orders of April with goods coming in at L, 0.56 → 0.50 s of CPU
    (medians of 3, alternated)."""
    shipped = case((d.delivery_date <= bindparam("cutoff", type_=Date), stored_integer(dl.quantity)))
    return (select(ol.order_id, o.status, stored_integer(ol.quantity), func.coalesce(func.sum(shipped), 0))
            .select_from(schema.order_lines.join(schema.orders, o.id == ol.order_id)
                         .outerjoin(schema.delivery_lines, dl.order_line_id == ol.id)
                         .outerjoin(schema.deliveries, d.id == dl.delivery_id))
            .where(bound_among(ol.order_id, "ids", as_array=as_array))
            .group_by(ol.id, ol.order_id, o.status, ol.quantity))


# ---- storing


def store(conn: Connection, master: MasterData, invoices: Sequence[Invoice], status: InvoiceStatus,
          run_id: str, returns: ReturnsMatched | None = None, *, lang: str) -> list[Invoice]:
    """Number and insert planned invoices in the caller's transaction, in the order given
    (numbers follow that order within each series); one statement per table, not per invoice.
    Each keeps the parties it prints, as the master says them now (`toolkit.ledger.parties`),
    a credit note with split payment, CIG and CUP as the invoices it corrects bore them
    (`_as_corrected`), and comes back saying, as the ledger reads it back, whether it bore split
    payment.
    Final ones take what their lines cover out of the kept figures still to ship and to invoice
    (`uninvoiced.invoiced`). A return's credit note is stored credited at most at the prices of
    the invoices it takes its goods back from, and citing them (`cite_returns`), as `returns`
    matched them (one the matching made longer than a document takes, stored as the notes it is
    cut in, `ReturnsMatched.placed`): the caller's run did, in this transaction, whose write lock keeps another
    writer from changing what it read; without it, they are matched here (`matched_returns`)."""
    matched = returns if returns is not None else matched_returns(conn, invoices)
    if not matched.made_for(invoices):
        raise ValueError("the returns were matched for other invoices than those stored")
    placed = matched.placed()
    invoices = list(placed.invoices)
    keys = [(series_for(master.settings, x.kind), x.invoice_date.year) for x in invoices]
    numbers = draw_numbers(conn, keys)
    created_at, created_by = now(), user()
    book = party_book(master)
    issued = _as_corrected(conn, invoices, [x.parties_in(book) for x in invoices], matched, placed)
    parties_ids = parties.keep(conn, issued)
    ids = insert_numbered(conn, schema.invoices, [
        dict(kind=x.kind.value, series=series, year=year, number=numbers[n], invoice_date=x.invoice_date,
             customer=x.customer, group_key=x.group_key, status=status.value, run_id=run_id,
             period_start=x.period.start, period_end=x.period.end, taxable=x.taxable, vat=x.vat, total=x.total,
             payment_method=x.payment_method.value, payment_terms=x.payment_terms, created_at=created_at,
             created_by=created_by, parties_id=parties_ids[n], reason=x.reason, lang=lang,
             split_payment=splits_payment(issued[n]))
        for n, (x, (series, year)) in enumerate(zip(invoices, keys))])
    _insert_lines(conn, ids, invoices)
    insert_rows(conn, schema.credit_vat, [
        dict(invoice_id=invoice_id, vat_rate=v.rate, vat_nature=v.nature, vat=v.vat)
        for invoice_id, x in zip(ids, invoices) for v in x.summary if v.vat != cents(v.taxable * v.rate / 100)])
    if status is InvoiceStatus.FINAL:
        uninvoiced.invoiced(conn, ids)
    dues = [dict(invoice_id=invoice_id, due_date=due.due_date, amount=due.amount)
            for invoice_id, x in zip(ids, invoices) for due in x.dues]
    insert_rows(conn, schema.invoice_dues, dues)
    insert_rows(conn, schema.invoice_citations, [
        dict(credit_note_id=invoice_id, invoice_id=cited.id, base=cited.base)
        for invoice_id, x in zip(ids, invoices) for cited in x.cites])
    shown = [document_number(series, year, numbers[n]) for n, (series, year) in enumerate(keys)]
    returned = cite_returns(conn, matched, placed, ids, shown)
    log_batch(conn, "invoiced", [x.kind_listed for x in invoices], ids, shown,
              [f"run {run_id}; {x.customer}; total {x.total}" for x in invoices])
    return [replace(x, id=invoice_id, number=number, status=status, run_id=run_id, parties=kept,
                    cites=returned.get(invoice_id, x.cites), split_payment=splits_payment(kept), lang=lang)
            for invoice_id, number, x, kept in zip(ids, shown, invoices, issued)]


def _as_corrected(conn: Connection, invoices: Sequence[Invoice], issued: list[Parties], matched: ReturnsMatched,
                  placed: Placed) -> list[Parties]:
    """The parties each document prints (`issued`, today's), a credit note's buyer bearing split
    payment, CIG and CUP as the invoices it corrects kept them (`as_corrected`): those it cites
    and those its returns take their goods back from (`matched`; an invoice of the same run
    prints today's). An invoice kept before its parties were prints today's, so it changes
    nothing; a debit note made with its parties (citing the letter of intent its invoice did not,
    `services.debit_notes`) keeps them. `ProblemsFound` (the caller's transaction rolls back) for a note correcting
    invoices issued with and without split payment."""
    corrected: dict[int, dict[int, tuple[str, int | None]]] = defaultdict(dict)
    for n, x in enumerate(invoices):
        if x.kind is InvoiceKind.CREDIT_NOTE or (x.debit_note and x.parties is None):
            corrected[n].update((c.id, (c.number, None)) for c in x.cites if c.id)
    for t, (note, _) in zip(matched.taken, placed.credited):
        where = corrected[note]
        if t.sold.invoice_id is not None:
            where[t.sold.invoice_id] = (t.sold.number, None)
        else:
            where[-1 - t.sold.place] = ("—", placed.at[t.sold.place])
    if not any(corrected.values()):
        return issued
    wanted = sorted({k for found in corrected.values() for k in found if k >= 0})
    kept_ids = {r.id: r.parties_id for chunk in in_batches(wanted)
                for r in conn.execute(select(i.id, i.parties_id).where(i.id.in_(chunk)))}
    kept = parties.read(conn, kept_ids.values())
    refused = []
    for n, found in corrected.items():
        bore = [(number, issued[place] if place is not None else kept[kept_ids[k]])
                for k, (number, place) in found.items()
                if place is not None or kept_ids.get(k) is not None]
        try:
            issued[n] = as_corrected(issued[n], bore)
        except MixedSplit as mixed:
            refused.append(mixed.problem(invoices[n].customer))
    if refused:
        raise ProblemsFound(refused)
    return issued


def matched_returns(conn: Connection, invoices: Sequence[Invoice]) -> ReturnsMatched:
    """What the returns' credit notes among the invoices about to be stored together take back
    of the invoice lines that sold their goods (`toolkit.core.credit_notes.ReturnsMatched`): the
    final invoices' lines, read once (`sold_for`), and these invoices' own. A run matches them
    once, then prices, warns and stores by it."""
    return returns_matched(invoices, sold_for(conn, [x for x in invoices if a_return(x)], None))


def cite_returns(conn: Connection, matched: ReturnsMatched, placed: Placed, ids: Sequence[int], shown: Sequence[str]
                 ) -> dict[int, tuple[CitedInvoice, ...]]:
    """Each return's credit note takes its goods back from the invoice lines that sold them, as
    far as the ledger can tell: a return order does not say which delivery its goods come from,
    so from the customer's latest invoices dated on or before the note that sold the item, final
    or of the note's own run (undone with it), each as far as what earlier notes and returns
    left of it (`matched`, stored as `ids` numbered `shown`: an invoice of the run takes its id
    and number from them). What it takes back of each line is recorded
    (`schema.returned_lines`), by the note's line that credits it (a return line split on both
    sides of a letter of intent's ceiling is two, on the note of `placed` holding them), and the note
    cites those invoices, the base of each what it takes back of them: its print, its e-invoice
    and the ledger say the same. A return of goods no invoice sold cites none. `ProblemsFound`
    (the caller's transaction rolls back) when a return gives back more than is left of the
    invoices that sold its goods: the month-end run leaves such returns out before storing (`toolkit.services.invoicing`)."""
    if matched.over:
        raise ProblemsFound([x.problem for x in matched.over])
    if not matched.taken:
        return {}
    planned_ids, planned_shown = [ids[n] for n in placed.at], [shown[n] for n in placed.at]
    note_ids = [ids[n] for n, _ in placed.credited]
    run_lines = {planned_ids[t.sold.place] for t in matched.taken if t.sold.invoice_id is None}
    line_ids = {(r.invoice_id, r.line_no): r.id
                for chunk in in_batches(sorted({*note_ids, *run_lines}))
                for r in conn.execute(select(il.invoice_id, il.line_no, il.id).where(il.invoice_id.in_(chunk)))}
    sold = [_sold_as_stored(t, planned_ids, planned_shown, line_ids) for t in matched.taken]
    insert_rows(conn, schema.returned_lines, [
        dict(credit_note_id=note_id, credit_line_id=line_ids[(note_id, line_no)],
             invoice_line_id=line_id, quantity=t.quantity, amount=t.amount)
        for t, (_, _, line_id), note_id, (_, line_no) in zip(matched.taken, sold, note_ids, placed.credited)])
    bases: dict[int, dict[tuple[date, str, int], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for t, (invoice_id, number, _), note_id in zip(matched.taken, sold, note_ids):
        bases[note_id][(t.sold.day, number, invoice_id)] -= t.amount
    found = {note_id: tuple(CitedInvoice(invoice_id, number, day, base)
                            for (day, number, invoice_id), base in sorted(cited.items()))
             for note_id, cited in bases.items()}
    insert_rows(conn, schema.invoice_citations, [dict(credit_note_id=note_id, invoice_id=c.id, base=c.base)
                                                 for note_id, cited in found.items() for c in cited])
    return found


def _sold_as_stored(t: TakenBack, ids: Sequence[int], shown: Sequence[str],
                    line_ids: Mapping[tuple[int, int], int]) -> tuple[int, str, int]:
    """The invoice (id, number) and invoice line id a part of a return takes back, an invoice of
    the run itself known by its place among those just stored."""
    if t.sold.invoice_id is not None:
        return t.sold.invoice_id, t.sold.number, t.sold.left.line_id
    invoice_id = ids[t.sold.place]
    return invoice_id, shown[t.sold.place], line_ids[(invoice_id, t.sold.left.line.line_no)]


def _insert_lines(conn: Connection, ids: Sequence[int], invoices: Sequence[Invoice]) -> None:
    """The invoices' lines in blocks of rows (`insert_in_blocks`), their amounts, quantities,
    prices and rates handed to the driver as the scaled integers the ledger keeps, each distinct value scaled
    once (`_Unscaled`): at a month's million lines, the column type's conversion of every value
    took as long as the database's own work. On PostgreSQL they go in by COPY
    (`copy_in.copy_rows`). The rows are made as the insert takes them, never listed whole: a
    month end's 313,000 at L held 55 MiB as a list (with the copies the blocks were made of,
    125 MiB of the run's peak)."""
    quantities, prices, amounts, rates = _Unscaled(3), _Unscaled(6), _Unscaled(2), _Unscaled(2)
    part = parts()
    rows: Iterator[tuple[Any, ...]] = (
        (invoice_id, line.line_no, line.delivery_line_id, line.order_line_id, line.item, line.description, line.unit,
         quantities[line.quantity], prices[line.unit_price], amounts[line.amount], rates[line.vat_rate],
         line.vat_nature, line.credits_line_id, part(line))
        for invoice_id, x in zip(ids, invoices) for line in x.lines)
    table, dialect = schema.invoice_lines, conn.dialect
    columns = ("invoice_id", "line_no", "delivery_line_id", "order_line_id", "item", "description", "unit",
               "quantity", "unit_price", "amount", "vat_rate", "vat_nature", "credits_line_id", "part")
    converters = [None if name in _SCALED_LINE else table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                  for name in columns]
    if any(converters):
        rows = (tuple(v if convert is None or v is None else convert(v) for convert, v in zip(converters, r))
                for r in rows)
    if copy_in.is_postgresql(conn):
        if any(x.lines for x in invoices):
            copy_in.copy_rows(conn, table, columns, rows)
        return
    insert_in_blocks(conn, table, columns, rows)


def cite_shipped_with(conn: Connection, invoices: Sequence[Invoice], notes: Sequence[DeliveryNote]) -> list[Invoice]:
    """The invoices just issued at the order, their lines billed at the order citing the DDT of
    `notes` (issued in the same transaction: POS and on-credit orders issue both at once) that
    their goods left with, kept in `invoice_lines.shipped_with`: for the accountant the same
    document as `ship --invoice` issues, whose DatiDDT and register name its DDT; the line stays
    billed at the order (no delivery line), as every rule of the ledger reads it. A line whose
    goods no DDT carried (out of stock) cites none."""
    left_with = {line.order_line_id: DeliveryRef(note.id, note.number, note.day, note.accounting_date)
                 for note in notes if note.voided is None for line in note.lines}
    cited: list[Invoice] = []
    rows: list[dict[str, int]] = []
    for x in invoices:
        if x.kind is not InvoiceKind.INVOICE or x.id is None:
            cited.append(x)
            continue
        lines = tuple(replace(line, delivery=left_with[line.order_line_id])
                      if line.delivery is None and line.delivery_line_id is None and line.order_line_id in left_with
                      else line for line in x.lines)
        found = {(line.order_line_id, line.delivery.id) for line, was in zip(lines, x.lines)
                 if line is not was and line.order_line_id is not None and line.delivery is not None}
        rows += [{"invoice": x.id, "order_line": order_line, "ddt": ddt} for order_line, ddt in sorted(found)]
        cited.append(replace(x, lines=lines) if found else x)
    if rows:
        conn.execute(update(schema.invoice_lines)
                     .where(il.invoice_id == bindparam("invoice"), il.order_line_id == bindparam("order_line"))
                     .values(shipped_with=bindparam("ddt")), rows)
    return cited


def parts() -> Callable[[InvoiceLine], int]:
    """Each stored line's `part` of its DDT line, or of its order line when it cites no DDT line
    (billed or credited at the order), for lines stored one after the other: 1 for the rest
    beyond a letter of intent's ceiling, the line with VAT citing a line whose part within (N3.5)
    came before it (`toolkit.core.intent_ceiling.split_at`; a return's note crediting both sides
    of a ceiling has its lines in that order too, `toolkit.core.credit_notes.sides`); 0 for any
    other. So a DDT line planned twice any other way still breaks the unique index, as it did when
    `delivery_line_id` was unique alone, and so does a return's line credited at the order twice
    (`schema.credited_once_index`, schema 48)."""
    within: set[tuple[str, int]] = set()

    def part(line: InvoiceLine) -> int:
        cited = (("ddt", line.delivery_line_id) if line.delivery_line_id is not None
                 else ("order", line.order_line_id) if line.order_line_id is not None else None)
        if cited is None:
            return 0
        if line.vat_nature == LETTER_OF_INTENT:
            within.add(cited)
            return 0
        return int(cited in within)
    return part


_SCALED_LINE = frozenset({"quantity", "unit_price", "amount", "vat_rate"})


class _Unscaled(dict[Decimal, int]):
    """`Decimal` → the scaled integer its column keeps (`toolkit.ledger.types.Scaled`), made
    once per distinct value; refuses, as the column does, a value with more decimals."""

    def __init__(self, places: int):
        super().__init__()
        self.places = places

    def __missing__(self, value: Decimal) -> int:
        scaled = value.scaleb(self.places)
        number = int(scaled)
        if number != scaled:
            raise ValueError(f"{value} has more than {self.places} decimals")
        self[value] = number
        return number


def latest_issued(conn: Connection, series: str, year: int) -> tuple[str, date] | None:
    """The number and date of the latest-dated invoice already in a series and year (the
    highest number of that date), or None when the series has none that year.

    Asked as two seeks, not a sort: the highest number's invoice (`last_numbered`), and whether
    any invoice of any series is dated after it (`dated_after`). When none is, that invoice is
    the answer: no invoice of its series is later, and it has the highest number of its date.
    Only when one is (numbers and dates out of step, or another series issued later) is the
    series and year sorted by date (`latest_dated`). On April's final ledger at L, a series and
    year of 53,000 invoices, the sort took 15 ms of CPU a call and the seeks take 0.3 ms.
    `tests/test_latest_issued.py` holds it to the sort on random ledgers."""
    row = conn.execute(last_numbered(series, year)).first()
    if row is None:
        return None
    if conn.execute(dated_after(row.invoice_date)).first() is not None:
        row = conn.execute(latest_dated(series, year)).one()
    return document_number(series, year, row.number), row.invoice_date


def last_numbered(series: str, year: int) -> Select[tuple[int, date]]:
    """The number and date of the highest-numbered invoice of a series and year: a seek down the
    unique (series, year, number) index."""
    highest = select(func.max(i.number)).where(i.series == series, i.year == year).scalar_subquery()
    return select(i.number, i.invoice_date).where(i.series == series, i.year == year, i.number == highest)


def dated_after(day: date) -> Select[tuple[date]]:
    """Any invoice dated after `day`: a seek in the invoice-date index."""
    return select(i.invoice_date).where(i.invoice_date > day).limit(1)


def latest_dated(series: str, year: int) -> Select[tuple[int, date]]:
    """The latest-dated invoice of a series and year, the highest number of that date: every
    invoice of the series and year sorted."""
    return (select(i.number, i.invoice_date).where(i.series == series, i.year == year)
            .order_by(i.invoice_date.desc(), i.number.desc()).limit(1))


# ---- reading back


def load_invoices(conn: Connection, *, run_id: str | None = None, ids: Sequence[int] | None = None,
                  statuses: Sequence[InvoiceStatus] | None = None, customer: str | None = None,
                  first: date | None = None, last: date | None = None) -> list[Invoice]:
    """Invoices with their lines (and the DDTs and orders they cite) and dues, in number order;
    `first` and `last` keep those dated between them."""
    query = select(schema.invoices)
    if first is not None:
        query = query.where(i.invoice_date >= first)
    if last is not None:
        query = query.where(i.invoice_date <= last)
    if run_id is not None:
        query = query.where(i.run_id == run_id)
    if ids is not None:
        query = query.where(i.id.in_(list(ids)))
    if statuses:
        query = query.where(i.status.in_([s.value for s in statuses]))
    if customer is not None:
        query = query.where(i.customer == customer)
    headers = conn.execute(query.order_by(i.invoice_date, i.series, i.year, i.number)).all()
    lines: dict[int, list[InvoiceLine]] = defaultdict(list)
    dues: dict[int, list[Instalment]] = defaultdict(list)
    invoice_ids = [h.id for h in headers]
    for chunk in in_batches(invoice_ids):
        rows = conn.execute(
            select(*il, d.id.label("delivery_id"), d.series.label("d_series"), d.year.label("d_year"),
                   d.number.label("d_number"), d.delivery_date, o.series.label("o_series"),
                   o.year.label("o_year"), o.number.label("o_number"), d.accounting_date, o.customer_reference)
            .select_from(schema.invoice_lines.outerjoin(schema.order_lines, ol.id == il.order_line_id)
                         .outerjoin(schema.orders, o.id == ol.order_id)
                         .outerjoin(schema.delivery_lines, dl.id == il.delivery_line_id)
                         .outerjoin(schema.deliveries, d.id == func.coalesce(dl.delivery_id, il.shipped_with)))
            .where(il.invoice_id.in_(chunk)).order_by(il.invoice_id, il.line_no))
        for r in rows:
            ref = (DeliveryRef(r.delivery_id, document_number(r.d_series, r.d_year, r.d_number), r.delivery_date,
                               r.accounting_date)
                   if r.delivery_id is not None else None)
            order = document_number(r.o_series, r.o_year, r.o_number) if r.o_number is not None else ""
            lines[r.invoice_id].append(InvoiceLine(
                r.item, r.description, r.unit, r.quantity, r.unit_price, r.amount, r.vat_rate, r.vat_nature,
                r.line_no, r.order_line_id, r.delivery_line_id, ref, order, r.customer_reference, r.credits_line_id))
        for r in conn.execute(select(schema.invoice_dues).where(due.invoice_id.in_(chunk)).order_by(due.due_date, due.id)):
            dues[r.invoice_id].append(Instalment(r.due_date, r.amount))
    cited = citations(conn, invoice_ids)
    kept = kept_vat(conn, invoice_ids)
    issued = parties.read(conn, [h.parties_id for h in headers])
    return [stored_invoice(h, lines[h.id], dues[h.id], cited.get(h.id, ()), kept.get(h.id, {}), issued.get(h.parties_id))
            for h in headers]


def stored_invoice(h: Row[Any], lines: Sequence[InvoiceLine], dues: Sequence[Instalment],
                   cited: tuple[CitedInvoice, ...], kept: Mapping[tuple[Decimal, str | None], Decimal],
                   issued: Parties | None) -> Invoice:
    """An invoice or note as the ledger keeps it: its `invoices` row `h` with its lines, its dues,
    the invoices it cites, the VAT it keeps per rate (`kept_vat`) and the parties it was issued
    with. `load_invoices` and `load_invoices_in_bulk` read those their own ways and must give
    the same records: this is where both build them."""
    return Invoice(
        InvoiceKind(h.kind), h.customer, h.group_key, Period(h.period_start or h.invoice_date,
                                                              h.period_end or h.invoice_date),
        h.invoice_date, tuple(lines), stored_summary(lines, h.vat, kept), h.taxable, h.vat, h.total,
        PaymentMethod(h.payment_method), h.payment_terms, tuple(dues), h.id, document_number(h.series, h.year, h.number),
        InvoiceStatus(h.status), h.run_id, cited, issued, h.reason, split_payment=splits_payment(issued), lang=h.lang)


def citations(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[CitedInvoice, ...]]:
    """Credit note id → the invoices it cites (`invoice_citations`), in date and number order."""
    c = schema.invoice_citations.c
    found: dict[int, list[CitedInvoice]] = defaultdict(list)
    wanted = list(ids)
    for chunk in in_batches(wanted):
        rows = conn.execute(
            select(c.credit_note_id, c.base, i.id, i.series, i.year, i.number, i.invoice_date)
            .join(schema.invoices, i.id == c.invoice_id)
            .where(c.credit_note_id.in_(chunk))
            .order_by(c.credit_note_id, i.invoice_date, i.series, i.year, i.number))
        for r in rows:
            found[r.credit_note_id].append(
                CitedInvoice(r.id, document_number(r.series, r.year, r.number), r.invoice_date, r.base))
    return {k: tuple(v) for k, v in found.items()}


def kept_vat(conn: Connection, ids: Sequence[int]) -> dict[int, dict[tuple[Decimal, str | None], Decimal]]:
    """Document id → its VAT per rate where the ledger keeps one (`schema.credit_vat`)."""
    c = schema.credit_vat.c
    found: dict[int, dict[tuple[Decimal, str | None], Decimal]] = defaultdict(dict)
    for chunk in in_batches(list(ids)):
        for r in conn.execute(select(c.invoice_id, c.vat_rate, c.vat_nature, c.vat).where(c.invoice_id.in_(chunk))):
            found[r.invoice_id][rate_key(r.vat_rate, r.vat_nature)] = r.vat
    return found


def stored_summary(lines: Sequence[InvoiceLine], vat: Decimal,
                   kept: Mapping[tuple[Decimal, str | None], Decimal]) -> tuple[VatLine, ...]:
    """A stored document's VAT summary: each rate's taxable summed from its lines, its VAT the
    one kept for it or its taxable's; a note stored before schema 32 whose rates do not add up
    to its VAT has them share it (`as_stored`)."""
    summary = [replace(s, vat=kept.get(rate_key(s.rate, s.nature), s.vat))
               for s in vat_summary((x.amount, x.vat_rate, x.vat_nature) for x in lines)]
    return tuple(as_stored(summary, vat))


def consistent(invoice: Invoice) -> bool:
    """Whether the stored totals are what the lines give (a check for tests and audits)."""
    return (invoice.taxable, invoice.vat, invoice.total) == totals(invoice.summary)


@dataclass(frozen=True)
class LatestRun:
    """The run that last invoiced within a period: what a month end finding nothing left names."""

    run_id: str
    status: InvoiceStatus
    documents: int
    by: str


def latest_run_within(conn: Connection, first: date, last: date) -> LatestRun | None:
    """The run issued last whose documents' periods lie within `first`–`last` (a month end's
    own; a document issued with its DDT or order has its day), or None."""
    row = conn.execute(
        select(i.run_id, func.count(), func.max(i.id).label("last_id"),
               func.sum(case((i.status == "draft", 1), else_=0)).label("drafts"), func.max(i.created_by))
        .where(i.period_start >= first, i.period_end <= last, i.period_start < i.period_end)
        .group_by(i.run_id).order_by(func.max(i.id).desc()).limit(1)).first()
    if row is None:
        return None
    return LatestRun(row[0], InvoiceStatus.DRAFT if row.drafts else InvoiceStatus.FINAL, row[1], row[4])


def run_summaries(conn: Connection) -> list[RunSummary]:
    """One row per run, the most recently issued first (by ledger id, since two runs can share a
    date and run ids are random): what `toolkit invoice list` shows."""
    rows = conn.execute(
        select(i.id, i.run_id, i.status, i.series, i.year, i.number, i.invoice_date, i.total)
        .order_by(i.run_id, i.series, i.year, i.number)).all()
    by_run: dict[str, list] = defaultdict(list)
    for r in rows:
        by_run[r.run_id].append(r)
    summaries = []
    for run_id, items in sorted(by_run.items(), key=lambda kv: max(r.id for r in kv[1]), reverse=True):
        spans: dict[tuple[str, int], list[int]] = defaultdict(list)
        for r in items:
            spans[(r.series, r.year)].append(r.number)
        ranges = tuple((document_number(series, year, min(taken)), document_number(series, year, max(taken)))
                       for (series, year), taken in sorted(spans.items()))
        summaries.append(RunSummary(
            run_id, InvoiceStatus.DRAFT if any(r.status == "draft" for r in items) else InvoiceStatus.FINAL,
            min(r.invoice_date for r in items), max(r.invoice_date for r in items), len(items), ranges,
            sum((r.total for r in items), Decimal(0))))
    return summaries


# ---- finalize and undo


def run_documents(conn: Connection, run_id: str) -> list:
    """A run's invoices as (id, status, series, year, number) rows."""
    return list(conn.execute(select(i.id, i.status, i.series, i.year, i.number).where(i.run_id == run_id)).all())


def drafted_parties(conn: Connection, run_id: str) -> list[tuple[str, str, str, Parties | None, str, str]]:
    """A run's drafts as (number, customer, kind, parties they were drafted with, payment
    terms, payment method), in number order: what they will bear once final (no parties for a
    draft stored before parties were kept)."""
    rows = conn.execute(select(i.series, i.year, i.number, i.customer, i.kind, i.parties_id, i.payment_terms,
                               i.payment_method)
                        .where(i.run_id == run_id, i.status == InvoiceStatus.DRAFT.value)
                        .order_by(i.series, i.year, i.number)).all()
    kept = parties.read(conn, [r.parties_id for r in rows])
    return [(document_number(r.series, r.year, r.number), r.customer, r.kind,
             kept.get(r.parties_id) if r.parties_id is not None else None, r.payment_terms, r.payment_method)
            for r in rows]


def drafted_at(conn: Connection, run_id: str, nature: str) -> set[str]:
    """The numbers of a run's draft invoices with a line at this VAT nature."""
    rows = conn.execute(select(i.series, i.year, i.number).distinct().join(schema.invoice_lines, il.invoice_id == i.id)
                        .where(i.run_id == run_id, i.status == InvoiceStatus.DRAFT.value,
                               i.kind == InvoiceKind.INVOICE.value, il.vat_nature == nature)).all()
    return {document_number(r.series, r.year, r.number) for r in rows}


def drafted_dues(conn: Connection, run_id: str) -> dict[str, tuple[date, tuple[date, ...]]]:
    """A run's draft invoices by number: their date and the days they fall due as drafted, which
    final they keep whatever the customer's *Mesi esclusi* say by then."""
    rows = conn.execute(select(i.series, i.year, i.number, i.invoice_date, due.due_date)
                        .join(schema.invoice_dues, due.invoice_id == i.id)
                        .where(i.run_id == run_id, i.status == InvoiceStatus.DRAFT.value,
                               i.kind == InvoiceKind.INVOICE.value)
                        .order_by(i.id, due.due_date)).all()
    found: dict[str, tuple[date, list[date]]] = {}
    for r in rows:
        found.setdefault(document_number(r.series, r.year, r.number), (r.invoice_date, []))[1].append(r.due_date)
    return {number: (day, tuple(dues)) for number, (day, dues) in found.items()}


def make_final(conn: Connection, run_id: str, drafts: Sequence) -> None:
    """Turn a run's draft invoices (rows of `run_documents`) final, one event each; what their
    lines cover no longer counts as shipped and not invoiced (`uninvoiced.invoiced`)."""
    conn.execute(update(schema.invoices).where(i.run_id == run_id, i.status == InvoiceStatus.DRAFT.value)
                 .values(status=InvoiceStatus.FINAL.value))
    uninvoiced.invoiced(conn, [r.id for r in drafts])
    for r in drafts:
        log_event(conn, "finalized", "invoice", r.id, document_number(r.series, r.year, r.number), f"run {run_id}")


def invoiced_before_shipping(conn: Connection, order_id: int, kind: InvoiceKind = InvoiceKind.INVOICE) -> list[str]:
    """The numbers of the invoices billing the order's lines at the order (no DDT line cited:
    immediate, prepay, POS invoices), in number order: goods billed that may never leave; with
    `kind` the credit notes, those crediting a return's goods before they came back."""
    rows = conn.execute(select(i.series, i.year, i.number).distinct()
                        .join(schema.invoice_lines, il.invoice_id == i.id)
                        .join(schema.order_lines, ol.id == il.order_line_id)
                        .where(ol.order_id == order_id, il.delivery_line_id.is_(None), i.kind == kind.value)
                        .order_by(i.series, i.year, i.number)).all()
    return [document_number(*row) for row in rows]


def reissue_parties(conn: Connection, by_id: Mapping[int, Parties]) -> None:
    """Invoices given the parties their corrected e-invoice carries (`services.einvoice`)."""
    if by_id:
        kept = parties.keep(conn, list(by_id.values()))
        conn.execute(update(schema.invoices).where(i.id == bindparam("invoice"))
                     .values(parties_id=bindparam("kept"), split_payment=bindparam("split")),
                     [dict(invoice=invoice_id, kept=k, split=splits_payment(one))
                      for (invoice_id, one), k in zip(by_id.items(), kept)])


def paid_any(conn: Connection, invoice_ids: Sequence[int]) -> bool:
    """Whether a payment is recorded on any of these invoices."""
    return bool(conn.execute(select(func.count()).select_from(schema.payments)
                             .where(schema.payments.c.invoice_id.in_(list(invoice_ids)))).scalar())


def later_number(conn: Connection, series: str, year: int, after: int, run_id: str) -> int | None:
    """The highest number above `after` that another run took in a series and year."""
    return conn.execute(select(func.max(i.number)).where(
        i.series == series, i.year == year, i.number > after, i.run_id != run_id)).scalar()


def final_after(conn: Connection, series: str, year: int, after: int | None, run_id: str) -> tuple[int, int | None]:
    """How many final documents of other runs are numbered above `after` (None: above the run's
    own numbers) in a series and year, and the lowest of them: a draft run below them can never
    be undone, only made final."""
    if after is None:
        after = conn.execute(select(func.max(i.number)).where(
            i.series == series, i.year == year, i.run_id == run_id)).scalar() or 0
    count, first = conn.execute(select(func.count(), func.min(i.number)).where(
        i.series == series, i.year == year, i.number > after, i.run_id != run_id,
        i.status == InvoiceStatus.FINAL.value)).one()
    return count, first


def draft_runs_in(conn: Connection, series: str, year: int) -> list[tuple[str, str, str]]:
    """The runs holding draft numbers in a series and year, each (run, first number, last
    number), in number order: a document numbered after them leaves them no undo
    (`later_number`)."""
    rows = conn.execute(select(i.run_id, func.min(i.number), func.max(i.number)).where(
        i.series == series, i.year == year, i.status == InvoiceStatus.DRAFT.value)
        .group_by(i.run_id).order_by(func.min(i.number)))
    return [(r[0], document_number(series, year, r[1]), document_number(series, year, r[2])) for r in rows]


def counter_last(conn: Connection, series: str, year: int) -> int | None:
    """The last number drawn in a series and year."""
    c = schema.counters.c
    return conn.execute(select(c.last).where(c.series == series, c.year == year)).scalar()


def delete_run(conn: Connection, run_id: str, rows: Sequence) -> None:
    """Delete a run's invoices (rows of `run_documents`), one event each, and their printings
    (the next run's invoices may take their ids), and put each counter back to the number before
    the run's first."""
    numbers: dict[tuple[str, int], list[int]] = defaultdict(list)
    for r in rows:
        numbers[(r.series, r.year)].append(r.number)
    for r in rows:
        log_event(conn, "undone", "invoice", None, document_number(r.series, r.year, r.number), f"run {run_id}")
    ids = [r.id for r in rows]
    conn.execute(delete(schema.invoice_dues).where(due.invoice_id.in_(ids)))
    conn.execute(delete(schema.invoice_lines).where(il.invoice_id.in_(ids)))
    conn.execute(delete(schema.printings).where(schema.printings.c.document == "invoice",
                                                schema.printings.c.document_id.in_(ids)))
    conn.execute(delete(schema.invoices).where(i.id.in_(ids)))
    c = schema.counters.c
    for (series, year), taken in numbers.items():
        conn.execute(update(schema.counters).where(and_(c.series == series, c.year == year))
                     .values(last=min(taken) - 1))


@dataclass(frozen=True, slots=True)
class UndoneRun:
    """A draft run `invoice undo` deleted, as the event log keeps it (`delete_run`): a run id
    typed again after its undo is that run, not a slip, and is told so."""

    documents: int
    at: datetime
    by: str


def undone_run(conn: Connection, run_id: str) -> UndoneRun | None:
    """The undo of `run_id` (its documents' events), or None for a run never undone. A run's id
    is drawn afresh for every run, so its undo is the only one."""
    e = schema.events.c
    row = conn.execute(select(func.count(), func.max(e.at), func.max(e.by))
                       .where(e.action == "undone", e.document == "invoice", e.detail == f"run {run_id}")).one()
    return UndoneRun(row[0], row[1], row[2]) if row[0] else None


RUN_FILES, MONTH_REGISTER = "invoice-run", "month-register"
"""The event log's `document` for the folder a run's files, or a month's register, were
written in (`wrote_in`): the ledger keeps no column for it, and an undo finds them there."""


RUN_PRINTS = "invoice-run-print"
"""The event log's `document` for a file `toolkit print invoices` wrote of a run's invoices (`--run`,
or drafts chosen by `--numbers` or `--date`; `wrote_in` with the file itself): named by the desk, so
the run's folder does not hold it, and an undo of the run removes it with the run's own copies
(`written_in`)."""


def wrote_in(conn: Connection, document: str, name: str, folder: Path | None) -> None:
    """Log that the files of `name` (a run's id, a month `2026-04`) were written in `folder`
    (None: a run that wrote none), so `invoice undo` without `--out` knows where to remove them
    from."""
    log_event(conn, "written", document, None, name, str(folder.resolve()) if folder is not None else None)


def written_in(conn: Connection, document: str, name: str) -> list[Path] | None:
    """The folders the files of `name` were written in (`wrote_in`), each once, oldest first;
    None when the ledger never noted where (a run stored before it did)."""
    e = schema.events.c
    details = conn.execute(select(e.detail).where(e.action == "written", e.document == document, e.number == name)
                           .order_by(e.id)).scalars().all()
    if not details:
        return None
    return [Path(d) for d in dict.fromkeys(details) if d]


def pdfs_printed_with(conn: Connection, run_id: str) -> dict[Path, frozenset[Path]]:
    """Each PDF noted of the run's prints (`RUN_PRINTS`) with the workbooks it was printed with:
    a print notes its workbook, then its PDFs, in one transaction (`noted_for_undo`), so a PDF
    is the print of the workbook noted last before it, whatever their names. One noted before
    any workbook was printed with none."""
    e = schema.events.c
    details = conn.execute(select(e.detail).where(e.action == "written", e.document == RUN_PRINTS,
                                                  e.number == run_id).order_by(e.id)).scalars().all()
    printed: dict[Path, set[Path]] = {}
    workbook: Path | None = None
    for path in (Path(d) for d in details if d):
        if path.suffix.lower() != ".pdf":
            workbook = path
            continue
        printed.setdefault(path, set()).update([workbook] if workbook is not None else [])
    return {pdf: frozenset(workbooks) for pdf, workbooks in printed.items()}


def written_every(conn: Connection, document: str) -> dict[str, list[Path]]:
    """`written_in` for every name of `document` the ledger noted: the months' registers an
    undo looks in once the run, and with it the months it was dated in, left the ledger."""
    e = schema.events.c
    rows = conn.execute(select(e.number, e.detail).where(e.action == "written", e.document == document,
                                                         e.detail.is_not(None)).order_by(e.id)).all()
    found: dict[str, list[Path]] = {}
    for name, detail in rows:
        if detail and Path(detail) not in found.setdefault(name, []):
            found[name].append(Path(detail))
    return found


def run_months(conn: Connection, run_id: str) -> list[str]:
    """The months (`2026-04`) a run's invoices are dated in: the registers that list them."""
    days = conn.execute(select(i.invoice_date).where(i.run_id == run_id).distinct()).scalars().all()
    return sorted({f"{d:%Y-%m}" for d in days})
