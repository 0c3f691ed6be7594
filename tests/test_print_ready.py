"""Every sheet the toolkit writes prints on A4, one page wide, with no text running into other text.

The documents are those of the demo's April on the bundled sample (order documents and DDTs of
a day, the accountants' workbook and the invoice copies, the panel, the payment schedule, the
data-check report, the master workbook itself, a derived price list), the distribution, complete
and production lists, the calendar, and the front-end workbook `workbooks/ordini-ricorrenti.xlsm` (its panel too).

The page setup is read back with openpyxl. The print is checked where users see it: every
workbook goes through LibreOffice to PDF, and poppler's `pdftotext -bbox-layout` gives each
word's box. Those boxes span the font's whole ascent and descent, a little taller than the line
spacing LibreOffice uses inside one wrapped cell, so the lines of one cell overlap by about a
tenth of their height; text that runs into the next row, or a clipped label under its
neighbour's value, overlaps most of it. A word overlaps another when they share more than half
a point across and more than a quarter of the smaller height.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import column_index_from_string, get_column_letter

from toolkit.writers.libreoffice import convert_all, soffice
from toolkit.writers.printable import SMALLEST_SCALE
from toolkit.writers.row_heights import LINE_HEIGHT, PADDING, SAFETY, fit_row, lines_needed, text_width

APRIL = (date(2026, 4, 1), date(2026, 4, 30))
XLSM = Path(__file__).resolve().parents[1] / "workbooks" / "ordini-ricorrenti.xlsm"
A4 = (595.3, 841.9)
"""A4 in points, portrait."""
INTERNAL_KEY = re.compile(r"^(project|ship-to):")

@pytest.fixture(scope="module")
def written(tmp_path_factory, demo_april) -> dict[str, Path]:
    """Document kind → the workbook written for it."""
    from toolkit.core.invoicing import Period
    from toolkit.ledger import open_ledger
    from toolkit.services import calendar, invoicing, lists, printing
    from toolkit.services.check import check_file
    from toolkit.services.printing import Selection

    out = tmp_path_factory.mktemp("print-ready")
    demo = demo_april.copy(out / "demo")
    master = check_file(demo / "anagrafiche.xlsx").master
    assert master is not None
    ledger = open_ledger(f"sqlite:///{demo / 'anagrafiche.xlsx.ledger.sqlite'}")
    try:
        documents = {
            "orders": demo / "ordini" / "ordini-2026-04-09.xlsx",
            "ddt": demo / "ddt" / "ddt-2026-04-09.xlsx",
            "register": demo / "fatture" / "fatture-2026-04.xlsx",
            "copies": demo / "fatture" / "copie-fatture-2026-04.xlsx",
            "panel": demo / "pannello.xlsx",
            "payments": demo / "scadenzario.xlsx",
            "data-check": demo / "controllo-dati.xlsx",
            "master": demo / "anagrafiche.xlsx",
            "distribution": lists.distribution(master, ledger, *APRIL, out / "distribuzione.xlsx", "it"),
            "complete": lists.distribution(master, ledger, *APRIL, out / "completa.xlsx", "it", complete=True),
            "production": lists.production(master, ledger, *APRIL, out / "produzione.xlsx", "it"),
            "calendar": calendar.plan(master, *APRIL, out=out / "calendario.xlsx", lang="it").file,
            "prices": demo / "listini" / "listino-INGROSSO-2026-04-30.xlsx",
            "sales-report": demo / "report-vendite.xlsx",
            "aging-report": demo / "report-scadenziario.xlsx",
            "discount": sorted((demo / "sconti").glob("sconto-volume-*.xlsx"))[0],
            "commissions": sorted((demo / "provvigioni").glob("provvigioni-*-*-*_*.xlsx"))[0],
            "commissions-summary": demo / "provvigioni" / "provvigioni-20260401-20260430.xlsx",
            "front-end": XLSM,
        }
        english = invoicing.export_month(master, ledger, Period(*APRIL), out / "en", "en").files
        documents["register-en"] = next(p for p in english if p.suffix == ".xlsx")
        day = Selection(first=date(2026, 4, 9), last=date(2026, 4, 9))
        for kind in ("orders", "ddt"):
            documents[f"{kind}-en"] = printing.print_documents(master, ledger, kind, day, out / f"{kind}-en.xlsx",
                                                               "en", lang_asked=True).written
    finally:
        ledger.engine.dispose()
    for path in documents.values():
        assert path is not None and path.exists(), path
    return documents  # type: ignore[return-value]


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("Via Giuseppe Garibaldi 127, 50145 Firenze", 40, 1),
    ("Via Giuseppe Garibaldi 127, 50145 Firenze", 30, 2),
    ("Via Giuseppe Garibaldi 127, 50145 Firenze", 20, 3),
    ("Tipo documento", 13, 2),
    ("Tipo documento", 16, 1),
    ("first line\nsecond line", 40, 2),
    ("DDT-2026-00012", 5, 4),
    ("", 10, 1),
])
def test_lines_a_wrapped_text_needs(text, width, lines):
    assert lines_needed(text, width) == lines


WORDS = st.lists(st.text(alphabet="aiMW0.-€ç", min_size=1, max_size=12), min_size=1, max_size=10).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(paragraphs=st.lists(WORDS, min_size=1, max_size=3), ratio=st.floats(0.2, 1.3), bold=st.booleans(),
       size=st.sampled_from([9, 11, 14]))
def test_lines_needed_counts_as_word_by_word(paragraphs, ratio, bold, size):
    """The count that measures a fitting paragraph whole is the word-by-word count, for
    columns from a fifth of the text's width to a little wider than it."""
    from tests.oracles.lines_word_by_word import lines_needed as word_by_word

    text = "\n".join(paragraphs)
    width = max(text_width(p, bold=bold, size=size) for p in paragraphs) * ratio + PADDING
    assert lines_needed(text, width, bold, size) == word_by_word(text, width, bold, size)


