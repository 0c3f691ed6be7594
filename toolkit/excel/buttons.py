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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.basics import runtime, wording
from toolkit.basics.files import FILE_OPEN_IN_EXCEL, asking
from toolkit.basics.problems import Problem, ProblemsFound, UnusableInput, define
from toolkit.core.credit_notes import AskedIn
from toolkit.excel import cells, inputs, orders, report, said
from toolkit.excel.book import (
    Book,
    Range,
    find_sheet,
    highlight,
    message,
    read_values,
    write_table,
    written,
)
from toolkit.excel.press import DATE_NAME, PANEL, Press

if TYPE_CHECKING:
    from datetime import date
    from decimal import Decimal
    from pathlib import Path

    from toolkit.services.orders import Preview
    from toolkit.services.printing import NotPrinted
    from toolkit.services.requests import RequestDone
    from toolkit.services.shipping import Shipped

__all__ = ["BUTTONS", "DATE_NAME", "PANEL", "TITLES", "Button", "Press", "button"]


@dataclass(frozen=True, slots=True)
class Button:
    """A button on the panel: its caption, its VBA Sub (in module `Pannello`), its function."""

    caption: str
    macro: str
    function: str
    help: str
    """One line beside the button on the panel, for the user."""
    english: str
    """The caption in English: the title of its message boxes in an English workbook."""


BUTTONS: tuple[Button, ...] = (
    Button("Controllo dati", "CheckData", "check_data",
           "Controlla le anagrafiche: ogni problema con il suo foglio e la sua cella.", "Data check"),
    Button("Anteprima ordini", "PreviewOrders", "preview_orders",
           "Elenca gli ordini previsti per la data indicata sopra.", "Order preview"),
    Button("Crea ordini selezionati", "CreateOrders", "create_orders",
           "Crea gli ordini contrassegnati nell'anteprima.", "Create selected orders"),
    Button("Pannello di controllo", "ControlPanel", "control_panel",
           "Tutti gli ordini del registro, uno per riga con il dettaglio, in un file accanto a questo.",
           "Control panel"),
    Button("Cambia stato ordine", "ChangeOrderStatus", "change_order_status",
           "Porta l'ordine indicato sopra al nuovo stato (es. Chiuso, Annullato).", "Change order status"),
    Button("Conferma offerta", "ConfirmQuotation", "confirm_quotation",
           "Il preventivo o previsionale indicato sopra («Ordine») diventa un ordine standard, una volta sola.",
           "Confirm quotation"),
    Button("Spedisci (DDT)", "Ship", "ship",
           "Registra la spedizione e prepara i documenti di trasporto.", "Ship (DDT)"),
    Button("Spedisci anche oltre il fido", "ShipForced", "ship_forced",
           "Come «Spedisci (DDT)», anche per i clienti oltre il fido: chiede conferma, resta nel registro.",
           "Ship over the credit limit too"),
    Button("Spedisci e fattura", "ShipAndInvoice", "ship_and_invoice",
           "Spedisce l'ordine indicato sopra («Ordine») e lo fattura subito, per chi paga alla consegna.",
           "Ship and invoice"),
    Button("Ristampa DDT", "ReprintDeliveryNotes", "reprint_delivery_notes",
           "Ristampa dal registro tutti i DDT della data indicata sopra.", "Reprint DDTs"),
    Button("Annulla DDT", "VoidDeliveryNote", "void_delivery_note",
           "Il DDT indicato sopra («DDT da annullare»), emesso per errore, resta nel registro segnato ANNULLATO e la "
           "sua merce torna da spedire; il prossimo «Spedisci» la spedisce con un nuovo DDT. Chiede conferma.",
           "Void DDT"),
    Button("Lista di distribuzione", "DistributionList", "distribution_list",
           "Ordini ancora da spedire, per zona e vettore.", "Distribution list"),
    Button("Lista completa", "CompleteList", "complete_list",
           "Tutti gli ordini del giorno, spediti e no, e quelli dei giorni precedenti ancora da spedire.",
           "Complete list"),
    Button("Lista di produzione", "ProductionList", "production_list",
           "Quantità da produrre per articolo.", "Production list"),
    Button("Produzione con ordini precedenti", "ProductionListEarlierOrders", "production_list_earlier_orders",
           "Come «Lista di produzione», con uno per uno anche gli ordini dei giorni precedenti ancora da spedire "
           "(su un registro grande sono decine di migliaia: un file di megabyte).",
           "Production list with earlier orders"),
    Button("Fatturazione fine mese", "MonthEndInvoicing", "month_end_invoicing",
           "Fatture differite del mese, con i DDT citati.", "Month-end invoicing"),
    Button("Rendi definitiva emissione", "FinalizeRun", "finalize_run",
           "Rende definitive le fatture in bozza dell'emissione indicata sopra.", "Finalize invoice run"),
    Button("Annulla emissione", "UndoRun", "undo_run",
           "Cancella l'emissione in bozza indicata sopra; la numerazione riprende dal suo primo numero.",
           "Undo invoice run"),
    Button("Registro fatture del mese", "InvoiceRegister", "invoice_register",
           "Per il commercialista: ogni fattura e nota di credito datata nel mese della data indicata sopra, "
           "bozze comprese, con il riepilogo IVA.", "Month's invoice register"),
    Button("Fatture elettroniche", "EInvoices", "einvoices",
           "File XML FatturaPA delle fatture definitive del mese, e lo zip per lo SDI.", "E-invoices"),
    Button("Registra incasso", "RecordPayment", "record_payment",
           "Registra l'incasso indicato sopra (fattura, data, importo, modalità).", "Record payment"),
    Button("Nota di credito", "CreditNote", "credit_note",
           "Nota di credito sulla «Fattura» indicata sopra: le righe scelte, o tutta, con il motivo; datata oggi, "
           "stampata in un file accanto a questo.", "Credit note"),
    Button("Nota di debito", "DebitNote", "debit_note",
           "Nota di debito sulla «Fattura» indicata sopra: l'«Importo nota di debito» in più, con il motivo; datata "
           "oggi, stampata in un file accanto a questo. Chiede conferma.", "Debit note"),
    Button("Nessun accredito dovuto", "NoCreditDue", "no_credit_due",
           "Il reso indicato sopra («Ordine») non avrà nota di credito, per il motivo in «Motivo nota di credito»: "
           "il suo DDT non attende più la fattura e il reso si chiude; senza DDT resta aperto, mai accreditato. "
           "Chiede conferma.", "No credit due"),
    Button("Stato pagamenti", "PaymentStatus", "payment_status",
           "Scadenze e pagamenti delle fatture.", "Payment status"),
    Button("Calendario", "ShowCalendar", "calendar",
           "Il calendario delle consegne dei modelli ordine.", "Calendar"),
    Button("Report", "WriteReport", "sales_report",
           "Il report scelto sopra (vendite, spedizioni, fatture, clienti e articoli, scadenziario) per il periodo "
           "indicato, con i grafici, in un file accanto a questo.", "Reports"),
    Button("Apri richiesta", "OpenRequest", "open_request",
           "Apre una richiesta o un reclamo del cliente indicato sopra, con il suo tipo e il testo.", "Open request"),
    Button("Registra azione richiesta", "ActOnRequest", "act_on_request",
           "Annota che cosa è stato fatto sulla richiesta indicata sopra (numero e testo).", "Record action on request"),
    Button("Chiudi richiesta", "CloseRequest", "close_request",
           "Chiude la richiesta indicata sopra; il testo, se c'è, dice come si è risolta.", "Close request"),
    Button("Richieste aperte", "OpenRequests", "open_requests",
           "Le richieste aperte, con lo storico, in un file accanto a questo.", "Open requests"),
    Button("Provvigioni", "Commissions", "commissions",
           "Estratti provvigioni per agente del periodo Dal–Al, accanto a questa cartella; chiede se liquidarli "
           "(registrarli, il periodo non si liquida più).", "Commissions"),
    Button("Liquida sconti volume", "SettleVolumeDiscounts", "settle_volume_discounts",
           "Note di credito degli sconti volume del periodo Dal–Al (un mese, trimestre o anno intero).",
           "Settle volume discounts"),
)

