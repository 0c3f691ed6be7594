"""A month of invoices read back in bulk: the records `load_invoices` gives, at the pace a
month's e-invoices need.

`toolkit einvoice` reads a whole month back, 36,000 invoices and over a million lines for a
large distributor. Through `load_invoices` that took longer than checking and writing the
files: nine tenths of it went on turning each line's row into values one column at a time
(each amount through its column type, each DDT and order number spelled again for every line
citing it), not on the queries. `load_invoices_in_bulk` reads the same rows with a few
set-shaped queries per chunk and builds the same records, reusing what repeats. It must
return exactly what `load_invoices(conn, ids=…)` returns: `tests/test_demo.py` compares the
two on the demo month, so a field added to one and not the other is caught there; both build
the records from what they read with `toolkit.ledger.invoices.stored_invoice`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, func, select

from toolkit.core.invoicing import (
    DeliveryRef,
    Instalment,
    Invoice,
    InvoiceKind,
    InvoiceLine,
)
from toolkit.ledger import parties, schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.db import document_number
from toolkit.ledger.invoices import citations, kept_vat, stored_invoice
from toolkit.ledger.types import ScaledValues, stored_integer

i, il, due = schema.invoices.c, schema.invoice_lines.c, schema.invoice_dues.c
o, ol = schema.orders.c, schema.order_lines.c
d, dl = schema.deliveries.c, schema.delivery_lines.c


def load_invoices_in_bulk(conn: Connection, ids: Sequence[int]) -> list[Invoice]:
    """`load_invoices(conn, ids=ids)`, for thousands of ids: invoices with their lines (and the
    DDTs and orders they cite) and dues, in number order."""
    headers: list[Row[Any]] = []
    lines: dict[int, list[InvoiceLine]] = defaultdict(list)
    dues: dict[int, list[Instalment]] = defaultdict(list)
    wanted = list(ids)
    for chunk in in_batches(wanted):
        headers += conn.execute(select(schema.invoices).where(i.id.in_(chunk))).all()
        _read_lines(conn, chunk, lines)
        for r in conn.execute(select(due.invoice_id, due.due_date, due.amount).where(due.invoice_id.in_(chunk))
                              .order_by(due.due_date, due.id)):
            dues[r.invoice_id].append(Instalment(r.due_date, r.amount))
    headers.sort(key=lambda h: (h.invoice_date, h.series, h.year, h.number))
    cited = citations(conn, [h.id for h in headers if h.kind == InvoiceKind.CREDIT_NOTE.value or h.reason is not None])
    kept = kept_vat(conn, [h.id for h in headers if h.kind == InvoiceKind.CREDIT_NOTE.value])
    issued = parties.read(conn, [h.parties_id for h in headers])
    return [stored_invoice(h, lines[h.id], dues[h.id], cited.get(h.id, ()), kept.get(h.id, {}), issued.get(h.parties_id))
            for h in headers]


def _read_lines(conn: Connection, chunk: Sequence[int], into: dict[int, list[InvoiceLine]]) -> None:
    """The chunk's lines in line order, each appended to its invoice's list.

    Amounts, quantities, prices and rates are read as the scaled integers the ledger keeps
    (`toolkit.ledger.types.Scaled`) and turned into `Decimal` here, once per distinct value of
    the chunk: quantities, prices and rates repeat on most lines. The DDTs and orders cited
    are read once each, in two queries of their own, rather than joined onto every line."""
    rows = conn.execute(
        select(il.invoice_id, il.line_no, il.delivery_line_id, il.order_line_id, il.item, il.description, il.unit,
               stored_integer(il.quantity), stored_integer(il.unit_price), stored_integer(il.amount),
               stored_integer(il.vat_rate), il.vat_nature, func.coalesce(dl.delivery_id, il.shipped_with), ol.order_id,
               il.credits_line_id)
        .select_from(schema.invoice_lines.outerjoin(schema.order_lines, ol.id == il.order_line_id)
                     .outerjoin(schema.delivery_lines, dl.id == il.delivery_line_id))
        .where(il.invoice_id.in_(chunk)).order_by(il.invoice_id, il.line_no)).all()
    ddts = _deliveries(conn, {r[12] for r in rows if r[12] is not None})
    orders = _orders(conn, {r[13] for r in rows if r[13] is not None})
    quantities, prices, amounts, rates = map(ScaledValues.of, (il.quantity, il.unit_price, il.amount, il.vat_rate))
    for (invoice_id, line_no, delivery_line_id, order_line_id, item, description, unit, quantity, unit_price, amount,
         vat_rate, nature, delivery_id, order_id, credits_line_id) in rows:
        into[invoice_id].append(InvoiceLine(
            item, description, unit, quantities[quantity], prices[unit_price], amounts[amount], rates[vat_rate],
            nature, line_no, order_line_id, delivery_line_id, None if delivery_id is None else ddts[delivery_id],
            *(NO_ORDER if order_id is None else orders[order_id]), credits_line_id))


def _deliveries(conn: Connection, ids: set[int]) -> dict[int, DeliveryRef]:
    found: dict[int, DeliveryRef] = {}
    wanted = sorted(ids)
    for chunk in in_batches(wanted):
        rows = conn.execute(select(d.id, d.series, d.year, d.number, d.delivery_date, d.accounting_date)
                            .where(d.id.in_(chunk)))
        found.update((r.id, DeliveryRef(r.id, document_number(r.series, r.year, r.number), r.delivery_date,
                                        r.accounting_date))
                     for r in rows)
    return found


NO_ORDER: tuple[str, str | None] = ("", None)
"""A line from no order (the stamp duty charged to the customer): no number, no reference."""


def _orders(conn: Connection, ids: set[int]) -> dict[int, tuple[str, str | None]]:
    """Order id → its number and the customer's order reference."""
    found: dict[int, tuple[str, str | None]] = {}
    wanted = sorted(ids)
    for chunk in in_batches(wanted):
        rows = conn.execute(select(o.id, o.series, o.year, o.number, o.customer_reference)
                            .where(o.id.in_(chunk)))
        found.update((r.id, (document_number(r.series, r.year, r.number), r.customer_reference)) for r in rows)
    return found


