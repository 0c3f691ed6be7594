"""The invoices issued with the orders, as `toolkit.services.orders` made them before they were
built from the drafts just stored: each day's orders read back from the ledger through
`ordered_not_invoiced` (`invoice_orders_in`). The invoices must be exactly these."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from toolkit.core.invoicing import Invoice
from toolkit.model.records import MasterData
from toolkit.services.invoicing import invoice_orders_in


def invoice_at_once(conn: Connection, master: MasterData, invoice_now: dict[date, list[int]]) -> list[Invoice]:
    invoices: list[Invoice] = []
    for day, ids in sorted(invoice_now.items()):
        invoices += invoice_orders_in(conn, master, ids, day)
    return invoices
