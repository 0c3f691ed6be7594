"""A customer's order form, priced into an order draft: the pure part of importing forms.

A form names a customer, a date and lines of item and quantity (a price where the customer
wrote one). It is priced as a template's order is (docs/pricing.md): a price written on the
form is the line's own price; else the price rules (*Regole prezzo*); else the customer's
price list in the version valid on the form's date, its standard price; VAT from the item. Its
key is the form's content (`form_key` in memory, the digest in the ledger), so the same form
imported twice, or a renamed copy of it, makes one order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from toolkit.basics.cells import Location
from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import DocumentType, InvoiceTerms, PriceType, normalize
from toolkit.core.drafts import DraftLine, LinePrice, OrderDraft, line_money, net_unit_price, price_line
from toolkit.core.price_rules import rule_index
from toolkit.core.pricing import PriceBook, price_book
from toolkit.core.units import FRACTION_OF_WHOLE_UNIT, counted_whole
from toolkit.core.vat import line_vat
from toolkit.model.memo import per_master
from toolkit.model.records import Customer, Item, MasterData

FORM_UNKNOWN_CUSTOMER = define(
    "form-unknown-customer", "error",
    it="Il cliente «{customer}» del modulo non è nelle anagrafiche (né per codice né per nome).",
    en="The form's customer “{customer}” is not in the master data (by code or by name).")
FORM_UNKNOWN_ITEM = define(
    "form-unknown-item", "error",
    it="L'articolo «{item}» del modulo non è nelle anagrafiche.",
    en="The form's item “{item}” is not in the master data.")
FORM_NO_PRICE = define(
    "form-no-price", "error",
    it="L'articolo {item} non ha prezzo nel listino {price_list} valido il {day}: aggiungilo o scrivi il prezzo "
       "nel modulo.",
    en="Item {item} has no price in price list {price_list} valid on {day}: add it, or write the price on the "
       "form.")
FORM_BELOW_LIMIT = define(
    "form-price-below-limit", "error",
    it="Il prezzo {price} dell'articolo {item} è sotto il prezzo limite {limit} del listino.",
    en="Price {price} of item {item} is below the price list's limit price {limit}.")

FORM_RULE_BELOW_LIMIT = define(
    "form-price-rule-below-limit", "error",
    it="La regola prezzo {rule} dà all'articolo {item} del modulo il prezzo {price}, sotto il prezzo limite {limit} "
       "del listino: correggi la regola o il listino.",
    en="Price rule {rule} gives the form's item {item} the price {price}, below the price list's limit price "
       "{limit}: correct the rule or the price list.")
FORM_RULE_NO_BASE_PRICE = define(
    "form-price-rule-no-base-price", "error",
    it="La regola prezzo {rule} parte dal listino {price_list}, che il {day} non ha prezzo per l'articolo {item} del "
       "modulo: aggiungi il prezzo o correggi il listino base della regola.",
    en="Price rule {rule} starts from price list {price_list}, which has no price for the form's item {item} on "
       "{day}: add the price or correct the rule's base list.")

FORM_NEGATIVE_QUANTITY = define(
    "form-negative-quantity", "error",
    it="La quantità {quantity} di {item} è negativa, ma il cliente {customer} non è fatturato «Immediato»: il suo "
       "ordine partirebbe come una vendita. Un modulo rende merce solo per un cliente fatturato Immediato (la nota "
       "di credito esce con l'ordine); scrivi la quantità ordinata, e per la merce resa crea un ordine di tipo "
       "«Reso».",
    en="Quantity {quantity} of {item} is negative, but customer {customer} is not invoiced “Immediate”: its order "
       "would ship as a sale. A form gives goods back only for a customer invoiced immediately (the credit note "
       "comes with the order); write the quantity ordered, and for the goods given back create an order of type "
       "“Return”.")

FORM_SAME_ORDER = define(
    "form-same-order", "warning",
    title=("Ordine del modulo già importato", "The form's order already imported"),
    it="Il modulo {file} è l'ordine {order} già importato dal modulo {other} (cliente {customer}, Vs. ordine "
       "{reference}, data {day}, stesse righe): non si crea di nuovo.",
    en="Form {file} is order {order}, already imported from form {other} (customer {customer}, your order "
       "{reference}, date {day}, the same lines): it is not created again.")
FORM_REFERENCE_CLASH = define(
    "form-reference-clash", "error",
    it="Il modulo {file} ha lo stesso Vs. ordine {reference} del cliente {customer} dell'ordine {order} (modulo "
       "{other}), ma righe diverse: il suo ordine non è stato creato. Se è un altro ordine, correggi il Vs. ordine "
       "nel modulo; se corregge l'ordine {order}, correggi quello.",
    en="Form {file} has the same your-order reference {reference} of customer {customer} as order {order} (form "
       "{other}), but other lines: its order was not created. If it is another order, correct the reference on the "
       "form; if it corrects order {order}, correct that one.")

FORM_PREFIX = "form-"


@dataclass(frozen=True, slots=True)
class FormLine:
    item: str
    quantity: Decimal
    price: Decimal | None
    note: str | None
    location: Location
    """The item's cell."""
    quantity_at: Location | None = None
    price_at: Location | None = None
    """The cells of the quantity and of the price written on the form (None: no price)."""


