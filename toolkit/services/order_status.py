"""Changing an order's status by hand: only the transitions the status chart allows.

Completion is not done here: an order becomes completed (the seed's *shipped*) when shipping
finds it fully shipped, so completing by hand is refused while anything is still to ship. Each
change is logged with who and when (`set_status`). The chart and its mapping onto the seed's
statuses are in `toolkit.core.orders`. An order invoiced before it shipped is not voided: its
invoice would stay due for goods that never leave (`VOID_INVOICED`): the credit note that takes
them back closes it; one whose goods credit notes took back already is only closed
(`VOID_CREDITED`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection

from toolkit.basics.problems import Problem, ProblemType, define
from toolkit.core.invoicing import InvoiceKind
from toolkit.core.orders import (
    BAD_TRANSITION,
    CLOSE_INVOICED,
    NOT_ALL_SHIPPED,
    STATUS_LABELS,
    VOID_CREDITED,
    VOID_INVOICED,
    VOID_RETURN_CREDITED,
    VOID_SHIPPED,
    Order,
    OrderStatus,
    can_change,
)
from toolkit.ledger import Ledger
from toolkit.ledger.credit_notes import billed_at_order, still_billed
from toolkit.ledger.db import writing
from toolkit.ledger.invoices import invoiced_before_shipping
from toolkit.ledger.orders import order_by_number, set_status

UNKNOWN_ORDER = define(
    "unknown-order", "error",
    it="L'ordine {number} non esiste nel registro: controlla il numero (gli ordini registrati: toolkit orders list).",
    en="Order {number} is not in the ledger: check the number (the orders recorded: toolkit orders list).",
    usage=True)


def order_named(conn: Connection, typed: str, unknown: ProblemType = UNKNOWN_ORDER) -> Order | Problem:
    """The order a typed number names (`order_by_number`: `oc-2026-41`, `41/2026`), or the error
    that names none: `unknown` where the ledger has no such order (a command's own words: the
    option it was typed in), the ambiguity where it may be more than one."""
    found = order_by_number(conn, typed)
    return unknown(None, number=typed) if found is None else found


def orders_named(conn: Connection, numbers: Iterable[str],
                 unknown: ProblemType = UNKNOWN_ORDER) -> tuple[list[int], list[Problem]]:
    """The ids of the orders `numbers` name, each once, and an error for each number that names
    none (`order_named`); a number typed twice is looked up, and refused, once."""
    ids: dict[int, None] = {}
    problems: list[Problem] = []
    for number in dict.fromkeys(n.strip() for n in numbers):
        found = order_named(conn, number, unknown)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            ids[found.id] = None
    return list(ids), problems


ACTIONS = {OrderStatus.CLOSED: "closed", OrderStatus.VOIDED: "voided", OrderStatus.IN_PROGRESS: "confirmed",
           OrderStatus.NOT_ACCEPTED: "rejected", OrderStatus.DRAFT: "reopened", OrderStatus.COMPLETED: "completed"}


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """What `change_status` did: the order's number in full (however it was typed), and why not."""
    order: str
    problems: list[Problem]


def change_status(ledger: Ledger, typed: str, wanted: OrderStatus) -> StatusChanged:
    with writing(ledger) as conn:
        order = order_named(conn, typed)
        if isinstance(order, Problem):
            return StatusChanged(typed, [order])
        return StatusChanged(order.number, _change(conn, order, wanted))


def _change(conn: Connection, order: Order, wanted: OrderStatus) -> list[Problem]:
    number = order.number
    if not can_change(order.status, wanted):
        return [BAD_TRANSITION(None, number=number, current_it=STATUS_LABELS[order.status][0],
                               wanted_it=STATUS_LABELS[wanted][0], current_en=STATUS_LABELS[order.status][1],
                               wanted_en=STATUS_LABELS[wanted][1])]
    if wanted is OrderStatus.VOIDED and any(line.shipped for line in order.lines):
        return [VOID_SHIPPED(None, number=number)]
    if wanted is OrderStatus.VOIDED and (notes := invoiced_before_shipping(conn, order.id, InvoiceKind.CREDIT_NOTE)):
        return [VOID_RETURN_CREDITED(None, number=number, notes=", ".join(notes))]
    if wanted is OrderStatus.VOIDED and (invoices := invoiced_before_shipping(conn, order.id)):
        refusal = VOID_INVOICED if billed_at_order(conn, order.id) else VOID_CREDITED
        return [refusal(None, number=number, invoices=", ".join(invoices))]
    if wanted is OrderStatus.CLOSED and (billed := still_billed(conn, order)):
        return [CLOSE_INVOICED(None, number=number, invoices=", ".join(invoiced_before_shipping(conn, order.id)),
                               lines=billed)]
    if wanted is OrderStatus.COMPLETED and any(line.to_ship for line in order.lines):
        return [NOT_ALL_SHIPPED(None, number=number, to_ship=order.to_ship)]
    set_status(conn, order, wanted, ACTIONS[wanted])
    return []


def changed(number: str, wanted: OrderStatus, lang: str) -> str:
    """What a status change did, in the words of the status chart, for the front ends to show."""
    label = STATUS_LABELS[wanted][0 if lang == "it" else 1]
    return f"Ordine {number}: ora «{label}»." if lang == "it" else f"Order {number}: now “{label}”."
