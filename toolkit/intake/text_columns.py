"""The columns of a CSV that hold text whatever their cells look like: codes, partite IVA,
postcodes, telephone numbers, descriptions.

A CSV holds only text, and its reader turns a cell into a number when it is one in the file's
convention (`tables.number`). In a column the format reads as text that turned a customer's code
`"12,50"` into 12.50 and an item code `1.234.567` into 1234567 once the file wrote its amounts
the Italian way, and a postcode `20100` into a number. The format knows which of its columns
hold text (`model.sheets`): a column headed by one of them (or by a heading the mapping gives
it, or by an order form's item or note heading) keeps its cells as written, below its heading.

So does a column the format does not know whose heading names a code a number cannot hold
(`CODE_WORDS`: *Cellulare*, *Fax*, *IBAN*, *ABI*, *EAN*, …) or one of whose cells is typed the
way only a code is (`TYPED_AS_CODE`: `0115551234`, `+39 333 1234567`, `8001234567890`): a
mobile `3331234567` beside them became a number, `+393331234567` one without its `+`, and an EAN
a number Excel shows as `8,00123E+12`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import Any

from toolkit.basics.vocab import normalize
from toolkit.intake.mapping import NO_MAPPING, Mapping, cell_place, format_sheets, is_cell
from toolkit.intake.sources import RawSheet, padded_as_shown
from toolkit.model.cells import Kind

HEADING_ROWS = 40
"""The rows a heading row is looked for in: a master sheet's within its first 12, an order
form's lines below its heading fields within its first 40 (`reshape.LABEL_ROWS`)."""
NUMERIC = frozenset({Kind.MONEY, Kind.QUANTITY, Kind.PERCENT, Kind.INTEGER, Kind.DUE_DAY})
"""The kinds read as numbers (a day of the month, `15`, too); every other is text as typed: a
code, a partita IVA, a list of months `8,12` (read the Italian way, 8.12)."""
_FORM_TEXT = ("item", "note")
"""An order form's line fields that hold text (its quantity and price are numbers)."""
_FORM_TEXT_FIELDS = ("customer", "reference", "ship_to")
"""An order form's heading fields that hold text (its date is read as a date)."""


CODE_WORDS = frozenset({
    "telefono", "tel", "cellulare", "cell", "cel", "mobile", "phone", "fax", "cap", "zip", "iban", "abi", "cab", "bic",
    "swift", "ean", "gtin", "upc", "barcode", "barre", "sdi", "piva"})
"""Words of a heading (accents and case folded, `P.IVA` one word) that name a code typed in
digits: telephone, mobile and fax numbers, postcodes, bank codes, barcodes (*Codice a barre*),
the SDI code and partita IVA (*C.F.*, a codice fiscale, is the format's short heading: *CF* is
also a carton, *Prezzo CF* an amount). A column so headed keeps its cells as typed, unless the
format reads its heading as a number."""
TYPED_AS_CODE = re.compile(r"\n[ \xa0]*(?:0\d+|\+[ \xa0]*\d[\d \xa0]{5,}|\d{12,}|\d+(?:[ \xa0]\d+)+)[ \xa0]*(?=\n)")
"""A cell typed as no number is: digits after a leading zero (`00184`, `0115551234`), a `+` and
six digits or more (`+39 333 1234567`), twelve digits or more (an EAN: Excel's *Generale* shows
eleven at most, `8,00123E+12`, and keeps fifteen), digits parted by spaces (`011 555 1234`). A
column holding one below its heading is a column of codes, every cell kept as typed. Searched in
a column's cells joined by line ends, each between two (a search for a line's start was twice
as slow)."""


