"""From open orders to DDT drafts: the pure core of "ship" (spedizione merci, Openbravo seed).

No IO here. The ledger service loads the orders inside its write transaction, so the
quantities still to ship are current, and hands them over with the stock levels, the
customers' exposure and the orders already paid; what comes back is one draft per customer,
destination and reason (one DDT each), the orders held back, and every problem as data.

The customer's delivery terms (termini di consegna) decide what may leave:

- after receipt (dopo l'incasso): nothing before the prepayment has arrived, then as stock allows;
- availability (disponibilità): what stock allows, the rest stays open;
- complete line (riga completa): a line only when it can ship entirely;
- complete order (ordine completo): an order only when every line can ship entirely.

"Entirely" means the quantity wanted: what is open, or what the user chose for a partial
shipment. Stock is consumed order by order in order-number order, so two runs on the same data
decide the same way. Returns (resi) carry negative quantities and consume no stock.

What stock an order may use is what the open orders numbered before it do not reserve
(`toolkit.core.reservations`), whether or not they ship in this run: shipping a later order
alone never takes the goods an earlier one is waiting for, and the warning says which orders
hold them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from toolkit.basics import wording
from toolkit.basics.bulk_records import maker
from toolkit.basics.cells import Location
from toolkit.basics.labels import define as define_labels
from toolkit.basics.labels import label as catalogue
from toolkit.basics.limits import QUANTITY
from toolkit.basics.money import cents
from toolkit.basics.problems import Problem, ProblemType, define
from toolkit.basics.vocab import DeliveryTerms, DocumentType, InvoiceTerms, label
from toolkit.core.delivery_rate import RatedAgain, off_rate, rated_for_delivery, rates_on
from toolkit.core.exposure import Exposure
from toolkit.core.lines import DocumentLine, line_amount
from toolkit.core.orders import EFFECTS, STATUS_LABELS, Order, OrderLine, OrderStatus
from toolkit.core.reservations import NAMED, NONE, Reservations, rank
from toolkit.core.units import unit_key
from toolkit.model.memo import per_master
from toolkit.model.parties import Buyer, company, identity
from toolkit.model.records import Carrier, Customer, Item, MasterData, ShipTo, StockLevel

if TYPE_CHECKING:
    from toolkit.core.documents import DeliveryNote

ZERO = Decimal(0)
QUANTITY_PLACES = Decimal("0.001")
SERVICES_SERIES = "SERVIZI"
"""The series of the records of services rendered (servizi resi): what shipping stores for
service lines (`Item.service`) instead of a DDT, which documents goods in transport only. Its
own series keeps the DDTs' numbering unbroken; the month-end invoice bills these records as it
bills DDTs (deferred, TD24) but cites the order (DatiOrdineAcquisto), not a DDT."""


class Reason(StrEnum):
    """The reason for transport (causale del trasporto) printed on the DDT."""

    SALE = "sale"
    RETURN = "return"


define_labels({
    "ddt.reason.sale": ("Vendita", "Sale"),
    "ddt.reason.return": ("Reso", "Return"),
    "ddt.sender": ("Mittente", "Sender"),
})


def reason_label(reason: Reason | str, lang: str = "it") -> str:
    return catalogue(f"ddt.reason.{Reason(reason).value}", lang)


UNKNOWN_CARRIER = define(
    "unknown-carrier", "error",
    it="Il vettore {code} indicato con --carrier non è nel foglio Vettori: controlla il codice.",
    en="Carrier {code} given to --carrier is not in the Carriers sheet: check the code.")
NOT_OPEN = define(
    "order-not-open", "warning",
    title=("Ordine non aperto: non spedito", "Order not open: not shipped"),
    it="L'ordine {number} è «{status_it}»: non si spedisce.",
    en="Order {number} is “{status_en}”: it is not shipped.")
DOES_NOT_SHIP = define(
    "order-does-not-ship", "warning",
    title=("Preventivo o previsionale: non si spedisce", "Quotation or proposal: does not ship"),
    it="L'ordine {number} è un {type_it}: non si spedisce (confermalo come ordine per spedirlo).",
    en="Order {number} is a {type_en}: it does not ship (confirm it as an order to ship it).")
CUSTOMER_GONE = define(
    "ship-customer-not-in-workbook", "warning",
    title=("Cliente non in anagrafica: ordine non spedito", "Customer not in the master: order not shipped"),
    it="Ordine {number}: il cliente {customer} non è nel foglio Clienti di questa cartella di lavoro, quindi "
       "l'ordine non è stato spedito. Se un collega l'ha aggiunto nella sua copia della cartella, copia qui la sua "
       "riga (chi crea gli ordini e chi spedisce usano gli stessi clienti) e spedisci di nuovo; se è stato tolto, "
       "rimettilo finché l'ordine non parte, oppure chiudi o annulla l'ordine.",
    en="Order {number}: customer {customer} is not on the Customers sheet of this workbook, so the order was not "
       "shipped. If a colleague added it in their copy of the workbook, copy its row here (who creates the orders "
       "and who ships them use the same customers) and ship again; if it was taken off, put it back until the "
       "order leaves, or close or void the order.")
ANOTHER_COMPANY = define(
    "ship-customer-another-company", "warning",
    title=("Cliente diverso da quello dell'ordine: ordine non spedito",
           "Another company than the order's: order not shipped"),
    it="Ordine {number}: è stato fatto per il cliente {customer} {printed} (partita IVA o codice fiscale "
       "{printed_id}), ma in questa cartella di lavoro {customer} è {now} ({now_id}): un'altra ditta, quindi l'ordine "
       "non è stato spedito né fatturato. Se la copia di un collega usa {customer} per un altro cliente, allineate le "
       "copie (ogni cliente con il suo codice in tutte) e spedisci di nuovo. Se invece il cliente ha cambiato davvero "
       "partita IVA (una fusione, una nuova società) e questa copia ha già la nuova, l'ordine è della ditta di prima: "
       "rimetti qui la sua partita IVA e ragione sociale finché l'ordine non è spedito e fatturato, poi riscrivi le "
       "nuove (e copiale nelle copie dei colleghi); oppure annulla l'ordine e creane uno per la nuova ditta.",
    en="Order {number} was made for customer {customer} {printed} (VAT number or tax code {printed_id}), but in "
       "this workbook {customer} is {now} ({now_id}): another company, so the order was neither shipped nor "
       "invoiced. If a colleague's copy uses {customer} for another customer, align the copies (each customer with "
       "its own code in all of them) and ship again. If instead the customer really changed its VAT number (a "
       "merger, a new company) and this copy has the new one already, the order is the former company's: put its "
       "VAT number and name back here until the order has shipped and been invoiced, then write the new ones again "
       "(and copy them into your colleagues' copies); or void the order and make one for the new company.")
DESTINATION_GONE = define(
    "ship-destination-not-in-workbook", "warning",
    title=("Destinazione non più in anagrafica: ordine non spedito",
           "Destination no longer in the master: order not shipped"),
    it="Ordine {number} del cliente {customer}: la destinazione {destination} non è più nel foglio Destinazioni, "
       "quindi l'ordine non è stato spedito (il DDT avrebbe mandato la merce alla sede del cliente). Rimetti la "
       "destinazione nel foglio, oppure chiudi o annulla l'ordine.",
    en="Order {number} of customer {customer}: destination {destination} is no longer on the Destinations sheet, "
       "so the order was not shipped (the DDT would have sent the goods to the customer's own address). Put the "
       "destination back on the sheet, or close or void the order.")
ITEM_GONE = define(
    "ship-item-not-in-workbook", "warning",
    title=("Articolo non più in anagrafica", "Item no longer in the master"),
    it="L'articolo {item} degli ordini {orders} non è più nel foglio Articoli: le sue righe partono con il codice, "
       "la descrizione e l'aliquota IVA con cui sono state ordinate, e la sua giacenza risulta 0, così dove il "
       "cliente vuole righe od ordini completi restano ferme. Se ha solo cambiato codice, rimetti la riga di {item} "
       "in Articoli (e in Giacenze) finché quegli ordini non sono spediti; se non si vende più, chiudi o annulla "
       "quegli ordini.",
    en="Item {item} of orders {orders} is no longer on the Items sheet: its lines leave with the code, description "
       "and VAT rate they were ordered with, and its stock reads 0, so where the customer wants complete lines or "
       "orders they stay held. If only its code changed, put {item}'s row back on Items (and on Stock) until those "
       "orders have shipped; if it is no longer sold, close or void those orders.")
UNIT_CHANGED = define(
    "ship-item-unit-changed", "warning",
    title=("Unità di misura cambiata con ordini aperti", "Unit of measure changed with orders open"),
    it="L'articolo {item} ha ora unità «{unit}», ma gli ordini {orders} lo hanno ordinato in «{ordered}»: i loro "
       "DDT riportano le quantità in «{ordered}», come ordinate e spedite, ma la giacenza di {item} è contata in "
       "«{unit}» e ne toglie quelle quantità come se fossero «{unit}». Se l'unità è cambiata davvero, chiudi o "
       "annulla quegli ordini e ricreali in «{unit}» (o riscrivi Unità di misura «{ordered}» finché non sono "
       "spediti); se l'hai cambiata per errore, rimetti «{ordered}».",
    en="Item {item} now has unit «{unit}», but orders {orders} ordered it in «{ordered}»: their DDTs state the "
       "quantities in «{ordered}», as ordered and shipped, but {item}'s stock is counted in «{unit}» and has those "
       "quantities taken off it as if they were «{unit}». If the unit really changed, close or void those orders "
       "and make them again in «{unit}» (or write Unit «{ordered}» back until they have shipped); if you changed "
       "it by mistake, put «{ordered}» back.")
AWAITING_PAYMENT = define(
    "ship-awaiting-payment", "warning",
    title=("Ordine in attesa dell'incasso: non spedito", "Order awaiting payment: not shipped"),
    it="Ordine {number} del cliente {customer}: la merce parte dopo l'incasso e {payment}: non spedito.",
    en="Order {number} of customer {customer}: goods leave after payment and {payment}: not shipped.")


@dataclass(frozen=True)
class PaymentSoFar:
    """What an order shipping after payment has had paid on its invoices, as its hold says it:
    nothing yet, or a part, with what is missing (a desk told «non risulta ancora» of an order
    paid in part looked for a payment that was there)."""

    paid: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    after: date | None = None
    """The DDT's day, when the payment came in full only after it: a DDT dated back to before the
    payment would have the goods leave unpaid."""
    unbilled: str | None = None
    """The order's number, when no invoice of it was issued: its invoice at the order refused (a
    letter of intent without its protocol or date, a return that could not be credited) or never
    made (a customer on after-receipt terms invoiced at month end, which invoices what shipped).
    No payment will come for it, and the order is made again once what stopped its invoice is put
    right; asking for a payment sent the desk looking for money no invoice had asked."""
    later: InvoiceTerms | None = None
    """Of an order `unbilled`, the customer's *Termini di fatturazione*, when they are
    not *Immediato* and its type invoices nothing at once: no invoice comes at the order, and month
    end invoices only what shipped, so the order made again waits the same until the terms are
    *Immediato* (voiding it alone, as for an invoice refused, changed nothing)."""
    panel: bool = False
    """Said by a button: the order voided with the panel's cells, not the command line."""

    @property
    def at_panel(self) -> PaymentSoFar:
        return replace(self, panel=True)

    def shown(self, lang: str) -> str:
        if self.unbilled is not None:
            return self._unbilled(self.unbilled, lang)
        if self.after is not None:
            day = wording.shown(self.after, lang)
            return (f"l'incasso è registrato con una data successiva al {day}, la data del DDT: spediscilo con "
                    "la data dell'incasso o una successiva" if lang == "it" else
                    f"the payment is recorded with a date after {day}, the DDT's date: ship it dated on or after "
                    "the payment")
        if not self.paid:
            return "il pagamento non risulta ancora" if lang == "it" else "no payment is recorded yet"
        paid, total, missing = (wording.euro(x, lang) for x in (self.paid, self.total, self.total - self.paid))
        return (f"risultano incassati {paid} dei {total} fatturati: mancano {missing}" if lang == "it" else
                f"{paid} of the {total} invoiced is paid: {missing} is missing")

    def _unbilled(self, number: str, lang: str) -> str:
        if lang == "it":
            void = (f"il numero {number} in «Ordine», Annullato in «Nuovo stato», poi «Cambia stato ordine»"
                    if self.panel else f"toolkit orders status {number} --to annullato")
            if self.later is not None:
                return (f"nessuna sua fattura è stata emessa né lo sarà: il cliente è fatturato «{label(self.later)}» in "
                        "«Termini di fatturazione», dopo la spedizione, quindi nessun pagamento arriverà: scrivi "
                        f"Immediato in «Termini di fatturazione», annulla l'ordine ({void}) e ordinalo di nuovo, e "
                        "la sua fattura sarà emessa con l'ordine; oppure, se il cliente non deve pagare prima, "
                        "cambia «Termini di consegna» e l'ordine partirà")
            return ("nessuna sua fattura è stata emessa (rifiutata alla creazione dell'ordine, o il cliente non è "
                    "fatturato all'ordine), quindi nessun pagamento arriverà: corretto ciò che ha fermato la fattura "
                    f"(i messaggi di quando l'ordine è stato creato), annulla l'ordine ({void}) e ordinalo di nuovo, "
                    "e la sua fattura sarà emessa con l'ordine")
        void = (f"the number {number} in “Ordine”, Annullato in “Nuovo stato”, then “Cambia stato ordine”"
                if self.panel else f"toolkit orders status {number} --to voided")
        if self.later is not None:
            return (f"no invoice of it was issued nor will be: the customer is invoiced “{label(self.later, lang)}” in the "
                    "invoice terms, after shipping, so no payment will come: set the invoice terms to “Immediate”, "
                    f"void the order ({void}) and order it again, and its invoice will be issued with the order; "
                    "or, if the customer need not pay first, change the delivery terms and the order will ship")
        return ("no invoice of it was issued (refused when the order was created, or the customer is not invoiced "
                "at the order), so no payment will come: once what stopped the invoice is put right (the messages "
                f"of the order's creation), void the order ({void}) and order it again, and its invoice will be "
                "issued with the order")


