"""Shipping: the DDTs of the chosen orders, issued in one write transaction, and printed.

The orders are read again inside the transaction, so what is still to ship is what the ledger
says now, not what a screen showed a minute ago; the core plans on those figures, the DDTs get
their progressive numbers per year (gap-free: drawn in the same transaction), and each order
found fully shipped becomes completed. The ledger's write lock makes two people shipping at
once run one after the other, and the second cannot ship what the first already did.

A DDT travels with the goods when they leave, so it is not dated after today (Rome's date):
a later date is refused unless the user says it is meant (`future`, `toolkit ship --future`).
That is a separate decision from shipping past a customer's credit limit (`force`): one flag
for both would let a user who means one do the other unasked. Orders that ship at once when
they are created (`ship_in`) carry their order's date.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

from sqlalchemy import Connection

from toolkit.basics import dates
from toolkit.basics.problems import Problem, ProblemsFound, define, errors
from toolkit.basics.runtime import collector_paused
from toolkit.basics.wording import DDTS, Agreed, Counted, Listed
from toolkit.core.delivery_rate import cut_lines
from toolkit.core.documents import DeliveryNote
from toolkit.core.einvoice.deadline import late_at_issue
from toolkit.core.exposure import Exposure
from toolkit.core.holds import as_before
from toolkit.core.invoicing import Invoice
from toolkit.core.letter_cited import uncited_sentence
from toolkit.core.orders import Order, OrderLine, OrderStatus, issued_on_their_day
from toolkit.core.reservations import NONE, Reservations
from toolkit.core.shipping import (
    AWAITING_PAYMENT,
    LINE_HELD,
    ORDER_HELD,
    PARTIAL_STOCK,
    ChosenRow,
    Held,
    OpenLine,
    PaymentSoFar,
    ShipmentDraft,
    choose_quantities,
    credit_limited,
    held_unread,
    invoiced_later,
    items_off_the_sheet,
    missing_stock,
    of_known_customers,
    once_per_item,
    plan_shipments,
    service_items,
    ships_after_payment,
    takes_nothing,
    units_changed,
)
from toolkit.ledger import Ledger
from toolkit.ledger.db import writing
from toolkit.ledger.deliveries import (
    available_stock,
    awaiting_payment,
    dated_after,
    later_ddts,
    paid_orders,
    store_drafts,
)
from toolkit.ledger.exposure import credit_exposures
from toolkit.ledger.orders import cuts_logged, load_orders, order_by_number, rate_again, reservations, set_statuses
from toolkit.ledger.shipments import due_orders, open_lines, stored_notes, with_lines
from toolkit.ledger.shipped_by_day import shipped_on
from toolkit.ledger.stock_counts import count_digest, note_seen, seen
from toolkit.model.parties import Buyer, party_book
from toolkit.model.records import MasterData, StockLevel
from toolkit.services import holds
from toolkit.services.copies_apart import apart, other_companies
from toolkit.services.dated_before_count import dated_before_count
from toolkit.services.intent_letters import open_orders_beyond
from toolkit.services.order_status import orders_named
from toolkit.services.sdi_due import due_at_sdi

STOCK_SHEET_EMPTY = define(
    "stock-sheet-empty", "warning",
    title=("Foglio Giacenze vuoto", "Stock sheet empty"),
    it="Il foglio {sheet} non ha righe: per il toolkit nessun articolo è in magazzino, quindi non parte nulla. "
       "Scrivi le giacenze (Articolo, Quantità), oppure, se non tieni il magazzino nel file, cancella il foglio "
       "{sheet}: ogni quantità ordinata sarà spedita.",
    en="The stock sheet {sheet} has no rows: to the toolkit no item is in stock, so nothing leaves. Write the "
       "stock (Item, Quantity), or, if you keep no stock in the workbook, delete the {sheet} sheet: every "
       "ordered quantity will ship.")
NOTHING_SELECTED = define(
    "ship-nothing-selected", "error",
    it="Scegli cosa spedire: --orders con i numeri d'ordine, --all per tutti gli ordini aperti fino alla data, "
       "oppure --quantities con il file delle quantità.",
    en="Choose what to ship: --orders with the order numbers, --all for every open order up to the date, "
       "or --quantities with the quantities file.")
DATE_IN_FUTURE = define(
    "ddt-date-in-future", "error",
    it="La data del DDT {day} è successiva a oggi ({today}): un DDT accompagna la merce quando parte, nulla è "
       "stato spedito. Usa la data di oggi o una passata; se la data futura è voluta, dalla riga di comando "
       "aggiungi --future.",
    en="The DDT date {day} is after today ({today}): a DDT travels with the goods when they leave, nothing was "
       "shipped. Use today's date or a past one; if the future date is intended, add --future on the command line.")
DATE_BEFORE_LATEST = define(
    "ddt-date-before-latest", "error",
    it="Il DDT sarebbe datato {day}, prima del {latest_number} del {latest_day} già emesso{returned}: nella serie {series} "
       "{year} i numeri seguono le date, e un DDT datato all'indietro prenderebbe un numero dopo il suo, quindi "
       "nulla è stato spedito. Spedisci con una data dal {latest_day} in poi (la merce che parte oggi va con la "
       "data di oggi).",
    en="The DDT would be dated {day}, before {latest_number} of {latest_day}, already issued{returned}: in series {series} "
       "{year} numbers follow dates, and a DDT dated back would take a number after it, so nothing was shipped. "
       "Ship with a date from {latest_day} on (goods leaving today go with today's date).")
DATE_BEFORE_AHEAD = define(
    "ddt-date-before-issued-ahead", "error",
    it="Il DDT sarebbe datato {day}, ma il {latest_number} è già emesso in anticipo con la data {latest_day} "
       "(--future){returned}: nella serie {series} {year} i numeri seguono le date, come per le fatture, e un DDT "
       "datato prima prenderebbe un numero dopo il suo, quindi nulla è stato spedito. Spedisci con una data dal "
       "{latest_day} in poi; se la merce deve partire prima, annulla ognuno dei DDT datati dopo il {day}, {later} "
       "(toolkit ddt void … con il suo numero), spedisci questa, poi emetti di nuovo quelli.",
    en="The DDT would be dated {day}, but {latest_number} was issued ahead, dated {latest_day} (--future){returned}: "
       "in series {series} {year} numbers follow dates, as for invoices, and a DDT dated before it would take a "
       "number after it, so nothing was shipped. Ship with a date from {latest_day} on; if the goods must leave "
       "before then, void each of the DDTs dated after {day}, {later} (toolkit ddt void … with its number), ship "
       "these, then issue those again.")
ISSUED_AHEAD = define(
    "ddt-issued-ahead", "warning",
    title=("DDT emessi in anticipo", "DDTs issued ahead"),
    it="I DDT emessi ({ddts}) sono datati {day}, dopo oggi: fino a quel giorno nessun DDT della serie {series} {year} "
       "può essere datato prima di loro (i numeri seguono le date), quindi la merce che parte prima non può avere il "
       "suo DDT finché non arriva il {day}, a meno di annullare questi (toolkit ddt void).",
    en="The DDTs issued ({ddts}) are dated {day}, after today: until that day no DDT of series {series} {year} can "
       "be dated before them (numbers follow dates), so goods leaving before then cannot have their DDT "
       "until {day}, unless these are voided (toolkit ddt void).")
ACCOUNTING_DATE_REFUSED = define(
    "ddt-accounting-date-refused", "error", usage=True,
    it="--accounting-date {accounting} non può essere la data contabile di un DDT del {day}: {why_it} Nulla è stato "
       "spedito. Scrivi una data dal {day} a {last} (oppure togli --accounting-date: vale la data del DDT).",
    en="--accounting-date {accounting} cannot be the accounting date of a DDT of {day}: {why_en} Nothing was "
       "shipped. Write a date from {day} to {last} (or leave --accounting-date out: the DDT's date holds).")
DDT_ON_HOLIDAY = define(
    "ddt-date-holiday", "warning",
    title=("DDT datato in un giorno festivo o di chiusura", "DDT dated on a holiday or closure"),
    it="La data dei DDT emessi ({ddts}) è {day}, {holiday_it}: un giorno festivo o di chiusura (Regione "
       "festività, Santo patrono, foglio Chiusure). Sono emessi come chiesto, perché si può spedire anche un giorno "
       "festivo; se la merce non parte quel giorno, la data scelta con --date è un errore: controllala prima di "
       "spedire ancora.",
    en="The date of the DDTs issued ({ddts}) is {day}, {holiday_en}: a holiday or closure (Holiday region, Patron "
       "saint, Closures sheet). They are issued as asked, since a desk may ship on a holiday; if the goods do not "
       "leave that day, the date chosen with --date is a slip: check it before shipping again.")
STOCK_DATE_IN_FUTURE = define(
    "stock-date-in-future", "error",
    it="Data giacenze è il {counted}, dopo oggi ({today}): una conta non si fa in un giorno che non è ancora "
       "venuto, e le giacenze tolgono solo i DDT da quel giorno in poi, quindi quelli fino ad allora non sarebbero "
       "tolti e partirebbe merce che non c'è. Nulla è stato registrato. Scrivi in Data giacenze il giorno in cui "
       "hai contato (es. {today}).",
    en="Stock date is {counted}, after today ({today}): a count is not made on a day still to come, and the stock "
       "takes off only the DDTs from that day on, so those until then would not be taken off and goods that are not "
       "there would leave. Nothing was recorded. Write in Stock date the day you counted (e.g. {today}).")
STOCK_DATE_LONG_BEFORE = define(
    "stock-date-long-before-ddt", "warning",
    title=("Data giacenze molto prima del DDT", "Stock date long before the DDT"),
    it="Data giacenze è il {counted}, prima del mese precedente il DDT ({day}), e questa spedizione ha trattenuto "
       "merce: le giacenze sono la conta meno tutti i DDT da quel giorno, quindi con una data sbagliata (es. l'anno "
       "scorso, scritto a gennaio) ogni articolo sembra finito. Scrivi in Data giacenze il giorno in cui hai contato; "
       "se la conta è davvero di allora, conta di nuovo e scrivi la nuova data.",
    en="Stock date is {counted}, before the month preceding the DDT ({day}), and this shipment held goods back: "
       "the stock is the count less every DDT from that day on, so with a wrong date (last year, typed in January) "
       "every item looks sold out. Write in Stock date the day you counted; if the count really is that old, count "
       "again and write the new date.")
STOCK_DATE_LONG_BEFORE_LIST = define(
    "stock-date-long-before-list", "warning",
    title=("Data giacenze molto prima della lista", "Stock date long before the list"),
    it="Data giacenze è il {counted}, prima del mese precedente il {day}, e qui ci sono articoli senza giacenza: "
       "le giacenze sono la conta meno tutti i DDT da quel giorno, quindi con una data sbagliata (es. l'anno scorso, "
       "scritto a gennaio) ogni articolo sembra finito. Scrivi in Data giacenze il giorno in cui hai contato; se la "
       "conta è davvero di allora, conta di nuovo e scrivi la nuova data.",
    en="Stock date is {counted}, before the month preceding {day}, and items here have no stock: the stock is the "
       "count less every DDT from that day on, so with a wrong date (last year, typed in January) every item looks "
       "sold out. Write in Stock date the day you counted; if the count really is that old, count again and write "
       "the new date.")
DOCUMENTS_NOT_YET_DUE = define(
    "order-documents-not-yet-due", "error",
    it="L'ordine {number} è stato creato in anticipo e il suo DDT o la sua fattura immediati attendono il suo "
       "giorno ({day}): non si spedisce il {ship_day}, nulla è stato spedito. Spediscilo dal {day} (lo spedisce "
       "anche «orders create» o «ship» di quel giorno), oppure toglilo da --orders.",
    en="Order {number} was created ahead and its immediate DDT or invoice waits for its day ({day}): it does not "
       "ship on {ship_day}, nothing was shipped. Ship it from {day} (that day's “orders create” or “ship” ships "
       "it too), or leave it out of --orders.")


@dataclass(frozen=True)
class Shipped:
    """What a shipping action did: the DDTs stored, what was held, the orders it completed."""

    notes: tuple[DeliveryNote, ...]
    held: tuple[Held, ...]
    """The orders this action held, and with `ship(list_kept=True)` those still kept on hold
    from earlier days (each with the day it was first held, `Held.since`)."""
    problems: tuple[Problem, ...]
    completed: tuple[str, ...] = ()
    written: Path | None = None
    """The DDT workbook, when one was asked for and there were DDTs to print."""
    invoices: tuple[Invoice, ...] = ()
    """With `invoice`: the invoices of these DDTs, issued final with them."""
    invoices_written: Path | None = None
    """With `invoice` and `out`: the invoices' workbook beside the DDTs' (`FILE-fatture.xlsx`)."""
    kept: int = 0
    """With `all_open`: how many orders due stayed on hold as on earlier days, listed or not."""
    documents_due: tuple[str, ...] = ()
    """The orders created ahead whose documents issued at once waited for their day, and this
    action issued first (`toolkit.services.held_documents`): among `notes` and `invoices`."""

    @property
    def ddts(self) -> tuple[DeliveryNote, ...]:
        """The DDTs among `notes`: what is printed and travels with the goods."""
        return tuple(note for note in self.notes if note.is_ddt)

    @property
    def rendered(self) -> tuple[DeliveryNote, ...]:
        """The records of services rendered among `notes` (`SERVICES_SERIES`): no DDT."""
        return tuple(note for note in self.notes if not note.is_ddt)

    def summary(self, lang: str) -> str:
        """The line both front ends end with: how many DDTs, how many orders held."""
        held = len({h.order for h in self.held if h.since is None}) + self.kept
        invoiced = ((f" Fatture emesse con i DDT: {len(self.invoices)}." if lang == "it"
                     else f" Invoices issued with the DDTs: {len(self.invoices)}.") if self.invoices else "")
        shipped = (f"DDT emessi: {len(self.ddts)}, ordini trattenuti: {held}." if lang == "it"
                   else f"DDTs issued: {len(self.ddts)}, orders held: {held}.")
        if self.rendered:
            shipped += (f" Servizi resi registrati senza DDT (si fatturano citando l'ordine): {len(self.rendered)}."
                        if lang == "it" else
                        f" Services rendered recorded without a DDT (invoiced citing the order): {len(self.rendered)}.")
        from toolkit.services.invoicing import returns_refused_sentence

        return (shipped + invoiced + returns_refused_sentence(self.problems, lang) + uncited_sentence(self.problems, lang)
                + issued_on_their_day(len(self.documents_due), lang))

    def filed(self, lang: str) -> list[str]:
        """Which documents went into which file, a line each: a desk with two files of one day
        (two shipments) tells them apart by it."""
        it = lang != "en"
        lines = []
        if self.written is not None:
            words = ("DDT", "DDT") if it else ("DDT", "DDTs")
            lines.append(f"{_span([n.number for n in self.ddts], words, lang)}: {self.written}")
        if self.invoices_written is not None:
            words = ("Fattura", "Fatture") if it else ("Invoice", "Invoices")
            lines.append(f"{_span([x.number for x in self.invoices], words, lang)}: {self.invoices_written}")
        return lines


def _span(numbers: Sequence[str | None], words: tuple[str, str], lang: str) -> str:
    """The documents a file holds, by their first and last number.

    >>> _span(["DDT-2026-00004", "DDT-2026-00003"], ("DDT", "DDTs"), "en"), _span(["FT-1"], ("Fattura", "Fatture"), "it")
    ('DDTs DDT-2026-00003 to DDT-2026-00004', 'Fattura FT-1')
    """
    ordered = sorted(n or "?" for n in numbers)
    if len(ordered) == 1:
        return f"{words[0]} {ordered[0]}"
    return (f"{words[1]} {ordered[0]} to {ordered[-1]}" if lang == "en" else
            f"{words[1]} da {ordered[0]} a {ordered[-1]}")

def ship(master: MasterData, ledger: Ledger, day: date, *, numbers: Sequence[str] = (), all_open: bool = False,
         chosen: Sequence[ChosenRow] = (), quantities: Path | None = None, carrier: str | None = None,
         force: bool = False, future: bool = False, paid: Collection[int] | None = None, out: Path | None = None,
         lang: str, accounting_date: date | None = None, invoice: bool = False,
         replan: bool = False, list_kept: bool = False) -> Shipped:
    """Ship the chosen orders (by number, every open order up to `day`, or those the quantities
    rows or file name) in one transaction; with any error in the input nothing is stored.
    `day` after today is an error unless `future`. With `out`, the DDTs issued are printed
    there, one sheet each, and the path is checked before anything is stored: a file holding
    documents of the ledger (an earlier shipment's) is refused, never replaced, asking for
    another as who named `out` would (`asked_now`; by default the command line's `--out`). The DDTs'
    accounting date (data contabile) is `accounting_date`, else their own date. With `invoice`,
    the DDTs' lines are invoiced in the same transaction, dated as the DDTs and final (for
    customers who pay on delivery); an invoice that would break the series' date order stops
    the shipment too, so a DDT never goes out without the invoice asked for.

    With `all_open`, the orders held whole stay on hold from day to day until something that
    holds them may have moved (`toolkit.core.holds`): they are reported held, with the day they
    were first held, and not planned again; `replan` plans every one of them again. They are
    counted (`Shipped.kept`); `list_kept` lists them among the held too (`toolkit ship --all
    --json`), which late in a month at L is a hundred thousand records."""
    today = dates.today_rome()
    if day > today and not future:
        return Shipped((), (), (DATE_IN_FUTURE(None, day=day, today=today),))
    if accounting_date is not None and (wrong := accounting_date_refused(day, accounting_date, today)):
        return Shipped((), (), (wrong,))
    if out is not None:
        from toolkit.basics.files import check_output
        from toolkit.services.printing import refuse_replacing

        check_output(out, kind="ddt", inputs=(quantities,))
        refuse_replacing(ledger, "ddt", out)
        if invoice:
            check_output(invoices_beside(out), kind="invoices", inputs=(quantities,))
            refuse_replacing(ledger, "invoices", invoices_beside(out))
    if quantities is not None:
        from toolkit.intake.quantities import read_quantities

        read, problems = read_quantities(quantities)
        if problems:
            return Shipped((), (), tuple(problems))
        chosen = [*chosen, *read]
    try:
        shipped = _ship(master, ledger, day, numbers, all_open, chosen, carrier, force, paid, accounting_date,
                        invoice=invoice, replan=replan, list_kept=list_kept, lang=lang)
    except ProblemsFound as refused:
        return Shipped((), (), tuple(refused.problems))
    if out is not None and (shipped.ddts or shipped.invoices):
        from toolkit.services.printing import stored_before_printing, write_and_mark_each

        printed = [("ddt", shipped.ddts, out)] if shipped.ddts else []
        invoiced = [("invoices", shipped.invoices, invoices_beside(out))] if shipped.invoices else []
        with stored_before_printing([("ddt", shipped.ddts, out), ("invoices", shipped.invoices, invoices_beside(out))]):
            written = write_and_mark_each(ledger, master, [*printed, *invoiced], lang)
        shipped = replace(shipped, written=written[0] if shipped.ddts else None,
                          invoices_written=written[-1] if shipped.invoices else None)
    return shipped


_ACCOUNTING_WHY = {
    "before": ("un documento si registra dal giorno in cui è emesso, non prima.",
               "a document is recorded from the day it is issued, not before."),
    "month": ("la fattura differita prende il DDT nel mese della sua data, e il registro lo metterebbe in un altro "
              "mese (e periodo IVA).",
              "the deferred invoice takes the DDT in the month of its date, and the register would put it in "
              "another month (and VAT period)."),
    "future": ("è dopo oggi, e non si registra in un giorno non ancora venuto.",
               "it is after today, and nothing is recorded on a day still to come."),
}


def accounting_date_refused(day: date, accounting: date, today: date) -> Problem | None:
    """The refusal of an accounting date (data contabile) a DDT of `day` cannot have: before it
    (recorded before it was issued), in another month (the month-end invoice takes the DDT in
    its date's month, the accountants' register would show it in another, a VAT period apart),
    or after today (recorded on a day still to come; a DDT dated ahead with `--future` may
    carry its own date). What is left is the DDT's day up to today, within its month: a DDT
    recorded a few days after it left."""
    last = min(max(day, today), (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1))
    why = ("before" if accounting < day else "month" if (accounting.year, accounting.month) != (day.year, day.month)
           else "future" if accounting > last else None)
    if why is None:
        return None
    return ACCOUNTING_DATE_REFUSED(None, accounting=accounting, day=day, last=last, why_it=_ACCOUNTING_WHY[why][0],
                                   why_en=_ACCOUNTING_WHY[why][1])


def shipment_file(named: Path) -> Path:
    """Where a desk's shipment prints its DDTs when the day names the file (`ddt-2026-04-09.xlsx`
    beside the workbook): that name for the day's first shipment, `ddt-2026-04-09-2.xlsx` for
    the next, and so on, the first whose DDTs' and invoices' files are both free. A later
    shipment never replaces an earlier one's file, which may not be printed yet."""
    from toolkit.basics.files import unused_path

    return unused_path(named, lambda path: (invoices_beside(path),))


