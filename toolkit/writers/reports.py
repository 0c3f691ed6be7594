"""A report as a workbook: a summary with native charts, the report table, the flat data.

- *Riepilogo* (Summary): the totals (formulas reading the report table), a column chart of the
  top 20 of the first dimension, a line chart of the period by month (by day for two months or
  less) with the comparison period beside it, and for sales by customer and product a pie per
  customer. The charts' data sit at the sheet's right, outside the printed area.
- *Report*: one row per group, a subtotal per value of the first dimension when there are
  more, and a total: live `SUBTOTAL` formulas (they skip the subtotals, and follow a filter),
  variations absolute and in percent as formulas.
- *Dati* (Data): the flat rows as an Excel table, ready for a pivot table.

Amounts are integers of cents in the report; each cell gets cents / 100, the binary number
nearest to that amount of euro, so every cell, and every sum a spreadsheet rounds to cents,
shows the ledger's amount exactly; a total, a variation, is counted in cents and then divided
the same way, so the result a formula's cell caches is that amount too (`8852.64`, where
summing the euros gave `8852.640000000001`). A4 landscape, fit to the page width.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_range, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from toolkit.basics.dates import excel_serial
from toolkit.basics.files import write_atomic
from toolkit.basics.labels import define, labeller
from toolkit.basics.wording import ITEMS, euro
from toolkit.core.reports import BUCKETS, KIND_LABELS, Kind, Report
from toolkit.core.units import unit_key
from toolkit.model.records import MasterData
from toolkit.writers.blocks import Column, block_workbook
from toolkit.writers.printable import (
    MONEY_FORMAT,
    a4,
    company_header,
    figure,
    fitting_scale,
    fitting_width,
    formats,
    headings,
    set_widths,
)
from toolkit.writers.row_heights import fit_row, lines_needed
from toolkit.writers.sheet_limits import check_rows

define({
    "report.summary": ("Riepilogo", "Summary"),
    "report.table": ("Report", "Report"),
    "report.data": ("Dati", "Data"),
    "report.period": ("Periodo: dal {start} al {end}", "Period: {start} to {end}"),
    "report.compared": ("Confronto: dal {start} al {end}", "Compared with: {start} to {end}"),
    "report.as_of": ("Crediti aperti al {end}", "Open receivables on {end}"),
    "report.by": ("Raggruppato per: {by}", "Grouped by: {by}"),
    "report.amount": ("Importo", "Amount"),
    "report.compare_amount": ("Confronto", "Comparison"),
    "report.variation": ("Variazione", "Change"),
    "report.variation_pct": ("Variazione %", "Change %"),
    "report.no_base": ("n.d.", "n/a"),
    "report.total": ("Totale", "Total"),
    "report.total_of": ("Totale {value}", "Total {value}"),
    "report.total_period": ("Totale del periodo", "Period total"),
    "report.total_compared": ("Totale del confronto", "Comparison total"),
    "report.top": ("Primi 20 per {dimension}", "Top 20 by {dimension}"),
    "report.trend_month": ("Andamento per mese", "By month"),
    "report.trend_day": ("Andamento per giorno", "By day"),
    "report.pie": ("{customer}: articoli", "{customer}: items"),
    "report.other": ("Altri", "Others"),
    "report.pie_left_out": ("Non nella torta, perché negativi (resi e note di credito oltre le vendite): {items}.",
                            "Not in the pie, being negative (returns and credit notes beyond the sales): {items}."),
    "report.pie_left_more": ("{items} e {more}", "{items} and {more}"),
    "report.none": ("(nessuno)", "(none)"),
    "report.dim.customer": ("Cliente", "Customer"),
    "report.dim.customer_name": ("Ragione sociale", "Customer name"),
    "report.dim.item": ("Articolo", "Item"),
    "report.dim.description": ("Descrizione", "Description"),
    "report.dim.category": ("Categoria", "Category"),
    "report.dim.agent": ("Agente", "Agent"),
    "report.dim.zone": ("Zona", "Area"),
    "report.dim.month": ("Mese", "Month"),
    "report.dim.period": ("Periodo", "Period"),
    "report.current": ("Periodo", "Period"),
    "report.compare": ("Confronto", "Comparison"),
    "report.quantity": ("Quantità", "Quantity"),
    "report.document": ("Documento", "Document"),
    "report.invoice_date": ("Data fattura", "Invoice date"),
    "report.due_date": ("Scadenza", "Due date"),
    "report.days_past_due": ("Giorni di ritardo", "Days past due"),
    "report.bucket": ("Fascia", "Bucket"),
    "report.open": ("Aperto", "Open"),
    "report.bucket.not_due": ("Non scaduto", "Not yet due"),
    "report.bucket.d1_30": ("1–30 giorni", "1–30 days"),
    "report.bucket.d31_60": ("31–60 giorni", "31–60 days"),
    "report.bucket.d61_90": ("61–90 giorni", "61–90 days"),
    "report.bucket.d90": ("Oltre 90 giorni", "Over 90 days"),
    "report.bucket.credit": ("Note di credito", "Credit notes"),
    "report.bucket.overpaid": ("Pagato in eccesso", "Overpaid"),
    "report.empty": ("Niente nel periodo.", "Nothing in the period."),
})

TOP = 20
PIES = 6
"""Customers with a pie of their items (customer-products): the largest six."""
PIE_SLICES = 8
PIE_ROWS = 16
"""Rows of the summary a row of two pies takes (a pie 260 pixels tall, 20 a row), the last
two left for the note of what the pie leaves out (`_left_out`), wrapped within the pie's six
columns: on one row it ran past them, under the other pie or past the printed columns, cut."""
LEFT_OUT_NAMED = 3
"""Negative items a pie's note names, the largest first; the rest are counted."""
PIE_ROWS_PER_PAGE = 2
"""Rows of pies on an A4 landscape page: 32 rows of 15 points, of the 509 points between
its margins at 100 % (more at the summary's smaller scale)."""
LEGEND_WIDTH = 26
"""Characters of a pie's legend entry: a code and the start of its description."""
BAR_LABEL_WIDTH = 18
"""Characters of a column's label under the top 20: a code and the start of its name."""
HEADER_ROW = 4
"""Report and data sheets: rows 0–3 title, period, comparison, grouping; the headings in row 4."""
CHART_DATA_COLUMN = 12
"""Summary sheet: the charts' data from column M, right of the printed area (A–L)."""
SUMMARY_WIDTHS = (11, 11, 11, 16, 11, 11, 11, 11, 11, 11, 11, 11)
"""Summary sheet: the printed columns A–L, the key figures' amounts in D. With pies it prints
at the scale that fits them to the page's width (`fitting_scale`), not fit to the page:
Excel drops a sheet's manual page breaks when it fits the sheet to the page."""
LABEL_WIDTH = 64
"""The widest a column of names (a customer's name, an item's description, a shared
customer's agents) grows, in characters: 48 cut FatturaPA's 80-character names in print; wider
than this, the page's scale would shrink every figure, so a longer name wraps in its cell."""
NAMED = {"customer": "customer_name", "item": "description"}
"""A code dimension shown with its name beside it."""
BUCKET_COLOURS = {"not_due": "#A9D18E", "d1_30": "#FFD966", "d31_60": "#F4B183", "d61_90": "#E06666",
                  "d90": "#990000", "credit": "#9DC3E6", "overpaid": "#2E75B6"}
