"""The complete list of a past day names each shipped order's customer and delivery address as
its DDT printed them, not as the master says since (`toolkit.ledger.deliveries.shipped_as`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from test_issued_parties import moved
from test_printing import cli

DAY = "2026-04-09"
NAME, ADDRESS, ORDER, SHIPPED = 3, 4, 5, 11
"""The complete list's columns: customer name, delivery address, order, quantity shipped."""


def _rows(path: Path) -> list[tuple]:
    sheet = openpyxl.load_workbook(path).active
    return [row for row in sheet.iter_rows(min_row=5, values_only=True) if row[ORDER]]


def test_a_complete_list_printed_again_names_the_customers_as_their_ddts_did(capsys, tmp_path, sample_workbook,
                                                                             ledger_url):
    """The sample's 9 April created and shipped, its complete list printed; every customer
    then renamed and moved, every destination moved: printed again, the list names each shipped
    order's customer and address as before, cell for cell, and an order not shipped as the
    master says now, where `ship` will send it."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    for args in (("orders", "create", workbook, "--date", DAY), ("ship", workbook, "--date", DAY, "--all")):
        code, said = cli(capsys, *args, "--ledger", ledger_url)
        assert code == 0, said
    first, again = tmp_path / "first.xlsx", tmp_path / "again.xlsx"
    code, said = cli(capsys, "distribution", workbook, "--date", DAY, "--complete", "--out", first, "--ledger", ledger_url)
    assert code == 0, said
    moved(workbook)
    code, said = cli(capsys, "distribution", workbook, "--date", DAY, "--complete", "--out", again, "--ledger", ledger_url)
    assert code == 0, said
    before, after = _rows(first), _rows(again)
    shipped = {row[ORDER] for row in before if row[SHIPPED]}
    assert shipped and len(before) == len(after)
    named = {(row[ORDER], row[NAME], row[ADDRESS]) for row in before if row[ORDER] in shipped}
    assert {(row[ORDER], row[NAME], row[ADDRESS]) for row in after if row[ORDER] in shipped} == named
    assert not any("NUOVO" in row[NAME] or "Via Altrove" in row[ADDRESS] or "Piazza Nuova" in row[ADDRESS]
                   for row in after if row[ORDER] in shipped)
    waiting = [row for row in after if row[ORDER] not in shipped]
    assert waiting and all(row[NAME].endswith(" NUOVO") for row in waiting)
