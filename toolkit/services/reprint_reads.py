"""What a reprint of issued documents reads of today's workbook, so that an error elsewhere
does not stop it.

A document the ledger records prints from the ledger: its lines, numbers and (from schema 26)
its parties as issued. Today's workbook gives it only the seller's settings (*Impostazioni*,
which every printing reads), and the rows of *Clienti*, *Destinazioni*, *Vettori* and
*Contatti* a document that kept no parties (or no contact, or no payment method) prints as the
master says today; an invoice asks *Articoli* which items are services. An auditor reprinting
last year's invoices from a copy of the ledger must not be stopped by a template naming an
unknown customer or a price row in error: those errors are shown as warnings, with their codes
and cells, and the documents are printed. An error in a part the reprint reads refuses it as
any other command does. Only commands that issue or change nothing go on this way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from toolkit.basics.problems import Problem, ProblemsFound, Severity
from toolkit.core.documents import DeliveryNote
from toolkit.core.invoicing import Invoice
from toolkit.core.orders import Order
from toolkit.model.sheets import match_sheet

ALWAYS = frozenset({"settings"})
"""The seller's settings: every printing makes its party book, the ledger's owner is asked by them."""
PARTIES = frozenset({"customers", "ship_to", "carriers", "contacts"})
"""The sheets a document that kept no parties prints its parties from."""


def sheets_read(documents: Iterable[object]) -> frozenset[str]:
    """The sheets (by key) printing `documents` reads today."""
    read = set(ALWAYS)
    for document in documents:
        if isinstance(document, Invoice):
            read.add("items")
        parties = getattr(document, "parties", None)
        if parties is None:
            read |= PARTIES
        elif isinstance(document, Order) and document.contact and parties.contact is None:
            read.add("contacts")
        elif isinstance(document, DeliveryNote) and (parties.buyer is None or not parties.buyer.payment_method):
            read.add("customers")
    return frozenset(read)


def in_parts_read(problems: Iterable[Problem], read: frozenset[str]) -> list[Problem]:
    """The errors among `problems` on a sheet in `read`, or on none the format knows (which
    might be any)."""
    return [p for p in problems if p.is_error and _sheet_key(p) in read | {None}]


def _sheet_key(problem: Problem) -> str | None:
    spec = match_sheet(problem.sheet) if problem.sheet else None
    return spec.key if spec is not None else None


def as_warnings(problems: Iterable[Problem]) -> list[Problem]:
    """The errors a reprint goes on despite, shown as warnings: the same codes and cells."""
    return [replace(p, severity=Severity.WARNING) if p.is_error else p for p in problems]


def gone_on_despite(set_aside: Sequence[Problem], documents: Sequence[object],
                    also: Iterable[str] = ()) -> list[Problem]:
    """The workbook's errors a reprint of `documents` goes on despite, as warnings;
    `ProblemsFound` with the errors in the parts it reads (`sheets_read`, and the sheets
    `also` names) when there are any. None set aside, nothing asked of the documents."""
    if not set_aside:
        return []
    if refused := in_parts_read(set_aside, sheets_read(documents) | frozenset(also)):
        raise ProblemsFound(refused)
    return as_warnings(p for p in set_aside if p.is_error)