"""Aging's charts: green for what is not yet due, warmer the later it is, blues for the credits."""


def _cents(value: Any) -> float:
    return int(value) / 100


def _day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _span(start: date, end: date) -> str:
    return f"{_day(start)}–{_day(end)}"


class _Layout:
    """Where the report table put its columns and its total row, for the summary's formulas,
    and the totals those formulas give (`totals`, their results as written)."""

    def __init__(self) -> None:
        self.columns: dict[str, int] = {}
        self.total_row = 0
        self.totals: dict[str, float | str] = {}


def _changes(now: int, before: int, no_base: str) -> tuple[float, float | str]:
    """The variation and the variation in percent that the table's formulas compute, as their
    written results, from amounts in cents (in euros, 8852.64 - 1234.56 is not 7618.08 but a
    float a hair off it): with nothing to compare with (a customer new in the period) the
    percent is `no_base` ("n.d."), which says so where an empty cell looked like a missing figure."""
    change = now - before
    return _cents(change), (no_base if before == 0 else change / abs(before))


def write_report(target: Path, master: MasterData, report: Report, lang: str = "it") -> Path:
    return write_atomic(Path(target), lambda tmp: _write(tmp, master, report, lang))


def _write(path: Path, master: MasterData, report: Report, lang: str) -> None:
    t = labeller(lang)
    check_rows(HEADER_ROW + 1 + len(report.data), t("report.data"))
    if report.request.kind is not Kind.AGING:
        groups = report.table[report.by[0]].nunique() if len(report.by) > 1 and len(report.table) else 0
        check_rows(HEADER_ROW + 2 + len(report.table) + groups, t("report.table"))  # a subtotal per group, the total
    book = block_workbook(path, "report")
    fmt = _Formats(book)
    summary = book.add_worksheet(t("report.summary"))
    table = book.add_worksheet(t("report.table"))
    data = book.add_worksheet(t("report.data"))
    if report.request.kind is Kind.AGING:
        layout = _aging_table(table, report, fmt, t, lang)
        _aging_summary(book, summary, master, report, layout, fmt, t, lang)
        _aging_data(data, report, fmt, t, lang)
    else:
        layout = _table(table, report, fmt, t, lang, master)
        _summary(book, summary, master, report, layout, fmt, t, lang)
        _data(data, report, fmt, t, lang)
    summary.activate()
    book.close()


class _Formats:
    def __init__(self, book: Workbook) -> None:
        base = formats(book)
        self.base = base
        self.money = base.money
        self.header = base.header
        self.title = base.title
        self.text = base.text
        self.wrap = base.wrap
        self.date = base.date
        self.month = book.add_format({"num_format": figure("mm/yyyy"), "valign": "top"})
        self.quantity = book.add_format({"num_format": figure("#,##0.###"), "valign": "top"})
        self.percent = book.add_format({"num_format": figure("0.0%"), "valign": "top", "align": "right"})
        self.sub_label = book.add_format({"bold": True, "bg_color": "#F2F2F2"})
        self.sub_money = book.add_format({"bold": True, "bg_color": "#F2F2F2", "num_format": figure(MONEY_FORMAT)})
        self.sub_quantity = book.add_format({"bold": True, "bg_color": "#F2F2F2", "num_format": figure("#,##0.###")})
        self.sub_percent = book.add_format({"bold": True, "bg_color": "#F2F2F2", "num_format": figure("0.0%"),
                                            "align": "right"})
        self.total_label = base.total_label
        self.total = base.total
        self.total_quantity = book.add_format({"bold": True, "top": 1, "num_format": figure("#,##0.###")})
        self.total_percent = book.add_format({"bold": True, "top": 1, "num_format": figure("0.0%"), "align": "right"})
        self.key_label = book.add_format({"bold": True})
        self.key_money = book.add_format({"bold": True, "num_format": figure(MONEY_FORMAT), "font_size": 12})
        self.key_percent = book.add_format({"bold": True, "num_format": figure("0.0%"), "font_size": 12, "align": "right"})


