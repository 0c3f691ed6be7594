"""`toolkit ship --invoice` as `toolkit.services.invoicing.invoice_shipped_in` did before it read
only the DDTs it invoices: every DDT line of the ledger not yet invoiced up to the day read
(`shipments_not_invoiced`), then those of the DDTs just stored kept, returns credited already left out as the product
leaves them. The shipments read, and the invoices stored, must be exactly these."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import Connection

from toolkit.basics.problems import Problem, ProblemsFound, errors
from toolkit.core.documents import DeliveryNote
from toolkit.core.invoicing import Invoice, InvoiceStatus, Request, Shipment, month_of
from toolkit.ledger.invoices import shipments_not_invoiced, store
from toolkit.model.records import MasterData
from toolkit.services.invoicing import (
    Billables,
    chronology_problems,
    issued_after_draft_runs,
    new_run_id,
    returns_left_out,
)


def shipments_of(conn: Connection, delivery_ids: Collection[int], day: date) -> list[Shipment]:
    ids = set(delivery_ids)
    return [s for s in shipments_not_invoiced(conn, day) if s.delivery is not None and s.delivery.id in ids]


def invoice_shipped_in(conn: Connection, master: MasterData, notes: Sequence[DeliveryNote], day: date,
                       today: date, *, lang: str) -> tuple[list[Invoice], list[Problem]]:
    ids = {note.id for note in notes}
    shipments = [s for s in shipments_not_invoiced(conn, day) if s.delivery is not None and s.delivery.id in ids]
    request = Request(month_of(day), today, day, orders=frozenset(s.order_id for s in shipments))
    billables = Billables(shipments, frozenset(), {})
    result, refused, matched = returns_left_out(conn, master, billables, request)
    problems = list(result.problems)
    if not errors(problems):
        problems += chronology_problems(conn, master.settings, result.invoices)
    if errors(problems):
        raise ProblemsFound(problems)
    problems += issued_after_draft_runs(conn, master, result.invoices, "le fatture emesse con i DDT",
                                        "the invoices issued with the DDTs")
    problems += [x.problem for x in refused] + matched.above_invoice
    if not result.invoices:
        return [], problems
    return store(conn, master, list(result.invoices), InvoiceStatus.FINAL, new_run_id(day), lang=lang), problems
