"""The data check's rules that pick the records worth a look with passes over columns report
what looking at every record reported (issue 20: load and validate at L within 1.5 × calamine):
the templates `templates` looks at (`_templates_to_look_at`) and the items `items` looks at
(`_items_to_look_at`), the lists a price rule's lines are priced by (`_lists_pricing`), the
prices below a rounding step's reach (`price_rules._below`), the codes folded in C."""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

import minimal
import pytest

from toolkit.intake.validation import check
from toolkit.intake.validation import rules as rules_module

SCHEDULES = ("Giornaliero", "Settimanale", "Ogni N settimane", "Mensile giorno", "Ultimo del mese",
             "Ennesimo giorno della settimana", "RRULE")
VALUES = (None, "", " ", "lun", "lun,gio", "mar,sab", 0, 1, 2, 4, 5, -1, -2, 31, 32, 1.0, "2", "FREQ=DAILY",
          "FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=SOMETIMES", "abc")
REFERENCES = (None, "", "ODA 2026/118", "x" * 21, "€ 1234567890123456", "Caffè", "n° 12", "契約 7", 118)


def _templates(rng: random.Random) -> dict:
    """The minimal workbook with many templates of every schedule kind, their schedule cells
    drawn from valid and invalid values, references of every kind, some without lines."""
    sheets = minimal.sheets()
    header = sheets["Modelli ordine"][0] + ["Rif. ordine cliente"]
    rows = [header]
    lines = [sheets["Righe modello"][0]]
    for n in range(rng.randint(1, 60)):
        code = f"T{n:03d}"
        rows.append([code, rng.choice(("C001", "C002")), None, None, rng.choice(SCHEDULES),
                     *(rng.choice(VALUES) for _ in range(5)), "01/03/2026", None, None, rng.choice(REFERENCES)])
        if rng.random() < 0.8:
            lines.append([code, "A001", rng.choice((1, 2, 12)), None, None])
    sheets["Modelli ordine"], sheets["Righe modello"] = rows, lines
    return sheets


@pytest.mark.parametrize("seed", range(40))
def test_the_templates_looked_at_are_all_those_with_a_problem(seed, monkeypatch):
    raw = minimal.workbook(_templates(random.Random(seed)))
    assert_same_as_looking_at_every(raw, monkeypatch, "_templates_to_look_at", lambda templates, with_lines: templates)


def assert_same_as_looking_at_every(raw, monkeypatch, selection: str, every) -> None:
    """The workbook's problems, texts and cells, are the same when the rule's `selection` of the
    records to look at is replaced by `every` record."""
    now = check(raw).problems
    monkeypatch.setattr(rules_module, selection, every)
    looked_at_all = check(raw).problems
    assert [(p.code, p.location, p.message("en")) for p in now] == \
        [(p.code, p.location, p.message("en")) for p in looked_at_all]
    assert now == looked_at_all


def _lists_pricing_one_by_one(master):
    """`_lists_pricing` as it went over each customer and template record."""
    lists_of = defaultdict(set)
    customers = {c.code: c for c in master.customers}
    for c in master.customers:
        lists_of[c.code].add(c.price_list)
        lists_of["group:" + c.group if c.group else None].add(c.price_list)
    for t in master.templates:
        owner = customers.get(t.customer)
        if t.price_list and owner is not None:
            lists_of[owner.code].add(t.price_list)
            if owner.group:
                lists_of["group:" + owner.group].add(t.price_list)
    return lists_of


@pytest.mark.parametrize("seed", range(30))
def test_the_lists_pricing_a_rule_are_those_each_record_names(seed):
    from toolkit.intake.validation.pricing_rules import _lists_pricing

    rng = random.Random(seed)
    codes = [f"C{n:03d}" for n in range(rng.randint(0, 12))]
    customers = tuple(SimpleNamespace(code=rng.choice(codes), price_list=rng.choice(("BASE", "INGR", "PROMO")),
                                      group=rng.choice((None, "", "bar", "hotel"))) for _ in codes)
    templates = tuple(SimpleNamespace(customer=rng.choice([*codes, "C999"]) if codes else "C999",
                                      price_list=rng.choice((None, "", "BASE", "SPECIAL", "PROMO")))
                      for _ in range(rng.randint(0, 30)))
    master = SimpleNamespace(customers=customers, templates=templates)
    book = SimpleNamespace(versions={"BASE": [], "INGR": [], "SPECIAL": []})
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr("toolkit.intake.validation.pricing_rules.price_book", lambda master: book)
    try:
        lists = _lists_pricing.__wrapped__(master)
    finally:
        monkeypatch.undo()
    expected = _lists_pricing_one_by_one(master)
    rules = [SimpleNamespace(customer=c, group=None) for c in [*codes, "C999"]]
    rules += [SimpleNamespace(customer=None, group=g) for g in ("bar", "hotel", "spa")]
    rules.append(SimpleNamespace(customer=None, group=None))
    for rule in rules:
        if rule.customer:
            wanted = expected.get(rule.customer, set())
        else:
            wanted = expected.get("group:" + rule.group, set()) if rule.group else set(book.versions)
        assert lists(rule) == wanted, rule


