"""Order verbs: `orders preview`, `orders create`, `orders list`, `orders status`, `orders confirm`, and `panel`."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, LedgerOption, VerboseOption, WaitOption
from toolkit.cli.session import customer_code, master_codes, open_session, parse_day, parse_period, with_check
from toolkit.core.orders import STATUSES, status_words
from toolkit.model.records import Template

if TYPE_CHECKING:
    from toolkit.services.orders import PreviewRow

orders_app = typer.Typer(help="Ordini: anteprima, creazione, elenco. Orders: preview, create, list.",
                         no_args_is_help=True)

WorkbookArg = typer.Argument(..., help="Cartella anagrafiche / master workbook.")
DateOption = typer.Option(..., "--date", help="Data degli ordini / order date (2026-04-09 or 09/04/2026).")
DueFromOption = typer.Option(None, "--from", help="Ordini in consegna da / orders due from.")
DueToOption = typer.Option(None, "--to", help="Fino a / up to.")


def _it() -> bool:
    return output.lang() == "it"


@orders_app.command("preview")
@output.with_progress("Anteprima ordini", "Previewing orders")
def preview_cmd(workbook: Path = WorkbookArg, date: str = DateOption,
                catch_up: bool = typer.Option(True, "--catch-up/--no-catch-up",
                                              help="Includi i giorni saltati / include missed days."),
                json: bool = JsonOption,
                verbose: bool = VerboseOption, ledger: str | None = LedgerOption, lang: str | None = LangOption) -> None:
    """Ordini in scadenza per la data, con la situazione del cliente. Orders due on the date, with each customer's position."""
    from toolkit.services.orders import preview

    session = open_session(workbook, ledger, lang)
    result = preview(session.master, session.ledger, parse_day(date), with_catch_up=catch_up)
    problems = session.warnings + result.problems
    if json:
        output.reply({"date": result.day, "missed_days": result.missed_days, "orders": [_preview_row(r) for r in result.rows],
                      "customers": {c: {**asdict(e), "credit_limit": limit, "headroom": e.headroom(limit),
                                        "open_requests": result.open_requests(c).count,
                                        "latest_request": result.open_requests(c).latest}
                                    for c, (e, limit) in result.customers.items()}}, problems)
    else:
        from toolkit.cli.tables import print_preview

        print_preview(result, output.lang())
        output.print_problems(problems)
    output.exit_for(problems)


def _preview_row(row: PreviewRow) -> dict[str, Any]:
    fields = asdict(row)
    return {"date": fields.pop("day"), **fields}


