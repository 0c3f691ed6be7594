"""Order documents and the control panel (the seed's "pannello di controllo").

Order documents: one workbook per date, one printable A4 sheet per order, named by its number
(a workbook per order would scatter a day's printing over dozens of files). A line priced by a
price rule says which after its description, and the panel's lines have a column for it. The panel: one row
per order with its references, quantities still to ship and status, each linked to the
order's lines in a second sheet, so it stays two sheets however many orders there are.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from typing import Any

from toolkit.basics.dates import today_rome
from toolkit.basics.labels import define, labeller
from toolkit.basics.vocab import DeliveryTerms, DocumentType
from toolkit.basics.vocab import label as vocab_label
from toolkit.core.delivery_rate import Rest, described
from toolkit.core.orders import STATUS_LABELS, Order, documents_on, still_of
from toolkit.core.reservations import NONE, ZERO, Reservations, holds
from toolkit.core.shipping import service_items
from toolkit.core.vat import totals, vat_summary
from toolkit.model.parties import party_book
from toolkit.model.records import MasterData
from toolkit.writers.blocks import Column, StreamedWorkbook
from toolkit.writers.printable import (
    Formats,
    a4,
    address_lines,
    as_of,
    company_header,
    document_on_every_page,
    fitting_width,
    formats,
    headings,
    line_cells,
    new_workbook,
    page_header,
    party_lines,
    set_widths,
    sheet_name,
    side_by_side,
    text,
    write_book,
)
from toolkit.writers.row_heights import ColumnHeights, fit_row
from toolkit.writers.sheet_limits import LINKS_PER_SHEET
from toolkit.writers.streaming import QUICK_ZIP_LEVEL, streaming_workbook

ORDER_WIDTHS = (12, 42, 6, 16, 14, 14, 10)
"""Item, description, unit, quantity, unit price, amount, VAT; column D is wide enough for the
"Tipo documento" label it also holds."""
ORDER_LABELS = ("doc.date", "doc.contact", "order.delivery_option", "order.confirms", "doc.customer_reference",
                "doc.payment_method")
"""The bold labels of column A with a value beside them."""
PANEL_WIDTHS = (16, 11, 11, 28, 12, 11, 12, 12, 14, 13)
LINES_WIDTHS = (16, 12, 36, 6, 12, 12, 12, 12, 13, 14, 14, 13, 12, 12)

define({
    "order.title": ("ORDINE CLIENTE", "SALES ORDER"),
    "order.title_quotation": ("OFFERTA", "QUOTATION"),
    "order.title_proposal": ("PROPOSTA", "PROPOSAL"),
    "order.confirms": ("Conferma di", "Confirms"),
    "order.delivery_option": ("Consegna", "Delivery"),
    "panel.title": ("Pannello ordini", "Orders panel"),
    "panel.lines_sheet": ("Righe", "Lines"),
    "panel.references": ("Referenze", "References"),
    "panel.ordered": ("Qtà ordinata", "Qty ordered"),
    "panel.to_ship": ("Qtà da spedire", "Qty to ship"),
    "panel.shipped": ("Qtà spedita", "Qty shipped"),
    "panel.invoiced": ("Qtà fatturata", "Qty invoiced"),
    "panel.credited": ("Qtà accreditata", "Qty credited"),
    "panel.reserved": ("Qtà prenotata", "Qty reserved"),
    "panel.available": ("Disponibile", "Available"),
    "panel.customer_name": ("Ragione sociale", "Customer name"),
    "order.price_rule": ("Regola prezzo", "Price rule"),
})

TITLES = {DocumentType.QUOTATION: "order.title_quotation", DocumentType.PROPOSAL: "order.title_proposal"}
"""A quotation or proposal is not an order yet: it prints as the offer it is."""


def write_order_documents(target: Path, master: MasterData, orders: Sequence[Order], lang: str = "it",
                          rests: Mapping[int, Rest] | None = None) -> Path:
    """One A4 sheet per order, its seller, customer, destination and contact person as it was
    first printed (`Order.parties_in`, `Order.contact_in`: as the master says today for an order
    stored before they were kept).
    A customer taken off *Clienti* since, on an order that kept no parties, is printed by its
    code, as a DDT without its parties is: one removed customer must not lose the day's reprint.
    A line that is the rest of one cut at a VAT rate change says so after its description
    (`rests`, by line id: *resto della riga 1, IVA 10 % dal 04/01/2027*). Each order speaks the
    language it was issued in (`Order.lang`; `lang` for one that kept none)."""
    master_parties = party_book(master)
    label_column = {spoken: fitting_width((labeller(spoken)(key) for key in ORDER_LABELS), ORDER_WIDTHS[0], bold=True)
                    for spoken in {lang, *(order.lang for order in orders or () if order.lang)}}

    def write(tmp: Path) -> None:
        book = new_workbook(tmp, "orders")
        fmt = formats(book)
        taken: set[str] = set()
        for order in orders or ():
            lang_of = order.lang or lang
            t = labeller(lang_of)
            sheet = book.add_worksheet(sheet_name(order.number, taken))
            widths = set_widths(sheet, (label_column[lang_of], *ORDER_WIDTHS[1:]))
            parties = order.parties_in(master_parties)
            customer = parties.buyer
            row = company_header(sheet, fmt, parties.seller, lang_of)
            text(sheet, row, 0, f"{t(TITLES.get(order.document_type, 'order.title'))} {order.number}", fmt.title)
            text(sheet, row + 1, 0, t("doc.date"), fmt.bold)
            text(sheet, row + 1, 1, order.order_date, fmt.date)
            text(sheet, row + 1, 3, t("doc.document_type"), fmt.bold)
            text(sheet, row + 1, 4, vocab_label(order.document_type, lang_of))
            row += 3
            text(sheet, row, 0, t("doc.customer"), fmt.bold)
            text(sheet, row, 3, t("doc.ship_to"), fmt.bold)
            left = party_lines(customer, lang_of) if customer else [order.customer]
            right = address_lines(parties.destination, customer) if customer else []
            row = side_by_side(sheet, row + 1, left, right, fmt, widths) + 1
            contact = order.contact_in(master_parties)
            extras = (
                ("doc.contact", " – ".join(x for x in (contact.name, contact.phone, contact.email) if x)
                 if contact else None),
                ("order.delivery_option", order.delivery_option or None),
                ("order.confirms", order.confirms or None),
                ("doc.customer_reference", order.customer_reference or None),
                ("doc.payment_method", vocab_label(order.payment_method, lang_of) if order.payment_method else None),
            )
            for key, shown in extras:
                if shown is not None:
                    text(sheet, row, 0, t(key), fmt.bold)
                    text(sheet, row, 1, shown)
                    row += 1
            row += 1
            heads = ("doc.item", "doc.description", "doc.unit", "doc.quantity", "doc.unit_price", "doc.amount", "doc.vat_rate")
            headings(sheet, row, 0, [t(h) for h in heads], fmt, widths)
            first = row
            for line in order.lines:
                row += 1
                description = line.description + (f" – {line.note}" if line.note else "") + (
                    f" ({t('order.price_rule')} {line.price_rule})" if line.price_rule else "")
                description = described(description, (rests or {}).get(line.id), lang_of)
                col = line_cells(sheet, row, 0, line, fmt, description=description)
                fit_row(sheet, row, [(description, widths[1])])
                text(sheet, row, col, line.amount, fmt.money)
                text(sheet, row, col + 1, line.vat_nature or line.vat_rate, fmt.percent)
            summary = vat_summary((line.amount, line.vat_rate, line.vat_nature) for line in order.lines)
            taxable, vat, total = totals(summary)
            row += 2
            for key, value in (("doc.taxable", taxable), ("doc.vat", vat), ("doc.total", total)):
                text(sheet, row, 4, t(key), fmt.total_label)
                text(sheet, row, 5, value, fmt.total)
                row += 1
            a4(sheet, repeat_rows=(first, first))
            document_on_every_page(sheet, vocab_label(order.document_type, lang_of), order.number, order.order_date,
                                   customer.name if customer else order.customer, lang=lang_of)
        if not orders:
            book.add_worksheet(labeller(lang)("panel.title"))
        book.close()

    return write_book(target, write)


def write_panel(target: Path, master: MasterData, orders: Sequence[Order], lang: str = "it",
                stock: Mapping[str, Decimal] | None = None, reservations: Reservations = NONE,
                day: date | None = None, rests: Mapping[int, Rest] | None = None) -> Path:
    """The panel as of `day` (today), its title, company and day in every page's header; each
    line shows what its order reserves of the item and what is available to it: the stock on
    hand (`stock`, None: no stock sheet, the cell stays empty) less what the orders ahead of
    it reserve (`toolkit.core.reservations`). An order's number links to its
    lines up to Excel's links in a sheet, and is plain text past them. The caller keeps the
    orders and their lines within a sheet's rows (`services.orders.panel`). A line that is the
    rest of one cut at a VAT rate change says so after its description (`rests`), as the order's
    print does.

    A desk at a large distributor has tens of thousands of orders open: the two sheets are
    written row after row (`streaming`), their rows as blocks (`blocks`)."""
    t = labeller(lang)

    def write(tmp: Path) -> None:
        with streaming_workbook(tmp, "panel", StreamedWorkbook, zip_level=QUICK_ZIP_LEVEL) as book:
            fmt = formats(book)
            panel = book.add_worksheet(t("panel.title"))
            lines_name = t("panel.lines_sheet")
            lines = book.add_worksheet(lines_name)
            heads = ["doc.number", "doc.date", "doc.customer", "panel.customer_name", "doc.ship_to",
                     "panel.references", "panel.ordered", "panel.to_ship", "doc.amount", "doc.status"]
            headings(panel, 0, 0, [t(h) for h in heads], fmt, set_widths(panel, PANEL_WIDTHS))
            line_heads = ["doc.number", "doc.item", "doc.description", "doc.unit", "panel.ordered", "panel.shipped",
                          "panel.to_ship", "panel.invoiced", "panel.credited", "doc.unit_price", "doc.amount",
                          "order.price_rule", "panel.reserved",
                          "panel.available"]
            headings(lines, 0, 0, [t(h) for h in line_heads], fmt, set_widths(lines, LINES_WIDTHS))
            rows = list(_panel_rows(master, orders, lang))
            first_lines = list(accumulate((len(o.lines) for o in orders), initial=1))
            linked = min(len(orders), LINKS_PER_SHEET)
            panel.add_links((i, 0, f"internal:'{lines_name}'!A{first_lines[i - 1] + 1}", orders[i - 1].number)
                            for i in range(1, linked + 1))
            for first, last, number_format in ((0, linked, fmt.link), (linked, len(orders), None)):
                panel.write_rows(1 + first, 0, _panel_columns(fmt, number_format), rows[first:last])
            lines.write_rows(1, 0, _lines_columns(fmt), _lines_rows(orders, stock, reservations,
                                                                   service_items(master), rests or {}, lang,
                                                                   _whole_lines(master)))
            for sheet, count, width in ((panel, len(orders), len(heads)),
                                        (lines, first_lines[-1] - 1, len(line_heads))):
                sheet.freeze_panes(1, 0)
                sheet.autofilter(0, 0, max(count, 1), width - 1)
                a4(sheet, landscape=True, repeat_rows=(0, 0))
            detail = f"{master.settings.company_name} – {as_of(day or today_rome(), lang)}"
            page_header(panel, t("panel.title"), detail)
            page_header(lines, f"{t('panel.title')} – {lines_name}", detail)

    return write_book(target, write)


def _panel_columns(fmt: Formats, number_format: Any) -> list[Column]:
    """The panel's columns with their formats; the order's number takes `number_format`, the
    link's where it links to the order's lines."""
    return [Column("value", f) for f in (number_format, fmt.date, None, fmt.wrap, None, None, fmt.quantity,
                                         fmt.quantity, fmt.money, None)]


def _panel_rows(master: MasterData, orders: Sequence[Order], lang: str) -> Iterator[tuple[Sequence[Any], float | None]]:
    """A row per order, as tall as the customer's name needs."""
    names = {c.code: c.name for c in master.customers}
    lang_index = 0 if lang == "it" else 1
    return ColumnHeights([PANEL_WIDTHS[3]], at=[3]).rows(
        (order.number, order.order_date, order.customer, names.get(order.customer), order.ship_to, len(order.lines),
         order.quantity, order.still_to_ship, order.amount, _status(order, lang, lang_index)) for order in orders)


