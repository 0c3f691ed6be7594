"""Two copies of the workbook on one team ledger, one a version behind: the assistant's copy has
a customer the warehouse's copy has not yet. The warehouse's `ship --all` holds that customer's
order (`ship-customer-not-in-workbook`), and its message said the customer was *no longer* on the
sheet and to close or void the order: the clerk was told to void a colleague's new customer's
order, where the copy was the one behind. It now says the colleague's copy may have it, and once
the row is copied in, the next `ship --all` ships the order."""

from __future__ import annotations

import json
import shutil

import openpyxl
from desks import without_customer

from toolkit.cli import app, output

NEW, DAY = "C019", "2026-04-07"


def toolkit(capsys, *args: object) -> tuple[int, dict]:
    """One command line in this process, `--json`: its exit code and its answer."""
    app._register()
    output.reset()
    code = app.run([str(a) for a in (*args, "--json")])
    return code, json.loads(capsys.readouterr().out)


def test_the_warehouse_copy_one_customer_behind_is_told_to_copy_it_in_not_to_void_its_order(
        capsys, tmp_path, sample_workbook, ledger_url):
    assistant, warehouse = tmp_path / "anna" / "anagrafiche.xlsx", tmp_path / "magazzino" / "anagrafiche.xlsx"
    for copy in (assistant, warehouse):
        copy.parent.mkdir()
        shutil.copy(sample_workbook, copy)
    without_customer(warehouse, NEW)
    code, created = toolkit(capsys, "orders", "create", assistant, "--date", DAY, "--ledger", ledger_url)
    assert code == 0, created
    [number] = [o["number"] for o in created["created"] if o["customer"] == NEW]

    code, shipped = toolkit(capsys, "ship", warehouse, "--date", DAY, "--all", "--ledger", ledger_url)
    assert code == 0, shipped
    [told] = [p for p in shipped["problems"] if p["code"] == "ship-customer-not-in-workbook"]
    assert number in told["message"] and "non è più" not in told["message"]
    assert "Se un collega l'ha aggiunto nella sua copia della cartella, copia qui la sua riga" in told["message"]
    assert [number] == [h["order"] for h in shipped["held"] if h["reason"] == told["code"]]

    book = openpyxl.load_workbook(warehouse)
    row = next(r for r in openpyxl.load_workbook(assistant)["Clienti"].iter_rows(values_only=True) if r[0] == NEW)
    book["Clienti"].append(list(row))
    book.save(warehouse)
    code, shipped = toolkit(capsys, "ship", warehouse, "--date", DAY, "--all", "--ledger", ledger_url)
    assert code == 0, shipped
    assert [number] == [o for ddt in shipped["shipped"] if ddt["customer"] == NEW for o in ddt["orders"]]