TITLES = {"it": "Ordini ricorrenti", "en": "Recurring orders"}
RUNS_SHEET = "Emissioni fatture"
"""Where the invoice buttons list the ledger's runs, so the user can pick one for the panel."""


def caller() -> Book:
    """The book whose button was pressed. xlwings is imported here, so that this module
    imports on machines without Excel."""
    import xlwings as xw

    # xlwings' Sheets.add takes its own Sheet type, which the Book protocol cannot name without
    # importing xlwings: the book's sheets are only ever passed back to it
    return xw.Book.caller()  # type: ignore[return-value]


def button(caption: str) -> Callable[[Callable[[Press], None]], Callable[..., None]]:
    """Wrap a button's body: find the book, turn the user's mistakes into a message box in the
    workbook's language (both languages when the mistake stops the press before the master
    data says which). Every output refused during the press asks in the button's words
    (`asking`): a button names its files itself and has no `--out`."""
    found = next((b for b in BUTTONS if b.caption == caption), None)
    titles = {"it": caption, "en": found.english if found else caption}

    def wrap(body: Callable[[Press], None]) -> Callable[..., None]:
        @functools.wraps(body)
        def run(book: Book | None = None) -> None:
            runtime.configure()
            press = Press(caller() if book is None else book, titles)
            try:
                with asking(press.asked):
                    body(press)
            except UnusableInput as exc:
                lang = press.lang
                text = (said.render(exc.problem, lang) if lang else
                        said.render(exc.problem, "it") + "\n\n" + said.render(exc.problem, "en"))
                message(press.book, text, press.title(), critical=True)
            except ProblemsFound as exc:
                lang = press.lang or "it"
                message(press.book, _problems_text(exc.problems, lang), press.title(), critical=True)
            except Exception as exc:
                from toolkit.services.printing import NotPrinted

                if isinstance(exc, NotPrinted):
                    message(press.book, _not_written(press, exc), press.title(), critical=True)
                    return
                from toolkit.basics.failures import described, machine_state

                if (tended := machine_state(exc)) is not None:
                    message(press.book, said.render(tended, press.lang or "it"), press.title(), critical=True)
                    return
                if os.environ.get("TOOLKIT_DEBUG"):
                    raise
                message(press.book, f"Errore interno / internal error: {described(exc)}", press.title(), critical=True)

        return run

    return wrap


def _not_written(press: Press, exc: NotPrinted) -> str:
    """The box of documents recorded whose file was not written (`document-not-printed`): each
    file's problem in the button's words, and a file of DDTs the button that prints them again
    too, *Ristampa DDT*, where every file's box named it, a credit note's as well."""
    from pathlib import Path

    lang, book, label = press.lang or "it", Path(press.book.fullname), inputs.ORDER_DATE.label
    told = []
    for failed in (exc, *exc.also):
        text = said.render(failed.problem(book, lang), lang)
        if failed.kind == "ddt":
            day = wording.Agreed(len(failed.numbers), ("il suo giorno", "il loro giorno"), ("its day", "their day"))
            text += (f" (anche con il pulsante «Ristampa DDT», {day.shown(lang)} in «{label}»)." if lang == "it" else
                     f" (also with the “Ristampa DDT” button, {day.shown(lang)} in “{label}”).")
        told.append(text)
    return "\n\n".join(told)


def _problems_text(problems: list[Problem], lang: str) -> str:
    lines = said.lines(problems, lang)
    return "\n".join([report.summary(problems, lang), *lines])


def _stop_on_errors(problems: list[Problem]) -> None:
    if any(p.is_error for p in problems):
        raise ProblemsFound(problems)


@button("Controllo dati")
def check_data(press: Press) -> None:
    """Check the live book's master data, list the problems on "Controllo dati", highlight
    their cells and say how many there are: `toolkit check`, from a button."""
    book, sheets = press.book, press.sheets
    checked, lang = press.checked.checked, press.language
    old = find_sheet(sheets, report.SHEET)
    previous = report.previous_cells(read_values(old)) if old is not None else {}
    current = report.cells_by_sheet(checked.problems)
    sheet = write_table(book, report.SHEET, report.block(checked.problems, lang), sheets, after=PANEL)
    sheet.autofit()
    cleared = report.subtract(previous, current)
    for name in {**cleared, **current}:  # sheet by sheet: a protected one leaves the others coloured
        press.refresh(functools.partial(highlight, book, {name: cleared.get(name, [])}, color=None, sheets=sheets))
        press.refresh(functools.partial(highlight, book, {name: current.get(name, [])}, sheets=sheets))
    text = report.summary(checked.problems, lang)
    if checked.problems:
        sheet.activate()
        text += "\n" + report.where_to_look(lang)
    press.say(text, critical=bool(checked.errors), title=report.TITLE[lang])


@button("Anteprima ordini")
def preview_orders(press: Press) -> None:
    """Orders due on the panel's date (`DataOrdini`), written to "Anteprima ordini" with a flag
    column: `toolkit orders preview`, from a button."""
    result = _write_preview(press)
    lang, day = press.language, press.day
    new = sum(1 for r in result.rows if r.existing is None)
    text = (f"{len(result.rows)} ordini in scadenza il {day:%d/%m/%Y}, {new} da creare: togli la «x» a quelli da "
            "non creare, poi premi «Crea ordini selezionati»." if lang == "it" else
            f"{len(result.rows)} orders due on {day:%d/%m/%Y}, {new} to create: remove the “x” from those not to "
            "create, then press “Crea ordini selezionati”.")
    problems = said.lines(result.problems, lang)
    press.say("\n".join([text, *problems]), critical=bool(result.problems))


def _write_preview(press: Press) -> Preview:
    """The preview sheet for the panel's date, shown: what "Crea ordini selezionati" repeats,
    without its message, to show the new numbers."""
    from toolkit.services.orders import preview

    session = press.session
    result = preview(session.master, session.ledger, press.day)
    sheet = write_table(press.book, orders.SHEET, orders.preview_block(result, press.language), press.sheets,
                        after=PANEL, formats=orders.PREVIEW_FORMATS)
    sheet.autofit()
    sheet.activate()
    return result


@button("Crea ordini selezionati")
def create_orders(press: Press) -> None:
    """Create the orders flagged in "Anteprima ordini", then refresh the preview so each shows
    its number: `toolkit orders create --out` of the flagged ones, from a button (the unflagged are
    left out for good, as `--exclude` leaves them, not to the next run as `--only`). The orders, and the DDTs
    and invoices issued with them, are printed beside the book in `ordini-DATE.xlsx`,
    `ordini-DATE-ddt.xlsx` and `ordini-DATE-fatture.xlsx` (`…-2.xlsx` after an earlier press of
    the day): a DDT issued at once travels with its goods, and a document stored and never
    printed would be warned of at every later press. An error stops it only when nothing was
    created (a return left out of the credit notes issued at once leaves the rest created). The
    box names the warnings of the documents issued (`Created.of_documents`: a rate changed at
    the invoice, a letter of intent's ceiling, numbers after a draft run), as the command line
    prints them; the planning's were in the preview's box. Its errors come first and then the
    invoices' warnings and the DDTs' (a DDT dated on a holiday), the DDTs' routine stock ones
    last, in one line counting the orders waiting for stock (`said.stock_in_one_line`): a box
    lists ten, and a day's stock warnings must not hide why it is critical, nor a run that can
    no longer be undone."""
    from toolkit.basics.files import check_output
    from toolkit.services.orders import create, created_documents, created_outputs

    session = press.session
    preview_sheet = find_sheet(press.sheets, orders.SHEET)
    keys, unread = orders.flagged(read_values(preview_sheet) if preview_sheet is not None else [])
    _stop_on_errors(unread)
    outputs = created_outputs(press.beside(f"ordini-{press.day:%Y-%m-%d}.xlsx"))
    for target, kind in zip(outputs, ("orders", "ddt", "invoices")):
        check_output(target, kind=kind, inputs=(session.workbook,))
    warned = _never_printed(press, ["ddt", "at-once"], outputs[0])
    result = create(session.master, session.ledger, press.day, keys=keys, lang=press.language)
    if not result.stored:
        _stop_on_errors(list(result.problems))
    written = created_documents(session.master, session.ledger, result, outputs, press.language)
    press.refresh(lambda: _write_preview(press))
    lang = press.language
    told = [*(p for p in result.problems if p.is_error),
            *said.stock_in_one_line([p for p in result.of_documents if not p.is_error])]
    press.say("\n".join([result.summary(lang), *map(str, written), *(said.render(p, lang) for p in warned),
                         *said.lines(told, lang)]), critical=any(p.is_error for p in told))


