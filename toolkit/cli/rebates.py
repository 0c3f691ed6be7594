"""Volume discounts and commissions: `discounts settle` and `commissions`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, LedgerOption, VerboseOption, WaitOption
from toolkit.cli.session import in_order, open_session, parse_day

if TYPE_CHECKING:
    from datetime import date

    from toolkit.basics.problems import Problem
    from toolkit.core.commission_statements import CommissionStatement
    from toolkit.core.volume_discounts import Settlement, SettlementPeriod
    from toolkit.services.commissions import Settled
    from toolkit.services.session import Session

WorkbookArg = typer.Argument(..., help="Cartella anagrafiche / master workbook.")

discounts_app = typer.Typer(no_args_is_help=True, help=(
    "Sconti volume liquidati a fine periodo con note di credito. Volume discounts settled at period end with "
    "credit notes."))


def settlement_json(s: Settlement) -> dict[str, Any]:
    note = s.credit_note
    return {"discount": s.discount.code, "customer": s.customer, "period": s.period.name,
            "base": s.base, "quantity": s.quantity, "credited": s.credited,
            "bracket": ({"from": s.reached.threshold, "percent": s.reached.percent} if s.reached else None),
            "discount_amount": s.amount, "credit_note": note.number if note else None,
            "total": note.total if note else None,
            "invoices": [x.number for x in s.cited]}


@discounts_app.command("settle")
@output.with_progress("Liquidazione sconti volume", "Settling volume discounts")
def settle_cmd(
    workbook: Path = WorkbookArg,
    period: str = typer.Option(..., "--period", help="Periodo / period: 2026-04 (mese / month), 2026-Q2 "
                               "(trimestre / quarter), 2026 (anno / year)."),
    date: str | None = typer.Option(None, "--date", help="Data delle note di credito (default oggi) / credit notes' "
                                    "date (default today)."),
    preview: bool = typer.Option(False, "--preview", help="Mostra senza scrivere nulla / show, write nothing."),
    reprint: bool = typer.Option(False, "--reprint", help="Ristampa in --out gli estratti del periodo già "
                                 "liquidato, come emessi; non liquida nulla / print the settled period's "
                                 "statements again into --out, as issued; settles nothing."),
    out: Path | None = output.out_folder(None, help="Cartella degli estratti per cliente e delle note di "
                                    "credito / folder of the statements per customer and the credit notes."),
    json: bool = JsonOption, verbose: bool = VerboseOption, ledger: str | None = LedgerOption,
    wait: float = WaitOption, lang: str | None = LangOption,
) -> None:
    """Liquida gli sconti volume di un periodo: note di credito che citano le fatture. Settle a period's volume
    discounts: credit notes citing the invoices."""
    from toolkit.basics.dates import today_rome
    from toolkit.core.volume_discounts import parse_period
    from toolkit.services.discounts import run

    try:
        chosen = parse_period(period)
    except ValueError:
        raise typer.BadParameter(f"«{period}»: scrivi 2026-04 (o 04/2026), 2026-Q2 o 2026 / write 2026-04 (or "
                                 "04/2026), 2026-Q2 or 2026",
                                 param_hint="--period") from None
    if reprint and (preview or date or out is None):
        raise typer.BadParameter("--reprint scrive in --out e non si usa con --preview né con --date (non emette note "
                                 "di credito) / --reprint writes into --out and goes with neither --preview nor --date "
                                 "(it issues no credit note)", param_hint="--reprint")
    day = parse_day(date) if date else today_rome()
    session = open_session(workbook, ledger, lang, wait, reprint=reprint)
    if reprint:
        assert out is not None
        _reprint(session, workbook, chosen, out, json)
        return
    if out is not None and not preview:
        from toolkit.basics.files import check_output

        check_output(out, kind=None, inputs=(workbook,), folder=True)
    result = run(session.ledger, session.master, chosen, day, today_rome(), preview=preview,
                 out=None if preview else out, lang=output.lang(), workbook=workbook)
    problems = session.warnings + result.problems
    if json:
        output.reply({"period": chosen.name, "preview": result.preview,
                      "settlements": [settlement_json(s) for s in result.settlements],
                      "already_settled": [{"discount": d, "customer": c, "credit_note": n}
                                          for (d, c), n in sorted(result.already.items())],
                      "files": result.files}, problems)
        output.exit_for(problems)
        return
    from toolkit.cli.tables import print_settlements

    print_settlements(result.settlements, result.already, output.lang())
    _said(problems, result.summary(output.lang()), result.files)


def _reprint(session: Session, workbook: Path, period: SettlementPeriod, out: Path, json: bool) -> None:
    """`settle --reprint`: the period's statements written again as issued (`services.discounts.reprint`)."""
    from toolkit.basics.files import check_output
    from toolkit.services.discounts import reprint

    check_output(out, kind=None, inputs=(workbook,), folder=True)
    result = reprint(session.ledger, session.master, period, out, lang=output.lang(), set_aside=session.set_aside)
    problems = session.warnings + result.problems
    if json:
        output.reply({"period": period.name, "preview": False, "settlements": [],
                      "already_settled": [{"discount": d, "customer": c, "credit_note": n}
                                          for (d, c), n in sorted(result.settled.items())],
                      "files": result.files}, problems)
        output.exit_for(problems)
        return
    _said(problems, result.summary(output.lang()), result.files)


