"""The templates' rule groups against working each template's out on its own
(`tests/oracles/rule_groups.py`): the same groups, in the same order, with the same members,
and the same unusable templates, on randomized templates of every recurrence kind (unusable
rules, RRULEs and every-N-weeks rules whose group depends on the first valid day included),
many of them sharing a rule, and on the sample (issue 20: the plan index at L)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from oracles import rule_groups as oracle
from test_plan_index import _template

from toolkit.core.recurrence import rule_groups


def _templates(seed: int, count: int) -> list:
    rng = random.Random(seed)
    made = [_template(rng, n) for n in range(count)]
    # copies of earlier templates under new codes: equal rules that must share a group
    return made + [replace(rng.choice(made), code=f"K{n:03d}") for n in range(count // 2)]


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("saturday_working", [False, True])
def test_randomized_templates(seed, saturday_working):
    templates = _templates(seed, 400)
    ours, theirs = rule_groups(templates, saturday_working), oracle.rule_groups(templates, saturday_working)
    assert ours == theirs
    assert list(ours[0]) == list(theirs[0])
    assert theirs[1] and any(len(members) > 1 for members in theirs[0].values())


def test_the_sample(sample_master):
    for saturday_working in (False, True):
        templates = list(sample_master.templates)
        ours, theirs = rule_groups(templates, saturday_working), oracle.rule_groups(templates, saturday_working)
        assert ours == theirs and list(ours[0]) == list(theirs[0])
