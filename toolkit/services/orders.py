"""Order generation for a date: preview what is due, then create it — never twice.

This is the seed's central action ("genera ordine per data specifica"). Preview lists every
template due on the date, and the dates missed since the last run (catch-up), with what the
sales assistant wants to know about each customer. Create stores the flagged ones in one
transaction: a second run, two runs at once, or a run after a crash find the existing orders
and create nothing twice (the ledger's unique key is (template, occurrence date)).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import NotRequired, TypedDict, cast

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from toolkit.basics import dates
from toolkit.basics.cells import Location
from toolkit.basics.codes import folded
from toolkit.basics.labels import labeller
from toolkit.basics.problems import Problem, ProblemsFound, ProblemType, define, errors
from toolkit.basics.runtime import collector_paused
from toolkit.basics.vocab import ExceptionAction, InvoiceTerms
from toolkit.basics.wording import Codes, count
from toolkit.core.delivery_rate import rests
from toolkit.core.documents import DeliveryNote
from toolkit.core.drafts import OrderDraft, draft_orders
from toolkit.core.einvoice.deadline import late_at_issue
from toolkit.core.exposure import Exposure
from toolkit.core.intent_ceiling import letter_amount, letters_with_amount
from toolkit.core.invoicing import Invoice
from toolkit.core.letter_cited import paid_first_refused, uncited_sentence
from toolkit.core.orders import (
    EFFECTS,
    AtOnce,
    Order,
    OrderStatus,
    documents_on,
    due_until,
    held_until_its_day,
    issued_on_their_day,
)
from toolkit.core.plan import Due, due_between
from toolkit.core.requests import OpenRequests
from toolkit.core.reservations import NONE
from toolkit.core.shipping import ANOTHER_COMPANY, apart_told, once_per_item, service_items
from toolkit.intake.validation.invoice_terms import ended_invoiced_at_order
from toolkit.ledger import Ledger
from toolkit.ledger.db import reading, writing
from toolkit.ledger.deliveries import available_stock, rests_dated
from toolkit.ledger.exposure import exposures
from toolkit.ledger.invoices import cite_shipped_with
from toolkit.ledger.orders import (
    StoredOrder,
    existing_numbers,
    held_orders,
    insert_orders,
    last_generated,
    load_orders,
    open_orders_of_days,
    open_quantities_of_days,
    ordered_quantities,
    record_generation,
    reservations,
    standing_numbers,
    stored_line_ids,
    stored_orders,
    stored_shipments,
    voided_numbers,
)
from toolkit.ledger.requests import open_requests
from toolkit.model.memo import per_master
from toolkit.model.parties import party_book
from toolkit.model.records import MasterData, Template, TemplateLine
from toolkit.services.copies_apart import other_companies
from toolkit.services.dated_before_count import dated_before_count, shown_after_count
from toolkit.services.held_documents import issue_held
from toolkit.services.intent_letters import at_order_within_letters, open_orders_beyond
from toolkit.services.invoicing import ORDER_OUT_OF_SEQUENCE, excluded, issue_at_order, templates_before
from toolkit.services.sdi_due import due_at_sdi
from toolkit.services.shipping import counted_ahead, counted_long_before, listed_long_before, on_holiday
from toolkit.services.shipping_days import ship_at_once

UNKNOWN_SELECTION = define(
    "unknown-template-selection", "error",
    it="Il modello {code} indicato in --only/--exclude non è fra quelli in scadenza: controlla il codice.",
    en="Template {code} given to --only/--exclude is not among those due: check the code.")
NOTHING_NEW_PRINTED = define(
    "orders-nothing-new-to-print", "warning",
    title=("Nessun file scritto", "No file written"),
    it="Nessun ordine nuovo né documento emesso: {path} e i file accanto non sono stati scritti. Gli ordini già "
       "creati si ristampano con: toolkit print ordini {workbook} --date {day} --out FILE.xlsx",
    en="No new order nor document issued: {path} and the files beside it were not written. The orders created "
       "already print again with: toolkit print orders {workbook} --date {day} --out FILE.xlsx")
_UNPRINTED_TITLE = ("Documenti emessi con gli ordini e non stampati", "Documents issued with the orders and not printed")
ISSUED_UNPRINTED = {
    (True, True): define(
        "issued-unprinted-invoice", "warning", title=_UNPRINTED_TITLE,
        it="Emessa con gli ordini e non stampata (senza --out): {issued}. Stampala con: {commands}",
        en="Issued with the orders and not printed (no --out): {issued}. Print it with: {commands}"),
    (True, False): define(
        "issued-unprinted-ddt", "warning", title=_UNPRINTED_TITLE,
        it="Emesso con gli ordini e non stampato (senza --out): {issued}. Stampalo con: {commands}",
        en="Issued with the orders and not printed (no --out): {issued}. Print it with: {commands}"),
    (False, True): define(
        "issued-unprinted-invoices", "warning", title=_UNPRINTED_TITLE,
        it="Emesse con gli ordini e non stampate (senza --out): {issued}. Stampale con: {commands}",
        en="Issued with the orders and not printed (no --out): {issued}. Print them with: {commands}"),
    (False, False): define(
        "issued-unprinted-documents", "warning", title=_UNPRINTED_TITLE,
        it="Emessi con gli ordini e non stampati (senza --out): {issued}. Stampali con: {commands}",
        en="Issued with the orders and not printed (no --out): {issued}. Print them with: {commands}"),
}
"""The line `orders create` without `--out` ends with when it issued documents at once (`issued_unprinted`), by
(one document, invoices and notes alone: `Numbered.feminine`): in Italian the words agree with what was issued,
*Emessa … Stampala* for one invoice, *Emessi … Stampali* for a DDT and an invoice."""


MOVED_ALREADY_ORDERED = define(
    "moved-delivery-already-ordered", "warning",
    title=("Consegna spostata già ordinata", "Moved delivery already ordered"),
    it="Modello {template}: la consegna del {nominal} ora va al {day} (un'eccezione o una chiusura l'ha spostata), ma "
       "per il {nominal} c'è già l'ordine {number}, creato prima: l'ordine del {day} la conterrebbe di nuovo e la "
       "merce partirebbe due volte, quindi l'ordine del {day} di questo modello non è stato creato (gli altri sì). "
       "Se la consegna va davvero spostata, annulla {number} (toolkit orders status {number} --to annullato) e crea "
       "di nuovo gli ordini; altrimenti togli l'eccezione.",
    en="Template {template}: the delivery of {nominal} now goes to {day} (an exception or a closure moved it), but "
       "{nominal} already has order {number}, made before: the order of {day} would hold it again and the goods "
       "would leave twice, so this template's order of {day} was not created (the others were). If the delivery is "
       "really to move, void {number} (toolkit orders status {number} --to voided) and create the orders again; "
       "otherwise remove the exception.")
NO_LONGER_PLANNED = define(
    "order-no-longer-planned", "warning",
    title=("Ordine creato che il modello non prevede più", "Order made that its template no longer plans"),
    it="L'ordine {number} del {day} (modello {template}) era già stato creato, ma il modello ora non lo prevede "
       "(sospeso, saltato, in una chiusura, fuori validità o tolto dal foglio, oppure non ancora in questa copia "
       "della cartella, se l'ha aggiunto un collega nella sua): resta aperto e partirà come gli altri. Se non deve "
       "partire, annullalo (toolkit orders status {number} --to annullato).",
    en="Order {number} of {day} (template {template}) was made already, but the template no longer plans it "
       "(paused, skipped, in a closure, out of its validity or taken off the sheet, or not yet in this copy of the "
       "workbook, if a colleague added it in theirs): it stays open and will ship like the others. "
       "If it is not to ship, void it (toolkit orders status {number} --to voided).")
TEMPLATE_NOW_ANOTHER_CUSTOMER = define(
    "order-template-now-another-customer", "warning",
    title=("Ordine creato per il cliente di prima del modello", "Order made for the template's former customer"),
    it="L'ordine {number} del {day} (modello {template}) era già stato creato per il cliente {ordered}, ma il "
       "modello ora è del cliente {customer}: l'ordine resta di {ordered} e partirà a lui, e per {customer} quel "
       "giorno non se ne crea un altro. Se quella consegna è di {customer}, annulla {number} (toolkit orders status "
       "{number} --to annullato) e importala come modulo d'ordine del cliente; se il modello passa a {customer} da "
       "un giorno successivo, rimetti qui {ordered} e fai per {customer} un modello nuovo valido da quel giorno.",
    en="Order {number} of {day} (template {template}) was made already for customer {ordered}, but the template "
       "now belongs to customer {customer}: the order stays {ordered}'s and will ship to it, and no other one is made "
       "that day for {customer}. If that delivery is {customer}'s, void {number} (toolkit orders status {number} "
       "--to voided) and import it as the customer's order form; if the template goes to {customer} from a later "
       "day, put {ordered} back here and make {customer} a new template valid from that day.")
TEMPLATE_NOW_ANOTHER_DESTINATION = define(
    "order-template-now-another-destination", "warning",
    title=("Ordine creato per la destinazione di prima del modello",
           "Order made for the template's former destination"),
    it="L'ordine {number} del {day} (modello {template}) era già stato creato per la destinazione {ordered}, ma il "
       "modello ora indica {destination}: l'ordine non cambia e la merce partirà per {ordered}. Se deve andare a "
       "{destination}, annulla {number} (toolkit orders status {number} --to annullato) e importalo come modulo "
       "d'ordine del cliente; se la destinazione cambia da un giorno successivo, lascia l'ordine com'è.",
    en="Order {number} of {day} (template {template}) was made already for destination {ordered}, but the template "
       "now names {destination}: the order does not change and the goods will leave for {ordered}. If they are to go "
       "to {destination}, void {number} (toolkit orders status {number} --to voided) and import it as the customer's "
       "order form; if the destination changes from a later day, leave the order as it is.")
VOIDED_NOT_MADE_AGAIN = define(
    "order-voided-not-made-again", "warning",
    title=("Ordine annullato: non si ricrea", "Voided order: not made again"),
    it="L'ordine {number} del {day} (modello {template}) è annullato: un modello ha un solo ordine per giorno, anche "
       "annullato, quindi non ne è stato creato un altro. Per rifarlo quel giorno, importalo come modulo d'ordine del "
       "cliente (toolkit convert modulo.xlsx --to ordini --master anagrafiche.xlsx --out ordini-importati).",
    en="Order {number} of {day} (template {template}) is voided: a template has one order per day, voided too, so no "
       "other one was created. To make it again that day, import it as the customer's order form (toolkit convert "
       "form.xlsx --to orders --master anagrafiche.xlsx --out imported-orders).")
EXCEPTION_AFTER_ORDER = define(
    "exception-after-order", "warning",
    title=("Eccezione successiva all'ordine", "Exception added after the order"),
    it="L'eccezione del {day} per il modello {template} chiede {wanted} in tutto, ma l'ordine {number} di quel giorno "
       "era già stato creato con {ordered}: l'ordine non cambia. Per spedire meno usa le quantità della spedizione; "
       "per rifarlo, annullalo e importalo come modulo d'ordine del cliente.",
    en="The exception of {day} for template {template} asks for {wanted} in all, but that day's order {number} was "
       "created already with {ordered}: the order does not change. To ship less, use the shipment's quantities; to "
       "make it again, void it and import it as the customer's order form.")
TEMPLATE_LINES_AFTER_ORDER = define(
    "order-template-lines-after-order", "warning",
    title=("Righe del modello cambiate dopo l'ordine", "Template lines changed after the order"),
    it="L'ordine {number} del {day} (modello {template}) era già stato creato con {ordered} in tutto, ma le righe del "
       "modello ora chiedono {wanted}: l'ordine non cambia (su un registro del team può averlo creato un collega con "
       "la sua copia della cartella, prima della modifica). Per spedire meno usa le quantità della spedizione; per "
       "rifarlo, annullalo e importalo come modulo d'ordine del cliente.",
    en="Order {number} of {day} (template {template}) was created already with {ordered} in all, but the template's "
       "lines now ask for {wanted}: the order does not change (on a team ledger a colleague may have created it with "
       "their copy of the workbook, before the change). To ship less, use the shipment's quantities; to make it "
       "again, void it and import it as the customer's order form.")
QUANTITY_CHANGING = (ExceptionAction.QUANTITY, ExceptionAction.EXTRA)
"""The *Eccezioni* actions that change what a day's order holds."""
FAR_AHEAD = 31
"""Days after today beyond which an order date reads as a typo (2027-10-02 for 2026-10-02):
a desk creates tomorrow's or next week's orders today, not next year's."""
ORDER_DATE_FAR_AHEAD = define(
    "order-date-far-ahead", "error",
    it="La data degli ordini {day} è più di {most} giorni dopo oggi ({today}): sembra un errore di battitura, nessun "
       "ordine è stato creato. Correggi la data; se è proprio voluta, dalla riga di comando aggiungi --future.",
    en="The order date {day} is more than {most} days after today ({today}): it looks like a typo, no order was "
       "created. Correct the date; if it is really meant, add --future on the command line.")
