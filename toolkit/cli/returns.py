"""Return verbs: `returns no-credit`, closing a return whose goods get no credit note."""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, LedgerOption, WaitOption
from toolkit.cli.session import open_session
from toolkit.core.credit_notes import REASON_LENGTH

returns_app = typer.Typer(no_args_is_help=True, help="Resi: chiudere un reso senza nota di credito. Returns: "
                                                     "closing a return with no credit note.")


@returns_app.command("no-credit")
def no_credit_cmd(
    workbook: Path = typer.Argument(..., help="Cartella anagrafiche / master workbook."),
    order: str = typer.Option(..., "--order", help="Il numero del reso / the return's order number: OC-2026-00042."),
    reason: str = typer.Option(..., "--reason", help=f"Perché nessun accredito è dovuto (fino a {REASON_LENGTH} "
                               f"caratteri) / why no credit is due (up to {REASON_LENGTH} characters): «Già rimborsato "
                               "con NC-2026-00001»."),
    json: bool = JsonOption, ledger: str | None = LedgerOption, wait: float = WaitOption,
    lang: str | None = LangOption,
) -> None:
    """Nessun accredito dovuto: il reso non avrà nota di credito, il suo DDT non attende più la fattura e il reso si
    chiude; il motivo resta nel registro. No credit due: the return gets no credit note, its DDT no longer waits to be
    invoiced and the return is closed; the reason stays in the ledger. A return with no DDT yet (credited at the order)
    stays open: its goods come back on a DDT that is never credited.

    Exit 0 when recorded, 2 when refused (not a return, credited already, recorded before, unknown number): nothing
    is stored.
    """
    from toolkit.basics.problems import UnusableInput
    from toolkit.core.no_credit import reason_given
    from toolkit.services.returns import no_credit

    text = reason_given(reason)
    if text is None:
        raise typer.BadParameter(f"scrivi il motivo, da 1 a {REASON_LENGTH} caratteri; nulla è stato registrato / "
                                 f"write the reason, 1 to {REASON_LENGTH} characters; nothing was stored",
                                 param_hint="--reason")
    session = open_session(workbook, ledger, lang, wait)
    done = no_credit(session.ledger, order.strip(), text)
    if done.problems:
        raise UnusableInput(done.problems[0])
    if json:
        output.reply({"order": done.order, "status": done.status.value if done.status else None,
                      "reason": text, "ddts": list(done.ddts)}, session.warnings)
        return
    output.print_problems(session.warnings)
    typer.echo(done.summary(output.lang()))


def register(app: typer.Typer) -> None:
    app.add_typer(returns_app, name="returns")
