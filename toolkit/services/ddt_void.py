"""Voiding a DDT (`toolkit ddt void`), in one write transaction.

The rule and its refusals are `toolkit.core.ddt_void`; the ledger's part is
`toolkit.ledger.voids`. Here the DDT is found by its number as the other verbs read one
(`DDT-2026-00041`, `ddt-2026-41`, `41/2026`, `41`), and once its lines are open again its orders
become what their quantities say: one the DDT had completed is in progress again, one closed
since stays closed, its goods on the DDT back in stock only (`ORDER_KEPT_CLOSED` warns, naming
them), and what they reserve is summed again. The records of
services rendered issued with it for its orders (`voids.services_with`) are voided with it, or
its void is refused with theirs; a record that carries services of other orders too stays
rendered and is named (`services_kept`): it cannot be voided in part, and those orders'
services did not travel with the truck. A refusal stores nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection

from toolkit.basics import codes
from toolkit.basics.problems import Problem
from toolkit.core.ddt_void import (
    AMBIGUOUS_DDT,
    CLOSED_BILLED_NOT_VOIDED,
    ORDER_KEPT_CLOSED,
    SERVICES_NOT_VOIDED,
    UNKNOWN_DDT,
    Goods,
    already,
    blocked,
    refusal,
)
from toolkit.core.documents import DeliveryNote
from toolkit.core.orders import OrderStatus
from toolkit.core.shipping import SERVICES_SERIES
from toolkit.ledger import Ledger, reserved, voids
from toolkit.ledger.credit_notes import still_billed
from toolkit.ledger.db import writing
from toolkit.ledger.deliveries import load_notes, voided_of
from toolkit.ledger.invoices import invoiced_before_shipping
from toolkit.ledger.orders import load_orders, set_statuses
from toolkit.ledger.printings import document_ids
from toolkit.model.parties import party_book
from toolkit.model.records import MasterData


@dataclass(frozen=True)
class DdtVoided:
    """What `toolkit ddt void` did: the DDT's number in full, the orders whose goods are open
    again and those of them back in progress, those closed, which stay so (`kept_closed`: their
    goods are back in stock, not to ship), the records of services rendered voided with it;
    or, voided before, nothing (`voided` False, the note among `problems`); or the refusal
    (nothing stored). Voided now or before, why, when and by whom (`reason`, `at`, `by`): the
    first void's, as the ledger keeps them."""

    number: str
    voided: bool = False
    orders: tuple[str, ...] = ()
    reopened: tuple[str, ...] = ()
    reason: str | None = None
    problems: list[Problem] = field(default_factory=list)
    services: tuple[str, ...] = ()
    at: datetime | None = None
    services_kept: tuple[str, ...] = ()
    by: str | None = None
    kept_closed: tuple[str, ...] = ()

    def summary(self, lang: str) -> str:
        """The line the command ends with."""
        if not self.voided:
            return ""
        orders = ", ".join(self.orders)
        closed = ", ".join(self.kept_closed)
        if lang == "it":
            said = f"DDT {self.number} annullato: resta nel registro con il suo numero, segnato ANNULLATO."
            said += (f" La sua merce torna da spedire sugli ordini {orders}: il prossimo «ship» la spedisce con un "
                     "nuovo DDT." if self.orders else "")
            said += (f" Restano chiusi {closed}: la loro merce torna in magazzino, non da spedire." if closed else "")
            said += (f" Annullati con esso i servizi resi registrati con la sua merce: {', '.join(self.services)}; "
                     "il prossimo «ship» li registra di nuovo." if self.services else "")
            said += (f" Restano resi {', '.join(self.services_kept)}: registrano anche servizi di altri ordini, che "
                     "non viaggiavano con questo DDT; se i servizi dei suoi ordini non sono stati resi, correggi la "
                     "fattura che li addebita con una nota di credito (toolkit invoice credit)."
                     if self.services_kept else "")
            return said + (f" Di nuovo «In corso»: {', '.join(self.reopened)}." if self.reopened else "")
        said = f"DDT {self.number} voided: it stays in the ledger with its number, marked VOIDED."
        said += (f" Its goods are to ship again on orders {orders}: the next “ship” ships them on a new DDT."
                 if self.orders else "")
        said += f" Still closed, {closed}: their goods are back in stock, not to ship." if closed else ""
        said += (f" Voided with it, the services rendered recorded with its goods: {', '.join(self.services)}; the "
                 "next “ship” records them again." if self.services else "")
        said += (f" Still rendered, {', '.join(self.services_kept)}: they record services of other orders too, which "
                 "did not travel with this DDT; if the services of its orders were not rendered, set right the "
                 "invoice charging them with a credit note (toolkit invoice credit)." if self.services_kept else "")
        return said + (f" In progress again: {', '.join(self.reopened)}." if self.reopened else "")


