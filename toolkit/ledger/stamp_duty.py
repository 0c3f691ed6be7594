"""How many documents of each month declare the virtual stamp duty, counted in the database.

A quarter's figures for the month's register (`toolkit.core.stamp_duty.QuarterToDate`) need the
two months before it too: loading their invoices with every line, as the register loads its
own month's, would read three months of a large desk's lines for one number per month. The
duty is a rule on each document's amounts without VAT (`toolkit.core.stamp_duty.due`), which
SQL sums per document as the VAT summary does (per rate and nature, each line's amount).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Connection, and_, case, cast, func, select

from toolkit.core import stamp_duty
from toolkit.core.invoicing import InvoiceStatus
from toolkit.ledger import schema
from toolkit.ledger.types import stored_integer

i, il = schema.invoices.c, schema.invoice_lines.c


def declared_per_month(conn: Connection, first: date, last: date) -> dict[date, int]:
    """First day of each month → the final invoices and credit notes dated from `first` to `last`
    whose e-invoice declares the duty (DatiBollo); months with none are left out. Drafts are not
    issued yet and are not counted."""
    counted = and_(stored_integer(il.vat_rate) == 0, il.vat_nature.in_(sorted(stamp_duty.STAMP_DUTY_NATURES)))
    exempt = cast(func.sum(case((counted, stored_integer(il.amount)), else_=0)), BigInteger)
    threshold = int(stamp_duty.STAMP_DUTY_THRESHOLD * 100)
    days = (select(i.invoice_date).select_from(schema.invoice_lines.join(schema.invoices, il.invoice_id == i.id))
            .where(i.invoice_date.between(first, last), i.status == InvoiceStatus.FINAL.value)
            .group_by(i.id, i.invoice_date).having(func.abs(exempt) > threshold))
    found: dict[date, int] = {}
    for (day,) in conn.execute(days):
        month = day.replace(day=1)
        found[month] = found.get(month, 0) + 1
    return found


def first_issued(conn: Connection, year: int) -> date | None:
    """The date of the toolkit's first invoice or credit note of `year`, drafts included: a
    quarter beginning before it was begun by the documents *Numeri prima del toolkit* count."""
    return conn.execute(select(func.min(i.invoice_date))
                        .where(i.invoice_date.between(date(year, 1, 1), date(year, 12, 31)))).scalar_one_or_none()