def _status(order: Order, lang: str, lang_index: int) -> str:
    """The panel's *Stato* cell: the status, and the day the documents of an order created
    ahead wait for (*In corso · documenti il 02/10/2026*)."""
    shown = STATUS_LABELS[order.status][lang_index]
    return f"{shown} · {documents_on(order.documents_on, lang)}" if order.documents_on else shown


def _lines_columns(fmt: Formats) -> list[Column]:
    """The lines sheet's columns: the order's number, the line as `printable.line_cells` prints
    it without its price, then what is shipped, to ship, invoiced, and credited of its invoices
    (`OrderLine.credited`), reserved and available (no cell without a stock sheet)."""
    return [Column("value", f) for f in (None, fmt.text, fmt.wrap, fmt.text, fmt.quantity, fmt.quantity,
                                         fmt.quantity, fmt.quantity, fmt.quantity, fmt.price, fmt.money, None,
                                         fmt.quantity)] + \
        [Column("value", fmt.quantity, blanks=False)]


def _whole_lines(master: MasterData) -> frozenset[str]:
    """The customers shipped by complete lines (*Riga completa*): shipping holds a line the
    stock does not cover whole and gives the next lines what it leaves (`_lines_rows`)."""
    return frozenset(c.code for c in master.customers if c.delivery_terms is DeliveryTerms.COMPLETE_LINE)


