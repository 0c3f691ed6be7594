"""What an accountant auditing a month found wrong across its documents, each kept from coming back.

A month run from the README's typical day and docs/ (orders every working day, DDTs, the month-end run, credit and debit
notes, the accountants' workbook, the e-invoices, the printed copies, the reports) and read across
its documents: each finding is a figure that differed between two of them, or a message that misled."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal as D

import minimal
from test_credit_returns import APRIL
from test_letter_of_intent_ceiling import APRIL_10, APRIL_20, _deliver, _master, _sheets

from toolkit.basics.money import cents
from toolkit.core.einvoice.deadline import late_immediate
from toolkit.core.invoicing import InvoiceKind, InvoiceStatus, Request
from toolkit.core.vat import vat_summary
from toolkit.intake.validation import check
from toolkit.services.credit_notes import credit
from toolkit.services.debit_notes import debit
from toolkit.services.invoicing import run
from toolkit.writers.accountants import write_vat_register_csv


def test_a_credit_notes_rate_without_vat_has_no_vat_of_minus_zero():
    """A credit note's lines are negative; at 0 % their VAT, -15,86 × 0, rounded to cents was
    Decimal('-0.00'), a negative zero that every writer then printed as it is."""
    [row] = vat_summary([(D("-15.86"), D(0), "N3.5")])
    assert str(row.vat) == "0.00"
    assert str(cents(D("-0.004"))) == "0.00"


def test_the_vat_register_csv_books_a_note_on_an_invoice_under_a_letter_of_intent_at_zero_vat(ledger, tmp_path):
    """`registro-iva-*.csv` gave the N3.5 row of a credit note an *Imposta* of «-0,00», which no
    other document of the month showed (the register's 0,00, the XML's 0.00): an import reads a
    sign where there is none."""
    books = _master(90)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    [april] = [x for x in run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it").invoices
               if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    done = credit(ledger, books, april.number, ((2, D(1)),), "Merce difettosa", date(2026, 5, 5), date(2026, 5, 5), lang="it")
    assert done.note is not None
    path = write_vat_register_csv(tmp_path / "registro-iva-2026-05.csv", books, [done.note])
    with open(path, encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f, delimiter=";"))
    [row] = [r for r in rows if r[header.index("Natura")] == "N3.5"]
    assert (row[header.index("Imponibile")], row[header.index("Imposta")]) == ("-18,50", "0,00")


def test_several_immediate_invoices_of_one_day_past_their_twelve_days_are_said_in_the_plural():
    """`orders create` catching up 2 November on 6 December warned *4 fatture immediate (…),
    datata 02/11/2026, sono oltre il termine*: the date agreed with one invoice, the verb with
    four. Four invoices of one day are *datate 02/11/2026*; one is still *datata*."""
    day, today = date(2026, 11, 2), date(2026, 12, 6)
    [four] = late_immediate({f"FT-2026-0000{n}": day for n in range(1, 5)}, today, written=False)
    [one] = late_immediate({"FT-2026-00001": day}, today, written=False)
    assert "), datate 02/11/2026, sono oltre il termine" in four.message("it"), four.message("it")
    assert "), datata 02/11/2026, è oltre il termine" in one.message("it"), one.message("it")
    assert "), dated 02/11/2026, are past the deadline" in four.message("en"), four.message("en")


def test_a_debit_note_after_the_revocation_on_an_invoice_of_both_natures_asks_for_a_rate_it_can_take(ledger):
    """C002's letter is revoked from 15 April: April's invoice bills the 10th's coffee and milk
    without VAT (N3.5) and the 20th's at 22 and 4 %. A debit note of 5 May on it without --rate
    was refused *ha più aliquote (N3.5, 22, 4): … (es. --rate N3.5)*, and `--rate N3.5` was then
    refused again, the letter being revoked: the first refusal is the revocation's, naming the
    goods' rates a note of that day can take."""
    s = _sheets(90)
    s["Righe modello"] += [["T010", "A002", 10, None, None], ["T020", "A002", 10, None, None]]
    minimal.set_cell(s, "Clienti", "R1", "Dichiarazione d'intento revocata dal")
    minimal.set_cell(s, "Clienti", "R3", date(2026, 4, 15))
    books = check(minimal.workbook(s)).master
    assert books is not None
    _deliver(books, ledger, APRIL_10, APRIL_20)
    [april] = [x for x in run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it").invoices
               if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    assert {line.vat_nature or str(line.vat_rate.normalize()) for line in april.lines} >= {"N3.5", "22", "4"}
    done = debit(ledger, books, april.number, D(100), None, "Trasporto", date(2026, 5, 5), date(2026, 5, 5), lang="it")
    assert done.note is None
    [refused] = done.problems
    assert refused.code == "letter-of-intent-debit-after-end-rates", refused.message("it")
    assert "--rate N3.5" not in refused.message("it")


def test_a_note_without_vat_is_not_said_vat_included(ledger):
    """`invoice credit` and `invoice debit` on C002's April invoice, sold without VAT on its letter
    of intent (N3.5), answered *18,50 € IVA inclusa*: a note with no VAT is *senza IVA*."""
    books = _master(90)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    [april] = [x for x in run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it").invoices
               if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    credited = credit(ledger, books, april.number, ((2, D(1)),), "Merce difettosa", date(2026, 5, 5), date(2026, 5, 5), lang="it")
    debited = debit(ledger, books, april.number, D(10), "N3.5", "Trasporto", date(2026, 5, 5), date(2026, 5, 5), lang="it")
    assert credited.note is not None and debited.note is not None, (credited.problems, debited.problems)
    assert credited.summary("it").endswith(f"su {april.number}: 18,50 € senza IVA."), credited.summary("it")
    assert credited.summary("en").endswith(f"on {april.number}: €18.50 without VAT."), credited.summary("en")
    assert debited.summary("it").endswith(f"su {april.number}: 10,00 € senza IVA."), debited.summary("it")
    assert debited.summary("en").endswith(f"on {april.number}: €10.00 without VAT."), debited.summary("en")