PARTIAL_STOCK = define(
    "ship-partial-stock", "warning",
    title=("Riga spedita in parte per giacenza insufficiente", "Line shipped in part for lack of stock"),
    it="Ordine {number}, articolo {item}: giacenza {available} per {wanted} richiesti: spediti {shipped}, "
       "il resto resta da spedire.",
    en="Order {number}, item {item}: stock {available} for {wanted} wanted: {shipped} shipped, the rest "
       "stays open.")
WEIGHT_LEFT_BLANK = define(
    "ddt-weight-left-blank", "warning",
    title=("DDT senza peso: articoli senza Peso", "DDT without weight: items without Weight"),
    it="{ddts} senza peso stampato, perché non hanno il «Peso» gli articoli {items}: il peso resta da scrivere a "
       "mano sul DDT. Scrivi il loro peso nel foglio Articoli (colonna Peso) perché i prossimi DDT lo stampino.",
    en="{ddts} without a printed weight, because items {items} have no “Weight” (Peso): the weight is left to "
       "write by hand on the DDT. Write their weight on the Items sheet (Weight column) so the next DDTs print it.")
LINE_HELD = define(
    "ship-line-held", "warning",
    title=("Riga non spedita per giacenza insufficiente", "Line not shipped for lack of stock"),
    it="Ordine {number}, riga {line} ({item}): giacenza {available} per {wanted} richiesti; il cliente vuole "
       "righe complete: riga non spedita.",
    en="Order {number}, line {line} ({item}): stock {available} for {wanted} wanted; the customer wants "
       "complete lines: line not shipped.")
ORDER_HELD = define(
    "ship-order-held", "warning",
    title=("Ordine non spedito per giacenza insufficiente", "Order not shipped for lack of stock"),
    it="Ordine {number}: giacenza insufficiente per {items}; il cliente vuole ordini completi: ordine non spedito.",
    en="Order {number}: not enough stock of {items}; the customer wants complete orders: order not shipped.")
CREDIT_HELD = define(
    "credit-limit-exceeded", "warning",
    title=("Fido superato: ordine non spedito", "Credit limit exceeded: order not shipped"),
    it="Cliente {customer}: esposizione {total} (fatture aperte {outstanding} + spedito da fatturare {uninvoiced} "
       "+ ordinato da spedire {unshipped}) oltre il fido {limit}: merce non spedita. Per spedire comunque usa --force.",
    en="Customer {customer}: exposure {total} (open invoices {outstanding} + shipped not invoiced {uninvoiced} "
       "+ ordered not shipped {unshipped}) above the credit limit {limit}: goods not shipped. "
       "To ship anyway use --force.")
