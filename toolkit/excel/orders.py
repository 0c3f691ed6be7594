"""What the buttons share: the panel's date, where output files go,
and the order buttons' sheets: the preview with its flag column, and what "create" reads back.

The preview sheet is the seed's list of orders for a date where the user flags which to
create ("conferma e flag"): a mark in the first column, prefilled for every order that does
not exist yet. Create reads the marks back in one call and creates exactly those
(template, date) pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from toolkit.basics.cell_text import cell_text
from toolkit.basics.cells import Location
from toolkit.basics.problems import Problem, UnusableInput, define
from toolkit.excel import cells, inputs
from toolkit.excel.book import BUGS, Range, Sheet
from toolkit.services.orders import Preview
from toolkit.services.session import Session

SHEET = "Anteprima ordini"
HEADERS = {
    "it": ("Crea", "Data", "Modello", "Cliente", "Ragione sociale", "Destinazione", "Righe", "Quantità", "Importo",
           "Ordine esistente", "Spostato", "Ultimo ordine", "Da spedire €", "Da fatturare €", "Fatture aperte €",
           "Fido residuo €", "Richieste aperte", "Ultima richiesta"),
    "en": ("Create", "Date", "Template", "Customer", "Name", "Ship to", "Lines", "Quantity", "Amount",
           "Existing order", "Moved", "Last order", "Unshipped €", "Not invoiced €", "Open invoices €", "Credit headroom €",
           "Open requests", "Latest request"),
}
PREVIEW_FORMATS = {1: cells.DATE, 6: cells.INTEGER, 7: cells.QUANTITY, 8: cells.CURRENCY, 11: cells.DATE,
                   12: cells.CURRENCY, 13: cells.CURRENCY, 14: cells.CURRENCY, 15: cells.CURRENCY, 16: cells.INTEGER}
"""Every number and date of the preview: amounts in euro, dates as the panel's."""
MARKS = {"x", "sì", "si", "s", "yes", "y", "1", "true", "vero", "✓", "✔", "ok", "si'", "sí"}
NO_MARKS = {"no", "n", "0", "false", "falso", "-"}
"""What a desk writes in *Crea* to leave an order out, beside clearing the cell."""

NO_DATE = define(
    "panel-no-date", "error",
    it="Scrivi la data degli ordini nella cella «Data ordini» del foglio Pannello (es. 09/04/2026), poi riprova.",
    en="Write the order date in the “Data ordini” cell of the Pannello sheet (e.g. 09/04/2026), then try again.")
NO_SUCH_DAY = define(
    "panel-date-no-such-day", "error",
    it="La data degli ordini «{value}» non esiste: il mese {month} ha {days} giorni. "
       "Correggila nella cella «Data ordini» del foglio Pannello, poi riprova.",
    en="The order date “{value}” does not exist: month {month} has {days} days. "
       "Correct it in the “Data ordini” cell of the Pannello sheet, then try again.")
UNREAD_MARK = define(
    "preview-mark-unread", "error",
    it="«{value}» nella colonna «Crea» non dice se creare l'ordine del modello {template}: scrivi x per crearlo o svuota la "
       "cella per lasciarlo fuori, poi premi di nuovo «Crea ordini selezionati». Nessun ordine è stato creato.",
    en="“{value}” in the “Create” column does not say whether to create the order of template {template}: write x to create "
       "it or clear the cell to leave it out, then press “Crea ordini selezionati” again. No order was created.")
NO_PREVIEW = define(
    "panel-no-preview", "error",
    it="Non c'è l'anteprima: premi prima «Anteprima ordini», spunta gli ordini da creare, poi «Crea ordini selezionati».",
    en="There is no preview: press “Anteprima ordini” first, flag the orders to create, then “Crea ordini selezionati”.")


def beside(session: Session, name: str) -> Path:
    """Where a button's printable output goes: a file beside the workbook."""
    return session.workbook.with_name(name)


def named(panel: Sheet, name: str) -> Range:
    """The panel's cell named `name`; a name Excel no longer knows (deleted in *Gestione nomi*,
    or lost with its row) is `inputs.name_gone`, where the press showed an internal error.
    xlwings raises the platform's own error for an unknown name (a COM error on Windows), hence
    any but Python's own (`BUGS`: a toolkit bug stays an internal error naming itself)."""
    try:
        return panel.range(name)
    except BUGS:
        raise
    except Exception:
        raise UnusableInput(inputs.name_gone(name)) from None


def order_date(panel: Sheet | None) -> date:
    """The panel's date (`DataOrdini`), within the days the command line's `--date` takes; its
    name no longer defined is `inputs.name_gone` (`named`)."""
    from toolkit.basics.dates import ImpossibleDate, NotADate, in_range, to_date

    value = named(panel, inputs.ORDER_DATE.name).value if panel is not None else None
    try:
        found = to_date(value)
    except ImpossibleDate as wrong:
        raise UnusableInput(NO_SUCH_DAY(None, value=value, month=wrong.month_shown,
                                        days=wrong.days)) from None
    except NotADate:
        raise UnusableInput(NO_DATE(None)) from None
    if not in_range(found):
        raise UnusableInput(inputs.out_of_range(inputs.ORDER_DATE, found))
    return found


def preview_block(preview: Preview, lang: str) -> list[list[Any]]:
    rows: list[list[Any]] = [list(HEADERS[lang])]
    for r in preview.rows:
        exposure, limit = preview.customers[r.customer]
        headroom = exposure.headroom(limit)
        requests = preview.open_requests(r.customer)
        rows.append([
            None if r.existing else "x", r.day, r.template, r.customer, r.customer_name, r.ship_to, r.lines,
            float(r.quantity), float(r.amount), r.order_shown(lang) or None,
            ("sì" if lang == "it" else "yes") if r.changed else None,
            exposure.last_order_date, float(exposure.unshipped), float(exposure.uninvoiced), float(exposure.outstanding),
            float(headroom) if headroom is not None else None,
            requests.count, requests.latest,
        ])
    return rows


def flagged(values: Sequence[Sequence[Any]]) -> tuple[set[tuple[str, date]], list[Problem]]:
    """The (template, date) pairs whose first cell carries a mark, and a problem at each cell
    whose mark says neither yes nor no: a 1 typed for yes (Excel gives 1.0), `ok` or `si'` left
    the order out without a word, and the button answered *Creati 0 ordini*."""
    if not values or len(values) < 2:
        raise UnusableInput(NO_PREVIEW(None))
    keys, problems = set(), []
    for number, row in enumerate(values[1:], 2):
        if len(row) < 3 or row[2] in (None, ""):
            continue
        mark = _mark(row[0])
        if mark is None:
            problems.append(UNREAD_MARK(Location(SHEET, f"A{number}"), value=row[0], template=row[2]))
        elif mark:
            day = row[1].date() if isinstance(row[1], datetime) else row[1]
            keys.add((str(row[2]), day))
    return keys, problems


def _mark(value: Any) -> bool | None:
    """Whether a *Crea* cell says create (True) or not (False); None when it says neither."""
    if value is None or isinstance(value, bool):
        return bool(value)
    text = cell_text(value).casefold()
    if text in MARKS:
        return True
    return False if not text or text in NO_MARKS else None
