"""The month-end run as it was before it became a set operation: one `Billable` record per
line read from the ledger, one invoice built per customer group in Python
(`toolkit.core.invoicing.build_invoice`, still the product's rule for single invoices), stored
by `toolkit.ledger.invoices.store`. The reference `tests/test_invoicing_setwise.py` and
`benchmarks/invoice_month.py` compare the product's run with: same invoices, numbers, dates,
lines, amounts, VAT per rate, dues and cited DDTs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, exists, func, select

from toolkit.basics.problems import Problem, errors
from toolkit.basics.vocab import InvoiceTerms, PaymentMethod
from toolkit.core import invoicing, payment_terms, stamp_duty
from toolkit.core.credit_notes import (
    OverReturn,
    ReturnMixesVat,
    ReturnOverDiscount,
    TakenBack,
    mixed_vat,
    over_discount,
    planned,
    take_back,
)
from toolkit.core.invoicing import (
    Billable,
    DeliveryRef,
    Instalment,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Pending,
    Period,
    Plan,
    Request,
    _place,
    _request_problems,
    deferred_invoice_day,
    group_key,
    held_warning,
    is_fully_delivered,
    late_problems,
    numbering_order,
    payment_method,
    previous_month_problems,
    stamp_duty_line,
    waiting_warning,
)
from toolkit.core.lines import line_amount
from toolkit.core.vat import totals, vat_summary
from toolkit.ledger import Ledger, parties, schema, uninvoiced
from toolkit.ledger.batches import in_batches
from toolkit.ledger.credit_notes import headrooms, sold_for
from toolkit.ledger.db import (
    document_number,
    draw_numbers,
    event_row,
    insert_numbered,
    insert_rows,
    log_events,
    now,
    reading,
    user,
    writing,
)
from toolkit.ledger.invoices import (
    DONE_ORDER_STATUSES,
    RUN_FILES,
    _invoiced_at_order,
    cite_returns,
    matched_returns,
    ordered_not_invoiced,
    series_for,
    wrote_in,
)
from toolkit.model.parties import party_book
from toolkit.model.records import Customer, MasterData
from toolkit.services.invoicing import RunResult, chosen_orders, chronology_problems, new_run_id

o, ol = schema.orders.c, schema.order_lines.c
d, dl = schema.deliveries.c, schema.delivery_lines.c
il = schema.invoice_lines.c


def shipped_not_invoiced(conn: Connection, cutoff: date, *, customer: str | None = None) -> list[Billable]:
    """DDT lines dated up to `cutoff` that no invoice covers yet, one record each."""
    query = (
        select(dl.id.label("delivery_line_id"), dl.quantity, d.id.label("delivery_id"), d.series, d.year,
               d.number, d.delivery_date, d.ship_to, d.accounting_date, ol.id.label("order_line_id"),
               o.id.label("order_id"), o.series.label("o_series"), o.year.label("o_year"),
               o.number.label("o_number"), o.order_date, o.customer, o.ship_to.label("o_ship_to"), o.project,
               ol.item, ol.description, ol.unit, ol.unit_price, ol.vat_rate, ol.vat_nature, o.payment_method,
               o.customer_reference)
        .select_from(schema.delivery_lines.join(schema.deliveries, d.id == dl.delivery_id)
                     .join(schema.order_lines, ol.id == dl.order_line_id).join(schema.orders, o.id == ol.order_id))
        .where(d.delivery_date <= cutoff, ~exists().where(il.delivery_line_id == dl.id), ~_invoiced_at_order())
        .order_by(d.delivery_date, d.series, d.year, d.number, ol.order_id, ol.line_no)
    )
    if customer is not None:
        query = query.where(o.customer == customer)
    return [
        Billable(r.item, r.description, r.unit, r.quantity, r.unit_price, line_amount(r.quantity, r.unit_price),
                 r.vat_rate, r.vat_nature, r.order_line_id, r.delivery_line_id,
                 DeliveryRef(r.delivery_id, document_number(r.series, r.year, r.number), r.delivery_date,
                             r.accounting_date),
                 r.order_id, document_number(r.o_series, r.o_year, r.o_number), r.order_date, r.customer,
                 r.ship_to or r.o_ship_to, r.project,
                 PaymentMethod(r.payment_method) if r.payment_method else None, r.customer_reference)
        for r in conn.execute(query)
    ]


def delivered_orders(conn: Connection, order_ids: Collection[int], cutoff: date) -> frozenset[int]:
    """The orders delivered in full by `cutoff` (or completed or closed: nothing more will ship).

    Each chunk sums only its own orders' DDT lines (the sum reached through the order lines),
    rather than every DDT line of the ledger once per chunk."""
    wanted = sorted(set(order_ids))
    found: set[int] = set()
    for chunk in in_batches(wanted):
        shipped = (select(dl.order_line_id, func.sum(dl.quantity).label("quantity"))
                   .select_from(schema.delivery_lines.join(schema.deliveries, d.id == dl.delivery_id)
                                .join(schema.order_lines, ol.id == dl.order_line_id))
                   .where(d.delivery_date <= cutoff, ol.order_id.in_(chunk))
                   .group_by(dl.order_line_id).subquery())
        rows = conn.execute(
            select(ol.order_id, o.status, ol.quantity, func.coalesce(shipped.c.quantity, 0))
            .select_from(schema.order_lines.join(schema.orders, o.id == ol.order_id)
                         .outerjoin(shipped, shipped.c.order_line_id == ol.id))
            .where(ol.order_id.in_(chunk))).all()
        lines: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)
        statuses: dict[int, str] = {}
        for order_id, status, quantity, done in rows:
            lines[order_id].append((quantity, Decimal(done)))
            statuses[order_id] = status
        found |= {k for k, v in lines.items() if statuses[k] in DONE_ORDER_STATUSES or is_fully_delivered(v)}
    return frozenset(found)


def build_invoice(customer: Customer, kind: InvoiceKind, key: str | None, period: Period, invoice_date: date,
                  billables: Sequence[Billable], *, charge_stamp_duty: bool = False) -> Invoice:
    """One invoice from its lines: amounts per line, the VAT summary per rate, and the dues.

    The lines share one payment method (`payment_method`), the order's own or the customer's;
    the terms are the customer's. With `charge_stamp_duty` (*Bollo a carico del cliente*) an
    invoice that owes the stamp duty gains the line that charges it (`stamp_duty_line`) before
    its totals and dues are made. A credit note has no due dates: it is money owed to the customer.
    """
    ordered = sorted(billables, key=lambda b: (b.day, b.delivery.number if b.delivery else "",
                                               b.order_number, b.order_line_id))
    lines = tuple(
        InvoiceLine(b.item, b.description, b.unit, b.quantity, b.unit_price, b.amount, b.vat_rate, b.vat_nature,
                    n, b.order_line_id, b.delivery_line_id, b.delivery, b.order_number, b.customer_reference)
        for n, b in enumerate(ordered, start=1)
    )
    summary = tuple(vat_summary((line.amount, line.vat_rate, line.vat_nature) for line in lines))
    if (charge_stamp_duty and kind is InvoiceKind.INVOICE
            and stamp_duty.due((s.rate, s.taxable, s.nature) for s in summary)):
        lines += (stamp_duty_line(len(lines) + 1),)
        summary = tuple(vat_summary((line.amount, line.vat_rate, line.vat_nature) for line in lines))
    taxable, vat, total = totals(summary)
    method = payment_method(customer, billables[0]) if billables else customer.payment_method
    code = customer.payment_terms
    if method is PaymentMethod.CASH_ON_DELIVERY and not payment_terms.parse(code).on_delivery:
        code = payment_terms.AT_DELIVERY
    dues: tuple[Instalment, ...] = ()
    if kind is InvoiceKind.INVOICE:
        terms = payment_terms.parse(code)
        if terms.on_delivery:
            days = sorted({b.day for b in ordered})
            delivered = {day: totals(vat_summary((b.amount, b.vat_rate, b.vat_nature) for b in ordered if b.day == day))[2]
                         for day in days}
            found = payment_terms.at_delivery(delivered, invoice_date, total)
        else:
            found = payment_terms.instalments(terms, invoice_date, total)
        dues = tuple(Instalment(d, a) for d, a in found)
    return Invoice(kind, customer.code, key, period, invoice_date, lines, summary, taxable, vat, total,
                   method, code, dues)


def billables_for(conn: Connection, master: MasterData, request: Request) -> tuple[list[Billable], frozenset[int]]:
    customers = [c for c in master.customers if not request.customer or c.code == request.customer]
    immediate = {c.code for c in customers if c.invoice_terms is InvoiceTerms.IMMEDIATE}
    after_order = {c.code for c in customers if c.invoice_terms is InvoiceTerms.AFTER_ORDER_DELIVERED}
    shipped = shipped_not_invoiced(conn, request.cutoff, customer=request.customer)
    ordered = _left_to_ddts(conn, ordered_not_invoiced(conn, customers=immediate, cutoff=request.cutoff))
    complete = delivered_orders(conn, {b.order_id for b in shipped if b.customer in after_order}, request.cutoff)
    return shipped + ordered, complete


def _left_to_ddts(conn: Connection, ordered: list[Billable]) -> list[Billable]:
    """The order lines an immediate customer's run bills at the order: not one that shipped
    with no invoice line at the order (none with no DDT line), which its DDTs bill, whatever
    invoices cover part of it already; asked line by line."""
    kept = []
    for billable in ordered:
        line = billable.order_line_id
        shipped = conn.execute(select(ol.shipped).where(ol.id == line)).scalar_one()
        at_order = conn.execute(select(il.id).where(il.order_line_id == line, il.delivery_line_id.is_(None))
                                .limit(1)).first()
        if not shipped or at_order is not None:
            kept.append(billable)
    return kept


def _parts(lines: list[Billable]) -> list[list[Billable]]:
    """An invoice's lines as the invoices FatturaPA can number: `LINES_PER_INVOICE` at most each
    (NumeroLinea goes to 9999, one kept for the stamp duty), in the lines' own order, read from
    the product's module at each call so a test may make invoices long with a few lines."""
    most = invoicing.LINES_PER_INVOICE
    ordered = sorted(lines, key=lambda b: (b.day, b.delivery.number if b.delivery else "", b.order_number,
                                           b.order_line_id))
    return [ordered[n:n + most] for n in range(0, len(ordered), most)] or [[]]


