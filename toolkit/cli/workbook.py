"""`toolkit workbook build [--check]`: regenerate the front-end workbook from its text sources."""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit.cli import output
from toolkit.excel.paths import MACROS, WORKBOOK

workbook_app = typer.Typer(
    help="Il file Excel con i pulsanti (ordini-ricorrenti.xlsm). The Excel workbook with the buttons.",
    no_args_is_help=True,
)


@workbook_app.command("build")
def build(
    check: bool = typer.Option(False, "--check", help="Non scrivere: verifica che il file nel repository sia "
                               "aggiornato / write nothing: verify the committed workbook is up to date."),
    out: Path = output.out_file(WORKBOOK, suffixes=(".xlsm",),
                                help="Dove scrivere (.xlsm: il file tiene le macro) / where to write the workbook "
                                     "(.xlsm: it keeps its macros)."),
    macros: Path = typer.Option(MACROS, "--macros", help="Cartella dei .bas / folder of the .bas files."),
) -> None:
    """Ricostruisce il file Excel da macros/*.bas, xlwings e lo schema. Rebuild the workbook from
    macros/*.bas, the installed xlwings and the schema.

    With --check: exit 0 when the committed workbook equals a fresh build (timestamps aside),
    1 when it differs, listing the parts.
    """
    from toolkit.excel import build as workbook_build

    if check:
        found = workbook_build.check(out, macros)
        if found:
            typer.echo(f"{out}: non aggiornato / out of date; rebuild with: toolkit workbook build", err=True)
            for line in found:
                typer.echo(f"  {line}", err=True)
            raise typer.Exit(1)
        typer.echo(f"{out}: aggiornato / up to date (xlwings {workbook_build.xlwings_version()})")
        return
    built = workbook_build.build(out, macros)
    typer.echo(f"{built.path} (xlwings {built.xlwings_version}; VBA: {', '.join(built.modules)})")


def register(app: typer.Typer) -> None:
    app.add_typer(workbook_app, name="workbook")