@button("Pannello di controllo")
def control_panel(press: Press) -> None:
    """The orders still open in the ledger, one row each linked to its lines, in a workbook
    beside this one: `toolkit panel --out`, from a button."""
    from toolkit.basics.dates import today_rome
    from toolkit.services.orders import panel

    session, lang = press.session, press.language
    told: list[Problem] = []
    target = panel(session.master, session.ledger, press.beside(f"pannello-ordini-{today_rome():%Y-%m-%d}.xlsx"), lang,
                   told=told)
    press.say("\n".join([f"Pannello di controllo scritto in {target}" if lang == "it"
                         else f"Control panel written to {target}", *said.lines(told, lang)]))


@button("Cambia stato ordine")
def change_order_status(press: Press) -> None:
    """Move the order named on the panel (`NumeroOrdine`) to the status beside it
    (`NuovoStato`), when the status chart allows it: `toolkit orders status --to`."""
    from toolkit.core.orders import STATUS_LABELS
    from toolkit.services.order_status import change_status

    found: list[Problem] = []
    number = inputs.text(inputs.ORDER, press.cell(inputs.ORDER.name), found)
    wanted = inputs.status(inputs.STATUS, press.cell(inputs.STATUS.name), found)
    session, lang = press.session, press.language
    _stop_on_errors(found)
    assert wanted is not None
    changed = change_status(session.ledger, number, wanted)
    _stop_on_errors(changed.problems)
    number = changed.order
    shown = STATUS_LABELS[wanted][0 if lang == "it" else 1]
    press.say(f"Ordine {number}: ora «{shown}»." if lang == "it" else f"Order {number} is now “{shown}”.")


@button("Conferma offerta")
def confirm_quotation(press: Press) -> None:
    """The customer accepted the quotation or proposal named on the panel (`NumeroOrdine`): it
    becomes a standard order dated today, once, and is closed: `toolkit orders confirm`. The
    invoice of a customer invoiced at once (*Immediato*) is printed beside the book in
    `fatture-conferme-DATE.xlsx` (`…-2.xlsx`, … never over an earlier one's), as `orders create
    --out` prints the invoices it issues at once: unprinted, it would be warned of as never
    printed at every later press. An error stops it only when no order was made (a return left
    out of the credit notes issued at once leaves the order made: the box, critical, names it);
    the invoice's warnings (a line rated for its day, a letter of intent's ceiling) are named too."""
    from toolkit.basics.dates import today_rome
    from toolkit.basics.files import check_output, unused_path
    from toolkit.services.order_confirm import confirm
    from toolkit.services.printing import stored_before_printing, write_and_mark

    found: list[Problem] = []
    number = inputs.text(inputs.ORDER, press.cell(inputs.ORDER.name), found)
    session, lang = press.session, press.language
    _stop_on_errors(found)
    day = today_rome()
    target = unused_path(press.beside(f"fatture-conferme-{day:%Y-%m-%d}.xlsx"))
    check_output(target, kind="invoices", inputs=(session.workbook,))
    result = confirm(session.master, session.ledger, number, day, lang=lang)
    if result.order is None:
        _stop_on_errors(result.problems)
    text = (f"{result.quotation} confermato: ordine {result.order} del {day:%d/%m/%Y}." if lang == "it" else
            f"{result.quotation} confirmed: order {result.order} of {day:%d/%m/%Y}.")
    if result.invoices:
        numbers = ", ".join(str(x.number) for x in result.invoices)
        with stored_before_printing([("invoices", result.invoices, target)]):
            printed = write_and_mark(session.ledger, session.master, "invoices", result.invoices, target, lang)
        text += f"\nFattura emessa: {numbers}: {printed}" if lang == "it" else f"\nInvoice issued: {numbers}: {printed}"
    summary = result.summary(lang)
    press.say("\n".join([text, *([summary] if summary else []), *said.lines(result.problems, lang)]),
              critical=any(p.is_error for p in result.problems))


@button("Spedisci (DDT)")
def ship(press: Press) -> None:
    """Ship every open order up to the panel's date and write the DDTs beside the book, in
    `ddt-DATE.xlsx`, or `ddt-DATE-2.xlsx`, … when the day has shipped before (the message says
    which DDTs are in it): `toolkit ship --all --out`, from a button. A customer over the credit limit is held;
    "Spedisci anche oltre il fido" ships them too. A panel date after today is refused, as the
    command refuses it without `--future`."""
    _ship(press, force=False)


@button("Spedisci anche oltre il fido")
def ship_forced(press: Press) -> None:
    """As "Spedisci (DDT)", with the customers over their credit limit shipped too, after a
    Yes/No question: `toolkit ship --all --force --out`. The event log records each forced
    DDT. Answering No does nothing and shows nothing more."""
    lang, day = press.language, press.day
    question = (f"Spedire tutti gli ordini aperti fino al {day:%d/%m/%Y}, anche dei clienti oltre il fido? "
                "Le spedizioni forzate restano annotate nel registro." if lang == "it" else
                f"Ship every open order up to {day:%d/%m/%Y}, customers over their credit limit included? "
                "The ledger records each forced shipment.")
    if not press.ask(question):
        return
    _ship(press, force=True)


def _ship(press: Press, force: bool) -> None:
    from toolkit.services.shipping import ship as ship_orders

    session, lang, day = press.session, press.language, press.day
    out = _shipment_file(press)
    warned = _never_printed(press, ["ddt"], out)
    result = ship_orders(session.master, session.ledger, day, all_open=True, force=force, out=out, lang=lang)
    _say_shipped(press, result, warned)


def _shipment_file(press: Press) -> Path:
    """The file of this shipment: `ddt-DATE.xlsx` beside the book for the day's first, then
    `ddt-DATE-2.xlsx`, …: a second shipment of the day never replaces the first's file."""
    from toolkit.services.shipping import shipment_file

    return shipment_file(press.beside(f"ddt-{press.day:%Y-%m-%d}.xlsx"))


def _say_shipped(press: Press, result: Shipped, warned: list[Problem]) -> None:
    """The shipping buttons' message: what was issued, which documents went into which file,
    the documents found never printed (`warned`) and the problems; an error stops it only when
    nothing was issued (a return left out of `--invoice` leaves the rest shipped and invoiced).
    A DDT dated on a holiday is told at the panel's date cell, which chose the date."""
    if not result.notes:
        _stop_on_errors(list(result.problems))
    from dataclasses import replace

    from toolkit.services.shipping import DDT_ON_HOLIDAY

    lang = press.language
    problems = [replace(p, location=inputs.where(inputs.ORDER_DATE)) if p.code == DDT_ON_HOLIDAY.code else p
                for p in result.problems]
    press.say("\n".join([result.summary(lang), *result.filed(lang), *said.lines([*warned, *problems], lang)]))


