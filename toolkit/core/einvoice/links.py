"""Which invoice a credit note corrects (DatiFattureCollegate).

A TD04 credit note cites the invoices the ledger recorded with it (`Invoice.cites`): the one
`toolkit invoice credit` took back, a volume discount's period, a return's latest invoice
selling each returned item (`toolkit.ledger.invoices.cite_returns`). A return's credit note
stored before ledger schema 28 recorded none: for it, the best the ledger can tell is the
customer's latest invoice, dated on or before the credit note, that sold at least one of the
returned items. The caller may always give the link itself instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from toolkit.core.einvoice.records import RelatedDocument
from toolkit.core.invoicing import Invoice, InvoiceKind


def credited_invoices(note: Invoice, invoices: Iterable[Invoice]) -> tuple[RelatedDocument, ...]:
    """The invoice `note` most likely corrects, among `invoices`; none when nothing fits."""
    if note.kind is not InvoiceKind.CREDIT_NOTE:
        return ()
    if note.cites:
        return tuple(RelatedDocument(cited.number, cited.day) for cited in note.cites)
    items = {line.item for line in note.lines}
    candidates = [
        invoice for invoice in invoices
        if invoice.kind is InvoiceKind.INVOICE and invoice.customer == note.customer and invoice.number
        and invoice.invoice_date <= note.invoice_date and any(line.item in items for line in invoice.lines)
    ]
    if not candidates:
        return ()
    latest = max(candidates, key=lambda invoice: (invoice.invoice_date, invoice.number or ""))
    return (RelatedDocument(latest.number or "", latest.invoice_date),)
