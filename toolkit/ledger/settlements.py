"""What volume discounts and commissions read from the ledger, and the settlements they record.

The invoices of a period (final ones: a draft may still be undone), the drafts left out, what
was collected in a period, and which volume discounts are already settled
(`volume_settlements`: one row per discount, customer and period, with its credit note).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, func, select

from toolkit.basics.vocab import PaymentMethod
from toolkit.core import stamp_duty
from toolkit.core.commissions import Account, Entry, Part, counted
from toolkit.core.invoicing import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, Period
from toolkit.core.payments import taken_parts
from toolkit.core.volume_discounts import Credits, is_goods, is_rebate
from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.credit_notes import notes_citing, taken_back_by_notes
from toolkit.ledger.db import document_number, insert_rows, now, user
from toolkit.ledger.invoices_bulk import load_invoices_in_bulk

i, il, p, vs = schema.invoices.c, schema.invoice_lines.c, schema.payments.c, schema.volume_settlements.c
ZERO = Decimal(0)


def final_invoices_between(conn: Connection, first: date, last: date, *,
                           also: Collection[int] = ()) -> list[Invoice]:
    """The final invoices and credit notes dated in [first, last], and the invoices `also`
    names (invoices of another date with payments in the period), in number order."""
    ids = set(conn.execute(select(i.id).where(i.invoice_date >= first, i.invoice_date <= last,
                                              i.status == InvoiceStatus.FINAL.value)).scalars())
    ids |= set(also)
    return load_invoices_in_bulk(conn, sorted(ids))


def settling_invoices(conn: Connection, first: date, last: date) -> list[Invoice]:
    """The final invoices and credit notes dated in [first, last] as a settlement reads them:
    header and lines, without the DDTs and orders the lines cite nor the dues, which a volume
    discount does not look at (two plain queries, not `load_invoices`' joins: a quarter at
    1,000 customers is a hundred thousand lines)."""
    dated = (i.invoice_date >= first, i.invoice_date <= last, i.status == InvoiceStatus.FINAL.value)
    lines: dict[int, list[InvoiceLine]] = defaultdict(list)
    rows = conn.execute(select(il.invoice_id, il.line_no, il.order_line_id, il.item, il.quantity, il.amount,
                               il.vat_rate, il.vat_nature, il.credits_line_id)
                        .join(schema.invoices, i.id == il.invoice_id)
                        .where(*dated).order_by(il.invoice_id, il.line_no))
    for r in rows:
        lines[r.invoice_id].append(InvoiceLine(r.item, "", "", r.quantity, ZERO, r.amount, r.vat_rate, r.vat_nature,
                                               r.line_no, r.order_line_id, None, None, "",
                                               credits_line_id=r.credits_line_id))
    headers = conn.execute(select(i.id, i.kind, i.series, i.year, i.number, i.invoice_date, i.customer,
                                  i.taxable, i.vat, i.total, i.payment_method, i.payment_terms, i.run_id)
                           .where(*dated).order_by(i.invoice_date, i.series, i.year, i.number))
    return [Invoice(InvoiceKind(h.kind), h.customer, None, Period(h.invoice_date, h.invoice_date), h.invoice_date,
                    tuple(lines[h.id]), (), h.taxable, h.vat, h.total, PaymentMethod(h.payment_method),
                    h.payment_terms, (), h.id, document_number(h.series, h.year, h.number), InvoiceStatus.FINAL,
                    h.run_id)
            for h in headers]


def settling_credits(conn: Connection, first: date, last: date) -> Credits:
    """What final credit notes, of any date, took back of the lines of the final invoices dated in
    [first, last], by their own lines (`toolkit invoice credit`) or as returns (`returned_lines`);
    and what of the lines of the returns dated in [first, last] was taken back from invoices. A
    credit note counts in its invoice's period, as the check that holds a later note to what the
    discount left reads it (`toolkit.ledger.credit_notes.headrooms`): a settlement after the note
    gives no discount on goods it took back. Grouped in the database: a quarter is a hundred
    thousand lines."""
    sold, credit = schema.invoice_lines.alias("sold"), schema.invoice_lines.alias("credit")
    invoice, note, r = schema.invoices.alias("invoice"), schema.invoices.alias("note"), schema.returned_lines.c
    final = InvoiceStatus.FINAL.value
    in_period = (invoice.c.invoice_date >= first, invoice.c.invoice_date <= last, invoice.c.status == final,
                 note.c.status == final)
    by_lines = (select(sold.c.invoice_id, sold.c.line_no, func.sum(credit.c.quantity), func.sum(credit.c.amount))
                .select_from(credit).join(sold, sold.c.id == credit.c.credits_line_id)
                .join(note, note.c.id == credit.c.invoice_id))
    as_returns = (select(sold.c.invoice_id, sold.c.line_no, func.sum(r.quantity), func.sum(r.amount))
                  .select_from(schema.returned_lines).join(sold, sold.c.id == r.invoice_line_id)
                  .join(note, note.c.id == r.credit_note_id))
    of_invoices: dict[tuple[int, int], tuple[Decimal, Decimal]] = {}
    for statement in (by_lines, as_returns):
        for invoice_id, line_no, quantity, amount in conn.execute(
                statement.join(invoice, invoice.c.id == sold.c.invoice_id).where(*in_period)
                .group_by(sold.c.invoice_id, sold.c.line_no)):
            before = of_invoices.get((invoice_id, line_no), (ZERO, ZERO))
            of_invoices[invoice_id, line_no] = (before[0] + Decimal(quantity), before[1] + Decimal(amount))
    cited = {(note_id, line_no): (Decimal(quantity), Decimal(amount)) for note_id, line_no, quantity, amount in
             conn.execute(select(credit.c.invoice_id, credit.c.line_no, func.sum(r.quantity), func.sum(r.amount))
                          .select_from(schema.returned_lines).join(credit, credit.c.id == r.credit_line_id)
                          .join(note, note.c.id == credit.c.invoice_id)
                          .where(note.c.invoice_date >= first, note.c.invoice_date <= last, note.c.status == final)
                          .group_by(credit.c.invoice_id, credit.c.line_no))}
    return Credits(of_invoices, cited)


def drafts_between(conn: Connection, first: date, last: date) -> list[str]:
    """The numbers of the draft invoices dated in [first, last]: left out until finalized."""
    rows = conn.execute(select(i.series, i.year, i.number).where(
        i.invoice_date >= first, i.invoice_date <= last, i.status == InvoiceStatus.DRAFT.value)
        .order_by(i.series, i.year, i.number))
    return [document_number(r.series, r.year, r.number) for r in rows]


def waiting_between(conn: Connection, first: date, last: date) -> dict[str, list[str]]:
    """Customer → the numbers of its DDTs dated in [first, last] with goods on no final invoice
    yet (`deliveries.uninvoiced_*`, read through their partial index): what a settlement of the
    period would not count, since it reads final invoices only."""
    d = schema.deliveries.c
    rows = conn.execute(select(d.customer, d.series, d.year, d.number).where(
        d.delivery_date >= first, d.delivery_date <= last, (d.uninvoiced_euros != 0) | (d.uninvoiced_micros != 0))
        .order_by(d.customer, d.series, d.year, d.number))
    found: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        found[r.customer].append(document_number(r.series, r.year, r.number))
    return dict(found)


def collected_between(conn: Connection, first: date, last: date) -> dict[int, Decimal]:
    """Final invoice id → what was collected on it by payments dated in [first, last]."""
    rows = conn.execute(select(p.invoice_id, func.sum(p.amount)).join(schema.invoices, i.id == p.invoice_id)
                        .where(p.payment_date >= first, p.payment_date <= last,
                               i.status == InvoiceStatus.FINAL.value).group_by(p.invoice_id))
    return {invoice_id: Decimal(amount) for invoice_id, amount in rows}


def accounts_between(conn: Connection, first: date, last: date, documents: Sequence[Invoice], *,
                     paid: Collection[int]) -> list[tuple[str, Account]]:
    """The documents a collected base reads in [first, last], each as its customer's `Account`
    up to the period's end: the invoices paid in it (`paid`) or that its final notes take from,
    with every payment and final note on them; and the final notes citing no invoice dated or
    refunded in it, with their refunds. `documents` are the period's, as
    `final_invoices_between(also=paid)` loads them: read once."""
    loaded = {d.id: d for d in documents if d.id is not None}
    notes_in = {d.id for d in documents if d.id is not None and d.kind is InvoiceKind.CREDIT_NOTE
                and first <= d.invoice_date <= last}
    mine = notes_in | {x for x in paid if x in loaded and loaded[x].kind is InvoiceKind.CREDIT_NOTE}
    taking = _parts_of_notes(conn, [loaded[n] for n in sorted(mine)])
    invoices = {x for x in paid if x in loaded and loaded[x].kind is InvoiceKind.INVOICE}
    invoices |= {x for parts in taking.values() for x in parts}
    others = (set(notes_citing(conn, invoices, last)) | _discounts_citing(conn, invoices, last)) - mine
    loaded |= {d.id: d for d in load_invoices_in_bulk(conn, sorted((others | invoices) - loaded.keys())) if d.id is not None}
    taking |= _parts_of_notes(conn, [loaded[n] for n in sorted(others)])
    payments = _payments(conn, sorted(invoices | mine), last)
    on_invoice: dict[int, list[Entry]] = defaultdict(list)
    for note, parts in taking.items():
        for invoice, (owed, lines) in parts.items():
            on_invoice[invoice].append(Entry(loaded[note].invoice_date, note, owed=owed, parts=lines))
    found = []
    for document in sorted(invoices | {n for n in mine if not taking.get(n)}):
        entries = on_invoice[document] + [Entry(day, document, paid=amount) for day, amount in payments[document]]
        found.append((loaded[document].customer, _account(loaded[document], entries)))
    for note in sorted(n for n in mine if taking.get(n)):
        if (uncited := _uncited(loaded[note], taking[note], payments[note])) is not None:
            found.append((loaded[note].customer, uncited))
    return found


def _uncited(note: Invoice, taking: Mapping[int, tuple[Decimal, tuple[Part, ...]]],
             refunds: Sequence[tuple[date, Decimal]]) -> Account | None:
    """The part of a return's note that cites no invoice (goods no invoice in the ledger sold:
    bought before its history, or invoiced by hand), as an account of its own with the note's
    refunds, None when the note cites invoices for all its goods. It takes commission back as it
    is refunded, as a note citing no invoice at all does; the refunds count toward it first, what
    the note settles of its invoices being money the customer never paid, which no refund may
    take (`toolkit.services.payments.NoteRefunds`)."""
    assert note.id is not None
    goods = [x for x in note.lines if is_goods(x)]
    if not goods:
        return None
    left: dict[str, Decimal] = defaultdict(Decimal)
    for line in goods:
        left[line.item] += line.amount
    for _, parts in taking.values():
        for item, amount in parts:
            left[item] -= amount
    parts_left = tuple((item, amount) for item, amount in left.items() if amount)
    if not parts_left:
        return None
    return Account(note.id, note.payable - sum((owed for owed, _ in taking.values()), ZERO), parts_left,
                   tuple(Entry(day, note.id, paid=amount) for day, amount in refunds), uncited=True)


def _account(document: Invoice, entries: list[Entry]) -> Account:
    """The document's lines that earn commission and its entries in date order, a day's notes
    before its payments: a payment settles what the note left. What is owed is what the document
    asks (`Invoice.payable`): under split payment a payment of the net settles it in full."""
    assert document.id is not None
    return Account(document.id, document.payable, tuple((x.item, x.amount) for x in document.lines if counted(x)),
                   tuple(sorted(entries, key=lambda e: (e.day, e.paid != 0))))


def _parts_of_notes(conn: Connection, notes: Sequence[Invoice]) -> dict[int, dict[int, tuple[Decimal, tuple[Part, ...]]]]:
    """Note id → invoice id → what the note takes off it with VAT, net of it under split payment
    (negative), and its lines on it:
    those taking back the invoice's lines (`toolkit invoice credit`, returns) and a volume
    discount's share of its lines (`taken_off`'s proportion of the bases it cites; a note
    taking lines back cites its invoice too, for the e-invoice, and counts by its lines)."""
    by_id = {n.id: n for n in notes if n.id is not None}
    credit, cited, r = schema.invoice_lines.alias("credit"), schema.invoice_lines.alias("cited"), schema.returned_lines.c
    lines: dict[int, dict[int, list[Part]]] = defaultdict(lambda: defaultdict(list))
    for chunk in in_batches(sorted(by_id)):
        for note, invoice, item, description, amount in (*conn.execute(
                select(credit.c.invoice_id, cited.c.invoice_id, credit.c.item, credit.c.description, credit.c.amount)
                .join(cited, cited.c.id == credit.c.credits_line_id).where(credit.c.invoice_id.in_(chunk))),
                *conn.execute(select(r.credit_note_id, cited.c.invoice_id, credit.c.item, credit.c.description, r.amount)
                              .join(cited, cited.c.id == r.invoice_line_id).join(credit, credit.c.id == r.credit_line_id)
                              .where(r.credit_note_id.in_(chunk)))):
            if not stamp_duty.is_charge(description):
                lines[note][invoice].append((item, Decimal(amount)))
    taken = taken_back_by_notes(conn, list(by_id))
    found: dict[int, dict[int, tuple[Decimal, tuple[Part, ...]]]] = defaultdict(dict)
    for note_id, note in by_id.items():
        for invoice, part in taken_parts(note.payable, note.taxable, taken.get(note_id, {}),
                                         split=note.split_payment).items():
            found[note_id][invoice] = (-part, tuple(lines[note_id][invoice]))
        rebates = [x for x in note.lines if is_rebate(x)]
        whole = sum((c.base for c in note.cites), ZERO) if rebates and not taken.get(note_id) else ZERO
        for c in note.cites if whole else ():
            found[note_id][c.id] = (note.payable * c.base / whole,
                                    tuple((x.item, x.amount * c.base / whole) for x in rebates))
    return found


def _discounts_citing(conn: Connection, invoices: Collection[int], last: date) -> set[int]:
    """The final volume discounts' notes dated up to `last` that cite these invoices."""
    c = schema.invoice_citations.c
    found: set[int] = set()
    for chunk in in_batches(sorted(invoices)):
        found.update(conn.execute(select(c.credit_note_id).join(schema.invoices, i.id == c.credit_note_id)
                                  .where(c.invoice_id.in_(chunk), i.invoice_date <= last,
                                         i.kind == InvoiceKind.CREDIT_NOTE.value,
                                         i.status == InvoiceStatus.FINAL.value)).scalars())
    return found


