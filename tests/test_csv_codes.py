"""A CSV's codes stay text: a column the format reads as text (a customer's or an item's code, a
partita IVA, a CAP, a telephone number) keeps its cells as written, whatever the file's decimal
convention makes of its amounts."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.basics.problems import UnusableInput
from toolkit.cli import app, output
from toolkit.intake.mapping import parse_mapping
from toolkit.intake.reshape import read_form
from toolkit.intake.tables import read_csv, read_tables, text_rows

CUSTOMERS = {
    ",": 'Codice,Ragione sociale,Partita IVA,CAP,Fido\n"12,50",Rossi Srl,01234567890,00184,"1.500,00"\n'
         '1.234.567,Bianchi Spa,00987654321,20100,"3,00"\n',
    ";": "Codice;Ragione sociale;Partita IVA;CAP;Fido\n12,50;Rossi Srl;01234567890;00184;1.500,00\n"
         "1.234.567;Bianchi Spa;00987654321;20100;3,00\n",
}


def _toolkit(args: list[str], capsys) -> tuple[int, dict]:
    app._register()
    output.reset()
    code = app.run([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("sep", [",", ";"])
def test_an_italian_csv_keeps_its_codes_as_text_and_reads_its_amounts(tmp_path: Path, sep: str):
    path = tmp_path / "clienti.csv"
    path.write_text(CUSTOMERS[sep], encoding="utf-8")
    rows = read_csv(path).sheets[0].rows
    assert [list(r) for r in rows[1:]] == [["12,50", "Rossi Srl", "01234567890", "00184", 1500],
                                           ["1.234.567", "Bianchi Spa", "00987654321", "20100", 3]]


@pytest.mark.parametrize("sep", [",", ";"])
def test_a_master_converted_from_an_italian_csv_holds_its_codes_as_typed(tmp_path: Path, capsys, sep: str):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "clienti.csv").write_text(CUSTOMERS[sep], encoding="utf-8")
    (inputs / "articoli.csv").write_text(f"Codice{sep}Descrizione{sep}Peso\n1.234.567{sep}Viti{sep}\"1,5\"\n",
                                         encoding="utf-8")
    _toolkit(["convert", str(inputs), "--to", "anagrafiche", "--out", str(tmp_path / "o")], capsys)
    book = openpyxl.load_workbook(tmp_path / "o" / "anagrafiche.xlsx")
    customers = [r[:6] for r in book["Clienti"].iter_rows(min_row=2, max_row=3, values_only=True)]
    assert [(r[0], r[2], r[5]) for r in customers] == [("12,50", "01234567890", "00184"),
                                                       ("1.234.567", "00987654321", "20100")]
    items = book["Articoli"]
    assert (items["A2"].value, items["B2"].value) == ("1.234.567", "Viti")


def test_xlsx_converted_from_an_italian_csv_keeps_a_code_and_a_telephone_as_text(tmp_path: Path, capsys):
    """`--to xlsx` of a contacts list: the telephone 3331234567 was a number cell, a code `12,50` 12.5."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "contatti.csv").write_text('Cliente,Nome,Telefono,Fido\n"12,50",Anna,3331234567,"2,50"\n',
                                         encoding="utf-8")
    code, document = _toolkit(["convert", str(inputs), "--to", "xlsx", "--out", str(tmp_path / "o")], capsys)
    assert code == 0, document
    sheet = openpyxl.load_workbook(tmp_path / "o" / "contatti.xlsx").active
    assert [c.value for c in sheet[2]] == ["12,50", "Anna", "3331234567", 2.5]


def test_an_order_form_csv_keeps_its_item_codes(tmp_path: Path):
    path = tmp_path / "ordine.csv"
    path.write_text("Cliente;C001\nData;09/04/2026\nArticolo;Quantità;Prezzo\n1.234.567;2;1,50\n12,50;3;\n",
                    encoding="utf-8")
    form, problems = read_form(read_tables(path), parse_mapping({}).orders, "ab" * 32)
    assert problems == [] and form is not None
    assert (form.day, [(x.item, x.quantity, x.price) for x in form.lines]) == (
        date(2026, 4, 9), [("1.234.567", 2, 1.5), ("12,50", 3, None)])


