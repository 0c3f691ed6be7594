"""`toolkit report`: sales, shipments, invoices, sales by customer and product, and the aging
of open receivables, grouped and compared, as a workbook with charts (and a PDF)."""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, LedgerOption, VerboseOption, WaitOption
from toolkit.cli.session import customer_codes, in_order, item_codes, open_session, parse_day
from toolkit.core.reports import COMPARISONS, GROUPINGS, KINDS


def register(app: typer.Typer) -> None:
    @app.command("report")
    @output.with_progress("Report", "Report")
    def report_cmd(
        kind: str = typer.Argument(..., help=f"{KINDS.words()}."),
        workbook: Path = typer.Argument(..., callback=output.workbook_after_kind,
                                       help="Cartella anagrafiche / master workbook."),
        date_from: str | None = typer.Option(None, "--from", help="Primo giorno (scadenziario: non serve, conta "
                                             "tutto ciò che è aperto al --to) / first day (aging: not needed, it "
                                             "counts all open on --to)."),
        date_to: str = typer.Option(..., "--to", help="Ultimo giorno (aging: la data dei crediti aperti) / last day "
                                    "(aging: the day receivables are open on)."),
        by: str | None = typer.Option(None, "--by", help=f"Raggruppa per / group by: {GROUPINGS.words()} (es. "
                                      "cliente,articolo)."),
        compare: str | None = typer.Option(None, "--compare", help=f"Confronta con / compare with: "
                                           f"{COMPARISONS.words()}."),
        customer: str | None = typer.Option(None, "--customer", help="Solo questi clienti / only these customers: "
                                            "C1,C2."),
        item: str | None = typer.Option(None, "--item", help="Solo questi articoli / only these items: A1,A2."),
        out: Path = output.out_file(..., help="File .xlsx da scrivere / workbook to write."),
        pdf: bool = typer.Option(False, "--pdf", help="Anche in PDF (LibreOffice) / also as PDF (LibreOffice)."),
        json: bool = JsonOption, verbose: bool = VerboseOption, ledger: str | None = LedgerOption,
        wait: float = WaitOption, lang: str | None = LangOption,
    ) -> None:
        """Report con grafici: vendite, spedizioni, fatture, clienti e articoli, scadenziario.
        Report with charts: sales, shipments, invoices, customers and products, aging."""
        from toolkit.basics.files import check_output, refuse_other_pdf
        from toolkit.core.reports import BUCKETS, Kind, Request, groupings
        from toolkit.services.reports import euro, report
        from toolkit.services.session import customers_on_record

        chosen = output.chosen(KINDS, kind, "KIND")
        against = output.chosen(COMPARISONS, compare, "--compare") if compare else None
        dimensions = output.chosen_list(groupings(chosen), by, "--by")
        typed = parse_day(date_from, "--from") if date_from is not None else None
        end = parse_day(date_to, "--to")
        if chosen is Kind.AGING:
            start = end
        elif typed is None:
            raise typer.BadParameter("manca il primo giorno del periodo: scrivi --from AAAA-MM-GG / the period's "
                                     "first day is missing: write --from YYYY-MM-DD", param_hint="--from")
        else:
            start = typed
            in_order(start, end)
        if chosen is Kind.AGING and item:
            raise typer.BadParameter(
                "lo scadenziario somma quanto resta aperto di fatture e note intere, non di articoli: togli --item "
                "(con --customer sceglie i clienti) / the aging report sums what is open of whole invoices and notes, "
                "not of items: drop --item (--customer picks customers)", param_hint="--item")
        session = open_session(workbook, ledger, lang, wait)
        check_output(out, kind="report", inputs=(workbook,))
        if pdf:
            refuse_other_pdf(out.with_suffix(".pdf"))
        customers = customer_codes(session.master, customer, on_record=lambda: customers_on_record(session.ledger))
        items = item_codes(session.master, item)
        request = Request(chosen, start, end, dimensions, against, frozenset(customers) if customers else None,
                          frozenset(items) if items else None)
        made = report(session.master, session.ledger, request, out, lang=output.lang(), pdf=pdf)
        problems = session.warnings + made.problems
        if json:
            buckets = ({b: euro(int(made.table[b].sum())) for b in BUCKETS}
                       if made.request.kind is Kind.AGING else {})
            output.reply({
                "kind": chosen.value, "from": typed, "to": end, "by": list(made.by),
                "compare_from": made.compared[0] if made.compared else None,
                "compare_to": made.compared[1] if made.compared else None,
                "total": euro(made.total), "compare_total": euro(made.compare_total), "buckets": buckets,
                "groups": len(made.table), "workbook": made.file, "pdf": made.pdf}, problems)
        else:
            output.print_problems(problems)
            from decimal import Decimal

            from toolkit.basics import wording

            lang = output.lang()
            it = lang == "it"

            def money(cents: int) -> str:
                return wording.euro(Decimal(cents).scaleb(-2), lang)

            typer.echo(f"{'Totale' if it else 'Total'}: {money(made.total)}"
                       + (f"  ({'confronto' if it else 'comparison'}: {money(made.compare_total)})"
                          if made.compare_total is not None else ""))
            for path in (made.file, made.pdf):
                if path is not None:
                    typer.echo(str(path))
        output.exit_for(problems)
