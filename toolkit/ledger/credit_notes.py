"""What the ledger says of an invoice a credit note takes back, and of the orders behind it.

The note itself is stored as every invoice is (`toolkit.ledger.invoices.store`); this module
reads what is still to credit of each line (`credited_lines`): what credit notes took back of it
line by line (`invoice_lines.credits_line_id`) and what returns took back of it
(`schema.returned_lines`); the volume discounts' credit notes that cite the invoice
(`discount_shares`), which take money off it but no line; the invoice lines a return may take its goods back from
(`sold_for`); and finds the orders whose goods, billed at the order and not shipped, the note
leaves billed or gives up (`billed_to_ship`). The action is `toolkit.services.credit_notes`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, Row, Select, exists, func, select

from toolkit.basics import wording
from toolkit.core.credit_notes import (
    Creditable,
    DiscountShare,
    Headroom,
    Sold,
    Unrecorded,
    creditable,
    goods_unrecorded,
    headroom,
    less_unrecorded,
    returned_lines,
)
from toolkit.core.invoicing import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from toolkit.core.orders import Order
from toolkit.core.payments import TakenBack
from toolkit.core.volume_discounts import taken_off, taken_off_by_rate
from toolkit.ledger import schema
from toolkit.ledger.batches import among, in_batches
from toolkit.ledger.db import document_number

i, il = schema.invoices.c, schema.invoice_lines.c
o, ol = schema.orders.c, schema.order_lines.c
ZERO = Decimal(0)


def credited_lines(conn: Connection, invoice_id: int
                   ) -> tuple[dict[int, int], dict[int, tuple[Decimal, Decimal]], list[str], dict[int, tuple[str, ...]]]:
    """The invoice's line ids by line number; for each line credit notes or returns took back
    from, the (quantity, amount) they took back (negative); those notes' numbers, in order; and
    for each such line its own notes (a refusal of more than is left of a line names those).
    A return's note of before schema 29 counts as month end counts it (`sold_for`,
    `unrecorded_returns`): it recorded nothing line by line, and crediting its goods again by
    `invoice credit` would pay the customer twice."""
    rows = conn.execute(_sold_lines().where(il.invoice_id == invoice_id)).all()
    sold = _sold(conn, rows)
    return ({r.line_no: r.id for r in rows}, _credited(sold),
            sorted({n for s in sold for n in s.credited_by}, key=_number_order),
            {s.left.line_id: s.credited_by for s in sold if s.credited_by})


def lines_credited(conn: Connection, note_ids: Collection[int]) -> dict[int, frozenset[int]]:
    """Each credit note → the invoice lines it takes back (`invoice_lines.credits_line_id`)."""
    found: dict[int, set[int]] = defaultdict(set)
    for chunk in in_batches(sorted(note_ids)):
        for note_id, line_id in conn.execute(select(il.invoice_id, il.credits_line_id)
                                             .where(il.invoice_id.in_(chunk), il.credits_line_id.is_not(None))):
            found[note_id].add(line_id)
    return {note_id: frozenset(lines) for note_id, lines in found.items()}


def discount_shares(conn: Connection, invoice_id: int) -> list[DiscountShare]:
    """What each volume discount's credit note citing the invoice took off it, in number order,
    whole and per VAT rate (`toolkit.core.volume_discounts.taken_off`)."""
    return discount_shares_of(conn, [invoice_id]).get(invoice_id, [])


def discount_shares_of(conn: Connection, invoice_ids: Collection[int]) -> dict[int, list[DiscountShare]]:
    """`discount_shares` of each of these invoices a volume discount cites: the notes citing any
    of them are read once each, however many of them a note cites (a note of a year's discount
    cites hundreds, and was read once per invoice)."""
    from toolkit.ledger.invoices import load_invoices

    c, vs = schema.invoice_citations.c, schema.volume_settlements.c
    wanted = set(invoice_ids)
    notes = sorted({note for cond in among(conn, c.invoice_id, sorted(wanted)) for note in conn.execute(
        select(c.credit_note_id).distinct()
        .join(schema.volume_settlements, vs.credit_note_id == c.credit_note_id).where(cond)).scalars()})
    found: dict[int, list[DiscountShare]] = defaultdict(list)
    for note in load_invoices(conn, ids=notes):
        shares, by_rate = taken_off(note), taken_off_by_rate(note)
        for invoice_id in sorted(wanted & shares.keys()):
            found[invoice_id].append(DiscountShare(note.number or "", shares[invoice_id], by_rate[invoice_id]))
    return dict(found)


def headrooms(conn: Connection, invoice_ids: Collection[int]) -> dict[int, Headroom]:
    """For each of these invoices a volume discount cites, what is left to credit of it per VAT
    rate (`toolkit.core.credit_notes.headroom`); the others have no discount to keep. Their
    lines and what was taken back of them are read for all of them at once, as `credited_lines`
    reads one invoice's: the return's notes of before schema 29 are read once for their
    customers, not once per invoice (`unrecorded_returns`)."""
    from toolkit.ledger.invoices import load_invoices

    c, vs = schema.invoice_citations.c, schema.volume_settlements.c
    cited = sorted(set(conn.execute(select(c.invoice_id).distinct()
                                    .join(schema.volume_settlements, vs.credit_note_id == c.credit_note_id)
                                    .where(c.invoice_id.in_(sorted(set(invoice_ids))))).scalars())) if invoice_ids else []
    if not cited:
        return {}
    line_ids: dict[int, dict[int, int]] = defaultdict(dict)
    rows = [row for cond in among(conn, il.invoice_id, cited) for row in conn.execute(_sold_lines().where(cond))]
    for row in rows:
        line_ids[row.invoice_id][row.line_no] = row.id
    credited = _credited(_sold(conn, rows))
    shares = discount_shares_of(conn, cited)
    found = {}
    for invoice in load_invoices(conn, ids=cited):
        assert invoice.id is not None
        found[invoice.id] = headroom(invoice, creditable(invoice, line_ids[invoice.id], credited),
                                     shares.get(invoice.id, []))
    return found


def split_payments(conn: Connection, invoice_ids: Collection[int]) -> dict[int, bool]:
    """Invoice id → whether it bore split payment, as issued (`invoices.split_payment`): what
    a return's credit note taking its goods back from it follows."""
    i = schema.invoices.c
    return {r.id: r.split_payment for chunk in in_batches(sorted(set(invoice_ids)))
            for r in conn.execute(select(i.id, i.split_payment).where(i.id.in_(chunk)))}