ORDER_DATE_FAR_AHEAD_PREVIEW = define(
    "order-date-far-ahead-preview", "warning",
    title=("Data degli ordini molto avanti", "Order date far ahead"),
    it="La data {day} è più di {most} giorni dopo oggi ({today}): controlla che non sia un errore di battitura. "
       "La creazione degli ordini per questa data chiederà --future.",
    en="The date {day} is more than {most} days after today ({today}): check it is not a typo. Creating the orders "
       "for this date will need --future.")


def far_ahead(day: date, kind: ProblemType = ORDER_DATE_FAR_AHEAD) -> Problem | None:
    """The typo guard: `day` more than `FAR_AHEAD` days after today, as a problem of `kind`."""
    today = dates.today_rome()
    return kind(None, day=day, today=today, most=FAR_AHEAD) if (day - today).days > FAR_AHEAD else None


class OrderRow(TypedDict):
    """An order `create` made (with its lines and amount) or found already made."""

    template: str
    date: date
    customer: str
    number: str
    lines: NotRequired[int]
    amount: NotRequired[Decimal]
    documents_on: NotRequired[date]
    """For an order made before its day: the day its documents issued at once wait for."""


@dataclass(frozen=True, slots=True)
class PreviewRow:
    day: date
    template: str
    customer: str
    customer_name: str
    ship_to: str | None
    lines: int
    quantity: Decimal
    amount: Decimal
    existing: str | None
    """The order's number when it already exists."""
    changed: bool
    """Moved off a holiday or touched by a calendar exception."""
    catch_up: bool
    """Due on an earlier day that was missed."""
    documents_on: date | None = None
    """The day the order's documents issued at once will be issued, when they wait for it:
    created ahead, or to be created ahead (`held_until_its_day`)."""

    def order_shown(self, lang: str) -> str:
        """The preview's *Ordine* cell: the number, and the day its documents wait for.

        >>> row = PreviewRow(date(2026, 10, 2), "T004", "C024", "", None, 1, Decimal(1), Decimal(1), "OC-2026-00011",
        ...                  False, False, date(2026, 10, 2))
        >>> row.order_shown("it")
        'OC-2026-00011 · documenti il 02/10/2026'
        """
        return " · ".join(part for part in (self.existing, self.documents_on and documents_on(self.documents_on, lang))
                          if part)

