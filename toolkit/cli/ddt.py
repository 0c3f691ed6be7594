"""DDT verbs: `ddt void`, voiding a DDT that did not leave, or left wrong."""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, LedgerOption, WaitOption
from toolkit.cli.session import open_session
from toolkit.core.ddt_void import REASON_MAX

ddt_app = typer.Typer(no_args_is_help=True, help="DDT: annullare un DDT emesso per errore. DDTs: voiding a DDT "
                                                 "issued by mistake.")


@ddt_app.command("void")
def void_cmd(
    workbook: Path = typer.Argument(..., help="Cartella anagrafiche / master workbook."),
    number: str = typer.Argument(..., help="Il numero del DDT / the DDT's number: DDT-2026-00041, 41/2026, 41."),
    reason: str | None = typer.Option(None, "--reason", help=f"Perché (fino a {REASON_MAX} caratteri) / why (up to "
                                      f"{REASON_MAX} characters): «Il camion non è partito»."),
    json: bool = JsonOption, ledger: str | None = LedgerOption, wait: float = WaitOption,
    lang: str | None = LangOption,
) -> None:
    """Annulla un DDT: resta nel registro con il suo numero, segnato ANNULLATO, e la sua merce torna da spedire
    (giacenze, prenotazioni e stato degli ordini come se non fosse mai partita); il prossimo ship la spedisce con
    un nuovo DDT. Void a DDT: it stays in the ledger with its number, marked VOIDED, and its goods are to ship
    again (stock, reservations and the orders' status as if they never left); the next ship ships them on a new
    DDT. To correct a DDT's carrier, date or lines: void it and ship again.

    Exit 0 when voided, or voided already (nothing changes); 2 when refused (invoiced, a return's, services
    rendered, cash on delivery collected, an order voided since, unknown number): nothing is stored. An
    order closed since stays closed, its goods on the DDT back in stock, not to ship, warned.
    """
    from toolkit.basics.problems import UnusableInput
    from toolkit.core.ddt_void import reason_given
    from toolkit.services.ddt_void import void_ddt

    try:
        text = reason_given(reason)
    except ValueError:
        raise typer.BadParameter(f"scrivi il motivo in al più {REASON_MAX} caratteri; nulla è stato annullato / "
                                 f"write the reason in {REASON_MAX} characters at most; nothing was voided",
                                 param_hint="--reason") from None
    session = open_session(workbook, ledger, lang, wait)
    done = void_ddt(session.master, session.ledger, number, text)
    if errors := [p for p in done.problems if p.is_error]:
        raise UnusableInput(errors[0])
    problems = [*session.warnings, *done.problems]
    if json:
        from toolkit.cli.requests import _utc

        output.reply({"ddt": done.number, "voided": done.voided, "reason": done.reason,
                      "voided_at": _utc(done.at) if done.at else None, "voided_by": done.by,
                      "orders": list(done.orders), "reopened": list(done.reopened),
                      "kept_closed": list(done.kept_closed), "services": list(done.services),
                      "services_kept": list(done.services_kept)},
                     problems)
        return
    output.print_problems(problems)
    if said := done.summary(output.lang()):
        typer.echo(said)


def register(app: typer.Typer) -> None:
    app.add_typer(ddt_app, name="ddt")
