"""The plan's template lines by template against gathering them one by one
(`tests/oracles/plan_lines.py`): the same templates in the same order, the same lines in sheet
order, as sheets list them (each template's lines together) and shuffled (a template's lines
in several runs); and the plan of a master with shuffled lines as the full scan finds it
(issue 20: the plan index at L)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from factories import line
from oracles import plan as full_scan
from oracles import plan_lines as oracle
from test_plan_index import randomized_master

from toolkit.core.plan import _lines_by_template, due_between


def _lines(rng: random.Random, templates: int) -> list:
    made = []
    for t in range(templates):
        for k in range(rng.randint(0, 6)):
            made.append(line(f"T{t:03d}", f"A{rng.randint(1, 9):03d}", str(rng.randint(1, 99)), row=len(made) + 2,
                             price=Decimal(rng.randint(1, 999)).scaleb(-2) if rng.random() < 0.3 else None,
                             note=f"n{k}" if rng.random() < 0.2 else None))
    return made


@pytest.mark.parametrize("seed", range(6))
def test_lines_by_template_as_one_by_one(seed):
    rng = random.Random(seed)
    together = _lines(rng, 60)
    shuffled = rng.sample(together, len(together))
    one_moved = together[1:] + together[:1]
    for lines in (together, shuffled, one_moved, together[:1], []):
        ours, theirs = _lines_by_template(tuple(lines)), oracle.lines_by_template(tuple(lines))
        assert ours == theirs and list(ours) == list(theirs)
        assert all(type(v) is tuple for v in ours.values())
    assert len(oracle.lines_by_template(shuffled)) < len(shuffled)


@pytest.mark.parametrize("seed", range(2))
def test_a_plan_of_shuffled_lines_as_the_full_scan_finds_it(seed):
    randomized = randomized_master(200 + seed)
    rng = random.Random(seed)
    shuffled = randomized.model_copy(update={"template_lines": tuple(
        rng.sample(randomized.template_lines, len(randomized.template_lines)))})
    for _ in range(30):
        start = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
        end = start + timedelta(days=rng.randint(0, 10))
        assert due_between(shuffled, start, end) == full_scan.due_between(shuffled, start, end), (start, end)