CREDIT_FORCED = define(
    "credit-limit-forced", "warning",
    title=("Fido superato: spedito lo stesso", "Credit limit exceeded: shipped anyway"),
    it="Cliente {customer}: esposizione {total} (fatture aperte {outstanding} + spedito da fatturare {uninvoiced} "
       "+ ordinato da spedire {unshipped}) oltre il fido {limit}: spedito comunque (--force), annotato nel registro.",
    en="Customer {customer}: exposure {total} (open invoices {outstanding} + shipped not invoiced {uninvoiced} "
       "+ ordered not shipped {unshipped}) above the credit limit {limit}: shipped anyway (--force), "
       "noted in the ledger.")
QUANTITY_TOO_LARGE = define(
    "ship-quantity-too-large", "error",
    it="Ordine {number}, riga {line} ({item}): quantità {quantity} oltre il residuo da spedire {open}: "
       "scrivi al massimo {open}.",
    en="Order {number}, line {line} ({item}): quantity {quantity} is more than the {open} still to ship: "
       "write at most {open}.")
LINE_SHIPPED_REST_ELSEWHERE = define(
    "ship-line-shipped-rest-elsewhere", "error",
    it="Ordine {number}, riga {line} ({item}): non ha più niente da spedire, e {item} resta da spedire sulla riga "
       "{rest}: una riga spedita in parte prima di un cambio d'aliquota IVA è divisa, il resto su una riga nuova in "
       "fondo all'ordine. Scrivi {rest} (o {item}) al posto di {line}.",
    en="Order {number}, line {line} ({item}): nothing is left to ship on it, and {item} is still to ship on line "
       "{rest}: a line shipped in part before a VAT rate change is cut, its rest a new line at the end of the "
       "order. Write {rest} (or {item}) instead of {line}.")
QUANTITY_INVALID = define(
    "ship-quantity-invalid", "error",
    it="Quantità «{value}» non valida: scrivi un numero non negativo con al massimo tre decimali (0 se la riga "
       "non parte ora).",
    en="Quantity “{value}” is not valid: write a number not below zero with at most three decimals (0 when the "
       "line does not leave now).")
UNKNOWN_LINE = define(
    "ship-unknown-line", "error",
    it="L'ordine {number} non ha la riga o l'articolo «{line}»: scrivi il codice articolo o il numero di riga.",
    en="Order {number} has no line or item “{line}”: write the item code or the line number.")
AMBIGUOUS_ITEM = define(
    "ship-ambiguous-item", "error",
    it="L'ordine {number} ha più righe con l'articolo {item}: indica il numero di riga ({lines}).",
    en="Order {number} has several lines with item {item}: give the line number ({lines}).")
DUPLICATE_LINE = define(
    "ship-duplicate-line", "error",
    it="Ordine {number}, riga {line}: indicata due volte; lascia una sola riga con la quantità totale.",
    en="Order {number}, line {line}: given twice; keep one row with the total quantity.")
STOCK_NOT_CHECKED = define(
    "stock-not-checked", "warning",
    title=("Giacenza non controllata", "Stock not checked"),
    it="Il foglio Giacenze manca: la giacenza non è controllata e ogni quantità ordinata viene spedita. "
       "Per spedire solo la merce disponibile aggiungi il foglio Giacenze (Articolo, Quantità).",
    en="The Stock sheet (Giacenze) is missing: stock is not checked and every ordered quantity ships. "
       "To ship only what is available, add the Stock sheet (Item, Quantity).")
STOCK_RESERVED = define(
    "stock-reserved", "warning",
    title=("Giacenza prenotata da ordini precedenti", "Stock reserved by earlier orders"),
    it="Ordine {number}, articolo {item}: gli ordini precedenti ({orders}) ne hanno prenotati {reserved}, su una "
       "giacenza di {stock}: restano {available} per questo ordine.",
    en="Order {number}, item {item}: earlier orders ({orders}) have reserved {reserved} of it, out of a stock of "
       "{stock}: {available} is left for this order.")
TERMS_OVERRIDDEN = define(
    "ship-quantities-override-terms", "warning",
    title=("Quantità indicate contro i termini di consegna: spedito in parte",
           "Quantities given against the delivery terms: shipped in part"),
    it="Ordine {number}, riga {line} ({item}), cliente {customer}: spediti {shipped} di {open} come indicato nel file "
       "delle quantità, anche se il cliente vuole «{terms_it}»; il resto resta da spedire.",
    en="Order {number}, line {line} ({item}), customer {customer}: {shipped} of {open} shipped as the quantities "
       "file says, although the customer's terms are “{terms_en}”; the rest stays open.")
UNKNOWN_ORDER_ROW = define(
    "ship-unknown-order", "error",
    it="L'ordine {number} non esiste nel registro: controlla il numero (gli ordini registrati: toolkit orders list).",
    en="Order {number} is not in the ledger: check the number (the orders recorded: toolkit orders list).")


@dataclass(frozen=True, slots=True)
class ShipmentLine(DocumentLine):
    """One order line's quantity on a DDT (negative on a return), priced as the order line."""

    order_id: int
    order_number: str
    order_line_id: int
    line_no: int
    """The order line's number."""


_shipment_line = maker(ShipmentLine)
"""`ShipmentLine` made through its slots (`toolkit.basics.bulk_records`), every field in order:
a day at L drafts 19,500 lines, 3.0 µs each through `__init__`, 1.2 µs so (timeit)."""


@dataclass(frozen=True, slots=True)
class ShipmentDraft:
    """A DDT (documento di trasporto) ready to be numbered and stored."""

    day: date
    customer: str
    ship_to: str | None
    carrier: str | None
    """The carrier's code; None: the seller delivers (trasporto a cura del mittente)."""
    reason: Reason
    lines: tuple[ShipmentLine, ...]
    weight: Decimal | None = None
    """Kilograms to the gram, from the items' weights; None, a box the driver fills in, when an
    item it carries has none: the sum of the others printed as the DDT's weight understated
    the load (45 kg for 10 × A001 of 1.5 kg and a carton of books of no weight given)."""
    packages: int | None = None
    forced: bool = False
    """Shipped past the customer's credit limit by the user's choice (--force)."""
    services: bool = False
    """Services rendered (`Item.service`), stored under `SERVICES_SERIES`: no DDT, no carrier."""

    @property
    def orders(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(line.order_number for line in self.lines))


class OpenLine(NamedTuple):
    """A line still to ship of an order that can take nothing today (`takes_nothing`): what
    its messages need, and no more. At the end of a month at L tens of thousands of orders wait
    for stock with hundreds of thousands of lines, planned again every day only to say so."""

    id: int
    line_no: int
    item: str
    to_ship: Decimal


Line = OrderLine | OpenLine
"""An order line as the planner looks at it: whole, or only what a held order's messages need."""


@dataclass(frozen=True, slots=True)
class Held:
    """An order, or part of one, that this run does not ship, and why (a problem code)."""

    order: str
    customer: str
    reason: str
    items: tuple[str, ...] = ()
    since: date | None = None
    """For an order kept on hold from an earlier day (`toolkit.core.holds`), the first day it
    was held; None: held by this run's plan."""
    lacks: tuple[Decimal, ...] = ()
    """Held for stock by this run's plan: for each of `items`, how much more of it the order's
    free stock (the stock less what the orders ahead hold, less what it took) needs before
    the order can take some of it under its delivery terms (`_Run.lacking`): what a kept hold
    waits for (`toolkit.core.holds`). Empty for any other hold, and for a kept one reported."""


