"""Which invoice a credit note corrects (DatiFattureCollegate).

A TD04 credit note cites the invoices the ledger recorded with it (`Invoice.cites`): the one
`toolkit invoice credit` took back, a volume discount's period, a return's latest invoice
selling each returned item (`toolkit.ledger.invoices.cite_returns`). A return's credit note
stored before ledger schema 28 recorded none: for it, the best the ledger can tell is the
customer's latest invoice, dated on or before the credit note, that sold at least one of the
returned items. The caller may always give the link itself instead.

Each link bears the CUP, CIG and letter of intent the invoice it names bore, as its buyer was kept with it
(`toolkit.model.parties.Buyer`): a public body matches the note to the contract of that invoice,
whatever the customer's codes are today. An invoice kept before its parties were bears those of
`buyers` (the master of today), as its own e-invoice does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from toolkit.core.einvoice.build import letter_of
from toolkit.core.einvoice.records import RelatedDocument
from toolkit.core.invoicing import Invoice, InvoiceKind
from toolkit.model.parties import Buyer
from toolkit.model.records import Customer


def credited_invoices(note: Invoice, invoices: Iterable[Invoice],
                      buyers: Mapping[str, Customer | Buyer] | None = None) -> tuple[RelatedDocument, ...]:
    """The invoice `note` most likely corrects, among `invoices`; none when nothing fits. Each
    bears the CUP and CIG of the invoice it names (`_bore`)."""
    if note.kind is not InvoiceKind.CREDIT_NOTE and not note.debit_note:
        return ()
    invoices = list(invoices)
    if note.cites:
        by_id = {invoice.id: invoice for invoice in invoices}
        return tuple(_bore(RelatedDocument(cited.number, cited.day), by_id.get(cited.id), note, buyers or {})
                     for cited in note.cites)
    items = {line.item for line in note.lines}
    candidates = [
        invoice for invoice in invoices
        if invoice.kind is InvoiceKind.INVOICE and invoice.customer == note.customer and invoice.number
        and invoice.invoice_date <= note.invoice_date and any(line.item in items for line in invoice.lines)
    ]
    if not candidates:
        return ()
    latest = max(candidates, key=lambda invoice: (invoice.invoice_date, invoice.number or ""))
    return (_bore(RelatedDocument(latest.number or "", latest.invoice_date), latest, note, buyers or {}),)


def _bore(link: RelatedDocument, invoice: Invoice | None, note: Invoice,
          buyers: Mapping[str, Customer | Buyer]) -> RelatedDocument:
    """The link with the CUP and CIG its invoice bore: its kept buyer's, else (an invoice kept
    before its parties were, or not among those read) today's master's for the customer."""
    issued = invoice.parties if invoice is not None else None
    buyer = issued.buyer if issued is not None else buyers.get(note.customer)
    if buyer is None:
        return link
    return RelatedDocument(link.reference, link.day, link.lines, buyer.cup, buyer.cig,
                           letter_of(buyer.intent_protocol, buyer.intent_date))