def invoices_beside(out: Path) -> Path:
    """Where `ship --invoice --out FILE` prints the invoices issued with the DDTs, as `orders
    create --out` does: `FILE-fatture.xlsx` beside FILE."""
    from toolkit.services.printing import beside

    return beside(out, "fatture")


def _stock_sheet_empty(master: MasterData, done: Shipped) -> list[Problem]:
    """Why nothing left, when the stock sheet is there without rows: a new desk that cleared the
    sample's rows, keeping no stock in the workbook, saw each line held for a stock of 0 and no
    word of the sheet, whose absence would ship every quantity."""
    if master.stock is None or master.stock or not (done.held or done.kept):
        return []
    where = master.locate_sheet(StockLevel.sheet)
    return [STOCK_SHEET_EMPTY(where, sheet=where.sheet)]


def _services_alone(notes: Sequence[DeliveryNote]) -> bool:
    """Whether a shipment issues records of services rendered and no DDT: those take no DDT
    number, so a DDT dated after the day holds them back from nothing. A shipment of nothing is
    no such shipment: the date before a later DDT is still told, as the desk typed it by mistake."""
    return bool(notes) and not any(note.is_ddt for note in notes)


@collector_paused()
def _ship(master: MasterData, ledger: Ledger, day: date, numbers: Sequence[str], all_open: bool,
          chosen: Sequence[ChosenRow], carrier: str | None, force: bool, paid: Collection[int] | None,
          accounting_date: date | None = None, *, invoice: bool = False, replan: bool = False,
          list_kept: bool = False, lang: str) -> Shipped:
    """The shipping action in its write transaction, with the cycle collector paused
    (`collector_paused`): a day at L builds a million small records that form no cycles (the
    due orders, their open lines, the queues, a message per held line), and even at the
    commands' thresholds the collector walked them for a tenth of the CPU of the day after
    April at L (8.9 s against 8.05 s paused, medians of 3). The immediate invoices due at SDI
    (`due_at_sdi`) come first among its problems: the *Spedisci* box lists ten, and a day's
    stock warnings, one per order held, pushed them out of it."""
    if not numbers and not all_open and not chosen:
        return Shipped((), (), (NOTHING_SELECTED(None),))
    from toolkit.services.held_documents import issue_held

    with writing(ledger) as conn:
        series = master.settings.ddt_series
        later = dated_after(conn, series, day)
        if ahead := counted_ahead(master):
            return Shipped((), (), (ahead,))
        recount = _counted_after_ddts(conn, master)
        waited = issue_held(conn, master, day, lang=lang)
        selected: dict[int, Order] = {}
        problems: list[Problem] = []
        pending: dict[int, bool] = {}
        on_hold = None
        printed: dict[int, int] = {}
        if all_open:
            on_hold = holds.wake(conn, master, force=force, paid=paid, replan=replan)
            due, still_open, printed = due_orders(conn, day, leave_out_held=True)
            selected.update((order.id, order) for order in due)
            pending = {order.id: order.id in still_open for order in due}
        named, unknown = orders_named(conn, numbers)
        problems += unknown
        chosen, in_rows, row_problems = _rows_in_full(conn, chosen)
        by_number = set(named)
        named += in_rows
        problems += row_problems
        waiting: list[Order] = []
        for order in load_orders(conn, ids=named):
            if order.documents_on is not None:
                waiting.append(order)
            selected[order.id] = order
            pending.pop(order.id, None)
        named_in_rows = [selected[order_id] for order_id in in_rows if order_id in selected]
        cut = cuts_logged(conn, [order.id for order in named_in_rows if cut_lines(order)])
        quantities, choice_problems = choose_quantities(chosen, list(selected.values()), cut)
        problems += choice_problems
        for order in waiting:  # a quantities file's 0 on each of its rows ships nothing of it: not refused
            if order.id in by_number or any(quantities.get(line.id) for line in order.lines):
                row = None if order.id in by_number else next(
                    (r.order_at or r.location for r in chosen if str(r.order).strip() == order.number), None)
                problems.append(DOCUMENTS_NOT_YET_DUE(row, number=order.number, day=order.documents_on, ship_day=day))
        if errors(problems):
            raise ProblemsFound(problems)
        recounted: list[Problem] = []
        if recount is not None and not recount.met and (selected or waited.notes):
            recounted = recount.told
            note_seen(conn, recount.day, recount.digest)
        named_since = holds.forget(conn, named)
        done = ship_in(conn, master, list(selected.values()), day, quantities=quantities, paid=paid,
                       carrier=carrier, force=force, accounting_date=accounting_date, unread=pending,
                       read_here=True, exposures=on_hold.exposures if on_hold is not None else None, lang=lang,
                       printed=printed)
        if on_hold is not None and not errors(done.problems):
            planned = set(named)
            done = _held_as_before(conn, on_hold.with_since(named_since), day, done,
                                   [order for order_id, order in selected.items() if order_id not in planned],
                                   list_kept)
        if later is not None and not _services_alone((*waited.notes, *done.notes)):
            raise ProblemsFound([dated_before(conn, series, day)])
        assumed = [*(missing_stock(master) if done.notes else _stock_sheet_empty(master, done)),
                   *counted_long_before(master, day, (*waited.problems, *done.problems), done.kept)]
        from toolkit.services.invoicing import invoice_shipped_in, waiting_no_more

        invoiced: list[Invoice] = []
        if invoice and done.notes:
            invoiced, invoice_problems = invoice_shipped_in(conn, master, done.notes, day, dates.today_rome(),
                                                            lang=lang)
            problems += invoice_problems
        problems += late_at_issue([*waited.invoices, *invoiced], dates.today_rome())
        if done.notes:
            problems += open_orders_beyond(conn, master, {note.customer for note in done.notes}, day=day)
        soon = due_at_sdi(conn, master.settings, dates.today_rome(), (*waited.invoices, *invoiced))
        return Shipped((*waited.notes, *done.notes), done.held,
                       tuple(once_per_item((*soon, *waiting_no_more(waited.problems, done.notes), *assumed,
                                            *recounted, *problems,
                                            *on_holiday(master, (*waited.notes, *done.notes)),
                                            *issued_ahead(master, day, done.notes),
                                            *dated_before_count(master, (*waited.notes, *done.notes)),
                                            *done.problems))),
                       done.completed,
                       invoices=(*waited.invoices, *invoiced), kept=done.kept, documents_due=tuple(waited.orders))


