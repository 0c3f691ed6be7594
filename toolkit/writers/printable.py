"""What every printable document sheet shares: formats, the seller's header, A4 page setup.

Orders, DDTs, invoices and lists all print with the same look, so a customer recognises the
company's papers. All user text goes through `text()`, which writes strings as strings: a
customer called `=HYPERLINK(...)` stays text in every document.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from heapq import nlargest
from pathlib import Path
from typing import Any

from xlsxwriter.exceptions import DuplicateWorksheetName
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from toolkit.basics import vat_ids, wording
from toolkit.basics.files import KIND_PROPERTY, write_atomic
from toolkit.basics.labels import define, label, labeller
from toolkit.basics.runtime import collector_paused
from toolkit.basics.vocab import Liquidation, Shareholders
from toolkit.basics.wording import euro
from toolkit.core.lines import DocumentLine
from toolkit.model.parties import Buyer, Destination, Seller, seller_of
from toolkit.model.records import Customer, Settings, ShipTo
from toolkit.writers.document_sheets import DocumentWorksheet
from toolkit.writers.row_heights import PADDING, fit_row, text_width

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                    "default_format_properties": {"font_name": "Calibri", "font_size": 11, "valign": "top"}}
"""Every cell is aligned to the top unless its format says otherwise: a row made taller for a
wrapped cell (`fit_row`) had its other unformatted cells (a customer's code, an order's
status) printed at the bottom, beside text that starts at the top."""
PROPERTIES = {"author": "toolkit"}
"""The document properties every written workbook carries: Excel's File › Info shows the
author, so a file found in a folder says what made it."""

define({"doc.identity": ("{kind} n. {number} del {day}", "{kind} no. {number} dated {day}")})

MONEY_FORMAT = '#,##0.00 "€"'
"""Amounts as Italian documents show them: Excel on an Italian system displays `1.234,50 €`
(the separators follow the system, so an English one shows `1,234.50 €`; a PDF always prints
them the Italian way, `libreoffice.LOCALE`); the cell stays a number, so formulas and sums
keep working."""
PRICE_FORMAT = '#,##0.00#### "€"'
"""A unit price: at least cents, up to the six decimals a price list may hold."""
FIGURE_ROOM = "_0"
"""What a figure's format (an amount, a quantity, a date, a percentage) ends with: a blank a
digit wide, Excel's way of keeping figures off a cell's right edge (`_)` in its accounting
formats). Right-aligned, a figure ran into the left-aligned text of the next column,
LibreOffice leaving under a point between them: *4 OC-2026-00044* on a DDT, *0Ordine
standard* on the complete list, *26,58 € Completato* on the panel. An indent in the cell's
alignment would say the same, but LibreOffice 7.4 ignores it on a right-aligned number in
many sheets; the blank is part of the shown text, so every client prints it."""


def figure(num_format: str) -> str:
    """`num_format` with `FIGURE_ROOM` after it: every printed figure's format."""
    return num_format + FIGURE_ROOM



