"""Closing a return with no credit note (`toolkit returns no-credit`), in one write transaction.

The rule and its refusals are `toolkit.core.no_credit`; the ledger's part is
`toolkit.ledger.no_credit`. A refusal stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection

from toolkit.basics.problems import Problem
from toolkit.core.no_credit import NoCredit, ReturnState, refusal, status_after
from toolkit.core.orders import STATUS_LABELS, Order, OrderStatus
from toolkit.ledger import Ledger
from toolkit.ledger.db import reading, writing
from toolkit.ledger.no_credit import no_credit_of, record, return_state
from toolkit.ledger.orders import set_status
from toolkit.services.order_status import ACTIONS, order_named


@dataclass(frozen=True)
class NoCreditDone:
    """What `returns no-credit` did: the return, its status after, the DDTs whose lines no longer
    wait to be invoiced; or the problem that refused it (nothing stored)."""

    order: str
    status: OrderStatus | None = None
    ddts: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)

    def summary(self, lang: str) -> str:
        """The line the command ends with."""
        if self.status is None:
            return ""
        word = STATUS_LABELS[self.status][0 if lang == "it" else 1]
        ddts = ", ".join(self.ddts)
        if not ddts:
            return (f"Reso {self.order}: nessun accredito dovuto, registrato; non ha ancora un DDT, e quando la "
                    f"merce rientrerà non sarà accreditato; resta «{word}»." if lang == "it" else
                    f"Return {self.order}: no credit due, recorded; it has no DDT yet, and when the goods come back "
                    f"it will not be credited; it stays “{word}”.")
        return (f"Reso {self.order}: nessun accredito dovuto, registrato; i DDT {ddts} non attendono più la "
                f"fattura; ora «{word}»." if lang == "it" else
                f"Return {self.order}: no credit due, recorded; DDTs {ddts} no longer wait to be invoiced; "
                f"now “{word}”.")


def no_credit_ahead(ledger: Ledger, number: str) -> NoCreditDone:
    """What `no_credit` would do to the return `number`, nothing stored: the DDTs that would
    wait no more (none for a return with no DDT yet) and its status after, or the refusal. The
    panel's button asks the desk with it, so the question says what happens to that return."""
    with reading(ledger) as conn:
        found = _refused_or_state(conn, number)
        if isinstance(found, NoCreditDone):
            return found
        order, state = found
        return NoCreditDone(order.number, status_after(order, state), state.waiting)


def _refused_or_state(conn: Connection, number: str) -> NoCreditDone | tuple[Order, ReturnState]:
    """The return `number` and what the ledger says of it, or the refusal (`toolkit.core.
    no_credit.refusal`, an unknown number, an order that is not a return)."""
    order = order_named(conn, number)
    if isinstance(order, Problem):
        return NoCreditDone(number, problems=[order])
    state = return_state(conn, order)
    refused = refusal(order, state)
    if refused is not None:
        return NoCreditDone(order.number, problems=[refused])
    return order, state


def no_credit(ledger: Ledger, number: str, reason: str) -> NoCreditDone:
    """Record that the return `number` gets no credit note, with `reason`: its DDT lines stop
    waiting for month end, and the return, if still in progress, is closed. Refused, nothing
    stored, for an unknown number, an order that is not a return, a return credited already,
    or closed so before (`toolkit.core.no_credit.refusal`)."""
    with writing(ledger) as conn:
        found = _refused_or_state(conn, number)
        if isinstance(found, NoCreditDone):
            return found
        order, state = found
        ddts = record(conn, order, reason)
        after = status_after(order, state)
        if after is not order.status:
            set_status(conn, order, after, ACTIONS[after])
    return NoCreditDone(order.number, after, tuple(ddts))


def no_credit_given(ledger: Ledger, orders: Sequence[Order]) -> dict[str, NoCredit]:
    """Of these orders, the returns closed with no credit note, by number: what `orders list` shows."""
    with reading(ledger) as conn:
        found = no_credit_of(conn, [order.id for order in orders])
    return {order.number: found[order.id] for order in orders if order.id in found}