def _titles(sheet: Worksheet, report: Report, fmt: _Formats, t: Any, lang: str, row: int = 0) -> int:
    """Title, period, comparison and grouping from `row`; returns the next free row."""
    request = report.request
    sheet.write_string(row, 0, KIND_LABELS[request.kind][0 if lang == "it" else 1], fmt.title)
    key = "report.as_of" if request.kind is Kind.AGING else "report.period"
    sheet.write_string(row + 1, 0, t(key).format(start=_day(request.start), end=_day(request.end)))
    if report.compared:
        sheet.write_string(row + 2, 0, t("report.compared").format(start=_day(report.compared[0]),
                                                                    end=_day(report.compared[1])))
    sheet.write_string(row + 3, 0, t("report.by").format(by=", ".join(t(f"report.dim.{b}") for b in report.by)))
    return row + 4


# --- the report table ---------------------------------------------------------------------------

def _label_columns(by: Sequence[str]) -> list[str]:
    columns: list[str] = []
    for b in by:
        columns.append(b)
        if b in NAMED:
            columns.append(NAMED[b])
    return columns


def _names(report: Report) -> dict[str, dict[str, str]]:
    """Customer names and item descriptions by code, from the data rows."""
    data = report.data
    found: dict[str, dict[str, str]] = {}
    for code, name in NAMED.items():
        if code in data and name in data:
            pairs = data[[code, name]].drop_duplicates(code)
            found[code] = dict(zip(pairs[code].astype(str), pairs[name].astype(str)))
    return found


def _table(sheet: Any, report: Report, fmt: _Formats, t: Any, lang: str, master: MasterData) -> _Layout:
    _titles(sheet, report, fmt, t, lang)
    by = report.by
    labels = _label_columns(by)
    compared = report.compared is not None
    has_quantity = "item" in by
    values = (["quantity"] if has_quantity else []) + ["amount"] + (
        ["compare_amount", "variation", "variation_pct"] if compared else [])
    heads = [t(f"report.dim.{c}") for c in labels] + [
        t("report.quantity") if v == "quantity" else t(f"report.{v}") for v in values]
    layout = _Layout()
    for i, v in enumerate(values):
        layout.columns[v] = len(labels) + i
    letter = {v: xl_col_to_name(c) for v, c in layout.columns.items()}
    no_base = t("report.no_base")

    def changes(money: Any, percent: Any) -> list[Column]:
        if not compared:
            return []
        now, before, change = letter["amount"], letter["compare_amount"], letter["variation"]
        return [Column("formula", money, f"={now}{{row}}-{before}{{row}}"),
                Column("formula", percent, f'=IF({before}{{row}}=0,"{no_base}",{change}{{row}}/ABS({before}{{row}}))')]

    plain = ([Column("number", fmt.month) if c == "month" else Column("text", fmt.wrap) for c in labels]
             + ([Column("number", fmt.quantity)] if has_quantity else [])
             + [Column("number", fmt.money)] + ([Column("number", fmt.money)] if compared else [])
             + changes(fmt.money, fmt.percent))

    def sums(first: int, last: int, label: str, label_format: Any, money: Any, quantity: Any,
             percent: Any, rows: range) -> tuple[list[Column], tuple[Any, ...]]:
        """A subtotal or total row over rows first..last (zero-based) of the sheet, which hold
        the table's `rows`: its formulas' results are theirs summed, in cents and thousandths
        (summed in euros, floats, 8852.64 is cached as 8852.640000000001)."""
        columns = [Column("text", label_format)] + [Column("text", label_format)] * (len(labels) - 1)
        results: list[Any] = []
        for v, found, scale in (("quantity", quantities, 1000), ("amount", amounts, 100),
                                ("compare_amount", before, 100)):
            if v == "quantity" and found is not None and len(_units_of(units, found, rows)) > 1:
                columns.append(Column("number", quantity))
                results.append(None)
            elif v in layout.columns and found is not None:
                columns.append(Column("formula", quantity if v == "quantity" else money,
                                      f"=SUBTOTAL(9,{letter[v]}{first + 1}:{letter[v]}{last + 1})"))
                results.append(sum(found[i] for i in rows) / scale)
        columns += changes(money, percent)
        if compared:
            assert before is not None
            results += _changes(sum(amounts[i] for i in rows), sum(before[i] for i in rows), no_base)
        return columns, (label, *([""] * (len(labels) - 1)), *results)

    names = _names(report)
    none = t("report.none")
    table = report.table
    label_values: list[list[Any]] = []
    for b in by:
        codes = table[b].astype(str).tolist()
        label_values.append(list(_month_serials(codes)) if b == "month" else [c or none for c in codes])
        if b in NAMED:
            found = names.get(b, {})
            label_values.append([found.get(c, "") for c in codes])
    widths = set_widths(sheet, [*(12 if c == "month" else _label_width(c, column)
                                  for c, column in zip(labels, label_values)), *[14] * len(values)])
    headings(sheet, HEADER_ROW, 0, heads, fmt.base, widths)
    quantities = table["quantity"].tolist() if has_quantity else None
    known = {code: unit_key(unit) for code, unit in report.sold_in.items()} | {
        x.code: unit_key(x.unit) for x in master.items}
    units = [known.get(code) for code in table["item"].astype(str)] if has_quantity else []
    amounts = table["amount"].tolist()
    before = table["compare_amount"].tolist() if compared else None

    def data_row(i: int) -> tuple[Any, ...]:
        row: list[Any] = [column[i] for column in label_values]
        if quantities is not None:
            row.append(quantities[i] / 1000)
        row.append(_cents(amounts[i]))
        if before is not None:
            row += [_cents(before[i]), *_changes(amounts[i], before[i], no_base)]
        return tuple(row)

    first_keys = table[by[0]].astype(str).tolist()
    sheet_rows: list[int] = []
    row = data_first = HEADER_ROW + 1
    subtotals = len(by) > 1
    start = 0
    while start < len(table):
        end = start
        if subtotals:
            while end + 1 < len(table) and first_keys[end + 1] == first_keys[start]:
                end += 1
        else:
            end = len(table) - 1
        block_first = row
        sheet_rows += range(row, row + end - start + 1)
        row = sheet.write_block(row, 0, plain, (data_row(i) for i in range(start, end + 1)))
        if subtotals:
            columns, cells = sums(block_first, row - 1,
                                  t("report.total_of").format(value=_shown_key(by[0], first_keys[start]) or none),
                                  fmt.sub_label, fmt.sub_money, fmt.sub_quantity, fmt.sub_percent,
                                  range(start, end + 1))
            row = sheet.write_block(row, 0, columns, [cells])
        start = end + 1
    _fit_long(sheet, sheet_rows, list(zip(label_values, widths)))
    if row == data_first:
        row = sheet.write_block(row, 0, [Column("text")], [(t("report.empty"),)])
    columns, cells = sums(data_first, row - 1, t("report.total"), fmt.total_label, fmt.total, fmt.total_quantity,
                          fmt.total_percent, range(len(table)))
    layout.total_row = row
    layout.totals = {v: cells[col] for v, col in layout.columns.items()}
    sheet.write_block(row, 0, columns, [cells])
    sheet.autofilter(HEADER_ROW, 0, max(row - 1, HEADER_ROW), len(heads) - 1)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    a4(sheet, landscape=True, repeat_rows=(HEADER_ROW, HEADER_ROW))
    return layout


