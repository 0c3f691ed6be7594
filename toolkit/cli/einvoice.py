"""`toolkit einvoice`: the FatturaPA files of a run's or a month's final invoices and credit notes.

Exit 0 when every file was written, 1 when some invoice was refused (its problems name it and
the field; every other file is written, each atomically) or the run is a draft, 2 when the
input cannot be used.
"""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, LedgerOption, VerboseOption, WaitOption
from toolkit.cli.session import open_session


def register(app: typer.Typer) -> None:
    @app.command("einvoice")
    @output.with_progress("Fatture elettroniche", "Writing e-invoices")
    def einvoice(
        workbook: Path = typer.Argument(..., help="Cartella anagrafiche / master workbook."),
        run_id: str | None = typer.Option(None, "--run", help="Le fatture di questa emissione / this run's invoices "
                                          "(toolkit invoice list)."),
        month: str | None = typer.Option(None, "--month", help="Le fatture datate in questo mese / the invoices dated "
                                         "in this month: 2026-04."),
        out: Path = typer.Option(..., "--out", help="Cartella dei file XML / folder for the XML files."),
        zip: bool = typer.Option(False, "--zip", help="Anche lo zip per lo SDI (più zip oltre i 5 MB) / also the zip "
                                 "for SDI (several past 5 MB)."),
        transmitter: str | None = typer.Option(
            None, "--transmitter", help="Codice fiscale dell'intermediario che trasmette, col paese (IdTrasmittente): "
            "IT01234567890 / the transmitting intermediary's tax id, with its country."),
        json: bool = JsonOption,
        verbose: bool = VerboseOption, ledger: str | None = LedgerOption, wait: float = WaitOption,
        lang: str | None = LangOption,
    ) -> None:
        """Fatture elettroniche FatturaPA delle fatture definitive, controllate come fa lo SDI. FatturaPA e-invoices
        of the final invoices, checked as SDI does."""
        from toolkit.basics.dates import NotADate, parse_month
        from toolkit.core.einvoice import Options
        from toolkit.core.einvoice.names import parse_transmitter
        from toolkit.core.invoicing import Period
        from toolkit.services.einvoice import export

        if (run_id is None) == (month is None):
            raise typer.BadParameter("indica --run oppure --month / give --run or --month", param_hint="--run")
        period = None
        if month is not None:
            try:
                period = Period(*parse_month(month))
            except NotADate:
                raise typer.BadParameter(f"«{month}»: scrivi il mese come 2026-04 / write the month as 2026-04",
                                         param_hint="--month") from None
        options = Options()
        if transmitter is not None:
            found = parse_transmitter(transmitter)
            if found is None:
                raise typer.BadParameter(
                    f"«{transmitter}»: scrivi il paese e il codice fiscale, es. IT01234567890 / write the country "
                    "and the tax id, e.g. IT01234567890", param_hint="--transmitter")
            options = Options(transmitter=found)
        session = open_session(workbook, ledger, lang, wait)
        result = export(session.master, session.ledger, out=out, run_id=run_id, month=period, zip=zip,
                        options=options)
        problems = session.warnings + result.problems
        if json:
            output.reply({
                "run_id": run_id, "month": month, "folder": result.folder,
                "files": [{"invoice": number, "file": path} for number, path in result.files.items()],
                "refused": [{"invoice": number, "problems": found} for number, found in result.refused.items()],
                "archives": result.archives}, problems)
            output.exit_for(problems)
            return
        output.print_problems(problems)
        typer.echo(result.summary(output.lang()))
        for path in result.archives:
            typer.echo(str(path))
        output.exit_for(problems)