def taken_back(conn: Connection, line_ids: Collection[int]
               ) -> tuple[dict[int, tuple[Decimal, Decimal]], dict[int, list[str]]]:
    """For each of these invoice lines that credit notes took back from, by their own lines
    (`toolkit invoice credit`) or as returns, the (quantity, amount) taken back (negative), and
    the numbers of those notes."""
    credit, r = schema.invoice_lines.alias("credit"), schema.returned_lines.c
    ids = sorted(set(line_ids))
    if not ids:
        return {}, {}
    sums: dict[int, tuple[Decimal, Decimal]] = {}
    notes: dict[int, list[str]] = defaultdict(list)
    for line, note, taken in ((credit.c.credits_line_id, credit.c.invoice_id, credit.c),
                              (r.invoice_line_id, r.credit_note_id, r)):
        for asked in among(conn, line, ids):
            for line_id, quantity, amount in conn.execute(
                    select(line, func.sum(taken.quantity), func.sum(taken.amount)).where(asked).group_by(line)):
                before = sums.get(line_id, (ZERO, ZERO))
                sums[line_id] = (before[0] + Decimal(quantity), before[1] + Decimal(amount))
            for line_id, series, year, number in conn.execute(
                    select(line, i.series, i.year, i.number).distinct().join(schema.invoices, i.id == note)
                    .where(asked)):
                notes[line_id].append(document_number(series, year, number))
    return sums, {line_id: sorted(set(found), key=_number_order) for line_id, found in notes.items()}


def taken_back_by_notes(conn: Connection, note_ids: Collection[int]) -> dict[int, dict[int, list[TakenBack]]]:
    """For each of these credit notes that takes lines back from invoices, by its own lines
    (`toolkit invoice credit`: `credits_line_id`) or as a return (`returned_lines`), the
    invoices by id with what it took back of each, line by line: what settles them."""
    credit, cited, r = schema.invoice_lines.alias("credit"), schema.invoice_lines.alias("cited"), schema.returned_lines.c
    found: dict[int, dict[int, list[TakenBack]]] = defaultdict(lambda: defaultdict(list))
    for chunk in in_batches(list(note_ids)):
        for note, invoice, amount, rate, nature in (*conn.execute(
                select(credit.c.invoice_id, cited.c.invoice_id, credit.c.amount, credit.c.vat_rate, credit.c.vat_nature)
                .join(cited, cited.c.id == credit.c.credits_line_id).where(credit.c.invoice_id.in_(chunk))
                .order_by(credit.c.id)), *conn.execute(
                select(r.credit_note_id, cited.c.invoice_id, r.amount, cited.c.vat_rate, cited.c.vat_nature)
                .join(cited, cited.c.id == r.invoice_line_id).where(r.credit_note_id.in_(chunk)).order_by(r.id))):
            found[note][invoice].append((Decimal(amount), Decimal(rate), nature))
    return {note: dict(invoices) for note, invoices in found.items()}


