"""Settling volume discounts at period end: `toolkit discounts settle WORKBOOK --period P`.

One write transaction: read the period's final invoices, leave out what is already settled,
plan the credit notes (`toolkit.core.volume_discounts`), check that their date keeps numbers in
date order in the credit-note series (the rule month-end invoicing enforces) and strands no
document an order created ahead still holds for its day (`stranded_by`), store them final
with the invoices they cite, record each settlement, and write the statements. If anything
fails the transaction rolls back: no number is used, nothing is settled. Settling the same
period again finds every discount settled and issues nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Connection

from toolkit.basics.files import Staged, check_output, staged_output
from toolkit.basics.problems import Problem, define, errors
from toolkit.basics.wording import CREDIT_NOTES, Agreed, Counted, count, first_numbers
from toolkit.core.credit_notes import MixedSplit
from toolkit.core.discount_statements import DiscountStatement, statement_of
from toolkit.core.invoicing import Invoice, InvoiceStatus, drafts_left_out
from toolkit.core.volume_discounts import Discount, Settlement, SettlementPeriod, discounts, settle
from toolkit.ledger import Ledger
from toolkit.ledger.credit_notes import split_payments
from toolkit.ledger.db import reading, writing
from toolkit.ledger.invoices import load_invoices, store
from toolkit.ledger.settlements import (
    drafts_between,
    kept_statements,
    record_settlements,
    settled,
    settlement_notes,
    settling_credits,
    settling_invoices,
    waiting_between,
)
from toolkit.model.parties import party_book
from toolkit.model.records import MasterData
from toolkit.services.invoicing import (
    chronology_problems,
    new_run_id,
    output_names,
    refused_after_draft_runs,
    stranded_by,
)
from toolkit.services.session import documents_off_the_sheet

PERIOD_OPEN = define(
    "discount-period-open", "error",
    it="Il periodo {period} finisce il {end}: gli sconti volume si liquidano a periodo chiuso, con una data "
       "(--date) dal {end} in poi.",
    en="Period {period} ends on {end}: volume discounts are settled once it is over, with a date (--date) from "
       "{end} on.")
DATE_IN_FUTURE = define(
    "discount-date-in-future", "error",
    it="La data {day} è successiva a oggi ({today}): le note di credito non si datano nel futuro.",
    en="Date {day} is after today ({today}): credit notes are not dated in the future.")
NO_DISCOUNTS = define(
    "no-volume-discounts", "warning",
    title=("Nessuno sconto volume da liquidare", "No volume discount to settle"),
    it="Nel foglio Sconti volume non c'è uno sconto per {kind}: niente da liquidare per {period}.",
    en="The Volume discounts sheet has no discount by {kind}: nothing to settle for {period}.")
DRAFTS_LEFT_OUT = define(
    "discount-drafts-left-out", "warning",
    title=("Fatture in bozza escluse dallo sconto volume", "Draft invoices left out of the volume discount"),
    it="{count} del periodo {period} {are} ({numbers}): {finalize} (toolkit invoice finalize) prima di liquidare.",
    en="{count} of period {period} {are} ({numbers}): {finalize} (toolkit invoice finalize) before settling.")
NOT_INVOICED = define(
    "discount-deliveries-not-invoiced", "warning",
    title=("DDT del periodo non ancora fatturati", "DDTs of the period not invoiced yet"),
    it="{count} del periodo {period} di clienti con uno sconto volume {are} ({customers}: {numbers}): lo "
       "sconto conta solo le fatture definitive, e le fatture di quei DDT datate nel periodo non saranno "
       "contate da una liquidazione successiva (il periodo liquidato non si liquida di nuovo). Emetti e rendi "
       "definitive le fatture del periodo (toolkit invoice --month, poi toolkit invoice finalize), poi liquida.",
    en="{count} of period {period} of customers with a volume discount {are} ({customers}: {numbers}): the "
       "discount counts final invoices only, and the invoices of those DDTs dated in the period will not be "
       "counted by a later settlement (a period settled is not settled again). Issue and finalize the period's "
       "invoices (toolkit invoice --month, then toolkit invoice finalize), then settle.")
UNKNOWN_CUSTOMERS = define(
    "discount-unknown-customer", "warning",
    title=("Fatture di clienti tolti dal foglio Clienti", "Invoices of customers taken off the Customers sheet"),
    it="{count} del periodo {period} {are} di clienti che non sono più nel foglio Clienti ({customers}: {numbers}): "
       "i loro sconti volume non sono liquidati. Rimetti la riga del cliente e liquida di nuovo il periodo: si "
       "emette solo ciò che manca.",
    en="{count} of period {period} {are} of customers no longer on the Customers sheet ({customers}: {numbers}): "
       "their volume discounts are not settled. Put the customer's row back and settle the period again: only "
       "what is missing is issued.")
HELD_BEFORE_SETTLEMENT = define(
    "discount-order-invoice-held", "error",
    it="L'ordine {number} del cliente {customer}, creato in anticipo, ha {what_it} ancora in attesa del suo giorno "
       "({day}), prima della data delle note di credito degli sconti volume ({run_day}) nella stessa serie: emessa "
       "dopo di loro sarebbe datata prima (nella serie {series} {year} i numeri seguono le date) e ogni «toolkit "
       "orders create» e «toolkit ship» la rifiuterebbe, quindi non è stato registrato nulla. Emetti prima i "
       "documenti attesi con «toolkit orders create {workbook} --date {day}» (per un giorno già creato emette solo "
       "quelli), poi liquida di nuovo gli sconti.",
    en="Order {number} of customer {customer}, created ahead, still has {what_en} waiting for its day ({day}), "
       "before the date of the volume discounts' credit notes ({run_day}) in the same series: issued after them it "
       "would be dated before them (in series {series} {year} numbers follow dates) and every “toolkit orders "
       "create” and “toolkit ship” would refuse it, so nothing was stored. Issue the waiting documents first with "
       "“toolkit orders create {workbook} --date {day}” (for a day already created it issues only those), then "
       "settle the discounts again.")

STATEMENT_NOT_KEPT = define(
    "discount-statement-not-kept", "warning",
    title=("Estratti sconto volume non conservati", "Volume discount statements not kept"),
    it="Nessun estratto conservato per {count} del periodo {period}, {are} prima che il registro conservasse gli "
       "estratti ({settled}): non si ristampa come emesso. {notes} con «toolkit print fatture --numbers "
       "{numbers}».",
    en="No statement kept for {count} of period {period}, {are} before the ledger kept statements ({settled}): "
       "none prints again as issued. {notes} again with “toolkit print invoices --numbers {numbers}”.")
NOTHING_SETTLED = define(
    "discount-nothing-settled", "warning",
    title=("Nessuno sconto volume liquidato", "No volume discount settled"),
    it="Il registro non ha sconti volume liquidati per il periodo {period}: nessun estratto da ristampare.",
    en="The ledger has no volume discount settled for period {period}: no statement to print again.")

KIND_WORDS = {"month": ("mese", "month"), "quarter": ("trimestre", "quarter"), "year": ("anno", "year")}


@dataclass(frozen=True)
class Settled:
    period: SettlementPeriod
    settlements: list[Settlement]
    """What was settled now (or would be, in a preview), zero discounts included."""
    already: dict[tuple[str, str], str]
    """(discount, customer) → the credit note that settled it before."""
    credit_notes: list[Invoice]
    problems: list[Problem]
    preview: bool = False
    files: list[Path] = field(default_factory=list)

    def summary(self, lang: str) -> str:
        it, n = lang == "it", len(self.credit_notes)
        notes = CREDIT_NOTES.counted(n, lang)
        if self.preview:
            return (f"Anteprima {self.period.name}: {notes}, nulla è stato scritto." if it
                    else f"Preview {self.period.name}: {notes}, nothing was written.")
        if errors(self.problems):
            return ("Nessuna nota di credito emessa: correggi i problemi indicati." if it
                    else "No credit note was issued: fix the problems listed.")
        done = f", {count(len(self.already), 'già liquidato', 'già liquidati')}" if it and self.already else (
            f", {len(self.already)} settled before" if self.already else "")
        return (f"Sconti volume {self.period.name}: {'emessa' if n == 1 else 'emesse'} {notes}{done}." if it
                else f"Volume discounts {self.period.name}: issued {notes}{done}.")


def _checks(period: SettlementPeriod, day: date, today: date, master: MasterData) -> list[Problem]:
    problems = []
    if day > today:
        problems.append(DATE_IN_FUTURE(None, day=day, today=today))
    if day < period.end:
        problems.append(PERIOD_OPEN(None, period=period.name, end=period.end))
    if not any(d.period is period.kind for d in discounts(master.volume_discounts)):
        it, en = KIND_WORDS[period.kind.value]
        problems.append(NO_DISCOUNTS(None, kind=it, period=period.name))
    return problems


def run(ledger: Ledger, master: MasterData, period: SettlementPeriod, day: date, today: date, *,
        preview: bool = False, out: Path | None = None, lang: str,
        workbook: Path | str = "WORKBOOK") -> Settled:
    """Settle `period`'s volume discounts with credit notes dated `day` (or only plan them).
    `workbook` is the master as the desk named it, for the command a refusal advises; `asked`
    says how a refused `out` is asked for again (by default `--out DIR`)."""
    problems = _checks(period, day, today, master)
    if errors(problems):
        return Settled(period, [], {}, [], problems, preview)
    if out is not None and not preview:
        check_output(out, kind=None, folder=True, names=output_names(f"sconti-{period.name}", lang))
    customers = {c.code: c for c in master.customers}
    items = {x.code: x for x in master.items}
    found = discounts(master.volume_discounts)
    opened = reading(ledger) if preview else writing(ledger)
    with staged_output(out) if out is not None else nullcontext() as staged, opened as conn:
        drafts = drafts_between(conn, period.start, period.end)
        if drafts:
            problems.append(DRAFTS_LEFT_OUT(None, period=period.name, **drafts_left_out(drafts)))
        problems += _not_invoiced(conn, master, period, found)
        already = settled(conn, period.start)
        invoices = settling_invoices(conn, period.start, period.end)
        credits = settling_credits(conn, period.start, period.end)
        problems += _unknown_customers(invoices, master, period, found)
        planned = [s for s in settle(found, customers, items, invoices, period, day, lang, credits)
                   if (s.discount.code, s.customer) not in already]
        planned, mixed = _one_setting(conn, planned)
        notes = [s.credit_note for s in planned if s.credit_note is not None]
        problems += (chronology_problems(conn, master.settings, notes)
                     + refused_after_draft_runs(conn, master.settings, notes, workbook,
                                                "le note di credito degli sconti", "the discounts' credit notes")
                     + _strands_held(conn, master, notes, workbook))
        if errors(problems) or preview or not notes:
            return Settled(period, planned if not errors(problems) else [], already, notes if preview else [],
                           problems + mixed, preview)
        stored = store(conn, master, notes, InvoiceStatus.FINAL, new_run_id(day), lang=lang)
        by_settlement = iter(stored)
        issued, statements, rows = [], [], []
        seller = party_book(master).seller
        for s in planned:
            if s.credit_note is None:
                issued.append(s)
                continue
            note = next(by_settlement)
            made = Settlement(s.discount, s.customer, s.period, s.counted, s.base, s.quantity, s.reached,
                              s.shares, s.amount, note)
            issued.append(made)
            statements.append(statement_of(made, customers[s.customer].name, seller, lang))
            assert note.id is not None
            rows.append((s.discount.code, s.customer, period.start, period.end, s.base, s.quantity, s.amount, note.id,
                         statements[-1].text()))
        record_settlements(conn, rows)
        files = _write(conn, staged, master, period, statements, lang) if staged is not None else []
    return Settled(period, issued, already, stored, problems + mixed, preview, files)


def _not_invoiced(conn: Connection, master: MasterData, period: SettlementPeriod,
                  found: Sequence[Discount]) -> list[Problem]:
    """A warning naming the DDTs of the period still waiting for a final invoice, of customers a
    discount of the period's kind may fit: settled now, their goods would never count."""
    kind = [d for d in found if d.period is period.kind]
    fits = {c.code for c in master.customers
            if any(d.customer in (None, c.code) and d.group in (None, c.group) for d in kind)}
    waiting = {c: ddts for c, ddts in waiting_between(conn, period.start, period.end).items() if c in fits}
    if not waiting:
        return []
    numbers = [n for ddts in waiting.values() for n in ddts]
    n = len(numbers)
    return [NOT_INVOICED(None, period=period.name, customers=", ".join(waiting), numbers=first_numbers(numbers),
                         count=Counted(n, ("DDT", "DDT"), ("DDT", "DDTs")),
                         are=Agreed(n, ("non è ancora su una fattura definitiva",
                                        "non sono ancora su una fattura definitiva"),
                                    ("is on no final invoice yet", "are on no final invoice yet")))]