def plan(master: MasterData, billables: Iterable[Billable], request: Request,
         delivered: Collection[int] = frozenset()) -> Plan:
    customers = {c.code: c for c in master.customers}
    problems = _request_problems(master, request, customers)
    if any(p.is_error for p in problems):
        return Plan((), tuple(problems))
    buckets: dict[tuple, list[Billable]] = defaultdict(list)
    waiting: dict[tuple[str, str], int] = defaultdict(int)
    undelivered: dict[str, list[Billable]] = defaultdict(list)
    for line in billables:
        if request.customer and line.customer != request.customer:
            continue
        if line.day > request.cutoff or line.quantity == 0:
            continue
        customer = customers.get(line.customer)
        if customer is None:
            continue  # no longer in the master: left out, the rest invoiced (the product names it)
        placed = _place(customer, line, request, delivered)
        if isinstance(placed, str):
            waiting[(customer.code, placed)] += 1
            if placed == "order-not-delivered":
                undelivered[customer.code].append(line)
        elif placed is not None:
            period, split = placed
            kind = InvoiceKind.CREDIT_NOTE if line.quantity < 0 else InvoiceKind.INVOICE
            buckets[(customer.code, group_key(customer.invoice_grouping, line), period, kind, split,
                     payment_method(customer, line))].append(line)
    deferred_day = deferred_invoice_day(request, request.deferred_date or master.settings.deferred_invoice_date)
    invoices = []
    charge = master.settings.stamp_duty_customer
    for (code, key, period, kind, split, _), lines in buckets.items():
        day = request.limit if split is not None else deferred_day
        invoices += [build_invoice(customers[code], kind, key, period, day, part, charge_stamp_duty=charge)
                     for part in _parts(lines)]
    invoices.sort(key=numbering_order)
    for code, lines in sorted(undelivered.items()):
        ddts = sorted({(line.delivery.day, line.delivery.number) for line in lines if line.delivery is not None})
        problems.append(waiting_warning(
            master.locate(customers[code].source, "invoice_terms"), code, len(lines),
            sorted({line.order_number for line in lines}), ddts[0][1], ddts[0][0], request.today))
    for (code, reason), n in sorted(waiting.items()):
        if reason == "held":
            problems.append(held_warning(master.locate(customers[code].source, "invoice_terms"), code, n))
    problems += late_problems(invoices, request.today)
    problems += previous_month_problems(invoices, request)
    pending = tuple(Pending(c, r, n) for (c, r), n in sorted(waiting.items()))
    return Plan(tuple(invoices), tuple(problems), pending)


