"""Payments and payment monitoring: the status of each invoice, reading a payments sheet,
recording (idempotent, all or nothing), and the monitoring workbook and commands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from older_ledgers import back_to
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from test_invoicing import APRIL, make_order, master_with, ship

from toolkit.basics.codes import document_number
from toolkit.basics.problems import problem_type
from toolkit.basics.vocab import InvoiceTerms, PaymentMethod
from toolkit.core.invoicing import Request
from toolkit.core.payments import (
    Collected,
    PaymentEntry,
    Receivable,
    Show,
    monitor,
    payment_status,
)
from toolkit.intake.payments_sheet import read_entries, read_file
from toolkit.intake.sources import from_values
from toolkit.ledger import schema
from toolkit.ledger.db import reading
from toolkit.ledger.payments import receivables
from toolkit.services.invoicing import finalize, run
from toolkit.services.payments import record, void
from toolkit.writers.libreoffice import recalculated_values, soffice

MAY_10 = date(2026, 5, 10)
THIRDS = ((date(2026, 5, 30), D("33.33")), (date(2026, 6, 29), D("33.33")), (date(2026, 7, 29), D("33.34")))


def receivable(total="100.00", dues=((date(2026, 5, 31), D("100.00")),), paid=(), kind="invoice") -> Receivable:
    return Receivable(1, "FT-2026-00001", kind, date(2026, 4, 30), "C001", D(total), "bank-transfer", tuple(dues),
                      tuple(Collected(day, D(amount)) for day, amount in paid))


STATUS_CASES = [
    pytest.param(receivable(), MAY_10, ("0", "100.00", False, date(2026, 5, 31), "100.00", 21), id="nothing-paid"),
    pytest.param(receivable(), date(2026, 6, 5), ("0", "100.00", False, date(2026, 5, 31), "100.00", -5), id="overdue"),
    pytest.param(receivable(paid=[(MAY_10, "100.00")]), MAY_10, ("100.00", "0.00", True, None, None, None),
                 id="paid-in-full"),
    pytest.param(receivable(paid=[(MAY_10, "120.00")]), MAY_10, ("120.00", "-20.00", True, None, None, None),
                 id="overpaid"),
    pytest.param(receivable(dues=THIRDS, paid=[(MAY_10, "40.00")]), MAY_10,
                 ("40.00", "60.00", False, date(2026, 6, 29), "26.66", 50), id="partial-moves-to-second-instalment"),
    pytest.param(receivable(dues=THIRDS, paid=[(MAY_10, "20.00")]), MAY_10,
                 ("20.00", "80.00", False, date(2026, 5, 30), "13.33", 20), id="partial-first-instalment"),
    pytest.param(receivable(dues=THIRDS, paid=[(MAY_10, "33.33"), (date(2026, 6, 1), "33.33")]), date(2026, 8, 1),
                 ("66.66", "33.34", False, date(2026, 7, 29), "33.34", -3), id="last-instalment-overdue"),
    pytest.param(receivable("-10.00", dues=(), kind="credit-note"), MAY_10, ("0", "-10.00", False, None, None, None),
                 id="credit-note-to-refund"),
    pytest.param(receivable("-10.00", dues=(), kind="credit-note", paid=[(MAY_10, "-10.00")]), MAY_10,
                 ("-10.00", "0.00", True, None, None, None), id="credit-note-refunded"),
    pytest.param(receivable("-10.00", dues=(), kind="credit-note", paid=[(MAY_10, "-12.00")]), MAY_10,
                 ("-12.00", "2.00", False, None, None, None), id="credit-note-refunded-beyond-its-total"),
    pytest.param(receivable("0.00", dues=((MAY_10, D("0.00")),)), MAY_10, ("0", "0.00", True, None, None, None),
                 id="nothing-to-pay"),
]


@pytest.mark.parametrize("invoice, as_of, expected", STATUS_CASES)
def test_payment_status(invoice, as_of, expected):
    s = payment_status(invoice, as_of)
    collected, outstanding, paid, next_due, amount, days = expected
    assert (s.collected, s.outstanding, s.paid) == (D(collected), D(outstanding), paid)
    assert (s.next_due, s.next_due_amount, s.days_to_due) == (next_due, D(amount) if amount else None, days)
    assert s.as_of == as_of and s.overdue is (days is not None and days < 0)


@pytest.mark.parametrize("show, numbers", [(Show.ALL, 2), (Show.PAID, 1), (Show.UNPAID, 1)])
def test_monitor_filters_paid_and_unpaid(show, numbers):
    rows = [receivable(), receivable(paid=[(MAY_10, "100.00")])]
    assert len(monitor(rows, MAY_10, show)) == numbers


@pytest.mark.parametrize("text, expected", [
    ("FT-2026-00012", ("FT", 2026, 12)), ("ft-2026-12", ("FT", 2026, 12)), ("FT 12/2026", ("FT", 2026, 12)),
    ("12/2026", (None, 2026, 12)), ("NC-2026-00001", ("NC", 2026, 1)), (" FT-2026-7 ", ("FT", 2026, 7)),
    ("2026", None), ("FT-26-1", None), ("", None),
])
def test_invoice_numbers_as_users_write_them(text, expected):
    """A short number leaves its series out: the verb chooses among the ledger's (`of_kind`)."""
    assert document_number(text) == expected


def test_read_entries_reports_every_bad_cell_with_its_address():
    book = from_values("incassi.xlsx", {"Incassi": [
        ["Fattura", "Data incasso", "Importo", "Modalità", "CRO"],
        ["FT-2026-00001", "15/05/2026", "1.234,56", "Bonifico", "CRO123"],
        [None, None, None, None, None],
        ["FT-2026-00002", "31/02/2026", "abc", "Baratto", None],
        ["FT-2026-00003", date(2026, 5, 20), 0, None, None],
    ]})
    entries, problems = read_entries(book)
    assert entries == [PaymentEntry("FT-2026-00001", date(2026, 5, 15), D("1234.56"), PaymentMethod.BANK_TRANSFER,
                                    "CRO123", entries[0].location)]
    assert str(entries[0].location) == "Incassi!A2"
    assert [(p.sheet, p.cell, p.code) for p in problems] == [
        ("Incassi", "B4", "payment-bad-date"), ("Incassi", "C4", "payment-bad-amount"),
        ("Incassi", "D4", "payment-bad-method"), ("Incassi", "C5", "payment-bad-amount")]