@orders_app.command("create")
@output.with_progress("Creazione ordini", "Creating orders")
def create_cmd(workbook: Path = WorkbookArg, date: str = DateOption,
               only: str | None = typer.Option(None, "--only", help="Solo questi modelli / only these templates: T1,T2."),
               exclude: str | None = typer.Option(None, "--exclude", help="Escludi questi modelli / leave these out: T1,T2."),
               catch_up: bool = typer.Option(True, "--catch-up/--no-catch-up",
                                             help="Includi i giorni saltati / include missed days."),
               out: Path | None = output.out_file(None, help="Scrivi gli ordini stampabili in questo .xlsx / "
                                               "write the printable orders here (one sheet per order)."),
               future: bool = typer.Option(False, "--future", help="Accetta una data oltre 31 giorni da oggi ed "
                                           "emetti subito fatture e DDT immediati datati dopo oggi / accept a date more "
                                           "than 31 days ahead, and issue now immediate invoices and DDTs dated after "
                                           "today."),
               json: bool = JsonOption, verbose: bool = VerboseOption, ledger: str | None = LedgerOption,
               wait: float = WaitOption, lang: str | None = LangOption) -> None:
    """Crea gli ordini in scadenza (tutti o quelli scelti), mai due volte. Create the due orders, never twice."""
    from toolkit.services.orders import create, created_documents, issued_unprinted
    from toolkit.services.printing import never_printed

    session = open_session(workbook, ledger, lang, wait)
    only_codes = master_codes(session.master, only, "--only", Template)
    exclude_codes = master_codes(session.master, exclude, "--exclude", Template)
    day = parse_day(date)
    outputs: tuple[Path, Path, Path] | None = None
    if out is not None:
        from toolkit.basics.files import check_output, refuse_input
        from toolkit.services.orders import created_outputs

        refuse_input(out, (workbook,))
        outputs = created_outputs(out)
        for target, kind in zip(outputs, ("orders", "ddt", "invoices")):
            check_output(target, kind=kind, inputs=(workbook,))
    warned = never_printed(session.ledger, ["ddt", "at-once"], workbook, out) if out is not None else []
    result = create(session.master, session.ledger, day, only=only_codes, exclude=exclude_codes,
                    with_catch_up=catch_up, future=future, lang=output.lang())
    problems = session.warnings + warned + result.problems
    written = []
    if outputs is not None and (result.stored or not output.has_errors(problems)):
        written = created_documents(session.master, session.ledger, result, outputs, output.lang())
        if not written:
            from toolkit.services.orders import NOTHING_NEW_PRINTED
            from toolkit.services.printing import quoted

            problems = [*problems, NOTHING_NEW_PRINTED(None, path=out, workbook=quoted(str(workbook)),
                                                         day=f"{day:%Y-%m-%d}")]
    if json:
        output.reply({"created": result.created, "already_existing": result.already_existing,
                      "ddts": [n.number for n in result.notes if n.is_ddt],
                      "services": [n.number for n in result.notes if not n.is_ddt],
                      "invoices": [x.number for x in result.invoices],
                      "documents_due": result.documents_due, "files": written}, problems)
    else:
        for row in result.created:
            typer.echo(f"{row['number']}  {row['template']}  {row['date']:%d/%m/%Y}  {row['customer']}")
        output.print_problems(problems)
        for path in written:
            if path != out:
                typer.echo(str(path))
        typer.echo(result.summary(output.lang()))
        if out is None and (unprinted := issued_unprinted(result, workbook, output.lang())):
            typer.echo(unprinted)
    output.exit_for(problems)


@orders_app.command("list")
def list_cmd(workbook: Path = WorkbookArg,
             status: str | None = typer.Option(None, "--status", help=f"Filtra per stato / filter by status: "
                                               f"{status_words()}."),
             date_from: str | None = DueFromOption,
             date_to: str | None = DueToOption,
             customer: str | None = typer.Option(None, "--customer", help="Di un cliente / of one customer."),
             json: bool = JsonOption,
             verbose: bool = VerboseOption, ledger: str | None = LedgerOption, lang: str | None = LangOption) -> None:
    """Elenco degli ordini nel registro. The orders in the ledger."""
    from toolkit.services.orders import list_orders
    from toolkit.services.returns import no_credit_given
    from toolkit.services.session import customers_on_record

    statuses = [output.chosen(STATUSES, status, "--status")] if status else None
    first, last = parse_period(date_from, date_to)
    session = open_session(workbook, ledger, lang)
    customer = customer_code(session.master, customer, on_record=lambda: customers_on_record(session.ledger))
    found = list_orders(session.ledger, statuses, first=first, last=last, customer=customer)
    waived = no_credit_given(session.ledger, found)
    if json:
        from toolkit.cli.requests import _utc

        output.reply({"orders": [
            {"number": o.number, "date": o.order_date, "template": o.template, "origin": str(o.origin),
             "customer": o.customer,
             "ship_to": o.ship_to, "document_type": o.document_type.value, "status": o.status.value,
             "lines": len(o.lines), "quantity": o.quantity, "to_ship": o.still_to_ship, "invoiced": o.invoiced,
             "credited": o.credited, "amount": o.amount,
             "documents_on": o.documents_on,
             "no_credit": {"reason": w.reason, "at": _utc(w.at), "by": w.by} if (w := waived.get(o.number)) else None}
            for o in found]}, session.warnings)
        return
    from toolkit.cli.tables import print_orders

    if not found:
        typer.echo(none_listed(output.lang(), filtered=bool(statuses or first or last or customer)))
        return
    print_orders(found, output.lang())
    for number, waiver in waived.items():
        typer.echo(f"{number}: {waiver.shown(output.lang())}")


