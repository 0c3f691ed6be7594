"""Foreign tables reshaped into the master-data format, and order forms read into their fields.

A foreign sheet feeds a sheet of the format when the mapping says so (`from`), when its name is
one of the format's (Italian, English, any case or accents), or when its headings name every
required column of one. Its heading row is the one among the first rows that names the most
columns, so a title row or a merged heading above the table is passed over. Each value keeps
the cell it came from, so a clash between two files names both cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from toolkit.basics.cell_text import cell_text
from toolkit.basics.cells import Location, address, column_letter
from toolkit.basics.dates import FIRST_DAY, LAST_DAY, in_range, text_date
from toolkit.basics.problems import Problem, define, errors
from toolkit.basics.vocab import normalize
from toolkit.core.forms import Form, FormLine
from toolkit.intake.mapping import FormMap, Mapping, SheetMap, cell_place, format_sheets, is_cell
from toolkit.intake.sources import RawSheet, RawWorkbook, padded_as_shown
from toolkit.intake.tables import decimal_text
from toolkit.intake.validation.error_values import error_value
from toolkit.intake.validation.rules import NEGATIVE_AMOUNT as NEGATIVE_PRICE
from toolkit.intake.validation.rules import customer_reference
from toolkit.model.cells import CODE_KINDS, Day, Kind, PercentShown, Quantity, UnitPrice, read_cell
from toolkit.model.sheets import SETTING_HEADERS, SETTINGS, Sheet, match_sheet, named_columns

HEADER_SEARCH_ROWS = 12
NUMERIC = (Kind.MONEY, Kind.QUANTITY, Kind.PERCENT, Kind.INTEGER)

FORM_FIELD_MISSING = define(
    "form-field-missing", "error",
    it="Il modulo d'ordine non ha «{field_it}»: {where}.",
    en="The order form has no “{field_en}”: {where}.")
FORM_NO_LINES = define(
    "form-no-lines", "error",
    it="Il modulo d'ordine non ha righe: mancano le intestazioni {headings}.",
    en="The order form has no lines: the headings {headings} are missing.")
FORM_EMPTY = define(
    "form-no-quantities", "error",
    it="Il modulo d'ordine non ha righe da ordinare: sotto le intestazioni nessun articolo ha una quantità diversa "
       "da zero. Scrivi le quantità ordinate.",
    en="The order form has nothing to order: below the headings no item has a quantity other than zero. Write "
       "the quantities ordered.")
FORM_DATE_OUT_OF_RANGE = define(
    "form-date-out-of-range", "error",
    it="La data {value} del modulo è fuori dalle date ammesse: scrivi una data fra il {first} e il {last}.",
    en="The form's date {value} is out of range: write a date between {first} and {last}.")
FORM_LINE_NO_ITEM = define(
    "form-line-no-item", "error",
    it="La riga ha la quantità {quantity} ma non il codice articolo: scrivi l'articolo ordinato, o cancella la "
       "quantità.",
    en="The line has quantity {quantity} but no item code: write the item ordered, or delete the quantity.")



@dataclass(frozen=True, slots=True)
class Fed:
    """What one foreign sheet gave one sheet of the format."""

    sheet: str
    """The foreign sheet."""
    target: str
    """The format's sheet key."""
    columns: dict[str, str]
    """Foreign heading → the format's field."""
    unmatched: tuple[str, ...]
    rows: list[tuple[dict[str, Any], Location]]
    """Each row's values by field, and the location of its first matched cell."""
    read: frozenset[tuple[int, int]] = field(default=frozenset(), compare=False, repr=False)
    """The heading row and the columns (1-based, as `RawSheet.errors` places cells) the values
    were read from: a cell below it in one of them feeds the master. Where they were read, not
    what: left out of the comparison with the stepwise oracle (`tests/oracles/reshape_feed.py`)."""

    def reads(self, row: int, col: int) -> bool:
        return any(row > heading and col == column for heading, column in self.read)


@dataclass(frozen=True, slots=True)
class Reshaped:
    fed: list[Fed] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()
    """Foreign sheets that feed nothing."""