def notes_citing(conn: Connection, invoice_ids: Collection[int], last: date) -> list[int]:
    """The ids of the final credit notes dated up to `last` that take lines back from these
    invoices, by their own lines or as returns (what `taken_back_by_notes` reads of each)."""
    credit, cited, r = schema.invoice_lines.alias("credit"), schema.invoice_lines.alias("cited"), schema.returned_lines.c
    found: set[int] = set()
    dated = (i.invoice_date <= last, i.status == InvoiceStatus.FINAL.value)
    for chunk in in_batches(list(invoice_ids)):
        found.update(conn.execute(select(credit.c.invoice_id).join(cited, cited.c.id == credit.c.credits_line_id)
                                  .join(schema.invoices, i.id == credit.c.invoice_id)
                                  .where(cited.c.invoice_id.in_(chunk), *dated)).scalars())
        found.update(conn.execute(select(r.credit_note_id).join(cited, cited.c.id == r.invoice_line_id)
                                  .join(schema.invoices, i.id == r.credit_note_id)
                                  .where(cited.c.invoice_id.in_(chunk), *dated)).scalars())
    return sorted(found)


def _number_order(number: str) -> tuple[str, str]:
    """Document numbers (NC-2026-00002) in series, year and number order."""
    series, _, rest = number.rpartition("-")
    return series, rest.zfill(10)


def sold_for(conn: Connection, notes: Sequence[Invoice], run_id: str | None) -> list[Sold]:
    """The invoice lines that sold the goods the return lines of credit notes `notes` give back
    to their customers, dated on or before the latest note, final or of the run `run_id` (undone
    with the notes), each with what is left to credit of it and the notes that took some back."""
    wanted = {(note.customer, line.item) for note in notes for line in returned_lines(note)}
    if not wanted:
        return []
    issued = i.status == InvoiceStatus.FINAL.value
    rows = [r for r in conn.execute(
        _sold_lines()
        .where(i.customer.in_(sorted({c for c, _ in wanted})), il.item.in_(sorted({x for _, x in wanted})),
               i.kind == InvoiceKind.INVOICE.value, il.quantity > 0,
               i.invoice_date <= max(note.invoice_date for note in notes),
               issued if run_id is None else issued | (i.run_id == run_id)))
        if (r.customer, r.item) in wanted]
    return _sold(conn, rows)


def _sold_lines() -> Select:
    """The invoice lines with their invoice's customer, number and date: what `_sold` reads."""
    return (select(i.id.label("invoice_id"), i.customer, i.series, i.year, i.number, i.invoice_date, il.id,
                   il.line_no, il.item, il.description, il.unit, il.quantity, il.unit_price, il.amount, il.vat_rate,
                   il.vat_nature)
            .join(schema.invoices, i.id == il.invoice_id))


def _sold(conn: Connection, rows: Sequence[Row]) -> list[Sold]:
    """Invoice lines (`_sold_lines`) with what credit notes and returns took back of each, and
    what the return's notes of before schema 29 of their customers took back of their invoices
    (`unrecorded_returns`): the one reading of what is left to credit, for a return at month end
    (`sold_for`) and for `invoice credit` (`credited_lines`)."""
    credited, by = taken_back(conn, [r.id for r in rows])
    sold = [Sold(r.customer, r.invoice_id, document_number(r.series, r.year, r.number), r.invoice_date,
                 Creditable(InvoiceLine(r.item, r.description, r.unit, r.quantity, r.unit_price, r.amount, r.vat_rate,
                                        r.vat_nature, r.line_no, None, None, None, ""),
                            r.id, *credited.get(r.id, (ZERO, ZERO))),
                 tuple(by.get(r.id, ())))
            for r in rows]
    return less_unrecorded(sold, *unrecorded_returns(conn, {r.customer for r in rows})) if rows else sold


