"""Data-check rules as they were before the price book was shared and looked up directly:
`template_lines` regrouped every price by version and looked at every line (the later row-by-row
form, one `(list, version, item)` lookup a line, reported the same), `derived_versions` derived
every version's prices a second time; `references` and `prices` looked at every template and
every price one by one; `unique_codes` and `templates` read each value from its record (before
the rules read the columns the records were made from, `records.column`). The faster rules must
report exactly these problems."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from operator import attrgetter

from toolkit.basics.problems import Problem
from toolkit.basics.vocab import DocumentType
from toolkit.core.pricing import CYCLE, below_limit, derive, price_book, template_price_list
from toolkit.intake.validation.layout import Layout
from toolkit.intake.validation.pricing_rules import DERIVED_CYCLE, DERIVED_WITHOUT_BASE
from toolkit.intake.validation.rules import (
    _HINTS,
    _SCHEDULE_NEEDS,
    DUPLICATE_CODE,
    LIMIT_ABOVE_STANDARD,
    NEGATIVE_AMOUNT,
    NO_PRICE,
    NO_PRICE_VERSION,
    PRICE_BELOW_LIMIT,
    QUANTITY_NOT_POSITIVE,
    QUANTITY_ZERO,
    REFERENCE_LIMIT,
    REFERENCE_TOO_LONG,
    SCHEDULE_PARAMETER,
    TEMPLATE_WITHOUT_LINES,
    WRONG_OWNER,
    _at,
    _schedule_value_ok,
    _sheet,
    case_twins,
    unknown_code,
)
from toolkit.intake.validation.unknown_codes import TEMPLATE_CUSTOMER_GONE, UNKNOWN_REFERENCE
from toolkit.model.records import MasterData, Price, PriceVersion, Record, Template


def derived_versions(master: MasterData, layout: Layout) -> Iterator[Problem]:
    if not any(v.derived for v in master.price_versions):
        return
    explicit = {(p.price_list, p.version, p.item): p for p in master.prices}
    _, broken = derive(master.price_versions, explicit)
    for v in master.price_versions:
        why = broken.get((v.price_list, v.version))
        if why is None:
            continue
        field = "base_list" if not v.base_list else "base_version"
        if why == CYCLE:
            yield DERIVED_CYCLE(_at(layout, v, field), version=v.version, price_list=v.price_list)
        else:
            yield DERIVED_WITHOUT_BASE(_at(layout, v, field), version=v.version, price_list=v.price_list,
                                       base_list=v.base_list or "—", base_version=v.base_version or "—")


def template_lines(master: MasterData, layout: Layout) -> Iterator[Problem]:
    book = price_book(master)
    known_lists = {p.code for p in master.price_lists}
    templates_by_code = {t.code: t for t in master.templates}
    customers_by_code = {c.code: c for c in master.customers}
    known_items = {i.code for i in master.items}
    item_prices: dict[tuple[str, str], dict[str, Price]] = defaultdict(dict)
    for (list_code, version_code, item), item_price in book.prices.items():
        item_prices[list_code, version_code][item] = item_price

    @cache
    def priced_by(code: str) -> tuple[Template | None, bool, str | None, PriceVersion | None, dict[str, Price]]:
        """A template, whether it is a return, the price list its lines are checked against (None:
        not checked), that list's version on the template's first day and its prices by item:
        once per template."""
        t = templates_by_code.get(code)
        is_return = t is not None and t.document_type is DocumentType.RETURN
        customer = customers_by_code.get(t.customer) if t else None
        if t is None or customer is None:
            return t, is_return, None, None, {}
        price_list = template_price_list(t, customer.price_list)
        if price_list not in book.versions and price_list not in known_lists:
            return t, is_return, None, None, {}
        version = book.version_on(price_list, t.valid_from)
        return t, is_return, price_list, version, item_prices.get((price_list, version.version), {}) if version else {}

    reported_versions: set[tuple[str, str]] = set()
    for line in master.template_lines:
        t, is_return, price_list, version, prices = priced_by(line.template)
        if line.quantity <= 0:
            if is_return and line.quantity == 0:
                yield QUANTITY_ZERO(_at(layout, line, "quantity"))
            elif not is_return:
                yield QUANTITY_NOT_POSITIVE(_at(layout, line, "quantity"), value=line.quantity)
        if line.price is not None and line.price < 0:
            yield NEGATIVE_AMOUNT(_at(layout, line, "price"), value=line.price)
        if price_list is None or t is None or line.item not in known_items:
            continue
        if version is None:
            if (t.code, price_list) not in reported_versions:
                reported_versions.add((t.code, price_list))
                yield NO_PRICE_VERSION(_at(layout, t, "valid_from"), price_list=price_list, day=t.valid_from)
            continue
        price = prices.get(line.item)
        if price is None:
            yield NO_PRICE(_at(layout, line, "item"), item=line.item, price_list=price_list,
                           version=version.version, day=t.valid_from)
        elif line.price is not None and below_limit(price, line.price):
            yield PRICE_BELOW_LIMIT(_at(layout, line, "price"), price=line.price, limit=price.limit_price, item=line.item)


def references(master: MasterData, layout: Layout) -> Iterator[Problem]:
    unread = layout.unread_codes
    customers = {c.code for c in master.customers} | unread.get("customers", frozenset())
    ship_to = {s.code: s.customer for s in master.ship_to} | dict.fromkeys(unread.get("ship_to", ()))
    contacts = {c.code: c.customer for c in master.contacts} | dict.fromkeys(unread.get("contacts", ()))
    items = {i.code for i in master.items} | unread.get("items", frozenset())
    lists = {p.code for p in master.price_lists} | unread.get("price_lists", frozenset())
    versions = {(v.price_list, v.version) for v in master.price_versions}
    templates = {t.code for t in master.templates} | unread.get("templates", frozenset())

    def unknown_of(record: Record, *checks: tuple[str, set, str]) -> Iterator[Problem]:
        """UNKNOWN_REFERENCE for each (field, known codes, target sheet) of the record, in order."""
        for field, known, target in checks:
            code = getattr(record, field)
            if code is not None and code not in known:
                yield unknown_code(_at(layout, record, field), code, case_twins(known), _sheet(layout, target))

    def unknown(records: Sequence[Record], *checks: tuple[str, set, str]) -> Iterator[Problem]:
        """The same for each record of a sheet; one whose codes are all known, the usual case,
        costs set operations, not a loop."""
        if any(set(map(attrgetter(field), records)) - known - {None} for field, known, _ in checks):
            for record in records:
                yield from unknown_of(record, *checks)

    yield from unknown(master.customers, ("price_list", lists, "price_lists"))
    yield from unknown(master.ship_to, ("customer", customers, "customers"))
    yield from unknown(master.contacts, ("customer", customers, "customers"))
    yield from unknown(master.price_versions, ("price_list", lists, "price_lists"), ("base_list", lists, "price_lists"))
    yield from unknown(master.price_rules, ("customer", customers, "customers"), ("item", items, "items"),
                       ("base_list", lists, "price_lists"))
    if set(map(attrgetter("price_list", "version"), master.prices)) <= versions and \
            set(map(attrgetter("price_list"), master.prices)) <= lists:
        yield from unknown(master.prices, ("item", items, "items"))
    else:
        for p in master.prices:
            yield from unknown_of(p, ("price_list", lists, "price_lists"))
            if p.price_list in lists and (p.price_list, p.version) not in versions and not unread.get("price_versions"):
                yield unknown_code(_at(layout, p, "version"), p.version,
                                   case_twins(v for lst, v in versions if lst == p.price_list),
                                   _sheet(layout, "price_versions"))
            yield from unknown_of(p, ("item", items, "items"))
    for t in master.templates:
        for problem in unknown_of(t, ("customer", customers, "customers")):
            yield problem if problem.code != UNKNOWN_REFERENCE.code else TEMPLATE_CUSTOMER_GONE(
                _at(layout, t, "customer"), code=t.customer, target=_sheet(layout, "customers"), template=t.code,
                lines=_sheet(layout, "template_lines"))
        yield from unknown_of(t, ("price_list", lists, "price_lists"))
        for field, owners, target in (("ship_to", ship_to, "ship_to"), ("contact", contacts, "contacts")):
            code = getattr(t, field)
            if code is None:
                continue
            if code not in owners:
                yield unknown_code(_at(layout, t, field), code, case_twins(owners), _sheet(layout, target))
            elif owners[code] is not None and owners[code] != t.customer and t.customer in customers:
                yield WRONG_OWNER(_at(layout, t, field), code=code, owner=owners[code], customer=t.customer)
    yield from unknown(master.template_lines, ("template", templates, "templates"), ("item", items, "items"))
    yield from unknown(master.exceptions, ("template", templates, "templates"), ("item", items, "items"))
    yield from unknown(master.stock or (), ("item", items, "items"))


def prices(master: MasterData, layout: Layout) -> Iterator[Problem]:
    for p in master.prices:
        for field in ("list_price", "standard_price", "limit_price"):
            value = getattr(p, field)
            if value is not None and value < 0:
                yield NEGATIVE_AMOUNT(_at(layout, p, field), value=value)
        if p.limit_price is not None and p.limit_price > p.standard_price:
            yield LIMIT_ABOVE_STANDARD(_at(layout, p, "limit_price"), limit=p.limit_price, standard=p.standard_price)


def unique_codes(master: MasterData, layout: Layout) -> Iterator[Problem]:
    keyed: Sequence[tuple[Sequence[Record], Callable[[Record], object], str]] = (
        (master.customers, attrgetter("code"), "code"),
        (master.ship_to, attrgetter("code"), "code"),
        (master.contacts, attrgetter("code"), "code"),
        (master.items, attrgetter("code"), "code"),
        (master.price_lists, attrgetter("code"), "code"),
        (master.price_versions, attrgetter("price_list", "version"), "version"),
        (master.prices, attrgetter("price_list", "version", "item"), "item"),
        (master.price_rules, attrgetter("code"), "code"),
        (master.templates, lambda t: t.code.strip().casefold(), "code"),  # as the ledger finds a template's orders
        (master.carriers, attrgetter("code"), "code"),
        (master.stock or (), attrgetter("item"), "item"),
    )
    for records, key, field in keyed:
        keys = list(map(key, records))
        if len(set(keys)) == len(keys):
            continue
        first: dict[object, int] = {}
        for r, k in zip(records, keys):
            if k in first:
                shown = getattr(r, field) if isinstance(k, str) else " / ".join(k)  # type: ignore[arg-type]
                yield DUPLICATE_CODE(_at(layout, r, field), code=shown, first=first[k])
            else:
                first[k] = r.source.row  # type: ignore[attr-defined]


def templates(master: MasterData, layout: Layout) -> Iterator[Problem]:
    from toolkit.model.sheets import TEMPLATES

    with_lines = {line.template for line in master.template_lines}
    for t in master.templates:
        for field in _SCHEDULE_NEEDS.get(t.schedule, ()):
            if not _schedule_value_ok(t, field):
                column = TEMPLATES.column(field)
                hint_it, hint_en = _HINTS[field]
                yield SCHEDULE_PARAMETER(_at(layout, t, field), kind=t.schedule, it=column.it, en=column.en,
                                         hint_it=hint_it, hint_en=hint_en)
        if t.code not in with_lines:
            yield TEMPLATE_WITHOUT_LINES(_at(layout, t, "code"), code=t.code)
        if t.customer_reference and len(t.customer_reference) > REFERENCE_LIMIT:
            yield REFERENCE_TOO_LONG(_at(layout, t, "customer_reference"), value=t.customer_reference,
                                     length=len(t.customer_reference), limit=REFERENCE_LIMIT)
