"""The latest invoice of a series and year as `toolkit.ledger.invoices.latest_issued` found it
before it was asked as two index seeks: the whole series and year sorted by date and number."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select

from toolkit.ledger import schema
from toolkit.ledger.db import document_number

i = schema.invoices.c


def latest_issued(conn: Connection, series: str, year: int) -> tuple[str, date] | None:
    row = conn.execute(select(i.number, i.invoice_date).where(i.series == series, i.year == year)
                       .order_by(i.invoice_date.desc(), i.number.desc()).limit(1)).first()
    return None if row is None else (document_number(series, year, row.number), row.invoice_date)