def test_an_amount_written_with_an_exponent_is_refused_as_the_command_line_refuses_it():
    """`1e3` in a CSV's text is 1,000 € to `Decimal` but a slip to a desk, as `--amount 1e3` is;
    a number cell is a number, however Excel shows it."""
    book = from_values("incassi.xlsx", {"Incassi": [
        ["Fattura", "Data incasso", "Importo"],
        ["FT-2026-00001", "15/05/2026", "1e3"],
        ["FT-2026-00002", "15/05/2026", " 2,5E1 "],
        ["FT-2026-00003", "15/05/2026", 1000.0],
    ]})
    entries, problems = read_entries(book)
    assert [(p.cell, p.code) for p in problems] == [("C2", "payment-bad-amount"), ("C3", "payment-bad-amount")]
    assert [(e.invoice, e.amount) for e in entries] == [("FT-2026-00003", D("1000"))]
    assert problems[0].message("it") == ("«1e3» non è un importo: scrivi un numero diverso da zero, per intero e "
                                         "senza esponente, es. 1234,50.")
    assert "without an exponent, e.g. 1234.50." in problems[0].message("en")


def test_a_payment_dated_outside_the_century_is_refused_at_its_cell():
    """A payment of 31/12/9999 or 01/01/0001 was recorded with a warning, where every date an
    action names must fall from 2000 to 2099 (`dates.in_range`, as `payments record --date`)."""
    book = from_values("incassi.xlsx", {"Incassi": [
        ["Fattura", "Data incasso", "Importo"],
        ["FT-2026-00001", "31/12/9999", "10,00"],
        ["FT-2026-00002", "0001-01-01", "10,00"],
        ["FT-2026-00003", date(1999, 12, 31), "10,00"],
        ["FT-2026-00004", "01/01/2000", "10,00"],
    ]})
    entries, problems = read_entries(book)
    assert [(p.cell, p.code) for p in problems] == [("B2", "payment-date-out-of-range"),
                                                    ("B3", "payment-date-out-of-range"),
                                                    ("B4", "payment-date-out-of-range")]
    assert [e.invoice for e in entries] == ["FT-2026-00004"]
    assert problems[0].message("it") == ("La data 31/12/9999 è fuori dalle date ammesse: scrivi la data dell'incasso "
                                         "fra il 01/01/2000 e il 31/12/2099.")
    assert problems[1].message("en") == ("The date 01/01/0001 is out of range: write the payment's date between "
                                         "01/01/2000 and 31/12/2099.")


def test_read_entries_names_the_missing_column():
    _, problems = read_entries(from_values("x.xlsx", {"Foglio1": [["Fattura", "Importo"], ["FT-2026-00001", 10]]}))
    assert [(p.code, p.cell) for p in problems] == [("payments-missing-column", "A1")]


@pytest.mark.parametrize("content, encoding", [
    ("Fattura;Data;Importo;Riferimento\r\nFT-2026-00001;15/05/2026;1.234,56;CRO 1\r\n", "utf-8-sig"),
    ("Invoice,Date,Amount,Reference\nFT-2026-00001,2026-05-15,1234.56,CRO 1\n", "utf-8"),
    ("Fattura\tData\tImporto\tCausale\nFT-2026-00001\t15/05/2026\t1234,56\tCRO 1\n", "cp1252"),
    ("Fattura\tData\tImporto\tCausale\r\nFT-2026-00001\t15/05/2026\t1234,56\tCRO 1\r\n", "utf-16"),
])
def test_read_file_csv_in_its_common_shapes(tmp_path, content, encoding):
    path = tmp_path / "incassi.csv"
    path.write_bytes(content.encode(encoding))
    entries, problems = read_entries(read_file(path))
    assert not problems
    assert [(e.invoice, e.payment_date, e.amount, e.reference) for e in entries] == [
        ("FT-2026-00001", date(2026, 5, 15), D("1234.56"), "CRO 1")]


def test_a_cell_whose_value_is_not_known_is_refused_at_its_cell_not_read_as_empty(tmp_path):
    """A formula saved without its value, or a cell showing #N/A, was read as empty: an amount
    told «“” is not an amount», a method or reference silently dropped."""
    import openpyxl

    path = tmp_path / "banca.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Incassi"
    book.active.append(["Fattura", "Data", "Importo", "Modalità", "Riferimento"])
    book.active.append(["FT-2026-00001", "15/05/2026", "=87.52", "=B2", "CRO 1"])
    book.active.append(["FT-2026-00002", "15/05/2026", 10, "Bonifico", "#N/A"])
    book.active.append(["FT-2026-00003", "15/05/2026", 10, "Bonifico", "CRO 3"])
    book.save(path)
    entries, problems = read_entries(read_file(path))
    assert [(p.cell, p.code) for p in problems] == [("C2", "cell-formula-not-computed"),
                                                    ("D2", "cell-formula-not-computed"), ("E3", "cell-error-value")]
    assert problems[2].message("en") == ("Cell “Reference” shows #N/A, a formula's error, not a value: correct the "
                                         "formula (or type the value) and save the file again.")
    assert [e.invoice for e in entries] == ["FT-2026-00003"]


def test_read_file_workbook(tmp_path):
    from toolkit.writers.printable import new_workbook

    path = tmp_path / "banca.xlsx"
    book = new_workbook(path, "payments")
    sheet = book.add_worksheet("Movimenti")
    sheet.write_row(0, 0, ["Data valuta", "Importo", "Numero fattura", "Causale"])
    sheet.write_row(1, 0, ["15/05/2026", 1234.56, "FT 12/2026", "=non una formula"])
    book.close()
    entries, problems = read_entries(read_file(path))
    assert not problems
    assert [(e.invoice, e.payment_date, e.amount, e.reference, str(e.location)) for e in entries] == [
        ("FT 12/2026", date(2026, 5, 15), D("1234.56"), "=non una formula", "Movimenti!C2")]


def test_a_reference_excel_keeps_as_a_number_is_read_as_its_digits(tmp_path):
    """A bank's CRO, 11 digits in a number cell, reached the ledger as `12345678901.0`."""
    from toolkit.writers.printable import new_workbook

    path = tmp_path / "banca.xlsx"
    book = new_workbook(path, "payments")
    sheet = book.add_worksheet("Movimenti")
    sheet.write_row(0, 0, ["Data valuta", "Importo", "Numero fattura", "CRO"])
    sheet.write_row(1, 0, ["15/05/2026", 1234.56, "FT 12/2026", 12345678901])
    book.close()
    entries, problems = read_entries(read_file(path))
    assert not problems
    assert [e.reference for e in entries] == ["12345678901"]


# ---- in the ledger


@pytest.fixture
def issued(ledger):
    """Two final invoices for C001 (2 × 45.14 and 1 × 22.57) and a credit note of 22.57."""
    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, payment_terms="30/60")
    for day, qty in ((date(2026, 4, 9), "2"), (date(2026, 4, 10), "-1")):
        _, [line_id] = make_order(ledger, "C001", day, [("A001", qty, "18.5", "22", None)])
        ship(ledger, "C001", day, [(line_id, qty)])
    result = run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it")
    return master, result