def text_columns(rows: Sequence[Sequence[Any]], mapping: Mapping = NO_MAPPING) -> tuple[int, frozenset[int]]:
    """The heading row (0-based) and the columns (0-based) below it whose cells stay text: those
    headed by a column of the format that is not a number, none of them a number column of
    another sheet (`Da`, a date here and a minimum there, is left as the file writes it), or by
    a heading the format has not that names a code (`CODE_WORDS`) in a row above the first
    holding a figure (`_figure`: a note's *cell* is no heading); and, of the columns the
    format reads as no number, those holding a cell typed as a code (`TYPED_AS_CODE`). The
    heading row is the one of the first `HEADING_ROWS` naming the most columns, or -1 when none
    names one: then every row is below it, a file of no headings' too (`Anna;3331234567`). A
    row holding a figure is a row of values, never the headings: a customer named *Note* beside
    its telephone, under headings of the desk's own, took the heading row, and the telephones
    above it were read as numbers. A row of one cell naming a column is a label (a lone *Note*
    below a title) that a later row naming as many takes the headings from: the desk's own
    headings below it, *Nominativo;Cellulare*, were read as data and the mobiles as numbers.

    >>> text_columns([["Codice", "Ragione sociale", "Fido"], ["12,50", "Rossi", "1.000,00"]])
    (0, frozenset({0, 1}))
    >>> text_columns([["Cliente", "C001"], ["Articolo", "Quantità", "Prezzo"], ["1.234.567", "2", "3,50"]])
    (1, frozenset({0}))
    >>> text_columns([["Referente", "Cellulare", "Numero"], ["Anna", "3331234567", "0115551234"], ["Ugo", "1", "2"]])
    (0, frozenset({1, 2}))
    >>> text_columns([["Anna", "3331234567"], ["Ugo", "0115551234"]])
    (-1, frozenset({1}))
    >>> text_columns([["Nominativo", "Recapito"], ["Rossi", "3331234567"], ["Note", "0115551234"]])
    (-1, frozenset({1}))
    >>> text_columns([["Rubrica 2026"], ["Note", ""], ["Nominativo", "Cellulare", "Recapito"], ["Anna", "3331234567"]])
    (2, frozenset({1}))
    """
    names, short = _meanings(mapping)
    best, found = -1, dict[int, bool]()
    headings = True
    for i, row in enumerate(rows[:HEADING_ROWS]):
        if any(isinstance(v, str) and _figure(v) for v in row):
            headings = False
            continue
        here = {j: text for j, v in enumerate(row) if isinstance(v, str) and (text := names.get(
            n := normalize(v), short.get(n, headings and _code_heading(v) or None))) is not None}
        if len(here) > len(found) or (here and len(here) == len(found) and _lone(rows[best])):
            best, found = i, here
    below = rows[best + 1:]
    typed = {j for j in range(max(map(len, below), default=0)) if j not in found and TYPED_AS_CODE.search(
        "\n" + "\n".join(filter(None, [row[j] for row in below if j < len(row)])) + "\n")}
    return best, frozenset(j for j, text in found.items() if text) | typed


def shown_codes(sheet: RawSheet, mapping: Mapping = NO_MAPPING) -> dict[tuple[int, int], str]:
    """The number cells (row, column, 1-based) of a workbook's sheet a format of zeros shows
    (`RawSheet.padded`) that stand in a column of codes, as `text_columns` finds them in a CSV's
    cells (its numbers as Excel keeps them, `115551234.0`: a figure, and typed as no code), with
    the text shown: a telephone formatted `0000000000` is `0115551234`, where a conversion wrote
    the 115551234 the cell holds. A quantity formatted `000` stays a number. Looked for only in
    a sheet holding such cells.

    >>> shown_codes(RawSheet("Rubrica", [["Nome", "Telefono", "Quantità"], ["Anna", 115551234.0, 7.0]],
    ...                      padded={(2, 2): 10, (2, 3): 3}))
    {(2, 2): '0115551234'}
    """
    if not sheet.padded:
        return {}
    heading, codes = text_columns([[v if v is None or isinstance(v, str) else str(v) for v in row]
                                   for row in sheet.rows], mapping)
    first_row, first_col = sheet.first_row, sheet.first_col
    shown: dict[tuple[int, int], str] = {}
    for (row, col), digits in sheet.padded.items():
        i, j = row - first_row, col - first_col
        if i > heading and j in codes and 0 <= i < len(sheet.rows) and j < len(sheet.rows[i]):
            text = padded_as_shown(sheet.rows[i][j], digits)
            if isinstance(text, str):
                shown[(row, col)] = text
    return shown