@dataclass(frozen=True)
class ShippingPlan:
    drafts: tuple[ShipmentDraft, ...]
    held: tuple[Held, ...]
    problems: tuple[Problem, ...]
    rated_again: tuple[RatedAgain, ...] = ()
    """The order lines the drafts ship at the rate of the DDT's date (`toolkit.core.delivery_rate`),
    to be stored on the lines with the DDTs."""

    def split(self, orders: Mapping[int, Order], rests: Mapping[int, tuple[int, int]]
              ) -> tuple[ShippingPlan, dict[int, Order]]:
        """The plan with its lines shipped in part before cut in two (`RatedAgain.kept`): each
        draft line of one cites the rest's new line (`rests`: id and number, as stored), and
        `orders` hold, in its place, the line cut at what it shipped and the rest, nothing of
        it shipped, as the ledger now has them. Nothing split: the plan and orders as they are."""
        if not rests:
            return self, dict(orders)
        drafts = tuple(replace(draft, lines=tuple(
            replace(line, order_line_id=rests[line.order_line_id][0], line_no=rests[line.order_line_id][1])
            if line.order_line_id in rests else line for line in draft.lines)) for draft in self.drafts)
        cut = {r.order_line_id: r for r in self.rated_again if r.order_line_id in rests}
        touched = {order_id for order_id, order in orders.items() if any(x.id in cut for x in order.lines)}
        return replace(self, drafts=drafts), {order_id: _cut(order, cut, rests) if order_id in touched else order
                                              for order_id, order in orders.items()}


def _cut(order: Order, cut: Mapping[int, RatedAgain], rests: Mapping[int, tuple[int, int]]) -> Order:
    """`order` with each line of `cut` as `ShippingPlan.split` leaves it: the part shipped, then
    the rest as a new line at the end."""
    kept: list[OrderLine] = []
    added: list[OrderLine] = []
    for line in order.lines:
        if (rated := cut.get(line.id)) is None or rated.kept is None or rated.kept_amount is None:
            kept.append(line)
            continue
        kept.append(replace(line, quantity=rated.kept, amount=rated.kept_amount))
        new_id, line_no = rests[line.id]
        added.append(replace(line, id=new_id, line_no=line_no, quantity=line.quantity - rated.kept,
                             unit_price=rated.unit_price, amount=rated.amount, vat_rate=rated.vat_rate,
                             vat_nature=rated.vat_nature, shipped=Decimal(0), invoiced=Decimal(0),
                             credited=Decimal(0)))
    return replace(order, lines=(*kept, *added))


@dataclass(frozen=True, slots=True)
class ChosenRow:
    """A row of the quantities file: which order line (item code or line number), how much."""

    order: str
    line: str
    quantity: object
    location: Location | None = None
    """The quantity's cell; `order_at` and `line_at` are the cells of the order number and of the
    item or line (None: the quantity's), so a problem with either names the cell the user fixes."""
    order_at: Location | None = None
    line_at: Location | None = None


@dataclass(frozen=True, slots=True)
class Shortfall:
    """An item a complete order lacks, as its message names it: `A001 (3/5)`, what is there of
    what the order needs, each number read in the message's language."""

    item: str
    available: Decimal | None
    needed: Decimal

    def shown(self, lang: str) -> str:
        return f"{self.item} ({wording.shown(self.available, lang)}/{wording.shown(self.needed, lang)})"


def shown(quantity: Decimal | None, lang: str) -> str:
    """A quantity as a message shows it: `10`, `7,5` (`7.5` in English), not `10.000`.

    Each value is written once and remembered (`_SHOWN`): a day at L words 228,000 held
    lines' messages from a few hundred distinct quantities. Equal values show alike whatever
    their exponent; a zero is written each time, as it keeps its sign.

    >>> shown(Decimal("10.000"), "it"), shown(Decimal("7.500"), "it"), shown(None, "it"), shown(Decimal("7.5"), "en")
    ('10', '7,5', '—', '7.5')
    """
    if quantity is None:
        return "—"
    if not quantity:
        return wording.quantity(quantity, lang)
    found = _SHOWN.get((quantity, lang))
    if found is None:
        if len(_SHOWN) >= 4096:
            _SHOWN.clear()
        found = _SHOWN[quantity, lang] = wording.quantity(quantity, lang)
    return found


_SHOWN: dict[tuple[Decimal, str], str] = {}


number_key = rank
"""Sort key of an order number: year, series, progressive (`toolkit.core.reservations.rank`)."""


def stock_levels(master: MasterData) -> dict[str, Decimal] | None:
    """On-hand quantity per item from the stock sheet (Giacenze); None without one: all available."""
    if master.stock is None:
        return None
    levels: dict[str, Decimal] = {}
    for level in master.stock:
        levels[level.item] = levels.get(level.item, ZERO) + level.quantity
    return levels


def missing_stock(master: MasterData) -> list[Problem]:
    """The warning that stock is not checked, when the workbook has no stock sheet at all.

    Without one every ordered quantity ships, whatever the delivery terms say: fine for a desk
    that keeps no stock in the workbook, but a deleted or renamed sheet would ship goods that
    are not there, so the data check and every shipment say so. A stock sheet present but with
    no rows is the user's choice to keep stock there: no stock of anything, no warning."""
    if master.stock is not None:
        return []
    return [STOCK_NOT_CHECKED(master.locate_sheet(StockLevel.sheet))]


def route_area(customer: Customer, ship_to: ShipTo | None) -> str | None:
    """The destination's area (zona), else the customer's: it picks the carrier and the route."""
    return (ship_to.area if ship_to is not None and ship_to.area else None) or customer.area


def route_carrier(master: MasterData, customer: Customer, ship_to: ShipTo | None) -> Carrier | None:
    """The first carrier (in sheet order) serving the destination's area; None: the seller delivers."""
    return area_carrier(master, route_area(customer, ship_to))


def area_carrier(master: MasterData, area: str | None) -> Carrier | None:
    """The first carrier (in sheet order) serving `area`; None: the seller delivers."""
    if not area:
        return None
    wanted = area.strip().casefold()
    return next((c for c in master.carriers if any(a.strip().casefold() == wanted for a in c.areas)), None)


def choose_quantities(rows: Sequence[ChosenRow], orders: Sequence[Order],
                      cuts: Mapping[tuple[int, int], int] | None = None) -> tuple[dict[int, Decimal], list[Problem]]:
    """Resolve the quantities file's rows to order-line ids, checked against what is still open.
    `cuts`: the cuts at a VAT rate change the ledger logged, the line cut by (order id, its
    rest's line) (`toolkit.ledger.orders.cuts_logged`), for a row naming a line cut (`_open_rests`).

    A return's quantity may be written with or without its minus sign. A quantity of 0 is the
    line taken off the truck, as a picking list writes it: the line does not leave now and stays
    open, as a line the file leaves out of an order it names (it was refused, the whole file with it).
    """
    from toolkit.basics.money import NotANumber, to_decimal

    by_number = {o.number: o for o in orders}
    chosen: dict[int, Decimal] = {}
    problems: list[Problem] = []
    for row in rows:
        order = by_number.get(str(row.order).strip())
        if order is None:
            problems.append(UNKNOWN_ORDER_ROW(row.order_at or row.location, number=row.order))
            continue
        line, trouble = _find_line(order, str(row.line).strip(), row.line_at or row.location)
        if line is None:
            problems.append(trouble)  # type: ignore[arg-type]
            continue
        try:
            quantity = to_decimal(row.quantity)
        except NotANumber:
            quantity = None
        if quantity is not None and not QUANTITY.admits(quantity):
            problems.append(QUANTITY.problem(row.location, row.quantity))
            continue
        if quantity is not None and order.document_type is DocumentType.RETURN:
            quantity = -abs(quantity)
        if quantity is None or quantity != quantity.quantize(QUANTITY_PLACES) \
                or (quantity != 0 and (quantity < 0) != (line.quantity < 0)):
            problems.append(QUANTITY_INVALID(row.location, value=row.quantity))
            continue
        if line.id in chosen:
            problems.append(DUPLICATE_LINE(row.location, number=order.number, line=line.line_no))
            continue
        if quantity and not line.to_ship and (rest := _open_rests(order, line, cuts or {})):
            problems.append(LINE_SHIPPED_REST_ELSEWHERE(row.line_at or row.location, number=order.number,
                                                        line=line.line_no, item=line.item,
                                                        rest=", ".join(map(str, rest))))
            continue
        if abs(quantity) > abs(line.to_ship):
            problems.append(QUANTITY_TOO_LARGE(row.location, number=order.number, line=line.line_no, item=line.item,
                                               quantity=abs(quantity), open=abs(line.to_ship)))
            continue
        chosen[line.id] = quantity
    return chosen, problems