def test_the_status_as_of_a_past_day_reads_the_ledger_of_that_day(ledger, issued):
    """`payments status --as-of 2026-05-20`, asked later: June's payment was not collected yet
    and May's invoice (dated 31 May) not issued, so April's invoice of 45.14 is open for 2.57
    (less May's 20.00 and the return's note of 22.57), where it read paid in full, and May's
    invoice is not listed; the aging report of that day agrees. Asked for today, every payment
    counts."""
    from datetime import timedelta

    from toolkit.core.invoicing import Period
    from toolkit.core.reports import Kind
    from toolkit.core.reports import Request as ReportRequest
    from toolkit.services.payments import status
    from toolkit.services.reports import build

    master, april = issued
    finalize(ledger, april.run_id)
    _, [line_id] = make_order(ledger, "C001", date(2026, 5, 5), [("A001", "1", "18.5", "22", None)])
    ship(ledger, "C001", date(2026, 5, 5), [(line_id, "1")])
    finalize(ledger, run(ledger, master, Request(Period(date(2026, 5, 1), date(2026, 5, 31)), date(2026, 6, 2)),
                         lang="it").run_id)
    assert not record(ledger, [entry(amount="20.00"), entry(day=date(2026, 6, 10), amount="25.14")]).problems
    day = date(2026, 5, 20)
    rows = {r.number: r for r in status(master, ledger, day, lang="it").rows}
    assert sorted(rows) == ["FT-2026-00001", "NC-2026-00001"]
    first = rows["FT-2026-00001"]
    assert (first.collected, first.credited, first.outstanding, first.paid, first.last_payment) == (
        D("20.00"), D("22.57"), D("2.57"), False, MAY_10)
    aging = build(master, ledger, ReportRequest(Kind.AGING, date(2026, 1, 1), day))
    assert D(aging.total).scaleb(-2) == sum((r.outstanding for r in rows.values()), D(0))
    today = {r.number: r for r in status(master, ledger, date.today() + timedelta(days=1), lang="it").rows}
    assert (today["FT-2026-00001"].collected, today["FT-2026-00001"].paid) == (D("45.14"), True)
    assert "FT-2026-00002" in today


def test_a_credit_note_settles_its_invoice_on_a_past_day_whatever_was_paid_since(ledger, issued):
    """The return's note of 22.57 settled half of FT-2026-00001 on 30 April; the customer paid
    the whole 45.14 in June. On 20 May the invoice was open for 22.57 and the note had nothing
    open, where the June payment, read before its day, had the note settle nothing: the invoice
    showed 45.14 open and the note a credit of its own."""
    from toolkit.services.payments import status

    master, april = issued
    finalize(ledger, april.run_id)
    assert not record(ledger, [entry(day=date(2026, 6, 10), amount="45.14")]).problems
    rows = {r.number: r for r in status(master, ledger, date(2026, 5, 20), lang="it").rows}
    invoice, note = rows["FT-2026-00001"], rows["NC-2026-00001"]
    assert (invoice.collected, invoice.credited, invoice.outstanding) == (D("0"), D("22.57"), D("22.57"))
    assert (note.credited, note.outstanding, note.paid) == (D("-22.57"), D("0.00"), True)


def entry(invoice="FT-2026-00001", day=MAY_10, amount="22.57", reference=None) -> PaymentEntry:
    return PaymentEntry(invoice, day, D(amount), PaymentMethod.BANK_TRANSFER, reference)


def test_payments_need_a_final_invoice(ledger, issued):
    result = record(ledger, [entry()])
    assert [p.code for p in result.problems] == ["payment-on-draft-invoice"] and not result.recorded
    finalize(ledger, issued[1].run_id)
    assert record(ledger, [entry()]).recorded


def test_recording_is_idempotent_and_all_or_nothing(ledger, issued):
    finalize(ledger, issued[1].run_id)
    rows = [entry(reference="CRO1"), entry(reference="CRO1"), entry(day=date(2026, 5, 11))]
    first = record(ledger, rows)
    assert (len(first.recorded), len(first.duplicates), len(first.repeated)) == (2, 0, 1)
    again = record(ledger, rows)
    assert (len(again.recorded), len(again.duplicates), len(again.repeated)) == (0, 2, 1)
    twice = record(ledger, [entry(day=date(2026, 5, 13)), entry(day=date(2026, 5, 13))])
    assert [p.code for p in twice.problems] == ["payment-twice-in-file"] and not twice.recorded
    broken = record(ledger, [entry(day=date(2026, 5, 12)), entry("FT-2026-00099")])
    assert [p.code for p in broken.problems] == ["payment-unknown-invoice"] and not broken.recorded
    with reading(ledger) as conn:
        [invoice, note] = receivables(conn)
    assert [p.amount for p in invoice.payments] == [D("22.57"), D("22.57")]
    assert note.payments == ()


def test_wrong_sign_is_an_error_and_overpaying_a_warning(ledger, issued):
    finalize(ledger, issued[1].run_id)
    assert [p.code for p in record(ledger, [entry(amount="-5")]).problems] == ["payment-wrong-sign"]
    assert [p.code for p in record(ledger, [entry("NC-2026-00001", amount="5")]).problems] == ["payment-wrong-sign"]
    over = record(ledger, [entry(amount="50.00")])
    assert [p.code for p in over.problems] == ["payment-exceeds-outstanding"] and over.recorded


def test_monitoring_from_the_ledger(ledger, issued):
    """The return's note settles 22.57 of the invoice; 10.00 paid covers the first due with it."""
    finalize(ledger, issued[1].run_id)
    record(ledger, [entry(amount="10.00")])
    with reading(ledger) as conn:
        rows = monitor(receivables(conn), date(2026, 6, 1))
    invoice, note = rows
    assert (invoice.total, invoice.collected, invoice.credited, invoice.outstanding, invoice.paid) == (
        D("45.14"), D("10.00"), D("22.57"), D("12.57"), False)
    assert (invoice.next_due, invoice.next_due_amount, invoice.days_to_due) == (date(2026, 6, 29), D("12.57"), 28)
    assert note.paid and note.outstanding == 0


