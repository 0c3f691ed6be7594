"""`toolkit convert`: batch conversion of workbooks (master data, order forms, CSV, PDF, xlsx)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import typer

from toolkit.basics.problems import Problem
from toolkit.basics.vocab import Choice, Choices
from toolkit.basics.wording import one_line
from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, LedgerOption, VerboseOption, WaitOption

TARGETS = Choices((Choice("master", ("anagrafiche",)), Choice("orders", ("ordini",)),
                   *(Choice(kind, (kind,)) for kind in ("csv", "pdf", "xlsx"))))
"""`--to` as the desk says it (`anagrafiche`, `ordini`) or the code `toolkit.services.convert.TARGETS`
takes; here, so that registering the verb loads no service."""


def register(app: typer.Typer) -> None:
    @app.command("convert")
    def convert_cmd(
        inputs: list[Path] = typer.Argument(..., help="File e cartelle (ricorsive) / files and folders (recursive)."),
        out: Path = output.out_folder(..., help="Cartella dei risultati / output folder."),
        to: str = typer.Option(..., "--to",
                               help=f"{TARGETS.words()} (anagrafiche: una cartella anagrafiche / one master "
                                    "workbook; ordini: moduli d'ordine nel registro / order forms into the ledger)."),
        mapping: Path | None = typer.Option(None, "--map", help="Corrispondenze (TOML) / mapping file (docs/convert.md)."),
        master: Path | None = typer.Option(None, "--master", help="Cartella anagrafiche per --to orders / master "
                                           "workbook the orders are priced with."),
        jobs: int | None = typer.Option(None, "--jobs", min=1, help="Processi in parallelo (predefinito: i core della "
                                        "macchina) / parallel processes (default: the machine's cores)."),
        italian: bool = typer.Option(True, "--decimal-comma/--decimal-point",
                                     help="CSV con la virgola decimale e date gg/mm/aaaa, come le apre Excel in "
                                     "italiano (predefinito); --decimal-point: punto decimale e date ISO aaaa-mm-gg "
                                     "per i programmi / CSV with decimal commas and day-first dates, as an Italian "
                                     "Excel opens them (default); --decimal-point: decimal point and ISO dates for "
                                     "programs."),
        future: bool = typer.Option(False, "--future", help="Per --to ordini: accetta moduli datati oltre 31 giorni da "
                                    "oggi / for --to orders: accept forms dated more than 31 days ahead."),
        json: bool = JsonOption, verbose: bool = VerboseOption, ledger: str | None = LedgerOption,
        wait: float = WaitOption, lang: str | None = LangOption,
    ) -> None:
        """Converte cartelle di file in blocco. Convert folders of workbooks in a batch.

        Exit 0 when every file was converted, 1 when some had problems, 2 when none could be read.
        """
        from toolkit.services.convert import convert, skip_reason

        to = output.chosen(TARGETS, to, "--to")
        session = None
        told: Callable[[list[Problem]], list[Problem]] = list
        if to == "orders":
            if master is None:
                raise typer.BadParameter("--to orders vuole --master WORKBOOK / needs --master WORKBOOK",
                                         param_hint="--master")
            from toolkit.cli.session import open_session, with_check

            session = open_session(master, ledger, lang, wait)
            told = partial(with_check, session)  # the master's warnings, as every verb reading it tells them
        else:
            output.set_lang(lang)
        bar = _Bar() if not json and sys.stdout.isatty() and sys.stderr.isatty() else None
        try:
            result = convert(inputs, out, to, mapping=mapping, jobs=jobs, italian=italian, lang=output.lang(),
                             session=session, progress=bar, future=future)
        finally:
            if bar is not None:
                bar.stop()
        problems = told(result.all_problems)
        code = result.exit_code
        if json:
            output.print_json({"ok": code == 0, "exit_code": code, "problems": problems, "to": to,
                               "folder": result.folder, "workbook": result.workbook, "report": result.report,
                               "counts": {s: result.count(s) for s in ("converted", "skipped", "failed")},
                               "written": result.written,
                               "files": [_file(f, output.lang(), skip_reason) for f in result.files],
                               "matched": [{"file": m.file, "sheet": m.sheet, "target": m.target,
                                            "columns": m.columns, "unmatched": list(m.unmatched)}
                                           for m in result.matched]})
        else:
            for line in result.written_lines(output.lang()):
                typer.echo(line)
            for line in result.skipped_lines(output.lang()):
                typer.echo(line)
            for m in result.matched:
                typer.echo(_matched_line(m, output.lang()))
            for f in result.files:
                for p in f.problems:
                    line = output.problem_line(p)  # the guard's lines name the file already
                    shown = one_line(f.file)
                    typer.echo(line.replace(str(f.file), shown) if str(f.file) in line else f"{shown}: {line}")
            by_name = {f.file.name: f.file for f in result.files}
            merged = result.workbook.name if result.workbook else None
            of_inputs = [p for p in result.problems if _workbook(p) != merged and _workbook(p) in by_name]
            for p in of_inputs:  # a code clash is at the input's cell, not the merged workbook's
                typer.echo(f"{by_name[_workbook(p)]}: {output.problem_line(p)}")
            rest = told([p for p in result.problems if p not in of_inputs])
            if rest and result.workbook:
                typer.echo(f"{result.workbook}:")
            output.print_problems(rest)
            typer.echo(result.summary(output.lang()))
            if result.workbook:
                typer.echo(str(result.workbook))
            if result.report:
                typer.echo(str(result.report))
        if code:
            raise typer.Exit(code)


def _workbook(p: Any) -> str:
    """The name of the workbook a problem is in ("" where none is named)."""
    return (p.location.workbook if p.location is not None else None) or ""


def _file(f: Any, lang: str, skip_reason: Any) -> dict[str, Any]:
    return {"file": f.file, "status": f.status, "reason": skip_reason(f.reason, lang), "outputs": list(f.outputs),
            "orders": list(f.orders), "problems": list(f.problems)}


class _Bar:
    """Files done / total and the current file, on stderr, gone when the run ends."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TimeElapsedColumn(), console=Console(stderr=True), transient=True)
        self._progress.start()
        self._task = self._progress.add_task("", total=None)

    def __call__(self, done: int, total: int, current: str) -> None:
        self._progress.update(self._task, completed=done, total=total, description=current[:40])

    def stop(self) -> None:
        self._progress.stop()


def _matched_line(matched: Any, lang: str) -> str:
    """What a sheet fed, in the words of the master workbook (*Clienti*, *Partita IVA*), not
    the format's keys, and the headings it did not read: a desk whose *P.IVA* column was left
    out saw only what was read, and its customers arrive without their VAT numbers."""
    from toolkit.model.sheets import SHEETS

    sheet = next((s for s in SHEETS if s.key == matched.target), None)

    def label(key: str) -> str:
        try:
            return sheet.column(key).label(lang) if sheet is not None else key
        except KeyError:
            return key

    columns = ", ".join(f"{heading} → {label(key)}" for heading, key in matched.columns.items())
    line = f"{matched.file} [{matched.sheet}] → {sheet.label(lang) if sheet else matched.target}: {columns}"
    if matched.unmatched:
        names = ", ".join(matched.unmatched)
        line += (f"; colonne non lette: {names} (rinominale come in docs/workbook-format.md, o indicale con --map)"
                 if lang == "it" else f"; columns not read: {names} (rename them as docs/workbook-format.md does, or "
                 "map them with --map)")
    return line
