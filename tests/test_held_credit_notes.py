"""Credit notes issued at once, held for their order's day, and the credit notes that month end
and `discounts settle` issue in the same series (NC). The sample's C004 is invoiced at once and
sends goods back on the month's last working day (T018); here it bought them on the 21st (a
template T041 added, invoiced with its order), so the return's credit note has an invoice to cite
and is issued with its order: created ahead, it waits for its day. A month-end run crediting
another customer's return, or a volume discount's settlement, dated after that day would leave
the waiting note no number in date order and every later `orders create` and `ship` refused:
refused, naming the order and the command that issues it. Invoices alone (FT) never touch it."""

from __future__ import annotations

from datetime import date

import openpyxl
from test_documents_on_their_day import documents, reply
from test_held_invoices_at_month_end import BEFORE_RUN, held_invoices
from test_printing import cli, desk  # noqa: F401  (desk is a fixture)

from toolkit.core.invoicing import InvoiceKind
from toolkit.ledger import open_ledger
from toolkit.ledger.db import reading
from toolkit.ledger.invoices import load_invoices

BEFORE_SETTLEMENT = "discount-order-invoice-held"


def sold_what_t018_returns(workbook) -> None:
    """C004 buys on the 21st of each month (T041) the goods T018 gives back: invoiced with its
    order, that invoice is the one the return's credit note cites. Without it no invoice sold
    them and the note waits for the return's DDT (`return-waits-for-ddt`), not for its day."""
    book = openpyxl.load_workbook(workbook)
    templates, lines = book["Modelli ordine"], book["Righe modello"]
    [t018] = [[c.value for c in row] for row in templates.iter_rows(min_row=2) if row[0].value == "T018"]
    templates.append(["T041", "C004", None, None, "Mensile giorno", None, None, 21, None, None, t018[10], None,
                      "Giorno successivo", *t018[13:16], "Ordine standard", *t018[17:]])
    for row in [[c.value for c in row] for row in lines.iter_rows(min_row=2) if row[0].value == "T018"]:
        lines.append(["T041", *row[1:]])
    book.save(workbook)


def held_return(capsys, workbook, url, rome_today) -> str:
    """21 and 29 October created and shipped (C027's return among them, which month end credits,
    and C004's purchase of the goods it gives back, invoiced at once); on the 29th, C004's return
    of the 30th created ahead, alone: its credit note, citing that invoice, waits. Its number."""
    sold_what_t018_returns(workbook)
    for day in ("2026-10-21", "2026-10-29"):
        rome_today(date.fromisoformat(day))
        assert cli(capsys, "orders", "create", workbook, "--date", day, "--ledger", url)[0] == 0
        assert cli(capsys, "ship", workbook, "--date", day, "--all", "--ledger", url)[0] == 0
    code, out = reply(capsys, "orders", "create", workbook, "--date", "2026-10-30", "--only", "T018", "--ledger", url)
    [number] = [row["number"] for row in out["created"]]
    assert code == 0 and held_invoices(url) == {number}
    return number


def notes(url: str) -> list[tuple[str, date]]:
    return [(n, d) for n, d in documents(url) if n.startswith("NC-")]


def test_a_run_crediting_a_return_after_a_held_credit_note_is_refused_until_it_is_issued(
        capsys, tmp_path, desk, rome_today):  # noqa: F811
    workbook, url = desk
    number = held_return(capsys, workbook, url, rome_today)
    rome_today(date(2026, 11, 2))
    before = documents(url)
    run = ("invoice", workbook, "--month", "2026-10", "--customer", "C027", "--date", "2026-10-31", "--ledger", url)
    code, out = reply(capsys, *run, "--out", tmp_path / "fatture")
    assert code == 1 and out["run_id"] is None and documents(url) == before
    assert not (tmp_path / "fatture").exists() or not any((tmp_path / "fatture").iterdir())
    assert [(x["number"], x["customer"], x["blocks_run"], x["waiting"]) for x in out["held_orders"]] == [
        (number, "C004", True, "credit_note")]
    [refusal] = [" ".join(p["message"].split()) for p in out["problems"] if p["code"] == BEFORE_RUN]
    assert refusal.startswith(f"L'ordine {number} del cliente C004, creato in anticipo, ha la nota di credito "
                              "immediata ancora in attesa del suo giorno (30/10/2026), prima della data dei documenti "
                              "di questa fatturazione (31/10/2026)"), refusal
    assert "nella serie NC 2026" in refusal and "«toolkit orders create anagrafiche.xlsx --date 30/10/2026»" in refusal
    code, said = cli(capsys, *run, "--preview", "--lang", "en")
    assert code == 1 and (f"Order {number} of customer C004, created ahead, still has its immediate credit note "
                          "waiting for its day (30/10/2026), before the date of this run's documents (31/10/2026)"
                          ) in " ".join(said.split())

    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-30", "--ledger", url)[0] == 0
    [(held, _)] = [(n, d) for n, d in notes(url) if d == date(2026, 10, 30)]
    code, out = reply(capsys, *run, "--out", tmp_path / "fatture")
    assert code == 0 and out["held_orders"] == [], out["problems"]
    assert [(x["kind"], x["number"] > held) for x in out["invoices"]] == [("credit-note", True)]


