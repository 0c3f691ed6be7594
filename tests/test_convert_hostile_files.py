"""Files `toolkit convert` reads as a desk or a hostile sender makes them, found by fuzzing the
order forms and converted files (docs/convert.md): a CSV whose rows are of their own widths, or
hold a blank line, a number of forty digits, an .xlsx naming a sheet whose part is gone. Each is
converted, or refused at its cell or as a file, never an internal error nor a traceback."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from toolkit.basics.problems import UnusableInput
from toolkit.cli import app, output


def toolkit(args: list[object], capsys) -> tuple[int, dict, str]:
    app._register()
    output.reset()
    code = app.run([*map(str, args), "--json"])
    said = capsys.readouterr()
    return code, json.loads(said.out), said.err


def by_name(said: dict) -> dict[str, dict]:
    return {Path(f["file"]).name: f for f in said["files"]}


def form_csv(path: Path, day: date, quantity: str, reference: str) -> Path:
    """An order form as a desk writes it in a text editor, or a program exports it: each row as
    wide as its own values, the labels' rows two, the lines' three."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"Cliente;C001\nData;{day:%d/%m/%Y}\nVs. ordine;{reference}\n\n"
                    f"Articolo;Quantità;Note\nA001;{quantity};urgente\n", encoding="utf-8")
    return path


def test_a_csv_form_with_rows_of_their_own_widths_becomes_its_order(tmp_path, sample_workbook, capsys):
    """pandas refused a row wider than the first (*Expected 2 fields in line 5, saw 3*), so
    every form a desk did not pad to one width failed as an unreadable CSV."""
    desk = Path(shutil.copy(sample_workbook, tmp_path / "anagrafiche.xlsx"))
    form_csv(tmp_path / "moduli" / "ordine.csv", date.today(), "4", "CSV 1")
    code, said, err = toolkit(["convert", tmp_path / "moduli", "--to", "ordini", "--master", desk,
                               "--out", tmp_path / "out", "--jobs", "1"], capsys)
    assert (code, by_name(said)["ordine.csv"]["status"]) == (0, "converted"), said
    code, orders, _ = toolkit(["orders", "list", desk], capsys)
    assert [(o["customer"], o["origin"]) for o in orders["orders"]] == [("C001", "form:ordine.csv")]