NO_REQUESTS = OpenRequests()


@dataclass(frozen=True)
class Preview:
    day: date
    rows: list[PreviewRow]
    customers: dict[str, tuple[Exposure, Decimal | None]]
    """Per customer: exposure, credit limit."""
    problems: list[Problem]
    missed_days: list[date] = field(default_factory=list)
    requests: dict[str, OpenRequests] = field(default_factory=dict)
    """Per customer with open requests or complaints: how many, and the latest one's text."""

    def open_requests(self, customer: str) -> OpenRequests:
        return self.requests.get(customer, NO_REQUESTS)


@dataclass(frozen=True)
class Created:
    created: list[OrderRow]
    already_existing: list[OrderRow]
    problems: list[Problem]
    notes: list[DeliveryNote] = field(default_factory=list)
    """The DDTs issued at once (warehouse, POS and on-credit orders)."""
    invoices: list[Invoice] = field(default_factory=list)
    """The invoices issued at once (POS, on-credit and prepay orders)."""
    documents_due: list[str] = field(default_factory=list)
    """The orders made on an earlier day whose held documents this run issued (among `notes`
    and `invoices`), their day having come."""
    of_documents: list[Problem] = field(default_factory=list)
    """Those of `problems` told of the documents issued (a line rated again for its day, a letter
    of intent's ceiling, numbers after a draft run, a return left out, a DDT dated on a holiday,
    a stock count long before): the panel's box names them, where the planning's warnings were
    shown already by the preview. The invoices' first, the DDTs' stock warnings (many on a day
    at L) after, as a box lists the first ten."""

    @property
    def waiting(self) -> list[OrderRow]:
        """The orders created whose documents issued at once wait for their day."""
        return [row for row in self.created if "documents_on" in row]

    def summary(self, lang: str) -> str:
        """The line both front ends end with: how many orders were created, how many existed,
        how many wait for their day to issue their documents, how many waiting ones were issued,
        and the returns not credited at the order."""
        made, existing = len(self.created), len(self.already_existing)
        if lang == "it":
            said = (f"{'Creato' if made == 1 else 'Creati'} {count(made, 'ordine', 'ordini')}, {existing} già "
                    f"{'esistente' if existing == 1 else 'esistenti'}.")
        else:
            said = f"Created {count(made, 'order', 'orders')}, {existing} already existed."
        from toolkit.services.invoicing import returns_refused_sentence

        return (said + self._waiting(lang) + returns_refused_sentence(self.problems, lang)
                + uncited_sentence(self.problems, lang)
                + issued_on_their_day(len(self.documents_due), lang))

    @property
    def stored(self) -> bool:
        """Whether the run stored anything: a return left out of the documents issued at once is
        an error beside orders created, not a refusal."""
        return bool(self.created or self.notes or self.invoices or self.documents_due)

    def _waiting(self, lang: str) -> str:
        if not (waiting := self.waiting):
            return ""
        first = min(row["documents_on"] for row in waiting)
        if lang == "it":
            return (f" DDT e fatture immediati di {count(len(waiting), 'ordine', 'ordini')} attendono il loro giorno, "
                    f"il primo il {first:%d/%m/%Y}: li emette «orders create» o «ship» di quel giorno.")
        return (f" The immediate DDTs and invoices of {count(len(waiting), 'order', 'orders')} wait for their day, "
                f"the first on {first:%d/%m/%Y}: that day's “orders create” or “ship” issues them.")