class DocumentsWorkbook(Workbook):
    """A workbook made for thousands of sheets (one per order, DDT or invoice).

    XlsxWriter compares each new sheet name with every earlier one: 8,000 order sheets took
    36 s of a 60 s profile in that check alone. Here its name rules still apply, and the
    case-insensitive uniqueness is looked up in a set. Its sheets write their cells' XML with
    less work per cell, the same bytes, each as soon as the next sheet begins
    (`document_sheets`).
    """

    worksheet_class = DocumentWorksheet

    worksheets_objs: list[Any]
    """XlsxWriter's list of the sheets, in order (XlsxWriter has no type stubs)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._taken: set[str] = set()

    def add_worksheet(self, name=None, worksheet_class=None):
        """A new sheet, the one before it finished (`DocumentWorksheet.finish`): each document
        is written whole before the next begins."""
        if self.worksheets_objs and isinstance(self.worksheets_objs[-1], DocumentWorksheet):
            self.worksheets_objs[-1].finish()
        return super().add_worksheet(name, worksheet_class)

    def _check_sheetname(self, sheetname, is_chartsheet=False):
        earlier = self.worksheets_objs
        self.worksheets_objs = []
        try:
            name = super()._check_sheetname(sheetname, is_chartsheet)
        finally:
            self.worksheets_objs = earlier
        if name.lower() in self._taken:
            raise DuplicateWorksheetName(f"Sheetname '{name}', with case ignored, is already in use.")
        self._taken.add(name.lower())
        return name


def marked(book: Workbook, kind: str) -> Workbook:
    """`book` with the toolkit's document properties, its `kind` of output among them
    (`files.KIND_PROPERTY`): what lets `--out` replace the same command's earlier file and
    nothing else (`files.refuse_other_file`)."""
    book.set_properties(PROPERTIES)
    book.set_custom_property(KIND_PROPERTY, kind)
    return book


def new_workbook(path, kind: str) -> Workbook:
    """An XlsxWriter workbook that never turns user text into formulas or links.

    Sheets are assembled in memory: the documents have one sheet per order, DDT or invoice, and
    XlsxWriter's default of one temporary file per sheet cost more than the sheets' data.
    """
    return marked(DocumentsWorkbook(str(path), {**WORKBOOK_OPTIONS, "in_memory": True}), kind)


def write_book(target: Path, write: Callable[[Path], None]) -> Path:
    """`write_atomic` with the cycle collector paused (`collector_paused`): a day's order
    documents keep every cell and sheet in memory until the file is closed, hundreds of
    thousands of small objects in no cycle that must go early, and the collector walked them
    again and again (3 % of writing the panel and order documents at M and at L)."""
    with collector_paused():
        return write_atomic(target, write)


@dataclass(frozen=True)
class Formats:
    title: Any
    bold: Any
    header: Any
    text: Any
    wrap: Any
    date: Any
    quantity: Any
    money: Any
    price: Any
    percent: Any
    total_label: Any
    total: Any
    shaded: Any
    link: Any


def formats(book: Workbook) -> Formats:
    f = book.add_format
    return Formats(
        title=f({"bold": True, "font_size": 14}),
        bold=f({"bold": True}),
        header=f({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}),
        text=f({"valign": "top"}),
        wrap=f({"text_wrap": True, "valign": "top"}),
        date=f({"num_format": figure("dd/mm/yyyy"), "valign": "top"}),
        quantity=f({"num_format": figure("General"), "valign": "top"}),
        money=f({"num_format": figure(MONEY_FORMAT), "valign": "top"}),
        price=f({"num_format": figure(PRICE_FORMAT), "valign": "top"}),
        percent=f({"num_format": figure("0.##"), "valign": "top"}),
        total_label=f({"bold": True, "align": "right", "top": 1}),
        total=f({"bold": True, "num_format": figure(MONEY_FORMAT), "top": 1}),
        shaded=f({"bg_color": "#EDEDED"}),
        link=f({"font_color": "blue", "underline": 1, "valign": "top"}),
    )


def text(sheet: Worksheet, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Write any value with its proper type; text always as a string, never a formula. Strings
    and numbers, most of a document's cells, are told by their exact type first."""
    kind = type(value)
    if kind is str:
        sheet.write_string(row, col, value, fmt)
    elif kind is Decimal or kind is int:
        sheet.write_number(row, col, float(value), fmt)
    elif value is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float, Decimal)):
        sheet.write_number(row, col, float(value), fmt)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def line_cells(sheet: Worksheet, row: int, col: int, line: DocumentLine, fmt: Formats, *, price: bool = True,
               wrap: bool = True, description: str | None = None, quantity: Decimal | None = None) -> int:
    """A line as every document prints it, from column `col`: item, description, unit, quantity
    and, with `price`, the unit price; returns the next free column. An order adds the line's
    note to the description and a DDT shows the goods that travel (a return's quantity as
    positive): they pass their own `description` or `quantity`."""
    text(sheet, row, col, line.item, fmt.text)
    text(sheet, row, col + 1, line.description if description is None else description, fmt.wrap if wrap else fmt.text)
    text(sheet, row, col + 2, line.unit, fmt.text)
    text(sheet, row, col + 3, line.quantity if quantity is None else quantity, fmt.quantity)
    if not price:
        return col + 4
    text(sheet, row, col + 4, line.unit_price, fmt.price)
    return col + 5


