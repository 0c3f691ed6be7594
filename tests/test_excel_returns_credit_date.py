"""«Fatturazione fine mese» dates the returns' credit notes apart when the panel's «Data note di
credito dei resi» says so, as `toolkit invoice --credit-date` does: a note issued early next
month on the April invoice no longer stops May's month end at the button.

The story of `test_credit_returns`: C002 buys coffee on 10 April, invoiced final on 4 May; a
note on that invoice is issued on 2 June; C002 returns 1 kg on 20 May, C001 ships on 21 May,
and May's month end is pressed on 3 June.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal as D

import pytest
from fakebook import FakeBook
from test_credit_returns import MAY_RUN, REASON, RETURNED, april_invoice, deliver, master, sheets

import toolkit.excel as x
from toolkit.core.invoicing import InvoiceKind
from toolkit.excel.inputs import FIELDS
from toolkit.ledger import open_ledger
from toolkit.ledger.db import reading
from toolkit.ledger.invoices import load_invoices
from toolkit.services.credit_notes import credit

BOOK = "ordini-ricorrenti.xlsm"
NAMES = {field.name: field.cell for field in FIELDS}
JUNE_NOTE = date(2026, 6, 2)


@pytest.fixture
def desk(tmp_path, monkeypatch):
    """The ledger beside the book with April's invoice, June's note, May's return and deliveries."""
    import toolkit.basics.dates

    monkeypatch.setattr(toolkit.basics.dates, "today_rome", lambda: MAY_RUN)
    books = master(returned=1)
    ledger = open_ledger(None, tmp_path / BOOK)
    invoice = april_invoice(books, ledger)
    assert credit(ledger, books, invoice.number, ((1, D(1)),), REASON, JUNE_NOTE, JUNE_NOTE, lang="it").note is not None
    deliver(books, ledger, RETURNED)
    deliver(books, ledger, date(2026, 5, 21))
    return ledger


def month_end(tmp_path, credit_day=None, names=NAMES) -> tuple[str, str | None, str | None]:
    panel = [["Ordini ricorrenti"], [None], ["Data ordini", datetime(2026, 5, 31)]]
    panel += [[None]] * 15 + [["Data note di credito dei resi", credit_day]]
    book = FakeBook(BOOK, {"Pannello": panel, **sheets(1)}, fullname=str(tmp_path / BOOK), names=names)
    x.month_end_invoicing(book)
    (shown,) = book.alerts
    return shown


def issued(ledger) -> list[tuple[str, InvoiceKind, date]]:
    with reading(ledger) as conn:
        return sorted((i.customer, i.kind, i.invoice_date) for i in load_invoices(conn))


def test_the_refusal_names_the_panel_cell_that_dates_the_returns_notes(tmp_path, desk):
    text, _, mode = month_end(tmp_path)
    assert mode == "critical"
    assert ("Scrivi in «Data note di credito dei resi» (Pannello!B19) una data dal 02/06/2026 in poi e premi di "
            "nuovo «Fatturazione fine mese»") in text, text
    assert "riga di comando" not in text and "--credit-date" not in text


def test_the_panel_cell_dates_the_returns_notes_and_the_invoices_keep_the_months_end(tmp_path, desk):
    before = issued(desk)
    text, _, mode = month_end(tmp_path, datetime(2026, 6, 2))
    assert mode == "info", text
    assert sorted((Counter(issued(desk)) - Counter(before)).elements()) == [
        ("C001", InvoiceKind.INVOICE, date(2026, 5, 31)), ("C002", InvoiceKind.CREDIT_NOTE, JUNE_NOTE)]


@pytest.mark.parametrize(("typed", "said"), [
    (datetime(2026, 5, 30), "Pannello!B19: La data delle note di credito 30/05/2026 è prima della data delle fatture "
                            "dell'emissione (31/05/2026)"),
    (datetime(2026, 6, 4), "Pannello!B19: La data delle note di credito 04/06/2026 è successiva a oggi (03/06/2026)"),
    ("domani", "Pannello!B19: «domani» non è una data"),
])
def test_a_credit_date_the_run_cannot_take_is_refused_at_its_cell(tmp_path, desk, typed, said):
    before = issued(desk)
    text, _, mode = month_end(tmp_path, typed)
    assert mode == "critical" and said in text, text
    assert issued(desk) == before


def test_a_workbook_built_before_the_cell_invoices_as_before(tmp_path, desk):
    """A desk's workbook built before «Data note di credito dei resi» has no such name: the
    button reads it as empty (it said «Errore interno: not a cell address»)."""
    before = {name: cell for name, cell in NAMES.items() if name != "NotaDataResi"}
    text, _, mode = month_end(tmp_path, names=before)
    assert mode == "critical" and "Errore interno" not in text
    assert "La nota di credito NC-2026-00002 sarebbe datata 31/05/2026" in text, text


def test_a_defined_name_lost_with_its_row_is_told_not_read_as_empty(tmp_path, desk):
    """A workbook that has the name, but whose row was deleted (the name now refers to `#RIF!`),
    is no workbook built before the cell: every failure read as an empty cell, the button went
    on without the date the desk wrote there. It is named as any panel cell's name gone is."""
    before = issued(desk)
    text, _, mode = month_end(tmp_path, datetime(2026, 6, 2), names={**NAMES, "NotaDataResi": "#RIF!"})
    assert mode == "critical" and "non ha più la cella di nome NotaDataResi" in text, text
    assert "sarebbe datata" not in text and issued(desk) == before


def test_a_failing_read_of_the_cell_is_told_as_a_failing_read_of_any_panel_cell(tmp_path, desk):
    """Excel busy (a cell being edited) refuses the read: the box says what the same refusal of
    the panel's date says, where the button took the cell for empty and did something else."""
    def pressed(cell: str) -> tuple[str, str | None, str | None]:
        panel = [["Ordini ricorrenti"], [None], ["Data ordini", datetime(2026, 5, 31)]]
        panel += [[None]] * 15 + [["Data note di credito dei resi", datetime(2026, 6, 2)]]
        book = FakeBook(BOOK, {"Pannello": panel, **sheets(1)}, fullname=str(tmp_path / BOOK), names=NAMES)
        book.unreadable = {f"Pannello!{cell}"}
        x.month_end_invoicing(book)
        (shown,) = book.alerts
        return shown

    before = issued(desk)
    text, _, mode = pressed("B19")
    assert mode == "critical" and "sarebbe datata" not in text, text
    assert (text, mode) == pressed("B3")[::2]
    assert issued(desk) == before