def _fit_long(sheet: Any, rows: Sequence[int], columns: Sequence[tuple[Sequence[Any], float]]) -> None:
    """Make the `rows` (sheet rows, one per value) whose name wraps in its column as tall as it
    needs: LibreOffice does not size a wrapped row itself, so a name past `LABEL_WIDTH` would
    show its first line only. A column narrower than that fits its names on one line, and is
    not measured (the data sheet of a large desk has a million rows)."""
    tall: dict[int, list[tuple[str, float]]] = {}
    for values, width in columns:
        if width < LABEL_WIDTH:
            continue
        long = {v for v in set(values) if isinstance(v, str) and lines_needed(v, width) > 1}
        for at, value in zip(rows, values):
            if value in long:
                tall.setdefault(at, []).append((value, width))
    for at, cells in tall.items():
        fit_row(sheet, at, cells)


def _units_of(units: Sequence[str | None], quantities: Sequence[float], rows: range) -> set[str | None]:
    """The units of measure the rows' quantities are in, for a subtotal that adds them: one unit,
    or none at all, adds up; kilograms, litres and cartons do not, so such a subtotal is left
    empty rather than a figure of no unit; a unit as `unit_key` spells it, so «pz» and «Pezzi»
    are one; an item taken off *Articoli* is in the unit its lines were sold in
    (`Report.sold_in`). A row of no known unit counts as a unit of its own, unless its quantity
    is 0 (the volume discounts' row).

    >>> sorted(_units_of(["kg", "kg", None], [2.0, 3.0, 0.0], range(3)))
    ['kg']
    >>> len(_units_of(["kg", "l", "kg"], [2.0, 3.0, 1.0], range(3))), len(_units_of(["kg", "l"], [2.0, 3.0], range(1)))
    (2, 1)
    """
    return {units[i] for i in rows if units[i] is not None or quantities[i]}


def _shown_key(dimension: str, key: str) -> str:
    """A group's value as a subtotal's label says it: a month as its cells show it, `04/2026`.

    >>> _shown_key("month", "2026-04"), _shown_key("customer", "C001")
    ('04/2026', 'C001')
    """
    return f"{key[5:7]}/{key[:4]}" if dimension == "month" and key else key


def _label_width(column: str, values: Sequence[Any]) -> float:
    """A label column as wide as its longest value: a shared customer's agents ("Marco Bianchi
    60 %, Laura Colombo 40 %") cut at 12 characters printed as "Marco Bianchi 6", another
    agent to the reader; names from 30 characters, codes, agents, zones and categories from 12."""
    return fitting_width(map(str, values), 30 if column in NAMED.values() else 12, at_most=LABEL_WIDTH)


# --- the summary ------------------------------------------------------------------------------

def _ref(sheet_name: str, row: int, col: int, row_end: int | None = None, col_end: int | None = None) -> str:
    start = xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)
    if row_end is None:
        return f"={quote_sheetname(sheet_name)}!{start}"
    end = xl_rowcol_to_cell(row_end, col if col_end is None else col_end, row_abs=True, col_abs=True)
    return f"={quote_sheetname(sheet_name)}!{start}:{end}"


def _axes(chart: Any, *, named: bool = False) -> None:
    """Euro without cents up the side, and the categories' labels at the foot of the chart
    ("low"): at the zero line, where Excel puts them, a negative column (a credit) and its
    axis' "-1,000" print over them. `named` categories (a code and the start of a name, twenty
    of them) stand upright, or they print over each other."""
    chart.set_y_axis({"num_format": "#,##0"})
    chart.set_x_axis({"label_position": "low", "num_font": {"size": 8, **({"rotation": -90} if named else {})}})


def _chart_data(sheet: Worksheet, col: int, labels: Sequence[str], figures: int) -> None:
    """The columns a summary's chart reads: its labels as wide as the longest, then `figures`
    columns of amounts."""
    sheet.set_column(col, col, fitting_width(labels, 14))
    sheet.set_column(col + 1, col + figures, 14)