def _never_printed(press: Press, which: list[str], out: Path) -> list[Problem]:
    """The documents of these kinds recorded lately and never printed (a press or a command
    killed between storing them and writing their file), warned of as the command line warns
    (`toolkit.services.printing.never_printed`), looked for before this press issues its own:
    pressing again issues nothing new, so without this the desk would never learn that a DDT
    or an invoice has no paper. The way out is the one a button user has: DDTs print again with
    *Ristampa DDT*, their day in *Data ordini*; no button prints invoices or credit notes
    again, so theirs is the `toolkit print` command."""
    from toolkit.services.printing import beside, never_printed_warning, unprinted, unprinted_command, unprinted_days

    session, cell = press.session, f"{PANEL}!{inputs.ORDER_DATE.cell}"
    warned = []
    for kind, summary in unprinted(session.ledger, which):
        them = kind.them(summary)
        it, en = them.shown("it"), them.shown("en")
        if kind.kind == "ddt":
            days = unprinted_days(summary)
            on = ", ".join(f"{d:%d/%m/%Y}" for d in days)
            label = inputs.ORDER_DATE.label
            how = ((f"Stampa{it} con il pulsante «Ristampa DDT», scrivendo {on} in «{label}» ({cell})." if len(days) == 1
                    else f"Stampa{it} con il pulsante «Ristampa DDT», scrivendo in «{label}» ({cell}) un giorno alla "
                         f"volta: {on}."),
                   (f"Print {en} with the “Ristampa DDT” button, writing {on} in “{label}” ({cell})." if len(days) == 1
                    else f"Print {en} with the “Ristampa DDT” button, writing in “{label}” ({cell}) one day at a "
                         f"time: {on}."))
        else:
            command = unprinted_command(kind, summary, session.workbook, beside(out, kind.file))
            how = (f"Nessun pulsante {it} ristampa: stampa{it} dalla riga di comando con {command}",
                   f"No button prints {en} again: print {en} from the command line with {command}")
        warned.append(never_printed_warning(kind, summary, *how))
    return warned



@button("Spedisci e fattura")
def ship_and_invoice(press: Press) -> None:
    """Ship the order(s) named on the panel (`NumeroOrdine`, several separated by commas) on the
    panel's date and invoice them at once, the DDTs and the invoices written beside the book,
    in files of their own when the day has shipped before (`ddt-DATE-2.xlsx`, its invoices in
    `ddt-DATE-2-fatture.xlsx`):
    `toolkit ship --orders N --invoice --out`, for customers who pay on delivery. Only the named
    orders: a customer invoiced at month end is never invoiced at once by a press meant for
    another."""
    from toolkit.services.shipping import ship as ship_orders

    found: list[Problem] = []
    named = inputs.text(inputs.ORDER, press.cell(inputs.ORDER.name), found)
    session, lang, day = press.session, press.language, press.day
    _stop_on_errors(found)
    numbers = [n.strip() for n in named.replace(";", ",").split(",") if n.strip()]
    out = _shipment_file(press)
    warned = _never_printed(press, ["ddt", "at-once"], out)
    result = ship_orders(session.master, session.ledger, day, numbers=numbers, invoice=True, out=out, lang=lang)
    _say_shipped(press, result, warned)


@button("Ristampa DDT")
def reprint_delivery_notes(press: Press) -> None:
    """Every DDT of the panel's date, printed again from the ledger into a file of its own,
    `ddt-DATE-ristampa.xlsx` beside the book: `toolkit print ddt --date`, from a button. It
    brings back a day's DDTs whose file was lost, or never written. Each press replaces the
    previous reprint (the day's DDTs as the ledger has them, nothing lost), never a shipment's
    file: a day shipped twice has two of those, each with its own DDTs. An error in a part of
    the workbook the reprint does not read is told in the box, as `toolkit print` tells it
    (`Press.reprint_session`)."""
    from toolkit.basics.files import check_output
    from toolkit.excel.orders import beside
    from toolkit.services.printing import Selection, print_documents

    session, lang, day = press.reprint_session, press.language, press.day
    target = beside(session, f"ddt-{day:%Y-%m-%d}-ristampa.xlsx")
    check_output(target, kind="ddt", inputs=(session.workbook,))
    result = print_documents(session.master, session.ledger, "ddt", Selection(first=day, last=day), target, lang,
                             own_file=True, set_aside=session.set_aside)
    lines = said.lines(result.problems, lang)
    if result.written is not None:
        lines = [(f"DDT ristampati: {len(result.numbers)}." if lang == "it"
                  else f"DDTs printed again: {len(result.numbers)}."), str(result.written), *lines]
    press.say("\n".join(lines))


def _order_list(press: Press, name: str, complete: bool) -> None:
    from toolkit.services.lists import distribution

    session, day = press.session, press.day
    target = distribution(session.master, session.ledger, day, day, press.beside(f"{name}-{day:%Y-%m-%d}.xlsx"),
                          press.language, complete=complete)
    press.say(str(target))


@button("Lista di distribuzione")
def distribution_list(press: Press) -> None:
    """What is not yet fully shipped on the panel's date, by route: `toolkit distribution`."""
    _order_list(press, "lista-distribuzione", complete=False)


@button("Lista completa")
def complete_list(press: Press) -> None:
    """Every order of the panel's date, shipped or not, and the earlier days' orders still to
    ship: `toolkit distribution --complete`."""
    _order_list(press, "lista-completa", complete=True)


def _production_list(press: Press, name: str, earlier_orders: bool) -> None:
    from toolkit.services.lists import production

    session, day = press.session, press.day
    told: list[Problem] = []
    target = production(session.master, session.ledger, day, day, press.beside(f"{name}-{day:%Y-%m-%d}.xlsx"),
                        press.language, told, earlier_orders=earlier_orders)
    press.say("\n".join([str(target), *said.lines(told, press.language)]))


@button("Lista di produzione")
def production_list(press: Press) -> None:
    """Quantities to produce per item for the panel's date, the earlier days' open orders summed
    per item: `toolkit production`."""
    _production_list(press, "lista-produzione", earlier_orders=False)


@button("Produzione con ordini precedenti")
def production_list_earlier_orders(press: Press) -> None:
    """As "Lista di produzione", with the earlier days' open orders listed one by one beside the
    day's, in a file of its own: `toolkit production --earlier-orders`. A button of its own, as
    "Lista completa" is for `distribution --complete`: at L mid-month they are 72,000 orders, a
    list of megabytes nobody should get by a slip of the plain button."""
    _production_list(press, "lista-produzione-precedenti", earlier_orders=True)


@button("Fatturazione fine mese")
def month_end_invoicing(press: Press) -> None:
    """Deferred invoices of the panel date's month, as a draft run (it can still be undone),
    with the accountants' workbook and the printable invoices beside the book:
    `toolkit invoice --month --copies`, from a button. The run's id goes into the panel's
    `Emissione` cell and the runs sheet, ready for "Rendi definitiva emissione". Customers no
    longer on the Customers sheet are left out and named, the box critical, as the command
    exits 1: the others are invoiced all the same."""
    from toolkit.basics.dates import today_rome
    from toolkit.core.invoicing import Request
    from toolkit.services.invoicing import run

    session, lang, month = press.session, press.language, press.month
    found: list[Problem] = []
    credit_day = inputs.optional_day(inputs.RETURNS_CREDIT_DATE, press.optional_cell(inputs.RETURNS_CREDIT_DATE.name),
                                     found)
    _stop_on_errors(found)
    result = run(session.ledger, session.master, Request(month, today_rome(), credit_date=credit_day),
                 out=_invoices_folder(press), lang=lang, copies=True)
    if result.run_id is None:
        _stop_on_errors(_credit_date_at_panel(result.problems))
    summary = result.summary(lang)
    if result.run_id is not None:
        shown = _show_run(press, result.run_id)
        press.refresh(lambda: _write_runs(press))
        count = len(result.invoices)
        where = (f", nella cella {inputs.RUN.cell}" if lang == "it" else f", in cell {inputs.RUN.cell}") if shown else ""
        summary = (f"{'Emesso' if count == 1 else 'Emessi'} {wording.count(count, 'documento', 'documenti')} in bozza "
                   f"(emissione {result.run_id}{where}): controllali, poi premi «Rendi definitiva emissione»."
                   if lang == "it" else
                   f"Issued {wording.count(count, 'draft document', 'draft documents')} (run {result.run_id}{where}): "
                   "check them, then press “Rendi definitiva emissione”.") + result.left_out_sentence(lang)
    lines = [summary, *map(str, result.files), *said.lines(result.problems, lang)]
    press.say("\n".join(lines), critical=any(p.is_error for p in result.problems))


