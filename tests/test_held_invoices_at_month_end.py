"""Month end and the orders created ahead whose immediate invoice still waits for its day: the
run names them (a warning, exit 0), and refuses to date its invoices after one of them, which
would leave it no number in date order and every later `orders create` and `ship` refused. The
warehouse orders of the month whose DDT alone waits are named too, never refusing the run."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from test_documents_on_their_day import documents, reply
from test_printing import cli, desk  # noqa: F401  (desk is a fixture)

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import document_number, reading

HELD = "invoice-order-invoice-held"
BEFORE_RUN = "invoice-order-invoice-held-before-run"


def created_ahead(capsys, workbook, url, rome_today, today: str, ahead: str) -> dict[str, tuple[str, str]]:
    """`today`'s orders created and issued, then `ahead`'s created today: the orders whose
    invoice waits (not those waiting only for their DDT), by number, with their customer and day."""
    rome_today(date.fromisoformat(today))
    assert cli(capsys, "orders", "create", workbook, "--date", today, "--ledger", url)[0] == 0
    code, out = reply(capsys, "orders", "create", workbook, "--date", ahead, "--ledger", url)
    assert code == 0
    invoice_held = held_invoices(url)
    assert invoice_held and invoice_held <= {row["number"] for row in out["created"] if "documents_on" in row}
    return {row["number"]: (row["customer"], row["documents_on"]) for row in out["created"] if row["number"] in invoice_held}


def held_invoices(url: str) -> set[str]:
    """The numbers of the orders whose immediate invoice waits for their day."""
    o = schema.orders.c
    with reading(open_ledger(url)) as conn:
        return {document_number(s, y, n) for s, y, n in conn.execute(
            select(o.series, o.year, o.number).where(o.documents_held.contains("invoice")))}


def test_a_run_dated_on_the_held_day_names_the_orders_and_exits_0(capsys, tmp_path, desk, rome_today):  # noqa: F811
    workbook, url = desk
    held = created_ahead(capsys, workbook, url, rome_today, "2026-10-30", "2026-10-31")
    rome_today(date(2026, 11, 2))
    code, out = reply(capsys, "invoice", workbook, "--month", "2026-10", "--preview", "--ledger", url)
    assert code == 0 and out["invoices"]
    assert {x["number"]: (x["customer"], x["documents_on"]) for x in out["held_orders"]
            if x["waiting"] == "invoice"} == held
    assert not any(x["blocks_run"] for x in out["held_orders"])
    assert sorted(p["code"] for p in out["problems"] if p["code"] == HELD) == [HELD] * len(held)
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-10", "--out", tmp_path / "fatture", "--ledger", url)
    said = " ".join(said.split())
    number, (customer, _) = next(iter(held.items()))
    assert code == 0 and "Emesso" in said
    assert (f"L'ordine {number} del cliente {customer}, creato in anticipo, ha la fattura immediata in attesa del suo "
            "giorno (31/10/2026): questa fatturazione non la comprende.") in said
    assert "«toolkit orders create» o «toolkit ship»" in said


def test_a_run_dated_after_a_held_invoice_is_refused_until_it_is_issued(capsys, tmp_path, desk, rome_today):  # noqa: F811
    workbook, url = desk
    held = created_ahead(capsys, workbook, url, rome_today, "2026-10-29", "2026-10-30")
    rome_today(date(2026, 11, 2))
    before = documents(url)
    code, out = reply(capsys, "invoice", workbook, "--month", "2026-10", "--out", tmp_path / "fatture", "--ledger", url)
    assert code == 1 and out["run_id"] is None and out["invoices"] == [] and documents(url) == before
    returns = {o["number"] for o in reply(capsys, "orders", "list", workbook, "--ledger", url)[1]["orders"]
               if o["document_type"] == "return"}
    assert returns & set(held), "a customer invoiced at once: C004's return, whose goods no invoice sold"
    blocking = {x["number"]: x["blocks_run"] for x in out["held_orders"] if x["number"] in held}
    assert blocking == {number: True for number in held if number not in returns}, \
        "the return's day issues no note (it waits for the return's DDT): not named (test_held_credit_notes)"
    refusal = next(p["message"] for p in out["problems"] if p["code"] == BEFORE_RUN)
    assert "ha la fattura immediata ancora in attesa del suo giorno (30/10/2026), prima della data dei documenti di " \
           "questa fatturazione (31/10/2026)" in " ".join(refusal.split())
    assert "«toolkit orders create anagrafiche.xlsx --date 30/10/2026»" in refusal
    assert not (tmp_path / "fatture").exists() or not any((tmp_path / "fatture").iterdir())
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-30", "--ledger", url)[0] == 0
    code, out = reply(capsys, "invoice", workbook, "--month", "2026-10", "--out", tmp_path / "fatture", "--ledger", url)
    assert code == 0 and out["run_id"] and out["held_orders"] == []
    code, shipped = reply(capsys, "ship", workbook, "--date", "2026-11-02", "--all", "--ledger", url)
    assert code == 0 and shipped["documents_due"] == []


def test_a_run_for_another_customer_names_no_held_order(capsys, desk, rome_today):  # noqa: F811
    workbook, url = desk
    held = created_ahead(capsys, workbook, url, rome_today, "2026-10-30", "2026-10-31")
    rome_today(date(2026, 11, 2))
    code, out = reply(capsys, "invoice", workbook, "--month", "2026-10", "--preview", "--customer", "C001",
                      "--ledger", url)
    assert "C001" not in {customer for customer, _ in held.values()}
    assert code == 0 and out["held_orders"] == [] and not any(p["code"] == HELD for p in out["problems"])


def test_a_warehouse_order_whose_ddt_waits_is_named_and_never_blocks(capsys, tmp_path, desk, rome_today):  # noqa: F811
    """Its goods are not shipped on record, so the run has nothing of it to invoice; but the desk
    may have forgotten to ship it: named with its own reason, exit 0. Shipped (the DDT dated its
    day), a second run of the month invoices it."""
    workbook, url = desk
    rome_today(date(2026, 10, 29))
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-29", "--ledger", url)[0] == 0
    code, out = reply(capsys, "orders", "create", workbook, "--date", "2026-10-30", "--ledger", url)
    invoice_held = held_invoices(url)
    ddt_held = {row["number"]: (row["customer"], row["documents_on"]) for row in out["created"]
                if "documents_on" in row and row["number"] not in invoice_held}
    assert code == 0 and ddt_held
    rome_today(date(2026, 11, 2))
    code, out = reply(capsys, "invoice", workbook, "--month", "2026-10", "--date", "2026-10-30", "--preview",
                      "--ledger", url)
    assert code == 0, out["problems"]
    named = [x for x in out["held_orders"] if x["waiting"] == "ddt"]
    assert {x["number"]: (x["customer"], x["documents_on"]) for x in named} == ddt_held
    assert not any(x["blocks_run"] for x in named)
    assert sum(p["code"] == "invoice-order-ddt-held" for p in out["problems"]) == len(ddt_held)
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-10", "--date", "2026-10-30", "--out",
                     tmp_path / "fatture", "--ledger", url)
    said = " ".join(said.split())
    number, (customer, _) = next(iter(ddt_held.items()))
    assert code == 0 and (f"L'ordine {number} del cliente {customer}, creato in anticipo, ha il DDT in attesa del suo "
                          "giorno (30/10/2026): la merce non risulta spedita e questa fatturazione non la comprende.") \
        in said, said
    code, shipped = reply(capsys, "ship", workbook, "--date", "2026-11-02", "--all", "--ledger", url)
    assert code == 0 and set(ddt_held) <= set(shipped["documents_due"])
    code, again = reply(capsys, "invoice", workbook, "--month", "2026-10", "--preview", "--ledger", url)
    assert code == 0 and again["held_orders"] == []
    issued = {d["customer"] for d in shipped["shipped"] if d["date"] == "2026-10-30" and set(d["orders"]) & set(ddt_held)}
    invoiced, waiting = {x["customer"] for x in again["invoices"]}, {x["customer"] for x in again["pending"]}
    assert issued & invoiced and issued <= invoiced | waiting, "a «Non fatturare» customer's DDT waits as ever"