def _bar_labels(report: Report, dimension: str, keys: Any, t: Any) -> list[str]:
    """The columns' labels: a customer or an item by its code and the start of its name
    ("C012 Circolo Ricr…"), which a reader knows without the code list; other dimensions as
    they are."""
    names = _names(report).get(dimension, {}) if dimension in NAMED else {}
    return [_labelled(_shown_key(dimension, str(key)), names.get(str(key), ""), BAR_LABEL_WIDTH) if str(key)
            else t("report.none") for key in keys]


def _key_figures(sheet: Worksheet, report: Report, layout: _Layout, fmt: _Formats, t: Any, row: int) -> int:
    table_name = t("report.table")
    figures = [("report.total_period", "amount", fmt.key_money)]
    if report.compared:
        figures += [("report.total_compared", "compare_amount", fmt.key_money),
                    ("report.variation", "variation", fmt.key_money),
                    ("report.variation_pct", "variation_pct", fmt.key_percent)]
    for i, (label, column, style) in enumerate(figures):
        sheet.write_string(row + i, 0, t(label), fmt.key_label)
        sheet.write_formula(row + i, 3, _ref(table_name, layout.total_row, layout.columns[column]), style,
                            layout.totals[column])
    return row + len(figures) + 1


def _summary(book: Workbook, sheet: Worksheet, master: MasterData, report: Report, layout: _Layout,
             fmt: _Formats, t: Any, lang: str) -> None:
    name = t("report.summary")
    row = company_header(sheet, fmt.base, master.settings, lang)
    row = _titles(sheet, report, fmt, t, lang, row) + 1
    row = _key_figures(sheet, report, layout, fmt, t, row)
    set_widths(sheet, SUMMARY_WIDTHS)
    compared = report.compared is not None
    # the top 20 of the first dimension
    first = report.by[0]
    top = (report.table.groupby(first, sort=False)[["amount", "compare_amount"]].sum()
           .sort_values("amount", ascending=False, kind="stable").head(TOP))
    col = CHART_DATA_COLUMN
    labels = _bar_labels(report, first, top.index, t)
    _chart_data(sheet, col, labels, 6)
    sheet.write_row(0, col, [t(f"report.dim.{first}"), t("report.current"), t("report.compare")], fmt.header)
    for i, (label, (_, values)) in enumerate(zip(labels, top.iterrows()), start=1):
        sheet.write_string(i, col, label)
        sheet.write_number(i, col + 1, _cents(values["amount"]), fmt.money)
        sheet.write_number(i, col + 2, _cents(values["compare_amount"]), fmt.money)
    last = max(len(top), 1)
    chart = book.add_chart({"type": "column"})
    chart.add_series({"name": t("report.current"), "categories": _ref(name, 1, col, last),
                      "values": _ref(name, 1, col + 1, last), "fill": {"color": "#2F5597"}})
    if compared:
        chart.add_series({"name": t("report.compare"), "categories": _ref(name, 1, col, last),
                          "values": _ref(name, 1, col + 2, last), "fill": {"color": "#A6A6A6"}})
    chart.set_title({"name": t("report.top").format(dimension=t(f"report.dim.{first}").lower())})
    _axes(chart, named=first in NAMED)
    chart.set_legend({"position": "bottom" if compared else "none"})
    chart.set_size({"width": 450, "height": 340})
    sheet.insert_chart(row, 0, chart)
    # the period by month (or day), the comparison beside it
    tcol = col + 4
    daily = bool(len(report.timeline)) and len(str(report.timeline["label"].iloc[0])) == 10
    sheet.write_row(0, tcol, [t("report.dim.month") if not daily else t("doc.date"), t("report.current"),
                              t("report.compare")], fmt.header)
    for i, (label, amount, before) in enumerate(report.timeline[["label", "amount", "compare_amount"]]
                                                .itertuples(index=False, name=None), start=1):
        shown = f"{label[8:10]}/{label[5:7]}" if daily else _shown_key("month", str(label))
        sheet.write_string(i, tcol, shown)
        sheet.write_number(i, tcol + 1, _cents(amount), fmt.money)
        sheet.write_number(i, tcol + 2, _cents(before), fmt.money)
    last = max(len(report.timeline), 1)
    line = book.add_chart({"type": "line"})
    line.add_series({"name": t("report.current"), "categories": _ref(name, 1, tcol, last),
                     "values": _ref(name, 1, tcol + 1, last), "line": {"color": "#2F5597", "width": 2.25},
                     "marker": {"type": "circle", "size": 4}})
    if compared:
        line.add_series({"name": t("report.compare"), "categories": _ref(name, 1, tcol, last),
                         "values": _ref(name, 1, tcol + 2, last), "line": {"color": "#A6A6A6", "width": 2.25,
                                                                          "dash_type": "dash"}})
    line.set_title({"name": t("report.trend_day" if daily else "report.trend_month")})
    _axes(line)
    line.set_legend({"position": "bottom" if compared else "none"})
    line.set_size({"width": 450, "height": 340})
    sheet.insert_chart(row, 6, line, {"x_offset": 10})
    row += 18
    pies = report.request.kind is Kind.CUSTOMER_PRODUCTS
    if pies:
        row = _pies(book, sheet, report, fmt, t, lang, row, tcol + 4)
    sheet.print_area(0, 0, row, 11)
    if pies:
        a4(sheet, landscape=True, fit_width=False)
        sheet.set_print_scale(fitting_scale(SUMMARY_WIDTHS, landscape=True))
    else:
        a4(sheet, landscape=True)


