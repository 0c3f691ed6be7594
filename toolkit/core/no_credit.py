"""A return closed with no credit note: `toolkit returns no-credit`.

Month end leaves out a return whose goods a credit note paid back already (`toolkit.core.
credit_notes.OverReturn`), its DDT waiting, and would do so every month: only the desk, having
checked with the customer, can say that no credit is due. Saying it records the return in the
ledger with the reason, who and when; its DDT lines then wait for no invoice, and the return,
if still open, is closed (what it has not shipped is given up), so month end neither plans nor
reports it again.

A return with no DDT yet may be recorded so too: one credited at the order (customer invoiced
*Immediato*) whose goods a credit note paid back already waits with no DDT, its credit note
refused at every order and month end, and the desk can settle it only now. Recorded, its order
stays open, so its goods still come back on a DDT, and no path credits it (`ledger.schema.
no_credit_given`: month end, `ship --invoice`, the order). An order that is not a return, a
return credited already (its goods on a credit note), or one closed so before is refused
(`refusal`), and nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import DocumentType
from toolkit.core.credit_notes import REASON_LENGTH
from toolkit.core.orders import Order, OrderStatus

NOT_A_RETURN = define(
    "no-credit-not-a-return", "error",
    it="L'ordine {number} è di tipo «{kind}», non un reso: «nessun accredito dovuto» si registra solo per un "
       "reso. Nulla è stato registrato.",
    en="Order {number} is of type “{kind}”, not a return: “no credit due” is recorded for a return only. "
       "Nothing was stored.")
CREDITED_ALREADY = define(
    "no-credit-return-credited", "error",
    it="Il reso {number} è già stato accreditato dalla nota di credito {notes}: nessuna sua merce attende un "
       "accredito, nulla è stato registrato. Se quella nota non era dovuta, correggila con un'altra fattura.",
    en="Return {number} was credited already, by credit note {notes}: none of its goods waits for a credit, "
       "nothing was stored. If that note was not due, set it right with another invoice.")
RECORDED_ALREADY = define(
    "no-credit-recorded-already", "error",
    it="Per il reso {number} è già registrato «nessun accredito dovuto» ({at}, {by}: «{reason}»): nulla "
       "è cambiato.",
    en="Return {number} already has “no credit due” recorded ({at}, {by}: “{reason}”): nothing "
       "changed.")


@dataclass(frozen=True, slots=True)
class NoCredit:
    """A return closed with no credit note: why, when (UTC) and by whom."""

    reason: str
    at: datetime
    by: str

    def shown(self, lang: str) -> str:
        """As `orders list` shows it beside the order."""
        return (f"nessun accredito dovuto ({self.at:%d/%m/%Y}, {self.by}): {self.reason}" if lang == "it"
                else f"no credit due ({self.at:%d/%m/%Y}, {self.by}): {self.reason}")


@dataclass(frozen=True, slots=True)
class ReturnState:
    """What the ledger says of a return the desk would close with no credit note: the DDTs with
    its lines still waiting to be invoiced, the credit notes holding its goods, and whether it
    was closed so before."""

    waiting: tuple[str, ...]
    credited_by: tuple[str, ...]
    recorded: NoCredit | None = None


def refusal(order: Order, state: ReturnState) -> Problem | None:
    """Why the order cannot be closed with no credit note, None when it can."""
    if order.document_type is not DocumentType.RETURN:
        return NOT_A_RETURN(None, number=order.number, kind=order.document_type)
    if state.recorded is not None:
        return RECORDED_ALREADY(None, number=order.number, at=state.recorded.at.date(), by=state.recorded.by,
                                reason=state.recorded.reason)
    if state.credited_by and not state.waiting:
        return CREDITED_ALREADY(None, number=order.number, notes=", ".join(state.credited_by))
    return None


def reason_given(typed: str) -> str | None:
    """Why no credit is due, as the ledger keeps it: its spaces collapsed (a reason pasted across
    lines reads as one); None when empty or longer than a credit note's reason may be
    (`REASON_LENGTH`). The command's `--reason` and the panel's cell take the same."""
    text = " ".join(typed.split())
    return text if 0 < len(text) <= REASON_LENGTH else None


def status_after(order: Order, state: ReturnState) -> OrderStatus:
    """The return's status once closed with no credit note: one still in progress with a DDT
    waiting is closed (what it has not shipped is given up, as `orders status --to closed`
    does); one with no DDT yet stays open, its goods still to come back on one; a completed or
    closed one stays as it is."""
    return OrderStatus.CLOSED if order.status is OrderStatus.IN_PROGRESS and state.waiting else order.status
