"""`toolkit demo`: a whole month on the bundled sample, into one output folder.

It is the first thing a new user runs, so it does what a sales desk does in April 2026: every
working day, create the day's orders and ship them; at month end, issue the deferred invoices
citing the DDTs as final, write the month's electronic invoices (FatturaPA XML, and the zip
for SDI), the accountants' workbook, and the payment schedule. Run it again and
nothing is created, shipped or invoiced twice — the ledger beside the sample remembers; the
days before its latest DDT are not shipped again, as a DDT dated back would be refused.

The service says how far it got through callbacks and returns a `Tally`; the command line
draws the progress bar and prints the tally's summary, then every error a step met (a day an
error refused creates none of its orders), exit 1 when there was one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.basics.problems import Problem, ProblemsFound, UnusableInput, define
from toolkit.basics.wording import count, euro

if TYPE_CHECKING:
    from toolkit.ledger import Ledger
    from toolkit.model.records import MasterData

MONTH = (date(2026, 4, 1), date(2026, 4, 30))
CLOSING_DAY = date(2026, 5, 4)
"""The first working day after April: when the month is closed and invoiced."""
WARNINGS_FILE = "avvisi.xlsx"
"""Where the demo writes the warnings its month met, one row each: the terminal counts them."""
CHECK_FILE = "controllo-dati.xlsx"
"""Where the demo writes the sample's data check."""
OF_TODAY = frozenset({"einvoice-immediate-late", "einvoice-immediate-due-soon"})
"""Warnings that measure April against the day the demo runs, not against April's own days: the
demo relives April 2026 whenever it is run, so every immediate invoice it issues and writes is
past its 12 days at SDI (`core.einvoice.deadline`), one warning per day of the month that says
nothing about the sample; run in May 2026, its days would name April's invoices still to write
as due soon."""

FOREIGN_LEDGER = define(
    "demo-foreign-ledger", "error",
    it="Il registro {url} contiene già documenti che non sono della demo: la demo crea ordini, DDT e fatture di "
       "prova e non li scrive in un registro in uso. Indica un registro vuoto con --ledger.",
    en="The ledger {url} already holds documents that are not the demo's: the demo creates sample orders, DDTs "
       "and invoices and does not write them into a ledger in use. Give an empty ledger with --ledger.")

DEMO_FOLDER = ("Indica un'altra cartella a toolkit demo --out", "Give toolkit demo --out another folder")
"""What the demo asks for when its folder holds a master workbook it may not replace."""

Progress = Callable[[str, int, int], None]
"""Told (what, steps done, steps in all) when the month starts and after each step."""


