"""What a day's shipping reads and writes, in a few statements whatever the number of orders.

`toolkit ship --all` at L read every open order whole every day (headers, lines, then the
shipped and the invoiced sums apart), the held ones too, and read each DDT back after storing
it: most of a day's 20 seconds. Here the due orders come as headers, with whether anything is
still open on them; only the orders the core may ship get their lines, in one query with the
sums done by the database; the DDTs stored are returned as built from their drafts, with the
ids and numbers the ledger gave them. The rules stay in `toolkit.core.shipping`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, select

from toolkit.basics.bulk_records import maker
from toolkit.core.documents import DeliveryNote, DeliveryNoteLine
from toolkit.core.lines import line_amount
from toolkit.core.orders import EFFECTS, Order, OrderLine, OrderStatus
from toolkit.core.shipping import OpenLine, ShipmentDraft, ShipmentLine, series_of
from toolkit.ledger import schema
from toolkit.ledger.batches import bound_among, id_lists, in_batches, one_array
from toolkit.ledger.db import document_number, driver_rows
from toolkit.ledger.orders import (
    NO_DOCUMENTS_HELD,
    PAYMENTS,
    STATUSES,
    TYPES,
    imported_from,
    make_order,
    make_order_line,
)
from toolkit.ledger.types import ScaledValues, as_stored, stored_integer
from toolkit.model.parties import PartyBook

o, ol, dl, il = schema.orders.c, schema.order_lines.c, schema.delivery_lines.c, schema.invoice_lines.c
ZERO = Decimal(0)
_note_line = maker(DeliveryNoteLine)
"""The DDTs' lines made through their slots (`toolkit.basics.bulk_records`), as the orders and
their lines (`ledger.orders.make_order`): 23 April at L makes 19,500. Every field is passed, in order."""


def due_orders(conn: Connection, day: date, *, leave_out_held: bool = False
               ) -> tuple[list[Order], set[int], dict[int, int]]:
    """The orders in progress that ship and are due by `day`, without their lines (`lines`
    empty: `with_lines` reads them for the orders that need them), in number order; and the
    ids of those with something still to ship on some line, which the database finds. With
    `leave_out_held`, not the orders kept on hold (`schema.holds`). Nor the parties each order
    printed, nor its language (`Order.parties`, `Order.lang`, None): shipping prints no order,
    and a DDT names its parties as the master says them the day it is issued, in the language
    of the run that issues it. Third, the id of the parties each order printed (`issued_parties`)
    by order id, for the orders that kept theirs: a few thousand distinct ids at L, whose buyers
    `toolkit.ledger.parties.identities` reads to tell an order made for another company than this
    copy's customer of that code (`toolkit.model.parties.another_company`).

    At L most of the open orders are held day after day (a prepayment not in, a customer over
    the credit limit) and the core holds them without looking at their lines
    (`toolkit.core.shipping.held_unread`): building each of their lines every day was most of
    a day's shipping."""
    shipping = [t.value for t, effects in EFFECTS.items() if effects.ships]
    line = schema.order_lines.alias("line")
    still_open = select(line.c.id).where(line.c.order_id == o.id, line.c.quantity != line.c.shipped).exists()
    cited = schema.orders.alias("cited")
    rows = conn.execute(
        select(o.id, o.series, o.year, o.number, o.template, o.occurrence, o.order_date, o.customer, o.ship_to,
               o.contact, o.document_type, o.status, o.price_list, o.price_version, o.project, o.delivery_option,
               o.customer_reference, o.payment_method, o.origin, cited.c.series, cited.c.year, cited.c.number,
               cited.c.document_type, still_open, o.parties_id)
        .select_from(schema.orders.outerjoin(cited, cited.c.id == o.confirms))
        .where(o.status == OrderStatus.IN_PROGRESS.value, o.occurrence <= day, o.document_type.in_(shipping),
               *([~select(schema.holds.c.order_id).where(schema.holds.c.order_id == o.id).exists()]
                 if leave_out_held else []))
        .order_by(o.year, o.series, o.number)).all()
    orders, pending, printed = [], set(), {}
    for (order_id, series, year, seq, template, occurrence, order_date, customer, ship_to, contact, kind, status,
         price_list, price_version, project, delivery_option, reference, payment, origin, c_series, c_year, c_seq,
         c_type, has_open, parties_id) in rows:
        cited_number = document_number(c_series, c_year, c_seq) if c_series is not None else None
        orders.append(make_order(order_id, document_number(series, year, seq), template, occurrence, order_date, customer,
                                 ship_to, contact, TYPES[kind], STATUSES[status], price_list, price_version,
                                 project, delivery_option, (), reference, PAYMENTS[payment] if payment else None,
                                 cited_number, TYPES[c_type] if c_type is not None else None, imported_from(origin),
                                 NO_DOCUMENTS_HELD, None, None))
        if has_open:
            pending.add(order_id)
        if parties_id is not None:
            printed[order_id] = parties_id
    return orders, pending, printed