def test_a_run_of_invoices_alone_leaves_a_held_credit_note_its_place(capsys, tmp_path, desk, rome_today):  # noqa: F811
    """The run's invoices are numbered in FT: the note waiting in NC keeps its place, and its day
    issues it after the run."""
    workbook, url = desk
    number = held_return(capsys, workbook, url, rome_today)
    rome_today(date(2026, 11, 2))
    code, out = reply(capsys, "invoice", workbook, "--month", "2026-10", "--customer", "C020", "--date", "2026-10-31",
                      "--out", tmp_path / "fatture", "--ledger", url)
    assert code == 0 and out["run_id"] and out["held_orders"] == [], out["problems"]
    assert {x["kind"] for x in out["invoices"]} == {"invoice"}
    code, out = reply(capsys, "invoice", workbook, "--month", "2026-10", "--customer", "C004", "--date", "2026-10-31",
                      "--preview", "--ledger", url)
    assert [(x["number"], x["blocks_run"], x["waiting"]) for x in out["held_orders"]] == [
        (number, False, "credit_note")], "named, not blocking: its credit note waits, not an invoice"
    code, created = reply(capsys, "orders", "create", workbook, "--date", "2026-10-30", "--only", "T018",
                          "--ledger", url)
    assert code == 0, created["problems"]
    assert held_invoices(url) == set() and [d for _, d in notes(url)] == [date(2026, 10, 30)], number
    with reading(open_ledger(url)) as conn:
        [note] = [x for x in load_invoices(conn) if x.kind is InvoiceKind.CREDIT_NOTE]
        [sale] = [x for x in load_invoices(conn) if x.customer == "C004" and x.kind is InvoiceKind.INVOICE]
    assert [c.number for c in note.cites] == [sale.number] and sale.invoice_date == date(2026, 10, 21)


def test_discounts_settle_after_a_held_credit_note_is_refused_until_it_is_issued(
        capsys, tmp_path, desk, rome_today):  # noqa: F811
    """Volume discount notes are numbered in NC too: settled after the held note's day, they are
    refused as a month-end run is, naming the command that issues it; nothing is stored or written."""
    workbook, url = desk
    book = openpyxl.load_workbook(workbook)
    book["Sconti volume"]["I4"] = 10
    book.save(workbook)
    number = held_return(capsys, workbook, url, rome_today)
    rome_today(date(2026, 11, 3))
    code, out = reply(capsys, "invoice", workbook, "--month", "2026-10", "--date", "2026-10-30", "--final",
                      "--out", tmp_path / "fatture", "--ledger", url)
    assert code == 0 and out["run_id"], out["problems"]
    before = documents(url)
    settle = ("discounts", "settle", workbook, "--period", "2026-10", "--date", "2026-10-31", "--ledger", url)
    code, out = reply(capsys, *settle, "--out", tmp_path / "sconti")
    assert code == 1 and out["settlements"] == [] and documents(url) == before
    assert not (tmp_path / "sconti").exists() or not any((tmp_path / "sconti").iterdir())
    [refusal] = [" ".join(p["message"].split()) for p in out["problems"] if p["code"] == BEFORE_SETTLEMENT]
    assert refusal.startswith(f"L'ordine {number} del cliente C004, creato in anticipo, ha la nota di credito "
                              "immediata ancora in attesa del suo giorno (30/10/2026), prima della data delle note di "
                              "credito degli sconti volume (31/10/2026)"), refusal
    assert f"«toolkit orders create {workbook} --date 30/10/2026»" in refusal and "poi liquida di nuovo" in refusal
    code, said = cli(capsys, *settle, "--lang", "en")
    assert code == 1 and "then settle the discounts again" in " ".join(said.split())
    assert documents(url) == before

    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-30", "--ledger", url)[0] == 0
    code, out = reply(capsys, *settle, "--out", tmp_path / "sconti")
    assert code == 0 and out["settlements"], out["problems"]
    assert any(s["credit_note"] for s in out["settlements"])