CREDIT_DATE_PROBLEMS = frozenset({"invoice-credit-date-before-run", "invoice-credit-date-in-future"})
"""What the month end says of the returns' credit-note date: the panel cell it came from is the one to fix."""


def _credit_date_at_panel(problems: Sequence[Problem]) -> list[Problem]:
    """The month end's problems, those of the credit-note date placed at its panel cell."""
    from dataclasses import replace

    return [replace(p, location=inputs.where(inputs.RETURNS_CREDIT_DATE))
            if p.code in CREDIT_DATE_PROBLEMS and p.location is None else p for p in problems]


def _invoices_folder(press: Press) -> Path:
    """The month's invoicing folder beside the book, `fatture-YYYY-MM`: the run's files and the
    month's register side by side, for the accountant."""
    return press.beside(f"fatture-{press.month.start:%Y-%m}")


@button("Registro fatture del mese")
def invoice_register(press: Press) -> None:
    """The register the accountant audits for the panel date's month: every invoice and credit
    note dated in it, whatever issued it (month-end runs, invoices at the order or with the DDT,
    credit notes), drafts too, in the month's invoicing folder beside the book:
    `toolkit invoice export --month`, from a button. It only reads the ledger: press it again
    after finalizing, and the register says so."""
    from toolkit.services.invoicing import export_month

    session, lang, month = press.session, press.language, press.month
    result = export_month(session.master, session.ledger, month, _invoices_folder(press), lang)
    _stop_on_errors(result.problems)
    written = [*([result.summary(month.start, lang)] if result.documents else []), *map(str, result.files)]
    lines = [*written, *(said.render(p, lang) for p in result.problems)]
    press.say("\n".join(lines))


def _show_run(press: Press, run_id: str) -> bool:
    """Put a run's id in the panel's `Emissione` cell, as text; False when the panel has no
    such cell (a workbook built before it existed: the id is in the message all the same)."""
    panel = press.panel
    if panel is None:
        return False
    try:
        target = panel.range(inputs.RUN.name)
    except Exception:  # Excel's error for an unknown name depends on the platform
        return False
    return press.refresh(lambda: _put(target, "'" + run_id))


def _put(target: Range, value: str) -> None:
    with written(PANEL):
        target.value = value


def _write_runs(press: Press) -> None:
    """The ledger's invoice runs, latest first, on their own sheet: the ids to choose from."""
    from toolkit.services.invoicing import runs

    lang = press.language
    headers = (("Emissione", "Stato", "Dal", "Al", "Fatture", "Numeri", "Totale") if lang == "it" else
               ("Run", "Status", "From", "To", "Invoices", "Numbers", "Total"))
    status = {"draft": ("bozza", "draft"), "final": ("definitiva", "final")}
    rows: list[list[Any]] = [list(headers)]
    for r in runs(press.session.ledger):
        words = status.get(r.status.value, (r.status.value, r.status.value))
        rows.append([r.run_id, words[0 if lang == "it" else 1], r.first_date, r.last_date, r.invoices, r.numbers,
                     r.total])
    sheet = write_table(press.book, RUNS_SHEET, rows, press.sheets, after=PANEL, formats=RUNS_FORMATS)
    sheet.autofit()


RUNS_FORMATS = {2: cells.DATE, 3: cells.DATE, 4: cells.INTEGER, 6: cells.CURRENCY}


def _run_id(press: Press) -> str | None:
    """The run named on the panel; when the cell is empty, the runs are listed and the one
    message says where. An id holding a slash (a date typed in the cell), which no run's id
    holds, is no run of the ledger: it named the run's folder, an internal error."""
    from toolkit.services.invoicing import UNKNOWN_RUN

    found: list[Problem] = []
    run_id = inputs.text(inputs.RUN, press.cell(inputs.RUN.name), found)
    if not found and {"/", "\\"} & set(run_id):
        _stop_on_errors([UNKNOWN_RUN(inputs.where(inputs.RUN), run_id=run_id)])
    if not found:
        return run_id
    lang = press.language
    _write_runs(press)
    hint = (f"Le emissioni del registro sono nel foglio «{RUNS_SHEET}»: copia nella cella {inputs.RUN.cell} la "
            "sigla di quella scelta." if lang == "it" else
            f"The ledger's runs are on the “{RUNS_SHEET}” sheet: copy the id of the one you want into cell "
            f"{inputs.RUN.cell}.")
    press.say("\n".join([*(said.render(p, lang) for p in found), hint]), critical=True)
    return None


@button("Rendi definitiva emissione")
def finalize_run(press: Press) -> None:
    """Make the draft invoices of the run named on the panel (`Emissione`) final:
    `toolkit invoice finalize --out --copies`, from a button. The run's workbook and printable
    invoices, which «Fatturazione fine mese» wrote marked BOZZA, are written again final in
    the run's folder, the only way a button user has to print them final. The runs sheet is
    refreshed."""
    from toolkit.services.invoicing import export, finalize
    from toolkit.services.printing import quoted

    session = press.session
    run_id = _run_id(press)
    if run_id is None:
        return
    count, problems = finalize(session.ledger, run_id, session.master, quoted(press.book.fullname))
    _stop_on_errors(problems)
    press.refresh(lambda: _write_runs(press))
    lang = press.language
    if not count:
        press.say("\n".join(said.render(p, lang) for p in problems))
        return
    done = (f"Emissione {run_id}: {wording.count(count, 'documento ora definitivo', 'documenti ora definitivi')}."
            if lang == "it" else f"Run {run_id}: {wording.count(count, 'document is', 'documents are')} now final.")
    folder = _run_folder(press, run_id)
    redo = f"toolkit invoice export {quoted(press.book.fullname)} {run_id} --out {quoted(str(folder))} --copies"
    try:
        files = export(session.master, session.ledger, run_id, folder, lang, copies=True, redo=redo).files
    except UnusableInput as exc:
        if exc.problem.code == FILE_OPEN_IN_EXCEL.code:
            again = (f"Le copie definitive non sono state scritte: chiudi il file, poi scrivile con {redo}"
                     if lang == "it" else
                     f"The final copies were not written: close the file, then write them with {redo}")
        else:
            redo = redo.replace(f"--out {quoted(str(folder))}", "--out CARTELLA" if lang == "it" else "--out FOLDER")
            again = (f"Le copie definitive non sono state scritte: scrivile in una cartella scrivibile con {redo}"
                     if lang == "it" else
                     f"The final copies were not written: write them into a folder you can write to with {redo}")
        press.say("\n".join([done, said.render(exc.problem, lang), again]), critical=True)
        return
    press.say("\n".join([done, *(said.render(p, lang) for p in problems), *map(str, files)]))


def _run_folder(press: Press, run_id: str) -> Path:
    """The folder «Fatturazione fine mese» wrote a run's files into, `fatture-YYYY-MM` of the
    month the run's id is dated in (its invoices' date, the month's end for the button's runs)."""
    return press.beside(f"fatture-{run_id[:4]}-{run_id[4:6]}")


