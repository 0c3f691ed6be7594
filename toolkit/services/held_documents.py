"""The documents issued at once that waited for their order's day, issued when it comes.

A desk creates tomorrow's orders today. Those that issue documents at once (a POS order's DDT
and invoice, a customer invoiced *Immediato*'s invoice, …) are stored and listed like the
others, but their DDT and invoice, dated with the order's day, wait for that day
(`toolkit.core.orders.held_until_its_day`): today they could go neither to SDI nor with the
goods, and an invoice dated tomorrow would refuse every invoice of today after it. On the day,
the first `orders create` or `ship` issues them, before anything else it does, so a desk that
forgets one verb is caught by the other; only those still waiting, so a second run issues
nothing twice, and in the write transaction that reads them, so two colleagues' runs take
their turns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection

from toolkit.basics.problems import Problem, ProblemsFound, define
from toolkit.core.documents import DeliveryNote
from toolkit.core.invoicing import Invoice
from toolkit.core.orders import Order
from toolkit.core.shipping import apart_told
from toolkit.ledger.invoices import cite_shipped_with
from toolkit.ledger.orders import documents_issued, held_orders, load_orders
from toolkit.model.parties import party_book
from toolkit.model.records import Customer, MasterData
from toolkit.services.copies_apart import apart
from toolkit.services.invoicing import invoice_orders_in
from toolkit.services.session import off_the_sheet
from toolkit.services.shipping import counted_ahead
from toolkit.services.shipping_days import ship_at_once

HELD_CUSTOMER_GONE = define(
    "held-documents-customer-not-in-workbook", "warning",
    title=("Documenti in attesa di un cliente non più in anagrafica", "Waiting documents of a customer no longer listed"),
    it="L'ordine {number} del {day}, creato in anticipo, ha DDT o fattura in attesa del suo giorno, ma il cliente "
       "{customer} non è più nel foglio Clienti: non sono stati emessi e restano in attesa, il resto è stato fatto. "
       "Rimetti il cliente nel foglio, oppure annulla l'ordine (toolkit orders status {number} --to annullato).",
    en="Order {number} of {day}, created ahead, has a DDT or invoice waiting for its day, but customer {customer} is "
       "no longer on the Customers sheet: they were not issued and keep waiting, the rest was done. Put the "
       "customer back on the sheet, or void the order (toolkit orders status {number} --to voided).")

HELD_ANOTHER_COMPANY = define(
    "held-documents-customer-another-company", "warning",
    title=("Documenti in attesa di un ordine fatto per un altro cliente",
           "Waiting documents of an order made for another company"),
    it="L'ordine {number} del {day}, creato in anticipo, è stato fatto per il cliente {customer} {printed} (partita "
       "IVA o codice fiscale {printed_id}), ma in questa cartella di lavoro {customer} è {now} ({now_id}): un'altra "
       "ditta, quindi il suo DDT o la sua fattura non sono stati emessi e restano in attesa, il resto è stato fatto. "
       "Se la copia di un collega usa {customer} per un altro cliente, allineate le copie (ogni cliente con il suo "
       "codice in tutte): la prossima creazione degli ordini o spedizione li emette. Se invece il cliente ha cambiato davvero "
       "partita IVA (una fusione, una nuova società) e questa copia ha già la nuova, l'ordine è della ditta di prima: "
       "rimetti qui la sua partita IVA e ragione sociale finché i documenti non sono emessi, poi riscrivi le nuove; "
       "oppure annulla l'ordine (toolkit orders status {number} --to annullato) e creane uno per la nuova ditta.",
    en="Order {number} of {day}, created ahead, was made for customer {customer} {printed} (VAT number or tax code "
       "{printed_id}), but in this workbook {customer} is {now} ({now_id}): another company, so its DDT or invoice "
       "were not issued and keep waiting, the rest was done. If a colleague's copy uses {customer} for another "
       "customer, align the copies (each customer with its own code in all of them): the next order creation or shipment issues "
       "them. If instead the customer really changed its VAT number (a merger, a new company) and this copy has the "
       "new one already, the order is the former company's: put its VAT number and name back here until the "
       "documents are issued, then write the new ones again; or void the order (toolkit orders status {number} --to "
       "voided) and make one for the new company.")


@dataclass(frozen=True)
class Issued:
    """The held documents an action issued: the orders whose day came, their DDTs and invoices."""

    orders: list[str] = field(default_factory=list)
    notes: list[DeliveryNote] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def issue_held(conn: Connection, master: MasterData, until: date, *, lang: str) -> Issued:
    """Issue, inside the caller's write transaction, the held documents of the open orders due
    by `until` (`toolkit.core.orders.due_until`), each dated its order's day: the DDTs first,
    one day after another from the stock as it is now, then the invoices, checked against the
    series' latest date (`invoice_orders_in`, which raises `ProblemsFound` for the caller to
    roll back; a return it leaves out is among the problems). A voided or closed order issues
    nothing. DDTs are not issued from a stock count dated after today (`counted_ahead`, raised
    as `ship` refuses it): `orders create` of a day whose own orders ship nothing at once
    issued them from it all the same."""
    held = held_orders(conn, until=until)
    off = off_the_sheet(master, {order.customer for order in held})
    where = master.locate_row_to_add(master.customers, Customer.sheet) if off else None
    gone = [HELD_CUSTOMER_GONE(where, number=order.number, day=order.day, customer=order.customer)
            for order in held if order.customer in off]
    held = [order for order in held if order.customer not in off]
    if not held:
        return Issued(problems=gone)
    orders, others = _of_this_copys_companies(master, load_orders(conn, ids=[order.id for order in held]))
    gone += others
    if not orders:
        return Issued(problems=gone)
    issuing = {order.id for order in orders}
    documents = {order.id: order.documents for order in held if order.id in issuing}
    shipping: dict[date, list[Order]] = defaultdict(list)
    invoicing: dict[date, list[int]] = defaultdict(list)
    for order in orders:
        if documents[order.id].ddt:
            shipping[order.occurrence].append(order)
        if documents[order.id].invoice:
            invoicing[order.occurrence].append(order.id)
    if shipping and (ahead := counted_ahead(master)):
        raise ProblemsFound([ahead])
    problems, notes = ship_at_once(conn, master, shipping, lang=lang)
    invoices: list[Invoice] = []
    for day, ids in sorted(invoicing.items()):
        issued, left_out, rated = invoice_orders_in(conn, master, ids, day, lang=lang)
        invoices += cite_shipped_with(conn, issued, notes)
        problems += [*rated, *left_out]
    documents_issued(conn, list(documents))
    return Issued([order.number for order in orders], notes, invoices, gone + problems)


def _of_this_copys_companies(master: MasterData, orders: list[Order]) -> tuple[list[Order], list[Problem]]:
    """The orders made for the customer this copy has under their code, and a warning for each
    made for another company (`toolkit.services.copies_apart`), whose documents keep waiting: a
    colleague's copy made it ahead for its own customer of that code, and this copy's run issued
    its DDT and invoice, dated its day, to this one's."""
    book = party_book(master)
    others = {order.id: both for order in orders
              if (both := apart(order.parties, book)) is not None}
    if not others:
        return orders, []
    return [order for order in orders if order.id not in others], [
        apart_told(HELD_ANOTHER_COMPANY, master, *others[order.id], number=order.number, day=order.occurrence)
        for order in orders if order.id in others]