def _lone(row: Sequence[Any]) -> bool:
    """Whether a row fills one cell at most: a title or a label, not a row of headings."""
    return sum(1 for v in row if v not in (None, "")) <= 1


def _figure(value: str) -> bool:
    """Whether a cell holds a figure, digits and no letter (`3331234567`, `1,50`, `01/05/2026`):
    a row of data, which no code's heading is in or below. A note beside a mobile saying *cell*,
    *tel.* or *fax* named a code's column, and its row, taken for the headings where the format
    named none, had its mobile and those above it read as numbers.

    >>> _figure("3331234567"), _figure("+39 011 555"), _figure("Rubrica 2026"), _figure("Cellulare")
    (True, True, False, False)
    """
    return any(c.isdigit() for c in value) and not any(c.isalpha() for c in value)


def _code_heading(heading: str) -> bool:
    """Whether a heading names a code typed in digits (`CODE_WORDS`): *Cellulare*, *Tel. ufficio*,
    *Codice a barre*, *P.IVA*.

    >>> _code_heading("Tel. ufficio"), _code_heading("Codice a barre"), _code_heading("Capitale sociale")
    (True, True, False)
    """
    folded = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode().casefold()
    words = re.findall(r"[a-z0-9]+", folded.replace(".", ""))
    return any(word in CODE_WORDS for word in words)


def text_fields(rows: Sequence[Sequence[Any]], mapping: Mapping = NO_MAPPING) -> frozenset[tuple[int, int]]:
    """The cells (row and column, 0-based) of `rows`, a form's rows above its lines' heading,
    where its customer, reference and destination are read (`reshape._field`): the first holding
    a value right of one of their labels, or the cell `mapping` names. Read the Italian way, a
    customer `1.234` became 1234, another customer's code, and a reference `12,50` 12.50. Below a
    heading a label is a value (a contact's *Tipo* `Cliente`), beside an amount.

    >>> sorted(text_fields([["Cliente:", None, "1.234"], ["Data", "09/04/2026"]]))
    [(0, 2)]
    """
    names = {n for key in _FORM_TEXT_FIELDS for n in mapping.orders.fields[key]}
    labels = {normalize(n).rstrip(":") for n in names if not is_cell(n)}
    places = [cell_place(n) for n in names if is_cell(n)]
    cells = {(row - 1, column - 1) for row, column in places if row <= len(rows)}
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, str) and normalize(v).rstrip(":") in labels:
                value = next((cc for cc in range(c + 1, len(row)) if row[cc] not in (None, "")), None)
                if value is not None:
                    cells.add((r, value))
    return frozenset(cells)


def _meanings(mapping: Mapping) -> tuple[dict[str, bool], dict[str, bool]]:
    """Normalized heading → whether every column it names holds text, by name and by short heading."""
    return _format_meanings() if mapping is NO_MAPPING else _mapped_meanings(mapping)


@cache
def _format_meanings() -> tuple[dict[str, bool], dict[str, bool]]:
    return _mapped_meanings(NO_MAPPING)


def _mapped_meanings(mapping: Mapping) -> tuple[dict[str, bool], dict[str, bool]]:
    names: dict[str, set[bool]] = {}
    short: dict[str, set[bool]] = {}
    for sheet in format_sheets():
        spec = mapping.for_sheet(sheet.key)
        kinds = {c.key: c.kind for c in sheet.columns}
        for heading, column in sheet.headings.items():
            names.setdefault(heading, set()).add(column.kind not in NUMERIC)
        for heading, column in sheet.short_headings.items():
            short.setdefault(heading, set()).add(column.kind not in NUMERIC)
        for key, headings in (spec.columns.items() if spec is not None else ()):
            for heading in headings:
                names.setdefault(normalize(heading), set()).add(kinds[key] not in NUMERIC)
    for key, headings in mapping.orders.lines.items():
        for heading in headings:
            names.setdefault(normalize(heading), set()).add(key in _FORM_TEXT)
    return ({n: all(found) for n, found in names.items()}, {n: all(found) for n, found in short.items()})
