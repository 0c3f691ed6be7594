"""`toolkit einvoice`: the FatturaPA files of a run's or a month's final invoices and credit notes.

Exit 0 when every file was written, 1 when some invoice was refused (its problems name it and
the field; every other file is written) or the run is a draft, 2 when the input cannot be used
or the disk filled up (then no file of the run is in the folder).
"""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, LedgerOption, VerboseOption, WaitOption
from toolkit.cli.session import codes, open_session, parse_month_option


def register(app: typer.Typer) -> None:
    @app.command("einvoice")
    @output.with_progress("Fatture elettroniche", "Writing e-invoices")
    def einvoice(
        workbook: Path = typer.Argument(..., help="Cartella anagrafiche / master workbook."),
        run_id: str | None = typer.Option(None, "--run", help="Le fatture di questa emissione / this run's invoices "
                                          "(toolkit invoice list)."),
        month: str | None = typer.Option(None, "--month", help="Le fatture datate in questo mese / the invoices dated "
                                         "in this month: 2026-04."),
        out: Path = output.out_folder(..., help="Cartella dei file XML / folder for the XML files."),
        zip: bool = typer.Option(False, "--zip", help="Anche lo zip per lo SDI (più zip oltre i 5 MB) / also the zip "
                                 "for SDI (several past 5 MB)."),
        resend: bool = typer.Option(False, "--resend", help="Rimetti nello zip anche le fatture già inviate in uno zip "
                                    "precedente, per reinviarle di proposito / zip again the invoices an earlier zip "
                                    "held, to send them again on purpose."),
        rejected: str | None = typer.Option(
            None, "--rejected", help="Fatture scartate dallo SDI da reinviare corrette, N1,N2: riscritte con i dati "
            "di oggi di Clienti e Impostazioni e con un nuovo nome di file / invoices SDI rejected, to send again "
            "corrected: written with today's Clienti and Impostazioni data under a new file name."),
        transmitter: str | None = typer.Option(
            None, "--transmitter", help="Codice fiscale dell'intermediario che trasmette, col paese (IdTrasmittente): "
            "IT01234560157 / the transmitting intermediary's tax id, with its country."),
        json: bool = JsonOption,
        verbose: bool = VerboseOption, ledger: str | None = LedgerOption, wait: float = WaitOption,
        lang: str | None = LangOption,
    ) -> None:
        """Fatture elettroniche FatturaPA delle fatture definitive, controllate come fa lo SDI. FatturaPA e-invoices
        of the final invoices, checked as SDI does."""
        from toolkit.basics.files import check_output
        from toolkit.core.einvoice import Options
        from toolkit.core.einvoice.names import parse_transmitter
        from toolkit.services.einvoice import export

        if (run_id is None) == (month is None):
            raise typer.BadParameter("indica --run oppure --month / give --run or --month", param_hint="--run")
        period = parse_month_option(month) if month is not None else None
        options = Options()
        if transmitter is not None:
            found = parse_transmitter(transmitter)
            if found is None:
                raise typer.BadParameter(
                    f"«{transmitter}»: scrivi il paese e il codice fiscale, es. IT01234560157; un codice fiscale "
                    "italiano ha 11 cifre o 16 caratteri e l'ultimo è di controllo: controlla di averlo copiato bene, "
                    "lo SDI scarterebbe ogni file (00300) / write the country and the tax id, e.g. IT01234560157; an "
                    "Italian one has 11 digits or 16 characters, the last a check character: check it was copied "
                    "correctly, SDI would reject every file (00300)", param_hint="--transmitter")
            options = Options(transmitter=found)
        check_output(out, kind=None, inputs=(workbook,), folder=True)
        session = open_session(workbook, ledger, lang, wait, reprint=True)
        result = export(session.master, session.ledger, out=out, run_id=run_id, month=period, zip=zip,
                        resend=resend, options=options, rejected=sorted(codes(rejected) or ()),
                        set_aside=session.set_aside)
        problems = session.warnings + result.problems
        if json:
            output.reply({
                "run_id": run_id, "month": month, "folder": result.folder,
                "files": [{"invoice": number, "file": path} for number, path in result.files.items()],
                "refused": [{"invoice": number, "problems": found} for number, found in result.refused.items()],
                "archives": result.archives,
                "left_out": [{"invoice": number, "zip": name} for number, name in result.left_out.items()]}, problems)
            output.exit_for(problems)
            return
        output.print_problems(problems)
        typer.echo(result.summary(output.lang()))
        for path in result.archives:
            typer.echo(str(path))
        output.exit_for(problems)