@button("Annulla emissione")
def undo_run(press: Press) -> None:
    """Delete the draft run named on the panel (`Emissione`), its numbers given back:
    `toolkit invoice undo --out`, from a button: the run's files in its folder (workbook,
    register, copies marked BOZZA) go with it. Only the latest draft run of its series, with
    nothing paid, can go; the service says why otherwise. The runs' sheet is written again
    after every undo, one that finished an interrupted undo or found the run gone included."""
    from toolkit.services.invoicing import undo_with_files

    session = press.session
    run_id = _run_id(press)
    if run_id is None:
        return
    count, problems, removed = undo_with_files(session.ledger, run_id, _run_folder(press, run_id), session.master)
    _stop_on_errors(problems)
    lang = press.language
    # an interrupted undo finished, or a colleague's, counts none: the run is gone all the same
    press.refresh(lambda: _write_runs(press))
    if not count:  # undone already: nothing changed now, as the warning says
        press.say("\n".join(said.lines(problems, lang)))
        return
    done = (f"Emissione {run_id} annullata: {wording.count(count, 'documento cancellato', 'documenti cancellati')}; "
            "la numerazione riprende dal primo." if lang == "it" else
            f"Run {run_id} undone: {wording.count(count, 'document', 'documents')} deleted; numbering resumes from "
            "the first.")
    gone = [("File tolti con l'emissione:" if lang == "it" else "Files removed with the run:"), *map(str, removed)]
    press.say("\n".join([done, *(gone if removed else []), *said.lines(problems, lang)]))


@button("Fatture elettroniche")
def einvoices(press: Press) -> None:
    """The FatturaPA files of the panel date's month, final invoices only, with the zip for
    SDI, in a folder beside the book: `toolkit einvoice --month --zip`, from a button."""
    from toolkit.services.einvoice import export

    session, lang, month = press.session, press.language, press.month
    result = export(session.master, session.ledger, month=month,
                    out=press.beside(f"fatture-elettroniche-{month.start:%Y-%m}"), zip=True)
    lines = [result.summary(lang), *map(str, result.archives), *said.lines(result.problems, lang)]
    press.say("\n".join(lines), critical=any(p.is_error for p in result.problems))


@button("Registra incasso")
def record_payment(press: Press) -> None:
    """Record the payment written on the panel (invoice, date, amount, method):
    `toolkit payments record`, from a button. The same payment twice is recorded once."""
    from toolkit.core.payments import PaymentEntry
    from toolkit.services.payments import record

    found: list[Problem] = []
    invoice = inputs.text(inputs.INVOICE, press.cell(inputs.INVOICE.name), found)
    paid_on = inputs.day(inputs.PAID_ON, press.cell(inputs.PAID_ON.name), found)
    amount = inputs.amount(inputs.AMOUNT_PAID, press.cell(inputs.AMOUNT_PAID.name), found)
    method = inputs.method(inputs.METHOD, press.cell(inputs.METHOD.name), found)
    session, lang = press.session, press.language
    _stop_on_errors(found)
    assert paid_on is not None and amount is not None
    entry = PaymentEntry(invoice, paid_on, amount, method, None, inputs.where(inputs.INVOICE))
    result = record(session.ledger, [entry])
    _stop_on_errors(result.problems)
    press.say("\n".join([result.summary(lang), *said.lines(result.problems, lang)]))


PANEL_CELLS = AskedIn(invoice=f"{PANEL}!{inputs.INVOICE.cell}", lines=f"{PANEL}!{inputs.CREDIT_LINES.cell}",
                      again=("emettila dalla riga di comando, toolkit invoice credit con --again",
                             "issue it from the command line, toolkit invoice credit with --again"))
"""Where the credit note's refusals send the user: the panel's cells, not the command's options."""


@button("Nota di credito")
def credit_note(press: Press) -> None:
    """Credit the invoice on the panel (`IncassoFattura`, the cell "Registra incasso" reads),
    the lines in `NotaRighe` (empty: all that is left of it), for the reason in `NotaMotivo`:
    `toolkit invoice credit --out`, from a button. Dated today, as the other documents a press
    issues on purpose (a confirmed quotation, a volume discount's notes): the panel's date is the
    orders' day, often tomorrow, and a note is never dated ahead or back into a month the
    accountant may have closed. Printed in `nota-di-credito-DATE.xlsx` beside the book, or
    `…-2.xlsx`, …: never over an earlier note's file. Refused, nothing is stored."""
    from toolkit.basics.dates import today_rome
    from toolkit.basics.files import check_output, unused_path
    from toolkit.services.credit_notes import credit

    found: list[Problem] = []
    invoice = inputs.text(inputs.INVOICE, press.cell(inputs.INVOICE.name), found)
    asked = inputs.credit_lines(inputs.CREDIT_LINES, press.cell(inputs.CREDIT_LINES.name), found)
    reason = inputs.reason(inputs.CREDIT_REASON, press.cell(inputs.CREDIT_REASON.name), found)
    session, lang = press.session, press.language
    _stop_on_errors(found)
    today = today_rome()
    target = unused_path(press.beside(f"nota-di-credito-{today:%Y-%m-%d}.xlsx"))
    check_output(target, kind="invoices", inputs=(session.workbook,))
    warned = _never_printed(press, ["notes"], target)
    result = credit(session.ledger, session.master, invoice, asked, reason, today, today, out=target, lang=lang,
                    workbook=session.workbook, asked_in=PANEL_CELLS)
    _stop_on_errors(result.problems)
    press.say("\n".join([result.summary(lang), *([str(result.printed)] if result.printed else []),
                         *said.lines([*warned, *result.problems], lang)]))


@button("Nota di debito")
def debit_note(press: Press) -> None:
    """Add to the invoice on the panel (`IncassoFattura`) the taxable amount in
    `NotaDebitoImporto`, at the rate in `NotaDebitoAliquota` when the invoice has several, for
    the reason in `NotaMotivo`: `toolkit invoice debit --out`, from a button. It charges the
    customer more, and its cells serve other buttons too, so the press asks first, naming the
    invoice, the amount and the reason; No does nothing. Dated today, as *Nota di credito*;
    printed in `nota-di-debito-DATE.xlsx` beside the book, or `…-2.xlsx`, …. Refused, nothing is
    stored."""
    from toolkit.basics.dates import today_rome
    from toolkit.basics.files import check_output, unused_path
    from toolkit.services.debit_notes import debit

    found: list[Problem] = []
    invoice = inputs.text(inputs.INVOICE, press.cell(inputs.INVOICE.name), found)
    amount = inputs.debit_amount(inputs.DEBIT_AMOUNT, press.cell(inputs.DEBIT_AMOUNT.name), found)
    rate = inputs.optional_text(inputs.DEBIT_RATE, press.cell(inputs.DEBIT_RATE.name))
    reason = inputs.reason(inputs.CREDIT_REASON, press.cell(inputs.CREDIT_REASON.name), found)
    session, lang = press.session, press.language
    _stop_on_errors(found)
    assert amount is not None
    if not press.ask(_debit_question(invoice, amount, rate, reason, lang)):
        return
    today = today_rome()
    target = unused_path(press.beside(f"nota-di-debito-{today:%Y-%m-%d}.xlsx"))
    check_output(target, kind="invoices", inputs=(session.workbook,))
    warned = _never_printed(press, ["notes"], target)
    result = debit(session.ledger, session.master, invoice, amount, rate, reason, today, today, out=target,
                   lang=lang, workbook=session.workbook, asked_in=PANEL_CELLS)
    _stop_on_errors(result.problems)
    press.say("\n".join([result.summary(lang), *([str(result.printed)] if result.printed else []),
                         *said.lines([*warned, *result.problems], lang)]))


