"""The lists and the panel read the stock as shipping does: a *Data giacenze* after today is
refused at its cell there too, not read silently."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest
from test_printing import cli, desk  # noqa: F401  (desk is a fixture)


def counted_on(workbook: Path, day: datetime.date) -> str:
    """The workbook with its *Data giacenze* set to `day`; returns the cell."""
    book = openpyxl.load_workbook(workbook)
    row = next(r for r in book["Impostazioni"].iter_rows() if r[0].value == "Data giacenze")
    row[1].value = datetime.datetime(day.year, day.month, day.day)
    book.save(workbook)
    return f"Impostazioni!{row[1].coordinate}"


@pytest.mark.parametrize("verb", [["production", "--date", "2026-04-09"], ["panel"]])
def test_a_stock_count_dated_after_today_is_refused_at_its_cell_and_nothing_is_written(
        capsys, tmp_path, desk, rome_today, verb):  # noqa: F811
    rome_today(datetime.date(2026, 4, 9))
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    cell = counted_on(workbook, datetime.date(2026, 4, 10))
    out = tmp_path / "list.xlsx"
    code, said = cli(capsys, *verb, workbook, "--out", out, "--ledger", url)
    assert code == 1 and not out.exists()
    assert f"{cell}: Data giacenze è il 10/04/2026, dopo oggi (09/04/2026)" in " ".join(said.split())
    counted_on(workbook, datetime.date(2026, 4, 9))
    code, said = cli(capsys, *verb, workbook, "--out", out, "--ledger", url)
    assert code == 0 and out.exists(), said
