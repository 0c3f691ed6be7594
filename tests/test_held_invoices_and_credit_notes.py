"""Credit notes and the orders created ahead whose immediate invoice waits for its day. Numbered
in the invoices' series (*Serie note di credito* = *Serie fatture*), a note dated after such a
day would leave the held invoice no number in date order, and every later `orders create` and
`ship` refused: it is refused, naming the order and the command that issues the held documents.
In a series of their own (the default, NC) notes never touch the invoices' order, so nothing
waits on them."""

from __future__ import annotations

from datetime import date

import openpyxl
from test_desk_safety import _invoiced_not_shipped
from test_documents_on_their_day import documents, reply
from test_held_credit_notes import sold_what_t018_returns
from test_held_invoices_at_month_end import created_ahead
from test_printing import cli, desk  # noqa: F401  (desk is a fixture)

REASON = "Merce mai spedita"
BEFORE_NOTE = "credit-order-invoice-held"


def share_the_invoice_series(workbook) -> None:
    """Impostazioni › Serie note di credito = the invoices' series, FT."""
    book = openpyxl.load_workbook(workbook)
    sheet = book["Impostazioni"]
    [row] = [r for r in sheet.iter_rows() if r[0].value == "Serie note di credito"]
    row[1].value = "FT"
    book.save(workbook)


def test_a_note_in_the_invoice_series_dated_after_a_held_invoice_is_refused_until_it_is_issued(
        capsys, desk, rome_today):  # noqa: F811
    workbook, url = desk
    share_the_invoice_series(workbook)
    held = created_ahead(capsys, workbook, url, rome_today, "2026-10-29", "2026-10-30")
    _, invoice = _invoiced_not_shipped(url)
    rome_today(date(2026, 11, 2))
    before = documents(url)
    code, out = reply(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--reason", REASON,
                      "--date", "2026-10-31", "--ledger", url)
    assert code == 1 and out["credit_note"] is None and documents(url) == before
    refusals = [p for p in out["problems"] if p["code"] == BEFORE_NOTE]
    number, (customer, _) = next(iter(held.items()))
    waits = {n for n, (c, _) in held.items() if c == "C004"}  # its return no invoice sold waits for its DDT
    assert waits and [n for n in held if any(n in p["message"] for p in refusals)] == [n for n in held if n not in waits]
    message = " ".join(refusals[0]["message"].split())
    assert message.startswith(f"L'ordine {number} del cliente {customer}, creato in anticipo, ha la fattura immediata "
                              "ancora in attesa del suo giorno (30/10/2026), prima della data della nota di credito "
                              "(31/10/2026)"), message
    assert f"«toolkit orders create {workbook} --date 30/10/2026»" in message
    code, said = cli(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--reason", REASON,
                     "--date", "2026-10-31", "--ledger", url, "--lang", "en")
    assert code == 1 and "still has its immediate invoice waiting for its day (30/10/2026)" in " ".join(said.split())
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-30", "--ledger", url)[0] == 0
    code, out = reply(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--reason", REASON,
                      "--date", "2026-10-31", "--ledger", url)
    assert code == 0 and out["credit_note"]["number"].startswith("FT-2026-")
    code, created = reply(capsys, "orders", "create", workbook, "--date", "2026-11-02", "--ledger", url)
    assert code == 0, created["problems"]
    code, shipped = reply(capsys, "ship", workbook, "--date", "2026-11-02", "--all", "--ledger", url)
    assert code == 0 and shipped["documents_due"] == []


def test_a_note_on_the_held_day_leaves_the_held_invoice_its_place(capsys, desk, rome_today):  # noqa: F811
    """Dated the held order's day, the note comes first and the held invoice, of the same day,
    after it: nothing is locked."""
    workbook, url = desk
    share_the_invoice_series(workbook)
    created_ahead(capsys, workbook, url, rome_today, "2026-10-29", "2026-10-30")
    _, invoice = _invoiced_not_shipped(url)
    rome_today(date(2026, 11, 2))
    code, out = reply(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--reason", REASON,
                      "--date", "2026-10-30", "--ledger", url)
    assert code == 0 and out["problems"] == []
    code, created = reply(capsys, "orders", "create", workbook, "--date", "2026-11-02", "--ledger", url)
    assert code == 0 and created["invoices"], created["problems"]


def test_in_their_own_series_notes_wait_only_for_the_held_credit_notes(capsys, desk, rome_today):  # noqa: F811
    """With NC for the notes, the held invoices (FT) never stop a note; an order whose negative
    lines give it a credit note issued at once, in NC, does: that note too waits for its day.
    C004's return T018 has its goods sold on the 21st (T041), so its note has an invoice to cite;
    the invoice credited here is another customer's."""
    workbook, url = desk
    sold_what_t018_returns(workbook)
    rome_today(date(2026, 10, 21))
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-21", "--only", "T041", "--ledger", url)[0] == 0
    held = created_ahead(capsys, workbook, url, rome_today, "2026-10-29", "2026-10-30")
    _, invoice = _invoiced_not_shipped(url, but="C004")
    rome_today(date(2026, 11, 2))
    before = documents(url)
    code, out = reply(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--reason", REASON,
                      "--date", "2026-10-31", "--ledger", url)
    assert code == 1 and documents(url) == before
    refused = {p["message"].split()[1]: " ".join(p["message"].split()) for p in out["problems"]
               if p["code"] == BEFORE_NOTE}
    assert refused and set(refused) < set(held)
    assert all("ha la nota di credito immediata ancora in attesa del suo giorno (30/10/2026)" in m
               and "nella serie NC 2026" in m for m in refused.values())
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-30", "--ledger", url)[0] == 0
    held_notes = {n for n, d in documents(url) if n.startswith("NC-") and d == date(2026, 10, 30)}
    assert held_notes
    code, out = reply(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--reason", REASON,
                      "--date", "2026-10-31", "--ledger", url)
    assert code == 0 and out["credit_note"]["number"] == f"NC-2026-{len(held_notes) + 1:05d}", out["problems"]
    code, created = reply(capsys, "orders", "create", workbook, "--date", "2026-11-02", "--ledger", url)
    assert code == 0, created["problems"]