def test_a_public_administration_paying_net_of_vat_settles_its_split_payment_invoice(ledger):
    """Under split payment the office pays the VAT to the State: 37.00 of a 45.14 invoice is all of it."""
    from toolkit.ledger.invoices import load_invoices

    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, payment_terms="30", sdi_code="UFABCD")
    _, [line_id] = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "2", "18.5", "22", None)])
    ship(ledger, "C001", date(2026, 4, 9), [(line_id, "2")])
    finalize(ledger, run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it").run_id)
    with reading(ledger) as conn:
        [invoice] = load_invoices(conn)
    assert invoice.split_payment and (invoice.total, invoice.vat, invoice.payable) == (D("45.14"), D("8.14"), D("37.00"))
    assert [due.amount for due in invoice.dues] == [D("37.00")]
    assert not record(ledger, [entry(amount="37.00")]).problems
    with reading(ledger) as conn:
        [row] = monitor(receivables(conn), date(2026, 6, 1))
    assert (row.total, row.collected, row.outstanding, row.paid, row.next_due) == (
        D("37.00"), D("37.00"), D("0.00"), True, None)
    over = record(ledger, [entry(amount="8.14", day=date(2026, 5, 11))]).problems
    assert [p.code for p in over] == ["payment-exceeds-outstanding"]
    assert over[0].message("it") == (
        "Con 8,14 € la fattura FT-2026-00001 risulta pagata oltre quanto richiesto (al netto dell'IVA in scissione: "
        "37,00 €): incassati in tutto 45,14 €. Controlla l'importo; se è sbagliato, annulla l'incasso con toolkit "
        "payments void.")
    assert "paid beyond what it asks (net of VAT under split payment: 37.00 €)" in over[0].message("en")
    assert (problem_type(over[0].code).title("it"), problem_type(over[0].code).title("en")) == (
        "Incasso oltre il dovuto della fattura", "Payment beyond what the invoice asks")


@pytest.fixture
def split(ledger):
    """A public administration's invoice of 176.18 net + 38.76 VAT (it asks 176.18) and the
    return's credit note of 50.00 net + 11.00 VAT, both under split payment."""
    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, payment_terms="30", sdi_code="UFABCD")
    for day, lines in ((date(2026, 4, 9), [("A001", "2", "25", "22", None), ("A001", "1", "126.18", "22", None)]),
                       (date(2026, 4, 10), [("A001", "-2", "25", "22", None)])):
        _, ids = make_order(ledger, "C001", day, lines)
        ship(ledger, "C001", day, [(x, q) for x, (_, q, *_) in zip(ids, lines)])
    finalize(ledger, run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it").run_id)
    return ledger


def test_a_public_administration_s_exposure_is_what_its_invoices_ask_net_of_vat(ledger):
    """The credit figures summed 214.94 for an invoice asking 176.18, and the note's 61.00 where it gives back 50.00."""
    from toolkit.ledger.exposure import credit_exposures, exposures

    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, payment_terms="30", sdi_code="UFABCD")
    _, ids = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "1", "176.18", "22", None)])
    ship(ledger, "C001", date(2026, 4, 9), [(ids[0], "1")])
    finalize(ledger, run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it").run_id)
    with reading(ledger) as conn:
        assert exposures(conn, ["C001"])["C001"].outstanding == D("176.18")
    record(ledger, [entry(amount="100.00")])
    with reading(ledger) as conn:
        assert credit_exposures(conn, ["C001"])["C001"].outstanding == D("76.18")


def test_a_split_payment_note_lowers_the_exposure_by_its_net(split):
    from toolkit.ledger.exposure import exposures

    with reading(split) as conn:
        assert exposures(conn, ["C001"])["C001"].outstanding == D("126.18")


def test_a_ledger_of_schema_32_learns_which_documents_bore_split_payment_from_their_buyer(split):
    """Migrated, the invoice and its note read as split payment from the parties they printed."""

    from toolkit.ledger.db import migrate
    from toolkit.ledger.exposure import exposures

    back_to(split, 32, {"invoices": ["split_payment"]})
    assert migrate(split) == schema.SCHEMA_VERSION == 48
    with reading(split) as conn:
        assert set(conn.execute(select(schema.invoices.c.split_payment)).scalars()) == {True}
        assert exposures(conn, ["C001"])["C001"].outstanding == D("126.18")


def test_a_split_payment_credit_note_settles_and_refunds_net_of_vat(split):
    """The note took 61.00 with its VAT off an invoice asking 176.18 net, leaving 115.18 where the
    office owes 126.18; once the invoice was paid in full, 61.00 could be refunded where 50.00 is."""
    with reading(split) as conn:
        [invoice, note] = monitor(receivables(conn), MAY_10)
    assert (invoice.total, invoice.credited, invoice.outstanding) == (D("176.18"), D("50.00"), D("126.18"))
    assert (note.total, note.credited, note.outstanding) == (D("-50.00"), D("-50.00"), 0)
    refused = record(split, [entry("NC-2026-00001", amount="-50.00")]).problems
    assert [p.code for p in refused] == ["refund-of-settled-credit-note"]
    assert "la nota ha già saldato 50,00 € della fattura FT-2026-00001" in refused[0].message("it")
    assert "resta da rimborsare 0,00 €" in refused[0].message("it")
    paid = record(split, [entry(amount="176.18"), entry("NC-2026-00001", amount="-50.00")])
    assert len(paid.recorded) == 2 and paid.problems == []
    beyond = record(split, [entry("NC-2026-00001", amount="-11.00", day=date(2026, 5, 11))]).problems
    assert [p.code for p in beyond] == ["refund-exceeds-credit-note"]
    assert "rimborsata oltre quanto richiesto (al netto dell'IVA in scissione: -50,00 €)" in beyond[0].message("it")
    assert problem_type(beyond[0].code).title("it") == "Rimborso oltre il dovuto della nota di credito"


def _position(ledger) -> list[tuple[str, D, D, D]]:
    with reading(ledger) as conn:
        return [(r.number, r.collected, r.credited, r.outstanding) for r in monitor(receivables(conn), MAY_10)]


def test_a_refund_of_what_a_note_settled_of_its_invoice_is_refused_recording_nothing(ledger, issued):
    """The note had settled 22.57 of its unpaid invoice; refunding it was recorded without a word
    and the invoice's Da incassare rose back to 45.14, as if the customer owed the money again."""
    finalize(ledger, issued[1].run_id)
    before = _position(ledger)
    assert before == [("FT-2026-00001", 0, D("22.57"), D("22.57")), ("NC-2026-00001", 0, D("-22.57"), 0)]
    refused = record(ledger, [entry("NC-2026-00001", amount="-22.57")])
    assert [p.code for p in refused.problems] == ["refund-of-settled-credit-note"] and not refused.recorded
    assert refused.problems[0].message("it") == (
        "Il rimborso di -22,57 € sulla nota di credito NC-2026-00001 è rifiutato: la nota ha già saldato 22,57 € della "
        "fattura FT-2026-00001, importo che il cliente non ha pagato e che quindi non va rimborsato; della nota resta "
        "da rimborsare 0,00 €. Se il cliente ha pagato la fattura per intero, registra prima quell'incasso (toolkit "
        "payments record) e poi il rimborso. Nulla è stato registrato.")
    assert "The refund of -22.57 € on credit note NC-2026-00001 is refused: the note already settled 22.57 € of " \
           "invoice FT-2026-00001" in (
        refused.problems[0].message("en"))
    both = record(ledger, [entry(amount="30.00"), entry("NC-2026-00001", amount="-22.57")])
    assert [p.code for p in both.problems] == ["refund-of-settled-credit-note"] and not both.recorded
    assert "resta da rimborsare 7,43 €" in both.problems[0].message("it")
    assert _position(ledger) == before


def test_a_refund_of_what_the_customer_paid_beyond_the_note_is_recorded(ledger, issued):
    """30.00 paid on an invoice of 45.14 the note takes 22.57 off: 7.43 is the customer's to get back."""
    finalize(ledger, issued[1].run_id)
    done = record(ledger, [entry(amount="30.00"), entry("NC-2026-00001", amount="-7.43")])
    assert len(done.recorded) == 2 and done.problems == []
    assert _position(ledger) == [("FT-2026-00001", D("30.00"), D("15.14"), 0),
                                 ("NC-2026-00001", D("-7.43"), D("-15.14"), 0)]


def test_a_refund_beyond_a_note_s_total_is_worded_as_the_note_s(ledger, issued):
    """The warning said *la fattura NC-2026-00001 risulta pagata oltre il totale*."""
    finalize(ledger, issued[1].run_id)
    record(ledger, [entry(amount="45.14")])
    done = record(ledger, [entry("NC-2026-00001", amount="-50.00")])
    assert [p.code for p in done.problems] == ["refund-exceeds-credit-note"] and done.recorded
    assert done.problems[0].message("it") == (
        "Con -50,00 € la nota di credito NC-2026-00001 risulta rimborsata oltre il suo totale (-22,57 €): rimborsati "
        "in tutto -50,00 €. Controlla l'importo; se è sbagliato, annulla il rimborso con toolkit payments void.")


def test_a_second_payment_of_the_whole_invoice_is_told_with_the_sum_collected(ledger, issued):
    """The warning read *Con 45,14 € la fattura FT-2026-00001 risulta pagata oltre il totale
    (45,14 €)*: the same figure twice, and a desk could not tell what was beyond. It now says
    what the invoice has collected in all."""
    finalize(ledger, issued[1].run_id)
    assert not record(ledger, [entry(amount="45.14")]).problems
    [over] = record(ledger, [entry(amount="45.14", day=date(2026, 5, 11))]).problems
    assert over.code == "payment-exceeds-outstanding"
    assert ": incassati in tutto 90,28 €." in over.message("it") and ": 90.28 € collected in all." in over.message("en")


# ---- the monitoring workbook and the commands


def test_the_status_pages_say_whose_and_when_and_no_payment_is_said_so(tmp_path, ledger, issued):
    """Without a payment the payments' sheet printed a bare heading; it now says there is none."""
    from openpyxl import load_workbook

    from toolkit.writers.payments_status import write_payment_status

    master, _ = issued
    with reading(ledger) as conn:
        found = receivables(conn)
    day = date(2026, 6, 1)
    book = load_workbook(write_payment_status(tmp_path / "s.xlsx", master, monitor(found, day), found, day))
    status, paid = book.worksheets
    assert [(s.oddHeader.left.text, s.oddHeader.right.text) for s in (status, paid)] == [
        ("Monitoraggio pagamenti", "Forniture Rossi S.r.l. – situazione al 01/06/2026"),
        ("Monitoraggio pagamenti – Incassi", "Forniture Rossi S.r.l. – situazione al 01/06/2026")]
    assert [row for row in paid.iter_rows(min_row=2, values_only=True)] == [
        ("Nessun incasso registrato sui documenti elencati.", None, None, None, None, None, None)]


CREDITED_ON = date(2026, 5, 5)


def credited_pair() -> list[Receivable]:
    """An invoice of 158.44 credited in full by a note citing it, and 100.00 of a second
    invoice paid by a partial payment and a partial note: what the notes settle, on their date."""
    invoice = Receivable(1, "FT-2026-00051", "invoice", date(2026, 4, 30), "C001", D("158.44"), "bank-transfer",
                         ((date(2026, 5, 31), D("158.44")),), (), ((CREDITED_ON, D("158.44")),))
    note = Receivable(2, "NC-2026-00001", "credit-note", CREDITED_ON, "C001", D("-158.44"), "bank-transfer", (), (),
                      ((CREDITED_ON, D("-158.44")),))
    partly = Receivable(3, "FT-2026-00052", "invoice", date(2026, 4, 30), "C001", D("100.00"), "bank-transfer",
                        ((date(2026, 5, 31), D("100.00")),), (Collected(MAY_10, D("30.00")),),
                        ((CREDITED_ON, D("20.00")),))
    return [invoice, note, partly]


def credited_status_book(tmp_path):
    from toolkit.writers.payments_status import write_payment_status

    found = credited_pair()
    rows = monitor(found, MAY_10)
    return write_payment_status(tmp_path / "s.xlsx", master_with(), rows, found, MAY_10), rows


def test_the_status_sheet_takes_what_credit_notes_settle_off_the_outstanding_formula(tmp_path):
    """The outstanding was `=G-H`: a workbook that recalculates on opening showed 158.44 to
    collect on a fully credited invoice marked paid, and -158.44 on its note."""
    from openpyxl import load_workbook

    path, rows = credited_status_book(tmp_path)
    sheet = load_workbook(path).worksheets[0]
    assert [c.value for c in sheet[4]][6:11] == ["Totale", "Incassato", "Accreditato", "Da incassare", "Pagata"]
    assert [sheet.cell(r, 10).value for r in (5, 6, 7)] == ["=G5-H5-I5", "=G6-H6-I6", "=G7-H7-I7"]
    assert sheet["I8"].value == "=SUM(I5:I7)" and sheet["J8"].value == "=SUM(J5:J7)"
    cached = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Scadenzario").to_python()
    assert [(r[0], D(str(r[8])), D(str(r[9])), r[10]) for r in cached[4:7]] == [
        ("FT-2026-00051", D("158.44"), 0, "Sì"), ("NC-2026-00001", D("-158.44"), 0, "Sì"),
        ("FT-2026-00052", D("20"), D("50"), "No")]
    assert [(r.credited, r.outstanding) for r in rows] == [(D("158.44"), 0), (D("-158.44"), 0), (D("20.00"), D("50.00"))]


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_the_status_sheet_recalculates_to_what_payments_status_says(tmp_path):
    path, rows = credited_status_book(tmp_path)
    values = recalculated_values(path)["Scadenzario"]
    shown = {r[0]: D(str(r[9])).quantize(D("0.01")) for r in values[4:7]}
    assert shown == {r.number: r.outstanding for r in rows}
    assert D(str(values[7][9])).quantize(D("0.01")) == sum((r.outstanding for r in rows), D(0))


def test_payments_commands_end_to_end(tmp_path, sample_workbook):
    import test_accountants
    from typer.testing import CliRunner

    ledger_url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    runner, app = CliRunner(), test_accountants.cli_app()
    first = test_accountants.invoice_sample_april(runner, app, sample_workbook, ledger_url, tmp_path / "out", "--final")
    number, total = first["invoices"][0]["number"], D(first["invoices"][0]["total"])
    sheet = tmp_path / "incassi.csv"
    sheet.write_text(f"Fattura;Data;Importo;Modalità;Riferimento\n{number};15/05/2026;{str(total).replace('.', ',')};"
                     f"bonifico;TRN-1\n", encoding="utf-8-sig")
    common = ["--ledger", ledger_url, "--json"]
    for expected in (1, 0):
        result = runner.invoke(app, ["payments", "import", str(sample_workbook), str(sheet), *common])
        assert result.exit_code == 0, result.output
        assert len(test_accountants.json_of(result)["recorded"]) == expected
    result = runner.invoke(app, ["payments", "record", str(sample_workbook), "--invoice", "FT-2026-99999",
                                 "--date", "16/05/2026", "--amount", "10", *common])
    assert result.exit_code == 1
    out = tmp_path / "scadenzario.xlsx"
    result = runner.invoke(app, ["payments", "status", str(sample_workbook), "--unpaid", "--as-of", "2026-06-01",
                                 "--out", str(out), *common])
    assert result.exit_code == 0, result.output
    shown = test_accountants.json_of(result)
    assert number not in [r["number"] for r in shown["invoices"]]
    assert all(not r["paid"] for r in shown["invoices"]) and shown["as_of"] == "2026-06-01"
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Scadenzario").to_python()
    assert rows[1][:2] == ["Situazione al", date(2026, 6, 1)]
    listed = [r[0] for r in rows[4:] if r[0]]
    assert listed == [r["number"] for r in shown["invoices"]]
    by_number = {r[0]: r for r in rows[4:] if r[0]}
    for r in shown["invoices"]:
        assert D(str(by_number[r["number"]][9])).quantize(D("0.01")) == D(r["outstanding"])
    everything = tmp_path / "scadenzario-tutto.xlsx"
    result = runner.invoke(app, ["payments", "status", str(sample_workbook), "--as-of", "2026-06-01",
                                 "--out", str(everything), *common])
    assert result.exit_code == 0, result.output
    book = CalamineWorkbook.from_path(str(everything))
    status = {r[0]: r for r in book.get_sheet_by_name("Scadenzario").to_python()[4:] if r[0]}
    assert status[number][10] == "Sì" and D(str(status[number][9])) == 0
    received = book.get_sheet_by_name("Incassi").to_python()
    assert received[0][:4] == ["Numero", "Cliente", "Data", "Importo"]
    assert [r[0] for r in received[1:]] == [number]
    assert received[1][2] == date(2026, 5, 15) and D(str(received[1][3])) == total
    assert received[1][4:] == ["Incasso", "Bonifico bancario", "TRN-1"]


def test_the_terminal_table_shows_what_credit_notes_settled_beside_collected(capsys):
    """`payments status` printed Totale, Incassato and Da incassare only: a credited invoice
    showed 158,44 € total, nothing collected and nothing to collect, with no column saying why."""
    from toolkit.cli.tables import print_payments

    print_payments(monitor(credited_pair(), MAY_10), "it")
    lines = capsys.readouterr().out.splitlines()
    head = next(line for line in lines if "Fattura" in line)
    assert head.split()[3:8] == ["Totale", "Incassato", "Accreditato", "Da", "incassare"]
    rows = {line.split()[0]: line for line in lines if line.strip().startswith(("FT-", "NC-"))}
    assert rows["FT-2026-00051"].split()[3:11] == ["158,44", "€", "0,00", "€", "158,44", "€", "0,00", "€"]
    assert rows["NC-2026-00001"].split()[3:11] == ["-158,44", "€", "0,00", "€", "-158,44", "€", "0,00", "€"]
    assert rows["FT-2026-00052"].split()[3:11] == ["100,00", "€", "30,00", "€", "20,00", "€", "50,00", "€"]
    credited_end = head.index("Accreditato") + len("Accreditato")
    assert all(line[:credited_end].endswith("€") for line in rows.values()), "right-aligned under its head"


def _payments(ledger) -> list[tuple[D, int | None]]:
    """The payments table's rows, as (amount, reverses), to see nothing was written."""
    from sqlalchemy import select

    from toolkit.ledger import schema

    with reading(ledger) as conn:
        return [(r.amount, r.reverses) for r in conn.execute(
            select(schema.payments.c.amount, schema.payments.c.reverses).order_by(schema.payments.c.id))]


def test_a_void_leaving_a_note_refunded_of_what_it_settles_is_refused_by_the_refund_s_rule(ledger, issued):
    """The invoice paid in full, the note's 22.57 refunded: voiding the payment put the invoice
    back to collect 45.14 and left the refund paying back money never paid in."""
    finalize(ledger, issued[1].run_id)
    assert record(ledger, [entry(amount="45.14"), entry("NC-2026-00001", amount="-20"),
                           entry("NC-2026-00001", day=date(2026, 5, 11), amount="-2.57")]).problems == []
    before, position = _payments(ledger), _position(ledger)
    refused = void(ledger, entry(amount="45.14"))
    assert [p.code for p in refused.problems] == ["payment-void-refunded-credit-note"] and not refused.voided
    assert refused.problems[0].message("it") == (
        "L'annullo dell'incasso di 45,14 € del 10/05/2026 su FT-2026-00001 è rifiutato: senza quell'incasso la nota "
        "di credito NC-2026-00001 salda 22,57 € della fattura FT-2026-00001, importo che il cliente non avrebbe "
        "pagato, e della nota si possono rimborsare al massimo 0,00 €; ma ne sono già stati rimborsati 22,57 € "
        "(rimborsi: 10/05/2026 -20,00 €, 11/05/2026 -2,57 €). Annulla prima i rimborsi (toolkit payments void "
        "--invoice NC-2026-00001 con data e importo di ciascuno), poi l'incasso. Nulla è stato annullato.")
    assert (_payments(ledger), _position(ledger)) == (before, position)
    assert void(ledger, entry("NC-2026-00001", amount="-20")).voided
    assert [p.code for p in void(ledger, entry(amount="45.14")).problems] == [
        "payment-void-refunded-credit-note"]
    assert void(ledger, entry("NC-2026-00001", day=date(2026, 5, 11), amount="-2.57")).voided
    assert void(ledger, entry(amount="45.14")).voided


def test_a_refund_typed_in_whole_euro_is_refused_in_euro_and_cents(ledger, issued):
    """The refusal read *Il rimborso di -20 sulla nota*: no euro sign, no cents."""
    finalize(ledger, issued[1].run_id)
    refused = record(ledger, [entry("NC-2026-00001", amount="-20")])
    assert refused.problems[0].message("it").startswith(
        "Il rimborso di -20,00 € sulla nota di credito NC-2026-00001 è rifiutato: la nota ha già saldato 22,57 € ")
    assert refused.problems[0].message("en").startswith("The refund of -20.00 € on credit note NC-2026-00001")


def test_a_note_refunded_beyond_its_total_is_open_in_status_aging_and_the_workbook(capsys, tmp_path, ledger, issued):
    """A note refunded 2,00 beyond its total showed *Pagata ✓* beside *Da incassare 2,00 €*, and
    the aging report left those 2,00 out of a total `payments status` counted them in."""
    from toolkit.cli.tables import print_payments
    from toolkit.core.reports import Kind
    from toolkit.core.reports import Request as ReportRequest
    from toolkit.services.reports import build
    from toolkit.writers.payments_status import write_payment_status

    master, result = issued
    finalize(ledger, result.run_id)
    done = record(ledger, [entry(amount="45.14"), entry("NC-2026-00001", amount="-24.57")])
    assert [p.code for p in done.problems] == ["refund-exceeds-credit-note"]
    with reading(ledger) as conn:
        found = receivables(conn)
    day = date(2026, 6, 1)
    rows = monitor(found, day)
    note = next(r for r in rows if r.number == "NC-2026-00001")
    assert (note.outstanding, note.paid, note.refunded_beyond) == (D("2.00"), False, True)
    aging = build(master, ledger, ReportRequest(Kind.AGING, date(2026, 1, 1), day))
    assert D(aging.total).scaleb(-2) == sum((r.outstanding for r in rows), D(0)) == D("2.00")
    assert list(aging.data["document"]) == ["NC-2026-00001"]
    book = write_payment_status(tmp_path / "s.xlsx", master, rows, found, day)
    cached = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Scadenzario").to_python()
    assert [(r[0], r[10]) for r in cached[4:6]] == [("FT-2026-00001", "Sì"),
                                                    ("NC-2026-00001", "Rimborsata oltre il totale")]
    for lang, words in (("it", "Rimborsata oltre il totale"), ("en", "Refunded beyond its total")):
        print_payments(rows, lang)
        [line] = [x for x in capsys.readouterr().out.splitlines() if "NC-2026-00001" in x]
        assert words in line and "✓" not in line


def test_the_payments_sheet_says_which_rows_are_refunds_and_voids(tmp_path, ledger, issued):
    """A void and a refund were bare negative amounts on the *Incassi* sheet: the accountant
    could not tell a refund from a payment undone."""
    from toolkit.writers.payments_status import write_payment_status

    master, result = issued
    finalize(ledger, result.run_id)
    record(ledger, [entry(amount="45.14")])
    void(ledger, entry(amount="45.14"))
    record(ledger, [entry(amount="45.14", reference="CRO2"), entry("NC-2026-00001", amount="-10.00"),
                    entry("NC-2026-00001", amount="-12.57")])
    void(ledger, entry("NC-2026-00001", amount="-10.00"))
    with reading(ledger) as conn:
        found = receivables(conn)
    for lang, words in (("it", ["Incasso annullato", "Annullo", "Incasso", "Rimborso annullato", "Rimborso",
                                "Annullo"]),
                        ("en", ["Payment voided", "Void", "Payment", "Refund voided", "Refund", "Void"])):
        book = write_payment_status(tmp_path / f"s-{lang}.xlsx", master, monitor(found, MAY_10), found, MAY_10, lang)
        rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name(
            "Incassi" if lang == "it" else "Payments").to_python()
        assert rows[0][3:5] == (["Importo", "Tipo"] if lang == "it" else ["Amount", "Kind"])
        assert [(r[0], D(str(r[3])).quantize(D("0.01")), r[4]) for r in rows[1:]] == list(zip(
            ["FT-2026-00001"] * 3 + ["NC-2026-00001"] * 3,
            [D("45.14"), D("-45.14"), D("45.14"), D("-10.00"), D("-12.57"), D("10.00")], words))


def test_the_summary_counts_payments_and_refunds_apart(ledger, issued):
    """A payment and two refunds read *Registrati 3 incassi*: money paid out counted as collected."""
    finalize(ledger, issued[1].run_id)
    done = record(ledger, [entry(amount="45.14"), entry("NC-2026-00001", amount="-10.00"),
                           entry("NC-2026-00001", amount="-12.57")])
    assert done.summary("it") == "Registrati 1 incasso e 2 rimborsi, 0 già presenti."
    assert done.summary("en") == "Recorded 1 payment and 2 refunds, 0 already there."
    again = record(ledger, [entry("NC-2026-00001", day=date(2026, 5, 11), amount="-1.00")])
    assert again.summary("it") == "Registrato 1 rimborso, 0 già presenti: NC-2026-00001, -1,00 € del 11/05/2026."
    assert record(ledger, [entry(day=date(2026, 5, 11), amount="1.00")]).summary("it").startswith(
        "Registrato 1 incasso, 0 già presenti")
    undone = void(ledger, entry("NC-2026-00001", day=date(2026, 5, 11), amount="-1.00"))
    assert undone.summary("it") == ("Rimborsi annullati: 1 (lo storno resta nel registro): NC-2026-00001, -1,00 € "
                                    "del 11/05/2026.")
    assert undone.summary("en").startswith("Refunds voided: 1 (the reversal stays in the ledger)")


# ---- a short number an invoice and a credit note share (FT-2026-00001, NC-2026-00001: `1/2026`)


def test_a_short_number_is_the_invoice_for_a_payment_and_the_credit_note_for_a_refund(ledger, issued):
    """`1/2026` is both FT-2026-00001 and NC-2026-00001: a payment is the invoice's, a refund
    (negative) the note's, as the sign says; the refund was refused as a wrong sign on the invoice."""
    finalize(ledger, issued[1].run_id)
    paid = record(ledger, [entry("1/2026", amount="45.14")])
    assert (paid.problems, [r["invoice"] for r in paid.recorded]) == ([], ["FT-2026-00001"])
    refunded = record(ledger, [entry("1/2026", amount="-22.57")])
    assert (refunded.problems, [r["invoice"] for r in refunded.recorded]) == ([], ["NC-2026-00001"])
    voided = void(ledger, entry("1/2026", amount="-22.57"))
    assert (voided.problems, [r["invoice"] for r in voided.voided]) == ([], ["NC-2026-00001"])
    assert _payments(ledger) == [(D("45.14"), None), (D("-22.57"), None), (D("22.57"), 2)]


@pytest.fixture
def two_invoice_series(ledger, issued):
    """April's FT-2026-00001 (and NC-2026-00001), then May's invoice numbered FA-2026-00001 once
    the invoice series (*Serie fatture*) was changed: `1/2026` may be either invoice."""
    from dataclasses import replace

    from toolkit.core.invoicing import Period

    master, april = issued
    finalize(ledger, april.run_id)
    _, [line_id] = make_order(ledger, "C001", date(2026, 5, 5), [("A001", "1", "18.5", "22", None)])
    ship(ledger, "C001", date(2026, 5, 5), [(line_id, "1")])
    fa = master.model_copy(update={"settings": replace(master.settings, invoice_series="FA")})
    may = run(ledger, fa, Request(Period(date(2026, 5, 1), date(2026, 5, 31)), date(2026, 6, 2)), lang="it")
    finalize(ledger, may.run_id)
    return fa


def test_a_short_number_two_invoice_series_hold_is_refused_naming_both(ledger, two_invoice_series):
    from toolkit.cli.output import exit_code

    before = _payments(ledger)
    refused = record(ledger, [entry("1/2026", day=date(2026, 6, 5), amount="10")])
    assert [p.message("it") for p in refused.problems] == [
        "«1/2026» può essere più di un documento del registro: FA-2026-00001, FT-2026-00001. Scrivi il numero per "
        "intero (es. FA-2026-00001); nulla è stato registrato."]
    assert refused.problems[0].message("en").startswith("“1/2026” may be more than one document of the ledger")
    assert exit_code(refused.problems) == 2 and not refused.recorded and _payments(ledger) == before
    assert [p.code for p in void(ledger, entry("1/2026", amount="10")).problems] == ["payment-ambiguous-invoice"]
    paid = record(ledger, [entry("fa-2026-1", day=date(2026, 6, 5), amount="10")])
    assert (paid.problems, [r["invoice"] for r in paid.recorded]) == ([], ["FA-2026-00001"])


def test_an_imported_row_two_invoice_series_may_mean_is_refused_at_its_cell(ledger, two_invoice_series, tmp_path):
    from toolkit.services.payments import import_file

    before = _payments(ledger)
    sheet = tmp_path / "incassi.csv"
    sheet.write_text("Fattura;Data;Importo\nFT-2026-00001;05/06/2026;45,14\n1/2026;05/06/2026;10\n", encoding="utf-8")
    refused = import_file(two_invoice_series, ledger, sheet)
    assert [(p.code, p.cell) for p in refused.problems] == [("payment-ambiguous-invoice", "A3")]
    assert not refused.recorded and _payments(ledger) == before


def test_a_credit_note_on_a_short_number_is_of_the_invoice_and_refused_when_two_invoices_have_it(
        ledger, two_invoice_series):
    from toolkit.cli.output import exit_code
    from toolkit.services.credit_notes import credit

    day = date(2026, 6, 5)
    refused = credit(ledger, two_invoice_series, "1/2026", [], "prova", day, day, lang="it")
    assert [p.message("it") for p in refused.problems] == [
        "«1/2026» indicato in --invoice può essere più di una fattura del registro: FA-2026-00001, FT-2026-00001. "
        "Scrivi il numero per intero (es. FA-2026-00001); nulla è stato registrato."]
    assert exit_code(refused.problems) == 2 and refused.note is None
    with reading(ledger) as conn:
        assert sorted(r.number for r in receivables(conn)) == ["FA-2026-00001", "FT-2026-00001", "NC-2026-00001"]
    done = credit(ledger, two_invoice_series, "ft 1/2026", [], "prova", day, day, lang="it")
    assert done.invoice == "FT-2026-00001" and done.note is not None and done.note.number == "NC-2026-00002"


def test_two_rows_alike_without_a_reference_are_refused_and_a_refusal_prints_no_summary(tmp_path, sample_workbook):
    import test_accountants
    from typer.testing import CliRunner

    ledger_url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    runner, app = CliRunner(), test_accountants.cli_app()
    first = test_accountants.invoice_sample_april(runner, app, sample_workbook, ledger_url, tmp_path / "out", "--final")
    number = first["invoices"][0]["number"]
    common = [str(sample_workbook), "--ledger", ledger_url]

    def imported(*rows: str) -> tuple[int, str]:
        sheet = tmp_path / "incassi.csv"
        sheet.write_text("Fattura;Data;Importo;Modalità;Riferimento\n" + "".join(f"{number};03/05/2026;10,00;"
                         f"Contanti;{r}\n" for r in rows), encoding="utf-8")
        result = runner.invoke(app, ["payments", "import", *common[:1], str(sheet), *common[1:]])
        return result.exit_code, result.output

    code, said = imported("", "")
    assert code == 1
    assert said.splitlines() == [
        f"incassi!A3: Le righe in A2 e A3 sono uguali ({number}, 10,00 € del 03/05/2026) "
        "e senza riferimento: è una riga ripetuta o sono due incassi? Se sono due incassi, scrivi in Riferimento un "
        "valore diverso per ciascuno (es. il CRO del bonifico); se è ripetuta, cancellane una. Nulla è stato "
        "registrato."]
    assert _ledger_payments(ledger_url) == 0
    assert imported("CRO1", "CRO2") == (0, "Registrati 2 incassi, 0 già presenti.\n")
    assert imported("CRO1", "CRO2") == (0, "Registrati 0 incassi, 2 già presenti.\n")
    assert imported("CRO3", "CRO3") == (0, "Registrato 1 incasso, 0 già presenti, 1 riga ripetuta nel file.\n")
    assert _ledger_payments(ledger_url) == 3
    result = runner.invoke(app, ["payments", "record", *common, "--invoice", "FT-2026-99999", "--date", "16/05/2026",
                                 "--amount", "10"])
    assert (result.exit_code, result.output) == (
        1, "La fattura FT-2026-99999 non è nel registro: controlla il numero (es. FT-2026-00001).\n")


def _ledger_payments(url: str) -> int:
    from toolkit.ledger import open_ledger

    with reading(open_ledger(url)) as conn:
        return len(conn.execute(select(schema.payments.c.id)).all())


def test_an_invoice_paid_beyond_its_total_is_in_the_aging_report_s_own_column_not_the_credit_notes(tmp_path, ledger,
                                                                                                   issued):
    """An invoice paid 5,00 beyond its total showed those 5,00 under *Note di credito*, beside its
    customer's credit note:
    an accountant reads a credit note issued, and looks for one the ledger never had. It is a
    credit the customer holds all the same, in a column of its own, *Pagato in eccesso*."""
    from toolkit.core.reports import Kind
    from toolkit.core.reports import Request as ReportRequest
    from toolkit.services.reports import report

    master, result = issued
    finalize(ledger, result.run_id)
    assert record(ledger, [entry(amount="50.14")]).recorded
    day = date(2026, 6, 1)
    with reading(ledger) as conn:
        rows = {r.number: r for r in monitor(receivables(conn), day)}
    assert {n: r.outstanding for n, r in rows.items()} == {"FT-2026-00001": D("-5.00"), "NC-2026-00001": D("-22.57")}
    made = report(master, ledger, ReportRequest(Kind.AGING, date(2026, 1, 1), day), tmp_path / "aging.xlsx", lang="it")
    assert {(r.document, r.bucket, r.amount) for r in made.data.itertuples() if r.amount < 0} == {
        ("FT-2026-00001", "overpaid", -500), ("NC-2026-00001", "credit", -2257)}
    sheet = CalamineWorkbook.from_path(str(made.file)).get_sheet_by_name("Report").to_python()
    heads = sheet[4]
    [c001] = [r for r in sheet[5:] if r[0] == "C001"]
    assert D(str(c001[heads.index("Pagato in eccesso")])).quantize(D("0.01")) == D("-5.00")
    assert D(str(c001[heads.index("Note di credito")])).quantize(D("0.01")) == D("-22.57")