def _start(ledger: Ledger, day: date, with_catch_up: bool) -> date:
    """The first day to plan: the day after the last generation (catch-up), or `day` itself."""
    last = None
    if with_catch_up:
        with reading(ledger) as conn:
            last = last_generated(conn)
    return last + timedelta(days=1) if last is not None and last < day else day


@per_master
def _priced(master: MasterData, start: date, day: date) -> tuple[list[Due], list[Problem], list[OrderDraft], list[Problem]]:
    """What is due from `start` to `day`, priced: a session that previews and then creates
    the same day plans and prices it once. Callers must not change the lists.

    The plan and the drafts are a few hundred thousand records, kept for the session and with
    no reference cycles, so the cycle collector is paused while they are made
    (`collector_paused`): at L it walked them all once, finding nothing, for 0.06 s of CPU."""
    with collector_paused():
        dues, problems = due_between(master, start, day, locate=master.locate)
        drafts, draft_problems = draft_orders(master, dues)
    return dues, problems, drafts, draft_problems


def _select(dues: list[Due], only: Collection[str] | None, exclude: Collection[str] | None,
            keys: Collection[tuple[str, date]] | None) -> tuple[list[Due], list[Problem]]:
    known = {d.template for d in dues}
    problems = [UNKNOWN_SELECTION(None, code=c) for c in sorted({*(only or ()), *(exclude or ())} - known)]
    chosen = [d for d in dues if (not only or d.template in only) and d.template not in (exclude or ())
              and (keys is None or d.key in keys)]
    return chosen, problems


def preview(master: MasterData, ledger: Ledger, day: date, *, with_catch_up: bool = True) -> Preview:
    """What `create` of `day` would make, and the warnings it would give: among them a *Non
    fatturare* customer's template invoiced at the order past its *Valido al* whose missed days
    it still makes (`ended_invoiced_at_order`), which the data check leaves out."""
    start = _start(ledger, day, with_catch_up)
    dues, problems, drafts, draft_problems = _priced(master, start, day)
    priced = {d.key: d for d in drafts}
    customers = {c.code: c for c in master.customers}
    with reading(ledger) as conn:
        existing = existing_numbers(conn, [d.key for d in dues], {d.key: d.customer for d in dues})
        waiting = {(folded(held.template or ""), held.day): held.day
                   for held in held_orders(conn, days={d.day for d in dues})}
        exposure = exposures(conn, sorted({d.customer for d in dues}))
        requests = open_requests(conn, exposure)
        lettered = letters_with_amount(master)
        ordering: dict[str, Decimal] = defaultdict(Decimal)
        for new in drafts:
            if new.customer in lettered and new.key not in existing:
                ordering[new.customer] += letter_amount(new.lines)
        beyond = open_orders_beyond(conn, master, exposure.keys(), ordering, day)
        unplanned = (_no_longer_planned(conn, master, dues, start, day) + _voided(conn, dues)
                     + _changed_after(conn, master, dues) + _lines_changed_after(conn, master, dues, drafts, start,
                                                                                 day))
    rows = []
    for due in dues:
        draft = priced.get(due.key)
        documents_day = waiting.get((folded(due.template), due.day)) if due.key in existing else _waits(master, draft)
        rows.append(PreviewRow(
            due.day, due.template, due.customer, customers[due.customer].name,
            draft.ship_to if draft else None, len(due.lines), due.total_quantity,
            draft.amount if draft else Decimal(0), existing.get(due.key), due.changed, due.day < day, documents_day))
    snapshot = {c: (e, customers[c].credit_limit) for c, e in exposure.items()}
    missed = sorted({d.day for d in dues if d.day < day})
    typo = far_ahead(day, ORDER_DATE_FAR_AHEAD_PREVIEW)
    ended = ended_invoiced_at_order(master, {d.template for d in dues if d.key not in existing})
    return Preview(day, rows, snapshot, [*problems, *draft_problems, *unplanned, *beyond, *ended,
                                         *([typo] if typo else [])], missed, requests)


def _waits(master: MasterData, draft: OrderDraft | None) -> date | None:
    """The day a draft's documents issued at once would wait for if it were created now."""
    if draft is None:
        return None
    kinds = AtOnce.of(EFFECTS[draft.document_type], invoiced_immediately=draft.customer in _invoiced_immediately(master))
    return draft.occurrence if kinds and held_until_its_day(draft.occurrence, dates.today_rome(), False) else None


@per_master
def _invoiced_immediately(master: MasterData) -> frozenset[str]:
    """The customers invoiced *Immediato*: each of their orders that ships is invoiced at once."""
    return frozenset(c.code for c in master.customers if c.invoice_terms is InvoiceTerms.IMMEDIATE)


def create(master: MasterData, ledger: Ledger, day: date, *, only: Collection[str] | None = None,
           exclude: Collection[str] | None = None, keys: Collection[tuple[str, date]] | None = None,
           with_catch_up: bool = True, future: bool = False, lang: str) -> Created:
    """Create the orders due on `day` (and missed days), or only the chosen templates, or only
    the chosen (template, date) pairs (the flags of the preview sheet). Every document issued
    keeps `lang`, the run's language, which its reprints speak.

    Writes nothing if any chosen order has a problem (a missing price, say): fix it or leave
    that template out with `exclude`. Nor if an order invoiced at once would date its invoice
    before the latest one already issued in the series (`issue_at_order`). Nor, unless
    `future`, if `day` is more than `FAR_AHEAD` days after today (a typo that would create
    every day's orders up to it), or if an order invoiced or shipped at once would date its
    invoice or DDT after today: invoice numbers follow dates, so one future invoice refuses
    every earlier one after it, and issued invoices are not undone.

    The orders made before that the desk is told of (no longer planned, voided, changed after
    an exception or after their template's lines) are read before storing: the orders made now
    are planned as they stand, so a read after would only go through them again (a day's 8,000
    at L).
    """
    if not future and (typo := far_ahead(day)):
        return Created([], [], [typo])
    start = _start(ledger, day, with_catch_up)
    dues, problems, drafts, draft_problems = _priced(master, start, day)
    chosen, selection_problems = _select(dues, only, exclude, keys)
    if len(chosen) < len(dues):
        drafts, draft_problems = draft_orders(master, chosen)
    problems = problems + selection_problems + draft_problems
    if errors(problems):
        return Created([], [], problems)
    if any(EFFECTS[d.document_type].ship_at_once for d in drafts) and (ahead := counted_ahead(master)):
        return Created([], [], [*problems, ahead])
    moved = _moved_deliveries(master, chosen)
    picked = {d.key for d in chosen}
    others = [d for d in dues if d.key not in picked] if only else []
    with reading(ledger) as conn:
        told = (_no_longer_planned(conn, master, dues, start, day) + _voided(conn, chosen)
                + _changed_after(conn, master, chosen) + _lines_changed_after(conn, master, chosen, drafts, start,
                                                                              day))
    try:
        try:
            created = _store(master, ledger, day, drafts, problems, future, moved, left_to_others=others, lang=lang)
        except IntegrityError:
            created = _store(master, ledger, day, drafts, problems, future, moved, left_to_others=others, lang=lang)
    except ProblemsFound as refused:
        return Created([], [], problems + refused.problems)
    ended = ended_invoiced_at_order(master, {row["template"] for row in created.created})
    with reading(ledger) as conn:
        soon = due_at_sdi(conn, master.settings, dates.today_rome(), created.invoices)
    return replace(created, problems=created.problems + told + ended + soon, of_documents=[*soon, *created.of_documents])


