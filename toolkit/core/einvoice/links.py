"""Which invoice a credit note corrects, while the ledger does not record it.

A TD04 credit note should cite the invoice it corrects (DatiFattureCollegate). The toolkit's
credit notes come from return orders, which do not yet say which invoice they return goods
from; until they do, the best the ledger can tell is the customer's latest invoice, dated on
or before the credit note, that sold at least one of the returned items. The caller may
always give the link itself instead. A credit note whose ledger records the invoices it
reduces (a volume discount's, `Invoice.cites`) cites exactly those.
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
