"""A price list's prices valid on a day (`toolkit prices`), as a printable sheet.

What a sales desk hands a customer or checks a derived list against: each item with its list,
standard and limit price, the version's discount, and where the price comes from — a row of
the Prices sheet, or computed from the base version named in the heading (a derived version).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from toolkit.basics.files import write_atomic
from toolkit.basics.labels import define, labeller
from toolkit.core.pricing import ListedPrice, derivation
from toolkit.model.records import MasterData, PriceVersion
from toolkit.writers.printable import a4, company_header, fitting_width, formats, headings, new_workbook, set_widths, text
from toolkit.writers.row_heights import fit_row

define({
    "prices.title": ("Listino {code} – prezzi validi il {day}", "Price list {code} – prices valid on {day}"),
    "prices.version": ("Versione", "Version"),
    "prices.valid": ("valida dal {start} al {end}", "valid from {start} to {end}"),
    "prices.open": ("valida dal {start}", "valid from {start}"),
    "prices.derived": ("Derivata da", "Derived from"),
    "prices.list_price": ("Prezzo di listino", "List price"),
    "prices.standard_price": ("Prezzo standard", "Standard price"),
    "prices.limit_price": ("Prezzo limite", "Limit price"),
    "prices.discount": ("Sconto %", "Discount %"),
    "prices.origin": ("Origine", "Source"),
    "prices.own": ("Foglio Prezzi", "Prices sheet"),
    "prices.computed": ("Calcolato", "Computed"),
    "prices.empty": ("Nessun prezzo in questa versione.", "No prices in this version."),
})

WIDTHS = (11, 42, 6, 12, 12, 12, 9, 14)
"""Item, description, unit, list, standard and limit price, discount, source: portrait A4."""
LABELS = ("prices.version", "prices.derived")
"""The bold labels of column A, above the items' codes."""


def write_price_list(target: Path, master: MasterData, price_list: str, day: date, version: PriceVersion,
                     prices: Sequence[ListedPrice], lang: str = "it") -> Path:
    t = labeller(lang)

    def filled(key: str, **values: str) -> str:
        return t(key).format(**values)

    items = {i.code: i for i in master.items}
    how = derivation(version, lang)

    def write(tmp: Path) -> None:
        book = new_workbook(tmp, "prices")
        fmt = formats(book)
        sheet = book.add_worksheet(price_list[:31] or "Listino")
        widths = set_widths(sheet, (fitting_width((t(k) for k in LABELS), WIDTHS[0], bold=True), *WIDTHS[1:]))
        row = company_header(sheet, fmt, master.settings, lang)
        text(sheet, row, 0, filled("prices.title", code=price_list, day=f"{day:%d/%m/%Y}"), fmt.title)
        valid = filled("prices.valid", start=f"{version.valid_from:%d/%m/%Y}", end=f"{version.valid_to:%d/%m/%Y}") \
            if version.valid_to else filled("prices.open", start=f"{version.valid_from:%d/%m/%Y}")
        text(sheet, row + 1, 0, t("prices.version"), fmt.bold)
        text(sheet, row + 1, 1, f"{version.version} ({valid})")
        if how:
            text(sheet, row + 2, 0, t("prices.derived"), fmt.bold)
            text(sheet, row + 2, 1, how)
        row += 4
        heads = [t("doc.item"), t("doc.description"), t("doc.unit"), t("prices.list_price"),
                 t("prices.standard_price"), t("prices.limit_price"), t("prices.discount"), t("prices.origin")]
        headings(sheet, row, 0, heads, fmt, widths)
        first = row
        for listed in prices:
            row += 1
            p = listed.price
            item = items.get(p.item)
            description = item.description if item else ""
            origin = t("prices.computed") if listed.derived else t("prices.own")
            text(sheet, row, 0, p.item, fmt.text)
            text(sheet, row, 1, description, fmt.wrap)
            text(sheet, row, 2, item.unit if item else None, fmt.text)
            text(sheet, row, 3, p.list_price, fmt.price)
            text(sheet, row, 4, p.standard_price, fmt.price)
            text(sheet, row, 5, p.limit_price, fmt.price)
            text(sheet, row, 6, p.discount, fmt.percent)
            text(sheet, row, 7, origin, fmt.text)
            fit_row(sheet, row, [(description, widths[1])])
        if not prices:
            text(sheet, row + 1, 0, t("prices.empty"))
        sheet.freeze_panes(first + 1, 0)
        a4(sheet, repeat_rows=(first, first))
        book.close()

    return write_atomic(target, write)
