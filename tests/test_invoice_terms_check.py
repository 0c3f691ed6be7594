"""The data check warns of invoice terms the orders would not follow: a weekly or fortnightly
*Calendario fatturazione* beside terms other than *Schedulazione del cliente*."""

from __future__ import annotations

from datetime import date

import minimal
import pytest
from test_invoicing import line, master_with, plan, request

from toolkit.basics.problems import Severity
from toolkit.basics.vocab import InvoiceSchedule, InvoiceTerms
from toolkit.intake.validation import check


def _customer_terms(terms: str, schedule: str | None) -> dict:
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Clienti", "K1", "Termini di fatturazione")
    minimal.set_cell(sheets, "Clienti", "L1", "Calendario fatturazione")
    minimal.set_cell(sheets, "Clienti", "K2", terms)
    minimal.set_cell(sheets, "Clienti", "L2", schedule)
    return sheets


@pytest.mark.parametrize("terms, schedule, warned", [
    ("Dopo la consegna", "Settimanale", True),
    ("Dopo aver evaso l'ordine", "Quindicinale", True),
    ("Immediato", "Settimanale", True),
    ("Schedulazione del cliente", "Settimanale", False),
    ("Dopo la consegna", "Mensile", False),
    ("Dopo la consegna", None, False),
])
def test_an_invoice_schedule_the_terms_ignore_is_warned_at_its_cell(terms, schedule, warned):
    """A desk from Openbravo typing *Settimanale* beside *Dopo la consegna* got one invoice a month
    with no word: the calendar groups deliveries only under the customer-schedule terms."""
    problems = check(minimal.workbook(_customer_terms(terms, schedule))).problems
    found = [(p.sheet, p.cell, p.severity, p.message("it")) for p in problems if p.code == "invoice-schedule-ignored"]
    assert found == ([("Clienti", "L2", Severity.WARNING,
                       f"Cliente C001: il calendario di fatturazione «{schedule}» vale solo con i termini di "
                       f"fatturazione «Schedulazione del cliente»; con «{terms}» non conta, e le sue fatture non "
                       "seguono quel calendario. Se il cliente va fatturato con quel calendario, scrivi "
                       "«Schedulazione del cliente» nei termini di fatturazione; altrimenti svuota la cella.")]
                     if warned else [])


def test_the_ignored_schedule_is_indeed_ignored_by_month_end():
    """What the warning says: two weekly DDTs of an after-delivery customer are one invoice of the
    month, as for a customer with no calendar."""
    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, invoice_schedule=InvoiceSchedule.WEEKLY)
    result = plan(master, [line(date(2026, 4, 7)), line(date(2026, 4, 21))], request())
    assert [(x.period.start, x.period.end, len(x.lines)) for x in result.invoices] == [
        (date(2026, 4, 1), date(2026, 4, 30), 2)]
