"""The data check of price rules (Regole prezzo) and derived price-list versions.

A rule must say one thing clearly: a customer or a group, an item or a category, the value its
kind needs, a period that ends after it starts; two rules that could price the same line
equally must not exist (a tie names both rows); a rule giving an item a price below its limit
price is found here whenever the rule names the item — a category rule's prices depend on the
items ordered, and are checked as each order line is priced. A derived version must name an
existing base version, and a chain of derivations must not come back to where it started.
A rounding step, of a derived version or a derived-price rule, is a positive amount prices can
keep (six decimals); one that ruins a price the version or rule derives (to 0, or by more than
half) is a warning: it is most likely 5 typed for 0.05.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import compress

from toolkit.basics.codes import folded
from toolkit.basics.problems import Location, Problem, define
from toolkit.basics.vocab import PriceRuleKind, PriceType
from toolkit.core.lines import UNIT_PRICE_PLACES
from toolkit.core.price_rules import NEEDS, CheapestFirst, indexed, ruinable_below, ruined_by_step, rule_price, ties
from toolkit.core.pricing import CENT, CYCLE, PriceBook, derived_prices, price_book, ruined_derived, unit_price
from toolkit.intake.validation.layout import Layout
from toolkit.intake.validation.records import column
from toolkit.model.memo import per_master
from toolkit.model.records import Item, MasterData, PriceRule, PriceVersion, Record

RULE_NAMES_BOTH = define(
    "price-rule-names-both", "error",
    it="La regola {code} indica sia {it_a} sia {it_b}: una regola vale per l'uno o per l'altro, lascia vuota una "
       "delle due celle (o scrivi due regole).",
    en="Rule {code} names both {en_a} and {en_b}: a rule is for one or the other, leave one of the cells empty "
       "(or write two rules).")
RULE_INCOMPLETE = define(
    "price-rule-needs-value", "error",
    it="La regola {code} è di tipo «{kind}» e richiede «{it}»: compila la cella.",
    en="Rule {code} is of kind “{kind}” and needs “{en}”: fill in the cell.")
RULE_TIE = define(
    "price-rule-tie", "error",
    it="Le regole {code} (riga {row}) e {other} (riga {other_row}) valgono per gli stessi clienti e articoli negli "
       "stessi giorni, con la stessa priorità e quantità minima: non si sa quale applicare. Cambia la priorità di "
       "una delle due o fai finire una prima che inizi l'altra.",
    en="Rules {code} (row {row}) and {other} (row {other_row}) apply to the same customers and items on the same "
       "days, with the same priority and minimum quantity: nothing says which applies. Change one's priority or "
       "end one before the other starts.")
RULE_BELOW_LIMIT = define(
    "price-rule-below-limit", "error",
    it="La regola {code} dà all'articolo {item} il prezzo {price}, sotto il prezzo limite {limit} del listino "
       "{price_list} versione {version}: correggi la regola o il limite.",
    en="Rule {code} gives item {item} the price {price}, below the limit price {limit} of price list {price_list} "
       "version {version}: correct the rule or the limit.")
UNKNOWN_GROUP = define(
    "unknown-customer-group", "warning",
    title=("Gruppo clienti senza clienti", "Customer group with no customers"),
    it="Nessun cliente è nel gruppo «{code}»: la regola non si applicherà finché un cliente non avrà questo gruppo "
       "(Clienti › Gruppo).",
    en="No customer is in group “{code}”: the rule will not apply until a customer has this group "
       "(Customers › Group).")
UNKNOWN_CATEGORY = define(
    "unknown-item-category", "warning",
    title=("Categoria articoli senza articoli", "Item category with no items"),
    it="Nessun articolo è nella categoria «{code}»: la regola non si applicherà finché un articolo non avrà questa "
       "categoria (Articoli › Categoria).",
    en="No item is in category “{code}”: the rule will not apply until an item has this category "
       "(Items › Category).")
GROUP_IN_OTHER_CASE = define(
    "customer-group-in-other-case", "error",
    it="«{code}» non è un gruppo del foglio Clienti, che ha «{known}»: maiuscole e minuscole contano e la regola non "
       "si applicherebbe a nessuno, scrivi il gruppo come in Clienti › Gruppo ({known}).",
    en="“{code}” is not a group of the Customers sheet, which has “{known}”: capitals count and the rule would apply "
       "to nobody, write the group as Customers › Group does ({known}).")
CATEGORY_IN_OTHER_CASE = define(
    "item-category-in-other-case", "error",
    it="«{code}» non è una categoria del foglio Articoli, che ha «{known}»: maiuscole e minuscole contano e la regola "
       "non si applicherebbe a nessun articolo, scrivi la categoria come in Articoli › Categoria ({known}).",
    en="“{code}” is not a category of the Items sheet, which has “{known}”: capitals count and the rule would apply "
       "to no item, write the category as Items › Category does ({known}).")
DERIVED_WITHOUT_BASE = define(
    "derived-version-no-base", "error",
    it="La versione {version} del listino {price_list} deriva da «{base_list} {base_version}», che non esiste: "
       "indica in «Listino base» e «Versione base» una versione del foglio Versioni listino.",
    en="Version {version} of price list {price_list} derives from “{base_list} {base_version}”, which does not "
       "exist: give in “Base list” and “Base version” a version of the Price list versions sheet.")
DERIVED_CYCLE = define(
    "derived-version-cycle", "error",
    it="La versione {version} del listino {price_list} deriva, attraverso altre versioni, da sé stessa: una delle "
       "versioni della catena deve avere prezzi propri.",
    en="Version {version} of price list {price_list} derives, through other versions, from itself: one version of "
       "the chain must have prices of its own.")
DERIVED_VAT_DIFFERS = define(
    "derived-version-vat-included-differs", "warning",
    title=("Versione derivata da un listino con IVA diversa", "Version derived from a list stating VAT otherwise"),
    it="La versione {version} del listino {price_list} ({it_mine}) deriva dal listino {base_list} ({it_base}): i "
       "suoi prezzi sono quelli della base più il ricarico, letti {it_read}, senza togliere o aggiungere l'IVA. Se il "
       "ricarico non ne tiene già conto, deriva da un listino con la stessa «IVA inclusa», oppure scrivi i prezzi "
       "della versione nel foglio Prezzi.",
    en="Version {version} of price list {price_list} ({en_mine}) derives from price list {base_list} ({en_base}): "
       "its prices are the base's plus the markup, read {en_read}, with no VAT taken off or added. Unless the markup "
       "allows for it already, derive from a list with the same “VAT included”, or write the version's prices on "
       "the Prices sheet.")
RULE_BASE_VAT_DIFFERS = define(
    "price-rule-base-vat-included-differs", "warning",
    title=("Regola da un listino con IVA diversa", "Rule from a list stating VAT otherwise"),
    it="La regola {code} parte dal listino {base_list} ({it_base}), ma prezza righe del listino {price_list} "
       "({it_mine}): il prezzo base è preso {it_how} all'aliquota dell'articolo, poi il ricarico. Un ricarico che "
       "comprendeva l'IVA (es. +22 %) la conterebbe due volte: toglila dal ricarico.",
    en="Rule {code} starts from price list {base_list} ({en_base}) but prices lines of price list {price_list} "
       "({en_mine}): the base price is taken {en_how} at the item's rate, then marked up. A markup that allowed for "
       "VAT (e.g. +22 %) would count it twice: take it out of the markup.")

STEP_NEGATIVE = define(
    "rounding-step-negative", "error",
    it="Il passo di arrotondamento {step} è negativo: scrivi un passo positivo (0,05 arrotonda ai 5 centesimi) o "
       "lascia la cella vuota per arrotondare al centesimo.",
    en="Rounding step {step} is negative: write a positive step (0.05 rounds to 5 cents) or leave the cell empty "
       "to round to the cent.")
STEP_TOO_FINE = define(
    "rounding-step-too-fine", "error",
    it="Il passo di arrotondamento {step} ha più di 6 decimali, più di quanti ne tengono i prezzi: scrivi un passo "
       "di almeno 0,000001 (0,05 arrotonda ai 5 centesimi) o lascia la cella vuota per arrotondare al centesimo.",
    en="Rounding step {step} has more than 6 decimals, more than prices keep: write a step of at least 0.000001 "
       "(0.05 rounds to 5 cents) or leave the cell empty to round to the cent.")
STEP_RUINS_PRICE = define(
    "rounding-step-ruins-price", "warning",
    title=("Arrotondamento che stravolge il prezzo di un listino", "Rounding step ruining a list price"),
    it="Il passo di arrotondamento {step} della versione {version} del listino {price_list} porta il «{field_it}» "
       "dell'articolo {item} da {exact} a {rounded}: controlla il passo (0,05 arrotonda ai 5 centesimi, vuoto al "
       "centesimo).",
    en="Rounding step {step} of version {version} of price list {price_list} turns the “{field_en}” of item {item} "
       "from {exact} into {rounded}: check the step (0.05 rounds to 5 cents, empty to the cent).")

RULE_STEP_RUINS_PRICE = define(
    "price-rule-rounding-ruins-price", "warning",
    title=("Arrotondamento che stravolge il prezzo di una regola", "Rounding step ruining a rule's price"),
    it="Il passo di arrotondamento {step} della regola {code} porta il prezzo dell'articolo {item}, derivato dal "
       "«{field_it}» del listino {price_list}, da {exact} a {rounded}: controlla il passo (0,05 arrotonda ai 5 "
       "centesimi, vuoto al centesimo).",
    en="Rounding step {step} of rule {code} turns the price of item {item}, derived from the “{field_en}” of price "
       "list {price_list}, from {exact} into {rounded}: check the step (0.05 rounds to 5 cents, empty to the cent).")

_BOTH = (("customer", "group", ("il cliente", "the customer"), ("il gruppo", "the group")),
         ("item", "category", ("l'articolo", "the item"), ("la categoria", "the category")))


def _at(layout: Layout, record: Record, field: str):
    return layout.locate(record.source.sheet, record.source.row, field)  # type: ignore[attr-defined]


def unknown_group(where: Location, code: str, groups: Iterable[str | None]) -> Problem:
    """A group no customer is in: a warning (a rule ready for a group to come), an error naming
    the customers' spelling when case alone tells it from theirs (`bar` for `BAR`), as a code
    referring to another sheet is (`unknown_codes`)."""
    same = sorted({g for g in groups if g and folded(g) == folded(code)})
    return GROUP_IN_OTHER_CASE(where, code=code, known=same[0]) if len(same) == 1 else UNKNOWN_GROUP(where, code=code)


def unknown_category(where: Location, code: str, categories: Iterable[str | None]) -> Problem:
    """A category no item has, as `unknown_group` says a group."""
    same = sorted({c for c in categories if c and folded(c) == folded(code)})
    return (CATEGORY_IN_OTHER_CASE(where, code=code, known=same[0]) if len(same) == 1
            else UNKNOWN_CATEGORY(where, code=code))


def price_rules(master: MasterData, layout: Layout) -> Iterator[Problem]:
    from toolkit.model.sheets import PRICE_RULES

    groups = {c.group for c in master.customers}
    categories = {i.category for i in master.items}
    for rule in master.price_rules:
        for a, b, (it_a, en_a), (it_b, en_b) in _BOTH:
            if getattr(rule, a) and getattr(rule, b):
                yield RULE_NAMES_BOTH(_at(layout, rule, b), code=rule.code, it_a=it_a, it_b=it_b, en_a=en_a, en_b=en_b)
        needed = NEEDS[rule.kind]
        if getattr(rule, needed) is None:
            column = PRICE_RULES.column(needed)
            yield RULE_INCOMPLETE(_at(layout, rule, needed), code=rule.code, kind=rule.kind, it=column.it,
                                  en=column.en)
        if rule.price is not None and rule.price < 0:
            from toolkit.intake.validation.rules import NEGATIVE_AMOUNT

            yield NEGATIVE_AMOUNT(_at(layout, rule, "price"), value=rule.price)
        if rule.valid_from and rule.valid_to and rule.valid_to < rule.valid_from:
            from toolkit.intake.validation.rules import ENDS_BEFORE_START

            yield ENDS_BEFORE_START(_at(layout, rule, "valid_to"), start=rule.valid_from, end=rule.valid_to)
        if rule.group and not rule.customer and rule.group not in groups:
            yield unknown_group(_at(layout, rule, "group"), rule.group, groups)
        if rule.category and not rule.item and rule.category not in categories:
            yield unknown_category(_at(layout, rule, "category"), rule.category, categories)
    yield from _rules_across_vat(master, layout)
    for first, second in ties(master.price_rules):
        yield RULE_TIE(_at(layout, second, "code"), code=second.code, row=second.source.row, other=first.code,
                       other_row=first.source.row)
    yield from _below_limit(master, layout)


def _rules_across_vat(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """A *Da listino* rule whose base list states prices otherwise than a list its lines are
    priced by: its base price is taken over at the item's VAT (`price_rules.rule_price`), which
    a desk that had put the VAT into the markup must know, or it would count it twice."""
    gross = {p.code: p.vat_included for p in master.price_lists}
    derived = [r for r in master.price_rules if r.kind is PriceRuleKind.DERIVED and r.base_list in gross]
    if not derived:
        return
    lists_of = _lists_pricing(master)
    for rule in derived:
        base = bool(gross[rule.base_list or ""])
        other = sorted(x for x in lists_of(rule) if x in gross and gross[x] != base)
        if other:
            mine, theirs = _VAT_WORDS[not base], _VAT_WORDS[base]
            yield RULE_BASE_VAT_DIFFERS(_at(layout, rule, "base_list"), code=rule.code, base_list=rule.base_list,
                                        price_list=", ".join(other), it_base=theirs[0], en_base=theirs[1],
                                        it_mine=mine[0], en_mine=mine[1], it_how=mine[4], en_how=mine[5])


def _below_limit(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """Each rule naming an item, against the limit price of that item in every version, of the
    lists its customers are priced by, valid in the rule's period (a discount on the standard
    price, the lower of the two a template may choose)."""
    named = [r for r in master.price_rules if r.item and getattr(r, NEEDS[r.kind]) is not None]
    if not named:
        return
    book = price_book(master)
    lists_of = _lists_pricing(master)
    items = {i.code: i for i in master.items}
    for rule in named:
        for found in _lowest(rule, lists_of(rule), book, items.get(rule.item or "")):
            yield RULE_BELOW_LIMIT(_at(layout, rule, NEEDS[rule.kind]), code=rule.code, item=rule.item, **found)


@per_master
def _lists_pricing(master: MasterData) -> Callable[[PriceRule], set[str]]:
    """The price lists whose prices a rule's lines have: those of its customer, of the customers
    of its group (their own and their templates'), every list for a rule naming neither. Once
    per master: three checks ask, and each pass goes over every customer and template."""
    lists_of: dict[str | None, set[str]] = defaultdict(set)
    codes, groups = column(master.customers, "code"), column(master.customers, "group")
    for code, price_list in zip(codes, column(master.customers, "price_list")):
        lists_of[code].add(price_list)
    for group, price_list in set(zip(groups, column(master.customers, "price_list"))):
        lists_of["group:" + group if group else None].add(price_list)
    group_of = dict(zip(codes, groups))
    own_lists = column(master.templates, "price_list")
    for customer, price_list in compress(zip(column(master.templates, "customer"), own_lists), own_lists):
        if customer in group_of:
            lists_of[customer].add(price_list)
            if group := group_of[customer]:
                lists_of["group:" + group].add(price_list)
    every = set(price_book(master).versions)

    def lists(rule: PriceRule) -> set[str]:
        if rule.customer:
            return lists_of.get(rule.customer, set())
        return lists_of.get("group:" + rule.group, set()) if rule.group else every

    return lists


def _lowest(rule: PriceRule, lists: set[str], book: PriceBook, item: Item | None) -> Iterator[dict]:
    """The first version of each list in which the rule's price is below the item's limit. A
    derived price from a list stating prices otherwise is taken at the item's VAT (`rule_price`),
    the rate of the order's day: the first day the rule and version share, and the day of a
    change written ahead (*Nuova aliquota IVA* from *Dal*) when it falls among their days, whose
    orders are priced at the new rate."""
    assert rule.item is not None
    for price_list in sorted(lists):
        for version in book.versions.get(price_list, ()):
            if not _overlaps(rule, version.valid_from, version.valid_to):
                continue
            price = book.prices.get((price_list, version.version, rule.item))
            if price is None or price.limit_price is None:
                continue
            first = max(version.valid_from, rule.valid_from or version.valid_from)
            last = min(version.valid_to or date.max, rule.valid_to or date.max)
            days = [first] + ([item.vat_from] if item and item.vat_from and first < item.vat_from <= last else [])
            for day in days:
                rate = (item.vat_rate_on(day) if item else None) or Decimal(0)
                ruled = rule_price(indexed(rule), unit_price(price, PriceType.STANDARD), book, price, day, rate)
                if ruled is not None and ruled < price.limit_price:
                    yield dict(price=ruled.quantize(Decimal("0.000001")).normalize(), limit=price.limit_price,
                               price_list=price_list, version=version.version)
                    break
            else:
                continue
            break


def _overlaps(rule: PriceRule, start: date, end: date | None) -> bool:
    return (rule.valid_from or date.min) <= (end or date.max) and start <= (rule.valid_to or date.max)


_VAT_WORDS = {True: ("IVA inclusa", "VAT included", "netti come lordi", "net as gross", "con l'IVA", "with VAT"),
              False: ("IVA esclusa", "VAT excluded", "lordi come netti", "gross as net", "senza l'IVA",
                      "without VAT")}


def derived_versions(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """A derived version's base must exist and not come back to it, and state its prices as the
    version's list does (`derive` marks prices up as they are: a net 20.00 on a VAT-included
    list would sell at 16.39 net)."""
    if not any(v.derived for v in master.price_versions):
        return
    _, broken = derived_prices(master)
    gross = {p.code: p.vat_included for p in master.price_lists}
    for v in master.price_versions:
        why = broken.get((v.price_list, v.version))
        if why is None:
            if v.derived and v.base_list in gross and gross[v.base_list] != gross.get(v.price_list, False):
                mine, base = _VAT_WORDS[gross.get(v.price_list, False)], _VAT_WORDS[gross[v.base_list]]
                yield DERIVED_VAT_DIFFERS(_at(layout, v, "base_list"), version=v.version, price_list=v.price_list,
                                          base_list=v.base_list, it_mine=mine[0], en_mine=mine[1], it_base=base[0],
                                          en_base=base[1], it_read=mine[2], en_read=mine[3])
            continue
        field = "base_list" if not v.base_list else "base_version"
        if why == CYCLE:
            yield DERIVED_CYCLE(_at(layout, v, field), version=v.version, price_list=v.price_list)
        else:
            yield DERIVED_WITHOUT_BASE(_at(layout, v, field), version=v.version, price_list=v.price_list,
                                       base_list=v.base_list or "—", base_version=v.base_version or "—")


def rounding_steps(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """Every rounding step given, of a price version or a price rule, is one prices can be
    rounded to; a derived version's step that ruins one of its prices is named with the price."""
    stepped: list[PriceVersion | PriceRule] = [*master.price_versions, *master.price_rules]
    for record in stepped:
        if record.rounding is not None:
            yield from _step_problems(layout, record)
    yield from _ruined_prices(master, layout)
    yield from _ruined_by_rules(master, layout)