def test_an_order_form_csv_keeps_its_customer_and_reference_as_typed(tmp_path: Path):
    """The heading fields beside their labels: a customer `1.234` became 1234 and a reference
    `12,50` 12.50, the customer then taken for another code (or another customer)."""
    path = tmp_path / "ordine.csv"
    path.write_text("Cliente;1.234\nData;09/04/2026\nRif. ordine cliente:;;12,50\nDestinazione;007,5\n"
                    "Articolo;Quantità;Prezzo\nA1;2;1,50\n", encoding="utf-8")
    form, problems = read_form(read_tables(path), parse_mapping({}).orders, "ab" * 32)
    assert problems == [] and form is not None
    assert (form.customer, form.reference, form.ship_to, form.lines[0].price) == ("1.234", "12,50", "007,5", Decimal("1.50"))
    placed = tmp_path / "modulo.csv"
    placed.write_text("Ordine;;;\nData;09/04/2026;N.;1.234\nArticolo;Quantità\nA1;2\n", encoding="utf-8")
    mapping = parse_mapping({"orders": {"customer": "D2"}})
    form, problems = read_form(read_tables(placed, mapping), mapping.orders, "ab" * 32)
    assert problems == [] and form is not None and form.customer == "1.234"
    contacts = tmp_path / "contatti.csv"
    contacts.write_text("Codice;Tipo;Fido\nC001;Cliente;1.500,00\n", encoding="utf-8")
    assert list(read_csv(contacts).sheets[0].rows[1]) == ["C001", "Cliente", Decimal("1500.00")]


_CODE = st.text(alphabet="0123456789.,-+ AB", min_size=1, max_size=12).filter(lambda t: t.strip() != "")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(codes=st.lists(_CODE, min_size=1, max_size=8), sep=st.sampled_from([";", ","]))
def test_a_code_column_keeps_whatever_is_typed_in_it(tmp_path: Path, codes: list[str], sep: str):
    """Any code, beside an Italian amount: the column under *Codice* comes back as written."""
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\n").writerows([["Codice", "Fido"], *([c, "1,50"] for c in codes)])
    path = tmp_path / "clienti.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    rows = read_csv(path).sheets[0].rows
    assert [r[0] for r in rows[1:]] == codes


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(min_size=1, max_size=64).map(lambda b: b * 3))
def test_any_bytes_named_csv_are_read_or_refused_with_a_message(tmp_path: Path, raw: bytes):
    path = tmp_path / "incassi.csv"
    path.write_bytes(raw)
    for read in (read_csv, text_rows):
        try:
            read(path)
        except UnusableInput as refused:
            assert refused.problem.message("it") and refused.problem.message("en")


PHONES = ("Codice;Nome;Telefono;Cellulare;Fax;CAP;IBAN;ABI;CAB;Codice a barre;Codice SDI;P.IVA;Fido\n"
          "P001;Anna;3331234567;+393331234567;0115551235;00184;IT60X0542811101000000123456;03069;01600;"
          "8001234567890;0000000;01234567890;1.500,00\n"
          "P002;Ugo;0115551234;3331234567;+39 011 5551236;20100;;3069;1600;80012345;M5UXCR1;12345678901;2,50\n")


