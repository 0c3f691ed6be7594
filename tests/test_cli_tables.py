"""What a person reads at the terminal: amounts and counts in their language, with headings."""

from __future__ import annotations

import json
import shutil

import pytest

from toolkit.cli import app, output


def toolkit(args, capsys) -> tuple[int, str]:
    app._register()
    output.reset()
    code = app.run([str(a) for a in args])
    return code, capsys.readouterr().out


@pytest.fixture
def workbook(tmp_path, sample_workbook):
    copy = tmp_path / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, copy)
    return copy


def test_the_preview_shows_italian_amounts_and_each_customers_position(workbook, capsys):
    code, text = toolkit(["orders", "preview", workbook, "--date", "2026-04-13"], capsys)
    assert code == 0
    code, data = toolkit(["orders", "preview", workbook, "--date", "2026-04-13", "--json"], capsys)
    row = next(r for r in json.loads(data)["orders"] if r["template"] == "T003")
    whole, cents = row["amount"].split(".")
    assert f"{int(whole):,}".replace(",", ".") + f",{cents} €" in text
    assert row["amount"] not in text.replace(row["amount"] + " ", "")
    assert "Situazione dei clienti" in text and "Da spedire" in text and "Disponibile" in text
    for customer in json.loads(data)["customers"]:
        assert customer in text


def test_english_tables_read_as_english(workbook, capsys):
    assert toolkit(["orders", "create", workbook, "--date", "2026-04-09"], capsys)[0] == 0
    code, text = toolkit(["orders", "list", workbook, "--lang", "en"], capsys)
    assert code == 0 and "Order" in text and "To ship" in text
    code, data = toolkit(["orders", "list", workbook, "--json"], capsys)
    amount = json.loads(data)["orders"][0]["amount"]
    assert f"€{amount}" in text


def test_one_order_is_one_order(workbook, capsys):
    code, data = toolkit(["orders", "preview", workbook, "--date", "2026-04-09", "--no-catch-up", "--json"], capsys)
    template = json.loads(data)["orders"][0]["template"]
    code, text = toolkit(["orders", "create", workbook, "--date", "2026-04-09", "--no-catch-up", "--only", template],
                         capsys)
    assert code == 0
    assert text.strip().splitlines()[-1] == "Creato 1 ordine, 0 già esistenti."