def _step_problems(layout: Layout, record: PriceVersion | PriceRule) -> Iterator[Problem]:
    """A negative step, or one finer than the millionth a price is kept to (`UNIT_PRICE_PLACES`):
    1e-9 would give prices nine decimals the ledger cannot store."""
    step = record.rounding
    assert step is not None
    if step < 0:
        yield STEP_NEGATIVE(_at(layout, record, "rounding"), step=_plain(step))
    elif step != step.quantize(UNIT_PRICE_PLACES):
        yield STEP_TOO_FINE(_at(layout, record, "rounding"), step=_plain(step))


def _ruined_by_rules(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """`core.price_rules.ruined_by_step` of each derived-price rule: the same warning a price
    version's step gets, at the rule's *Arrotondamento* cell."""
    from toolkit.model.sheets import PRICES

    derived = [r for r in master.price_rules if r.kind is PriceRuleKind.DERIVED]
    if not derived:
        return
    cheapest = CheapestFirst.of(price_book(master), max(map(ruinable_below, derived)))
    lists_of = _lists_pricing(master)
    category = dict(zip(column(master.items, "code"), column(master.items, "category")))
    for rule in derived:
        found = ruined_by_step(rule, lists_of(rule), cheapest, _sold_by(rule, category))
        if found is None:
            continue
        price_list, ruined = found
        heading = PRICES.column(ruined.field)
        yield RULE_STEP_RUINS_PRICE(_at(layout, rule, "rounding"), step=_plain(rule.rounding or CENT), code=rule.code,
                                    item=ruined.item, price_list=price_list, field_it=heading.it, field_en=heading.en,
                                    exact=_plain(ruined.exact.quantize(UNIT_PRICE_PLACES)),
                                    rounded=_plain(ruined.rounded))


def _sold_by(rule: PriceRule, category: dict[str, str | None]) -> Callable[[str], bool]:
    """Whether an item is one a rule prices: the item it names, those of its category, or any."""
    if rule.item:
        return rule.item.__eq__
    if rule.category:
        return lambda item: category.get(item) == rule.category
    return lambda item: True


def _ruined_prices(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """`core.pricing.ruined_prices` of the derived prices, which the check has mostly worked out
    already (`ruined_derived`)."""
    from toolkit.model.sheets import PRICES

    if not any(v.derived for v in master.price_versions):
        return
    ruined = ruined_derived(master)
    for v in master.price_versions:
        found = ruined.get((v.price_list, v.version))
        if found is None:
            continue
        column = PRICES.column(found.field)
        yield STEP_RUINS_PRICE(_at(layout, v, "rounding"), step=_plain(v.rounding or CENT), version=v.version,
                               price_list=v.price_list, field_it=column.it, field_en=column.en, item=found.item,
                               exact=_plain(found.exact.quantize(UNIT_PRICE_PLACES)), rounded=_plain(found.rounded))


def _plain(value: Decimal) -> Decimal:
    """A number as written in a cell, without trailing zeros: the message shows it as the reader
    writes it (`wording.shown`: 0,05 and 1E-9 as 0,000000001 in Italian, 0.05 in English)."""
    return value.normalize()