def test_only_a_wrapping_row_gets_a_height(tmp_path):
    from toolkit.writers.printable import new_workbook

    book = new_workbook(tmp_path / "rows.xlsx", "report")
    sheet = book.add_worksheet()
    fit_row(sheet, 0, [("short", 20), (None, 5), (12.5, 3)])
    fit_row(sheet, 1, [("Via Giuseppe Garibaldi 127, 50145 Firenze", 20)])
    book.close()
    read = openpyxl.load_workbook(tmp_path / "rows.xlsx").active
    assert read.row_dimensions[1].height is None
    assert read.row_dimensions[2].height == 3 * LINE_HEIGHT


def sheets(path: Path):
    book = openpyxl.load_workbook(path, read_only=False, keep_vba=False)
    try:
        yield from book.worksheets
    finally:
        book.close()


KINDS = ["orders", "ddt", "register", "copies", "panel", "payments", "data-check", "master", "distribution",
         "complete", "production", "calendar", "front-end", "register-en", "orders-en", "ddt-en", "sales-report",
         "aging-report", "discount", "commissions", "commissions-summary"]


def test_the_panel_is_zipped_at_zlib_s_level_5(written):
    """The panel is zipped at zlib's level 5 as the lists are (`streaming.QUICK_ZIP_LEVEL`): at
    L its zip 6.0 → 3.3 s of CPU for a file 2.8 % larger. Each sheet is level 5's deflate, not
    level 6's; LibreOffice prints it as before (`test_every_page_prints_on_a4`)."""
    import zipfile
    import zlib

    def deflated(data: bytes, level: int) -> int:
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        return len(packer.compress(data) + packer.flush())

    with zipfile.ZipFile(written["panel"]) as book:
        sheets = [(part.compress_size, book.read(part)) for part in book.infolist()
                  if part.filename.startswith("xl/worksheets/")]
    assert len(sheets) == 2
    assert [size for size, _ in sheets] == [deflated(data, 5) for _, data in sheets]
    assert [size for size, _ in sheets] != [deflated(data, 6) for _, data in sheets]