@dataclass
class Tally:
    """What this run added to the ledger (counted there, so documents made at once count too)."""

    orders: int = 0
    existing: int = 0
    ddts: int = 0
    invoices: int = 0
    einvoices: int = 0
    """XML files written: every final invoice and credit note of April, written again on a rerun."""
    open_orders: int = 0
    discount_notes: list[str] = field(default_factory=list)
    """The credit notes April's volume discounts issued (none on a rerun: settled once)."""
    commissions: list[tuple[str, Decimal]] = field(default_factory=list)
    """Each agent's April commissions."""
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    """What stopped a step: a day whose orders an error refused created none of them, so the
    month's counts are short and the summary, and the exit code, must say why."""
    files: list[Path] = field(default_factory=list)

    def met(self, problems: Iterable[Problem]) -> None:
        """Keep a step's problems: errors once each (a price rule below its limit is met again
        on every day of the month, each day named in its message), warnings as they came."""
        for p in problems:
            if p.code in OF_TODAY:
                continue
            if not p.is_error:
                self.warnings.append(p)
            elif p not in self.errors:
                self.errors.append(p)

    def summary(self, lang: str) -> list[str]:
        """The lines the demo ends with: what was made, what is still open, where the files are."""
        it = lang == "it"
        lines = [
            (f"Aprile 2026: {count(self.orders, 'ordine creato', 'ordini creati')} ({self.existing} già "
             f"{'esistente' if self.existing == 1 else 'esistenti'}), {self.ddts} DDT, "
             f"{count(self.invoices, 'fattura o nota di credito', 'fatture e note di credito')} (differite a fine "
             f"mese, immediate per i banchi e i prepagati)." if it else
             f"April 2026: {count(self.orders, 'order', 'orders')} created ({self.existing} already existed), "
             f"{count(self.ddts, 'DDT', 'DDTs')}, {count(self.invoices, 'invoice or credit note', 'invoices and credit notes')} "
             f"(deferred at month end, immediate for counter and prepaid orders)."),
            (f"Fatture elettroniche: {self.einvoices} file XML FatturaPA, e lo zip per lo SDI." if it else
             f"Electronic invoices: {self.einvoices} FatturaPA XML files, and the zip for SDI."),
            (f"Da spedire a fine mese: {count(self.open_orders, 'ordine', 'ordini')} (giacenza, pagamento "
             "anticipato o fido): vedi pannello.xlsx." if it else
             f"Still to ship at month end: {count(self.open_orders, 'order', 'orders')} (stock, prepayment or credit): "
             "see pannello.xlsx."),
        ]
        lines += self.rebate_lines(lang)
        if self.errors:
            lines.append(
                f"{count(len(self.errors), 'errore incontrato', 'errori incontrati')}, elencati qui sotto: un giorno "
                "con un errore non crea nessuno dei suoi ordini, e i conti qui sopra sono più bassi del dovuto." if it
                else f"{count(len(self.errors), 'error', 'errors')} met, listed below: a day with an error creates none "
                "of its orders, and the counts above are lower than they should be.")
        lines += self.warning_lines(lang)
        if self.files:
            where = os.path.commonpath([p.resolve().parent for p in self.files])
            lines.append(("Risultati in: " if it else "Output in: ") + where)
        return lines


    def warning_lines(self, lang: str) -> list[str]:
        """How many warnings the month met, per kind (by its title, most first), and the file
        that lists every one: nearly two hundred were met and none was said, and one line each
        would bury the summary (a day's shipping holds dozens of orders for stock)."""
        if not self.warnings:
            return []
        from collections import Counter

        from toolkit.basics.problems import problem_type

        kinds = Counter(p.code for p in self.warnings).most_common()
        opened, closed = ("«", "»") if lang == "it" else ("“", "”")
        each = ", ".join(f"{n} {opened}{problem_type(code).title(lang)}{closed}" for code, n in kinds)
        if lang == "it":
            return [f"{count(len(self.warnings), 'avviso', 'avvisi')} del mese ({each}): ognuno in {WARNINGS_FILE}."]
        return [f"{count(len(self.warnings), 'warning', 'warnings')} in the month ({each}): each one in {WARNINGS_FILE}."]

    def rebate_lines(self, lang: str) -> list[str]:
        """Volume discounts and commissions: the credit notes issued, the agents' total."""
        it = lang == "it"
        total = sum((amount for _, amount in self.commissions), Decimal(0))
        notes = ", ".join(self.discount_notes) or ("nessuna nuova" if it else "none new")
        return [
            (f"Sconti volume di aprile: note di credito {notes} (sconti/)." if it else
             f"April's volume discounts: credit notes {notes} (sconti/)."),
            (f"Provvigioni di aprile: {count(len(self.commissions), 'agente', 'agenti')}, {euro(total, lang)} "
             "(provvigioni/)." if it else
             f"April's commissions: {count(len(self.commissions), 'agent', 'agents')}, {euro(total, lang)} "
             "(provvigioni/)."),
        ]


def sample_line(workbook: Path, lang: str) -> str:
    """What the demo says first: where the sample it works on is."""
    return ("Anagrafiche d'esempio: " if lang == "it" else "Sample master workbook: ") + str(workbook)


def language(lang: str | None) -> str:
    """The demo's language: the one asked for, else Italian."""
    chosen = (lang or "it").lower()
    return chosen if chosen in ("it", "en") else "it"


def run_demo(out: Path, lang: str | None = None, *, ledger_url: str | None = None,
             sample_written: Callable[[Path], None] | None = None, progress: Progress | None = None) -> Tally:
    """Write the sample into `out`, check it (the report goes beside it), and run April on it.

    The ledger is the SQLite file beside the sample, or `ledger_url` (to try a team's PostgreSQL
    server): then it must be empty or one a demo made before, so that sample orders never
    reach a ledger in use."""
    from toolkit.services import check
    from toolkit.services.sample import write_sample
    from toolkit.services.session import start

    out = Path(out)
    lang = language(lang)
    refuse_desks_files(out, lang)
    sweep(out)
    workbook = write_sample(out, choose=DEMO_FOLDER)
    if sample_written is not None:
        sample_written(workbook)
    result = check.check_file(workbook)
    check.write_report(out / CHECK_FILE, result.problems, workbook, lang)
    if result.errors or result.master is None:
        raise ProblemsFound(result.problems)
    session = start(result, workbook, ledger_url)
    try:
        _claim(session.ledger)
        return month(session.master, session.ledger, out, lang, progress)
    finally:
        session.ledger.engine.dispose()