def set_widths(sheet: Worksheet, widths: Sequence[float], first: int = 0) -> Sequence[float]:
    """Columns `first`, `first + 1`… get `widths`; returned, for `fit_row` and `headings`."""
    for col, width in enumerate(widths, start=first):
        sheet.set_column(col, col, width)
    return widths


def fitting_width(texts: Iterable[str], at_least: float, *, bold: bool = False, at_most: float = 48) -> float:
    """A column as wide as the widest of `texts`, from `at_least` to `at_most`: a text wider
    than its column is cut off in print by the cell beside it (a bold label such as
    "Scaglione raggiunto", whose width changes with the language; a customer's name in a
    report). Only the twenty longest distinct texts are measured, a large distributor's
    report having tens of thousands (`longest_texts`). The width is rounded up to a tenth: at the exact
    width the longest text measured word by word (`lines_needed`) could come out a hair too
    wide, and its row two lines tall."""
    longest = longest_texts(texts, 20)
    widest = max([at_least, *(text_width(text, bold=bold) + PADDING for text in longest)])
    return min(at_most, math.ceil(widest * 10) / 10)


def longest_texts(texts: Iterable[str], count: int) -> list[str]:
    """The `count` longest distinct `texts`, of texts of one length those last by their letters:
    not a set's order, which changes with each process's string hashing, so that the same list
    written twice has its columns as wide.

    >>> sorted(longest_texts(["ab", "b", "ba", "ab", "c"], 2))
    ['ab', 'ba']
    """
    return nlargest(count, set(texts), key=_length_then_letters)


def _length_then_letters(text: str) -> tuple[int, str]:
    return len(text), text


def headings(sheet: Worksheet, row: int, col: int, labels: Sequence[str], fmt: Formats,
             widths: Sequence[float]) -> None:
    """A row of column headings (they wrap), tall enough for the longest one."""
    sheet.write_row(row, col, labels, fmt.header)
    fit_row(sheet, row, zip(labels, widths), bold=True)


def company_header(sheet: Worksheet, fmt: Formats, settings: Settings | Seller, lang: str) -> int:
    """The seller's name, address and VAT number in rows 0–2; returns the next free row."""
    vat = "P. IVA" if lang == "it" else "VAT no."
    text(sheet, 0, 0, settings.company_name, fmt.title)
    text(sheet, 1, 0, f"{settings.address}, {settings.postcode} {settings.city}"
         + (f" ({settings.province})" if settings.province else ""))
    text(sheet, 2, 0, f"{vat} IT{settings.vat_number}"
         + (f" – C.F. {settings.tax_code}" if settings.tax_code else ""))
    if registered := registration_line(seller_of(settings) if isinstance(settings, Settings) else settings, lang):
        text(sheet, 3, 0, registered)
    return 4