def _debit_question(invoice: str, amount: Decimal, rate: str | None, reason: str, lang: str) -> str:
    """What *Nota di debito* asks before charging the customer more: with the rate of
    «Aliquota nota di debito» when it is filled, since a value left there by an earlier note
    would otherwise choose the VAT of an invoice of several rates unseen."""
    if lang == "it":
        vat = f"più IVA all'aliquota «{rate}»" if rate else "più IVA"
        return (f"Emetto una nota di debito sulla fattura {invoice} di {wording.euro(amount, lang)} {vat}, perché: "
                f"«{reason}»? È definitiva e la riceve il cliente. Confermi?")
    vat = f"plus VAT at rate “{rate}”" if rate else "plus VAT"
    return (f"Issue a debit note on invoice {invoice} of {wording.euro(amount, lang)} {vat}, because: “{reason}”? "
            "It is final and goes to the customer. Confirm?")


@button("Nessun accredito dovuto")
def no_credit_due(press: Press) -> None:
    """The return named on the panel (`NumeroOrdine`) gets no credit note, for the reason in
    `NotaMotivo` (the customer was paid back for its goods already, most often by a credit note):
    `toolkit returns no-credit`, from a button. The two cells serve other buttons too, so the
    press asks first, naming the return and the reason; No does nothing and shows nothing more.
    Refused, nothing is stored, and the message names the cell to fix."""
    from toolkit.services.returns import no_credit, no_credit_ahead

    found: list[Problem] = []
    number = inputs.text(inputs.ORDER, press.cell(inputs.ORDER.name), found)
    reason = inputs.no_credit_reason(inputs.CREDIT_REASON, press.cell(inputs.CREDIT_REASON.name), found)
    session, lang = press.session, press.language
    _stop_on_errors(found)
    ahead = no_credit_ahead(session.ledger, number)
    _stop_on_errors(_at_panel(ahead.problems, inputs.ORDER))
    if not press.ask(_no_credit_question(number, reason, bool(ahead.ddts), lang)):
        return
    done = no_credit(session.ledger, number, reason)
    _stop_on_errors(_at_panel(done.problems, inputs.ORDER))
    press.say(done.summary(lang))


def _no_credit_question(number: str, reason: str, shipped: bool, lang: str) -> str:
    """What *Nessun accredito dovuto* asks before recording: a return with its DDT waiting
    closes, one with no DDT yet (credited at the order) stays open, its goods still to come
    back, and is never credited."""
    if lang == "it":
        then = ("Il suo DDT non attende più la fattura e il reso si chiude." if shipped else
                "Non ha ancora un DDT: resta aperto, e quando la merce rientrerà con il suo DDT non sarà accreditato.")
        return f"Il reso {number} non avrà nota di credito, perché: «{reason}». {then} Confermi?"
    then = ("Its DDT no longer waits to be invoiced and the return is closed." if shipped else
            "It has no DDT yet: it stays open, and when the goods come back on its DDT it will not be credited.")
    return f"Return {number} will get no credit note, because: “{reason}”. {then} Confirm?"


@button("Annulla DDT")
def void_delivery_note(press: Press) -> None:
    """The DDT named on the panel (`NumeroDDT`), issued by mistake, is voided, for the reason in
    `MotivoAnnulloDDT` if any: `toolkit ddt void`, from a button. Voiding cannot be undone, so
    the press asks first, naming the DDT; No does nothing and shows nothing more. Refused,
    nothing is stored, and the message names the cell to fix; voided already, it says so."""
    from toolkit.services.ddt_void import void_ddt

    found: list[Problem] = []
    number = inputs.text(inputs.DDT, press.cell(inputs.DDT.name), found)
    reason = inputs.void_reason(inputs.DDT_REASON, press.cell(inputs.DDT_REASON.name), found)
    session, lang = press.session, press.language
    _stop_on_errors(found)
    if not press.ask(_void_question(number, reason, lang)):
        return
    done = void_ddt(session.master, session.ledger, number, reason)
    _stop_on_errors(_at_panel([p for p in done.problems if p.is_error], inputs.DDT))
    press.say(done.summary(lang) if done.voided else "\n".join(said.lines(done.problems, lang)))


def _void_question(number: str, reason: str | None, lang: str) -> str:
    """What *Annulla DDT* asks before voiding."""
    if lang == "it":
        why = f", perché: «{reason}»" if reason else ""
        return (f"Annullo il DDT {number}{why}? Resta nel registro con il suo numero, segnato ANNULLATO, e la sua "
                "merce torna da spedire con un nuovo DDT. Non si può tornare indietro. Confermi?")
    why = f", because: “{reason}”" if reason else ""
    return (f"Void DDT {number}{why}? It stays in the ledger with its number, marked VOIDED, and its goods are to "
            "ship again on a new DDT. This cannot be undone. Confirm?")


@button("Stato pagamenti")
def payment_status(press: Press) -> None:
    """Every invoice's payments and dues as of today, written beside the book:
    `toolkit payments status --out`, from a button."""
    from toolkit.basics.dates import today_rome
    from toolkit.core.payments import Show
    from toolkit.services.payments import status

    session = press.session
    today = today_rome()
    result = status(session.master, session.ledger, today, Show.ALL,
                    out=press.beside(f"stato-pagamenti-{today:%Y-%m-%d}.xlsx"), lang=press.language)
    press.say(str(result.file))


@button("Calendario")
def calendar(press: Press) -> None:
    """The delivery plan for the 31 days from the panel's date, written as a workbook beside
    this one (a shaded grid is many formats: a file costs one round trip, the live book one per
    format): `toolkit calendar`, from a button."""
    from datetime import timedelta

    from toolkit.services.calendar import plan

    session, lang, start = press.session, press.language, press.day
    made = plan(session.master, start, start + timedelta(days=30),
                out=press.beside(f"calendario-{start:%Y-%m-%d}.xlsx"), lang=lang)
    press.say("\n".join([f"Calendario scritto in {made.file}" if lang == "it" else f"Calendar written to {made.file}",
                         *said.lines(made.problems, lang)]))


@button("Report")
def sales_report(press: Press) -> None:
    """The report of the kind and period on the panel (`TipoReport`, `PeriodoDal`, `PeriodoAl`),
    grouped by customer, written beside the book: `toolkit report`, from a button."""
    from toolkit.core.reports import Kind, Request
    from toolkit.services.reports import default_name, report

    found: list[Problem] = []
    kind = inputs.report_kind(inputs.REPORT_KIND, press.cell(inputs.REPORT_KIND.name), found)
    if kind is Kind.AGING:
        first = last = _aging_day(press, found)
    else:
        first, last = _period(press, found)
    assert kind is not None
    session, lang = press.session, press.language
    made = report(session.master, session.ledger, Request(kind, first, last),
                  press.beside(default_name(kind, first, last)), lang=lang)
    press.say("\n".join([f"Report scritto in {made.file}" if lang == "it" else f"Report written to {made.file}",
                         *said.lines(made.problems, lang)]))


def _aging_day(press: Press, found: list[Problem]) -> date:
    """The day of an aging, the panel's *Al* alone: *Dal* selects nothing of what is open on it,
    so it is neither asked for nor held against *Al* (an empty or later *Dal* stopped the button)."""
    last = inputs.day(inputs.PERIOD_TO, press.cell(inputs.PERIOD_TO.name), found)
    _stop_on_errors(found)
    assert last is not None
    return last


def _request_said(done: RequestDone, lang: str) -> str:
    from toolkit.basics.vocab import label as vocab_label

    x = done.request
    assert x is not None
    status = ("aperta" if x.is_open else "chiusa") if lang == "it" else ("open" if x.is_open else "closed")
    return (f"Richiesta {x.id} ({vocab_label(x.kind, lang)}, cliente {x.customer}): {status}." if lang == "it" else
            f"Request {x.id} ({vocab_label(x.kind, lang)}, customer {x.customer}): {status}.")