def _open_rests(order: Order, line: OrderLine, cuts: Mapping[tuple[int, int], int]) -> list[int]:
    """The numbers of the lines still open that hold the rest of `line`, cut at a VAT rate change
    (a cut `cuts` logged), or the rest of its rest, cut again at a later one: none for a line
    never cut, as an item an order lists twice on purpose, whose second line shipped after a
    change reads as a cut does (`cut_lines`)."""
    of, found = {line.line_no}, []
    for x in sorted(order.lines, key=lambda x: x.line_no):
        if cuts.get((order.id, x.line_no)) in of:
            of.add(x.line_no)
            if x.to_ship:
                found.append(x.line_no)
    return found


def _find_line(order: Order, wanted: str, where: Location | None) -> tuple[OrderLine | None, Problem | None]:
    """The line `wanted` names, by item or line number. Of an item on several lines, the one still
    open when only one is: a line cut at a VAT rate change (`ShippingPlan.split`) leaves its part
    shipped beside the rest, and the quantities file that named the item goes on naming it."""
    matches = [line for line in order.lines if line.item == wanted]
    if len(still_open := [line for line in matches if line.to_ship]) == 1:
        matches = still_open
    if len(matches) > 1:
        return None, AMBIGUOUS_ITEM(where, number=order.number, item=wanted,
                                    lines=", ".join(str(m.line_no) for m in matches))
    if matches:
        return matches[0], None
    try:
        number = Decimal(wanted)
        line_no = int(number) if number == number.to_integral_value() else None
    except ArithmeticError:
        line_no = None
    found = next((line for line in order.lines if line.line_no == line_no), None)
    return (found, None) if found else (None, UNKNOWN_LINE(where, number=order.number, line=wanted))


@dataclass
class _Run:
    """The state one planning run threads through its steps: stock left, lines taken, findings."""

    stock: dict[str, Decimal] | None
    master: MasterData
    reservations: Reservations = NONE
    taken: list[tuple[Order, OrderLine, Decimal]] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    start: dict[str, Decimal] = field(default_factory=dict)
    """The stock as the run found it, which the reservations of the orders ahead are counted against."""
    own: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    """What this run took per (order id, item)."""
    cells: dict[str, Location | None] = field(default_factory=dict)
    """`cell` per item, as worked out once."""
    services: frozenset[str] = frozenset()
    """The items that are services (`service_items`): rendered, not taken from stock."""

    def __post_init__(self) -> None:
        self.start = dict(self.stock or {})
        self.services = service_items(self.master)

    def cell(self, item: str) -> Location | None:
        """Where the item's stock level is in the workbook, for a problem's location; found once
        per item and run (a day at L warns about the same few thousand items again and again)."""
        if item not in self.cells:
            level = _stock_levels(self.master).get(item)
            self.cells[item] = None if level is None else self.master.locate(level.source, "quantity")
        return self.cells[item]

    def available(self, item: str, order: Order) -> Decimal | None:
        """What `order` may take of `item`: the stock as found less what the orders ahead of it
        reserve and what it took itself. It does not depend on what this run shipped before:
        every order that takes stock is in progress and reserves what it still has to ship, at
        least what it takes, and the orders are planned in rank order, so what the orders
        planned before took is within what they reserve (`tests/test_shipping_ahead.py`). The
        planner alone, without the ledger's reservations (`NONE`), has only this run to go by:
        what the orders before took is gone. A service is never short: None, as without a
        stock sheet (a consulting hour is not on *Giacenze*, and held its order's goods)."""
        if self.stock is None or item in self.services:
            return None
        if self.reservations is NONE:
            return max(self.stock.get(item, ZERO), ZERO)
        return max(self.start.get(item, ZERO) - self.reservations.ahead(item, order)
                   - self.own.get((order.id, item), ZERO), ZERO)

    def lacking(self, item: str, order: Order, least: Decimal) -> Decimal:
        """How much more free stock of `item` `order` needs for `least` of it (above zero) to fit:
        the free stock counted as `available` counts it, but not raised to zero, since the
        orders ahead may hold more than the stock (what is freed goes to them first). A lower
        bound of the next days' shortfall: the order's own DDT and the orders ahead shipping
        lower the stock and their holding alike."""
        if self.reservations is NONE:
            return least - (self.stock or {}).get(item, ZERO)
        return least - (self.start.get(item, ZERO) - self.reservations.ahead(item, order)
                        - self.own.get((order.id, item), ZERO))

    def take(self, order: Order, line: Line, quantity: Decimal) -> None:
        if not isinstance(line, OrderLine):
            raise ValueError(f"order {order.number} was given by its open lines (it takes nothing) but takes {line.item}")
        self.taken.append((order, line, quantity))
        if self.stock is not None and quantity > 0:
            self.stock[line.item] = self.stock.get(line.item, ZERO) - quantity
            self.own[order.id, line.item] = self.own.get((order.id, line.item), ZERO) + quantity

    def short(self, order: Order, item: str, available: Decimal | None = None) -> None:
        """Say which earlier orders hold the stock `order` lacks, when reservations are why:
        never with no stock as found, where the order lacks the item whatever they hold (its
        shortage warning says the stock is 0; this one said they reserved 10 *out of a stock of
        0*). `available`: what it may take of the item now, when the caller has it."""
        if self.stock is None:
            return
        reserved = self.reservations.ahead(item, order)
        if not reserved or self.start.get(item, ZERO) <= 0:
            return
        if self.start.get(item, ZERO) - reserved - self.own.get((order.id, item), ZERO) >= self.stock.get(item, ZERO):
            return
        holders, many = self.reservations.first_holders_ahead(item, order, NAMED)
        shown_holders = ", ".join(holders) + (f" +{many - NAMED}" if many > NAMED else "")
        if available is None:
            available = self.available(item, order)
        self.problems.append(STOCK_RESERVED(self.cell(item), number=order.number, item=item, reserved=reserved,
                                            stock=self.start[item], orders=shown_holders,
                                            available=available))


@per_master
def _stock_levels(master: MasterData) -> dict[str, StockLevel]:
    return {level.item: level for level in master.stock or ()}


def plan_shipments(orders: Sequence[Order], master: MasterData, stock: Mapping[str, Decimal] | None, day: date, *,
                   quantities: Mapping[int, Decimal] | None = None, paid: Collection[int] = frozenset(),
                   carrier: str | None = None, exposures: Mapping[str, Exposure] | None = None,
                   force: bool = False, reservations: Reservations = NONE,
                   unread: Collection[int] = frozenset(),
                   open_lines: Mapping[int, Sequence[OpenLine]] | None = None) -> ShippingPlan:
    """Decide what ships on `day`: one draft per (customer, destination, reason), plus what is held.

    `quantities` (order-line id → quantity) ships only the chosen lines of the orders it names;
    orders it does not name ship everything open. `paid` holds the ids of the orders whose
    prepayment has arrived. `exposures` (from the ledger) drive the credit check: a customer
    above the credit limit is held unless `force`. `reservations` are every open order's (from
    the ledger): an order may use only the stock that the orders ahead of it leave free.
    `unread` names orders passed without their lines that have something still to ship: the
    ones `held_unread` holds whatever their lines say. `open_lines` gives, per order passed
    without its lines, its lines still to ship, for orders that can take nothing
    (`takes_nothing`): they are held with the messages their lines call for.
    """
    customers = {c.code: c for c in master.customers}
    if carrier is not None and carrier not in {c.code for c in master.carriers}:
        return ShippingPlan((), (), (UNKNOWN_CARRIER(None, code=carrier),))
    quantities = quantities or {}
    open_lines = open_lines or {}
    run = _Run(dict(stock) if stock is not None else None, master, reservations)
    chosen_orders = {o.id for o in orders if any(line.id in quantities for line in o.lines)}
    candidates = [o for o in sorted(orders, key=lambda o: number_key(o.place)) if _shippable(o, run)]
    blocked, forced = _credit_check(master, candidates, exposures or {}, force, run)
    for order in candidates:
        if order.customer in blocked and order.document_type is not DocumentType.RETURN:
            continue
        wanted: list[tuple[Line, Decimal]]
        if order.id in chosen_orders:
            asked = [(line, quantities.get(line.id, ZERO)) for line in order.lines]
            wanted = [(line, q) for line, q in asked if q != 0 and _within(order, line, q, run)]
        else:
            wanted = [(line, left) for line in open_lines.get(order.id, order.lines) if (left := line.to_ship) != 0]
        if not wanted and order.id not in unread:
            continue
        if order.document_type is DocumentType.RETURN:
            for line, quantity in wanted:
                run.take(order, line, quantity)
            continue
        terms = customers[order.customer].delivery_terms
        if awaits_payment(order, customers[order.customer], paid):
            run.held.append(Held(order.number, order.customer, AWAITING_PAYMENT.code))
            run.problems.append(AWAITING_PAYMENT(master.locate(customers[order.customer].source, "delivery_terms"),
                                                 number=order.number, customer=order.customer, payment=PaymentSoFar()))
            continue
        before = len(run.taken)
        if terms is DeliveryTerms.COMPLETE_ORDER:
            _complete_order(order, wanted, run)
        elif terms is DeliveryTerms.COMPLETE_LINE:
            _complete_lines(order, wanted, run)
        else:
            _as_available(order, wanted, run)
        if order.id in chosen_orders:
            run.problems.extend(terms_overridden(order, terms, run.taken[before:],
                                                 master.locate(customers[order.customer].source, "delivery_terms")))
    rated: list[RatedAgain] = []
    drafts = _drafts(master, run.taken, day, carrier, forced, rated, run.problems)
    return ShippingPlan(tuple(drafts), tuple(run.held), (*run.problems, *weight_left_blank(master, drafts)),
                        tuple(rated))


