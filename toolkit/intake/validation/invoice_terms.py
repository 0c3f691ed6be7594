"""Invoice terms the workbook says but the orders would not follow.

A customer's *Termini di fatturazione* decide when its deliveries are invoiced
(`core.invoicing`), and two things a desk may write beside them count for nothing there:

- *Calendario fatturazione* (weekly, every two weeks) groups deliveries only under the terms
  *Schedulazione del cliente*: beside any other terms the run makes its own invoices (one a
  month, at order completion, at the go-ahead, at the order) and the calendar typed is ignored,
  where a desk coming from Openbravo expects weekly invoices (`invoice-schedule-ignored`);
- a template whose *Tipo documento* invoices at the order (POS, on credit, prepay: the seed's
  document types that create their invoice with the order) issues that invoice, and its
  e-invoice, whatever the customer's terms: for a customer *Non fatturare*, whose invoices wait
  for its go-ahead (`invoice --release`), that invoice leaves without it, and nothing said so
  (`do-not-invoice-template-invoiced-at-order`); a template whose *Valido al* is past is not
  told by the check, but by the run that still makes its orders (a catch-up of missed days,
  an earlier `--date`: `ended_invoiced_at_order`), and by the preview of such a run.

Both are warnings at the cell to change: the orders and invoices are made as they are.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from toolkit.basics import dates
from toolkit.basics.cells import Location
from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import InvoiceSchedule, InvoiceTerms
from toolkit.core.orders import EFFECTS
from toolkit.intake.validation.layout import Layout
from toolkit.model.records import MasterData, Template

SCHEDULE_IGNORED = define(
    "invoice-schedule-ignored", "warning",
    title=("Calendario fatturazione che non conta", "Invoice schedule that counts for nothing"),
    it="Cliente {code}: il calendario di fatturazione «{schedule}» vale solo con i termini di fatturazione "
       "«Schedulazione del cliente»; con «{terms}» non conta, e le sue fatture non seguono quel calendario. "
       "Se il cliente va fatturato con quel calendario, scrivi «Schedulazione del cliente» nei termini di "
       "fatturazione; altrimenti svuota la cella.",
    en="Customer {code}: the invoice schedule “{schedule}” holds only with the invoice terms “Customer schedule "
       "after delivery”; with “{terms}” it counts for nothing, and its invoices do not follow that schedule. If "
       "the customer is to be invoiced on that schedule, write “Customer schedule after delivery” in the invoice "
       "terms; otherwise clear the cell.")
INVOICED_AT_ORDER_HELD = define(
    "do-not-invoice-template-invoiced-at-order", "warning",
    title=("Modello fatturato all'ordine per un cliente “Non fatturare”",
           "Template invoiced at the order for a ‘Do not invoice’ customer"),
    it="Il modello {template} è «{kind}», che emette la fattura (e la fattura elettronica) appena l'ordine è "
       "creato, ma il cliente {code} è «Non fatturare»: quella fattura esce senza aspettare il suo via libera. "
       "Se il cliente va fatturato solo al via libera, scrivi «Ordine standard» in "
       "Tipo documento; se va fatturato subito, cambia i suoi termini di fatturazione.",
    en="Template {template} is “{kind}”, which issues the invoice (and its e-invoice) as soon as the order is "
       "made, but customer {code} is “Do not invoice”: that invoice leaves without waiting for its go-ahead. "
       "If the customer is to be invoiced only at the go-ahead, write “Standard "
       "order” as its document type; if it is to be invoiced at once, change its invoice terms.")


def invoice_terms(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """A warning per customer whose weekly or fortnightly calendar its terms ignore (a monthly
    one is what every other deferred run makes, so nothing is lost), and per active template
    invoiced at the order for a customer *Non fatturare* (a template not *Attivo*, or whose
    *Valido al* is past, makes no order: the check has no day of its own, so past is before
    Rome's today)."""
    for c in master.customers:
        if c.invoice_schedule is not InvoiceSchedule.MONTHLY and c.invoice_terms is not InvoiceTerms.CUSTOMER_SCHEDULE:
            yield SCHEDULE_IGNORED(layout.locate(c.source.sheet, c.source.row, "invoice_schedule"), code=c.code,
                                   schedule=c.invoice_schedule, terms=c.invoice_terms)
    today = dates.today_rome()
    for t in _invoiced_at_order_held(master):
        if t.valid_to is None or t.valid_to >= today:
            yield _held(t, layout.locate(t.source.sheet, t.source.row, "document_type"))


def ended_invoiced_at_order(master: MasterData, made: Collection[str]) -> list[Problem]:
    """The warning for each of the templates `made` (codes) a run made orders of that the check
    left out, its *Valido al* before today: a catch-up of missed days, or a run dated before
    it, still makes their orders, and their invoices leave without the go-ahead all the same."""
    today = dates.today_rome()
    return [_held(t, master.locate(t.source, "document_type")) for t in _invoiced_at_order_held(master)
            if t.code in made and t.valid_to is not None and t.valid_to < today]


def _invoiced_at_order_held(master: MasterData) -> Iterator[Template]:
    """The active templates invoiced at the order of the customers *Non fatturare*; none read
    when no customer is (the templates are 30,000 at L)."""
    held = {c.code for c in master.customers if c.invoice_terms is InvoiceTerms.DO_NOT_INVOICE}
    if held:
        yield from (t for t in master.templates
                    if t.active and t.customer in held and EFFECTS[t.document_type].invoice_at_once)


def _held(t: Template, at: Location) -> Problem:
    return INVOICED_AT_ORDER_HELD(at, template=t.code, kind=t.document_type, code=t.customer)
