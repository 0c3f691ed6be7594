"""Pricing one date's order lines with 10,000 price rules, against the same lines without rules.

Issue 17 (and issue 20 after it): pricing 2026-04-09's lines at L (about 50,000) with 10,000
rules may cost at most 1.25 × pricing them without rules. Timed: `draft_orders` — the list
lookups, the rules' index and one lookup per line, the line amounts — on a fresh copy of the
master each run, so both sides build their price book and the rules side its index as a new
session does. Not timed: reading the benchmark workbook (`benchmarks.generate`), the due orders
of the day, making the rules.

The rules are made to matter: half name a customer and an item the customer orders that day,
the rest spread over every shape of `toolkit.core.price_rules.SPECIFICITY` (customer or group,
item or category, and periods and minimum quantities that some lines miss); all are discounts
or markups that stay above the limit price, so no line is refused and both sides price the same
lines.

Run: `python -m benchmarks.bench_price_rules [S|M|L] [runs]` (default M, 5 runs); prints the
lines, how many a rule priced, the medians with and without rules, and their ratio.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from typing import Any

from benchmarks.generate import ensure

DAY = date(2026, 4, 9)
RULES = 10_000
TARGET = 1.25


def rules_for(master, dues, count: int = RULES, seed: int = 2026):
    from toolkit.basics.vocab import PriceRuleKind
    from toolkit.model.records import PriceRule, Source

    rng = random.Random(seed)
    customers = {c.code: c for c in master.customers}
    templates = {t.code: t for t in master.templates}
    ordered = sorted({(templates[d.template].customer, line.item) for d in dues for line in d.lines})
    groups = sorted({c.group for c in master.customers if c.group})
    categories = sorted({i.category for i in master.items if i.category})
    items = [i.code for i in master.items]
    made = []
    for n in range(count):
        shape = "customer-item" if n % 2 == 0 else rng.choice(
            ("customer-item", "customer-category", "group-item", "group-category", "customer", "item", "category"))
        customer, item = rng.choice(ordered)
        fields: dict[str, Any] = {}
        if shape.startswith("customer"):
            fields["customer"] = customer if rng.random() < 0.7 else rng.choice(list(customers))
        if shape.startswith("group"):
            fields["group"] = rng.choice(groups)
        if shape.endswith("item"):
            fields["item"] = item if rng.random() < 0.7 else rng.choice(items)
        if shape.endswith("category"):
            fields["category"] = rng.choice(categories)
        if rng.random() < 0.2:
            fields["valid_from"] = date(2026, rng.choice((1, 3, 5)), 1)
        if rng.random() < 0.2:
            fields["min_quantity"] = Decimal(rng.choice((2, 5, 10, 24)))
        value: dict[str, Any]
        if rng.random() < 0.8:
            kind, value = PriceRuleKind.DISCOUNT, {"discount": Decimal(rng.randint(1, 4))}
        else:
            kind, value = PriceRuleKind.DERIVED, {"markup": Decimal(rng.randint(1, 10)), "rounding": Decimal("0.05")}
        made.append(PriceRule(code=f"R{n:05d}", kind=kind, priority=n, source=Source("price_rules", n + 2),
                              **fields, **value))
    return tuple(made)


def timed(master, dues) -> tuple[float, float, int, int]:
    """Wall-clock and CPU seconds of pricing, lines priced, lines a rule priced."""
    from toolkit.core.drafts import draft_orders

    fresh = master.model_copy()
    began, began_cpu = time.perf_counter(), time.process_time()
    drafts, problems = draft_orders(fresh, dues)
    took, took_cpu = time.perf_counter() - began, time.process_time() - began_cpu
    assert not problems, problems[:3]
    lines = [line for d in drafts for line in d.lines]
    return took, took_cpu, len(lines), sum(1 for line in lines if line.price_rule)


def main() -> None:
    from toolkit.core.plan import due_on
    from toolkit.intake.validation import check_file

    scale = sys.argv[1].upper() if len(sys.argv) > 1 else "M"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    master = check_file(ensure(scale)).master
    assert master is not None
    dues, _ = due_on(master, DAY)
    plain = master.model_copy(update={"price_rules": ()})
    ruled = master.model_copy(update={"price_rules": rules_for(master, dues)})
    without: list[tuple[float, float]] = []
    with_rules: list[tuple[float, float]] = []
    for _ in range(runs):
        took, cpu, lines, _ = timed(plain, dues)
        without.append((took, cpu))
        took, cpu, lines, priced = timed(ruled, dues)
        with_rules.append((took, cpu))
    print(f"scale {scale}: {lines:,} lines on {DAY}, {RULES:,} rules, {priced:,} lines priced by a rule")
    for what, i in (("wall", 0), ("CPU", 1)):
        plain_s = statistics.median(t[i] for t in without)
        ruled_s = statistics.median(t[i] for t in with_rules)
        print(f"{what}: without rules {plain_s:.3f} s, with rules {ruled_s:.3f} s (medians of {runs}): "
              f"ratio {ruled_s / plain_s:.2f} (target ≤ {TARGET})")

if __name__ == "__main__":
    main()