STOCK_COUNTED_TODAY = define(
    "stock-counted-today-after-ddts", "warning",
    title=("Giacenze contate oggi, con DDT di oggi", "Stock counted today, with today's DDTs"),
    it="Data giacenze è oggi ({day}) e oggi {are} già {ddts}: le giacenze sono la conta meno ciò che {they} "
       "spedito ({shipped}). Se hai contato dopo {after} due volte: scrivi "
       "in Giacenze la giacenza a inizio giornata (la conta più quelle quantità), così i DDT di oggi si tolgono "
       "una volta sola. Il registro non sa l'ora della conta, solo il giorno.",
    en="Stock date is today ({day}) and today already {are} {ddts}: the stock is the count less what {they} shipped "
       "({shipped}). If you counted after {after} off "
       "twice: write on Giacenze the stock at the start of the day (the count plus those quantities), so today's "
       "DDTs are taken off once. The ledger knows the count's day, not its time.")


@dataclass(frozen=True)
class Recount:
    """A stock count dated today, as a ship run meets it: its contents (`count_digest`), and the
    warning to give when no run met it before today's DDTs (`STOCK_COUNTED_TODAY`)."""

    day: date
    digest: str
    told: list[Problem]
    met: bool = False
    """A ship run met it already (`stock_counts.seen`), as read in this run's transaction."""


