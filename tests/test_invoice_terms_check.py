"""The data check warns of invoice terms the orders would not follow: a weekly or fortnightly
*Calendario fatturazione* beside terms other than *Schedulazione del cliente*, and a template
invoiced at the order (POS, on credit, prepay) for a customer *Non fatturare*."""

from __future__ import annotations

from datetime import date

import minimal
import pytest
from test_invoicing import line, master_with, plan, request

from toolkit.basics.problems import Severity, errors
from toolkit.basics.vocab import InvoiceSchedule, InvoiceTerms
from toolkit.intake.validation import check
from toolkit.ledger.db import reading


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


@pytest.mark.parametrize("kind, warned", [
    ("Punto vendita", True), ("Ordine a credito", True), ("Pagamento anticipato", True),
    ("Ordine standard", False), ("Ordine di magazzino", False), ("Preventivo", False), (None, False),
])
def test_a_template_invoiced_at_the_order_for_a_do_not_invoice_customer_is_warned_at_its_type(kind, warned):
    """Its invoice and e-invoice left with the order, while the customer's other deliveries waited
    for its go-ahead; the warning is at the template's *Tipo documento*."""
    sheets = _customer_terms("Non fatturare", None)
    minimal.set_cell(sheets, "Modelli ordine", "M2", kind)
    problems = check(minimal.workbook(sheets)).problems
    found = [(p.sheet, p.cell, p.message("en")) for p in problems
             if p.code == "do-not-invoice-template-invoiced-at-order"]
    assert found == ([("Modelli ordine", "M2",
                       f"Template T001 is “{_english(kind)}”, which issues the invoice (and its e-invoice) as soon as "
                       "the order is made, but customer C001 is “Do not invoice”: that invoice leaves without "
                       "waiting for its go-ahead. If the customer is to be invoiced only at the go-ahead, write "
                       "“Standard order” as its document type; if it is to be invoiced at once, change its invoice "
                       "terms.")] if warned else [])


def test_a_pos_template_is_no_problem_for_a_customer_invoiced_otherwise_or_paused():
    """Only the go-ahead is bypassed: a POS template of a customer on any other terms is what the
    seed's document type means, and a template not *Attivo* makes no order."""
    sheets = _customer_terms("Dopo la consegna", None)
    minimal.set_cell(sheets, "Modelli ordine", "M2", "Punto vendita")
    assert not [p for p in check(minimal.workbook(sheets)).problems if p.code.startswith("do-not-invoice")]
    sheets = _customer_terms("Non fatturare", None)
    minimal.set_cell(sheets, "Modelli ordine", "M2", "Punto vendita")
    minimal.set_cell(sheets, "Modelli ordine", "N1", "Attivo")
    minimal.set_cell(sheets, "Modelli ordine", "N2", "no")
    assert not [p for p in check(minimal.workbook(sheets)).problems if p.code.startswith("do-not-invoice")]


@pytest.mark.parametrize("valid_to, warned", [(date(2026, 5, 3), False), (date(2026, 5, 4), True), (None, True)])
def test_a_pos_template_past_its_validity_is_no_problem(rome_today, valid_to, warned):
    """A template whose *Valido al* ended before today makes no order, so no invoice leaves
    without the go-ahead: the warning counted it all the same, at every command; one valid to
    today, or with no end, still makes orders and is told."""
    rome_today(date(2026, 5, 4))
    sheets = _customer_terms("Non fatturare", None)
    minimal.set_cell(sheets, "Modelli ordine", "M2", "Punto vendita")
    minimal.set_cell(sheets, "Modelli ordine", "L2", valid_to)
    found = [(p.sheet, p.cell) for p in check(minimal.workbook(sheets)).problems
             if p.code == "do-not-invoice-template-invoiced-at-order"]
    assert found == ([("Modelli ordine", "M2")] if warned else [])


def test_orders_a_catch_up_makes_of_a_template_past_its_validity_are_warned_by_the_run(ledger, rome_today):
    """On Friday 8 May the check leaves out T001, POS for a customer *Non fatturare*, valid to
    Monday 4 May; but the run's catch-up from 30 April still makes its Monday order, whose
    invoice leaves at once without the go-ahead, and nothing said so (the warning was there
    before the check left ended templates out). The run warns of it, at its *Tipo documento*,
    once; a run with nothing of it to make says nothing."""
    from toolkit.ledger.invoices import load_invoices
    from toolkit.services.orders import create

    sheets = _customer_terms("Non fatturare", None)
    minimal.set_cell(sheets, "Modelli ordine", "M2", "Punto vendita")
    minimal.set_cell(sheets, "Modelli ordine", "L2", date(2026, 5, 4))
    rome_today(date(2026, 4, 30))
    assert errors(create(check(minimal.workbook(sheets)).master, ledger, date(2026, 4, 30), lang="it").problems) == []
    rome_today(date(2026, 5, 8))
    checked = check(minimal.workbook(sheets))
    assert not [p for p in checked.problems if p.code == "do-not-invoice-template-invoiced-at-order"]
    made = create(checked.master, ledger, date(2026, 5, 8), lang="it")
    with reading(ledger) as conn:
        assert [x.invoice_date for x in load_invoices(conn)] == [date(2026, 4, 30), date(2026, 5, 4)]
    assert [(p.sheet, p.cell) for p in made.problems if p.code == "do-not-invoice-template-invoiced-at-order"] == [
        ("Modelli ordine", "M2")]
    again = create(checked.master, ledger, date(2026, 5, 11), lang="it")
    assert not [p for p in again.problems if p.code == "do-not-invoice-template-invoiced-at-order"]