def _credited(sold: Sequence[Sold]) -> dict[int, tuple[Decimal, Decimal]]:
    """Line id → the (quantity, amount) taken back of it, for the lines something was taken
    back of: what `creditable` reads, by line id, whatever invoice the line is of."""
    return {s.left.line_id: (s.left.credited_quantity, s.left.credited_amount) for s in sold
            if s.left.credited_quantity or s.left.credited_amount}


def unrecorded_returns(conn: Connection, customers: Collection[str]
                       ) -> tuple[dict[tuple[int, object], tuple[Decimal, Decimal]], dict[int, list[str]]]:
    """What the return's notes of these customers stored before schema 29 took back of the
    invoices they cite, by (invoice, item), quantity and amount (`toolkit.core.credit_notes.
    goods_unrecorded`), and
    their numbers by invoice. Such a note recorded nothing line by line (`returned_lines`), so
    migration 29 left the goods it credited open: a later return credited them again, in its
    note, the register and the payment status. Its citations say which invoices it corrected and
    by how much; each invoice's goods are net of what the notes recording it took back, as the
    letter reads them (`toolkit.ledger.letters._net_within`). One read of the notes, and of
    their lines, citations and cited invoices' goods when there are some. The line's
    `credits_line_id + 0` keeps SQLite, which has no statistics, from reading three notes' lines
    or more through `ix_invoice_lines_credits` (a line crediting none: nearly every line of the
    ledger) rather than by note: 40 ms a call at L, where `credited_lines` calls it per invoice."""
    c, r = schema.invoice_citations.c, schema.returned_lines.c
    goods_back = ((il.credits_line_id + 0).is_(None), il.order_line_id.is_not(None), il.quantity < 0)
    notes = {row.id: document_number(row.series, row.year, row.number) for chunk in in_batches(sorted(customers))
             for row in conn.execute(
                 select(i.id, i.series, i.year, i.number)
                 .where(i.customer.in_(chunk), i.kind == InvoiceKind.CREDIT_NOTE.value,
                        exists().where(il.invoice_id == i.id, *goods_back), exists().where(c.credit_note_id == i.id),
                        ~exists().where(r.credit_note_id == i.id)))}
    if not notes:
        return {}, {}
    credited: dict[int, dict[object, Decimal]] = defaultdict(dict)
    quantities: dict[int, dict[object, Decimal]] = defaultdict(dict)
    cites: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for chunk in in_batches(sorted(notes)):
        for note, item, quantity, amount in conn.execute(select(il.invoice_id, il.item, il.quantity, il.amount)
                                               .where(il.invoice_id.in_(chunk), *goods_back)
                                               .order_by(il.invoice_id, il.line_no)):
            credited[note][item] = credited[note].get(item, ZERO) + amount
            quantities[note][item] = quantities[note].get(item, ZERO) + quantity
        for note, invoice, base in conn.execute(select(c.credit_note_id, c.invoice_id, c.base)
                                                .join(schema.invoices, i.id == c.invoice_id)
                                                .where(c.credit_note_id.in_(chunk))
                                                .order_by(c.credit_note_id, i.invoice_date.desc(), i.id.desc())):
            cites[note].append((invoice, base))
    cited = sorted({invoice for found in cites.values() for invoice, _ in found})
    lines = [row for chunk in in_batches(cited)
             for row in conn.execute(select(il.id, il.invoice_id, il.item, il.amount)
                                     .where(il.invoice_id.in_(chunk), il.quantity > 0, il.item.is_not(None)))]
    back, _ = taken_back(conn, [row.id for row in lines])
    within: dict[tuple[int, object], Decimal] = defaultdict(Decimal)
    for row in lines:
        within[(row.invoice_id, row.item)] += row.amount + back.get(row.id, (ZERO, ZERO))[1]
    taken = goods_unrecorded([Unrecorded(credited[note], cites[note], quantities[note])
                              for note in sorted(notes) if note in cites], within)
    by_invoice: dict[int, list[str]] = defaultdict(list)
    for note in sorted(notes):
        for invoice, _ in cites.get(note, ()):
            by_invoice[invoice].append(notes[note])
    return taken, dict(by_invoice)


