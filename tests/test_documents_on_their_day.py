"""Tomorrow's orders created today: every order is stored, and the DDTs and invoices issued at
once wait for their day, when `orders create` or `ship` of that day issues them, once."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select
from test_printing import cli, desk  # noqa: F401  (desk is a fixture)

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import document_number, reading

TODAY, TOMORROW = date(2026, 10, 1), date(2026, 10, 2)


def reply(capsys, *args) -> tuple[int, dict]:
    code, said = cli(capsys, *args, "--json")
    return code, json.loads(said)


def documents(url: str) -> list[tuple[str, date]]:
    """Every invoice and DDT in the ledger: its number and date, in the order they were stored."""
    with reading(open_ledger(url)) as conn:
        found = []
        for table, day in ((schema.invoices, schema.invoices.c.invoice_date),
                           (schema.deliveries, schema.deliveries.c.delivery_date)):
            c = table.c
            found += [(document_number(s, y, n), d) for s, y, n, d in
                      conn.execute(select(c.series, c.year, c.number, day).order_by(c.id))]
    return found


@pytest.fixture
def ahead(capsys, desk, rome_today):  # noqa: F811
    """Today's orders created and issued, then tomorrow's created today."""
    rome_today(TODAY)
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", TODAY, "--ledger", url)[0] == 0
    today = documents(url)
    code, out = reply(capsys, "orders", "create", workbook, "--date", TOMORROW, "--ledger", url)
    return workbook, url, today, code, out


def test_tomorrows_orders_are_all_created_today_and_no_document_is_dated_tomorrow(ahead):
    workbook, url, today, code, out = ahead
    assert code == 0 and out["problems"] == []
    assert out["ddts"] == [] and out["invoices"] == [] and documents(url) == today
    waiting = [row for row in out["created"] if "documents_on" in row]
    assert [row["template"] for row in waiting] == ["T004", "T008", "T011"]
    assert {row["documents_on"] for row in waiting} == {"2026-10-02"}
    assert {row["template"] for row in out["created"]} > {row["template"] for row in waiting}


def test_the_next_days_create_issues_exactly_the_held_documents_after_todays_and_a_rerun_nothing(
        capsys, ahead, rome_today):
    workbook, url, today, _, created = ahead
    held = sorted(row["number"] for row in created["created"] if "documents_on" in row)
    rome_today(TOMORROW)
    code, out = reply(capsys, "orders", "create", workbook, "--date", TOMORROW, "--ledger", url)
    assert code == 0 and out["created"] == [] and sorted(out["documents_due"]) == held
    issued = [document for document in documents(url) if document not in today]
    assert issued and {day for _, day in issued} == {TOMORROW}
    assert sorted(out["invoices"] + out["ddts"]) == sorted(number for number, _ in issued)
    last_of_today = max(number for number, day in documents(url) if number.startswith("FT") and day == TODAY)
    assert all(number > last_of_today for number in out["invoices"])
    before = documents(url)
    code, again = reply(capsys, "orders", "create", workbook, "--date", TOMORROW, "--ledger", url)
    assert (code, again["created"], again["documents_due"], again["invoices"], again["ddts"]) == (0, [], [], [], [])
    assert documents(url) == before


def test_a_ship_on_the_day_issues_the_held_documents_first(capsys, ahead, rome_today):
    workbook, url, today, _, created = ahead
    held = sorted(row["number"] for row in created["created"] if "documents_on" in row)
    rome_today(TOMORROW)
    code, out = reply(capsys, "ship", workbook, "--date", TOMORROW, "--all", "--ledger", url)
    assert code == 0 and sorted(out["documents_due"]) == held
    code, said = cli(capsys, "ship", workbook, "--date", TOMORROW, "--all", "--ledger", url)
    assert code == 0 and "documenti attesi" not in said


def test_a_held_order_is_listed_with_its_day_and_not_shipped_by_hand_before_it(capsys, ahead):
    workbook, url, today, _, created = ahead
    held = next(row["number"] for row in created["created"] if "documents_on" in row)
    code, listed = reply(capsys, "orders", "list", workbook, "--ledger", url)
    assert next(o["documents_on"] for o in listed["orders"] if o["number"] == held) == "2026-10-02"
    code, said = cli(capsys, "ship", workbook, "--date", TODAY, "--orders", held, "--ledger", url)
    assert code == 1 and (f"L'ordine {held} è stato creato in anticipo e il suo DDT o la sua fattura immediati "
                          "attendono il suo giorno (02/10/2026)") in " ".join(said.split())
    assert documents(url) == today


def test_a_held_order_voided_before_its_day_issues_nothing(capsys, ahead, rome_today):
    workbook, url, today, _, created = ahead
    held = [row["number"] for row in created["created"] if "documents_on" in row]
    for number in held:
        assert cli(capsys, "orders", "status", workbook, number, "--to", "voided", "--ledger", url)[0] == 0
    rome_today(TOMORROW)
    code, out = reply(capsys, "orders", "create", workbook, "--date", TOMORROW, "--ledger", url)
    assert (code, out["documents_due"], out["invoices"], out["ddts"]) == (0, [], [], [])


def test_the_preview_shows_the_day_of_the_documents(capsys, ahead):
    workbook, url, today, _, created = ahead
    held = {row["template"] for row in created["created"] if "documents_on" in row}
    code, out = reply(capsys, "orders", "preview", workbook, "--date", TOMORROW, "--ledger", url)
    assert {row["template"] for row in out["orders"] if row["documents_on"] == "2026-10-02"} == held
    code, said = cli(capsys, "orders", "preview", workbook, "--date", TOMORROW, "--ledger", url)
    assert "documenti il 02/10/2026" in said


def test_with_future_the_documents_are_issued_now_dated_tomorrow(capsys, desk, rome_today):  # noqa: F811
    rome_today(TODAY)
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", TODAY, "--ledger", url)[0] == 0
    code, out = reply(capsys, "orders", "create", workbook, "--date", TOMORROW, "--future", "--ledger", url)
    assert code == 0 and out["invoices"] and not any("documents_on" in row for row in out["created"])
    with reading(open_ledger(url)) as conn:
        assert conn.execute(select(func.max(schema.invoices.c.invoice_date))).scalar_one() == TOMORROW


def test_a_month_end_run_leaves_an_order_whose_invoice_waits_and_the_next_ship_issues_it(
        capsys, tmp_path, desk, rome_today):  # noqa: F811
    workbook, url = desk
    rome_today(date(2026, 10, 30))
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-30", "--ledger", url)[0] == 0
    code, created = reply(capsys, "orders", "create", workbook, "--date", "2026-10-31", "--ledger", url)
    waiting = {row["number"] for row in created["created"] if "documents_on" in row}
    assert code == 0 and waiting
    rome_today(date(2026, 11, 2))
    code, run = reply(capsys, "invoice", workbook, "--month", "2026-10", "--out", tmp_path / "fatture", "--ledger", url)
    assert code == 0 and not waiting & invoiced_orders(url)
    code, shipped = reply(capsys, "ship", workbook, "--date", "2026-11-02", "--all", "--ledger", url)
    assert code == 0 and set(shipped["documents_due"]) == waiting and waiting <= invoiced_orders(url)
    assert {x["date"] for x in shipped["invoices"]} == {"2026-10-31"}
    [warned] = [p for p in shipped["problems"] if p["code"] == "numbered-after-draft-run"]  # October's drafts
    assert run["run_id"] in warned["message"] and "toolkit invoice finalize " in warned["message"]


def invoiced_orders(url: str) -> set[str]:
    """The numbers of the orders with a line on an invoice."""
    o, ol, il = schema.orders.c, schema.order_lines.c, schema.invoice_lines.c
    with reading(open_ledger(url)) as conn:
        return {document_number(s, y, n) for s, y, n in conn.execute(
            select(o.series, o.year, o.number).join(schema.order_lines, ol.order_id == o.id)
            .join(schema.invoice_lines, il.order_line_id == ol.id))}


def test_the_panel_shows_the_day_of_the_documents_beside_the_status(capsys, tmp_path, ahead):
    from openpyxl import load_workbook

    workbook, url, today, _, created = ahead
    held = next(row["number"] for row in created["created"] if "documents_on" in row)
    assert cli(capsys, "panel", workbook, "--out", tmp_path / "pannello.xlsx", "--ledger", url)[0] == 0
    rows = {row[0]: row for row in load_workbook(tmp_path / "pannello.xlsx").worksheets[0].iter_rows(values_only=True)}
    assert rows[held][9] == "In corso · documenti il 02/10/2026"


def test_a_held_order_of_a_customer_taken_off_the_sheet_waits_and_the_day_goes_on(capsys, ahead, rome_today):
    """Tomorrow's T004 waits for its documents; its customer is then taken off *Clienti*. The
    day's first `ship` issued the waiting documents first and stopped on an internal error
    (KeyError, exit 3) at every run, so nothing shipped; now that order's documents keep
    waiting, named, and the others are issued and shipped."""
    from desks import without_customer

    workbook, url, today, _, created = ahead
    [gone] = [row for row in created["created"] if row["template"] == "T004"]
    others = sorted(row["number"] for row in created["created"] if "documents_on" in row and row is not gone)
    without_customer(workbook, gone["customer"])
    rome_today(TOMORROW)
    code, out = reply(capsys, "ship", workbook, "--date", TOMORROW, "--all", "--ledger", url)
    assert code == 0 and sorted(out["documents_due"]) == others and others
    [named] = [p for p in out["problems"] if p["code"] == "held-documents-customer-not-in-workbook"]
    assert named["message"].startswith(f"L'ordine {gone['number']} del 02/10/2026, creato in anticipo, ha DDT o "
                                       f"fattura in attesa del suo giorno, ma il cliente {gone['customer']} non è più")
    assert named["message"].endswith(f"oppure annulla l'ordine (toolkit orders status {gone['number']} --to annullato).")
    code, listed = reply(capsys, "orders", "list", workbook, "--ledger", url)
    assert next(o["documents_on"] for o in listed["orders"] if o["number"] == gone["number"]) == "2026-10-02"


def test_a_quantities_file_leaving_a_held_order_at_0_is_not_refused_and_one_shipping_it_is(capsys, ahead, tmp_path):
    """A picking list of the day that writes 0 for tomorrow's order, created ahead: that order
    does not leave, yet the whole file was refused as if it shipped before its day. A quantity
    above 0 for it is still refused, nothing shipped."""
    from toolkit.ledger.orders import load_orders

    workbook, url, today, _, created = ahead
    held = next(row["number"] for row in created["created"] if "documents_on" in row)
    with reading(open_ledger(url)) as conn:
        order = next(o for o in load_orders(conn) if o.number == held)
    picking = tmp_path / "q.csv"
    picking.write_text("".join(["Ordine;Articolo;Quantità\n"] + [f"{held};{ln.item};0\n" for ln in order.lines]),
                       encoding="utf-8")
    code, said = cli(capsys, "ship", workbook, "--date", TODAY, "--quantities", picking, "--ledger", url)
    assert code == 0 and "creato in anticipo" not in said, said
    assert documents(url) == today
    picking.write_text(f"Ordine;Articolo;Quantità\n{held};{order.lines[0].item};1\n", encoding="utf-8")
    code, said = cli(capsys, "ship", workbook, "--date", TODAY, "--quantities", picking, "--ledger", url)
    assert code == 1 and f"{picking.name}!A2: L'ordine {held} è stato creato in anticipo" in " ".join(said.split()), said
    assert documents(url) == today


def test_a_unit_changed_is_warned_once_for_the_held_documents_of_several_days(capsys, desk, rome_today):  # noqa: F811
    """T008's warehouse orders of 2 and 5 October, created on the 1st, hold their DDTs for their
    days; A004, on both, turns from pz to kg on Articoli. The create of the 5th issues both days'
    DDTs, a day at a time, and said `ship-item-unit-changed` at A004's cell once per day, each
    naming one order: once, with both orders."""
    rome_today(TODAY)
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", TODAY, "--ledger", url)[0] == 0
    held = []
    for day in (TOMORROW, date(2026, 10, 5)):
        code, out = reply(capsys, "orders", "create", workbook, "--date", day, "--ledger", url)
        held += [row["number"] for row in out["created"] if row["template"] == "T008" and "documents_on" in row]
    assert code == 0 and len(held) == 2
    book = openpyxl.load_workbook(workbook)
    assert book["Articoli"]["A5"].value == "A004"
    book["Articoli"]["C5"] = "kg"
    book.save(workbook)
    rome_today(date(2026, 10, 5))
    code, out = reply(capsys, "orders", "create", workbook, "--date", date(2026, 10, 5), "--ledger", url)
    assert code == 0 and set(held) <= set(out["documents_due"])
    told = [p for p in out["problems"] if p["code"] == "ship-item-unit-changed"]
    assert [(p["sheet"], p["cell"]) for p in told] == [("Articoli", "C5")]
    assert told[0]["message"].startswith(f"L'articolo A004 ha ora unità «kg», ma gli ordini {', '.join(sorted(held))} "
                                         "lo hanno ordinato in «pz»")
