"""Rule groups worked out template by template: what `toolkit.core.recurrence.rule_groups` gave
before templates equal in their rule's columns shared one computation. Its fast path must give
exactly these groups, in this order, and these unusable positions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from toolkit.core.recurrence import RuleError, RuleGroup, _rule_key, effective_policy
from toolkit.model.records import Template


def rule_groups(templates: Sequence[Template], saturday_working: bool) -> tuple[dict[RuleGroup, list[int]], list[int]]:
    groups: dict[RuleGroup, list[int]] = defaultdict(list)
    unusable: list[int] = []
    for i, template in enumerate(templates):
        try:
            groups[_rule_key(template, saturday_working), effective_policy(template)].append(i)
        except RuleError:
            unusable.append(i)
    return dict(groups), unusable
