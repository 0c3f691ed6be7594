"""The shipping verbs from the command line: `ship` (JSON, --quantities, --force, --out) and `production`."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import typer
from sqlalchemy import select
from test_shipping import shipping_master, shipping_sheets, write_book
from typer.testing import CliRunner

from toolkit.cli import orders, shipping
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading
from toolkit.ledger.orders import load_orders
from toolkit.services.orders import create

DAY = date(2026, 4, 9)


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    shipping.register(app)
    return app


def setup(tmp_path, ledger_url, **options):
    """A master workbook on disk and its orders of 9 April in the ledger; the order numbers by template."""
    workbook = write_book(tmp_path / "anagrafiche.xlsx", shipping_sheets(**options))
    ledger = open_ledger(ledger_url)
    create(shipping_master(**options), ledger, DAY, with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        numbers = {o.template: o.number for o in load_orders(conn)}
    return workbook, ledger, numbers


def run(app, *args) -> tuple[int, dict | str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    try:
        return result.exit_code, json.loads(result.output)
    except json.JSONDecodeError:
        return result.exit_code, result.output


def test_ship_all_with_json_and_the_ddt_workbook(tmp_path, ledger_url, app):
    workbook, ledger, numbers = setup(tmp_path, ledger_url)
    code, out = run(app, "ship", workbook, "--date", "09/04/2026", "--all", "--json", "--out", tmp_path / "ddt.xlsx",
                    "--ledger", ledger_url)
    assert code == 0
    assert [{k: s[k] for k in ("ddt", "customer", "orders", "lines")} for s in out["shipped"]] == [
        {"ddt": "DDT-2026-00001", "customer": "C001", "orders": [numbers["T001"]], "lines": 2},
        {"ddt": "DDT-2026-00002", "customer": "C002", "orders": [numbers["T003"]], "lines": 1}]
    assert out["held"] == [] and [p["code"] for p in out["problems"]] == ["stock-not-checked"]
    assert out["workbook"] == str(tmp_path / "ddt.xlsx")
    assert openpyxl.load_workbook(tmp_path / "ddt.xlsx").sheetnames == ["DDT-2026-00001", "DDT-2026-00002"]
    ledger.engine.dispose()


def test_partial_shipments_from_a_csv_then_a_workbook(tmp_path, ledger_url, app):
    workbook, ledger, numbers = setup(tmp_path, ledger_url)
    first = numbers["T001"]
    (tmp_path / "quantita.csv").write_bytes(f"Ordine;Articolo;Quantità\n{first};A001;7\n".encode("cp1252"))
    code, out = run(app, "ship", workbook, "--date", "2026-04-09", "--quantities", tmp_path / "quantita.csv", "--json",
                    "--ledger", ledger_url)
    assert code == 0 and [(s["ddt"], s["lines"]) for s in out["shipped"]] == [("DDT-2026-00001", 1)]
    write_book(tmp_path / "rest.xlsx", {"Sheet": [["Order", "Line", "Quantity"], [first, 1, 3], [first, 2, 24]]})
    code, out = run(app, "ship", workbook, "--date", "2026-04-09", "--quantities", tmp_path / "rest.xlsx", "--json",
                    "--ledger", ledger_url)
    assert code == 0 and out["completed"] == [first]
    dl = schema.delivery_lines.c
    with reading(ledger) as conn:
        assert conn.execute(select(dl.quantity).order_by(dl.id)).scalars().all() == [Decimal(7), Decimal(3), Decimal(24)]
    ledger.engine.dispose()


def test_quantities_saved_as_excel_unicode_text_are_read(tmp_path, ledger_url, app):
    """Excel's «Testo Unicode (*.txt)» is UTF-16 with tabs: its header read as garbage, the
    file was refused as lacking its columns."""
    workbook, ledger, numbers = setup(tmp_path, ledger_url)
    (tmp_path / "quantita.txt").write_bytes(f"Ordine\tArticolo\tQuantità\r\n{numbers['T001']}\tA001\t7,5\r\n"
                                            .encode("utf-16"))
    code, out = run(app, "ship", workbook, "--date", "2026-04-09", "--quantities", tmp_path / "quantita.txt", "--json",
                    "--ledger", ledger_url)
    assert code == 0, out
    with reading(ledger) as conn:
        assert conn.execute(select(schema.delivery_lines.c.quantity)).scalars().all() == [Decimal("7.5")]
    ledger.engine.dispose()


def test_a_quantities_cell_whose_value_is_not_known_is_refused_at_its_cell(tmp_path, ledger_url, app):
    """A quantity `=2+3` saved without its value (openpyxl), or #N/A, was read as empty: «Quantità
    “” non valida», and a row of formulas alone was left out without a word."""
    workbook, ledger, numbers = setup(tmp_path, ledger_url)
    first = numbers["T001"]
    write_book(tmp_path / "q.xlsx", {"Q": [["Ordine", "Articolo", "Quantità"], [first, "A001", "=2+3"],
                                           [first, "A002", "#N/A"], ['="OC"', '="A001"', "=1"], [first, "A001", 1]]})
    code, out = run(app, "ship", workbook, "--date", "2026-04-09", "--quantities", tmp_path / "q.xlsx", "--json",
                    "--ledger", ledger_url)
    assert code == 1 and out["shipped"] == []
    assert [(p["code"], p["cell"]) for p in out["problems"] if p["severity"] == "error"] == [
        ("cell-formula-not-computed", "C2"), ("cell-error-value", "C3"), ("cell-formula-not-computed", "A4"),
        ("cell-formula-not-computed", "B4"), ("cell-formula-not-computed", "C4")]
    with reading(ledger) as conn:
        assert conn.execute(select(schema.deliveries)).all() == []
    ledger.engine.dispose()


def test_quantities_against_complete_lines_still_make_the_ddt_and_warn(tmp_path, ledger_url, app):
    workbook, ledger, numbers = setup(tmp_path, ledger_url, terms="Riga completa")
    first = numbers["T001"]
    (tmp_path / "q.csv").write_text(f"Ordine;Articolo;Quantità\n{first};A001;2\n", encoding="utf-8")
    code, out = run(app, "ship", workbook, "--date", "2026-04-09", "--quantities", tmp_path / "q.csv", "--json",
                    "--ledger", ledger_url)
    assert code == 0 and [(s["ddt"], s["lines"]) for s in out["shipped"]] == [("DDT-2026-00001", 1)]
    warned = [p for p in out["problems"] if p["code"] == "ship-quantities-override-terms"]
    assert [(p["severity"], p["sheet"], p["cell"]) for p in warned] == [("warning", "Clienti", "K2")]
    assert warned[0]["message"].startswith(f"Ordine {first}, riga 1 (A001), cliente C001: spediti 2 di 10 ")
    assert "«Riga completa»" in warned[0]["message"]
    dl = schema.delivery_lines.c
    with reading(ledger) as conn:
        assert conn.execute(select(dl.quantity)).scalars().all() == [Decimal(2)]
    ledger.engine.dispose()


def test_mistakes_in_the_quantities_file_are_reported_by_cell(tmp_path, ledger_url, app):
    workbook, ledger, numbers = setup(tmp_path, ledger_url)
    (tmp_path / "q.csv").write_text("Ordine,Articolo\nX,A001\n", encoding="utf-8")
    code, out = run(app, "ship", workbook, "--date", "2026-04-09", "--quantities", tmp_path / "q.csv", "--json",
                    "--ledger", ledger_url)
    assert code == 1
    assert [(p["code"], p["workbook"], p["sheet"], p["cell"]) for p in out["problems"]] == [
        ("quantities-bad-header", "q.csv", "q.csv", "A1")]
    (tmp_path / "q.csv").write_text(f"Ordine;Articolo;Quantità\n{numbers['T001']};A001;5\n{numbers['T001']};A002;99\n",
                                    encoding="utf-8")
    code, out = run(app, "ship", workbook, "--date", "2026-04-09", "--quantities", tmp_path / "q.csv", "--json",
                    "--ledger", ledger_url)
    assert code == 1 and out["shipped"] == []
    assert [(p["code"], p["cell"]) for p in out["problems"]] == [("ship-quantity-too-large", "C3")]
    with reading(ledger) as conn:
        assert conn.execute(select(schema.deliveries)).all() == []
    ledger.engine.dispose()


def test_an_unknown_order_or_item_is_reported_at_its_own_cell_of_the_csv(tmp_path, ledger_url, app):
    """The audit's finding 7: both pointed at the quantity (C2) of a sheet named `q`."""
    workbook, ledger, numbers = setup(tmp_path, ledger_url)
    (tmp_path / "q.csv").write_text(f"Ordine,Articolo,Quantità\nOC-2026-00009,A001,1\n{numbers['T001']},A999,1\n",
                                    encoding="utf-8")
    code, out = run(app, "ship", workbook, "--date", "2026-04-09", "--quantities", tmp_path / "q.csv", "--json",
                    "--ledger", ledger_url)
    assert code == 1 and out["shipped"] == []
    assert [(p["code"], p["sheet"], p["cell"]) for p in out["problems"]] == [
        ("ship-unknown-order", "q.csv", "A2"), ("ship-unknown-line", "q.csv", "B3")]
    assert out["problems"][0]["message"] == (
        "L'ordine OC-2026-00009 non esiste nel registro: controlla il numero (gli ordini registrati: "
        "toolkit orders list).")
    ledger.engine.dispose()