def _claim(ledger: Ledger) -> None:
    from toolkit.ledger.counts import claim_for_demo
    from toolkit.ledger.db import writing

    with writing(ledger) as conn:
        if not claim_for_demo(conn):
            raise UnusableInput(FOREIGN_LEDGER(None, url=ledger.url))


FIXED_NAMES = {CHECK_FILE: "data-check", WARNINGS_FILE: "data-check", "pannello.xlsx": "panel",
               "scadenzario.xlsx": "payments", "report-vendite.xlsx": "report", "report-scadenziario.xlsx": "report"}
"""The files the demo writes into its folder under names of its own, each with the kind of
output it is: a workbook of the desk's under one of these names is refused before the run."""


def refuse_desks_files(out: Path, lang: str = "it") -> None:
    """Refuse, before the sample or the ledger is written, a folder holding a workbook of the
    desk's (or another kind of ours) under a name the demo writes, in its subfolders too
    (`named_in_folders`), or one of those open in Excel (an earlier demo's panel): the check at
    each write refused it only there, the data check's after the sample, the warnings' list
    after the whole month, a day's orders on that day, its earlier days stored and printed."""
    from toolkit.basics.files import check_output

    check_output(out, kind=None, folder=True, names={**FIXED_NAMES, **named_in_folders(lang)})


def named_in_folders(lang: str) -> dict[str, str | None]:
    """The files the demo writes into its subfolders under names of their own (its folder's
    path before each), with their kinds: each day's orders and DDTs (every day of April: a day
    the sample does not work writes none, and no desk's file of April is left to a later day's
    refusal), the month's accountants' files and printable invoices, the volume discounts'
    accountants' workbook, the agents' statements and their summary (every agent the sample
    names: a customer's, a share's, a rule's), and
    the price lists derived from another (the sample's). The statements of volume discounts
    take a free name, replacing nothing; the e-invoices are named by the ledger's progressives."""
    from toolkit.basics.files import safe_name
    from toolkit.intake.sample import sample_rows
    from toolkit.services.invoicing import output_names
    from toolkit.writers.statements import commission_file, summary_file

    rows = sample_rows()
    first, last = MONTH
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    agents = sorted({str(agent) for agent in (*(a["agent"] for a in rows["customer_agents"]),
                                              *(c.get("sales_rep") for c in rows["customers"]),
                                              *(c.get("agent") for c in rows["commissions"])) if agent})
    derived = sorted({str(v["price_list"]) for v in rows["price_versions"] if v.get("base_list")})
    month = f"{first:%Y-%m}"
    return {
        **{f"ordini/ordini-{day:%Y-%m-%d}.xlsx": "orders" for day in days},
        **{f"ddt/ddt-{day:%Y-%m-%d}.xlsx": "ddt" for day in days},
        **{f"fatture/{name}": kind for name, kind in output_names(month, lang, copies=True, month=True).items()},
        **{f"sconti/{name}": kind for name, kind in output_names(f"sconti-{month}", lang).items()},
        **{f"provvigioni/{commission_file(agent, first, last)}": "statement" for agent in agents},
        f"provvigioni/{summary_file(first, last)}": "statement",
        **{f"listini/listino-{safe_name(code)}-{last:%Y-%m-%d}.xlsx": "prices" for code in derived},
    }


FOLDERS = ("ordini", "ddt", "fatture", "fatture-elettroniche", "listini", "sconti", "provvigioni")


def sweep(out: Path) -> None:
    """Remove what a demo killed half-way left over an hour ago: a writer's temporary file in
    a folder this run may write nothing into (its files all there) would stay otherwise."""
    from toolkit.basics.files import sweep_stale

    for folder in (out, *(out / name for name in FOLDERS)):
        sweep_stale(folder)


