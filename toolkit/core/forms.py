"""A customer's order form, priced into an order draft: the pure part of importing forms.

A form names a customer, a date and lines of item and quantity (a price where the customer
wrote one). It is priced as a template's order is: the customer's price list in the version
valid on the form's date, its standard price, VAT from the item. Its key in the ledger is the
form's content (`form_key`), so the same form imported twice, or a renamed copy of it, makes
one order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from toolkit.basics.cells import Location
from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import DocumentType, PriceType, normalize
from toolkit.core.drafts import DraftLine, OrderDraft, net_of_vat, net_unit_price
from toolkit.core.lines import line_amount
from toolkit.core.pricing import below_limit, price_book, unit_price
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

FORM_PREFIX = "form-"


@dataclass(frozen=True, slots=True)
class FormLine:
    item: str
    quantity: Decimal
    price: Decimal | None
    note: str | None
    location: Location


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


def form_key(digest: str) -> str:
    """The key an imported form's order takes in place of a template code: unique to its content.

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


def price_form(master: MasterData, form: Form) -> tuple[OrderDraft | None, list[Problem]]:
    """The order draft of a form, or the problems (at the form's cells) that keep it from one."""
    assert form.day is not None and form.customer is not None
    customers, by_name, items, gross, destinations = _lookups(master)
    customer = customers.get(form.customer) or by_name.get(normalize(form.customer))
    if customer is None:
        return None, [FORM_UNKNOWN_CUSTOMER(form.where.get("customer"), customer=form.customer)]
    book = price_book(master)
    version = book.version_on(customer.price_list, form.day)
    problems: list[Problem] = []
    lines: list[DraftLine] = []
    for n, line in enumerate(form.lines, start=1):
        item = items.get(line.item)
        if item is None:
            problems.append(FORM_UNKNOWN_ITEM(line.location, item=line.item))
            continue
        price = book.prices.get((customer.price_list, version.version, item.code)) if version else None
        if price is None and line.price is None:
            problems.append(FORM_NO_PRICE(line.location, item=item.code, price_list=customer.price_list, day=form.day))
            continue
        if price is None:
            assert line.price is not None
            unit = net_unit_price(line.price)
        else:
            unit = net_unit_price(unit_price(price, PriceType.STANDARD, line.price))
        if price is not None and below_limit(price, unit):
            problems.append(FORM_BELOW_LIMIT(line.location, item=item.code, price=unit, limit=price.limit_price))
            continue
        rate = item.vat_rate or Decimal(0)
        if customer.price_list in gross:
            unit, amount = net_of_vat(line.quantity, unit, rate)
        else:
            amount = line_amount(line.quantity, unit)
        lines.append(DraftLine(item.code, item.description, item.unit, line.quantity, unit, amount, rate,
                               item.vat_nature.upper() if item.vat_nature else None, n, line.note))
    if problems:
        return None, problems
    ship_to = form.ship_to if (form.ship_to, customer.code) in destinations else None
    return OrderDraft(
        template=form_key(form.digest), occurrence=form.day, customer=customer.code, ship_to=ship_to, contact=None,
        document_type=DocumentType.STANDARD, price_list=customer.price_list,
        price_version=version.version if version else "—", price_type=PriceType.STANDARD, project=None,
        delivery_option=None, lines=tuple(lines), customer_reference=(form.reference or None) and form.reference[:60],
    ), []