@dataclass(frozen=True, slots=True)
class Form:
    """An order form as read: its fields, where each was, and its lines."""

    file: str
    digest: str
    """SHA-256 of the file's bytes: the form's identity."""
    customer: str | None
    day: date | None
    reference: str | None
    ship_to: str | None
    lines: tuple[FormLine, ...]
    where: dict[str, Location]


@dataclass(frozen=True, slots=True)
class FormOrder:
    """An order imported from a form, as a later form is matched against it (`same_order`)."""

    number: str
    file: str
    customer: str
    reference: str | None
    day: date
    lines: tuple[tuple[str, Decimal], ...]
    """Item and quantity of each line, sorted (`order_lines`)."""


def order_lines(lines: Iterable[tuple[str, Decimal]]) -> tuple[tuple[str, Decimal], ...]:
    """Lines as two forms are compared: item and quantity, in any order (a re-saved form may
    have sorted them); the prices are the master data's, which may have changed since.

    >>> order_lines([("B", Decimal("2.0")), ("A", Decimal("1"))]) == order_lines([("A", Decimal(1)), ("B", Decimal(2))])
    True
    """
    return tuple(sorted(lines))


def _reference(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def same_order(draft: OrderDraft, prior: Iterable[FormOrder]) -> tuple[FormOrder | None, bool]:
    """The order imported already that `draft` repeats, and whether its lines are the same.

    A form's bytes change when it is only re-saved (LibreOffice, another Excel), so the digest
    alone lets the same order in twice. The customer's reference (*Vs. ordine*) names one
    order: the same customer and reference with the same lines is that order again (True);
    with other lines it is a clash the desk must settle (False), as creating it would double
    the order or hide a correction. Without a reference, the same customer, date and lines is
    the same order. (None, False): a new order.
    """
    lines = order_lines((line.item, line.quantity) for line in draft.lines)
    reference = _reference(draft.customer_reference)
    clash = None
    for order in prior:
        if order.customer != draft.customer or _reference(order.reference) != reference:
            continue
        if order.lines == lines and (reference or order.day == draft.occurrence):
            return order, True
        if reference and clash is None:
            clash = order
    return clash, False


def form_key(digest: str) -> str:
    """The key an imported form's draft takes in place of a template code while it is priced and
    stored (`OrderDraft.key`, the "generated" event): unique to its content. The stored order has
    no template (NULL, as a confirmed order): its `form_digest` keys it.

    >>> form_key("ab" * 32)
    'form-abababababababababababab'
    """
    return FORM_PREFIX + digest[:24]


@per_master
def _lookups(master: MasterData) -> tuple[dict[str, Customer], dict[str, Customer], dict[str, Item], frozenset[str],
                                         frozenset[tuple[str, str]]]:
    """Customers by code and by name, items by code, the VAT-included price lists, and the
    (destination, customer) pairs: built once for a run's thousand forms."""
    return ({c.code: c for c in master.customers}, {normalize(c.name): c for c in master.customers},
            {i.code: i for i in master.items}, frozenset(p.code for p in master.price_lists if p.vat_included),
            frozenset((s.code, s.customer) for s in master.ship_to))


def _fraction_of_whole(line: FormLine, item: Item) -> list[Problem]:
    """The warning of a line whose quantity has decimals of an item counted whole, at its cell."""
    if line.quantity == line.quantity.to_integral_value() or not counted_whole(item.unit):
        return []
    return [FRACTION_OF_WHOLE_UNIT(line.quantity_at or line.location, quantity=line.quantity, item=item.code,
                                   unit=item.unit)]


def _unpriced_lines(form: Form, items: Mapping[str, Item]) -> list[Problem]:
    """What a form's lines say without its customer, whom the master does not have: the items it
    does not have either, and the quantities with decimals of items counted whole, reported with
    the customer's error so the desk corrects the form once."""
    problems: list[Problem] = []
    for line in form.lines:
        item = items.get(line.item)
        problems.extend([FORM_UNKNOWN_ITEM(line.location, item=line.item)] if item is None
                        else _fraction_of_whole(line, item))
    return problems


def price_form(master: MasterData, form: Form, book: PriceBook | None = None) -> tuple[OrderDraft | None, list[Problem]]:
    """The order draft of a form with its warnings (a quantity with decimals of an item counted
    whole, at its cell), or the problems (at the form's cells, or at the price rule to correct)
    that keep it from one, every one of them with those warnings: a form refused for an unknown
    customer or item told of its other mistakes only once that one was corrected.

    A line is priced by `toolkit.core.drafts.price_line`, as a template's line is, first match
    wins (docs/pricing.md): a price written on the form is the line's own price, as a template
    line's own price is; else the most specific price rule for the customer, item, date and
    quantity; else the customer's list, standard price, in the version valid on the form's date.
    The list's limit price holds whatever set the price. One difference stays, as before rules:
    a line with a price of its own needs no price in the list (nothing then to limit it).
    """
    assert form.day is not None and form.customer is not None
    customers, by_name, items, gross, destinations = _lookups(master)
    customer = customers.get(form.customer) or by_name.get(normalize(form.customer))
    if customer is None:
        return None, [FORM_UNKNOWN_CUSTOMER(form.where.get("customer"), customer=form.customer),
                      *_unpriced_lines(form, items)]
    book = book or price_book(master)
    version = book.version_on(customer.price_list, form.day)
    rules = rule_index(master) if master.price_rules else None
    candidates = rules.for_customer(customer.code, customer.group) if rules else ()
    problems: list[Problem] = []
    warned: list[Problem] = []
    lines: list[DraftLine] = []
    gives_back = customer.invoice_terms is InvoiceTerms.IMMEDIATE
    for n, line in enumerate(form.lines, start=1):
        item = items.get(line.item)
        if item is None:
            problems.append(FORM_UNKNOWN_ITEM(line.location, item=line.item))
            continue
        warned.extend(_fraction_of_whole(line, item))
        if line.quantity < 0 and not gives_back:
            problems.append(FORM_NEGATIVE_QUANTITY(line.quantity_at or line.location, quantity=line.quantity,
                                                   item=item.code, customer=customer.code))
            continue
        price = book.prices.get((customer.price_list, version.version, item.code)) if version else None
        if price is None and line.price is None:
            problems.append(FORM_NO_PRICE(line.location, item=item.code, price_list=customer.price_list, day=form.day))
            continue
        if price is None:
            assert line.price is not None
            priced: LinePrice = (net_unit_price(line.price), None, None)
        else:
            priced = price_line(price, PriceType.STANDARD, line.price, candidates, item, form.day, line.quantity, book)
        unit, rule, refused = priced
        if refused == "rule-no-base-price":
            assert rule is not None
            problems.append(FORM_RULE_NO_BASE_PRICE(master.locate(rule.source, "base_list"), rule=rule.code,
                                                    price_list=rule.base_list or customer.price_list,
                                                    item=item.code, day=form.day))
            continue
        if refused is not None:
            assert price is not None
            if rule is not None:
                problems.append(FORM_RULE_BELOW_LIMIT(master.locate(rule.source, "code"), rule=rule.code,
                                                      item=item.code, price=unit, limit=price.limit_price))
            else:
                problems.append(FORM_BELOW_LIMIT(line.price_at or line.location, item=item.code, price=unit,
                                                 limit=price.limit_price))
            continue
        assert unit is not None
        rate = item.vat_rate_on(form.day) or Decimal(0)
        unit, amount = line_money(line.quantity, unit, rate, customer.price_list in gross)
        rate, nature = line_vat(item, customer, form.day)
        lines.append(DraftLine(item.code, item.description, item.unit, line.quantity, unit, amount, rate,
                               nature, n, line.note,
                               rule.code if rule is not None else None))
    if problems:
        return None, [*problems, *warned]
    ship_to = form.ship_to if (form.ship_to, customer.code) in destinations else None
    return OrderDraft(
        template=form_key(form.digest), occurrence=form.day, customer=customer.code, ship_to=ship_to, contact=None,
        document_type=DocumentType.STANDARD, price_list=customer.price_list,
        price_version=version.version if version else "—", price_type=PriceType.STANDARD, project=None,
        delivery_option=None, lines=tuple(lines), customer_reference=form.reference or None,
    ), warned
