"""`toolkit print`: any order, DDT or invoice the ledger records, printed again as it was first
printed (by number, by date or by invoicing run; `--unprinted` for those never printed)."""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit.basics.vocab import Choice, Choices
from toolkit.basics.wording import count
from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, LedgerOption, VerboseOption, WaitOption
from toolkit.cli.session import codes, in_order, open_session, parse_day

PRINTED = Choices((Choice("orders", ("ordini", "ordine"), ("order",)), Choice("ddt", ("ddt",)),
                   Choice("invoices", ("fatture", "fattura"), ("invoice",))))
"""`KIND` as the desk says it (`ordini`, `fatture`: invoices and credit notes) or the code
`toolkit.services.printing.KINDS` takes; here, so that registering the verb loads no service."""


def register(app: typer.Typer) -> None:
    @app.command("print")
    @output.with_progress("Stampa documenti", "Printing documents")
    def print_cmd(
        kind: str = typer.Argument(..., help=f"{PRINTED.words()} (fatture e note di credito / invoices and credit "
                                   "notes)."),
        workbook: Path = typer.Argument(..., callback=output.workbook_after_kind,
                                       help="Cartella anagrafiche / master workbook."),
        numbers: str | None = typer.Option(None, "--numbers", help="Numeri dei documenti / document numbers: N1,N2."),
        date: str | None = typer.Option(None, "--date", help="Documenti di questa data / documents of this date."),
        to: str | None = typer.Option(None, "--to", help="Fino a questa data / up to this date."),
        run: str | None = typer.Option(None, "--run", help="Le fatture di un'emissione / a run's invoices."),
        unprinted: bool = typer.Option(False, "--unprinted", help="Solo quelli mai stampati / only those never "
                                       "printed."),
        out: Path = output.out_file(..., help="File .xlsx da scrivere / workbook to write."),
        pdf: bool = typer.Option(False, "--pdf", help="Anche in PDF (LibreOffice) / also as PDF (LibreOffice)."),
        json: bool = JsonOption,
        verbose: bool = VerboseOption, ledger: str | None = LedgerOption, wait: float = WaitOption, lang: str | None = LangOption,
    ) -> None:
        """Ristampa documenti dal registro. Print documents again from the ledger.

        Exit 0 when printed, 2 when a number is not in the ledger or may be two documents (7/2026: FT and NC) or a
        file cannot be read or written, 1 for a record of services rendered named as a DDT.
        """
        from toolkit.basics.files import check_output
        from toolkit.services.printing import Selection, print_documents

        kind = output.chosen(PRINTED, kind, "KIND")
        chosen = [bool(numbers), bool(date), bool(run)]
        if sum(chosen) > 1 or (not any(chosen) and not unprinted):
            raise typer.BadParameter("--numbers | --date | --run: scegline uno / choose one", param_hint="--numbers")
        if to and not date:
            raise typer.BadParameter("--to vuole --date / --to needs --date", param_hint="--to")
        session = open_session(workbook, ledger, lang, wait, reprint=True)
        first = parse_day(date) if date else None
        last = parse_day(to, "--to") if to else first
        if first and last:
            in_order(first, last, "--date")
        check_output(out, kind=kind, inputs=(workbook,))
        selection = Selection(tuple(sorted(codes(numbers) or ())), first, last, run, unprinted)
        result = print_documents(session.master, session.ledger, kind, selection, out, output.lang(), pdf=pdf,
                                 progress=output.advance, set_aside=session.set_aside, lang_asked=lang is not None)
        problems = [*session.warnings, *result.problems]
        if json:
            output.reply({"printed": list(result.numbers), "workbook": result.written,
                          "pdf": result.pdfs[0] if result.pdfs else None, "pdfs": list(result.pdfs)},
                         problems)
        else:
            output.print_problems(problems)
            for path in (result.written, *result.pdfs):
                if path is not None:
                    typer.echo(str(path))
            if result.written is not None:
                printed = len(result.numbers)
                typer.echo(f"{'Stampato' if printed == 1 else 'Stampati'} {count(printed, 'documento', 'documenti')}."
                           if output.lang() == "it" else f"Printed {count(printed, 'document', 'documents')}.")
        output.exit_for(problems)
