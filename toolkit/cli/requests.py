"""Request verbs: `requests add`, `requests act`, `requests close`, `requests list` — customers'
requests and complaints kept in the ledger with their history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from toolkit.basics.vocab import Choices, RequestKind
from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, LedgerOption, VerboseOption, WaitOption
from toolkit.cli.session import customer_code, open_session

if TYPE_CHECKING:
    from datetime import datetime

    from toolkit.core.requests import CustomerRequest
    from toolkit.services.requests import RequestDone

requests_app = typer.Typer(no_args_is_help=True, help=(
    "Richieste e reclami dei clienti, con lo storico. Customers' requests and complaints, with their history."))

WorkbookArg = typer.Argument(..., help="Cartella anagrafiche / master workbook.")
IdArg = typer.Argument(..., help="Numero della richiesta / request number (toolkit requests list).")
KINDS = Choices.of(RequestKind)


def _it() -> bool:
    return output.lang() == "it"


def _utc(at: datetime) -> str:
    return at.isoformat(timespec="seconds") + "Z"


def request_json(x: CustomerRequest) -> dict[str, Any]:
    return {"id": x.id, "customer": x.customer, "kind": x.kind.value, "text": x.text, "status": x.status.value,
            "opened_at": _utc(x.opened_at), "opened_by": x.opened_by,
            "closed_at": _utc(x.closed_at) if x.closed_at else None, "closed_by": x.closed_by,
            "history": [{"at": _utc(s.at), "by": s.by, "action": s.action.value, "text": s.text} for s in x.history]}


def _report(done: RequestDone, json: bool, problems: list) -> None:
    problems = problems + done.problems
    if json:
        output.reply({"request": request_json(done.request) if done.request else None}, problems)
    else:
        output.print_problems(problems)
        if done.request is not None:
            _echo(done.request)
    output.exit_for(problems)


def _echo(x: CustomerRequest) -> None:
    from toolkit.basics.dates import rome_time
    from toolkit.basics.labels import label
    from toolkit.basics.vocab import label as vocab_label

    lang = output.lang()
    status = label("req.status_" + x.status.value, lang)
    typer.echo(f"{x.id}  {x.customer:<8} {vocab_label(x.kind, lang):<13} {status:<7} {rome_time(x.opened_at):%d/%m/%Y}  {x.text}")
    last = x.last_step
    if last is not None and len(x.history) > 1:
        typer.echo(f"      {rome_time(last.at):%d/%m/%Y %H:%M} {last.by}: {label('req.action_' + last.action.value, lang)} "
                   f"{last.text or ''}".rstrip())


@requests_app.command("add")
def add_cmd(workbook: Path = WorkbookArg,
            customer: str = typer.Option(..., "--customer", help="Codice cliente / customer code."),
            kind: str = typer.Option(..., "--kind", help=f"Tipo / kind: {KINDS.words()}."),
            text: str = typer.Option(..., "--text", help="Cosa chiede il cliente / what the customer asks."),
            json: bool = JsonOption, verbose: bool = VerboseOption, ledger: str | None = LedgerOption,
            wait: float = WaitOption, lang: str | None = LangOption) -> None:
    """Apre una richiesta o un reclamo per un cliente. Open a request or complaint for a customer."""
    from toolkit.services.requests import add

    chosen = output.chosen(KINDS, kind, "--kind")
    session = open_session(workbook, ledger, lang, wait)
    customer = customer_code(session.master, customer) or customer
    _report(add(session.master, session.ledger, customer, chosen, text), json, session.warnings)


@requests_app.command("act")
def act_cmd(workbook: Path = WorkbookArg, request_id: int = IdArg,
            text: str = typer.Option(..., "--text", help="Cosa è stato fatto / what was done."),
            json: bool = JsonOption, verbose: bool = VerboseOption, ledger: str | None = LedgerOption,
            wait: float = WaitOption, lang: str | None = LangOption) -> None:
    """Registra un'azione su una richiesta aperta. Record an action on an open request."""
    from toolkit.services.requests import act

    session = open_session(workbook, ledger, lang, wait)
    _report(act(session.ledger, request_id, text), json, session.warnings)


@requests_app.command("close")
def close_cmd(workbook: Path = WorkbookArg, request_id: int = IdArg,
              text: str | None = typer.Option(None, "--text", help="Come è stata risolta / how it was settled."),
              json: bool = JsonOption, verbose: bool = VerboseOption, ledger: str | None = LedgerOption,
              wait: float = WaitOption, lang: str | None = LangOption) -> None:
    """Chiude una richiesta. Close a request."""
    from toolkit.services.requests import close

    session = open_session(workbook, ledger, lang, wait)
    _report(close(session.ledger, request_id, text), json, session.warnings)


@requests_app.command("list")
def list_cmd(workbook: Path = WorkbookArg,
             open_only: bool = typer.Option(False, "--open", help="Solo quelle aperte / only the open ones."),
             customer: str | None = typer.Option(None, "--customer", help="Solo questo cliente / only this customer."),
             out: Path | None = output.out_file(None, help="Scrivi le richieste e lo storico in questo .xlsx / "
                                             "write the requests and their history here."),
             json: bool = JsonOption, verbose: bool = VerboseOption, ledger: str | None = LedgerOption,
             lang: str | None = LangOption) -> None:
    """Elenco delle richieste, con lo storico. The requests, with their history."""
    from toolkit.services.requests import listing

    session = open_session(workbook, ledger, lang)
    customer = customer_code(session.master, customer)
    if out is not None:
        from toolkit.basics.files import check_output

        check_output(out, kind="requests", inputs=(workbook,))
    result = listing(session.master, session.ledger, open_only=open_only, customer=customer, out=out,
                     lang=output.lang())
    if json:
        output.reply({"requests": [request_json(x) for x in result.requests], "file": result.file},
                     session.warnings)
        return
    for x in result.requests:
        _echo(x)
    if not result.requests:
        typer.echo("Nessuna richiesta." if _it() else "No requests.")
    if result.file is not None:
        typer.echo(str(result.file))


def register(app: typer.Typer) -> None:
    app.add_typer(requests_app, name="requests")
