"""Every verb that opens the workbook tells the data check's warnings, at their cells: a mistyped
setting (Impostazioni, `unknown-setting`) was told by `orders create` and `print` and silent on
`ship` — the command the desk runs most —, the lists, the panel, an order's status, the
invoicing run's undo, finalize and export, and the payments recorded."""

from __future__ import annotations

import json

import openpyxl
import pytest
from test_printing import cli, cli_apart, desk  # noqa: F401  (desk is a fixture)

MISTYPED = "«Ufficio RAE» non è un'impostazione del toolkit"


@pytest.fixture
def invoiced(capsys, tmp_path, desk):  # noqa: F811
    """April 9th's orders shipped and invoiced in a draft run, then a setting mistyped."""
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--ledger", url)[0] == 0
    code, said, _ = cli_apart(capsys, "invoice", workbook, "--month", "2026-04", "--out", tmp_path / "run",
                             "--json", "--ledger", url)
    assert code == 0, said
    answer = json.loads(said)
    book = openpyxl.load_workbook(workbook)
    book["Impostazioni"].append(["Ufficio RAE", "MI"])
    book.save(workbook)
    return workbook, url, answer


def _verbs(tmp, workbook, answer):
    run = answer["run_id"]
    invoice = answer["invoices"][0]["number"]
    payments = tmp / "incassi.csv"
    payments.write_text(f"Fattura;Data;Importo\n{invoice};2026-04-30;1,00\n", encoding="utf-8")
    return {
        "ship": ["ship", workbook, "--date", "2026-04-10", "--all"],
        "distribution": ["distribution", workbook, "--date", "2026-04-10", "--out", tmp / "d.xlsx"],
        "production": ["production", workbook, "--date", "2026-04-10", "--out", tmp / "p.xlsx"],
        "panel": ["panel", workbook, "--out", tmp / "pannello.xlsx"],
        "export": ["invoice", "export", workbook, run, "--out", tmp / "export"],
        "payments record": ["payments", "record", workbook, "--invoice", invoice, "--date", "2026-04-30",
                            "--amount", "1,00"],
        "payments import": ["payments", "import", workbook, payments],
        "finalize": ["invoice", "finalize", workbook, run],
        "undo": ["invoice", "undo", workbook, run],
    }


@pytest.mark.parametrize("verb", ["ship", "distribution", "production", "panel", "export", "payments record",
                                  "payments import", "finalize", "undo"])
def test_the_verb_tells_the_checks_warnings(capsys, tmp_path, invoiced, verb):
    workbook, url, answer = invoiced
    args = _verbs(tmp_path, workbook, answer)[verb]
    if verb.startswith("payments"):  # a payment is recorded on a final invoice
        assert cli(capsys, "invoice", "finalize", workbook, answer["run_id"], "--ledger", url)[0] == 0
    code, said = cli(capsys, *args, "--ledger", url)
    assert code == 0, said
    assert "Impostazioni!A" in said and MISTYPED in said, said


def test_an_order_status_tells_the_checks_warnings(capsys, tmp_path, desk):  # noqa: F811
    workbook, url = desk
    code, said, _ = cli_apart(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--json", "--ledger", url)
    assert code == 0, said
    number = json.loads(said)["created"][-1]["number"]
    book = openpyxl.load_workbook(workbook)
    book["Impostazioni"].append(["Ufficio RAE", "MI"])
    book.save(workbook)
    code, said = cli(capsys, "orders", "status", workbook, number, "--to", "Annullato", "--ledger", url)
    assert code == 0, said
    assert "Impostazioni!A" in said and MISTYPED in said, said


def test_a_shipment_without_stock_sheet_tells_it_once(capsys, tmp_path, desk):  # noqa: F811
    """The check and the shipment both tell a missing *Giacenze* (`stock-not-checked`): once."""
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    book = openpyxl.load_workbook(workbook)
    del book["Giacenze"]
    book.save(workbook)
    code, said = cli(capsys, "ship", workbook, "--date", "2026-04-10", "--all", "--ledger", url)
    assert code == 0, said
    assert said.count("Il foglio Giacenze manca") == 1, said