def _counted_after_ddts(conn: Connection, master: MasterData) -> Recount | None:
    """The stock sheet counted today, and its warning when the ledger already has DDTs of today
    and no ship run met this count before them: stock is the count less the DDTs from the count
    date on, and neither the sheet nor the ledger knows the count's time of day, so a count
    made after the morning's DDTs has them taken off twice (or, set to tomorrow, the
    afternoon's not at all). A count some run already met was made before every DDT since, the
    desk that counts each morning, and is not told again (`toolkit.ledger.stock_counts`). Told
    with what they shipped, which the desk adds back to write the stock at the start of the
    day. None when the count is not dated today."""
    counted = master.settings.stock_date
    if master.stock is None or counted is None or counted != dates.today_rome():
        return None
    digest = count_digest((level.item, level.quantity) for level in master.stock)
    if seen(conn, counted, digest):
        return Recount(counted, digest, [], met=True)
    ddts, shipped = shipped_on(conn, counted)
    if not ddts or not shipped:
        return Recount(counted, digest, [])
    return Recount(counted, digest, [STOCK_COUNTED_TODAY(
        master.locate_setting("stock_date"), day=counted, ddts=Counted(ddts, ("DDT", "DDT"), ("DDT", "DDTs")),
        are=Agreed(ddts, ("c'è", "ci sono"), ("has", "has")), they=Agreed(ddts, ("ha", "hanno"), ("it", "they")),
        after=Agreed(ddts, ("quel DDT la conta lo esclude già ed è tolto", "quei DDT la conta li esclude già e sono tolti"),
                     ("that DDT the count already leaves it out and it is taken",
                      "those DDTs the count already leaves them out and they are taken")),
        shipped=", ".join(f"{item} {quantity.normalize():f}" for item, quantity in shipped))])


