"""The buttons of the "Pannello" sheet: one function each, calling the command line's services.

A button's VBA Sub (`macros/Pannello.bas`) is one line: `RunPython "import toolkit.excel as x;
x.check_data()"`. The function reads the live book, calls the same service the `toolkit`
command calls, writes the result back in a few block writes and says what happened in a
message box. Mistakes in the input (`UnusableInput`, `ProblemsFound`) become message boxes,
never tracebacks. `BUTTONS` is the one list of buttons: the workbook build places them from
it and checks that the `.bas` file calls each function.

Every function takes the book as an optional argument: Excel passes nothing and the function
asks xlwings for the calling book; tests pass a fake book.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass

from toolkit.basics import runtime
from toolkit.basics.problems import ProblemsFound, UnusableInput
from toolkit.excel import orders, report
from toolkit.excel.book import (
    Book,
    find_sheet,
    highlight,
    message,
    read_master,
    read_values,
    sheets_by_name,
    write_table,
)

PANEL = "Pannello"
DATE_NAME = "DataOrdini"
"""The panel's date cell (B3), by its defined name."""


@dataclass(frozen=True, slots=True)
class Button:
    """A button on the panel: its caption, its VBA Sub (in module `Pannello`), its function."""

    caption: str
    macro: str
    function: str
    help: str
    """One line beside the button on the panel, for the user."""


BUTTONS: tuple[Button, ...] = (
    Button("Controllo dati", "CheckData", "check_data",
           "Controlla le anagrafiche: ogni problema con il suo foglio e la sua cella."),
    Button("Anteprima ordini", "PreviewOrders", "preview_orders",
           "Elenca gli ordini previsti per la data indicata sopra."),
    Button("Crea ordini selezionati", "CreateOrders", "create_orders",
           "Crea gli ordini contrassegnati nell'anteprima."),
    Button("Spedisci (DDT)", "Ship", "ship",
           "Registra la spedizione e prepara i documenti di trasporto."),
    Button("Ristampa DDT", "ReprintDeliveryNotes", "reprint_delivery_notes",
           "Ristampa dal registro tutti i DDT della data indicata sopra."),
    Button("Lista di distribuzione", "DistributionList", "distribution_list",
           "Ordini ancora da spedire, per zona e vettore."),
    Button("Lista completa", "CompleteList", "complete_list",
           "Tutti gli ordini del giorno, spediti e no."),
    Button("Lista di produzione", "ProductionList", "production_list",
           "Quantità da produrre per articolo."),
    Button("Fatturazione fine mese", "MonthEndInvoicing", "month_end_invoicing",
           "Fatture differite del mese, con i DDT citati."),
    Button("Fatture elettroniche", "EInvoices", "einvoices",
           "File XML FatturaPA delle fatture definitive del mese, e lo zip per lo SDI."),
    Button("Stato pagamenti", "PaymentStatus", "payment_status",
           "Scadenze e pagamenti delle fatture."),
    Button("Calendario", "ShowCalendar", "calendar",
           "Il calendario delle consegne dei modelli ordine."),
)

TITLES = {"it": "Ordini ricorrenti", "en": "Recurring orders"}


def caller() -> Book:
    """The book whose button was pressed. xlwings is imported here, so that this module
    imports on machines without Excel."""
    import xlwings as xw

    # xlwings' Sheets.add takes its own Sheet type, which the Book protocol cannot name without
    # importing xlwings: the book's sheets are only ever passed back to it
    return xw.Book.caller()  # type: ignore[return-value]


def button(caption: str) -> Callable[[Callable[[Book], None]], Callable[..., None]]:
    """Wrap a button's body: find the book, turn the user's mistakes into a message box."""

    def wrap(body: Callable[[Book], None]) -> Callable[..., None]:
        @functools.wraps(body)
        def run(book: Book | None = None) -> None:
            runtime.configure()
            book = caller() if book is None else book
            try:
                body(book)
            except UnusableInput as exc:
                text = exc.problem.render("it") + "\n\n" + exc.problem.render("en")
                message(book, text, caption, critical=True)
            except ProblemsFound as exc:
                lines = [p.render("it") for p in exc.problems[:10]]
                message(book, "\n".join([report.summary(exc.problems, "it"), *lines]), caption, critical=True)
            except Exception as exc:
                from toolkit.services.printing import NotPrinted

                if isinstance(exc, NotPrinted):
                    from pathlib import Path

                    message(book, exc.problem(Path(book.fullname), "it").render("it"), caption, critical=True)
                    return
                if os.environ.get("TOOLKIT_DEBUG"):
                    raise
                from toolkit.basics.failures import described

                message(book, f"Errore interno / internal error: {described(exc)}", caption, critical=True)

        return run

    return wrap


