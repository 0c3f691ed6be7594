"""Distribution, complete and production lists as printable workbooks (and PDF via LibreOffice).

Each list is one sheet the warehouse prints and the office filters: A4 landscape, fit to the
page width, the column headings frozen, filtered and repeated on every printed page. The
distribution lists start a new page for each route, so each driver gets his own pages.

A month's list at a large distributor has hundreds of thousands of lines: the workbook is
written row after row (`streaming`), the lines as one block of rows (`blocks`), each row as
tall as its wrapped texts need.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from toolkit.basics.files import write_atomic
from toolkit.basics.labels import define, labeller
from toolkit.basics.vocab import label as vocab_label
from toolkit.core.lists import Earlier, ListRow, OrderList, ProductionList, Route, UnitTotal
from toolkit.core.orders import STATUS_LABELS
from toolkit.core.shipping import shown
from toolkit.model.records import MasterData
from toolkit.writers.blocks import Column, StreamedWorkbook, StreamedWorksheet
from toolkit.writers.printable import (
    Formats,
    a4,
    fitting_width,
    formats,
    headings,
    page_header,
    period,
    set_widths,
    text,
)
from toolkit.writers.row_heights import ColumnHeights
from toolkit.writers.sheet_limits import check_rows
from toolkit.writers.streaming import QUICK_ZIP_LEVEL, streaming_workbook

define({
    "list.distribution": ("Lista di distribuzione", "Distribution list"),
    "list.complete": ("Lista di distribuzione (completa)", "Distribution list (complete)"),
    "list.production": ("Lista di produzione", "Production list"),
    "list.sources": ("Ordini", "Orders"),
    "list.route_total": ("Totale del giro", "Route total"),
    "list.area": ("Zona", "Area"),
    "list.carrier": ("Vettore", "Carrier"),
    "list.customer_name": ("Ragione sociale", "Customer name"),
    "list.destination": ("Indirizzo di consegna", "Delivery address"),
    "list.order": ("Ordine", "Order"),
    "list.ordered": ("Ordinata", "Ordered"),
    "list.shipped": ("Spedita", "Shipped"),
    "list.remaining": ("Da spedire", "To ship"),
    "list.required": ("Richiesta", "Required"),
    "list.stock": ("Giacenza", "In stock"),
    "list.from_stock": ("Da giacenza libera", "From free stock"),
    "list.to_produce": ("Da produrre", "To produce"),
    "list.earlier": ("Da giorni precedenti", "From earlier days"),
    "list.earlier_orders": ("Ordini precedenti", "Earlier orders"),
    "list.earlier_since": ("Il più vecchio del", "Oldest dated"),
    "list.empty": ("Niente da elencare per il periodo.", "Nothing to list for the period."),
    "list.seller": ("Venditore: {name}", "Seller: {name}"),
    "list.seller_head": ("Venditore", "Seller"),
    "list.then": (", poi ", ", then "),
})

ORDER_LIST_WIDTHS = (9, 20, 9, 28, 30, 15, 11, 9, 30, 6, 10, 10, 11, 16, 12)
PRODUCTION_WIDTHS = (10, 30, 6, 11, 12, 10, 11, 11, 13, 11, 45)
SOURCES_WIDTHS = (10, 34, 6, 15, 11, 9, 30, 11)

HEADER_ROW = 3
"""Rows 0–2: title, company, period; row 3: the column headings; data from row 4."""


def write_order_list(target: Path, master: MasterData, order_list: OrderList, lang: str = "it") -> Path:
    """The distribution list, or the complete list with each order's state. The distribution
    list closes each route with its totals per unit of measure: what the van carries."""
    t = labeller(lang)
    heads = ["list.area", "list.carrier", "doc.customer", "list.customer_name", "list.destination", "list.order",
             "doc.date", "doc.item", "doc.description", "doc.unit", "list.ordered", "list.shipped", "list.remaining"]
    if order_list.complete:
        heads += ["doc.document_type", "doc.status"]
    title = t("list.complete" if order_list.complete else "list.distribution")
    sender = t("ddt.sender")
    totals = [route.totals for route in order_list.routes] if not order_list.complete else None
    blocks = _seller_blocks(order_list)
    if blocks:
        heads.append("list.seller_head")
    check_rows(HEADER_ROW + 1 + len(blocks) + sum(len(route.rows) for route in order_list.routes)
               + sum(map(len, totals or ())), title)

    def write(tmp: Path) -> None:
        with streaming_workbook(tmp, "distribution", StreamedWorkbook, zip_level=QUICK_ZIP_LEVEL) as book:
            fmt = formats(book)
            sheet = book.add_worksheet(title[:31])
            _title(sheet, fmt, t("list.then").join(order_list.sellers) or master.settings.company_name, title,
                   order_list.date_from, order_list.date_to, lang)
            widths = set_widths(sheet, _order_widths(order_list, sender, lang, seller=bool(blocks))[:len(heads)])
            headings(sheet, HEADER_ROW, 0, [t(h) for h in heads], fmt, widths)
            line_formats = [_format(fmt, h) for h in heads]
            total_formats = _TotalFormats(book)
            breaks, row = [], HEADER_ROW + 1
            for n, route in enumerate(order_list.routes):
                if row > HEADER_ROW + 1:
                    breaks.append(row)
                if n in blocks:
                    text(sheet, row, 0, t("list.seller").format(name=route.seller), fmt.bold)
                    row += 1
                first = row
                row = _rows(sheet, row, line_formats, widths,
                            (_order_values(r, order_list.complete, sender, lang) + ([route.seller] if blocks else [])
                             for r in route.rows)) + 1
                if totals is not None:
                    row = _route_totals(sheet, total_formats, route, totals[n], first, row, t, sender)
            if not order_list.routes:
                text(sheet, HEADER_ROW + 1, 0, t("list.empty"))
            sheet.set_h_pagebreaks(breaks)
            _table(sheet, row - 1, len(heads))

    return write_atomic(target, write)


def _seller_blocks(order_list: OrderList) -> set[int]:
    """The routes that open a seller's block, by position: on a complete list whose DDTs printed
    the company under more than one name (`Route.seller`), each name heads the routes of the
    orders its DDTs shipped, in a row of its own above them. That row holds nothing the list's
    filter matches, so a filtered list hides it: each line names its seller in a last column
    too, which the filter keeps and filters by."""
    return {n for n, route in enumerate(order_list.routes)
            if route.seller is not None and (n == 0 or order_list.routes[n - 1].seller != route.seller)}


ORDER_TEXTS = {1: 30, 3: 34, 4: 38, 8: 38}
"""The order list's columns of free text (carrier, customer's name, address, description) by
index, with the widest each grows to: as wide as their longest values, so that a row whose texts
fit on a line prints one line tall (`row_height`), and no wider than the page can spare."""


def _order_widths(order_list: OrderList, sender: str, lang: str, *, seller: bool = False) -> list[float]:
    """`ORDER_LIST_WIDTHS`, the free-text columns grown to fit their values (`ORDER_TEXTS`), and
    the seller's column after them when the lines name theirs (`_seller_blocks`)."""
    rows = order_list.rows
    values = {1: {r.carrier_name or sender for r in rows}, 3: {r.customer_name for r in rows},
              4: {r.destination for r in rows}, 8: {r.described(lang) for r in rows}}
    widths = [fitting_width(values[col], width, at_most=ORDER_TEXTS[col]) if col in ORDER_TEXTS else width
              for col, width in enumerate(ORDER_LIST_WIDTHS)]
    return widths + [fitting_width(order_list.sellers, 12, at_most=30)] if seller else widths