def counted_ahead(master: MasterData) -> Problem | None:
    """The refusal of a stock count dated after today (`STOCK_DATE_IN_FUTURE`), or None: stock
    is the count less the DDTs from its day on, so a count typed a day ahead ships the goods the
    DDTs until then took. Whatever ships (`ship`, the orders shipped as they are created) asks."""
    counted, today = master.settings.stock_date, dates.today_rome()
    if master.stock is None or counted is None or counted <= today:
        return None
    return STOCK_DATE_IN_FUTURE(master.locate_setting("stock_date"), counted=counted, today=today)


@dataclass(frozen=True, slots=True)
class OfReturn:
    """The aside of a refusal whose later DDT is a return's (`LaterDdts.latest_return`): a desk
    reads a return as goods coming back, not leaving, and would not think it holds dates back."""

    returned: bool

    def shown(self, lang: str) -> str:
        if not self.returned:
            return ""
        return (" (a return's DDT, numbered in the same series as the DDTs of goods leaving)" if lang == "en"
                else " (il DDT di un reso, numerato nella stessa serie dei DDT della merce in uscita)")


def dated_before(conn: Connection, series: str, day: date) -> Problem:
    """The refusal of a DDT dated `day` before DDTs already issued (`dated_after` found one):
    `DATE_BEFORE_AHEAD` when the latest was issued ahead, naming every DDT dated after `day`,
    each of which a desk voids before these goods may leave; else `DATE_BEFORE_LATEST`, and so
    when a return's DDT is among them: it is never voided (`ddt-void-return`), so voiding the
    others would not free the day, and the refusal names the return's day as the first one."""
    later = later_ddts(conn, series, day)
    assert later is not None
    if later.last_return is not None and later.latest_day > dates.today_rome():
        number, returned_on = later.last_return
        return DATE_BEFORE_LATEST(None, day=day, latest_number=number, latest_day=returned_on, series=series,
                                  year=day.year, returned=OfReturn(True))
    before = DATE_BEFORE_AHEAD if later.latest_day > dates.today_rome() else DATE_BEFORE_LATEST
    return before(None, day=day, latest_number=later.latest, latest_day=later.latest_day, series=series,
                  year=day.year, returned=OfReturn(later.latest_return), later=Listed(later.first, later.count, DDTS))