def none_listed(lang: str, *, filtered: bool) -> str:
    """What `orders list` says when it has no order to show, as `requests list` does, rather
    than table headings over nothing: whether the ledger has none or the options left none."""
    if lang == "it":
        return "Nessun ordine con le opzioni indicate." if filtered else "Nessun ordine nel registro."
    return "No orders match the options given." if filtered else "No orders in the ledger."


@orders_app.command("status")
def status_cmd(workbook: Path = WorkbookArg, number: str = typer.Argument(..., help="Numero ordine / order number."),
               to: str = typer.Option(..., "--to", help=f"Nuovo stato / new status: {status_words()}."),
               json: bool = JsonOption, ledger: str | None = LedgerOption, wait: float = WaitOption,
               lang: str | None = LangOption) -> None:
    """Cambia lo stato di un ordine (solo i passaggi ammessi). Change an order's status (allowed steps only)."""
    from toolkit.services.order_status import change_status, changed

    wanted = output.chosen(STATUSES, to, "--to")
    session = open_session(workbook, ledger, lang, wait)
    result = change_status(session.ledger, number, wanted)
    problems = with_check(session, result.problems)
    done = not output.has_errors(problems)
    if json:
        output.reply({"order": result.order, "status": wanted.value if done else None}, problems)
    else:
        output.print_problems(problems)
        if done:
            typer.echo(changed(result.order, wanted, output.lang()))
    output.exit_for(problems)


@orders_app.command("confirm")
def confirm_cmd(workbook: Path = WorkbookArg,
                quotation: str = typer.Argument(..., help="Numero del preventivo o previsionale / "
                                                "quotation or proposal number."),
                date: str | None = typer.Option(None, "--date", help="Data dell'ordine / order date "
                                                "(default: oggi / today)."),
                json: bool = JsonOption, verbose: bool = VerboseOption, ledger: str | None = LedgerOption,
                wait: float = WaitOption, lang: str | None = LangOption) -> None:
    """Conferma un preventivo o previsionale: diventa un ordine standard, una volta sola. Confirm a quotation or
    proposal: it becomes a standard order, once."""
    from toolkit.basics.dates import today_rome
    from toolkit.services.order_confirm import confirm

    session = open_session(workbook, ledger, lang, wait)
    day = parse_day(date) if date else today_rome()
    result = confirm(session.master, session.ledger, quotation, day, lang=output.lang())
    problems = session.warnings + result.problems
    if json:
        output.reply({"quotation": result.quotation, "order": result.order,
                      "invoices": [x.number for x in result.invoices]}, problems)
    else:
        if result.order is not None:
            typer.echo(f"{result.quotation} → {result.order}  {day:%d/%m/%Y}")
        for invoice in result.invoices:
            typer.echo(str(invoice.number))
        output.print_problems(problems)
        if said := result.summary(output.lang()):
            typer.echo(said)
    output.exit_for(problems)


def register(app: typer.Typer) -> None:
    app.add_typer(orders_app, name="orders")

    @app.command("panel")
    @output.with_progress("Pannello ordini", "Order panel")
    def panel_cmd(workbook: Path = WorkbookArg,
                  out: Path = output.out_file(..., help="File .xlsx del pannello / panel workbook to write."),
                  every: bool = typer.Option(False, "--all", help="Anche gli ordini completati, chiusi e annullati / "
                                                                  "completed, closed and voided orders too."),
                  date_from: str | None = DueFromOption,
                  date_to: str | None = DueToOption,
                  ledger: str | None = LedgerOption, lang: str | None = LangOption) -> None:
        """Pannello di controllo: una riga per ordine aperto, con il dettaglio. Control panel: one row per open order,
        with details."""
        from toolkit.basics.files import check_output
        from toolkit.services.orders import panel

        first, last = parse_period(date_from, date_to)
        check_output(out, kind="panel", inputs=(workbook,))
        session = open_session(workbook, ledger, lang)
        told: list = []
        written = panel(session.master, session.ledger, out, output.lang(), every=every, first=first, last=last,
                        told=told)
        output.print_problems(with_check(session, told))
        typer.echo(str(written))