@button("Controllo dati")
def check_data(book: Book) -> None:
    """Check the live book's master data, list the problems on "Controllo dati", highlight
    their cells and say how many there are: `toolkit check`, from a button."""
    from toolkit.services.check import check_book

    sheets = sheets_by_name(book)
    result = check_book(read_master(book, sheets))
    checked, lang = result.checked, result.lang
    old = find_sheet(sheets, report.SHEET)
    previous = report.previous_cells(read_values(old)) if old is not None else {}
    current = report.cells_by_sheet(checked.problems)
    sheet = write_table(book, report.SHEET, report.block(checked.problems, lang), sheets, after=PANEL)
    sheet.autofit()
    highlight(book, report.subtract(previous, current), color=None, sheets=sheets)
    highlight(book, current, sheets=sheets)
    text = report.summary(checked.problems, lang)
    if checked.problems:
        sheet.activate()
        text += "\n" + report.where_to_look(lang)
    message(book, text, report.TITLE[lang], critical=bool(checked.errors))


@button("Anteprima ordini")
def preview_orders(book: Book) -> None:
    """Orders due on the panel's date (`DataOrdini`), written to "Anteprima ordini" with a flag
    column: `toolkit orders preview`, from a button."""
    _preview_orders(book)


def _preview_orders(book: Book) -> None:
    """The preview button's work, which "Crea ordini selezionati" repeats to show the new numbers."""
    from toolkit.services.orders import preview

    sheets = sheets_by_name(book)
    session = orders.session_of(book)
    lang = session.master.settings.language
    day = orders.order_date(find_sheet(sheets, PANEL), DATE_NAME)
    result = preview(session.master, session.ledger, day)
    sheet = write_table(book, orders.SHEET, orders.preview_block(result, lang), sheets, after=PANEL)
    sheet.autofit()
    sheet.activate()
    new = sum(1 for r in result.rows if r.existing is None)
    text = (f"{len(result.rows)} ordini in scadenza il {day:%d/%m/%Y}, {new} da creare: togli la «x» a quelli da "
            "non creare, poi premi «Crea ordini selezionati»." if lang == "it" else
            f"{len(result.rows)} orders due on {day:%d/%m/%Y}, {new} to create: remove the “x” from those not to "
            "create, then press “Crea ordini selezionati”.")
    problems = [p.render(lang) for p in result.problems[:10]]
    message(book, "\n".join([text, *problems]), "Anteprima ordini", critical=bool(result.problems))


@button("Crea ordini selezionati")
def create_orders(book: Book) -> None:
    """Create the orders flagged in "Anteprima ordini", then refresh the preview so each shows
    its number: `toolkit orders create --only`, from a button."""
    from toolkit.services.orders import create

    sheets = sheets_by_name(book)
    session = orders.session_of(book)
    lang = session.master.settings.language
    day = orders.order_date(find_sheet(sheets, PANEL), DATE_NAME)
    preview_sheet = find_sheet(sheets, orders.SHEET)
    keys = orders.flagged(read_values(preview_sheet) if preview_sheet is not None else [])
    result = create(session.master, session.ledger, day, keys=keys)
    if result.problems and any(p.is_error for p in result.problems):
        raise ProblemsFound(result.problems)
    _preview_orders(book)
    message(book, result.summary(lang), "Crea ordini selezionati")


@button("Spedisci (DDT)")
def ship(book: Book) -> None:
    """Ship every open order up to the panel's date and write the DDTs beside the book:
    `toolkit ship --all --out`, from a button. A customer over the credit limit is held; forcing
    it is a deliberate act left to `toolkit ship --force`, which the event log records. A panel
    date after today is refused, as the command refuses it without `--future`."""
    from toolkit.services.shipping import ship as ship_orders

    session = orders.session_of(book)
    lang = session.master.settings.language
    day = orders.order_date(find_sheet(sheets_by_name(book), PANEL), DATE_NAME)
    result = ship_orders(session.master, session.ledger, day, all_open=True,
                         out=orders.beside(session, f"ddt-{day:%Y-%m-%d}.xlsx"), lang=lang)
    if any(p.is_error for p in result.problems):
        raise ProblemsFound(list(result.problems))
    lines = [result.summary(lang)]
    if result.written is not None:
        lines.append(str(result.written))
    lines += [p.render(lang) for p in result.problems[:10]]
    message(book, "\n".join(lines), "Spedisci (DDT)")


@button("Ristampa DDT")
def reprint_delivery_notes(book: Book) -> None:
    """Every DDT of the panel's date, printed again from the ledger into the file the ship
    button writes, `ddt-DATE.xlsx` beside the book: `toolkit print ddt --date`, from a button.
    It brings back a day's DDTs whose file was lost, or never written."""
    from toolkit.basics.files import check_output
    from toolkit.services.printing import Selection, print_documents

    session = orders.session_of(book)
    lang = session.master.settings.language
    day = orders.order_date(find_sheet(sheets_by_name(book), PANEL), DATE_NAME)
    target = orders.beside(session, f"ddt-{day:%Y-%m-%d}.xlsx")
    check_output(target, inputs=(session.workbook,))
    result = print_documents(session.master, session.ledger, "ddt", Selection(first=day, last=day), target, lang)
    lines = [p.render(lang) for p in result.problems[:10]]
    if result.written is not None:
        lines = [(f"DDT ristampati: {len(result.numbers)}." if lang == "it"
                  else f"DDTs printed again: {len(result.numbers)}."), str(result.written), *lines]
    message(book, "\n".join(lines), "Ristampa DDT")


