"""Cells a desk types that were taken silently, or refused without saying what to write: each is
read as the desk meant it, or refused (or warned) at its cell with what to write."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import minimal
import openpyxl
import pytest
from command_line import in_process as toolkit
from conftest import with_stock_sheet

from toolkit.basics.cells import SHEET_ROWS, Location
from toolkit.basics.problems import UnusableInput
from toolkit.intake import tables
from toolkit.intake.guard import vet_workbook
from toolkit.intake.tables import read_tables
from toolkit.intake.validation import check
from toolkit.model.cells import Percent, PercentShown, UnitPrice, read_cell


@pytest.mark.parametrize(("typed", "day"), [
    ("12 sett. 2026", date(2026, 9, 12)), ("1 set 2026", date(2026, 9, 1)), ("3 Febbr. 2027", date(2027, 2, 3)),
    ("7 GENN 2027", date(2027, 1, 7)), ("9 magg. 26", date(2026, 5, 9)), ("12-Sett-26", date(2026, 9, 12))])
def test_a_date_with_the_month_abbreviated_as_an_italian_desk_writes_it_is_read(typed, day):
    """«sett.», «febbr.», «genn.», «magg.» are how Italian abbreviates by hand; «12 sett. 2026»
    was refused as no date while «12 set 2026» was read."""
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Eccezioni"] = [["Modello", "Data", "Azione"], ["T001", typed, "Salta"]]
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert result.master.exceptions[0].day == day


@pytest.mark.parametrize(("typed", "shown"), [("3 gen.", "03/01"), ("12 sett", "12/09"), ("12/04", "12/04")])
def test_a_date_without_its_year_is_refused_asking_for_the_year(typed, shown):
    """No year is guessed: the cell is refused, and the message asks for the year the text lacks
    (it said «scrivi una data come 09/04/2026», which did not say what was wrong)."""
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Eccezioni"] = [["Modello", "Data", "Azione"], ["T001", typed, "Salta"]]
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code) for p in problems] == [("Eccezioni", "B2", "date-without-year")]
    assert problems[0].message("it") == f"«{typed}» non dice l'anno: scrivi la data intera, {shown}/AAAA con il suo " \
                                        f"anno (es. {shown}/2027)."
    assert f"{shown}/YYYY" in problems[0].message("en")


def test_a_list_price_of_more_than_six_decimals_is_warned_at_its_cell_and_kept_as_the_ledger_keeps_it():
    """The ledger keeps prices to the millionth: 20.12345678 was rounded to 20.123457 on every order with no
    word. It is read as that, and the cell says so (FatturaPA allows 8 decimals: a warning, not a refusal)."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Prezzi", "D2", 20.12345678)
    minimal.set_cell(sheets, "Righe modello", "D3", "1,2345675")
    result = check(minimal.workbook(sheets))
    assert [(p.sheet, p.cell, p.code, p.severity) for p in result.problems] == [
        ("Prezzi", "D2", "price-decimals-rounded", "warning"),
        ("Righe modello", "D3", "price-decimals-rounded", "warning")]
    assert result.problems[0].message("it") == (
        "Il prezzo «20,12345678» ha più di 6 decimali, più di quanti ne tiene il registro: è preso come 20,123457 "
        "(arrotondato al sesto decimale), negli ordini, nei DDT e nelle fatture. Se intendevi un altro prezzo "
        "correggilo; per non avere l'avviso scrivilo con al massimo 6 decimali (in una formula: ARROTONDA(…;6)).")
    assert "it is taken as 1.234568 (rounded" in result.problems[1].message("en")
    assert result.master is not None
    assert result.master.prices[0].list_price == Decimal("20.123457")
    assert result.master.template_lines[1].price == Decimal("1.234568")