def test_credit_limit_then_force_from_the_command_line(tmp_path, ledger_url, app):
    workbook, ledger, numbers = setup(tmp_path, ledger_url, credit_limit=100)
    args = ["ship", workbook, "--date", "2026-04-09", "--orders", numbers["T001"], "--json", "--ledger", ledger_url]
    code, out = run(app, *args)
    assert code == 0 and out["shipped"] == []
    assert [(h["order"], h["reason"]) for h in out["held"]] == [(numbers["T001"], "credit-limit-exceeded")]
    assert [(p["code"], p["severity"], p["sheet"], p["cell"]) for p in out["problems"]] == [
        ("credit-limit-exceeded", "warning", "Clienti", "J2")]
    assert "esposizione 215,00" in out["problems"][0]["message"] and "fido 100,00" in out["problems"][0]["message"]

    code, out = run(app, *args, "--force")
    assert code == 0 and [(s["ddt"], s["forced"]) for s in out["shipped"]] == [("DDT-2026-00001", True)]
    e = schema.events.c
    with reading(ledger) as conn:
        (detail,) = conn.execute(select(e.detail).where(e.action == "shipped")).scalars().all()
        assert conn.execute(select(schema.deliveries.c.forced)).scalars().all() == [1]
    assert detail.startswith(f"C001 {numbers['T001']}; forced: credit limit 100")
    ledger.engine.dispose()


