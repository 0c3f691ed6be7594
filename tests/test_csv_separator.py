"""The separator of a CSV handed to `convert`, `ship --quantities` or `payments import`: a
tab-separated file (Excel's «Testo Unicode») whose texts hold semicolons or commas (`Note; varie`,
`Via Roma, 5`) was split on `;` when its first line held as many of them as tabs, every row
cut at its texts' semicolons and the columns shifted. A tab parts every line of such a file,
which no text typed in Excel holds (the key moves to the next cell)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from toolkit.basics.problems import UnusableInput
from toolkit.intake.guard import check_workbook
from toolkit.intake.tables import read_csv, sniff_separator, tab_separated, text_rows

_TEXT = st.text(alphabet="ab ;,.'\"0123456789àè\t\n", max_size=12)


@st.composite
def _rows(draw: st.DrawFn, separator_free: str = "") -> list[list[str]]:
    width = draw(st.integers(2, 6))
    texts = _TEXT.map(lambda t: t.translate({ord(c): None for c in separator_free}))
    return draw(st.lists(st.lists(texts, min_size=width, max_size=width), min_size=1, max_size=20))


def _written(rows: list[list[str]], delimiter: str, end: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=end).writerows(rows)
    return out.getvalue()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_rows(), end=st.sampled_from(["\n", "\r\n"]))
def test_a_tab_separated_file_is_split_on_its_tabs_whatever_its_texts_hold(tmp_path: Path, rows, end):
    assume(any(v.strip() for row in rows for v in row))
    text = _written(rows, "\t", end)
    assert sniff_separator(text) == "\t"
    path = tmp_path / "incassi.csv"
    path.write_text(text, encoding="utf-8")
    assert text_rows(path) == rows


@settings(max_examples=300, deadline=None)
@given(rows=_rows(separator_free="\t"), delimiter=st.sampled_from([";", ","]))
def test_a_file_whose_texts_hold_no_tab_is_never_taken_for_tab_separated(rows, delimiter):
    assert not tab_separated(_written(rows, delimiter, "\r\n"))


def test_a_tab_separated_export_converts_its_texts_semicolons_and_all(tmp_path: Path):
    """Two columns, a note of two semicolons in the first line: once split on `;` into three
    columns, *Importo* a text and the amount under *varie*."""
    path = tmp_path / "clienti.csv"
    path.write_text("Cliente\tNote; varie; altro\nC001\t12,50\nC002\tVia Roma, 5; scala B\n", encoding="utf-8")
    [sheet] = read_csv(path).sheets
    assert [list(row) for row in sheet.rows] == [["Cliente", "Note; varie; altro"], ["C001", 12.5],
                                                 ["C002", "Via Roma, 5; scala B"]]


_AMOUNT = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False).map(
    lambda d: f"{d:,.2f}".replace(",", " ").replace(".", ",").replace(" ", "."))


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(_AMOUNT, min_size=2, max_size=5), min_size=1, max_size=20), heading=st.booleans())
def test_a_semicolon_file_of_decimal_comma_amounts_is_split_on_its_semicolons(rows, heading):
    """An Italian export: amounts with a decimal comma, two a line or more (`1,50;2,75`) hold
    more commas than semicolons, and the file was split at its commas."""
    text = _written(([["Importo"] * len(rows[0])] if heading else []) + rows, ";", "\r\n")
    assert sniff_separator(text) == ";", text


def test_an_italian_export_of_two_amounts_a_line_reads_its_amounts(tmp_path: Path):
    """`1,50;2,75` read as `,`-separated: `1`, `50;2` and `75`, the amounts lost."""
    path = tmp_path / "prezzi.csv"
    path.write_text("Prezzo;Sconto\n1,50;2,75\n1.234,00;0,5\n", encoding="utf-8")
    [sheet] = read_csv(path).sheets
    assert [list(row) for row in sheet.rows] == [["Prezzo", "Sconto"], [Decimal("1.50"), Decimal("2.75")],
                                                 [Decimal("1234.00"), Decimal("0.5")]]


def test_a_comma_file_of_quoted_decimal_comma_amounts_reads_them_as_numbers(tmp_path: Path):
    """Google Sheets in Italian exports `,` between values and quotes its `"12,50"`: read as text,
    the conversion wrote them back as text beside the integers."""
    path = tmp_path / "listino.csv"
    path.write_text('Codice,Prezzo,Pezzi\nA001,"12,50",3\nA002,"1.234,5",10\n', encoding="utf-8")
    [sheet] = read_csv(path).sheets
    assert [list(row) for row in sheet.rows] == [["Codice", "Prezzo", "Pezzi"], ["A001", Decimal("12.50"), 3],
                                                 ["A002", Decimal("1234.5"), 10]]
    english = tmp_path / "prices.csv"
    english.write_text('Code,Price,Pieces\nA001,"1,234.50",3\nA002,2.5,"1,200"\n', encoding="utf-8")
    [sheet] = read_csv(english).sheets
    assert [list(row) for row in sheet.rows][1:] == [["A001", Decimal("1234.50"), 3], ["A002", Decimal("2.5"), 1200]]


def test_a_tab_in_a_quoted_heading_of_a_semicolon_file_is_a_text_s(tmp_path: Path):
    """A heading pasted with tabs in it (`"Note\tinterne\tvarie\taltro"`): the first line's tabs outnumbered
    its semicolon and every line was split on tabs, the file one column wide."""
    path = tmp_path / "incassi.csv"
    path.write_text('Fattura;"Note\tinterne\tvarie\taltro";Importo\nFT-2026-00001;;1.464,33\n', encoding="utf-8")
    [sheet] = read_csv(path).sheets
    assert [list(row) for row in sheet.rows] == [["Fattura", "Note\tinterne\tvarie\taltro", "Importo"],
                                                 ["FT-2026-00001", None, Decimal("1464.33")]]
    assert text_rows(path) == [["Fattura", "Note\tinterne\tvarie\taltro", "Importo"], ["FT-2026-00001", "", "1.464,33"]]


def test_a_first_line_naming_the_separator_is_read_as_excel_reads_it(tmp_path: Path):
    """`sep=;`, the line a desk writes so that Excel opens a CSV right (Excel shows no row for it):
    read as a row, *sep=* over the headings, which then stood on row 2, and a `,` file with the
    line split on its commas whatever it named."""
    path = tmp_path / "incassi.csv"
    path.write_text("sep=;\r\nFattura;Importo\r\nFT-2026-00001;1.464,33\r\n", encoding="utf-8")
    [sheet] = read_csv(path).sheets
    assert [list(row) for row in sheet.rows] == [["Fattura", "Importo"], ["FT-2026-00001", Decimal("1464.33")]]
    assert text_rows(path) == [["Fattura", "Importo"], ["FT-2026-00001", "1.464,33"]]
    named = tmp_path / "listino.csv"
    named.write_text("SEP=,\nCodice,Descrizione\nA001,Pane; integrale; 500 g\n", encoding="utf-8")
    assert text_rows(named) == [["Codice", "Descrizione"], ["A001", "Pane; integrale; 500 g"]]


def test_a_comma_file_with_english_thousands_keeps_them_beside_a_quoted_list(tmp_path: Path):
    """An English `,` file of whole amounts, `"10,000"`, with a text `"30,60"` (the days a customer
    pays at): the text was taken for a decimal-comma amount, the whole file read the Italian way,
    and the credit limit of 10,000 became 10.000, a thousand times less, without a word."""
    path = tmp_path / "customers.csv"
    path.write_text('Code,Credit limit,Days\nC001,"10,000","30,60"\nC002,"2,500",30\n', encoding="utf-8")
    [sheet] = read_csv(path).sheets
    assert [list(row) for row in sheet.rows][1:] == [["C001", Decimal("10000"), "30,60"],
                                                     ["C002", Decimal("2500"), 30]]


def test_a_semicolon_file_whose_texts_hold_more_commas_is_split_on_its_semicolons(tmp_path: Path):
    """Quantities to ship exported from Excel with the items' descriptions (`Viti M6, zincate,
    testa esagonale, filetto intero, acciaio 8.8, conf. 100`): Excel quotes none of them in a `;` file, the
    first lines held more commas than semicolons and every line was split at its commas, where
    `ship --quantities` and `payments import` had counted the headings' line alone."""
    path = tmp_path / "quantita.csv"
    path.write_text("Ordine;Articolo;Descrizione;Quantità\n"
                    "OC-2026-00001;A001;Viti M6, zincate, testa esagonale, filetto intero, acciaio 8.8, conf. 100;2\n"
                    "OC-2026-00002;A002;Dadi M6, zincati, autobloccanti, alti, inox, conf. 100;3\n", encoding="utf-8")
    assert text_rows(path)[1] == ["OC-2026-00001", "A001", "Viti M6, zincate, testa esagonale, filetto intero, acciaio 8.8, "
                                  "conf. 100", "2"]
    [sheet] = read_csv(path).sheets
    assert list(sheet.rows[2]) == ["OC-2026-00002", "A002", "Dadi M6, zincati, autobloccanti, alti, inox, conf. 100", 3]


def test_a_file_of_one_column_is_split_at_no_comma(tmp_path: Path):
    """`Prezzo` over Italian amounts: with no separator on its first line the sniffer took `,` and
    split `1,50` into 1 and 50, a second column the heading never had."""
    path = tmp_path / "prezzi.csv"
    path.write_text("Prezzo\n1,50\n1.234,50\n\n", encoding="utf-8")
    [sheet] = read_csv(path).sheets
    assert [list(row) for row in sheet.rows] == [["Prezzo"], [Decimal("1.50")], [Decimal("1234.50")]]
    codes = tmp_path / "codici.csv"
    codes.write_text("\nCodice\n12,50\n007\n", encoding="utf-8")
    assert text_rows(codes) == [[], ["Codice"], ["12,50"], ["007"]]
    assert [list(row) for row in read_csv(codes).sheets[0].rows] == [[None], ["Codice"], ["12,50"], ["007"]]


@pytest.mark.parametrize("order", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_mark_is_read_as_utf16(tmp_path: Path, order: str):
    """An ERP's export in UTF-16 with no byte-order mark, where Excel writes one: refused as binary
    content for its zero bytes, the desk told nothing of what the file was or how to save it."""
    text = "Fattura\tData\tImporto\tNote\r\nFT-2026-00001\t09/04/2026\t1.464,33\tCittà, €\r\n"
    path = tmp_path / "incassi.csv"
    path.write_bytes(text.encode(order))
    assert text_rows(path) == [["Fattura", "Data", "Importo", "Note"],
                               ["FT-2026-00001", "09/04/2026", "1.464,33", "Città, €"]]
    [sheet] = read_csv(path).sheets
    assert list(sheet.rows[1]) == ["FT-2026-00001", "09/04/2026", Decimal("1464.33"), "Città, €"]
    semicolons = tmp_path / "clienti.csv"
    semicolons.write_bytes("Codice;CAP\n12,50;00184\n".encode(order))
    assert [list(r) for r in read_csv(semicolons).sheets[0].rows] == [["Codice", "CAP"], ["12,50", "00184"]]


@pytest.mark.parametrize("order", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_mark_is_read_whatever_character_its_first_4_kb_cut(tmp_path: Path, order: str):
    """A note with an emoji (two UTF-16 units) across the 4,096 bytes the file's encoding is told
    by: the cut half of it made the strict decoding fail, and the file was refused as binary."""
    note = "x" * 2028 + "\N{GRINNING FACE} grazie"
    text = f"Cliente;Note\r\nC001;{note}\r\nC002;ok\r\n"
    raw = text.encode(order)
    assert raw.find("\N{GRINNING FACE}".encode(order)) == 4094
    path = tmp_path / "ordini.csv"
    path.write_bytes(raw)
    assert text_rows(path) == [["Cliente", "Note"], ["C001", note], ["C002", "ok"]]


@pytest.mark.parametrize("order", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_mark_of_greek_or_chinese_names_is_read(tmp_path: Path, order: str):
    """A customer list of Greek or Chinese names: a zero byte only on the separators, digits and
    line ends, a fifth to a third of the characters, where the rule asked for half, and the file was refused
    as binary content."""
    greek = [["Κωδικός", "Επωνυμία", "Πόλη"], ["Ε1", "Παπαδόπουλος Ανδρέας ΑΕ", "Θεσσαλονίκη"],
             ["Ε2", "Γεωργίου Μαρία ΟΕ", "Αθήνα"]]
    chinese = [["代码", "名称", "城市"], ["C1", "上海贸易有限公司", "上海"], ["C2", "北京科技有限公司", "北京"]]
    for rows in (greek, chinese):
        path = tmp_path / "clienti.csv"
        path.write_bytes("".join(";".join(row) + "\r\n" for row in rows).encode(order))
        assert text_rows(path) == rows
        assert [list(row) for row in read_csv(path).sheets[0].rows] == rows


def test_a_few_bytes_of_binary_are_not_taken_for_utf16(tmp_path: Path):
    """Four bytes, a zero in a high place: any two bytes decode to a printable ideograph, and the
    file was read as the text «ò鳲»; no separator, no line end, no CSV."""
    path = tmp_path / "incassi.csv"
    path.write_bytes(b"\xf2\x00\xf2\x9c")
    with pytest.raises(UnusableInput) as refused:
        text_rows(path)
    assert "binary content" in refused.value.problem.message("en")


def test_utf16_without_its_mark_given_as_a_workbook_is_named_a_text_file(tmp_path: Path):
    path = tmp_path / "clienti.xlsx"
    path.write_bytes("Codice;Ragione sociale\nC001;Rossi\n".encode("utf-16-le"))
    with pytest.raises(UnusableInput) as refused:
        check_workbook(path)
    assert "un file di testo o CSV" in refused.value.problem.message("it"), refused.value.problem.message("it")


def test_a_binary_file_named_csv_is_still_refused_as_binary(tmp_path: Path):
    path = tmp_path / "incassi.csv"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnusableInput) as refused:
        text_rows(path)
    assert refused.value.problem.code == "csv-unreadable"
    assert "binary content" in refused.value.problem.message("en")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_rows(), order=st.sampled_from(["utf-16-le", "utf-16-be"]))
def test_a_tab_separated_file_in_utf16_without_its_mark_reads_as_with_it(tmp_path: Path, rows, order):
    assume(any(v.strip() for row in rows for v in row))
    text = _written(rows, "\t", "\r\n")
    path = tmp_path / "incassi.csv"
    path.write_bytes(text.encode(order))
    assert text_rows(path) == rows


def test_a_line_named_after_a_separator_line_is_the_editors_with_excels_row_beside_it(tmp_path: Path):
    """A value too long on the fifth line of a file opening with `sep=;` (a note over two lines
    before it): named line 4, one less than the editor showed and not Excel's row 3 either."""
    path = tmp_path / "incassi.csv"
    path.write_text('sep=;\nFattura;Note\nFT-1;"riga uno\nriga due"\nFT-2;' + "x" * 140_000 + "\n", encoding="utf-8")
    for read in (read_csv, text_rows):
        with pytest.raises(UnusableInput) as refused:
            read(path)
        assert "ha alla riga 5 (la riga 3 in Excel) un valore" in refused.value.problem.message("it")
        assert "on line 5 (row 3 in Excel)" in refused.value.problem.message("en")
    wide = tmp_path / "ordini.csv"
    wide.write_text("sep=;\nA;B\n" + ";" * 16_384 + "x\n", encoding="utf-8")
    with pytest.raises(UnusableInput) as refused:
        read_csv(wide)
    assert "(riga 3, che Excel mostra come riga 2: 16385 valori, più delle" in refused.value.problem.message("it")
    assert "line 3, which Excel shows as row 2: 16385 values" in refused.value.problem.message("en")
    plain = tmp_path / "plain.csv"
    plain.write_text("Fattura;Note\nFT-2;" + "x" * 140_000 + "\n", encoding="utf-8")
    with pytest.raises(UnusableInput) as refused:
        text_rows(plain)
    assert "ha alla riga 2 un valore" in refused.value.problem.message("it")