def test_a_csvs_phone_fax_postcode_bank_and_barcode_columns_keep_what_was_typed(tmp_path: Path, capsys):
    """Telephone, mobile, fax, CAP, IBAN, ABI, CAB, EAN, SDI code and partita IVA, beside Italian
    amounts: a mobile `3331234567` was a number (`+393331234567` one without its `+`), an ABI
    `3069` beside `03069` a number, an EAN `8001234567890` a number Excel shows as 8,00123E+12.
    Read, and converted to .xlsx, each is the text typed; the credit limit is an amount."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    path = inputs / "contatti.csv"
    path.write_text(PHONES, encoding="utf-8")
    typed = [line.split(";") for line in PHONES.splitlines()[1:]]
    rows = [list(r) for r in read_csv(path).sheets[0].rows[1:]]
    assert [r[:-1] for r in rows] == [[v or None for v in t[:-1]] for t in typed]
    assert [r[-1] for r in rows] == [Decimal("1500.00"), Decimal("2.50")]
    code, document = _toolkit(["convert", str(inputs), "--to", "xlsx", "--out", str(tmp_path / "o")], capsys)
    assert code == 0, document
    sheet = openpyxl.load_workbook(tmp_path / "o" / "contatti.xlsx").active
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        [v or None for v in t[:-1]] + [n] for t, n in zip(typed, [1500, 2.5])]


def test_a_generic_csvs_column_holding_a_code_typed_as_one_keeps_every_cell_as_typed(tmp_path: Path, capsys):
    """Headings the toolkit does not know (`convert --to csv` of any list): a column with a cell
    typed as no number is, a leading zero, a `+` before a telephone number, twelve digits or more,
    digits parted by spaces, is a column of codes, its cells kept as typed; a column of amounts
    and one of plain numbers are numbers, and so is a column of the format's amounts. A file of no
    headings is read so from its first line."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "rubrica.csv").write_text(
        "Referente;Numero;Interno;Matricola;Riferimento;Importo;Colli;Prezzo\n"
        "Anna;3331234567;12;1;5;1,50;3;007\n"
        "Ugo;0115551234;+39 011 555;800123456789;011 555 1234;2,00;4;2,50\n", encoding="utf-8")
    rows = [list(r) for r in read_csv(inputs / "rubrica.csv").sheets[0].rows[1:]]
    assert rows == [["Anna", "3331234567", "12", "1", "5", Decimal("1.50"), 3, "007"],
                    ["Ugo", "0115551234", "+39 011 555", "800123456789", "011 555 1234", 2, 4, Decimal("2.50")]]
    (tmp_path / "senza.csv").write_text("Anna;3331234567;1,50\nUgo;0115551234;2,00\n", encoding="utf-8")
    assert [list(r) for r in read_csv(tmp_path / "senza.csv").sheets[0].rows] == [
        ["Anna", "3331234567", Decimal("1.50")], ["Ugo", "0115551234", 2]]
    code, document = _toolkit(["convert", str(inputs), "--to", "csv", "--out", str(tmp_path / "o")], capsys)
    assert code == 0, document
    written = (tmp_path / "o" / "rubrica.csv").read_text(encoding="utf-8-sig").splitlines()
    assert written[1:] == ["Anna;3331234567;12;1;5;1,50;3;007",
                           "Ugo;0115551234;'+39 011 555;800123456789;011 555 1234;2,00;4;2,50"]


@pytest.mark.parametrize("text", [
    "Referente;Numero;Appunti\nAnna;3331234567;chiamare al cell\nUgo;0115551234;\n",
    "Referente;Numero;Appunti\nUgo;3331234567;\nAnna;3331234568;tel. dopo le 14\nPia;+39 333 1234567;\n",
    "Referente;Numero;Appunti\nUgo;3331234567;\nAnna;;mandare un fax\nPia;0115551234;\n",
    "Rubrica 2026\nReferente;Cellulare;Appunti\nAnna;3331234567;fax al 2\n",
])
def test_a_note_naming_a_phone_is_no_heading_row(tmp_path: Path, text: str):
    """A note in a list of phone numbers saying *cell*, *tel.* or *fax* named a code's column
    (`CODE_WORDS`) where the headings named none of the format's: its row was taken for the
    headings, and its mobile and those above it read as numbers. Every number stays as typed."""
    path = tmp_path / "rubrica.csv"
    path.write_text(text, encoding="utf-8")
    typed = [[v or None for v in line.split(";")] for line in text.splitlines()]
    assert [list(row)[:len(t)] for row, t in zip(read_csv(path).sheets[0].rows, typed)] == typed