def _unknown_customers(invoices: list[Invoice], master: MasterData, period: SettlementPeriod,
                       found: Sequence[Discount]) -> list[Problem]:
    """The period's documents of customers taken off *Clienti*: their discounts cannot be
    settled (group, payment terms and VAT treatment are on the row), and would be missed unsaid."""
    gone = documents_off_the_sheet(master, [x for x in invoices if period.start <= x.invoice_date <= period.end])
    if not gone or not any(d.period is period.kind for d in found):
        return []
    return [UNKNOWN_CUSTOMERS(None, **gone, period=period.name)]


def _one_setting(conn: Connection, planned: list[Settlement]) -> tuple[list[Settlement], list[Problem]]:
    """The settlements whose note cites invoices all issued with split payment or all without,
    and the error of each other: a note follows the invoices it corrects (`as_corrected`), so
    one over both cannot be issued. Left out alone, with its error: the other customers'
    discounts are settled, and settling the period again tries it again."""
    cited = {c.id for s in planned if s.credit_note is not None for c in s.credit_note.cites}
    if not cited:
        return planned, []
    bore = split_payments(conn, cited)
    kept, refused = [], []
    for s in planned:
        cites = s.credit_note.cites if s.credit_note is not None else ()
        if (mixed := MixedSplit.among([(c.number, bool(bore.get(c.id))) for c in cites])) is not None:
            refused.append(mixed.problem(s.customer))
        else:
            kept.append(s)
    return kept, refused


