"""DDTs voided in the ledger (`schema.voided_deliveries`, `schema.voided_lines`): what the ledger
says of a DDT the desk would void, voiding it, and reading back what a voided DDT carried.

The action is `toolkit.services.ddt_void`, the rule `toolkit.core.ddt_void`. Voiding moves the
DDT's lines out of `delivery_lines` into `voided_lines` and takes them off every sum kept of
what shipped, in the caller's transaction, as if the DDT had never shipped: each order line's
shipped quantity, what shipped per item on the DDT's day, the orders' value still to ship, the
DDT's value still to invoice (nothing now). What the orders reserve and their statuses are the
service's, once the lines are open again.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import Connection, and_, delete, insert, select

from toolkit.basics.vocab import PaymentMethod
from toolkit.core.ddt_void import DdtState
from toolkit.core.documents import DeliveryNote
from toolkit.core.orders import OrderStatus
from toolkit.core.shipping import SERVICES_SERIES
from toolkit.ledger import schema, shipped_by_day, uninvoiced, unshipped
from toolkit.ledger.batches import among
from toolkit.ledger.db import add_by_id, document_number, log_event, now, user
from toolkit.ledger.deliveries import invoices_charging, load_notes, voided_of
from toolkit.ledger.types import places_of

dl = schema.delivery_lines.c
o, ol, i, il, p = (schema.orders.c, schema.order_lines.c, schema.invoices.c, schema.invoice_lines.c,
                   schema.payments.c)

ACTION = "ddt-voided"
"""The event of a DDT voided, and of each order it reopened. No event `toolkit.core.holds` knows:
it wakes every order held for stock, as goods back on hand may free any of them."""


def state(conn: Connection, note: DeliveryNote, customer_method: PaymentMethod | None) -> DdtState:
    """What the ledger says of the DDT `note` (as `load_notes` read it): voided already, the
    invoices citing its lines (final; draft, with their run), the invoices with a payment that
    charge its goods paid cash on delivery (`customer_method`: its customer's method), its
    orders closed or voided since. A DDT voided already is only that: its lines are the ones it
    carried (`schema.voided_lines`), which nothing cites. An invoice issued with the DDT (POS,
    on credit) cites it by `shipped_with`, its lines billed at the order: found by the DDT's
    order lines (indexed), not a pass over every invoice line."""
    voided = voided_of(conn, [note.id]).get(note.id)
    if voided is not None:
        return DdtState(note.number, note.series, note.reason, voided, (), (), (), ())
    line_ids = [line.id for line in note.lines]
    final: list[str] = []
    drafts: list[tuple[str, str]] = []
    order_lines = sorted({line.order_line_id for line in note.lines})
    citing = [*among(conn, il.delivery_line_id, line_ids),
              *(and_(condition, il.shipped_with == note.id) for condition in among(conn, il.order_line_id, order_lines))]
    for condition in citing:
        for r in conn.execute(select(i.series, i.year, i.number, i.status, i.run_id).distinct()
                              .select_from(schema.invoice_lines.join(schema.invoices, i.id == il.invoice_id))
                              .where(condition)
                              .order_by(i.year, i.series, i.number)):
            shown = document_number(r.series, r.year, r.number)
            if r.status == "final":
                final.append(shown)
            else:
                drafts.append((r.run_id, shown))
    return DdtState(note.number, note.series, note.reason, None,
                    tuple(dict.fromkeys(final)), tuple(dict.fromkeys(drafts)),
                    _cash_collected(conn, note, customer_method), _voided_orders(conn, note))


def _cash_collected(conn: Connection, note: DeliveryNote, customer_method: PaymentMethod | None) -> tuple[str, ...]:
    """The invoices charging the DDT's cash-on-delivery goods with some payment recorded on them,
    net of reversals: the driver's cash reached the ledger."""
    cash = note.cash_lines(customer_method)
    if not cash:
        return ()
    charging = sorted(set(invoices_charging(conn, cash).values()))
    paid: list[str] = []
    for condition in among(conn, i.id, charging):
        rows = conn.execute(select(i.series, i.year, i.number, p.amount)
                            .join(schema.payments, p.invoice_id == i.id).where(condition))
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for r in rows:
            totals[document_number(r.series, r.year, r.number)] += r.amount
        paid += [number for number, total in totals.items() if total]
    return tuple(sorted(paid))


def _voided_orders(conn: Connection, note: DeliveryNote) -> tuple[str, ...]:
    """The DDT's orders that are voided now (a closed one stays closed, its goods back in stock)."""
    ended = [OrderStatus.VOIDED.value]
    found: list[str] = []
    for condition in among(conn, o.id, sorted({line.order_id for line in note.lines})):
        found += [document_number(r.series, r.year, r.number) for r in conn.execute(
            select(o.series, o.year, o.number).where(condition, o.status.in_(ended)))]
    return tuple(sorted(found))


def services_with(conn: Connection, note: DeliveryNote) -> list[DeliveryNote]:
    """The records of services rendered (`SERVICES_SERIES`) in force that were issued with the
    DDT `note`: stored by the same `ship` (the same moment, day, customer, destination and
    reason) and carrying services of an order whose goods it carried. Services go with the
    delivery: if the goods did not leave, the services were not rendered either."""
    d = schema.deliveries.c
    issued = select(d.created_at).where(d.id == note.id).scalar_subquery()
    ids = conn.execute(select(d.id).where(
        d.series == SERVICES_SERIES, d.delivery_date == note.day, d.customer == note.customer,
        d.ship_to.is_(None) if note.ship_to is None else d.ship_to == note.ship_to,
        d.reason == note.reason.value, d.created_at == issued, schema.in_force(d.id))).scalars().all()
    orders = {line.order_id for line in note.lines}
    return [record for record in load_notes(conn, ids=ids) if orders & {line.order_id for line in record.lines}]


def void(conn: Connection, note: DeliveryNote, reason: str | None) -> list[int]:
    """Void the DDT `note` in the caller's transaction: its lines moved to `voided_lines` and off
    every kept sum (the module's docstring), its row in `voided_deliveries`, the event logged
    with the reason. Returns the ids of its orders, whose reservations and statuses the caller
    sets again."""
    rows = conn.execute(select(dl.id, dl.order_line_id, dl.quantity, ol.order_id, ol.item, ol.vat_rate, ol.vat_nature,
                               ol.unit_price)
                        .join(schema.order_lines, ol.id == dl.order_line_id)
                        .where(dl.delivery_id == note.id).order_by(dl.id)).all()
    if rows:
        conn.execute(insert(schema.voided_lines), [
            dict(delivery_id=note.id, order_line_id=r.order_line_id, quantity=r.quantity, vat_rate=r.vat_rate,
                 vat_nature=r.vat_nature, unit_price=r.unit_price) for r in rows])
    taken: dict[int, Decimal] = defaultdict(Decimal)
    for r in rows:
        taken[r.order_line_id] += r.quantity
    places = places_of(ol.shipped)
    add_by_id(conn, ol.shipped, {line: -int(quantity.scaleb(places)) for line, quantity in taken.items()})
    conn.execute(delete(schema.delivery_lines).where(dl.delivery_id == note.id))
    shipped_by_day.summed_again(conn, note.day, {r.item for r in rows})
    order_ids = sorted({r.order_id for r in rows})
    unshipped.recount(conn, order_ids)
    uninvoiced.recount(conn, [note.id])
    conn.execute(insert(schema.voided_deliveries).values(delivery_id=note.id, reason=reason, voided_at=now(),
                                                         voided_by=user()))
    log_event(conn, ACTION, "delivery" if note.is_ddt else "services", note.id, note.number, reason)
    return order_ids