@pytest.mark.parametrize("text", [
    "Nominativo;Recapito\nRossi;3331234567\nBianchi;0115551234\nNote;3339876543\n",
    "Nominativo;Recapito;Residenza\nRossi;3331234567;Torino\nBianchi;0115551234;Milano\nNote;3339876543;Città\n",
])
def test_a_value_equal_to_a_heading_is_no_heading_row(tmp_path: Path, text: str):
    """Under headings of the desk's own, a customer named *Note* (or living in a *Città*) named a
    column of the format: its row was taken for the headings, and the mobiles above it, below no
    heading row any more, read as numbers. A row holding a figure is a row of values."""
    path = tmp_path / "rubrica.csv"
    path.write_text(text, encoding="utf-8")
    typed = [[v or None for v in line.split(";")] for line in text.splitlines()]
    assert [list(row) for row in read_csv(path).sheets[0].rows] == typed


@pytest.mark.parametrize("note", ["Note", "Note;", "Note;;"])
def test_a_lone_note_below_a_title_leaves_the_heading_row_to_the_desks_headings(tmp_path: Path, capsys, note: str):
    """A title, a lone *Note* (a notes column's heading of the format) and then headings of the
    desk's own, one of them a code's: the *Note* row named as many columns and, first, took the
    headings, so the real ones were read as data and the mobiles below *Cellulare* as numbers."""
    path = tmp_path / "rubrica.csv"
    path.write_text(f"Rubrica clienti 2026\n{note}\nNominativo;Cellulare;Recapito\nAnna;3331234567;Roma\n"
                    "Ugo;3471234567;Milano\n", encoding="utf-8")
    _toolkit(["convert", str(path), "--to", "xlsx", "--out", str(tmp_path / "o")], capsys)
    sheet = openpyxl.load_workbook(tmp_path / "o" / "rubrica.xlsx").active
    assert [r[:3] for r in sheet.iter_rows(min_row=3, values_only=True)] == [
        ("Nominativo", "Cellulare", "Recapito"), ("Anna", "3331234567", "Roma"), ("Ugo", "3471234567", "Milano")]


def test_a_cartons_column_is_no_tax_codes(tmp_path: Path):
    """*CF* is a carton (confezione) in an item list as much as a codice fiscale, which the
    format's *C.F.* names: a price per carton `12,50` and the pieces in one were kept as text."""
    path = tmp_path / "fornitore.csv"
    path.write_text("Articolo;Pz/CF;Prezzo CF;C.F.\nA1;12;12,50;01234567890\nA2;6;7,00;12345678901\n", encoding="utf-8")
    assert [list(row) for row in read_csv(path).sheets[0].rows[1:]] == [
        ["A1", 12, Decimal("12.50"), "01234567890"], ["A2", 6, 7, "12345678901"]]


def test_a_windows_1252_csv_behind_a_utf8_bom_reads_its_first_heading(tmp_path: Path, capsys):
    """An editor's UTF-8 byte-order mark before a file written in Windows-1252 (its `à` no UTF-8):
    the file was read as Windows-1252 mark and all, its first heading `ï»¿Codice`, no column of
    the format, and the converted CSV began with it."""
    path = tmp_path / "clienti.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "Codice;Ragione sociale;Città;CAP;Fido\r\nC001;Caffè Ré S.r.l.;Forlì;00184;"
                     "1.500,00\r\n".encode("cp1252"))
    assert [list(r) for r in read_csv(path).sheets[0].rows] == [
        ["Codice", "Ragione sociale", "Città", "CAP", "Fido"], ["C001", "Caffè Ré S.r.l.", "Forlì", "00184", 1500]]
    _toolkit(["convert", str(path), "--to", "csv", "--out", str(tmp_path / "o")], capsys)
    written = (tmp_path / "o" / "clienti.csv").read_text(encoding="utf-8-sig")
    assert written.splitlines()[0] == "Codice;Ragione sociale;Città;CAP;Fido"