def test_a_price_a_formula_worked_out_is_read_as_excel_shows_it_with_no_warning():
    """0.1 * 3 is 0.30000000000000004 in binary and 0,3 on the sheet: no price of seventeen decimals to warn of."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Prezzi", "F2", 0.1 * 3)
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert result.master.prices[0].limit_price == Decimal("0.3")


def test_a_rounding_step_finer_than_the_millionth_is_still_refused_not_rounded():
    """A step rounded to the millionth would be 0, every derived price changed: it stays an error."""
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Versioni listino"][0] += ["Listino base", "Versione base", "Ricarico %", "Arrotondamento"]
    sheets["Versioni listino"].append(["BASE", "2027", date(2027, 1, 1), None, "BASE", "2026B", 10, 0.0000001])
    found = [(p.sheet, p.cell, p.code) for p in check(minimal.workbook(sheets)).problems]
    assert ("Versioni listino", "H4", "rounding-step-too-fine") in found
    assert not any(code == "price-decimals-rounded" for *_, code in found)


def _ods(path: Path, blank_rows: int) -> Path:
    """An .ods of a heading, `blank_rows` empty rows written as one repeated row (as LibreOffice
    writes them), then a row of data: a few hundred bytes reaching past row 1,048,576."""
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        '<office:spreadsheet><table:table table:name="Prezzi">'
        f'<table:table-row>{cell.format("Codice")}{cell.format("Prezzo")}</table:table-row>'
        f'<table:table-row table:number-rows-repeated="{blank_rows}"><table:table-cell/></table:table-row>'
        f'<table:table-row>{cell.format("A999")}{cell.format("12,50")}</table:table-row>'
        '</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("META-INF/manifest.xml", manifest)
        package.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_an_ods_with_data_past_excels_last_row_is_refused_not_cut(tmp_path, capsys):
    """calamine reads an .ods's first 1,048,576 rows and drops the rest with no error: A999 at row 1,048,578
    was lost, and the price list converted without it. Refused, naming the sheet and the row; nothing written."""
    source = _ods(tmp_path / "listino.ods", SHEET_ROWS)
    with pytest.raises(UnusableInput) as refused:
        read_tables(source)
    problem = refused.value.problem
    assert problem.code == "file-sheet-too-many-rows"
    assert problem.message("it") == (
        f"Il file {source} ha nel foglio «Prezzi» dati alla riga 1.048.578, oltre l'ultima riga che tiene un foglio "
        "di Excel (1.048.576): se ne terrebbero solo le righe fino alla 1.048.576 e le altre andrebbero perse senza "
        "dirlo, quindi il file non viene letto. Tieni nel foglio al massimo 1.048.576 righe: cancella quelle che non "
        "servono, o dividi i dati in due file.")
    code, said = toolkit(["convert", source, "--to", "csv", "--out", tmp_path / "out", "--jobs", "1"], capsys)
    assert (code, [p["code"] for p in said["problems"]]) == (2, ["file-sheet-too-many-rows"])
    assert not (tmp_path / "out" / "listino.csv").exists()


def test_the_guard_refuses_from_the_first_row_past_excels_last(tmp_path):
    """Row 1,048,576 itself is Excel's, and calamine reads it: only data past it is refused (asked of the guard,
    which counts the repeated rows without building them)."""
    vet_workbook(_ods(tmp_path / "fino-all-ultima.ods", SHEET_ROWS - 2))
    with pytest.raises(UnusableInput) as refused:
        vet_workbook(_ods(tmp_path / "una-oltre.ods", SHEET_ROWS - 1))
    assert "at row 1,048,577, past" in refused.value.problem.message("en")


def test_a_csv_longer_than_an_excel_sheet_is_refused_at_its_first_row_past_it(tmp_path, capsys, monkeypatch):
    """pandas reads every row of a CSV, but converted to a workbook the rows past Excel's last were dropped by
    the writer with no word. The limit made small here, so the file is seven lines, not a million."""
    monkeypatch.setattr(tables, "SHEET_ROWS", 5)
    source = tmp_path / "prezzi.csv"
    source.write_text("Codice;Prezzo\nA1;1\nA2;2\nA3;3\nA4;4\n;\nA6;6\n", encoding="utf-8")
    code, said = toolkit(["convert", source, "--to", "xlsx", "--out", tmp_path / "out", "--jobs", "1"], capsys)
    [problem] = said["problems"]
    assert (code, problem["code"]) == (2, "file-sheet-too-many-rows")
    assert "foglio «prezzi» dati alla riga 7, oltre l'ultima riga che tiene un foglio di Excel (5)" in problem["message"]
    assert not (tmp_path / "out" / "prezzi.xlsx").exists()
    source.write_text("Codice;Prezzo\nA1;1\nA2;2\nA3;3\nA4;4\n;\n", encoding="utf-8")
    assert read_tables(source).sheets[0].rows[-1] == ["A4", 4]  # an empty row past the last is no data, not refused


def test_a_quantity_with_decimals_of_an_item_counted_in_pieces_is_warned_at_its_cell():
    """1,5 «pz» was ordered as 1.5 pieces every week with no word: a slip for 15, or 1 and 5. Warned at the
    quantity; an item in kg takes its decimals as they are."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Righe modello", "C2", 1.5)
    minimal.set_cell(sheets, "Articoli", "C3", "kg")
    minimal.set_cell(sheets, "Righe modello", "C3", "2,5")
    result = check(minimal.workbook(sheets))
    assert [(p.sheet, p.cell, p.code, p.severity) for p in result.problems] == [
        ("Righe modello", "C2", "quantity-fraction-of-whole-unit", "warning")]
    assert result.problems[0].message("it") == (
        "La quantità 1,5 di A001 ha decimali, ma A001 si conta in «pz», a unità intere: è presa così com'è. Scrivi "
        "la quantità intera che intendi; se l'articolo si vende davvero a frazioni, dagli nel foglio Articoli "
        "un'unità di misura che le ha (es. kg).")
    assert result.master is not None and result.master.template_lines[1].quantity == Decimal("2.5")


