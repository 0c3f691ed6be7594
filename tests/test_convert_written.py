"""`convert --to csv|xlsx` tells the desk what it wrote where, not only its report: a line per
input converted with its files, the skipped with why, and past `LISTED_AT_MOST` inputs one line
counting them and naming the report that lists them (docs/convert.md, *What the run says*)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from toolkit.cli import app, output
from toolkit.services import convert


def run(capsys, *args: str) -> tuple[int, str]:
    app._register()
    output.reset()
    code = app.run(["convert", *args, "--jobs", "1"])
    return code, capsys.readouterr().out


def inputs(folder: Path, books: int) -> Path:
    """`books` workbooks of one sheet, one of two sheets, and a note no spreadsheet."""
    folder.mkdir()
    for n in range(books):
        book = openpyxl.Workbook()
        book.active.title = "Prezzi"
        book.active.append(["Codice", "Prezzo"])
        book.active.append([f"A{n:03}", 18.5])
        book.save(folder / f"listino{n}.xlsx")
    book = openpyxl.Workbook()
    book.active.title = "Clienti"
    book.active.append(["Codice"])
    book.create_sheet("Articoli").append(["Codice"])
    book.save(folder / "anagrafiche.xlsx")
    (folder / "leggimi.txt").write_text("note", encoding="utf-8")
    return folder


def test_each_input_converted_is_named_with_the_files_it_wrote(tmp_path, capsys):
    source, out = inputs(tmp_path / "in", 1), tmp_path / "csv"
    code, said = run(capsys, str(source), "--to", "csv", "--out", str(out))
    assert code == 0, said
    lines = said.splitlines()
    assert f"{source / 'anagrafiche.xlsx'} → {out / 'anagrafiche-Clienti.csv'}, {out / 'anagrafiche-Articoli.csv'}" \
        in lines
    assert f"{source / 'listino0.xlsx'} → {out / 'listino0.csv'}" in lines
    assert f"{source / 'leggimi.txt'}: saltato (non è un foglio di calcolo (.xlsx, .xlsm, .xlsb, .xls, .ods, .csv))" in lines
    assert lines[-2] == "Convertiti 2, saltati 1, non riusciti 0."
    assert (out / "anagrafiche-Articoli.csv").exists() and (out / "listino0.csv").exists()


def test_json_lists_every_file_written(tmp_path, capsys):
    source, out = inputs(tmp_path / "in", 2), tmp_path / "x"
    code, said = run(capsys, str(source), "--to", "xlsx", "--out", str(out), "--json")
    assert code == 0, said
    written = [Path(p) for p in json.loads(said)["written"]]
    assert sorted(p.name for p in written) == ["anagrafiche.xlsx", "listino0.xlsx", "listino1.xlsx"]
    assert all(p.parent == out and openpyxl.load_workbook(p).sheetnames for p in written)


def test_past_the_files_listed_one_line_counts_them_and_names_the_report(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(convert, "LISTED_AT_MOST", 2)
    source, out = inputs(tmp_path / "in", 2), tmp_path / "csv"
    code, said = run(capsys, str(source), "--to", "csv", "--out", str(out), "--lang", "en")
    assert code == 0, said
    [report] = out.glob("conversione-*.xlsx")
    assert (f"Wrote 4 files in {out} from 3 files converted: the list, file by file, is in {report}.") \
        in said.splitlines()
    assert " → " not in said
    assert f"{source / 'leggimi.txt'}: skipped (not a spreadsheet (.xlsx, .xlsm, .xlsb, .xls, .ods, .csv))" in said.splitlines()
    listed = [row[-1] for row in openpyxl.load_workbook(report).worksheets[0].iter_rows(values_only=True)]
    assert str(out / "listino1.csv") in listed


def test_past_the_files_listed_the_skipped_are_counted_too(tmp_path, capsys, monkeypatch):
    """A folder of a thousand non-spreadsheets printed a thousand *saltato* lines: past
    `LISTED_AT_MOST` one line counts them and names the report, which lists each with why."""
    monkeypatch.setattr(convert, "LISTED_AT_MOST", 2)
    source, out = inputs(tmp_path / "in", 1), tmp_path / "csv"
    for n in range(3):
        (source / f"nota {n}.txt").write_text("note", encoding="utf-8")
    code, said = run(capsys, str(source), "--to", "csv", "--out", str(out))
    assert code == 0, said
    [report] = out.glob("conversione-*.xlsx")
    assert "saltato (" not in said, said
    assert f"Saltati 4 file: l'elenco, con il motivo, è in {report}." in said.splitlines()
    assert f"{source / 'listino0.xlsx'} → {out / 'listino0.csv'}" in said.splitlines()
    rows = [row for row in openpyxl.load_workbook(report).worksheets[0].iter_rows(values_only=True)]
    assert sum(1 for row in rows if str(row[0]).endswith(".txt")) == 4
    code, said = run(capsys, str(source), "--to", "csv", "--out", str(out), "--lang", "en")
    assert "Skipped 4 files: the list, with why, is in " in said