def statement_json(s: CommissionStatement) -> dict[str, Any]:
    return {"agent": s.agent, "from": s.first, "to": s.last, "base": s.base, "total": s.total,
            "rules": [{"rule": code, "base": base, "rate": rate} for code, base, rate in s.rates],
            "rows": [{"invoice": r.number, "kind": r.kind, "date": r.day, "customer": r.customer, "rule": r.rule,
                      "base": r.base, "share": r.share, "rate": r.rate, "commission": r.commission,
                      "uncited_part": r.uncited} for r in s.rows]}


@output.with_progress("Provvigioni", "Commissions")
def commissions_cmd(
    workbook: Path = WorkbookArg,
    first: str = typer.Option(..., "--from", help="Primo giorno / first day."),
    last: str = typer.Option(..., "--to", help="Ultimo giorno / last day."),
    out: Path = output.out_folder(..., help="Cartella degli estratti per agente e del riepilogo / folder of the "
                             "statements per agent and the summary."),
    settle: bool = typer.Option(False, "--settle", help="Registra gli estratti come liquidati: il periodo non si "
                                "liquida più per quegli agenti / record the statements as settled: the period is "
                                "not settled again for those agents."),
    reprint: bool = typer.Option(False, "--reprint", help="Ristampa in --out, come emessi, gli estratti liquidati in "
                                 "periodi compresi tra --from e --to; non liquida nulla / print again into --out, as "
                                 "issued, the statements settled for periods within --from and --to; settles "
                                 "nothing."),
    json: bool = JsonOption, verbose: bool = VerboseOption, ledger: str | None = LedgerOption,
    wait: float = WaitOption, lang: str | None = LangOption,
) -> None:
    """Provvigioni degli agenti in un periodo: un estratto per agente e un riepilogo; con --settle registrati come
    liquidati. Agents' commissions over a period: a statement per agent and a summary; with --settle recorded as
    settled."""
    from toolkit.basics.dates import today_rome
    from toolkit.basics.files import check_output
    from toolkit.services.commissions import compute
    from toolkit.services.commissions import reprint as reprinted

    if settle and reprint:
        raise typer.BadParameter("--reprint non liquida: non si usa con --settle / --reprint settles nothing: it "
                                 "goes without --settle", param_hint="--reprint")
    start, end = parse_day(first, "--from"), parse_day(last, "--to")
    in_order(start, end)
    session = open_session(workbook, ledger, lang, wait, reprint=reprint)
    check_output(out, kind=None, inputs=(workbook,), folder=True)
    if reprint:
        again = reprinted(session.ledger, session.master, start, end, out, lang=output.lang(),
                            set_aside=session.set_aside)
        _commissions_said(session.warnings + again.problems, again.statements, again.summary(output.lang()),
                          again.files, start, end, settled=True, left_out=[], json=json)
        return
    result = compute(session.ledger, session.master, start, end, out=out, lang=output.lang(), settle=settle,
                     today=today_rome())
    _commissions_said(session.warnings + result.problems, result.issued, result.summary(output.lang()),
                      result.files, start, end, settled=result.recorded,
                      left_out=result.left_out, json=json)


def _commissions_said(problems: list[Problem], statements: list[CommissionStatement], summary: str,
                      files: list[Path], start: date, end: date, *, settled: bool, left_out: list[Settled],
                      json: bool) -> None:
    """What `commissions` answers, a preview, a settlement or a reprint alike: the statements as
    they printed, in JSON or as a table; of a settlement, the agents left out as already settled,
    each with the period it was settled for."""
    if json:
        output.reply({"from": start, "to": end, "settled": settled,
                      "statements": [statement_json(s) for s in statements],
                      "left_out": [{"agent": x.agent, "from": x.first, "to": x.last, "settled_on": x.settled_on}
                                   for x in left_out], "files": files}, problems)
        output.exit_for(problems)
        return
    from toolkit.cli.tables import print_commissions

    print_commissions(statements, output.lang())
    _said(problems, summary, files)


def _said(problems: list[Problem], summary: str, files: list[Path]) -> None:
    """The terminal's end of a run: its problems, its summary, the files it wrote, its exit code."""
    output.print_problems(problems)
    typer.echo(summary)
    for path in files:
        typer.echo(str(path))
    output.exit_for(problems)


def register(app: typer.Typer) -> None:
    app.add_typer(discounts_app, name="discounts")
    app.command("commissions")(commissions_cmd)