def with_lines(conn: Connection, orders: Sequence[Order]) -> list[Order]:
    """These orders (from `due_orders`) with their lines, as `load_orders` builds them, the
    shipped quantities kept per line (`order_lines.shipped`, ZERO as `load_orders` gives it
    when nothing shipped) and the invoiced ones summed by the database, in one query per
    `IN_LIST` orders.

    Quantities, prices, amounts and rates come as the stored integers and each distinct value
    becomes a `Decimal` once (`ScaledValues`, the same digits and exponent as the column gives):
    at L the orders held for stock are read again every day, tens of thousands of lines, where
    most values repeat."""
    lines: dict[int, list[OrderLine]] = {order.id: [] for order in orders}
    invoiced = select(func.sum(stored_integer(il.quantity))).where(il.order_line_id == ol.id).scalar_subquery()
    quantities, prices, amounts, rates = map(ScaledValues.of, (ol.quantity, ol.unit_price, ol.amount, ol.vat_rate))
    ids = list(lines)
    for chunk in in_batches(ids):
        rows = conn.execute(
            select(ol.order_id, ol.item, ol.description, ol.unit,
                   *(stored_integer(c) for c in (ol.quantity, ol.unit_price, ol.amount, ol.vat_rate)),
                   ol.vat_nature, ol.id, ol.line_no, ol.note, ol.price_rule, stored_integer(ol.shipped), invoiced)
            .where(ol.order_id.in_(chunk)).order_by(ol.order_id, ol.line_no))
        for (order_id, item, description, unit, quantity, unit_price, amount, vat_rate, vat_nature, line_id, line_no,
             note, price_rule, sent, billed) in rows:
            lines[order_id].append(make_order_line(
                item, description, unit, quantities[quantity], prices[unit_price], amounts[amount], rates[vat_rate],
                vat_nature, line_id, line_no, note, ZERO if not sent else quantities[sent],
                ZERO if billed is None else quantities[billed], price_rule, ZERO))
    return [_with(order, tuple(lines[order.id])) for order in orders]


def _with(order: Order, lines: tuple[OrderLine, ...]) -> Order:
    """`replace(order, lines=lines)`, each field passed by position: `replace` looks the
    fields up for every order, 0.25 s of the 14.7 s of five days at L (`ship_days`, profiled)
    against a third of that. `tests/test_shipping_setbased.py` compares the orders with
    `load_orders`', so a field added to `Order` and missed here fails it."""
    return make_order(order.id, order.number, order.template, order.occurrence, order.order_date, order.customer,
                      order.ship_to, order.contact, order.document_type, order.status, order.price_list,
                      order.price_version, order.project, order.delivery_option, lines, order.customer_reference,
                      order.payment_method, order.confirms, order.confirms_type, order.form, order.documents_held,
                      order.parties, order.lang)


def open_lines(conn: Connection, orders: Sequence[Order]) -> dict[int, tuple[OpenLine, ...]]:
    """Per order (from `due_orders`), its lines still to ship as `OpenLine`s (id, number, item,
    what is still to ship), in line order: all that deciding whether an order can take anything
    today (`toolkit.core.shipping.takes_nothing`) and the messages of one that cannot need. At
    the end of a month at L, 58,700 orders wait for stock with 410,000 lines: reading each whole
    every day (`with_lines`) was a quarter of the day. What is still to ship comes as the stored
    integers' difference, each distinct value made a `Decimal` once, as `with_lines` makes
    `OrderLine.to_ship`. The orders are asked in one query on PostgreSQL, in one per `IN_LIST`
    elsewhere (`id_lists`): the IN-lists are the test oracle `tests/oracles/reads_in_lists.py`."""
    found: dict[int, list[OpenLine]] = {order.id: [] for order in orders}
    quantities = ScaledValues.of(ol.quantity)
    statement = _open_lines(one_array(conn))
    for asked in id_lists(conn, list(found)):
        for order_id, line_id, line_no, item, still in driver_rows(conn, statement, {"orders": asked}):
            found[order_id].append(OpenLine(line_id, line_no, item, quantities[still]))
    return {order_id: tuple(lines) for order_id, lines in found.items()}


