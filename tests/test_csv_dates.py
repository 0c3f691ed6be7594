"""A CSV input's dates are read as dates, as the master's reader reads them, so `convert` writes
them in one style (docs/convert.md): the audit's prezzi.csv kept `09/04/2026` beside
`2026-04-10` with `--to csv`, `09/04/2026` with `--decimal-point`, and text with `--to xlsx`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from toolkit.cli import app, output

PREZZI = 'Codice;Prezzo;Data\nA001;"1.234,50";09/04/2026\nA002;12,5;2026-04-10\n'
VERSIONI = "Listino;Versione;Valido dal;Nota\nBASE;2026A;01/04/2026;01/04/2026\nBASE;2026B;subito;nessuna\n"


def convert(tmp_path: Path, name: str, text: str, *options: str, capsys) -> Path:
    source = tmp_path / "in" / name
    source.parent.mkdir(exist_ok=True)
    source.write_text(text, encoding="utf-8")
    app._register()
    output.reset()
    code = app.run(["convert", str(source), "--out", str(tmp_path / "out"), *options, "--json"])
    assert code == 0, json.loads(capsys.readouterr().out)
    capsys.readouterr()
    return tmp_path / "out"


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").splitlines()


@pytest.mark.parametrize(("options", "written"), [
    (("--to", "csv"), ["A001;1234,50;09/04/2026", "A002;12,50;10/04/2026"]),
    (("--to", "csv", "--decimal-point"), ["A001;1234.50;2026-04-09", "A002;12.50;2026-04-10"]),
])
def test_a_csv_column_of_dates_is_written_in_one_style(options, written, tmp_path, capsys):
    out = convert(tmp_path, "prezzi.csv", PREZZI, *options, capsys=capsys)
    assert lines(out / "prezzi.csv")[1:] == written


def test_a_csv_column_of_dates_becomes_date_cells_in_xlsx(tmp_path, capsys):
    out = convert(tmp_path, "prezzi.csv", PREZZI, "--to", "xlsx", capsys=capsys)
    sheet = openpyxl.load_workbook(out / "prezzi.xlsx").active
    assert [sheet["C2"].value, sheet["C3"].value] == [datetime(2026, 4, 9), datetime(2026, 4, 10)]
    assert sheet["C2"].is_date and sheet["A2"].value == "A001"


def test_a_declared_date_column_reads_its_dates_and_other_text_stays(tmp_path, capsys):
    """*Valido dal* is a date column of *Versioni listino*: its dates are dates, `subito` stays
    for the check to report; *Nota*, not a date column and not all dates, keeps its text."""
    out = convert(tmp_path, "versioni listino.csv", VERSIONI, "--to", "csv", "--decimal-point", capsys=capsys)
    assert lines(out / "versioni listino.csv")[1:] == ["BASE;2026A;2026-04-01;01/04/2026",
                                                       "BASE;2026B;subito;nessuna"]


def test_a_column_that_only_looks_like_dates_to_the_lenient_reader_stays_text(tmp_path, capsys):
    """`1.2.26` is a date to the check of a date cell (1 February 2026), not in a column no sheet
    declares a date: a version number stays as it was."""
    out = convert(tmp_path, "elenco.csv", "Codice;Revisione\nA;1.2.26\nB;3-4-25\n", "--to", "csv",
                  "--decimal-point", capsys=capsys)
    assert lines(out / "elenco.csv")[1:] == ["A;1.2.26", "B;3-4-25"]
