"""A credit note over an invoice that charged the customer its stamp duty (*imposta di bollo*,
2.00 €, line N1): the duty was owed on the invoice when it was issued (art. 13 n. 1 Tariffa
parte I, DPR 642/72, paid virtually under art. 6 DM 17/06/2014) and no credit note gives it back
to the seller, so crediting the whole invoice leaves the charged line, still due from the
customer; `--lines` naming it takes it back when the desk means to."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from test_debit_notes import december_under_letter_of_intent
from test_printing import cli

INVOICE = "FT-2026-00003"
"""C027's order of 1 December, invoiced at once: 172.47 € of goods under its letter of intent
(N3.5) and the 2.00 € stamp duty charged, 174.47 €."""


@pytest.fixture
def desk(tmp_path, sample_workbook, ledger_url, rome_today, capsys):
    rome_today(date(2026, 12, 5))
    return december_under_letter_of_intent(tmp_path, sample_workbook, ledger_url, capsys)


def _json(capsys, desk, *args) -> tuple[int, dict]:
    workbook, url = desk
    code, said = cli(capsys, *args[:2], workbook, *args[2:], "--ledger", url, "--json")
    return code, json.loads(said)


def _row(capsys, desk) -> dict:
    return next(r for r in _json(capsys, desk, "payments", "status")[1]["invoices"] if r["number"] == INVOICE)


def test_crediting_the_whole_invoice_leaves_its_charged_stamp_duty_due(capsys, desk):
    billed = _row(capsys, desk)
    assert Decimal(billed["total"]) == Decimal("174.47")
    code, said = _json(capsys, desk, "invoice", "credit", "--invoice", INVOICE, "--reason", "Ordine annullato")
    assert code == 0
    after = _row(capsys, desk)
    assert (Decimal(after["credited"]), Decimal(after["outstanding"])) == (Decimal("172.47"), Decimal("2.00"))
    [warned] = said["problems"]
    assert warned["code"] == "credit-stamp-duty-left"
    assert warned["message"].endswith("resta da incassare per 2,00 €. Per restituirlo comunque, indica la riga in "
                                      "--lines: 5.")


def test_crediting_the_whole_invoice_again_names_the_stamp_duty_left_not_nothing(capsys, desk):
    """Asked again, the invoice was said credited in full, nothing left: its 2,00 € stayed due."""
    assert _json(capsys, desk, "invoice", "credit", "--invoice", INVOICE, "--reason", "Ordine annullato")[0] == 0
    code, said = _json(capsys, desk, "invoice", "credit", "--invoice", INVOICE, "--reason", "Ordine annullato")
    assert code == 1 and [p["code"] for p in said["problems"]] == ["credit-only-stamp-duty-left"]
    assert "tranne il bollo di 2,00 € (riga 5)" in said["problems"][0]["message"]


def test_lines_naming_the_charged_stamp_duty_take_it_back(capsys, desk):
    code, _ = _json(capsys, desk, "invoice", "credit", "--invoice", INVOICE, "--reason", "Ordine annullato")
    assert code == 0
    code, _ = _json(capsys, desk, "invoice", "credit", "--invoice", INVOICE, "--reason", "Bollo restituito",
                    "--lines", "5")
    assert code == 0
    after = _row(capsys, desk)
    assert (Decimal(after["credited"]), Decimal(after["outstanding"])) == (Decimal("174.47"), Decimal("0.00"))