def test_a_csv_with_a_blank_line_and_short_rows_converts_to_xlsx(tmp_path, capsys):
    """Rows shorter than the widest, and a blank line, were NaN: xlsx refused to write it and
    the CSV was told «danneggiato» (damaged); `--to master` ended in an internal error."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "listino.csv").write_bytes("Codice;Prezzo;Note\nA001;12,50\n\nA002;3;Città\n".encode("cp1252"))
    code, said, _ = toolkit(["convert", tmp_path / "in", "--to", "xlsx", "--out", tmp_path / "out", "--jobs", "1"],
                            capsys)
    assert (code, by_name(said)["listino.csv"]["status"]) == (0, "converted"), said
    rows = CalamineWorkbook.from_path(str(tmp_path / "out" / "listino.xlsx")).get_sheet_by_index(0).to_python()
    assert rows == [["Codice", "Prezzo", "Note"], ["A001", 12.5, ""], ["", "", ""], ["A002", 3.0, "Città"]]


def test_a_csv_form_quantity_of_forty_digits_is_refused_at_its_cell(tmp_path, sample_workbook, capsys):
    """Quoting the number in its message raised (`quantize` past the decimal context's 28 digits):
    an internal error, exit 3, for a cell the form check refuses as out of range; and one of
    hundreds of digits became an infinity no workbook holds."""
    desk = Path(shutil.copy(sample_workbook, tmp_path / "anagrafiche.xlsx"))
    form_csv(tmp_path / "moduli" / "quaranta.csv", date.today(), "9" * 40, "CSV 40")
    form_csv(tmp_path / "moduli" / "mille.csv", date.today(), "9" * 1000, "CSV 1000")
    code, said, _ = toolkit(["convert", tmp_path / "moduli", "--to", "ordini", "--master", desk,
                             "--out", tmp_path / "out", "--jobs", "1"], capsys)
    files = by_name(said)
    assert code == 1
    assert [(p["code"], p["cell"]) for p in files["quaranta.csv"]["problems"]] == [("number-out-of-range", "B6")]
    assert "«1e+40» è fuori dai limiti" in files["quaranta.csv"]["problems"][0]["message"]
    assert [(p["code"], p["cell"]) for p in files["mille.csv"]["problems"]] == [("number-out-of-range", "B6")]
    code, said, _ = toolkit(["convert", tmp_path / "moduli" / "mille.csv", "--to", "xlsx", "--out", tmp_path / "x",
                             "--jobs", "1"], capsys)
    assert code == 0, said
    assert CalamineWorkbook.from_path(str(tmp_path / "x" / "mille.xlsx")).get_sheet_by_index(0).to_python()[5][1] == "9" * 1000


def test_an_old_mac_csv_ending_its_lines_with_cr_alone_is_read(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "prezzi.csv").write_bytes(b"Codice;Prezzo\rA001;12,50\r")
    code, said, _ = toolkit(["convert", tmp_path / "in", "--to", "csv", "--out", tmp_path / "out", "--jobs", "1"], capsys)
    assert code == 0, said
    assert (tmp_path / "out" / "prezzi.csv").read_text(encoding="utf-8-sig").splitlines() == ["Codice;Prezzo", "A001;12,50"]


def test_a_csv_wider_than_an_excel_sheet_is_refused_naming_its_line(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "largo.csv").write_text("Codice;Prezzo\n" + ";".join(["A001"] * 16_385) + "\n")
    code, said, _ = toolkit(["convert", tmp_path / "in", "--to", "xlsx", "--out", tmp_path / "out", "--jobs", "1"],
                            capsys)
    problem, = by_name(said)["largo.csv"]["problems"]
    assert (code, problem["code"]) == (2, "csv-unreadable")
    assert "riga 2: 16385 valori, più delle 16384 colonne di un foglio Excel" in problem["message"]
    assert not (tmp_path / "out" / "largo.xlsx").exists()


def test_an_xlsx_naming_a_sheet_whose_part_is_gone_is_unreadable_with_no_traceback(tmp_path):
    """The error-cell search, in a thread of its own, raised KeyError for the missing part and
    Python printed its traceback on stderr above the file's refusal (seen as a user runs it:
    a thread's traceback goes to the process's stderr, which pytest's capture does not hold)."""
    whole = tmp_path / "intero.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Codice", "Prezzo"])
    book.save(whole)
    (tmp_path / "in").mkdir()
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(tmp_path / "in" / "monco.xlsx", "w") as broken:
        for name in source.namelist():
            if name != "xl/worksheets/sheet1.xml":
                broken.writestr(name, source.read(name))
    ran = subprocess.run([sys.executable, "-m", "toolkit", "convert", str(tmp_path / "in"), "--to", "csv",
                          "--out", str(tmp_path / "out"), "--jobs", "1", "--json"],
                         capture_output=True, text=True, timeout=300)
    assert (ran.returncode, [p["code"] for p in by_name(json.loads(ran.stdout))["monco.xlsx"]["problems"]]) == (
        2, ["file-unreadable"])
    assert ran.stderr == ""