class _TotalFormats:
    """A route's total rows: bold, a rule above the first."""

    def __init__(self, book: Any) -> None:
        self.first_text = book.add_format({"bold": True, "top": 1, "valign": "top"})
        self.first_quantity = book.add_format({"bold": True, "top": 1, "valign": "top", "num_format": "General"})
        self.text = book.add_format({"bold": True, "valign": "top"})
        self.quantity = book.add_format({"bold": True, "valign": "top", "num_format": "General"})

    def columns(self, first: bool) -> list[Column]:
        """The columns of a total row (area to unit, then three sums as live formulas)."""
        text_format, quantity_format = (self.first_text, self.first_quantity) if first else (self.text, self.quantity)
        return [Column("value", text_format)] * 10 + [Column("formula", quantity_format)] * 3


def _route_totals(sheet: StreamedWorksheet, formats: _TotalFormats, route: Route, totals: Sequence[UnitTotal],
                  first: int, row: int, t: Any, sender: str) -> int:
    """Below a route's lines (rows `first` to `row - 1`), its totals per unit of measure
    (`totals`: its `Route.totals`, summed once) as SUMIFS over the route's lines by the unit beside them, so an edited
    quantity is counted; returns the row after them."""
    label = t("list.route_total")
    for n, total in enumerate(totals):
        unit = f"$J{row + n + 1}"
        sums = [(f"=SUMIFS({col}{first + 1}:{col}{row},$J{first + 1}:$J{row},{unit})", value)
                for col, value in (("K", total.ordered), ("L", total.shipped), ("M", total.remaining))]
        values = [route.area, route.carrier_name or sender, None, label, None, None, None, None, None, total.unit,
                  *sums]
        sheet.write_rows(row + n, 0, formats.columns(n == 0), [(values, None)])
    return row + len(totals)


def _order_values(r: ListRow, complete: bool, sender: str, lang: str) -> list[Any]:
    """A line of the distribution list (`sender` for goods the seller carries), with its
    document's kind and state on the complete one."""
    values = [r.area, r.carrier_name or sender, r.customer, r.customer_name, r.destination,
              r.order, r.order_date, r.item, r.described(lang), r.unit, r.ordered, r.shipped, r.remaining]
    if complete:
        values += [vocab_label(r.document_type, lang), STATUS_LABELS[r.status][0 if lang == "it" else 1]]
    return values