def store(conn: Connection, master: MasterData, invoices: Sequence[Invoice], status: InvoiceStatus,
          run_id: str, lang: str | None = "it") -> list[Invoice]:
    """Number and insert planned invoices in the caller's transaction, in the order given
    (numbers follow that order within each series); one statement per table, not per invoice.
    Each invoice's parties kept one at a time. A return's credit note cites the invoices that
    sold its goods through the product's own step (`cite_returns`): which invoice a return
    corrects is a ledger lookup after planning, not the planning this oracle redoes row by row;
    so is the price a return is credited at (`ReturnsMatched.priced`)."""
    matched = matched_returns(conn, invoices)
    placed = matched.placed()
    invoices = list(placed.invoices)
    keys = [(series_for(master.settings, x.kind), x.invoice_date.year) for x in invoices]
    numbers = draw_numbers(conn, keys)
    created_at, created_by = now(), user()
    issued = [x.parties_in(party_book(master)) for x in invoices]
    parties_ids = [parties.keep(conn, [one])[0] for one in issued]
    ids = insert_numbered(conn, schema.invoices, [
        dict(kind=x.kind.value, series=series, year=year, number=numbers[n], invoice_date=x.invoice_date,
             customer=x.customer, group_key=x.group_key, status=status.value, run_id=run_id,
             period_start=x.period.start, period_end=x.period.end, taxable=x.taxable, vat=x.vat, total=x.total,
             payment_method=x.payment_method.value, payment_terms=x.payment_terms, created_at=created_at,
             created_by=created_by, parties_id=parties_ids[n], lang=lang)
        for n, (x, (series, year)) in enumerate(zip(invoices, keys))])
    lines = [dict(invoice_id=invoice_id, line_no=line.line_no, delivery_line_id=line.delivery_line_id,
                  order_line_id=line.order_line_id, item=line.item, description=line.description, unit=line.unit,
                  quantity=line.quantity, unit_price=line.unit_price, amount=line.amount, vat_rate=line.vat_rate,
                  vat_nature=line.vat_nature)
             for invoice_id, x in zip(ids, invoices) for line in x.lines]
    dues = [dict(invoice_id=invoice_id, due_date=due.due_date, amount=due.amount)
            for invoice_id, x in zip(ids, invoices) for due in x.dues]
    insert_rows(conn, schema.invoice_lines, lines)
    if status is InvoiceStatus.FINAL:
        uninvoiced.invoiced(conn, ids)
    insert_rows(conn, schema.invoice_dues, dues)
    insert_rows(conn, schema.invoice_citations, [
        dict(credit_note_id=invoice_id, invoice_id=cited.id, base=cited.base)
        for invoice_id, x in zip(ids, invoices) for cited in x.cites])
    shown = [document_number(series, year, numbers[n]) for n, (series, year) in enumerate(keys)]
    returned = cite_returns(conn, matched, placed, ids, shown)
    log_events(conn, [
        event_row("invoiced", "invoice" if x.kind is InvoiceKind.INVOICE else "credit-note", invoice_id, number,
                  f"run {run_id}; {x.customer}; total {x.total}")
        for invoice_id, number, x in zip(ids, shown, invoices)])
    return [replace(x, id=invoice_id, number=number, status=status, run_id=run_id, parties=kept,
                    cites=returned.get(invoice_id, x.cites), lang=lang)
            for invoice_id, number, x, kept in zip(ids, shown, invoices, issued)]


