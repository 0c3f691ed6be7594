"""Orders imported from customers' order forms: stored once per form's content.

An imported order is stored the way `orders create` stores one (`insert_orders`: numbers drawn
in the transaction, lines, the "generated" event), with where it came from (`origin` =
"form:<file name>") and the form's digest, which a unique index keeps to one order.
Its `template` is NULL, as a confirmed order's: the digest keys it, and the draft's `form_key`
(which keyed it up to schema 14) stays only in the "generated" event's detail.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from toolkit.core.drafts import OrderDraft
from toolkit.core.forms import FormOrder, order_lines
from toolkit.core.orders import OrderStatus
from toolkit.ledger import schema
from toolkit.ledger.db import document_number, event_row, log_events
from toolkit.ledger.orders import form_origin, imported_from, insert_orders
from toolkit.model.parties import PartyBook

o = schema.orders.c
ol = schema.order_lines.c

def imported(conn: Connection, digests: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """digest → (order number, origin) of the forms already imported."""
    wanted = sorted(set(digests))
    found: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(wanted), 500):
        rows = conn.execute(select(o.form_digest, o.series, o.year, o.number, o.origin)
                            .where(o.form_digest.in_(wanted[start:start + 500])))
        for r in rows:
            found[r.form_digest] = (document_number(r.series, r.year, r.number), r.origin)
    return found


def form_orders(conn: Connection, customers: Iterable[str]) -> list[FormOrder]:
    """The customers' orders imported from forms and not voided, with their lines: what a new
    form of theirs is matched against (`toolkit.core.forms.same_order`)."""
    wanted = sorted(set(customers))
    heads: list[Any] = []
    for start in range(0, len(wanted), 500):
        heads += conn.execute(select(o.id, o.series, o.year, o.number, o.origin, o.customer, o.customer_reference,
                                     o.occurrence)
                              .where(o.customer.in_(wanted[start:start + 500]), o.form_digest.is_not(None),
                                     o.status != OrderStatus.VOIDED.value)).all()
    lines: dict[int, list[tuple[str, Decimal]]] = {}
    ids = [h.id for h in heads]
    for start in range(0, len(ids), 500):
        for r in conn.execute(select(ol.order_id, ol.item, ol.quantity).where(ol.order_id.in_(ids[start:start + 500]))):
            lines.setdefault(r.order_id, []).append((r.item, r.quantity))
    return [FormOrder(document_number(h.series, h.year, h.number), imported_from(h.origin) or "—", h.customer,
                      h.customer_reference, h.occurrence, order_lines(lines.get(h.id, ()))) for h in heads]


def insert_form_orders(conn: Connection, drafts: Sequence[OrderDraft], files: Sequence[str], digests: Sequence[str],
                       series: str, status: OrderStatus, book: PartyBook | None = None, *, lang: str
                       ) -> list[tuple[int, str]]:
    """Store the forms' orders, each with its file name and digest and no template, and the
    parties `book` says (`insert_orders`); (id, number) per draft."""
    stored = insert_orders(conn, drafts, series, [status] * len(drafts), [
        dict(template=None, origin=form_origin(file), form_digest=digest) for file, digest in zip(files, digests)],
        book=book, lang=lang)
    if stored:
        log_events(conn, [event_row("imported", "order", order_id, number, form_origin(file))
                          for (order_id, number), file in zip(stored, files)])
    return stored
