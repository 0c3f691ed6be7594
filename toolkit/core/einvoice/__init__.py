"""FatturaPA 1.2.2: the Italian e-invoice of each invoice and credit note, checked as SDI will.

Since 2019 an Italian B2B invoice *is* an XML file sent through the Sistema di Interscambio
(SDI); the accountants' workbook is what the accountant checks, not the invoice. This package
is the pure part of writing those files:

- `records`: the tree of what a file says, block by block;
- `build`: an invoice of the ledger, the seller (*Impostazioni*) and the buyer (*Clienti*)
  → the tree; `codes`: the document types (TD01 immediate, TD24 deferred, TD04 credit note),
  payment methods (MP…), natures and their legal references, the stamp duty;
- `checks` and `fields`: SDI's content checks (004xx) and the schema's value types, run on
  every file before it is written; `links`: the invoice a credit note corrects.

`prepare` ties them together for one invoice, `prepare_all` streams a month of them;
`toolkit.writers.fatturapa` writes the XML. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from toolkit.basics.problems import Problem, define
from toolkit.core.einvoice.build import Options, build
from toolkit.core.einvoice.checks import check
from toolkit.core.einvoice.links import credited_invoices
from toolkit.core.einvoice.records import FatturaPA, FiscalId, RelatedDocument
from toolkit.core.invoicing import Invoice
from toolkit.model.parties import Buyer, Seller
from toolkit.model.records import Customer, Settings

__all__ = ["Context", "FatturaPA", "FiscalId", "Options", "Prepared", "RelatedDocument", "build", "check",
           "credited_invoices", "prepare", "prepare_all"]

UNKNOWN_CUSTOMER = define(
    "einvoice-unknown-customer", "error",
    it="Fattura {invoice}: il cliente {customer} non è più nel foglio Clienti e la fattura elettronica ne ha bisogno: "
       "rimetti il cliente; la fattura non è stata scritta.",
    en="Invoice {invoice}: customer {customer} is no longer on the Customers sheet and the e-invoice needs it: "
       "put the customer back; the invoice was not written.")
NO_PROGRESSIVE = define(
    "einvoice-no-progressive", "error",
    it="Fattura {invoice}: nessun progressivo di invio per il nome del file; la fattura non è stata scritta.",
    en="Invoice {invoice}: no transmission progressive for its file name; the invoice was not written.")

REPEATED_PROGRESSIVE = define(
    "einvoice-repeated-progressive", "error",
    it="Fattura {invoice}: il progressivo di invio {progressive} è già della fattura {other}: due file avrebbero "
       "lo stesso nome; la fattura non è stata scritta.",
    en="Invoice {invoice}: the transmission progressive {progressive} already belongs to invoice {other}: two files "
       "would have the same name; the invoice was not written.")


@dataclass(frozen=True)
class Context:
    """What every file of a run shares: the seller and the buyers as the master says them today
    (for invoices the ledger keeps no parties of: `Invoice.parties` is what a file says when
    there), and what the ledger keeps beside the invoices (file progressives, order
    references, credit notes' links)."""

    seller: Settings | Seller
    customers: Mapping[str, Customer | Buyer]
    progressives: Mapping[str, str]
    """Invoice number → the progressive of its file (five letters or digits)."""
    purchase_orders: Mapping[str, str] = field(default_factory=dict)
    """Order number → the customer's reference for it (DatiOrdineAcquisto)."""
    linked: Mapping[str, tuple[RelatedDocument, ...]] = field(default_factory=dict)
    """Credit note number → the invoices it corrects (DatiFattureCollegate)."""
    services: frozenset[str] = frozenset()
    """The items that are services (*Articoli › Servizio*): a line of one invoiced at its order,
    which no record of services rendered documents yet, cites the order (DatiOrdineAcquisto)."""
    options: Options = Options()


@dataclass(frozen=True, slots=True)
class Prepared:
    """An invoice, its FatturaPA (None when it could not be built) and the problems found."""

    invoice: Invoice
    document: FatturaPA | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.document is not None and not any(p.is_error for p in self.problems)


def prepare(invoice: Invoice, context: Context) -> Prepared:
    """Build the invoice's FatturaPA and run every check on it."""
    number = invoice.number or "?"
    issued = invoice.parties
    seller = issued.seller if issued else context.seller
    customer = issued.buyer if issued else context.customers.get(invoice.customer)
    progressive = context.progressives.get(invoice.number or "")
    problems = []
    if customer is None:
        problems.append(UNKNOWN_CUSTOMER(None, invoice=number, customer=invoice.customer))
    if progressive is None:
        problems.append(NO_PROGRESSIVE(None, invoice=number))
    if customer is None or progressive is None:
        return Prepared(invoice, None, tuple(problems))
    document = build(invoice, seller, customer, progressive, purchase_orders=context.purchase_orders,
                     linked=context.linked.get(invoice.number or "", ()), services=context.services,
                     options=context.options)
    return Prepared(invoice, document, tuple(check(document)))


def prepare_all(invoices: Iterable[Invoice], context: Context) -> Iterator[Prepared]:
    """One at a time, so a month of tens of thousands of invoices never sits in memory; a
    progressive given to two invoices stops the second (its file would replace the first)."""
    owners: dict[str, str] = {}
    for invoice in invoices:
        prepared = prepare(invoice, context)
        if prepared.document is not None:
            progressive = prepared.document.transmission.progressive
            number = invoice.number or "?"
            other = owners.setdefault(progressive, number)
            if other != number:
                prepared = Prepared(invoice, prepared.document, prepared.problems + (
                    REPEATED_PROGRESSIVE(None, invoice=number, progressive=progressive, other=other),))
        yield prepared