def issued_ahead(master: MasterData, day: date, notes: Sequence[DeliveryNote]) -> list[Problem]:
    """The warning of DDTs issued dated after today (`--future`): until their day every DDT of
    the series dated before them is refused (`DATE_BEFORE_AHEAD`), which the desk learns now,
    when it can still ship the day's other goods first next time, not at the next shipment."""
    ddts = sum(1 for note in notes if note.is_ddt and note.day == day)
    if not ddts or day <= dates.today_rome():
        return []
    return [ISSUED_AHEAD(None, ddts=Counted(ddts, ("DDT", "DDT"), ("DDT", "DDTs")), day=day,
                         series=master.settings.ddt_series, year=day.year)]


def on_holiday(master: MasterData, notes: Sequence[DeliveryNote]) -> list[Problem]:
    """The warning of the DDTs among `notes` dated on a holiday or one of the company's closures,
    one a day (`DDT_ON_HOLIDAY`): not a refusal, a desk may ship on a holiday, but a date typed a
    day off (01/11 for 31/10) went out without a word. A Saturday or Sunday is not told. Every
    DDT an action issues is asked, those of orders created ahead issued on their day and those
    of a template that keeps its holiday delivery (*Mantieni*) shipped as they are created."""
    ddts = Counter(note.day for note in notes if note.is_ddt)
    if not ddts:
        return []
    from toolkit.core.workdays import working_calendar

    calendar = working_calendar(master.settings, master.closures)
    return [DDT_ON_HOLIDAY(None, ddts=Counted(n, ("DDT", "DDT"), ("DDT", "DDTs")), day=day, holiday_it=holiday,
                           holiday_en=calendar.holiday(day, "en"))
            for day, n in sorted(ddts.items()) if (holiday := calendar.holiday(day, "it")) is not None]


def counted_long_before(master: MasterData, day: date, problems: Sequence[Problem], kept: int = 0) -> list[Problem]:
    """The warning of a stock count dated before the month preceding the DDT's `day`
    (`STOCK_DATE_LONG_BEFORE`), when a shipment held goods back for stock (its `problems`, or
    orders `kept` on hold from earlier days): a count date a year off, typed in January, takes
    a year of DDTs off the sheet and holds every line at stock 0 with no word of the date. A
    desk counting monthly never meets it; one counting seldom meets it only when something did
    not leave, when the date is worth a look."""
    counted = master.settings.stock_date
    if master.stock is None or counted is None or not _long_before(counted, day):
        return []
    if not (kept or any(p.code in _SHORT_OF_STOCK for p in problems)):
        return []
    return [STOCK_DATE_LONG_BEFORE(master.locate_setting("stock_date"), counted=counted, day=day)]


def listed_long_before(master: MasterData, day: date, stock: Mapping[str, Decimal] | None,
                       items: Iterable[str]) -> list[Problem]:
    """The warning of a stock count dated before the month preceding `day` on a list that shows
    the stock (`STOCK_DATE_LONG_BEFORE_LIST`: the production list, the control panel), when one
    of its `items` has none left in `stock` (`available_stock`'s): as shipping names the date
    when goods are held (`counted_long_before`), a list names it where it shows goods sold out."""
    counted = master.settings.stock_date
    if stock is None or counted is None or not _long_before(counted, day):
        return []
    if all(stock.get(item, 0) > 0 for item in items):
        return []
    return [STOCK_DATE_LONG_BEFORE_LIST(master.locate_setting("stock_date"), counted=counted, day=day)]


def _long_before(counted: date, day: date) -> bool:
    """A count dated before the month preceding `day`'s: a monthly desk's count never is."""
    return counted < (day.replace(day=1) - timedelta(days=1)).replace(day=1)


_SHORT_OF_STOCK = frozenset({PARTIAL_STOCK.code, LINE_HELD.code, ORDER_HELD.code})


def _rows_in_full(conn: Connection, rows: Sequence[ChosenRow]) -> tuple[list[ChosenRow], list[int], list[Problem]]:
    """The quantities rows with their order numbers in full, as `--orders` reads them
    (`order_by_number`: `oc-2026-41`, `41/2026`), the ids of the orders they name, and a
    number that may be two orders refused at each row's cell. A row naming no order is kept
    as typed, for `choose_quantities` to say so at its cell."""
    found = {typed: order_by_number(conn, typed) for typed in dict.fromkeys(str(row.order).strip() for row in rows)}
    kept: list[ChosenRow] = []
    problems: list[Problem] = []
    for row in rows:
        order = found[str(row.order).strip()]
        if isinstance(order, Problem):
            problems.append(replace(order, location=row.order_at or row.location))
        else:
            kept.append(row if order is None else replace(row, order=order.number))
    return kept, [order.id for order in found.values() if isinstance(order, Order)], problems


def _held_as_before(conn: Connection, on_hold: holds.OnHold, day: date, done: Shipped,
                    asked: Sequence[Order], listed: bool) -> Shipped:
    """Keep on hold the orders of `asked` this day held whole, and report the orders kept from
    earlier days beside those it held (counted, and listed if `listed`), with the one warning
    that says so (`as_before`)."""
    count, oldest, kept = holds.kept_as_before(conn, day, listed=listed)
    holds.keep_held(conn, on_hold, day, done.held, done.notes, asked)
    return replace(done, held=(*done.held, *kept), kept=count, problems=(*done.problems, *as_before(count, oldest)))


@dataclass(frozen=True)
class OnHand:
    """What a plan starts from: the stock found (`available_stock`, None: not tracked) and the
    reservations of the plan's items (`NONE` without stock)."""

    stock: dict[str, Decimal] | None
    reserved: Reservations