def _strands_held(conn: Connection, master: MasterData, notes: list[Invoice], workbook: Path | str
                  ) -> list[Problem]:
    """Notes dated after the day of an order created ahead whose document issued at once waits in
    their series would leave it no number in date order and lock the desk (`stranded_by`):
    refused, as month end and `invoice credit` refuse."""
    from toolkit.services.printing import quoted

    return [HELD_BEFORE_SETTLEMENT(None, **x.stranding, workbook=quoted(str(workbook)))
            for x in stranded_by(conn, master, notes)]


def _write(conn: Connection, staged: Staged, master: MasterData, period: SettlementPeriod,
           statements: list[DiscountStatement], lang: str) -> list[Path]:
    """The statements of the settlements issued now, and the accountants' workbook of every
    credit note that settled the period, those of an earlier settlement of it too, read back
    from the ledger: the file is the period's (`fatture-sconti-PERIOD.xlsx`), the one an
    accountant is handed, so a second settlement (a discount added to the sheet, a customer's
    invoices finalized since) rewrites it whole, never with its own notes alone. A statement
    is one settlement's, issued once: it never replaces another's file, a customer's second
    discount of the period taking the next free name (`write_discount_statements`). All are
    made aside and placed inside the settlement's transaction (`staged_output`): a file that
    cannot be written stores nothing and leaves the folder as it was."""
    from toolkit.writers.accountants import write_accountants
    from toolkit.writers.statements import write_discount_statements

    notes = period_notes(conn, period)
    made = [*write_discount_statements(staged.folder, statements, lang, beside=staged.target),
            *write_accountants(staged.folder, master, notes, f"sconti-{period.name}", lang)]
    return [staged.place(path, path.name) for path in made]