def test_a_discount_typed_as_a_number_below_one_is_read_as_a_fraction_and_says_so():
    """0,5 typed in *Sconto %* of a plain cell was 50 % off with no word, where a desk may mean half a percent.
    The reading stays (a percent cell read without its format gives 0.5 for 50 %), told at the cell; a VAT rate of
    0,22 is 22 % with no warning, as no rate is below 1 %; text «0,5» is 0,5 % as typed."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Prezzi", "G1", "Sconto %")
    minimal.set_cell(sheets, "Prezzi", "G5", 0.5)
    minimal.set_cell(sheets, "Prezzi", "G6", "0,5")
    minimal.set_cell(sheets, "Prezzi", "F5", None)
    minimal.set_cell(sheets, "Articoli", "D3", 0.04)
    result = check(minimal.workbook(sheets))
    assert [(p.sheet, p.cell, p.code, p.severity) for p in result.problems] == [
        ("Prezzi", "G5", "percent-from-fraction", "warning")]
    assert result.problems[0].message("it") == (
        "«0,5» è letto come 50 %: un numero sotto 1, in una cella non formattata come percentuale, è preso come "
        "frazione (0,5 = 50 %). Se intendevi 0,5 %, scrivi «0,5%»; se intendevi 50 %, scrivi 50 e l'avviso sparisce.")
    assert [p.discount for p in result.master.prices[3:5]] == [Decimal(50), Decimal("0.5")]
    assert result.master.items[1].vat_rate == Decimal(4)


@pytest.mark.parametrize(("sheet", "rows", "cell"), [
    ("Prezzi", None, "G5"),
    ("Sconti volume", [["Codice", "Cliente", "Periodo", "Base", "Modalità", "Da", "Sconto %"],
                       ["SV1", "C001", "Mese", "Importo", "A scaglioni", 0, -0.5]], "G2")])
def test_a_negative_fraction_in_a_percent_cell_stays_refused_not_warned_as_a_fraction(sheet, rows, cell):
    """-0,5 in *Sconto %* is no percentage (0 to 100) and was refused at its cell; the fraction's warning took the
    refusal's place, with «<object object …> %» for the percentage, and the price was made with no discount, a
    volume discount's required rate an internal error. The refusal stays, alone."""
    sheets = with_stock_sheet(minimal.sheets())
    if rows is None:
        minimal.set_cell(sheets, "Prezzi", "G1", "Sconto %")
        minimal.set_cell(sheets, "Prezzi", "G5", -0.5)
        minimal.set_cell(sheets, "Prezzi", "F5", None)
    else:
        sheets[sheet] = rows
    result = check(minimal.workbook(sheets))
    assert [(p.sheet, p.cell, p.code, p.severity) for p in result.problems] == [(sheet, cell, "not-a-percent", "error")]
    assert result.master is None


