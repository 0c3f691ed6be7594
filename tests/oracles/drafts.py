"""Order drafts priced line by line, every lookup built on the spot: the reference that
`toolkit.core.drafts.draft_orders` (memoized lookups, template lines by item only when a
problem needs its cell) and any faster pricing of a date must match, drafts and problems."""

from __future__ import annotations

from decimal import Decimal

from toolkit.basics.money import cents
from toolkit.basics.problems import Problem
from toolkit.basics.vocab import DocumentType
from toolkit.core.drafts import (
    BELOW_LIMIT_ON_DATE,
    NET_ROUNDED,
    NO_PRICE_ON_DATE,
    NO_VERSION_ON_DATE,
    RULE_BELOW_LIMIT,
    RULE_WITHOUT_BASE_PRICE,
    DraftLine,
    OrderDraft,
    _draft,
    net_of_gross,
    net_of_vat,
    net_unit_price,
)
from toolkit.core.lines import line_amount
from toolkit.core.plan import Due
from toolkit.core.price_rules import find, rule_index, rule_price
from toolkit.core.pricing import below_limit, price_book, template_price_list, unit_price
from toolkit.model.records import MasterData


def draft_orders(master: MasterData, dues: list[Due]) -> tuple[list[OrderDraft], list[Problem]]:
    book = price_book(master)
    templates = {t.code: t for t in master.templates}
    customers = {c.code: c for c in master.customers}
    items = {i.code: i for i in master.items}
    line_sources = {(x.template, x.item): x for x in master.template_lines}
    gross = frozenset(p.code for p in master.price_lists if p.vat_included)
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
            source = line_sources.get((due.template, due_line.item))
            price = book.prices.get((price_list, version.version, due_line.item)) if version else None
            if price is None:
                where = master.locate(source.source, "item") if source else master.locate(template.source, "code")
                trouble.append(NO_PRICE_ON_DATE(where, template=due.template, day=due.day, item=due_line.item,
                                                price_list=price_list, version=version.version if version else "—"))
                continue
            item = items[due_line.item]
            unit = unit_price(price, template.price_type, due_line.price)
            found = find(candidates, item.code, item.category, due.day, due_line.quantity) \
                if candidates and due_line.price is None else None
            rule = None
            if found is not None:
                rule = found.rule
                ruled = rule_price(found, unit, book, price, due.day, item.vat_rate_on(due.day) or Decimal(0))
                if ruled is None:
                    trouble.append(RULE_WITHOUT_BASE_PRICE(
                        master.locate(rule.source, "base_list"), template=due.template, day=due.day, rule=rule.code,
                        price_list=rule.base_list or price_list, item=item.code))
                    continue
                unit = ruled
            unit = net_unit_price(unit)
            if below_limit(price, unit):
                if rule is not None:
                    trouble.append(RULE_BELOW_LIMIT(
                        master.locate(rule.source, "code"), template=due.template, day=due.day, rule=rule.code,
                        item=item.code, price=unit, limit=price.limit_price))
                    continue
                if due_line.price is None:
                    field = ("markup" if price.source.sheet != "prices"
                             else "discount" if price.discount else "limit_price")
                    at = master.locate(price.source, field)
                else:
                    at = master.locate(source.source, "price") if source else master.locate(template.source, "code")
                trouble.append(BELOW_LIMIT_ON_DATE(at, template=due.template, day=due.day, item=due_line.item,
                                                   price=unit, limit=price.limit_price))
                continue
            quantity = sign * abs(due_line.quantity)
            rate = item.vat_rate_on(due.day) or Decimal(0)  # the rate of the order's day
            gross_unit = unit
            unit, amount = net_of_vat(quantity, unit, rate) if price_list in gross else (unit, line_amount(quantity, unit))
            if price_list in gross and amount != net_of_gross(quantity, gross_unit, rate):
                at = master.locate(source.source, "quantity") if source else master.locate(template.source, "code")
                warnings.append(NET_ROUNDED(at, template=due.template, day=due.day, item=item.code, quantity=quantity,
                                            price=gross_unit, gross=cents(quantity * gross_unit),
                                            net=net_of_gross(quantity, gross_unit, rate), amount=amount))
            lines.append(DraftLine(item.code, item.description, item.unit, quantity, unit, amount,
                                   rate, item.vat_nature.upper() if item.vat_nature and not rate else None, n, due_line.note,
                                   rule.code if rule is not None else None))
        problems += trouble
        if not trouble:
            problems += warnings
        if not trouble and lines:
            drafts.append(_draft(template, due, price_list, version.version, tuple(lines)))  # type: ignore[union-attr]
    return drafts, problems