def write_production_list(target: Path, master: MasterData, production: ProductionList, lang: str = "it") -> Path:
    """Per item what to produce, then a second sheet with the orders each quantity comes from.
    What the earlier days' open orders add to an item's quantity is shown apart, in its own
    columns (how much, from how many orders, the oldest dated), so the planner sees the backlog
    beside the day; their orders are on the second sheet only when the list read them."""
    t = labeller(lang)
    title = t("list.production")
    check_rows(HEADER_ROW + 1 + sum(len(r.sources) for r in production.rows), f"{title} – {t('list.sources')}")

    def write(tmp: Path) -> None:
        with streaming_workbook(tmp, "production", StreamedWorkbook) as book:
            fmt = formats(book)
            sheet = book.add_worksheet(title[:31])
            _title(sheet, fmt, master.settings.company_name, title, production.date_from, production.date_to, lang)
            heads = ["doc.item", "doc.description", "doc.unit", "list.required", "list.earlier", "list.earlier_orders",
                     "list.earlier_since", "list.stock", "list.from_stock", "list.to_produce", "list.sources"]
            widths = set_widths(sheet, PRODUCTION_WIDTHS)
            headings(sheet, HEADER_ROW, 0, [t(h) for h in heads], fmt, widths)
            last = _rows(sheet, HEADER_ROW + 1, [_format(fmt, h) for h in heads[:-1]] + [fmt.wrap], widths,
                         ((r.item, r.description, r.unit, r.quantity, *_earlier_values(r.earlier), r.stock,
                           r.from_stock, r.to_produce,
                           "; ".join(f"{s.order} {s.customer} ({shown(s.quantity, lang)})" for s in r.sources) or None)
                          for r in production.rows))
            if not production.rows:
                text(sheet, HEADER_ROW + 1, 0, t("list.empty"))
            _table(sheet, last, len(heads))

            detail = book.add_worksheet(t("list.sources"))
            _title(detail, fmt, master.settings.company_name, title, production.date_from, production.date_to, lang)
            detail_heads = ["doc.item", "doc.description", "doc.unit", "list.order", "doc.date", "doc.customer",
                            "list.customer_name", "doc.quantity"]
            detail_widths = set_widths(detail, SOURCES_WIDTHS)
            headings(detail, HEADER_ROW, 0, [t(h) for h in detail_heads], fmt, detail_widths)
            last = _rows(detail, HEADER_ROW + 1, [_format(fmt, h) for h in detail_heads], detail_widths,
                         ((r.item, r.description, r.unit, s.order, s.day, s.customer, s.customer_name, s.quantity)
                          for r in production.rows for s in r.sources))
            _table(detail, last, len(detail_heads))

    return write_atomic(target, write)


def _earlier_values(earlier: Earlier | None) -> tuple[Any, Any, Any]:
    """An item's earlier days' open orders as the list's three cells, empty when it has none."""
    return (None, None, None) if earlier is None else (earlier.quantity, earlier.orders, earlier.since)


def _rows(sheet: StreamedWorksheet, first_row: int, formats: Sequence[Format], widths: Sequence[float],
          rows: Iterable[Sequence[Any]]) -> int:
    """Rows of a list from `first_row`, each cell as `printable.text` writes it with its column's
    format, each row as tall as its longest text needs; returns the last row written (the one
    above `first_row` when there is none)."""
    columns = [Column("value", f) for f in formats]
    return sheet.write_rows(first_row, 0, columns, _wrapped_heights(formats, widths).rows(rows)) - 1


def _wrapped_heights(formats: Sequence[Format], widths: Sequence[float]) -> ColumnHeights:
    """The rows' heights measured on the columns that wrap, the others' values (quantities,
    dates) taking one line whatever their width: a third of the distribution list's cells,
    looked up and compared for nothing (0.5 s of its 1.5 s of heights at L)."""
    wrapped = [i for i, f in enumerate(formats) if f.text_wrap]
    return ColumnHeights([widths[i] for i in wrapped], at=wrapped)


def _title(sheet: Worksheet, fmt: Formats, company: str, title: str, start: date, end: date, lang: str) -> None:
    """The list's title and period, and the company it is of (`OrderList.sellers`: the complete
    list's as its DDTs printed it, every name of a company renamed in the period, the others' as
    *Impostazioni* say today), in its first rows and every page's header."""
    heading = f"{title} – {period(start, end, lang)}"
    text(sheet, 0, 0, heading, fmt.title)
    text(sheet, 1, 0, company)
    page_header(sheet, heading, company)


def _table(sheet: Worksheet, last_row: int, width: int) -> None:
    """Frozen, filtered headings repeated on each printed page; A4 landscape, fit to width."""
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    sheet.autofilter(HEADER_ROW, 0, max(last_row, HEADER_ROW + 1), width - 1)
    a4(sheet, landscape=True, repeat_rows=(HEADER_ROW, HEADER_ROW))


def _format(fmt: Formats, head: str) -> Format:
    if head in ("list.ordered", "list.shipped", "list.remaining", "list.required", "list.stock", "list.from_stock",
                "list.to_produce", "doc.quantity", "list.earlier", "list.earlier_orders"):
        return fmt.quantity
    if head in ("doc.date", "list.earlier_since"):
        return fmt.date
    return fmt.wrap