def weight_left_blank(master: MasterData, drafts: Sequence[ShipmentDraft]) -> list[Problem]:
    """One warning for the run's DDTs whose weight box is left blank (`_drafts`), naming the
    items without a *Peso* that blanked it, at the first one's cell: a desk that gives its items
    a weight learns why a DDT printed none, once, not once per DDT. A desk that gives none is
    not told, every day, of what it chose."""
    items = {i.code: i for i in master.items}
    if not any(i.weight is not None for i in items.values()):
        return []
    blank = [d for d in drafts if not d.services and d.weight is None]
    missing = sorted({line.item for d in blank for line in d.lines
                      if line.item in items and items[line.item].weight is None})
    if not missing:
        return []
    return [WEIGHT_LEFT_BLANK(master.locate(items[missing[0]].source, "weight"), items=", ".join(missing),
                              ddts=wording.Counted(len(blank), ("DDT", "DDT"), ("DDT", "DDTs")))]


def terms_overridden(order: Order, terms: DeliveryTerms, taken: Sequence[tuple[Order, OrderLine, Decimal]],
                     where: Location | None) -> list[Problem]:
    """The warnings for a shipment whose quantities the desk chose (`--quantities`) leaving
    lines part-shipped that the customer's terms want whole: the desk's word wins, that is what
    the file is for, but a customer on complete lines (or orders) gets a partial delivery, and
    the desk should know. A complete order also counts the lines left out entirely, when
    anything of it ships; an order held for stock has its own warning."""
    if terms not in (DeliveryTerms.COMPLETE_LINE, DeliveryTerms.COMPLETE_ORDER) or not taken:
        return []
    shipped: dict[int, Decimal] = {}
    for _, line, quantity in taken:
        shipped[line.id] = shipped.get(line.id, ZERO) + quantity
    lines = order.lines if terms is DeliveryTerms.COMPLETE_ORDER else [
        line for line in order.lines if line.id in shipped]
    return [TERMS_OVERRIDDEN(where, number=order.number, line=line.line_no, item=line.item, customer=order.customer,
                             shipped=abs(shipped.get(line.id, ZERO)), open=abs(line.to_ship),
                             terms_it=label(terms, "it"), terms_en=label(terms, "en"))
            for line in lines if line.to_ship != 0 and abs(shipped.get(line.id, ZERO)) < abs(line.to_ship)]


def of_known_customers(orders: Sequence[Order], master: MasterData,
                       others: Mapping[int, tuple[Buyer, Buyer]] | None = None) -> tuple[list[Order], ShippingPlan]:
    """The orders whose customer is on the Customers sheet, and their destination, if any, on
    the Destinations sheet, and what the others are: held, each with the warning that says why
    and what to do. Every rule of a shipment reads the customer's terms, and a customer taken
    off the sheet can still have open orders; a destination taken off (a branch moved to
    another code) left its DDT with the customer's own address as *Luogo di destinazione*,
    without a word, and the goods went there. `others`: by order id, the customer an order
    printed and this copy's customer of its code, where they are two companies
    (`toolkit.model.parties.another_company`): two copies of the workbook each added a C031 of
    their own, and the warehouse's shipped the first one's order to the second company."""
    known, places, others = _customer_codes(master), _destination_codes(master), others or {}
    gone = [order for order in orders if order.customer not in known]
    moved = [order for order in orders if order.customer in known and order.ship_to is not None
             and order.ship_to not in places]
    other = [order for order in orders if order.id in others and order.customer in known]
    if not gone and not moved and not other:
        return list(orders), ShippingPlan((), (), ())
    apart = {order.number for order in (*gone, *moved, *other)}
    customer_row = master.locate_row_to_add(master.customers, Customer.sheet) if gone else None
    destination_row = master.locate_row_to_add(master.ship_to, ShipTo.sheet) if moved else None
    return [order for order in orders if order.number not in apart], ShippingPlan(
        (), (*(Held(order.number, order.customer, CUSTOMER_GONE.code) for order in gone),
             *(Held(order.number, order.customer, DESTINATION_GONE.code) for order in moved),
             *(Held(order.number, order.customer, ANOTHER_COMPANY.code) for order in other)),
        (*(CUSTOMER_GONE(customer_row, number=order.number, customer=order.customer) for order in gone),
         *(DESTINATION_GONE(destination_row, number=order.number, customer=order.customer,
                            destination=order.ship_to) for order in moved),
         *(apart_told(ANOTHER_COMPANY, master, *others[order.id], number=order.number) for order in other)))


def apart_told(kind: ProblemType, master: MasterData, printed: Buyer, now: Buyer, **names: object) -> Problem:
    """`kind`, one of the warnings of a document made for another company than this copy's
    customer of its code (`toolkit.services.copies_apart`), naming both companies by name, town
    and identity, at the *Partita IVA* of this copy's customer (`vat_number_cell`); `names`, the
    document's own (its number, its day)."""
    return kind(vat_number_cell(master, now.code), customer=now.code, printed=company(printed),
                printed_id=identity(printed), now=company(now), now_id=identity(now), **names)


def vat_number_cell(master: MasterData, code: str) -> Location | None:
    """The *Partita IVA* cell of customer `code`'s row on *Clienti*: where the desk sets right a
    document made for another company than this copy's customer of its code, whichever way it
    was (two customers under one code, or one that changed its partita IVA)."""
    row = _customers_by_code(master).get(code)
    return master.locate(row.source, "vat_number") if row is not None else None


def items_off_the_sheet(master: MasterData, notes: Iterable[DeliveryNote], held: Iterable[Held]) -> list[Problem]:
    """One warning per item no longer on *Articoli* that these DDTs carried or these orders were
    held for: an item taken off, or renamed with its open orders still under the old code,
    was shipped unseen or held as out of stock at another item's cell, with nothing said."""
    known = _item_codes(master)
    orders: dict[str, set[str]] = {}
    for note in notes:
        for line in note.lines:
            if line.item not in known:
                orders.setdefault(line.item, set()).add(line.order_number)
    for hold in held:
        for item in hold.items:
            if item not in known:
                orders.setdefault(item, set()).add(hold.order)
    where = master.locate_row_to_add(master.items, Item.sheet)
    return [ITEM_GONE(where, item=item, orders=Concerned(tuple(sorted(numbers))))
            for item, numbers in sorted(orders.items())]


@dataclass(frozen=True, slots=True)
class Concerned:
    """The orders a warning of an item names: the first few, then how many more (`wording.Listed`);
    kept whole, so the warnings of one item told by several days' shipping merge (`once_per_item`)."""

    numbers: tuple[str, ...]

    def shown(self, lang: str) -> str:
        return wording.Listed(self.numbers[:NAMED_ORDERS], len(self.numbers), wording.ORDERS).shown(lang)


NAMED_ORDERS = 5
"""How many orders a warning of an item names before counting the rest."""

PER_ITEM = frozenset({"ship-item-not-in-workbook", "ship-item-unit-changed"})
"""The warnings said once per item and cell, whatever the days and runs a command shipped."""