def test_the_preview_warns_of_a_template_past_its_validity_that_the_run_would_make(ledger, rome_today):
    """The preview of 8 May says what the run will do: T001 (POS, Non fatturare, valid to 4 May)
    has its Monday order still to make, so the warning `create` gives is there, at its *Tipo
    documento*; once that order is made, the preview of the 11th says nothing of it."""
    from toolkit.services.orders import create, preview

    sheets = _customer_terms("Non fatturare", None)
    minimal.set_cell(sheets, "Modelli ordine", "M2", "Punto vendita")
    minimal.set_cell(sheets, "Modelli ordine", "L2", date(2026, 5, 4))
    rome_today(date(2026, 4, 30))
    create(check(minimal.workbook(sheets)).master, ledger, date(2026, 4, 30), lang="it")
    rome_today(date(2026, 5, 8))
    master = check(minimal.workbook(sheets)).master
    seen = preview(master, ledger, date(2026, 5, 8))
    assert [(p.sheet, p.cell, p.severity) for p in seen.problems
            if p.code == "do-not-invoice-template-invoiced-at-order"] == [("Modelli ordine", "M2", Severity.WARNING)]
    create(master, ledger, date(2026, 5, 8), lang="it")
    rome_today(date(2026, 5, 11))
    again = preview(check(minimal.workbook(sheets)).master, ledger, date(2026, 5, 11))
    assert not [p for p in again.problems if p.code == "do-not-invoice-template-invoiced-at-order"]


def _english(kind: str | None) -> str:
    return {"Punto vendita": "POS order", "Ordine a credito": "On credit order",
            "Pagamento anticipato": "Prepay order"}.get(kind or "", "")


def test_an_english_workbook_is_told_its_own_words(tmp_path, rome_today):
    """On a workbook in English (headings *Invoice schedule*, *Document type*, choices *Weekly*,
    *POS order*) both warnings are at their cells and name what to write there in English: they
    said to write «Schedulazione del cliente» in the invoice terms and «Ordine standard» in
    *Tipo documento*, a column such a workbook does not have."""
    from toolkit.basics.vocab import DocumentType
    from toolkit.intake.sample import sample_rows
    from toolkit.intake.validation import check_file
    from toolkit.writers.master_workbook import write_master

    rome_today(date(2026, 5, 4))
    rows = sample_rows()
    customer = rows["customers"][0]
    customer.update(invoice_terms=InvoiceTerms.DO_NOT_INVOICE, invoice_schedule=InvoiceSchedule.WEEKLY)
    at = next(n for n, t in enumerate(rows["templates"]) if t["customer"] == customer["code"])
    rows["templates"][at] = {**rows["templates"][at], "document_type": DocumentType.POS}
    problems = check_file(write_master(tmp_path / "en.xlsx", rows, lang="en")).problems
    told = {p.code: (p.sheet, p.cell, p.message("en")) for p in problems
            if p.code in ("invoice-schedule-ignored", "do-not-invoice-template-invoiced-at-order")}
    assert told["invoice-schedule-ignored"] == ("Customers", "P2", (
        f"Customer {customer['code']}: the invoice schedule “Weekly” holds only with the invoice terms “Customer "
        "schedule after delivery”; with “Do not invoice” it counts for nothing, and its invoices do not follow that "
        "schedule. If the customer is to be invoiced on that schedule, write “Customer schedule after delivery” in "
        "the invoice terms; otherwise clear the cell."))
    template = rows["templates"][at]["code"]
    assert told["do-not-invoice-template-invoiced-at-order"] == ("Order templates", f"Q{at + 2}", (
        f"Template {template} is “POS order”, which issues the invoice (and its e-invoice) as soon as the order is "
        f"made, but customer {customer['code']} is “Do not invoice”: that invoice leaves without waiting for its "
        "go-ahead. If the customer is to be invoiced only at the go-ahead, write “Standard order” as its document "
        "type; if it is to be invoiced at once, change its invoice terms."))