@pytest.mark.parametrize("seed", range(30))
def test_the_prices_below_a_step_are_those_each_price_is_below(seed):
    from toolkit.core.price_rules import _below

    rng = random.Random(seed)
    amounts = (None, Decimal(0), Decimal("-0.01"), Decimal("0.01"), Decimal("0.049"), Decimal("0.05"),
               Decimal("0.050"), Decimal("0.0500001"), Decimal("1.5"), Decimal("1E-7"))
    prices = {("BASE", rng.choice(("2026A", "2026B")), f"A{n:03d}"):
              SimpleNamespace(list_price=rng.choice(amounts[1:]), standard_price=rng.choice(amounts))
              for n in range(rng.randint(0, 40))}
    below = rng.choice((Decimal("0.05"), Decimal("0.01"), Decimal("0.0568181818")))
    for field in ("list_price", "standard_price"):
        expected = [(getattr(p, field), key) for key, p in prices.items()
                    if getattr(p, field) is not None and 0 < getattr(p, field) < below]
        assert list(_below(prices, field, below)) == expected  # type: ignore[arg-type]


DESCRIPTIONS = ("Caffè in grani 1 kg", "Latte fresco", "Tè verde ½ kg", "Caff\u0301e", "L\x92acqua \x93Fonte\x94",
                "Tazza ☕", "Ouzo Ω", "\x83 forma", "Brezel ß", "  ", "Olio – extra", "Σ set", "µ-filtro", "Œuf")
UNITS = ("pz", "kg", "m²", "°C", "µg", "confezione da dodici", "l", "pz ", "ft³", "cartone grande")
RATES = (None, 0, 4, 5, 10, 22, 7, 22.0, 0.0)
NATURES = (None, "", "N4", "n4", "N2.2", "N9", "N3.5", "x", "N1", "N3.2", " n2.2 ")


@pytest.mark.parametrize("seed", range(40))
def test_the_items_looked_at_are_all_those_with_a_problem(seed, monkeypatch):
    rng = random.Random(seed)
    sheets = minimal.sheets()
    items = sheets["Articoli"]
    for n in range(rng.randint(1, 50)):
        items.append([f"B{n:03d}", rng.choice(DESCRIPTIONS), rng.choice(UNITS), rng.choice(RATES),
                      rng.choice(NATURES)])
    if rng.random() < 0.3:
        minimal.set_cell(sheets, "Impostazioni", "A9", "Regime fiscale")
        minimal.set_cell(sheets, "Impostazioni", "B9", rng.choice(("RF19", "RF02", "RF01")))
    assert_same_as_looking_at_every(minimal.workbook(sheets), monkeypatch, "_items_to_look_at",
                                    lambda items, no_vat: items)


def test_latin1_text_folds_to_latin1_unless_it_has_a_c1_control():
    """`_may_leave_latin1` says No only where folding finds no character beyond Latin-1: every
    pair of Latin-1 characters, and random texts with combining marks and typography."""
    from toolkit.intake.validation.rules import _may_leave_latin1, _not_in_einvoice

    latin1 = [chr(c) for c in range(256)]
    for a in latin1:
        for b in latin1:
            text = "x" + a + b
            assert _may_leave_latin1(text) or not _not_in_einvoice(text, False), repr(text)
    rng = random.Random(7)
    pool = [*latin1, "\u0301", "\u0300", "\u2019", "\u20ac", "\u2615", "\u2044", "\u00bd", "\u0152"]
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 8)))
        assert _may_leave_latin1(text) or not _not_in_einvoice(text, False), repr(text)


def test_codes_are_folded_as_folded_folds_each():
    from toolkit.basics.codes import folded
    from toolkit.intake.validation.rules import _folded_codes

    codes = [" t004 ", "T004", "Straße", "ǅx", "ﬁ", "İ", "\u00a0A\u2003"]
    assert _folded_codes(codes) == [folded(c) for c in codes]
    assert _folded_codes([*codes, 4]) == [folded(str(c)) for c in [*codes, 4]]
