"""From due orders to priced order drafts: the pure core of "create the orders for a date".

No IO here: the drafts and problems go to the ledger service, which stores them or refuses.
Prices come from the version of the price list valid on the order's date, not on the
template's start: a template written in January is priced with July's prices in July.

Which price a line gets, first match wins (docs/pricing.md): the template line's own price;
else the most specific price rule matching the customer, item, date and quantity
(`toolkit.core.price_rules`); else the list's price. Whatever sets it, the list's limit price
holds: a price below it is a problem naming the line's price or the rule, never a sale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from toolkit.basics.bulk_records import maker
from toolkit.basics.money import cents
from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import DocumentType, PaymentMethod, PriceType
from toolkit.core.lines import UNIT_PRICE_PLACES, DocumentLine, line_amount
from toolkit.core.plan import Due
from toolkit.core.price_rules import Candidates, find, rule_index, rule_price
from toolkit.core.pricing import PriceBook, below_limit, price_book, template_price_list, unit_price
from toolkit.core.vat import line_vat
from toolkit.model.memo import per_master
from toolkit.model.records import Customer, Item, MasterData, Price, PriceRule, Template, TemplateLine

NO_PRICE_ON_DATE = define(
    "no-price-on-date", "error",
    it="Il modello {template} del {day}: l'articolo {item} non ha prezzo nel listino {price_list} valido quel giorno "
       "({version}): aggiungi il prezzo, oppure escludi il modello (--exclude {template}).",
    en="Template {template} on {day}: item {item} has no price in price list {price_list} valid that day "
       "({version}): add the price, or leave the template out (--exclude {template}).")
NO_VERSION_ON_DATE = define(
    "order-without-price-version", "error",
    it="Il modello {template} del {day}: il listino {price_list} non ha una versione valida quel giorno: aggiungi "
       "nel foglio Versioni listino una versione che copra il {day} (con i suoi prezzi), oppure escludi il modello "
       "(--exclude {template}).",
    en="Template {template} on {day}: price list {price_list} has no version valid that day: add on the Price list "
       "versions sheet a version covering {day} (with its prices), or leave the template out (--exclude {template}).")
BELOW_LIMIT_ON_DATE = define(
    "price-below-limit-on-date", "error",
    it="Il modello {template} del {day}: il prezzo {price} dell'articolo {item} è sotto il prezzo limite {limit} "
       "del listino valido quel giorno: correggi il prezzo della riga o il listino.",
    en="Template {template} on {day}: price {price} of item {item} is below the limit price {limit} of the price "
       "list valid that day: correct the line's price or the price list.")

RULE_BELOW_LIMIT = define(
    "price-rule-below-limit-on-date", "error",
    it="Il modello {template} del {day}: la regola prezzo {rule} dà all'articolo {item} il prezzo {price}, sotto il "
       "prezzo limite {limit} del listino valido quel giorno: correggi la regola o il listino.",
    en="Template {template} on {day}: price rule {rule} gives item {item} the price {price}, below the limit price "
       "{limit} of the price list valid that day: correct the rule or the price list.")
RULE_WITHOUT_BASE_PRICE = define(
    "price-rule-no-base-price", "error",
    it="Il modello {template} del {day}: la regola prezzo {rule} parte dal listino {price_list}, che quel giorno non "
       "ha prezzo per l'articolo {item}: aggiungi il prezzo o correggi il listino base della regola.",
    en="Template {template} on {day}: price rule {rule} starts from price list {price_list}, which has no price for "
       "item {item} that day: add the price or correct the rule's base list.")

NET_ROUNDED = define(
    "vat-included-net-rounded", "warning",
    title=("Riga IVA inclusa con netto arrotondato", "VAT-included line with a rounded net"),
    it="Il modello {template} del {day}: {quantity} × {price} IVA inclusa dell'articolo {item} fanno {gross} lordi, "
       "cioè {net} netti, ma per {quantity} unità nessun prezzo unitario a sei decimali dà {net}: la riga vale "
       "{amount} netti, e la fattura qualche centesimo in più o in meno del lordo del listino. Per l'importo esatto "
       "metti al massimo 10.000 unità per riga (es. un'unità di misura più grande) o usa un listino senza IVA inclusa.",
    en="Template {template} on {day}: {quantity} × {price} VAT included of item {item} make {gross} gross, that is "
       "{net} net, but for {quantity} units no six-decimal unit price gives {net}: the line is {amount} net, and the "
       "invoice a few cents above or below the list's gross. For the exact amount put 10,000 units a line at most "
       "(e.g. a larger unit of measure) or use a price list without VAT included.")


@dataclass(frozen=True, slots=True)
class DraftLine(DocumentLine):
    """An order line priced on the order's date, not stored yet."""

    line_no: int
    note: str | None
    price_rule: str | None = None
    """The code of the price rule that set the unit price (None: the list, or the line's own price)."""