def _row(draft: OrderDraft, number: str) -> OrderRow:
    return {"template": draft.template, "date": draft.occurrence, "customer": draft.customer, "number": number}


@collector_paused()
def _store(master: MasterData, ledger: Ledger, day: date, drafts: list[OrderDraft], problems: list[Problem],
           future: bool, moved: Mapping[tuple[str, date], tuple[date, Location]], *,
           left_to_others: Sequence[Due] = (), lang: str) -> Created:
    """The orders stored, shipped and invoiced at once in one write transaction, with the cycle
    collector paused (`collector_paused`), as shipping pauses it: the holders read for the
    orders that ship at once and the records of the day's orders, DDTs and invoices are
    hundreds of thousands of objects and almost no cycles. On the day after April at L
    (`create_late`) the collector ran three times inside this step, 0.13 s of its 5 s of CPU
    (three runs), to free 826 objects, which it frees after the step all the same.

    First the documents earlier runs held for their day are issued if the day has come
    (`issue_held`); then the new orders are stored, and those dated after today keep their
    documents issued at once for their day (`held_until_its_day`) unless `future`.

    The days planned are recorded as done (`record_generation`, where the next run's catch-up
    starts), but for the dues of `left_to_others`: a run of `--only` some templates (an extra
    order made ahead for one customer) leaves the other templates' orders of its days to be
    made, so it records only the days before the first of those not made yet. Recording them
    all done lost every order between the last full run and its date (Christmas Eve's, after
    one customer's order of the 28th was made on the 21st); a desk running `--only` a route at
    a time closes the day with its last route. The templates a run leaves out with `--exclude`
    or unflagged in the preview were seen and left out on purpose."""
    today = dates.today_rome()
    series = master.settings.order_series
    immediate = _invoiced_immediately(master)
    created: list[OrderRow] = []
    at_once: dict[date, list[tuple[StoredOrder, OrderStatus]]] = defaultdict(list)
    invoice_now: dict[date, list[StoredOrder]] = defaultdict(list)
    with writing(ledger) as conn:
        due = issue_held(conn, master, due_until(day, today, future), lang=lang)
        existing = existing_numbers(conn, [d.key for d in drafts], {d.key: d.customer for d in drafts})
        existing_rows = [_row(d, existing[d.key]) for d in drafts if d.key in existing]
        new, moved_twice = _moved_twice(conn, [d for d in drafts if d.key not in existing], moved)
        statuses = [EFFECTS[d.document_type].status for d in new]
        documents = [AtOnce.of(EFFECTS[d.document_type], invoiced_immediately=d.customer in immediate) for d in new]
        waiting = [bool(kinds) and held_until_its_day(d.occurrence, today, future) for d, kinds in zip(new, documents)]
        marks = [{"documents_held": kinds.stored} if wait else {} for kinds, wait in zip(documents, waiting)]
        stored = insert_orders(conn, new, series, statuses, marks if any(waiting) else None, book=party_book(master),
                               lang=lang)
        for draft, (order_id, number), status, kinds, wait in zip(new, stored, statuses, documents, waiting):
            row: OrderRow = {**_row(draft, number), "lines": len(draft.lines), "amount": draft.amount}
            created.append({**row, "documents_on": draft.occurrence} if wait else row)
            if wait:
                continue
            if kinds.ddt:
                at_once[draft.occurrence].append(((order_id, number, draft), status))
            if kinds.invoice:
                invoice_now[draft.occurrence].append((order_id, number, draft))
        shipping = [order for orders in at_once.values() for order, _ in orders]
        invoicing = [order for orders in invoice_now.values() for order in orders]
        line_ids = stored_line_ids(conn, sorted({order_id for order_id, _, _ in (*shipping, *invoicing)}))
        ship_problems, notes = ship_at_once(conn, master, {
            day: stored_orders([order for order, _ in orders], [status for _, status in orders], line_ids,
                               party_book(master), lang=lang)
            for day, orders in at_once.items()}, lang=lang)
        invoices, left_out = _invoice_at_once(conn, master, invoice_now, line_ids, lang)
        invoices = cite_shipped_with(conn, invoices, notes)
        beyond = open_orders_beyond(conn, master, {d.customer for d in new}, day=day)
        record_generation(conn, _done_until(conn, day, left_to_others))
    counted = counted_long_before(master, day, [*due.problems, *ship_problems])
    counted += on_holiday(master, [*due.notes, *notes])
    counted += dated_before_count(master, [*due.notes, *notes])
    issued = [*due.invoices, *invoices]
    late = late_at_issue(issued, today)
    return Created(created, existing_rows,
                   once_per_item(problems + moved_twice + due.problems + ship_problems + counted + left_out + beyond
                                 + late),
                   [*due.notes, *notes], issued, due.orders,
                   once_per_item([*late, *left_out, *due.problems, *ship_problems, *counted]))


