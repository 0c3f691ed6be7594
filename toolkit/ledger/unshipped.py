"""Each order's value still to ship, kept on the order: what a customer has ordered and not yet
received nor been invoiced for, one of the credit exposure's three parts (`toolkit.ledger.exposure`;
what shipped and is not invoiced is kept on the DDTs, `toolkit.ledger.uninvoiced`).

The value is Σ (ordered − shipped) × unit price over the order's lines not on a final invoice at
the order (`invoiced_at_order`: those count among the customer's invoices, with VAT), exact: the ledger keeps
quantities (thousandths) and prices (millionths) as scaled integers, and each price is split
into its whole euros and its millionths, summed into two columns (`orders.unshipped_euros`,
`orders.unshipped_micros`), so that no product passes a 64-bit integer within
`toolkit.basics.limits`. The database sums them from the order's lines whenever its lines are
shipped from or invoiced at the order (`recount`), in the same transaction; a new order is
stored with them, its lines' value (`as_drafted`). A stored line's quantity and price change only
when it is rated again (`toolkit.ledger.orders.rate_again`): its price on a VAT-included list, and
its quantity cut at what shipped, the rest a new line, just before the DDT or the invoice at the
order whose storing recounts it; what shipped is the line's kept sum (`order_lines.shipped`).

Summed from the lines every time, a customer's figure read every open order line: on 5 May at
L, after a month, 1.0 M lines for 0.97 s of CPU in every preview and 0.57 s in every shipping
day. The sum over the lines is the test oracle `tests/oracles/exposure_everyone.py`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, exists, func, select, tuple_, update

from toolkit.ledger import schema
from toolkit.ledger.batches import spanned_or_among
from toolkit.ledger.types import places_of, stored_integer

o, ol = schema.orders.c, schema.order_lines.c
QUANTITY_PLACES, PRICE_PLACES = places_of(ol.quantity), places_of(ol.unit_price)
PLACES = QUANTITY_PLACES + PRICE_PLACES
EURO = 10 ** PRICE_PLACES
"""A whole euro as a stored price."""


def value(euros: int | Decimal, micros: int | Decimal) -> Decimal:
    """The two kept integers (or their sums, as PostgreSQL gives them) as the amount in euros.

    >>> value(2500, 2500)
    Decimal('2.500002500')
    """
    return (Decimal(euros) * EURO + Decimal(micros)).scaleb(-PLACES)


def as_drafted(lines: Iterable[tuple[Decimal, Decimal]]) -> tuple[int, int]:
    """The two kept integers of an order stored with these lines (quantity, unit price), none
    shipped and none invoiced yet: what `recount` sums from them once they are stored, worked
    out as the database works it out (each price's euros truncated toward zero, its millionths
    the rest, with its sign), so that `insert_orders` stores them with the order instead of
    summing the lines it has just written again.

    Over a month at M, that `recount` of each day's new orders took 0.24 s of `insert_orders`'
    2.7–3.1 s (one run, timed inside the month). `tests/test_kept_pairs.py` compares the
    integers stored with those `recount` sums, signed quantities and prices included.

    >>> as_drafted([(Decimal("2"), Decimal("-1.5")), (Decimal("0.5"), Decimal("3.000001"))])
    (-500, -999999500)
    """
    euros = micros = 0
    for quantity, price in lines:
        ordered, stored = int(quantity.scaleb(QUANTITY_PLACES)), int(price.scaleb(PRICE_PLACES))
        whole = abs(stored) // EURO if stored >= 0 else -(abs(stored) // EURO)
        euros += ordered * whole
        micros += ordered * (stored - whole * EURO)
    return euros, micros


def recount(conn: Connection, order_ids: Collection[int] | None = None) -> None:
    """Set the kept value of these orders (None: of every order with something left to ship)
    from their lines, in one statement per `spanned_or_among` condition (a day's new orders,
    stored in one statement, are one range of ids): after a DDT ships from them, after they are
    invoiced at the order, and in the migration that adds the columns (new orders are stored
    with their value, `as_drafted`). The database does the sums, a
    few lines per order through the order-line index: a first version worked each written
    line's products out in Python (a day at L stores 50,000 order lines and ships 30,000),
    which cost at M about what the reads saved, and needed a second formula beside the
    migration's."""
    price = stored_integer(ol.unit_price)
    values = both_at_once(o.unshipped_euros, o.unshipped_micros, _summed(price // EURO, price % EURO))
    if order_ids is None:
        conn.execute(update(schema.orders).where(o.id.in_(
            select(ol.order_id).where(schema.left_to_ship != 0))).values(values))
        return
    for condition in spanned_or_among(conn, o.id, sorted(set(order_ids))):
        conn.execute(update(schema.orders).where(condition).values(values))


def _summed(*parts: Any) -> Select[Any]:
    """For each of `parts`, Σ (ordered − shipped) × part of the updated order's lines not
    invoiced at the order, 0 when nothing is left."""
    return (select(*(func.coalesce(func.sum(schema.left_to_ship * part), 0) for part in parts))
            .where(ol.order_id == o.id, ~invoiced_at_order(ol.id)))


def both_at_once(euros: Any, micros: Any, sums: Select[Any]) -> dict[Any, Any]:
    """The values of an UPDATE setting the two kept integers `euros` and `micros` from `sums`,
    a SELECT of their two sums over the same lines: one row-value subquery, `SET (euros,
    micros) = (SELECT Σ…, Σ… …)` (SQLite since 3.15, PostgreSQL since 9.5), in place of a
    subquery per column, each finding the same lines and asking each whether it was invoiced.

    On the ledger of 1–17 April at M, recounting the 4,000 latest orders took 44 → 27 ms and
    the 2,000 latest DDTs' values 64 → 25 ms (fastest of 5; the same sums after). A subquery
    per column is the test oracle `tests/oracles/kept_pairs.py`."""
    return {tuple_(euros, micros): sums.scalar_subquery()}


def invoiced_at_order(order_line_id: Any) -> ColumnElement[bool]:
    """Whether the order line is on a final invoice at the order (an invoice line citing it and
    no DDT line: immediate, POS, prepay and on-credit orders): the customer's open invoices
    count its value, with VAT, so neither what it has still to ship nor its DDT lines count it
    again. One seek in the invoice lines' index of order line and DDT line."""
    at_order, invoice = schema.invoice_lines.alias("at_order"), schema.invoices.alias("at_order_invoice")
    return exists().where(at_order.c.order_line_id == order_line_id, at_order.c.delivery_line_id.is_(None),
                          invoice.c.id == at_order.c.invoice_id, invoice.c.status == "final")
