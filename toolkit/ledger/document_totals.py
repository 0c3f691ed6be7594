"""Invoices and credit notes whose kept totals no longer equal their lines.

An invoice keeps its taxable amount, VAT and total beside its lines (`schema.invoices`): the
register, the e-invoice's summary and the payments' status read them, the lines print under them.
Stored together they agree: the taxable amount is the lines' sum and the total the taxable amount
and the VAT. A total edited by hand, or lines deleted from under it, is found here in one
statement per rule: SDI refuses an e-invoice whose summary does not add up (00422, 00423), later.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, func, select

from toolkit.ledger import schema
from toolkit.ledger.db import document_number
from toolkit.ledger.kept_drift import Drift
from toolkit.ledger.types import places_of, stored_integer

i, il = schema.invoices.c, schema.invoice_lines.c
CENTS = places_of(i.total)


def unequal(conn: Connection) -> list[Drift]:
    """Every invoice whose taxable amount is not its lines' sum (a `Drift` of the figure
    `taxable`), or whose total is not its taxable amount and VAT (`total`), by number."""
    lines = (select(il.invoice_id, func.sum(stored_integer(il.amount)).label("summed"))
             .group_by(il.invoice_id).subquery())
    summed = func.coalesce(lines.c.summed, 0)
    taxable, vat, total = stored_integer(i.taxable), stored_integer(i.vat), stored_integer(i.total)
    found: list[Drift] = []
    for series, year, number, kept_taxable, by_lines, kept_total, kept_vat in conn.execute(
            select(i.series, i.year, i.number, taxable, summed, total, vat)
            .select_from(schema.invoices.outerjoin(lines, lines.c.invoice_id == i.id))
            .where((taxable != summed) | (total != taxable + vat)).order_by(i.series, i.year, i.number)):
        shown = document_number(series, year, number)
        if kept_taxable != by_lines:
            found.append(Drift("taxable", "invoices", shown, _euros(kept_taxable), _euros(by_lines)))
        if kept_total != kept_taxable + kept_vat:
            found.append(Drift("total", "invoices", shown, _euros(kept_total), _euros(kept_taxable + kept_vat)))
    return found


def _euros(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-CENTS)
