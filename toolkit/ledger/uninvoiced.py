"""Each DDT's value shipped and not yet on a final invoice, kept on the DDT: goods the customer
has received and will be invoiced for (a deferred invoice waits for the month's end, a draft
run for its finalizing), one of the credit exposure's three parts (`toolkit.ledger.exposure`).

The value is Σ quantity × unit price over the DDT's lines that no final invoice covers, neither
citing the line nor its order line at the order (`unshipped.invoiced_at_order`), exact, as two
scaled integers like the orders' value still to ship (`toolkit.ledger.unshipped`, whose
`value` reads both): `deliveries.uninvoiced_euros`, `deliveries.uninvoiced_micros`. The
database sums them from the DDT's lines (`recount`), in the same transaction, when the DDT is
stored and when an invoice covering its lines becomes final (`invoiced`: stored final, or its
draft run finalized). Undoing a run deletes draft invoices only, which covered nothing yet.

Summed from the lines at every read, a customer's figure would read every DDT line waiting for
the month's end, 400,000 by then at L, in every preview and shipping day; kept, it is read from
the DDTs still to invoice (`schema.uninvoiced_index`). The sum over the lines is the test
oracle `tests/oracles/exposure_everyone.py`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, exists, func, select, update

from toolkit.ledger import schema, unshipped
from toolkit.ledger.batches import spanned_or_among
from toolkit.ledger.types import stored_integer

d, dl, ol = schema.deliveries.c, schema.delivery_lines.c, schema.order_lines.c
il, i = schema.invoice_lines.c, schema.invoices.c


def recount(conn: Connection, delivery_ids: Collection[int] | None = None) -> None:
    """Set the kept value of these DDTs (None: of every DDT with a line not invoiced, in the
    migration that adds the columns: the rest keep their 0 as they are) from their lines, in
    one statement per `spanned_or_among` condition (a day's DDTs, stored in one statement, are
    one range)."""
    if delivery_ids is None:
        waiting = select(dl.delivery_id).join(schema.order_lines, ol.id == dl.order_line_id).where(_not_invoiced())
        conn.execute(update(schema.deliveries).where(d.id.in_(waiting)).values(_values()))
        return
    for condition in spanned_or_among(conn, d.id, sorted(set(delivery_ids))):
        conn.execute(update(schema.deliveries).where(condition).values(_values()))


def invoiced(conn: Connection, invoice_ids: Collection[int]) -> None:
    """These invoices have just become final: the DDTs whose lines they cite, and the DDTs and
    orders of the order lines they invoice at the order, are summed again. The database finds
    them from the invoices' lines, a run's at a time (its invoices are one range of ids)."""
    for condition in spanned_or_among(conn, il.invoice_id, sorted(set(invoice_ids))):
        at_order = select(il.order_line_id).where(condition, cites_no_ddt_line(il.delivery_line_id),
                                                  il.order_line_id.is_not(None))
        cited = select(dl.delivery_id).join(schema.invoice_lines, il.delivery_line_id == dl.id).where(condition)
        shipped_at_order = select(dl.delivery_id).where(dl.order_line_id.in_(at_order))
        conn.execute(update(schema.deliveries).where(d.id.in_(cited.union(shipped_at_order))).values(_values()))
        orders = [order_id for (order_id,) in conn.execute(
            select(ol.order_id).where(ol.id.in_(at_order)).distinct())]
        if orders:
            unshipped.recount(conn, orders)


def cites_no_ddt_line(delivery_line_id: Any) -> ColumnElement[bool]:
    """The invoice line cites no DDT line (it invoices at the order), for a statement that finds
    its invoice lines another way (by invoice, by order line): written `delivery_line_id + 0 IS
    NULL`, the same rows, so that SQLite does not look the NULLs up in the unique index of
    `delivery_line_id`. The ledger keeps no statistics on SQLite, and its planner takes a
    lookup in a unique index for one row: it walked every line ever invoiced at the order,
    then kept those of the invoices asked. On the ledger of 1–17 April at M (18,398 such lines)
    the order lines a day's invoices at the order cover took 17 ms to find that way, 0.4 ms
    through the invoices' index; `invoiced` asks twice a day, and the lines grow all month.
    Where the statement looks the invoice lines up by order line and DDT line
    (`unshipped.invoiced_at_order`), the plain `IS NULL` is what uses that index."""
    return (delivery_line_id + 0).is_(None)


def _values() -> dict[Any, Any]:
    price = stored_integer(ol.unit_price)
    return unshipped.both_at_once(d.uninvoiced_euros, d.uninvoiced_micros,
                                  _summed(price // unshipped.EURO, price % unshipped.EURO))


def _summed(*parts: Any) -> Select[Any]:
    """For each of `parts`, Σ quantity × part of the updated DDT's lines no final invoice
    covers, 0 when none."""
    return (select(*(func.coalesce(func.sum(stored_integer(dl.quantity) * part), 0) for part in parts))
            .select_from(schema.delivery_lines.join(schema.order_lines, ol.id == dl.order_line_id))
            .where(dl.delivery_id == d.id, _not_invoiced()))


def _not_invoiced() -> ColumnElement[bool]:
    """The DDT line is on no final invoice: neither one citing it nor one at its order; nor is
    it a line of a return closed with no credit note, which no invoice will ever cover."""
    on_final = exists().where(il.delivery_line_id == dl.id, i.id == il.invoice_id, i.status == "final")
    return and_(~on_final, ~unshipped.invoiced_at_order(ol.id), ~schema.no_credit_given(ol.order_id))