def _done_until(conn: Connection, day: date, left_to_others: Sequence[Due]) -> date:
    """The last day planned up to `day` whose orders all exist, these dues that another run
    is to make included: `day`, or the day before the first of them not made yet. That day is
    recorded even when it is the one before the first planned: on a new ledger it is where the
    next run's catch-up starts (recording nothing left the next day's run no catch-up, and the
    other templates' orders of the day `--only` made were never made), and days planned before
    the first other template's due are done (a weekly template due at the end of the catch-up
    kept them all planned again); an older day recorded changes nothing (`last_generated`)."""
    if not left_to_others:
        return day
    made = existing_numbers(conn, [d.key for d in left_to_others], {d.key: d.customer for d in left_to_others})
    missing = min((d.day for d in left_to_others if d.key not in made), default=None)
    return day if missing is None else missing - timedelta(days=1)


def _moved_deliveries(master: MasterData, dues: Sequence[Due]) -> dict[tuple[str, date], tuple[date, Location]]:
    """Per (template, rule date) a due stands for away from its own day: the day it goes to, and
    the cell that moved it (the exception's *Nuova data*, else the template's *Se festivo*)."""
    moves = {(folded(e.template), e.day): e for e in master.exceptions if e.action is ExceptionAction.MOVE}
    templates = {t.code: t for t in master.templates}
    moved: dict[tuple[str, date], tuple[date, Location]] = {}
    for due in dues:
        for nominal in (n for n in due.nominal if n != due.day) if due.moved else ():
            exc = moves.get((folded(due.template), nominal))
            moved[(due.template, nominal)] = (due.day, master.locate(exc.source, "new_date") if exc else
                                              master.locate(templates[due.template].source, "holiday_policy"))
    return moved


def _no_longer_planned(conn: Connection, master: MasterData, dues: Sequence[Due], first: date, last: date
                       ) -> list[Problem]:
    """The open orders of the days planned whose template no longer plans them: paused, an
    exception skipping or moving that day, past its validity, taken off the sheet since the
    order was made. Each at the cell that says so, for the desk to void the order if it is off.
    So is an order its template now plans for another customer (*Cliente* changed since): it
    ships to the customer it was made for, and the day, made already, is not made again."""
    planned = {(folded(d.template), day): d for d in dues for day in (d.day, *d.nominal)}
    templates = {folded(t.code): t for t in master.templates}
    skips = {(folded(e.template), e.day): e for e in master.exceptions
             if e.action in (ExceptionAction.SKIP, ExceptionAction.MOVE)}
    problems = []
    printed: dict[str, int] = {}
    for template, day, number, ordered, ship_to, parties_id in open_orders_of_days(conn, first, last):
        if (due := planned.get((folded(template), day))) is not None:
            if (found := templates.get(folded(template))) is None:
                continue
            if parties_id is not None and folded(due.customer) == folded(ordered):
                printed[number] = parties_id
            if folded(due.customer) != folded(ordered):
                problems.append(TEMPLATE_NOW_ANOTHER_CUSTOMER(
                    master.locate(found.source, "customer"), number=number, day=day, template=template,
                    ordered=ordered, customer=due.customer))
            elif folded(found.ship_to or "") != folded(ship_to or ""):
                problems.append(TEMPLATE_NOW_ANOTHER_DESTINATION(
                    master.locate(found.source, "ship_to"), number=number, day=day, template=template,
                    ordered=_ShipsTo(ship_to), destination=_ShipsTo(found.ship_to)))
            continue
        found, skip = templates.get(folded(template)), skips.get((folded(template), day))
        changed = _what_changed(found, day) if found else None
        closed = next((c for c in master.closures if c.date_from <= day <= c.date_to), None)
        where = (master.locate(skip.source, "action") if skip else
                 master.locate(closed.source, "date_from") if found and changed == "schedule" and closed else
                 master.locate(found.source, changed) if found and changed else
                 master.locate_sheet(Template.sheet))
        problems.append(NO_LONGER_PLANNED(where, number=number, day=day, template=template))
    return problems + _for_other_companies(conn, master, printed)


def _for_other_companies(conn: Connection, master: MasterData, printed: Mapping[str, int]) -> list[Problem]:
    """The open orders of the days planned made for another company than this copy's customer
    of their code (`toolkit.services.copies_apart`), by number, each told at that customer's
    *Partita IVA*: a colleague's copy added a customer of the same code, and the run said only
    "già esistente" of an order the warehouse then shipped to this copy's company."""
    return [apart_told(ANOTHER_COMPANY, master, printed_for, now, number=number)
            for number, (printed_for, now) in sorted(other_companies(conn, master, printed).items())]


@dataclass(frozen=True, slots=True)
class _ShipsTo:
    """A template's or order's destination as a message names it: its code, or the customer's
    own address when it has none."""

    code: str | None

    def shown(self, lang: str) -> str:
        return self.code or ("la sede del cliente" if lang == "it" else "the customer's own address")


def _changed_after(conn: Connection, master: MasterData, dues: Sequence[Due]) -> list[Problem]:
    """The days whose order was made before an exception changed its quantities (*Quantità*,
    *Consegna extra*): the order keeps what it was made with, so the desk is told, at the exception."""
    touched = {d.key: d for d in dues if any(a in QUANTITY_CHANGING for a in d.exceptions)}
    rows = {(folded(e.template), e.day): e for e in master.exceptions if e.action in QUANTITY_CHANGING}
    problems = []
    for key, (number, ordered) in sorted(ordered_quantities(conn, list(touched)).items()):
        due = touched[key]
        if ordered != due.total_quantity and (row := rows.get((folded(key[0]), key[1]))) is not None:
            problems.append(EXCEPTION_AFTER_ORDER(master.locate(row.source, "quantity"), day=key[1], template=key[0],
                                                  number=number, wanted=due.total_quantity, ordered=ordered))
    return problems


