"""A warehouse, POS or on-credit order ships as it is created, so its customer's credit limit
does not hold it. Over the limit, `orders create` says so at the customer's *Fido* as what the
document type does, never as a `--force` the desk did not type (`orders create` has none)."""

from __future__ import annotations

import json

import openpyxl
from test_printing import cli, cli_apart, desk  # noqa: F401  (desk is a fixture)

DAY = "2026-04-09"


def _blocked(workbook, customer: str) -> str:
    """The customer's *Fido* set to 0, as a desk blocks a customer; its cell."""
    book = openpyxl.load_workbook(workbook)
    sheet = book["Clienti"]
    column = next(c.column_letter for c in sheet[1] if c.value == "Fido")
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == customer)
    sheet[f"{column}{row}"] = 0
    book.save(workbook)
    return f"{column}{row}"


def test_a_warehouse_order_over_the_credit_limit_is_told_as_shipped_at_creation_not_forced(capsys, desk):  # noqa: F811
    workbook, url = desk
    cell = _blocked(workbook, "C012")  # T008, Ordine di magazzino, every working day
    code, said, _ = cli_apart(capsys, "orders", "create", workbook, "--date", DAY, "--ledger", url, "--json")
    out = json.loads(said)
    assert code == 0, said
    [told] = [p for p in out["problems"] if p["sheet"] == "Clienti"]
    assert (told["code"], told["cell"]) == ("credit-limit-at-order", cell)
    assert "--force" not in told["message"]
    assert "C012" in told["message"] and "Tipo documento" in told["message"]
    [order] = [row for row in out["created"] if row["template"] == "T008"]
    assert order["number"] in said and out["ddts"]


def test_the_english_message_names_the_document_type_as_the_reason(capsys, desk):  # noqa: F811
    workbook, url = desk
    _blocked(workbook, "C012")
    code, said = cli(capsys, "orders", "create", workbook, "--date", DAY, "--ledger", url, "--lang", "en")
    assert code == 0, said
    [line] = [ln for ln in said.splitlines() if ln.startswith("Clienti!")]
    assert "--force" not in line and "ships when it is created" in line