def run(ledger: Ledger, master: MasterData, request: Request, *, preview: bool = False,
        status: InvoiceStatus = InvoiceStatus.DRAFT, orders=()) -> RunResult:
    """`toolkit.services.invoicing.run` without the workbook, row by row."""
    with (reading if preview else writing)(ledger) as conn:
        request, unknown = chosen_orders(conn, request, orders)
        if unknown:
            return RunResult(None, [], unknown, [], preview=preview, status=status)
        billables, complete = billables_for(conn, master, request)
        result = plan(master, billables, request, complete)
        result, refused_returns, repriced = returns_left_out(conn, master, billables, request, complete, result)
        problems = list(result.problems) + [x.problem for x in refused_returns] + repriced
        if preview:
            problems += chronology_problems(conn, master.settings, result.invoices)
            return RunResult(None, matched_returns(conn, result.invoices).priced(), problems, list(result.pending), preview=True,
                             status=status, returns_refused=refused_returns)
        stopping = errors(list(result.problems))
        if not stopping:
            stopping = chronology_problems(conn, master.settings, result.invoices)
            problems += stopping
        if stopping or not result.invoices:
            return RunResult(None, [], problems, list(result.pending), status=status, returns_refused=refused_returns)
        run_id = new_run_id(request.invoice_date or request.month.end)
        stored = store(conn, master, result.invoices, status, run_id, lang="it")
        wrote_in(conn, RUN_FILES, run_id, None)
    return RunResult(run_id, stored, problems, list(result.pending), status=status, returns_refused=refused_returns)