def registration_line(seller: Seller, lang: str) -> str | None:
    """What art. 2250 c.c. asks a company's documents to say of it: the REA office and number,
    the share capital, a sole shareholder and a liquidation; None for a seller giving no REA.

    >>> s = Seller(company_name="R", vat_number="1", address="A", postcode="1", city="C", rea_office="MI",
    ...            rea_number="1234567", share_capital="10000.00", paid_in_capital="10000.00", shareholders="SU",
    ...            liquidation="LS")
    >>> registration_line(s, "it")
    'REA MI-1234567 – Cap. soc. € 10.000,00 i.v. – Socio unico – In liquidazione'
    >>> from dataclasses import replace
    >>> registration_line(replace(s, paid_in_capital="2500.00", shareholders=None, liquidation=None), "it")
    'REA MI-1234567 – Cap. soc. € 10.000,00, versato € 2.500,00'
    >>> registration_line(replace(s, paid_in_capital=None, shareholders=None, liquidation=None), "it")
    'REA MI-1234567 – Capitale sociale 10.000,00 €'

    The capital is paid in full (*i.v.*, *interamente versato*) unless *Capitale versato* says a
    part: art. 2250 wants the capital the documents state to be the one paid in, so a part is
    printed beside the capital, as letterheads write it. A document kept before the part paid in
    was (`Seller.paid_in_capital` None) reprints as it first printed, with no *i.v.*."""
    if not (seller.rea_office and seller.rea_number):
        return None
    it = lang == "it"
    parts = [f"REA {seller.rea_office}-{seller.rea_number}"]
    if seller.share_capital is not None:
        capital = _capital(Decimal(seller.share_capital), lang)
        if seller.paid_in_capital is None:
            parts.append(f"{'Capitale sociale' if it else 'Share capital'} {euro(Decimal(seller.share_capital), lang)}")
        elif Decimal(seller.paid_in_capital) == Decimal(seller.share_capital):
            parts.append(f"Cap. soc. {capital} i.v." if it else f"Share capital {capital} fully paid")
        else:
            paid = _capital(Decimal(seller.paid_in_capital), lang)
            parts.append(f"Cap. soc. {capital}, versato {paid}" if it else f"Share capital {capital}, paid in {paid}")
    if seller.shareholders == Shareholders.ONE:
        parts.append("Socio unico" if it else "Sole shareholder")
    if seller.liquidation == Liquidation.IN:
        parts.append("In liquidazione" if it else "In liquidation")
    return " – ".join(parts)


def _capital(value: Decimal, lang: str) -> str:
    """An amount of capital as letterheads print it, the euro before it: `€ 10.000,00`, `€10,000.00`."""
    return f"€ {wording.number(value, lang, 2)}" if lang == "it" else euro(value, lang)


def party_lines(customer: Customer | Buyer, lang: str, *, goods: bool = True) -> list[str]:
    """The buyer's name, address and tax ids; a Northern Ireland VAT number as the e-invoice
    names it on a document of services alone (`goods` False: GB, `vat_ids.named_number`)."""
    vat = "P. IVA" if lang == "it" else "VAT no."
    lines = [customer.name, customer.address, _place(customer)]
    if customer.vat_number:
        foreign = vat_ids.vat_country(customer.vat_number) != "IT"
        number = vat_ids.named_number(customer.vat_number, vat_ids.country_code(customer.country), goods=goods)
        lines.append(f"{vat} {'' if foreign else customer.country}{number}")
    if customer.tax_code and customer.tax_code != customer.vat_number:
        lines.append(f"C.F. {customer.tax_code}")
    return lines


def side_by_side(sheet: Worksheet, row: int, left: Sequence[str], right: Sequence[str], fmt: Formats,
                 widths: Sequence[float], *, split: int = 3) -> int:
    """The buyer's lines beside the destination's, a row each from `row`, the left ones across
    the columns before `split`, the right ones from `split` to the last of `widths`, wrapped
    and each row as tall as its longer text; returns the row after them. A line written in one
    column ran on into the empty ones beside it and stopped at the other side's text: a
    ragione sociale of 84 characters (FatturaPA takes 80 and more) printed «… Fratelli Bianchi
    e Figli a», cut on the document that names who receives the goods."""
    last = len(widths) - 1
    left_room, right_room = sum(widths[:split]), sum(widths[split:])
    for i in range(max(len(left), len(right))):
        pair = (left[i] if i < len(left) else None, right[i] if i < len(right) else None)
        for (first, end), value in zip(((0, split - 1), (split, last)), pair):
            sheet.merge_range(row + i, first, row + i, end, "", fmt.wrap)
            text(sheet, row + i, first, value, fmt.wrap)
        fit_row(sheet, row + i, [(pair[0], left_room), (pair[1], right_room)])
    return row + max(len(left), len(right))