def reshape(raw: RawWorkbook, mapping: Mapping) -> Reshaped:
    """Every sheet of a foreign workbook, as rows of the format's sheets."""
    fed: list[Fed] = []
    settings: dict[str, Any] = {}
    ignored: list[str] = []
    for sheet in raw.sheets:
        target = _target(sheet, mapping)
        if target is SETTINGS:
            settings.update(_settings(sheet))
            continue
        if target is None:
            ignored.append(sheet.name)
            continue
        fed.append(_feed(raw.name, sheet, target, mapping))
    return Reshaped(fed, settings, tuple(ignored))


def _target(sheet: RawSheet, mapping: Mapping) -> Sheet | None:
    mapped = mapping.target_of(sheet.name)
    if mapped is not None:
        return next(s for s in format_sheets() if s.key == mapped)
    by_name = match_sheet(sheet.name)
    if by_name is not None:
        return by_name
    best: tuple[int, Sheet | None] = (0, None)
    for candidate in format_sheets():
        required = [c for c in candidate.columns if c.required]
        _, found = _header(candidate, sheet.rows, mapping.for_sheet(candidate.key))
        if required and all(c.key in found.values() for c in required) and len(found) > best[0]:
            best = (len(found), candidate)
    return best[1]


def _names(sheet: Sheet, spec: SheetMap | None) -> dict[str, str]:
    """Normalized heading → field: the mapping's headings first, then the format's names."""
    names: dict[str, str] = {}
    if spec is not None:
        for key, headings in spec.columns.items():
            for h in headings:
                names.setdefault(normalize(h), key)
    for n, c in sheet.headings.items():
        names.setdefault(n, c.key)
    return names


def _header(sheet: Sheet, rows: Sequence[Sequence[Any]], spec: SheetMap | None) -> tuple[int, dict[int, str]]:
    """The heading row (0-based in `rows`) and, per column index, the field it names."""
    names = _names(sheet, spec)
    short = {n: c.key for n, c in sheet.short_headings.items()}
    if spec is not None and spec.header_row:
        candidates = [spec.header_row - 1]
    else:
        candidates = list(range(min(HEADER_SEARCH_ROWS, len(rows))))
    best, best_found = 0, dict[int, str]()
    for i in candidates:
        if i >= len(rows):
            continue
        found: dict[int, str] = {}
        for j, key in named_columns(heading_row(rows, i), names, short):
            if key not in found.values():
                found[j] = key
        if len(found) > len(best_found):
            best, best_found = i, found
    return best, best_found


def heading_row(rows: Sequence[Sequence[Any]], i: int) -> list[Any]:
    """Row `i` as headings, each empty cell taken from the row above: a heading merged over
    two rows (`Listino` over A1:A2 beside `Validità` over `Dal` and `Al`) keeps its value in
    the upper cell only.

    >>> heading_row([["Listino", "Validità", None], [None, "Dal", "Al"]], 1)
    ['Listino', 'Dal', 'Al']
    """
    row = list(rows[i])
    above = rows[i - 1] if i > 0 else ()
    return [above[j] if (v is None or v == "") and j < len(above) else v for j, v in enumerate(row)]


def _feed(workbook: str, raw: RawSheet, sheet: Sheet, mapping: Mapping) -> Fed:
    spec = mapping.for_sheet(sheet.key)
    index, found = _header(sheet, raw.rows, spec)
    header = heading_row(raw.rows, index) if index < len(raw.rows) else []
    kinds = {c.key: c.kind for c in sheet.columns}
    converters = [(j, key, _converter(kinds[key], {**mapping.values, **(spec.values.get(key, {}) if spec else {})}),
                   bool(raw.percents) and kinds[key] is Kind.PERCENT, bool(raw.padded) and kinds[key] in CODE_KINDS)
                  for j, key in sorted(found.items())]
    fixed = spec.fixed if spec else {}
    letters = column_letter(raw.first_col + (min(found) if found else 0))
    rows: list[tuple[dict[str, Any], Location]] = []
    for i in range(index + 1, len(raw.rows)):
        row = raw.rows[i]
        width = len(row)
        values: dict[str, Any] = {}
        for j, key, convert, percent, padded in converters:
            if j < width:
                value = row[j]
                if padded:  # a code a format of zeros shows: written as the text it shows (`RawSheet.padded`)
                    value = padded_as_shown(value, raw.padded.get((raw.first_row + i, raw.first_col + j)))
                if percent and value.__class__ in (int, float) and (raw.first_row + i, raw.first_col + j) in raw.percents:
                    value = PercentShown(value).shown  # 100 % is kept as 1: written as the 100 it shows
                elif type(value) is not float:  # a number cell is kept as it is (`_converter`)
                    if value == "" or value is None:
                        continue
                    value = convert(value)
                    if value is None:
                        continue
                values[key] = value
        if not values:
            continue
        for key, value in fixed.items():
            values.setdefault(key, value)
        rows.append((values, Location(raw.name, f"{letters}{raw.first_row + i}", workbook)))
    columns = {str(header[j]).strip(): key for j, key in sorted(found.items())}
    unmatched = tuple(str(v).strip() for j, v in enumerate(header)
                      if j not in found and isinstance(v, str) and v.strip())
    read = frozenset((raw.first_row + index, raw.first_col + j) for j in found)
    return Fed(raw.name, sheet.key, columns, unmatched, rows, read)


