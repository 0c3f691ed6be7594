"""`toolkit demo`: the whole flow on the bundled sample, into one output folder.

It is the first thing a new user runs, so it shows each step's result in a line or two.
"""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit.commands import output
from toolkit.problems import ProblemsFound


def run_demo(out: Path, lang: str | None = None) -> None:
    from toolkit.sample import write_sample
    from toolkit.validation import check_file
    from toolkit.writers.problems_report import write_problems_report

    out = Path(out)
    output.set_lang(lang)
    it = output.lang() == "it"
    workbook = write_sample(out)
    typer.echo(("Anagrafiche d'esempio: " if it else "Sample master workbook: ") + str(workbook))
    result = check_file(workbook)
    report = write_problems_report(out / "controllo-dati.xlsx", result.problems, workbook, output.lang())
    if result.errors:
        raise ProblemsFound(result.problems)
    master = result.master
    assert master is not None
    typer.echo(("Controllo dati: " if it else "Data check: ")
               + (f"{len(master.customers)} clienti, {len(master.items)} articoli, {len(master.templates)} modelli, "
                  f"{len(result.problems)} avvisi" if it else
                  f"{len(master.customers)} customers, {len(master.items)} items, {len(master.templates)} templates, "
                  f"{len(result.problems)} warnings")
               + f" → {report}")