_draft_line = maker(DraftLine)
"""`DraftLine(...)` through its slots (`toolkit.basics.bulk_records`): a date at L prices 53,000 lines."""


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """An order ready to be stored: its key is (template, occurrence)."""

    template: str
    occurrence: date
    customer: str
    ship_to: str | None
    contact: str | None
    document_type: DocumentType
    price_list: str
    price_version: str
    price_type: PriceType
    project: str | None
    delivery_option: str | None
    lines: tuple[DraftLine, ...]
    customer_reference: str | None = None
    """The customer's own purchase-order number (the template's)."""
    payment_method: PaymentMethod | None = None
    """The template's payment method; None: the customer's."""

    @property
    def key(self) -> tuple[str, date]:
        return self.template, self.occurrence

    @property
    def quantity(self) -> Decimal:
        return sum((line.quantity for line in self.lines), Decimal(0))

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def net_unit_price(price: Decimal) -> Decimal:
    """Unit prices are kept to six decimals, half-up: the one rounding before the line amount."""
    net: Decimal = price.quantize(UNIT_PRICE_PLACES, rounding=ROUND_HALF_UP).normalize()
    return net


def net_of_gross(quantity: Decimal, gross_unit: Decimal, rate: Decimal) -> Decimal:
    """The net amount a line of a VAT-included list should have: quantity × gross price, then ÷
    (1 + rate), each half-up to cents.

    >>> net_of_gross(Decimal(30000), Decimal("0.01"), Decimal(22))
    Decimal('245.90')
    """
    return cents(cents(quantity * gross_unit) * 100 / (100 + rate))


