"""Order documents and the control panel (the seed's "pannello di controllo").

Order documents: one workbook per date, one printable A4 sheet per order, named by its number
(a workbook per order would scatter a day's printing over dozens of files). A line priced by a
price rule says which after its description, and the panel's lines have a column for it. The panel: one row
per order with its references, quantities still to ship and status, each linked to the
order's lines in a second sheet, so it stays two sheets however many orders there are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from toolkit.basics.labels import define, labeller
from toolkit.basics.vocab import DocumentType
from toolkit.basics.vocab import label as vocab_label
from toolkit.core.orders import STATUS_LABELS, Order
from toolkit.core.reservations import NONE, ZERO, Reservations, holds
from toolkit.core.vat import totals, vat_summary
from toolkit.model.records import MasterData
from toolkit.writers.printable import (
    a4,
    address_lines,
    company_header,
    fitting_width,
    formats,
    headings,
    line_cells,
    new_workbook,
    party_lines,
    set_widths,
    sheet_name,
    text,
    write_book,
)
from toolkit.writers.row_heights import fit_row
from toolkit.writers.sheet_limits import LINKS_PER_SHEET

ORDER_WIDTHS = (12, 42, 6, 16, 14, 14, 10)
"""Item, description, unit, quantity, unit price, amount, VAT; column D is wide enough for the
"Tipo documento" label it also holds."""
ORDER_LABELS = ("doc.date", "doc.contact", "order.delivery_option", "order.confirms", "doc.customer_reference",
                "doc.payment_method")
"""The bold labels of column A with a value beside them."""
PANEL_WIDTHS = (16, 11, 11, 28, 12, 11, 12, 12, 14, 13)
LINES_WIDTHS = (16, 12, 36, 6, 12, 12, 12, 14, 14, 13, 12, 12)

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
    "panel.reserved": ("Qtà prenotata", "Qty reserved"),
    "panel.available": ("Disponibile", "Available"),
    "panel.customer_name": ("Ragione sociale", "Customer name"),
    "order.price_rule": ("Regola prezzo", "Price rule"),
})

TITLES = {DocumentType.QUOTATION: "order.title_quotation", DocumentType.PROPOSAL: "order.title_proposal"}
"""A quotation or proposal is not an order yet: it prints as the offer it is."""


def write_order_documents(target: Path, master: MasterData, orders: Sequence[Order], lang: str = "it") -> Path:
    customers = {c.code: c for c in master.customers}
    ship_to = {s.code: s for s in master.ship_to}
    contacts = {c.code: c for c in master.contacts}
    t = labeller(lang)

    label_column = fitting_width((t(key) for key in ORDER_LABELS), ORDER_WIDTHS[0], bold=True)

    def write(tmp: Path) -> None:
        book = new_workbook(tmp)
        fmt = formats(book)
        taken: set[str] = set()
        for order in orders or ():
            sheet = book.add_worksheet(sheet_name(order.number, taken))
            widths = set_widths(sheet, (label_column, *ORDER_WIDTHS[1:]))
            customer = customers[order.customer]
            row = company_header(sheet, fmt, master.settings, lang)
            text(sheet, row, 0, f"{t(TITLES.get(order.document_type, 'order.title'))} {order.number}", fmt.title)
            text(sheet, row + 1, 0, t("doc.date"), fmt.bold)
            text(sheet, row + 1, 1, order.order_date, fmt.date)
            text(sheet, row + 1, 3, t("doc.document_type"), fmt.bold)
            text(sheet, row + 1, 4, vocab_label(order.document_type, lang))
            row += 3
            text(sheet, row, 0, t("doc.customer"), fmt.bold)
            text(sheet, row, 3, t("doc.ship_to"), fmt.bold)
            left = party_lines(customer, lang)
            right = address_lines(ship_to.get(order.ship_to) if order.ship_to else None, customer)
            for i in range(max(len(left), len(right))):
                text(sheet, row + 1 + i, 0, left[i] if i < len(left) else None)
                text(sheet, row + 1 + i, 3, right[i] if i < len(right) else None)
            row += 2 + max(len(left), len(right))
            contact = contacts.get(order.contact) if order.contact else None
            extras = (
                ("doc.contact", " – ".join(x for x in (contact.name, contact.phone, contact.email) if x)
                 if contact else None),
                ("order.delivery_option", order.delivery_option or None),
                ("order.confirms", order.confirms or None),
                ("doc.customer_reference", order.customer_reference or None),
                ("doc.payment_method", vocab_label(order.payment_method, lang) if order.payment_method else None),
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
        if not orders:
            book.add_worksheet(t("panel.title"))
        book.close()

    return write_book(target, write)


def write_panel(target: Path, master: MasterData, orders: Sequence[Order], lang: str = "it",
                stock: Mapping[str, Decimal] | None = None, reservations: Reservations = NONE) -> Path:
    """The panel; each line shows what its order reserves of the item and what is available to
    it: the stock on hand (`stock`, None: no stock sheet, the cell stays empty) less what the
    orders ahead of it reserve (`toolkit.core.reservations`). An order's number links to its
    lines up to Excel's links in a sheet, and is plain text past them. The caller keeps the
    orders and their lines within a sheet's rows (`services.orders.panel`)."""
    customers = {c.code: c for c in master.customers}
    t = labeller(lang)
    lang_index = 0 if lang == "it" else 1

    def write(tmp: Path) -> None:
        book = new_workbook(tmp)
        fmt = formats(book)
        panel = book.add_worksheet(t("panel.title"))
        lines_name = t("panel.lines_sheet")
        lines = book.add_worksheet(lines_name)
        heads = ["doc.number", "doc.date", "doc.customer", "panel.customer_name", "doc.ship_to", "panel.references",
                 "panel.ordered", "panel.to_ship", "doc.amount", "doc.status"]
        headings(panel, 0, 0, [t(h) for h in heads], fmt, set_widths(panel, PANEL_WIDTHS))
        line_heads = ["doc.number", "doc.item", "doc.description", "doc.unit", "panel.ordered", "panel.shipped",
                      "panel.to_ship", "doc.unit_price", "doc.amount", "order.price_rule", "panel.reserved",
                      "panel.available"]
        headings(lines, 0, 0, [t(h) for h in line_heads], fmt, set_widths(lines, LINES_WIDTHS))
        line_row = 1
        for i, order in enumerate(orders, start=1):
            if i <= LINKS_PER_SHEET:
                panel.write_url(i, 0, f"internal:'{lines_name}'!A{line_row + 1}", fmt.link, order.number)
            else:
                text(panel, i, 0, order.number)
            text(panel, i, 1, order.order_date, fmt.date)
            text(panel, i, 2, order.customer)
            name = customers[order.customer].name if order.customer in customers else None
            text(panel, i, 3, name, fmt.wrap)
            fit_row(panel, i, [(name, PANEL_WIDTHS[3])])
            text(panel, i, 4, order.ship_to)
            text(panel, i, 5, len(order.lines))
            text(panel, i, 6, order.quantity, fmt.quantity)
            text(panel, i, 7, order.to_ship, fmt.quantity)
            text(panel, i, 8, order.amount, fmt.money)
            text(panel, i, 9, STATUS_LABELS[order.status][lang_index])
            for line in order.lines:
                text(lines, line_row, 0, order.number)
                line_cells(lines, line_row, 1, line, fmt, price=False)
                fit_row(lines, line_row, [(line.description, LINES_WIDTHS[2])])
                text(lines, line_row, 5, line.shipped, fmt.quantity)
                text(lines, line_row, 6, line.to_ship, fmt.quantity)
                text(lines, line_row, 7, line.unit_price, fmt.price)
                text(lines, line_row, 8, line.amount, fmt.money)
                text(lines, line_row, 9, line.price_rule)
                text(lines, line_row, 10, line.to_ship if holds(order) and line.to_ship > 0 else ZERO, fmt.quantity)
                if stock is not None:
                    free = stock.get(line.item, ZERO) - reservations.ahead(line.item, order)
                    text(lines, line_row, 11, max(free, ZERO), fmt.quantity)
                line_row += 1
        for sheet, count, width in ((panel, len(orders), len(heads)), (lines, line_row - 1, len(line_heads))):
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(count, 1), width - 1)
            a4(sheet, landscape=True, repeat_rows=(0, 0))
        book.close()

    return write_book(target, write)