def month(master: MasterData, ledger: Ledger, out: Path, lang: str, progress: Progress | None = None) -> Tally:
    from toolkit.basics.dates import parse_month
    from toolkit.core.invoicing import InvoiceStatus, Period, Request
    from toolkit.core.payments import Show
    from toolkit.core.workdays import working_calendar
    from toolkit.ledger.counts import document_counts, latest_ddt_day
    from toolkit.ledger.db import reading
    from toolkit.services import einvoice, invoicing, payments
    from toolkit.services.orders import create, list_orders, panel
    from toolkit.services.shipping import ship

    def counts() -> tuple[int, int, int]:
        with reading(ledger) as conn:
            return document_counts(conn)

    tell = progress or (lambda what, done, total: None)
    calendar = working_calendar(master.settings, master.closures)
    days = [MONTH[0] + timedelta(days=i) for i in range((MONTH[1] - MONTH[0]).days + 1)]
    days = [d for d in days if calendar.is_working(d)]
    tally = Tally()
    before = counts()
    with reading(ledger) as conn:
        shipped_until = latest_ddt_day(conn)
    what, total = ("Aprile 2026" if lang == "it" else "April 2026"), len(days) + 1
    tell(what, 0, total)
    for done, day in enumerate(days, 1):
        made = create(master, ledger, day, with_catch_up=False, lang=lang)
        tally.existing += len(made.already_existing)
        tally.met(made.problems)
        issued = bool(made.notes)
        if shipped_until is None or day >= shipped_until:
            shipped = ship(master, ledger, day, all_open=True, lang=lang)
            tally.met(shipped.problems)
            issued = issued or bool(shipped.notes)
        tally.files += day_files(master, ledger, day, out, lang, orders=bool(made.created), ddts=issued)
        tell(what, done, total)
    first, last = parse_month(f"{MONTH[0]:%Y-%m}")
    invoiced = invoicing.run(ledger, master, Request(Period(first, last), CLOSING_DAY), status=InvoiceStatus.FINAL,
                              lang=lang)
    tally.met(invoiced.problems)
    discounts_and_commissions(master, ledger, out, lang, tally)
    tell(what, total, total)
    tally.orders, tally.ddts, tally.invoices = (after - earlier for after, earlier in zip(counts(), before))
    xml = einvoice.export(master, ledger, month=Period(first, last), out=out / "fatture-elettroniche", zip=True)
    tally.einvoices = len(xml.files)
    tally.met(xml.problems)
    tally.files += [*xml.files.values(), *xml.archives]
    orders = list_orders(ledger)
    copies = tally.invoices > 0 or not month_copies(out, lang).exists()
    tally.files += invoicing.export_month(master, ledger, Period(first, last), out / "fatture", lang,
                                          copies=copies).files
    tally.open_orders = sum(1 for o in orders if o.to_ship and o.status.value == "in-progress")
    tally.files.append(panel(master, ledger, out / "pannello.xlsx", lang, orders))
    schedule = payments.status(master, ledger, CLOSING_DAY, Show.ALL, out=out / "scadenzario.xlsx", lang=lang)
    tally.files += [schedule.file] if schedule.file is not None else []
    tally.files += demo_reports(master, ledger, out, lang)
    tally.files += derived_lists(master, out, lang)
    tally.files += month_warnings(out, tally.warnings, lang)
    return tally


def month_warnings(out: Path, warnings: list[Problem], lang: str) -> list[Path]:
    """The month's warnings in `WARNINGS_FILE`, one row each as the data check lists its
    problems; none, and an earlier run's file removed, when there were none (a rerun that
    makes nothing new meets none, and the last run's list would read as its own). Only the
    toolkit's list is removed: a workbook of the desk's under that name stays."""
    from toolkit.basics.files import made_for
    from toolkit.services import check

    target = out / WARNINGS_FILE
    if not warnings:
        if made_for(target) == "data-check":
            target.unlink(missing_ok=True)
        return []
    return [check.write_report(target, warnings, out / "anagrafiche.xlsx", lang)]


def month_copies(out: Path, lang: str) -> Path:
    """The month's printable invoices, `fatture/copie-fatture-2026-04.xlsx`: written, as a day's
    files are, when the run invoiced something or the file is missing, as printing them records
    them printed and a second print says *COPIA* on each: a rerun rewriting it would leave the
    desk copies where the first run gave originals."""
    from toolkit.writers.accountants import file_names

    names = file_names(f"{MONTH[0]:%Y-%m}", lang, copies=True, month=True)
    return out / "fatture" / next(name for name, kind in names.items() if kind == "invoices")


REPORT_HALVES = ((date(2026, 4, 16), date(2026, 4, 30)), (date(2026, 4, 1), date(2026, 4, 15)))
"""The demo's sales report: the second half of April, compared with the first (the period before)."""