def test_a_cell_of_forty_thousand_characters_is_quoted_by_its_start_and_length(tmp_path, sample_workbook, capsys):
    """Every message quoting the cell held it whole, 32,767 characters (Excel's most), twice
    where it names the text twice (a customer's reference too long): the fix unread after it."""
    desk = Path(shutil.copy(sample_workbook, tmp_path / "anagrafiche.xlsx"))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Ordine"
    for row in (["Cliente", "C001"], ["Data", date.today()], ["Vs. ordine", "R" * 40000], [],
                ["Articolo", "Quantità"], ["Z" * 40000, 2]):
        sheet.append(row)
    (tmp_path / "moduli").mkdir()
    book.save(tmp_path / "moduli" / "lungo.xlsx")
    code, said, _ = toolkit(["convert", tmp_path / "moduli", "--to", "ordini", "--master", desk,
                             "--out", tmp_path / "out", "--jobs", "1"], capsys)
    problems = {p["cell"]: p for p in by_name(said)["lungo.xlsx"]["problems"]}
    assert code == 1
    assert (problems["B3"]["code"], problems["A6"]["code"]) == ("customer-reference-too-long", "form-unknown-item")
    assert "«" + "Z" * 60 + "… (32.767 caratteri in tutto)» del modulo non è nelle anagrafiche" in problems["A6"]["message"]
    assert max(len(p["message"]) for p in problems.values()) < 400


def test_the_data_check_quotes_a_long_cell_by_its_start_and_length(tmp_path, sample_workbook):
    from toolkit.intake.validation import check_file

    book = openpyxl.load_workbook(sample_workbook)
    book["Giacenze"]["B2"] = "x" * 40000
    book.save(tmp_path / "anagrafiche.xlsx")
    problem, = [p for p in check_file(tmp_path / "anagrafiche.xlsx").errors if p.code == "not-a-number"]
    assert (problem.sheet, problem.cell) == ("Giacenze", "B2")
    assert "x" * 60 + "… (32.767 caratteri in tutto)" in problem.message("it")
    assert len(problem.message("it")) < 300


def test_seeded_csv_of_ragged_rows_blank_lines_and_long_digits_all_convert(tmp_path, capsys):
    """Twenty CSVs as desks and programs write them, drawn from a fixed seed: rows of their own
    widths, blank lines, `;`, `,` or tabs, CR, LF or CRLF, numbers of up to 400 digits. Each one
    converts to an .xlsx holding its cells, none refused as damaged, none an internal error."""
    rng = random.Random(20261206)
    cells = ["A001", "12,50", "3", "", "Città", "=1+1", "9" * 40, "9" * 400, "-0,5", "1.234,56", '"x;y"', "🍕"]
    (tmp_path / "in").mkdir()
    written = {}
    for n in range(20):
        sep, end = rng.choice([";", ",", "\t"]), rng.choice(["\n", "\r\n", "\r"])
        lines = [sep.join(rng.choice(cells) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(1, 8))]
        (tmp_path / "in" / f"f{n:02}.csv").write_text(end.join(lines) + end, encoding=rng.choice(["utf-8", "utf-8-sig"]))
        split = csv.reader(io.StringIO(end.join(lines), newline=""), delimiter=sep)
        written[f"f{n:02}"] = [n for n in (sum(1 for v in row if v) for row in split) if n]
    code, said, _ = toolkit(["convert", tmp_path / "in", "--to", "xlsx", "--out", tmp_path / "out", "--jobs", "1"],
                            capsys)
    failed = {name: [p["code"] for p in f["problems"]] for name, f in by_name(said).items() if f["status"] != "converted"}
    assert (code, failed) == (0, {})
    assert len(list((tmp_path / "out").glob("*.xlsx"))) == 21  # the twenty and the run's report
    held = {name: [n for n in (sum(1 for v in row if v is not None) for row in
                               openpyxl.load_workbook(tmp_path / "out" / f"{name}.xlsx").active.iter_rows(values_only=True))
                   if n] for name in written}
    assert held == written  # each line's values in one row each, none split on another separator nor lost


def test_an_input_named_longer_than_a_disk_takes_is_a_file_not_there(tmp_path, capsys):
    """`convert` asked whether it was a folder, and Python raised *File name too long*: an internal error."""
    named = tmp_path / ("x" * 300 + ".csv")
    code, said, _ = toolkit(["convert", named, "--to", "csv", "--out", tmp_path / "out", "--jobs", "1"], capsys)
    assert (code, [p["code"] for p in by_name(said)[named.name]["problems"]]) == (2, ["file-not-found"])