def test_an_order_held_over_the_credit_limit_stays_held_until_force(tmp_path, ledger_url, app):
    """`--all` holds C001 over its limit; the next day keeps it on hold (since 9 April, one
    warning, exit 0), `--replan` plans it again with its message, and `--force` wakes it."""
    workbook, ledger, numbers = setup(tmp_path, ledger_url, credit_limit=100)
    args = ["ship", workbook, "--all", "--json", "--ledger", ledger_url]
    code, out = run(app, *args, "--date", "2026-04-09")
    assert code == 0 and [s["customer"] for s in out["shipped"]] == ["C002"]
    assert [(h["order"], h["reason"], h["since"]) for h in out["held"]] == [
        (numbers["T001"], "credit-limit-exceeded", None)]
    code, out = run(app, *args, "--date", "2026-04-10")
    assert code == 0 and out["shipped"] == []
    assert [(h["order"], h["reason"], h["since"]) for h in out["held"]] == [
        (numbers["T001"], "credit-limit-exceeded", "2026-04-09")]
    assert [(p["code"], p["severity"]) for p in out["problems"]] == [("ship-held-as-before", "warning")]
    assert out["problems"][0]["message"].startswith("Ordini ancora trattenuti come nei giorni precedenti: 1 (il più "
                                                    "vecchio dal 09/04/2026).")
    assert "(toolkit distribution)" in out["problems"][0]["message"]  # it said *(--json)*, no list a desk reads
    code, said = run(app, "distribution", workbook, "--date", "2026-04-10", "--out", tmp_path / "d.xlsx",
                     "--ledger", ledger_url)
    assert code == 0, said
    listed = {c for row in openpyxl.load_workbook(tmp_path / "d.xlsx").active.iter_rows(values_only=True) for c in row}
    assert numbers["T001"] in listed
    code, out = run(app, *args, "--date", "2026-04-10", "--replan")
    assert code == 0 and [p["code"] for p in out["problems"]] == ["credit-limit-exceeded"]
    assert [h["since"] for h in out["held"]] == [None]
    code, out = run(app, "ship", workbook, "--orders", numbers["T003"], "--replan", "--date", "2026-04-10",
                    "--ledger", ledger_url)
    assert code == 2 and "--replan" in out
    code, out = run(app, *args, "--date", "2026-04-10", "--force")
    assert code == 0 and [(s["customer"], s["forced"]) for s in out["shipped"]] == [("C001", True)]
    assert out["held"] == []
    with reading(ledger) as conn:
        assert conn.execute(select(schema.holds)).all() == []
    ledger.engine.dispose()