def _lines_rows(orders: Sequence[Order], stock: Mapping[str, Decimal] | None, reservations: Reservations,
                services: Collection[str] = frozenset(), rests: Mapping[int, Rest] | None = None, lang: str = "it",
                whole_lines: Collection[str] = frozenset()) -> Iterator[tuple[Sequence[Any], float | None]]:
    """A row per order line, as tall as its description needs. A service's line reserves no
    stock and has none available (blank): it is rendered, never taken from *Giacenze*. A line
    has what the orders ahead leave less what the order's own lines before it still take of
    the item, as shipping gives it (`toolkit.core.shipping` `available`) and the production
    list counts it: an order of 10 and then 5 × A001 with 12 in stock showed 12 available on
    both lines, and its DDT carried 10 and 2. A line of a customer shipped by complete lines
    (`whole_lines`) that its stock does not cover takes nothing, as shipping holds it whole,
    and leaves that stock to the lines after it. A closed or voided order (`panel --all`) holds
    nothing: its lines take none of what the lines after them are shown available, as its
    reservation took none from the orders after it (`line_still_to_ship`)."""
    return ColumnHeights([LINES_WIDTHS[2]], at=[2]).rows(_line_values(orders, stock, reservations, services,
                                                                      rests or {}, lang, whole_lines))


def _line_values(orders: Sequence[Order], stock: Mapping[str, Decimal] | None, reservations: Reservations,
                 services: Collection[str], rests: Mapping[int, Rest], lang: str,
                 whole_lines: Collection[str]) -> Iterator[tuple[Any, ...]]:
    """The cells of `_lines_rows`, line after line, each line's rest (`OrderLine.to_ship`, a
    subtraction) read once (`still_of`)."""
    for order in orders:
        held, ended = holds(order), order.ended
        own: dict[str, Decimal] = {}
        for line in order.lines:
            service = line.item in services
            free = None if stock is None or service else max(
                stock.get(line.item, ZERO) - reservations.ahead(line.item, order) - own.get(line.item, ZERO), ZERO)
            rest = line.to_ship
            still = still_of(rest, ended)
            if still > 0 and not (free is not None and free < still and order.customer in whole_lines):
                own[line.item] = own.get(line.item, ZERO) + still
            description = described(line.description, rests.get(line.id), lang) if rests else line.description
            yield (order.number, line.item, description, line.unit, line.quantity, line.shipped, still,
                   line.invoiced, line.credited, line.unit_price, line.amount, line.price_rule,
                   rest if held and rest > 0 and not service else ZERO, free)