def _payments(conn: Connection, documents: Sequence[int], last: date) -> dict[int, list[tuple[date, Decimal]]]:
    """Document id → its payments dated up to `last` (a note's refunds negative), in date order."""
    found: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for chunk in in_batches(list(documents)):
        for row in conn.execute(select(p.invoice_id, p.payment_date, p.amount)
                                .where(p.invoice_id.in_(chunk), p.payment_date <= last).order_by(p.payment_date, p.id)):
            found[row.invoice_id].append((row.payment_date, Decimal(row.amount)))
    return found


def settled(conn: Connection, period_start: date) -> dict[tuple[str, str], str]:
    """(discount, customer) → the number of the credit note that settled it for the period
    starting on `period_start`."""
    rows = conn.execute(select(vs.discount, vs.customer, i.series, i.year, i.number)
                        .join(schema.invoices, i.id == vs.credit_note_id).where(vs.period_start == period_start))
    return {(r.discount, r.customer): document_number(r.series, r.year, r.number) for r in rows}


def settlement_notes(conn: Connection, period_start: date, period_end: date) -> list[int]:
    """The ids of the credit notes that settled the period [period_start, period_end], in
    number order: a month, a quarter and a year may start on the same day."""
    rows = conn.execute(select(vs.credit_note_id).join(schema.invoices, i.id == vs.credit_note_id)
                        .where(vs.period_start == period_start, vs.period_end == period_end)
                        .order_by(i.series, i.year, i.number))
    return list(dict.fromkeys(rows.scalars()))