def _order_list(book: Book, caption: str, name: str, complete: bool) -> None:
    from toolkit.services.lists import distribution

    session = orders.session_of(book)
    day = orders.order_date(find_sheet(sheets_by_name(book), PANEL), DATE_NAME)
    target = distribution(session.master, session.ledger, day, day, orders.beside(session, f"{name}-{day:%Y-%m-%d}.xlsx"),
                          session.master.settings.language, complete=complete)
    message(book, str(target), caption)


@button("Lista di distribuzione")
def distribution_list(book: Book) -> None:
    """What is not yet fully shipped on the panel's date, by route: `toolkit distribution`."""
    _order_list(book, "Lista di distribuzione", "lista-distribuzione", complete=False)


@button("Lista completa")
def complete_list(book: Book) -> None:
    """Every order of the panel's date, shipped or not: `toolkit distribution --complete`."""
    _order_list(book, "Lista completa", "lista-completa", complete=True)


@button("Lista di produzione")
def production_list(book: Book) -> None:
    """Quantities to produce per item for the panel's date: `toolkit production`."""
    from toolkit.services.lists import production

    session = orders.session_of(book)
    day = orders.order_date(find_sheet(sheets_by_name(book), PANEL), DATE_NAME)
    target = production(session.master, session.ledger, day, day,
                        orders.beside(session, f"lista-produzione-{day:%Y-%m-%d}.xlsx"),
                        session.master.settings.language)
    message(book, str(target), "Lista di produzione")


@button("Fatturazione fine mese")
def month_end_invoicing(book: Book) -> None:
    """Deferred invoices of the panel date's month, as a draft run (it can still be undone),
    with the accountants' workbook and the printable invoices beside the book:
    `toolkit invoice --month --copies`, from a button."""
    from toolkit.basics.dates import parse_month, today_rome
    from toolkit.core.invoicing import Period, Request
    from toolkit.services.invoicing import run

    session = orders.session_of(book)
    lang = session.master.settings.language
    day = orders.order_date(find_sheet(sheets_by_name(book), PANEL), DATE_NAME)
    first, last = parse_month(f"{day:%Y-%m}")
    result = run(session.ledger, session.master, Request(Period(first, last), today_rome()),
                 out=orders.beside(session, f"fatture-{day:%Y-%m}"), lang=lang, copies=True)
    if any(p.is_error for p in result.problems):
        raise ProblemsFound(list(result.problems))
    lines = [result.summary(lang, next_step=True), *map(str, result.files),
             *(p.render(lang) for p in result.problems[:10])]
    message(book, "\n".join(lines), "Fatturazione fine mese")


@button("Fatture elettroniche")
def einvoices(book: Book) -> None:
    """The FatturaPA files of the panel date's month, final invoices only, with the zip for
    SDI, in a folder beside the book: `toolkit einvoice --month --zip`, from a button."""
    from toolkit.basics.dates import parse_month
    from toolkit.core.invoicing import Period
    from toolkit.services.einvoice import export

    session = orders.session_of(book)
    lang = session.master.settings.language
    day = orders.order_date(find_sheet(sheets_by_name(book), PANEL), DATE_NAME)
    result = export(session.master, session.ledger, month=Period(*parse_month(f"{day:%Y-%m}")),
                    out=orders.beside(session, f"fatture-elettroniche-{day:%Y-%m}"), zip=True)
    lines = [result.summary(lang), *map(str, result.archives), *(p.render(lang) for p in result.problems[:10])]
    message(book, "\n".join(lines), "Fatture elettroniche", critical=any(p.is_error for p in result.problems))


@button("Stato pagamenti")
def payment_status(book: Book) -> None:
    """Every invoice's payments and dues as of today, written beside the book:
    `toolkit payments status --out`, from a button."""
    from toolkit.basics.dates import today_rome
    from toolkit.core.payments import Show
    from toolkit.services.payments import status

    session = orders.session_of(book)
    today = today_rome()
    result = status(session.master, session.ledger, today, Show.ALL,
                    out=orders.beside(session, f"stato-pagamenti-{today:%Y-%m-%d}.xlsx"),
                    lang=session.master.settings.language)
    message(book, str(result.file), "Stato pagamenti")


@button("Calendario")
def calendar(book: Book) -> None:
    """The delivery plan for the 31 days from the panel's date, written as a workbook beside
    this one (a shaded grid is many formats: a file costs one round trip, the live book one per
    format): `toolkit calendar`, from a button."""
    from datetime import timedelta

    from toolkit.services.calendar import plan

    session = orders.session_of(book)
    lang = session.master.settings.language
    start = orders.order_date(find_sheet(sheets_by_name(book), PANEL), DATE_NAME)
    target = plan(session.master, start, start + timedelta(days=30),
                  out=orders.beside(session, f"calendario-{start:%Y-%m-%d}.xlsx"), lang=lang).file
    message(book, (f"Calendario scritto in {target}" if lang == "it" else f"Calendar written to {target}"), "Calendario")