def once_per_item(problems: Iterable[Problem]) -> list[Problem]:
    """`problems` with each warning of `PER_ITEM` said once per item and cell, naming every order
    of the warnings it stands for, where the first of them stood: the held DDTs of several days
    issued with the day's are shipped a day at a time, and each day said them again, each with
    its own orders."""
    said: list[Problem] = []
    first: dict[tuple[object, ...], int] = {}
    for problem in problems:
        if problem.code not in PER_ITEM:
            said.append(problem)
            continue
        key = (problem.code, problem.location, *((k, v) for k, v in problem.params if k != "orders"))
        if key not in first:
            first[key] = len(said)
            said.append(problem)
            continue
        kept = said[first[key]]
        numbers = {n for p in (kept, problem) for k, v in p.params if k == "orders" for n in v.numbers}
        said[first[key]] = replace(kept, params=tuple((k, Concerned(tuple(sorted(numbers))) if k == "orders" else v)
                                                      for k, v in kept.params))
    return said


def units_changed(master: MasterData, orders: Iterable[Order]) -> list[Problem]:
    """One warning, at the item's *Unità di misura* cell, per item whose unit on *Articoli* is
    no longer the one these orders' open lines were ordered in (the lines a DDT ships are among
    them): a DDT states the quantity in the unit it was ordered and shipped in (the order
    line's, kept by the ledger), but the stock, counted in the sheet's unit, had kilos taken off
    a count of pieces with nothing said. Units compare as `unit_key` spells them, so «pezzi»
    re-typed for «pz» is no change. Without a stock sheet there is no count to spoil, nor for a
    service."""
    if master.stock is None:
        return []
    units = _goods_units(master)
    orders_by: dict[tuple[str, str], tuple[str, set[str]]] = {}
    for order in orders:
        for line in order.lines:
            now = units.get(line.item)
            if now is not None and line.unit != now and line.quantity > line.shipped:
                if (ordered := unit_key(line.unit)) != unit_key(now):
                    orders_by.setdefault((line.item, ordered), (line.unit, set()))[1].add(order.number)
    items = _items(master)
    return [UNIT_CHANGED(master.locate(items[item].source, "unit"), item=item, unit=items[item].unit, ordered=unit,
                         orders=Concerned(tuple(sorted(numbers))))
            for (item, _), (unit, numbers) in sorted(orders_by.items())]


@per_master
def _goods_units(master: MasterData) -> dict[str, str]:
    """The units of the items that are goods, by code."""
    return {i.code: i.unit for i in master.items if not i.service}


@per_master
def _items(master: MasterData) -> dict[str, Item]:
    return {i.code: i for i in master.items}


@per_master
def _item_codes(master: MasterData) -> frozenset[str]:
    return frozenset(i.code for i in master.items)


@per_master
def _customer_codes(master: MasterData) -> frozenset[str]:
    return frozenset(c.code for c in master.customers)


@per_master
def _customers_by_code(master: MasterData) -> dict[str, Customer]:
    return {c.code: c for c in master.customers}


@per_master
def _destination_codes(master: MasterData) -> frozenset[str]:
    return frozenset(s.code for s in master.ship_to)


def awaits_payment(order: Order, customer: Customer, paid: Collection[int]) -> bool:
    """Whether the order waits for its prepayment: it ships after payment
    (`ships_after_payment`) and its payment is not in."""
    return ships_after_payment(order, customer) and order.id not in paid


def invoiced_later(order: Order, customer: Customer) -> InvoiceTerms | None:
    """The customer's invoice terms when the order issues no invoice at once (`AtOnce`): they are
    not *Immediato* and its type invoices only what ships (a prepay order invoices at once)."""
    from toolkit.core.orders import AtOnce

    terms = customer.invoice_terms
    at_once = AtOnce.of(EFFECTS[order.document_type], invoiced_immediately=terms is InvoiceTerms.IMMEDIATE)
    return None if at_once.invoice else terms


def ships_after_payment(order: Order, customer: Customer) -> bool:
    """Whether the order leaves only once paid: after-receipt terms or a type that ships after
    payment. Only these orders' payments are asked of the ledger (`paid` matters for no other)."""
    return pays_first(order.document_type, customer)


def pays_first(kind: DocumentType, customer: Customer) -> bool:
    """`ships_after_payment` of an order of this type."""
    return customer.delivery_terms is DeliveryTerms.AFTER_RECEIPT or EFFECTS[kind].ship_after_payment


def over_limit(customer: Customer, exposure: Exposure | None) -> bool:
    """Whether the customer's exposure is above the credit limit (fido)."""
    limit = customer.credit_limit
    return limit is not None and exposure is not None and exposure.total > limit


def credit_limited(master: MasterData, codes: Iterable[str]) -> list[str]:
    """Of these customers, those with a credit limit (fido), in the same order: the only ones
    whose exposure the credit check reads (`over_limit`), so the only ones the ledger need sum
    for a shipment. At L seven customers in ten have none."""
    limited = _limited(master)
    return [code for code in codes if code in limited]


@per_master
def _limited(master: MasterData) -> frozenset[str]:
    return frozenset(c.code for c in master.customers if c.credit_limit is not None)


def takes_nothing(order: Order, lines: Sequence[OpenLine], terms: DeliveryTerms, stock: Mapping[str, Decimal] | None,
                  reservations: Reservations, services: Collection[str] = frozenset()) -> bool:
    """Whether `plan_shipments` takes nothing of this in-progress sale under the customer's
    delivery `terms`, from its lines still to ship alone. What an order may take of an item is
    the stock found less what the orders ahead of it hold and what it took itself
    (`_Run.available`), whatever the orders planned before it did, so this is known before
    planning: a complete order with an item short, complete lines each short, or nothing free of
    any item. At L most of the orders due wait for stock day after day, and their whole lines
    need not be read (`OpenLine`). A return, a line to ship back (negative), a service to
    render (`services`: never short of stock), or no stock sheet: it may ship.

    What is free of an item is asked only until the answer is known (`_free_until_known`)."""
    if stock is None or order.document_type is DocumentType.RETURN:
        return False
    needed: dict[str, Decimal] = {}
    for line in lines:
        if line.to_ship < 0 or (line.to_ship > 0 and line.item in services):
            return False
        if line.to_ship > 0:
            needed[line.item] = needed.get(line.item, ZERO) + line.to_ship
    return _free_until_known(order, lines, needed, terms, stock, reservations)


def _free_until_known(order: Order, lines: Sequence[OpenLine], needed: Mapping[str, Decimal], terms: DeliveryTerms,
                      stock: Mapping[str, Decimal], reservations: Reservations) -> bool:
    """`takes_nothing` once the lines' needs are summed: each item's free stock (the stock
    found less what the orders ahead hold) is worked out when the rule reaches it, and the rule
    stops at the first item that decides it: a complete order's first short item, or any
    order's first item it can take some of. Working out every item first, as the rule reads,
    asked the reservations of items that decided nothing; the whole version is the test
    oracle `tests/oracles/takes_nothing_whole.py`."""
    if terms is DeliveryTerms.COMPLETE_ORDER:
        return not needed or any(stock.get(item, ZERO) - reservations.ahead(item, order) < quantity
                                 for item, quantity in needed.items())
    if terms is DeliveryTerms.COMPLETE_LINE:
        free: dict[str, Decimal] = {}
        for line in lines:
            if line.to_ship > 0:
                if (room := free.get(line.item)) is None:
                    room = free[line.item] = stock.get(line.item, ZERO) - reservations.ahead(line.item, order)
                if room >= line.to_ship:
                    return False
        return True
    return all(stock.get(item, ZERO) - reservations.ahead(item, order) <= 0 for item in needed)


def held_unread(orders: Sequence[Order], master: MasterData, exposures: Mapping[str, Exposure],
                paid: Collection[int], force: bool) -> set[int]:
    """The orders `plan_shipments` holds before looking at their lines: a sale of a customer
    over the credit limit (unless `force`), or one waiting for its prepayment. Their lines need
    not be read to ship a day (`unread`): at L they are most of the open orders, held day after
    day until the payment comes in."""
    customers = {c.code: c for c in master.customers}
    return {order.id for order in orders if order.document_type is not DocumentType.RETURN
            and ((not force and over_limit(customers[order.customer], exposures.get(order.customer)))
                 or awaits_payment(order, customers[order.customer], paid))}


def _within(order: Order, line: OrderLine, quantity: Decimal, run: _Run) -> bool:
    """A chosen quantity fits what is still open (the quantities file was checked already; this
    guards callers that pass quantities of their own)."""
    if abs(quantity) <= abs(line.to_ship) and (quantity < 0) == (line.to_ship < 0):
        return True
    run.problems.append(QUANTITY_TOO_LARGE(None, number=order.number, line=line.line_no, item=line.item,
                                           quantity=abs(quantity), open=abs(line.to_ship)))
    return False