def test_a_29_february_without_its_year_is_asked_for_with_a_year_that_has_it():
    """«29/02» was asked for as «es. 29/02/2027», a day 2027 does not have: written as told, the cell was refused
    again as no such day. The example is a leap year's."""
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Eccezioni"] = [["Modello", "Data", "Azione"], ["T001", "29/02", "Salta"]]
    [problem] = check(minimal.workbook(sheets)).problems
    assert problem.code == "date-without-year"
    assert problem.message("it").endswith("scrivi la data intera, 29/02/AAAA con il suo anno (es. 29/02/2028).")
    assert problem.message("en").endswith("(e.g. 29/02/2028).")
    sheets["Eccezioni"][1][1] = "29/02/2028"
    assert check(minimal.workbook(sheets)).problems == []


def test_a_negative_price_too_small_for_the_ledger_is_refused_not_taken_as_zero():
    """-0,0000001 in *Prezzi* rounded to the millionth is -0, which no rule refuses: it was taken as a price of
    zero with a warning quoting «-1e-07». A price below zero is refused at its cell as any negative price is; a
    positive one that rounds to 0 is warned with the price as the cell shows it."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Prezzi", "D2", -0.0000001)
    minimal.set_cell(sheets, "Righe modello", "D3", "-0,0000001")
    minimal.set_cell(sheets, "Prezzi", "D3", 0.0000001)
    result = check(minimal.workbook(sheets))
    assert [(p.sheet, p.cell, p.code) for p in result.problems] == [
        ("Prezzi", "D2", "negative-amount"), ("Prezzi", "D3", "price-decimals-rounded"),
        ("Righe modello", "D3", "negative-amount"), ("Righe modello", "D3", "price-below-limit")]
    assert result.problems[0].message("it") == "L'importo -0,0000001 è negativo: scrivi un importo maggiore o uguale a zero."
    assert result.problems[1].message("it").startswith("Il prezzo «0,0000001» ha più di 6 decimali, più di quanti ne "
                                                       "tiene il registro: è preso come 0 (arrotondato")
    assert result.master is None
    assert read_cell(UnitPrice, -1e-07, Location("Ordine", "C8")) == (Decimal("-1E-7"), None)


def test_a_cells_float_is_quoted_as_the_sheet_shows_it():
    """Messages quoted a cell's float as Python prints it: «0,30000000000000004» for a formula's 0,3, «1e-07» for
    0,0000001, «150.5%» in an Italian message."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Modelli ordine", "G2", 0.1 + 0.2)
    [problem] = check(minimal.workbook(sheets)).problems
    assert (problem.cell, problem.code) == ("G2", "not-an-integer")
    assert problem.message("it").startswith("«0,3» non è un numero intero")
    assert problem.message("en").startswith("“0.3” is not a whole number")
    _, refused = read_cell(Percent, PercentShown(1.505), Location("Prezzi", "G2"))
    assert refused.message("it").startswith("«150,5%» non è una percentuale fra 0 e 100")
    assert refused.message("en").startswith("“150.5%” is not a percentage")