def test_a_date_after_today_stops_unless_future_is_given(tmp_path, ledger_url, app, rome_today):
    workbook, ledger, numbers = setup(tmp_path, ledger_url)
    rome_today(date(2026, 4, 8))
    code, out = run(app, "ship", workbook, "--date", "2026-04-09", "--all", "--ledger", ledger_url)
    assert code == 1 and "DDT emessi: 0" in out
    assert "La data del DDT 09/04/2026 è successiva a oggi (08/04/2026)" in out and "--future" in out
    code, out = run(app, "ship", workbook, "--date", "2026-04-09", "--all", "--force", "--json", "--ledger", ledger_url)
    assert code == 1 and [p["code"] for p in out["problems"]] == ["ddt-date-in-future"] and out["shipped"] == []
    with reading(ledger) as conn:
        assert conn.execute(select(schema.deliveries)).all() == []
    code, out = run(app, "ship", workbook, "--date", "2026-04-09", "--all", "--future", "--json", "--ledger", ledger_url)
    assert code == 0 and [s["ddt"] for s in out["shipped"]] == ["DDT-2026-00001", "DDT-2026-00002"]
    ledger.engine.dispose()


def test_human_output_and_choices(tmp_path, ledger_url, app):
    workbook, ledger, numbers = setup(tmp_path, ledger_url)
    code, out = run(app, "ship", workbook, "--date", "2026-04-09", "--orders", numbers["T004"], "--ledger", ledger_url)
    assert code == 0 and "DDT emessi: 0, ordini trattenuti: 1." in out
    assert f"L'ordine {numbers['T004']} è un preventivo: non si spedisce" in out
    code, _ = run(app, "ship", workbook, "--date", "2026-04-09", "--orders", numbers["T001"], "--all", "--ledger", ledger_url)
    assert code == 2
    code, out = run(app, "ship", workbook, "--date", "2026-04-09", "--ledger", ledger_url, "--json")
    assert code == 1 and [p["code"] for p in out["problems"]] == ["ship-nothing-selected"]
    ledger.engine.dispose()


def test_production_command(tmp_path, ledger_url, app):
    workbook, ledger, numbers = setup(tmp_path, ledger_url)
    code, out = run(app, "production", workbook, "--date", "2026-04-09", "--out", tmp_path / "prod.xlsx",
                    "--ledger", ledger_url, "--lang", "en")
    assert code == 0 and out.strip() == str(tmp_path / "prod.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "prod.xlsx").worksheets[0]
    assert sheet.title == "Production list"
    assert [(r[0], r[3]) for r in sheet.iter_rows(min_row=5, values_only=True)] == [("A001", 10), ("A002", 30)]
    ledger.engine.dispose()


def test_goods_shipped_and_not_yet_invoiced_count_against_the_credit_limit(tmp_path, ledger_url, app):
    """C001 (limit 300) receives T001's 215.00 on Thursday 9 April, to be invoiced at month end:
    the preview of Monday 13 April shows it waiting to be invoiced and 85.00 available, and
    Monday's second 215.00 is held for credit, the message naming what shipped and is not yet
    invoiced. Counting only open invoices and orders still to ship, Monday's order shipped too
    (the audit's customer received 2,830 € on a 300 € limit in a month)."""
    orders.register(app)
    workbook, ledger, numbers = setup(tmp_path, ledger_url, credit_limit=300)
    code, out = run(app, "ship", workbook, "--all", "--date", "2026-04-09", "--json", "--ledger", ledger_url)
    assert code == 0 and [s["customer"] for s in out["shipped"]] == ["C001", "C002"]
    code, out = run(app, "orders", "preview", workbook, "--date", "2026-04-13", "--json", "--ledger", ledger_url)
    position = out["customers"]["C001"]
    assert {k: position[k] for k in ("unshipped", "uninvoiced", "outstanding", "credit_limit", "headroom")} == {
        "unshipped": "0.00", "uninvoiced": "215.00", "outstanding": "0", "credit_limit": "300", "headroom": "85.00"}
    create(shipping_master(credit_limit=300), ledger, date(2026, 4, 13), with_catch_up=False, lang="it")
    code, out = run(app, "ship", workbook, "--all", "--date", "2026-04-13", "--json", "--ledger", ledger_url)
    assert code == 0 and [s["customer"] for s in out["shipped"]] == ["C002"]
    assert [h["reason"] for h in out["held"]] == ["credit-limit-exceeded"]
    (message,) = [p["message"] for p in out["problems"] if p["code"] == "credit-limit-exceeded"]
    assert message.startswith("Cliente C001: esposizione 430,00 (fatture aperte 0,00 + spedito da fatturare 215,00 "
                              "+ ordinato da spedire 215,00) oltre il fido 300,00")
    ledger.engine.dispose()