def address_lines(ship_to: ShipTo | Destination | None, customer: Customer | Buyer) -> list[str]:
    """The destination: a shipping address, or the customer's own when there is none, with its
    province as the buyer's lines show it (the DDT's *Luogo di destinazione* dropped it)."""
    if ship_to is None:
        return [customer.name, customer.address, _place(customer)]
    return [ship_to.name or customer.name, ship_to.address, _place(ship_to)]


def seller_lines(seller: Seller) -> list[str]:
    """The seller as a place goods go to: name, street, `20100 Milano (MI)`."""
    return [seller.company_name, seller.address, _place(seller)]


def _place(party: Customer | Buyer | ShipTo | Destination | Seller) -> str:
    """`20100 Milano (MI)`: postcode, city and province, whichever are there."""
    return " ".join(x for x in (party.postcode, party.city, f"({party.province})" if party.province else None) if x)


def a4(sheet: Worksheet, *, landscape: bool = False, repeat_rows: tuple[int, int] | None = None,
       footer: str = "&R&P / &N", fit_width: bool = True, widths: Sequence[float] | None = None) -> None:
    """A4, fit to the page width, header rows repeated on every page, page numbers in the footer.

    Every sheet the toolkit writes goes through here: a sheet without a paper size prints on
    the spreadsheet's default, Letter in many LibreOffice installations, and one without
    fit-to-width runs over several pages side by side. A table whose column `widths` would
    print too small on one page prints on `pages_wide` pages side by side, its first column
    (the invoice's number, the customer's code) on each, left to right before going down."""
    sheet.set_paper(9)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    if fit_width:
        pages = pages_wide(widths, landscape=landscape) if widths else 1
        sheet.fit_to_pages(pages, 0)
        if pages > 1:
            sheet.repeat_columns(0)
            sheet.print_across()
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.set_footer(footer)
    if repeat_rows is not None:
        sheet.repeat_rows(*repeat_rows)


def page_header(sheet: Worksheet, title: str, detail: str = "") -> None:
    """`title` in bold at the left of every printed page's header, `detail` (the company, a
    period) at the right: the rows at the top of a sheet print on its first page only, and a
    list's second page (a driver's route, a customer's overdue invoices) must still say what
    it is and for when. An `&` in either stays an ampersand."""
    right = header_text("&R", detail[:DETAIL_MOST]) if detail else ""
    sheet.set_header(header_text('&L&"-,Bold"&12', title, right))


define({
    "print.as_of": ("situazione al {day}", "as of {day}"),
    "print.period": ("dal {start} al {end}", "from {start} to {end}"),
    "print.day": ("del {start}", "for {start}"),
})


def as_of(day: date, lang: str) -> str:
    """"situazione al 09/04/2026": the day a snapshot (the panel, a check, the payments) shows."""
    return labeller(lang)("print.as_of").format(day=day.strftime("%d/%m/%Y"))