def test_a_quote_left_open_is_refused_not_read_as_one_cell_holding_the_rest_of_the_file(tmp_path, capsys):
    """pandas refused it; the csv module, lenient, read every line after the open quote into
    that one cell, converted without a word: the rows after it were gone from the workbook."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "listino.csv").write_text('Codice;Descrizione;Prezzo\nA001;"Vite 3/4;12,50\n'
                                                 'A002;Dado;3,20\nA003;Rondella;0,40\n', encoding="utf-8")
    code, said, _ = toolkit(["convert", tmp_path / "in", "--to", "xlsx", "--out", tmp_path / "out", "--jobs", "1"],
                            capsys)
    problem, = by_name(said)["listino.csv"]["problems"]
    assert (code, problem["code"]) == (2, "csv-unreadable")
    assert "unexpected end of data" in problem["message"]
    assert not (tmp_path / "out" / "listino.xlsx").exists()


def test_one_wide_row_over_many_short_ones_is_refused_before_the_rows_are_padded(tmp_path):
    """Each row is padded to the widest: one row of 16,384 values over 60,000 lines of one, a
    file of 136 KB, took 8 GB and ended in an internal error (pandas said it was unreadable)."""
    from toolkit.intake.tables import read_csv

    wide = tmp_path / "ordini.csv"
    wide.write_text(";" * 16_383 + "x\n" + "a\n" * 800, encoding="utf-8")
    with pytest.raises(UnusableInput) as refused:
        read_csv(wide)
    assert refused.value.problem.code == "file-sheet-too-large"
    assert "ha nel foglio «ordini» celle fino a XFD801 (13.123.584 celle, al massimo 10.000.000)" in (
        refused.value.problem.message("it"))


def test_blank_columns_and_lines_past_the_data_are_not_padded(tmp_path):
    """A row of 16,000 `;` and nothing in them is no data: the used range ends at the last value,
    as calamine reads a sheet's, so the lines after it are read, not refused nor padded."""
    from toolkit.intake.tables import read_csv

    ragged = tmp_path / "ordini.csv"
    ragged.write_text("Codice;Qta\n" + ";" * 16_000 + "\n" + "A001;2\n" * 800 + "\n" * 50, encoding="utf-8")
    rows = read_csv(ragged).sheets[0].rows
    assert (len(rows), {len(r) for r in rows}, rows[1], rows[-1]) == (802, {2}, [None, None], ["A001", Decimal(2)])


def test_a_file_of_lines_ending_in_cr_alone_reads_its_decimal_commas(tmp_path):
    """An old Mac's CSV was split into its lines, but `2,5` stayed text where the CRLF file's
    is 2.5: the Italian decimal was looked for at the end of lines ending in LF only."""
    from toolkit.intake.tables import read_csv

    for end in ("\r", "\n", "\r\n"):
        path = tmp_path / "listino.csv"
        path.write_text(end.join(["Codice;Prezzo", "A001;2,5", "A002;1.234,50", "A003;3"]) + end, encoding="utf-8")
        assert read_csv(path).sheets[0].rows[1:] == [["A001", Decimal("2.5")], ["A002", Decimal("1234.50")],
                                                    ["A003", Decimal(3)]], repr(end)


def test_a_long_text_is_quoted_with_its_last_letter_whole(tmp_path):
    """A text written with its accents apart (macOS writes names so, a web form may too) was cut
    between a letter and its accent: *Forli…* for *Forlì*; an --out name's family emoji cut
    between its people left a joiner dangling before the dots."""
    from toolkit.basics.wording import shown

    assert shown("x" * 55 + "Forli\u0300 " * 200, "it").startswith("x" * 55 + "Forli\u0300… (1.455 caratteri")
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    told = output.name_too_long(tmp_path / ("x" * 29 + family + "x" * 300 + ".xlsx"), "--out")
    assert told.startswith("«" + "x" * 29 + family + "…»")