def _pies(book: Workbook, sheet: Worksheet, report: Report, fmt: _Formats, t: Any, lang: str, row: int,
          col: int) -> int:
    """A pie of each of the largest customers' items: the eight largest, the rest as "Others",
    each labelled with its code and description. An item whose returns and credit notes passed
    its sales, or the volume discounts' row, is negative: a pie cannot show it (its slice would
    print as a sale), so it is left out and named under the pie (`_left_out`), the shares being
    of the goods sold. Read from the data rows, which hold every
    customer and item whatever the table is grouped by (`--by item` has no customer column,
    `--by customer` no item column). The pies start on a page of their own, two rows of two
    to a page, each inside its `PIE_ROWS` rows (a pie that started on a page break would
    print its top edge at the foot of the page before): a page break between two rows of
    pies, never across one."""
    name = t("report.summary")
    lines = report.data[report.data["period"] == "current"]
    names = _names(report)
    customers = (lines.groupby("customer", sort=False, observed=True)["amount"].sum()
                 .sort_values(ascending=False, kind="stable").head(PIES).index)
    pies = []
    for customer in customers:
        items = (lines[lines["customer"] == customer].groupby("item", sort=False, observed=True)["amount"].sum()
                 .sort_values(ascending=False, kind="stable"))
        if not items[items > 0].empty:
            pies.append((str(customer), items[items > 0], items[items < 0]))
    descriptions = names.get("item", {})
    note = book.add_format({"italic": True, "font_size": 8, "text_wrap": True, "valign": "top"})
    data_row = 0
    for n, (customer, items, negative) in enumerate(pies):
        slices = [(_labelled(str(k), descriptions.get(str(k), ""), LEGEND_WIDTH), int(v))
                  for k, v in items.head(PIE_SLICES).items()]
        rest = int(items.iloc[PIE_SLICES:].sum())
        if rest:
            slices.append((t("report.other"), rest))
        sheet.write_row(data_row, col, [customer, t("report.amount")], fmt.header)
        for i, (label, amount) in enumerate(slices, start=1):
            sheet.write_string(data_row + i, col, label)
            sheet.write_number(data_row + i, col + 1, _cents(amount), fmt.money)
        pie = book.add_chart({"type": "pie"})
        pie.add_series({"name": customer, "categories": _ref(name, data_row + 1, col, data_row + len(slices)),
                        "values": _ref(name, data_row + 1, col + 1, data_row + len(slices)),
                        "data_labels": {"percentage": True}})
        title = names.get("customer", {}).get(customer) or customer
        pie.set_title({"name": t("report.pie").format(customer=title[:40])})
        pie.set_legend({"font": {"size": 8}})
        pie.set_size({"width": 440, "height": PIE_ROWS * 20 - 60})
        sheet.insert_chart(row + (n // 2) * PIE_ROWS, 0 if n % 2 == 0 else 6, pie, {"y_offset": 10})
        if not negative.empty:
            top, left = row + (n // 2) * PIE_ROWS + PIE_ROWS - 2, 0 if n % 2 == 0 else 6
            sheet.merge_range(top, left, top + 1, left + 5, "", note)
            sheet.write_string(top, left, _left_out(negative, descriptions, t, lang), note)
        data_row += len(slices) + 2
    sheet.set_column(col, col, 30)
    sheet.set_column(col + 1, col + 1, 14)
    end = row + (len(pies) + 1) // 2 * PIE_ROWS
    sheet.set_h_pagebreaks(list(range(row, end, PIE_ROWS * PIE_ROWS_PER_PAGE)))
    return end


def _left_out(negative: Any, descriptions: dict[str, str], t: Any, lang: str) -> str:
    """The note under a pie naming the negative items it leaves out, the largest first, each
    with its amount: «Non nella torta, perché negativi (…): A009 Orzo solubile 500 g -12,50 €.»; past
    `LEFT_OUT_NAMED`, how many more items, in words agreeing with them (*e un altro articolo*,
    never *e altri 1*)."""
    named = [f"{_labelled(str(k), descriptions.get(str(k), ''), LEGEND_WIDTH)} {euro(Decimal(int(v)).scaleb(-2), lang)}"
             for k, v in negative.sort_values(kind="stable").head(LEFT_OUT_NAMED).items()]
    items = "; ".join(named)
    if len(negative) > LEFT_OUT_NAMED:
        items = t("report.pie_left_more").format(items=items, more=ITEMS.more(len(negative) - LEFT_OUT_NAMED, lang,
                                                                              said=True))
    return str(t("report.pie_left_out").format(items=items))


def _labelled(code: str, name: str, width: int) -> str:
    """A code with its name, cut to `width` characters with "…": a chart's label a reader
    knows without the code list at hand ("A033 Acqua minerale nat…")."""
    text = f"{code} {name}" if name else code
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


# --- the data sheet ---------------------------------------------------------------------------

DATA_COLUMNS = ("period", "month", "customer", "customer_name", "item", "description", "category", "agent", "zone",
                "quantity", "amount")
DATA_NAMES = {3, 4, 5, 6, 7, 8}
"""The data sheet's columns of names (customer, item, category, agents, zone) and the item's
code (the volume discounts' row is *Sconti di volume*), as wide as their longest values
(`fitting_width`); the others hold codes, dates and numbers of known width."""


def _data(sheet: Any, report: Report, fmt: _Formats, t: Any, lang: str) -> None:
    """Every dimension of every line, summed at the finest grain the dimensions have (a line per
    period, month, customer and item): a pivot table's source of any shape, and a sheet that
    stays within Excel's rows at a large distributor's month. Each row says its period by its
    dates ("01/04/2026–30/04/2026"), which a pivot table shows as they are, and its month as a
    date, the month's first day shown `04/2026` (`_month_serials`): as the text `2026-04` it
    was, a filter listed it as text and a pivot table could not group it by quarter or year."""
    _titles(sheet, report, fmt, t, lang)
    data = report.data
    request = report.request
    periods = {"current": _span(request.start, request.end)}
    if report.compared:
        periods["compare"] = _span(*report.compared)
    heads = [t(f"report.dim.{c}") if c not in ("quantity", "amount") else t(f"report.{c}") for c in DATA_COLUMNS]
    heads[0] = t("report.dim.period")
    columns = [data["period"].map(periods).astype(str).tolist()]
    columns += [data[c].astype(str).tolist() for c in DATA_COLUMNS[1:9]]
    widths = set_widths(sheet, [fitting_width(columns[col], width, at_most=LABEL_WIDTH) if col in DATA_NAMES else width
                                for col, width in enumerate((22, 9, 10, 30, 10, 34, 12, 10, 10, 12, 14))])
    columns[1] = _month_serials(columns[1])
    columns += [(data["quantity"] / 1000).tolist(), (data["amount"] / 100).tolist()]
    shape = [Column("text"), Column("number", fmt.month)] + [
        Column("text", fmt.wrap) if col in DATA_NAMES else Column("text") for col in range(2, 9)] + [
        Column("number", fmt.quantity), Column("number", fmt.money)]
    sheet.write_block(HEADER_ROW + 1, 0, shape, zip(*columns))
    _fit_long(sheet, range(HEADER_ROW + 1, HEADER_ROW + 1 + len(data)),
              [(columns[col], widths[col]) for col in sorted(DATA_NAMES)])
    _as_table(sheet, heads, widths, len(data), fmt, "Dati")


def _month_serials(months: Sequence[str]) -> list[int]:
    """`2026-04` as the serial of 1 April 2026, each distinct month computed once (a large
    desk's data sheet has a million rows over a few months).

    >>> _month_serials(["2026-04", "2026-04", "2026-10"])
    [46113, 46113, 46296]
    """
    serials: dict[str, int] = {}
    for month in months:
        if month not in serials:
            serials[month] = excel_serial(date(int(month[:4]), int(month[5:7]), 1))
    return [serials[month] for month in months]


def _as_table(sheet: Any, heads: Sequence[str], widths: Sequence[float], rows: int, fmt: _Formats,
              name: str) -> None:
    """An Excel table over the headings (their row as tall as the longest needs) and the rows
    below them. Registered as
    `toolkit.writers.streaming.add_table` does: XlsxWriter's own `add_table` records every cell
    of the range to find overlaps, a second per report at a large desk."""
    last = HEADER_ROW + max(rows, 1)
    headings(sheet, HEADER_ROW, 0, heads, fmt.base, widths)
    cells = xl_range(HEADER_ROW, 0, last, len(heads) - 1)
    sheet.tables.append({
        "show_first_col": False, "show_last_col": False, "show_row_stripes": True, "show_col_stripes": False,
        "header_row_count": True, "totals_row_shown": False, "description": None, "title": None,
        "name": name, "style": "TableStyleLight9", "range": cells, "a_range": cells, "autofilter": cells,
        "columns": [{"id": n, "name": header, "total_string": "", "total_function": "", "custom_total": "",
                     "total_value": 0, "formula": "", "format": None, "name_format": None}
                    for n, header in enumerate(heads, start=1)],
    })
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    a4(sheet, landscape=True, repeat_rows=(HEADER_ROW, HEADER_ROW))


# --- aging ------------------------------------------------------------------------------------

def _aging_table(sheet: Worksheet, report: Report, fmt: _Formats, t: Any, lang: str) -> _Layout:
    _titles(sheet, report, fmt, t, lang)
    by = report.by
    labels = _label_columns(by)
    heads = [t(f"report.dim.{c}") for c in labels] + [t(f"report.bucket.{b}") for b in BUCKETS] + [t("report.open")]
    names = _names(report)
    none = t("report.none")
    table = report.table
    shown = {c: [code or none for code in table[c].astype(str)] for c in by}
    shown |= {NAMED[c]: [names.get(c, {}).get(code, "") for code in table[c].astype(str)] for c in by if c in NAMED}
    widths = set_widths(sheet, [_label_width(c, shown[c]) for c in labels] + [14] * (len(BUCKETS) + 1))
    headings(sheet, HEADER_ROW, 0, heads, fmt.base, widths)
    layout = _Layout()
    first = len(labels)
    for i, b in enumerate((*BUCKETS, "amount")):
        layout.columns[b] = first + i
    row = data_first = HEADER_ROW + 1
    index = {c: i for i, c in enumerate(table.columns)}
    totals = dict.fromkeys(layout.columns, 0)
    for record in table.itertuples(index=False, name=None):
        col = 0
        for b in by:
            code = str(record[index[b]])
            sheet.write_string(row, col, code or none, fmt.wrap)
            col += 1
            if b in NAMED:
                sheet.write_string(row, col, names.get(b, {}).get(code, ""), fmt.wrap)
                col += 1
        buckets = [int(record[index[b]]) for b in BUCKETS]
        for b, amount in zip(BUCKETS, buckets):
            sheet.write_number(row, layout.columns[b], _cents(amount), fmt.money)
            totals[b] += amount
        owed = sum(buckets)
        sheet.write_formula(row, layout.columns["amount"],
                            f"=SUM({xl_rowcol_to_cell(row, first)}:{xl_rowcol_to_cell(row, first + len(BUCKETS) - 1)})",
                            fmt.money, _cents(owed))
        totals["amount"] += owed
        row += 1
    _fit_long(sheet, range(data_first, row), [(shown[c], width) for c, width in zip(labels, widths)])
    if row == data_first:
        sheet.write_string(row, 0, t("report.empty"))
        row += 1
    sheet.write_string(row, 0, t("report.total"), fmt.total_label)
    for name, col in layout.columns.items():
        column = xl_col_to_name(col)
        sheet.write_formula(row, col, f"=SUBTOTAL(9,{column}{data_first + 1}:{column}{row})", fmt.total,
                            _cents(totals[name]))
    layout.total_row = row
    layout.totals = {name: _cents(cents) for name, cents in totals.items()}
    sheet.autofilter(HEADER_ROW, 0, max(row - 1, HEADER_ROW), len(heads) - 1)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    a4(sheet, landscape=True, repeat_rows=(HEADER_ROW, HEADER_ROW))
    return layout


def _aging_summary(book: Workbook, sheet: Worksheet, master: MasterData, report: Report, layout: _Layout,
                   fmt: _Formats, t: Any, lang: str) -> None:
    name, table_name = t("report.summary"), t("report.table")
    row = company_header(sheet, fmt.base, master.settings, lang)
    row = _titles(sheet, report, fmt, t, lang, row) + 1
    set_widths(sheet, SUMMARY_WIDTHS)
    figures_row = row
    for i, b in enumerate((*BUCKETS, "amount")):
        sheet.write_string(row + i, 0, t(f"report.bucket.{b}") if b != "amount" else t("report.open"), fmt.key_label)
        sheet.write_formula(row + i, 3, _ref(table_name, layout.total_row, layout.columns[b]), fmt.key_money,
                            layout.totals[b])
    row += len(BUCKETS) + 2
    buckets = book.add_chart({"type": "column"})
    buckets.add_series({"name": t("report.open"), "categories": _ref(name, figures_row, 0, figures_row + len(BUCKETS) - 1),
                        "values": _ref(name, figures_row, 3, figures_row + len(BUCKETS) - 1),
                        "points": [{"fill": {"color": BUCKET_COLOURS[b]}} for b in BUCKETS],
                        "data_labels": {"value": True, "num_format": "#,##0"}})
    buckets.set_title({"name": t("report.bucket")})
    buckets.set_legend({"position": "none"})
    _axes(buckets)
    buckets.set_size({"width": 440, "height": 360})
    sheet.insert_chart(row, 0, buckets)
    first = report.by[0]
    col = CHART_DATA_COLUMN
    top = (report.table.groupby(first, sort=False)[[*BUCKETS, "amount"]].sum()
           .sort_values("amount", ascending=False, kind="stable").head(TOP)) if len(report.table) else None
    labels = _bar_labels(report, first, top.index, t) if top is not None else []
    _chart_data(sheet, col, labels, len(BUCKETS))
    sheet.write_row(0, col, [t(f"report.dim.{first}"), *(t(f"report.bucket.{b}") for b in BUCKETS)], fmt.header)
    count = 0
    if top is not None:
        for i, (label, (_, values)) in enumerate(zip(labels, top.iterrows()), start=1):
            sheet.write_string(i, col, label)
            for j, b in enumerate(BUCKETS, start=1):
                sheet.write_number(i, col + j, _cents(values[b]), fmt.money)
            count = i
    last = max(count, 1)
    stacked = book.add_chart({"type": "column", "subtype": "stacked"})
    for j, b in enumerate(BUCKETS, start=1):
        stacked.add_series({"name": _ref(name, 0, col + j), "categories": _ref(name, 1, col, last),
                            "values": _ref(name, 1, col + j, last), "fill": {"color": BUCKET_COLOURS[b]}})
    stacked.set_title({"name": t("report.top").format(dimension=t(f"report.dim.{first}").lower())})
    stacked.set_legend({"position": "bottom"})
    _axes(stacked, named=first in NAMED)
    stacked.set_size({"width": 540, "height": 360})
    sheet.insert_chart(row, 5, stacked, {"x_offset": 10})
    row += 19
    sheet.print_area(0, 0, row, 11)
    a4(sheet, landscape=True)


def _aging_data(sheet: Any, report: Report, fmt: _Formats, t: Any, lang: str) -> None:
    _titles(sheet, report, fmt, t, lang)
    data = report.data
    heads = [t("report.dim.customer"), t("report.dim.customer_name"), t("report.dim.agent"), t("report.dim.zone"),
             t("report.document"), t("report.invoice_date"), t("report.due_date"), t("report.days_past_due"),
             t("report.bucket"), t("report.open")]
    buckets = {b: t(f"report.bucket.{b}") for b in BUCKETS}
    columns = [data[c].astype(str).tolist() for c in ("customer", "customer_name", "agent", "zone", "document")]
    widths = set_widths(sheet, [fitting_width(columns[col], width, at_most=LABEL_WIDTH) if col in (1, 2, 3) else width
                                for col, width in enumerate((10, 30, 10, 10, 16, 11, 11, 10, 14, 14))])
    days = data["days_past_due"]
    columns += [[_serial(d) for d in data[c]] for c in ("invoice_date", "due_date")]
    columns += [days.astype(object).where(days.notna(), None).tolist(), data["bucket"].map(buckets).tolist(),
                (data["amount"] / 100).tolist()]
    shape = ([Column("text"), *[Column("text", fmt.wrap)] * 3, Column("text")] + [Column("number", fmt.date)] * 2
             + [Column("number", fmt.quantity), Column("text"), Column("number", fmt.money)])
    sheet.write_block(HEADER_ROW + 1, 0, shape, zip(*columns))
    _fit_long(sheet, range(HEADER_ROW + 1, HEADER_ROW + 1 + len(data)), [(columns[col], widths[col]) for col in (1, 2, 3)])
    _as_table(sheet, heads, widths, len(data), fmt, "Scadenze")


def _serial(day: date | None) -> int | None:
    """A date as Excel counts it (days since 30 December 1899); none for a credit's due date."""
    return None if day is None else excel_serial(day)