@button("Apri richiesta")
def open_request(press: Press) -> None:
    """Open a request or complaint for the customer on the panel (`Richiesta`), of the kind and
    with the text beside it (`TipoRichiesta`, `TestoRichiesta`): `toolkit requests add`. The
    message gives its number, for the buttons that act on it."""
    from toolkit.services.requests import add

    found: list[Problem] = []
    customer = inputs.text(inputs.REQUEST, press.cell(inputs.REQUEST.name), found)
    kind = inputs.request_kind(inputs.REQUEST_KIND, press.cell(inputs.REQUEST_KIND.name), found)
    text = inputs.text(inputs.REQUEST_TEXT, press.cell(inputs.REQUEST_TEXT.name), found)
    session, lang = press.session, press.language
    _stop_on_errors(found)
    assert kind is not None
    done = add(session.master, session.ledger, customer, kind, text)
    _stop_on_errors(_at_panel(done.problems, inputs.REQUEST))
    press.say(_request_said(done, lang))


@button("Registra azione richiesta")
def act_on_request(press: Press) -> None:
    """Record what was done on the request numbered on the panel (`Richiesta`), the text in
    `TestoRichiesta`: `toolkit requests act`."""
    from toolkit.services.requests import act

    found: list[Problem] = []
    number = inputs.request_number(inputs.REQUEST, press.cell(inputs.REQUEST.name), found)
    text = inputs.text(inputs.REQUEST_TEXT, press.cell(inputs.REQUEST_TEXT.name), found)
    session, lang = press.session, press.language
    _stop_on_errors(found)
    assert number is not None
    done = act(session.ledger, number, text)
    _stop_on_errors(_at_panel(done.problems, inputs.REQUEST))
    press.say(_request_said(done, lang))


@button("Chiudi richiesta")
def close_request(press: Press) -> None:
    """Close the request numbered on the panel (`Richiesta`), with how it was settled when
    `TestoRichiesta` says it: `toolkit requests close`."""
    from toolkit.services.requests import close

    found: list[Problem] = []
    number = inputs.request_number(inputs.REQUEST, press.cell(inputs.REQUEST.name), found)
    text = press.cell(inputs.REQUEST_TEXT.name)
    session, lang = press.session, press.language
    _stop_on_errors(found)
    assert number is not None
    done = close(session.ledger, number, None if inputs.blank(text) else str(text))
    _stop_on_errors(_at_panel(done.problems, inputs.REQUEST))
    press.say("\n".join([*said.lines(done.problems, lang)] or [_request_said(done, lang)]))


@button("Richieste aperte")
def open_requests(press: Press) -> None:
    """The open requests and their history, in a workbook beside this one:
    `toolkit requests list --open --out`, from a button."""
    from toolkit.basics.dates import today_rome
    from toolkit.services.requests import listing

    session, lang = press.session, press.language
    result = listing(session.master, session.ledger, open_only=True,
                     out=press.beside(f"richieste-aperte-{today_rome():%Y-%m-%d}.xlsx"), lang=lang)
    count = len(result.requests)
    press.say(f"{wording.count(count, 'richiesta aperta', 'richieste aperte')}: {result.file}"
               if lang == "it" else
               f"{wording.count(count, 'open request', 'open requests')}: {result.file}")


def _at_panel(problems: list[Problem], field: inputs.Field) -> list[Problem]:
    """The service's problems, placed at the panel's cell to fix: a request's text's, or the one
    that named the request, customer or return."""
    from dataclasses import replace

    def cell(p: Problem) -> inputs.Field:
        return inputs.REQUEST_TEXT if p.code == "request-empty-text" else field

    return [replace(p, location=inputs.where(cell(p))) if p.location is None else p for p in problems]


def _period(press: Press, found: list[Problem] | None = None) -> tuple[date, date]:
    """The panel's *Dal* and *Al* cells (`PeriodoDal`, `PeriodoAl`); a missing or wrong one is a
    problem at its cell, and so is an end before the start (at *Al*). Problems the caller
    `found` in its own cells are shown with them."""
    found = [] if found is None else found
    first = inputs.day(inputs.PERIOD_FROM, press.cell(inputs.PERIOD_FROM.name), found)
    last = inputs.day(inputs.PERIOD_TO, press.cell(inputs.PERIOD_TO.name), found)
    _stop_on_errors(found)
    assert first is not None and last is not None
    if last < first:
        _stop_on_errors([inputs.PERIOD_BEFORE_START(inputs.where(inputs.PERIOD_TO), first=f"{first:%d/%m/%Y}",
                                                    last=f"{last:%d/%m/%Y}")])
    return first, last


@button("Provvigioni")
def commissions(press: Press) -> None:
    """Each agent's commission statement for the panel's period and the summary, in a folder
    `provvigioni-FROM-TO` beside the book: `toolkit commissions`, from a button. A Yes/No
    question first, as every button that records: Yes settles the period (`--settle`: the
    statements recorded, the period not settled again for those agents), No writes them as a
    preview and records nothing: of a period settled already, under the names `anteprima-…`,
    so the folder keeps the settled statements as handed out."""
    from toolkit.basics.dates import today_rome
    from toolkit.services.commissions import compute

    first, last = _period(press)
    session, lang = press.session, press.language
    settle = press.ask(
        f"Liquidare le provvigioni dal {first:%d/%m/%Y} al {last:%d/%m/%Y}? Sì: gli estratti sono registrati come "
        "liquidati e il periodo non si liquida più per quegli agenti. No: solo gli estratti, in anteprima, nulla è "
        "registrato." if lang == "it" else
        f"Settle the commissions from {first:%d/%m/%Y} to {last:%d/%m/%Y}? Yes: the statements are recorded as "
        "settled and the period is not settled again for those agents. No: the statements alone, a preview, "
        "nothing is recorded.")
    result = compute(session.ledger, session.master, first, last,
                     out=press.beside(f"provvigioni-{first:%Y%m%d}-{last:%Y%m%d}"), lang=lang, settle=settle,
                     today=today_rome())
    _stop_on_errors(result.problems)
    folder = result.files[-1].parent if result.files else None
    press.say("\n".join([result.summary(lang), *([str(folder)] if folder else []),
                         *said.lines(result.problems, lang)]))


@button("Liquida sconti volume")
def settle_volume_discounts(press: Press) -> None:
    """Settle the volume discounts of the panel's period — a whole month, quarter or year, from
    *Dal* to *Al* —, dated today, with the statements in a folder `sconti-PERIOD` beside the
    book: `toolkit discounts settle`, from a button. Settled once: pressing again issues nothing."""
    from toolkit.basics.dates import today_rome
    from toolkit.core.volume_discounts import whole_period
    from toolkit.services.discounts import run

    first, last = _period(press)
    chosen = whole_period(first, last)
    if chosen is None:
        raise ProblemsFound([NOT_A_PERIOD(inputs.where(inputs.PERIOD_FROM), first=first, last=last)])
    session, lang = press.session, press.language
    today = today_rome()
    result = run(session.ledger, session.master, chosen, today, today, out=press.beside(f"sconti-{chosen.name}"),
                 lang=lang)
    _stop_on_errors(result.problems)
    press.say("\n".join([result.summary(lang), *said.lines(result.problems, lang, most=5)]))


NOT_A_PERIOD = define(
    "panel-not-a-discount-period", "error",
    it="Dal {first} al {last} non è un mese, un trimestre o un anno intero: gli sconti volume si liquidano per "
       "periodi interi, scrivi in «Dal» e «Al» il primo e l'ultimo giorno del periodo.",
    en="From {first} to {last} is not a whole month, quarter or year: volume discounts are settled for whole "
       "periods, write the period's first and last day in “Dal” and “Al”.")