def _converter(kind: Kind, words: dict[str, Any]) -> Callable[[Any], Any]:
    """A column's cell as the format wants it: None for an empty cell, a foreign word
    translated, text trimmed (as a number when the column is numeric: `12,50`), a date cell as
    a date. Number cells stay as they are: the writer writes them as numbers. One function per
    column, chosen once: a merge of 200 workbooks converts millions of cells, and `_feed` takes
    number cells and empty ones without calling it."""
    numeric = kind in NUMERIC
    is_date = kind is Kind.DATE

    def convert(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            if words:
                word = words.get(normalize(text))
                if word is not None:
                    return word
            if numeric:
                number = decimal_text(text)
                return text if number is None else number
            return text
        if is_date and isinstance(value, datetime):
            return value.date()
        return value

    return convert


def _settings(sheet: RawSheet) -> dict[str, Any]:
    """A settings sheet's key/value rows, by setting key."""
    found: dict[str, Any] = {}
    heads = {normalize(h) for pair in SETTING_HEADERS for h in pair}
    for row in sheet.rows:
        if len(row) < 2 or not isinstance(row[0], str) or normalize(row[0]) in heads:
            continue
        column = SETTINGS.match_column(row[0])
        if column is not None and row[1] not in (None, ""):
            value = row[1]
            found[column.key] = value.date() if isinstance(value, datetime) else value
    return found


def dated(raw: RawWorkbook, mapping: Mapping, *, undeclared: bool = True) -> RawWorkbook:
    """A CSV's dates as dates, read as the master's reader reads a date typed as text
    (`basics.dates.to_date`: `09/04/2026`, `2026-04-10`): a CSV holds only text, and its dates
    left so were copied in the two styles they came in, by `--to xlsx` as text. So are a
    workbook's dates typed as text, as an old Excel's sheet keeps them (a column formatted
    *Testo*, or imported): `--to xlsx` wrote them as text beside real dates, and
    `--decimal-point` left them `01/04/2026` where the others were `2026-04-01`.

    A cell is read as a date in a column its sheet declares a date (*Versioni listino › Valido
    dal*, found as `_feed` finds it), and, with `undeclared`, in any column whose cells, from
    its first date down, are all dates written in full (`_PLAIN_DATE`: a price list's *Data*,
    copied to CSV or xlsx; not in a master, where a text column is read as text); any other
    text stays as it is."""
    return RawWorkbook(raw.name, tuple(_dated(sheet, mapping, undeclared) for sheet in raw.sheets))


def _dated(sheet: RawSheet, mapping: Mapping, undeclared: bool) -> RawSheet:
    target = _target(sheet, mapping)
    declared: set[int] = set()
    if target is not None and target is not SETTINGS:
        _, found = _header(target, sheet.rows, mapping.for_sheet(target.key))
        kinds = {c.key: c.kind for c in target.columns}
        declared = {j for j, key in found.items() if kinds[key] is Kind.DATE}
    rows = [list(row) for row in sheet.rows]
    for j in range(max(map(len, rows), default=0)):
        if j in declared or undeclared:
            _date_column(rows, j, plain_only=j not in declared)
    return replace(sheet, rows=rows)


def _date_column(rows: list[list[Any]], j: int, plain_only: bool) -> None:
    """Column `j`'s text cells as dates from its first date down: each that is one in a declared
    column; with `plain_only` (no sheet declares it) only if every one of them is a date written
    in full, the column left as it is at the first that is not, or when a date written in full
    above its first is none (`04/13/2026`, a month's day first in another order: its `04/01/2026`
    is not the 4th of January). A column whose last text is no date written in full is left
    without reading the others: a workbook's names and codes, read each, cost a third more to
    convert 200,000 rows."""
    if plain_only:
        last = next((row[j] for row in reversed(rows) if j < len(row) and isinstance(row[j], str)), None)
        if last is None or not _PLAIN_DATE.match(last):
            return
    cells = [row for row in rows if j < len(row) and isinstance(row[j], str)]
    first = next((i for i, row in enumerate(cells)
                  if (plain_only and _PLAIN_DATE.match(row[j])) or text_date(row[j]) is not None), None)
    if first is None:
        return
    days = []
    for row in cells[first:]:
        day = text_date(row[j])
        if plain_only and (day is None or not _PLAIN_DATE.match(row[j])):
            return
        days.append((row, day))
    for row, day in days:
        if day is not None:
            row[j] = day


AMOUNT_HEADINGS = frozenset(normalize(h) for h in (
    "Importo", "Imponibile", "Imposta", "Totale", "Totale documento", "Totale imponibile", "Totale IVA",
    "Netto a pagare", "Da incassare", "Prezzo", "Prezzo unitario", "Prezzo netto", "Residuo", "Incassato",
    "Amount", "Taxable", "VAT amount", "Total", "Document total", "Total taxable", "Total VAT", "Amount to pay",
    "To collect", "Price", "Unit price", "Net price", "Outstanding", "Collected"))
"""Headings that name an amount in any sheet, the format's or not (an invoice register's
*Totale*, a payments list's *Importo*): matched whole, so *Totale colli* or *IVA %* are not."""


def money_columns(sheet: RawSheet, mapping: Mapping) -> frozenset[int]:
    """The 0-based columns of `sheet` (as `rows` holds them) that hold amounts, for a CSV that
    writes every amount with two decimals (`1406,00`, never `1406` beside `1234,50`): those the
    format declares money (*Prezzi › Prezzo*, *Clienti › Fido*, found as `_feed` finds them,
    with the mapping's headings), and those headed by an amount's name (`AMOUNT_HEADINGS`) in the
    first heading row that has one. Quantities and percentages are not amounts."""
    money: set[int] = set()
    target = _target(sheet, mapping)
    if target is not None and target is not SETTINGS:
        _, found = _header(target, sheet.rows, mapping.for_sheet(target.key))
        kinds = {c.key: c.kind for c in target.columns}
        money = {j for j, key in found.items() if kinds[key] is Kind.MONEY}
    for row in sheet.rows[:HEADER_SEARCH_ROWS]:
        named = {j for j, v in enumerate(row) if isinstance(v, str) and normalize(v) in AMOUNT_HEADINGS}
        if named:
            money |= named
            break
    return frozenset(money)


_PLAIN_DATE = re.compile(r"\s*(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})\s*$")
"""A date in a column no sheet declares one: `09/04/2026` or `2026-04-10` only, as a version
`1.2.26` or a code `3-4-25` would be read as a date too by the check's leniency."""


# -- order forms -----------------------------------------------------------------------------

FIELD_NAMES = {"customer": ("Cliente", "Customer"), "date": ("Data", "Date")}
"""A heading field as the form's problems name it, in each language."""


def read_form(raw: RawWorkbook, spec: FormMap, digest: str) -> tuple[Form | None, list[Problem]]:
    """An order form's heading fields and lines, and every problem found reading them.

    The form is None without a customer and a date to price it by; otherwise it holds the lines
    read well, even beside problems, so that pricing them names the form's other mistakes too
    (an unknown item below a quantity written «tre»): the user fixes the form once, not once
    per mistake. A form with problems makes no order (`toolkit.services.convert`)."""
    sheet = _form_sheet(raw, spec)
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    where: dict[str, Location] = {}
    labels = _labels(sheet)
    shown = {(row, col): text for row, col, text in sheet.errors}
    erred: dict[str, str] = {}
    for key, names in spec.fields.items():
        found = _field(sheet, names, labels, shown)
        if found is not None:
            values[key], (r, c) = found
            row, col = sheet.first_row + r, sheet.first_col + c
            where[key] = Location(sheet.name, address(row, col), raw.name)
            if (row, col) in shown:
                erred[key] = shown[row, col]
    for key, text in erred.items():
        it, en = FIELD_NAMES.get(key, (spec.fields[key][0],) * 2)
        problems.append(error_value(where[key], it=it, en=en, shown=text))
        values[key] = None
    for key in ("customer", "date"):
        if values.get(key) in (None, "") and key not in erred:
            it, en = FIELD_NAMES[key]
            problems.append(FORM_FIELD_MISSING(Location(sheet.name, None, raw.name), field_it=it, field_en=en,
                                               where=" / ".join(spec.fields[key])))
    day = _day(values.get("date"), where.get("date"), problems)
    reference = _text(values.get("reference"))
    problems += customer_reference(reference, where.get("reference"))
    lines, line_problems = _lines(raw.name, sheet, spec, shown)
    problems += line_problems
    customer = _text(values.get("customer"))
    if customer is None or day is None:
        return None, problems
    return Form(raw.name, digest, customer, day, reference,
                _text(values.get("ship_to")), tuple(lines), where), problems


def _day(value: Any, at: Location | None, problems: list[Problem]) -> date | None:
    """The form's date, read as the master's date cells are, within the years an action may
    name (`dates.in_range`, as the date options and the panel's cells); None, the problem added,
    when it is not one."""
    if value in (None, ""):
        return None
    day, wrong = read_cell(Day, value, at)
    if wrong is not None:
        problems.append(wrong)
        return None
    if not in_range(day):
        problems.append(FORM_DATE_OUT_OF_RANGE(at, value=day, first=FIRST_DAY, last=LAST_DAY))
        return None
    return day


def _form_sheet(raw: RawWorkbook, spec: FormMap) -> RawSheet:
    if spec.sheet:
        wanted = normalize(spec.sheet)
        for s in raw.sheets:
            if normalize(s.name) == wanted:
                return s
    return raw.sheets[0] if raw.sheets else RawSheet("?", [])


LABEL_ROWS = 40
"""The rows a heading field's label is looked for in."""


def _labels(sheet: RawSheet) -> dict[str, tuple[int, int]]:
    """Where each text of the first `LABEL_ROWS` rows first appears (row by row), normalized as
    a label is (`normalize`, no trailing colon).

    A form's four fields each looked for their label through every cell, normalizing each cell
    four times; the sheet is indexed once instead, and the first cell of any of a field's
    labels is the earliest of their places (`tests/oracles/form_fields.py` is the scan)."""
    first: dict[str, tuple[int, int]] = {}
    for r, row in enumerate(sheet.rows[:LABEL_ROWS]):
        for c, v in enumerate(row):
            if isinstance(v, str):
                first.setdefault(normalize(v).rstrip(":"), (r, c))
    return first


def _field(sheet: RawSheet, names: tuple[str, ...], labels: dict[str, tuple[int, int]],
           shown: dict[tuple[int, int], str]) -> tuple[Any, tuple[int, int]] | None:
    """A heading field's value: at its cell address, or right of (else below) its label, the
    first cell holding a value or `shown` an error; `labels` is the sheet's `_labels`."""
    for name in names:
        if is_cell(name):
            at_row, at_column = cell_place(name)
            r, c = at_row - sheet.first_row, at_column - sheet.first_col
            value = sheet.rows[r][c] if 0 <= r < len(sheet.rows) and 0 <= c < len(sheet.rows[r]) else None
            return value, (r, c)
    places = [labels[k] for k in {normalize(n).rstrip(":") for n in names} if k in labels]
    if not places:
        return None
    r, c = min(places)
    row = sheet.rows[r]
    for cc in range(c + 1, len(row)):
        if row[cc] not in (None, "") or (sheet.first_row + r, sheet.first_col + cc) in shown:
            return row[cc], (r, cc)
    return None, (r, c)


def _lines(workbook: str, sheet: RawSheet, spec: FormMap,
           shown: dict[tuple[int, int], str]) -> tuple[list[FormLine], list[Problem]]:
    """The form's lines below its headings, and their problems. A cell showing a formula's error
    (`shown`, which the reader gives as empty) is told at its cell: read as empty, a #N/A
    quantity dropped its line and a #DIV/0! price priced it from the list."""
    names = {normalize(n): key for key, ns in spec.lines.items() for n in ns}
    rows = sheet.rows
    candidates = [spec.header_row - 1] if spec.header_row else range(min(40, len(rows)))
    header, found = -1, {}
    for i in candidates:
        if not 0 <= i < len(rows):
            continue
        here: dict[str, int] = {}
        for j, v in enumerate(rows[i]):
            if isinstance(v, str) and (key := names.get(normalize(v))) and key not in here:
                here[key] = j
        if "item" in here and "quantity" in here:
            header, found = i, here
            break
    if header < 0:
        missing = " + ".join(f"«{spec.lines[k][0]}»" for k in ("item", "quantity"))
        return [], [FORM_NO_LINES(Location(sheet.name, None, workbook), headings=missing)]
    lines: list[FormLine] = []
    problems: list[Problem] = []

    def cell(row: Sequence[Any], key: str) -> Any:
        j = found.get(key)
        return row[j] if j is not None and j < len(row) else None

    def at(i: int, key: str) -> Location:
        return Location(sheet.name, address(sheet.first_row + i, sheet.first_col + found[key]), workbook)

    for i in range(header + 1, len(rows)):
        row = rows[i]
        if shown and (erred := [error_value(at(i, key), it=spec.lines[key][0], en=spec.lines[key][0], shown=text)
                                for key, j in found.items()
                                if (text := shown.get((sheet.first_row + i, sheet.first_col + j))) is not None]):
            problems += erred
            continue
        item = _text(cell(row, "item"))
        if item is None:
            problems += _no_item(row, i, cell, at)
            continue
        if _is_total(item):
            continue
        line = _line(row, i, item, cell, at)
        if isinstance(line, tuple):
            lines.append(line[0])
            problems += line[1]
        elif line:
            problems += line
    if not lines and not problems:
        problems.append(FORM_EMPTY(at(header, "quantity")))
    return lines, problems


def _is_total(text: str) -> bool:
    return normalize(text).startswith(("total", "subtotal"))


def _no_item(row: Sequence[Any], i: int, cell: Callable[[Sequence[Any], str], Any],
             at: Callable[[int, str], Location]) -> list[Problem]:
    """A row with no item code: passed over when empty, zero, or a total (*Totale* in any of its
    cells, the sum below the quantities); a quantity there is refused at the item cell, since the
    user meant to order something and a silent skip would ship the order short."""
    raw = cell(row, "quantity")
    if raw in (None, "") or any(isinstance(v, str) and _is_total(v) for v in row):
        return []
    quantity, wrong = read_cell(Quantity, raw, at(i, "quantity"))
    if wrong is None and not quantity:
        return []
    return [FORM_LINE_NO_ITEM(at(i, "item"), quantity=raw if wrong is not None else quantity)]


def _line(row: Sequence[Any], i: int, item: str, cell: Callable[[Sequence[Any], str], Any],
          at: Callable[[int, str], Location]) -> tuple[FormLine, list[Problem]] | list[Problem] | None:
    """A form's line, read as a template line's cells are (`Quantity`, `UnitPrice`: the same
    parsing and limits as the master's), with the warnings of its cells (a price rounded to the
    ledger's six decimals); the errors of its cells; or None for an item with no quantity, or
    zero, which a catalogue-style form lists for the customer to fill in."""
    raw_quantity, raw_price = cell(row, "quantity"), cell(row, "price")
    quantity, wrong = (None, None) if raw_quantity in (None, "") else read_cell(Quantity, raw_quantity,
                                                                                  at(i, "quantity"))
    price, wrong_price = (None, None) if raw_price in (None, "") else read_cell(UnitPrice, raw_price, at(i, "price"))
    if price is not None and price < 0:
        wrong_price = NEGATIVE_PRICE(at(i, "price"), value=raw_price)
    problems = [p for p in (wrong, wrong_price) if p is not None]
    if errors(problems):
        return problems
    if not quantity:
        return None
    return FormLine(item, quantity, price, _text(cell(row, "note")), at(i, "item"), at(i, "quantity"),
                    at(i, "price") if price is not None else None), problems


def _text(value: Any) -> str | None:
    return cell_text(value) or None
