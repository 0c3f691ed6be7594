"""Invoice terms the workbook says but the orders would not follow.

A customer's *Termini di fatturazione* decide when its deliveries are invoiced
(`core.invoicing`), and *Calendario fatturazione* (weekly, every two weeks) groups deliveries
only under the terms *Schedulazione del cliente*: beside any other terms the run makes its own
invoices (one a month, at order completion, at the go-ahead, at the order) and the calendar
typed is ignored, where a desk coming from Openbravo expects weekly invoices
(`invoice-schedule-ignored`).

A warning at the cell to change: the orders and invoices are made as they are.
"""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import InvoiceSchedule, InvoiceTerms
from toolkit.intake.validation.layout import Layout
from toolkit.model.records import MasterData

SCHEDULE_IGNORED = define(
    "invoice-schedule-ignored", "warning",
    title=("Calendario fatturazione che non conta", "Invoice schedule that counts for nothing"),
    it="Cliente {code}: il calendario di fatturazione «{schedule}» vale solo con i termini di fatturazione "
       "«Schedulazione del cliente»; con «{terms}» non conta, e le sue fatture non seguono quel calendario. "
       "Se il cliente va fatturato con quel calendario, scrivi «Schedulazione del cliente» nei termini di "
       "fatturazione; altrimenti svuota la cella.",
    en="Customer {code}: the invoice schedule “{schedule}” holds only with the invoice terms “Customer schedule "
       "after delivery”; with “{terms}” it counts for nothing, and its invoices do not follow that schedule. If "
       "the customer is to be invoiced on that schedule, write “Schedulazione del cliente” in the invoice terms; "
       "otherwise clear the cell.")


def invoice_terms(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """A warning per customer whose weekly or fortnightly calendar its terms ignore (a monthly
    one is what every other deferred run makes, so nothing is lost)."""
    for c in master.customers:
        if c.invoice_schedule is not InvoiceSchedule.MONTHLY and c.invoice_terms is not InvoiceTerms.CUSTOMER_SCHEDULE:
            yield SCHEDULE_IGNORED(layout.locate(c.source.sheet, c.source.row, "invoice_schedule"), code=c.code,
                                   schedule=c.invoice_schedule, terms=c.invoice_terms)
