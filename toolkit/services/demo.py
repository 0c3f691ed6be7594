"""`toolkit demo`: a whole month on the bundled sample, into one output folder.

It is the first thing a new user runs, so it does what a sales desk does in April 2026: every
working day, create the day's orders and ship them; at month end, issue the deferred invoices
citing the DDTs, write the accountants' workbook, and the payment schedule. Run it again and
nothing is created, shipped or invoiced twice — the ledger beside the sample remembers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress

from toolkit.cli import output
from toolkit.basics.problems import Problem, ProblemsFound

MONTH = (date(2026, 4, 1), date(2026, 4, 30))
CLOSING_DAY = date(2026, 5, 4)
"""The first working day after April: when the month is closed and invoiced."""


@dataclass
class Tally:
    """What this run added to the ledger (counted there, so documents made at once count too)."""

    orders: int = 0
    existing: int = 0
    ddts: int = 0
    invoices: int = 0
    open_orders: int = 0
    warnings: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def run_demo(out: Path, lang: str | None = None) -> Tally:
    from toolkit.services.sample import write_sample
    from toolkit.intake.validation import check_file
    from toolkit.writers.problems_report import write_problems_report

    out = Path(out)
    output.set_lang(lang)
    lang = output.lang()
    it = lang == "it"
    workbook = write_sample(out)
    typer.echo(("Anagrafiche d'esempio: " if it else "Sample master workbook: ") + str(workbook))
    result = check_file(workbook)
    write_problems_report(out / "controllo-dati.xlsx", result.problems, workbook, lang)
    if result.errors or result.master is None:
        raise ProblemsFound(result.problems)
    tally = month(result.master, workbook, out, lang)
    _summary(tally, result.master, lang)
    return tally


def month(master, workbook: Path, out: Path, lang: str) -> Tally:
    from toolkit.basics.dates import parse_month
    from toolkit.services.orders import create
    from toolkit.core.invoicing import Period, Request
    from toolkit.ledger import open_ledger
    from toolkit.ledger.db import reading
    from toolkit.ledger.deliveries import ship
    from toolkit.ledger.invoices import InvoiceStatus, load_invoices, run
    from toolkit.ledger.orders import load_orders
    from toolkit.ledger.payments import load_receivables
    from toolkit.core.payments import Show, monitor
    from toolkit.core.workdays import working_calendar
    from toolkit.writers.accountants import write_accountants
    from toolkit.writers.ddt import write_delivery_notes
    from toolkit.writers.orders_book import write_order_documents, write_panel
    from toolkit.writers.payments_status import write_payment_status

    ledger = open_ledger(None, workbook)
    calendar = working_calendar(master.settings, master.closures)
    days = [MONTH[0] + timedelta(days=i) for i in range((MONTH[1] - MONTH[0]).days + 1)]
    days = [d for d in days if calendar.is_working(d)]
    tally = Tally()
    before = _counts(ledger)
    it = lang == "it"
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Aprile 2026" if it else "April 2026", total=len(days) + 1)
        for day in days:
            made = create(master, ledger, day, with_catch_up=False)
            tally.existing += len(made.already_existing)
            tally.warnings += [p for p in made.problems if not p.is_error]
            if made.created:
                numbers = {r["number"] for r in made.created}
                with reading(ledger) as conn:
                    printed = [o for o in load_orders(conn, occurrence_from=day, occurrence_to=day) if o.number in numbers]
                tally.files.append(write_order_documents(out / "ordini" / f"ordini-{day:%Y-%m-%d}.xlsx", master, printed, lang))
            shipped = ship(master, ledger, day, all_open=True)
            tally.warnings += [p for p in shipped.problems if not p.is_error]
            if shipped.notes:
                tally.files.append(write_delivery_notes(out / "ddt" / f"ddt-{day:%Y-%m-%d}.xlsx", master, shipped.notes, lang))
            progress.advance(task)
        first, last = parse_month(f"{MONTH[0]:%Y-%m}")
        invoiced = run(ledger, master, Request(Period(first, last), CLOSING_DAY), status=InvoiceStatus.FINAL)
        tally.warnings += [p for p in invoiced.problems if not p.is_error]
        progress.advance(task)
    tally.orders, tally.ddts, tally.invoices = (after - earlier for after, earlier in zip(_counts(ledger), before))
    with reading(ledger) as conn:
        orders = load_orders(conn)
        april = [i for i in load_invoices(conn) if first <= i.invoice_date <= last]
    tally.files += write_accountants(out / "fatture", master, april, f"{first:%Y-%m}", lang, copies=True)
    tally.open_orders = sum(1 for o in orders if o.to_ship and o.status.value == "in-progress")
    tally.files.append(write_panel(out / "pannello.xlsx", master, orders, lang))
    receivables = load_receivables(ledger)
    tally.files.append(write_payment_status(out / "scadenzario.xlsx", master, monitor(receivables, CLOSING_DAY, Show.ALL),
                                            receivables, CLOSING_DAY, lang))
    ledger.engine.dispose()
    return tally


def _counts(ledger) -> tuple[int, int, int]:
    from sqlalchemy import func, select

    from toolkit.ledger import schema
    from toolkit.ledger.db import reading

    with reading(ledger) as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()  # type: ignore[return-value]
                     for t in (schema.orders, schema.deliveries, schema.invoices))


def _summary(tally: Tally, master, lang: str) -> None:
    it = lang == "it"
    lines = [
        (f"Aprile 2026: {tally.orders} ordini creati ({tally.existing} già esistenti), {tally.ddts} DDT, "
         f"{tally.invoices} fatture e note di credito (differite a fine mese, immediate per i banchi e i "
         f"prepagati)." if it else
         f"April 2026: {tally.orders} orders created ({tally.existing} already existed), {tally.ddts} DDTs, "
         f"{tally.invoices} invoices and credit notes (deferred at month end, immediate for counter and "
         f"prepaid orders)."),
        (f"Da spedire a fine mese: {tally.open_orders} ordini (giacenza, pagamento anticipato o fido): "
         "vedi pannello.xlsx." if it else
         f"Still to ship at month end: {tally.open_orders} orders (stock, prepayment or credit): see pannello.xlsx."),
    ]
    folders = sorted({str(p.parent) for p in tally.files})
    lines.append(("Risultati in: " if it else "Output in: ") + ", ".join(folders))
    for line in lines:
        typer.echo(line)
