"""The invoices issued with the orders, as `toolkit.services.orders` made them before they were
planned from the drafts just stored: each day's orders read back from the ledger through
`ordered_not_invoiced`, a record per line, and planned one bucket of records per order and kind
(`order_invoices`, here as it was). The invoices must be exactly these."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection

from toolkit.basics.problems import Problem
from toolkit.core.invoicing import Billable, Invoice, InvoiceKind, Period, build_invoice, group_key, numbering_order
from toolkit.ledger.invoices import ordered_not_invoiced
from toolkit.model.records import MasterData
from toolkit.services.invoicing import issue_at_order


def order_invoices(master: MasterData, billables: Iterable[Billable], day: date) -> list[Invoice]:
    customers = {c.code: c for c in master.customers}
    buckets: dict[tuple[int, InvoiceKind], list[Billable]] = defaultdict(list)
    for line in billables:
        if line.quantity:
            buckets[(line.order_id, InvoiceKind.CREDIT_NOTE if line.quantity < 0 else InvoiceKind.INVOICE)].append(line)
    invoices = []
    for (_, kind), lines in buckets.items():
        customer = customers[lines[0].customer]
        invoices.append(build_invoice(customer, kind, group_key(customer.invoice_grouping, lines[0]),
                                      Period(day, day), day, lines,
                                      charge_stamp_duty=master.settings.stamp_duty_customer, with_goods=True))
    return sorted(invoices, key=numbering_order)


def invoice_at_once(conn: Connection, master: MasterData, invoice_now: dict[date, list[int]],
                    *, lang: str) -> tuple[list[Invoice], list[Problem]]:
    invoices: list[Invoice] = []
    problems: list[Problem] = []
    for day, ids in sorted(invoice_now.items()):
        issued, left_out = issue_at_order(conn, master, order_invoices(
            master, ordered_not_invoiced(conn, order_ids=ids), day), ids, day, lang=lang)
        invoices += issued
        problems += left_out
    return invoices, problems