def _lines_changed_after(conn: Connection, master: MasterData, dues: Sequence[Due],
                         drafts: Sequence[OrderDraft], first: date, last: date) -> list[Problem]:
    """The days from `first` to `last` whose order, still open, was made before the template's
    lines (*Righe modello*) changed how much they ask for: the order keeps what it was made with,
    and a run telling only "1 already existing" left the desk believing its change was in it. On
    a team ledger the order is often a colleague's, made with a copy of the workbook one version
    behind. Told at the template's first line; a day an exception changed is told at the
    exception (`_changed_after`)."""
    ordered_before = open_quantities_of_days(conn, first, last)
    if not ordered_before:
        return []
    excepted = {d.key for d in dues if any(a in QUANTITY_CHANGING for a in d.exceptions)}
    wanted = {(folded(d.template), d.occurrence): d for d in drafts if d.key not in excepted}
    lines = _first_lines(master)
    problems = []
    for key, (number, ordered) in sorted(ordered_before.items()):
        if (draft := wanted.get(key)) is not None and ordered != draft.quantity and key[0] in lines:
            problems.append(TEMPLATE_LINES_AFTER_ORDER(
                master.locate(lines[key[0]].source, "quantity"), day=key[1], template=draft.template, number=number,
                wanted=draft.quantity, ordered=ordered))
    return problems


@per_master
def _first_lines(master: MasterData) -> dict[str, TemplateLine]:
    """Each template's first line (*Righe modello*), by its folded code: where
    `_lines_changed_after` tells of an order made before its lines changed. Made once per
    master and only when a day has open orders already: folding every line's code (200,000 at
    L) was 0.04 s of CPU in each preview and create of a date with no order yet."""
    return {folded(line.template): line for line in reversed(master.template_lines)}


def _voided(conn: Connection, dues: Sequence[Due]) -> list[Problem]:
    """The days of these dues whose order the desk voided: listed as existing, never made again."""
    return [VOIDED_NOT_MADE_AGAIN(None, number=number, day=day, template=template)
            for (template, day), number in sorted(voided_numbers(conn, [d.key for d in dues]).items())]


def _what_changed(template: Template, day: date) -> str:
    """The field of a template that no longer plans `day`: paused, out of its validity, else its
    schedule (or a closure its holiday policy skips)."""
    if not template.active:
        return "active"
    if template.valid_to is not None and day > template.valid_to:
        return "valid_to"
    return "valid_from" if day < template.valid_from else "schedule"


def _moved_twice(conn: Connection, new: Sequence[OrderDraft],
                 moved: Mapping[tuple[str, date], tuple[date, Location]]) -> tuple[list[OrderDraft], list[Problem]]:
    """The new orders less those holding a delivery moved off a rule date whose order was made
    before the move (an exception or a closure added since), each left out with a warning: its
    goods would leave twice. One template's late exception leaves the rest of the day to be
    created; the old order still ships the goods, and once it is voided a run creates the moved one."""
    keys = {d.key for d in new}
    found = standing_numbers(conn, [k for k, (day, _) in moved.items() if (k[0], day) in keys])
    if not found:
        return list(new), []
    out = {(key[0], moved[key][0]) for key in found}
    return [d for d in new if d.key not in out], [
        MOVED_ALREADY_ORDERED(moved[key][1], template=key[0], nominal=key[1], day=moved[key][0], number=number)
        for key, number in sorted(found.items())]


def _invoice_at_once(conn: Connection, master: MasterData, invoice_now: dict[date, list[StoredOrder]],
                     line_ids: Mapping[tuple[int, int], int], lang: str) -> tuple[list[Invoice], list[Problem]]:
    """POS, on-credit and prepay orders, and every order of a customer invoiced immediately
    (termini di fatturazione *Immediato*), are invoiced in the transaction that creates them,
    dated with the order: an immediate invoice is issued when its order is, never at month end
    (a prepay order then waits for its payment before it ships). Billed from the drafts just
    stored (`stored_shipments`), not read back. With them, the errors of the returns left out
    (`issue_at_order`)."""
    invoices: list[Invoice] = []
    problems: list[Problem] = []
    days = sorted(invoice_now.items())
    for at, (day, orders) in enumerate(days):
        ids = [order_id for order_id, _, _ in orders]
        shipments = stored_shipments(conn, orders, line_ids)
        planned, crossed, uncited = at_order_within_letters(conn, master, shipments, day)
        if errors(crossed):
            raise ProblemsFound(errors(crossed))
        try:
            issued, left_out = issue_at_order(conn, master, planned, ids, day, lang=lang)
        except ProblemsFound as refused:
            raise ProblemsFound(_late_on_later_days(conn, master, refused.problems, days[at + 1:], line_ids)) from None
        invoices += issued
        problems += [*crossed, *(x.problem for x in uncited), *paid_first_refused(
            master, uncited, [(number, draft.customer, draft.document_type) for _, number, draft in orders]), *left_out]
    return invoices, problems


def _late_on_later_days(conn: Connection, master: MasterData, refused: Sequence[Problem],
                        later: Sequence[tuple[date, list[StoredOrder]]],
                        line_ids: Mapping[tuple[int, int], int]) -> list[Problem]:
    """The refusal of a day's invoices dated before the series' latest, naming to --exclude the
    templates of the days after it refused alike: the run stops at the first day, and a January
    catch-up of December's missed days after December's month end was refused once per day and
    template, each run naming one more."""
    late = {ORDER_OUT_OF_SEQUENCE.code}
    if not later or not any(p.code in late for p in refused):
        return list(refused)
    planned: list[Invoice] = []
    for day, orders in later:
        shipments = stored_shipments(conn, orders, line_ids)
        planned += at_order_within_letters(conn, master, shipments, day).invoices
    named = {o.number: o.origin.reference for o in load_orders(
        conn, ids=[order_id for _, orders in later for order_id, _, _ in orders])}
    kept = []
    for problem in refused:
        params = dict(problem.params)
        if problem.code in late:
            more = templates_before(master.settings, planned, params, named)
            params.update(excluded(Codes(tuple(dict.fromkeys([*cast(Codes, params["templates"]).codes,
                                                              *more.codes])))))
            problem = ORDER_OUT_OF_SEQUENCE(problem.location, **params)
        kept.append(problem)
    return kept


def created_outputs(out: Path) -> tuple[Path, Path, Path]:
    """Where `orders create --out FILE` prints the orders, and the DDTs and the invoices issued
    with them: FILE, with `FILE-ddt.xlsx` and `FILE-fatture.xlsx` beside it, or when an earlier run
    of the day left any of them, `FILE-2.xlsx`, `FILE-ddt-2.xlsx` and `FILE-fatture-2.xlsx`, and so
    on (`unused_paths`): the earlier run's orders, DDTs and invoices, perhaps not printed yet, stay
    in their files, as `ship` keeps a day's earlier shipment; a run's three files share their
    number."""
    from toolkit.basics.files import unused_paths
    from toolkit.services.printing import beside

    orders, ddt, invoices = unused_paths((out, beside(out, "ddt"), beside(out, "fatture")))
    return orders, ddt, invoices