def demo_reports(master: MasterData, ledger: Ledger, out: Path, lang: str) -> list[Path]:
    """Two reports of `toolkit report`: sales by customer and item for the second half of
    April against the first half, and the receivables still open on the closing day, by how
    late they are."""
    from toolkit.core.reports import Compare, Kind, Request
    from toolkit.services.reports import report

    (start, end), _ = REPORT_HALVES
    sales = report(master, ledger, Request(Kind.SALES, start, end, ("customer", "item"), Compare.PREVIOUS),
                   out / "report-vendite.xlsx", lang=lang)
    aging = report(master, ledger, Request(Kind.AGING, MONTH[0], CLOSING_DAY), out / "report-scadenziario.xlsx", lang=lang)
    return [p for p in (sales.file, aging.file) if p is not None]



def derived_lists(master: MasterData, out: Path, lang: str) -> list[Path]:
    """The prices of each price list derived from another (issue 17), as `toolkit prices` writes
    them, on the month's last day: `listini/listino-LIST-DAY.xlsx`. The sample's price rules
    need nothing here: the month's orders record which rule priced each line, and the order
    documents and the panel show it."""
    from toolkit.basics.files import inside, safe_name
    from toolkit.services.prices import prices

    derived = sorted({v.price_list for v in master.price_versions if v.derived})
    written = []
    for code in derived:
        target = inside(out / "listini", f"listino-{safe_name(code)}-{MONTH[1]:%Y-%m-%d}.xlsx")
        listing = prices(master, code, MONTH[1], out=target, lang=lang)
        written += [listing.file] if listing.file is not None else []
    return written


def discounts_and_commissions(master: MasterData, ledger: Ledger, out: Path, lang: str, tally: Tally) -> None:
    """April's volume discounts settled as credit notes dated the month's last day (so they go
    with April's e-invoices and accountants' workbook), each customer's statement in
    `sconti/`, and April's commissions settled on the same day, each agent's statement and their
    summary in `provvigioni/`, so `commissions --reprint` gives them back as a desk's would. A
    rerun settles nothing: the ledger records each settlement, and the settled statements are
    written again from it (`commissions.reprint`), any file a killed run missed with them."""
    from toolkit.core.volume_discounts import parse_period
    from toolkit.services import commissions, discounts

    settled = discounts.run(ledger, master, parse_period(f"{MONTH[0]:%Y-%m}"), MONTH[1], CLOSING_DAY,
                            out=out / "sconti", lang=lang)
    tally.met(settled.problems)
    tally.discount_notes = [x.number or "" for x in settled.credit_notes]
    tally.files += settled.files
    made = commissions.compute(ledger, master, MONTH[0], MONTH[1], out=out / "provvigioni", lang=lang,
                               settle=True, today=CLOSING_DAY)
    if any(p.code == commissions.ALREADY_SETTLED.code for p in made.problems):
        again = commissions.reprint(ledger, master, MONTH[0], MONTH[1], out / "provvigioni", lang=lang)
        tally.met(again.problems)
        tally.commissions = [(s.agent, s.total) for s in again.statements]
        tally.files += again.files
        return
    tally.met(made.problems)
    tally.commissions = [(s.agent, s.total) for s in made.statements]
    tally.files += made.files


def day_files(master: MasterData, ledger: Ledger, day: date, out: Path, lang: str, *, orders: bool,
              ddts: bool) -> list[Path]:
    """The day's documents printed from the ledger: `ordini/ordini-DAY.xlsx` holds every order
    of the day, `ddt/ddt-DAY.xlsx` every DDT dated that day (those issued with the orders too).

    A file is written when this run added documents of its kind to the day, or when it is
    missing: a run killed after the ledger's commit but before the file, then run again,
    creates nothing, yet the file appears, the same as an uninterrupted run writes it.
    """
    from toolkit.services.printing import Selection, select, write_and_mark

    written: list[Path] = []
    for kind, fresh, path in (("orders", orders, out / "ordini" / f"ordini-{day:%Y-%m-%d}.xlsx"),
                              ("ddt", ddts, out / "ddt" / f"ddt-{day:%Y-%m-%d}.xlsx")):
        if not fresh and path.exists():
            continue
        documents, _ = select(ledger, kind, Selection(first=day, last=day))
        if documents:
            written.append(write_and_mark(ledger, master, kind, documents, path, lang))
    return written
