"""Shipping verbs: `ship` (DDTs), `distribution` (distribution and complete lists), `production`.

`ship --quantities FILE` takes a CSV or workbook with one row per order line to ship in part:
order number, item code (or line number), quantity — the columns found by their headings in
Italian or English, so a sheet exported from the order panel works as it is.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from toolkit.basics.wording import count
from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, LedgerOption, VerboseOption, WaitOption
from toolkit.cli.session import codes, in_order, one_code, open_session, parse_day, with_check
from toolkit.model.records import Carrier

if TYPE_CHECKING:
    import datetime

    from toolkit.services.shipping import Shipped

WorkbookArg = typer.Argument(..., help="Cartella anagrafiche / master workbook.")
DateOption = typer.Option(..., "--date", help="Data / date (2026-04-09 or 09/04/2026).")


def _it() -> bool:
    return output.lang() == "it"


def register(app: typer.Typer) -> None:
    @app.command("ship")
    @output.with_progress("Emissione DDT", "Issuing DDTs")
    def ship_cmd(
        workbook: Path = WorkbookArg,
        date: str = DateOption,
        orders: str | None = typer.Option(None, "--orders", help="Numeri d'ordine / order numbers: N1,N2."),
        all_open: bool = typer.Option(False, "--all", help="Tutti gli ordini aperti fino alla data / every open "
                                      "order up to the date."),
        quantities: Path | None = typer.Option(None, "--quantities", help="CSV o .xlsx con ordine, articolo (o riga), "
                                               "quantità: spedizioni parziali / partial shipments."),
        carrier: str | None = typer.Option(None, "--carrier", help="Codice vettore scelto a mano / carrier code."),
        force: bool = typer.Option(False, "--force", help="Spedisci anche oltre il fido (annotato nel registro) / "
                                   "ship past the credit limit (logged)."),
        future: bool = typer.Option(False, "--future", help="Accetta una data successiva a oggi / accept a date "
                                    "after today."),
        out: Path | None = output.out_file(None, help="Scrivi i DDT in questo .xlsx / write the DDTs here."),
        accounting_date: str | None = typer.Option(
            None, "--accounting-date", help="Data contabile dei DDT (predefinita: la data del DDT) / the DDTs' "
            "accounting date (default: the DDT date)."),
        invoice: bool = typer.Option(False, "--invoice", help="Fattura subito i DDT emessi, con la loro data "
                                     "(pagamento alla consegna) / invoice the DDTs issued at once, with their date "
                                     "(payment on delivery)."),
        replan: bool = typer.Option(False, "--replan", help="Con --all, ripianifica anche gli ordini trattenuti nei "
                                    "giorni precedenti / with --all, plan again the orders held on earlier days."),
        json: bool = JsonOption,
        verbose: bool = VerboseOption, ledger: str | None = LedgerOption, wait: float = WaitOption,
        lang: str | None = LangOption,
    ) -> None:
        """Emette i DDT degli ordini scelti. Issue the delivery notes (DDT) of the chosen orders.

        Exit 0 when done (warnings such as held orders allowed), 1 when the input has errors
        (nothing is shipped; a date after today is one, unless --future) or, with --invoice, a
        return whose goods were credited already was left out of the invoices (the rest shipped
        and invoiced, its DDT waiting), 2 when a file cannot be read.
        """
        from toolkit.services.printing import never_printed
        from toolkit.services.shipping import ship

        if orders and all_open:
            raise typer.BadParameter("--orders / --all: scegline uno / choose one", param_hint="--orders")
        if replan and not all_open:
            raise typer.BadParameter("--replan va con --all / goes with --all", param_hint="--replan")
        session = open_session(workbook, ledger, lang, wait)
        carrier = one_code(session.master, carrier, "--carrier", Carrier)
        day = parse_day(date)
        accounting_day = parse_day(accounting_date, "--accounting-date") if accounting_date else None
        if out is not None:
            from toolkit.basics.files import check_output

            check_output(out, kind="ddt", inputs=(workbook, quantities))
            if invoice:
                from toolkit.services.shipping import invoices_beside

                check_output(invoices_beside(out), kind="invoices", inputs=(workbook, quantities))
        warned = never_printed(session.ledger, ["ddt", *(["at-once"] if invoice else [])], workbook, out) if out else []
        result = ship(session.master, session.ledger, day, numbers=sorted(codes(orders) or ()), all_open=all_open,
                      quantities=quantities, carrier=carrier, force=force, future=future, out=out,
                      lang=output.lang(), accounting_date=accounting_day, invoice=invoice, replan=replan,
                      list_kept=json)
        result = replace(result, problems=tuple(with_check(session, [*warned, *result.problems])))
        _report(json, result)
        if out is None and not json:
            for line in _to_print(result, workbook):
                typer.echo(line)
        output.exit_for(result.problems)

    @app.command("distribution")
    @output.with_progress("Lista di distribuzione", "Distribution list")
    def distribution_cmd(
        workbook: Path = WorkbookArg,
        date: str = DateOption,
        to: str | None = typer.Option(None, "--to", help="Fino a questa data / up to this date."),
        complete: bool = typer.Option(False, "--complete", help="Lista completa: tutti gli ordini del periodo con il loro "
                                      "stato, e quelli dei giorni precedenti ancora da spedire / complete list: every "
                                      "order of the period with its state, and the earlier days' orders still to ship."),
        out: Path = output.out_file(..., help="File .xlsx da scrivere / workbook to write."),
        pdf: bool = typer.Option(False, "--pdf", help="Anche in PDF (LibreOffice) / also as PDF (LibreOffice)."),
        ledger: str | None = LedgerOption, lang: str | None = LangOption,
    ) -> None:
        """Lista di distribuzione (da spedire) o completa. Distribution list (still to ship) or complete list."""
        from toolkit.basics.files import check_output
        from toolkit.services import lists

        check_output(out, kind="distribution", inputs=(workbook,))
        session = open_session(workbook, ledger, lang)
        start, end = _period(date, to)
        path = lists.distribution(session.master, session.ledger, start, end, out, output.lang(), complete=complete)
        output.print_problems(with_check(session, []))
        typer.echo(str(path))
        if pdf:
            typer.echo(str(lists.pdf(path)))

    @app.command("production")
    @output.with_progress("Lista di produzione", "Production list")
    def production_cmd(
        workbook: Path = WorkbookArg,
        date: str = DateOption,
        to: str | None = typer.Option(None, "--to", help="Fino a questa data / up to this date."),
        earlier_orders: bool = typer.Option(
            False, "--earlier-orders", help="Elenca uno per uno anche gli ordini dei giorni precedenti ancora da "
            "spedire (senza: sommati per articolo) / list the earlier days' open orders one by one too (without: "
            "summed per item)."),
        out: Path = output.out_file(..., help="File .xlsx da scrivere / workbook to write."),
        pdf: bool = typer.Option(False, "--pdf", help="Anche in PDF (LibreOffice) / also as PDF (LibreOffice)."),
        ledger: str | None = LedgerOption, lang: str | None = LangOption,
    ) -> None:
        """Lista di produzione: quantità per articolo, con gli ordini del periodo e quanto chiedono
        quelli dei giorni precedenti ancora da spedire.
        Production list: quantity per item, with the period's orders and what the earlier days'
        open orders need."""
        from toolkit.basics.files import check_output
        from toolkit.services import lists

        check_output(out, kind="production", inputs=(workbook,))
        session = open_session(workbook, ledger, lang)
        start, end = _period(date, to)
        told: list = []
        path = lists.production(session.master, session.ledger, start, end, out, output.lang(), told,
                                earlier_orders=earlier_orders)
        output.print_problems(with_check(session, told))
        typer.echo(str(path))
        if pdf:
            typer.echo(str(lists.pdf(path)))


def _period(date: str, to: str | None) -> tuple[datetime.date, datetime.date]:
    start = parse_day(date)
    end = parse_day(to, "--to") if to else start
    in_order(start, end, "--date")
    return start, end


def _to_print(result: Shipped, workbook: Path) -> list[str]:
    """What `ship` without `--out` issued and did not print, in a line: its DDTs and the invoices
    of `--invoice`, named each by its kind, with the `toolkit print` commands (`printing.TO_PRINT`)."""
    from toolkit.services.printing import issued_documents, print_commands, to_print

    ddts = [(n.number, n.day) for n in result.ddts if n.number]
    commands = print_commands(ddts, [(x.number, x.invoice_date) for x in result.invoices if x.number], workbook)
    line = to_print(issued_documents([n for n, _ in ddts], result.invoices), commands, output.lang())
    return [line] if line else []


def _report(json: bool, result: Shipped) -> None:
    from toolkit.cli.invoicing import invoice_json

    if json:
        output.reply({
            "shipped": [{"ddt": n.number, "date": n.day, "accounting_date": n.accounting_day,
                         "customer": n.customer, "ship_to": n.ship_to,
                         "carrier": n.carrier, "reason": n.reason.value, "forced": n.forced,
                         "orders": list(n.orders), "lines": len(n.lines), "services": not n.is_ddt}
                        for n in result.notes],
            "held": [{"order": h.order, "customer": h.customer, "reason": h.reason, "items": list(h.items),
                      "since": h.since} for h in result.held],
            "completed": list(result.completed),
            "workbook": result.written,
            "invoices": [invoice_json(x) for x in result.invoices],
            "invoices_workbook": result.invoices_written,
            "documents_due": list(result.documents_due),
        }, result.problems)
        return
    for n in result.notes:
        typer.echo(f"{n.number}  {n.day:%d/%m/%Y}  {n.customer:<8} {', '.join(n.orders)}  "
                   + (count(len(n.lines), "riga", "righe") if _it() else count(len(n.lines), "line", "lines")))
    if result.invoices:
        from toolkit.cli.tables import print_invoices

        print_invoices(list(result.invoices), output.lang())
    output.print_problems(result.problems)
    for path in (result.written, result.invoices_written):
        if path is not None:
            typer.echo(str(path))
    typer.echo(result.summary(output.lang()))
