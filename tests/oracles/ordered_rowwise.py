"""The row-by-row `ordered_not_invoiced` (before issue 20's date work): one query over every
invoice line of the ledger, each row's quantity, amount, order number and payment method made on
its own. The reference `tests/test_ordered_not_invoiced.py` compares the bulk reader with."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, func, select

from toolkit.basics.vocab import PaymentMethod
from toolkit.core.invoicing import Billable, DeliveryRef
from toolkit.core.lines import line_amount
from toolkit.ledger import schema
from toolkit.ledger.db import document_number
from toolkit.ledger.invoices import INVOICEABLE_ORDER_STATUSES

o, ol, il = schema.orders.c, schema.order_lines.c, schema.invoice_lines.c


def ordered_not_invoiced(conn: Connection, *, customers: Collection[str] | None = None,
                         order_ids: Collection[int] | None = None, cutoff: date | None = None) -> list[Billable]:
    if (customers is not None and not customers) or (order_ids is not None and not order_ids):
        return []
    invoiced = (select(il.order_line_id, func.sum(il.quantity).label("quantity"))
                .group_by(il.order_line_id).subquery())
    done = func.coalesce(invoiced.c.quantity, 0)
    query = (
        select(ol.quantity, done.label("invoiced"), *_billable_columns())
        .select_from(schema.order_lines.join(schema.orders, o.id == ol.order_id)
                     .outerjoin(invoiced, invoiced.c.order_line_id == ol.id))
        .where(ol.quantity != done, o.document_type.notin_(("quotation", "proposal")))
        .order_by(o.order_date, o.series, o.year, o.number, ol.line_no)
    )
    if customers is not None:
        query = query.where(o.customer.in_(list(customers)), o.status.in_(INVOICEABLE_ORDER_STATUSES))
    if order_ids is not None:
        query = query.where(o.id.in_(list(order_ids)), o.status != "voided")
    if cutoff is not None:
        query = query.where(o.order_date <= cutoff)
    return [_billable(r, r.quantity - (r.invoiced or 0), None, None, r.o_ship_to) for r in conn.execute(query)]


def _billable_columns():
    return (ol.id.label("order_line_id"), o.id.label("order_id"), o.series.label("o_series"),
            o.year.label("o_year"), o.number.label("o_number"), o.order_date, o.customer, o.ship_to.label("o_ship_to"),
            o.project, ol.item, ol.description, ol.unit, ol.unit_price, ol.vat_rate, ol.vat_nature,
            o.payment_method, o.customer_reference)


def _billable(r, quantity: Decimal, delivery_line_id: int | None, delivery: DeliveryRef | None,
              ship_to: str | None) -> Billable:
    return Billable(r.item, r.description, r.unit, quantity, r.unit_price, line_amount(quantity, r.unit_price),
                    r.vat_rate, r.vat_nature, r.order_line_id, delivery_line_id, delivery, r.order_id,
                    document_number(r.o_series, r.o_year, r.o_number), r.order_date, r.customer, ship_to, r.project,
                    PaymentMethod(r.payment_method) if r.payment_method else None, r.customer_reference)