def test_an_input_named_with_300_letters_is_quoted_by_its_folder_and_its_name_end(tmp_path, capsys):
    """*File not found* quoted the 300 letters whole, three lines of a terminal for one name; a
    path too long to read is quoted by its folder's start and its name's end, which say where
    the file was looked for and which one it is."""
    named = tmp_path / "cartella-ordini-della-ditta" / ("x" * 300 + "-aprile.csv")
    code, said, _ = toolkit(["convert", named, "--to", "csv", "--out", tmp_path / "out", "--jobs", "1"], capsys)
    [problem] = by_name(said)[named.name]["problems"]
    start = str(tmp_path)[:20]
    assert (code, problem["code"]) == (2, "file-not-found")
    assert problem["message"].startswith(f"Il file {start}") and "…" in problem["message"]
    assert f"{'x' * 40}-aprile.csv non esiste: controlla il nome" in problem["message"]
    assert "x" * 100 not in problem["message"] and len(problem["message"]) < 200


def test_a_csv_field_past_the_csv_modules_limit_is_told_in_the_desks_words(tmp_path, capsys):
    """The csv module's *field larger than field limit (131072)* stood in English inside the
    Italian sentence; the line and the limit are told in the desk's language."""
    spoilt = tmp_path / "clienti.csv"
    spoilt.write_text("Codice;Nome\nC001;Rossi\nC002;" + "x" * 140_000 + "\nC003;Verdi\n", encoding="utf-8")
    code, said, _ = toolkit(["convert", spoilt, "--to", "xlsx", "--out", tmp_path / "out", "--jobs", "1"], capsys)
    [problem] = by_name(said)["clienti.csv"]["problems"]
    assert (code, problem["code"]) == (2, "csv-field-too-long")
    assert "ha alla riga 3 un valore di più di 131.072 caratteri, che nessuna cella tiene (Excel ne tiene al " \
           "massimo 32.767)" in problem["message"]
    assert "field limit" not in problem["message"]


def test_a_link_in_a_loop_in_a_folder_is_skipped_and_the_other_files_converted(tmp_path, capsys):
    """Asking whether a link leading to itself (`a` → `b` → `a`) was a folder raised *Too many
    levels of symbolic links*: an internal error (exit 3), no file converted nor report written."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "listino.csv").write_text("Codice;Prezzo\nA1;1,50\n", encoding="utf-8")
    (folder / "a.csv").symlink_to(folder / "b.csv")
    (folder / "b.csv").symlink_to(folder / "a.csv")
    code, said, _ = toolkit(["convert", folder, "--to", "csv", "--out", tmp_path / "out", "--jobs", "1"], capsys)
    files = by_name(said)
    assert (code, files["listino.csv"]["status"]) == (1, "converted")
    gone = "collegamento a un file che non c'è più: rifai il collegamento o copia qui il file"
    assert {name: (files[name]["status"], files[name]["reason"]) for name in ("a.csv", "b.csv")} == {
        "a.csv": ("skipped", gone), "b.csv": ("skipped", gone)}
    assert (tmp_path / "out" / "listino.csv").read_bytes() == b"\xef\xbb\xbfCodice;Prezzo\r\nA1;1,50\r\n"


def test_a_link_in_a_loop_named_on_the_command_line_is_a_file_not_there(tmp_path, capsys):
    """Resolving it raised *Symlink loop*: an internal error, where a file not there is exit 2."""
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    code, said, _ = toolkit(["convert", tmp_path / "a.csv", "--to", "csv", "--out", tmp_path / "out", "--jobs", "1"],
                            capsys)
    assert (code, [p["code"] for p in by_name(said)["a.csv"]["problems"]]) == (2, ["file-not-found"])


def test_a_pdf_named_csv_is_refused_as_a_pdf_not_converted_as_text(tmp_path, capsys):
    """A PDF holds no NUL in its first lines: it was read as a CSV of one column, `%PDF-1.4` its
    heading, and written to the output as if it were a price list."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "listino.csv").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    (folder / "altro.csv").write_text("Codice;Prezzo\nA1;1,50\n", encoding="utf-8")
    code, said, _ = toolkit(["convert", folder, "--to", "csv", "--out", tmp_path / "out", "--jobs", "1"], capsys)
    files = by_name(said)
    assert (code, files["altro.csv"]["status"], files["listino.csv"]["status"]) == (1, "converted", "failed")
    (problem,) = files["listino.csv"]["problems"]
    assert problem["code"] == "file-not-a-workbook" and "ma un PDF:" in problem["message"], problem
    assert sorted(p.name for p in (tmp_path / "out").glob("*.csv")) == ["altro.csv"]


