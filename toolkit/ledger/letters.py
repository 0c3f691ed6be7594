"""What each letter of intent has used of its ceiling (*plafond*), as the ledger's documents say.

An invoice keeps the letter it was issued under in its kept buyer (`Buyer.intent_protocol`,
`schema.issued_parties`), so the documents themselves say which letter each N3.5 line used; no
column of its own is needed. A credit note's buyer bears the letter of the invoices it corrects
(`toolkit.core.credit_notes.as_corrected`); one correcting invoices of several letters bears
none of them alone, and each of its lines gives back to the letter of the invoice line it takes
back (`credits_line_id`, or a return's `schema.returned_lines`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from decimal import Decimal

from sqlalchemy import Connection, exists, func, or_, select

from toolkit.core.intent_ceiling import LETTER_OF_INTENT
from toolkit.core.lines import line_amount
from toolkit.ledger import parties, schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.exposure import OPEN_STATUSES
from toolkit.model.parties import Parties

i, il, r = schema.invoices.c, schema.invoice_lines.c, schema.returned_lines.c


def letters_used(conn: Connection, customers: Collection[str], *, final: bool = False) -> dict[str, Decimal]:
    """Protocol → the net of the N3.5 lines of these customers' documents citing it, drafts
    included (a draft run's lines are invoiced until it is undone) unless `final`: invoices less
    credit notes. One read of those customers' N3.5 lines, and of the parties their documents cite."""
    wanted = [il.vat_nature == LETTER_OF_INTENT, *([i.status == "final"] if final else [])]
    rows = [row for chunk in in_batches(sorted(customers))
            for row in conn.execute(select(il.id, il.amount, il.credits_line_id, i.parties_id)
                                    .join(schema.invoices, i.id == il.invoice_id)
                                    .where(i.customer.in_(chunk), *wanted))]
    kept = parties.read(conn, {row.parties_id for row in rows})
    letter_of = {pid: (p.buyer.intent_protocol if p.buyer else None, bool(p.buyer and p.buyer.intent_letters))
                 for pid, p in kept.items()}
    used: dict[str, Decimal] = defaultdict(Decimal)
    line_letter: dict[int, str | None] = {}
    several = []
    for row in rows:
        protocol, many = letter_of.get(row.parties_id, (None, False))
        line_letter[row.id] = protocol
        if protocol:
            used[protocol] += row.amount
        elif many:
            several.append(row)
    if several:
        for amount, protocol in _given_back(conn, several, line_letter):
            if protocol:
                used[protocol] += amount
    return dict(used)


def letters_open(conn: Connection, customers: Collection[str]) -> dict[str, Decimal]:
    """Customer → the net of its open N3.5 goods on no invoice yet (drafts included: a draft
    run's lines are invoiced, under the letter or beyond it, until it is undone): what its open
    orders still have to ship, and what its DDTs still to invoice carry. Lines of another
    nature (an order made before the customer bought on N3.5), returns and lines invoiced at
    the order are not the letter's to use. One read of each, through the open orders and the
    DDTs still to invoice of these customers."""
    o, ol, d, dl = schema.orders.c, schema.order_lines.c, schema.deliveries.c, schema.delivery_lines.c
    at_order = exists().where(il.order_line_id == ol.id, il.delivery_line_id.is_(None))
    open_: dict[str, Decimal] = defaultdict(Decimal)
    for chunk in in_batches(sorted(customers)):
        for customer, quantity, shipped, price in conn.execute(
                select(o.customer, ol.quantity, ol.shipped, ol.unit_price)
                .join(schema.orders, o.id == ol.order_id)
                .where(o.customer.in_(chunk), o.status.in_(OPEN_STATUSES), ol.vat_nature == LETTER_OF_INTENT,
                       ol.quantity > 0, ol.quantity > ol.shipped, ~at_order)):
            open_[customer] += line_amount(quantity - shipped, price)
        for customer, quantity, price in conn.execute(
                select(d.customer, dl.quantity, ol.unit_price)
                .join(schema.deliveries, d.id == dl.delivery_id)
                .join(schema.order_lines, ol.id == dl.order_line_id)
                .where(d.customer.in_(chunk), schema.uninvoiced_kept, ol.vat_nature == LETTER_OF_INTENT,
                       dl.quantity > 0, ~at_order, ~exists().where(il.delivery_line_id == dl.id))):
            open_[customer] += line_amount(quantity, price)
    return dict(open_)


def customers_citing(conn: Connection, protocols: Collection[str]) -> set[str]:
    """The customer codes of the kept buyers citing these protocols: a letter's documents issued
    under another code (a customer re-coded, its old row gone) used it too. One read of the
    kept parties whose text names a protocol, which each document cites by id."""
    p = schema.issued_parties.c
    texts = [row for chunk in in_batches(sorted(protocols))
             for row in conn.execute(select(p.parties).where(or_(*(p.parties.contains(x, autoescape=True)
                                                                   for x in chunk))))]
    wanted = set(protocols)
    codes = set()
    for (text,) in texts:
        buyer = Parties.from_text(text).buyer
        if buyer and ({buyer.intent_protocol, *(x for x, _ in buyer.intent_letters or ())} & wanted):
            codes.add(buyer.code)
    return codes


def letters_first_sold(conn: Connection, customers: Collection[str]) -> dict[str, int]:
    """Protocol → the year of the first invoice of these customers citing it with N3.5 lines:
    the solar year the letter covers (`toolkit.core.intent_ceiling`)."""
    rows = [row for chunk in in_batches(sorted(customers))
            for row in conn.execute(select(i.parties_id, func.min(i.invoice_date))
                                    .join(schema.invoice_lines, i.id == il.invoice_id)
                                    .where(i.customer.in_(chunk), i.kind == "invoice",
                                           il.vat_nature == LETTER_OF_INTENT).group_by(i.parties_id))]
    kept = parties.read(conn, {pid for pid, _ in rows})
    first: dict[str, int] = {}
    for pid, day in rows:
        buyer = kept[pid].buyer if pid in kept else None
        if buyer and buyer.intent_protocol:
            first[buyer.intent_protocol] = min(day.year, first.get(buyer.intent_protocol, day.year))
    return first


def _given_back(conn: Connection, lines: list, line_letter: dict[int, str | None]
                ) -> list[tuple[Decimal, str | None]]:
    """What each line of a note correcting invoices of several letters gives back to which:
    a credit line to its invoice line's letter, a return's line to the letter of each invoice
    line it takes its goods back from, by the amount taken back of it."""
    credited = {row.id: row.credits_line_id for row in lines if row.credits_line_id is not None}
    returns = [row.id for row in lines if row.credits_line_id is None]
    taken = [(t.credit_line_id, t.invoice_line_id, t.amount) for chunk in in_batches(returns)
             for t in conn.execute(select(r.credit_line_id, r.invoice_line_id, r.amount)
                                   .where(r.credit_line_id.in_(chunk)))]
    wanted = sorted({*credited.values(), *(t[1] for t in taken)} - line_letter.keys())
    found = [(row.id, row.parties_id) for chunk in in_batches(wanted)
             for row in conn.execute(select(il.id, i.parties_id).join(schema.invoices, i.id == il.invoice_id)
                                     .where(il.id.in_(chunk)))]
    kept = parties.read(conn, {pid for _, pid in found})
    line_letter = {**line_letter, **{line_id: (kept[pid].buyer.intent_protocol  # type: ignore[union-attr]
                                               if pid in kept and kept[pid].buyer else None)
                                     for line_id, pid in found}}
    amounts = {row.id: row.amount for row in lines}
    return ([(amounts[line_id], line_letter.get(sold)) for line_id, sold in credited.items()]
            + [(amount, line_letter.get(sold)) for _, sold, amount in taken])