def period_notes(conn: Connection, period: SettlementPeriod) -> list[Invoice]:
    """Every credit note that settled `period`, whichever settlement issued it: what the
    period's accountants' workbook holds."""
    return load_invoices(conn, ids=settlement_notes(conn, period.start, period.end))


@dataclass(frozen=True)
class Reprinted:
    """The statements of a settled period written again (`reprint`)."""

    period: SettlementPeriod
    settled: dict[tuple[str, str], str]
    """(discount, customer) → the credit note that settled it, for every settlement of the period."""
    files: list[Path]
    """The statements, then the accountants' workbook and register of the period's credit notes."""
    problems: list[Problem]
    statements: int = 0

    def summary(self, lang: str) -> str:
        n = self.statements
        if lang == "it":
            return f"Sconti volume {self.period.name}: {count(n, 'estratto ristampato', 'estratti ristampati')}."
        return f"Volume discounts {self.period.name}: {count(n, 'statement', 'statements')} printed again."


def reprint(ledger: Ledger, master: MasterData, period: SettlementPeriod, out: Path, *, lang: str,
            set_aside: Sequence[Problem] = ()) -> Reprinted:
    """Every statement of `period`'s settlements written again into `out` as it was issued, from
    what the ledger kept with each (`DiscountStatement`): the brackets, the customer's name, the
    seller and the documents counted as they were then, whatever *Sconti volume*, *Clienti*
    and *Impostazioni* say now, in the language it was settled in (`lang`, the run's, for one
    kept before its language was), and whatever credit notes were issued since. Nothing is
    settled. A settlement recorded before the ledger kept its statement is named in a
    warning, with the command that prints its credit note again. The period's accountants'
    workbook (`fatture-sconti-PERIOD.xlsx`, with its register) is written again beside them as
    the settlement wrote it, every credit note that settled the period in it (`_write`), in its
    latest settlement's language as kept with the statements (`lang` when none kept one). The
    workbook's errors `set_aside` (`session.start_reprint`) are told as warnings, unless in a part
    those credit notes read (`reprint_reads`)."""
    from toolkit.services.reprint_reads import gone_on_despite
    from toolkit.writers.accountants import write_accountants
    from toolkit.writers.statements import write_discount_statements

    with reading(ledger) as conn:
        kept = kept_statements(conn, period.start, period.end)
        notes = period_notes(conn, period)
    problems = gone_on_despite(set_aside, notes)
    settled = {(discount, customer): number for discount, customer, number, _ in kept}
    if not kept:
        problems.append(NOTHING_SETTLED(None, period=period.name))
    if missing := [(discount, customer, number) for discount, customer, number, text in kept if text is None]:
        n = len(missing)
        problems.append(STATEMENT_NOT_KEPT(
            None, period=period.name, numbers=",".join(number for _, _, number in missing),
            settled=first_numbers([f"{discount} {customer}" for discount, customer, _ in missing]),
            count=Counted(n, ("sconto", "sconti"), ("discount", "discounts")),
            are=Agreed(n, ("liquidato", "liquidati"), ("settled", "settled")),
            notes=Agreed(n, ("La nota di credito si ristampa", "Le note di credito si ristampano"),
                         ("Its credit note prints", "Their credit notes print"))))
    statements = [DiscountStatement.from_text(text) for _, _, _, text in kept if text is not None]
    files = write_discount_statements(out, statements, lang) if statements else []
    settled_in = next((s.lang for s in reversed(statements) if s.lang), lang)
    register = write_accountants(out, master, notes, f"sconti-{period.name}", settled_in) if notes else []
    return Reprinted(period, settled, [*files, *register], problems, len(files))
