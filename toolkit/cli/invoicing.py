"""Invoicing and payment verbs: `invoice` (run, undo, finalize, export, list, credit) and
`payments` (record, import, status).

`toolkit invoice WORKBOOK --month 2026-04 --out DIR` is the month-end run; the same is
`toolkit invoice run …`. The other words after `invoice` are subcommands, so a workbook can
not be called `undo` — a small price for the short form users type every month.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from typer.core import TyperGroup

from toolkit.basics import problems as catalogue
from toolkit.basics import wording
from toolkit.basics.labels import define, label
from toolkit.basics.vocab import Choices, PaymentMethod
from toolkit.cli import output
from toolkit.cli.output import JsonOption, LangOption, LedgerOption, VerboseOption, WaitOption
from toolkit.cli.session import codes, customer_code, customer_codes, open_session, parse_day, parse_month_option, with_check
from toolkit.core.credit_notes import REASON_LENGTH
from toolkit.core.invoicing import DeliveryRef, HeldInvoice, Invoice, InvoiceKind, InvoiceStatus, LeftOut

if TYPE_CHECKING:
    from datetime import date

    from toolkit.basics.problems import ProblemType
    from toolkit.services.credit_notes import Credited
    from toolkit.services.debit_notes import Debited
    from toolkit.services.invoicing import RunSummary
    from toolkit.services.payments import Recorded
    from toolkit.services.session import Session

Note = TypeVar("Note", "Credited", "Debited")
"""What `invoice credit` or `invoice debit` answers (`_issue_note`)."""

define({
    "pending.held": ("cliente «Non fatturare», in attesa del via libera", "do-not-invoice customer, awaiting release"),
    "pending.order-not-delivered": ("ordine non ancora evaso del tutto", "order not fully delivered yet"),
    "pending.period-open": ("periodo di fatturazione non ancora finito", "invoicing period not ended yet"),
    "pending.waiting": ("in attesa", "waiting"),
    "pending.line": ("riga", "line"),
    "pending.lines": ("righe", "lines"),
})

DRAFT_NEXT = catalogue.define(
    "invoice-run-draft-next", "warning", title=("Emissione in bozza da controllare", "Draft run to check"),
    it="Controlla le fatture in {file}, poi rendile definitive: toolkit invoice finalize {workbook} {run_id} (se "
       "sono da rifare: toolkit invoice undo {workbook} {run_id}).",
    en="Check the invoices in {file}, then make them final: toolkit invoice finalize {workbook} {run_id} (to "
       "redo them: toolkit invoice undo {workbook} {run_id}).")
"""The line a draft run ends with on the command line: its summary gave the run's id, and a
newcomer did not know it was the RUN `invoice finalize` takes (the panel's button names its own
next button)."""

FINAL_NEXT = catalogue.define(
    "invoice-run-final-next", "warning", title=("Fatture definitive da inviare allo SDI", "Final invoices to send to SDI"),
    it="Ora scrivi le fatture elettroniche per lo SDI: toolkit einvoice {workbook} {einvoice} --out "
       "fatture-elettroniche --zip; poi il registro per il commercialista: toolkit invoice export {workbook} "
       "{register} --out fatture.",
    en="Now write the e-invoices for SDI: toolkit einvoice {workbook} {einvoice} --out fatture-elettroniche --zip; "
       "then the accountants' register: toolkit invoice export {workbook} {register} --out fatture.")
"""The line `invoice finalize` ends with: the invoices are final, their FatturaPA files are next,
then the register that names them (`final_next`)."""


def final_next(session: Session, workbook: Path, run_id: str, lang: str) -> str:
    """`FINAL_NEXT` for a run: by its month when its invoices are dated in one, as the README's day
    writes them (the month's immediate invoices too), else by the run."""
    from toolkit.services.invoicing import months_of_run
    from toolkit.services.printing import quoted

    months = months_of_run(session.ledger, run_id)
    by_month = f"--month {months[0]}" if len(months) == 1 else None
    return FINAL_NEXT(None, workbook=quoted(str(workbook)), einvoice=by_month or f"--run {run_id}",
                      register=by_month or run_id).message(lang)


WorkbookArg = typer.Argument(..., help="Cartella anagrafiche / master workbook.")
METHODS = Choices.of(PaymentMethod)
RunArg = typer.Argument(..., help="Identificativo dell'emissione / run id (toolkit invoice list).")
PerCustomerOption = typer.Option(False, "--per-customer", help="Una cartella per cliente invece di una per emissione / "
                                 "one workbook per customer instead of one per run.")
CopiesOption = typer.Option(False, "--copies", help="Anche le fatture stampabili, un foglio per fattura / "
                            "also the printable invoices, one sheet each (copie-fatture-….xlsx).")


def _it() -> bool:
    return output.lang() == "it"


class _RunByDefault(TyperGroup):
    """A group whose first word may be a subcommand or, for the plain form, the workbook."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # ctx: the Context of the click that typer vendors privately (typer._click), passed on as it is
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


invoice_app = typer.Typer(cls=_RunByDefault, no_args_is_help=True, help=(
    "Fatturazione di fine mese (fattura differita) e registro per il commercialista. "
    "Month-end invoicing (deferred invoices) and the accountants' workbook.\n\n"
    "«toolkit invoice anagrafiche.xlsx --month 2026-04 --out DIR» è la forma breve di «toolkit invoice run …». "
    "“toolkit invoice WORKBOOK --month 2026-04 --out DIR” is short for “toolkit invoice run …”."))
payments_app = typer.Typer(no_args_is_help=True, help=(
    "Incassi e monitoraggio pagamenti. Payments and payment monitoring."))


def invoice_json(x: Invoice) -> dict[str, object]:
    return {"number": x.number, "kind": x.kind_listed, "deferred": x.deferred, "date": x.invoice_date,
            "customer": x.customer, "group": x.group_key, "period": [x.period.start, x.period.end],
            "status": x.status.value if x.status else None, "taxable": x.taxable, "vat": x.vat, "total": x.total,
            **deliveries_json(x.deliveries),
            "dues": [{"date": d.due_date, "amount": d.amount} for d in x.dues], "lines": len(x.lines)}


def deliveries_json(deliveries: Iterable[DeliveryRef]) -> dict[str, list[dict[str, object]]]:
    """`ddts`, the DDTs, apart from `services`, the records of services rendered (SERVIZI-…),
    which travel on no DDT: a program reading `ddts` finds only documents it may print or cite."""
    found: dict[bool, list[dict[str, object]]] = {False: [], True: []}
    for d in deliveries:
        found[d.services].append({"number": d.number, "date": d.day})
    return {"ddts": found[False], "services": found[True]}


def left_out_json(x: LeftOut) -> dict[str, object]:
    """A customer the run left out, no longer on the Customers sheet, and its DDTs waiting."""
    return {"customer": x.customer, "name": x.name, "lines": x.lines, **deliveries_json(x.deliveries)}


def held_json(x: HeldInvoice) -> dict[str, object]:
    """An order created ahead whose immediate invoice (`waiting`: invoice), a return's credit
    note (credit_note) or, a warehouse order, whose DDT alone (ddt) waits for its day:
    `blocks_run` when the run would date its documents after that day, and was refused for it."""
    waiting = "ddt" if x.ddt_only else "credit_note" if x.kind is InvoiceKind.CREDIT_NOTE else "invoice"
    return {"number": x.number, "customer": x.customer, "documents_on": x.day, "waiting": waiting,
            "blocks_run": x.run_day is not None}


def _run_json(r: RunSummary) -> dict[str, object]:
    return {"run_id": r.run_id, "status": r.status.value, "first_date": r.first_date, "last_date": r.last_date,
            "invoices": r.invoices, "numbers": [{"first": first, "last": last} for first, last in r.ranges],
            "total": r.total}


@invoice_app.command("run")
@output.with_progress("Fatturazione del mese", "Invoicing the month")
def run_cmd(
    workbook: Path = WorkbookArg,
    month: str | None = typer.Option(None, "--month", help="Mese da fatturare / month to invoice: 2026-04 "
                                     "(con --orders: predefinito il mese della data / with --orders: by default "
                                     "the date's month)."),
    orders: str | None = typer.Option(None, "--orders", help="Solo gli ordini indicati, fatturati ora (il resto "
                                      "attende fine mese) / only these orders, invoiced now (the rest waits for "
                                      "month end): N1,N2."),
    date: str | None = typer.Option(None, "--date", help="Data delle fatture (default: Impostazioni › Data fattura "
                                    "differita, fine mese o oggi) / invoice date (default: Settings › Deferred "
                                    "invoice date, the month's end or today)."),
    credit_date: str | None = typer.Option(None, "--credit-date", help="Data delle note di credito dei resi, dalla "
                                           "data delle fatture in poi (default: la stessa) / date of the returns' "
                                           "credit notes, from the invoices' date on (default: the same)."),
    customer: str | None = typer.Option(None, "--customer", help="Solo questo cliente / only this customer."),
    release: str | None = typer.Option(None, "--release", help="Fattura anche questi clienti «Non fatturare» / "
                                       "invoice these do-not-invoice customers too: C001,C002."),
    preview: bool = typer.Option(False, "--preview", help="Mostra senza scrivere nulla / show, write nothing."),
    final: bool = typer.Option(False, "--final", help="Emetti subito definitive (non annullabili) / issue as final."),
    per_customer: bool = PerCustomerOption, copies: bool = CopiesOption,
    out: Path | None = output.out_folder(None, help="Cartella dei risultati / output folder."),
    json: bool = JsonOption,
    verbose: bool = VerboseOption, ledger: str | None = LedgerOption, wait: float = WaitOption, lang: str | None = LangOption,
) -> None:
    """Fatture del mese: differite con i DDT, note di credito per i resi. Invoice the month: deferred invoices citing
    the DDTs, credit notes for returns."""
    from toolkit.basics.dates import today_rome
    from toolkit.core.invoicing import Request
    from toolkit.services.invoicing import run

    chosen = sorted(codes(orders) or ())
    if month is None and not chosen:
        raise typer.BadParameter("serve il mese da fatturare (oppure --orders) / the month to invoice is needed "
                                 "(or --orders)", param_hint="--month")
    session = open_session(workbook, ledger, lang, wait)
    customer = customer_code(session.master, customer)
    released = customer_codes(session.master, release, "--release") or set()
    if month is None:
        day = parse_day(date) if date else today_rome()
        month = f"{day:%Y-%m}"
    period = parse_month_option(month)
    if out is None and not preview:
        raise typer.BadParameter("serve la cartella dei risultati / the output folder is needed (or use --preview)",
                                 param_hint="--out")
    if out is not None and not preview:
        from toolkit.basics.files import check_output

        check_output(out, kind=None, inputs=(workbook,), folder=True)
    request = Request(period, today_rome(), parse_day(date) if date else None, customer, frozenset(released),
                      credit_date=parse_day(credit_date) if credit_date else None)
    result = run(session.ledger, session.master, request, preview=preview,
                 status=InvoiceStatus.FINAL if final else InvoiceStatus.DRAFT, out=out, lang=output.lang(),
                 per_customer=per_customer, copies=copies, orders=chosen)
    problems = session.warnings + result.problems
    if json:
        output.reply({"run_id": result.run_id, "preview": result.preview,
                      "invoices": [invoice_json(x) for x in result.invoices], "files": result.files,
                      "pending": [asdict(p) for p in result.pending],
                      "left_out": [left_out_json(x) for x in result.left_out],
                      "held_orders": [held_json(x) for x in result.held]}, problems)
        output.exit_for(problems)
        return
    from toolkit.cli.tables import print_invoices

    print_invoices(result.invoices, output.lang())
    lang = output.lang()
    for p in result.pending:
        lines = label("pending.line" if p.lines == 1 else "pending.lines", lang)
        typer.echo(f"{label('pending.waiting', lang)}: {p.customer} {p.lines} {lines} "
                   f"({label('pending.' + p.reason, lang)})")
    output.print_problems(problems)
    typer.echo(result.summary(lang))
    for path in result.files:
        typer.echo(str(path))
    if result.run_id is not None and result.files:
        from toolkit.services.printing import quoted

        typer.echo(final_next(session, workbook, result.run_id, lang) if result.status is InvoiceStatus.FINAL else
                   DRAFT_NEXT(None, file=out if per_customer else result.files[0], workbook=quoted(str(workbook)),
                              run_id=result.run_id).message(lang))
    output.exit_for(problems)


@invoice_app.command("undo")
def undo_cmd(workbook: Path = WorkbookArg, run_id: str = RunArg,
             out: Path | None = output.out_folder(None, help="Un'altra cartella dove l'emissione ha scritto i "
                                                 "suoi file (quelle che il registro annota sono già cercate): sono "
                                                 "tolti con lei / another folder the run wrote its files in (those "
                                                 "the ledger noted are searched already): they go with it."),
             json: bool = JsonOption, verbose: bool = VerboseOption,
             ledger: str | None = LedgerOption, wait: float = WaitOption, lang: str | None = LangOption) -> None:
    """Annulla un'emissione in bozza (solo l'ultima della serie). Undo a draft run (only the latest of its series)."""
    from toolkit.services.invoicing import undo_with_files

    session = open_session(workbook, ledger, lang, wait)
    count, problems, removed = undo_with_files(session.ledger, run_id, out, session.master)
    problems = with_check(session, problems)
    if json:
        output.reply({"run_id": run_id, "undone": count, "removed": removed}, problems)
    else:
        output.print_problems(problems)
        if count:
            typer.echo(undone_said(count, output.lang()))
        for path in removed:
            typer.echo(f"{'Tolto' if output.lang() == 'it' else 'Removed'}: {path}")
    output.exit_for(problems)


@invoice_app.command("finalize")
@output.with_progress("Fatture definitive", "Finalizing invoices")
def finalize_cmd(workbook: Path = WorkbookArg, run_id: str = RunArg,
                 out: Path | None = output.out_folder(None, help="Riscrivi qui la cartella per il commercialista / "
                                                 "rewrite the accountants' workbook here."),
                 per_customer: bool = PerCustomerOption, copies: bool = CopiesOption, json: bool = JsonOption,
                 verbose: bool = VerboseOption,
                 ledger: str | None = LedgerOption, wait: float = WaitOption, lang: str | None = LangOption) -> None:
    """Rende definitive le fatture di un'emissione. Make a run's invoices final."""
    from toolkit.services.invoicing import export, finalize, output_names
    from toolkit.services.printing import quoted

    session = open_session(workbook, ledger, lang, wait)
    if out is not None:
        from toolkit.basics.files import check_output

        check_output(out, kind=None, inputs=(workbook,), folder=True, names=output_names(run_id, output.lang(), copies=copies))
    count, problems = finalize(session.ledger, run_id, session.master, quoted(str(workbook)))
    problems = with_check(session, problems)
    files = []
    if out is not None and not output.has_errors(problems):
        files = export(session.master, session.ledger, run_id, out, output.lang(), per_customer=per_customer,
                       copies=copies, redo=f"toolkit invoice export {{workbook}} {run_id} --out {out}"
                       + (" --per-customer" if per_customer else "") + (" --copies" if copies else "")).files
    if json:
        output.reply({"run_id": run_id, "finalized": count, "files": files}, problems)
    else:
        output.print_problems(problems)
        if count:
            typer.echo(finalized_said(count, output.lang()))
        for path in files:
            typer.echo(str(path))
        if count and not output.has_errors(problems):
            typer.echo(final_next(session, workbook, run_id, output.lang()))
    output.exit_for(problems)


@invoice_app.command("export")
@output.with_progress("Cartella per il commercialista", "Accountants' workbook")
def export_cmd(workbook: Path = WorkbookArg,
               run_id: str | None = typer.Argument(None, help="Identificativo dell'emissione / run id (toolkit "
                                                   "invoice list); oppure / or --month."),
               month: str | None = typer.Option(None, "--month", help="Il registro del mese: ogni fattura e nota di "
                                                "credito datata nel mese / the month's register: every invoice and "
                                                "credit note dated in it: 2026-04."),
               out: Path = output.out_folder(..., help="Cartella dei risultati / output folder."),
               per_customer: bool = PerCustomerOption, copies: bool = CopiesOption,
               ledger: str | None = LedgerOption,
               lang: str | None = LangOption) -> None:
    """Cartella per il commercialista: il registro del mese (--month) o i documenti di un'emissione. The accountants'
    workbook: the month's register (--month) or one run's documents."""
    from toolkit.services.invoicing import export, export_month

    if (run_id is None) == (month is None):
        raise typer.BadParameter("indica l'emissione oppure --month / give the run or --month", param_hint="--month")
    period = parse_month_option(month) if month is not None else None
    session = open_session(workbook, ledger, lang)
    if period is not None:
        result = export_month(session.master, session.ledger, period, out, output.lang(), per_customer=per_customer,
                              copies=copies)
    else:
        assert run_id is not None
        result = export(session.master, session.ledger, run_id, out, output.lang(), per_customer=per_customer,
                        copies=copies)
    problems = with_check(session, result.problems)
    output.print_problems(problems)
    output.exit_for(problems)
    for path in result.files:
        typer.echo(str(path))


@invoice_app.command("list")
def list_cmd(workbook: Path = WorkbookArg, json: bool = JsonOption,
             verbose: bool = VerboseOption, ledger: str | None = LedgerOption,
             lang: str | None = LangOption) -> None:
    """Le emissioni di fatture nel registro, dalla più recente. The invoicing runs in the ledger, latest first."""
    from toolkit.services.invoicing import runs as run_list

    session = open_session(workbook, ledger, lang)
    runs = run_list(session.ledger)
    if json:
        output.reply({"runs": [_run_json(r) for r in runs]}, session.warnings)
        return
    from toolkit.cli.tables import print_runs

    print_runs(runs, output.lang())


@invoice_app.command("credit")
def credit_cmd(
    workbook: Path = WorkbookArg,
    invoice: str = typer.Option(..., "--invoice", help="La fattura da correggere / the invoice to credit: "
                                "FT-2026-00012."),
    reason: str = typer.Option(..., "--reason", help="Perché: merce non spedita, fatturata per errore… (la causale, "
                               f"fino a {REASON_LENGTH} caratteri) / why: goods not shipped, billed in error… (the "
                               f"reason, up to {REASON_LENGTH} characters)."),
    lines: str | None = typer.Option(None, "--lines", help="Solo queste righe della fattura, tutta la quantità "
                                     "rimasta o N:quantità col punto decimale, le righe intere prima (default tutta la "
                                     "fattura) / only these lines of the invoice, all that is left of each or "
                                     "N:quantity with a decimal point, whole lines first (default the whole invoice): "
                                     "1,3:2.5."),
    date: str | None = typer.Option(None, "--date", help="Data della nota di credito (default oggi) / the credit "
                                    "note's date (default today)."),
    out: Path | None = output.out_file(None, help="Stampa la nota di credito in questo file .xlsx / print the "
                                       "credit note to this workbook."),
    again: bool = typer.Option(False, "--again", help="Emetti la nota anche se una per le stesse righe è registrata "
                               "e mai stampata (una seconda nota accredita di nuovo) / issue the note even though one "
                               "for the same lines is recorded and never printed (a second note credits again)."),
    json: bool = JsonOption,
    verbose: bool = VerboseOption, ledger: str | None = LedgerOption, wait: float = WaitOption, lang: str | None = LangOption,
) -> None:
    """Nota di credito su una fattura: merce non spedita o fatturata per errore; chiude l'ordine non ancora spedito.
    Credit note on an invoice: goods never shipped or billed in error; closes the order not shipped yet."""
    from toolkit.core.credit_notes import AmbiguousLines, RepeatedLines, parse_lines
    from toolkit.services.credit_notes import CREDITED_NOT_PRINTED, credit

    text = _causale(reason)
    try:
        asked = parse_lines(lines) if lines is not None else []
    except (AmbiguousLines, RepeatedLines) as bad:
        said = bad.problem() if isinstance(bad, AmbiguousLines) else bad.problem("--lines")
        raise typer.BadParameter(f"{said.message('it')} / {said.message('en')}", param_hint="--lines") from None
    except ValueError as bad:
        raise typer.BadParameter(f"«{bad}»: scrivi i numeri di riga, es. 1,3 oppure 2:4 per 4 unità della riga 2 "
                                 "(2:1.5: il punto per i decimali, al massimo 3, niente esponente) / "
                                 "write line numbers, e.g. 1,3, or 2:4 for 4 units of line 2 (2:1.5: a point "
                                 "for decimals, at most 3, no exponent)", param_hint="--lines") \
            from None
    _issue_note(workbook, ledger, lang, wait, date, out, json, CREDITED_NOT_PRINTED,
                lambda session, day, today: credit(session.ledger, session.master, invoice, asked, text, day, today,
                                                   out=out, lang=output.lang(), workbook=workbook, again=again),
                lambda result: {"credit_note": invoice_json(result.note) if result.note else None,
                                "invoice": result.invoice or invoice, "closed": result.closed,
                                "file": result.printed})


def _issue_note(workbook: Path, ledger: str | None, lang: str | None, wait: float, typed_date: str | None,
                out: Path | None, json: bool, repeated: ProblemType, issue: Callable[[Session, date, date], Note],
                replied: Callable[[Note], dict[str, Any]]) -> None:
    """`invoice credit` and `invoice debit` once their own options are read: `out` checked, the
    note issued on the day typed (else today) and answered in JSON (`replied`) or as text, with
    its file or how to print it. The warning of notes issued before and never printed is left
    out when the note is refused as a repeat of one of them (`repeated`), which names it."""
    from toolkit.basics.dates import today_rome
    from toolkit.services.printing import never_printed

    if out is not None:
        from toolkit.basics.files import check_output

        check_output(out, kind="invoices", inputs=(workbook,))
    session = open_session(workbook, ledger, lang, wait)
    day = parse_day(typed_date) if typed_date else today_rome()
    warned = never_printed(session.ledger, ["notes"], workbook, out) if out is not None else []
    result = issue(session, day, today_rome())
    refused_again = any(p.code == repeated.code for p in result.problems)
    problems = session.warnings + ([] if refused_again else warned) + result.problems
    if json:
        output.reply(replied(result), problems)
        output.exit_for(problems)
        return
    output.print_problems(problems)
    typer.echo(result.summary(output.lang()))
    if result.printed is not None:
        typer.echo(str(result.printed))
    elif out is None and (line := _note_to_print(result.note, workbook)):
        typer.echo(line)
    output.exit_for(problems)


def _note_to_print(note: Invoice | None, workbook: Path) -> str:
    """What a credit or debit note issued without `--out` ends with: it is to print, and how."""
    from toolkit.services.printing import issued_documents, print_command, to_print

    if note is None or not note.number:
        return ""
    command = print_command("invoices", [(note.number, note.invoice_date)], workbook, "note-non-stampate")
    return to_print(issued_documents([], [note]), command, output.lang())


def _causale(reason: str) -> str:
    """`--reason` as a note stores and sends it (`causale`), or the slip refused, exit 2."""
    from toolkit.core.credit_notes import causale

    try:
        return causale(reason)
    except ValueError as bad:
        it, en = (f", senza {bad}: la fattura elettronica non li accetta", f", without {bad}: the e-invoice cannot "
                  "carry them") if str(bad) else ("", "")
        raise typer.BadParameter(f"scrivi il motivo, da 1 a {REASON_LENGTH} caratteri (€ conta come EUR){it}; nulla "
                                 f"è stato registrato / write the reason, 1 to {REASON_LENGTH} characters (€ counts "
                                 f"as EUR){en}; nothing was stored", param_hint="--reason") from None


@invoice_app.command("debit")
def debit_cmd(
    workbook: Path = WorkbookArg,
    invoice: str = typer.Option(..., "--invoice", help="La fattura a cui si aggiunge / the invoice it adds to: "
                                "FT-2026-00012."),
    amount: str = typer.Option(..., "--amount", help="Imponibile da addebitare, senza IVA / taxable amount to debit, "
                               "without VAT: 150 o/or 150.50."),
    reason: str = typer.Option(..., "--reason", help="Perché: prezzo rivisto, spese non fatturate… (la descrizione e "
                               f"la causale, fino a {REASON_LENGTH} caratteri) / why: price revised, charges not "
                               f"billed… (the line and the reason, up to {REASON_LENGTH} characters)."),
    rate: str | None = typer.Option(None, "--rate", help="L'aliquota IVA della fattura da applicare, se ne ha più di "
                                    "una / the invoice's VAT rate to apply, when it has several: 22, 10, N3.5."),
    date: str | None = typer.Option(None, "--date", help="Data della nota di debito (default oggi) / the debit "
                                    "note's date (default today)."),
    out: Path | None = output.out_file(None, help="Stampa la nota di debito in questo file .xlsx / print the "
                                       "debit note to this workbook."),
    again: bool = typer.Option(False, "--again", help="Emetti la nota anche se una sulla stessa fattura è registrata "
                               "e mai stampata / issue the note even when one on the same invoice is recorded and "
                               "never printed (a second note charges again)."),
    json: bool = JsonOption,
    verbose: bool = VerboseOption, ledger: str | None = LedgerOption, wait: float = WaitOption, lang: str | None = LangOption,
) -> None:
    """Nota di debito (TD05) su una fattura: un importo in più, numerato fra le fatture e dovuto come loro.
    Debit note (TD05) on an invoice: an amount more, numbered among the invoices and due as they are."""
    from toolkit.basics.limits import AMOUNT
    from toolkit.core.debit_notes import BAD_AMOUNT, amount_typed
    from toolkit.services.debit_notes import DEBITED_NOT_PRINTED, debit

    text = _causale(reason)
    money = amount_typed(amount)
    if money is None:
        said = BAD_AMOUNT(None, typed=amount, **AMOUNT.params(amount))
        raise typer.BadParameter(f"{said.message('it')} / {said.message('en')}", param_hint="--amount")
    _issue_note(workbook, ledger, lang, wait, date, out, json, DEBITED_NOT_PRINTED,
                lambda session, day, today: debit(session.ledger, session.master, invoice, money, rate, text, day,
                                                  today, out=out, lang=output.lang(), workbook=workbook, again=again),
                lambda result: {"debit_note": invoice_json(result.note) if result.note else None,
                                "invoice": result.invoice or invoice, "file": result.printed})


# ---- payments


@payments_app.command("record")
def record_cmd(
    workbook: Path = WorkbookArg,
    invoice: str = typer.Option(..., "--invoice", help="Numero fattura / invoice number: FT-2026-00001."),
    date: str = typer.Option(..., "--date", help="Data dell'incasso / payment date."),
    amount: str = typer.Option(..., "--amount", help="Importo / amount: 1234,56 (negativo solo per il rimborso di "
                               "una nota di credito; un incasso sbagliato si annulla con payments void / negative only "
                               "to refund a credit note; a wrong payment is undone with payments void)."),
    method: str | None = typer.Option(None, "--method", help=f"Modalità / method: {METHODS.words()}."),
    reference: str | None = typer.Option(None, "--reference", help="Riferimento (CRO, TRN) / reference."),
    json: bool = JsonOption,
    verbose: bool = VerboseOption, ledger: str | None = LedgerOption, wait: float = WaitOption, lang: str | None = LangOption,
) -> None:
    """Registra un incasso su una fattura. Record a payment on an invoice."""
    from toolkit.core.payments import PaymentEntry

    chosen = output.chosen(METHODS, method, "--method") if method else None
    session = open_session(workbook, ledger, lang, wait)
    value = _amount(amount)
    from toolkit.services.payments import record

    entry = PaymentEntry(invoice, parse_day(date), value, chosen, reference)
    _report_recorded(record(session.ledger, [entry]), json, session)


def _amount(text: str) -> Decimal:
    """`--amount` as euro and cents, or a usage error saying how to write it."""
    from toolkit.basics.limits import AMOUNT
    from toolkit.basics.money import NotANumber, cents, to_decimal, with_exponent

    if with_exponent(text):
        raise typer.BadParameter(f"«{text}»: scrivi l'importo per intero, come 1000 o 1234,56, senza esponente; "
                                 f"nulla è stato registrato / write the amount in full, like 1000 or 1234.56, "
                                 "without an exponent; nothing was stored", param_hint="--amount")
    try:
        value = to_decimal(text)
    except NotANumber:
        raise typer.BadParameter(f"«{text}»: scrivi un importo come 1234,56 / write an amount like 1234.56",
                                 param_hint="--amount") from None
    if not AMOUNT.admits(value) or value != cents(value):
        raise typer.BadParameter(f"«{text}»: scrivi un importo in euro e centesimi fino a {AMOUNT.shown('it')} / "
                                 f"write an amount in euro and cents up to {AMOUNT.shown('en')}",
                                 param_hint="--amount")
    return value


@payments_app.command("void")
def void_cmd(
    workbook: Path = WorkbookArg,
    invoice: str = typer.Option(..., "--invoice", help="Numero fattura / invoice number: FT-2026-00001."),
    date: str = typer.Option(..., "--date", help="Data dell'incasso come registrata / payment date as recorded."),
    amount: str = typer.Option(..., "--amount", help="Importo come registrato / amount as recorded: 1234,56."),
    reference: str | None = typer.Option(None, "--reference", help="Riferimento, se due incassi uguali / reference, "
                                         "when two payments are alike."),
    json: bool = JsonOption, ledger: str | None = LedgerOption, wait: float = WaitOption, lang: str | None = LangOption,
) -> None:
    """Annulla un incasso registrato male: registra lo storno, la storia resta. Void a payment recorded wrong: its
    reversal is recorded, the history stays."""
    from toolkit.core.payments import PaymentEntry
    from toolkit.services.payments import void

    session = open_session(workbook, ledger, lang, wait)
    entry = PaymentEntry(invoice, parse_day(date), _amount(amount), reference=reference)
    result = void(session.ledger, entry)
    problems = session.warnings + result.problems
    if json:
        output.reply({"voided": result.voided}, problems)
    else:
        output.print_problems(problems)
        if said := result.summary(output.lang()):
            typer.echo(said)
    output.exit_for(problems)


def _report_recorded(result: Recorded, json: bool, session: Session) -> None:
    problems = with_check(session, result.problems)
    if json:
        output.reply({"recorded": result.recorded, "duplicates": result.duplicates, "repeated": result.repeated},
                     problems)
    else:
        output.print_problems(problems)
        if said := result.summary(output.lang()):
            typer.echo(said)
    output.exit_for(problems)


@payments_app.command("import")
@output.with_progress("Importazione incassi", "Importing payments")
def import_cmd(workbook: Path = WorkbookArg,
               file: Path = typer.Argument(..., help="Foglio o CSV degli incassi / payments sheet or CSV: "
                                           "Fattura, Data, Importo[, Modalità, Riferimento]."),
               json: bool = JsonOption, verbose: bool = VerboseOption, ledger: str | None = LedgerOption,
               wait: float = WaitOption, lang: str | None = LangOption) -> None:
    """Importa gli incassi da un foglio o CSV; una riga già nel registro non è registrata di nuovo, due righe
    uguali senza riferimento sono rifiutate. Import payments from a sheet or CSV; a row already in the ledger is
    not recorded again, two rows alike without a reference are refused."""
    from toolkit.services.payments import import_file

    session = open_session(workbook, ledger, lang, wait)
    _report_recorded(import_file(session.master, session.ledger, file), json, session)


@payments_app.command("status")
@output.with_progress("Scadenzario", "Payment status")
def status_cmd(workbook: Path = WorkbookArg,
               unpaid: bool = typer.Option(False, "--unpaid", help="Solo le non pagate / only those not paid in full."),
               paid: bool = typer.Option(False, "--paid", help="Solo le pagate / only those paid in full."),
               customer: str | None = typer.Option(None, "--customer", help="Solo questo cliente / only this customer."),
               as_of: str | None = typer.Option(None, "--as-of", help="Situazione a questa data (default oggi) / "
                                                "status as of this date (default today)."),
               out: Path | None = output.out_file(None, help="Scadenzario .xlsx da scrivere / workbook to write."),
               json: bool = JsonOption,
               verbose: bool = VerboseOption, ledger: str | None = LedgerOption, lang: str | None = LangOption) -> None:
    """Monitoraggio pagamenti: pagato, incassato, da incassare, prossima scadenza. Payment monitoring."""
    from toolkit.basics.dates import today_rome
    from toolkit.basics.files import check_output
    from toolkit.core.payments import Show
    from toolkit.services.payments import status
    from toolkit.services.session import customers_on_record

    if paid and unpaid:
        raise typer.BadParameter("--paid o --unpaid, non entrambi / not both", param_hint="--paid")
    if out is not None:
        check_output(out, kind="payments", inputs=(workbook,))
    session = open_session(workbook, ledger, lang)
    customer = customer_code(session.master, customer, on_record=lambda: customers_on_record(session.ledger))
    day = parse_day(as_of, "--as-of") if as_of else today_rome()
    result = status(session.master, session.ledger, day, Show.UNPAID if unpaid else Show.PAID if paid else Show.ALL,
                    customer=customer, out=out, lang=output.lang())
    rows, path = result.rows, result.file
    if json:
        output.reply({"as_of": day, "file": path, "invoices": [
            {"number": r.number, "kind": r.kind, "date": r.invoice_date, "customer": r.customer, "total": r.total,
             "collected": r.collected, "credited": r.credited, "outstanding": r.outstanding, "paid": r.paid,
             "refunded_beyond": r.refunded_beyond,
             "next_due": r.next_due, "next_due_amount": r.next_due_amount, "days_to_due": r.days_to_due}
            for r in rows]}, session.warnings)
        return
    from toolkit.cli.tables import print_payments

    print_payments(rows, output.lang())
    if path:
        typer.echo(str(path))


def register(app: typer.Typer) -> None:
    app.add_typer(invoice_app, name="invoice")
    app.add_typer(payments_app, name="payments")


def undone_said(undone: int, lang: str) -> str:
    """What `invoice undo` answers, its count agreeing with its noun (*Annullato 1 documento*)."""
    if lang == "it":
        return (f"{'Annullato' if undone == 1 else 'Annullati'} {wording.count(undone, 'documento', 'documenti')}; "
                "la numerazione riprende dal primo.")
    return f"Undid {wording.count(undone, 'document', 'documents')}; numbering resumes from the first."


def finalized_said(finalized: int, lang: str) -> str:
    """What `invoice finalize` answers: *1 documento ora definitivo*, *3 documenti ora definitivi*."""
    if lang == "it":
        return f"{wording.count(finalized, 'documento ora definitivo', 'documenti ora definitivi')}."
    return f"{wording.count(finalized, 'document is', 'documents are')} now final."
