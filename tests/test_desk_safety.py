"""A sales desk's slips the toolkit stops or lets the desk undo, through the command line:
an order date typed a year ahead, an invoiced order voided, a payment typed wrong."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select
from test_printing import cli, desk, numbers  # noqa: F401  (desk is a fixture)

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading

TODAY = date(2026, 10, 1)


def count(url: str, table) -> int:
    with reading(open_ledger(url)) as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def reply(capsys, *args) -> tuple[int, dict]:
    code, said = cli(capsys, *args, "--json")
    return code, json.loads(said)


@pytest.fixture
def today(desk, rome_today):  # noqa: F811
    rome_today(TODAY)
    return desk


def test_an_order_date_a_year_ahead_is_refused_as_a_typo_unless_future(capsys, today):
    workbook, url = today
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-01", "--ledger", url)[0] == 0
    orders, invoices = count(url, schema.orders), count(url, schema.invoices)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2027-10-02", "--ledger", url)
    assert code == 1
    assert ("La data degli ordini 02/10/2027 è più di 31 giorni dopo oggi (01/10/2026): sembra un errore di "
            "battitura, nessun ordine è stato creato. Correggi la data; se è proprio voluta, aggiungi --future."
            in " ".join(said.split()))
    assert (count(url, schema.orders), count(url, schema.invoices)) == (orders, invoices)
    code, out = reply(capsys, "orders", "preview", workbook, "--date", "2027-10-02", "--ledger", url)
    assert code == 0 and "order-date-far-ahead-preview" in [p["code"] for p in out["problems"]]
    code, out = reply(capsys, "orders", "create", workbook, "--date", "2026-11-01", "--exclude", _at_once(capsys, today),
                      "--ledger", url)
    assert code == 0 and out["created"] and out["invoices"] == [] and out["ddts"] == []


def _at_once(capsys, desk) -> str:  # noqa: F811
    """The templates whose orders are invoiced or shipped at once up to 01/11/2026, as the refusal names them."""
    workbook, url = desk
    code, out = reply(capsys, "orders", "create", workbook, "--date", "2026-11-01", "--ledger", url)
    assert code == 1 and [p["code"] for p in out["problems"] if p["severity"] == "error"] == [
        "documents-at-order-in-future"]
    return out["problems"][-1]["message"].split("--exclude ")[1].split(")")[0]


def test_orders_invoiced_at_once_are_not_created_after_today_unless_future(capsys, today):
    workbook, url = today
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-01", "--ledger", url)[0] == 0
    orders, invoices = count(url, schema.orders), count(url, schema.invoices)
    code, out = reply(capsys, "orders", "create", workbook, "--date", "2026-10-02", "--ledger", url)
    assert code == 1 and out["created"] == [] and out["invoices"] == []
    message = next(p["message"] for p in out["problems"] if p["code"] == "documents-at-order-in-future")
    assert "il primo il 02/10/2026, dopo oggi (01/10/2026)" in message and "--future" in message
    assert (count(url, schema.orders), count(url, schema.invoices)) == (orders, invoices)
    code, out = reply(capsys, "orders", "create", workbook, "--date", "2026-10-02", "--future", "--ledger", url)
    assert code == 0 and out["invoices"]
    with reading(open_ledger(url)) as conn:
        assert conn.execute(select(func.max(schema.invoices.c.invoice_date))).scalar_one() == date(2026, 10, 2)


def _invoiced_not_shipped(url: str) -> tuple[str, str]:
    """An order the creation invoiced at once and did not ship, and its invoice's number."""
    from toolkit.ledger.db import document_number

    o, ol, i, il = (schema.orders.c, schema.order_lines.c, schema.invoices.c, schema.invoice_lines.c)
    with reading(open_ledger(url)) as conn:
        row = conn.execute(
            select(o.series, o.year, o.number, i.series, i.year, i.number)
            .join(schema.order_lines, ol.order_id == o.id).join(schema.invoice_lines, il.order_line_id == ol.id)
            .join(schema.invoices, i.id == il.invoice_id)
            .where(o.status == "in-progress", ol.shipped == 0).order_by(o.id)).first()
    return document_number(*row[:3]), document_number(*row[3:])


def test_an_order_invoiced_at_once_is_not_voided_and_the_message_names_its_invoice(capsys, today):
    workbook, url = today
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-01", "--ledger", url)[0] == 0
    order, invoice = _invoiced_not_shipped(url)
    code, said = cli(capsys, "orders", "status", workbook, order, "--to", "voided", "--ledger", url)
    assert code == 1
    assert (f"L'ordine {order} è già fatturato ({invoice}) e non è stato annullato" in " ".join(said.split())
            and "nota di credito" in said)
    code, out = reply(capsys, "orders", "status", workbook, order, "--to", "voided", "--ledger", url)
    assert (code, out["status"], [p["code"] for p in out["problems"]]) == (1, None, ["void-invoiced-order"])
    code, out = reply(capsys, "orders", "list", workbook, "--ledger", url)
    assert next(o["status"] for o in out["orders"] if o["number"] == order) == "in-progress"
    code, said = cli(capsys, "orders", "status", workbook, order, "--to", "closed", "--ledger", url)
    assert code == 0 and f"Ordine {order}: ora «Chiuso»." in said


def test_a_status_change_says_what_it_did(capsys, today):
    workbook, url = today
    code, out = reply(capsys, "orders", "create", workbook, "--date", "2026-10-01", "--ledger", url)
    invoiced = {_invoiced_not_shipped(url)[0]}
    code, out = reply(capsys, "orders", "list", workbook, "--status", "in-progress", "--ledger", url)
    order = next(o["number"] for o in out["orders"] if o["number"] not in invoiced and o["to_ship"] == o["quantity"])
    code, said = cli(capsys, "orders", "status", workbook, order, "--to", "voided", "--lang", "en", "--ledger", url)
    assert code == 0 and f"Order {order}: now “Voided”." in said