def _shippable(order: Order, run: _Run) -> bool:
    """Quotations and proposals never ship; other orders only while in progress."""
    if not EFFECTS[order.document_type].ships:
        run.held.append(Held(order.number, order.customer, DOES_NOT_SHIP.code))
        run.problems.append(DOES_NOT_SHIP(None, number=order.number, type_it=label(order.document_type, "it").lower(),
                                          type_en=label(order.document_type, "en").lower()))
        return False
    if order.status is not OrderStatus.IN_PROGRESS:
        it, en = STATUS_LABELS[order.status]
        run.held.append(Held(order.number, order.customer, NOT_OPEN.code))
        run.problems.append(NOT_OPEN(None, number=order.number, status_it=it, status_en=en))
        return False
    return True


def _credit_check(master: MasterData, orders: Sequence[Order], exposures: Mapping[str, Exposure], force: bool,
                  run: _Run) -> tuple[set[str], set[str]]:
    """Customers above their credit limit (fido), warned once each: (held, shipped anyway by force)."""
    customers = {c.code: c for c in master.customers}
    held: set[str] = set()
    forced: set[str] = set()
    sales: dict[str, list[Order]] = {}
    for order in orders:
        if order.document_type is not DocumentType.RETURN:
            sales.setdefault(order.customer, []).append(order)
    for code, theirs in sales.items():
        limit, exposure = customers[code].credit_limit, exposures.get(code)
        if not over_limit(customers[code], exposure) or limit is None or exposure is None:
            continue
        figures = dict(customer=code, total=cents(exposure.total), outstanding=cents(exposure.outstanding),
                       uninvoiced=cents(exposure.uninvoiced), unshipped=cents(exposure.unshipped), limit=cents(limit))
        where = master.locate(customers[code].source, "credit_limit")
        if force:
            forced.add(code)
            run.problems.append(CREDIT_FORCED(where, **figures))
            continue
        held.add(code)
        run.problems.append(CREDIT_HELD(where, **figures))
        run.held.extend(Held(order.number, code, CREDIT_HELD.code) for order in theirs)
    return held, forced


def _complete_order(order: Order, wanted: list[tuple[Line, Decimal]], run: _Run) -> None:
    needed: dict[str, Decimal] = {}
    for line, quantity in wanted:
        needed[line.item] = needed.get(line.item, ZERO) + quantity
    room = {item: run.available(item, order) for item in needed}
    short = [item for item, quantity in needed.items() if (available := room[item]) is not None and available < quantity]
    if short:
        run.held.append(Held(order.number, order.customer, ORDER_HELD.code, tuple(short),
                             lacks=tuple(run.lacking(item, order, needed[item]) for item in short)))
        run.problems.append(ORDER_HELD(run.cell(short[0]), number=order.number,
                                       items=tuple(Shortfall(i, room[i], needed[i]) for i in short)))
        for item in short:
            run.short(order, item, room[item])
        return
    for line, quantity in wanted:
        run.take(order, line, quantity)


def _complete_lines(order: Order, wanted: list[tuple[Line, Decimal]], run: _Run) -> None:
    """Each line whole or not at all; an item short lacks what its smallest line left needs."""
    short: list[str] = []
    least: dict[str, Decimal] = {}
    for line, quantity in wanted:
        available = run.available(line.item, order)
        if available is not None and available < quantity:
            short.append(line.item)
            least[line.item] = min(quantity, least.get(line.item, quantity))
            run.problems.append(LINE_HELD(run.cell(line.item), number=order.number, line=line.line_no,
                                          item=line.item, available=available, wanted=quantity))
            run.short(order, line.item, available)
            continue
        run.take(order, line, quantity)
    if short:
        run.held.append(Held(order.number, order.customer, LINE_HELD.code, tuple(short),
                             lacks=tuple(run.lacking(item, order, least[item]) for item in short)))


def _as_available(order: Order, wanted: list[tuple[Line, Decimal]], run: _Run) -> None:
    """Each line as far as stock goes; a line shipped back (negative) takes no stock and goes
    whole, as it does under the other terms. An item short lacks what its free stock is below
    zero once the order took what there was: any more, and it takes some."""
    short: list[str] = []
    for line, quantity in wanted:
        available = run.available(line.item, order)
        shipped = quantity if available is None or quantity < 0 else min(quantity, available)
        if shipped:
            run.take(order, line, shipped)
        if shipped < quantity:
            short.append(line.item)
            run.problems.append(PARTIAL_STOCK(run.cell(line.item), number=order.number, item=line.item,
                                              available=available, wanted=quantity, shipped=shipped))
            run.short(order, line.item)
    if short:
        run.held.append(Held(order.number, order.customer, PARTIAL_STOCK.code, tuple(short),
                             lacks=tuple(run.lacking(item, order, ZERO) for item in short)))


def _drafts(master: MasterData, taken: list[tuple[Order, OrderLine, Decimal]], day: date, carrier: str | None,
            forced: set[str], rated: list[RatedAgain], told: list[Problem]) -> list[ShipmentDraft]:
    """A DDT per customer, destination and reason of the lines taken, then the records of
    services rendered (`SERVICES_SERIES`): after every DDT, so the day's documents come back
    from the ledger in the order they were stored (year, series, number). A line shipped
    negative is goods coming back whatever its order's type (an order form's line given back
    by a customer invoiced at once): it travels under *Reso*, never on the sale's DDT, which
    would print it as goods leaving. A line at another rate than its item's on `day` is looked
    at again (`rated_for_delivery`), what it rated again added to `rated` and said in `told`:
    one lookup a line in this pass, none other when nothing changed."""
    in_force = rates_on(master, day)
    customers = {c.code: c for c in master.customers}
    ship_to = {s.code: s for s in master.ship_to}
    weights = {i.code: i.weight for i in master.items}
    services = service_items(master)
    groups: dict[tuple[str, str | None, Reason, bool], list[ShipmentLine]] = {}
    amounts: dict[tuple[Decimal, Decimal], Decimal] = {}
    for order, line, quantity in taken:
        if off_rate(in_force, line):
            line, again, said = rated_for_delivery(master, order, line, day)
            rated.extend((again,) if again is not None else ())
            told.extend((said,) if said is not None else ())
        reason = Reason.RETURN if order.document_type is DocumentType.RETURN or quantity < 0 else Reason.SALE
        if (amount := amounts.get((quantity, line.unit_price))) is None:
            amount = amounts[quantity, line.unit_price] = line_amount(quantity, line.unit_price)
        groups.setdefault((order.customer, order.ship_to, reason, line.item in services), []).append(_shipment_line(
            line.item, line.description, line.unit, quantity, line.unit_price, amount,
            line.vat_rate, line.vat_nature, order.id, order.number, line.id, line.line_no))
    drafts: list[ShipmentDraft] = []
    rendered_drafts: list[ShipmentDraft] = []
    for (code, destination, reason, rendered), lines in groups.items():
        if rendered:
            rendered_drafts.append(ShipmentDraft(day, code, destination, None, reason, tuple(lines),
                                                 forced=code in forced and reason is Reason.SALE, services=True))
            continue
        customer = customers[code]
        chosen = carrier
        if chosen is None:
            route = route_carrier(master, customer, ship_to.get(destination) if destination else None)
            chosen = route.code if route is not None else None
        known = [abs(line.quantity) * each for line in lines if (each := weights.get(line.item)) is not None]
        weight = (sum(known, ZERO).quantize(QUANTITY_PLACES, rounding=ROUND_HALF_UP)
                  if known and len(known) == len(lines) else None)
        drafts.append(ShipmentDraft(day, code, destination, chosen, reason, tuple(lines), weight, None,
                                    forced=code in forced and reason is Reason.SALE))
    return drafts + rendered_drafts


@per_master
def service_items(master: MasterData) -> frozenset[str]:
    """The items that are services (`Item.service`): their lines travel on no DDT (`_drafts`)."""
    return frozenset(i.code for i in master.items if i.service)


def series_of(draft: ShipmentDraft, series: str) -> str:
    """The DDT `series`, or for services rendered their own (`SERVICES_SERIES`): a DDT number
    is never used up by a record that is no DDT."""
    return SERVICES_SERIES if draft.services else series
