"""Returns closed with no credit note in the ledger (`schema.uncredited_returns`): what a return
has waiting for a credit note, recording that none is due, and reading it back.

The action is `toolkit.services.returns`; what waits to be invoiced leaves these returns' lines
out where it is read (`schema.no_credit_given`).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, exists, insert, select

from toolkit.core.invoicing import InvoiceKind
from toolkit.core.no_credit import NoCredit, ReturnState
from toolkit.core.orders import Order
from toolkit.ledger import schema, uninvoiced
from toolkit.ledger.db import document_number, log_event, now, user

d, dl, ol = schema.deliveries.c, schema.delivery_lines.c, schema.order_lines.c
i, il, nc = schema.invoices.c, schema.invoice_lines.c, schema.uncredited_returns.c


def return_state(conn: Connection, order: Order) -> ReturnState:
    """The DDTs holding lines of the order that no invoice or credit note covers (neither citing
    the DDT line nor the order line at the order), the credit notes holding its goods, and the
    no-credit record it may have already."""
    return ReturnState(tuple(document_number(series, year, number) for _, series, year, number in _waiting(conn, order.id)),
                       _credit_notes(conn, order.id), no_credit_of(conn, [order.id]).get(order.id))


def _waiting(conn: Connection, order_id: int) -> list[tuple[int, str, int, int]]:
    """(id, series, year, number) of the DDTs with lines of the order still to invoice."""
    at_order = schema.invoice_lines.alias("at_order")
    return [(r.id, r.series, r.year, r.number) for r in conn.execute(
        select(d.id, d.series, d.year, d.number).distinct()
        .select_from(schema.delivery_lines.join(schema.deliveries, d.id == dl.delivery_id)
                     .join(schema.order_lines, ol.id == dl.order_line_id))
        .where(ol.order_id == order_id, ~exists().where(il.delivery_line_id == dl.id),
               ~exists().where(at_order.c.order_line_id == ol.id, at_order.c.delivery_line_id.is_(None)))
        .order_by(d.series, d.year, d.number))]


def _credit_notes(conn: Connection, order_id: int) -> tuple[str, ...]:
    """The credit notes with lines of the order's goods (a return credited at month end or at once)."""
    rows = conn.execute(
        select(i.series, i.year, i.number).distinct()
        .select_from(schema.invoice_lines.join(schema.invoices, i.id == il.invoice_id)
                     .join(schema.order_lines, ol.id == il.order_line_id))
        .where(ol.order_id == order_id, i.kind == InvoiceKind.CREDIT_NOTE.value)
        .order_by(i.series, i.year, i.number))
    return tuple(document_number(*r) for r in rows)


def record(conn: Connection, order: Order, reason: str) -> list[str]:
    """Record that the return gets no credit note, in the caller's transaction: its row, the
    event log's line (who, when, why), and the value still to invoice of the DDTs its lines
    waited on, summed again without them. Returns those DDTs' numbers."""
    waiting = _waiting(conn, order.id)
    conn.execute(insert(schema.uncredited_returns).values(order_id=order.id, reason=reason, created_at=now(),
                                                          created_by=user()))
    uninvoiced.recount(conn, [r[0] for r in waiting])
    log_event(conn, "no-credit", "order", order.id, order.number, reason)
    return [document_number(series, year, number) for _, series, year, number in waiting]


def no_credit_of(conn: Connection, order_ids: Collection[int]) -> dict[int, NoCredit]:
    """The orders of these that are returns closed with no credit note, with why, when and by
    whom. The table holds the few returns the desk closed so: read whole, not asked per order."""
    wanted = set(order_ids)
    return {r.order_id: NoCredit(r.reason, r.created_at, r.created_by) for r in conn.execute(
        select(nc.order_id, nc.reason, nc.created_at, nc.created_by)) if r.order_id in wanted}
