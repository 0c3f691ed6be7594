"""The orders created for a date against the line-by-line pricing (`tests/oracles/drafts.py`):
the same drafts (lines, prices, rules, amounts) and problems, on the sample and on randomized
master data with randomized price rules (issue 20: pricing a date at L)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from oracles import drafts as oracle

from toolkit.basics.vocab import PriceRuleKind, PriceType
from toolkit.core.drafts import draft_orders
from toolkit.core.plan import due_between
from toolkit.intake.sample import Scale, sample_rows
from toolkit.intake.validation import check_file
from toolkit.model.records import PriceRule, Source
from toolkit.writers.master_workbook import write_master

DAYS = (date(2026, 1, 7), date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 9), date(2026, 6, 15),
        date(2026, 12, 24))


def _rules(rng: random.Random, master) -> tuple[PriceRule, ...]:
    customers = [c for c in master.customers]
    groups = sorted({c.group for c in customers if c.group})
    items = [i for i in master.items]
    categories = sorted({i.category for i in items if i.category})
    lists = [p.code for p in master.price_lists]
    rules = []
    for n in range(rng.randint(5, 40)):
        party = rng.choice(("customer", "group", None))
        goods = rng.choice(("item", "category", None))
        kind = rng.choice(list(PriceRuleKind))
        start = date(2026, 1, 1) + timedelta(days=rng.randrange(300)) if rng.random() < 0.6 else None
        fields = dict(
            customer=rng.choice(customers).code if party == "customer" else None,
            group=rng.choice(groups) if party == "group" and groups else None,
            item=rng.choice(items).code if goods == "item" else None,
            category=rng.choice(categories) if goods == "category" and categories else None,
            kind=kind, priority=rng.randint(0, 3), valid_from=start,
            valid_to=start + timedelta(days=rng.randrange(200)) if start and rng.random() < 0.5 else None,
            min_quantity=Decimal(rng.choice((1, 5, 10, 24, 50))) if rng.random() < 0.3 else None)
        if kind is PriceRuleKind.SPECIAL:
            fields["price"] = Decimal(rng.randint(500, 6000)) / 100
        elif kind is PriceRuleKind.DISCOUNT:
            fields["discount"] = Decimal(rng.randint(1, 25))
        else:
            fields["markup"] = Decimal(rng.randint(-8, 30))
            fields["base_list"] = rng.choice((None, *lists, "NOLIST"))
            fields["base_price"] = rng.choice(list(PriceType))
            fields["rounding"] = rng.choice((None, Decimal("0.05"), Decimal("0.10")))
        rules.append(PriceRule(code=f"RX{n:03d}", source=Source("price_rules", 10 + n), **fields))
    return tuple(rules)


@pytest.fixture(scope="module")
def randomized_masters(tmp_path_factory):
    masters = []
    for seed in (7, 11, 23):
        path = write_master(tmp_path_factory.mktemp(f"seed{seed}") / "anagrafiche.xlsx",
                            sample_rows(Scale.SAMPLE, seed=seed), lang="it")
        checked = check_file(path)
        assert checked.master is not None, [str(p) for p in checked.errors]
        rng = random.Random(seed)
        masters.append(checked.master.model_copy(
            update={"price_rules": checked.master.price_rules + _rules(rng, checked.master)}))
    return masters


def _compare(master, start: date, end: date) -> None:
    dues, _ = due_between(master, start, end)
    ours, theirs = draft_orders(master, dues), oracle.draft_orders(master, dues)
    assert ours == theirs, (start, end)
    assert repr(ours) == repr(theirs), (start, end)


def test_the_sample_every_week_of_2026(sample_master):
    for week in range(53):
        start = date(2026, 1, 1) + timedelta(weeks=week)
        _compare(sample_master, start, start + timedelta(days=6))


def test_randomized_master_data_and_price_rules(randomized_masters):
    for master in randomized_masters:
        for day in DAYS:
            _compare(master, day, day)
        _compare(master, date(2026, 4, 1), date(2026, 4, 30))


def test_a_draft_may_be_priced_again_from_a_subset(randomized_masters):
    master = randomized_masters[0]
    dues, _ = due_between(master, date(2026, 4, 1), date(2026, 4, 30))
    subset = dues[::3]
    assert draft_orders(master, subset) == oracle.draft_orders(master, subset)



def test_vat_included_lists_own_prices_and_limits(randomized_masters):
    """Lines priced without a rule in every form the line cache meets: lists with VAT
    included, a line's own price (some below the list's limit), odd quantities and returns."""
    seen: set[str] = set()
    for seed, master in zip((3, 5, 8), randomized_masters):
        rng = random.Random(seed)
        lists = tuple(replace(p, vat_included=rng.random() < 0.5) for p in master.price_lists)
        lines = tuple(replace(
            x, price=Decimal(rng.randint(1, 9000)).scaleb(-rng.randint(0, 4)) if rng.random() < 0.3 else x.price,
            quantity=Decimal(rng.randint(1, 30000)).scaleb(-rng.randint(0, 3)) if rng.random() < 0.3 else x.quantity)
            for x in master.template_lines)
        changed = master.model_copy(update={"price_lists": lists, "template_lines": lines,
                                            "price_rules": master.price_rules[:rng.randint(0, 3)]})
        _compare(changed, date(2026, 4, 1), date(2026, 4, 30))
        dues, _ = due_between(changed, date(2026, 4, 1), date(2026, 4, 30))
        drafts, problems = draft_orders(changed, dues)
        seen |= {p.code for p in problems}
        gross = {p.code for p in lists if p.vat_included}
        seen |= {"gross" for d in drafts if d.price_list in gross}
    assert {"price-below-limit-on-date", "gross"} <= seen, seen


def test_a_dates_lines_are_made_through_their_slots(sample_master, monkeypatch):
    """`draft_orders` makes each line through its slots (`bulk_records.maker`), not through
    `DraftLine.__init__`, 53,000 lines for a date at L; the lines are the same records."""
    from toolkit.core import drafts

    dues, _ = due_between(sample_master, date(2026, 4, 9), date(2026, 4, 9))
    made, _ = drafts.draft_orders(sample_master, dues)

    def refused(*args, **kwargs):
        raise AssertionError("DraftLine.__init__ called")

    monkeypatch.setattr(drafts.DraftLine, "__init__", refused)
    again, _ = drafts.draft_orders(sample_master, dues)
    assert again == made and sum(len(d.lines) for d in again) > 0


def test_a_rate_change_written_ahead_with_a_nature_going_with_its_0(sample_master):
    """Every item changes rate on 15 June: one at 0 % with its nature to 4 % (the nature is the
    0 %'s alone), the others to 0 % with nature N4. Orders before and after the day agree with
    the reference, rate and nature."""
    june = date(2026, 6, 15)
    items = [replace(i, new_vat_rate=Decimal(4) if not i.vat_rate else Decimal(0), vat_from=june,
                     vat_nature=i.vat_nature or (None if not i.vat_rate else "N4"))
             for i in sample_master.items]
    master = sample_master.model_copy(update={"items": items})
    _compare(master, date(2026, 6, 8), date(2026, 6, 21))
    dues, _ = due_between(master, date(2026, 6, 8), date(2026, 6, 21))
    natures = {(line.vat_rate, line.vat_nature) for d in draft_orders(master, dues)[0] for line in d.lines}
    assert any(rate and nature is None for rate, nature in natures) and (Decimal(0), "N4") in natures
    assert not [(rate, nature) for rate, nature in natures if rate and nature]