@pytest.mark.parametrize("kind", KINDS)
def test_every_sheet_is_set_up_for_a4_one_page_wide(written, kind):
    for sheet in sheets(written[kind]):
        setup = sheet.page_setup
        assert int(setup.paperSize) == 9, (kind, sheet.title)
        assert setup.orientation in ("portrait", "landscape"), (kind, sheet.title)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, (kind, sheet.title)
        assert int(setup.fitToHeight) == 0, (kind, sheet.title)
        if int(setup.fitToWidth or 1) > 1:  # a wide table, on pages side by side: its key on each
            assert sheet.print_title_cols == "$A:$A" and setup.pageOrder == "overThenDown", (kind, sheet.title)


@pytest.mark.parametrize("kind", KINDS)
def test_no_internal_key_reaches_a_document(written, kind):
    for sheet in sheets(written[kind]):
        for row in sheet.iter_rows(values_only=True):
            assert not [v for v in row if isinstance(v, str) and INTERNAL_KEY.match(v)], (kind, sheet.title)


@pytest.mark.parametrize("kind", KINDS)
def test_a_row_made_taller_for_wrapped_text_starts_every_cell_at_the_top(written, kind):
    """A row `fit_row` made taller prints its wrapped text from the top; a cell beside it (a
    customer's code, an order's status) must start there too, not sit on the row's bottom
    line."""
    for sheet in sheets(written[kind]):
        for number, dimension in sheet.row_dimensions.items():
            if not dimension.customHeight or not dimension.height or dimension.height <= LINE_HEIGHT:
                continue
            low = [cell.coordinate for cell in sheet[number]
                   if cell.value is not None and cell.alignment.vertical in (None, "bottom")]
            assert not low, (kind, sheet.title, number, low)


@pytest.mark.parametrize("kind", KINDS)
def test_no_text_is_cut_off_by_the_cell_beside_it(written, kind):
    """A text that does not wrap prints whole only if its column is wide enough: the next cell,
    when it has a value, cuts it off (a bold label "Scaglione raggiunto" printed as "Scaglione
    raggiunt"). Measured with the row heights' estimate of a text's width without its safety
    margin (DejaVu Sans, wider than the fonts LibreOffice and Excel print with), and a text
    that starts at the left only (a right-aligned one runs to the left)."""
    for sheet in sheets(written[kind]):
        widths = {col: dimension.width for dimension in sheet.column_dimensions.values() if dimension.customWidth
                  for col in range(dimension.min, dimension.max + 1)}
        merged = {cell for cells in sheet.merged_cells.ranges for cell in cells.cells}
        for row in sheet.iter_rows():
            for cell, beside in zip(row, row[1:]):
                if (not isinstance(cell.value, str) or cell.data_type == "f" or beside.value in (None, "")
                        or cell.alignment.wrap_text or cell.alignment.horizontal not in (None, "general", "left")
                        or (cell.row, cell.column) in merged):
                    continue
                width = widths.get(cell.column, 8.43)
                size = float(cell.font.sz or 11)
                needed = text_width(cell.value, bold=bool(cell.font.b), size=size) / SAFETY + PADDING
                assert needed <= width * 1.05, (kind, sheet.title, cell.coordinate, cell.value, round(needed, 1), width)


READ_BY_CUSTOMERS = ["orders", "ddt", "copies", "prices", "discount", "commissions", "orders-en", "ddt-en"]
SMALLEST_PRINT = 8.0
"""Points: the smallest print a document the customer receives may have."""