@dataclass(frozen=True, slots=True)
class StillBilled:
    """An order line still to ship whose goods an invoice billed at the order and no credit
    note took back: what closing its order would give up while the customer still owes it."""

    order: str
    item: str
    quantity: Decimal
    unit: str

    def shown(self, lang: str) -> str:
        """As the refusal names it, `A019 1,999 cf`: the quantity in the reader's decimals."""
        return f"{self.item} {wording.quantity(self.quantity, lang)} {self.unit}".strip()


@dataclass(frozen=True, slots=True)
class ToShip:
    """The open orders a credit note takes goods back from that were billed at the order and
    are still to ship: those it may close (`orders`, ids), and the lines that stop it."""

    orders: tuple[int, ...]
    still_billed: tuple[StillBilled, ...]


def billed_to_ship(conn: Connection, credit_note_id: int) -> ToShip:
    """The orders in progress with a line still to ship that the stored credit note
    `credit_note_id` takes back (an invoice line billed at the order, no DDT line), and each
    line of theirs still to ship whose billed quantity, less what credit notes took back,
    exceeds what shipped of it."""
    billed, credit = schema.invoice_lines.alias("billed"), schema.invoice_lines.alias("credit")
    touched = (select(ol.order_id).distinct()
               .select_from(credit.join(billed, billed.c.id == credit.c.credits_line_id)
                            .join(schema.order_lines, ol.id == billed.c.order_line_id)
                            .join(schema.orders, o.id == ol.order_id))
               .where(credit.c.invoice_id == credit_note_id, billed.c.delivery_line_id.is_(None),
                      o.status == "in-progress", ol.quantity > ol.shipped))
    order_ids = sorted(conn.execute(touched).scalars())
    if not order_ids:
        return ToShip((), ())
    lines = conn.execute(select(ol.id, ol.order_id, ol.item, ol.unit, ol.quantity, ol.shipped)
                         .where(ol.order_id.in_(order_ids), ol.quantity > ol.shipped)
                         .order_by(ol.order_id, ol.line_no)).all()
    net = _billed_net(conn, [r.id for r in lines])
    numbers = {r.id: document_number(r.series, r.year, r.number)
               for r in conn.execute(select(o.id, o.series, o.year, o.number).where(o.id.in_(order_ids)))}
    left = tuple(StillBilled(numbers[r.order_id], r.item, net[r.id] - r.shipped, r.unit)
                 for r in lines if net[r.id] > r.shipped)
    return ToShip(tuple(order_ids), left)


def _billed_net(conn: Connection, line_ids: Sequence[int]) -> dict[int, Decimal]:
    """For these order lines, the quantity invoices billed at the order (no DDT line) less what
    credit notes took back of it."""
    billed, credit = schema.invoice_lines.alias("billed"), schema.invoice_lines.alias("credit")
    net: dict[int, Decimal] = defaultdict(Decimal)
    at_order = (select(billed.c.order_line_id, func.sum(billed.c.quantity))
                .join(schema.invoices, i.id == billed.c.invoice_id)
                .where(billed.c.order_line_id.in_(line_ids), billed.c.delivery_line_id.is_(None),
                       i.kind == InvoiceKind.INVOICE.value)
                .group_by(billed.c.order_line_id))
    taken = (select(billed.c.order_line_id, func.sum(credit.c.quantity))
             .join(credit, credit.c.credits_line_id == billed.c.id)
             .where(billed.c.order_line_id.in_(line_ids), billed.c.delivery_line_id.is_(None))
             .group_by(billed.c.order_line_id))
    for statement in (at_order, taken):
        for line_id, quantity in conn.execute(statement):
            net[line_id] += Decimal(quantity)
    return net


def still_billed(conn: Connection, order: Order) -> tuple[StillBilled, ...]:
    """The lines of `order` still to ship whose goods an invoice billed at the order and no
    credit note took back: what closing it by hand would leave the customer owing for goods that
    never leave (`toolkit.services.order_status`)."""
    open_lines = [line for line in order.lines if line.to_ship]
    net = _billed_net(conn, [line.id for line in open_lines])
    return tuple(StillBilled(order.number, line.item, net[line.id] - line.shipped, line.unit)
                 for line in open_lines if net[line.id] > line.shipped)


def billed_at_order(conn: Connection, order_id: int) -> bool:
    """Whether goods of the order billed at the order are still billed, no credit note having
    taken them back: voiding it then asks for a credit note (which closes it), else only for
    closing it."""
    line_ids = list(conn.execute(select(ol.id).where(ol.order_id == order_id)).scalars())
    return any(quantity > 0 for quantity in _billed_net(conn, line_ids).values())