def void_ddt(master: MasterData, ledger: Ledger, typed: str, reason: str | None) -> DdtVoided:
    """Void the DDT `typed` for `reason` (None: none given): kept with its number, marked
    voided, what it shipped open again (`toolkit.ledger.voids.void`). Refused, nothing stored,
    as `toolkit.core.ddt_void.refusal` says; voided already, nothing changes (a note)."""
    with writing(ledger) as conn:
        found = _find(conn, typed)
        if isinstance(found, Problem):
            return DdtVoided(typed.strip(), problems=[found])
        method = found.customer_method(party_book(master))
        state = voids.state(conn, found, method)
        refused = refusal(state)
        if refused is not None:
            return DdtVoided(found.number, problems=[refused])
        if (done := already(state)) is not None and state.voided is not None:
            first = state.voided
            return DdtVoided(found.number, problems=[done], reason=first.reason, at=first.at, by=first.by)
        issued_with = voids.services_with(conn, found)
        carried = {line.order_id for line in found.lines}
        services = [record for record in issued_with if {line.order_id for line in record.lines} <= carried]
        kept = tuple(record.number for record in issued_with if record not in services)
        for record in services:
            if (refused := blocked(voids.state(conn, record, method))) is not None:
                return DdtVoided(found.number, problems=[refused])
        if (refused := _billed_kept_closed(conn, (found, *services), found.number)) is not None:
            return DdtVoided(found.number, problems=[refused])
        order_ids = sorted({i for note in (found, *services) for i in voids.void(conn, note, reason)})
        orders = load_orders(conn, ids=order_ids)
        reopened = [order for order in orders if order.status is OrderStatus.COMPLETED and order.to_ship]
        closed = sorted(order.number for order in orders if order.status is OrderStatus.CLOSED)
        set_statuses(conn, reopened, OrderStatus.IN_PROGRESS, voids.ACTION)
        reserved.recount(conn, order_ids)
        now = voided_of(conn, [found.id])[found.id]
    warned = [ORDER_KEPT_CLOSED(None, order=number, number=found.number,
                                goods=[Goods(line.item, line.quantity, line.unit) for line in found.lines
                                       if line.order_number == number]) for number in closed]
    return DdtVoided(found.number, True, tuple(sorted(o.number for o in orders if o.number not in closed)),
                     tuple(sorted(order.number for order in reopened)), reason, problems=warned,
                     services=tuple(record.number for record in services), at=now.at, by=now.by, services_kept=kept,
                     kept_closed=tuple(closed))


def _billed_kept_closed(conn: Connection, notes: Sequence[DeliveryNote], number: str) -> Problem | None:
    """Why the DDT is not voided when an order of its, closed since, has its goods billed at the
    order (an immediate, prepay or POS invoice): kept closed, the customer would owe (or have
    paid) for goods that never leave, which closing it by hand refuses too (`still_billed`)."""
    carried: dict[int, Decimal] = defaultdict(Decimal)
    for note in notes:
        for line in note.lines:
            carried[line.order_line_id] += line.quantity
    orders = load_orders(conn, ids=sorted({line.order_id for note in notes for line in note.lines}))
    for order in orders:
        if order.status is not OrderStatus.CLOSED:
            continue
        after = replace(order, lines=tuple(replace(line, shipped=line.shipped - carried[line.id])
                                           for line in order.lines if line.id in carried))
        if billed := still_billed(conn, after):
            return CLOSED_BILLED_NOT_VOIDED(None, number=number, order=order.number,
                                            invoices=", ".join(invoiced_before_shipping(conn, order.id)),
                                            lines=billed)
    return None


def _find(conn: Connection, typed: str) -> DeliveryNote | Problem:
    """The DDT the number typed names, or why none: unknown, more than one, a record of services
    rendered (which is no DDT)."""
    parsed = codes.document_number(typed)
    if parsed is not None and parsed[0] == SERVICES_SERIES:
        return SERVICES_NOT_VOIDED(None, number=typed.strip())
    chosen = document_ids(conn, "ddt", numbers=[typed])
    if chosen.ambiguous:
        [(said, named)] = chosen.ambiguous.items()
        return AMBIGUOUS_DDT(None, typed=said, numbers=", ".join(named), first=named[0])
    if not chosen.ids:
        return UNKNOWN_DDT(None, number=typed.strip())
    [note] = load_notes(conn, ids=chosen.ids)
    return note