@cache
def _open_lines(as_array: bool) -> Select[Any]:
    """`open_lines`' statement, the orders bound as `orders` (`bound_among`), built once: read
    at the driver level (`driver_rows`), 0.78 → 0.57 s of CPU on the day after April at L. On
    PostgreSQL each IN-list of 900 orders scanned the order lines again: on the last day of the
    month at M the 11,688 due orders' 13 statements took 230 ms of the server's CPU, the one
    array 50 ms (medians of 9, alternated)."""
    return (select(ol.order_id, ol.id, ol.line_no, ol.item, schema.left_to_ship)
            .where(bound_among(ol.order_id, "orders", as_array=as_array), schema.left_to_ship != 0)
            .order_by(ol.order_id, ol.line_no))


def stored_notes(conn: Connection, ids: Sequence[int], series: str, drafts: Sequence[ShipmentDraft], orders: Mapping[int, Order],
                 accounting_date: date | None, book: PartyBook, *, lang: str) -> list[DeliveryNote]:
    """The DDTs just stored from `drafts` (ids and numbers as the ledger gave them), as
    `load_notes` would read them back: their lines' ids are read in one query (`_DDT_LINES`),
    the rest is what was stored, each quantity and amount as the ledger's scaled integers give
    it back (`_as_stored`)."""
    line_ids: dict[int, list[int]] = {i: [] for i in ids}
    numbers: dict[int, int] = {}
    if ids:
        d = schema.deliveries.c
        numbers.update(conn.execute(select(d.id, d.number).where(d.id.between(min(ids), max(ids)))).all())
        for line_id, delivery_id in driver_rows(conn, _DDT_LINES, {"first": min(ids), "last": max(ids)}):
            if delivery_id in line_ids:
                line_ids[delivery_id].append(line_id)
    notes = []
    stored_of: dict[Decimal, Decimal] = {}
    remarks = _line_notes(drafts, orders)
    for delivery_id, draft in zip(ids, drafts):
        number = numbers[delivery_id]
        kind = series_of(draft, series)
        lines = []
        for line_id, line in zip(line_ids[delivery_id], draft.lines):
            order = orders[line.order_id]
            quantity, amount = _as_stored(line, stored_of)
            lines.append(_note_line(
                line.item, line.description, line.unit, quantity, line.unit_price, amount,
                line.vat_rate, line.vat_nature, line_id, line.order_line_id, line.order_id, line.order_number,
                line.line_no, order.customer_reference, order.payment_method, remarks.get(line.order_line_id),
                order.project))
        notes.append(DeliveryNote(
            delivery_id, document_number(kind, draft.day.year, number), kind, draft.day.year, number, draft.day,
            draft.customer, draft.ship_to, draft.carrier, draft.reason, draft.packages,
            None if draft.weight is None else as_stored(draft.weight, 3), draft.forced, tuple(lines),
            accounting_date or draft.day, book.parties(draft.customer, draft.ship_to, draft.carrier), lang=lang))
    return notes


def _line_notes(drafts: Sequence[ShipmentDraft], orders: Mapping[int, Order]) -> dict[int, str]:
    """The notes of the shipped orders' lines by order line id: the DDT prints them under the
    goods, as `load_notes` reads them from the order lines."""
    shipped = {line.order_id for draft in drafts for line in draft.lines}
    return {line.id: line.note for order_id in shipped for line in orders[order_id].lines if line.note}


_DDT_LINES = select(dl.id, dl.delivery_id).where(dl.delivery_id.between(bindparam("first"), bindparam("last"))).order_by(dl.id)
"""The ids of the DDT lines of the DDTs from `first` to `last`, read at the driver level
(`driver_rows`): 128,000 lines over five days at L (`ship_days`)."""


def _as_stored(line: ShipmentLine, stored_of: dict[Decimal, Decimal]) -> tuple[Decimal, Decimal]:
    """A draft line's quantity as the ledger gives it back (`as_stored`, worked out once per
    distinct quantity in `stored_of`: it depends on the value alone) and its amount. The draft
    carries the amount of its own quantity (`toolkit.core.shipping._drafts`), which is the
    stored one's when the two are equal, as they are for any quantity the ledger stored (it
    refuses more places than it keeps); it is worked out again otherwise. Working it out for
    each of the 128,000 lines of five days at L (`ship_days`), where few (quantity, price)
    pairs repeat, was a tenth of `stored_notes`."""
    quantity = line.quantity
    if (stored := stored_of.get(quantity)) is None:
        stored = stored_of[quantity] = as_stored(quantity, 3)
    return stored, line.amount if stored == quantity else line_amount(stored, line.unit_price)