def record_settlements(conn: Connection,
                       rows: Sequence[tuple[str, str, date, date, Decimal, Decimal, Decimal, int, str]]) -> None:
    """Record (discount, customer, start, end, base, quantity, amount, credit note id, the
    statement's JSON) settlements."""
    at, by = now(), user()
    insert_rows(conn, schema.volume_settlements, [
        dict(discount=d, customer=c, period_start=s, period_end=e, base=b, quantity=q, amount=a, credit_note_id=n,
             statement=st, created_at=at, created_by=by) for d, c, s, e, b, q, a, n, st in rows])


def kept_statements(conn: Connection, period_start: date, period_end: date) -> list[tuple[str, str, str, str | None]]:
    """(discount, customer, credit note's number, the statement's JSON) of each settlement of the
    period, in the order they were recorded (so a customer's second discount takes its file's
    second name, as it did); the JSON None for one recorded before the ledger kept it."""
    rows = conn.execute(select(vs.discount, vs.customer, i.series, i.year, i.number, vs.statement)
                        .join(schema.invoices, i.id == vs.credit_note_id)
                        .where(vs.period_start == period_start, vs.period_end == period_end).order_by(vs.id))
    return [(r.discount, r.customer, document_number(r.series, r.year, r.number), r.statement) for r in rows]