def printed_points(sheet) -> float:
    """The size Excel prints an 11-point text at once it fits the sheet's columns to the page's
    width: a column's width as the file stores it (its padding included) is pixels / 7 in the
    default font, one of the default width 64 pixels, the page's width less its margins at 96
    pixels an inch."""
    widths = {col: dimension.width for dimension in sheet.column_dimensions.values() if dimension.customWidth
              for col in range(dimension.min, dimension.max + 1)}
    last = sheet.max_column
    if sheet.print_area:  # the report's summary prints A–L, its charts' data stays right of them
        last = column_index_from_string(re.findall(r"\$([A-Z]+)\$", sheet.print_area)[-1])
    pixels = sum(round(widths[col] * 7) if col in widths else 64 for col in range(1, last + 1))
    paper = A4[1] if sheet.page_setup.orientation == "landscape" else A4[0]
    room = (paper / 72 - sheet.page_margins.left - sheet.page_margins.right) * 96
    pages = int(sheet.page_setup.fitToWidth or 1) if sheet.sheet_properties.pageSetUpPr.fitToPage else 1
    return 11 * min(1.0, pages * room / pixels)


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "calendar"])
def test_no_sheet_prints_too_small_to_read(written, kind):
    """A table too wide for one page at 6 points prints on pages side by side
    (`printable.pages_wide`): the accountants' register of 17 columns printed at 4.6 points, the
    customers' master sheet at 3.8. The calendar is left out: a month on one page, its days'
    columns holding marks to read across, is what it is for."""
    for sheet in sheets(written[kind]):
        assert printed_points(sheet) >= 11 * SMALLEST_SCALE, (kind, sheet.title, round(printed_points(sheet), 1))


@pytest.mark.parametrize("kind", READ_BY_CUSTOMERS)
def test_a_document_for_the_customer_prints_large_enough_to_read(written, kind):
    """Fitting a sheet to the page's width shrinks its print: the invoice copies' ten columns
    printed at 7 points in Excel, 6 in LibreOffice, before their DDTs moved to a row above
    their lines."""
    for sheet in sheets(written[kind]):
        assert printed_points(sheet) >= SMALLEST_PRINT, (kind, sheet.title, round(printed_points(sheet), 1))


def test_the_grouping_reads_as_words_in_either_language(written):
    def groups(path: Path) -> set[str]:
        lines = openpyxl.load_workbook(path, read_only=True).worksheets[2]  # Righe / Lines
        rows = lines.iter_rows(values_only=True)
        column = next(rows).index("Raggruppamento" if "fatture" in path.name else "Grouping")
        return {row[column] for row in rows if row[column]}

    assert {"Progetto PRJ-B", "Destinazione D019", "Sede del cliente"} <= groups(written["register"])
    assert {"Project PRJ-B", "Ship to D019", "Customer's address"} <= groups(written["register-en"])


def test_amounts_show_the_euro_sign_and_stay_numbers(written):
    register = openpyxl.load_workbook(written["register"])["Registro"]
    headings = [c.value for c in register[3]]
    first = register[4]
    for heading in ("Imponibile", "IVA", "Totale"):
        cell = first[headings.index(heading)]
        assert cell.number_format == '#,##0.00 "€"_0' and cell.data_type == "f", heading
    order = openpyxl.load_workbook(written["orders"]).worksheets[0]
    found = {c.value: c for row in order.iter_rows() for c in row if c.value is not None}
    heading_row = found["Importo"].row
    line = {order.cell(heading_row, c.column).value: c for c in order[heading_row + 1]}
    assert line["Importo"].number_format == '#,##0.00 "€"_0' and line["Importo"].data_type == "n"
    assert line["Prezzo unitario"].number_format == '#,##0.00#### "€"_0'
    assert line["Quantità"].number_format == "General_0"
    prices = openpyxl.load_workbook(written["master"])["Prezzi"]
    assert prices["D2"].number_format == '#,##0.00 "€"' and prices["D2"].data_type == "n"


