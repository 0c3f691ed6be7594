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