def ship_in(conn: Connection, master: MasterData, orders: Sequence[Order], day: date, *,
            quantities: Mapping[int, Decimal] | None = None, paid: Collection[int] | None = None,
            carrier: str | None = None, force: bool = False, accounting_date: date | None = None,
            unread: Mapping[int, bool] | None = None, on_hand: OnHand | None = None,
            read_here: bool = False, exposures: Mapping[str, Exposure] | None = None,
            lang: str, printed: Mapping[int, int] | None = None) -> Shipped:
    """Ship inside the caller's write transaction (order creation uses it for the orders that
    ship at once). `orders` must be read in that transaction, so their figures are the ledger's
    current ones; drafts that would ship more than is open are refused all the same.
    `unread`: the orders passed without their lines (`toolkit.ledger.shipments.due_orders`),
    each with whether it has something still to ship; their lines are read here unless the
    core holds them whatever their lines say (`held_unread`). `on_hand`: the stock and the
    reservations as the ledger holds them now, kept by a caller shipping several days in one
    transaction (`toolkit.services.shipping_days`) instead of read here. `read_here`: the
    caller read `orders` in this transaction, after taking its write lock (as `_ship` does), so
    the open check may take their lines' figures as the ledger's (`open_as_read`); orders that
    may come from elsewhere are checked against the ledger. `exposures`: customers' credit
    figures the caller read in this transaction, taken as they are (`holds.OnHold.exposures`).
    An order whose customer is no longer on the Customers sheet is held with a warning
    (`of_known_customers`), as one made for another company than this copy's customer of its
    code; `printed`: the id of the parties each order passed without them kept (`due_orders`)."""
    fresh, apart = of_known_customers(orders, master)
    done = _ship_known(conn, master, fresh, day, quantities=quantities, paid=paid, carrier=carrier, force=force,
                       accounting_date=accounting_date, unread=unread, on_hand=on_hand, read_here=read_here,
                       exposures=exposures, lang=lang, printed=printed or {})
    if gone := items_off_the_sheet(master, done.notes, done.held):
        done = replace(done, problems=(*done.problems, *gone))
    if not apart.held:
        return done
    return replace(done, held=(*apart.held, *done.held), problems=(*apart.problems, *done.problems))


def _other_companies(conn: Connection, master: MasterData, orders: Sequence[Order],
                     printed: Mapping[int, int]) -> dict[int, tuple[Buyer, Buyer]]:
    """By order id, the customer each of `orders` printed and this copy's customer of its code,
    for the orders made for another company (`toolkit.services.copies_apart`): an order read
    whole carries its parties; one passed without them, the id of those it kept (`printed`)."""
    book = party_book(master)
    found = other_companies(conn, master, printed) if printed else {}
    for order in orders:
        if (both := apart(order.parties, book)) is not None:
            found[order.id] = both
    return found


def _ship_known(conn: Connection, master: MasterData, fresh: list[Order], day: date, *,
                quantities: Mapping[int, Decimal] | None, paid: Collection[int] | None, carrier: str | None,
                force: bool, accounting_date: date | None, unread: Mapping[int, bool] | None,
                on_hand: OnHand | None, read_here: bool, exposures: Mapping[str, Exposure] | None,
                lang: str, printed: Mapping[int, int]) -> Shipped:
    """`ship_in` of orders whose customers are all on the Customers sheet. Of the orders the plan
    ships, those made for another company than this copy's customer of their code are held and
    the rest planned again (`_other_companies`): asked of the orders a day ships, not of every
    due one, whose few thousand distinct parties at L cost a tenth of a second to read. Planned
    again, with the same reservations: an order held for another company is a real order of a
    real company, held in this copy only, and keeps its place in its items' queues as every
    order held keeps it; the copy that has its customer ships it the goods this one left."""
    if not fresh:
        return Shipped((), (), ())
    exposure = _exposures(conn, credit_limited(master, sorted({order.customer for order in fresh})), exposures)
    if paid is None:
        paid = paid_orders(conn, _prepaid(master, fresh), by=day)
    held: set[int] = set()
    stock = available_stock(conn, master) if on_hand is None else on_hand.stock
    reserved = NONE
    waiting: dict[int, tuple[OpenLine, ...]] = {}
    if unread:
        if on_hand is not None:
            raise ValueError("orders without their lines are planned with the reservations read here")
        fresh, held, waiting, reserved = _read_lines(conn, master, fresh, unread, exposure, paid, force, stock)
    elif on_hand is not None:
        reserved = on_hand.reserved
    elif stock is not None:
        reserved = _reservations(conn, fresh, stock)
    planned = partial(plan_shipments, master=master, stock=stock, day=day, quantities=quantities, paid=paid,
                      carrier=carrier, exposures=exposure, force=force, reservations=reserved, unread=held,
                      open_lines=waiting)
    plan = planned(fresh)
    shipping = {line.order_id for draft in plan.drafts for line in draft.lines}
    if others := _other_companies(conn, master, [order for order in fresh if order.id in shipping],
                                  {order_id: printed[order_id] for order_id in shipping if order_id in printed}):
        fresh, apart = of_known_customers(fresh, master, others)
        plan = planned(fresh)
        plan = replace(plan, held=(*apart.held, *plan.held), problems=(*apart.problems, *plan.problems))
    plan = replace(plan, problems=(*_paid_so_far(conn, master, plan.problems, fresh, day),
                                   *units_changed(master, fresh)))
    if errors(plan.problems) or not plan.drafts:
        return Shipped((), plan.held, plan.problems)
    plan, by_id = plan.split({order.id: order for order in fresh}, rate_again(conn, plan.rated_again))
    fresh = [by_id[order.id] for order in fresh]
    book = party_book(master)
    ids = store_drafts(conn, plan.drafts, master.settings.ddt_series, book,
                       forced_detail=_forced_details(master, plan.drafts, exposure),
                       accounting_date=accounting_date, read=lines_shipped(plan.drafts, by_id) if read_here else None,
                       lang=lang)
    completed = complete_orders(conn, fresh, plan.drafts)
    notes = stored_notes(conn, ids, master.settings.ddt_series, plan.drafts, by_id, accounting_date, book, lang=lang)
    return Shipped(tuple(notes), plan.held, plan.problems, tuple(completed))