def net_of_vat(quantity: Decimal, gross_unit: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    """A line of a VAT-included list (IVA inclusa) as documents show it: (net unit price, net amount).

    Invoices show net amounts (art. 21 DPR 633/72) and SDI checks that a line's amount is
    quantity × unit price, so the gross price is split per line, each step half-up to cents:
    the gross amount is quantity × gross price; the net amount is gross amount / (1 + rate);
    the net unit price is net amount / quantity to six decimals (`net_unit_price`). The line's
    amount is then `line_amount` of that unit price, as for any other line: it is the net
    amount itself up to 10,000 units (six decimals err by half a millionth per unit at most);
    beyond, no six-decimal price may give it back (30,000 × 0.01 at 22 %: 245.90 net, but
    0.008197 gives 245.91 and 0.008196 gives 245.88), and the line keeps the nearest, which
    `draft_orders` warns of (`NET_ROUNDED`): a unit price of more places is what the ledger
    does not keep, and SDI checks the amount against quantity × price (00423).
    The invoice taxes each rate's summed nets (`toolkit.core.vat`), so its total is the
    list's gross total give or take a cent per line in the worst case; issue 14's example,
    7 × 1.00 at 22 % and 3 × 2.99 at 10 %, is 5.74 + 1.26 + 8.15 + 0.82 = 15.97 exactly.

    >>> net_of_vat(Decimal(7), Decimal("1.00"), Decimal(22)), net_of_vat(Decimal(3), Decimal("2.99"), Decimal(10))
    ((Decimal('0.82'), Decimal('5.74')), (Decimal('2.716667'), Decimal('8.15')))
    """
    if not quantity:
        return net_unit_price(gross_unit * 100 / (100 + rate)), Decimal("0.00")
    net = net_of_gross(quantity, gross_unit, rate)
    unit = net_unit_price(net / quantity)
    return unit, line_amount(quantity, unit)


EXACT_UP_TO = 10_000
"""Up to this many units a six-decimal net unit price always gives a VAT-included line's net back."""


LinePrice = tuple[Decimal | None, PriceRule | None, str | None]
"""What a line's price came to: (net unit price, the rule that set it, why it cannot be sold
at it: "rule-no-base-price", "rule-below-limit", "below-limit" or None). The caller names the
cell to correct, a template's or a form's. A plain tuple: one is made for every line of a day."""


def price_line(price: Price, price_type: PriceType, own: Decimal | None, candidates: Candidates, item: Item,
               day: date, quantity: Decimal, book: PriceBook) -> LinePrice:
    """A line's net unit price, first match wins (docs/pricing.md): the line's own price (`own`);
    else the most specific price rule for the customer (`candidates`), item, date and quantity;
    else the list's `price` of the version valid on `day`. The list's limit price holds
    whatever set it. Template lines and order forms are priced by this one function."""
    unit = unit_price(price, price_type, own)
    found = find(candidates, item.code, item.category, day, quantity) if candidates and own is None else None
    rule = found.rule if found is not None else None
    if found is not None:
        ruled = rule_price(found, unit, book, price, day, item.vat_rate_on(day) or Decimal(0))
        if ruled is None:
            return None, rule, "rule-no-base-price"
        unit = ruled
    unit = net_unit_price(unit)
    if below_limit(price, unit):
        return unit, rule, "below-limit" if rule is None else "rule-below-limit"
    return unit, rule, None


def line_money(quantity: Decimal, unit: Decimal, rate: Decimal, vat_included: bool) -> tuple[Decimal, Decimal]:
    """(unit price, amount) as documents show them: net of VAT when the list includes it."""
    return net_of_vat(quantity, unit, rate) if vat_included else (unit, line_amount(quantity, unit))


def draft_orders(master: MasterData, dues: list[Due], book: PriceBook | None = None) -> tuple[list[OrderDraft], list[Problem]]:
    book = book or price_book(master)
    templates, customers, items = _lookups(master)
    gross = _vat_included(master)
    rules = rule_index(master) if master.price_rules else None
    drafts: list[OrderDraft] = []
    problems: list[Problem] = []
    for due in dues:
        template = templates[due.template]
        price_list = template_price_list(template, customers[template.customer].price_list)
        version = book.version_on(price_list, due.day)
        if version is None:
            at = master.locate(template.source, "price_list" if template.price_list else "code")
            problems.append(NO_VERSION_ON_DATE(at, template=due.template, day=due.day, price_list=price_list))
            continue
        lines: list[DraftLine] = []
        trouble: list[Problem] = []
        warnings: list[Problem] = []
        sign = Decimal(-1) if template.document_type is DocumentType.RETURN else Decimal(1)
        customer = customers[template.customer]
        candidates = rules.for_customer(customer.code, customer.group) if rules else ()
        for n, due_line in enumerate(due.lines, start=1):
            price = book.prices.get((price_list, version.version, due_line.item))
            if price is None:
                source = _line_sources(master).get((due.template, due_line.item))
                where = master.locate(source.source, "item") if source else master.locate(template.source, "code")
                trouble.append(NO_PRICE_ON_DATE(where, template=due.template, day=due.day, item=due_line.item,
                                                price_list=price_list, version=version.version))
                continue
            item = items[due_line.item]
            unit, rule, refused = price_line(price, template.price_type, due_line.price, candidates, item, due.day,
                                             due_line.quantity, book)
            if refused == "rule-no-base-price":
                assert rule is not None
                trouble.append(RULE_WITHOUT_BASE_PRICE(
                    master.locate(rule.source, "base_list"), template=due.template, day=due.day, rule=rule.code,
                    price_list=rule.base_list or price_list, item=item.code))
                continue
            if refused == "rule-below-limit":
                assert rule is not None
                trouble.append(RULE_BELOW_LIMIT(
                    master.locate(rule.source, "code"), template=due.template, day=due.day, rule=rule.code,
                    item=item.code, price=unit, limit=price.limit_price))
                continue
            if refused == "below-limit":
                source = _line_sources(master).get((due.template, due_line.item))
                if due_line.price is None:
                    at = master.locate(price.source, _below_limit_cause(price))
                else:
                    at = master.locate(source.source, "price") if source else master.locate(template.source, "code")
                trouble.append(BELOW_LIMIT_ON_DATE(at, template=due.template, day=due.day, item=due_line.item,
                                                   price=unit, limit=price.limit_price))
                continue
            assert unit is not None
            quantity = sign * abs(due_line.quantity)
            gross_unit, rate = unit, item.vat_rate_on(due.day) or Decimal(0)
            unit, amount = line_money(quantity, unit, rate, price_list in gross)
            if price_list in gross and abs(quantity) > EXACT_UP_TO and amount != net_of_gross(quantity, gross_unit, rate):
                source = _line_sources(master).get((due.template, due_line.item))
                at = master.locate(source.source, "quantity") if source else master.locate(template.source, "code")
                warnings.append(NET_ROUNDED(at, template=due.template, day=due.day, item=item.code, quantity=quantity,
                                            price=gross_unit, gross=cents(quantity * gross_unit),
                                            net=net_of_gross(quantity, gross_unit, rate), amount=amount))
            rate, nature = line_vat(item, customer, due.day)
            lines.append(_draft_line(item.code, item.description, item.unit, quantity, unit, amount,
                                     rate, nature, n, due_line.note,
                                     rule.code if rule is not None else None))
        problems += trouble
        if not trouble:
            problems += warnings
        if not trouble and lines:
            drafts.append(_draft(template, due, price_list, version.version, tuple(lines)))
    return drafts, problems


@per_master
def _lookups(master: MasterData) -> tuple[dict[str, Template], dict[str, Customer], dict[str, Item]]:
    """Templates, customers and items by code."""
    return ({t.code: t for t in master.templates}, {c.code: c for c in master.customers},
            {i.code: i for i in master.items})


def _below_limit_cause(price: Price) -> str:
    """The cell of a list's price that takes a line priced by the list below its limit: the
    version's discount, else the limit; a derived price's, its version's markup (the template
    line's own *Prezzo*, empty, is not where to look)."""
    if price.source.sheet != "prices":
        return "markup"
    return "discount" if price.discount else "limit_price"


@per_master
def _line_sources(master: MasterData) -> dict[tuple[str, str], TemplateLine]:
    """Template lines by (template, item): where a pricing problem points, built only when one
    is found (200,000 lines at L, for a day that usually has no problem)."""
    return {(x.template, x.item): x for x in master.template_lines}


@per_master
def _vat_included(master: MasterData) -> frozenset[str]:
    """The price lists whose prices include VAT (IVA inclusa), and the template lines' own prices with them."""
    return frozenset(p.code for p in master.price_lists if p.vat_included)


def _draft(template: Template, due: Due, price_list: str, version: str, lines: tuple[DraftLine, ...]) -> OrderDraft:
    return OrderDraft(
        template=template.code, occurrence=due.day, customer=template.customer, ship_to=template.ship_to,
        contact=template.contact, document_type=template.document_type, price_list=price_list,
        price_version=version, price_type=template.price_type, project=template.project,
        delivery_option=template.delivery_option, lines=lines, customer_reference=template.customer_reference,
        payment_method=template.payment_method,
    )