def test_a_name_holding_a_newline_is_shown_escaped_on_one_line_of_the_summary(tmp_path, capsys):
    """A file named `lis⏎tino.csv` (a name pasted from a cell of two lines) split its summary line
    in two, the second `tino.csv → …` as if a file of that name had been converted: every line
    that names a file names it on one line, its control characters escaped."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "lis\ntino.csv").write_text("Codice;Prezzo\nA1;1,50\n", encoding="utf-8")
    (folder / "bi\rnario.csv").write_bytes(b"Codice;Prezzo\nA1;\x00\n")
    (folder / "note\x1b.txt").write_text("x", encoding="utf-8")
    app._register()
    output.reset()
    code = app.run(["convert", str(folder), "--to", "csv", "--out", str(tmp_path / "out"), "--jobs", "1"])
    lines = capsys.readouterr().out.split("\n")
    assert code == 1
    assert f"{folder}/lis\\ntino.csv → {tmp_path / 'out'}/lis\\ntino.csv" in lines, lines
    assert any(f"Il file {folder}/bi\\rnario.csv non si legge come CSV (binary content" in line for line in lines), lines
    assert any(line.startswith(f"{folder}/note\\x1b.txt: saltato") for line in lines), lines
    assert not any(line.startswith(("tino.csv", "nario.csv", ".txt")) for line in lines), lines


def test_a_web_page_or_a_workbook_named_csv_is_refused_naming_what_it_is(tmp_path, capsys):
    """A web page saved as `.csv` was converted as a column of text headed `<html>`, and a workbook
    named `.csv` was refused as *binary content: export it again as CSV*, of a file that is the
    workbook the desk meant: each is named for what it is, the workbook with its real extension."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "pagina.csv").write_text("<!DOCTYPE html><html><body><table><tr><td>A1</td></tr></table></body></html>\n",
                                       encoding="utf-8")
    book = openpyxl.Workbook()
    book.active.append(["Codice", "Prezzo"])
    book.save(folder / "libro.csv")
    (folder / "altro.csv").write_text("Codice;Prezzo\nA1;1,50\n", encoding="utf-8")
    code, said, _ = toolkit(["convert", folder, "--to", "csv", "--out", tmp_path / "out", "--jobs", "1"], capsys)
    files = by_name(said)
    assert (code, files["altro.csv"]["status"], files["pagina.csv"]["status"], files["libro.csv"]["status"]) == (
        1, "converted", "failed", "failed")
    (page,) = files["pagina.csv"]["problems"]
    assert page["code"] == "file-not-a-workbook" and "ma una pagina web (HTML)" in page["message"], page
    (workbook,) = files["libro.csv"]["problems"]
    assert workbook["code"] == "csv-is-a-workbook", workbook
    assert workbook["message"] == (f"Il file {folder / 'libro.csv'} non è un CSV ma una cartella di lavoro .xlsx: "
                                   "rinominalo libro.xlsx, poi riprova.")
    assert sorted(p.name for p in (tmp_path / "out").glob("*.csv")) == ["altro.csv"]
