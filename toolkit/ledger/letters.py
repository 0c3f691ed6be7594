"""What each letter of intent has used of its ceiling (*plafond*), as the ledger's documents say.

An invoice keeps the letter it was issued under in its kept buyer (`Buyer.intent_protocol`,
`schema.issued_parties`), so the documents themselves say which letter each N3.5 line used; no
column of its own is needed. Which letter a credit note's line gives back to is the core's rule
(`toolkit.core.letter_use`); this module reads the rows it needs.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from sqlalchemy import Connection, and_, exists, func, or_, select

from toolkit.core.intent_ceiling import LETTER_OF_INTENT, OpenGoods, letter_key
from toolkit.core.invoicing import InvoiceKind
from toolkit.core.letter_use import Corrected, LetterLine, Taken, traced
from toolkit.core.letter_use import letters_used as core_letters_used
from toolkit.core.lines import line_amount
from toolkit.ledger import parties, schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.credit_notes import taken_back
from toolkit.ledger.exposure import OPEN_STATUSES
from toolkit.model.parties import Parties

i, il, r = schema.invoices.c, schema.invoice_lines.c, schema.returned_lines.c


def letters_used(conn: Connection, customers: Collection[str]) -> dict[str, Decimal]:
    """Protocol → the net of the N3.5 lines of these customers' documents citing it, drafts
    included (a draft run's lines are invoiced until it is undone): invoices less credit notes,
    as `toolkit.core.letter_use` counts them (a return's line by what it took back of N3.5
    invoice lines, `returned_lines`). One read of those customers' N3.5 lines, and of the
    parties their documents cite; for a return's N3.5 line or a note of several letters, of
    what it took back."""
    returned = and_(i.kind == InvoiceKind.CREDIT_NOTE.value, il.credits_line_id.is_(None),
                    il.order_line_id.is_not(None))
    rows = [row for chunk in in_batches(sorted(customers))
            for row in conn.execute(select(il.id, il.invoice_id, il.amount, il.credits_line_id, i.parties_id,
                                           returned.label("returned"))
                                    .join(schema.invoices, i.id == il.invoice_id)
                                    .where(i.customer.in_(chunk), il.vat_nature == LETTER_OF_INTENT))]
    letter_of = _letters_cited(conn, {row.parties_id for row in rows})
    lines = [LetterLine(row.id, row.amount, row.credits_line_id, *letter_of.get(row.parties_id, (None, False)),
                        returned=bool(row.returned))
             for row in rows]
    several = traced(lines)
    returns = [x.id for x in lines if x.returned]
    if not several and not returns:
        return core_letters_used(lines)
    taken = [Taken(*t) for chunk in in_batches(returns)
             for t in conn.execute(select(r.credit_line_id, r.invoice_line_id, r.amount)
                                   .where(r.credit_line_id.in_(chunk)))]
    known = {x.id for x in lines}
    wanted = sorted({*(x.credits for x in several if x.credits is not None), *(t.invoice_line for t in taken)} - known)
    found = [(row.id, row.parties_id) for chunk in in_batches(wanted)
             for row in conn.execute(select(il.id, i.parties_id).join(schema.invoices, i.id == il.invoice_id)
                                     .where(il.id.in_(chunk), il.vat_nature == LETTER_OF_INTENT))]
    cited = _letters_cited(conn, {pid for _, pid in found})
    recorded = {t.credit_line for t in taken}
    credited: dict[int, Decimal] = {}
    for row in rows:
        if row.returned and row.id not in recorded:
            credited[row.invoice_id] = credited.get(row.invoice_id, Decimal(0)) + row.amount
    return core_letters_used(lines, taken, {line_id: cited.get(pid, (None, False))[0] for line_id, pid in found},
                             _unrecorded(conn, credited))


def _unrecorded(conn: Connection, credited: dict[int, Decimal]) -> list[tuple[Decimal, list[Corrected]]]:
    """Of the return's notes netting `credited` on their N3.5 lines no `returned_lines` row
    cites, those of before schema 29, which recorded none for any line and cite invoices: what
    each credited N3.5, in the order stored, with the invoices it cites, latest first
    (`letter_use.Corrected`), each invoice's N3.5 net of what recorded notes took back of it
    (`_net_within`). A later note recording nothing took back nothing of an invoice (goods never
    invoiced, sold before the ledger) and cites none. One read of the notes' rows, of their
    citations, and three of the invoices cited."""
    if not credited:
        return []
    c = schema.invoice_citations.c
    recording = {row.credit_note_id for chunk in in_batches(sorted(credited))
                 for row in conn.execute(select(r.credit_note_id).where(r.credit_note_id.in_(chunk)).distinct())}
    notes = sorted(set(credited) - recording)
    citations = [row for chunk in in_batches(notes)
                 for row in conn.execute(select(c.credit_note_id, c.invoice_id, c.base, i.invoice_date, i.parties_id)
                                         .join(schema.invoices, i.id == c.invoice_id)
                                         .where(c.credit_note_id.in_(chunk)))]
    if not citations:
        return []
    within = _net_within(conn, sorted({row.invoice_id for row in citations}))
    letter = _letters_cited(conn, {row.parties_id for row in citations if row.parties_id is not None})
    by_note: dict[int, list[Corrected]] = {}
    for row in sorted(citations, key=lambda x: (x.invoice_date, x.invoice_id), reverse=True):
        by_note.setdefault(row.credit_note_id, []).append(
            Corrected(letter.get(row.parties_id, (None, False))[0], row.invoice_id, row.base,
                      within.get(row.invoice_id) or Decimal(0)))
    return [(credited[note], by_note[note]) for note in notes if note in by_note]


def _net_within(conn: Connection, invoice_ids: list[int]) -> dict[int, Decimal]:
    """Invoice → its N3.5 net of what the notes recording it took back: its N3.5 lines, less the
    return lines taking them back and the note lines crediting them (`credit_notes.taken_back`).
    Migration 29 could not say what a note before it took back, so a later return found those
    lines still to credit, took them again and recorded it: what is left for the old notes to
    give back is the net, and the letter gets no invoice's N3.5 back twice."""
    lines = [row for chunk in in_batches(invoice_ids)
             for row in conn.execute(select(il.id, il.invoice_id, il.amount)
                                     .where(il.invoice_id.in_(chunk), il.vat_nature == LETTER_OF_INTENT))]
    back, _ = taken_back(conn, [row.id for row in lines])
    net: dict[int, Decimal] = {}
    for row in lines:
        net[row.invoice_id] = net.get(row.invoice_id, Decimal(0)) + row.amount + back.get(row.id, (Decimal(0), Decimal(0)))[1]
    return net


def _letters_cited(conn: Connection, ids: Collection[int]) -> dict[int, tuple[str | None, bool]]:
    """Kept parties' id → the one letter its buyer cites, and whether it cites several."""
    return {pid: (letter_key(p.buyer.intent_protocol) if p.buyer and p.buyer.intent_protocol else None,
                  bool(p.buyer and p.buyer.intent_letters))
            for pid, p in parties.read(conn, ids).items()}


def letters_open(conn: Connection, customers: Collection[str]) -> list[OpenGoods]:
    """The goods of these customers on no invoice yet (drafts included: a draft run's lines are
    invoiced, under the letter or beyond it, until it is undone), N3.5 or with VAT: what their
    open orders still have to ship, and what their DDTs still to invoice carry (N3.5 alone: a
    DDT's line keeps its rate). Returns and lines invoiced at the order are left out, as the
    letter's invoices count these already. What of them its letter will invoice is the core's
    rule (`intent_ceiling.open_under_letters`). One read of each, through the open orders and
    the DDTs still to invoice of these customers."""
    o, ol, d, dl = schema.orders.c, schema.order_lines.c, schema.deliveries.c, schema.delivery_lines.c
    at_order = exists().where(il.order_line_id == ol.id, il.delivery_line_id.is_(None))
    found: list[OpenGoods] = []
    for chunk in in_batches(sorted(customers)):
        found += [OpenGoods(customer, item, line_amount(quantity - shipped, price), rate, nature, False, day)
                  for customer, item, quantity, shipped, price, rate, nature, day in conn.execute(
                      select(o.customer, ol.item, ol.quantity, ol.shipped, ol.unit_price, ol.vat_rate, ol.vat_nature,
                             o.order_date)
                      .join(schema.orders, o.id == ol.order_id)
                      .where(o.customer.in_(chunk), o.status.in_(OPEN_STATUSES),
                             or_(ol.vat_nature == LETTER_OF_INTENT, ol.vat_nature.is_(None)),
                             ol.quantity > 0, ol.quantity > ol.shipped, ~at_order))]
        found += [OpenGoods(customer, item, line_amount(quantity, price), rate, nature, True, shipped)
                  for customer, item, quantity, price, rate, nature, shipped in conn.execute(
                      select(d.customer, ol.item, dl.quantity, ol.unit_price, ol.vat_rate, ol.vat_nature,
                             d.delivery_date)
                      .join(schema.deliveries, d.id == dl.delivery_id)
                      .join(schema.order_lines, ol.id == dl.order_line_id)
                      .where(d.customer.in_(chunk), schema.uninvoiced_kept, ol.vat_nature == LETTER_OF_INTENT,
                             dl.quantity > 0, ~at_order, ~exists().where(il.delivery_line_id == dl.id)))]
    return found


def customers_citing(conn: Connection, protocols: Collection[str]) -> set[str]:
    """The customer codes of the kept buyers citing these protocols: a letter's documents issued
    under another code (a customer re-coded, its old row gone) used it too. One read of the
    kept parties whose text names a protocol, which each document cites by id."""
    p = schema.issued_parties.c
    typed = sorted({x for protocol in protocols for x in (letter_key(protocol), letter_key(protocol).replace("-", "/"))})
    texts = [row for chunk in in_batches(typed)
             for row in conn.execute(select(p.parties).where(or_(*(p.parties.contains(x, autoescape=True)
                                                                   for x in chunk))))]
    wanted = set(map(letter_key, protocols))
    codes = set()
    for (text,) in texts:
        buyer = Parties.from_text(text).buyer
        cited = {buyer.intent_protocol, *(x for x, _ in buyer.intent_letters or ())} if buyer else set()
        if buyer and {letter_key(x) for x in cited if x} & wanted:
            codes.add(buyer.code)
    return codes


def letters_first_sold(conn: Connection, customers: Collection[str]) -> dict[str, int]:
    """Protocol → the year of the first sale invoiced N3.5 to these customers citing it: the
    solar year the letter covers (`toolkit.core.intent_ceiling`). A sale is made on its DDT's
    day, as the run keeps it within the ceiling, or on its invoice's, when invoiced at the order:
    December's goods on a deferred invoice dated in January are sales of December."""
    d, dl = schema.deliveries.c, schema.delivery_lines.c
    sold = func.min(func.coalesce(d.delivery_date, i.invoice_date))
    rows = [row for chunk in in_batches(sorted(customers))
            for row in conn.execute(select(i.parties_id, sold)
                                    .join(schema.invoice_lines, i.id == il.invoice_id)
                                    .outerjoin(schema.delivery_lines, dl.id == il.delivery_line_id)
                                    .outerjoin(schema.deliveries, d.id == dl.delivery_id)
                                    .where(i.customer.in_(chunk), i.kind == "invoice",
                                           il.vat_nature == LETTER_OF_INTENT).group_by(i.parties_id))]
    kept = parties.read(conn, {pid for pid, _ in rows})
    first: dict[str, int] = {}
    for pid, day in rows:
        buyer = kept[pid].buyer if pid in kept else None
        if buyer and buyer.intent_protocol:
            letter = letter_key(buyer.intent_protocol)
            first[letter] = min(day.year, first.get(letter, day.year))
    return first