def returns_left_out(conn: Connection, master: MasterData, billables: list[Billable], request: Request,
                     complete: Collection[int], result: Plan
                     ) -> tuple[Plan, list[OverReturn | ReturnOverDiscount | ReturnMixesVat], list[Problem]]:
    """The product's rule, on this oracle's lines: the returns that give back more than is left
    of the invoices that sold their goods (`take_back`), or of what a volume discount left of
    them (`over_discount`), or that one VAT rate cannot credit (`mixed_vat`), are left out, their
    DDTs waiting, and so are the notes of an order's lines with no DDT that take back nothing an
    invoice sold (they would cite no document: `RETURN_WAITS_FOR_DDT`); the rest planned again
    without them; a warning for each return line priced above its invoice."""
    def taken_back(plan_: Plan) -> tuple[list[TakenBack], list[OverReturn]]:
        notes = [x for x in plan_.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
        return take_back(notes, sold_for(conn, notes, None) + planned(plan_.invoices)) if notes else ([], [])

    taken, over = taken_back(result)
    refused: list[OverReturn | ReturnOverDiscount | ReturnMixesVat] = [*over, *over_discount(taken, headrooms(
        conn, {t.sold.invoice_id for t in taken if t.sold.invoice_id is not None}))]
    out = {(x.note, x.line.order_number, x.line.delivery.id if x.line.delivery else None) for x in refused}
    refused += [x for x in mixed_vat(taken)
                if (x.note, x.line.order_number, x.line.delivery.id if x.line.delivery else None) not in out]
    notes = [x for x in result.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    cited = {t.note for t in taken}
    out = {(x.line.delivery, x.line.order_number) for x in refused} | {
        (None, line.order_number) for n, note in enumerate(notes)
        if n not in cited and not any(line.delivery for line in note.lines) for line in note.lines}
    if out:
        kept = [b for b in billables if (b.delivery, b.order_number) not in out]
        result = plan(master, kept, request, complete)
        taken, _ = taken_back(result)
    return result, refused, [t.problem for t in taken if t.capped]
