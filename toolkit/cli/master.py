"""Master data verbs: `sample`, `check`, and the end-to-end `demo`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, LedgerOption, VerboseOption

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


def register(app: typer.Typer) -> None:
    @app.command("sample")
    def sample(
        folder: Path = typer.Argument(Path("."), callback=output.folder_named, metavar="DIR",
                                     help="Cartella dove scrivere l'esempio / folder for the sample."),
        lang: str = typer.Option("it", "--lang", callback=output.choose_language,
                                 help=f"Lingua di fogli e colonne / sheet language: {output.LANGUAGE_WORDS.words()}."),
    ) -> None:
        """Scrive una cartella anagrafiche d'esempio realistica. Write a realistic sample master workbook."""
        from toolkit.basics.files import ask_as
        from toolkit.services.sample import SAMPLE_ASKED, write_sample

        ask_as(SAMPLE_ASKED)
        typer.echo(str(write_sample(folder, lang=lang)))

    @app.command("check")
    @output.with_progress("Controllo dati", "Data check")
    def check(
        workbook: Path = typer.Argument(..., help="Cartella anagrafiche / master workbook (.xlsx, .xlsm, .ods, .xls)."),
        json: bool = JsonOption, verbose: bool = VerboseOption,
        report: Path | None = output.out_file(None, name="--report", help="Scrivi il «Controllo dati» in questo .xlsx / "
                                           "write the data-check workbook here."),
        lang: str | None = LangOption,
    ) -> None:
        """Controllo dati: ogni problema con foglio e cella. Data check: every problem with its sheet and cell.

        Exit 0 with no errors (warnings allowed), 1 with errors, 2 when the file cannot be read.
        """
        from toolkit.basics.files import asked_for, check_output
        from toolkit.services import check as data_check

        if report is not None:
            check_output(report, kind="data-check", inputs=(workbook,), asked=asked_for("--report"))
        result = data_check.check_file(workbook)
        output.set_lang(lang, data_check.workbook_language(result))
        if report is not None:
            data_check.write_report(report, result.problems, workbook, output.lang())
        if json:
            output.reply({}, result.problems)
        else:
            output.print_problems(result.problems)
            if not result.problems:
                typer.echo("Nessun problema. / No problems." if output.lang() == "it" else "No problems.")
        output.exit_for(result.problems)

    @app.command("demo")
    def demo(
        out: Path = output.out_folder(Path("toolkit-demo"), help="Cartella dei risultati / output folder."),
        lang: str | None = LangOption,
        ledger: str | None = LedgerOption,
    ) -> None:
        """Esegue il flusso completo sull'esempio. Run the whole flow on the bundled sample.

        Il registro è il file SQLite accanto all'esempio, o --ledger (vuoto, o di una demo
        precedente). The ledger is the SQLite file beside the sample, or --ledger (empty, or a
        previous demo's)."""
        from toolkit.services.demo import run_demo, sample_line

        lang = output.set_lang(lang)
        bar = _ProgressBar()
        try:
            tally = run_demo(out, lang, ledger_url=ledger, sample_written=lambda path: typer.echo(sample_line(path, lang)),
                             progress=bar)
        finally:
            bar.stop()
        for line in tally.summary(lang):
            typer.echo(line)
        output.print_problems(tally.errors)
        output.exit_for(tally.errors)


class _ProgressBar:
    """The demo's month as a progress bar on stderr, gone when the month is done."""

    def __init__(self) -> None:
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, what: str, done: int, total: int) -> None:
        from rich.console import Console
        from rich.progress import Progress

        if self._progress is None or self._task is None:
            self._progress = Progress(console=Console(stderr=True), transient=True)
            self._progress.start()
            self._task = self._progress.add_task(what, total=total)
        self._progress.update(self._task, completed=done)
        if done >= total:
            self.stop()

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
        self._progress = None