def created_documents(master: MasterData, ledger: Ledger, created: Created, outputs: tuple[Path, Path, Path],
                      lang: str) -> list[Path]:
    """What `orders create --out` prints: the orders `created` made (one A4 sheet each, in ledger
    order), and the DDTs and invoices issued with them, each into its file of `outputs` (chosen by
    `created_outputs` before the orders were stored), each recorded as printed; none when the run
    made and issued nothing (the orders that existed already print again with `toolkit print`,
    not into a new file at each run). A file not written leaves the others to be tried, and
    `NotPrinted` names every one with its command."""
    from toolkit.services.printing import stored_before_printing, write_and_mark_each

    orders, ddt, invoices = outputs
    ddts = [note for note in created.notes if note.is_ddt]
    with stored_before_printing([("orders", [r["number"] for r in created.created], orders),
                                 ("ddt", ddts, ddt), ("invoices", created.invoices, invoices)]):
        files: list[tuple[str, Sequence[Order | DeliveryNote | Invoice], Path]] = []
        if created.created:
            files.append(("orders", _printed_orders(ledger, created.created), orders))
        if ddts:
            files.append(("ddt", ddts, ddt))
        if created.invoices:
            files.append(("invoices", created.invoices, invoices))
        return write_and_mark_each(ledger, master, files, lang)


def issued_unprinted(created: Created, workbook: Path, lang: str) -> str:
    """What `orders create` without `--out` adds to its summary when it issued DDTs or invoices
    at once (warehouse, POS, on-credit and prepay orders): they were recorded and never
    printed, and its summary counted only the orders, so a desk learnt of them from the next
    `ship --out`, as an operation perhaps interrupted. Names them, in words agreeing with them
    (`ISSUED_UNPRINTED`: *Emessa … Stampala* for one invoice, *Emessi* for a DDT and an invoice), with the `toolkit
    print --unprinted` commands that print exactly them (`print_command`: by number, so not
    another run's documents of those days); empty when nothing was issued."""
    from toolkit.services.printing import issued_documents, print_commands

    ddts = [(n.number, n.day) for n in created.notes if n.is_ddt]
    invoices = [(x.number, x.invoice_date) for x in created.invoices if x.number]
    if not (ddts or invoices):
        return ""
    issued = issued_documents([n for n, _ in ddts], created.invoices)
    said = ISSUED_UNPRINTED[issued.total == 1, issued.feminine](None, issued=issued,
                                                                commands=print_commands(ddts, invoices, workbook))
    return said.message(lang)


def _printed_orders(ledger: Ledger, rows: Sequence[OrderRow]) -> list[Order]:
    """The orders of these rows of `Created`, as the ledger holds them."""
    numbers = {r["number"] for r in rows}
    if not rows:
        return []
    with reading(ledger) as conn:
        found = load_orders(conn, occurrence_from=min(r["date"] for r in rows),
                            occurrence_to=max(r["date"] for r in rows))
    return [o for o in found if o.number in numbers]


def list_orders(ledger: Ledger, statuses: Sequence[OrderStatus] | None = None, *, first: date | None = None,
                last: date | None = None, customer: str | None = None) -> list[Order]:
    """The orders in the ledger, all or those in the given statuses, due from `first` to `last`,
    of one `customer`."""
    with reading(ledger) as conn:
        return load_orders(conn, statuses=statuses, occurrence_from=first, occurrence_to=last, customer=customer,
                           credits=True)


OPEN = (OrderStatus.DRAFT, OrderStatus.NOT_ACCEPTED, OrderStatus.IN_PROGRESS)
"""The orders the panel shows unless asked for every one: those still to confirm or to ship."""


@collector_paused()
def panel(master: MasterData, ledger: Ledger, out: Path, lang: str, orders: Sequence[Order] | None = None, *,
          every: bool = False, first: date | None = None, last: date | None = None,
          told: list[Problem] | None = None) -> Path:
    """The control panel workbook: one row per order, linked to its lines, each with what it
    reserves and what stock is available to it. Unless given the orders, it shows those still
    open (`OPEN`), or with `every` all of them, due from `first` to `last` when given: a large
    distributor's ledger gains 8,000 orders a day, and a panel of every order it ever had took
    3 minutes and 5 GB mid-month, with more order lines than a sheet holds a few months on.
    A stock count dated after today is refused, as shipping refuses it (`counted_ahead`): each
    line's available stock would keep the goods the DDTs until then took. A count long before
    today is told in `told`, when given, if an item still to ship shows no stock
    (`listed_long_before`): of the open orders only, as `every` shows closed ones too, whose
    lines never shipped are not waiting for stock. DDTs dated before the count and stored after
    it, which each line's stock takes off as shipping does, are told too (`shown_after_count`).

    The cycle collector is paused (`collector_paused`), as the workbook's writing already paused
    it: reading the open orders makes a record per order and line, in no cycle, that the
    collector walked for nothing (once at M mid-month, 0.07 s of the panel's 2.6 s of CPU)."""
    from toolkit.writers.orders_book import write_panel
    from toolkit.writers.sheet_limits import check_rows

    if ahead := counted_ahead(master):
        raise ProblemsFound([ahead])
    with reading(ledger) as conn:
        shown = orders if orders is not None else load_orders(
            conn, statuses=None if every else OPEN, occurrence_from=first, occurrence_to=last, credits=True)
        check_rows(1 + sum(len(order.lines) for order in shown), labeller(lang)("panel.title"))
        stock = available_stock(conn, master)
        held = NONE if stock is None else reservations(conn, asked={o.id for o in shown if o.id})
        cut = rests_dated(conn, rests(shown))
        if told is not None:
            told += shown_after_count(conn, master) + due_at_sdi(conn, master.settings, dates.today_rome())
    if told is not None and stock is not None:
        services = service_items(master)
        told += listed_long_before(master, dates.today_rome(), stock, {
            line.item for order in shown if order.status in OPEN for line in order.lines
            if line.to_ship > 0 and line.item not in services})
    return write_panel(out, master, shown, lang, stock, held, rests=cut)