def words(pdf: Path) -> list[tuple[int, float, float, tuple[float, float, float, float, str]]]:
    """Per word: its page, the page's width and height, and its box (x0, y0, x1, y1, text)."""
    html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", html))
    xhtml = "{http://www.w3.org/1999/xhtml}"
    found = []
    for number, page in enumerate(root.iter(f"{xhtml}page"), start=1):
        width, height = float(page.get("width", 0)), float(page.get("height", 0))
        for word in page.iter(f"{xhtml}word"):
            box = tuple(float(word.get(k, 0)) for k in ("xMin", "yMin", "xMax", "yMax"))
            found.append((number, width, height, (*box, word.text or "")))
    return found  # type: ignore[return-value]


def overlaps(pdf: Path) -> list[tuple[int, str, str]]:
    """The pairs of words whose boxes overlap (see the module's docstring), with their page."""
    by_page: dict[int, list] = {}
    for page, _, _, box in words(pdf):
        by_page.setdefault(page, []).append(box)
    found = []
    for page, boxes in by_page.items():
        boxes.sort(key=lambda b: b[1])
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                if b[1] >= a[3]:
                    break
                across = min(a[2], b[2]) - max(a[0], b[0])
                down = min(a[3], b[3]) - max(a[1], b[1])
                if across > 0.5 and down > 0.25 * min(a[3] - a[1], b[3] - b[1]):
                    found.append((page, a[4], b[4]))
    return found


@pytest.fixture(scope="module")
def printed(written, tmp_path_factory) -> dict[str, Path]:
    """Document kind → its PDF, all printed in one LibreOffice run."""
    if soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) or pdftotext (poppler-utils) is not installed")
    folder = tmp_path_factory.mktemp("pdf")
    sources = []
    for kind, path in written.items():
        copy = folder / "in" / f"{kind}{path.suffix}"
        copy.parent.mkdir(exist_ok=True)
        shutil.copy(path, copy)
        sources.append(copy)
    pdfs = convert_all(sources, "pdf", folder / "out")
    return {source.stem: pdf for source, pdf in zip(sources, pdfs)}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.libreoffice
def test_every_page_prints_on_a4(printed, kind):
    sizes = {(round(min(w, h), 1), round(max(w, h), 1)) for _, w, h, _ in words(printed[kind])}
    assert sizes == {A4}, kind


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.libreoffice
def test_no_printed_text_runs_into_other_text(printed, kind):
    assert overlaps(printed[kind]) == [], kind


@pytest.mark.parametrize("fitted", [False, True])
@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or pdftotext (poppler-utils) is not installed")
def test_the_overlap_check_sees_a_row_too_short_for_its_text(tmp_path, fitted):
    """The check itself: an address wrapped on three lines in a one-line row runs into the next
    row; with `fit_row` it does not. This is what the writers looked like before row heights."""
    from toolkit.writers.printable import a4, formats, new_workbook

    book = new_workbook(tmp_path / "rows.xlsx", "report")
    fmt = formats(book)
    sheet = book.add_worksheet()
    sheet.set_column(0, 0, 20)
    for row in range(4):
        sheet.write_string(row, 0, "Via Giuseppe Garibaldi 127, 50145 Firenze", fmt.wrap)
        sheet.write_string(row, 1, f"Riga {row}")
        if fitted:
            fit_row(sheet, row, [("Via Giuseppe Garibaldi 127, 50145 Firenze", 20)])
    a4(sheet)
    book.close()
    (pdf,) = convert_all([tmp_path / "rows.xlsx"], "pdf", tmp_path)
    assert bool(overlaps(pdf)) is not fitted


@pytest.mark.parametrize("kind", ["register", "register-en"])
@pytest.mark.libreoffice
def test_a_register_printed_side_by_side_has_its_whole_title_on_every_page(written, printed, kind):
    """Its first column is repeated on the page beside, and a title in a cell above the table
    printed there cut off at that column's edge (*Registro fattu*; text extraction still reads
    it whole): the title prints in the page header, and the print starts at the headings."""
    sheet = openpyxl.load_workbook(written[kind]).worksheets[0]
    title = str(sheet["A1"].value)
    assert sheet.oddHeader.left.text == title and sheet.print_area == (
        f"'{sheet.title}'!$A$3:${get_column_letter(sheet.max_column)}${sheet.max_row}")
    pages: dict[int, list[str]] = {}
    for page, _, _, box in words(printed[kind]):
        pages.setdefault(page, []).append(box[4])
    registers = [found for found in pages.values() if found[0] == title.split()[0]]
    assert len(registers) > 1 and all(found[:len(title.split())] == title.split() for found in registers), kind


