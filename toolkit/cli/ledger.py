"""The ledger's own verbs. `toolkit ledger move`: the one-off move of a desk's SQLite ledger into
the team's PostgreSQL ledger, for whoever sets the team up (no button: it is done once, from a
terminal; no `--json`, as `demo` and `workbook build` have none: no program runs it). `toolkit
ledger check`: whether the ledger is sound, before a month end or after a backup is restored
(`--json` for the desk's IT person's scripts)."""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, LedgerOption, WaitOption
from toolkit.cli.session import open_session

ledger_app = typer.Typer(no_args_is_help=True, help=(
    "Il registro: controllarlo, spostarlo nel registro del team (PostgreSQL). The ledger: checking it, moving it "
    "into the team's ledger (PostgreSQL)."))


@ledger_app.command("check")
def check_cmd(workbook: Path = typer.Argument(..., help="Cartella anagrafiche / master workbook."),
              repair: bool = typer.Option(False, "--repair", help=(
                  "Ricalcola dai documenti le cifre tenute trovate sbagliate e toglie le sospensioni sbagliate (mai "
                  "un documento, un numero o un totale). Work the kept figures found wrong out again from the "
                  "documents and take the wrong holds away (never a document, a number or a total).")),
              json: bool = JsonOption, ledger: str | None = LedgerOption, wait: float = WaitOption,
              lang: str | None = LangOption) -> None:
    """Controlla che il registro sia in ordine: le cifre tenute accanto ai documenti (prenotazioni, spedito per
    giorno e per riga, valori da spedire e da fatturare, sospensioni), i totali e l'IVA per aliquota delle fatture,
    i numeri di ogni serie e anno (nessuno mancante, le fatture in ordine di data) e i danni che un comando
    segnalerebbe. Non scrive nulla; un registro di un toolkit più vecchio è aggiornato prima, e lo dice.
    Check that the ledger is sound: the figures kept beside the documents, the invoices' totals and VAT per rate,
    each series's numbers, and the damage a command would name. Writes nothing; a ledger of an older toolkit is
    upgraded first, and it says so.

    Con --repair ricalcola dai documenti le cifre tenute sbagliate, riga per riga, toglie le sospensioni sbagliate
    (il prossimo ship --all pianifica di nuovo i loro ordini) e controlla di nuovo.
    With --repair the kept figures found wrong are worked out again from the documents, row by row, the wrong holds
    taken away (the next ship --all plans their orders again), then checked.

    Exit 0 when sound, 1 with findings (each with its code, table and row), 2 when the ledger cannot be read.
    """
    from toolkit.services.ledger_check import check_ledger, repair_ledger

    session = open_session(workbook, ledger, lang, wait, reprint=True)
    if repair:
        repaired = repair_ledger(session.ledger, session.master.settings, session.set_aside)
        done, told, rows = repaired.checked, repaired.told, repaired.repaired
    else:
        done, told, rows = check_ledger(session.ledger, session.master.settings, session.set_aside), [], []
    problems = [*done.upgraded, *session.warnings, *done.warnings, *told, *done.problems]
    if json:
        output.reply({"ledger": done.ledger, "sound": done.sound, "upgraded_from": done.upgraded_from,
                      "findings": _rows(done.findings), "repaired": _rows(rows)}, problems)
    else:
        output.print_problems(problems)
        typer.echo(done.summary(output.lang()))
    output.exit_for(problems)


def _rows(findings: list) -> list[dict]:
    return [{"code": f.code, "table": f.table, "row": f.row, "ledger": f.ledger, "documents": f.documents,
             "follows": [{"code": x.code, "table": x.table, "row": x.row, "ledger": x.ledger, "documents": x.documents}
                         for x in f.follows]}
            for f in findings]


@ledger_app.command("move")
def move_cmd(workbook: Path = typer.Argument(..., help="Cartella anagrafiche / master workbook."),
             to: str | None = typer.Option(None, "--to", envvar="TOOLKIT_LEDGER_URL", metavar="postgresql://…",
                                           help="Il registro del team, vuoto (predefinito: Impostazioni › Registro) / "
                                                "the team ledger, empty (default: Impostazioni › Ledger)."),
             source: Path | None = typer.Option(None, "--from", metavar="FILE.sqlite",
                                                help="Il file SQLite (predefinito: quello accanto alla cartella) / "
                                                     "the SQLite file (default: the one beside the workbook)."),
             wait: float = WaitOption, lang: str | None = LangOption) -> None:
    """Sposta lo storico del registro SQLite nel registro PostgreSQL del team. Move the SQLite ledger's history
    into the team's PostgreSQL ledger.

    Exit 0 when moved, 2 when refused (a team ledger with documents, a server not reached, a newer ledger, a
    colleague writing): nothing written.
    """
    from toolkit.services.ledger_move import move_ledger

    output.set_workbook(workbook)
    output.set_lang(lang)
    done = move_ledger(workbook, to, source, wait=wait, notify=output.notice)
    moved = done.moved
    rows = sum(moved.rows.values())
    renamed = not done.source.exists()  # else it kept its name, and a problem says to rename it
    if output.lang() == "it":
        typer.echo(f"Spostati nel registro del team {done.target}: {moved.orders} ordini, {moved.ddts} DDT, "
                   f"{moved.invoices} fatture e note di credito ({rows} righe in {len(moved.rows)} tabelle, "
                   "controllate: righe e importi uguali).")
        typer.echo(f"Ultimi numeri: {', '.join(moved.last_numbers) or 'nessuno'}.")
        if renamed:
            then = ("la cartella usa il registro del team scritto in Impostazioni › Registro." if done.by_setting else
                    "scrivi l'indirizzo del registro del team, senza password, in Impostazioni › Registro (o "
                    "indicalo con --ledger o TOOLKIT_LEDGER_URL).")
            typer.echo(f"Il file di prima ora è {done.kept_as}: conservalo. Da ora {then}")
    else:
        typer.echo(f"Moved into the team ledger {done.target}: {moved.orders} orders, {moved.ddts} DDTs, "
                   f"{moved.invoices} invoices and credit notes ({rows} rows in {len(moved.rows)} tables, checked: "
                   "rows and amounts equal).")
        typer.echo(f"Last numbers: {', '.join(moved.last_numbers) or 'none'}.")
        if renamed:
            then = ("the workbook uses the team ledger written in Impostazioni › Ledger." if done.by_setting else
                    "write the team ledger's address, without a password, in Impostazioni › Ledger (or name it "
                    "with --ledger or TOOLKIT_LEDGER_URL).")
            typer.echo(f"The file it was is now {done.kept_as}: keep it. From now on {then}")
    output.print_problems(done.problems)
    output.exit_for(done.problems)


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")