def period(start: date, end: date, lang: str) -> str:
    """"dal 01/05/2026 al 31/05/2026", or "del 09/04/2026" for one day: the days a list or a
    plan covers, as its title says them."""
    t = labeller(lang)
    words = t("print.day") if start == end else t("print.period")
    return words.format(start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y"))


def title_on_every_page(sheet: Worksheet, title: str, first_row: int, last_row: int, last_col: int) -> None:
    """A table printed on pages side by side repeats its first column on each, and its title,
    written in a cell above the table, printed cut off at that column's edge on every page but
    the first (*Registro fattu*). The title goes in the page header instead, on every page,
    and the print starts at the table's `first_row`; on screen the title stays in its cell."""
    page_header(sheet, title)
    sheet.print_area(first_row, 0, max(last_row, first_row), last_col)


def document_on_every_page(sheet: Worksheet, kind: str, number: str, day: date, *more: str | None,
                           lang: str) -> None:
    """The document's identity in the page header: *Fattura differita n. FT-2026-00050 del
    30/04/2026 – Bar Al Duomo S.p.A.*, then `more` (a draft's *BOZZA*). Only the first page
    of a document shows its number, date and customer in cells; its headings repeat on the
    pages after, and a loose second page of a three-page invoice said nothing of whose it was."""
    day_shown = f"{day:%d/%m/%Y}"
    identity = label("doc.identity", lang).format(kind=kind, number=number, day=day_shown)
    sheet.set_header(header_text("&L&9", " – ".join([identity, *(m for m in more if m)])))


HEADER_LIMIT = 255
"""Excel's longest page header, codes included, in UTF-16 units: XlsxWriter drops a longer one
with a warning, and the page prints without it."""
DETAIL_MOST = 100
"""The most of a page header's right-hand detail (a company, a period) printed: the title keeps
the rest of `HEADER_LIMIT`."""


def header_text(codes: str, words: str, then: str = "") -> str:
    """A section of a page header: `codes` (position, font) and `words`, its `&` doubled (Excel
    reads `&P`, `&D`… in a header as codes: *Rossi & Figli* printed *Rossi* and the page
    number), cut short with `…` to fit `HEADER_LIMIT` with `then`, the section after it, kept
    whole (a long company name beside a document's number). `words` must not begin with a
    digit, which Excel would read as the font's size."""
    escaped = words.replace("&", "&&")
    limit = HEADER_LIMIT - _utf16_length(then)
    if _utf16_length(codes + escaped) <= limit:
        return codes + escaped + then
    room = limit - _utf16_length(codes) - 1
    escaped = escaped[:room]
    while _utf16_length(escaped) > room:
        escaped = escaped[:-1]
    trailing = len(escaped) - len(escaped.rstrip("&"))
    return f"{codes}{escaped[:len(escaped) - trailing % 2]}…{then}"


def _utf16_length(words: str) -> int:
    return len(words.encode("utf-16-le")) // 2


SMALLEST_SCALE = 0.55
"""Below this a sheet fit to one page's width prints its 11-point text under 6 points, too
small to read (the accountants' register of 17 columns printed at 4.6)."""
PAGE_ROOM = {False: (8.27 - 1.0) * 96, True: (11.69 - 1.0) * 96}
"""Pixels across an A4 page, portrait and landscape, inside `a4`'s half-inch margins."""
COLUMN_SPREAD = 1.1
"""How much wider than Excel's reckoning columns may print: LibreOffice needs 97 % to print
columns Excel puts at 1,001 pixels on the 1,026 of an A4 landscape page (3–6 % wider); a
tenth leaves room for other fonts."""


def pages_wide(widths: Sequence[float], *, landscape: bool) -> int:
    """The pages side by side that columns of `widths` (in characters) print on at
    `SMALLEST_SCALE` or more (`_pixels` wide).

    >>> pages_wide([12] * 10, landscape=True)
    1
    >>> pages_wide([20] * 17, landscape=True)
    2
    """
    pixels = _pixels(widths)
    return max(1, math.ceil(pixels * SMALLEST_SCALE / PAGE_ROOM[landscape]))


def fitting_scale(widths: Sequence[float], *, landscape: bool) -> int:
    """The print scale, in percent, at which columns of `widths` fit one page's width, for a
    sheet with manual page breaks: Excel ignores them on a sheet fit to the page. Columns
    may print wider than Excel reckons them (`COLUMN_SPREAD`).

    >>> fitting_scale([11] * 11 + [16], landscape=True)
    91
    >>> fitting_scale([10] * 3, landscape=False)
    100
    """
    pixels = _pixels(widths) * COLUMN_SPREAD
    return min(100, math.floor(PAGE_ROOM[landscape] / pixels * 100))


def _pixels(widths: Sequence[float]) -> int:
    """How wide columns of `widths` (in characters) are in pixels, as Excel reckons a column in
    the default font: `int(width * 7 + 0.5) + 5`."""
    return sum(int(width * 7 + 0.5) + 5 for width in widths)


def sheet_name(text_: str, taken: set[str]) -> str:
    """A valid, unique worksheet name (31 characters, none of []:*?/\\)."""
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in text_)[:31].strip("'") or "Foglio"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name