@pytest.mark.parametrize("kind", ["orders", "orders-en", "ddt", "ddt-en", "copies"])
def test_every_document_names_itself_in_its_page_header(written, kind):
    """Orders, DDTs and invoices repeat their column headings on each page, and their page
    header names the document: its kind, number (the sheet's name), date and customer."""
    number, dated = ("n.", "del") if not kind.endswith("-en") else ("no.", "dated")
    documents = list(sheets(written[kind]))
    assert documents
    for sheet in documents:
        header = sheet.oddHeader.left.text or ""
        assert re.search(rf"\w {re.escape(number)} {re.escape(sheet.title)} {dated} \d\d/\d\d/2026 – \w", header), \
            (kind, sheet.title, header)


def figure_against_text(cell, after) -> bool:
    """`cell` prints a figure flush against its right edge and `after`, the cell to its right,
    text flush against its left: no blank at the end of the figure's format
    (`printable.FIGURE_ROOM`), no indent on either."""
    from toolkit.writers.printable import FIGURE_ROOM

    figure = cell.data_type in ("n", "d") or (cell.data_type == "f" and cell.number_format != "General")
    flush_right = (cell.alignment.horizontal or "general") in ("general", "right") and not cell.alignment.indent \
        and not cell.number_format.endswith(FIGURE_ROOM)
    flush_left = (after.alignment.horizontal or "general") in ("general", "left") and not after.alignment.indent
    return figure and flush_right and after.data_type == "s" and bool(after.value) and flush_left


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in ("master", "front-end")])
def test_no_figure_runs_into_the_text_beside_it(written, kind):
    """A figure (amount, quantity, date) right-aligned in its cell printed under a point from
    the text of the next column: every figure's format ends with a blank a digit wide."""
    touching = [f"{sheet.title}!{cell.coordinate}: {cell.value!r} {after.value!r}"
                for sheet in sheets(written[kind]) for row in sheet.iter_rows()
                for cell, after in zip(row, row[1:]) if cell.value is not None and figure_against_text(cell, after)]
    assert touching == [], touching[:5]


def gaps_before(pdf: Path, pattern: str) -> list[float]:
    """Before each printed word `pattern` finds, the room from the word before it on its line,
    in the word's heights; 0 when the two were read as one word."""
    found = []
    line: list[tuple[float, float, float, float, str]] = []
    for *_, box in words(pdf) + [(0, 0.0, 0.0, (0.0, -1.0, 0.0, 0.0, ""))]:
        if line and abs(box[1] - line[-1][1]) > 0.5:
            for before, word in zip(line, line[1:]):
                match = re.search(pattern, word[4])
                if match:
                    found.append(0.0 if match.start() else (word[0] - before[2]) / (word[3] - word[1]))
            line = []
        line.append(box)
    return found


@pytest.mark.parametrize(("kind", "pattern"), [
    ("ddt", r"OC-2026-\d{5}$"), ("complete", r"Ordine$"), ("panel", r"(Completato|In corso|Bozza)$"),
    ("payments", r"^(Sì|No)$")])
@pytest.mark.libreoffice
def test_printed_figures_stand_apart_from_the_next_column(printed, kind, pattern):
    """The audit's cases: a DDT's quantity before its order's number, the complete list's
    remaining quantity before the document type, the panel's amount before the status, the
    payment schedule's outstanding amount before *Sì*/*No*: under a sixth of the line's height
    apart (a space is about that), now more than two fifths."""
    gaps = gaps_before(printed[kind], pattern)
    assert gaps and min(gaps) > 0.4, sorted(gaps)[:5]