def test_a_cells_number_of_sixteen_digits_is_quoted_with_its_exponent_not_as_python_prints_it():
    """A number from 10^15 to 10^16 (a 16-digit code pasted in *Quantità*) is kept with its exponent, as larger
    ones are: Python prints it without one, and the message quoted «1234567890123456.0», a decimal point and all."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Righe modello", "C2", 1234567890123456.0)
    [problem] = check(minimal.workbook(sheets)).problems
    assert (problem.cell, problem.code) == ("C2", "number-out-of-range")
    assert problem.message("it").startswith("«1,23456789012346e+15» è fuori dai limiti")
    assert problem.message("en").startswith("“1.23456789012346e+15” is out of range")
    _, refused = read_cell(UnitPrice, -1e15, Location("Ordine", "C8"))
    assert refused.message("it").startswith("«-1e+15» è fuori dai limiti")


@pytest.mark.parametrize("typed", ["15 ago", "15 agosto", "15 Ago.", "15-ago"])
def test_a_patron_saints_day_is_read_with_the_months_italian_name(typed):
    """*Santo patrono* took «07/12» alone: «15 ago», «15 agosto», «15 Ago.» were refused as no day/month, though dates
    read Italian month names."""
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Impostazioni"].append(["Santo patrono", typed])
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert result.master.settings.patron_day == (15, 8)


def test_a_month_without_its_day_or_a_day_of_the_month_with_a_month_is_refused_saying_which():
    """«ago» in *Santo patrono* names no day; «15 ago» (or 15/08, which Excel makes a date) in *Giorno del mese*
    names a month the monthly schedule cannot keep: each was refused as no number or no day/month."""
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Impostazioni"].append(["Santo patrono", "Ago."])
    minimal.set_cell(sheets, "Modelli ordine", "H3", "15 ago")
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code) for p in problems] == [
        ("Impostazioni", "B9", "day-month-without-day"), ("Modelli ordine", "H3", "day-of-month-names-a-month")]
    assert problems[0].message("it") == ("«Ago.» dice il mese ma non il giorno: scrivi il giorno e il mese, "
                                         "es. 15/08.")
    assert problems[1].message("it") == (
        "«15 ago» dice anche un mese, ma la cella vuole il solo giorno del mese, che vale per ogni mese: scrivi 15 "
        "(se in Excel diventa una data, formatta la cella come Numero o Testo).")
    assert problems[1].message("en").startswith("“15 ago” names a month too")
    minimal.set_cell(sheets, "Modelli ordine", "H3", date(2026, 8, 15))
    assert [(p.cell, p.code) for p in check(minimal.workbook(sheets)).problems][1:] == [
        ("H3", "day-of-month-names-a-month")]


def test_a_stock_count_with_decimals_of_an_item_counted_in_pieces_is_warned_at_its_cell():
    """1,5 «pz» on *Giacenze* was stock shipping counted as it is, with no word (a template line's was warned)."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Articoli", "C3", "kg")
    sheets["Giacenze"] += [["A001", 1.5], ["A002", 2.5], ["A003", 4]]
    result = check(minimal.workbook(sheets))
    assert [(p.sheet, p.cell, p.code, p.severity) for p in result.problems] == [
        ("Giacenze", "B2", "quantity-fraction-of-whole-unit", "warning")]
    assert result.problems[0].message("it").startswith(
        "La quantità 1,5 di A001 ha decimali, ma A001 si conta in «pz», a unità intere: è presa così com'è.")
    assert result.master.stock[0].quantity == Decimal("1.5")


def _far_xlsx(path: Path, row: int) -> Path:
    """An .xlsx written by openpyxl whose last row is moved to `row` by editing its sheet's XML, as a broken or
    hostile file may have it: Excel never writes a row past its last."""
    book = openpyxl.Workbook()
    book.active.title = "Prezzi"
    for values in (["Codice", "Prezzo"], ["A1", 12.5], ["A2", 13]):
        book.active.append(values)
    plain = path.with_name("piano.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as far:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'r="([A-Z]?)3"', rb'r="\g<1>' + str(row).encode() + b'"', data)
            far.writestr(info, data)
    plain.unlink()
    return path


def test_an_xlsx_with_a_row_past_excels_last_is_refused_not_cut(tmp_path, capsys):
    """calamine read a row r="1048577" of an .xlsx, and convert wrote its CSV a row longer than any sheet, which a
    conversion to .xlsx would have cut: refused as an .ods's and a CSV's are, naming the sheet and the row."""
    source = _far_xlsx(tmp_path / "listino.xlsx", SHEET_ROWS + 1)
    code, said = toolkit(["convert", source, "--to", "csv", "--out", tmp_path / "out", "--jobs", "1"], capsys)
    [problem] = said["problems"]
    assert (code, problem["code"]) == (2, "file-sheet-too-many-rows")
    assert "nel foglio «Prezzi» dati alla riga 1.048.577, oltre l'ultima riga" in problem["message"]
    assert not (tmp_path / "out" / "listino.csv").exists()
    vet_workbook(_far_xlsx(tmp_path / "fino-all-ultima.xlsx", SHEET_ROWS))
