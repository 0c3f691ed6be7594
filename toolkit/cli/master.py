"""Master data verbs: `sample`, `check`, and the end-to-end `demo`."""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption
from toolkit.intake.validation import Checked, check_file


def load_checked(workbook: Path, lang: str | None) -> Checked:
    """Check the workbook and settle the language (the option, else the workbook's, else it)."""
    result = check_file(workbook)
    workbook_lang = result.master.settings.language if result.master else None
    output.set_lang(lang, workbook_lang)
    return result


def register(app: typer.Typer) -> None:
    @app.command("sample")
    def sample(
        folder: Path = typer.Argument(Path("."), help="Cartella dove scrivere l'esempio / folder for the sample."),
        lang: str = typer.Option("it", "--lang", help="Lingua di fogli e colonne / sheet language: it, en."),
    ) -> None:
        """Scrive una cartella anagrafiche d'esempio realistica. Write a realistic sample master workbook."""
        from toolkit.services.sample import write_sample

        typer.echo(str(write_sample(folder, lang=lang)))

    @app.command("check")
    def check(
        workbook: Path = typer.Argument(..., help="Cartella anagrafiche / master workbook (.xlsx, .xlsm, .ods, .xls)."),
        json: bool = JsonOption,
        report: Path | None = typer.Option(None, "--report", help="Scrivi il «Controllo dati» in questo .xlsx / "
                                           "write the data-check workbook here."),
        lang: str | None = LangOption,
    ) -> None:
        """Controllo dati: ogni problema con foglio e cella. Data check: every problem with its sheet and cell.

        Exit 0 with no errors (warnings allowed), 1 with errors, 2 when the file cannot be read.
        """
        result = load_checked(workbook, lang)
        if report is not None:
            from toolkit.writers.problems_report import write_problems_report

            write_problems_report(report, result.problems, workbook, output.lang())
        if json:
            output.print_json({"problems": result.problems})
        else:
            output.print_problems(result.problems)
            if not result.problems:
                typer.echo("Nessun problema. / No problems." if output.lang() == "it" else "No problems.")
        output.exit_for(result.problems)

    @app.command("demo")
    def demo(
        out: Path = typer.Option(Path("toolkit-demo"), "--out", help="Cartella dei risultati / output folder."),
        lang: str | None = LangOption,
    ) -> None:
        """Esegue il flusso completo sull'esempio. Run the whole flow on the bundled sample."""
        from toolkit.services.demo import run_demo

        run_demo(out, lang)