def _paid_so_far(conn: Connection, master: MasterData, problems: Sequence[Problem], orders: Sequence[Order],
                 day: date) -> tuple[Problem, ...]:
    """The holds of orders awaiting payment, each saying what was paid by the DDT's `day` and what
    is missing when something was, that the payment came only after that day, or that no invoice
    of the order was issued, so no payment will come (`PaymentSoFar`), nor will one be while the
    customer's invoice terms are not *Immediato* (`invoiced_later`): the plan knows which orders
    are paid, not how much of the others nor whether they were invoiced."""
    waiting = {dict(p.params)["number"] for p in problems if p.code == AWAITING_PAYMENT.code}
    ids = {order.number: order.id for order in orders if order.number in waiting}
    customers = {c.code: c for c in master.customers}
    terms = {order.id: invoiced_later(order, customers[order.customer]) for order in orders if order.number in waiting}
    if not ids:
        return tuple(problems)
    found = awaiting_payment(conn, list(ids.values()), by=day)
    part, later, none = found.part, found.later, found.unbilled

    def said(p: Problem) -> Problem:
        params = dict(p.params)
        order = ids.get(params["number"]) if p.code == AWAITING_PAYMENT.code else None
        if order in none:
            payment = PaymentSoFar(unbilled=params["number"], later=terms[order])
            return AWAITING_PAYMENT(p.location, **{**params, "payment": payment})
        if order in later:
            return AWAITING_PAYMENT(p.location, **{**params, "payment": PaymentSoFar(after=day)})
        if order not in part:
            return p
        return AWAITING_PAYMENT(p.location, **{**params, "payment": PaymentSoFar(*part[ids[params["number"]]])})

    return tuple(map(said, problems))


def _exposures(conn: Connection, customers: Sequence[str], read: Mapping[str, Exposure] | None) -> dict[str, Exposure]:
    """The credit figures of these customers: those `read` already in this transaction, the
    others asked of the ledger. At L the holds' customers are most of a day's, and their figures
    were read twice a day (0.4 s of CPU each time late in the month)."""
    known = read or {}
    asked = [code for code in customers if code not in known]
    found = credit_exposures(conn, asked) if asked else {}
    return {**{code: known[code] for code in customers if code in known}, **found}


def lines_shipped(drafts: Sequence[ShipmentDraft], orders: Mapping[int, Order]) -> dict[int, OrderLine]:
    """The lines, by id, of the orders these drafts ship from, as `orders` holds them (an order
    passed without its lines gives none)."""
    return {line.id: line for order_id in {line.order_id for draft in drafts for line in draft.lines}
            for line in orders[order_id].lines}


def _read_lines(conn: Connection, master: MasterData, orders: list[Order], unread: Mapping[int, bool],
                exposure: Mapping[str, Exposure], paid: Collection[int], force: bool,
                stock: Mapping[str, Decimal] | None
                ) -> tuple[list[Order], set[int], dict[int, tuple[OpenLine, ...]], Reservations]:
    """The orders with their lines read, but for those the core holds whatever their lines say
    (`held_unread`): a day at L holds thousands of orders waiting for a payment, and building
    their lines every day was most of its time. Of the rest, the orders that can take nothing
    (`takes_nothing`: under the customer's delivery terms, the orders ahead of it leave it too
    little of its items) get only their lines still to ship (`open_lines`), which their
    messages need: at L tens of thousands of orders wait for stock day after day, and building
    their whole lines was a quarter of the day. Returns the orders (same order), the ids
    of the held ones with something still to ship, which `plan_shipments` holds without lines,
    the open lines of those that take nothing, and the reservations of their items."""
    light = [order for order in orders if order.id in unread]
    held = held_unread(light, master, exposure, paid, force)
    others = [order for order in light if order.id not in held]
    waiting = open_lines(conn, others)
    named = [order for order in orders if order.id not in unread]
    reserved = NONE if stock is None else reservations(
        conn, {line.item for order in named for line in order.lines}
        | {line.item for lines in waiting.values() for line in lines}, short_of=stock,
        asked={order.id for order in orders})
    terms, services = {c.code: c.delivery_terms for c in master.customers}, service_items(master)
    waiting = {order.id: waiting[order.id] for order in others
               if takes_nothing(order, waiting[order.id], terms[order.customer], stock, reserved, services)}
    read = {order.id: order for order in with_lines(conn, [order for order in others if order.id not in waiting])}
    return [read.get(order.id, order) for order in orders], {i for i in held if unread[i]}, waiting, reserved


def _prepaid(master: MasterData, orders: Sequence[Order]) -> list[int]:
    """The ids of the orders that ship only once paid: the only ones whose payment the plan
    asks about. At L a day's tens of thousands of due orders were all looked up, in chunks,
    for the quarter of them that wait for a payment."""
    customers = {c.code: c for c in master.customers}
    return [order.id for order in orders if ships_after_payment(order, customers[order.customer])]


def _reservations(conn: Connection, orders: Sequence[Order], stock: Mapping[str, Decimal]) -> Reservations:
    """The reservations the plan of these orders can ask about: only their items', and of
    those only the items `stock` does not cover for every holder (`Reservations.of_queues`)."""
    return reservations(conn, {line.item for order in orders for line in order.lines}, short_of=stock,
                        asked={order.id for order in orders})


def _forced_details(master: MasterData, drafts: Sequence[ShipmentDraft],
                    exposure: Mapping[str, Exposure]) -> dict[str, str]:
    """The "shipped" event's detail of each customer these drafts ship past the credit limit
    by force, of those whose figures were read: the only ones `store_drafts` looks up. Spelled
    for every customer with figures, a day at M wrote 4,342 details for none forced."""
    forced = {draft.customer for draft in drafts if draft.forced and draft.customer in exposure}
    if not forced:
        return {}
    limits = {c.code: c.credit_limit for c in master.customers if c.code in forced}
    return {code: _forced_detail(exposure[code], limits.get(code)) for code in forced}


def _forced_detail(exposure: Exposure, limit: Decimal | None) -> str:
    return (f"forced: credit limit {limit}, exposure {exposure.total} "
            f"(outstanding {exposure.outstanding}, uninvoiced {exposure.uninvoiced}, unshipped {exposure.unshipped})")


def complete_orders(conn: Connection, orders: Sequence[Order], drafts: Sequence[ShipmentDraft]) -> list[str]:
    """The orders in progress that these stored drafts leave with nothing to ship become
    completed; returns their numbers. `orders` are as read before the drafts were stored. Only
    the orders the drafts ship from are looked at: a day at L passes tens of thousands of orders
    held without their lines, and asking each whether any of its lines shipped added up."""
    shipping: dict[int, Decimal] = defaultdict(Decimal)
    touched: set[int] = set()
    for draft in drafts:
        for line in draft.lines:
            shipping[line.order_line_id] += line.quantity
            touched.add(line.order_id)
    done = [order for order in orders
            if order.id in touched and order.status is OrderStatus.IN_PROGRESS
            and any(line.id in shipping for line in order.lines)
            and all(line.to_ship == shipping.get(line.id, 0) for line in order.lines)]
    set_statuses(conn, done, OrderStatus.COMPLETED, "completed")
    return [order.number for order in done]
